"""The `research` command line: parse options, call the library, print, map errors to exits."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from company_research import __version__, cli_watch
from company_research.cli_common import (
    DbOption,
    FreshOption,
    ResolveOption,
    TextFormat,
    err,
    run_library,
    settings_from,
    write_output,
)
from company_research.errors import EXIT_USAGE, UsageError

COMMANDS = (
    "brief",
    "compare",
    "demo",
    "letter",
    "reviews",
    "search",
    "watch",
    "refresh",
    "schedule",
)
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
    pdf = "pdf"


class Paper(str, Enum):
    a4 = "A4"
    letter = "Letter"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="text (default on a terminal), md (default when piped), html, json, "
        "pdf (needs --output and the pdf extra)",
    ),
]
ResumeOption = Annotated[
    Path | None,
    typer.Option(
        "--resume",
        help="Your resume (.txt, .md or .pdf): add a 'Why me' section pairing your "
        "achievements with what the company states (never stored)",
    ),
]
LlmOption = Annotated[
    str | None,
    typer.Option(
        "--llm",
        metavar="MODEL",
        help="Reword talking points and questions with an `llm` model (needs the llm extra); "
        "kept only if every citation and quote survives",
    ),
]
PaperOption = Annotated[Paper, typer.Option("--paper", help="Page size of --format pdf")]
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
    resolve: ResolveOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    max_pages: Annotated[
        int, typer.Option("--max-pages", min=1, max=500, help="Most pages to fetch")
    ] = 40,
    no_reviews: Annotated[bool, typer.Option("--no-reviews", help="Skip review sites")] = False,
    fresh: FreshOption = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="No network: print the stored brief")
    ] = False,
    reviews_only: Annotated[
        bool,
        typer.Option(
            "--reviews-only",
            help="Re-read review sites only; rebuild the brief on the stored crawl",
        ),
    ] = False,
    resume: ResumeOption = None,
    llm_model: LlmOption = None,
    paper: PaperOption = Paper.a4,
) -> None:
    from company_research.pipeline import research

    if reviews_only and (no_reviews or offline):
        err("error: --reviews-only cannot be combined with --no-reviews or --offline")
        raise typer.Exit(EXIT_USAGE)
    settings = settings_from(
        db, resolve, max_pages=max_pages, reviews=not no_reviews, fresh=fresh, offline=offline
    )
    _check_output(fmt, output)
    _check_resume(resume)
    result = run_library(
        lambda: research(domain, settings, progress=_progress(), reviews_only=reviews_only)
    )
    for notice in result.notices:
        err(f"note: {notice}")
    _emit(_personalise(result.brief, settings, resume, llm_model), fmt, output, paper)


@app.command("brief", help="Print the stored brief of DOMAIN again, with no network.")
def brief(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="A company researched before")],
    db: DbOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    resume: ResumeOption = None,
    llm_model: LlmOption = None,
    paper: PaperOption = Paper.a4,
) -> None:
    from company_research.pipeline import stored_brief

    settings = settings_from(db, None)
    _check_output(fmt, output)
    _check_resume(resume)
    stored = run_library(lambda: stored_brief(domain, settings))
    _emit(_personalise(stored, settings, resume, llm_model), fmt, output, paper)


@app.command("letter", help="Draft a thank-you letter from the stored brief of DOMAIN.")
def letter(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="A company researched before")],
    interviewer: Annotated[
        str | None, typer.Option("--interviewer", metavar="NAME", help="Who you spoke with")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", metavar="ROLE", help="The role you interviewed for")
    ] = None,
    resume: ResumeOption = None,
    db: DbOption = None,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="text, md or json")
    ] = TextFormat.text,
    output: OutputOption = None,
) -> None:
    from company_research.letter import render_letter
    from company_research.present import thank_you_letter

    settings = settings_from(db, None)
    _check_resume(resume)
    draft = run_library(
        lambda: thank_you_letter(
            domain, settings, interviewer=interviewer, role=role, resume=resume
        )
    )
    write_output(render_letter(draft, fmt.value), output)


@app.command("compare", help="Show 2 or 3 stored companies side by side.")
def compare(
    domains: Annotated[
        list[str],
        typer.Argument(metavar="DOMAIN...", help="2 or 3 companies researched before"),
    ],
    db: DbOption = None,
    fmt: Annotated[
        TextFormat | None,
        typer.Option("--format", "-f", help="text (default on a terminal), md or json"),
    ] = None,
    output: OutputOption = None,
) -> None:
    from company_research.compare import render_comparison
    from company_research.present import comparison

    settings = settings_from(db, None)
    table = run_library(lambda: comparison(domains, settings))
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    width = min(os.get_terminal_size().columns, 160) if sys.stdout.isatty() else 120
    write_output(render_comparison(table, chosen, width=width), output)


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

    result = run_library(lambda: run_demo(company_domain, db, progress=_progress()))
    for notice in result.notices:
        err(f"note: {notice}")
    _emit(result.brief, fmt, output)


reviews_app = typer.Typer(
    help="Employee and customer reviews: import a review page saved from your browser.",
    no_args_is_help=True,
)
app.add_typer(reviews_app, name="reviews")


@reviews_app.command("import", help="Import a review page saved from a browser; print the brief.")
def reviews_import(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="The company the page is about")],
    page: Annotated[Path, typer.Argument(metavar="PAGE.html", help="The saved page")],
    site: Annotated[
        str | None,
        typer.Option("--site", help="Which site it is from (glassdoor, indeed, kununu, ...)"),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="The page's address, when the page does not say")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    from company_research.reviews.importer import import_review_page

    settings = settings_from(db, None)
    result = run_library(lambda: import_review_page(domain, page, settings, site=site, url=url))
    rating = f"{result.rating:g}/{result.scale:g}" if result.rating is not None else "no rating"
    err(
        f"imported {result.site} ({rating}): {result.reviews_read} reviews read, "
        f"{result.reviews_new} new"
    )
    _emit(result.brief, fmt, output)


@app.command("search", help="Full-text search over the stored pages.")
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words to find")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
) -> None:
    from company_research.store import open_store
    from company_research.textsafe import clean_text

    store = run_library(lambda: open_store(settings_from(db, None).db_path))
    try:
        hits = store.search(query, limit=limit)
    finally:
        store.close()
    if not hits:
        err(f"no stored page matches {query!r}")
        raise typer.Exit(1)
    for hit in hits:
        print(f"{hit['company']}  {clean_text(hit['url'])}")
        print(f"    {clean_text(hit['title'] or '')}: {clean_text(hit['snippet'] or '')}")


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    return lambda message: err(f"… {message}")


def _personalise(
    brief_data: dict[str, Any], settings: Any, resume: Path | None, llm_model: str | None
) -> dict[str, Any]:
    if resume is None and not llm_model:
        return brief_data
    from company_research.present import personalise

    brief_data, notes = run_library(
        lambda: personalise(brief_data, settings, resume=resume, llm_model=llm_model)
    )
    for note in notes:
        err(f"note: {note}")
    return brief_data


def _check_resume(resume: Path | None) -> None:
    """Refuse an unreadable --resume before any research is done."""
    if resume is not None:
        from company_research.resume import check_resume_file

        run_library(lambda: check_resume_file(resume))


def _check_output(fmt: Format | None, output: Path | None) -> None:
    """Refuse before any work what cannot be written: a PDF needs --output or a pipe."""
    if fmt is Format.pdf and output is None and sys.stdout.isatty():
        err("error: --format pdf writes a binary file: add --output FILE")
        raise typer.Exit(EXIT_USAGE)


def _emit(
    brief_data: dict[str, Any],
    fmt: Format | None,
    output: Path | None,
    paper: Paper = Paper.a4,
) -> None:
    from company_research.render import render_brief, render_pdf

    if fmt is Format.pdf:
        try:
            data = render_pdf(brief_data, paper.value)
        except RuntimeError as exc:
            err(f"error: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        write_output(data, output)
        return
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    color = (
        chosen == "text"
        and output is None
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
    )
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 110))
    write_output(render_brief(brief_data, chosen, color=color, width=width), output)


cli_watch.register(app)


def main() -> None:
    """Console entry point: `research DOMAIN ...` runs the default command."""
    args = sys.argv[1:]
    target = app
    if args and args[0] not in COMMANDS and args[0] not in TOP_LEVEL_OPTIONS:
        args = [DEFAULT_COMMAND, *args]
        target = _default_only()
    try:
        target(args=args, prog_name="research", standalone_mode=True)
    except UsageError as exc:  # raised outside a command (should not happen, but never a traceback)
        err(f"error: {exc}")
        _leave(EXIT_USAGE)
    except SystemExit as exc:  # how click ends every run, success included
        _leave(exc.code)


def _default_only() -> typer.Typer:
    """`app` with its default command only. Typer builds a click command from the signature
    and type hints of every command of an app on each run (~10 ms for ours, before the
    first request); `research DOMAIN` runs one. Its help, usage line and errors are those of
    the full app: they name the program and this command only."""
    single = copy.copy(app)
    single.registered_commands = [
        info for info in app.registered_commands if info.name == DEFAULT_COMMAND
    ]
    single.registered_groups = []
    return single


def _leave(code: object) -> None:
    """End the process without tearing the interpreter down (~50-90 ms of freeing modules,
    more than a brief takes to build). Everything is already done: the store is committed
    and closed, files written are closed; only the standard streams still need flushing."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message") prints the message and exits 1, as Python itself does
        err(str(code))
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `research ... | head` stopped reading: nothing is lost
            pass
        except (OSError, ValueError):  # a full disk under `> file`: say it did not work
            status = status or 1
    os._exit(status)
