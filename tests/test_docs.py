"""Docs stay true: the CLI reference is the real --help output, the README names every command."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_cli_docs", ROOT / "docs" / "make_cli_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_matches_help_output():
    generator = _generator()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == generator.render(), "run: python docs/make_cli_docs.py"


def test_readme_documents_every_command_and_quickstart():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in (
        "research demo",
        "research brief",
        "research search",
        "--resolve",
        "--db",
        "RESEARCH_DB",
        "RESEARCH_RESOLVE",
    ):
        assert command in readme, command
    quickstart = readme.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line for line in quickstart.splitlines() if line.startswith(("pip ", "python"))]
    assert commands == ["pip install . && research demo", "pip install '.[test]' && pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
