"""research refresh: digest of changed facts, conditional requests, exit codes, the lock."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from company_research.errors import RefreshBusyError
from company_research.loopback import SiteServer, serve_sites
from company_research.refresh import LOCK_NAME, brief_changes, refresh, refresh_lock
from company_research.settings import Settings
from company_research.store import open_store
from tests.conftest import SITES, resolve_args, run_research

HARBOR = "harborlight.io"
VERIDIAN = "veridian-labs.com"
NEW_POST = """	<item>
		<title>Harborlight opens a Singapore office</title>
		<link>https://www.harborlight.io/blog/singapore-office/</link>
		<pubDate>Thu, 26 Nov 2026 09:00:00 +0000</pubDate>
		<guid isPermaLink="false">https://www.harborlight.io/?p=4900</guid>
		<description><![CDATA[<p>Our first office in Asia opens next month with a team of twelve.</p>]]></description>
	</item>
"""
OLD_MISSION = (
    "Our mission is to make every container movement visible, predictable and lower-carbon"
)
NEW_MISSION = "Our mission is to make every port call predictable, fair and zero-emission"


@pytest.fixture
def site_copy(tmp_path: Path):
    """A private copy of the fixture sites, served on loopback, that a test may change."""
    root = tmp_path / "sites"
    shutil.copytree(SITES, root)
    with serve_sites(root) as server:
        yield root, server


def _refresh(server: SiteServer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_research("refresh", "--format", "json", *args, *resolve_args(server))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _change_sites(root: Path) -> None:
    harbor = root / HARBOR
    _edit(harbor / "feed" / "index.xml", "\t<item>\n", NEW_POST + "\t<item>\n")
    for page in ("index.html", "about-us/index.html"):
        _edit(harbor / page, OLD_MISSION, NEW_MISSION)
    shutil.rmtree(harbor / "careers")
    # Veridian only changes its chrome: a new cookie banner text and a rotated script URL.
    home = root / VERIDIAN / "index.html"
    _edit(home, "We use cookies to improve your experience", "We and our 214 partners use cookies")
    _edit(home, "plausible.io/js/script.js", "plausible.io/js/script.v2.js")


def test_refresh_reports_only_changed_facts_then_costs_nothing(site_copy) -> None:
    root, server = site_copy
    added = run_research("watch", "add", HARBOR, VERIDIAN)
    assert added.returncode == 0, added.stderr

    first = _refresh(server)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "companies": [
            {"domain": HARBOR, "status": "new", "changes": []},
            {"domain": VERIDIAN, "status": "new", "changes": []},
        ]
    }

    _change_sites(root)
    second = _refresh(server, "--all")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == {
        "companies": [
            {
                "domain": HARBOR,
                "status": "ok",
                "changes": [
                    {
                        "kind": "new_post",
                        "text": "New post: Harborlight opens a Singapore office (2026-11-26)",
                        "url": "https://www.harborlight.io/blog/singapore-office/",
                    },
                    {
                        "kind": "mission_changed",
                        "text": f"Mission now reads: {NEW_MISSION} — from quay to warehouse.",
                        "url": "https://www.harborlight.io/about-us/",
                    },
                    {
                        "kind": "page_removed",
                        "text": "Gone careers page: Careers - Harborlight",
                        "url": "https://www.harborlight.io/careers/",
                    },
                ],
            },
            {"domain": VERIDIAN, "status": "ok", "changes": []},
        ]
    }

    server.log.clear()
    third = _refresh(server, "--all")
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout) == {
        "companies": [
            {"domain": HARBOR, "status": "ok", "changes": []},
            {"domain": VERIDIAN, "status": "ok", "changes": []},
        ]
    }
    # Nothing changed: every page, feed and sitemap came back 304 and nothing was parsed.
    served = [(host, path, status) for host, path, status in server.log.lines]
    full = [line for line in served if line[2] == 200 and not line[1].endswith("robots.txt")]
    assert full == []
    assert sum(1 for line in served if line[2] == 304) >= 15
    store = open_store(Path(os.environ["RESEARCH_DB"]))
    try:
        for domain in (HARBOR, VERIDIAN):
            last = store.runs(domain)[-1]
            assert last["command"] == "refresh" and last["outcome"] == "ok"
            assert last["pages_parsed"] == 0 and last["pages_fetched"] == 0
            assert last["pages_not_modified"] >= 8
        whole = store.refresh_runs()
        assert [r["outcome"] for r in whole] == ["ok", "ok", "ok"]
        assert whole[-1]["pages_parsed"] == 0 and whole[-1]["requests"] > 0
        assert whole[-1]["ended_at"] >= whole[-1]["started_at"]
        # The careers page is kept, marked gone, and no longer asked for.
        assert "https://www.harborlight.io/careers/" not in store.page_index(HARBOR)
    finally:
        store.close()


def test_a_site_down_fails_alone_and_keeps_its_last_good_data(site_copy) -> None:
    _root, server = site_copy
    assert run_research("watch", "add", HARBOR, VERIDIAN).returncode == 0
    assert _refresh(server).returncode == 0
    server.down.add(VERIDIAN)
    result = _refresh(server, "--all", "--concurrency", "2")
    assert result.returncode == 3, result.stderr
    digest = json.loads(result.stdout)
    assert digest["companies"][0] == {"domain": HARBOR, "status": "ok", "changes": []}
    failed = digest["companies"][1]
    assert failed["domain"] == VERIDIAN and failed["status"] == "failed"
    assert [c["kind"] for c in failed["changes"]] == ["unreachable"]
    assert failed["changes"][0]["url"] == "https://veridian-labs.com/"
    assert "could not be reached" in failed["changes"][0]["text"]
    kept = run_research("brief", VERIDIAN, "--format", "json")
    assert kept.returncode == 0 and json.loads(kept.stdout)["company"]["name"] == "Veridian Labs"
    listed = run_research("watch", "list")
    assert "failed" in listed.stdout
    # Once it is back, it refreshes and the exit code is 0 again.
    server.down.clear()
    again = _refresh(server, "--stale-after", "0")
    assert again.returncode == 0
    assert [c["status"] for c in json.loads(again.stdout)["companies"]] == ["ok", "ok"]


def test_fresh_companies_are_skipped_and_md_digest_written_to_a_file(site_copy, tmp_path) -> None:
    _root, server = site_copy
    assert run_research("watch", "add", VERIDIAN).returncode == 0
    assert _refresh(server).returncode == 0
    out = tmp_path / "digest.md"
    result = run_research("refresh", "--format", "md", "--output", str(out), *resolve_args(server))
    assert result.returncode == 0
    assert out.read_text(encoding="utf-8") == "# What changed\n\nNothing was due for a refresh.\n"
    assert "refreshed 0 of 1 watched" in result.stderr
    assert result.stdout == ""


def test_refresh_with_an_empty_watchlist_says_so() -> None:
    result = run_research("refresh", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"companies": []}


@pytest.mark.parametrize("args", [["--stale-after", "soon"], ["--concurrency", "0"]])
def test_bad_refresh_options_are_usage_errors(args: list[str]) -> None:
    result = run_research("refresh", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_second_refresh_stands_down_while_one_runs(tmp_path) -> None:
    db = Path(os.environ["RESEARCH_DB"])
    store = open_store(db)
    try:
        with refresh_lock(store):
            result = run_research("refresh", "--format", "json")
            with pytest.raises(RefreshBusyError):
                refresh(Settings(db_path=db))
    finally:
        store.close()
    assert result.returncode == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("note: another refresh of this store is running")
    assert f"pid {os.getpid()}" in lines[0]
    assert result.stdout == ""


def test_a_lock_left_by_a_dead_process_is_taken_over() -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    db = Path(os.environ["RESEARCH_DB"])
    store = open_store(db)
    try:
        assert store.acquire_lock(LOCK_NAME, pid, socket.gethostname(), lambda _row: False) is None
        result = run_research("refresh", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"companies": []}
        assert list(store.db["locks"].rows) == []  # released after the run
        # A lock from another machine is trusted until it is a day old.
        store.acquire_lock(LOCK_NAME, 1, "elsewhere.example", lambda _row: False)
        assert run_research("refresh").stderr.startswith("note: another refresh")
        store.db.execute("update locks set started_at = '2020-01-01T00:00:00+00:00'")
        assert run_research("refresh", "--format", "json").returncode == 0
    finally:
        store.close()


def test_brief_changes_compare_facts_not_wording_noise() -> None:
    old = {
        "posts": [{"url": "https://a.example/p1", "title": "One", "published": "2026-01-01"}],
        "mission": {"text": "We  build   bridges.", "source": 1},
        "values": [{"text": "Care", "source": 1}, {"text": "Craft", "source": 1}],
        "reviews": {
            "sites": [{"site": "Kununu", "rating": 4.1, "scale": 5, "url": "https://k.example/a"}]
        },
        "sources": [{"id": 1, "url": "https://a.example/about"}],
    }
    same = json.loads(json.dumps(old))
    same["mission"]["text"] = "we build bridges."
    same["values"].reverse()
    assert brief_changes(old, same) == []
    moved = json.loads(json.dumps(old))
    moved["reviews"]["sites"][0]["rating"] = 3.8
    moved["values"] = [{"text": "Care", "source": 1}, {"text": "Speed", "source": 1}]
    kinds = [(c.kind, c.text) for c in brief_changes(old, moved)]
    assert kinds == [
        ("values_changed", "Values changed: added Speed, dropped Craft"),
        ("rating_changed", "Rating on Kununu moved from 4.1 to 3.8 (of 5)"),
    ]
    no_reviews = {**old, "reviews": {"sites": []}}
    assert brief_changes(old, no_reviews) == []


def test_digest_text_and_markdown_keep_page_text_inert() -> None:
    from company_research.render import render_digest

    digest = {
        "companies": [
            {
                "domain": "acme.com",
                "status": "ok",
                "changes": [
                    {
                        "kind": "new_post",
                        "text": "New post: [click](javascript:alert(1)) \x1b[31mred",
                        "url": "https://acme.com/p",
                    },
                    {"kind": "page_removed", "text": "Gone careers page", "url": "javascript:x"},
                ],
            },
            {"domain": "globex.de", "status": "failed", "changes": []},
        ]
    }
    text = render_digest(digest, "text")
    assert text == (
        "acme.com: 2 changes\n"
        "  - New post: [click](javascript:alert(1)) red\n"
        "    https://acme.com/p\n"
        "  - Gone careers page\n"
        "globex.de (failed): no changes\n"
    )
    md = render_digest(digest, "md")
    assert "- New post: \\[click\\]" in md and "([source](<https://acme.com/p>))" in md
    assert "javascript:x" not in md
    assert json.loads(render_digest(digest, "json")) == digest
