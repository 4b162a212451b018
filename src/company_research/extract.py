"""Extract: what one stored page says (text blocks, links, metadata, schema.org, dates)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from company_research.challenge import javascript_only
from company_research.keywords import (
    BOILERPLATE_MARKERS,
    BOILERPLATE_SENTENCE_WORDS,
    BOILERPLATE_SHORT_WORDS,
    LABEL_CLASS_WORDS,
    RELATIVE_DAY_WORDS,
    RELATIVE_NUMBERS,
    RELATIVE_PATTERNS,
    RELATIVE_UNITS,
    TITLE_CLASS_WORDS,
)
from company_research.models import ArticleMeta, Extraction, FeedEntry
from company_research.structured import (
    find_articles,
    find_organization,
    jsonld_nodes,
    microdata_nodes,
    node_types,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "blockquote",
        "figcaption",
        "td",
        "th",
        "div",
        "section",
        "article",
        "main",
        "summary",
        "address",
        "pre",
        "header",
        "footer",
        "aside",
        "ul",
        "ol",
        "dl",
        "table",
    ]
)
EMIT_TAGS = BLOCK_TAGS - {"ul", "ol", "dl", "table"}
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "button",
    "select",
    "nav",
    "canvas",
    "object",
    "head",
    "dialog",
    "input",
    "textarea",
)
STRONG_MARKERS = tuple(m for m in BOILERPLATE_MARKERS if len(m) > 6 or "-" in m)
WEAK_MARKERS = frozenset(m for m in BOILERPLATE_MARKERS if m not in STRONG_MARKERS)
FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
POST_KINDS = frozenset({"post"})
MAX_BLOCKS = 2000
WS = re.compile(r"\s+")
# Characters libxml2 refuses in a tree (C0 controls but tab/newline/CR, surrogates, U+FFFE/F):
# a page carrying one (a raw ESC from a terminal paste, a NUL) would otherwise fail to parse.
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_html(html: str) -> HtmlElement | None:
    """Parse HTML leniently; None when there is nothing to parse."""
    import lxml.html
    from lxml.etree import ParserError

    cleaned = NOT_XML_CHARS.sub("", html)
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
    html = NOT_XML_CHARS.sub("", html)
    root = parse_html(html)
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
    base = _base_url(root, url)
    nodes = jsonld_nodes(html) + microdata_nodes(html, root)
    organization = find_organization(nodes, site_domain)
    articles = tuple(find_articles(nodes))
    meta = _meta(root)
    links, content_links = _links(root, base)
    links += _schema_hints(nodes, base)
    feeds = _feed_links(root, base)
    blocks = _content_blocks(root)
    text = "\n".join(t for _tag, t in blocks)
    published = None
    if kind in POST_KINDS:
        article_text = _article_text(root, url)
        if len(article_text) > len(text) * 0.5 and len(article_text) >= 200:
            text = article_text
        published = _post_date(root, articles, meta, url, blocks, fetched_at)
    title = _clean(meta.get("og:title") or _title(root))
    return Extraction(
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


def _clean(text: str) -> str:
    return WS.sub(" ", text).strip()


def _base_url(root: HtmlElement, url: str) -> str:
    for base in root.iter("base"):
        href = base.get("href")
        if href:
            joined = urljoin(url, href.strip())
            # A <base> may not move links to another site (content never steers scope).
            if urlsplit(joined).hostname == urlsplit(url).hostname:
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
    return _clean(text)[:200]


def _in_chrome(el: HtmlElement) -> bool:
    for parent in el.iterancestors():
        tag = parent.tag if isinstance(parent.tag, str) else ""
        role = (parent.get("role") or "").lower()
        if tag in ("nav", "header", "footer") or role in ("navigation", "banner", "contentinfo"):
            return True
    return False


def _links(
    root: HtmlElement, base: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    links: list[tuple[str, str]] = []
    content: list[tuple[str, str]] = []
    for el in root.iter("a"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        absolute = urljoin(base, href).split("#")[0]
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        pair = (absolute, _link_text(el))
        links.append(pair)
        if not _in_chrome(el):
            content.append(pair)
        if len(links) >= 3000:
            break
    return tuple(links), tuple(content)


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
        absolute = urljoin(base, url.strip())
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
            url = urljoin(base, href.strip())
            if url not in feeds and "comments" not in url.lower():
                feeds.append(url)
    return tuple(feeds)


def _alternates(root: HtmlElement, base: str) -> tuple[tuple[str, str], ...]:
    """Translations the page names: <link rel=alternate hreflang> and <a hreflang>."""
    found: dict[str, str] = {}
    for el in root.iter("link", "a"):
        lang = (el.get("hreflang") or "").strip().lower()
        href = (el.get("href") or "").strip()
        if el.tag == "link" and "alternate" not in (el.get("rel") or "").lower().split():
            continue
        if lang and href and not href.startswith(("#", "javascript:", "mailto:")):
            url = urljoin(base, href)
            if urlsplit(url).scheme in ("http", "https"):
                found.setdefault(lang, url)
    return tuple(found.items())[:100]


def _is_boilerplate(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    role = (el.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "dialog", "alertdialog", "search"):
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''} {el.get('aria-label') or ''}".lower()
    if any(marker in names for marker in STRONG_MARKERS):
        return True
    tokens = set(re.split(r"[\s_]+", names))
    return bool(tokens & WEAK_MARKERS)


def _content_blocks(root: HtmlElement) -> tuple[tuple[str, str], ...]:
    import copy

    tree = copy.deepcopy(root)
    body = tree.find("body")
    if body is None:
        body = tree
    for br in body.iter("br"):
        br.tail = "\n" + (br.tail or "")
    doomed = [el for el in body.iter(*DROP_TAGS)]
    doomed += [el for el in body.iter("header", "footer") if not _inside_article(el)]
    doomed += [el for el in body.iter() if isinstance(el.tag, str) and _is_boilerplate(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    blocks: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tag, text in _walk_blocks(body):
        if text in seen or _boilerplate_sentence(text):
            continue
        seen.add(text)
        blocks.append((tag, text[:5000]))
        if len(blocks) >= MAX_BLOCKS:
            break
    return tuple(blocks)


def _walk_blocks(container: HtmlElement, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(tag, text) per run of inline content, in page order. A block element's own text and
    inline children form a run; each block child starts a new one. So the loose
    `<span class="title">Name</span>` of a card, beside its `<p>`, is kept, not lost."""
    run: list[str] = [container.text or ""]
    inline: list[HtmlElement] = []
    tag = container.tag if container.tag in EMIT_TAGS else "div"
    for child in container:
        if not isinstance(child.tag, str):  # comments, processing instructions
            run.append(child.tail or "")
            continue
        if depth < 200 and (child.tag in BLOCK_TAGS or _holds_blocks(child)):
            yield from _flush(container, tag, run, inline)
            run, inline = [], []
            yield from _walk_blocks(child, depth + 1)
        else:
            run.append(child.text_content())
            inline.append(child)
        run.append(child.tail or "")
    yield from _flush(container, tag, run, inline)


