"""`--resume`: the candidate's achievements paired with what the company states, both cited."""

from __future__ import annotations

import json

import pytest

from company_research.errors import UsageError
from company_research.render import render_brief, validate_brief
from company_research.resume import read_resume, why_me

from .conftest import run_research

RESUME = """# Jane Doe
jane@example.com | +31 6 1234 5678

## Experience
- Cut container ETA prediction error by 35% at a Rotterdam forwarder by streaming gate-in events.
- Built a berth window forecast that terminal planners used for every vessel call.
- Organised the office summer party for three years in a row.

## Education
MSc Transport Engineering, TU Delft
"""


@pytest.fixture
def resume_file(tmp_path):
    path = tmp_path / "resume.md"
    path.write_text(RESUME, encoding="utf-8")
    return path


def test_resume_sentences_keep_their_line_numbers(resume_file):
    lines = read_resume(resume_file)
    assert lines[0].text.startswith("jane@example.com")  # headings are skipped, not renumbered
    found = {item.text: item.line for item in lines}
    assert (
        found["Built a berth window forecast that terminal planners used for every vessel call."]
        == 6
    )


def test_pairs_cite_the_resume_line_and_the_company_source(researched, resume_file):
    brief = researched["harborlight.io"]
    pairs = why_me(brief, read_resume(resume_file))
    assert pairs
    lines = RESUME.splitlines()
    ids = {s["id"] for s in brief["sources"]}
    brief_text = json.dumps(brief, ensure_ascii=False)
    for pair in pairs:
        assert pair["achievement"] in lines[pair["resume_line"] - 1]
        assert pair["source"] in ids
        assert json.dumps(pair["company_text"], ensure_ascii=False)[1:-1] in brief_text
    achievements = " ".join(p["achievement"] for p in pairs)
    assert "ETA prediction" in achievements and "berth window" in achievements
    assert "summer party" not in achievements and "@" not in achievements


def test_cli_adds_why_me_and_validates(researched, resume_file):
    db = researched["_db"]["path"]
    result = run_research(
        "brief", "harborlight.io", "--db", db, "--resume", str(resume_file), "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    validate_brief(brief)
    assert brief["why_me"]
    md = render_brief(brief, "md")
    assert "## Why me" in md and "(resume line " in md
    assert len(md.split()) < 650


def test_a_pdf_resume_is_read(tmp_path, researched):
    from weasyprint import HTML

    pdf = tmp_path / "resume.pdf"
    body = "".join(f"<p>{line}</p>" for line in RESUME.splitlines() if line.strip())
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(pdf)
    texts = " ".join(item.text for item in read_resume(pdf))
    assert "berth window forecast" in texts
    assert why_me(researched["harborlight.io"], read_resume(pdf))


def test_an_unrelated_resume_gives_no_pairs_and_says_so(researched, tmp_path):
    path = tmp_path / "cv.txt"
    path.write_text("Baked sourdough loaves every morning for hungry villagers.\n", "utf-8")
    db = researched["_db"]["path"]
    result = run_research("brief", "kesselwerk.de", "--db", db, "--resume", str(path), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["why_me"] == []
    assert "note: no sentence of cv.txt shares a theme" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "no text found"), (b"%PDF-1.4 broken", "not a readable PDF")],
)
def test_bad_resume_files_are_usage_errors(tmp_path, content, message):
    path = tmp_path / ("resume.txt" if content == b"" else "resume.pdf")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        read_resume(path)


def test_cli_bad_resume_is_one_line_exit_2(researched, tmp_path):
    result = run_research(
        "brief",
        "harborlight.io",
        "--db",
        researched["_db"]["path"],
        "--resume",
        str(tmp_path / "nope.txt"),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: --resume") and result.stderr.count("\n") == 1
