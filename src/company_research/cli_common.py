"""What the command modules share: the --db and --resolve options, building Settings, calling
the library with its errors mapped to one line and an exit code, writing output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from company_research.errors import EXIT_USAGE, ResearchError

if TYPE_CHECKING:
    from company_research.settings import Settings

T = TypeVar("T")


class TextFormat(str, Enum):
    """The formats of a letter or a digest (no html or pdf)."""

    text = "text"
    md = "md"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite store [default: $RESEARCH_DB, else the user data dir]"),
]
ResolveOption = Annotated[
    list[str] | None,
    typer.Option(
        "--resolve",
        metavar="HOST=BASE_URL",
        help="Fetch HOST and www.HOST from BASE_URL (repeatable; also $RESEARCH_RESOLVE)",
    ),
]
FreshOption = Annotated[
    bool, typer.Option("--fresh", help="Refetch everything; ignore stored ETag/Last-Modified")
]


def settings_from(db: Path | None, resolve: list[str] | None, **kwargs: Any) -> Settings:
    """Settings from a command's --db and --resolve, the environment and `kwargs`."""
    from company_research.scope import parse_resolve_list
    from company_research.settings import (
        Settings,
        limits_from_env,
        resolve_from_env,
        resolved_only_from_env,
    )

    mapping = run_library(lambda: parse_resolve_list(resolve or [], resolve_from_env()))
    limits: dict[str, Any] = run_library(limits_from_env)
    return Settings(
        db_path=db, resolve=mapping, resolved_only=resolved_only_from_env(), **limits, **kwargs
    )


def run_library(call: Callable[[], T]) -> T:
    """Call the library; turn its errors into one line on stderr and the documented exit code."""
    try:
        return call()
    except ResearchError as exc:
        err(f"{'error' if exc.exit_code else 'note'}: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err("interrupted: nothing from this run was stored; the last good data is intact")
        raise typer.Exit(130) from None


def write_output(content: str | bytes, output: Path | None) -> None:
    """Print to stdout, or write FILE atomically (a temp file renamed into place)."""
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    tmp = output.with_name(output.name + ".tmp")
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        tmp.write_bytes(data)
        tmp.replace(output)
    except OSError as exc:
        err(f"error: cannot write {output}: {exc.strerror}")
        raise typer.Exit(EXIT_USAGE) from None
    err(f"wrote {output}")


def err(message: str) -> None:
    print(message, file=sys.stderr)
