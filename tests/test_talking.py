"""Talking points, questions, "Watch out" signals and "What changed", from cited facts."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from datetime import UTC, datetime

import pytest

from company_research.render import render_brief, validate_brief
from company_research.talking import questions, watch_out

from .conftest import expected_sites, resolve_args, run_research
from .test_render import realistic_brief

IDS = [s["domain"] for s in expected_sites()]
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.mark.parametrize("domain", IDS)
def test_talking_points_are_lines_to_say_with_a_quote_and_source(researched, domain):
    brief = researched[domain]
    ids = {s["id"] for s in brief["sources"]}
    for point in brief["talking_points"]:
        assert "at my last job I" in point["text"]
        assert point["evidence"] and point["source"] in ids
    post_points = [p for p in brief["talking_points"] if "post \u2018" in p["text"]]
    if brief["posts"]:
        assert re.search(r"Your \w+ \d{4} post \u2018", post_points[0]["text"])


@pytest.mark.parametrize("domain", IDS)
def test_questions_come_from_what_the_company_published(researched, domain):
    brief = researched[domain]
    ids = {s["id"] for s in brief["sources"]}
    assert 3 <= len(brief["questions"]) <= 5
    assert all(q["source"] in ids for q in brief["questions"])
    titles = " ".join(p["title"] for p in brief["posts"])
    if brief["posts"]:
        first = brief["questions"][0]["text"]
        quoted = re.search(r"\u201c(.+?)(?:\u2026)?\u201d", first).group(1)
        assert quoted in titles  # news first: a post they published


def test_questions_use_review_themes_when_present():
    brief = realistic_brief()
    asked = [q["text"] for q in questions(brief, [])]
    assert any(
        "Reviewers mention \u201cOn-call weeks during storm season\u201d" in q for q in asked
    )
    assert any("Rotterdam office" in q for q in asked)  # expansion news leads


@pytest.mark.parametrize("domain", IDS)
def test_watch_out_only_where_the_sources_support_it(researched, domain):
    brief = researched[domain]
    reviews = brief["reviews"]
    ids = {s["id"] for s in brief["sources"]}
    for signal in brief["watch_out"]:
        assert signal["source"] is None or signal["source"] in ids
        if signal["kind"] == "recurring_cons":
            cons = [c["text"] for c in reviews["cons"]]
            assert any(text in signal["text"] for text in cons)
        elif signal["kind"] == "blocked":
            blocked = [u["site"] for u in reviews["unavailable"]]
            assert any(site in signal["text"] for site in blocked) or brief["notices"]
        else:
            assert signal["kind"] in {"review_trend", "layoffs", "stale_blog"}
    if not reviews["sites"] and not reviews["unavailable"] and not brief["notices"]:
        # No reviews and nothing refused: nothing here supports a warning.
        assert brief["watch_out"] == []
        assert "Watch out" not in render_brief(brief, "md")


def _quiet_brief() -> dict:
    brief = realistic_brief()
    brief["reviews"]["cons"] = [{"text": "Long hours in storm season", "source": 7}]
    brief["reviews"]["unavailable"] = []
    brief["notices"] = []
    return brief


def test_a_brief_with_no_supporting_sources_has_no_signals():
    assert watch_out(_quiet_brief(), None, NOW) == []


def test_stale_blog_is_flagged_and_cited():
    brief = _quiet_brief()
    for post in brief["posts"]:
        post["published"] = post["published"].replace("2026", "2025")
    [signal] = watch_out(brief, None, NOW)
    assert signal["kind"] == "stale_blog" and signal["source"] == brief["posts"][0]["source"]
    assert "2025-11-18" in signal["text"]


@pytest.mark.parametrize(
    "title",
    [
        "Harborlight announces restructuring of its sales team",
        "Kesselwerk: Umstrukturierung am Standort Augsburg",
        "Maison Lumen annonce un plan social",
        "Veridian anuncia despidos en Madrid",
    ],
)
def test_layoff_and_restructuring_posts_are_flagged_in_four_languages(title):
    brief = _quiet_brief()
    brief["posts"][1]["title"] = title
    [signal] = watch_out(brief, None, NOW)
    assert signal == {
        "kind": "layoffs",
        "text": "A post from October 2026 talks about job cuts or restructuring.",
        "evidence": title,
        "source": brief["posts"][1]["source"],
    }


def test_a_falling_rating_recurring_cons_and_a_block_are_flagged():
    previous = _quiet_brief()
    brief = _quiet_brief()
    brief["reviews"]["sites"][0]["rating"] = 3.6
    brief["reviews"]["cons"] = [
        {"text": "On-call weeks during storm season", "source": 7},
        {"text": "Storm season on-call is exhausting", "source": 7},
    ]
    brief["reviews"]["unavailable"] = [{"site": "Indeed", "reason": "blocked by a bot check"}]
    kinds = [s["kind"] for s in watch_out(brief, previous, NOW)]
    assert kinds == ["review_trend", "recurring_cons", "blocked"]
    validate_brief({**brief, "watch_out": watch_out(brief, previous, NOW)})
    md = render_brief({**brief, "watch_out": watch_out(brief, previous, NOW)}, "md")
    assert "## Watch out" in md and "Glassdoor rating fell from 4.2 to 3.6. [7]" in md


def test_changes_are_listed_first_when_a_brief_is_made_again(sites, tmp_path):
    db = tmp_path / "again.db"
    first = run_research("harborlight.io", "--db", str(db), "-f", "json", *resolve_args(sites))
    assert first.returncode == 0, first.stderr
    old = json.loads(first.stdout)
    assert old["changes"] == []
    # Make the stored brief look like one from before: another mission, fewer posts.
    edited = copy.deepcopy(old)
    edited["mission"]["text"] = "Our mission was something else."
    edited["posts"] = edited["posts"][1:]
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update briefs set json = ?", [json.dumps(edited)])
    conn.close()
    again = run_research("harborlight.io", "--db", str(db), "-f", "md", *resolve_args(sites))
    assert again.returncode == 0, again.stderr
    md = again.stdout
    assert md.index("## What changed") < md.index("## Mission")
    assert f"New post: {old['posts'][0]['title']}" in md
    assert "Mission now reads: Our mission is to make every container movement" in md


def test_rating_moves_and_pages_gone_are_changes():
    from types import SimpleNamespace

    from company_research.summarise import _changes

    previous = realistic_brief()
    brief = copy.deepcopy(previous)
    brief["reviews"]["sites"][0]["rating"] = 4.5
    gone = previous["sources"][2]
    crawl = SimpleNamespace(log=[SimpleNamespace(url=gone["url"], status=404)])
    changes = _changes(previous, brief, crawl)
    assert [c["kind"] for c in changes] == ["rating_changed", "page_removed"]
    assert changes[0]["text"] == "Glassdoor rating moved from 4.2 to 4.5."
    assert changes[1]["text"].startswith(f"Page gone: {gone['title']}")
    assert all(c["since"] == previous["generated_at"] for c in changes)
