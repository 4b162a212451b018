"""The watchlist commands: `research watch add|list|remove`, `research refresh` and
`research schedule` (registered on the main app by cli.py)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

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
from company_research.errors import EXIT_USAGE

watch_app = typer.Typer(
    name="watch",
    help="The watchlist: the companies `research refresh` keeps fresh.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


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

    settings = settings_from(db, None)
    added = run_library(
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

    found = run_library(lambda: watch.list_entries(settings_from(db, None)))
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
        err("the watchlist is empty; add companies with `research watch add DOMAIN`")
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

    for domain in run_library(lambda: watch.remove(settings_from(db, None), domains)):
        print(f"stopped watching {domain}")


def refresh_command(
    db: DbOption = None,
    resolve: ResolveOption = None,
    stale_after: Annotated[
        str, typer.Option("--stale-after", help="Refresh data older than this (7d, 12h, 2w)")
    ] = "7d",
    everything: Annotated[
        bool, typer.Option("--all", help="Refresh every watched company, however fresh")
    ] = False,
    fresh: FreshOption = False,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", min=1, max=32, help="Companies at a time (each host stays polite)"
        ),
    ] = 4,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            min=1,
            max=16,
            help="Processes sharing the work (default: one per core and 6 companies at a time, "
            "at most 4; hosts stay polite)",
        ),
    ] = None,
    fmt: Annotated[
        TextFormat | None,
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

    stale = run_library(lambda: parse_duration(stale_after))
    settings = settings_from(db, resolve, fresh=fresh, max_pages=max_pages)
    reporter = BarReporter() if sys.stderr.isatty() else LogReporter()
    digest = run_library(
        lambda: refresh(
            settings,
            stale_after=stale,
            everything=everything,
            concurrency=concurrency,
            reporter=reporter,
            processes=processes,
        )
    )
    totals = digest.totals()
    err(
        f"refreshed {len(digest.companies)} of {digest.considered} watched "
        f"({len(digest.failed)} failed): {totals['requests']} requests, "
        f"{totals['bytes']:,} bytes, {totals['pages_not_modified']} unchanged (304), "
        f"{totals['pages_parsed']} parsed"
        + (f", in {digest.processes} processes" if digest.processes > 1 else "")
    )
    chosen = fmt.value if fmt else ("text" if sys.stdout.isatty() and not output else "md")
    write_output(render_digest(digest.to_json(), chosen), output)
    raise typer.Exit(digest.exit_code)


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
        err("error: give --install or --uninstall, not both")
        raise typer.Exit(EXIT_USAGE)
    chosen = method.value if method else schedule.default_method()
    if uninstall:
        for line in run_library(lambda: schedule.uninstall(chosen)):
            print(line)
        return
    plan = run_library(lambda: schedule.make_schedule(every, db or default_db_path()))
    if not install:
        sys.stdout.write(schedule.describe(plan))
        return
    for line in run_library(lambda: schedule.install(plan, chosen)):
        print(line)


def register(app: typer.Typer) -> None:
    """Add these commands to the `research` app (after its own, as `--help` lists them)."""
    app.add_typer(watch_app, name="watch")
    app.command("refresh", help="Refresh the watched companies that are due; print what changed.")(
        refresh_command
    )
    app.command("schedule", help="Print (or --install) a cron / systemd timer entry for refresh.")(
        schedule_command
    )
