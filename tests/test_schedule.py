"""research schedule: crontab and systemd text, and idempotent --install / --uninstall."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from company_research.errors import UsageError
from company_research.schedule import BEGIN, END, UNIT, parse_every
from tests.conftest import run_research


@pytest.mark.parametrize(
    ("every", "cron", "calendar"),
    [
        ("daily", "17 7 * * *", "*-*-* 07:17:00"),
        ("weekly", "17 7 * * 1", "Mon *-*-* 07:17:00"),
        ("@hourly", "17 * * * *", "*-*-* *:17:00"),
        ("30 6 * * 1-5", "30 6 * * 1-5", "Mon..Fri *-*-* 06:30:00"),
        ("*/15 9-17 * * mon,wed", "*/15 9-17 * * mon,wed", "Mon,Wed *-*-* 09..17:00/15:00"),
        ("0 8 1,15 * *", "0 8 1,15 * *", "*-*-1,15 08:00:00"),
        ("0 8 * jan *", "0 8 * jan *", "*-1-* 08:00:00"),
        ("0 0 * * 0", "0 0 * * 0", "Sun *-*-* 00:00:00"),
    ],
)
def test_every_becomes_cron_and_on_calendar(every: str, cron: str, calendar: str) -> None:
    assert parse_every(every) == (cron, calendar)
    analyze = shutil.which("systemd-analyze")
    if analyze:  # where systemd is at hand, it must accept what we wrote
        check = subprocess.run([analyze, "calendar", calendar], capture_output=True, check=False)
        assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    "every",
    [
        "monthly-ish",
        "* * * *",
        "61 * * * *",
        "0 25 * * *",
        "0 0 5-1 * *",
        "0 0 1 * 1",
        "0 0 * * */2",
    ],
)
def test_bad_every_is_a_usage_error(every: str) -> None:
    with pytest.raises(UsageError):
        parse_every(every)


def test_schedule_prints_crontab_line_and_units(tmp_path: Path) -> None:
    db = tmp_path / "my store.db"
    result = run_research("schedule", "--every", "weekly", "--db", str(db))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    command = f"{sys.executable} -m company_research refresh --db '{db}' --format md"
    assert f"{BEGIN}\n17 7 * * 1 {command}\n{END}\n" in text
    assert (
        f'ExecStart={sys.executable} -m company_research refresh --db "{db}" --format md\n' in text
    )
    assert "OnCalendar=Mon *-*-* 07:17:00\n" in text
    assert "Persistent=true" in text and "SuccessExitStatus=3" in text
    assert f"{UNIT}.timer" in text
    bad = run_research("schedule", "--every", "fortnightly")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --every 'fortnightly'")


@pytest.fixture
def fake_crontab(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A crontab stand-in keeping its table in a file: `-l` prints it, `-` replaces it."""
    table = tmp_path / "crontab.txt"
    script = tmp_path / "fake-crontab"
    script.write_text(
        "#!/bin/sh\n"
        f'TABLE="{table}"\n'
        'if [ "$1" = "-l" ]; then\n'
        '  if [ -f "$TABLE" ]; then cat "$TABLE"; else echo "no crontab for you" >&2; exit 1; fi\n'
        'elif [ "$1" = "-" ]; then cat > "$TABLE"; echo write >> "$TABLE.writes"\n'
        "else exit 2; fi\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return {"RESEARCH_CRONTAB_CMD": str(script)}, table


def test_cron_install_and_uninstall_are_idempotent(fake_crontab, tmp_path: Path) -> None:
    env, table = fake_crontab
    table.write_text("MAILTO=me@example.org\n0 1 * * * backup\n", encoding="utf-8")
    args = ["schedule", "--every", "daily", "--with", "cron", "--db", str(tmp_path / "r.db")]
    first = run_research(*args, "--install", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "added to your crontab\n"
    second = run_research(*args, "--install", env=env)
    assert second.stdout == "already installed in your crontab; nothing changed\n"
    content = table.read_text(encoding="utf-8")
    assert content.startswith("MAILTO=me@example.org\n0 1 * * * backup\n")
    assert content.count(BEGIN) == 1 and "17 7 * * * " in content
    weekly = run_research(*args[:2], "weekly", *args[3:], "--install", env=env)
    assert weekly.stdout == "updated the entry in your crontab\n"
    assert table.read_text(encoding="utf-8").count(BEGIN) == 1
    assert (tmp_path / "crontab.txt.writes").read_text().count("write") == 2
    gone = run_research("schedule", "--uninstall", "--with", "cron", env=env)
    assert gone.stdout == "removed from your crontab\n"
    assert table.read_text(encoding="utf-8") == "MAILTO=me@example.org\n0 1 * * * backup\n"
    again = run_research("schedule", "--uninstall", "--with", "cron", env=env)
    assert again.stdout == "not in your crontab; nothing changed\n"


def test_cron_install_into_an_empty_crontab(fake_crontab, tmp_path: Path) -> None:
    env, table = fake_crontab
    result = run_research("schedule", "--install", "--with", "cron", env=env)
    assert result.returncode == 0, result.stderr
    assert table.read_text(encoding="utf-8").startswith(BEGIN)


def test_a_failing_crontab_is_one_line_exit_1(tmp_path: Path) -> None:
    result = run_research("schedule", "--install", "--with", "cron")  # crontab is `false` here
    assert result.returncode == 1
    assert result.stderr.startswith("error: crontab -l failed")
    missing = run_research(
        "schedule",
        "--install",
        "--with",
        "cron",
        env={"RESEARCH_CRONTAB_CMD": str(tmp_path / "nope")},
    )
    assert missing.returncode == 1 and "is not installed" in missing.stderr


def test_systemd_install_and_uninstall_are_idempotent(tmp_path: Path) -> None:
    units = tmp_path / "units"
    calls = tmp_path / "systemctl.log"
    systemctl = tmp_path / "fake-systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\n', encoding="utf-8")
    systemctl.chmod(0o755)
    env = {"RESEARCH_SYSTEMD_DIR": str(units), "RESEARCH_SYSTEMCTL_CMD": str(systemctl)}
    first = run_research("schedule", "--every", "daily", "--install", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"wrote {UNIT}.service, {UNIT}.timer in {units}\n"
    assert (units / f"{UNIT}.timer").read_text().count("OnCalendar=*-*-* 07:17:00") == 1
    assert calls.read_text().splitlines() == [
        "--user daemon-reload",
        f"--user enable --now {UNIT}.timer",
    ]
    second = run_research("schedule", "--every", "daily", "--install", env=env)
    assert second.stdout == f"already installed in {units}; nothing changed\n"
    removed = run_research("schedule", "--uninstall", env=env)
    assert removed.returncode == 0
    assert not list(units.iterdir())
    assert calls.read_text().splitlines()[-2:] == [
        f"--user disable --now {UNIT}.timer",
        "--user daemon-reload",
    ]
    again = run_research("schedule", "--uninstall", env=env)
    assert again.stdout == f"no {UNIT} units in {units}; nothing changed\n"


def test_systemd_install_without_systemctl_says_what_to_run() -> None:
    result = run_research("schedule", "--install", "--with", "systemd")  # systemctl is `false`
    assert result.returncode == 0
    assert "note: `systemctl --user daemon-reload` failed; run it yourself" in result.stdout


def test_install_and_uninstall_together_is_a_usage_error() -> None:
    result = run_research("schedule", "--install", "--uninstall")
    assert result.returncode == 2
