"""Discover: which pages of a company site to read, ranked by kind, within a page budget."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from company_research.keywords import KIND_ANCHORS, KIND_SLUGS, NON_POST_SEGMENTS
from company_research.models import Candidate, SitemapEntry
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
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


_FOLDED_ANCHORS = {fold(text): kind for text, kind in _ANCHOR_TO_KIND.items()}


def page_url_ok(url: str, domain: str) -> bool:
    """A URL worth fetching as a page: in scope, http(s), not a file download."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not in_scope(url, domain):
        return False
    return not parts.path.lower().endswith(SKIP_EXTENSIONS)


@functools.lru_cache(maxsize=8192)  # nav and footer links repeat on every page of a site
def kind_of(url: str, anchor: str = "") -> tuple[str | None, float, str]:
    """The kind a link points to, a confidence score and the reason, from text and URL."""
    text = fold(re.sub(r"[\s/|>»→]+$", "", anchor))
    if text in _FOLDED_ANCHORS:
        return _FOLDED_ANCHORS[text], 3.0, f"link text {anchor!r}"
    parts = urlsplit(url)
    segments = [fold(s) for s in parts.path.split("/") if s]
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
    for word, kind in _FOLDED_ANCHORS.items():
        if len(word) > 4 and word in text.split(" ") and len(text) < 40:
            return kind, 1.5, f"link text {anchor!r}"
    return None, 0.0, ""


def rank_candidates(
    links: Iterable[tuple[str, str]],
    domain: str,
    sitemap: Iterable[SitemapEntry] = (),
) -> dict[str, list[Candidate]]:
    """Candidates per kind, best first, from page links and sitemap entries."""
    best: dict[str, dict[str, Candidate]] = {}
    for position, (url, anchor) in enumerate(links):
        _consider(best, url, anchor, domain, bonus=max(0.0, 0.5 - position / 400), source="link")
    for entry in sitemap:
        _consider(best, entry.url, "", domain, bonus=-0.5, source="sitemap")
    return {kind: sorted(found.values(), key=lambda c: -c.score) for kind, found in best.items()}


def _consider(
    best: dict[str, dict[str, Candidate]],
    url: str,
    anchor: str,
    domain: str,
    *,
    bonus: float,
    source: str,
) -> None:
    if not page_url_ok(url, domain):
        return
    kind, score, reason = kind_of(url, anchor)
    if kind is None or kind in ("legal", "contact"):
        return
    key = canonical_url(url)
    if source == "sitemap":
        reason = f"sitemap {urlsplit(url).path}"
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
        if not (under_index or dated or (on_blog_host and looks_like_slug)):
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
