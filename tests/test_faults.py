"""Fault injection: a site crawled well before turns hostile; the tool ends cleanly, in bounded
time (a subprocess timeout) and memory (peak RSS of the child), and the last good data stays."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SITES
from .faultserver import Fault, FaultServer, gzip_bomb, serve_faults

SITE = "harborlight.io"
ABOUT = "/about-us/"
# Tight limits so a page that never finishes costs seconds, not the 45 s default.
FAST = {
    "RESEARCH_PAGE_DEADLINE": "3",
    "RESEARCH_READ_TIMEOUT": "2",
    "RESEARCH_CONNECT_TIMEOUT": "2",
    "RESEARCH_BACKOFF_BASE": "0.05",
    "RESEARCH_MAX_RETRY_AFTER": "2",
}
PEAK_RSS_BOUND = 300 * 1024 * 1024
RUN_TIMEOUT = 60  # the time bound: a run that does not end by then fails the test


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes


# The CLI is started by a small launcher process that reports its child's peak RSS: a child
# forked straight from pytest would inherit pytest's own high-water mark (Linux keeps the
# pre-exec peak in ru_maxrss), so the bound would measure the test process, not the tool.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_pid, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_measured(*args: str, env: dict[str, str] | None = None) -> Run:
    """The real CLI in a child process, with that child's own peak RSS (wait4 rusage)."""
    full_env = {**os.environ, "RESEARCH_RESOLVED_ONLY": "1", **FAST, **(env or {})}
    rss_path = Path(full_env["RESEARCH_DB"]).with_suffix(".rss")
    rss_path.unlink(missing_ok=True)
    cmd = [sys.executable, "-c", LAUNCHER, str(rss_path), sys.executable, "-m", "company_research"]
    cmd += args
    with open(os.devnull, "rb") as stdin:
        out_path = Path(full_env["RESEARCH_DB"]).with_suffix(".out")
        err_path = out_path.with_suffix(".err")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.monotonic()
            proc = subprocess.Popen(
                cmd, stdin=stdin, stdout=out, stderr=err, env=full_env, start_new_session=True
            )
            timer = threading.Timer(RUN_TIMEOUT, _kill_group, [proc.pid])
            timer.start()
            try:
                _pid, status, _usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.monotonic() - started
    run = Run(
        proc.returncode,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        seconds,
        int(rss_path.read_text() or 0) * 1024 if rss_path.exists() else 0,
    )
    assert run.returncode != -signal.SIGKILL, f"no end within {RUN_TIMEOUT}s: {run.stderr[-500:]}"
    _report(run, args)
    return run


def _report(run: Run, args: tuple[str, ...]) -> None:
    """$FAULT_REPORT: append one JSON line per run (the table in the issue's closing note)."""
    path = os.environ.get("FAULT_REPORT")
    if path:
        line = {
            "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
            "exit": run.returncode,
            "seconds": round(run.seconds, 2),
            "peak_rss_mb": round(run.peak_rss / 2**20, 1),
            "stderr": run.stderr.strip().splitlines()[-3:],
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    gzip_bomb()  # built before any request waits on it
    with serve_faults(SITES) as srv:
        yield srv


def _resolve(srv: FaultServer) -> list[str]:
    args: list[str] = []
    for host, base in srv.resolve_map().items():
        args += ["--resolve", f"{host}={base}"]
    return args


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, server: FaultServer) -> dict:
    """harborlight.io researched once, well before the faults: the last good data."""
    db = tmp_path_factory.mktemp("good") / "research.db"
    run = run_measured(SITE, "--format", "json", *_resolve(server), env={"RESEARCH_DB": str(db)})
    assert run.returncode == 0, run.stderr
    return {"db": db, "brief": json.loads(run.stdout), "pages": _pages(db)}


