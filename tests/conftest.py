"""Shared fixtures: a hermetic home and store, and a loopback server serving fixtures/sites and
the review sites of fixtures/reviews."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from company_research.loopback import SiteServer, serve_sites

ROOT = Path(__file__).resolve().parents[1]
SITES = ROOT / "fixtures" / "sites"
REVIEWS = ROOT / "fixtures" / "reviews"  # review-site hosts (www.glassdoor.com, ...)
EXPECTED = ROOT / "fixtures" / "expected"
BENCHMARKS = ROOT / "benchmarks"


def sitegen() -> types.ModuleType:
    """benchmarks/sitegen.py (the generated company sites), imported once."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import sitegen as module
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own home and store; nothing from the developer's environment leaks."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("RESEARCH_DB", str(tmp_path / "research.db"))
    monkeypatch.delenv("RESEARCH_RESOLVE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # Hermetic: a host the test did not map with --resolve is never fetched (no internet).
    monkeypatch.setenv("RESEARCH_RESOLVED_ONLY", "1")
    # `research schedule --install` never touches the real crontab or systemd units.
    monkeypatch.setenv("RESEARCH_CRONTAB_CMD", "false")
    monkeypatch.setenv("RESEARCH_SYSTEMCTL_CMD", "false")
    monkeypatch.setenv("RESEARCH_SYSTEMD_DIR", str(tmp_path / "systemd-user"))
    return tmp_path


@pytest.fixture(scope="session")
def sites() -> Iterator[SiteServer]:
    with serve_sites([SITES, REVIEWS]) as server:
        yield server


def resolve_args(server: SiteServer) -> list[str]:
    args: list[str] = []
    for host, base in server.resolve_map().items():
        args += ["--resolve", f"{host}={base}"]
    return args


def run_research(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "company_research", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "RESEARCH_RESOLVED_ONLY": "1", **(env or {})},
        check=False,
        cwd=cwd,
    )


def expected_sites() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*.json"))]


@pytest.fixture(scope="session")
def researched(tmp_path_factory: pytest.TempPathFactory, sites: SiteServer) -> dict[str, dict]:
    """Every expected fixture company researched once through the CLI into one store."""
    db = tmp_path_factory.mktemp("store") / "research.db"
    briefs: dict[str, dict] = {}
    for site in expected_sites():
        result = run_research(
            site["domain"], "--db", str(db), "--format", "json", *resolve_args(sites)
        )
        assert result.returncode == 0, result.stderr
        briefs[site["domain"]] = json.loads(result.stdout)
    briefs["_db"] = {"path": str(db)}
    return briefs
