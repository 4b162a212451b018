"""Watchlist: the companies a refresh keeps fresh, their interview dates, and when each is due."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from company_research.errors import UsageError
from company_research.scope import normalise_domain
from company_research.settings import Settings
from company_research.store import Store, open_store

DOMAIN_COLUMNS = ("domain", "website", "url", "site", "company domain", "homepage")


@dataclass(frozen=True)
class WatchEntry:
    """One watched company as `research watch list` shows it."""

    domain: str
    name: str | None
    last_attempt: datetime | None  # last research or refresh, whatever its outcome
    last_ok: datetime | None  # last one that stored data
    status: str  # ok, failed, or "never" (not researched yet)
    interview: date | None


@dataclass(frozen=True)
class Added:
    domain: str
    new: bool  # False: it was on the watchlist already (its interview date may be updated)


def parse_interview(value: str | None) -> date | None:
    """An interview date as the user typed it (YYYY-MM-DD); UsageError otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--interview {value!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-12-03"
        ) from None


def read_domain_file(path: Path) -> list[str]:
    """Domains from a file: one per line (blank lines and # comments skipped), or a CSV with a
    domain column. The first bad line raises UsageError naming it; nothing is returned then."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a UTF-8 text file") from None
    if "\x00" in text:
        raise UsageError(f"{path} is not a text file")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.startswith("#")), "")
    if "," in first or "\t" in first or ";" in first or path.suffix.lower() in (".csv", ".tsv"):
        return _domains_from_csv(path, text)
    domains: list[str] = []
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if entry:
            domains.append(_domain_on_line(path, number, entry))
    return domains


def _domains_from_csv(path: Path, text: str) -> list[str]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header_at is None:
        return []
    header = [c.strip().lower() for c in rows[header_at]]
    column = next((header.index(name) for name in DOMAIN_COLUMNS if name in header), None)
    if column is None:
        raise UsageError(
            f"{path} line {header_at + 1}: no domain column in the CSV header "
            f"({', '.join(h for h in header if h) or 'empty'})",
            hint="name the column 'domain'",
        )
    domains: list[str] = []
    for offset, row in enumerate(rows[header_at + 1 :], header_at + 2):
        if not any(c.strip() for c in row):
            continue
        cell = row[column].strip() if column < len(row) else ""
        if not cell:
            raise UsageError(f"{path} line {offset}: the domain column is empty")
        domains.append(_domain_on_line(path, offset, cell))
    return domains


def _domain_on_line(path: Path, number: int, entry: str) -> str:
    try:
        return normalise_domain(entry)
    except UsageError as exc:
        raise UsageError(f"{path} line {number}: {exc.message}", hint=exc.hint) from None


def add(
    settings: Settings,
    domains: Iterable[str],
    *,
    from_file: Path | None = None,
    interview: str | None = None,
) -> list[Added]:
    """Put companies on the watchlist; every name is checked before anything is written."""
    wanted = [normalise_domain(d) for d in domains]
    if from_file is not None:
        listed = read_domain_file(from_file)
        if not listed:
            raise UsageError(
                f"{from_file} lists no domain",
                hint="one domain a line, or a CSV with a domain column",
            )
        wanted += listed
    if not wanted:
        raise UsageError("no domain given", hint="research watch add acme.com, or --from FILE")
    when = parse_interview(interview)
    unique = list(dict.fromkeys(wanted))
    store = open_store(settings.db_path)
    try:
        with store.transaction():
            return [Added(d, store.watch(d, when.isoformat() if when else None)) for d in unique]
    finally:
        store.close()


def remove(settings: Settings, domains: Iterable[str]) -> list[str]:
    """Take companies off the watchlist (what was stored about them stays)."""
    wanted = list(dict.fromkeys(normalise_domain(d) for d in domains))
    if not wanted:
        raise UsageError("no domain given")
    store = open_store(settings.db_path)
    try:
        with store.transaction():
            missing = [d for d in wanted if not _is_watched(store, d)]
            if missing:
                raise UsageError(
                    f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on the "
                    "watchlist",
                    hint="see `research watch list`",
                )
            for domain in wanted:
                store.unwatch(domain)
    finally:
        store.close()
    return wanted


def _is_watched(store: Store, domain: str) -> bool:
    row = store.company(domain)
    return bool(row and row["watched"])


def entries(store: Store) -> list[WatchEntry]:
    """The watchlist as stored, oldest data first is the caller's choice; here by domain."""
    found: list[WatchEntry] = []
    for row in store.watchlist():
        last_ok = _when(row["last_ok"])
        status = row["last_status"] or ("ok" if last_ok else "never")
        found.append(
            WatchEntry(
                domain=row["domain"],
                name=row["name"],
                last_attempt=_when(row["last_researched_at"]),
                last_ok=last_ok,
                status=status,
                interview=date.fromisoformat(row["interview_date"])
                if row["interview_date"]
                else None,
            )
        )
    return found


def list_entries(settings: Settings) -> list[WatchEntry]:
    store = open_store(settings.db_path)
    try:
        return entries(store)
    finally:
        store.close()


def due(
    entry: WatchEntry, stale_after: timedelta, now: datetime, *, everything: bool = False
) -> str | None:
    """Why entry needs a refresh now ("stale", "interview", "never"), or None."""
    if everything:
        return "all"
    if entry.last_ok is None:
        return "never"
    if entry.interview is not None:
        today = now.astimezone().date()
        eve = entry.interview - timedelta(days=1)
        # The day before the interview (or on the day, if the eve was missed), whatever the
        # staleness: once, unless already refreshed that day or later.
        if eve <= today <= entry.interview and entry.last_ok.astimezone().date() < eve:
            return "interview"
    if now - entry.last_ok >= stale_after:
        return "stale"
    return None


def parse_duration(value: str) -> timedelta:
    """'7d', '12h', '30m', '2w', '0' as a timedelta; UsageError otherwise."""
    text = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "d")
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if not number or not 0 <= amount * units[unit] <= 36500 * 86400:
        raise UsageError(
            f"--stale-after {value!r} is not a duration", hint="e.g. 7d, 12h, 30m or 2w"
        )
    return timedelta(seconds=amount * units[unit])


def describe_age(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def render_list(found: list[WatchEntry], now: datetime) -> str:
    """A plain table for `research watch list`, then the upcoming interviews."""
    from company_research.textsafe import clean_text

    header = ("DOMAIN", "NAME", "LAST REFRESH", "STATUS", "AGE", "INTERVIEW")
    rows = [
        (
            e.domain,
            clean_text(e.name or "")[:30] or "-",
            e.last_attempt.astimezone().strftime("%Y-%m-%d %H:%M") if e.last_attempt else "-",
            e.status,
            describe_age(e.last_ok, now),
            e.interview.isoformat() if e.interview else "-",
        )
        for e in found
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    today = now.astimezone().date()
    upcoming = sorted((e for e in found if e.interview and e.interview >= today), key=_by_date)
    if upcoming:
        lines += ["", "Upcoming interviews:"]
        for e in upcoming:
            days = (e.interview - today).days if e.interview else 0
            when = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
            lines.append(f"  {e.interview}  {e.domain}  ({when}; refreshed the day before)")
    return "\n".join(lines) + "\n"


def _by_date(entry: WatchEntry) -> date:
    return entry.interview or date.max


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
