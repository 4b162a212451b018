"""Extract: what one stored page says (text blocks, links, metadata, schema.org, dates)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from company_research.blocks import boilerplate_sentence, content_blocks
from company_research.blocks import clean as _clean
from company_research.challenge import javascript_only
from company_research.keywords import (
    RELATIVE_DAY_WORDS,
    RELATIVE_NUMBERS,
    RELATIVE_PATTERNS,
    RELATIVE_UNITS,
)
from company_research.models import ArticleMeta, Extraction, FeedEntry
from company_research.structured import (
    find_articles,
    find_organization,
    jsonld_nodes,
    microdata_nodes,
    node_graph,
    node_types,
)

if TYPE_CHECKING:
    import time

    from lxml.html import HtmlElement

    from company_research.feeds import FeedItem

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
POST_KINDS = frozenset({"post"})
CHROME_TAGS = ("nav", "header", "footer")
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo"})
# Characters libxml2 refuses in a tree (C0 controls but tab/newline/CR, surrogates, U+FFFE/F):
# a page carrying one (a raw ESC from a terminal paste, a NUL) would otherwise fail to parse.
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_SINGLES = (*(chr(c) for c in range(32) if chr(c) not in "\t\n\r"), "\ufffe", "\uffff")


def parse_html(html: str) -> HtmlElement | None:
    """Parse HTML leniently; None when there is nothing to parse."""
    return _parse(_xml_safe(html))


def _xml_safe(html: str) -> str:
    """html without NOT_XML_CHARS (the same string when it has none, as most pages do)."""
    try:
        html.encode("utf-8")  # a quick test for surrogates, which cannot be encoded
    except UnicodeEncodeError:
        return NOT_XML_CHARS.sub("", html)
    if any(char in html for char in _NOT_XML_SINGLES):  # each a memchr, far faster than a regex
        return NOT_XML_CHARS.sub("", html)
    return html


def _parse(cleaned: str) -> HtmlElement | None:
    import lxml.html
    from lxml.etree import ParserError

    if not cleaned.strip():
        return None
    try:
        return lxml.html.document_fromstring(cleaned)
    except (ParserError, ValueError):
        return None


def extract_page(
    url: str,
    html: str,
    kind: str,
    site_domain: str | None = None,
    fetched_at: str | None = None,
) -> Extraction:
    """Everything we derive from one HTML page, parsed once. `fetched_at` (ISO 8601) dates
    what the page says relative to when it was read ("3 days ago")."""
    html = _xml_safe(html)
    root = _parse(html)
    if root is None:
        return Extraction(
            url=url,
            kind=kind,
            title=None,
            text="",
            description=None,
            lang=None,
            published=None,
            organization=None,
            javascript_only=False,
        )
    # lxml makes a Python object for an element each time one is reached (through
    # lxml.html's Python class lookup) and frees it when nothing holds it: holding them all
    # while we extract lets every pass below reuse them.
    elements = list(root.iter())
    base = _base_url(root, url)
    nodes = jsonld_nodes(html) + microdata_nodes(html, root)
    graph = node_graph(nodes)
    organization = find_organization(nodes, site_domain, graph)
    articles = tuple(find_articles(nodes, graph))
    meta = _meta(root)
    links, content_links = _links(root, base)
    links += _schema_hints(nodes, base)
    feeds = _feed_links(root, base)
    blocks = content_blocks(root)
    text = "\n".join(t for _tag, t in blocks)
    published = None
    if kind in POST_KINDS:
        article_text = _article_text(root, url)
        if len(article_text) > len(text) * 0.5 and len(article_text) >= 200:
            text = article_text
        published = _post_date(root, articles, meta, url, blocks, fetched_at)
    title = _clean(meta.get("og:title") or _title(root))
    extraction = Extraction(
        url=url,
        kind=kind,
        title=title or None,
        text=text,
        description=_clean(meta.get("description") or meta.get("og:description") or "") or None,
        lang=(root.get("lang") or "").split("-")[0].lower() or None,
        published=published,
        organization=organization,
        articles=articles,
        links=links,
        content_links=content_links,
        blocks=blocks,
        feeds=feeds,
        site_name=_clean(meta.get("og:site_name") or meta.get("application-name") or "") or None,
        javascript_only=javascript_only(html),
        full_text=_visible_text(root),
        alternates=_alternates(root, base),
    )
    del elements
    return extraction


def _base_url(root: HtmlElement, url: str) -> str:
    for base in root.iter("base"):
        href = base.get("href")
        joined = _join(url, href.strip()) if href else None
        # A <base> may not move links to another site (content never steers scope).
        if joined and urlsplit(joined).hostname == urlsplit(url).hostname:
            return joined
    return url


def _title(root: HtmlElement) -> str:
    for el in root.iter("title"):
        return el.text_content()
    return ""


def _meta(root: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and key not in found:
            found[key] = value.strip()
    return found


def _link_text(el: HtmlElement) -> str:
    text = _clean(el.text_content())
    if not text:
        text = el.get("aria-label") or el.get("title") or ""
        if not text:
            for img in el.iter("img"):
                text = img.get("alt") or ""
                break
        text = _clean(text)
    return text[:200]


def _chrome_links(root: HtmlElement) -> set[HtmlElement]:
    """The <a> elements inside navigation, a page header or footer, or an element whose role
    says it is one (navigation, banner, contentinfo)."""
    chrome = list(root.iter(*CHROME_TAGS))
    chrome += [
        el
        for el in root.xpath("descendant-or-self::*[@role]")
        if el.get("role").lower() in CHROME_ROLES
    ]
    links: set[HtmlElement] = set()
    for el in chrome:
        links.update(el.iterdescendants("a"))
    return links


def _links(
    root: HtmlElement, base: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    links: list[tuple[str, str]] = []
    content: list[tuple[str, str]] = []
    chrome = _chrome_links(root)
    absolutes: dict[str, str | None] = {}  # href -> URL (None: not http); menus repeat links
    for el in root.iter("a"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        if href not in absolutes:
            absolutes[href] = _web_url(_join_base(base, href), href)
        absolute = absolutes[href]
        if absolute is None:
            continue
        pair = (absolute, _link_text(el))
        links.append(pair)
        if el not in chrome:
            content.append(pair)
        if len(links) >= 3000:
            break
    return tuple(links), tuple(content)


def _join_base(base: str, href: str) -> str:
    """What urljoin(base, href) reads of base: only its scheme and host when href names a host
    ("https://...", "//cdn...") or a path from the root ("/about/"), as most links do. So the
    links a site repeats on every page are joined once (see _web_url)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return base  # _web_url refuses it
    if parts.netloc or (not parts.scheme and parts.path.startswith("/")):
        site = urlsplit(base)
        if site.scheme:
            return f"{site.scheme}://{site.netloc}"
    return base


