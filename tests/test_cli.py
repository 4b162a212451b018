"""The real command line against the loopback fixture sites: exits, messages, store, formats."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from company_research.render import validate_brief

from .conftest import resolve_args, run_research


def test_help_lists_commands():
    result = run_research("--help")
    assert result.returncode == 0
    for word in ("brief", "demo", "search", "DOMAIN"):
        assert word in result.stdout


def test_domain_help_documents_options():
    result = run_research("acme.com", "--help")
    assert result.returncode == 0
    for option in (
        "--db",
        "--resolve",
        "--format",
        "--output",
        "--max-pages",
        "--no-reviews",
        "--fresh",
        "--offline",
    ):
        assert option in result.stdout


@pytest.mark.parametrize(
    "bad",
    [
        "not a domain",
        "localhost",
        "127.0.0.1",
        "https://user:pw@acme.com",
        "co.uk",
        "ftp://acme.com",
        "a" * 300 + ".com",
        "",
    ],
)
def test_bad_domain_exits_2_and_writes_nothing(hermetic: Path, bad):
    db = hermetic / "never.db"
    result = run_research(bad, "--db", str(db))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()


def test_malformed_resolve_exits_2(hermetic: Path):
    db = hermetic / "never.db"
    result = run_research("acme.com", "--db", str(db), "--resolve", "acme.com")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_non_sqlite_db_exits_2_and_is_untouched(hermetic: Path, sites):
    db = hermetic / "notes.db"
    db.write_text("my precious notes\n")
    result = run_research("harborlight.io", "--db", str(db), *resolve_args(sites))
    assert result.returncode == 2
    assert "not a company-research database" in result.stderr
    assert db.read_text() == "my precious notes\n"


def test_unreachable_site_exits_1_with_one_line(hermetic: Path):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    result = run_research(
        "nowhere-at-all.com", "--resolve", "nowhere-at-all.com=http://127.0.0.1:9"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not be reached" in lines[0], result.stderr


def test_robots_disallow_all_is_reported_and_obeyed(hermetic: Path, sites):
    sites.log.clear()
    result = run_research("blocked-example.com", *resolve_args(sites))
    assert result.returncode == 1
    assert "robots.txt" in result.stderr
    assert sites.log.paths("blocked-example.com") == ["/robots.txt"]


def test_javascript_only_site_is_named(hermetic: Path, sites):
    result = run_research("nimbus-js.app", *resolve_args(sites))
    assert result.returncode == 1
    assert "JavaScript" in result.stderr


def test_brief_of_unknown_company_exits_1(hermetic: Path):
    result = run_research("brief", "never-researched.com")
    assert result.returncode == 1
    assert "research never-researched.com" in result.stderr


def test_failed_crawl_keeps_last_good_brief(hermetic: Path, sites):
    first = run_research("harborlight.io", "--format", "json", *resolve_args(sites))
    assert first.returncode == 0, first.stderr
    good = json.loads(first.stdout)
    sites.down.add("harborlight.io")
    try:
        failed = run_research("harborlight.io", "--format", "json", *resolve_args(sites))
    finally:
        sites.down.discard("harborlight.io")
    assert failed.returncode == 1
    again = run_research("brief", "harborlight.io", "--format", "json")
    assert again.returncode == 0
    assert json.loads(again.stdout) == good
    offline = run_research("harborlight.io", "--offline", "--format", "json")
    assert json.loads(offline.stdout) == good
    conn = sqlite3.connect(hermetic / "research.db")
    outcomes = [row[0] for row in conn.execute("select outcome from runs order by id")]
    pages = conn.execute("select count(*) from pages where company = 'harborlight.io'").fetchone()[
        0
    ]
    conn.close()
    assert outcomes == ["ok", "failed"]
    assert pages >= 5


def test_redirects_followed_and_politeness_kept(hermetic: Path, sites):
    sites.log.clear()
    result = run_research(
        "http://harborlight.io/about-us/", "--format", "json", *resolve_args(sites)
    )
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    hosts = {urlsplit(s["url"]).hostname for s in brief["sources"] if s["kind"] != "reviews"}
    assert hosts == {"www.harborlight.io"}
    assert all(s["url"].startswith("https://") for s in brief["sources"])
    assert 1 <= sites.log.max_in_flight["harborlight.io"] <= 4
    conn = sqlite3.connect(hermetic / "research.db")
    logged = conn.execute("select url, status, bytes, elapsed_ms from fetch_log").fetchall()
    conn.close()
    assert any(status == 301 or url.endswith("/robots.txt") for url, status, _b, _ms in logged)
    resolved_hosts = set(sites.resolve_map())
    for url, *_rest in logged:  # nothing off scope, so nothing could reach the internet
        host = urlsplit(url).hostname
        assert host in resolved_hosts or host.removeprefix("www.") in resolved_hosts


def test_env_resolve_db_and_output_file(hermetic: Path, sites):
    env = {"RESEARCH_RESOLVE": ",".join(f"{h}={b}" for h, b in sites.resolve_map().items())}
    out = hermetic / "brief.html"
    result = run_research("veridian-labs.com", "--format", "html", "--output", str(out), env=env)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Veridian" in html
    assert (hermetic / "research.db").exists()


def test_every_format_renders_the_stored_brief(hermetic: Path, sites):
    assert run_research("fernway-outdoors.com", *resolve_args(sites)).returncode == 0
    as_json = run_research("brief", "fernway-outdoors.com", "--format", "json")
    validate_brief(json.loads(as_json.stdout))
    md = run_research("brief", "fernway-outdoors.com", "--format", "md").stdout
    assert md.startswith("# ") and "## Sources" in md
    text = run_research("brief", "fernway-outdoors.com", "--format", "text").stdout
    assert "Fernway" in text and "\x1b[" not in text


def test_search_finds_stored_text(hermetic: Path, sites):
    assert run_research("kesselwerk.de", *resolve_args(sites)).returncode == 0
    result = run_research("search", "Wärmepumpen")
    assert result.returncode == 0, result.stderr
    assert "kesselwerk.de" in result.stdout


def test_second_run_uses_conditional_requests_and_reports_changes(hermetic: Path, sites):
    assert run_research("quillstack.com", *resolve_args(sites)).returncode == 0
    second = run_research("quillstack.com", "--format", "json", *resolve_args(sites))
    assert second.returncode == 0, second.stderr
    brief = json.loads(second.stdout)
    assert brief["changes"] == []
    validate_brief(brief)


def test_demo_runs_from_any_directory(tmp_path: Path):
    result = run_research("demo", "--format", "md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Harborlight" in result.stdout
    assert "## Sources" in result.stdout
