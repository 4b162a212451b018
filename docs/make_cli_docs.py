"""Regenerate docs/cli.md from the real `--help` output: python docs/make_cli_docs.py"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COMMANDS = [
    [],
    ["DOMAIN"],
    ["brief"],
    ["letter"],
    ["compare"],
    ["demo"],
    ["reviews"],
    ["reviews", "import"],
    ["search"],
    ["watch"],
    ["watch", "add"],
    ["watch", "list"],
    ["watch", "remove"],
    ["refresh"],
    ["schedule"],
]
HEADER = """# Command-line reference

Generated from the real `--help` output by `python docs/make_cli_docs.py`; `tests/test_docs.py`
fails when this file and the program disagree.
"""


def help_text(args: list[str]) -> str:
    argv = ["acme.com" if a == "DOMAIN" else a for a in args]
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "company_research", *argv, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout.rstrip() + "\n"


def render() -> str:
    parts = [HEADER]
    for args in COMMANDS:
        title = " ".join(["research", *args])
        parts.append(f"\n## `{title}`\n\n```\n{help_text(args)}```\n")
    return "".join(parts)


if __name__ == "__main__":
    out = Path(__file__).with_name("cli.md")
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
