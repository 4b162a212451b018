"""A refresh in several processes (workers.py): same results as in one, every host as polite
across the processes as within one, and a worker that dies costs only its own companies."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from company_research import watch
from company_research.loopback import SiteServer, serve_sites
from company_research.refresh import Digest, refresh
from company_research.settings import Settings
from company_research.store import open_store
from tests.conftest import REVIEWS, SITES, resolve_args

# Every fixture site, the two that cannot be researched included (a bot wall, JavaScript only).
DOMAINS = sorted(
    p.name for p in SITES.iterdir() if p.is_dir() and not p.name.startswith(("blog.", "news."))
)
ROBOTS = "/www.glassdoor.com/robots.txt"
REVIEW_HOSTS = sorted(p.name for p in REVIEWS.iterdir() if p.is_dir())


@pytest.fixture
def slow_sites(tmp_path: Path) -> Iterator[SiteServer]:
    """The fixture sites and review sites, answering after 20 ms like a real website, with a
    Crawl-delay on one review site."""
    reviews = tmp_path / "reviews"
    shutil.copytree(REVIEWS, reviews)
    robots = reviews / "www.glassdoor.com" / "robots.txt"
    robots.write_text("User-agent: *\nCrawl-delay: 0.25\n" + robots.read_text(encoding="utf-8"))
    with serve_sites([SITES, reviews]) as server:
        server.delay = 0.02
        yield server


def _settings(server: SiteServer, db: Path, **overrides: object) -> Settings:
    return Settings(db_path=db, resolve=server.resolve_map(), resolved_only=True, **overrides)


def _briefs(db: Path) -> dict[str, dict]:
    """Each company's stored brief, without what differs from run to run (times, run ids)."""
    store = open_store(db)
    try:
        out = {}
        for domain in DOMAINS:
            brief = store.latest_brief(domain)
            if brief is not None:
                out[domain] = _timeless(brief)
        return out
    finally:
        store.close()


def _timeless(value: object) -> object:
    """The brief without times, and with only the review sites that gave data: a site that
    refuses us is asked once per run, so who else learns of it first depends on the order
    companies finish in, which differs between runs (in one process too)."""
    if isinstance(value, dict):
        return {
            k: _timeless(v["sites"] if k == "reviews" and v else v)
            for k, v in value.items()
            if k not in VARYING
        }
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


VARYING = frozenset({"generated_at", "as_of", "fetched_at", "watch_out"})


def _outcome(digest: Digest) -> dict[str, tuple[str, list[str]]]:
    return {c.domain: (c.status, [ch.text for ch in c.changes]) for c in digest.companies}


def test_three_processes_give_the_same_digest_and_briefs_as_one(
    slow_sites: SiteServer, tmp_path: Path
) -> None:
    one_db, three_db = tmp_path / "one.db", tmp_path / "three.db"
    results = {}
    for db, processes in ((one_db, 1), (three_db, 3)):
        settings = _settings(slow_sites, db, per_host_concurrency=1)
        watch.add(settings, DOMAINS)
        slow_sites.log.clear()
        results[processes] = refresh(settings, everything=True, concurrency=3, processes=processes)
        # One request at a time on each review site, which every company asks (a company's
        # own site may answer for two hosts, example.com and www.example.com).
        in_flight = slow_sites.log.max_in_flight
        assert {in_flight[host] for host in REVIEW_HOSTS if host in in_flight} == {1}
        # The Crawl-delay of 0.25 s holds across processes too: each request arrives at least
        # that long after the previous one, robots.txt read by a process before any knew the
        # delay excepted.
        arrivals = slow_sites.log.arrivals["www.glassdoor.com"]
        assert len(arrivals) > 3
        gaps = [b - a for (a, _), (b, path) in itertools.pairwise(arrivals) if path != ROBOTS]
        assert min(gaps) >= 0.249, arrivals
    assert results[1].processes == 1
    # This process crawls until its three workers are ready, then they do the rest.
    assert results[3].processes >= 3, "the worker processes refreshed no company"
    assert _outcome(results[3]) == _outcome(results[1])
    statuses = [status for status, _changes in _outcome(results[3]).values()]
    assert statuses.count("failed") == 2 and statuses.count("new") == len(DOMAINS) - 2
    assert _briefs(three_db) == _briefs(one_db)
    assert len(_briefs(one_db)) == len(DOMAINS) - 2


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _workers(pid: int, *, how: str = "either") -> list[int]:
    """The worker processes of the refresh in `pid`: started as `python -m
    company_research.workers`, or forked (the same command line as the refresh)."""
    out = []
    try:
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        started, forked = b"company_research.workers" in cmdline, cmdline == own
        if (started and how != "forked") or (forked and how != "started"):
            out.append(child)
    return out


