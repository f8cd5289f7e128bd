"""Ratings keep what the person said and undo what they did: a date without a time stays a date everywhere, a
restore keeps the numbers of activities and ratings, one rating command is one undo, and adding, retiring and
bringing back an activity can each be undone."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, count_rows, flat


def _ok(sij, *args: str, db: Path | None = None):
    result = sij(*args, db=db)
    assert result.exit_code == 0, result.output
    return result


def _ratings(sij, db: Path | None = None) -> list[dict]:
    return json.loads(_ok(sij, "history", "--ratings", "--json", db=db).stdout)


def _activities(sij, db: Path | None = None) -> list[dict]:
    return json.loads(_ok(sij, "activities", "--all", "--json", db=db).stdout)


# ---- a date without a time -------------------------------------------------------------------------


def test_a_rating_given_a_date_alone_shows_the_date_alone_everywhere(sij) -> None:
    _ok(sij, "activities", "add", "Putting on socks", "--at", "2026-11-01T08:00")
    rated = _ok(sij, "activities", "rate", "1=4", "--at", "yesterday")
    assert "Saved rating #1: Putting on socks 4/10 on 2026-11-23." in flat(rated.stdout)
    said = _ok(sij, "impression", "3", "--at", "2026-11-20")
    assert "on 2026-11-20" in flat(said.stdout)
    _ok(sij, "activities", "rate", "1=5", "--at", "2026-11-24T08:15")

    rows = {r["id"]: r for r in _ratings(sij)}
    assert [(rows[n]["time_known"], rows[n]["day"]) for n in (1, 2, 3)] == [
        (False, "2026-11-23"),
        (False, "2026-11-20"),
        (True, "2026-11-24"),
    ]
    table = flat(_ok(sij, "history", "--ratings").stdout)
    assert "2026-11-24 08:15" in table and "2026-11-23 " in table and "12:00" not in table

    sheet = _ok(sij, "export", "--format", "csv", "--table", "ratings").stdout.removeprefix("\ufeff")
    times = {row[0]: (row[1], row[2]) for row in list(csv.reader(io.StringIO(sheet)))[1:]}
    assert times == {"2": ("2026-11-20", ""), "1": ("2026-11-23", ""), "3": ("2026-11-24", "08:15")}

    bundle = json.loads(_ok(sij, "export", "--format", "fhir").stdout)
    effective = sorted(
        e["resource"]["effectiveDateTime"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "valueInteger" in e["resource"]
    )
    assert effective == ["2026-11-20", "2026-11-23", "2026-11-24T08:15:00+00:00"]


def test_the_pdf_says_no_time_given_for_a_rating_given_a_date(sij, tmp_path: Path) -> None:
    from pypdf import PdfReader

    _ok(sij, "activities", "add", "Walking to the shop", "--at", "2026-11-01T08:00")
    _ok(sij, "activities", "rate", "1=4", "--at", "2026-11-20")
    _ok(sij, "log", "--pain-before", "5", "--pain-after", "4", "--at", "2026-11-20T08:00")
    target = tmp_path / "report.pdf"
    _ok(sij, "export", "--format", "pdf", "--output", str(target))
    last = flat(PdfReader(target).pages[-1].extract_text())
    assert "2026-11-20 no time given" in last and "12:00" not in last


def test_editing_a_rating_to_a_date_and_undoing_it(sij, clock) -> None:
    _ok(sij, "impression", "3", "--at", "2026-11-23T18:00")
    clock.current = NOW + timedelta(minutes=1)
    edited = _ok(sij, "edit", "--rating", "1", "--at", "2026-11-22")
    assert "2026-11-22 (no time given)" in flat(edited.stdout)
    (rating,) = _ratings(sij)
    assert (rating["time_known"], rating["day"]) == (False, "2026-11-22")
    _ok(sij, "delete", "--rating", "1", "--yes")
    assert "2026-11-22 (no time given)" in flat(_ok(sij, "trash").stdout)
    assert [t["time_known"] for t in json.loads(_ok(sij, "trash", "--json").stdout)] == [False]
    _ok(sij, "undo", "--yes")  # the deletion
    _ok(sij, "undo", "--yes")
    (rating,) = _ratings(sij)
    assert (rating["time_known"], rating["recorded_at"]) == (True, "2026-11-23T18:00:00+00:00")


def test_a_backup_carries_time_known_and_an_older_one_reads_as_known(sij, tmp_path: Path) -> None:
    _ok(sij, "impression", "3", "--at", "2026-11-20")
    document = json.loads(_ok(sij, "export", "--format", "json").stdout)
    assert document["ratings"][0]["time_known"] is False
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(document), encoding="utf-8")
    restored = tmp_path / "restored" / "sij.db"
    _ok(sij, "import", str(backup), db=restored)
    assert [r["time_known"] for r in _ratings(sij, restored)] == [False]

    del document["ratings"][0]["time_known"]  # as a backup written before ratings knew it
    backup.write_text(json.dumps(document), encoding="utf-8")
    older = tmp_path / "older" / "sij.db"
    _ok(sij, "import", str(backup), db=older)
    assert [r["time_known"] for r in _ratings(sij, older)] == [True]


# ---- a restore keeps the numbers -------------------------------------------------------------------


def _numbered_out_of_order(sij, db: Path) -> None:
    """Activity #2 was added earlier than #1 (`--at`), and rating #1 is later than rating #2: a restore that
    followed the backup's order (time) would swap both pairs."""
    _ok(sij, "activities", "add", "Putting on socks", "--at", "2026-11-10T08:00", db=db)
    _ok(sij, "activities", "add", "Walking to the shop", "--at", "2026-11-01T08:00", db=db)
    _ok(sij, "activities", "rate", "1=4", "--at", "2026-11-20T08:00", db=db)
    _ok(sij, "activities", "rate", "2=6", "--at", "2026-11-12T08:00", db=db)
    _ok(sij, "activities", "retire", "2", db=db)