@functools.lru_cache(maxsize=4096)
def _web_url(base: str, href: str) -> str | None:
    """urljoin(base, href) without its fragment; None unless it is an http(s) URL."""
    absolute = _join(base, href)
    if absolute is None:
        return None
    absolute = absolute.split("#")[0]
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _join(base: str, href: str) -> str | None:
    """urljoin(base, href); None for a link urllib refuses (a broken IPv6 host: "http://[x/")."""
    try:
        url = urljoin(base, href)
        urlsplit(url)
    except ValueError:
        return None
    return url


# schema.org page types that say what a linked page is, as the link text discovery knows.
SCHEMA_PAGE_KINDS = {"AboutPage": "about", "Blog": "blog", "ContactPage": "contact"}


def _schema_hints(nodes: list[dict], base: str) -> tuple[tuple[str, str], ...]:
    """Links that schema.org names: SiteNavigationElement entries and typed pages (AboutPage)."""
    hints: list[tuple[str, str]] = []
    for node in nodes[:500]:
        types = node_types(node)
        url = node.get("url")
        if isinstance(url, list):
            url = url[0] if url else None
        if not isinstance(url, str) or not url.strip():
            continue
        absolute = _join(base, url.strip())
        if absolute is None:
            continue
        if "SiteNavigationElement" in types and isinstance(node.get("name"), str):
            hints.append((absolute, _clean(node["name"])[:200]))
        for schema_type, kind in SCHEMA_PAGE_KINDS.items():
            if schema_type in types:
                hints.append((absolute, kind))
    return tuple(hints[:200])


def _feed_links(root: HtmlElement, base: str) -> tuple[str, ...]:
    feeds: list[str] = []
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        kind = (el.get("type") or "").lower().split(";")[0].strip()
        href = el.get("href")
        if "alternate" in rel and kind in FEED_LINK_TYPES and href:
            url = _join(base, href.strip())
            if url and url not in feeds and "comments" not in url.lower():
                feeds.append(url)
    return tuple(feeds)


