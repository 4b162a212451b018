"""Domains and crawl scope: what users type, what redirects and links point at, --resolve."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from company_research.errors import UsageError
from company_research.scope import (
    canonical_url,
    host_of,
    in_scope,
    is_private_address,
    normalise_domain,
    parse_resolve,
    parse_resolve_list,
    registrable_domain,
    resolve_url,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.com", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("ACME.com.", "acme.com"),
        ("  acme.com  ", "acme.com"),
        ("https://acme.com/about", "acme.com"),
        ("http://www.acme.com:443/x?y", "acme.com"),
        ("http://www.acme.com:80", "acme.com"),
        ("acme.com:443", "acme.com"),
        ("//acme.com/careers", "acme.com"),
        ("blog.acme.co.uk", "acme.co.uk"),
        ("https://jobs.eu.acme.com.au/de/", "acme.com.au"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("https://www.BÜCHER.de/impressum", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("ＡＣＭＥ.com", "acme.com"),
        ("acme.github.io", "acme.github.io"),
    ],
)
def test_normalise_domain_accepts_what_people_paste(raw: str, expected: str) -> None:
    assert normalise_domain(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "no domain"),
        ("   ", "no domain"),
        ("acme .com", "spaces"),
        ("acme corp", "spaces"),
        ("https://user:pw@acme.com", "user name or password"),
        ("https://user@acme.com/", "user name or password"),
        ("93.184.216.34", "IP address"),
        ("http://10.0.0.1/admin", "IP address"),
        ("::1", "IP address"),
        ("http://[2001:db8::1]:443/", "IP address"),
        ("2130706433", "IP address"),
        ("localhost", "this computer"),
        ("http://localhost/", "this computer"),
        ("intranet", "single name"),
        ("co.uk", "public suffix"),
        ("com", "single name"),
        ("acme.notarealtld", "public suffix"),
        ("a" * 64 + ".com", "longer than 63"),
        (("abcdefghij" * 5 + ".") * 5 + "com", "253"),
        ("acme..com", "empty label"),
        ("acme_corp.com", "characters"),
        ("acme!.com", "characters"),
        ("-acme.com", "characters"),
        ("ftp://acme.com", "http(s)"),
        ("javascript:alert(1)", "javascript:"),
        ("mailto:jobs@acme.com", "mailto:"),
        ("acme.com:8080", "port 8080"),
        ("https://acme.com:8443/", "port 8443"),
        ("acme.com:abc", "not a valid"),
    ],
)
def test_normalise_domain_rejects_with_a_one_line_reason(raw: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        normalise_domain(raw)
    message = str(caught.value)
    assert problem in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.acme.com", "acme.com"),
        ("blog.acme.co.uk", "acme.co.uk"),
        ("ACME.COM.", "acme.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("127.0.0.1", None),
        ("[::1]", None),
        ("co.uk", None),
        ("acme.invalidtld", None),
        ("", None),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.com/", True),
        ("http://www.acme.com/about", True),
        ("https://blog.acme.com/2024/post", True),
        ("https://ACME.COM./x", True),
        ("https://acme.com:8443/x", True),
        ("https://acme.com.evil.com/", False),
        ("https://notacme.com/", False),
        ("https://evil.com/?next=https://acme.com", False),
        ("https://acme.com@evil.com/", False),
        ("ftp://acme.com/file", False),
        ("mailto:jobs@acme.com", False),
        ("/relative/path", False),
        ("", False),
        ("http://[::1/", False),
    ],
)
def test_in_scope(url: str, expected: bool) -> None:
    assert in_scope(url, "acme.com") is expected


def test_in_scope_with_an_idn_domain() -> None:
    assert in_scope("https://www.bücher.de/über-uns", "xn--bcher-kva.de")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.Acme.com:8443/x", "www.acme.com"),
        ("http://acme.com./", "acme.com"),
        ("http://[::1]:8000/", "::1"),
        ("https://bücher.de/", "xn--bcher-kva.de"),
        ("/just/a/path", ""),
        ("http://[::1/", ""),
    ],
)
def test_host_of(url: str, expected: str) -> None:
    assert host_of(url) == expected


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata service
        "0.0.0.0",
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "[::1]",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "[::ffff:10.0.0.1]",
        "2130706433",  # 127.0.0.1 as one integer
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "localhost",
        "app.localhost",
    ],
)
def test_private_addresses(host: str) -> None:
    assert is_private_address(host)


@pytest.mark.parametrize(
    "host",
    ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8", "acme.com", "", "1.2.3.4.5"],
)
def test_public_or_named_hosts_are_not_private(host: str) -> None:
    assert not is_private_address(host)


def test_private_address_from_a_parsed_url() -> None:
    assert is_private_address(host_of("http://2130706433/"))
    assert is_private_address(host_of("http://[::ffff:192.168.0.1]:8080/"))


def test_parse_resolve() -> None:
    assert parse_resolve("acme.com=http://127.0.0.1:8000/acme.com/") == (
        "acme.com",
        "http://127.0.0.1:8000/acme.com",
    )
    assert parse_resolve(" ACME.com = https://mirror.example/ ") == (
        "acme.com",
        "https://mirror.example",
    )
    assert parse_resolve("bücher.de=http://127.0.0.1:9/b")[0] == "xn--bcher-kva.de"


@pytest.mark.parametrize(
    "spec",
    [
        "acme.com",
        "=http://127.0.0.1/",
        "acme.com=",
        "acme.com=127.0.0.1:8000",
        "acme.com=ftp://127.0.0.1/",
        "acme.com=http:///nohost",
        "acme.com=http://127.0.0.1:99999/",
        "acme com=http://127.0.0.1/",
        "https://acme.com=http://127.0.0.1/",
        "ac_me.com=http://127.0.0.1/",
    ],
)
def test_parse_resolve_rejects(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_resolve(spec)


def test_parse_resolve_list_combines_cli_and_env_cli_wins() -> None:
    mapping = parse_resolve_list(
        ["acme.com=http://127.0.0.1:1/cli"],
        " acme.com=http://127.0.0.1:2/env , globex.de=http://127.0.0.1:2/globex,, ",
    )
    assert mapping == {
        "acme.com": "http://127.0.0.1:1/cli",
        "globex.de": "http://127.0.0.1:2/globex",
    }
    assert parse_resolve_list([], "") == {}
    with pytest.raises(UsageError):
        parse_resolve_list([], "acme.com=http://ok/,broken")


RESOLVE = {"acme.com": "http://127.0.0.1:8000/acme.com"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.acme.com/about?x=1", "http://127.0.0.1:8000/acme.com/about?x=1"),
        ("https://acme.com/", "http://127.0.0.1:8000/acme.com/"),
        ("https://acme.com", "http://127.0.0.1:8000/acme.com/"),
        ("http://ACME.com/a/b.html#top", "http://127.0.0.1:8000/acme.com/a/b.html"),
        ("https://blog.acme.com/post", "https://blog.acme.com/post"),
        ("https://globex.com/", "https://globex.com/"),
        ("https://www.www.acme.com/", "https://www.www.acme.com/"),
    ],
)
def test_resolve_url(url: str, expected: str) -> None:
    assert resolve_url(url, RESOLVE) == expected


def test_resolve_url_without_mapping_is_identity() -> None:
    assert resolve_url("https://acme.com/x", {}) == "https://acme.com/x"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Acme.COM", "https://www.acme.com/"),
        ("https://acme.com:443/about#team", "https://acme.com/about"),
        ("http://acme.com:80/", "http://acme.com/"),
        ("http://acme.com:8080/x", "http://acme.com:8080/x"),
        (
            "https://acme.com/Blog/?utm_source=x&utm_medium=y&page=2",
            "https://acme.com/Blog/?page=2",
        ),
        ("https://acme.com/?gclid=1&fbclid=2&mc_cid=3&mc_eid=4", "https://acme.com/"),
        ("https://acme.com/search?q=a%20b&lang=de", "https://acme.com/search?q=a%20b&lang=de"),
        ("https://[::1]:443/x", "https://[::1]/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_normalise_domain_returns_a_domain_or_a_usage_error(raw: str) -> None:
    try:
        domain = normalise_domain(raw)
    except UsageError as exc:
        message = str(exc)
        domain = None
    if domain is None:
        assert "\n" not in message
    else:
        assert domain == domain.lower()
        assert domain.isascii()
        assert "." in domain
        assert registrable_domain(domain) == domain


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["", "www.", "https://", "http://www.", "//", "HTTPS://WWW."]),
    st.from_regex(r"[a-z0-9ü-]{1,20}", fullmatch=True),
    st.sampled_from([".com", ".co.uk", ".de", ".io", ".", ".com.", ""]),
    st.sampled_from(["", "/", "/about", ":443/x", ":80", ":8080", "?q=1", "#x", "/a b"]),
)
def test_normalise_domain_on_url_like_input(prefix: str, name: str, tld: str, rest: str) -> None:
    try:
        domain = normalise_domain(prefix + name + tld + rest)
    except UsageError:
        return
    assert in_scope(f"https://www.{domain}/", domain)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_url_helpers_never_raise(url: str) -> None:
    host_of(url)
    in_scope(url, "acme.com")
    canonical_url(url)
    resolve_url(url, RESOLVE)
    is_private_address(url)
    registrable_domain(url)
