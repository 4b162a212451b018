"""Benchmark worker, run in a child process so each measurement has its own interpreter.

    python benchmarks/worker.py refresh BASE DB N CONCURRENCY [PROCESSES [warm]]
    python benchmarks/worker.py bare PAGES.json                 # trafilatura.extract alone

`refresh` puts the N companies on the watchlist and runs `research refresh --all
--concurrency CONCURRENCY [--processes PROCESSES]` through its library function (PROCESSES
"auto" or absent: the command's default); for code older than that command it does what the
command does: asyncio over `pipeline.research_company()` with one shared client, one shared
Politeness and one store. `warm` imports what the pipeline imports lazily before the clock
starts, as `bare` calls trafilatura once first. It prints one JSON line: wall time, CPU time
(the worker processes' included), pages, failures and the peak resident memory of the
process and of its largest worker process.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across fork and exec, so a
    worker started by a big run.py would report run.py's size: VmHWM is this program's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_peak_rss_mb() -> float:
    """The largest finished child's ru_maxrss: an upper bound (it starts at least as large as
    this process was when it started the child)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _cpu() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _warm() -> None:
    """Import what the pipeline imports on first use (as `bare` warms trafilatura)."""
    import importlib

    for name in (
        "company_research.pipeline",
        "company_research.crawl",
        "company_research.extract",
        "company_research.summarise",
        "company_research.render",
        "company_research.reviews.collect",
        "lxml.html",
        "trafilatura",  # posts' article text
        "feedparser",
        "protego",
        "httpx",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    with contextlib.suppress(Exception):  # code without review adapters
        from company_research.reviews.registry import adapters

        adapters()


def _refresh_command(
    base: str, db: Path, domains: list[str], concurrency: int, processes: int | None
) -> dict | None:
    """`research refresh --all --concurrency N [--processes P]` of a watchlist, through its
    library function; None when the code measured predates it."""
    try:
        from company_research import refresh, watch
    except ImportError:
        return None
    from company_research.settings import Settings

    resolve = {d: f"{base}/{d}" for d in domains}
    settings = Settings(db_path=db, resolve=resolve, resolved_only=True)
    watch.add(settings, domains)
    options = {}
    if "processes" in inspect.signature(refresh.refresh).parameters:
        options["processes"] = processes
    started, cpu_started = time.perf_counter(), _cpu()
    digest = refresh.refresh(settings, everything=True, concurrency=concurrency, **options)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu_started
    totals = digest.totals()
    return {
        "wall": wall,
        "cpu": cpu,
        "companies": len(domains),
        "pages": totals.get("pages_parsed", totals.get("pages_fetched", 0)),
        "unchanged": totals.get("pages_not_modified", 0),
        "failed": len(digest.failed),
        "processes": getattr(digest, "processes", 1),
        "peak_rss_mb": _peak_rss_mb(),
        "workers_peak_rss_mb": _children_peak_rss_mb(),
        "via": "research refresh",
    }


async def _refresh(base: str, db: Path, domains: list[str], concurrency: int) -> dict:
    from company_research import errors
    from company_research.fetch import Politeness, make_client
    from company_research.pipeline import research_company
    from company_research.settings import Settings
    from company_research.store import open_store

    resolve = {d: f"{base}/{d}" for d in domains}
    settings = Settings(db_path=db, resolve=resolve, resolved_only=True)
    store = open_store(db)
    politeness = Politeness(settings)
    gate = asyncio.Semaphore(concurrency)
    pages = unchanged = failed = 0

    async def one(domain: str) -> None:
        nonlocal pages, unchanged, failed
        async with gate:
            try:
                result = await research_company(
                    domain, settings, store, client, politeness=politeness, command="refresh"
                )
            except errors.ResearchError:
                failed += 1
                return
            pages += result.pages_fetched
            unchanged += result.pages_not_modified

    started, cpu_started = time.perf_counter(), time.process_time()
    async with make_client(settings) as client:
        await asyncio.gather(*(one(d) for d in domains))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    store.close()
    return {
        "wall": wall,
        "cpu": cpu,
        "companies": len(domains),
        "pages": pages,
        "unchanged": unchanged,
        "failed": failed,
        "peak_rss_mb": _peak_rss_mb(),
        "via": "pipeline.research_company",
    }


def _bare(pages_file: Path) -> dict:
    import trafilatura

    pages = json.loads(pages_file.read_text(encoding="utf-8"))
    trafilatura.extract(pages[0]["html"], url=pages[0]["url"])  # warm the imports
    started, cpu_started = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page["html"], url=page["url"])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"wall": wall, "cpu": cpu, "pages": len(pages)}


def main() -> None:
    mode = sys.argv[1]
    if mode == "refresh":
        base, db, count, concurrency = sys.argv[2], Path(sys.argv[3]), *map(int, sys.argv[4:6])
        extra = sys.argv[6:]
        processes = int(extra[0]) if extra and extra[0].isdigit() else None
        if "warm" in extra:
            _warm()
        from sitegen import domain_of

        domains = [domain_of(i) for i in range(count)]
        out = _refresh_command(base, db, domains, concurrency, processes)
        if out is None:
            out = asyncio.run(_refresh(base, db, domains, concurrency))
    elif mode == "bare":
        out = _bare(Path(sys.argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
