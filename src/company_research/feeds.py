"""Feeds: the fields we keep from an RSS or Atom feed, read with lxml exactly as feedparser
would give them, for feeds plain enough to be sure of that (feedparser reads the others)."""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
import time
import urllib.parse
from typing import NamedTuple

from lxml import etree


class FeedItem(NamedTuple):
    """One entry's fields as feedparser gives them (text not yet stripped of markup)."""

    title: str
    link: str
    date: str  # published, else updated, as the publisher wrote it; "" when neither
    summary: str
    stamp: time.struct_time | None = None  # feedparser's reading of the date (its path only)


# feedparser's prefix for the namespaces that matter: the feed formats' own (no prefix) and
# those it has handlers for. Elements of any other namespace have no handler, whatever their
# prefix, unless a declaration maps a handler prefix to them (see _odd_declarations).
_FORMATS = (
    "",
    "http://backend.userland.com/rss",
    "http://blogs.law.harvard.edu/tech/rss",
    "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://example.com/newformat#",
    "http://example.com/necho",
    "http://purl.org/echo/",
    "uri/of/echo/namespace#",
    "http://purl.org/pie/",
    "http://purl.org/atom/ns#",
    "http://www.w3.org/2005/atom",
    "http://purl.org/rss/1.0/modules/rss091#",
)
NAMESPACES = dict.fromkeys(_FORMATS, "") | {
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html": "creativecommons",
    "http://backend.userland.com/creativecommonsrssmodule": "creativecommons",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://podlove.org/simple-chapters": "psc",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
}
# fmt: off
HANDLER_PREFIXES = frozenset([
    "cc", "creativecommons", "content", "dc", "dcterms", "feedburner", "georss", "gml",
    "itunes", "media", "psc", "xhtml",
])
# Every prefix in feedparser's namespace table: a declaration binding one of these to another
# namespace it knows renames that prefix's elements in feedparser's eyes.
FEEDPARSER_PREFIXES = frozenset([
    "admin", "ag", "annotate", "audio", "blogchannel", "cc", "co", "content", "cp",
    "creativecommons", "dc", "dcterms", "email", "ev", "feedburner", "fm", "foaf", "geo",
    "georss", "gml", "icbm", "image", "itunes", "l", "media", "pingback", "prism", "psc", "rdf",
    "rdfs", "ref", "reqv", "search", "slash", "soap", "ss", "str", "sub", "sy", "szf", "taxo",
    "thr", "ti", "trackback", "wfw", "wiki", "xhtml", "xlink", "xml",
])
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_FOREIGN = "?:"  # the name of an element of a namespace without handlers starts so

# An entry's children we read, by feedparser's name, and the field each one sets.
_FIELDS = {
    "title": "title", "link": "link", "guid": "id", "id": "id",
    "description": "summary", "summary": "summary", "content": "content",
    "content:encoded": "content",
    "pubdate": "published", "published": "published", "issued": "published",
    "dcterms:issued": "published",
    "updated": "updated", "modified": "updated", "dc:date": "updated",
    "dcterms:modified": "updated",
}
# Other children of an entry feedparser handles without touching those fields.
_ENTRY_EXTRAS = frozenset([
    "author", "contributor", "category", "comments", "enclosure", "created", "dc:creator",
    "dc:subject", "dc:language", "dc:rights", "dc:publisher", "dc:contributor",
    "dcterms:created", "media:content", "media:thumbnail",
])
# What may sit inside those children, and inside the feed's own elements.
_NESTED = frozenset([
    "name", "email", "uri", "url", "hour", "day", "itunes:name", "itunes:email",
    "itunes:category",
])
# Outside the entries: what would set the feed's title, hold entries or change feedparser's
# state (its context, pushes left on its stack) anywhere but where we read it; and the
# elements it only has an end handler for, which fail without the push their start makes.
_NOT_IN_FEED = frozenset([
    "title", "item", "entry", "channel", "feed", "rss", "rdf:rdf", "source", "image",
    "textinput", "content", "body", "fullitem", "where", "tags", "geom",
])
# The feed's own elements of namespaces with handlers that leave the title alone.
_FEED_EXTRAS = frozenset([
    "dc:creator", "dc:language", "dc:rights", "dc:publisher", "dc:subject", "dc:date",
    "dcterms:created", "dcterms:issued", "dcterms:modified", "media:thumbnail", "media:content",
    "media:copyright", "itunes:author", "itunes:owner", "itunes:image", "itunes:category",
    "itunes:subtitle", "itunes:summary", "itunes:type",
])
# Elements feedparser reads as text or markup: their children are markup to it, not elements.
_TEXT_ELEMENTS = frozenset([
    "title", "subtitle", "tagline", "rights", "copyright", "description", "abstract", "info",
    "summary", "content", "content:encoded", "fullitem", "body", "xhtml:body", "dc:title",
    "dc:description", "dc:rights", "media:title", "media:description", "itunes:subtitle",
    "itunes:summary", "feedburner:browserfriendly",
])
_IMAGE_CHILDREN = frozenset(["title", "link", "description", "url", "href", "width", "height"])
_TEXTINPUT_CHILDREN = frozenset(["title", "link", "description", "name"])
# fmt: on
_PLAIN_TYPES = frozenset(("text", "plain", "html", "text/plain", "text/html"))
_HTML_TYPES = frozenset(("html", "text/html", "xhtml", "application/xhtml+xml"))
_LINK_ATTRIBUTES = frozenset(["href", "rel", "type", "title", "hreflang", "length"])

