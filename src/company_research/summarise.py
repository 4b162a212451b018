"""Summarise: build the brief (the JSON contract) from what a crawl read, every item cited."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from company_research import talking
from company_research.discover import fold
from company_research.extract import feed_text
from company_research.facts import FACTS, first_match
from company_research.keywords import (
    CTA_WORDS,
    MISSION_HEADINGS,
    MISSION_PHRASES,
    OFFERING_HEADINGS,
    SOCIAL_HOSTS,
    VALUES_HEADINGS,
)
from company_research.models import OrgFacts
from company_research.ranking import rank_sentences, split_sentences
from company_research.reviews.summary import reviews_section

if TYPE_CHECKING:
    from company_research.pipeline import Crawl, PageRecord

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+|\s+-\s+")
MISSION_PAGE_ORDER = ("mission", "about", "values", "home", "careers", "products")
VALUES_PAGE_ORDER = ("values", "mission", "about", "careers", "home")


@dataclass
class SourceBook:
    """Numbers sources in the order the brief first cites them."""

    by_url: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)

    def cite(self, url: str, title: str | None, kind: str, fetched_at: str, text: str) -> int:
        if url not in self.by_url:
            source_id = len(self.rows) + 1
            self.by_url[url] = source_id
            self.rows.append(
                {
                    "id": source_id,
                    "url": url,
                    "title": title,
                    "kind": kind,
                    "fetched_at": fetched_at,
                }
            )
            self.texts[source_id] = text
        return self.by_url[url]


def build_brief(domain: str, crawl: Crawl, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The brief of one crawl, as the JSON contract describes it."""
    book = SourceBook()
    pages = list(crawl.pages.values())

    def cite(page: PageRecord) -> int:
        return book.cite(
            page.url,
            page.extraction.title,
            _source_kind(page.kind),
            page.fetched_at,
            page.extraction.text,
        )

    company = _company(domain, pages, cite)
    mission = _mission(pages, cite)
    values = _values(pages, cite)
    offerings = _offerings(pages, cite)
    posts = _posts(crawl, book, company.get("name"))
    brief: dict[str, Any] = {
        "domain": domain,
        "generated_at": _now(),
        "as_of": None,
        "company": company,
        "mission": mission,
        "values": values,
        "offerings": offerings,
        "posts": posts,
        "reviews": reviews_section(crawl.reviews, book.cite),
        "talking_points": [],
        "questions": [],
        "changes": [],
        "watch_out": [],
        "why_me": [],
        "notices": list(dict.fromkeys(crawl.notices)),
        "sources": [],
    }
    # Built last, from the finished sections, so facts added above (reviews) feed them too.
    careers = [
        (p.kind, p.extraction.text, functools.partial(cite, p))
        for p in pages
        if p.kind == "careers"
    ][:1]
    brief["talking_points"] = talking.talking_points(brief, book.texts, careers)
    brief["questions"] = talking.questions(brief, careers)
    brief["changes"] = _changes(previous, brief, crawl)
    brief["watch_out"] = talking.watch_out(brief, previous)
    brief["sources"] = book.rows
    brief["as_of"] = max((s["fetched_at"] for s in book.rows), default=None)
    return brief


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _source_kind(kind: str) -> str:
    return (
        kind
        if kind
        in (
            "home",
            "about",
            "mission",
            "values",
            "careers",
            "blog",
            "post",
            "press",
            "products",
            "contact",
            "feed",
        )
        else "other"
    )


def _pages_by_kind(pages: list[PageRecord], order: tuple[str, ...]) -> list[PageRecord]:
    return sorted((p for p in pages if p.kind in order), key=lambda p: order.index(p.kind))


