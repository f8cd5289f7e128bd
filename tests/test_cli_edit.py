"""`sij edit`, `sij delete`, `sij restore`, `sij trash` and `sij undo` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import count_rows, flat, query, snapshot


def history(sij) -> list[dict]:
    result = sij("history", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(db_path: Path, sql: str) -> list[tuple]:
    return query(db_path, sql)


# ---- edit a session ----------------------------------------------------------------------------


def test_edit_changes_only_what_is_given_and_keeps_uuid(sij) -> None:
    assert sij("log", "--pain-before", "6", "--pain-after", "4", "--note", "first").exit_code == 0
    before = history(sij)[0]
    result = sij("edit", "1", "--pain-after", "3")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Corrected session #1" in text
    assert "Pain after 4/10 (moderate) → 3/10 (mild)" in text
    after = history(sij)[0]
    assert after["uuid"] == before["uuid"]
    assert after["pain_after"] == 3
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"pain_after"}


def test_edit_every_session_field(sij) -> None:
    assert sij("log", "--pain-before", "5").exit_code == 0
    result = sij("edit", "1", "--pain-before", "4", "--note", "Après 🙂", "--at", "2026-11-20T18:05", "--heat")
    assert result.exit_code == 0, result.output
    assert "2026-11-24 09:30 (UTC+00:00) → 2026-11-20 18:05 (UTC+00:00)" in flat(result.stdout)
    session = history(sij)[0]
    assert session["started_at"] == "2026-11-20T18:05:00+00:00"
    assert session["day"] == "2026-11-20"
    assert (session["pain_before"], session["note"], session["heat"]) == (4, "Après 🙂", True)
    assert sij("edit", "1", "--no-heat", "--note", "").exit_code == 0
    session = history(sij)[0]
    assert session["heat"] is False and session["note"] == ""


def test_edit_at_moves_the_sessions_pain_scores_with_it(sij, db_path: Path) -> None:
    assert sij("log", "--pain-before", "5", "--pain-after", "3").exit_code == 0
    assert sij("edit", "1", "--at", "2026-07-01T07:00").exit_code == 0
    stored = rows(db_path, "SELECT recorded_at, offset_minutes FROM pain_score ORDER BY id")
    assert stored == [("2026-07-01 06:00:00.000000", 60)] * 2
    assert sij("pain", "2").exit_code == 0  # a later check-in still sorts after
    assert history(sij)[0]["day"] == "2026-07-01"


def test_edit_adds_a_missing_pain_score_and_none_removes_it(sij, db_path: Path) -> None:
    assert sij("log").exit_code == 0
    result = sij("edit", "1", "--pain-after", "2")
    assert result.exit_code == 0, result.output
    assert "Pain after not recorded → 2/10 (mild)" in flat(result.stdout)
    assert history(sij)[0]["pain_after"] == 2
    result = sij("edit", "1", "--pain-after", "none")
    assert result.exit_code == 0, result.output
    assert "2/10 (mild) → not recorded" in flat(result.stdout)
    assert history(sij)[0]["pain_after"] is None
    # Removed to the trash with a date, not destroyed: its uuid stays known to exports and imports.
    assert rows(db_path, "SELECT count(*) FROM pain_score WHERE deleted_at IS NOT NULL") == [(1,)]


def test_edit_to_a_severe_score_flags_the_session_and_shows_the_panel(sij) -> None:
    assert sij("log", "--pain-before", "3", "--pain-after", "2").exit_code == 0
    assert history(sij)[0]["flagged"] is False
    result = sij("edit", "1", "--pain-after", "8")
    assert result.exit_code == 0, result.output
    assert "See a doctor or physiotherapist" in result.stderr
    assert "emergency" in flat(result.stderr)
    assert history(sij)[0]["flagged"] is True
    # Correcting it back shows no panel, but the record of the advice that was shown stays for the clinician.
    result = sij("edit", "1", "--pain-after", "2")
    assert "See a doctor" not in result.output
    assert history(sij)[0]["flagged"] is True
    backup = json.loads(sij("export", "--format", "json").stdout)
    assert "severe" in backup["sessions"][0]["advice"]


def test_edit_keeps_a_sharp_session_flagged(sij) -> None:
    assert sij("log", "--pain-after", "8", "--sharp").exit_code == 0
    assert sij("edit", "1", "--pain-after", "2").exit_code == 0
    assert history(sij)[0]["flagged"] is True


def test_edit_nothing_given_is_refused(sij, db_path: Path) -> None:
    assert sij("log").exit_code == 0
    before = snapshot(db_path)
    result = sij("edit", "1")
    assert result.exit_code == 2
    assert "nothing to change; give at least one of" in result.stderr.lower()
    assert "--pain-before" in result.stderr
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["edit", "1", "--pain-after", "11"], "--pain-after"),
        (["edit", "1", "--pain-before", "-1"], "--pain-before"),
        (["edit", "1", "--pain-before", "six"], "--pain-before"),
        (["edit", "1", "--at", "2030-01-01"], "--at"),
        (["edit", "1", "--at", "2026-02-30"], "--at"),
        (["edit", "1", "--note", "bell\x07"], "control character"),
        (["edit", "1", "--note", "x" * 2001], "2000"),
        (["edit", "9", "--heat"], "No session with id 9"),
        (["edit", "0", "--heat"], "SESSION_ID"),
        (["edit", "abc", "--heat"], "SESSION_ID"),
        (["edit", "99999999999999999999", "--heat"], "not an id"),
        (["edit", "--check-in", "99999999999999999999", "--score", "1"], "--check-in"),
        (["edit", "--heat"], "SESSION_ID"),
        (["edit", "1", "--check-in", "3", "--note", "x"], "not both"),
        (["edit", "1", "--score", "3"], "--score"),
        (["edit", "--check-in", "3", "--heat"], "--heat"),
        (["edit", "--check-in", "2", "--score", "3"], "No pain check-in with id 2"),  # check-ins are numbered apart
    ],
)
def test_edit_rejections(sij, db_path: Path, args: list[str], expected: str) -> None:
    assert sij("log", "--pain-before", "5").exit_code == 0
    assert sij("pain", "4").exit_code == 0
    before = snapshot(db_path)
    history_before = history(sij)
    result = sij(*args)
    assert result.exit_code == 2, result.output
    # An argument's message names the value and ends with the command's help (no "Invalid value for ...").
    assert expected in result.stderr or (expected == "SESSION_ID" and "--help" in result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before
    assert history(sij) == history_before


def test_edit_a_trashed_session_says_to_restore_first(sij) -> None:
    assert sij("log").exit_code == 0
    assert sij("delete", "1", "--yes").exit_code == 0
    result = sij("edit", "1", "--heat")
    assert result.exit_code == 2
    assert "in the trash" in result.stderr and "sij restore 1" in result.stderr


# ---- edit a check-in ---------------------------------------------------------------------------


def test_edit_check_in(sij, db_path: Path) -> None:
    assert sij("pain", "3", "--note", "drive").exit_code == 0
    uuid = rows(db_path, "SELECT uuid FROM pain_score")[0][0]
    result = sij("edit", "--check-in", "1", "--score", "4", "--at", "yesterday", "--note", "long drive")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Corrected pain check-in #1" in text and "3/10 (mild) → 4/10 (moderate)" in text
    assert rows(db_path, "SELECT uuid, score, note, recorded_at FROM pain_score") == [
        (uuid, 4, "long drive", "2026-11-23 12:00:00.000000")  # yesterday, no time given: stored at midday
    ]


def test_edit_check_in_to_severe_or_sharp_flags_it(sij, db_path: Path) -> None:
    assert sij("pain", "3").exit_code == 0
    result = sij("edit", "--pain", "1", "--score", "9")
    assert result.exit_code == 0, result.output
    assert "See a doctor or physiotherapist" in result.stderr
    assert rows(db_path, "SELECT flagged, advice != '' FROM pain_score") == [(1, 1)]
    shown = rows(db_path, "SELECT advice FROM pain_score")[0][0]
    # A correction never erases what the person was told: the advice shown stays on record.
    assert sij("edit", "--check-in", "1", "--score", "2").exit_code == 0
    # ... and the correction is written under it, so that reports show both values.
    assert rows(db_path, "SELECT flagged, advice FROM pain_score") == [
        (1, shown + "\nCorrected on 2026-11-24: pain 9 → 2.")
    ]
    result = sij("edit", "--check-in", "1", "--sharp")
    assert "See a doctor" in result.stderr
    [(flagged, sharp, advice)] = rows(db_path, "SELECT flagged, sharp, advice FROM pain_score")
    assert (flagged, sharp) == (1, 1)
    assert advice.startswith(shown) and "sharp" in advice[len(shown) :]


def test_edit_check_in_nothing_given(sij) -> None:
    assert sij("pain", "3").exit_code == 0
    result = sij("edit", "--check-in", "1")
    assert result.exit_code == 2
    assert "--score" in result.stderr and "nothing to change" in result.stderr.lower()


# ---- delete, trash, restore --------------------------------------------------------------------


def test_delete_and_restore_round_trip(sij, db_path: Path) -> None:
    assert sij("log", "--pain-before", "6", "--pain-after", "4", "--at", "yesterday").exit_code == 0
    assert sij("log", "--pain-before", "5", "--pain-after", "3").exit_code == 0
    counts = snapshot(db_path)
    full = history(sij)
    assert [s["id"] for s in full] == [2, 1]

    result = sij("delete", "2", "--yes")
    assert result.exit_code == 0, result.output
    assert "Moved session #2" in result.stdout and "sij restore 2" in flat(result.stdout)
    assert [s["id"] for s in history(sij)] == [1]
    assert snapshot(db_path) == counts  # moved to the trash, nothing destroyed
    assert rows(db_path, "SELECT count(*) FROM pain_score WHERE deleted_at IS NOT NULL") == [(2,)]

    trash = json.loads(sij("trash", "--json").stdout)
    assert [(t["kind"], t["id"], t["uuid"]) for t in trash] == [("session", 2, full[0]["uuid"])]
    assert (trash[0]["pain_before"], trash[0]["pain_after"]) == (5, 3)
    listing = sij("trash")
    assert "sij restore 2" in listing.stdout

    result = sij("restore", "2")
    assert result.exit_code == 0, result.output
    assert "Restored session #2" in result.stdout
    assert history(sij) == full
    assert snapshot(db_path) == counts
    assert json.loads(sij("trash", "--json").stdout) == []
    assert "The trash is empty" in sij("trash").stderr


@pytest.mark.parametrize("columns", ["80", "40"])
def test_trash_is_readable_in_a_narrow_terminal(sij, monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    from tracker.cli import console

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delitem(console.__dict__, "out", raising=False)  # made again at this width
    assert sij("log", "--pain-before", "5", "--pain-after", "3", "--note", "a rather long note " * 3).exit_code == 0
    assert sij("pain", "4", "--note", "after the walk").exit_code == 0
    assert sij("delete", "1", "--yes").exit_code == 0
    assert sij("delete", "--check-in", "1", "--yes").exit_code == 0
    listing = sij("trash")
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    assert any("session #1" in line for line in lines)
    assert any("check-in #1" in line for line in lines)
    assert any(line.strip() == "restore: sij restore 1" for line in lines)
    assert any("sij restore --check-in 1" in line for line in lines)
    assert "after the walk" in flat(listing.stdout)


def test_restore_leaves_a_score_cleared_earlier_in_the_trash(sij, clock) -> None:
    assert sij("log", "--pain-before", "6", "--pain-after", "4").exit_code == 0
    assert sij("edit", "1", "--pain-before", "none").exit_code == 0
    clock.sleep(5)
    assert sij("delete", "1", "--yes").exit_code == 0
    assert sij("restore", "1").exit_code == 0
    session = history(sij)[0]
    assert (session["pain_before"], session["pain_after"]) == (None, 4)


def test_trashed_check_ins_are_hidden_from_today(sij) -> None:
    assert sij("pain", "4").exit_code == 0
    assert "4/10" in sij().output
    result = sij("delete", "--check-in", "1", "--yes")
    assert result.exit_code == 0, result.output
    assert "sij restore --check-in 1" in flat(result.stdout)
    assert "4/10" not in sij().output
    assert json.loads(sij("trash", "--json").stdout)[0]["kind"] == "check-in"
    assert sij("restore", "--pain", "1").exit_code == 0
    assert "4/10" in sij().output


def test_delete_asks_on_a_terminal(sij, db_path: Path) -> None:
    assert sij("log").exit_code == 0
    result = sij("delete", "1", interactive=True, input="n\n")
    assert result.exit_code == 1
    # Answering no is a decision, not an error.
    assert result.stderr.rstrip().endswith("Nothing was moved.") and "Error" not in result.stderr
    assert "Move session #1" in result.stderr and "[y/N]" in result.stderr
    assert len(history(sij)) == 1
    result = sij("delete", "1", interactive=True, input="y\n")
    assert result.exit_code == 0, result.output
    assert history(sij) == []


def test_delete_without_a_terminal_needs_yes(sij, db_path: Path) -> None:
    assert sij("log").exit_code == 0
    before = snapshot(db_path)
    result = sij("delete", "1")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert len(history(sij)) == 1 and snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["delete", "7", "--yes"], "No session with id 7"),
        (["delete", "--yes"], "SESSION_ID"),
        (["delete", "x", "--yes"], "SESSION_ID"),
        (["delete", "9223372036854775808", "--yes"], "not an id"),
        (["delete", "9223372036854775807", "--yes"], "No session with id 9223372036854775807"),
        (["delete", "--check-in", "9", "--yes"], "No pain check-in with id 9"),
        (["delete", "--check-in", "2", "--yes"], "No pain check-in with id 2"),  # check-ins are numbered apart
        (["restore", "1"], "not in the trash"),
        (["restore", "--check-in", "1"], "not in the trash"),
        (["restore", "8"], "No session with id 8"),
        (["restore"], "SESSION_ID"),
    ],
)
def test_delete_and_restore_rejections(sij, db_path: Path, args: list[str], expected: str) -> None:
    assert sij("log", "--pain-before", "2").exit_code == 0
    assert sij("pain", "3").exit_code == 0
    before = rows(db_path, "SELECT id, deleted_at FROM practice UNION ALL SELECT id, deleted_at FROM pain_score")
    result = sij(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr or (expected == "SESSION_ID" and "--help" in result.stderr), result.stderr
    after = rows(db_path, "SELECT id, deleted_at FROM practice UNION ALL SELECT id, deleted_at FROM pain_score")
    assert after == before


def test_delete_twice_says_it_is_already_in_the_trash(sij) -> None:
    assert sij("log").exit_code == 0
    assert sij("delete", "1", "--yes").exit_code == 0
    result = sij("delete", "1", "--yes")
    assert result.exit_code == 2
    assert "already" in result.stderr or "in the trash" in result.stderr


# ---- undo --------------------------------------------------------------------------------------


def test_undo_within_ten_minutes(sij, clock) -> None:
    assert sij("log", "--pain-before", "4").exit_code == 0
    clock.sleep(600)
    result = sij("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "Undone: moved session #1" in result.stdout
    assert history(sij) == []


def test_undo_beyond_ten_minutes_finds_nothing(sij, clock, db_path: Path) -> None:
    assert sij("log").exit_code == 0
    clock.sleep(601)
    before = snapshot(db_path)
    result = sij("undo", "--yes")
    assert result.exit_code == 1
    assert "Nothing was changed in the last 10 minutes" in result.stderr
    assert len(history(sij)) == 1 and snapshot(db_path) == before


def test_undo_goes_by_when_entered_not_by_at(sij, clock) -> None:
    assert sij("log", "--at", "2026-11-24T09:00").exit_code == 0  # session 1, entered now
    clock.sleep(60)
    assert sij("log", "--at", "2026-11-01").exit_code == 0  # session 2, backdated, entered later
    clock.sleep(60)
    assert sij("undo", "--yes").exit_code == 0
    assert [s["id"] for s in history(sij)] == [1]


def test_undo_takes_the_latest_of_sessions_and_check_ins(sij, clock) -> None:
    assert sij("log").exit_code == 0
    clock.sleep(30)
    assert sij("pain", "5").exit_code == 0
    result = sij("undo", "--yes")
    assert "pain check-in" in result.stdout
    result = sij("undo", "--yes")
    assert "session #1" in result.stdout
    assert sij("undo", "--yes").exit_code == 1


def test_undo_needs_confirmation_without_a_terminal(sij) -> None:
    assert sij("pain", "5").exit_code == 0
    result = sij("undo")
    assert result.exit_code == 2 and "--yes" in result.stderr
    result = sij("undo", interactive=True, input="y\n")
    assert result.exit_code == 0, result.output
    assert "[y/N]" in result.stderr
    assert [t["kind"] for t in json.loads(sij("trash", "--json").stdout)] == ["check-in"]


def test_undo_on_an_empty_database(sij) -> None:
    result = sij("undo", "--yes")
    assert result.exit_code == 1
    assert "nothing to undo" in result.stderr


def test_created_at_is_the_entry_time(sij, db_path: Path) -> None:
    assert sij("log", "--at", "yesterday", "--pain-before", "3").exit_code == 0
    assert sij("pain", "2", "--at", "2026-11-20").exit_code == 0
    assert rows(db_path, "SELECT created_at FROM practice") == [("2026-11-24 09:30:00.000000",)]
    assert rows(db_path, "SELECT created_at FROM pain_score") == [("2026-11-24 09:30:00.000000",)] * 2
    assert count_rows(db_path, "practice") == 1


def test_installed_sij_refuses_to_delete_without_a_terminal(sij_process) -> None:
    assert sij_process("pain", "4").returncode == 0
    result = sij_process("delete", "--check-in", "1", input="y\n")
    assert result.returncode == 2
    assert "add --yes" in result.stderr and "Traceback" not in result.stderr
    result = sij_process("undo", "--yes")
    assert result.returncode == 0, result.stderr
    listed = json.loads(sij_process("trash", "--json").stdout)
    assert [(t["kind"], t["id"], t["score"]) for t in listed] == [("check-in", 1, 4)]
