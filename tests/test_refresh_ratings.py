"""rating_changed end to end: a review site's rating of a watched company moves between two
refreshes; the digest says so once, with both ratings and the review page, and so does the
brief's "What changed"."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from company_research.loopback import serve_sites
from company_research.render import render_brief
from tests.conftest import REVIEWS, SITES, resolve_args, run_research

DOMAIN = "harborlight.io"
PAGE = Path("www.trustpilot.com") / "review" / DOMAIN
PAGE_URL = f"https://www.trustpilot.com/review/{DOMAIN}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_moved_rating_is_one_rating_changed(tmp_path: Path) -> None:
    sites, reviews = tmp_path / "sites", tmp_path / "reviews"
    shutil.copytree(SITES, sites)
    shutil.copytree(REVIEWS, reviews)
    env = {"RESEARCH_DB": str(tmp_path / "research.db")}
    with serve_sites([sites, reviews]) as server:
        resolve = resolve_args(server)
        assert run_research("watch", "add", DOMAIN, env=env).returncode == 0
        first = run_research("refresh", "--format", "json", *resolve, env=env)
        assert first.returncode == 0, first.stderr
        brief = json.loads(run_research("brief", DOMAIN, "--format", "json", env=env).stdout)
        before = {s["site"]: s for s in brief["reviews"]["sites"]}
        assert before["Trustpilot"]["rating"] == 4.3 and before["Trustpilot"]["url"] == PAGE_URL

        # The page's JSON-LD and its embedded app state move together, as on the real site.
        page = reviews / PAGE
        _edit(page, '"ratingValue": "4.3"', '"ratingValue": "3.8"')
        _edit(page, '"trustScore": 4.3', '"trustScore": 3.8')
        _edit(page, '"stars": 4.5', '"stars": 4.0')

        second = run_research("refresh", "--all", "--format", "json", *resolve, env=env)
        assert second.returncode == 0, second.stderr
        assert json.loads(second.stdout) == {
            "companies": [
                {
                    "domain": DOMAIN,
                    "status": "ok",
                    "changes": [
                        {
                            "kind": "rating_changed",
                            "text": "Rating on Trustpilot moved from 4.3 to 3.8 (of 5)",
                            "url": PAGE_URL,
                        }
                    ],
                }
            ]
        }
        markdown = run_research("refresh", "--all", "--format", "md", *resolve, env=env)
        assert markdown.returncode == 0 and "moved from" not in markdown.stdout  # reported once

    brief = json.loads(run_research("brief", DOMAIN, "--format", "json", env=env).stdout)
    assert [c["kind"] for c in brief["changes"]] == []  # the third refresh changed nothing
    # The brief made by the refresh that saw the move lists it under "What changed".
    with sqlite3.connect(env["RESEARCH_DB"]) as conn:
        rows = conn.execute("select json from briefs where company = ? order by id", [DOMAIN])
        briefs = [json.loads(r[0]) for r in rows]
    moved = briefs[1]
    changes = [c for c in moved["changes"] if c["kind"] == "rating_changed"]
    assert len(changes) == 1 and "4.3" in changes[0]["text"] and "3.8" in changes[0]["text"]
    assert [c["kind"] for c in moved["changes"]] == ["rating_changed"]
    md = render_brief(moved, "md")
    section = md.split("## What changed", 1)[1].split("\n## ", 1)[0]
    assert "Trustpilot rating moved from 4.3 to 3.8" in section