_PI_ENCODING = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*?>")
_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_FIRST_TAG = re.compile(r"<[A-Za-z0-9_]")  # feedparser's rb"<\w"
_BASE_ATTRIBUTE = re.compile(rb"[\s:]base\s*=")  # in the lower-cased document
_DECLARATION = re.compile(r"xmlns:([^\s=/>]+)\s*=\s*[\"']([^\"']*)")
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_CP1252 = {c: bytes([c]).decode("cp1252") for c in range(128, 160) if c not in (129, 141, 143, 144, 157)}  # fmt: skip


class _Unsure(Exception):
    """The feed holds something whose reading by feedparser we do not mirror."""


def read_feed(body: bytes, feed_url: str) -> tuple[str, list[FeedItem]] | None:
    """The feed's title and its entries as feedparser would give them, or None when the feed
    is not one we can be sure of (not well-formed XML, not RSS 0.9x/1.0/2.0 or Atom, xml:base,
    a DOCTYPE, markup in a title, an element feedparser gives a meaning we do not mirror)."""
    try:
        return _read(body, feed_url)
    except _Unsure:
        return None


def _read(body: bytes, feed_url: str) -> tuple[str, list[FeedItem]]:
    text = _as_feedparser_reads(body)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Unsure from None
    lowered = data.lower()
    if b"base" in lowered and _BASE_ATTRIBUTE.search(lowered):
        raise _Unsure  # xml:base, or a base attribute feedparser takes for one
    if b"xmlns:" in data and _odd_declarations(text):
        raise _Unsure
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise _Unsure from None
    kind = _name(root)
    children = list(root.iterchildren(etree.Element))
    if kind == "rss" and len(children) == 1 and _name(children[0]) == "channel":
        feed = container = children[0]
    elif kind == "rdf:rdf" and children and _name(children[0]) == "channel":
        feed, container = children[0], root  # RSS 0.90 and 1.0: the items follow the channel
    elif kind == "feed":
        feed = container = root
    else:
        raise _Unsure
    base = _base_uri(feed_url)
    title: str | None = None
    entries: list[FeedItem] = []
    for parent in dict.fromkeys((feed, container)):
        for element in parent.iterchildren(etree.Element):
            if element is feed:
                continue
            name = _name(element)
            if name in ("item", "entry") and parent is container:
                entries.append(_entry(element, base))
            elif name == "title" and parent is feed and title is None:
                title = _text(element)
            elif name in ("image", "textinput"):  # their titles are not the feed's
                allowed = _IMAGE_CHILDREN if name == "image" else _TEXTINPUT_CHILDREN
                for inner in element.iterchildren(etree.Element):
                    if _name(inner) not in allowed or len(inner):
                        raise _Unsure
            elif name in _NOT_IN_FEED or (_with_handlers(name) and name not in _FEED_EXTRAS):
                raise _Unsure
            else:
                _check_inert(element, name)
    return title or "", entries


