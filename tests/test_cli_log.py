"""`sij log`, `sij pain` and `sij history` through the command line."""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import flat, never_created, read_terminal, sij_executable, snapshot


def test_log_records_three_stretches_both_sides(sij, db_path: Path) -> None:
    result = sij("log", "--pain-before", "6", "--pain-after", "4")
    assert result.exit_code == 0, result.output
    assert "Saved session #1" in result.stdout
    assert "2026-11-24 09:30 (UTC+00:00)" in result.stdout
    history = json.loads(sij("history", "--json").stdout)
    assert len(history) == 1
    session = history[0]
    assert session["pain_before"] == 6 and session["pain_after"] == 4
    assert session["started_at"] == "2026-11-24T09:30:00+00:00"
    assert [(s["slug"], s["side"], s["seconds"]) for s in session["stretches"]] == [
        ("knee-to-chest", "left", 30),
        ("knee-to-chest", "right", 30),
        ("figure-4", "left", 30),
        ("figure-4", "right", 30),
        ("supine-twist", "left", 30),
        ("supine-twist", "right", 30),
    ]
    assert session["routine"] == "si-basics"
    assert session["state"] == "completed"
    assert session["sharp"] is False and session["heat"] is False
    assert set(session) >= {
        "id",
        "started_at",
        "routine",
        "stretches",
        "pain_before",
        "pain_after",
        "sharp",
        "heat",
        "note",
        "state",
    }


def test_log_without_pain_leaves_it_unrecorded(sij) -> None:
    assert sij("log").exit_code == 0
    session = json.loads(sij("history", "--json").stdout)[0]
    assert session["pain_before"] is None and session["pain_after"] is None


def test_log_chosen_stretches_heat_and_note(sij) -> None:
    note = "Après la douche 🙂 שלום"
    result = sij("log", "--stretch", "figure-4", "--stretch", "supine-twist", "--heat", "--note", note)
    assert result.exit_code == 0, result.output
    session = json.loads(sij("history", "--json").stdout)[0]
    assert [s["slug"] for s in session["stretches"]] == ["figure-4", "figure-4", "supine-twist", "supine-twist"]
    assert session["heat"] is True
    assert session["note"] == note
    assert session["routine"] is None


def test_log_at_echoes_stored_time(sij) -> None:
    result = sij("log", "--at", "2026-11-20T18:05")
    assert result.exit_code == 0, result.output
    assert "2026-11-20 18:05 (UTC+00:00)" in result.stdout
    result = sij("log", "--at", "2026-07-01T07:00")
    assert "2026-07-01 07:00 (UTC+01:00)" in result.stdout
    result = sij("log", "--at", "yesterday")
    assert "2026-11-23 (no time given)" in result.stdout


def test_history_newest_first_with_limit_and_range(sij) -> None:
    for day in ("2026-11-01", "2026-11-10", "2026-11-20"):
        assert sij("log", "--at", day).exit_code == 0
    days = [s["day"] for s in json.loads(sij("history", "--json").stdout)]
    assert days == ["2026-11-20", "2026-11-10", "2026-11-01"]
    limited = json.loads(sij("history", "--json", "--limit", "1").stdout)
    assert [s["day"] for s in limited] == ["2026-11-20"]
    ranged = json.loads(sij("history", "--json", "--since", "2026-11-05", "--until", "2026-11-15").stdout)
    assert [s["day"] for s in ranged] == ["2026-11-10"]


def test_history_table_and_empty(sij) -> None:
    empty = sij("history")
    assert empty.exit_code == 0 and "No sessions" in empty.stderr
    sij("log", "--pain-before", "5", "--pain-after", "3", "--sharp")
    table = sij("history").stdout
    assert "5 → 3" in table and "sharp" in table


def test_history_check_ins_lists_check_ins_with_their_ids(sij) -> None:
    assert sij("log", "--pain-before", "6", "--pain-after", "4", "--at", "2026-11-01").exit_code == 0
    assert sij("pain", "3", "--at", "2026-11-10", "--note", "after a drive").exit_code == 0
    assert sij("pain", "8", "--sharp", "--at", "2026-11-20").exit_code == 0
    listed = sij("history", "--check-ins", "--json")
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)
    # Only check-ins, newest first, never a session's before/after scores.
    # Check-ins are numbered among check-ins: the first is #1, whatever sessions came before.
    assert [(i["id"], i["score"], i["day"]) for i in items] == [(2, 8, "2026-11-20"), (1, 3, "2026-11-10")]
    assert set(items[0]) >= {"id", "uuid", "recorded_at", "day", "score", "sharp", "note", "flagged"}
    assert (items[0]["sharp"], items[0]["flagged"], items[1]["note"]) == (True, True, "after a drive")
    assert items[1]["recorded_at"] == "2026-11-10T12:00:00+00:00"
    assert [i["id"] for i in json.loads(sij("history", "--check-ins", "--json", "--limit", "1").stdout)] == [2]
    ranged = sij("history", "--check-ins", "--json", "--since", "2026-11-05", "--until", "2026-11-15")
    assert [i["id"] for i in json.loads(ranged.stdout)] == [1]
    table = sij("history", "--check-ins").stdout
    assert "8/10 (severe)" in table and "sharp" in table and "after a drive" in table
    assert "2026-11-10 " in table and "2026-11-10 12:00" not in table  # a date given alone shows alone
    assert (items[0]["time_known"], items[1]["time_known"]) == (False, False)
    # The id shown is the one `sij edit --check-in` takes.
    assert sij("edit", "--check-in", "1", "--score", "2").exit_code == 0
    assert json.loads(sij("history", "--check-ins", "--json").stdout)[1]["score"] == 2
    # Sessions are still listed as before.
    assert [s["id"] for s in json.loads(sij("history", "--json").stdout)] == [1]


