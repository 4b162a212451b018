"""The `research` command line: parse options, call the library, print, map errors to exits."""

from __future__ import annotations

import json
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


class LetterFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite store [default: $RESEARCH_DB, else the user data dir]"),
]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="text (default on a terminal), md (default when piped), html, json, "
        "pdf (needs --output and the pdf extra)",
    ),
]
ResolveOption = Annotated[
    list[str] | None,
    typer.Option(
        "--resolve",
        metavar="HOST=BASE_URL",
        help="Fetch HOST and www.HOST from BASE_URL (repeatable; also $RESEARCH_RESOLVE)",
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
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Refetch everything; ignore stored ETag/Last-Modified")
    ] = False,
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
        _err("error: --reviews-only cannot be combined with --no-reviews or --offline")
        raise typer.Exit(EXIT_USAGE)
    settings = _settings(
        db, resolve, max_pages=max_pages, reviews=not no_reviews, fresh=fresh, offline=offline
    )
    _check_output(fmt, output)
    _check_resume(resume)
    result = _run(
        lambda: research(domain, settings, progress=_progress(), reviews_only=reviews_only)
    )
    for notice in result.notices:
        _err(f"note: {notice}")
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

    settings = _settings(db, None)
    _check_output(fmt, output)
    _check_resume(resume)
    stored = _run(lambda: stored_brief(domain, settings))
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
        LetterFormat, typer.Option("--format", "-f", help="text, md or json")
    ] = LetterFormat.text,
    output: OutputOption = None,
) -> None:
    from company_research.letter import render_letter
    from company_research.present import thank_you_letter

    settings = _settings(db, None)
    _check_resume(resume)
    draft = _run(
        lambda: thank_you_letter(
            domain, settings, interviewer=interviewer, role=role, resume=resume
        )
    )
    _write(render_letter(draft, fmt.value), output)


