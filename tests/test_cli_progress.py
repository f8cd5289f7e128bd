"""`sij progress`, `sij due` and `sij settings` through the command line, on histories recorded for real."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, ZONE, flat, snapshot
from tracker.cli.context import AppContext
from tracker.clock import ManualClock


def record(db_path: Path, clock: ManualClock, *entries: tuple[str, int | None, int | None]) -> None:
    """Sessions at local wall times (Europe/London) with pain before/after, through the real service."""
    from tracker.services.practices import record_practice

    app = AppContext(db_option=str(db_path), clock=clock, interactive=False)
    try:
        with app.work() as session:
            for when, before, after in entries:
                at = datetime.fromisoformat(when)
                at = at if at.tzinfo else at.replace(tzinfo=ZONE)
                record_practice(session=session, at=at, pain_before=before, pain_after=after)
    finally:
        app.close()


def progress(sij, *args: str) -> dict:
    result = sij("progress", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_empty_history(sij) -> None:
    result = sij("progress")
    assert result.exit_code == 0
    assert "Nothing recorded" in result.stderr
    assert result.stdout == ""
    data = progress(sij)
    assert data["days"] == [] and data["warnings"] == []
    assert data["adherence"]["current_streak"] == 0 and data["adherence"]["longest_streak"] == 0
    assert data["change"]["verdict"] == "not_enough_data"
    assert data["period"]["start"] == data["period"]["end"] == "2026-11-24"


def test_streak_across_the_spring_daylight_saving_change(sij, db_path: Path, clock: ManualClock) -> None:
    # Clocks go forward at 01:00 UTC on 2026-03-29; 00:30 on the 30th (BST) is still the 29th in UTC.
    record(db_path, clock, ("2026-03-28T23:30", 5, 4), ("2026-03-29T23:30", 5, 4), ("2026-03-30T00:30", 5, 4))
    data = progress(sij, "--since", "2026-03-27", "--until", "2026-03-30")
    assert [d["day"] for d in data["days"]] == ["2026-03-28", "2026-03-29", "2026-03-30"]
    assert data["adherence"]["longest_streak"] == 3
    assert data["adherence"]["current_streak"] == 3
    assert data["adherence"]["days_done"] == 3 and data["period"]["days"] == 4


def test_streak_across_the_autumn_daylight_saving_change(sij, db_path: Path, clock: ManualClock) -> None:
    # Clocks go back at 01:00 UTC on 2026-10-25: that day has 25 hours.
    record(
        db_path,
        clock,
        ("2026-10-24T23:30", 5, 4),
        ("2026-10-25T00:30+01:00", 5, 4),  # before the change, already the 25th
        ("2026-10-25T23:59", 5, 4),
        ("2026-10-26T00:01", 5, 4),  # two minutes later, across midnight: the next day
    )
    data = progress(sij, "--since", "2026-10-24", "--until", "2026-10-26")
    assert [(d["day"], d["sessions"]) for d in data["days"]] == [
        ("2026-10-24", 1),
        ("2026-10-25", 2),
        ("2026-10-26", 1),
    ]
    assert data["adherence"]["longest_streak"] == 3
    assert data["adherence"]["sessions_completed"] == 4 and data["adherence"]["days_done"] == 3


def test_a_gap_day_breaks_the_streak(sij, db_path: Path, clock: ManualClock) -> None:
    record(
        db_path,
        clock,
        ("2026-11-18T08:00", 5, 4),
        ("2026-11-19T08:00", 5, 4),
        ("2026-11-20T08:00", 5, 4),
        ("2026-11-22T08:00", 5, 4),
        ("2026-11-23T08:00", 5, 4),
    )
    data = progress(sij)
    assert data["adherence"]["longest_streak"] == 3
    # Today (the 24th) is not done yet, so the streak up to yesterday still counts.
    assert data["adherence"]["current_streak"] == 2
    assert data["period"] == {"start": "2026-11-18", "end": "2026-11-24", "today": "2026-11-24", "days": 7}
    assert data["adherence"]["days_done"] == 5
    # Today is not over, so it is not a missed day: 5 of the 6 days that have ended.
    assert data["adherence"]["today_open"] is True and data["adherence"]["days_counted"] == 6
    assert data["adherence"]["share_of_target"] == pytest.approx(5 / 6, abs=0.001)
    assert progress(sij, "--target", "5")["adherence"]["share_of_target"] == 1.0
    assert progress(sij, "--until", "2026-11-21")["adherence"]["current_streak"] == 0


def test_pain_numbers_and_the_meaningful_change_verdict(sij, db_path: Path, clock: ManualClock) -> None:
    start = datetime(2026, 11, 1, 8, 0)
    entries = []
    for i in range(19):
        before = 6 if i < 3 else (2 if i >= 16 else 4)
        entries.append(((start + timedelta(days=i)).isoformat(), before, before - 1))
    record(db_path, clock, *entries)
    data = progress(sij, "--until", "2026-11-19")
    assert data["pain"]["mean_before"] == pytest.approx((6 * 3 + 4 * 13 + 2 * 3) / 19, abs=0.01)
    assert data["pain"]["mean_change"] == -1.0
    assert data["pain"]["sessions_with_both"] == 19
    change = data["change"]
    assert change["verdict"] == "substantial"
    assert (change["baseline"], change["current"], change["points"], change["gap_days"]) == (6.0, 2.0, 4.0, 14)
    assert change["baseline_window"] == {"scores": [6, 6, 6], "first_day": "2026-11-01", "last_day": "2026-11-03"}
    assert change["current_window"]["first_day"] == "2026-11-17"
    text = flat(sij("progress", "--until", "2026-11-19").stdout)
    assert "Pain before sessions has dropped substantially" in text
    assert "starting 6" in text and "latest sessions 2 (2026-11-17…2026-11-19)" in text
    assert "longest 19 days" in text
    # `points` and `percent` are the improvement (baseline - current); `difference` is signed as the text shows it.
    assert (change["percent"], change["difference"], change["difference_percent"]) == (66.7, -4.0, -66.7)
    assert "-4 points (-67%)" in text


def test_warnings_when_stretching_seems_to_hurt(sij, db_path: Path, clock: ManualClock) -> None:
    record(db_path, clock, *[(f"2026-11-{d}T08:00", 3, 5) for d in (20, 21, 22, 23)])
    data = progress(sij)
    assert [w["code"] for w in data["warnings"]] == ["stretching_seems_to_hurt"]
    result = sij("progress")
    assert "GP or physiotherapist" in flat(result.stderr)
    assert "Review suggested" in result.stderr


def test_sharp_and_severe_events_are_counted(sij, db_path: Path) -> None:
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "7", "--pain-after", "8").exit_code == 0
    assert sij("log", "--at", "2026-11-21T08:00", "--pain-before", "3", "--pain-after", "4", "--sharp").exit_code == 0
    assert sij("pain", "2", "--sharp", "--at", "2026-11-22T10:00").exit_code == 0
    data = progress(sij)
    assert data["pain"]["severe_events"] == 2
    assert data["pain"]["sharp_events"] == 2  # the sharp session once, and the sharp check-in
    events = {d["day"]: (d["sharp_events"], d["severe_events"]) for d in data["days"]}
    assert events == {"2026-11-20": (0, 2), "2026-11-21": (1, 0), "2026-11-22": (1, 0)}


def test_progress_screen_shows_every_section(sij, db_path: Path, clock: ManualClock) -> None:
    record(db_path, clock, ("2026-11-22T08:00", 5, 4), ("2026-11-23T08:00", 4, 3))
    result = sij("progress")
    assert result.exit_code == 0
    text = flat(result.stdout)
    for phrase in ("Streak", "Adherence", "Pain", "Change", "Events", "Last 30 days", "not a diagnosis"):
        assert phrase in text
    assert "before 4.5 → after 3.5" in text
    assert "Not enough data yet" in text
    assert "▄" in result.stdout  # the sparkline has a mark for 4 and 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "0"], "from 1 to 7"),
        (["--target", "8"], "from 1 to 7"),
        (["--target", "many"], "from 1 to 7"),
        (["--since", "2026-02-30"], "--since"),
        (["--until", "next week"], "--until"),
        (["--since", "2026-11-20", "--until", "2026-11-01"], "after --until"),
    ],
)
def test_progress_bad_input(sij, db_path: Path, args: list[str], message: str) -> None:
    result = sij("progress", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_day_start_moves_a_late_session_to_the_evening_before(sij, db_path: Path, clock: ManualClock) -> None:
    result = sij("settings", "day-start", "03:00")
    assert result.exit_code == 0 and "03:00" in result.stdout
    record(db_path, clock, ("2026-11-20T01:30", 5, 4), ("2026-11-20T03:00", 5, 4))
    days = [(d["day"], d["sessions"]) for d in progress(sij)["days"]]
    assert days == [("2026-11-19", 1), ("2026-11-20", 1)]
    assert sij("settings", "day-start").stdout.strip() == "03:00"
    assert sij("settings", "day-start", "0:00").exit_code == 0
    days = [(d["day"], d["sessions"]) for d in progress(sij)["days"]]
    assert days == [("2026-11-20", 2)]


@pytest.mark.parametrize("value", ["24:00", "3", "03:60", "noon", "3:00pm", "1:5", ""])
def test_day_start_bad_values(sij, db_path: Path, value: str) -> None:
    sij("settings")  # create the database first
    before = snapshot(db_path)
    result = sij("settings", "day-start", value)
    assert result.exit_code == 2
    assert "HH:MM" in result.stderr and "Traceback" not in result.output
    assert snapshot(db_path) == before
    assert sij("settings", "day-start").stdout.strip() == "00:00"


def test_settings_lists_current_values(sij) -> None:
    result = sij("settings")
    assert result.exit_code == 0
    assert "day-start" in result.stdout and "00:00" in result.stdout and "si-basics" in result.stdout
    assert json.loads(sij("settings", "--json").stdout) == {
        "day_start": "00:00",
        "default_routine": "si-basics",
        "voice": "off",
    }


# ---- sij due ----------------------------------------------------------------------------------------


def test_due_exit_status(sij, db_path: Path, clock: ManualClock) -> None:
    result = sij("due")
    assert result.exit_code == 1
    assert result.stdout.count("\n") == 1 and "due" in result.stdout
    quiet = sij("due", "--quiet")
    assert quiet.exit_code == 1 and quiet.stdout == "" and quiet.stderr == ""
    record(db_path, clock, ("2026-11-23T08:00", 5, 4))  # yesterday does not count
    assert sij("due", "-q").exit_code == 1
    record(db_path, clock, ("2026-11-24T07:00", 5, 4))
    result = sij("due")
    assert result.exit_code == 0 and "done" in result.stdout
    assert sij("due", "--quiet").stdout == ""
    assert json.loads(sij("due", "--json").stdout) == {"day": "2026-11-24", "done": True, "sessions_completed": 1}


def test_due_counts_only_completed_sessions(sij, db_path: Path, clock: ManualClock) -> None:
    from tracker.services.guided import start_practice

    app = AppContext(db_option=str(db_path), clock=clock, interactive=False)
    with app.work() as session:  # a guided session stopped early today
        start_practice(session=session, at=clock.now(), routine_id=None, heat=False, pain_before=4)
    app.close()
    assert sij("due", "-q").exit_code == 1
    data = progress(sij)
    assert data["adherence"]["sessions_stopped"] == 1 and data["adherence"]["days_done"] == 0


def test_due_follows_the_day_start(sij, db_path: Path, clock: ManualClock) -> None:
    assert sij("settings", "day-start", "03:00").exit_code == 0
    record(db_path, clock, ("2026-11-24T01:30", 5, 4))  # counts for the 23rd
    assert sij("due", "-q").exit_code == 1
    clock.current = datetime(2026, 11, 25, 1, 30, tzinfo=ZONE)  # still the 24th until 03:00
    record(db_path, clock, ("2026-11-24T22:00", 5, 4))
    assert sij("due", "-q").exit_code == 0
    clock.current = NOW + timedelta(days=1, hours=-6)  # 2026-11-25 03:30: a new day
    assert sij("due", "-q").exit_code == 1


def test_due_as_a_process(sij_process) -> None:
    assert sij_process("pain", "2").returncode == 0  # SIJ_DB names a diary that exists (else: "no diary there")
    result = sij_process("due")
    assert result.returncode == 1 and "due" in result.stdout and "Traceback" not in result.stderr


def test_progress_commands_keep_help_light() -> None:
    code = (
        "import sys; import tracker.cli; import tracker.cli.progress; "
        "print(sorted(m for m in ('matplotlib', 'sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_counts_of_one_are_singular(sij, db_path: Path, clock: ManualClock) -> None:
    entries: list[tuple[str, int | None, int | None]] = [(f"2026-11-0{d}T08:00", 3, None) for d in (1, 2, 3)]
    entries += [("2026-11-17T08:00", 4, 5), ("2026-11-18T08:00", 4, None), ("2026-11-19T08:00", 4, None)]
    record(db_path, clock, *entries)
    text = flat(sij("progress", "--since", "2026-11-01", "--until", "2026-11-19", "--target", "1").stdout)
    assert "+1 point (+33%)" in text and "+1 points" not in text
    assert "in the 1 session with both scores" in text and "1 sessions" not in text
    assert "(1 day a week)" in text


def test_due_quiet_prints_nothing_even_on_first_use(sij) -> None:
    """For cron and shell prompts: not even the one-time notice, which waits for the next command."""
    result = sij("due", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")
    assert "Before you start" in sij("history").stderr
    assert "Before you start" not in sij("history").stderr
