"""Domains and crawl scope: what the user typed, URL hosts, --resolve, canonical URLs."""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import idna  # a hard dependency of httpx; IDNA 2008 + UTS 46 as browsers use

from company_research.errors import UsageError

__all__ = [
    "canonical_url",
    "host_of",
    "in_scope",
    "is_private_address",
    "normalise_domain",
    "parse_resolve",
    "parse_resolve_list",
    "registrable_domain",
    "resolve_url",
]

_MAX_LABEL = 63
_MAX_NAME = 253
_LDH_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)
_PORT_ONLY = re.compile(r"^\d*(?:[/?#]|$)")
_TRACKING_PARAMS = frozenset({"gclid", "fbclid", "mc_cid", "mc_eid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
# Schemes of links people paste that carry an "@" of their own (mailto:jobs@acme.com).
_LINK_SCHEMES = frozenset({"mailto", "xmpp", "sip", "sips", "im", "javascript", "data", "ssh"})


# The public suffix list tldextract ships (a dependency for its snapshot only): importing
# tldextract itself costs about 0.14 s of start-up (it imports requests and filelock for
# downloads and caches we switch off), so the snapshot is read and looked up here directly,
# with tldextract's semantics (private suffixes count, so acme.github.io is its own site).
_SNAPSHOT = ".tld_set_snapshot"
_END = ""  # key of a trie node marking "a rule ends here" (labels are never empty)


@functools.cache
def _snapshot_text() -> str:
    """The snapshot, with a line break before its first line and after its last."""
    spec = importlib.util.find_spec("tldextract")  # finds, does not import
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / _SNAPSHOT
        if path.is_file():
            return "\n" + path.read_text(encoding="utf-8") + "\n"
    raise RuntimeError("the public suffix list bundled with tldextract is missing")


# A rule line: no whitespace, and not a comment ("//..."); what comes before its TLD.
_RULE_PREFIX = re.compile(r"[^\s/]\S*")


@functools.lru_cache(maxsize=256)
def _suffix_trie(tld: str) -> dict[str, dict]:
    """The public suffix rules (ICANN and private) under one top-level label, as a trie
    keyed by reversed labels. Built when a host under it is first looked up, from the lines
    that are the TLD or end in ".TLD": found with str.find (in C), each checked to be a
    rule; every rule of every TLD in Python took ~25 ms of each start, and a regex over
    every line ~6 ms (.com)."""
    text = _snapshot_text()
    root: dict[str, dict] = {}
    lines = []
    if text.find(f"\n{tld}\n") != -1:
        lines.append(tld)
    needle = f".{tld}\n"
    at = text.find(needle)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if _RULE_PREFIX.fullmatch(text, start, at):
            lines.append(text[start : at + len(needle) - 1])
        at = text.find(needle, at + len(needle))
    for line in lines:
        node = root
        for label in reversed(line.split(".")):
            node = node.setdefault(label, {})
        node[_END] = {}
    return root


def _decode_label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return idna.decode(label)
        except (idna.IDNAError, UnicodeError, IndexError):
            pass
    return label


def _split_suffix(ascii_host: str) -> tuple[str, str]:
    """(domain label, public suffix) of a lower-case ASCII host; "" for what is missing."""
    labels = ascii_host.split(".")
    node = _suffix_trie(_decode_label(labels[-1]))
    suffix_at = at = len(labels)
    for label in reversed(labels):
        decoded = _decode_label(label)
        child = node.get(decoded)
        if child is not None:
            at -= 1
            node = child
            if _END in node:
                suffix_at = at
            continue
        if "*" in node:  # a wildcard rule (*.ck) unless an exception (!www.ck) names this label
            suffix_at = at if "!" + decoded in node else at - 1
        break
    if suffix_at == len(labels):
        return "", ""
    domain = labels[suffix_at - 1] if suffix_at > 0 else ""
    return domain, ".".join(labels[suffix_at:])


def _show(raw: str) -> str:
    text = raw if len(raw) <= 60 else raw[:57] + "..."
    return repr(text)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names as a literal, including the forms inet_aton accepts."""
    text = host.strip().strip("[]").rstrip(".").lower()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    # getaddrinfo() (and so httpx) accepts 2130706433, 0x7f000001, 0177.0.0.1 and 127.1.
    parts = text.split(".")
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part.startswith("0x"):
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
        if numbers[-1] < 0:
            return None
    value = 0
    for index, number in enumerate(numbers[:-1]):
        if number > 255:
            return None
        value |= number << (8 * (3 - index))
    last_bits = 8 * (4 - len(numbers) + 1)
    if numbers[-1] >= 1 << last_bits:
        return None
    return ipaddress.IPv4Address(value | numbers[-1])


def _to_ascii(host: str) -> str:
    """Lower-case ASCII (punycode) form of a host name; ValueError if it cannot be one."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(str(exc)) from exc


def _check_hostname(host: str, raw: str) -> str:
    """The ASCII form of a syntactically valid DNS name, or a UsageError naming the problem."""
    if not host:
        raise UsageError(f"{_show(raw)} has no host name")
    if len(host) > 1024:
        raise UsageError(f"{_show(raw)} is over the {_MAX_NAME} characters a domain may have")
    for label in host.rstrip(".").split("."):
        if len(label) > _MAX_LABEL:
            raise UsageError(f"{_show(raw)} has a label longer than {_MAX_LABEL} characters")
    try:
        ascii_host = _to_ascii(host)
    except ValueError:
        raise UsageError(f"{_show(raw)} contains characters a domain cannot have") from None
    labels = ascii_host.split(".")
    if any(not label for label in labels):
        raise UsageError(f"{_show(raw)} has an empty label (two dots in a row?)")
    if any(len(label) > _MAX_LABEL for label in labels):
        raise UsageError(f"{_show(raw)} has a label longer than {_MAX_LABEL} characters")
    if len(ascii_host) > _MAX_NAME:
        raise UsageError(f"{_show(raw)} is over the {_MAX_NAME} characters a domain may have")
    if not all(_LDH_LABEL.match(label) for label in labels):
        raise UsageError(f"{_show(raw)} contains characters a domain cannot have")
    for label in labels:
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                raise UsageError(f"{_show(raw)} has a label that is not valid punycode") from None
    return ascii_host


def normalise_domain(raw: str) -> str:
    """The registrable domain (lower-case ASCII) named by a domain or URL the user typed.

    ``www.acme.com``, ``https://acme.com/about`` and ``ACME.com.`` all give ``acme.com``;
    ``blog.acme.co.uk`` gives ``acme.co.uk``; ``bücher.de`` gives ``xn--bcher-kva.de``.
    Anything that is not a public web domain raises UsageError with a one-line reason.
    """
    text = raw.strip()
    if not text:
        raise UsageError("no domain given", hint="try e.g. acme.com")
    if any(ch.isspace() for ch in text):
        raise UsageError(f"{_show(text)} contains spaces; give one domain such as acme.com")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise UsageError(f"{_show(text)} contains control characters")
    if _ip_literal(text) is not None:
        raise UsageError(f"{_show(text)} is an IP address; give the company's domain name")
    if text.startswith("//"):
        text = "http:" + text
    scheme_match = _SCHEME.match(text)
    if "://" in text:
        url = text
    elif (
        scheme_match
        and "." not in scheme_match.group(1)
        and not _PORT_ONLY.match(scheme_match.group(2))
    ):
        scheme = scheme_match.group(1).lower()
        if "@" in text and scheme not in _LINK_SCHEMES:  # "user:secret@acme.com"
            raise UsageError(
                f"{_show(text)} contains a user name or password; give just the domain"
            )
        raise UsageError(f"{_show(text)} is a {scheme}: link, not a web address")
    else:
        url = "http://" + text
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UsageError(f"{_show(text)} is not a valid domain or URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UsageError(f"{_show(text)} is not an http(s) web address")
    if "@" in parts.netloc:
        raise UsageError(f"{_show(text)} contains a user name or password; give just the domain")
    if port is not None and port not in (80, 443):
        raise UsageError(f"{_show(text)} names port {port}; only sites on ports 80 and 443")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UsageError(f"{_show(text)} has no host name")
    if _ip_literal(host) is not None or parts.netloc.startswith("["):
        raise UsageError(f"{_show(text)} is an IP address; give the company's domain name")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        raise UsageError(f"{_show(text)} is this computer, not a company's domain")
    ascii_host = _check_hostname(host, text)
    if "." not in ascii_host:
        raise UsageError(f"{_show(text)} is a single name; give a full domain such as acme.com")
    domain, suffix = _split_suffix(ascii_host)
    if not suffix:
        raise UsageError(f"{_show(text)} does not end in a known public suffix (.com, .de, ...)")
    if not domain:
        raise UsageError(f"{_show(text)} is a public suffix, not a company's domain")
    return f"{domain}.{suffix}"


def registrable_domain(host: str) -> str | None:
    """``blog.acme.co.uk`` -> ``acme.co.uk``; None for IP literals, bad names, unknown suffixes."""
    text = host.strip().strip("[]").rstrip(".").lower()
    if not text or _ip_literal(text) is not None:
        return None
    try:
        ascii_host = _to_ascii(text)
    except ValueError:
        return None
    domain, suffix = _split_suffix(ascii_host)
    if not suffix or not domain:
        return None
    return f"{domain}.{suffix}"


def host_of(url: str) -> str:
    """Lower-case host of a URL without port or trailing dot (IDNs as punycode); "" if none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    try:
        return _to_ascii(host)
    except ValueError:
        return host.lower()


def in_scope(url: str, domain: str) -> bool:
    """True for an http(s) URL on ``domain`` or one of its subdomains."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    domain = domain.strip().rstrip(".").lower()
    if scheme not in ("http", "https") or not domain:
        return False
    host = host_of(url)
    return host == domain or host.endswith("." + domain)


def is_private_address(host: str) -> bool:
    """True when a host is an IP literal (any form getaddrinfo takes) that is not public.

    Private, loopback, link-local, reserved, multicast, unspecified and shared (CGNAT) ranges,
    IPv4-mapped and 6to4 IPv6 forms of those, and the name ``localhost`` count as private.
    """
    text = host.strip().strip("[]").rstrip(".").lower()
    if text in _LOCAL_NAMES or text.endswith(".localhost"):
        return True
    address = _ip_literal(text)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d connects to a.b.c.d
            return _is_private_ip(address.ipv4_mapped)
        if address.sixtofour is not None and _is_private_ip(address.sixtofour):
            return True
    return _is_private_ip(address)


def _is_private_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def parse_resolve(spec: str) -> tuple[str, str]:
    """``HOST=BASE_URL`` -> (host, base URL without trailing slash); UsageError if malformed."""
    host, sep, base = spec.strip().partition("=")
    host, base = host.strip(), base.strip()
    if not sep or not host or not base:
        raise UsageError(
            f"--resolve {_show(spec)} is not HOST=BASE_URL",
            hint="e.g. acme.com=http://127.0.0.1:8000/acme.com",
        )
    if any(ch.isspace() for ch in host) or "/" in host or ":" in host:
        raise UsageError(f"--resolve {_show(spec)}: {_show(host)} is not a host name")
    ascii_host = _check_hostname(host.rstrip("."), host)
    try:
        parts = urlsplit(base)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"--resolve {_show(spec)}: {_show(base)} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--resolve {_show(spec)}: BASE_URL must be an http(s) URL with a host")
    return ascii_host, base.rstrip("/")


def parse_resolve_list(specs: list[str], env_value: str) -> dict[str, str]:
    """Combine repeated --resolve values with $RESEARCH_RESOLVE (comma-separated); CLI wins."""
    mapping: dict[str, str] = {}
    for item in env_value.split(","):
        if item.strip():
            host, base = parse_resolve(item)
            mapping[host] = base
    for spec in specs:
        host, base = parse_resolve(spec)
        mapping[host] = base
    return mapping


def resolve_url(url: str, resolve: dict[str, str]) -> str:
    """The URL to fetch: BASE_URL + path (+ query) when the URL's host is HOST or www.HOST."""
    if not resolve:
        return url
    host = host_of(url)
    if not host:
        return url
    base = resolve.get(host)
    if base is None and host.startswith("www."):
        base = resolve.get(host[4:])
    if base is None:
        return url
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return base.rstrip("/") + path + (f"?{parts.query}" if parts.query else "")


def _is_tracking(param: str) -> bool:
    key = param.split("=", 1)[0].lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no fragment, default port, or trackers."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    host = host_of(text)
    if not host:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))
