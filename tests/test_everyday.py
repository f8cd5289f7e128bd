"""Everyday moments that must not surprise: a mistyped database path, the home screen after an emergency
answer, help and error wording, times as people type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import flat
from tracker.cli.app import LAZY_COMMANDS

# ---- a mistyped --db / SIJ_DB --------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["history"], ["history", "--json"], ["progress"], ["stretches"], ["export", "--format", "csv"]]
)
def test_reading_a_path_without_a_diary_says_so_and_creates_nothing(sij, tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "Documnets" / "back.db"
    result = sij("--db", str(typo), *command)
    assert result.exit_code == 1, result.output
    assert f"There is no sij diary at {typo}" in flat(result.stderr) and "Traceback" not in result.output
    assert result.stdout == ""
    assert not typo.exists() and not typo.parent.exists()


def test_the_first_write_starts_a_diary_and_says_where(sij, tmp_path: Path) -> None:
    target = tmp_path / "back.db"
    result = sij("--db", str(target), "pain", "3")
    assert result.exit_code == 0, result.output
    assert f"Started a new diary at {target}." in flat(result.stderr)
    again = sij("--db", str(target), "pain", "4")
    assert "Started a new diary" not in again.stderr
    assert sij("--db", str(target), "history", "--check-ins").exit_code == 0


@pytest.mark.sqlite_only  # a typed file path; a mistyped server database is refused by the server (test_postgres)
def test_sij_db_variable_is_checked_the_same_way(sij_process, db_path: Path) -> None:
    result = sij_process("history")
    assert result.returncode == 1 and "There is no sij diary at" in result.stderr
    assert not db_path.exists()
    assert sij_process("pain", "2").returncode == 0
    assert sij_process("history", "--check-ins").returncode == 0


# ---- the home screen after an emergency answer --------------------------------------------------


def test_after_an_emergency_answer_the_home_screen_shows_that_advice_alone(sij) -> None:
    assert sij("log", "--pain-before", "3", "--pain-after", "2").exit_code == 0  # today's routine is done
    assert sij("screen", "--answers", "ynnnnnnnnnnnn").exit_code == 0
    result = sij()
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "emergency" in text.lower()
    assert "routine done" not in text and "Next:" not in text
    assert result.stdout == ""


# ---- words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in LAZY_COMMANDS)])
def test_help_has_no_type_noise(sij, command: list[str]) -> None:
    result = sij(*command, "--help")
    assert result.exit_code == 0
    for noise in ("<bool>", "<str>", "<int>", "{N}", "{SLUG}", "[[", "Invalid value"):
        assert noise not in result.stdout, (noise, result.stdout)


@pytest.mark.parametrize(("typed", "meant"), [("histroy", "history"), ("udno", "undo"), ("exprot", "export")])
def test_a_mistyped_command_suggests_the_nearest(sij, typed: str, meant: str) -> None:
    result = sij(typed)
    assert result.exit_code == 2
    assert f"did you mean `sij {meant}`?" in flat(result.stderr)


@pytest.mark.parametrize(
    "args", [["pain", "11"], ["edit", "abc", "--note", "x"], ["edit", "--check-in", "x", "--score", "1"], ["pain"]]
)
def test_errors_never_say_invalid_value_for(sij, args: list[str]) -> None:
    result = sij(*args)
    assert result.exit_code == 2
    assert "Invalid value for" not in result.stderr and "Missing argument" not in result.stderr
    assert result.stderr.count("\n") == 1  # one line


def test_an_edit_confirmation_shows_no_uuid(sij) -> None:
    assert sij("pain", "3").exit_code == 0
    uuid = json.loads(sij("history", "--check-ins", "--json").stdout)[0]["uuid"]
    result = sij("edit", "--check-in", "1", "--score", "4")
    assert result.exit_code == 0 and uuid not in result.output and "uuid" not in result.output


# ---- times as people type them --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "known"),
    [
        ("2026-11-20 9:00", "2026-11-20T09:00:00+00:00", True),
        ("9am", "2026-11-24T09:00:00+00:00", True),
        ("9 AM", "2026-11-24T09:00:00+00:00", True),
        ("12am", "2026-11-24T00:00:00+00:00", True),
        ("yesterday 9:30pm", "2026-11-23T21:30:00+00:00", True),
        ("yesterday 18:00", "2026-11-23T18:00:00+00:00", True),
        ("today 8:05", "2026-11-24T08:05:00+00:00", True),
        ("monday 8am", "2026-11-23T08:00:00+00:00", True),
        ("tuesday 8am", "2026-11-24T08:00:00+00:00", True),  # today is a Tuesday; 8am has passed
        ("tuesday 10am", "2026-11-17T10:00:00+00:00", True),  # not yet today: the Tuesday before
        ("sunday", "2026-11-22T12:00:00+00:00", False),
        ("2026-11-20", "2026-11-20T12:00:00+00:00", False),
        ("yesterday", "2026-11-23T12:00:00+00:00", False),
        ("2026-07-01T07:00", "2026-07-01T07:00:00+01:00", True),
    ],
)
def test_at_accepts_what_people_type(sij, typed: str, stored: str, known: bool) -> None:
    result = sij("pain", "3", "--at", typed)
    assert result.exit_code == 0, result.output
    check_in = json.loads(sij("history", "--check-ins", "--json").stdout)[0]
    assert (check_in["recorded_at"], check_in["time_known"]) == (stored, known)


@pytest.mark.parametrize("typed", ["9", "13pm", "25:00", "9:60", "soon", "2026-11-31", "yesterday 9", "10am"])
def test_at_refuses_what_it_cannot_read_listing_the_forms(sij, db_path: Path, typed: str) -> None:
    result = sij("pain", "3", "--at", typed)
    assert result.exit_code == 2, result.output
    text = flat(result.stderr)
    assert "--at" in text and "Traceback" not in result.output
    if typed != "10am":  # 10am is later today: the message says so instead
        assert "9am" in text and "yesterday 9am" in text and "monday" in text
    else:
        assert "later today" in text and "yesterday 10am" in text


def test_stretch_and_routine_names_read_plainly(sij) -> None:
    shown = sij("stretches", "show", "figure-4")
    assert shown.exit_code == 0
    assert ") (figure-4)" not in shown.stdout and "· figure-4" in shown.stdout
    listed = sij("stretches").stdout
    assert "Short name" in listed and "Slug" not in listed
    assert "Short name" in sij("routines").stdout


def test_wrapped_steps_indent_under_their_text(sij, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    lines = sij("stretches", "show", "figure-4").stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "│ 2. " in line)
    indent = lines[first].index("2. ") + 3
    follow = lines[first + 1]
    assert follow[indent - 3 : indent].strip("│ ") == "" and follow[indent] != " "  # under the text, not under "2."


def test_a_saved_session_explains_its_side_marks(sij) -> None:
    result = sij("log", "--stretch", "figure-4", "--pain-before", "2")
    assert "figure-4 L R" in result.stdout and "L = left side, R = right side" in flat(result.stdout)


def test_a_hand_picked_session_is_named_the_same_everywhere(sij) -> None:
    assert sij("log", "--stretch", "figure-4", "--pain-before", "2").exit_code == 0
    assert "hand-picked stretches" in flat(sij("history").stdout)
    assert "hand-picked stretches" in flat(sij("delete", "1", "--yes").stdout)
    assert "hand-picked stretches" in flat(sij("trash").stdout)
