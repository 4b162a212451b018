"""Sitemaps as sites serve them: namespaced XML, indexes, gzip, plain text, hostile bodies."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from company_research.errors import TooLargeError
from company_research.models import Sitemap, SitemapEntry
from company_research.sitemaps import MAX_ENTRIES, parse_sitemap, robots_sitemaps

BASE = "https://acme.com/sitemap.xml"
CAP = 5_000_000

# Yoast SEO's page sitemap (with its XSL stylesheet processing instruction and image extension).
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl"
 href="//acme.com/wp-content/plugins/wordpress-seo/css/main-sitemap.xsl"?>
<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
 xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9
 http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd"
 xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
	<url>
		<loc>https://acme.com/</loc>
		<lastmod>2024-06-03T10:12:44+00:00</lastmod>
	</url>
	<url>
		<loc>https://acme.com/about-us/</loc>
		<lastmod>2024-01-15T08:00:00+00:00</lastmod>
		<image:image><image:loc>https://acme.com/wp-content/uploads/team.jpg</image:loc></image:image>
	</url>
	<url><loc> https://acme.com/careers/?dept=eng&amp;loc=remote </loc></url>
	<url><loc>/relative/page</loc></url>
	<url><loc>javascript:alert(1)</loc></url>
	<url><loc></loc></url>
	<url><loc>https://acme.com/about-us/</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://acme.com/post-sitemap.xml</loc><lastmod>2024-06-01</lastmod></sitemap>
  <sitemap><loc>https://acme.com/page-sitemap.xml.gz</loc></sitemap>
  <sitemap><loc>not a url</loc></sitemap>
</sitemapindex>"""


def test_namespaced_urlset_with_lastmod() -> None:
    sitemap = parse_sitemap(URLSET, BASE, CAP)
    assert sitemap.children == ()
    assert sitemap.entries == (
        SitemapEntry("https://acme.com/", "2024-06-03T10:12:44+00:00"),
        SitemapEntry("https://acme.com/about-us/", "2024-01-15T08:00:00+00:00"),
        SitemapEntry("https://acme.com/careers/?dept=eng&loc=remote", None),
    )


def test_sitemap_index() -> None:
    sitemap = parse_sitemap(INDEX, BASE, CAP)
    assert sitemap.entries == ()
    assert sitemap.children == (
        "https://acme.com/post-sitemap.xml",
        "https://acme.com/page-sitemap.xml.gz",
    )


def test_urlset_without_namespace_and_with_bom() -> None:
    body = (
        b"\xef\xbb\xbf<urlset><url><loc>http://shop.acme.com/a</loc>"
        b"<lastmod> 2023-05-01 </lastmod></url></urlset>"
    )
    assert parse_sitemap(body, BASE, CAP).entries == (
        SitemapEntry("http://shop.acme.com/a", "2023-05-01"),
    )


def test_gzip_sitemap_index() -> None:
    sitemap = parse_sitemap(gzip.compress(INDEX), "https://acme.com/sitemap_index.xml.gz", CAP)
    assert len(sitemap.children) == 2


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 20_000_000 + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(TooLargeError) as caught:
        parse_sitemap(bomb, "https://acme.com/sitemap.xml.gz", 1_000_000)
    assert caught.value.url == "https://acme.com/sitemap.xml.gz"
    assert "cap" in caught.value.reason


def test_body_over_the_cap_is_refused() -> None:
    with pytest.raises(TooLargeError):
        parse_sitemap(URLSET, BASE, 100)


def test_truncated_or_corrupt_gzip_gives_what_inflated() -> None:
    packed = gzip.compress(URLSET)
    truncated = parse_sitemap(packed[: len(packed) - 40], BASE, CAP)
    assert SitemapEntry("https://acme.com/", "2024-06-03T10:12:44+00:00") in truncated.entries
    assert parse_sitemap(b"\x1f\x8b garbage", BASE, CAP) == Sitemap()


def test_plain_text_sitemap() -> None:
    body = (
        b"https://acme.com/\r\nhttps://acme.com/about\n\n  https://acme.com/jobs  \n"
        b"/relative\nnot a url\nftp://acme.com/file\nhttps://acme.com/about\n"
    )
    assert [e.url for e in parse_sitemap(body, BASE, CAP).entries] == [
        "https://acme.com/",
        "https://acme.com/about",
        "https://acme.com/jobs",
    ]


def test_entity_declarations_are_refused() -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset><url><loc>https://acme.com/&lol2;</loc></url></urlset>"""
    assert parse_sitemap(laughs, BASE, CAP) == Sitemap()
    external = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://acme.com/&x;</loc></url></urlset>"""
    assert parse_sitemap(external, BASE, CAP) == Sitemap()


def test_html_error_page_and_empty_body() -> None:
    page = b"<!DOCTYPE html><html><body><h1>404</h1><a href='https://acme.com/'>home</a></body>"
    assert parse_sitemap(page, BASE, CAP) == Sitemap()
    assert parse_sitemap(b"", BASE, CAP) == Sitemap()
    assert parse_sitemap(b"   \n", BASE, CAP) == Sitemap()


def test_broken_xml_keeps_what_parsed() -> None:
    body = b"<urlset><url><loc>https://acme.com/a</loc></url><url><loc>https://acme.com/b</lo"
    assert parse_sitemap(body, BASE, CAP).entries[0].url == "https://acme.com/a"


def test_entries_are_capped() -> None:
    urls = b"".join(b"<url><loc>https://acme.com/p%d</loc></url>" % i for i in range(50_010))
    sitemap = parse_sitemap(b"<urlset>" + urls + b"</urlset>", BASE, 10_000_000)
    assert len(sitemap.entries) == MAX_ENTRIES


ROBOTS = """# robots.txt for acme.com
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: https://acme.com/sitemap_index.xml
sitemap:/news-sitemap.xml   # relative, made absolute
SITEMAP : https://acme.com/sitemap_index.xml
Site-map: https://blog.acme.com/sitemap.xml
Sitemap: javascript:alert(1)
Sitemap:
"""


def test_robots_sitemaps() -> None:
    assert robots_sitemaps(ROBOTS, "https://www.acme.com/robots.txt") == [
        "https://acme.com/sitemap_index.xml",
        "https://www.acme.com/news-sitemap.xml",
        "https://blog.acme.com/sitemap.xml",
    ]
    assert robots_sitemaps("", "https://acme.com/") == []


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_sitemap_never_raises_on_random_bytes(body: bytes) -> None:
    assert isinstance(parse_sitemap(body, BASE, CAP), Sitemap)


XML_FRAGMENTS = st.sampled_from(
    [b"<urlset>", b"</urlset>", b"<url>", b"</url>", b"<loc>", b"</loc>", b"https://acme.com/x",
     b"<lastmod>2024</lastmod>", b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>",
     b"<sitemap>", b"&amp;", b"&", b"<![CDATA[", b"]]>", b"<?xml version='1.0'?>", b"\x00", b"\xff"]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(XML_FRAGMENTS, max_size=40), st.booleans())
def test_parse_sitemap_never_raises_on_mutated_xml(parts: list[bytes], packed: bool) -> None:
    body = b"".join(parts)
    if packed:
        body = gzip.compress(body)
    sitemap = parse_sitemap(body, BASE, CAP)
    assert all(e.url.startswith(("http://", "https://")) for e in sitemap.entries)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_robots_sitemaps_never_raises(text: str) -> None:
    for url in robots_sitemaps(text, "https://acme.com/robots.txt"):
        assert url.startswith(("http://", "https://"))
