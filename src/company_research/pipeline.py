"""Pipeline: research one company end to end (fetch, discover, extract, store, summarise)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import importlib
import selectors
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from company_research import errors
from company_research.fetch import Fetcher, make_client, named_asyncio, now_iso, quiet_loop
from company_research.scope import normalise_domain
from company_research.settings import Settings

if TYPE_CHECKING:
    import httpx

    from company_research.crawl import Crawl, FeedRecord, PageRecord, Progress, stored_crawl
    from company_research.fetch import Politeness
    from company_research.models import FetchedPage
    from company_research.store import Store

# What `research DOMAIN` needs before its first request is only the fetcher (httpx and its
# dependencies): the crawl, the store and what a brief is built with are imported on a thread
# while robots.txt is in flight (_open_store_behind). These names are still exported here.
_CRAWL_EXPORTS = frozenset({"Crawl", "FeedRecord", "PageRecord", "Progress", "stored_crawl"})


def __getattr__(name: str) -> Any:
    if name in _CRAWL_EXPORTS:
        from company_research import crawl

        return getattr(crawl, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Crawl",
    "FeedRecord",
    "PageRecord",
    "Progress",
    "ResearchResult",
    "rebuild_brief",
    "research",
    "research_company",
    "stored_brief",
    "stored_crawl",
]


@dataclass(frozen=True)
class ResearchResult:
    domain: str
    brief: dict[str, Any]
    pages_fetched: int
    pages_not_modified: int
    requests: int
    notices: tuple[str, ...]
    pages_parsed: int = 0  # pages and feeds parsed (a 304 reuses what was derived before)
    bytes: int = 0  # response bytes received


def research(
    domain_input: str,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    reviews_only: bool = False,
) -> ResearchResult:
    """Crawl a company's site, store what was read, and return a fresh cited brief
    (reviews_only: re-read the review sites only and rebuild the brief on the stored crawl)."""
    domain = normalise_domain(domain_input)
    if settings.offline:
        brief = _read_brief(domain, settings)
        if brief is None:
            raise errors.NotResearchedError(
                f"{domain} has not been researched yet, and --offline forbids the network",
                hint=f"run `research {domain}` once online",
            )
        return ResearchResult(domain, brief, 0, 0, 0, ())

    idle = threading.Event()

    async def run() -> ResearchResult:
        async with make_client(settings, transport) as client:
            fetcher = Fetcher(client, settings, domain)
            # robots.txt is asked for while a thread imports the crawl and opens the store
            # (importing sqlite-utils and migrating a new file take a round trip's time).
            robots = None
            if not reviews_only:
                robots = asyncio.ensure_future(fetcher.allowed(f"https://{domain}/"))
            try:
                store = await asyncio.wrap_future(_open_store_behind(settings.db_path, idle))
            except BaseException:
                if robots is not None:
                    robots.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await robots
                raise
            try:
                return await research_company(
                    domain,
                    settings,
                    store,
                    client,
                    politeness=fetcher.politeness,
                    progress=progress,
                    reviews_only=reviews_only,
                    fetcher=fetcher,
                )
            finally:
                if robots is not None and not robots.done():
                    robots.cancel()
                store.close()

    with asyncio.Runner(loop_factory=_loop_factory(idle)) as runner, named_asyncio():
        return runner.run(run())


class _IdleSelector(selectors.DefaultSelector):
    """The event loop's selector, with `idle` set while it waits for the network (or a
    timer) with nothing else to run."""

    def __init__(self, idle: threading.Event) -> None:
        super().__init__()
        self.idle = idle

    def select(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        if timeout is not None and timeout <= 0:  # callbacks are ready: only polling
            return super().select(timeout)
        self.idle.set()
        try:
            return super().select(timeout)
        finally:
            self.idle.clear()


def _loop_factory(idle: threading.Event) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """An event loop that tells `idle` when it waits; None (asyncio's default loop) where
    that is not a selector loop (Windows): `idle` is then always set."""
    if sys.platform == "win32":
        idle.set()
        return None
    return lambda: asyncio.SelectorEventLoop(_IdleSelector(idle))


# What the crawl needs before its second request (the home page): imported on the thread
# that opens the store, while robots.txt is in flight. protego comes first: robots.txt is
# the first answer to parse.
FIRST_MODULES = ("protego", "company_research.crawl", "company_research.store", "sqlite_utils")
# Modules a crawl needs only after its first answers; imported while it waits for them, in
# the order they are needed (the home page is parsed with lxml.html, then feeds,
# the brief built and rendered last).
LATER_MODULES = (
    "lxml.html",
    "company_research.feeds",  # feedparser only for feeds it cannot read (imported then)
    "company_research.summarise",
    "company_research.reviews.collect",
    "company_research.render",
)
LATER_CALLS = (("company_research.reviews.registry", "adapters"),)  # imports every review site
# The longest a step of that thread waits for the event loop to be idle: a loop busy for
# longer than this (or one that never says, see _loop_factory) shares the GIL with it.
IDLE_WAIT = 0.05


def _open_store_behind(
    path: Path | None, idle: threading.Event | None = None
) -> concurrent.futures.Future[Store]:
    """Import FIRST_MODULES and open the store on a thread, then import LATER_MODULES: the
    event loop spends the first round trips idle, and a one-shot `research DOMAIN` would
    otherwise do all of it before its first request, or between two of its requests.

    Each step (one module, opening the store) starts when the loop of `research` waits for
    the network (`idle`): Python runs one thread at a time, and an answer that arrives
    while this thread imports would be parsed at half speed, its next requests sent later."""
    future: concurrent.futures.Future[Store] = concurrent.futures.Future()

    def step() -> None:
        if idle is not None:
            idle.wait(IDLE_WAIT)

    def work() -> None:
        for name in FIRST_MODULES:
            step()
            with contextlib.suppress(ImportError):  # raised again where it is used
                importlib.import_module(name)
        try:
            from company_research.store import open_store

            step()
            future.set_result(open_store(path))
        except BaseException as exc:  # the caller re-raises it
            future.set_exception(exc)
            return
        for name in LATER_MODULES:
            step()
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        for name, function in LATER_CALLS:
            step()
            with contextlib.suppress(Exception):  # it runs again, and raises, where it is used
                getattr(importlib.import_module(name), function)()

    threading.Thread(target=work, name="open-store", daemon=True).start()
    return future


async def research_company(
    domain: str,
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient,
    *,
    politeness: Politeness | None = None,
    progress: Progress | None = None,
    command: str = "research",
    reviews_only: bool = False,
    fetcher: Fetcher | None = None,
) -> ResearchResult:
    """Research one (normalised) domain with a given client and store; the library core that
    `research` and a refresh of many companies share. Raises CrawlError; stores nothing then.
    `fetcher`: one made for this domain before the store was open (robots.txt already asked
    for); it gets the stored validators and does the crawl."""
    with named_asyncio():
        return await _research_company(
            domain, settings, store, client, politeness, progress, command, reviews_only, fetcher
        )


async def _research_company(
    domain: str,
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient,
    politeness: Politeness | None,
    progress: Progress | None,
    command: str,
    reviews_only: bool,
    fetcher: Fetcher | None,
) -> ResearchResult:
    from company_research.crawl import crawl_site, stored_crawl

    store.touch_company(domain)
    run_id = store.start_run(domain, "reviews" if reviews_only else command)
    validators = store.validators(domain)
    try:
        if reviews_only:
            crawl = stored_crawl(domain, store)
        else:
            if fetcher is None:
                fetcher = Fetcher(client, settings, domain, politeness=politeness)
            fetcher.use_validators(validators)
            crawl = await crawl_site(domain, settings, store, fetcher, progress)
    except errors.ResearchError as exc:
        store.log_fetches(run_id, domain, getattr(exc, "log", []))
        store.finish_run(run_id, "failed", message=str(exc))
        store.touch_company(domain, status="failed")
        raise
    # Imported here, not above: `research` imports them on a thread during the crawl.
    from company_research.summarise import build_brief

    if settings.reviews:
        from company_research.reviews.collect import review_stage

        (progress or (lambda _m: None))("looking the company up on review sites")
        crawl.reviews = await review_stage(domain, crawl, settings, store, client, politeness)
    # Building and storing the brief is a few tens of milliseconds of CPU: in a refresh, the
    # answers other crawls are waiting for are read, and their next requests sent, first.
    await quiet_loop()
    previous = store.latest_brief(domain)
    brief = build_brief(domain, crawl, previous)
    with store.transaction():
        _save(store, crawl, brief, run_id)
    counts = _counts(crawl)
    return ResearchResult(
        domain,
        brief,
        counts["pages_fetched"],
        counts["pages_not_modified"],
        crawl.requests_made,
        tuple(crawl.notices),
        pages_parsed=counts["pages_parsed"],
        bytes=counts["bytes"],
    )


def _counts(crawl: Crawl) -> dict[str, int]:
    """Documents (pages and feeds) fetched, answered 304, parsed; bytes received."""
    docs = [(p.not_modified, p.parsed) for p in crawl.pages.values()]
    docs += [(f.page.not_modified, f.parsed) for f in crawl.feeds.values()]
    docs += [(page.not_modified, parsed) for page, _s, parsed in crawl.sitemaps.values()]
    return {
        "pages_fetched": sum(1 for nm, _ in docs if not nm),
        "pages_not_modified": sum(1 for nm, _ in docs if nm),
        "pages_parsed": sum(1 for _, parsed in docs if parsed),
        "bytes": sum(r.bytes for r in crawl.log),
    }


def stored_brief(domain_input: str, settings: Settings) -> dict[str, Any]:
    """The latest stored brief of a company (no network)."""
    domain = normalise_domain(domain_input)
    brief = _read_brief(domain, settings)
    if brief is None:
        raise errors.NotResearchedError(
            f"no brief stored for {domain}", hint=f"run `research {domain}` first"
        )
    return brief


def _read_brief(domain: str, settings: Settings) -> dict[str, Any] | None:
    """The latest stored brief of `domain`, None if there is none; a read never creates a
    store (a path whose folders do not exist yet still gets StoreError's reasons)."""
    from company_research.store import default_db_path, open_store

    path = Path(settings.db_path or default_db_path())
    nearest = next((p for p in (path, *path.parents) if p.exists()), path)
    if not path.exists() and nearest.is_dir():
        return None
    store = open_store(path)
    try:
        return store.latest_brief(domain)
    finally:
        store.close()


def rebuild_brief(
    domain: str, store: Store, reviews: Any, command: str = "reviews import"
) -> dict[str, Any]:
    """A new brief on the stored crawl with these reviews (a reviews.collect.Harvest), stored
    with them in one transaction. A company never crawled gets a brief of its reviews alone."""
    from company_research.crawl import Crawl, stored_crawl
    from company_research.summarise import build_brief

    store.touch_company(domain)
    run_id = store.start_run(domain, command)
    try:
        crawl = stored_crawl(domain, store)
    except errors.NotResearchedError:
        crawl = Crawl(domain=domain, started_at=now_iso())
    crawl.reviews = reviews
    brief = build_brief(domain, crawl, store.latest_brief(domain))
    with store.transaction():
        _save(store, crawl, brief, run_id)
    return brief


def _save(store: Store, crawl: Crawl, brief: dict[str, Any], run_id: int) -> None:
    from company_research.derived import dump_extraction, dump_feed, dump_sitemap
    from company_research.extract import feed_text
    from company_research.store import StoredPage

    domain = crawl.domain
    if crawl.reviews is not None:
        from company_research.reviews.collect import save_harvest

        save_harvest(store, domain, crawl.reviews, run_id)
    for record in crawl.pages.values():
        if record.reused:
            continue
        derived = dump_extraction(record.extraction)
        if record.not_modified:
            store.mark_seen(record.url, record.fetched_at, derived if record.parsed else None)
            continue
        store.save_page(
            StoredPage(
                url=record.url,
                company=domain,
                kind=record.kind,
                status=record.status,
                fetched_at=record.fetched_at,
                content_type=record.content_type,
                etag=record.etag,
                last_modified=record.last_modified,
                content_hash=hashlib.sha256(record.extraction.text.encode()).hexdigest(),
                title=record.extraction.title,
                text=record.extraction.text,
                html=record.html,
                published=record.extraction.published,
                derived=derived,
            )
        )
    for url, feed in crawl.feeds.items():
        _save_fetched(
            store, domain, url, feed.page, "feed", dump_feed(feed.title, feed.entries),
            parsed=feed.parsed, title=feed.title, text=feed_text(feed.entries),
            html=feed.page.text,
        )  # fmt: skip
    for url, (page, sitemap, parsed) in crawl.sitemaps.items():
        # Sitemaps are kept parsed (their entries), not raw: a 304 then costs no bytes.
        _save_fetched(store, domain, url, page, "sitemap", dump_sitemap(sitemap), parsed=parsed)
    store.log_fetches(run_id, domain, crawl.log)
    sources = {s["id"]: s["url"] for s in brief["sources"]}
    store.save_posts(
        domain,
        [
            {
                "url": p["url"],
                "title": p["title"],
                "published": p["published"],
                "summary": p["summary"],
                "source_url": sources.get(p["source"]),
            }
            for p in brief["posts"]
        ],
    )
    store.replace_facts(domain, _facts_of(brief, sources))
    store.save_brief(domain, brief)
    store.touch_company(domain, name=brief["company"]["name"], status="ok")
    errors_count = sum(1 for r in crawl.log if r.error or (r.status or 0) >= 400)
    store.finish_run(
        run_id,
        "ok",
        **_counts(crawl),
        requests=crawl.requests_made,
        errors=errors_count,
        message="; ".join(crawl.notices)[:2000] or None,
    )


def _save_fetched(
    store: Store,
    domain: str,
    url: str,
    page: FetchedPage,
    kind: str,
    derived: str,
    *,
    parsed: bool,
    title: str | None = None,
    text: str = "",
    html: str = "",
) -> None:
    """Store a feed or sitemap with what was derived from it; a 304 only marks it seen."""
    from company_research.store import StoredPage

    if page.not_modified:
        store.mark_seen(url, page.fetched_at, derived if parsed else None)
        return
    store.save_page(
        StoredPage(
            url=url,
            company=domain,
            kind=kind,
            status=page.status,
            fetched_at=page.fetched_at,
            content_type=page.content_type,
            etag=page.etag,
            last_modified=page.last_modified,
            content_hash=hashlib.sha256(page.body).hexdigest(),
            title=title,
            text=text,
            html=html,
            derived=derived,
        )
    )


def _facts_of(brief: dict[str, Any], sources: dict[int, str]) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    company = brief["company"]
    for key, source_id in company.get("sources", {}).items():
        if company.get(key):
            facts.append(
                {
                    "kind": "company",
                    "key": key,
                    "value": str(company[key]),
                    "source_url": sources.get(source_id),
                    "evidence": None,
                }
            )
    if brief["mission"]:
        facts.append(
            {
                "kind": "mission",
                "key": "mission",
                "value": brief["mission"]["text"],
                "source_url": sources.get(brief["mission"]["source"]),
                "evidence": None,
            }
        )
    for section in ("values", "offerings"):
        for i, item in enumerate(brief[section]):
            facts.append(
                {
                    "kind": section,
                    "key": f"{i:03d}",
                    "value": item["text"],
                    "source_url": sources.get(item["source"]),
                    "evidence": None,
                }
            )
    return facts