def _backup(sij, db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "backup.json"
    path.write_text(_ok(sij, "export", "--format", "json", db=db).stdout, encoding="utf-8")
    return path


def test_a_restore_keeps_activity_and_rating_numbers(sij, tmp_path: Path) -> None:
    source = tmp_path / "source" / "sij.db"
    _numbered_out_of_order(sij, source)
    backup = _backup(sij, source, tmp_path)
    _ok(sij, "import", str(backup))  # the test's own database (PostgreSQL too): empty before
    assert _activities(sij) == _activities(sij, source)
    assert [(r["id"], r["activity_id"], r["activity"], r["value"]) for r in _ratings(sij)] == [
        (1, 1, "Putting on socks", 4),  # newest first
        (2, 2, "Walking to the shop", 6),
    ]
    # New records follow the kept numbers (PostgreSQL's sequences too).
    added = _ok(sij, "activities", "add", "Sitting through a film")
    assert "Added activity #3" in added.stdout
    assert "Saved rating #3" in _ok(sij, "activities", "rate", "3=5").stdout


def test_merging_into_a_database_with_other_ratings_renumbers_only_what_collides(sij, tmp_path: Path) -> None:
    source = tmp_path / "source" / "sij.db"
    _numbered_out_of_order(sij, source)
    backup = _backup(sij, source, tmp_path)
    _ok(sij, "activities", "add", "Climbing stairs")
    _ok(sij, "activities", "rate", "1=7")
    _ok(sij, "import", str(backup))
    texts = {a["id"]: a["text"] for a in _activities(sij)}
    assert texts[1] == "Climbing stairs" and sorted(texts.values()) == sorted(
        ["Climbing stairs", "Putting on socks", "Walking to the shop"]
    )
    # Every rating still names its own activity, whatever number each got.
    pairs = {(r["activity"], r["value"]) for r in _ratings(sij)}
    assert pairs == {("Climbing stairs", 7), ("Putting on socks", 4), ("Walking to the shop", 6)}
    for rating in _ratings(sij):
        assert texts[rating["activity_id"]] == rating["activity"]
    assert len({r["id"] for r in _ratings(sij)}) == 3


@pytest.mark.parametrize(
    ("here", "message"),
    [
        (("Climbing stairs", "Sitting", "Cooking", "Driving"), "would leave 6 activities followed"),
        (("putting on SOCKS",), "two activities followed named"),
    ],
)
def test_an_import_never_leaves_more_than_five_activities_or_two_alike(sij, tmp_path: Path, here, message) -> None:
    """The backup follows 2 activities. With 4 here that would be 6, and with the same activity named here two alike:
    the import is refused whole, as `sij activities add` would refuse; with 3 here it goes in."""
    source = tmp_path / "source" / "sij.db"
    _numbered_out_of_order(sij, source)
    _ok(sij, "activities", "unretire", "2", db=source)  # the backup follows both of its activities
    backup = _backup(sij, source, tmp_path)
    for text in here:
        _ok(sij, "activities", "add", text)
    before = (_activities(sij), _ratings(sij), sij("history", "--json").stdout)
    result = sij("import", str(backup))
    assert result.exit_code == 2 and message in flat(result.output), result.output
    assert "Nothing was imported." in flat(result.output) and "Traceback" not in result.output
    assert (_activities(sij), _ratings(sij), sij("history", "--json").stdout) == before
    if len(here) > 1:  # one fewer here, and the same backup goes in
        _ok(sij, "activities", "retire", "4")
        _ok(sij, "import", str(backup))
        assert sum(a["active"] for a in _activities(sij)) == 5


# ---- undo: one command, one change -----------------------------------------------------------------


def test_one_undo_takes_back_every_rating_of_one_command(sij, clock) -> None:
    _ok(sij, "activities", "add", "Putting on socks")
    _ok(sij, "activities", "add", "Walking to the shop")
    clock.current = NOW + timedelta(minutes=1)
    rated = _ok(sij, "activities", "rate", "1=4", "2=6")
    assert "One `sij undo` takes back both ratings." in flat(rated.stderr)
    asked = sij("undo")
    assert asked.exit_code == 2
    # Both ratings named by what they rated, in one line that reads as a sentence.
    assert flat(asked.stderr).strip() == (
        "Error: Undo adding ratings #1 (Putting on socks: 4/10) and #2 (Walking to the shop: 6/10) of "
        "2026-11-24 09:31 needs confirmation (they were given together in one command; both go to the trash); "
        "add --yes to do it without a terminal."
    )
    assert asked.stderr.count("\n") == 1
    undone = _ok(sij, "undo", "--yes")
    assert flat(undone.stdout).strip() == (
        "Undone: ratings #1 (Putting on socks: 4/10) and #2 (Walking to the shop: 6/10) of 2026-11-24 09:31, "
        "given together in one command, are both in the trash."
    )
    assert _ratings(sij) == []
    assert {t["id"] for t in json.loads(_ok(sij, "trash", "--json").stdout)} == {1, 2}
    # The next undo is the change before: adding the second activity (retired: its ratings are in the trash).
    assert (
        "Undone: adding activity #2 (Walking to the shop); it is retired now, as ratings (in the trash or not) name it."
        in flat(_ok(sij, "undo", "--yes").stdout)
    )


def test_undo_of_three_ratings_names_each_and_asks_in_one_line(sij, clock) -> None:
    for text in ("Putting on socks", "Sitting", "Climbing stairs"):
        _ok(sij, "activities", "add", text)
    clock.current = NOW + timedelta(minutes=1)
    _ok(sij, "activities", "rate", "1=4", "2=6", "3=7", "--at", "yesterday 8am")
    named = "ratings #1 (Putting on socks: 4/10), #2 (Sitting: 6/10) and #3 (Climbing stairs: 7/10) of 2026-11-23 08:00"
    asked = sij("undo", interactive=True, input="n\n")
    assert asked.exit_code == 1
    assert f"Undo adding {named}? They were given together in one command; all 3 go to the trash." in flat(asked.stderr)
    undone = _ok(sij, "undo", "--yes")
    assert flat(undone.stdout) == f"Undone: {named}, given together in one command, are all 3 in the trash."
    assert _ratings(sij) == []


# ---- activities: add, retire, unretire, and undo -----------------------------------------------------


def test_undo_right_after_adding_an_activity_removes_it(sij, clock, db_path) -> None:
    _ok(sij, "impression", "3")
    clock.current = NOW + timedelta(minutes=1)
    _ok(sij, "activities", "add", "Putting on socks")
    asked = sij("undo")
    assert "Undo adding activity #1 (Putting on socks) needs confirmation (it is removed" in flat(asked.stderr)
    assert "Undone: adding activity #1 (Putting on socks); it is gone." in _ok(sij, "undo", "--yes").stdout
    assert _activities(sij) == [] and count_rows(db_path, "activity") == 0
    assert len(_ratings(sij)) == 1  # the impression, older than the activity, is untouched


def test_undoing_an_added_activity_whose_rating_is_in_the_trash_retires_it(sij, clock) -> None:
    _ok(sij, "activities", "add", "Putting on socks")
    _ok(sij, "activities", "rate", "1=4")
    _ok(sij, "undo", "--yes")  # the rating goes to the trash
    undone = _ok(sij, "undo", "--yes")
    assert "Undone: adding activity #1 (Putting on socks); it is retired now" in flat(undone.stdout)
    assert [a["active"] for a in _activities(sij)] == [False]
    _ok(sij, "restore", "--rating", "1")
    assert [r["activity"] for r in _ratings(sij)] == ["Putting on socks"]


def test_retire_undo_unretire_and_undo_again(sij, clock) -> None:
    _ok(sij, "activities", "add", "Putting on socks")
    _ok(sij, "activities", "rate", "1=4")
    clock.current = NOW + timedelta(minutes=1)
    retired = _ok(sij, "activities", "retire", "1")
    assert "`sij activities unretire 1` brings it back" in flat(retired.stderr)
    assert "Undo retiring activity #1 (Putting on socks) needs confirmation (it is active again)" in flat(
        sij("undo").stderr
    )
    assert "Undone: activity #1 (Putting on socks) is active again." in _ok(sij, "undo", "--yes").stdout
    assert [a["active"] for a in _activities(sij)] == [True]
    assert len(_ratings(sij)) == 1  # the rating made before the retire stays

    _ok(sij, "activities", "retire", "1")
    back = _ok(sij, "activities", "unretire", "1")
    assert "Activity #1 is back: Putting on socks." in back.stdout
    assert [(a["active"], a["latest"]) for a in _activities(sij)] == [(True, 4)]
    assert "is retired again" in _ok(sij, "undo", "--yes").stdout
    assert [a["active"] for a in _activities(sij)] == [False]
    assert "unretire" in _ok(sij, "activities", "--help").stdout


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ((), ("activities", "unretire", "1"), "Activity #1 is not retired"),
        ((), ("activities", "unretire", "9"), "No activity with id 9"),
        ((), ("activities", "unretire", "x"), "'x' is not an id"),
        ((), ("activities", "unretire", "0"), "'0' is not an id"),
        ((("activities", "retire", "1"), ("activities", "add", "Putting on socks")), ("activities", "unretire", "1"),
         "Activity #2 is already 'Putting on socks'"),
        ((("activities", "retire", "1"), *(("activities", "add", f"Task {n}") for n in range(5))),
         ("activities", "unretire", "1"), "You already follow 5 activities"),
        ((), ("activities", "retire", "1", "--at", "tomorrow"), "--at"),
    ],
)  # fmt: skip
def test_unretire_refuses_in_one_line_and_writes_nothing(sij, db_path, setup, args, message) -> None:
    _ok(sij, "activities", "add", "Putting on socks")
    for step in setup:
        _ok(sij, *step)
    before = (_activities(sij), count_rows(db_path, "change_journal"))
    result = sij(*args)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr) and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) <= 2
    assert (_activities(sij), count_rows(db_path, "change_journal")) == before
