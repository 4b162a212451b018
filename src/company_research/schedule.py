"""Schedule: the crontab line and systemd user timer that run `research refresh`, and their
(idempotent) install and removal.

Overridable for tests and unusual setups: $RESEARCH_CRONTAB_CMD (default `crontab`; it is run
with `-l` to read and `-` to write), $RESEARCH_SYSTEMD_DIR (default
$XDG_CONFIG_HOME/systemd/user) and $RESEARCH_SYSTEMCTL_CMD (default `systemctl`).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from company_research.errors import ScheduleError, UsageError

UNIT = "company-research-refresh"
BEGIN = "# >>> company-research refresh (managed by `research schedule`; edit there) >>>"
END = "# <<< company-research refresh <<<"
# An odd minute, so a laptop's jobs and the world's cron jobs do not all fire at :00.
PRESETS = {
    "hourly": ("17 * * * *", "*-*-* *:17:00"),
    "daily": ("17 7 * * *", "*-*-* 07:17:00"),
    "weekly": ("17 7 * * 1", "Mon *-*-* 07:17:00"),
}
MACROS = {"@hourly": "hourly", "@daily": "daily", "@midnight": "daily", "@weekly": "weekly"}
_FIELDS = (  # name, low, high, names
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    (
        "month",
        1,
        12,
        (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ),
    ),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_DAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ITEM = re.compile(r"^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(\d+))?$")


@dataclass(frozen=True)
class Schedule:
    every: str  # as the user gave it
    cron: str  # five crontab fields
    on_calendar: str  # systemd OnCalendar=
    command: tuple[str, ...]  # the refresh command line


def make_schedule(every: str, db_path: Path, fmt: str = "md") -> Schedule:
    """A schedule for `research refresh` on db_path; UsageError for an unknown --every."""
    cron, calendar = parse_every(every)
    command = (
        sys.executable,
        "-m",
        "company_research",
        "refresh",
        "--db",
        str(db_path.expanduser().resolve()),
        "--format",
        fmt,
    )
    return Schedule(every, cron, calendar, command)


def parse_every(every: str) -> tuple[str, str]:
    """(crontab fields, systemd OnCalendar) for daily, weekly, hourly or a 5-field cron."""
    text = " ".join(every.strip().lower().split())
    text = MACROS.get(text, text)
    if text in PRESETS:
        return PRESETS[text]
    parts = text.split(" ")
    if len(parts) != 5:
        raise UsageError(
            f"--every {every!r} is not daily, weekly, hourly or a 5-field cron expression",
            hint="e.g. --every daily, or --every '30 6 * * 1-5'",
        )
    converted = [_field(part, *spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    minute, hour, dom, month, dow = converted
    if dom != "*" and dow != "*":
        raise UsageError(
            f"--every {every!r} restricts both the day of month and the day of week",
            hint="cron ORs them and systemd ANDs them; pick one",
        )
    calendar = f"*-{month}-{dom} {hour}:{minute}:00"
    return " ".join(parts), (f"{dow} {calendar}" if dow != "*" else calendar)


def _field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> str:
    """One cron field as systemd writes it (ranges a..b, steps, day names); checked."""
    out: list[str] = []
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise UsageError(f"cron {name} field {text!r} is not valid")
        body, step = match.group(1), match.group(2)
        if step is not None and int(step) < 1:
            raise UsageError(f"cron {name} field {text!r} has a zero step")
        if body == "*":
            start = None
            piece = "*"
        else:
            bounds = [_value(v, name, low, high, names) for v in body.split("-")]
            if len(bounds) == 2 and bounds[0] > bounds[1]:
                raise UsageError(f"cron {name} range {body!r} runs backwards")
            start = bounds[0]
            piece = "..".join(_show(b, name) for b in bounds)
        if step is not None:
            first = _show(start if start is not None else low, name)
            if name == "day of week":
                raise UsageError("cron day-of-week steps are not supported; list the days")
            piece = f"{first}/{step}" if "." not in piece else f"{piece}/{step}"
        out.append(piece)
    return ",".join(out)


def _value(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> int:
    if text in names:
        return names.index(text) + (1 if name == "month" else 0)
    if not text.isascii() or not text.isdigit():
        raise UsageError(f"cron {name} value {text!r} is not a number ({low}-{high})")
    if not low <= int(text) <= high:
        raise UsageError(f"cron {name} value {text!r} is outside {low}-{high}")
    return int(text)


def _show(value: int, name: str) -> str:
    if name == "day of week":
        return _DAY_NAMES[value]
    return f"{value:02d}" if name in ("minute", "hour") else str(value)


# -- the text --------------------------------------------------------------------------------
def crontab_block(schedule: Schedule) -> str:
    return f"{BEGIN}\n{schedule.cron} {shlex.join(schedule.command)}\n{END}\n"


def systemd_units(schedule: Schedule) -> dict[str, str]:
    """File name -> content of the user service and timer."""
    exec_start = " ".join(_systemd_quote(a) for a in schedule.command)
    service = (
        "[Unit]\n"
        "Description=Refresh the company-research watchlist\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
        "# exit 3: some companies failed (the rest were stored); not a unit failure\n"
        "SuccessExitStatus=3\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Refresh the company-research watchlist ({schedule.every})\n\n"
        "[Timer]\n"
        f"OnCalendar={schedule.on_calendar}\n"
        "Persistent=true\n"
        "RandomizedDelaySec=10min\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def describe(schedule: Schedule) -> str:
    """What `research schedule` prints: both forms, to copy into the user's own setup."""
    units = systemd_units(schedule)
    unit_dir = systemd_dir()
    lines = [
        f"# crontab line (add it with `crontab -e`, or run `research schedule --every "
        f"{shlex.quote(schedule.every)} --install --with cron`):",
        crontab_block(schedule).rstrip("\n"),
        "",
    ]
    for name, text in units.items():
        lines += [f"# {unit_dir / name}", text.rstrip("\n"), ""]
    lines.append(
        f"# then: systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer"
    )
    return "\n".join(lines) + "\n"