# -- company snapshot ----------------------------------------------------------------------
def _company(domain: str, pages: list[PageRecord], cite: Any) -> dict[str, Any]:
    ordered = _pages_by_kind(
        pages,
        ("home", "about", "mission", "values", "careers", "contact", "products", "press", "blog"),
    )
    home = next((p for p in pages if p.kind == "home"), None)
    fields: dict[str, Any] = {
        k: None
        for k in (
            "name",
            "tagline",
            "description",
            "founded",
            "headquarters",
            "employees",
            "industry",
        )
    }
    sources: dict[str, int] = {}
    links: dict[str, str] = {}

    def put(key: str, value: str | None, page: PageRecord) -> None:
        if value and not fields[key]:
            fields[key] = value.strip()[:300]
            sources[key] = cite(page)

    for page in ordered:
        org = page.extraction.organization or OrgFacts()
        put("name", org.name, page)
        put("tagline", org.slogan, page)
        put("description", org.description, page)
        put("founded", org.founded, page)
        put("headquarters", org.headquarters, page)
        put("employees", org.employees, page)
        put("industry", org.industry, page)
        for network, url in org.links.items():
            links.setdefault(network, url)
    if home is not None:
        put("name", home.extraction.site_name or _name_from_titles(pages), home)
        put("tagline", _tagline(home), home)
        put("description", home.extraction.description, home)
        links.update({k: v for k, v in _social_links(home).items() if k not in links})
    texts = [(page, _full_text(page)) for page in ordered]
    # Strong phrasings on every page before weak ones on any page.
    for key, tiers in FACTS:
        for tier in tiers:
            for page, full in texts:
                if fields[key]:
                    break  # found on an earlier page or tier; searching on cannot change it
                put(key, first_match(tier, full), page)
    if not fields["description"]:
        about = next((p for p in pages if p.kind == "about"), None)
        if about is not None:
            best = rank_sentences(about.extraction.text, limit=1)
            put("description", best[0] if best else None, about)
    if home is not None:
        links = {"website": home.url, **links}
    fields["links"] = links
    fields["sources"] = sources
    return fields


def _name_from_titles(pages: list[PageRecord]) -> str | None:
    counts: dict[str, int] = {}
    for page in pages:
        for part in TITLE_SEPARATORS.split(page.extraction.title or ""):
            part = part.strip()
            if 1 <= len(part.split()) <= 4:
                counts[part] = counts.get(part, 0) + 1
    common = [name for name, n in counts.items() if n >= 2]
    return max(common, key=lambda n: counts[n]) if common else None


def _tagline(home: PageRecord) -> str | None:
    for tag, text in home.extraction.blocks[:12]:
        if tag == "h1" and 2 <= len(text.split()) <= 14:
            return text
    return None


def _social_links(page: PageRecord) -> dict[str, str]:
    """Profile links on the company's page, by network (any country domain of the network)."""
    by_label = {host.split(".")[0]: network for host, network in SOCIAL_HOSTS.items()}
    found: dict[str, str] = {}
    for url, _text in page.extraction.links:
        parts = urlsplit(url)
        labels = (parts.hostname or "").removeprefix("www.").split(".")
        host = ".".join(labels)
        network = SOCIAL_HOSTS.get(host) or (by_label.get(labels[-2]) if len(labels) >= 2 else None)
        path = parts.path.strip("/")
        if network and path and not re.search(r"share|intent|sharer|hashtag|/pin/create", url):
            found.setdefault(network, url)
    return found


def _full_text(page: PageRecord) -> str:
    return page.extraction.full_text or page.extraction.text


# -- mission, values, offerings ------------------------------------------------------------
def _is_heading(tag: str) -> bool:
    return tag in HEADINGS


def _heading_matches(text: str, table: tuple[str, ...]) -> bool:
    """The heading is one of the table's phrases, or starts with one and a space."""
    folded = fold(text).strip(" :.!")
    whole, starts = _folded(table)
    return folded in whole or folded.startswith(starts)


