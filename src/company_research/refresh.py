"""Refresh: bring the watchlist up to date, a few companies at a time, and say what changed.

One refresh runs per store at a time (a lock row naming the holder's PID, host and start; a
holder whose process is gone, or that started over a day ago, is stale and taken over).
Change detection compares extracted facts (posts, mission, values, ratings, the set of pages),
never raw HTML, so a new cookie banner or a rotated tracking script is not news.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from company_research import errors
from company_research.errors import EXIT_OK, EXIT_PARTIAL
from company_research.fetch import Politeness, make_client
from company_research.scope import canonical_url
from company_research.settings import Settings
from company_research.store import Store, default_db_path, open_store
from company_research.watch import WatchEntry, due, entries
from company_research.workers import (
    ForkedWorker,
    can_fork,
    default_processes,
    fork_workers,
    shares,
)

if TYPE_CHECKING:
    import httpx

LOCK_NAME = "refresh"
LOCK_MAX_AGE = timedelta(hours=24)
DEFAULT_CONCURRENCY = 4
DEFAULT_STALE_AFTER = timedelta(days=7)
CHANGE_KINDS = (
    "new_post",
    "mission_changed",
    "values_changed",
    "rating_changed",
    "page_added",
    "page_removed",
    "unreachable",
)
# Page kinds whose arrival or departure is news; posts are reported as new_post, and feeds
# and sitemaps are plumbing.
TRACKED_PAGE_KINDS = frozenset(
    {"home", "about", "mission", "values", "careers", "blog", "press", "products", "contact"}
)


@dataclass(frozen=True)
class Change:
    kind: str  # one of CHANGE_KINDS
    text: str
    url: str | None


@dataclass
class CompanyDigest:
    """What one company's refresh found: status ok, new (first research), or failed."""

    domain: str
    status: str
    changes: list[Change] = field(default_factory=list)
    requests: int = 0
    bytes: int = 0
    pages_parsed: int = 0
    pages_not_modified: int = 0


@dataclass
class Digest:
    companies: list[CompanyDigest]
    considered: int  # watched companies
    run_id: int | None = None
    processes: int = 1  # processes that refreshed at least one company

    @property
    def failed(self) -> list[CompanyDigest]:
        return [c for c in self.companies if c.status == "failed"]

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        """The digest contract: {"companies": [{"domain", "status", "changes": [...]}]}."""
        return {
            "companies": [
                {
                    "domain": c.domain,
                    "status": c.status,
                    "changes": [
                        {"kind": ch.kind, "text": ch.text, "url": ch.url} for ch in c.changes
                    ],
                }
                for c in self.companies
            ]
        }

    def totals(self) -> dict[str, int]:
        return {
            "requests": sum(c.requests for c in self.companies),
            "bytes": sum(c.bytes for c in self.companies),
            "pages_parsed": sum(c.pages_parsed for c in self.companies),
            "pages_not_modified": sum(c.pages_not_modified for c in self.companies),
        }


class Reporter(Protocol):
    """Progress of a refresh (a bar on a terminal, log lines otherwise)."""

    def start(self, total: int) -> None: ...
    def done(self, company: CompanyDigest) -> None: ...
    def finish(self) -> None: ...