@app.command("compare", help="Show 2 or 3 stored companies side by side.")
def compare(
    domains: Annotated[
        list[str],
        typer.Argument(metavar="DOMAIN...", help="2 or 3 companies researched before"),
    ],
    db: DbOption = None,
    fmt: Annotated[
        LetterFormat | None,
        typer.Option("--format", "-f", help="text (default on a terminal), md or json"),
    ] = None,
    output: OutputOption = None,
) -> None:
    from company_research.compare import render_comparison
    from company_research.present import comparison

    settings = _settings(db, None)
    table = _run(lambda: comparison(domains, settings))
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    width = min(os.get_terminal_size().columns, 160) if sys.stdout.isatty() else 120
    _write(render_comparison(table, chosen, width=width), output)


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

    settings = _settings(db, None)
    result = _run(lambda: import_review_page(domain, page, settings, site=site, url=url))
    rating = f"{result.rating:g}/{result.scale:g}" if result.rating is not None else "no rating"
    _err(
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


watch_app = typer.Typer(
    name="watch",
    help="The watchlist: the companies `research refresh` keeps fresh.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(watch_app, name="watch")


class DigestFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class Method(str, Enum):
    cron = "cron"
    systemd = "systemd"


@watch_app.command("add", help="Watch companies, named as arguments and/or listed in --from FILE.")
def watch_add(
    domains: Annotated[
        list[str] | None, typer.Argument(metavar="DOMAIN...", help="Companies to watch")
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from", metavar="FILE", help="One domain a line, or a CSV with a 'domain' column"
        ),
    ] = None,
    interview: Annotated[
        str | None,
        typer.Option(
            "--interview",
            metavar="YYYY-MM-DD",
            help="Interview date: refreshed the day before, however fresh",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    from company_research import watch

    settings = _settings(db, None)
    added = _run(
        lambda: watch.add(settings, domains or [], from_file=from_file, interview=interview)
    )
    for item in added:
        print(f"{'watching' if item.new else 'already watching'} {item.domain}")
    if interview:
        print(f"interview on {interview}: refreshed the day before")


@watch_app.command("list", help="The watched companies: last refresh, status, age, interviews.")
def watch_list(
    db: DbOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="text or json")] = (
        ListFormat.text
    ),
) -> None:
    from datetime import UTC, datetime

    from company_research import watch

    found = _run(lambda: watch.list_entries(_settings(db, None)))
    if fmt is ListFormat.json:
        rows = [
            {
                "domain": e.domain,
                "name": e.name,
                "last_refresh": e.last_attempt.isoformat() if e.last_attempt else None,
                "last_ok": e.last_ok.isoformat() if e.last_ok else None,
                "status": e.status,
                "interview": e.interview.isoformat() if e.interview else None,
            }
            for e in found
        ]
        print(json.dumps(rows, indent=2))
        return
    if not found:
        _err("the watchlist is empty; add companies with `research watch add DOMAIN`")
        return
    sys.stdout.write(watch.render_list(found, datetime.now(UTC)))


@watch_app.command("remove", help="Stop watching companies (what was stored is kept).")
def watch_remove(
    domains: Annotated[
        list[str], typer.Argument(metavar="DOMAIN...", help="Companies to stop watching")
    ],
    db: DbOption = None,
) -> None:
    from company_research import watch

    for domain in _run(lambda: watch.remove(_settings(db, None), domains)):
        print(f"stopped watching {domain}")


@app.command("refresh", help="Refresh the watched companies that are due; print what changed.")
def refresh_command(
    db: DbOption = None,
    resolve: ResolveOption = None,
    stale_after: Annotated[
        str, typer.Option("--stale-after", help="Refresh data older than this (7d, 12h, 2w)")
    ] = "7d",
    everything: Annotated[
        bool, typer.Option("--all", help="Refresh every watched company, however fresh")
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Refetch everything; ignore stored ETag/Last-Modified")
    ] = False,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", min=1, max=32, help="Companies at a time (each host stays polite)"
        ),
    ] = 4,
    fmt: Annotated[
        DigestFormat | None,
        typer.Option("--format", "-f", help="text (default on a terminal), md (piped), json"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the digest to FILE")
    ] = None,
    max_pages: Annotated[
        int, typer.Option("--max-pages", min=1, max=500, help="Most pages per company")
    ] = 40,
) -> None:
    from company_research.refresh import BarReporter, LogReporter, refresh
    from company_research.render import render_digest
    from company_research.watch import parse_duration

    stale = _run(lambda: parse_duration(stale_after))
    settings = _settings(db, resolve, fresh=fresh, max_pages=max_pages)
    reporter = BarReporter() if sys.stderr.isatty() else LogReporter()
    digest = _run(
        lambda: refresh(
            settings,
            stale_after=stale,
            everything=everything,
            concurrency=concurrency,
            reporter=reporter,
        )
    )
    totals = digest.totals()
    _err(
        f"refreshed {len(digest.companies)} of {digest.considered} watched "
        f"({len(digest.failed)} failed): {totals['requests']} requests, "
        f"{totals['bytes']:,} bytes, {totals['pages_not_modified']} unchanged (304), "
        f"{totals['pages_parsed']} parsed"
    )
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    _write(render_digest(digest.to_json(), chosen), output)
    raise typer.Exit(digest.exit_code)


@app.command("schedule", help="Print (or --install) a cron / systemd timer entry for refresh.")
def schedule_command(
    every: Annotated[
        str, typer.Option("--every", help="daily, weekly, hourly, or a cron expression")
    ] = "daily",
    install: Annotated[bool, typer.Option("--install", help="Install it for this user")] = False,
    uninstall: Annotated[bool, typer.Option("--uninstall", help="Remove it again")] = False,
    method: Annotated[
        Method | None,
        typer.Option("--with", help="cron or systemd [default: systemd where it runs]"),
    ] = None,
    db: DbOption = None,
) -> None:
    from company_research import schedule
    from company_research.store import default_db_path

    if install and uninstall:
        _err("error: give --install or --uninstall, not both")
        raise typer.Exit(EXIT_USAGE)
    chosen = method.value if method else schedule.default_method()
    if uninstall:
        for line in _run(lambda: schedule.uninstall(chosen)):
            print(line)
        return
    plan = _run(lambda: schedule.make_schedule(every, db or default_db_path()))
    if not install:
        sys.stdout.write(schedule.describe(plan))
        return
    for line in _run(lambda: schedule.install(plan, chosen)):
        print(line)


def _settings(db: Path | None, resolve: list[str] | None, **kwargs: Any) -> Any:
    from company_research.scope import parse_resolve_list
    from company_research.settings import (
        Settings,
        limits_from_env,
        resolve_from_env,
        resolved_only_from_env,
    )

    mapping = _run(lambda: parse_resolve_list(resolve or [], resolve_from_env()))
    limits = _run(limits_from_env)
    return Settings(
        db_path=db, resolve=mapping, resolved_only=resolved_only_from_env(), **limits, **kwargs
    )


def _run(call: Any) -> Any:
    """Call the library; turn its errors into one line on stderr and the documented exit code."""
    try:
        return call()
    except ResearchError as exc:
        _err(f"{'error' if exc.exit_code else 'note'}: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted: nothing from this run was stored; the last good data is intact")
        raise typer.Exit(130) from None


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    return lambda message: _err(f"… {message}")


def _personalise(
    brief_data: dict[str, Any], settings: Any, resume: Path | None, llm_model: str | None
) -> dict[str, Any]:
    if resume is None and not llm_model:
        return brief_data
    from company_research.present import personalise

    brief_data, notes = _run(
        lambda: personalise(brief_data, settings, resume=resume, llm_model=llm_model)
    )
    for note in notes:
        _err(f"note: {note}")
    return brief_data


def _check_resume(resume: Path | None) -> None:
    """Refuse an unreadable --resume before any research is done."""
    if resume is not None:
        from company_research.resume import check_resume_file

        _run(lambda: check_resume_file(resume))


def _check_output(fmt: Format | None, output: Path | None) -> None:
    """Refuse before any work what cannot be written: a PDF needs --output or a pipe."""
    if fmt is Format.pdf and output is None and sys.stdout.isatty():
        _err("error: --format pdf writes a binary file: add --output FILE")
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
            _err(f"error: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        _write(data, output)
        return
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    color = (
        chosen == "text"
        and output is None
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
    )
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 110))
    _write(render_brief(brief_data, chosen, color=color, width=width), output)


def _write(content: str | bytes, output: Path | None) -> None:
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
        _leave(EXIT_USAGE)
    except SystemExit as exc:  # how click ends every run, success included
        _leave(exc.code)


def _leave(code: object) -> None:
    """End the process without tearing the interpreter down (~50-90 ms of freeing modules,
    more than a brief takes to build). Everything is already done: the store is committed
    and closed, files written are closed; only the standard streams still need flushing."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message") prints the message and exits 1, as Python itself does
        _err(str(code))
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `research ... | head` stopped reading: nothing is lost
            pass
        except (OSError, ValueError):  # a full disk under `> file`: say it did not work
            status = status or 1
    os._exit(status)
