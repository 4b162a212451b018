"""Crash safety of `research refresh`: kill -9 mid-crawl at several points leaves a sound store
with the last good briefs, no stuck lock and runs that say what happened; two refreshes at
once end cleanly. The sites are served with a per-response delay so the kill lands mid-crawl."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from company_research.loopback import SiteServer, serve_sites
from tests.conftest import REVIEWS, SITES, resolve_args, run_research

COMPANIES = ("harborlight.io", "veridian-labs.com", "kesselwerk.de", "olivaria.es")
DELAY = 0.03  # seconds per response: a full refresh takes seconds, so a kill lands mid-crawl


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    with serve_sites([SITES, REVIEWS]) as srv:
        yield srv


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, server: SiteServer) -> Path:
    """A store with the companies watched and refreshed once (their last good briefs)."""
    db = tmp_path_factory.mktemp("crash") / "research.db"
    env = {"RESEARCH_DB": str(db)}
    assert run_research("watch", "add", *COMPANIES, env=env).returncode == 0
    first = run_research("refresh", "--format", "json", *resolve_args(server), env=env)
    assert first.returncode == 0, first.stderr
    assert [c["status"] for c in json.loads(first.stdout)["companies"]] == ["new"] * 4
    return db


def _briefs(db: Path) -> dict[int, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {i: (c, j) for i, c, j in conn.execute("select id, company, json from briefs")}


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


def _start_refresh(server: SiteServer, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "company_research",
            "refresh",
            "--all",
            "--format",
            "json",
            *resolve_args(server),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RESEARCH_DB": str(db), "RESEARCH_RESOLVED_ONLY": "1"},
    )


def _wait_for_requests(server: SiteServer, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while len(server.log.lines) < count and proc.poll() is None:
        assert time.monotonic() < deadline, "the refresh never got that far"
        time.sleep(0.005)


# Kill points, in requests the server answered since the refresh began (a whole refresh of
# the four makes about 85): before the first
# company is done, while several crawl at once, and late, with some companies already stored.
@pytest.mark.parametrize("kill_after", [1, 15, 40, 70])
def test_kill_9_mid_refresh_loses_nothing_and_the_next_refresh_works(
    baseline: Path, server: SiteServer, tmp_path: Path, kill_after: int
) -> None:
    db = tmp_path / "research.db"
    for suffix in ("", "-wal", "-shm"):  # each kill point starts from the same good store
        if Path(f"{baseline}{suffix}").exists():
            db.with_name(db.name + suffix).write_bytes(Path(f"{baseline}{suffix}").read_bytes())
    before = _briefs(db)
    server.log.clear()
    server.delay = DELAY
    try:
        proc = _start_refresh(server, db)
        _wait_for_requests(server, kill_after, proc)
        assert proc.poll() is None, "the refresh ended before the kill"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        server.delay = 0.0

    assert _integrity(db) == "ok"
    after = _briefs(db)
    assert {i: after[i] for i in before} == before  # every last good brief kept, byte for byte
    for company, text in after.values():  # any brief written before the kill is whole
        assert company in COMPANIES and json.loads(text)["domain"] == company
    with sqlite3.connect(db) as conn:
        lock = conn.execute("select pid from locks").fetchall()
        assert lock == [(proc.pid,)]  # the dead process's lock is still there...

    again = run_research(
        "refresh", "--all", "--format", "json", *resolve_args(server), env={"RESEARCH_DB": str(db)}
    )
    assert again.returncode == 0, again.stderr  # ...and taken over: the next refresh works
    assert "Traceback" not in again.stderr
    digest = json.loads(again.stdout)
    assert sorted(c["domain"] for c in digest["companies"]) == sorted(COMPANIES)
    assert {c["status"] for c in digest["companies"]} == {"ok"}
    assert _integrity(db) == "ok"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from locks").fetchone()[0] == 0
        runs = conn.execute(
            "select id, company, outcome, ended_at, message from runs order by id"
        ).fetchall()
    # Runs make sense: nothing is left "running"; the killed refresh and the crawls it had
    # under way are marked interrupted, with an end time; the last refresh is ok.
    assert all(outcome != "running" for _i, _c, outcome, _e, _m in runs), runs
    killed = [r for r in runs if r[2] == "interrupted"]
    assert any(r[1] is None for r in killed), runs  # the whole refresh
    assert all(r[3] and "interrupted" in (r[4] or "") for r in killed), killed
    refreshes = [r for r in runs if r[1] is None]
    assert [r[2] for r in refreshes][-2:] == ["interrupted", "ok"]


def test_two_refreshes_at_once_end_cleanly(baseline: Path, server: SiteServer, tmp_path: Path):
    db = tmp_path / "research.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{baseline}{suffix}").exists():
            db.with_name(db.name + suffix).write_bytes(Path(f"{baseline}{suffix}").read_bytes())
    before = _briefs(db)
    server.delay = DELAY
    try:
        procs = [_start_refresh(server, db) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        server.delay = 0.0
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 0], outs
    worked = [o for o in outs if o[0].strip()]
    stood_down = [o for o in outs if not o[0].strip()]
    assert len(worked) == 1 and len(stood_down) == 1, outs
    assert len(json.loads(worked[0][0])["companies"]) == len(COMPANIES)
    lines = stood_down[0][1].strip().splitlines()
    assert len(lines) == 1 and "another refresh of this store is running" in lines[0], lines
    assert _integrity(db) == "ok"
    after = _briefs(db)
    assert {i: after[i] for i in before} == before
    assert len(after) == len(before) + len(COMPANIES)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from locks").fetchone()[0] == 0
        outcomes = [r[0] for r in conn.execute("select outcome from runs")]
    assert "running" not in outcomes