def _entry(entry: etree._Element, base: str) -> FeedItem:
    """One item's or entry's fields."""
    if any(key not in (_XML_LANG, _RDF_ABOUT) for key in entry.attrib):
        raise _Unsure  # feedparser reads an item's href and lastmod attributes as link and date
    fields: dict[str, str] = {}
    link: str | None = None  # None: no link yet; feedparser's "" (an empty <link>) counts
    for child in entry.iterchildren(etree.Element):
        name = _name(child)
        field = _FIELDS.get(name)
        if field is None:
            if not (name in _ENTRY_EXTRAS or _without_handlers(name)):
                raise _Unsure
            _check_inert(child, name)
        elif field == "link":
            link = _link(child, base, link)
        elif field in fields:
            raise _Unsure  # feedparser's precedence between repeated fields is not ours to copy
        elif field == "id":
            attributes = _attributes(child, {"ispermalink"})
            permalink = attributes.get("ispermalink", "true") == "true"
            value = _bare_text(child)
            if permalink and value:
                value = _urljoin(base, value)
            fields[field] = _fix(value)
            if permalink and link is None:
                link = fields[field]  # a permalink guid is the link unless a <link> came first
        elif field in ("title", "summary", "content"):
            fields[field] = _text(child)
        else:
            _attributes(child, set())
            fields[field] = _fix(_bare_text(child))
    summary = fields["summary"] if "summary" in fields else fields.get("content", "")
    date = fields.get("published") or fields.get("updated") or ""
    return FeedItem(fields.get("title", ""), link or "", date, summary)


def _link(element: etree._Element, base: str, link: str | None) -> str | None:
    """The entry's link after this <link>: an Atom link's href if it is an HTML alternate, else
    as it was; a link without href gives its text, whatever it holds."""
    attributes = _attributes(element, _LINK_ATTRIBUTES)
    value = _bare_text(element)  # an Atom link's children would be read as the entry's
    if "href" not in attributes:
        if value:
            value = _urljoin(base, value)
        # feedparser's repair of "&amp;" and "&b;" in query strings, as in "?a=1&b;=2"
        return _ENTITY_IN_LINK.sub(r"&\g<1>", _fix(value).replace("&amp;", "&"))
    rel = attributes.get("rel", "alternate").lower()
    kind = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if rel == "alternate" and kind.lower() in _HTML_TYPES:
        return _urljoin(base, attributes["href"])
    return link


def _text(element: etree._Element) -> str:
    """A title's, summary's or content's text as feedparser keeps it, if plain or HTML text
    (not xhtml, whose markup it serialises, nor base64)."""
    attributes = _attributes(element, {"type", "mode"})
    if attributes.get("type", "text").lower() not in _PLAIN_TYPES:
        raise _Unsure
    if attributes.get("mode") == "base64":
        raise _Unsure
    return _fix(_bare_text(element))


def _bare_text(element: etree._Element) -> str:
    """The text of an element without children (feedparser would read those as markup)."""
    if len(element):
        raise _Unsure
    return (element.text or "").strip()


def _attributes(element: etree._Element, allowed: set[str] | frozenset[str]) -> dict[str, str]:
    """An element's attributes as feedparser names them (lower case), all among allowed but
    xml:lang; namespaced ones (feedparser may drop the prefix) are not."""
    found: dict[str, str] = {}
    for key, value in element.items():
        if key == _XML_LANG:
            continue
        lowered = key.lower()
        if lowered not in allowed or lowered in found:
            raise _Unsure
        found[lowered] = value
    return found


def _check_inert(element: etree._Element, name: str) -> None:
    """What an element holds must be inert to feedparser: no markup in a text element, only
    names and addresses (an author's) or elements of namespaces without handlers."""
    if not len(element):
        return
    if name in _TEXT_ELEMENTS:
        raise _Unsure
    for inner in element.iterdescendants(etree.Element):
        inner_name = _name(inner)
        if inner_name not in _NESTED and not _without_handlers(inner_name):
            raise _Unsure


