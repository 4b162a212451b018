"""The `research` command line: parse options, call the library, print, map errors to exits."""

from __future__ import annotations

import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from company_research import __version__
from company_research.errors import EXIT_USAGE, ResearchError, UsageError

COMMANDS = ("brief", "demo", "search")
DEFAULT_COMMAND = "company"
TOP_LEVEL_OPTIONS = ("--help", "-h", "--version", "--install-completion", "--show-completion")

app = typer.Typer(
    name="research",
    help=(
        "Research a company before a job interview: crawl its site politely, keep what was "
        "read in a local SQLite store, and print a one-page brief where every item cites its "
        "source.\n\nUsage: research DOMAIN [OPTIONS]  (see `research DOMAIN --help`), or one of "
        "the commands below."
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class DomainCommand(TyperCommand):
    """The default command: its usage line reads `research DOMAIN`, as users type it."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage("research", "DOMAIN [OPTIONS]")


class Format(str, Enum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite store [default: $RESEARCH_DB, else the user data dir]"),
]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", help="text (default on a terminal), md (default when piped), html, json"
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the brief to FILE instead of stdout")
]


def _version(value: bool) -> None:
    if value:
        print(f"company-research {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version")
    ] = False,
) -> None:
    pass


@app.command(
    DEFAULT_COMMAND, cls=DomainCommand, hidden=True, help="Research DOMAIN and print its brief."
)
def company(
    domain: Annotated[
        str,
        typer.Argument(metavar="DOMAIN", help="acme.com, www.acme.com or https://acme.com/about"),
    ],
    db: DbOption = None,
    resolve: Annotated[
        list[str] | None,
        typer.Option(
            "--resolve",
            metavar="HOST=BASE_URL",
            help="Fetch HOST and www.HOST from BASE_URL (repeatable; also $RESEARCH_RESOLVE)",
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    max_pages: Annotated[
        int, typer.Option("--max-pages", min=1, max=500, help="Most pages to fetch")
    ] = 40,
    no_reviews: Annotated[bool, typer.Option("--no-reviews", help="Skip review sites")] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Refetch everything; ignore stored ETag/Last-Modified")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="No network: print the stored brief")
    ] = False,
) -> None:
    from company_research.pipeline import research

    settings = _settings(
        db, resolve, max_pages=max_pages, reviews=not no_reviews, fresh=fresh, offline=offline
    )
    result = _run(lambda: research(domain, settings, progress=_progress()))
    for notice in result.notices:
        _err(f"note: {notice}")
    _emit(result.brief, fmt, output)


@app.command("brief", help="Print the stored brief of DOMAIN again, with no network.")
def brief(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="A company researched before")],
    db: DbOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    from company_research.pipeline import stored_brief

    settings = _settings(db, None)
    _emit(_run(lambda: stored_brief(domain, settings)), fmt, output)


@app.command("demo", help="Research a bundled sample company served on a loopback port.")
def demo(
    company_domain: Annotated[
        str, typer.Argument(metavar="[COMPANY]", help="Which sample company")
    ] = "harborlight.io",
    fmt: FormatOption = None,
    output: OutputOption = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Keep the demo store here [default: a temp dir]")
    ] = None,
) -> None:
    from company_research.demo import run_demo

    result = _run(lambda: run_demo(company_domain, db, progress=_progress()))
    for notice in result.notices:
        _err(f"note: {notice}")
    _emit(result.brief, fmt, output)


@app.command("search", help="Full-text search over the stored pages.")
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words to find")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
) -> None:
    from company_research.store import open_store
    from company_research.textsafe import clean_text

    store = _run(lambda: open_store(_settings(db, None).db_path))
    try:
        hits = store.search(query, limit=limit)
    finally:
        store.close()
    if not hits:
        _err(f"no stored page matches {query!r}")
        raise typer.Exit(1)
    for hit in hits:
        print(f"{hit['company']}  {clean_text(hit['url'])}")
        print(f"    {clean_text(hit['title'] or '')}: {clean_text(hit['snippet'] or '')}")


def _settings(db: Path | None, resolve: list[str] | None, **kwargs: Any) -> Any:
    from company_research.scope import parse_resolve_list
    from company_research.settings import Settings, resolve_from_env, resolved_only_from_env

    mapping = _run(lambda: parse_resolve_list(resolve or [], resolve_from_env()))
    return Settings(db_path=db, resolve=mapping, resolved_only=resolved_only_from_env(), **kwargs)


def _run(call: Any) -> Any:
    """Call the library; turn its errors into one line on stderr and the documented exit code."""
    try:
        return call()
    except ResearchError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted: nothing from this run was stored; the last good data is intact")
        raise typer.Exit(130) from None


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    return lambda message: _err(f"… {message}")


def _emit(brief_data: dict[str, Any], fmt: Format | None, output: Path | None) -> None:
    from company_research.render import render_brief

    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    color = (
        chosen == "text"
        and output is None
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
    )
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 110))
    text = render_brief(brief_data, chosen, color=color, width=width)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        _err(f"error: cannot write {output}: {exc.strerror}")
        raise typer.Exit(EXIT_USAGE) from None
    _err(f"wrote {output}")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def main() -> None:
    """Console entry point: `research DOMAIN ...` runs the default command."""
    args = sys.argv[1:]
    if args and args[0] not in COMMANDS and args[0] not in TOP_LEVEL_OPTIONS:
        args = [DEFAULT_COMMAND, *args]
    try:
        app(args=args, prog_name="research", standalone_mode=True)
    except UsageError as exc:  # raised outside a command (should not happen, but never a traceback)
        _err(f"error: {exc}")
        sys.exit(EXIT_USAGE)