def _systemd_quote(arg: str) -> str:
    arg = arg.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./$-]+", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- install and uninstall ---------------------------------------------------------------------
def systemd_dir() -> Path:
    env = os.environ.get("RESEARCH_SYSTEMD_DIR")
    if env:
        return Path(env).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def default_method() -> str:
    """systemd where the user has a systemd session (or a unit dir was given), else cron."""
    if os.environ.get("RESEARCH_SYSTEMD_DIR"):
        return "systemd"
    if Path("/run/systemd/system").is_dir() and shutil.which(_systemctl()[0]):
        return "systemd"
    return "cron"


def install(schedule: Schedule, method: str) -> list[str]:
    """Install the schedule (idempotent); lines to tell the user what was done."""
    if method == "cron":
        return _install_cron(schedule)
    return _install_systemd(schedule)


def uninstall(method: str) -> list[str]:
    if method == "cron":
        return _uninstall_cron()
    return _uninstall_systemd()


def _crontab() -> list[str]:
    return shlex.split(os.environ.get("RESEARCH_CRONTAB_CMD") or "crontab")


def _systemctl() -> list[str]:
    return shlex.split(os.environ.get("RESEARCH_SYSTEMCTL_CMD") or "systemctl")


def _run(argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv, input=stdin, capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise ScheduleError(
            f"{argv[0]} is not installed", hint="print the entry with `research schedule`"
        ) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScheduleError(f"{argv[0]} could not run: {exc}") from None


def _read_crontab() -> str:
    result = _run([*_crontab(), "-l"])
    if result.returncode != 0:
        if "no crontab" in (result.stderr or "").lower():
            return ""
        raise ScheduleError(f"crontab -l failed: {(result.stderr or '').strip()[:200]}")
    return result.stdout


def _without_block(text: str) -> str:
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif inside and line.strip() == END:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept) + ("\n" if kept else "")


def _write_crontab(text: str) -> None:
    result = _run([*_crontab(), "-"], stdin=text)
    if result.returncode != 0:
        raise ScheduleError(f"crontab - failed: {(result.stderr or '').strip()[:200]}")


def _install_cron(schedule: Schedule) -> list[str]:
    current = _read_crontab()
    block = crontab_block(schedule)
    if block in current:
        return ["already installed in your crontab; nothing changed"]
    rest = _without_block(current)
    replaced = rest != current
    _write_crontab(rest + ("" if not rest or rest.endswith("\n") else "\n") + block)
    return ["updated the entry in your crontab" if replaced else "added to your crontab"]


def _uninstall_cron() -> list[str]:
    current = _read_crontab()
    rest = _without_block(current)
    if rest == current:
        return ["not in your crontab; nothing changed"]
    _write_crontab(rest)
    return ["removed from your crontab"]


def _install_systemd(schedule: Schedule) -> list[str]:
    unit_dir = systemd_dir()
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        changed = []
        for name, text in systemd_units(schedule).items():
            path = unit_dir / name
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            changed.append(name)
    except OSError as exc:
        raise ScheduleError(
            f"cannot write the units in {unit_dir}: {exc.strerror or exc}"
        ) from None
    if not changed:
        return [f"already installed in {unit_dir}; nothing changed"]
    notes = [f"wrote {', '.join(changed)} in {unit_dir}"]
    return notes + _systemctl_steps(["daemon-reload"], ["enable", "--now", f"{UNIT}.timer"])


def _uninstall_systemd() -> list[str]:
    unit_dir = systemd_dir()
    paths = [unit_dir / name for name in (f"{UNIT}.timer", f"{UNIT}.service")]
    if not any(p.exists() for p in paths):
        return [f"no {UNIT} units in {unit_dir}; nothing changed"]
    notes = _systemctl_steps(["disable", "--now", f"{UNIT}.timer"])
    try:
        for path in paths:
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise ScheduleError(f"cannot remove the units in {unit_dir}: {exc.strerror}") from None
    return [
        f"removed {UNIT}.timer and .service from {unit_dir}",
        *notes,
        *_systemctl_steps(["daemon-reload"]),
    ]


def _systemctl_steps(*steps: list[str]) -> list[str]:
    """Run `systemctl --user` steps; a missing or failing systemctl becomes a note to run them."""
    notes: list[str] = []
    for step in steps:
        argv = [*_systemctl(), "--user", *step]
        try:
            result = _run(argv)
        except ScheduleError as exc:
            notes.append(f"note: {exc}; run `systemctl --user {' '.join(step)}` yourself")
            continue
        if result.returncode != 0:
            why = (result.stderr or "").strip().splitlines()
            notes.append(
                f"note: `systemctl --user {' '.join(step)}` failed"
                + (f" ({why[-1][:160]})" if why else "")
                + "; run it yourself"
            )
    return notes