def test_history_check_ins_empty(sij) -> None:
    result = sij("history", "--check-ins")
    assert result.exit_code == 0 and "No pain check-ins" in result.stderr
    assert json.loads(sij("history", "--check-ins", "--json").stdout) == []


def test_pain_check_in(sij, db_path: Path) -> None:
    result = sij("pain", "3", "--note", "after a drive")
    assert result.exit_code == 0, result.output
    assert "3/10 (mild)" in result.stdout
    assert snapshot(db_path)["pain_score"] == 1
    assert "See a doctor" not in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["log", "--pain-before", "11"], "--pain-before"),
        (["log", "--pain-before", "-1"], "--pain-before"),
        (["log", "--pain-after", "4.5"], "--pain-after"),
        (["log", "--pain-after", "abc"], "--pain-after"),
        (["log", "--pain-before", ""], "--pain-before"),
        (["log", "--stretch", "pigeon"], "No stretch named 'pigeon'. Known: knee-to-chest, figure-4, supine-twist."),
        (["log", "--routine", "yoga"], "No routine named 'yoga'"),
        (["log", "--at", "2026-11-25"], "future"),
        (["log", "--at", "2026-11-24T12:00"], "future"),
        (["log", "--at", "next tuesday"], "--at"),
        (["log", "--at", "2026-02-30"], "not a real date"),
        (["log", "--at", "2026-10-25T01:30"], "ambiguous"),
        (["log", "--at", "2026-03-29T01:30"], "does not exist"),
        (["log", "--at", ""], "--at"),
        (["log", "--note", "x" * 2001], "2000"),
        (["log", "--note", "bell\x07"], "control character"),
        (["pain", "12"], "pain score"),
        (["pain", "seven"], "pain score"),
        (["pain", "-1"], "'-1' is not a pain score"),
        (["pain"], "`sij pain` needs N"),
        (["history", "--limit", "0"], "--limit"),
        (["history", "--since", "2026-11-10", "--until", "2026-11-01"], "--since"),
        (["history", "--since", "11/01/2026"], "--since"),
        (["stretches", "show", "pigeon"], "No stretch named 'pigeon'"),
        (["log", "--bogus"], "No such option"),
    ],
)
def test_bad_input_is_refused_cleanly(sij, db_path: Path, args: list[str], needle: str) -> None:
    sij("history")  # create the database so counts compare like with like
    before = snapshot(db_path)
    result = sij(*args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db_path) == before