def _alternates(root: HtmlElement, base: str) -> tuple[tuple[str, str], ...]:
    """Translations the page names: <link rel=alternate hreflang> and <a hreflang>."""
    found: dict[str, str] = {}
    for el in root.iter("link", "a"):
        lang = (el.get("hreflang") or "").strip().lower()
        if not lang:  # most links
            continue
        href = (el.get("href") or "").strip()
        if el.tag == "link" and "alternate" not in (el.get("rel") or "").lower().split():
            continue
        if lang and href and not href.startswith(("#", "javascript:", "mailto:")):
            url = _join(base, href)
            if url and urlsplit(url).scheme in ("http", "https"):
                found.setdefault(lang, url)
    return tuple(found.items())[:100]


# Elements that start and end a block of their own on a rendered page: full_text gives each
# block a line, so a fact is read from one block (or a label and its value in two, facts.py),
# never from the end of one list item and the start of the next. <br> and inline elements
# stay a space: an address split by <br> still reads as one line.
LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li",
        "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})


def _visible_text(root: HtmlElement) -> str:
    """Every text node of the body outside scripts and styles, in document order, one line
    per block (LINE_TAGS); whitespace inside a line is one space."""
    from lxml.etree import iterwalk

    body = root.find("body")
    lines: list[list[str]] = [[]]
    line = lines[0]
    walker = iterwalk(body if body is not None else root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if tag in LINE_TAGS:
                line = []
                lines.append(line)
            if tag in HIDDEN_TAGS:
                walker.skip_subtree()
            elif el.text:
                line.append(el.text)
            continue
        if event == "end" and el.tag in LINE_TAGS:
            line = []
            lines.append(line)
        if el.tail:  # after the element's end (a comment's or a hidden element's too)
            line.append(el.tail)
    text = "\n".join(filter(None, (_clean(" ".join(pieces)) for pieces in lines if pieces)))
    return text[:200_000]


def _article_text(root: HtmlElement, url: str) -> str:
    import copy

    import trafilatura

    try:
        text = trafilatura.extract(
            copy.deepcopy(root),  # trafilatura prunes the tree it is given
            url=url,
            favor_recall=True,
            include_comments=False,
            include_tables=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:
        return ""
    lines = [_clean(line) for line in (text or "").splitlines()]
    return "\n".join(line for line in lines if line and not boilerplate_sentence(line))


def _post_date(
    root: HtmlElement,
    articles: tuple[ArticleMeta, ...],
    meta: dict[str, str],
    url: str,
    blocks: tuple[tuple[str, str], ...] = (),
    fetched_at: str | None = None,
) -> str | None:
    for article in articles:
        if article.date_published and (
            not article.url or article.url.rstrip("/") == url.rstrip("/")
        ):
            date = iso_date(article.date_published)
            if date:
                return date
    for key in ("article:published_time", "datepublished", "date", "dc.date", "pubdate"):
        date = iso_date(meta.get(key, ""))
        if date:
            return date
    for el in root.iter("time"):
        date = iso_date(el.get("datetime") or "")
        if date:
            return date
    if fetched_at:
        # "Published 3 days ago" near the top of the post, dated from when we read it.
        for el in root.iter("time"):
            date = relative_date(el.text_content(), fetched_at)
            if date:
                return date
        for _tag, text in blocks[:30]:
            if len(text) <= 80:
                date = relative_date(text, fetched_at)
                if date:
                    return date
    from htmldate import find_date

    try:
        return find_date(root, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except Exception:
        return None


_RELATIVE = tuple(re.compile(p, re.I) for p in RELATIVE_PATTERNS)


def relative_date(text: str, fetched_at: str) -> str | None:
    """The date a relative phrase ("3 days ago", "vor 2 Wochen", "il y a 3 jours",
    "hace 3 días", "yesterday") names, counted back from `fetched_at`; else None."""
    import datetime

    day = iso_date(fetched_at)
    if day is None:
        return None
    lowered = _clean(text).lower()
    back: int | None = None
    for pattern in _RELATIVE:
        match = pattern.search(lowered)
        if match:
            unit = RELATIVE_UNITS.get(match.group("unit"))
            raw = match.group("n")
            n = int(raw) if raw.isdigit() else RELATIVE_NUMBERS.get(raw)
            if unit is not None and n is not None and n < 10000:
                back = unit * n
                break
    if back is None:
        words = lowered.strip(" .:·|-").split()
        for phrase, days in RELATIVE_DAY_WORDS.items():
            # Only a block that ends with the word ("Published yesterday"): "hier" is also
            # German for "here".
            if len(words) <= 4 and " ".join(words).endswith(phrase):
                back = days
                break
    if back is None:
        return None
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=back)).isoformat()


ISO_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")


def iso_date(value: str) -> str | None:
    """The YYYY-MM-DD at the start of an ISO 8601 date or datetime, else None."""
    match = ISO_DATE.match(value.strip())
    if not match:
        return None
    import datetime

    try:
        datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return match.group(0)


MAX_ENTRIES = 200  # a feed's entries we read, newest first as feeds list them


def parse_feed(body: bytes, feed_url: str) -> tuple[str | None, list[FeedEntry]]:
    """The title and entries of an RSS/Atom feed we fetched: read with lxml when the feed is
    plain enough to be sure of what feedparser would make of it (most are), else by feedparser."""
    from company_research.feeds import read_feed

    read = read_feed(body, feed_url)
    if read is None or any(i.date and not _written_date(i.date) for i in read[1][:MAX_ENTRIES]):
        read = _read_with_feedparser(body, feed_url)  # it may read a date we cannot
    name, items = read
    entries: list[FeedEntry] = []
    for item in items[:MAX_ENTRIES]:
        title = _clean(_strip_tags(item.title))
        if not title or not item.link:
            continue
        link = urljoin(feed_url, item.link)
        # The date as the publisher wrote it (its own time zone), not shifted to UTC.
        published = _written_date(item.date) or _day(item.stamp)
        summary = _clean(_strip_tags(item.summary))[:2000] or None
        entries.append(FeedEntry(title=title, url=link, published=published, summary=summary))
    return _clean(_strip_tags(name))[:200] or None, entries


def _read_with_feedparser(body: bytes, feed_url: str) -> tuple[str, list[FeedItem]]:
    """The feed as feedparser reads it (it never sees a URL): any feed, however broken."""
    import io

    import feedparser

    from company_research.feeds import FeedItem

    try:
        # We keep only text (titles, summaries), stripped by _strip_tags: feedparser's HTML
        # sanitizer and relative-link rewriting of the entries' HTML were a third of its time.
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-location": feed_url},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception:  # feedparser's loose parser has bugs on broken feeds (int(None), surrogates)
        return "", []
    items = [
        FeedItem(
            title=entry.get("title") or "",
            link=entry.get("link") or "",
            date=str(_published(entry, "published", "updated") or ""),
            summary=entry.get("summary") or "",
            stamp=_published(entry, "published_parsed", "updated_parsed"),
        )
        for entry in parsed.entries[:MAX_ENTRIES]
    ]
    return parsed.feed.get("title") or "", items


def _published(entry: dict, published: str, updated: str) -> Any:
    """entry[published] or else entry[updated], without the DeprecationWarning feedparser's
    .get(updated) gives when it falls back to entry[published] (already found false here)."""
    value = entry.get(published)
    if not value and updated in entry:  # "in" does not fall back
        value = entry[updated]
    return value or None


def _day(stamp: time.struct_time | None) -> str | None:
    import time

    try:
        return time.strftime("%Y-%m-%d", stamp) if stamp else None
    except (TypeError, ValueError, OverflowError):
        return None


def _written_date(raw: str) -> str | None:
    import email.utils

    date = iso_date(raw)
    if date:
        return date
    try:
        return email.utils.parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _strip_tags(fragment: str) -> str:
    """The text of an HTML fragment (a feed's summary): tags dropped with what scripts and
    styles hold, entities decoded, as WordPress's "[&#8230;]" in a CDATA description."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    root = parse_html(f"<div>{fragment}</div>")
    if root is None:
        return fragment
    for element in root.xpath("//script | //style | //noscript | //template"):
        element.drop_tree()
    return root.text_content()


def feed_text(entries: list[FeedEntry]) -> str:
    """The stored text of a feed: each entry's title and summary, so quotes stay verbatim."""
    return "\n".join(f"{e.title}\n{e.summary or ''}".strip() for e in entries)