def _has_connection(pid: int) -> bool:
    """Whether `pid` holds a TCP connection (not just the event loop's own socket pair)."""
    try:
        links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    mine = {link[8:-1] for link in links if link.startswith("socket:[")}
    tcp = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return any(line.split()[9] in mine for line in tcp)


def _wait_for(what: object, timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()  # type: ignore[operator]
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("timed out")


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@needs_proc
def test_a_worker_killed_mid_refresh_fails_only_its_companies(
    slow_sites: SiteServer, tmp_path: Path
) -> None:
    db = tmp_path / "research.db"
    settings = _settings(slow_sites, db)
    watch.add(settings, DOMAINS)
    first = refresh(settings, everything=True, concurrency=2, processes=1)
    before = _briefs(db)
    slow_sites.delay = 0.05
    done: list[Digest] = []
    thread = threading.Thread(
        target=lambda: done.append(refresh(settings, everything=True, concurrency=2, processes=2))
    )
    thread.start()
    worker = _wait_for(lambda: _workers(os.getpid()))[0]  # type: ignore[index]
    _wait_for(lambda: _has_connection(worker))  # it is crawling a company
    os.kill(worker, signal.SIGKILL)
    thread.join(timeout=120)
    assert done, "the refresh did not finish after its worker was killed"
    digest = done[0]
    lost = [c for c in digest.companies if "worker process ended unexpectedly" in str(c.changes)]
    assert lost, "no company was reported lost with the worker"
    assert digest.exit_code == 3
    assert {c.domain for c in digest.companies} == set(DOMAINS)
    after = _briefs(db)
    for company in lost:  # the last good brief of a lost company is still there
        assert after.get(company.domain) == before.get(company.domain)
    ok = [c for c in digest.companies if c.status == "ok"]
    assert ok and len(ok) + len(lost) + 2 == len(DOMAINS)
    assert len(first.companies) == len(DOMAINS)


@needs_proc
def test_killing_the_refresh_ends_its_workers(slow_sites: SiteServer, tmp_path: Path) -> None:
    db = tmp_path / "research.db"
    env = {**os.environ, "RESEARCH_DB": str(db), "RESEARCH_RESOLVED_ONLY": "1"}
    command = [sys.executable, "-m", "company_research"]
    subprocess.run([*command, "watch", "add", *DOMAINS], env=env, check=True, capture_output=True)
    slow_sites.delay = 0.2
    proc = subprocess.Popen(
        [*command, "refresh", "--processes", "2", *resolve_args(slow_sites)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers = _wait_for(lambda: _workers(proc.pid))
        _wait_for(lambda: len(slow_sites.log.lines) > 5)
    finally:
        proc.kill()
        proc.wait()
    _wait_for(lambda: not any(Path(f"/proc/{w}").exists() for w in workers))  # type: ignore[attr-defined]
    slow_sites.delay = 0.0
    again = subprocess.run(
        [*command, "refresh", "--format", "json", "--processes", "2", *resolve_args(slow_sites)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 3, again.stderr  # the two unresearchable sites fail
    assert "Traceback" not in again.stderr
    assert re.search(r"in [23] processes", again.stderr), again.stderr
    companies = json.loads(again.stdout)["companies"]
    assert sorted(c["domain"] for c in companies) == DOMAINS
    assert [c["status"] for c in companies].count("new") == len(DOMAINS) - 2


def test_companies_of_one_registrable_domain_are_never_under_way_in_two_processes() -> None:
    """A worker keeps the slots of its companies' hosts itself, which is only polite if no
    other process crawls the same hosts meanwhile (acme.com's crawl reaches shop.acme.com)."""
    import asyncio
    from collections import deque

    from company_research.fetch import Politeness
    from company_research.watch import WatchEntry
    from company_research.workers import WorkerPool

    def entry(domain: str) -> WatchEntry:
        return WatchEntry(domain, None, None, None, "never", None)

    async def scenario() -> list[str]:
        queue = deque(entry(d) for d in ("shop.acme.com", "acme.com", "other.co.uk", "x.co.uk"))
        pool = WorkerPool(Settings(), Politeness(Settings()), queue, lambda _d: None, 4, 2)
        first, second = object(), object()
        a = await pool.take(first)
        b = await pool.take(second)  # acme.com belongs with shop.acme.com: skipped
        c = await pool.take(first)  # the same process may take it
        d = await pool.take(second)  # x.co.uk: another registrable domain than other.co.uk
        assert a and b and c and d
        return [a.domain, b.domain, c.domain, d.domain]

    assert asyncio.run(scenario()) == ["shop.acme.com", "other.co.uk", "acme.com", "x.co.uk"]

    async def waits() -> list[str]:
        queue = deque(entry(d) for d in ("acme.com", "www.acme.com"))
        pool = WorkerPool(Settings(), Politeness(Settings()), queue, lambda _d: None, 4, 2)
        first, second = object(), object()
        held = await pool.take(first)
        assert held is not None
        order = []

        async def other() -> None:
            got = await pool.take(second)  # waits: acme.com is under way elsewhere
            order.append(f"second took {got.domain if got else None}")

        task = asyncio.create_task(other())
        await asyncio.sleep(0.05)
        order.append("first released")
        pool.release(first, held)
        await task
        return order

    assert asyncio.run(waits()) == ["first released", "second took www.acme.com"]


def test_workers_that_cannot_start_leave_the_work_to_this_process(
    slow_sites: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    """A worker that dies before it is ready (here: its Python finds a broken package first)
    costs nothing but its help: every company is refreshed here, and no traceback shows."""
    broken = tmp_path / "broken" / "company_research"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("")
    (broken / "workers.py").write_text("raise ImportError('this install is broken')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))
    settings = _settings(slow_sites, tmp_path / "research.db")
    watch.add(settings, DOMAINS)
    digest = refresh(settings, everything=True, concurrency=4, processes=2)
    assert digest.processes == 1
    assert sorted(c.domain for c in digest.companies) == DOMAINS
    assert [c.status for c in digest.companies].count("new") == len(DOMAINS) - 2
    assert "Traceback" not in capfd.readouterr().err


@needs_proc
def test_forked_and_started_workers_refresh_alike(slow_sites: SiteServer, tmp_path: Path) -> None:
    """Workers are forked after the refresh's imports where that is safe (Linux, one thread),
    else started as `python -m company_research.workers` (RESEARCH_WORKER_START=exec forces
    it): the same companies, outcomes and briefs either way."""
    outcomes, briefs = {}, {}
    for how, start in (("forked", "fork"), ("started", "exec")):
        db = tmp_path / f"{how}.db"
        env = {
            **os.environ,
            "RESEARCH_DB": str(db),
            "RESEARCH_RESOLVED_ONLY": "1",
            "RESEARCH_WORKER_START": start,
        }
        command = [sys.executable, "-m", "company_research"]
        subprocess.run(
            [*command, "watch", "add", *DOMAINS], env=env, check=True, capture_output=True
        )
        options = ["--format", "json", "--processes", "2", "--concurrency", "4"]
        proc = subprocess.Popen(
            [*command, "refresh", *options, *resolve_args(slow_sites)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def both(p: subprocess.Popen[str] = proc, h: str = how) -> bool:
            return len(_workers(p.pid, how=h)) == 2 or p.poll() is not None

        _wait_for(both)
        running = proc.poll() is None
        out, err = proc.communicate(timeout=120)
        assert running, f"the refresh ended before two {how} workers were seen: {err}"
        assert proc.returncode == 3, err  # the two unresearchable sites fail
        assert "Traceback" not in err and re.search(r"in [23] processes", err), err
        outcomes[how] = {c["domain"]: c["status"] for c in json.loads(out)["companies"]}
        briefs[how] = _briefs(db)
    assert outcomes["forked"] == outcomes["started"]
    assert sorted(outcomes["forked"]) == DOMAINS
    assert briefs["forked"] == briefs["started"] and len(briefs["forked"]) == len(DOMAINS) - 2