def _pages(db: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select url, content_hash, fetched_at from pages").fetchall()
    finally:
        conn.close()
    return {url: (digest, fetched) for url, digest, fetched in rows}


def _latest_brief(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        (raw,) = conn.execute("select json from briefs order by id desc limit 1").fetchone()
        (check,) = conn.execute("pragma integrity_check").fetchone()
    finally:
        conn.close()
    assert check == "ok"
    return json.loads(raw)


@pytest.fixture
def store(good: dict, hermetic: Path) -> Path:
    db = hermetic / "research.db"
    shutil.copy(good["db"], db)
    return db


def research_with(server: FaultServer, faults: dict[str, Fault], *extra: str) -> Run:
    server.log.clear()
    server.faults = {(SITE, path): fault for path, fault in faults.items()}
    try:
        return run_measured(SITE, "--format", "json", *extra, *_resolve(server))
    finally:
        server.faults = {}


def assert_clean(run: Run, exit_code: int, *phrases: str) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == exit_code, run.stderr
    assert run.peak_rss < PEAK_RSS_BOUND, f"peak RSS {run.peak_rss / 2**20:.0f} MB"
    if exit_code:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for phrase in phrases:
        assert phrase in run.stderr, run.stderr


def assert_last_good_kept(db: Path, good: dict) -> None:
    """The brief is the good one and every good page row is still there, unchanged."""
    assert _latest_brief(db) == good["brief"]
    pages = _pages(db)
    for url, (digest, _fetched) in good["pages"].items():
        assert pages[url][0] == digest, url


def assert_page_kept(db: Path, good: dict, path: str) -> None:
    """A crawl that went on past a faulty page kept that page's stored copy in brief and store."""
    url = f"https://www.{SITE}{path}"
    assert _pages(db)[url] == good["pages"][url]
    brief = _latest_brief(db)
    assert url in {s["url"] for s in brief["sources"]}
    assert brief["mission"] == good["brief"]["mission"]


# -- faults on the home page: the company cannot be researched, nothing is lost --------------

HOME_FAULTS = {
    "http-500": (Fault("status", status=500), "HTTP 500"),
    "never-finishes": (Fault("hang"), "timed out"),
    "slow-drip": (Fault("drip", interval=0.2), "timed out"),
    "connection-reset": (Fault("reset"), "connection"),
    "300MB-streamed": (Fault("huge", size=300 * 2**20), "cap"),
    "300MB-declared": (Fault("huge", size=300 * 2**20, declare_length=True), "cap"),
    "gzip-bomb": (Fault("bomb"), "cap"),
    "redirect-loop": (Fault("redirect", location="{path}"), "redirects"),
    "redirect-other-domain": (
        Fault("redirect", location="https://www.example.org/"),
        "outside harborlight.io",
    ),
    "redirect-metadata-ip": (
        Fault("redirect", location="http://169.254.169.254/latest/meta-data/"),
        "refused",
    ),
    "redirect-10-net": (Fault("redirect", location="http://10.0.0.1/admin"), "refused"),
    "redirect-ipv6-loopback": (Fault("redirect", location="http://[::1]/"), "refused"),
    "redirect-decimal-ip": (Fault("redirect", location="http://2130706433/"), "refused"),
    "binary-as-html": (
        Fault("body", body=bytes(range(256)) * 64, content_type="text/html"),
        "binary",
    ),
}


@pytest.mark.parametrize("name", list(HOME_FAULTS))
def test_home_page_fault(server: FaultServer, store: Path, good: dict, name: str):
    fault, phrase = HOME_FAULTS[name]
    run = research_with(server, {"/": fault})
    assert_clean(run, 1, phrase)
    assert_last_good_kept(store, good)


def test_huge_body_is_not_read_to_the_end(server: FaultServer, store: Path, good: dict):
    server.bytes_sent.clear()
    run = research_with(server, {"/": Fault("huge", size=300 * 2**20)})
    assert_clean(run, 1, "cap")
    # The client hung up near the 5 MB cap; socket buffers let the server write a little more.
    assert server.bytes_sent.get(SITE, 0) < 64 * 2**20


def test_redirect_to_unmapped_loopback_port_is_not_followed(
    server: FaultServer, store: Path, good: dict
):
    # A second server on 127.0.0.1 that --resolve does not map: it must see no request at all.
    with serve_faults(SITES) as canary:
        target = f"{canary.base_url}/{SITE}/"
        run = research_with(server, {"/": Fault("redirect", location=target)})
        assert canary.log.lines == []
    assert_clean(run, 1, "refused")
    assert_last_good_kept(store, good)


def test_whole_site_503(server: FaultServer, store: Path, good: dict):
    server.down.add(SITE)
    try:
        run = research_with(server, {})
    finally:
        server.down.discard(SITE)
    assert_clean(run, 1, "503")
    assert_last_good_kept(store, good)
    assert set(server.log.paths(SITE)) == {"/robots.txt"}  # nothing crawled while it is down


def test_429_everywhere_with_long_retry_after(server: FaultServer, store: Path, good: dict):
    run = research_with(server, {"*": Fault("status", status=429, headers={"Retry-After": "3600"})})
    assert_clean(run, 1, "429")
    assert_last_good_kept(store, good)
    # Asked to wait an hour: no retries hammering the site, robots.txt is the only thing asked.
    assert server.log.paths(SITE) == ["/robots.txt"]


def test_429_on_home_page_with_retry_after(server: FaultServer, store: Path, good: dict):
    run = research_with(server, {"/": Fault("status", status=429, headers={"Retry-After": "1"})})
    assert_clean(run, 1, "429", "wait 1s")
    assert_last_good_kept(store, good)
    assert server.log.paths(SITE).count("/") == 3  # the first try and two polite retries


def test_robots_disallow_all_after_a_good_crawl(server: FaultServer, store: Path, good: dict):
    robots = Fault("body", body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    run = research_with(server, {"/robots.txt": robots})
    assert_clean(run, 1, "robots.txt")
    assert server.log.paths(SITE) == ["/robots.txt"]
    assert_last_good_kept(store, good)


# -- faults on one inner page: the crawl goes on, and that page's stored copy is kept --------

PAGE_FAULTS = {
    "http-500": Fault("status", status=500),
    "never-finishes": Fault("hang"),
    "connection-reset": Fault("reset"),
    "300MB-streamed": Fault("huge", size=300 * 2**20),
    "gzip-bomb": Fault("bomb"),
    "redirect-metadata-ip": Fault("redirect", location="http://169.254.169.254/"),
    "redirect-other-domain": Fault("redirect", location="https://www.example.org/about"),
    "binary-as-html": Fault("body", body=os.urandom(20_000), content_type="text/html"),
}


@pytest.mark.parametrize("name", list(PAGE_FAULTS))
def test_inner_page_fault_keeps_stored_copy(
    server: FaultServer, store: Path, good: dict, name: str
):
    run = research_with(server, {ABOUT: PAGE_FAULTS[name]})
    assert_clean(run, 0, "kept the copy")
    brief = json.loads(run.stdout)
    assert brief["mission"] == good["brief"]["mission"]
    assert_page_kept(store, good, ABOUT)


def test_robots_disallowing_one_page_is_obeyed(server: FaultServer, store: Path, good: dict):
    robots = Fault("body", body=b"User-agent: *\nDisallow: /about-us/\n", content_type="text/plain")
    run = research_with(server, {"/robots.txt": robots})
    assert_clean(run, 0)
    assert ABOUT not in server.log.paths(SITE)


def test_page_in_the_wrong_encoding(server: FaultServer, store: Path, good: dict):
    # windows-1252 bytes under a header and a <meta> that both claim other charsets.
    page = (
        "<!doctype html><html><head><meta charset='shift_jis'><title>Über uns</title></head>"
        "<body><main><h1>Über Harborlight</h1><p>Unsere Mission: Häfen für die Zukunft, "
        "grün und sicher für alle Menschen, die dort arbeiten – jeden Tag.</p></main></body>"
        "</html>"
    ).encode("cp1252")
    fault = Fault("body", body=page, content_type="text/html; charset=utf-8")
    run = research_with(server, {ABOUT: fault})
    assert_clean(run, 0)
    conn = sqlite3.connect(store)
    (text,) = conn.execute(
        "select text from pages where url = ?", [f"https://www.{SITE}{ABOUT}"]
    ).fetchone()
    conn.close()
    assert "Häfen für die Zukunft" in text


BROKEN_HTML = {
    "/": b"<html><head><title>Harborlight<body><p>Ports that think<div><table><tr><td>x"
    + b"<p>unclosed " * 2000,
    "/about-us/": b"<div>" * 50_000 + b"deep" + b"</span>" * 10,
    "/platform/": b"<!doctype html><!-- a comment that never ends <p>hidden",
    "/careers/": b"<html><script>var x = '</div>'; never closed",
    "/blog/": b'<p title=\'unterminated>text<a href="javascript:alert(1)" onclick=x>a</a>'
    + b"&#0;&#xD800;&#x110000;&bogus;&#99999999999;",
    "/newsroom/": b"\x00\x00<html>\x00<body>nul bytes</body>",
    "/contact/": b"<?xml version='1.0'?><!DOCTYPE html [<!ENTITY x 'lol'>]><html>&x;&x;</html>",
    "/imprint/": b"<svg><foreignObject><math><mi><table><select><template><frameset>",
    "/privacy-policy/": b"<html><body><p>" + b"a" * (3 * 2**20) + b"</body>",
}


def test_html_broken_every_way(server: FaultServer, store: Path, good: dict):
    faults = {
        path: Fault("body", body=body, content_type="text/html; charset=utf-8")
        for path, body in BROKEN_HTML.items()
    }
    run = research_with(server, faults)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1), run.stderr
    assert run.peak_rss < PEAK_RSS_BOUND
    if run.returncode == 1:
        assert_last_good_kept(store, good)
    else:
        _latest_brief(store)  # a new brief, and an intact store


# -- crash safety ---------------------------------------------------------------------------


def _start(server: FaultServer, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "RESEARCH_RESOLVED_ONLY": "1", "RESEARCH_DB": str(db)}
    cmd = [sys.executable, "-m", "company_research", SITE, "--format", "json", *_resolve(server)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.parametrize("after_requests", [1, 6, 14])
def test_kill_9_mid_crawl_leaves_a_sound_store(
    server: FaultServer, store: Path, good: dict, after_requests: int
):
    server.log.clear()
    server.delay = 0.05
    proc = _start(server, store)
    try:
        deadline = time.monotonic() + 30
        while len(server.log.paths(SITE)) < after_requests and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        server.delay = 0.0
    assert proc.returncode == -signal.SIGKILL  # killed mid-crawl, not after it ended
    assert_last_good_kept(store, good)
    again = run_measured(SITE, "--format", "json", *_resolve(server))
    assert_clean(again, 0)
    assert json.loads(again.stdout)["mission"] == good["brief"]["mission"]
    _latest_brief(store)


def test_two_runs_at_once_end_cleanly(server: FaultServer, store: Path, good: dict):
    server.delay = 0.02
    try:
        procs = [_start(server, store) for _ in range(2)]
        outs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    finally:
        server.delay = 0.0
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert "Traceback" not in err, err
        assert proc.returncode == 0, err
        assert json.loads(out)["mission"] == good["brief"]["mission"]
    conn = sqlite3.connect(store)
    outcomes = [r[0] for r in conn.execute("select outcome from runs order by id")]
    conn.close()
    assert outcomes.count("ok") == 3  # the good run and both of these
    _latest_brief(store)


def test_dns_answer_in_a_private_range_is_out_of_scope(monkeypatch: pytest.MonkeyPatch):
    # A public-looking name (not mapped by --resolve) that resolves into the LAN is refused
    # before any connection; the transport would answer 200 if it were ever asked.
    import asyncio
    import socket

    import httpx

    from company_research import errors
    from company_research.fetch import Fetcher, make_client
    from company_research.settings import Settings

    def fake_getaddrinfo(host, *_args, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, html="<html><body>intranet</body></html>")

    conf = Settings(obey_robots=False, retries=0)

    async def fetch() -> None:
        async with make_client(conf, httpx.MockTransport(answer)) as client:
            await Fetcher(client, conf, "acme.com").fetch("https://intranet.acme.com/")

    with pytest.raises(errors.OutOfScopeError, match=r"private address 10\.1\.2\.3"):
        asyncio.run(fetch())
    assert asked == []
