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