def test_interactive_log_asks_and_reasks(sij) -> None:
    answers = "\n".join(["12", "5", "", "n", "y", "felt loose"]) + "\n"
    result = sij("log", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    assert "0 = no pain" in result.stderr and "[Enter to skip]" in result.stderr
    assert "whole number from 0 to 10" in result.stderr
    session = json.loads(sij("history", "--json").stdout)[0]
    assert session["pain_before"] == 5 and session["pain_after"] is None
    assert session["heat"] is True and session["note"] == "felt loose"


@pytest.mark.parametrize(
    ("zone", "local", "day_start"),
    [
        ("America/New_York", datetime(2026, 11, 24, 22, 31), None),  # west of UTC: late evening is tomorrow in UTC
        ("Pacific/Kiritimati", datetime(2026, 11, 24, 0, 30), None),  # UTC+14: just after midnight
        ("Europe/London", datetime(2026, 11, 25, 3, 30), "04:00"),  # before a late day start: counts for the 24th
    ],
)
def test_a_session_is_found_on_its_local_day_wherever_it_was_recorded(
    sij, clock, zone: str, local: datetime, day_start: str | None
) -> None:
    clock.zone = ZoneInfo(zone)
    clock.current = local.replace(tzinfo=clock.zone)
    if day_start:
        assert sij("settings", "day-start", day_start).exit_code == 0
    assert sij("log", "--pain-before", "4").exit_code == 0
    found = json.loads(sij("history", "--since", "2026-11-24", "--until", "2026-11-24", "--json").stdout)
    assert [s["day"] for s in found] == ["2026-11-24"]
    assert sij("due").exit_code == 0
    assert "not done" not in sij().output


def _ctrl_c_at_first_prompt(args: list[str], db_path: Path) -> tuple[str, int]:
    """Run the installed `sij` under a pseudo-terminal, press Ctrl-C at its first question."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: become sij
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # not ignored, even if the test runner was started so
            os.environ["SIJ_DB"] = str(db_path)
            os.execv(sij_executable(), [sij_executable(), *args])
        finally:
            os._exit(127)
    seen = b""
    deadline = time.monotonic() + 60
    pressed = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child has gone
                break
            if not chunk:
                break
            seen += chunk
        if not pressed and (b"[Enter to skip]: " in seen or b"[y/N]: " in seen):
            os.write(fd, b"\x03")
            pressed = True
        if b"nothing more was saved." in seen:
            # Stop reading here: while this end of the terminal was still being polled, the child's exit (after it
            # had said this) sometimes waited until the polling stopped (seen on PostgreSQL with the garbage
            # collector off; every one of 8 runs that did not poll exited within 0.5 s). What comes after is read
            # once it has exited.
            break
    # If it is still waiting at its prompt, end it, so that the test fails rather than hangs.
    stuck = threading.Timer(120, os.kill, (pid, signal.SIGKILL))  # generous: a loaded machine is slow to exit
    stuck.start()
    try:
        _, status = os.waitpid(pid, 0)  # before closing our end, which would hang up on the child
    finally:
        stuck.cancel()
    seen += read_terminal(fd, until_closed=False)  # whatever it wrote after the message (a traceback would show)
    os.close(fd)
    assert pressed, seen
    return seen.decode(errors="replace"), os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pseudo-terminal")
@pytest.mark.parametrize("command", ["log", "screen"])
def test_ctrl_c_at_a_prompt_says_nothing_more_was_saved(command: str, db_path: Path) -> None:
    text, code = _ctrl_c_at_first_prompt([command], db_path)
    assert code == 130
    assert "Interrupted; nothing more was saved." in text
    assert "Traceback" not in text
    assert snapshot(db_path)["practice"] == 0 and snapshot(db_path)["screening"] == 0


@pytest.mark.parametrize("when", ["0001-01-01", "1900-01-01", "1969-12-31T23:59", "0001-01-01T00:00+01:00"])
@pytest.mark.parametrize("command", [["log"], ["pain", "3"]])
def test_moments_before_1970_are_too_long_ago(sij, db_path: Path, command: list[str], when: str) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij(*command, "--at", when)
    assert result.exit_code == 2
    assert f"'{when}' is too long ago; give a date from 1970-01-01 on" in result.stderr
    assert "--at" in result.stderr and "daylight" not in result.stderr
    assert snapshot(db_path) == before


def test_the_first_day_of_1970_is_accepted(sij) -> None:
    assert sij("pain", "3", "--at", "1970-01-01").exit_code == 0
    assert sij("history", "--since", "1970-01-01", "--until", "today", "--json").exit_code == 0


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("day", ["1969-12-31", "0001-01-01", "2101-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", ["history", "progress", "plot", "export"])
def test_days_outside_1970_to_2100_are_refused_everywhere(sij, db_path, command: str, option: str, day: str) -> None:
    extra = ("--format", "csv") if command == "export" else ()
    result = sij(command, *extra, option, day)
    assert result.exit_code == 2, result.output
    assert f"'{day}' is out of range; give a day from 1970-01-01 to 2100-12-31" in result.stderr
    assert "Traceback" not in result.output and never_created(db_path)


def test_log_for_an_earlier_time_asks_about_pain_at_that_time(sij) -> None:
    result = sij("log", "--at", "yesterday", input="5\n3\nn\nn\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "right now" not in text
    assert (
        "Rate your low-back or pelvic pain before you started "
        "(2026-11-23) (0 = no pain … 10 = worst pain you can imagine) [Enter to skip]"
    ) in text
    assert "Rate your low-back or pelvic pain after stretching, at that time (2026-11-23)" in text
    session = json.loads(sij("history", "--json").stdout)[0]
    assert (session["pain_before"], session["pain_after"]) == (5, 3)


def test_log_for_now_asks_about_pain_before_you_started_and_now(sij, clock) -> None:
    result = sij("log", "--at", "2026-11-24T09:25", input="5\n3\nn\nn\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "Rate your low-back or pelvic pain before you started (0 = no pain" in text
    assert "Rate your low-back or pelvic pain now (0 = no pain" in text
    assert "right now" not in text
