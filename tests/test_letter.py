"""`research letter` and `research compare`: drafts and tables from stored briefs, cited."""

from __future__ import annotations

import json
import re

from .conftest import run_research


def test_letter_names_at_least_two_cited_things(researched):
    db = researched["_db"]["path"]
    result = run_research(
        "letter",
        "harborlight.io",
        "--db",
        db,
        "--interviewer",
        "Ana Ruiz",
        "--role",
        "Data Engineer",
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Dear Ana Ruiz,")
    assert "about the Data Engineer role at Harborlight" in text
    body, sources = text.split("Sources (keep for yourself; delete before sending):")
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert len(cited) >= 2
    brief = researched["harborlight.io"]
    urls = {s["id"]: s["url"] for s in brief["sources"]}
    for n in cited:
        assert f"[{n}] " in sources and urls[n] in sources
    assert brief["mission"]["text"] in body
    assert brief["posts"][0]["title"] in body


def test_letter_json_lists_its_facts_with_sources(researched):
    db = researched["_db"]["path"]
    result = run_research("letter", "kesselwerk.de", "--db", db, "-f", "json")
    assert result.returncode == 0, result.stderr
    letter = json.loads(result.stdout)
    assert letter["to"] is None and len(letter["facts"]) >= 2
    ids = {s["id"] for s in letter["sources"]}
    assert all(fact["source"] in ids for fact in letter["facts"])


def test_letter_with_resume_pitches_one_achievement(researched, tmp_path):
    resume = tmp_path / "cv.txt"
    resume.write_text(
        "Education\nCut container ETA prediction error by 35% by streaming gate-in events.\n",
        "utf-8",
    )
    db = researched["_db"]["path"]
    result = run_research("letter", "harborlight.io", "--db", db, "--resume", str(resume))
    assert result.returncode == 0, result.stderr
    assert "In my last role I cut container ETA prediction error by 35%" in result.stdout
    assert "Your achievement: resume line 2" in result.stdout


def test_letter_for_a_company_never_researched_is_exit_1(researched):
    result = run_research("letter", "unknown-company.com", "--db", researched["_db"]["path"])
    assert result.returncode == 1
    assert result.stderr.startswith("error: no brief stored for unknown-company.com")


def test_compare_shows_stored_companies_side_by_side(researched):
    db = researched["_db"]["path"]
    result = run_research(
        "compare", "harborlight.io", "kesselwerk.de", "maison-lumen.fr", "--db", db
    )
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("| | harborlight.io | kesselwerk.de | maison-lumen.fr |")
    for label in ("Mission", "Ratings", "Latest post", "Posts, last 90 days", "Founded"):
        assert f"| **{label}** |" in md
    for domain in ("harborlight.io", "kesselwerk.de"):
        brief = researched[domain]
        assert brief["mission"]["text"][:40] in md
        assert brief["posts"][0]["title"][:40] in md
        source = next(s for s in brief["sources"] if s["id"] == brief["mission"]["source"])
        assert source["url"] in md  # each company's citations are listed under the table


def test_compare_json_and_usage_errors(researched):
    db = researched["_db"]["path"]
    result = run_research(
        "compare", "quillstack.com", "veridian-labs.com", "--db", db, "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)
    assert [c["domain"] for c in table["companies"]] == ["quillstack.com", "veridian-labs.com"]
    one = run_research("compare", "quillstack.com", "www.quillstack.com", "--db", db)
    assert one.returncode == 2 and "2 or 3 different companies" in one.stderr
    missing = run_research("compare", "quillstack.com", "nobody-here.org", "--db", db)
    assert missing.returncode == 1 and "no brief stored for nobody-here.org" in missing.stderr
