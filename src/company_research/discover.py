"""Discover: which pages of a company site to read, ranked by kind, within a page budget."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from company_research.keywords import (
    KIND_ANCHORS,
    KIND_SLUGS,
    LANGUAGE_CODES,
    NON_POST_SEGMENTS,
    POST_PATH_SEGMENTS,
)
from company_research.models import Candidate, Extraction, SitemapEntry
from company_research.scope import canonical_url, host_of, in_scope

# How many pages of each kind a brief needs; kinds not listed are not fetched.
KIND_QUOTA = {
    "about": 2,
    "mission": 1,
    "values": 1,
    "careers": 1,
    "products": 2,
    "blog": 1,
    "press": 1,
}
KIND_ORDER = ("about", "mission", "values", "products", "careers", "blog", "press")
SKIP_EXTENSIONS = (
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".svg",
    ".webp",
    ".zip",
    ".mp4",
    ".mp3",
    ".css",
    ".js",
    ".ico",
    ".xml",
    ".json",
    ".docx",
    ".xlsx",
    ".pptx",
    ".dmg",
    ".exe",
)
DATE_PATH = re.compile(r"/(19|20)\d\d/(\d\d/)?")
_SLUG_TO_KIND = {slug: kind for kind, slugs in KIND_SLUGS.items() for slug in slugs}
_ANCHOR_TO_KIND = {text: kind for kind, texts in KIND_ANCHORS.items() for text in texts}


def fold(text: str) -> str:
    """Lower case without accents, for matching slugs and link text in any language."""
    if text.isascii():  # most slugs and link texts: nothing to decompose
        return text.lower().strip()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


_FOLDED_ANCHORS = {fold(text): kind for text, kind in _ANCHOR_TO_KIND.items()}
# One-word anchors longer than four letters, which also count inside a longer link text.
_ANCHOR_WORDS = tuple((w, k) for w, k in _FOLDED_ANCHORS.items() if len(w) > 4 and " " not in w)


def page_url_ok(url: str, domain: str) -> bool:
    """A URL worth fetching as a page: in scope, http(s), not a file download."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[oops/": a link no browser could follow
        return False
    if parts.scheme not in ("http", "https") or not in_scope(url, domain):
        return False
    return not parts.path.lower().endswith(SKIP_EXTENSIONS)


LOCALE = re.compile(r"^(?P<lang>[a-z]{2})(?:[-_][a-z]{2,4})?$")
PAGE_SUFFIX = re.compile(r"\.(html?|php|aspx?|jsp)$")


def locale_of(url: str) -> str | None:
    """The language a URL's path prefix names: /es/..., /en-us.html, /de-de/..., /us/en/...;
    None when the path has no language prefix."""
    try:
        path = urlsplit(url).path
    except ValueError:  # an unparsable URL ("http://[") names no language
        return None
    segments = [PAGE_SUFFIX.sub("", s.lower()) for s in path.split("/") if s]
    for segment in segments[:2]:
        match = LOCALE.match(segment)
        if match and match.group("lang") in LANGUAGE_CODES:
            return match.group("lang")
        if len(segment) != 2:  # a country code may come first (/us/en/), nothing else
            break
    return None


def _path_segments(url: str) -> list[str]:
    """Folded path segments without the language prefix (/en-us/company/x.html -> company, x)."""
    segments = [fold(s) for s in urlsplit(url).path.split("/") if s]
    if locale_of(url):
        for i, segment in enumerate(segments[:2]):
            if LOCALE.match(PAGE_SUFFIX.sub("", segment)):
                return segments[i + 1 :]
    return segments