def _holds_blocks(el: HtmlElement) -> bool:
    return next(el.iterdescendants(*BLOCK_TAGS), None) is not None


def _flush(
    container: HtmlElement, tag: str, run: list[str], inline: list[HtmlElement]
) -> Iterator[tuple[str, str]]:
    text = _clean("".join(run))
    if not text:
        return
    if tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = _title_level(container, run, inline, text)
        if level:
            tag = f"h{level}"
    yield tag, text


TITLE_PUNCTUATION = (".", "!", "?", ";", ",", "…")
FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)(px|rem|em)")
BOLD = re.compile(r"font-weight:\s*(?:bold|[6-9]00)")


def _title_level(
    container: HtmlElement, run: list[str], inline: list[HtmlElement], text: str
) -> int | None:
    """The heading level a short run is styled as (a card title, an eyebrow label, a Wix
    "heading" paragraph), or None for body text. Sites built without h1-h6 still mark titles
    with role=heading, title-like class names, bold-only text or a large inline font size."""
    words = text.split()
    if len(words) > 10 or len(text) > 90 or text.endswith(TITLE_PUNCTUATION):
        return None
    if not any(c.isalpha() for c in text) or text[0].isdigit():
        return None
    # The elements that carry exactly this text: the container when the run is all of its
    # text, and the one inline child (and its only descendants) that holds all of the run.
    chain: list[HtmlElement] = []
    if _clean(container.text_content()) == text:
        chain.append(container)
    holders = [el for el in inline if el.text_content().strip()]
    loose = (container.text or "").strip() or any((el.tail or "").strip() for el in inline)
    if len(holders) == 1 and not loose and not (run and run[0].strip()):
        el = holders[0]
        while True:
            chain.append(el)
            kids = [k for k in el if isinstance(k.tag, str)]
            if len(kids) != 1 or (el.text or "").strip() or (kids[0].tail or "").strip():
                break
            el = kids[0]
    if not chain:
        return None
    for el in chain:
        if (el.get("role") or "").lower() == "heading":
            level = (el.get("aria-level") or "2").strip()
            return int(level) if level.isdigit() and 1 <= int(level) <= 6 else 2
    size = 0.0
    for el in chain:
        for value, unit in FONT_SIZE.findall((el.get("style") or "").lower()):
            size = max(size, float(value) * (16 if unit in ("rem", "em") else 1))
    if size >= 32:
        return 2
    if size >= 24:
        return 3
    if size >= 20:
        return 4
    words_in_class = {
        w for el in chain for w in re.split(r"[\s_-]+", (el.get("class") or "").lower()) if w
    }
    if words_in_class & LABEL_CLASS_WORDS:
        return 6
    if words_in_class & TITLE_CLASS_WORDS:
        return 4
    bold = any(el.tag in ("strong", "b") or BOLD.search(el.get("style") or "") for el in chain)
    if bold and chain[-1] is not container:
        return 5
    return None


