"""`sij undo` reverses the last change the person made, whatever it was, in the order changes were made."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import flat, snapshot


def history(sij, *args: str) -> list[dict]:
    result = sij("history", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def trash(sij) -> list[tuple[str, int]]:
    return [(t["kind"], t["id"]) for t in json.loads(sij("trash", "--json").stdout)]


def test_undo_of_an_edit_gives_the_previous_values_back(sij, clock) -> None:
    assert sij("log", "--pain-before", "6", "--pain-after", "4", "--note", "first").exit_code == 0
    clock.sleep(60)
    assert sij("edit", "1", "--pain-after", "2", "--note", "typo fixed", "--heat").exit_code == 0
    result = sij("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "Undone: session #1" in flat(result.stdout) and "previous values back" in flat(result.stdout)
    session = history(sij)[0]
    assert (session["pain_after"], session["note"], session["heat"]) == (4, "first", False)
    assert trash(sij) == []  # the edit was undone, the session was not trashed


def test_undo_of_an_edit_that_added_a_score_puts_the_score_away(sij, clock) -> None:
    assert sij("log", "--pain-before", "6").exit_code == 0
    assert sij("edit", "1", "--pain-after", "3").exit_code == 0
    assert sij("undo", "--yes").exit_code == 0
    assert history(sij)[0]["pain_after"] is None
    assert history(sij)[0]["pain_before"] == 6


def test_undo_of_an_edit_keeps_the_advice_shown(sij) -> None:
    assert sij("pain", "3").exit_code == 0
    assert sij("edit", "--check-in", "1", "--score", "8").exit_code == 0  # panel shown
    assert sij("undo", "--yes").exit_code == 0
    check_in = history(sij, "--check-ins")[0]
    assert check_in["score"] == 3 and check_in["flagged"] is True


def test_undo_of_a_delete_restores_and_of_a_restore_deletes(sij, clock) -> None:
    assert sij("log", "--pain-before", "5", "--pain-after", "3").exit_code == 0
    clock.sleep(60 * 30)  # the entry itself is long past the undo window
    assert sij("delete", "1", "--yes").exit_code == 0
    result = sij("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "back from the trash" in flat(result.stdout)
    assert [(s["id"], s["pain_before"], s["pain_after"]) for s in history(sij)] == [(1, 5, 3)]
    assert sij("delete", "1", "--yes").exit_code == 0
    assert sij("restore", "1").exit_code == 0
    result = sij("undo", "--yes")
    assert "back to the trash" in flat(result.stdout)
    assert history(sij) == [] and trash(sij) == [("session", 1)]


def test_undo_walks_back_one_change_at_a_time(sij, clock) -> None:
    assert sij("pain", "4").exit_code == 0
    assert sij("edit", "--check-in", "1", "--score", "5").exit_code == 0
    assert sij("delete", "--check-in", "1", "--yes").exit_code == 0
    assert sij("undo", "--yes").exit_code == 0  # the delete
    assert history(sij, "--check-ins")[0]["score"] == 5
    assert sij("undo", "--yes").exit_code == 0  # the edit
    assert history(sij, "--check-ins")[0]["score"] == 4
    assert sij("undo", "--yes").exit_code == 0  # the entry itself
    assert history(sij, "--check-ins") == [] and trash(sij) == [("check-in", 1)]
    assert sij("undo", "--yes").exit_code == 1


def test_an_imported_record_from_the_future_does_not_take_over_undo(sij, clock, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    start = clock.current
    clock.sleep(3600)  # the other machine's entry is "made" an hour after ours
    assert sij("log", "--note", "from the other machine", db=other).exit_code == 0
    backup = tmp_path / "b.json"
    assert sij("export", "--format", "json", "-o", str(backup), db=other).exit_code == 0
    clock.current = start
    assert sij("pain", "4").exit_code == 0
    assert sij("import", str(backup)).exit_code == 0
    result = sij("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "check-in #" in flat(result.stdout)
    assert [s["note"] for s in history(sij)] == ["from the other machine"]


def test_undo_asks_showing_what_it_will_do_and_no_changes_nothing(sij, db_path: Path) -> None:
    assert sij("log", "--pain-before", "4", "--note", "hello").exit_code == 0
    assert sij("edit", "1", "--note", "bye").exit_code == 0
    before = snapshot(db_path)
    result = sij("undo", interactive=True, input="n\n")
    assert result.exit_code == 1
    assert "Undo your edit of session #1" in flat(result.stderr) and "the note" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert snapshot(db_path) == before and history(sij)[0]["note"] == "bye"
    result = sij("undo")
    assert result.exit_code == 2 and "--yes" in result.stderr and "Traceback" not in result.output


def test_undo_after_undoing_everything_recent_says_so_truthfully(sij, clock, db_path: Path) -> None:
    assert sij("pain", "4").exit_code == 0
    assert sij("undo", "--yes").exit_code == 0
    before = snapshot(db_path)
    result = sij("undo", "--yes")
    assert result.exit_code == 1
    assert flat(result.stderr).startswith(
        "Error: Nothing left to undo from the last 10 minutes (the last change was already undone); "
    )
    assert "Nothing was changed" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db_path) == before
    clock.sleep(601)  # the undone change is older than the window now: nothing was changed in it
    assert "Nothing was changed in the last 10 minutes" in sij("undo", "--yes").stderr


def test_undo_help_reads_as_whole_sentences(sij) -> None:
    lines = [line.strip() for line in sij("undo", "--help").stdout.splitlines()]
    assert "Adding, retiring and bringing back an activity are changes too." in lines
    assert not any(line.endswith("retiring and") for line in lines)