def _name(element: etree._Element) -> str:
    """feedparser's name for an element ("title", "dc:date"; "?:..." for a namespace without
    handlers). An unprefixed element of an unknown namespace it may read as the format's own."""
    name = _tag_name(element.tag)
    if name.startswith(_FOREIGN) and element.prefix is None:
        raise _Unsure
    return name


def _with_handlers(name: str) -> bool:
    """Whether the element is of a namespace feedparser has handlers for ("dc:date")."""
    return name.partition(":")[0] in HANDLER_PREFIXES


def _without_handlers(name: str) -> bool:
    """Whether the element is of a namespace feedparser has no handler for: it only keeps its
    text or attributes under a key of its own ("slash_comments")."""
    return ":" in name and not _with_handlers(name)


@functools.lru_cache(maxsize=1024)
def _tag_name(tag: str) -> str:
    if not tag.startswith("{"):
        return tag.lower()
    uri, _, local = tag[1:].partition("}")
    prefix = _prefix(uri)
    if prefix is None:
        return _FOREIGN + local.lower()
    return f"{prefix}:{local.lower()}" if prefix else local.lower()


def _prefix(uri: str) -> str | None:
    lowered = uri.lower()
    if "backend.userland.com/rss" in lowered:
        return ""
    return NAMESPACES.get(lowered)


def _odd_declarations(text: str) -> bool:
    """Whether a namespace declaration makes feedparser rename elements: a prefix bound to two
    namespaces, or one of its own prefixes bound to a namespace it knows by another."""
    bound: dict[str, str] = {}
    for prefix, uri in _DECLARATION.findall(text):
        lowered = prefix.lower()
        if bound.setdefault(lowered, uri) != uri:
            return True
        known = _prefix(uri)
        if lowered in HANDLER_PREFIXES and known != lowered:
            return True
        if known is not None and known != lowered and lowered in FEEDPARSER_PREFIXES:
            return True
    return False


def _as_feedparser_reads(body: bytes) -> str:
    """The document feedparser's XML parser reads: decoded as feedparser decodes it (told no
    Content-Type: as declared, else as ISO-8859-1), declared UTF-8, its DOCTYPE untouched."""
    bom = body.startswith(codecs.BOM_UTF8)
    if bom:
        body = body[3:]
    elif b"\x00" in body[:4] or body[:2] in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE):
        raise _Unsure  # UTF-16 or UTF-32
    # The regex as feedparser runs it, on the first line up to its last "?>" (no match ends
    # later), so that it does not backtrack across a feed written on one line.
    end = body.find(b"\n")
    line = body if end < 0 else body[:end]
    match = _PI_ENCODING.match(line[: line.rfind(b"?>") + 2])
    try:
        if bom and match:
            body.decode("utf-8")  # feedparser looks for the declaration in valid UTF-8 only
    except UnicodeDecodeError:
        match = None
    try:
        declared = match.group(1).decode("utf-8").lower() if match else ""
        text = body.decode("gb18030" if declared == "gb2312" else declared or "iso-8859-1")
    except Exception:  # undecodable, an unknown or non-text codec: feedparser tries others
        raise _Unsure from None
    if _XML_DECLARATION.search(text):
        text = _XML_DECLARATION.sub(_UTF8_DECLARATION, text)
    else:
        text = _UTF8_DECLARATION + "\n" + text
    first = _FIRST_TAG.search(text)
    head = text[: first.start() + 1] if first else ""
    if "<!DOCTYPE" in head or "<!ENTITY" in head:
        raise _Unsure  # feedparser rewrites those
    return text


def _base_uri(feed_url: str) -> str:
    """The URI feedparser resolves links against: the feed's URL as urljoin normalises it."""
    if not feed_url.startswith(("http://", "https://")):
        raise _Unsure
    joined = _urljoin(feed_url, feed_url)
    base = joined if joined.strip().split(":", 1)[0] in ("http", "https") else feed_url
    if _urljoin(base, base) != base:
        raise _Unsure  # feedparser normalises it again at each element
    return base


def _urljoin(base: str, uri: str) -> str:
    """feedparser's urljoin: extra slashes after the scheme dropped, "" for a broken URL."""
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def _fix(text: str) -> str:
    """What feedparser does to every text: UTF-8 read as Latin-1 read again as UTF-8, and the
    C1 controls mapped to the characters Windows-1252 has there."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252)
