"""Property-based: random and mutated HTML, feeds, sitemaps and robots.txt never make
discovery or extraction raise (hypothesis); whatever a page holds, the crawl goes on."""

from __future__ import annotations

import asyncio

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from company_research.discover import choose_pages, post_links, rank_candidates
from company_research.extract import extract_page, parse_feed
from company_research.fetch import Fetcher, make_client
from company_research.models import SitemapEntry
from company_research.settings import Settings
from company_research.sitemaps import parse_sitemap, robots_sitemaps

from .conftest import SITES

DOMAIN = "harborlight.io"
HOME = f"https://www.{DOMAIN}/"
SEEDS = {
    "html": [p.read_bytes()[:6000] for p in sorted(SITES.glob("*/index.html"))][:6],
    "feed": [
        (SITES / "harborlight.io" / "feed" / "index.xml").read_bytes()[:5000],
        (SITES / "blog.quillstack.com" / "atom.xml").read_bytes()[:5000],
    ],
    "sitemap": [
        (SITES / "harborlight.io" / "sitemap_index.xml").read_bytes(),
        (SITES / "harborlight.io" / "post-sitemap.xml").read_bytes(),
    ],
}
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
# Fragments a parser meets at its edges: unclosed and stray tags, entities, CDATA, comments.
TOKENS = [
    b"<",
    b">",
    b"</",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<script>",
    b"</script>",
    b"<a href='",
    b"javascript:",
    b"&#0;",
    b"&#xD800;",
    b"&amp",
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&a;",
    b"<meta charset='utf-7'>",
    b"+ADw-",
    b"\xc3",
    b"\xe2\x80\xae",
    b"<div>" * 20,
    b'"',
    b"'",
    b"<link rel=alternate type=application/rss+xml href=",
    b"<loc>",
    b"</loc>",
    b"<url>",
    b'<script type="application/ld+json">{"@type":',
    b"</html>",
    b"<time datetime='",
]


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    """A real fixture document with slices deleted, duplicated and spliced with edge tokens."""
    data = bytearray(draw(st.sampled_from(SEEDS[kind])))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "dup", "token", "bytes"]))
        if op == "cut":
            del data[at : at + draw(st.integers(1, 400))]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        else:
            data[at:at] = draw(st.binary(max_size=16))
    return bytes(data)


def _html_of(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _discover(extraction_links: tuple[tuple[str, str], ...]) -> None:
    ranked = rank_candidates(extraction_links, DOMAIN, [SitemapEntry(HOME + "about-us/")])
    choose_pages(ranked, 10, set())
    post_links(HOME + "blog/", extraction_links, DOMAIN, 8)


@FUZZ
@given(st.one_of(mutated("html"), st.binary(max_size=2000)), st.sampled_from(["home", "post"]))
def test_extract_and_discover_never_raise(data: bytes, kind: str):
    extraction = extract_page(HOME, _html_of(data), kind, DOMAIN)
    _discover(extraction.links)


@FUZZ
@given(st.text(max_size=500), st.sampled_from(["home", "about", "post"]))
def test_extract_random_text_never_raises(text: str, kind: str):
    extract_page(HOME, text, kind, DOMAIN)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.one_of(st.text(max_size=80), st.from_regex(r"https?://[^\s]{0,60}", fullmatch=True)),
            st.text(max_size=40),
        ),
        max_size=30,
    )
)
def test_discovery_takes_any_links(links: list[tuple[str, str]]):
    _discover(tuple(links))


@FUZZ
@given(st.one_of(mutated("feed"), st.binary(max_size=2000)))
def test_parse_feed_never_raises(data: bytes):
    _title, entries = parse_feed(data, HOME + "feed/")
    for entry in entries:
        assert isinstance(entry.url, str)


@FUZZ
@given(st.one_of(mutated("sitemap"), st.binary(max_size=2000)))
def test_parse_sitemap_never_raises(data: bytes):
    sitemap = parse_sitemap(data, HOME + "sitemap.xml", 1_000_000)
    rank_candidates((), DOMAIN, sitemap.entries)


ROBOTS_LINES = st.sampled_from(
    [
        "User-agent: *",
        "User-agent: company-research",
        "Disallow: /",
        "Disallow: /about",
        "Allow: /about-us/",
        "Disallow: *",
        "Disallow: /*?",
        "Crawl-delay: 0.01",
        "Crawl-delay: nan",
        "Crawl-delay: -5",
        "Crawl-delay: 1e309",
        "Sitemap: /sitemap.xml",
        "Sitemap: javascript:alert(1)",
        "Disallow: /%",
        "Allow: $",
        "Disallow: /\x00",
        "Request-rate: 1/0",
        "Host: evil.example",
        "#",
        "",
    ]
)


@FUZZ
@given(st.lists(st.one_of(ROBOTS_LINES, st.text(max_size=40)), max_size=15))
@example(["User-agent: *", "Disallow: /"])
def test_robots_txt_never_raises(lines: list[str]):
    body = "\n".join(lines).encode("utf-8", errors="replace")

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/robots.txt"):
            stream = httpx.ByteStream(body)  # a streamed body, as the fetcher reads it
            return httpx.Response(200, stream=stream, headers={"content-type": "text/plain"})
        return httpx.Response(200, html="<html></html>")

    base = "http://127.0.0.1:9/harborlight.io"
    conf = Settings(resolve={DOMAIN: base}, resolved_only=True, max_crawl_delay=0.01)

    async def check() -> None:
        async with make_client(conf, httpx.MockTransport(answer)) as client:
            fetcher = Fetcher(client, conf, DOMAIN)
            for path in ("", "about-us/", "a?b=1", "%ff", "blog/post"):
                verdict = await fetcher.allowed(HOME + path)
                assert verdict in (True, False)
            robots_sitemaps(fetcher.robots_text(f"www.{DOMAIN}") or "", HOME)
            assert [r.error for r in fetcher.log] == [None]  # robots.txt was read and parsed
            if lines[:2] == ["User-agent: *", "Disallow: /"]:
                assert not await fetcher.allowed(HOME)

    asyncio.run(check())
