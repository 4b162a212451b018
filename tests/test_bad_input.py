"""Bad input at the command line: a one-line error naming the problem, exit 2, nothing written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from .conftest import run_research


def assert_usage_error(result, *phrases: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


@pytest.mark.parametrize(
    ("domain", "phrase"),
    [
        ("acme", "single name"),
        ("acme..com", "empty label"),
        ("acme-.com", "characters"),
        ("acme.com:8080", "port 8080"),
        ("user:secret@acme.com", "user name or password"),
        ("https://user:secret@acme.com/about", "user name or password"),
        ("http://[::1]/", "IP address"),
        ("10.0.0.1", "IP address"),
        ("169.254.169.254", "IP address"),
        ("0x7f000001", "IP address"),
        ("2130706433", "IP address"),
        ("a" * 64 + ".com", "longer than 63"),
        (".".join(["abcdefgh"] * 40) + ".com", "253 characters"),
        ("mailto:jobs@acme.com", "mailto"),
        ("javascript:alert(1)", "javascript"),
        ("acme.com\x1b[31m", "control characters"),
        ("bü cher.de", "spaces"),
        ("xn--zz.com", "punycode"),
        ("com", "single name"),
        ("github.io", "public suffix"),
        ("acme.invalidtld", "public suffix"),
    ],
)
def test_bad_domain(hermetic: Path, domain: str, phrase: str):
    db = hermetic / "never.db"
    result = run_research(domain, "--db", str(db))
    assert_usage_error(result, phrase)
    assert not db.exists()
    assert "\x1b" not in result.stderr  # the error echoes the input safely


def test_idn_is_accepted_and_shown_as_punycode(hermetic: Path):
    # Port 9 on loopback refuses at once: the domain parsed, the crawl was tried (exit 1).
    result = run_research("bücher.de", "--resolve", "bücher.de=http://127.0.0.1:9")
    assert result.returncode == 1, result.stderr
    assert "xn--bcher-kva.de" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "spec",
    [
        "acme.com",
        "=http://127.0.0.1:8000",
        "acme.com=",
        "acme.com=ftp://127.0.0.1/x",
        "acme.com=http://",
        "acme.com=http://127.0.0.1:99999/",
        "ac me.com=http://127.0.0.1:8000",
        "acme.com:80=http://127.0.0.1:8000",
    ],
)
def test_malformed_resolve(hermetic: Path, spec: str):
    db = hermetic / "never.db"
    result = run_research("acme.com", "--db", str(db), "--resolve", spec)
    assert_usage_error(result, "--resolve")
    assert not db.exists()


def test_malformed_resolve_from_environment(hermetic: Path):
    db = hermetic / "never.db"
    result = run_research("acme.com", "--db", str(db), env={"RESEARCH_RESOLVE": "junk"})
    assert_usage_error(result, "--resolve")
    assert not db.exists()


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "0"])
def test_bad_limit_in_environment(hermetic: Path, value: str):
    db = hermetic / "never.db"
    result = run_research("acme.com", "--db", str(db), env={"RESEARCH_PAGE_DEADLINE": value})
    assert_usage_error(result, "RESEARCH_PAGE_DEADLINE")
    assert not db.exists()


def test_db_that_is_not_sqlite_is_untouched(hermetic: Path):
    db = hermetic / "notes.db"
    db.write_bytes(b"my precious notes\n" * 100)
    result = run_research("acme.com", "--db", str(db), "--resolve", "acme.com=http://127.0.0.1:9")
    assert_usage_error(result, "not a company-research database")
    assert db.read_bytes() == b"my precious notes\n" * 100


def test_db_of_another_application_is_untouched(hermetic: Path):
    db = hermetic / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("create table recipes (name text)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    result = run_research("acme.com", "--db", str(db), "--resolve", "acme.com=http://127.0.0.1:9")
    assert_usage_error(result, "not a company-research database")
    assert db.read_bytes() == before


def test_db_that_is_a_directory(hermetic: Path):
    result = run_research("brief", "acme.com", "--db", str(hermetic))
    assert_usage_error(result, "directory")


def test_db_under_a_file(hermetic: Path):
    blocker = hermetic / "file"
    blocker.write_text("x")
    result = run_research("brief", "acme.com", "--db", str(blocker / "research.db"))
    assert_usage_error(result, "cannot create the folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_db(hermetic: Path):
    db = hermetic / "locked.db"
    db.write_bytes(b"")
    db.chmod(0)
    try:
        result = run_research("brief", "acme.com", "--db", str(db))
    finally:
        db.chmod(0o600)
    assert_usage_error(result, "permissions")


# -- the watchlist, refresh, schedule, letter/compare and --resume -------------------------
WATCH_FILES = [
    ("junk.txt", b"acme.com\nnot a domain\n", ["line 2", "contains spaces"]),
    ("creds.txt", b"# mine\nhttps://user:pw@acme.com/\n", ["line 2", "user name or password"]),
    ("ip.txt", b"acme.com\n\n10.0.0.1\n", ["line 3", "IP address"]),
    ("ip6.txt", b"[::1]\n", ["line 1", "IP address"]),
    ("long.txt", b"acme.com\n" + b"a" * 300 + b".com\n", ["line 2", "longer than 63"]),
    ("url.txt", b"javascript:alert(1)\n", ["line 1", "javascript"]),
    ("escape.txt", b"acme.com\x1b[2J\n", ["line 1", "control characters"]),
    ("binary.txt", bytes(range(256)) * 4, ["binary.txt", "not a UTF-8 text file"]),
    ("nul.txt", b"acme.com\n\x00\x00\x00\n", ["nul.txt", "not a text file"]),
    ("empty.txt", b"", ["empty.txt", "lists no domain"]),
    ("comments.txt", b"# nothing yet\n\n", ["comments.txt", "lists no domain"]),
    ("people.csv", b"name,city\nAcme,Paris\n", ["line 1", "no domain column"]),
    ("hole.csv", b"name,domain\nAcme,acme.com\nBeta,\n", ["line 3", "domain column is empty"]),
    ("latin1.txt", "acmé.com\n".encode("latin-1"), ["latin1.txt", "not a UTF-8 text file"]),
]


def _watchlist(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select domain, watched from companies order by domain").fetchall()


@pytest.mark.parametrize(
    ("name", "content", "phrases"), WATCH_FILES, ids=[w[0] for w in WATCH_FILES]
)
def test_watch_add_from_a_junk_file_writes_nothing(
    hermetic: Path, name: str, content: bytes, phrases: list[str]
):
    junk = hermetic / name
    junk.write_bytes(content)
    fresh = hermetic / "fresh.db"
    result = run_research("watch", "add", "--from", str(junk), "--db", str(fresh))
    assert_usage_error(result, *phrases)
    assert "\x1b" not in result.stderr
    assert not fresh.exists()  # not even created
    used = hermetic / "used.db"
    assert run_research("watch", "add", "kept.com", "--db", str(used)).returncode == 0
    before = _watchlist(used)
    result = run_research("watch", "add", "other.com", "--from", str(junk), "--db", str(used))
    assert_usage_error(result, *phrases)
    assert _watchlist(used) == before == [("kept.com", 1)]


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_watch_add_from_a_missing_file_or_a_directory(hermetic: Path, kind: str):
    path = hermetic / "list"
    if kind == "directory":
        path.mkdir()
    result = run_research("watch", "add", "--from", str(path), "--db", str(hermetic / "w.db"))
    assert_usage_error(result, "cannot read", str(path))
    assert not (hermetic / "w.db").exists()


@pytest.mark.parametrize("value", ["abc", "-1d", "7x", "", "nan", "inf", "1e400", "3000000000w"])
def test_refresh_stale_after_junk(hermetic: Path, value: str):
    db = hermetic / "r.db"
    result = run_research("refresh", "--stale-after", value, "--db", str(db))
    assert_usage_error(result, "--stale-after", "not a duration")
    assert not db.exists()


@pytest.mark.parametrize(
    ("every", "phrase"),
    [
        ("* * *", "5-field cron"),
        ("* * * * * *", "5-field cron"),
        ("61 * * * *", "outside 0-59"),
        ("a b c d e", "not a number"),
        ("²³ * * * *", "minute"),
        ("", "5-field cron"),
    ],
)
def test_schedule_every_bad_cron(hermetic: Path, every: str, phrase: str):
    result = run_research("schedule", "--every", every)
    assert_usage_error(result, phrase)


@pytest.mark.parametrize("command", [["letter", "unknown.com"], ["compare", "a.com", "b.com"]])
def test_letter_and_compare_for_unknown_companies(hermetic: Path, command: list[str]):
    db = hermetic / "none.db"
    result = run_research(*command, "--db", str(db))
    assert result.returncode == 1, result.stderr  # documented: could not be done, not usage
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and "no brief stored for" in lines[0], result.stderr
    assert not db.exists()  # a read never creates the store


@pytest.mark.parametrize("kind", ["missing", "binary", "directory"])
@pytest.mark.parametrize("command", [["acme.com"], ["brief", "acme.com"], ["letter", "acme.com"]])
def test_resume_missing_or_binary_is_refused_before_any_work(
    hermetic: Path, kind: str, command: list[str]
):
    resume = hermetic / "resume.txt"
    if kind == "binary":
        resume.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    elif kind == "directory":
        resume.mkdir()
    db = hermetic / "r.db"
    result = run_research(*command, "--resume", str(resume), "--db", str(db))
    phrase = {"missing": "no such file", "binary": "not a text or PDF", "directory": "directory"}
    assert_usage_error(result, "--resume", phrase[kind])
    assert not db.exists()  # refused before the crawl or the store lookup