@functools.lru_cache(maxsize=8192)  # nav and footer links repeat on every page of a site
def kind_of(url: str, anchor: str = "") -> tuple[str | None, float, str]:
    """The kind a link points to, a confidence score and the reason, from text and URL."""
    text = fold(re.sub(r"[\s/|>»→]+$", "", anchor))
    if text in _FOLDED_ANCHORS:
        return _FOLDED_ANCHORS[text], 3.0, f"link text {anchor!r}"
    parts = urlsplit(url)
    segments = _path_segments(url)
    if any(s in NON_POST_SEGMENTS for s in segments[:-1]):
        return None, 0.0, ""  # /tag/culture/, /category/news/: listings, not a page of a kind
    host_label = (parts.hostname or "").split(".")[0]
    if not segments:
        if host_label in ("blog", "news", "journal", "stories", "engineering", "press"):
            kind = _SLUG_TO_KIND.get(host_label)
            return kind, 2.5, f"subdomain {host_label}"
        return None, 0.0, ""
    last = re.sub(r"\.(html?|php|aspx?)$", "", segments[-1])
    if last in _SLUG_TO_KIND:
        depth_penalty = 0.3 * (len(segments) - 1)
        return _SLUG_TO_KIND[last], 2.5 - depth_penalty, f"URL {parts.path}"
    if len(text) < 40:
        words = set(text.split(" "))
        for word, kind in _ANCHOR_WORDS:
            if word in words:
                return kind, 1.5, f"link text {anchor!r}"
    return None, 0.0, ""


def rank_candidates(
    links: Iterable[tuple[str, str]],
    domain: str,
    sitemap: Iterable[SitemapEntry] = (),
    *,
    home_url: str | None = None,
    lang: str | None = None,
) -> dict[str, list[Candidate]]:
    """Candidates per kind, best first, from page links and sitemap entries. With the home
    page's URL and language: pages in another language (/en/ beside a Spanish /es/ home) are
    not candidates, and other subdomains (a job board at careers.acme.com, an investor site)
    rank below the main site for every kind but blog and press."""
    site_lang = (locale_of(home_url) if home_url else None) or lang
    home_host = host_of(home_url).removeprefix("www.") if home_url else None
    best: dict[str, dict[str, Candidate]] = {}
    # Every page repeats the site's menus: what a URL is (its language, whether it may be
    # fetched, its host and canonical form) is worked out once per URL, not once per link.
    seen: dict[str, _UrlFacts | None] = {}

    def consider(url: str, anchor: str, bonus: float, source: str) -> None:
        if url in seen:
            facts = seen[url]
        else:
            facts = seen[url] = _url_facts(url, domain, site_lang)
        if facts is not None:
            _consider(best, url, anchor, facts, bonus=bonus, source=source, home_host=home_host)

    done: set[tuple[str, str]] = set()
    for position, link in enumerate(links):
        # A link seen before scores no more this time (its bonus only falls with position).
        if link not in done:
            done.add(link)
            consider(link[0], link[1], max(0.0, 0.5 - position / 400), "link")
    for entry in sitemap:
        consider(entry.url, "", -0.5, "sitemap")
    return {kind: sorted(found.values(), key=lambda c: -c.score) for kind, found in best.items()}


def language_home(page: Extraction, url: str, domain: str) -> str | None:
    """When `page` is a country or language chooser (a thin page whose links lead to the
    same site in several languages: /en-us.html, /de-de.html...), the home page to read
    instead: the chooser's own language, else English, else the first offered."""
    if locale_of(url):
        return None
    roots: list[tuple[str, str]] = []
    offered = [link for _hreflang, link in page.alternates] + [link for link, _a in page.links]
    for link in offered:
        if not in_scope(link, domain) or canonical_url(link) == canonical_url(url):
            continue
        path = urlsplit(link).path
        lang = locale_of(link)
        rest = [s for s in path.split("/") if s]
        if lang and len(rest) <= 2 and not _path_segments(link):
            roots.append((lang, canonical_url(link)))
    if len({r for _l, r in roots}) < 2:
        return None
    words = sum(len(text.split()) for _tag, text in page.blocks)
    kinds = {
        kind_of(link, anchor)[0]
        for link, anchor in page.links
        if in_scope(link, domain) and not locale_of(link)
    } - {None, "legal", "contact"}
    if words > 150 or len(kinds) > 2:
        return None
    for want in (page.lang, "en"):
        for lang, root in roots:
            if want and lang == want:
                return root
    return roots[0][1]