def _inside_article(el: HtmlElement) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors() if isinstance(a.tag, str))


def _boilerplate_sentence(text: str) -> bool:
    lowered = text.lower()
    if len(text) < 300 and any(word in lowered for word in BOILERPLATE_SENTENCE_WORDS):
        return True
    words = len(text.split())
    short = words <= 6 or (words <= 12 and not text.endswith((".", "!", "?")))
    return short and any(word in lowered for word in BOILERPLATE_SHORT_WORDS)


def _visible_text(root: HtmlElement) -> str:
    """Every text node of the body outside scripts and styles, as one line."""
    body = root.find("body")
    pieces = []
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ("script", "style", "noscript", "template") and el.text:
            pieces.append(el.text)
        if el.tail:
            pieces.append(el.tail)
    return WS.sub(" ", " ".join(pieces)).strip()[:200_000]


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
    return "\n".join(line for line in lines if line and not _boilerplate_sentence(line))


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


def parse_feed(body: bytes, feed_url: str) -> tuple[str | None, list[FeedEntry]]:
    """The title and entries of an RSS/Atom feed we fetched (feedparser never sees a URL)."""
    import io
    import time

    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": feed_url})
    except Exception:  # feedparser's loose parser has bugs on broken feeds (int(None), surrogates)
        return None, []
    entries: list[FeedEntry] = []
    for entry in parsed.entries[:200]:
        title = _clean(_strip_tags(entry.get("title") or ""))
        link = entry.get("link") or ""
        if not title or not link:
            continue
        link = urljoin(feed_url, link)
        raw = entry.get("published") or entry.get("updated") or ""
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        # The date as the publisher wrote it (its own time zone), not shifted to UTC.
        try:
            fallback = time.strftime("%Y-%m-%d", stamp) if stamp else None
        except (TypeError, ValueError, OverflowError):
            fallback = None
        published = _written_date(str(raw)) or fallback
        summary = _clean(_strip_tags(entry.get("summary") or ""))[:2000] or None
        entries.append(FeedEntry(title=title, url=link, published=published, summary=summary))
    feed_name = _clean(_strip_tags(parsed.feed.get("title") or ""))[:200] or None
    return feed_name, entries


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
    if "<" not in fragment:
        return fragment
    root = parse_html(f"<div>{fragment}</div>")
    return root.text_content() if root is not None else fragment


def feed_text(entries: list[FeedEntry]) -> str:
    """The stored text of a feed: each entry's title and summary, so quotes stay verbatim."""
    return "\n".join(f"{e.title}\n{e.summary or ''}".strip() for e in entries)
