"""Crawl: the rounds of one company's crawl (robots.txt, home page, sitemaps, pages, feeds),
and the last crawl rebuilt from the store."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from company_research import errors
from company_research.derived import (
    load_extraction,
    load_feed,
    load_sitemap,
)
from company_research.discover import (
    choose_pages,
    kind_of,
    language_home,
    post_links,
    rank_candidates,
)
from company_research.extract import extract_page, parse_feed
from company_research.fetch import (
    FEED_TYPES,
    SITEMAP_TYPES,
    Fetcher,
    FetchRecord,
    now_iso,
)
from company_research.models import (
    Candidate,
    Extraction,
    FeedEntry,
    FetchedPage,
    Sitemap,
    SitemapEntry,
)
from company_research.scope import (
    canonical_url,
    host_of,
    in_scope,
    is_private_address,
)
from company_research.settings import Settings
from company_research.sitemaps import parse_sitemap, robots_sitemaps
from company_research.store import Store, StoredPage

if TYPE_CHECKING:
    pass

Progress = Callable[[str], None]


@dataclass
class PageRecord:
    """A page of this crawl: what was fetched (or reused on 304) and what it says."""

    url: str
    kind: str
    fetched_at: str
    status: int
    content_type: str
    etag: str | None
    last_modified: str | None
    html: str
    extraction: Extraction
    not_modified: bool = False
    parsed: bool = True  # False: a 304 reused the stored extraction
    reused: bool = False  # the fetch failed; this is the stored copy, left as it was


@dataclass(frozen=True)
class FeedRecord:
    """A feed of this crawl and its entries (in scope only)."""

    page: FetchedPage
    title: str | None
    entries: list[FeedEntry]
    parsed: bool = True  # False: a 304 reused the stored entries


@dataclass
class Crawl:
    """Everything one crawl gathered, before it is stored."""

    domain: str
    started_at: str
    pages: dict[str, PageRecord] = field(default_factory=dict)
    feeds: dict[str, FeedRecord] = field(default_factory=dict)
    # sitemaps read: url -> (response, parsed sitemap, parsed now rather than reused on 304)
    sitemaps: dict[str, tuple[FetchedPage, Sitemap, bool]] = field(default_factory=dict)
    log: list[FetchRecord] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    requests_made: int = 0
    reviews: Any = None  # reviews.collect.Harvest when the reviews stage ran


async def crawl_site(
    domain: str, settings: Settings, store: Store, fetcher: Fetcher, progress: Progress | None
) -> Crawl:
    """Everything one crawl of `domain` gathers (nothing is stored here). CrawlError when its
    home page cannot be read; the exception then carries the fetch log (`exc.log`)."""
    crawl = Crawl(domain=domain, started_at=now_iso())
    say = progress or (lambda _msg: None)
    try:
        await _crawl_with(fetcher, crawl, settings, store, say)
    except errors.ResearchError as exc:
        exc.log = fetcher.log  # type: ignore[attr-defined]
        raise
    finally:
        crawl.log = fetcher.log
        crawl.requests_made = len(fetcher.log)
        crawl.notices[:0] = fetcher.notices
    return crawl


async def _crawl_with(
    fetcher: Fetcher, crawl: Crawl, settings: Settings, store: Store, say: Progress
) -> None:
    domain = crawl.domain
    budget = [settings.max_pages]
    say(f"fetching https://{domain}/")
    # The sitemaps robots.txt names are read while the home page loads (both need only
    # robots.txt), so the pages they list are known as soon as the home page is.
    early_sitemaps = asyncio.create_task(
        _early_sitemaps(fetcher, crawl, domain, settings, budget, store)
    )
    try:
        home = await _fetch_home(fetcher, domain, store)
        entries = await early_sitemaps
    finally:
        if not early_sitemaps.done():
            early_sitemaps.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await early_sitemaps
    budget[0] -= 1
    localised = language_home(home.extraction, home.url, domain)
    if localised:
        # The apex is a country/language chooser: the site itself starts at /en/ or similar.
        say(f"fetching {localised} (the home page chooses a language)")
        budget[0] -= 1
        try:
            page = await fetcher.fetch(localised)
        except errors.FetchError as exc:
            crawl.notices.append(f"home page {exc.url} skipped: {exc.reason}")
        else:
            record = _record(page, "home", domain, store)
            if record is not None and record.extraction.blocks:
                home = record
    crawl.pages[home.url] = home
    home_lang = home.extraction.lang
    if home.extraction.javascript_only:
        raise errors.JavaScriptOnlyError(
            f"{domain} renders its pages with JavaScript only; there is no text to read",
            hint="a saved copy of the rendered page can be served with --resolve",
        )

    if entries is None:  # robots.txt names no sitemap: try /sitemap.xml where the home page is
        say("reading sitemaps")
        sitemap_urls = robots_sitemaps(fetcher.robots_text(host_of(home.url)) or "", home.url)
        if not sitemap_urls:
            sitemap_urls = [f"https://{host_of(home.url)}/sitemap.xml"]
        entries = await _read_sitemaps(fetcher, crawl, sitemap_urls, settings, budget, store)

    # Round 3: the feeds the home page links and the pages by kind, ranked from its links and
    # the sitemap, all at once.
    feed_urls = [u for u in home.extraction.feeds if in_scope(u, domain)][:2]
    ranked = rank_candidates(
        home.extraction.links, domain, entries, home_url=home.url, lang=home_lang
    )
    reserve = min(len(feed_urls), max(0, budget[0]))
    chosen = choose_pages(
        ranked, max(0, budget[0] - reserve), set(crawl.pages) | {canonical_url(home.url)}
    )
    say(f"reading {len(chosen)} pages and {len(feed_urls)} feeds")
    # Notices in a fixed order (feeds, then pages), whichever section finishes first.
    for notices in await asyncio.gather(
        _read_feeds(fetcher, crawl, feed_urls, settings, budget, store),
        _fetch_pages(fetcher, crawl, chosen, store, budget),
    ):
        crawl.notices += notices

    # Round 4: second-level pages (mission/values under About), feeds found on blog pages,
    # and, for blogs without a feed, the posts listed on the index.
    more_links = [link for p in crawl.pages.values() for link in p.extraction.links]
    ranked = rank_candidates(more_links, domain, entries, home_url=home.url, lang=home_lang)
    have_kinds = {p.kind for p in crawl.pages.values()}
    second = [
        c
        for c in choose_pages(ranked, max(0, budget[0]), set(crawl.pages))
        if c.kind in ("mission", "values", "blog", "press") and c.kind not in have_kinds
    ]
    new_feeds = [
        u
        for p in crawl.pages.values()
        if p.kind in ("blog", "press")
        for u in p.extraction.feeds
        if in_scope(u, domain) and u not in crawl.feeds
    ][:2]
    for notices in await asyncio.gather(
        _fetch_pages(fetcher, crawl, second, store, budget),
        _read_feeds(fetcher, crawl, new_feeds, settings, budget, store),
    ):
        crawl.notices += notices
    posts = _posts_to_fetch(crawl, settings, entries)
    if posts:
        say(f"reading {len(posts)} posts")
        crawl.notices += await _fetch_pages(
            fetcher, crawl, posts[: max(0, budget[0])], store, budget
        )


async def _early_sitemaps(
    fetcher: Fetcher,
    crawl: Crawl,
    domain: str,
    settings: Settings,
    budget: list[int],
    store: Store,
) -> list[SitemapEntry] | None:
    """The sitemaps robots.txt of the domain names, read alongside the home page; None when
    it names none (the caller falls back to /sitemap.xml of wherever the home page lives)."""
    await fetcher.allowed(f"https://{domain}/")
    urls = robots_sitemaps(fetcher.robots_text(domain) or "", f"https://{domain}/")
    if not urls:
        return None
    return await _read_sitemaps(fetcher, crawl, urls, settings, budget, store)


async def _fetch_home(fetcher: Fetcher, domain: str, store: Store) -> PageRecord:
    url = f"https://{domain}/"
    try:
        page = await fetcher.fetch(url)
    except errors.DisallowedError as exc:
        raise errors.BlockedError(
            f"robots.txt of {domain} disallows crawling its home page; nothing was fetched"
        ) from exc
    except errors.ChallengeError as exc:
        raise errors.BlockedError(
            f"{domain} answered with {exc.reason} instead of its home page",
            hint="save the page from your browser and serve it with --resolve",
        ) from exc
    except errors.OutOfScopeError as exc:
        if is_private_address(host_of(exc.url)) or "private" in exc.reason:
            raise errors.UnreachableError(
                f"{domain} sends us to {exc.url} ({exc.reason}); refused"
            ) from exc
        raise errors.UnreachableError(
            f"{domain} redirects to {exc.url}, outside {domain}",
            hint=f"research {host_of(exc.url)} instead" if host_of(exc.url) else None,
        ) from exc
    except errors.FetchError as exc:
        raise errors.UnreachableError(f"{domain} could not be reached: {exc.reason}") from exc
    record = _record(page, "home", domain, store)
    if record is None:
        raise errors.UnreachableError(f"{domain} sent no page we can read")
    return record


def _record(page: FetchedPage, kind: str, domain: str, store: Store) -> PageRecord | None:
    html = page.text
    extraction = None
    if page.not_modified:
        stored = store.page(page.url)  # the hop that answered 304 (after an apex -> www hop)
        if stored is None:
            return None
        html = stored.html
        extraction = load_extraction(stored.derived)
        if extraction is not None and extraction.kind != kind:
            extraction = replace(extraction, kind=kind)
    parsed = extraction is None
    if extraction is None:
        extraction = extract_page(page.url, html, kind, domain, page.fetched_at)
    return PageRecord(
        url=canonical_url(page.url),
        kind=kind,
        fetched_at=page.fetched_at,
        status=200 if page.not_modified else page.status,
        content_type=page.content_type or "text/html",
        etag=page.etag,
        last_modified=page.last_modified,
        html=html,
        extraction=extraction,
        not_modified=page.not_modified,
        parsed=parsed,
    )


async def _fetch_pages(
    fetcher: Fetcher, crawl: Crawl, candidates: list[Candidate], store: Store, budget: list[int]
) -> list[str]:
    """Fetch `candidates` at once into crawl.pages; the notices of those that failed."""

    async def one(candidate: Candidate) -> tuple[PageRecord | None, str | None]:
        try:
            page = await fetcher.fetch(candidate.url)
        except errors.FetchError as exc:
            kept = _stored_copy(store, candidate, crawl.domain, exc)
            notice = None
            if candidate.kind != "post" or kept is not None:
                what = f"kept the copy of {kept.fetched_at[:10]}" if kept else "skipped"
                where = "" if exc.url == candidate.url else f" ({exc.url})"
                notice = f"{candidate.kind} page {candidate.url} {what}: {exc.reason}{where}"
            return kept, notice
        return _record(page, candidate.kind, crawl.domain, store), None

    todo = [c for c in candidates if c.url not in crawl.pages][: max(0, budget[0])]
    budget[0] -= len(todo)
    # Kept in the order the candidates were ranked, not the order the answers came in, so
    # that the same site gives the same brief (which page a fact is cited from, source ids).
    notices = []
    for record, notice in await asyncio.gather(*(one(c) for c in todo)):
        if record is not None and record.url not in crawl.pages:
            crawl.pages[record.url] = record
        if notice:
            notices.append(notice)
    return notices


def _stored_copy(
    store: Store, candidate: Candidate, domain: str, exc: errors.FetchError
) -> PageRecord | None:
    """A page that failed this time (5xx, timeout, reset, too large...) but was read before
    keeps its stored copy in the brief: a flaky hour must not erase what we knew. A page
    that is gone (404, 410) is not kept."""
    if exc.status in (404, 410) or isinstance(exc, errors.DisallowedError):
        return None
    stored = store.page(canonical_url(candidate.url))
    if stored is None or stored.company != domain or not stored.html:
        return None
    return PageRecord(
        url=stored.url,
        kind=stored.kind,
        fetched_at=stored.fetched_at,
        status=stored.status,
        content_type=stored.content_type or "text/html",
        etag=stored.etag,
        last_modified=stored.last_modified,
        html=stored.html,
        extraction=load_extraction(stored.derived)
        or extract_page(stored.url, stored.html, stored.kind, domain, stored.fetched_at),
        not_modified=True,
        reused=True,
    )


async def _read_sitemaps(
    fetcher: Fetcher,
    crawl: Crawl,
    urls: list[str],
    settings: Settings,
    budget: list[int],
    store: Store,
) -> list[SitemapEntry]:
    entries: list[SitemapEntry] = []
    queue = [u for u in urls if in_scope(u, fetcher.domain)][:3]
    seen: set[str] = set()
    while queue and budget[0] > 0 and len(seen) < 6:
        batch = [u for u in queue if u not in seen][:3]
        queue = []
        seen.update(batch)
        budget[0] -= len(batch)
        results = await asyncio.gather(
            *(_one_sitemap(fetcher, crawl, u, settings, store) for u in batch),
            return_exceptions=False,
        )
        for sitemap in results:
            if sitemap is None:
                continue
            entries.extend(sitemap.entries)
            children = [c for c in sitemap.children if in_scope(c, fetcher.domain)]
            # Page and post sitemaps say most about a company; skip image/product dumps.
            children.sort(key=lambda c: (not any(w in c for w in ("page", "post", "news")), c))
            queue.extend(children[:3])
    return entries[:5000]


async def _one_sitemap(
    fetcher: Fetcher, crawl: Crawl, url: str, settings: Settings, store: Store
) -> Sitemap | None:
    cap = settings.max_sitemap_bytes
    try:
        page = await fetcher.fetch(url, accept=SITEMAP_TYPES, max_bytes=cap)
        if page.not_modified:
            stored = store.page(canonical_url(page.url))
            kept = load_sitemap(stored.derived) if stored else None
            if kept is not None:
                crawl.sitemaps[canonical_url(page.url)] = (page, kept, False)
                return kept
            page = await fetcher.fetch(url, accept=SITEMAP_TYPES, max_bytes=cap, conditional=False)
        sitemap = parse_sitemap(page.body, page.url, cap)
    except errors.FetchError:
        return None
    crawl.sitemaps[canonical_url(page.url)] = (page, sitemap, True)
    return sitemap


async def _read_feeds(
    fetcher: Fetcher,
    crawl: Crawl,
    urls: list[str],
    settings: Settings,
    budget: list[int],
    store: Store,
) -> list[str]:
    """Read `urls` at once into crawl.feeds (in the order given, those with entries); the
    notices of those that could not be read."""
    todo = [u for u in dict.fromkeys(urls) if u not in crawl.feeds]
    notices = []
    for feed, notice in await asyncio.gather(
        *(_read_feed(fetcher, crawl, u, settings, budget, store) for u in todo)
    ):
        if feed is not None:
            crawl.feeds.setdefault(canonical_url(feed.page.url), feed)
        if notice:
            notices.append(notice)
    return notices


async def _read_feed(
    fetcher: Fetcher,
    crawl: Crawl,
    url: str,
    settings: Settings,
    budget: list[int],
    store: Store,
) -> tuple[FeedRecord | None, str | None]:
    """(the feed, if it has entries in scope; a notice if it could not be read)."""
    if budget[0] <= 0:
        return None, None
    budget[0] -= 1
    try:
        page = await fetcher.fetch(url, accept=FEED_TYPES, max_bytes=settings.max_feed_bytes)
        reused = _stored_feed(store, page) if page.not_modified else None
        if page.not_modified and reused is None:  # a 304 for a feed we do not hold: ask plainly
            page = await fetcher.fetch(
                url, accept=FEED_TYPES, max_bytes=settings.max_feed_bytes, conditional=False
            )
    except errors.FetchError as exc:
        return None, f"feed {exc.url} skipped: {exc.reason}"
    parsed = reused is None or reused[2]
    title, entries = (reused[0], reused[1]) if reused else parse_feed(page.body, page.url)
    entries = [e for e in entries if in_scope(e.url, crawl.domain)]
    if not entries:
        return None, None
    return FeedRecord(page, title, entries, parsed=parsed), None


def _stored_feed(
    store: Store, page: FetchedPage
) -> tuple[str | None, list[FeedEntry], bool] | None:
    """What a feed answered 304 holds: (title, entries, parsed again?); None if not stored."""
    stored = store.page(canonical_url(page.url))
    if stored is None:
        return None
    return stored_feed_entries(stored)


def stored_feed_entries(stored: StoredPage) -> tuple[str | None, list[FeedEntry], bool]:
    """A stored feed's (title, entries, parsed again?): what was derived when it was read,
    else (a row of older code) its stored text parsed again as the UTF-8 it now is, whatever
    encoding its XML declaration names (a "latin-1" declaration over the re-encoded text
    made every accented letter two)."""
    kept = load_feed(stored.derived)
    if kept is not None:
        return kept[0], kept[1], False
    body = _XML_ENCODING.sub(r'\1"utf-8"', stored.html, count=1).encode("utf-8")
    title, entries = parse_feed(body, stored.url)
    return title, entries, True


# The encoding pseudo-attribute of an XML declaration at the start of a document.
_XML_ENCODING = re.compile(
    r"""\A(\ufeff?\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*)(["'])[^"']{0,40}\2"""
)


def _posts_to_fetch(
    crawl: Crawl, settings: Settings, sitemap: list[SitemapEntry]
) -> list[Candidate]:
    """Posts need fetching only where no feed gave them (for their dates and summaries)."""
    in_feeds = {canonical_url(e.url) for feed in crawl.feeds.values() for e in feed.entries}
    found: list[Candidate] = []
    for record in crawl.pages.values():
        if record.kind not in ("blog", "press"):
            continue
        listed = post_links(
            record.url, record.extraction.content_links, crawl.domain, settings.max_posts + 4
        )
        if any(c.url in in_feeds for c in listed):
            continue  # a feed already covers this index
        found += listed[: settings.max_posts]
    if not found and not in_feeds:
        dated = sorted(
            (e for e in sitemap if e.lastmod), key=lambda e: e.lastmod or "", reverse=True
        )
        for entry in dated:
            kind, _score, _reason = kind_of(entry.url)
            if kind is None and any(
                p.kind in ("blog", "press") and entry.url.startswith(p.url)
                for p in crawl.pages.values()
            ):
                found.append(
                    Candidate(
                        url=entry.url,
                        kind="post",
                        score=1.0,
                        reason="sitemap",
                        published=entry.lastmod,
                    )
                )
    unique: dict[str, Candidate] = {}
    for candidate in found:
        unique.setdefault(candidate.url, candidate)
    return list(unique.values())[: settings.max_posts + 2]


def stored_crawl(domain: str, store: Store) -> Crawl:
    """The last crawl of a company rebuilt from the store (no network): its pages re-extracted
    from their stored HTML, its feeds re-parsed. NotResearchedError when there is none."""
    crawl = Crawl(domain=domain, started_at=now_iso())
    for stored in store.pages(domain):
        if stored.kind == "reviews":
            continue
        if stored.kind == "feed":
            title, entries, _parsed = stored_feed_entries(stored)
            page = FetchedPage(
                url=stored.url, requested_url=stored.url, status=stored.status,
                content_type=stored.content_type, body=b"", text="", fetched_at=stored.fetched_at,
                elapsed_ms=0, etag=stored.etag, last_modified=stored.last_modified,
                not_modified=True,
            )  # fmt: skip
            entries = [e for e in entries if in_scope(e.url, domain)]
            if entries:
                crawl.feeds[stored.url] = FeedRecord(page, title or stored.title, entries)
            continue
        crawl.pages[stored.url] = PageRecord(
            url=stored.url, kind=stored.kind, fetched_at=stored.fetched_at, status=stored.status,
            content_type=stored.content_type, etag=stored.etag,
            last_modified=stored.last_modified, html=stored.html,
            extraction=extract_page(stored.url, stored.html, stored.kind, domain),
            not_modified=True,
        )  # fmt: skip
    if not crawl.pages:
        raise errors.NotResearchedError(
            f"{domain} has no stored crawl to rebuild the brief on",
            hint=f"run `research {domain}` first",
        )
    return crawl