@dataclass(frozen=True)
class _UrlFacts:
    """What rank_candidates needs of a URL that may be a candidate."""

    host: str  # without "www."
    key: str  # canonical_url
    path: str


def _url_facts(url: str, domain: str, site_lang: str | None) -> _UrlFacts | None:
    """None for a URL that is never a candidate: in another language than the site's, out
    of scope, not http(s), a file download."""
    other_lang = locale_of(url)
    if site_lang and other_lang and other_lang != site_lang:
        return None
    if not page_url_ok(url, domain):
        return None
    return _UrlFacts(host_of(url).removeprefix("www."), canonical_url(url), urlsplit(url).path)


def _consider(
    best: dict[str, dict[str, Candidate]],
    url: str,
    anchor: str,
    facts: _UrlFacts,
    *,
    bonus: float,
    source: str,
    home_host: str | None = None,
) -> None:
    kind, score, reason = kind_of(url, anchor)
    if kind is None or kind in ("legal", "contact"):
        return
    if home_host and facts.host != home_host and kind not in ("blog", "press"):
        score -= 1.5
    key = facts.key
    if source == "sitemap":
        reason = f"sitemap {facts.path}"
    candidate = Candidate(url=key, kind=kind, score=score + bonus, reason=reason)
    current = best.setdefault(kind, {}).get(key)
    if current is None or current.score < candidate.score:
        best[kind][key] = candidate


def choose_pages(
    ranked: dict[str, list[Candidate]], budget: int, already: set[str]
) -> list[Candidate]:
    """Pick pages per kind within the budget, never one already fetched or chosen."""
    chosen: list[Candidate] = []
    taken = set(already)
    for kind in KIND_ORDER:
        for candidate in ranked.get(kind, [])[: KIND_QUOTA[kind] + 2]:
            if len([c for c in chosen if c.kind == kind]) >= KIND_QUOTA[kind]:
                break
            if candidate.url in taken or len(chosen) >= budget:
                continue
            if kind == "about" and candidate.score < 2.0 and any(c.kind == "about" for c in chosen):
                continue
            taken.add(candidate.url)
            chosen.append(candidate)
    return chosen


def post_links(
    index_url: str, links: Iterable[tuple[str, str]], domain: str, limit: int
) -> list[Candidate]:
    """Links on a blog or news index that look like individual posts, in page order."""
    index = urlsplit(index_url)
    index_path = index.path.rstrip("/")
    found: list[Candidate] = []
    seen = {canonical_url(index_url)}
    for url, anchor in links:
        if not page_url_ok(url, domain):
            continue
        parts = urlsplit(url)
        key = canonical_url(url)
        if key in seen or parts.query:
            continue
        segments = [s for s in parts.path.split("/") if s]
        if not segments or any(fold(s) in NON_POST_SEGMENTS for s in segments):
            continue
        same_host = host_of(url) == host_of(index_url)
        under_index = (
            same_host
            and parts.path.startswith(index_path + "/")
            and len(parts.path.rstrip("/")) > len(index_path) + 1
        )
        on_blog_host = not same_host and host_of(url).split(".")[0] in ("blog", "news", "journal")
        dated = bool(DATE_PATH.search(parts.path))
        slug = segments[-1]
        looks_like_slug = "-" in slug and len(slug) >= 12
        # /post/<slug> (Wix), /article/<slug>, /blog/<slug> beside an index at /blog.
        plain = _path_segments(url)
        post_path = len(plain) == 2 and plain[0] in POST_PATH_SEGMENTS and looks_like_slug
        if not (under_index or dated or post_path or (on_blog_host and looks_like_slug)):
            continue
        if kind_of(url, anchor)[0] is not None and not looks_like_slug:
            continue
        seen.add(key)
        found.append(
            Candidate(
                url=key,
                kind="post",
                score=1.0,
                reason=f"listed on {index.path}",
                title=anchor or None,
            )
        )
        if len(found) >= limit:
            break
    return found