class LogReporter:
    """One plain line per company on a stream (stderr): what cron mail and log files want."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.count = 0

    def start(self, total: int) -> None:
        self.total = total
        print(f"refreshing {total} {_plural(total, 'company', 'companies')}", file=self.stream)

    def done(self, company: CompanyDigest) -> None:
        self.count += 1
        what = (
            f"failed: {company.changes[0].text}"
            if company.status == "failed" and company.changes
            else f"{company.status}, {len(company.changes)} "
            f"{_plural(len(company.changes), 'change', 'changes')}"
        )
        print(f"[{self.count}/{self.total}] {company.domain}: {what}", file=self.stream)

    def finish(self) -> None:
        self.stream.flush()


class BarReporter:
    """A rich progress bar on stderr, for a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
        self.progress = Progress(
            TextColumn("refreshing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self.task: Any = None

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("", total=total)

    def done(self, company: CompanyDigest) -> None:
        self.progress.update(self.task, advance=1, description=company.domain)

    def finish(self) -> None:
        self.progress.stop()


@dataclass(frozen=True)
class _Before:
    """What was stored about a company before its refresh, to compare against."""

    brief: dict[str, Any] | None
    pages: dict[str, dict[str, Any]]
    posts: set[str]


def refresh(
    settings: Settings,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    everything: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    reporter: Reporter | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    processes: int | None = None,
) -> Digest:
    """Refresh the watched companies that are due; RefreshBusyError if another refresh of this
    store is running. A company that fails keeps its last good data and is reported.
    `processes` (None: one per core, see workers.default_processes) crawl companies in
    parallel; hosts stay as polite as in one process. A `transport` keeps it to one."""
    if concurrency < 1:
        raise errors.UsageError("--concurrency must be at least 1")
    if processes is not None and processes < 1:
        raise errors.UsageError("--processes must be at least 1")
    if settings.db_path is None:  # worker processes must open this very file
        settings = dataclasses.replace(settings, db_path=default_db_path())
    store = open_store(settings.db_path)
    try:
        with refresh_lock(store) as lock_id:
            watched = entries(store)
            now = datetime.now(UTC)
            todo = [e for e in watched if due(e, stale_after, now, everything=everything)]
            run_id = store.start_run(None, "refresh")
            store.set_lock_run(LOCK_NAME, lock_id, run_id)
            digest = Digest([], considered=len(watched), run_id=run_id)
            try:
                if transport is not None:
                    processes = 1  # an in-process transport (tests, the demo) is not shared
                elif processes is None:
                    processes = default_processes(len(todo), concurrency)
                forked: list[ForkedWorker] = []
                if processes > 1 and can_fork():
                    # No SQLite connection may be open across a fork (the workers open their own).
                    store.close()
                    try:
                        forked = fork_workers(len(shares(concurrency, processes)))
                    finally:
                        store.reopen()
                try:
                    digest.companies, digest.processes = asyncio.run(
                        _refresh_all(
                            todo,
                            settings,
                            store,
                            concurrency,
                            reporter,
                            transport,
                            processes,
                            forked,
                        )
                    )
                finally:
                    for worker in forked:
                        worker.discard()
            except BaseException:
                store.finish_run(run_id, "interrupted", message="interrupted; stored data kept")
                raise
            _finish(store, digest)
            return digest
    finally:
        store.close()


def _finish(store: Store, digest: Digest) -> None:
    failed = len(digest.failed)
    changed = sum(1 for c in digest.companies if c.changes and c.status != "failed")
    outcome = "ok" if not failed else ("failed" if failed == len(digest.companies) else "partial")
    store.finish_run(
        digest.run_id or 0,
        outcome,
        **digest.totals(),
        pages_fetched=None,
        errors=failed,
        message=(
            f"{len(digest.companies)} refreshed of {digest.considered} watched: "
            f"{changed} changed, {failed} failed"
        ),
    )


async def _refresh_all(
    todo: list[WatchEntry],
    settings: Settings,
    store: Store,
    concurrency: int,
    reporter: Reporter | None,
    transport: httpx.AsyncBaseTransport | None,
    processes: int = 1,
    forked: list[ForkedWorker] | None = None,
) -> tuple[list[CompanyDigest], int]:
    """`concurrency` companies at a time, taken in order from one queue by this process and
    by `processes - 1` worker processes (workers.py): the digests in watchlist order, and how
    many processes refreshed at least one company."""
    from company_research.workers import WorkerPool

    politeness = Politeness(settings)  # one per refresh: a host shared by companies stays polite
    queue = deque(todo)
    results: dict[str, CompanyDigest] = {}
    local = 0

    def finished(result: CompanyDigest) -> None:
        results[result.domain] = result
        if reporter:
            reporter.done(result)

    workers = shares(concurrency, processes) if processes > 1 else []
    pool = WorkerPool(settings, politeness, queue, finished, concurrency, len(workers), forked)
    if reporter:
        reporter.start(len(todo))
    try:
        async with make_client(settings, transport) as client:

            async def runner(*, until_taken_over: bool) -> None:
                nonlocal local
                while queue and not (until_taken_over and pool.taken_over()):
                    async with pool.companies:
                        entry = await pool.take(pool)
                        if entry is None:
                            break
                        try:
                            finished(
                                await _refresh_company(
                                    entry.domain, settings, store, client, politeness
                                )
                            )
                        finally:
                            pool.release(pool, entry)
                        local += 1

            # This process crawls until its workers are ready, then only hands out slots;
            # with its share only, so that the workers find companies free when they are.
            mine = concurrency // (len(workers) + 1) if workers else concurrency
            await asyncio.gather(
                *(runner(until_taken_over=True) for _ in range(max(1, mine))),
                *(pool.run_worker(n) for n in workers),
            )
            # What workers that died early left (none if they all ran to the end).
            await asyncio.gather(*(runner(until_taken_over=False) for _ in range(concurrency)))
    finally:
        if reporter:
            reporter.finish()
    ordered = [results[e.domain] for e in todo if e.domain in results]
    return ordered, (1 if local else 0) + pool.used


async def _refresh_company(
    domain: str,
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient,
    politeness: Politeness,
) -> CompanyDigest:
    from company_research.pipeline import research_company

    before = _Before(store.latest_brief(domain), store.page_index(domain), store.post_urls(domain))
    try:
        result = await research_company(
            domain, settings, store, client, politeness=politeness, command="refresh"
        )
    except errors.CrawlError as exc:
        failed_run = store.last_run_id(domain)
        log = store.fetch_log(failed_run) if failed_run else []
        return CompanyDigest(
            domain,
            "failed",
            [Change("unreachable", str(exc), f"https://{domain}/")],
            requests=len(log),
            bytes=sum(row["bytes"] or 0 for row in log),
        )
    except errors.ResearchError:
        raise
    except Exception as exc:  # one company's bug must not cost the others their refresh
        return CompanyDigest(
            domain,
            "failed",
            [Change("unreachable", f"could not refresh: {type(exc).__name__}: {exc}", None)],
        )
    run_id = store.last_run_id(domain)
    log = store.fetch_log(run_id) if run_id else []
    if before.brief is None:
        changes: list[Change] = []
        status = "new"
    else:
        status = "ok"
        changes = brief_changes(before.brief, result.brief, before.posts)
        gone = removed_pages(before.pages, log)
        with store.transaction():
            for url in gone:
                store.mark_gone(url)
        changes += [_page_change("page_removed", url, before.pages[url]) for url in gone]
        after = store.page_index(domain)
        changes += [
            _page_change("page_added", url, page)
            for url, page in sorted(after.items())
            if url not in before.pages and page["kind"] in TRACKED_PAGE_KINDS
        ]
    return CompanyDigest(
        domain,
        status,
        changes,
        requests=result.requests,
        bytes=result.bytes,
        pages_parsed=result.pages_parsed,
        pages_not_modified=result.pages_not_modified,
    )


def brief_changes(
    old: dict[str, Any], new: dict[str, Any], known_posts: set[str] | None = None
) -> list[Change]:
    """Facts that differ between two briefs of one company: posts, mission, values, ratings."""
    changes: list[Change] = []
    seen = set(known_posts or ()) | {p["url"] for p in old.get("posts", [])}
    for post in new.get("posts", []):
        if post["url"] not in seen:
            day = f" ({post['published'][:10]})" if post.get("published") else ""
            changes.append(Change("new_post", f"New post: {post['title']}{day}", post["url"]))
    sources = {s["id"]: s["url"] for s in new.get("sources", [])}
    old_mission = _norm((old.get("mission") or {}).get("text"))
    mission = new.get("mission")
    if mission and _norm(mission["text"]) != old_mission:
        verb = "now reads" if old_mission else "now stated"
        changes.append(
            Change(
                "mission_changed",
                f"Mission {verb}: {mission['text']}",
                sources.get(mission.get("source")),
            )
        )
    old_values = {_norm(v["text"]): v["text"] for v in old.get("values", [])}
    new_values = {_norm(v["text"]): v for v in new.get("values", [])}
    if new_values and set(new_values) != set(old_values):
        added = [v["text"] for k, v in new_values.items() if k not in old_values]
        dropped = [text for k, text in old_values.items() if k not in new_values]
        parts = [f"added {'; '.join(added)}"] if added else []
        parts += [f"dropped {'; '.join(dropped)}"] if dropped else []
        first = next(iter(new_values.values()))
        changes.append(
            Change(
                "values_changed",
                f"Values changed: {', '.join(parts)}",
                sources.get(first.get("source")),
            )
        )
    changes += _rating_changes(old, new)
    return changes


def _rating_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Only where both briefs hold a rating for the same review site."""
    before = {
        s.get("site"): s
        for s in (old.get("reviews") or {}).get("sites", [])
        if s.get("rating") is not None
    }
    changes: list[Change] = []
    for site in (new.get("reviews") or {}).get("sites", []):
        was = before.get(site.get("site"))
        rating = site.get("rating")
        if was is None or rating is None:
            continue
        if round(float(rating), 2) != round(float(was["rating"]), 2):
            scale = site.get("scale") or 5
            changes.append(
                Change(
                    "rating_changed",
                    f"Rating on {site['site']} moved from {float(was['rating']):g} "
                    f"to {float(rating):g} (of {float(scale):g})",
                    site.get("url"),
                )
            )
    return changes


def removed_pages(before: dict[str, dict[str, Any]], log: list[dict[str, Any]]) -> list[str]:
    """Stored pages this run found gone: answered 404/410, or no longer linked at all. A page
    that failed some other way (5xx, timeout) is kept: that is weather, not news."""
    answers: dict[str, set[int | None]] = {}
    for row in log:
        answers.setdefault(canonical_url(row["url"]), set()).add(row["status"])
    gone: list[str] = []
    for url, page in sorted(before.items()):
        if page["kind"] not in TRACKED_PAGE_KINDS:
            continue
        got = answers.get(url)
        if got is None or (got & {404, 410} and not got & {200, 304}):
            gone.append(url)
    return gone


def _page_change(kind: str, url: str, page: dict[str, Any]) -> Change:
    label = page["kind"] if page["kind"] != "home" else "home"
    title = f": {page['title']}" if page.get("title") else ""
    verb = "New" if kind == "page_added" else "Gone"
    return Change(kind, f"{verb} {label} page{title}", url)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# -- the lock ------------------------------------------------------------------------------
@contextmanager
def refresh_lock(store: Store) -> Iterator[int]:
    """Hold this store's refresh lock for the block; RefreshBusyError if a live run holds it."""
    pid, host = os.getpid(), socket.gethostname()
    holder = store.acquire_lock(LOCK_NAME, pid, host, _is_stale)
    if holder is not None:
        raise errors.RefreshBusyError(
            f"another refresh of this store is running (pid {holder['pid']} on "
            f"{holder['host']}, since {holder['started_at']}); this one did nothing"
        )
    # Holding the lock, any refresh run still marked running belongs to a process that died
    # (kill -9, power cut): its stored data was never touched, so say it was interrupted.
    store.interrupt_runs(
        "refresh", "interrupted: the process ended before finishing; stored data kept"
    )
    try:
        yield pid
    finally:
        store.release_lock(LOCK_NAME, pid, host)


def _is_stale(holder: dict[str, Any]) -> bool:
    try:
        started = datetime.fromisoformat(holder["started_at"])
    except (TypeError, ValueError):
        return True
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if datetime.now(UTC) - started > LOCK_MAX_AGE:
        return True
    if holder["host"] != socket.gethostname():
        return False  # we cannot see another machine's processes: trust it until it is old
    return not pid_alive(int(holder["pid"]))


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return False
    return True
