"""research watch add/list/remove, --from FILE, interview dates, and when a company is due."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from company_research.errors import UsageError
from company_research.watch import WatchEntry, due, parse_duration, read_domain_file
from tests.conftest import run_research


def _listed() -> list[dict]:
    result = run_research("watch", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_list_remove() -> None:
    result = run_research("watch", "add", "https://www.Acme.com/about", "globex.de")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["watching acme.com", "watching globex.de"]
    again = run_research("watch", "add", "acme.com")
    assert again.stdout.splitlines() == ["already watching acme.com"]
    rows = _listed()
    assert [(r["domain"], r["status"], r["last_refresh"]) for r in rows] == [
        ("acme.com", "never", None),
        ("globex.de", "never", None),
    ]
    text = run_research("watch", "list").stdout
    assert text.splitlines()[0].split() == [
        "DOMAIN",
        "NAME",
        "LAST",
        "REFRESH",
        "STATUS",
        "AGE",
        "INTERVIEW",
    ]
    assert "acme.com" in text and "never" in text
    removed = run_research("watch", "remove", "acme.com")
    assert removed.returncode == 0 and removed.stdout == "stopped watching acme.com\n"
    assert [r["domain"] for r in _listed()] == ["globex.de"]
    missing = run_research("watch", "remove", "acme.com")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "error: acme.com is not on the watchlist (see `research watch list`)"
    )


def test_empty_watchlist_says_how_to_fill_it() -> None:
    result = run_research("watch", "list")
    assert result.returncode == 0 and result.stdout == ""
    assert "research watch add" in result.stderr


def test_interview_date_is_listed_as_upcoming() -> None:
    soon = (date.today() + timedelta(days=6)).isoformat()
    result = run_research("watch", "add", "acme.com", "--interview", soon)
    assert result.returncode == 0, result.stderr
    assert _listed()[0]["interview"] == soon
    text = run_research("watch", "list").stdout
    assert "Upcoming interviews:" in text
    assert f"{soon}  acme.com  (in 6 days; refreshed the day before)" in text


def test_bad_interview_date_writes_nothing() -> None:
    result = run_research("watch", "add", "acme.com", "--interview", "next tuesday")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --interview 'next tuesday' is not a date")
    assert _listed() == []


def test_add_from_a_csv_with_a_domain_column(tmp_path: Path) -> None:
    csv_file = tmp_path / "targets.csv"
    csv_file.write_text(
        "Company,Domain,Notes\n"
        'Acme,acme.com,"applied, waiting"\n'
        "\n"
        "Globex,https://www.globex.de/jobs,\n",
        encoding="utf-8",
    )
    result = run_research("watch", "add", "--from", str(csv_file), "initech.com")
    assert result.returncode == 0, result.stderr
    assert [r["domain"] for r in _listed()] == ["acme.com", "globex.de", "initech.com"]


def test_add_from_a_plain_list_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    listing = tmp_path / "companies.txt"
    listing.write_text("# my shortlist\nacme.com\n\nwww.globex.de  # recruiter\n", encoding="utf-8")
    assert read_domain_file(listing) == ["acme.com", "globex.de"]


def test_a_junk_line_names_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    listing = tmp_path / "companies.txt"
    listing.write_text("acme.com\nglobex.de\nnot a domain at all\n", encoding="utf-8")
    result = run_research("watch", "add", "--from", str(listing))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {listing} line 3: ")
    assert "Traceback" not in result.stderr
    assert _listed() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Name,Notes\nAcme,x\n", "line 1: no domain column"),
        ("name,domain\nAcme,\n", "line 2: the domain column is empty"),
        ("domain\nacme.com\nmailto:x@y.z\n", "line 3: "),
    ],
)
def test_bad_csv_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        read_domain_file(path)


def test_unreadable_or_binary_files_are_usage_errors(tmp_path: Path) -> None:
    binary = tmp_path / "list.bin"
    binary.write_bytes(b"\x00\x01\x02acme.com")
    for path in (tmp_path / "missing.txt", binary):
        result = run_research("watch", "add", "--from", str(path))
        assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert not Path(os.environ["RESEARCH_DB"]).exists() or _listed() == []


def _entry(last_ok: datetime | None, interview: date | None = None) -> WatchEntry:
    return WatchEntry("acme.com", None, last_ok, last_ok, "ok", interview)


def test_due_by_staleness_and_by_interview_eve() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    week = timedelta(days=7)
    assert due(_entry(None), week, now) == "never"
    assert due(_entry(now - timedelta(days=8)), week, now) == "stale"
    assert due(_entry(now - timedelta(days=1)), week, now) is None
    assert due(_entry(now - timedelta(days=1)), week, now, everything=True) == "all"
    local_today = now.astimezone().date()
    eve_of = local_today + timedelta(days=1)
    # The day before the interview it is refreshed however fresh, but only once that day.
    assert due(_entry(now - timedelta(days=2), eve_of), week, now) == "interview"
    assert due(_entry(now, eve_of), week, now) is None
    assert due(_entry(now - timedelta(days=2), eve_of + timedelta(days=3)), week, now) is None
    assert due(_entry(now - timedelta(days=2), local_today - timedelta(days=1)), week, now) is None


@pytest.mark.parametrize(
    ("text", "seconds"), [("7d", 604800), ("12h", 43200), ("30m", 1800), ("2w", 1209600), ("0", 0)]
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "soon", "-1d", "7x", "nand", "d"])
def test_parse_duration_rejects_junk(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(text)