@functools.cache
def _folded(table: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A keyword table folded once (it was folded again for every heading of every page): the
    phrases, and each followed by a space (one `str.startswith` call tests them all)."""
    folded = [fold(h) for h in table]
    return frozenset(folded), tuple(h + " " for h in folded)


def _mission(pages: list[PageRecord], cite: Any) -> dict[str, Any] | None:
    ordered = _pages_by_kind(pages, MISSION_PAGE_ORDER)
    for page in ordered:  # a sentence that says "our mission is ..." wins
        for _tag, text in page.extraction.blocks:
            for sentence in split_sentences(text):
                if any(phrase in sentence.lower() for phrase in MISSION_PHRASES):
                    return {"text": sentence[:400], "source": cite(page)}
    for page in ordered:  # else the statement under a "Mission" / "Our purpose" label
        blocks = page.extraction.blocks
        for i, (tag, text) in enumerate(blocks):
            if _is_label(tag, text, MISSION_HEADINGS):
                statement = _statement_after(blocks, i)
                if statement:
                    return {"text": statement[:400], "source": cite(page)}
    return None


def _is_label(tag: str, text: str, table: tuple[str, ...]) -> bool:
    """A heading, or a short label block (an eyebrow over a hero), naming a section."""
    if not _heading_matches(text, table):
        return False
    return _is_heading(tag) or len(text.split()) <= 4


def _statement_after(blocks: tuple[tuple[str, str], ...], i: int) -> str | None:
    """The first sentence after label `i`: the paragraph under a heading, or the hero title
    under an eyebrow ("Our purpose" over "Safe water for every community...")."""
    level = int(blocks[i][0][1]) if _is_heading(blocks[i][0]) else 7
    for next_tag, next_text in blocks[i + 1 : i + 4]:
        if len(next_text.split()) < 6:
            if _is_heading(next_tag) and int(next_tag[1]) <= level:
                return None  # the next section began
            continue
        if _is_heading(next_tag) and not (len(next_text.split()) >= 6 and level >= 5):
            if int(next_tag[1]) <= level:
                return None
            continue
        return split_sentences(next_text)[0]
    return None


def _section_after(blocks: tuple[tuple[str, str], ...], start: int) -> list[tuple[str, str]]:
    """Blocks after heading `start`, up to the next heading of the same or higher rank."""
    level = int(blocks[start][0][1])
    out: list[tuple[str, str]] = []
    for tag, text in blocks[start + 1 :]:
        if _is_heading(tag) and int(tag[1]) <= level:
            break
        out.append((tag, text))
    return out[:60]


def _items_of(section: list[tuple[str, str]]) -> list[str]:
    """Named items of a section: sub-headings with their first sentence, or list items."""
    items: list[str] = []
    sub_levels = [int(t[1]) for t, _ in section if _is_heading(t)]
    if sub_levels:
        top = min(sub_levels)
        for i, (tag, text) in enumerate(section):
            if _is_heading(tag) and int(tag[1]) == top:
                detail = next((t for g, t in section[i + 1 : i + 3] if not _is_heading(g)), "")
                first = split_sentences(detail)[0] if detail else ""
                items.append(f"{text.rstrip(':.')}: {first}" if first else text)
        return items
    for i, (tag, text) in enumerate(section):
        if tag in ("li", "dt"):
            detail = section[i + 1][1] if tag == "dt" and i + 1 < len(section) else ""
            items.append(f"{text.rstrip(':.')}: {split_sentences(detail)[0]}" if detail else text)
    return items


def _labelled_items(blocks: tuple[tuple[str, str], ...], table: tuple[str, ...]) -> list[str]:
    """The named items under the first section whose heading (or eyebrow label) is in
    `table`, with two or more items."""
    for i, (tag, text) in enumerate(blocks):
        if not _is_label(tag, text, table):
            continue
        start = i
        if not _is_heading(tag) or int(tag[1]) >= 5:
            # An eyebrow label: its section is the one under the heading that follows it.
            nxt = i + 1
            if nxt < len(blocks) and _is_heading(blocks[nxt][0]):
                start = nxt
            elif not _is_heading(tag):
                continue
        items = [t for t in _items_of(_section_after(blocks, start)) if len(t) <= 400]
        if len(items) >= 2:
            return items
    return []


def _values(pages: list[PageRecord], cite: Any) -> list[dict[str, Any]]:
    for page in _pages_by_kind(pages, VALUES_PAGE_ORDER):
        items = _labelled_items(page.extraction.blocks, VALUES_HEADINGS)
        if items:
            source = cite(page)
            return [{"text": t, "source": source} for t in items[:8]]
    return []


def _offerings(pages: list[PageRecord], cite: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in _pages_by_kind(pages, ("products",)):
        blocks = page.extraction.blocks
        levels = [int(tag[1]) for tag, _ in blocks if _is_heading(tag) and tag != "h1"]
        if not levels:
            continue
        for i, (tag, text) in enumerate(blocks):
            if not _is_heading(tag) or tag == "h1" or len(text.split()) > 7:
                continue
            lowered = fold(text)
            if any(word in lowered for word in CTA_WORDS) or lowered.endswith("?"):
                continue
            following = blocks[i + 1][0] if i + 1 < len(blocks) else ""
            if _is_heading(following):
                # An eyebrow ("In-soil sensor") over the product's own heading, or a group
                # heading ("Who we work with") over sub-headings: neither is an offering, and
                # the paragraph further down describes something else.
                continue
            detail = blocks[i + 1][1] if i + 1 < len(blocks) else ""
            if len(detail.split()) < 5:
                continue
            sentence = split_sentences(detail)[0]
            found.append({"text": f"{text.rstrip(':.')}: {sentence}", "source": cite(page)})
            if len(found) >= 6:
                return found
    if found:
        return found
    # A one-page site: a "Services" / "Leistungen" / "Servicios" section of the home page.
    for page in _pages_by_kind(pages, ("home", "about")):
        items = _labelled_items(page.extraction.blocks, OFFERING_HEADINGS)
        if items:
            source = cite(page)
            return [{"text": t, "source": source} for t in items[:6]]
    return found


# -- posts ---------------------------------------------------------------------------------
def _posts(crawl: Crawl, book: SourceBook, site_name: str | None) -> list[dict[str, Any]]:
    posts: dict[str, dict[str, Any]] = {}
    post_pages = {p.url: p for p in crawl.pages.values() if p.kind == "post"}
    for feed_url, feed in crawl.feeds.items():
        response, entries = feed.page, feed.entries
        text = feed_text(entries)
        for entry in entries:
            if entry.url in post_pages:
                continue  # the page itself is the better source
            summary = _one_line(entry.summary or "")
            source = book.cite(feed_url, feed.title, "feed", response.fetched_at, text)
            posts.setdefault(
                entry.url,
                {
                    "title": entry.title,
                    "url": entry.url,
                    "published": entry.published,
                    "summary": summary,
                    "source": source,
                },
            )
    for url, page in post_pages.items():
        ex = page.extraction
        title = _strip_site(ex.title or "", site_name) or url
        meta_title = next((a.headline for a in ex.articles if a.headline), None)
        summary = _one_line(ex.text) or _one_line(ex.description or "")
        source = book.cite(url, ex.title, "post", page.fetched_at, ex.text)
        posts[url] = {
            "title": meta_title or title,
            "url": url,
            "published": ex.published,
            "summary": summary,
            "source": source,
        }
    ordered = sorted(posts.values(), key=lambda p: p["published"] or "", reverse=True)
    return ordered[:6]


def _strip_site(title: str, site_name: str | None) -> str:
    parts = [p.strip() for p in TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1 and site_name:
        parts = [p for p in parts if fold(p) != fold(site_name)] or parts
    return parts[0] if parts else title


# A press-release dateline before the news: "ROTTERDAM, 6 October 2026 — ", "BERLIN (dpa) - ".
_DATELINE = re.compile(
    r"^[A-ZÀ-Þ][A-ZÀ-Þ .'/-]{2,40}(?:,[^—–-]{0,30}|\s*\([^)]{1,20}\))?\s+[—–-]+\s+"
)


# A feed excerpt's "[…]" / "[&#8230;]" (WordPress) marks a cut, not words of the post.
_TRUNCATED = re.compile(r"\s*\[(?:&#8230;|&hellip;|…|\.\.\.)\]\s*$")


def _one_line(text: str) -> str | None:
    """The best sentence of a post (dateline removed: the quote stays a verbatim substring)."""
    best = rank_sentences(text, limit=1, max_words=45)
    return _TRUNCATED.sub("", _DATELINE.sub("", best[0])) or None if best else None


def _changes(
    previous: dict[str, Any] | None, brief: dict[str, Any], crawl: Crawl
) -> list[dict[str, Any]]:
    """What changed since the previous brief: new posts, mission or values wording, rating
    moves, and pages the previous brief cited that are now gone (404 or 410)."""
    if not previous:
        return []
    since = previous["generated_at"]
    changes: list[dict[str, Any]] = []

    def add(kind: str, text: str) -> None:
        changes.append({"kind": kind, "text": text, "since": since})

    old_posts = {p["url"] for p in previous.get("posts", [])}
    for post in brief["posts"]:
        if post["url"] not in old_posts:
            add("new_post", f"New post: {post['title']}")
    mission = brief["mission"]
    old_mission = (previous.get("mission") or {}).get("text")
    if mission and old_mission and mission["text"] != old_mission:
        add("mission_changed", f"Mission now reads: {mission['text']}")
    old_values = [v["text"] for v in previous.get("values", [])]
    if old_values and [v["text"] for v in brief["values"]] != old_values:
        add("values_changed", "Their stated values changed.")
    old_ratings = {
        s["site"]: s.get("rating") for s in (previous.get("reviews") or {}).get("sites") or []
    }
    for site in (brief.get("reviews") or {}).get("sites") or []:
        before, now = old_ratings.get(site["site"]), site.get("rating")
        if isinstance(before, int | float) and isinstance(now, int | float) and before != now:
            add("rating_changed", f"{site['site']} rating moved from {before:g} to {now:g}.")
    cited_before = {s["url"]: s for s in previous.get("sources", [])}
    for record in crawl.log:
        old = cited_before.pop(record.url, None)
        if old is not None and record.status in (404, 410):
            add("page_removed", f"Page gone: {old.get('title') or old['url']} ({record.status})")
    return changes
