"""Sitemaps: XML url sets and indexes (gzip bounded), plain-text sitemaps, robots.txt hints."""

from __future__ import annotations

import re
import zlib
from urllib.parse import urljoin, urlsplit

from lxml import etree

from company_research.errors import TooLargeError
from company_research.models import Sitemap, SitemapEntry

__all__ = ["MAX_ENTRIES", "parse_sitemap", "robots_sitemaps"]

MAX_ENTRIES = 50_000  # the sitemaps.org limit per file
MAX_ROBOTS_SITEMAPS = 50
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROBOTS_SITEMAP = re.compile(r"^\s*site-?map\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def _gunzip(body: bytes, url: str, max_bytes: int) -> bytes:
    """Inflate a gzip body a chunk at a time, stopping as soon as it passes max_bytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    data = body
    while data and not inflater.eof:
        try:
            chunk = inflater.decompress(data, _CHUNK)
        except zlib.error:
            break  # a truncated or corrupt stream: parse what did inflate
        out += chunk
        if len(out) > max_bytes:
            raise TooLargeError(url, f"sitemap inflates past the {max_bytes:,}-byte cap")
        data = inflater.unconsumed_tail
        if not chunk:
            break  # output buffer not filled, so all input was consumed
    return bytes(out)


def _absolute(url: str) -> str | None:
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # urlsplit drops leading control characters ("\x00https://..." has scheme https): a URL
    # holding one is no URL.
    if any(ch.isspace() or ch < " " or ch == "\x7f" for ch in text):
        return None
    return text


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def _parse_xml(data: bytes) -> Sitemap:
    if _ENTITY_DECLARATION.search(data):
        return Sitemap()  # entity declarations have no place in a sitemap: refuse, do not expand
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return Sitemap()
    if root is None:
        return Sitemap()
    entries: list[SitemapEntry] = []
    children: list[str] = []
    seen: set[str] = set()
    for el in root.iter():
        kind = _local(el.tag)
        if kind not in ("url", "sitemap"):
            continue
        loc = _child_text(el, "loc")
        url = _absolute(loc) if loc else None
        if url is None or url in seen:
            continue
        seen.add(url)
        if kind == "sitemap":
            children.append(url)
        else:
            entries.append(SitemapEntry(url=url, lastmod=_child_text(el, "lastmod")))
        if len(seen) >= MAX_ENTRIES:
            break
    return Sitemap(entries=tuple(entries), children=tuple(children))


def _parse_text(data: bytes) -> Sitemap:
    entries: list[SitemapEntry] = []
    seen: set[str] = set()
    for line in data.decode("utf-8", errors="replace").splitlines():
        url = _absolute(line)
        if url is None or url in seen:
            continue
        seen.add(url)
        entries.append(SitemapEntry(url=url))
        if len(entries) >= MAX_ENTRIES:
            break
    return Sitemap(entries=tuple(entries))


def parse_sitemap(body: bytes, base_url: str, max_bytes: int) -> Sitemap:
    """Entries (page URLs with <lastmod>) or children (an index's sitemaps) of one sitemap.

    Accepts XML (namespaced or not), gzip (magic bytes, whatever the URL or header says) and
    plain text, one URL per line. Only absolute http(s) URLs are kept, at most 50,000.
    Broken input gives an empty or partial Sitemap. The one error: a body over max_bytes, or a
    gzip body that inflates past it, raises TooLargeError(base_url, reason) and nothing is
    parsed, so a truncated half-list is never mistaken for the whole site.
    """
    if len(body) > max_bytes:
        raise TooLargeError(base_url, f"sitemap of {len(body):,} bytes is over the cap")
    data = _gunzip(body, base_url, max_bytes) if body.startswith(_GZIP_MAGIC) else body
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return Sitemap()
    if head.startswith(b"<") or head.startswith(b"\xff\xfe<") or head.startswith(b"\xfe\xff"):
        return _parse_xml(data)
    return _parse_text(data)


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, made absolute against base_url, deduplicated."""
    urls: list[str] = []
    for match in _ROBOTS_SITEMAP.finditer(robots_txt):
        try:
            url = _absolute(urljoin(base_url, match.group(1)))
        except ValueError:
            continue
        if url and url not in urls:
            urls.append(url)
        if len(urls) >= MAX_ROBOTS_SITEMAPS:
            break
    return urls
