"""schema.org in pages: tolerant JSON-LD and microdata parsing, Organization and Article facts."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from company_research.models import ArticleMeta, OrgFacts
from company_research.scope import host_of, in_scope

__all__ = [
    "find_articles",
    "find_organization",
    "jsonld_nodes",
    "microdata_nodes",
    "node_graph",
    "node_types",
]

MAX_SCRIPT_CHARS = 1_000_000
MAX_NODES = 500
MAX_DEPTH = 20  # nesting we follow inside one node
MAX_WALK = 10_000  # dicts visited when indexing a page's graph
MAX_ELEMENT_DEPTH = 200  # HTML nesting we follow for microdata
MAX_PROPERTIES = 200  # per microdata item

ORGANIZATION_TYPES = frozenset(
    {"Organization", "Corporation", "LocalBusiness", "NGO", "EducationalOrganization"}
)
ORGANIZATION_SUFFIXES = ("Organization", "Organisation", "Business")
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "BlogPosting",
        "NewsArticle",
        "TechArticle",
        "Report",
        "PressRelease",
        "ScholarlyArticle",
        "SocialMediaPosting",
        "LiveBlogPosting",
    }
)
# Where a page's own node points at the organization behind it.
ORGANIZATION_LINKS = ("publisher", "provider", "about", "mainEntity", "hiringOrganization")
# sameAs hosts -> the key in OrgFacts.links; anything else is keyed by its host name.
SOCIAL_NETWORKS = (
    ("linkedin.com", "linkedin"),
    ("twitter.com", "x"),
    ("x.com", "x"),
    ("facebook.com", "facebook"),
    ("fb.com", "facebook"),
    ("instagram.com", "instagram"),
    ("youtube.com", "youtube"),
    ("youtu.be", "youtube"),
    ("github.com", "github"),
    ("xing.com", "xing"),
    ("kununu.com", "kununu"),
    ("crunchbase.com", "crunchbase"),
    ("tiktok.com", "tiktok"),
    ("wikipedia.org", "wikipedia"),
    ("wikidata.org", "wikidata"),
    ("mastodon.social", "mastodon"),
    ("fosstodon.org", "mastodon"),
    ("hachyderm.io", "mastodon"),
    ("mstdn.social", "mastodon"),
    ("infosec.exchange", "mastodon"),
)
GLASSDOOR_PREFIX = "glassdoor."  # glassdoor.com, glassdoor.de, glassdoor.co.uk, ...

_SCRIPT_OPEN = re.compile(r"<script\b([^>]{0,2000})>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
_TYPE_ATTR = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_WRAPPERS = re.compile(
    r"""^\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|"""
    r"""(?:-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"""
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# -- JSON-LD -------------------------------------------------------------------------------


def _script_bodies(html: str) -> Iterator[str]:
    pos = 0
    while True:
        start = _SCRIPT_OPEN.search(html, pos)
        if not start:
            return
        end = _SCRIPT_CLOSE.search(html, start.end())
        if not end:
            return
        pos = end.end()
        type_match = _TYPE_ATTR.search(start.group(1))
        if not type_match:
            continue
        value = next(g for g in type_match.groups() if g is not None)
        if value.split(";", 1)[0].strip().lower() != "application/ld+json":
            continue
        if end.start() - start.end() > MAX_SCRIPT_CHARS:
            continue
        yield html[start.end() : end.start()]


def _strip_wrappers(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _WRAPPERS.sub("", text).strip()
    return text


def _clean_json(text: str) -> str:
    """Drop JS comments, trailing commas, stray control characters and ``\\'`` escapes,
    leaving string contents (URLs with ``//``) alone."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\" and i + 1 < n:
                nxt = text[i + 1]
                out.append("'" if nxt == "'" else ch + nxt)
                i += 2
                continue
            if ch == '"':
                in_string = False
            out.append(" " if _CONTROL.match(ch) else ch)
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
        elif ch == "/" and text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        elif ch == "/" and text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "]}":
                i += 1
                continue
            out.append(ch)
        elif not _CONTROL.match(ch):
            out.append(ch)
        i += 1
    return "".join(out)


def _decode_values(text: str) -> list[Any]:
    """Every JSON value in text (one, or several written back to back)."""
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    pos, n = 0, len(text)
    while pos < n and len(values) < MAX_NODES:
        while pos < n and text[pos] in " \t\r\n;":
            pos += 1
        if pos >= n:
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        values.append(value)
    return values


def _parse_jsonld(raw: str) -> list[Any]:
    text = _strip_wrappers(raw.strip())
    if not text:
        return []
    values = _decode_values(text) or _decode_values(_clean_json(text))
    if values:
        return values
    if "&quot;" in text:  # JSON-LD that was HTML-escaped by a template
        return _decode_values(_clean_json(htmllib.unescape(text)))
    return []


def _flatten(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if len(out) >= MAX_NODES or depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _flatten(item, out, depth + 1)
    elif isinstance(value, dict):
        graph = value.get("@graph")
        if graph is not None:
            rest = {k: v for k, v in value.items() if k not in ("@graph", "@context")}
            if "@type" in rest or len(rest) > 1:
                out.append(rest)
            _flatten(graph, out, depth + 1)
        else:
            out.append(value)


def jsonld_nodes(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD node in a page: top-level objects, list items and @graph members."""
    nodes: list[dict[str, Any]] = []
    for body in _script_bodies(html):
        for value in _parse_jsonld(body):
            _flatten(value, nodes)
        if len(nodes) >= MAX_NODES:
            break
    return nodes[:MAX_NODES]


# -- microdata -----------------------------------------------------------------------------

_URL_ATTRS = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "embed": "src",
    "track": "src",
    "object": "data",
}


def _type_name(itemtype: str) -> str:
    first = itemtype.split()[0] if itemtype.split() else ""
    return re.split(r"[/#:]", first.rstrip("/#"))[-1]


def _prop_value(el: etree._Element) -> str:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag == "meta" or el.get("content") is not None:
        return (el.get("content") or "").strip()
    if tag in _URL_ATTRS:
        return (el.get(_URL_ATTRS[tag]) or "").strip()
    if tag == "time" and el.get("datetime"):
        return (el.get("datetime") or "").strip()
    if tag in ("data", "meter") and el.get("value") is not None:
        return (el.get("value") or "").strip()
    return _SPACE.sub(" ", el.xpath("string()") or "").strip()


def _item(el: etree._Element, depth: int) -> dict[str, Any]:
    item: dict[str, Any] = {}
    itemtype = el.get("itemtype")
    if itemtype and _type_name(itemtype):
        item["@type"] = _type_name(itemtype)
    if el.get("itemid"):
        item["@id"] = el.get("itemid")
    count = 0
    stack = [(child, depth + 1) for child in reversed(el)]
    while stack and count < MAX_PROPERTIES:
        child, level = stack.pop()
        if not isinstance(child.tag, str) or level > MAX_ELEMENT_DEPTH:
            continue
        names = (child.get("itemprop") or "").split()
        nested = child.get("itemscope") is not None
        if names:
            value: Any = _item(child, level) if nested and level < MAX_ELEMENT_DEPTH else None
            if value is None:
                value = _prop_value(child)
            for name in names:
                count += 1
                key = _type_name(name) if "/" in name else name
                existing = item.get(key)
                if existing is None:
                    item[key] = value
                elif isinstance(existing, list):
                    existing.append(value)
                else:
                    item[key] = [existing, value]
        if not nested:
            stack.extend((grandchild, level + 1) for grandchild in reversed(child))
    return item


def microdata_nodes(html: str, root: Any = None) -> list[dict[str, Any]]:
    """Top-level microdata items as JSON-LD-like dicts (nested items become nested dicts).

    Pass `root` (the page already parsed by lxml) to avoid parsing the page a second time.
    """
    if "itemscope" not in html.lower():
        return []
    if root is None:
        parser = etree.HTMLParser(
            encoding="utf-8", recover=True, no_network=True, remove_comments=True, remove_pis=True
        )
        try:
            root = etree.fromstring(html.encode("utf-8", errors="replace"), parser)
        except (etree.LxmlError, ValueError):
            return []
    if root is None:
        return []
    nodes: list[dict[str, Any]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.get("itemscope") is None:
            continue
        if el.get("itemprop") is not None and any(
            a.get("itemscope") is not None for a in el.iterancestors()
        ):
            continue  # a property of an enclosing item, handled there
        nodes.append(_item(el, 0))
        if len(nodes) >= MAX_NODES:
            break
    return nodes


# -- reading nodes -------------------------------------------------------------------------


def node_types(node: Any) -> set[str]:
    """The schema.org type names of a node: ``"Organization"``, ``["A", "B"]``, full URLs."""
    if not isinstance(node, dict):
        return set()
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    types = set()
    for value in values:
        if isinstance(value, str) and value.strip():
            name = _type_name(value.strip())
            if name:
                types.add(name)
    return types


def _is_organization(node: Any) -> bool:
    return any(
        t in ORGANIZATION_TYPES or t.endswith(ORGANIZATION_SUFFIXES) for t in node_types(node)
    )


def _is_article(node: Any) -> bool:
    return any(t in ARTICLE_TYPES or t.endswith("Article") for t in node_types(node))


def _clean(text: str) -> str | None:
    text = htmllib.unescape(_TAG.sub(" ", text)) if "<" in text or "&" in text else text
    text = _SPACE.sub(" ", text).strip()
    return text or None


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, list):
        for item in value:
            text = _text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _text(value.get("@value", value.get("name")))
    return None


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        for item in value:
            url = _url(item)
            if url:
                return url
        return None
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return None


class _Graph:
    """The nodes of one page with @id references resolved (merged when an id repeats)."""

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        seen = 0
        stack: list[tuple[Any, int]] = [(node, 0) for node in nodes]
        while stack and seen < MAX_WALK:
            value, depth = stack.pop()
            if depth > MAX_DEPTH:
                continue
            if isinstance(value, list):
                stack.extend((item, depth + 1) for item in value)
                continue
            if not isinstance(value, dict):
                continue
            seen += 1
            node_id = value.get("@id")
            if isinstance(node_id, str) and len(value) > 1:
                merged = self.by_id.setdefault(node_id, {})
                for key, item in value.items():
                    merged.setdefault(key, item)
            stack.extend((item, depth + 1) for item in value.values())

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            full = self.by_id.get(value["@id"])
            if full is not None:
                return {**full, **value}
        return value

    def many(self, value: Any) -> list[Any]:
        items = value if isinstance(value, list) else [value]
        return [self.resolve(item) for item in items if item is not None]


def _headquarters(graph: _Graph, node: dict[str, Any]) -> str | None:
    for key in ("address", "location"):
        for place in graph.many(node.get(key)):
            if isinstance(place, str):
                text = _clean(place)
                if text:
                    return text
            if not isinstance(place, dict):
                continue
            if "address" in place and "PostalAddress" not in node_types(place):
                address = graph.resolve(place["address"])
                if isinstance(address, list):
                    address = graph.resolve(address[0]) if address else None
                if isinstance(address, str):
                    text = _clean(address)
                    if text:
                        return text
                place = address if isinstance(address, dict) else place
            parts: list[str] = []
            for field in ("addressLocality", "addressRegion", "addressCountry"):
                text = _text(graph.resolve(place.get(field)))
                if text and text not in parts:
                    parts.append(text)
            if parts:
                return ", ".join(parts)
    return None


def _employees(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        if value.get("value") is not None:
            return _text(value.get("value"))
        low, high = _text(value.get("minValue")), _text(value.get("maxValue"))
        if low and high:
            return f"{low}-{high}"
        if low:
            return f"{low}+"
        if high:
            return f"up to {high}"
        return None
    return _text(value)


def _network(url: str) -> str | None:
    host = host_of(url)
    if not host or _scheme(url) not in ("http", "https"):
        return None
    bare = host.removeprefix("www.")
    if bare.startswith(GLASSDOOR_PREFIX) or ".glassdoor." in f".{bare}":
        return "glassdoor"
    for domain, name in SOCIAL_NETWORKS:
        if bare == domain or bare.endswith("." + domain):
            return name
    if "mastodon" in bare.split("."):
        return "mastodon"
    return bare


def _scheme(url: str) -> str:
    head, sep, _ = url.strip().partition(":")
    return head.lower() if sep else ""


def _links(value: Any) -> dict[str, str]:
    links: dict[str, str] = {}
    for item in value if isinstance(value, list) else [value]:
        url = _url(item)
        if not url:
            continue
        network = _network(url)
        if network and network not in links:
            links[network] = url
    return links


def _organization_candidates(
    graph: _Graph, nodes: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], int]]:
    """Organization-like nodes with a bonus: top-level ones first, then linked ones."""
    for node in nodes:
        node = graph.resolve(node)
        if _is_organization(node):
            yield node, 2
        for key in ORGANIZATION_LINKS:
            for linked in graph.many(node.get(key)):
                if _is_organization(linked):
                    yield linked, 0 if key == "about" else 1


_SCORED_FIELDS = ("name", "legalName", "description", "foundingDate", "address", "sameAs", "logo")
_SCORED_FIELDS += ("numberOfEmployees", "url")


def _score(node: dict[str, Any], bonus: int, site_domain: str | None) -> int:
    score = bonus + sum(1 for key in _SCORED_FIELDS if node.get(key))
    if node_types(node) & {"Organization", "Corporation"}:
        score += 1
    url = _url(node.get("url"))
    if site_domain and url:
        score += 10 if in_scope(url, site_domain) else -5
    return score


def node_graph(nodes: list[dict[str, Any]]) -> _Graph:
    """The nodes' @id index, built once for find_organization and find_articles on a page."""
    return _Graph(nodes)


def find_organization(
    nodes: list[dict[str, Any]], site_domain: str | None = None, graph: _Graph | None = None
) -> OrgFacts | None:
    """The facts of the page's best Organization-like node, or None when there is none.
    `graph`: node_graph(nodes), when the caller has it already."""
    graph = _Graph(nodes) if graph is None else graph
    best: dict[str, Any] | None = None
    best_score = -(10**9)
    for node, bonus in _organization_candidates(graph, nodes):
        score = _score(node, bonus, site_domain)
        if score > best_score:
            best, best_score = node, score
    if best is None:
        return None
    is_local = any(
        t == "LocalBusiness" or (t.endswith("Business") and t != "OnlineBusiness")
        for t in node_types(best)
    )
    return OrgFacts(
        name=_text(best.get("name")),
        legal_name=_text(best.get("legalName")),
        alternate_name=_text(best.get("alternateName")),
        description=_text(best.get("description")),
        slogan=_text(best.get("slogan")),
        founded=_text(best.get("foundingDate")),
        headquarters=_headquarters(graph, best),
        employees=_employees(graph.resolve(best.get("numberOfEmployees"))),
        industry=None if is_local else _text(best.get("industry")),
        url=_url(best.get("url")),
        logo=_url(graph.resolve(best.get("logo"))),
        links=_links(best.get("sameAs")),
    )


def _author(graph: _Graph, value: Any) -> str | None:
    names: list[str] = []
    for person in graph.many(value):
        name = _text(person)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _article_url(node: dict[str, Any]) -> str | None:
    url = _url(node.get("url"))
    if url:
        return url
    page = node.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    if isinstance(page, str) and page.strip().startswith(("http://", "https://")):
        return page.strip()
    node_id = node.get("@id")
    if isinstance(node_id, str) and node_id.startswith(("http://", "https://")):
        return node_id.split("#", 1)[0]
    return None


def _article(graph: _Graph, node: dict[str, Any]) -> ArticleMeta:
    return ArticleMeta(
        headline=_text(node.get("headline")) or _text(node.get("name")),
        url=_article_url(node),
        date_published=_text(node.get("datePublished")),
        date_modified=_text(node.get("dateModified")),
        description=_text(node.get("description")) or _text(node.get("abstract")),
        author=_author(graph, node.get("author")),
    )


def _article_nodes(graph: _Graph, nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for raw in nodes:
        node = graph.resolve(raw)
        types = node_types(node)
        if _is_article(node):
            yield node
        if "Blog" in types:
            for post in graph.many(node.get("blogPost")):
                if isinstance(post, dict):
                    yield post
        if "ItemList" in types:
            for element in graph.many(node.get("itemListElement")):
                if not isinstance(element, dict):
                    continue
                item = graph.resolve(element.get("item"))
                if isinstance(item, dict) and (_is_article(item) or not node_types(item)):
                    yield {**element, **item}
                elif _is_article(element) or ("ListItem" in node_types(element) and item is None):
                    yield element
        for key in ("mainEntity", "hasPart"):
            for part in graph.many(node.get(key)):
                if _is_article(part) and part is not raw:
                    yield part


def find_articles(nodes: list[dict[str, Any]], graph: _Graph | None = None) -> list[ArticleMeta]:
    """Articles and blog posts a page describes (itself, or the items of its list or blog).
    `graph`: node_graph(nodes), when the caller has it already."""
    graph = _Graph(nodes) if graph is None else graph
    articles: list[ArticleMeta] = []
    seen: set[tuple[str | None, str | None]] = set()
    for node in _article_nodes(graph, nodes):
        article = _article(graph, node)
        key = (article.url, article.headline)
        if key in seen or (article.url is None and article.headline is None):
            continue
        seen.add(key)
        articles.append(article)
    return articles
