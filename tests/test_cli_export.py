"""`sij export`: CSV, JSON and FHIR to standard output or owner-only files, and every refused option."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import execute, flat
from tracker.exports.csv_export import SESSION_HEADERS, neutralise


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _log_some(sij) -> None:
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "6", "--pain-after", "4", "--heat").exit_code == 0
    assert sij("log", "--at", "2026-11-22T18:30", "--stretch", "figure-4", "--pain-before", "5").exit_code == 0
    assert sij("pain", "3", "--at", "2026-11-23T12:00", "--note", "after a long drive").exit_code == 0


def test_csv_one_row_per_session_with_clinician_headers(sij) -> None:
    _log_some(sij)
    result = sij("export", "--format", "csv")
    assert result.exit_code == 0, result.output
    # A byte-order mark first, so Excel reads UTF-8; then date, time and offset in cells of their own.
    assert result.stdout.splitlines()[0].startswith("\ufeffSession #,Date,Time,UTC offset,")
    rows = _rows(result.stdout)
    assert list(rows[0]) == list(SESSION_HEADERS)
    assert [(r["Date"], r["Time"], r["UTC offset"]) for r in rows] == [
        ("2026-11-20", "08:00", "UTC+00:00"),
        ("2026-11-22", "18:30", "UTC+00:00"),
    ]
    first = rows[0]
    assert first["Routine"] == "SI basics"
    assert first["Pain before (0-10)"] == "6" and first["Pain after (0-10)"] == "4"
    assert first["Change (after minus before)"] == "-2"  # a number, not neutralised
    assert first["Heat before"] == "yes" and first["How it ended"] == "completed"
    assert first["Holds done"] == "6" and first["Holds planned"] == "6"
    assert first["Stretches and sides"].startswith("Knee to chest: L R; Figure 4")
    second = rows[1]
    assert second["Routine"] == "hand-picked stretches"
    assert second["Pain after (0-10)"] == "" and second["Change (after minus before)"] == ""
    assert "Exported 2 sessions as CSV." in result.stderr


def test_csv_note_that_looks_like_a_formula_is_neutralised(sij) -> None:
    assert sij("log", "--note", '=HYPERLINK("x")', "--pain-before", "2", "--pain-after", "5").exit_code == 0
    assert sij("pain", "4", "--note", "@SUM(A1)").exit_code == 0
    text = sij("export", "--format", "csv").stdout
    assert '"\'=HYPERLINK(""x"")"' in text
    row = _rows(text)[0]
    assert row["Note"] == '\'=HYPERLINK("x")'
    assert row["Change (after minus before)"] == "3"
    pain = _rows(sij("export", "--format", "csv", "--table", "pain").stdout)
    assert [p["Note"] for p in pain] == ["", "", "'@SUM(A1)"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-3 after stretching", "'-3 after stretching"),
        ("@cmd", "'@cmd"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("fine = ok", "fine = ok"),
        ("", ""),
        ("Ça va 🙂", "Ça va 🙂"),
        (-2, -2),
        (7, 7),
        (None, None),
    ],
)
def test_neutralise_table(cell, expected) -> None:
    assert neutralise(cell) == expected


def test_csv_pain_table_has_every_score_including_check_ins(sij) -> None:
    _log_some(sij)
    assert sij("pain", "8", "--sharp", "--at", "2026-11-23T20:00").exit_code == 0
    rows = _rows(sij("export", "--format", "csv", "--table", "pain").stdout)
    assert [(r["Pain (0-10)"], r["When"], r["Session #"]) for r in rows] == [
        ("6", "before session", "1"),
        ("4", "after session", "1"),
        ("5", "before session", "2"),
        ("3", "check-in", ""),
        ("8", "check-in", ""),
    ]
    assert rows[-1]["Band"] == "severe" and rows[-1]["Sharp pain or new numbness"] == "yes"
    assert rows[-1]["Flagged (see-a-doctor advice shown)"] == "yes"


def test_since_and_until_limit_the_period(sij) -> None:
    _log_some(sij)
    rows = _rows(sij("export", "--format", "csv", "--since", "2026-11-21", "--until", "2026-11-22").stdout)
    assert [r["Date"] for r in rows] == ["2026-11-22"]
    document = json.loads(sij("export", "--format", "json", "--since", "2026-11-21").stdout)
    assert document["period"] == {"since": "2026-11-21", "until": None}
    assert len(document["sessions"]) == 1
    assert sorted(p["score"] for p in document["pain_scores"]) == [3, 5]


def test_a_period_goes_by_local_day_and_day_start_and_reads_no_whole_table(sij) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    assert sij("settings", "day-start", "03:00").exit_code == 0
    # 01:30 on the 21st counts for the 20th (before the day starts); its pain scores go with it.
    assert sij("log", "--at", "2026-11-21T01:30", "--pain-before", "5", "--pain-after", "4").exit_code == 0
    assert sij("log", "--at", "2026-11-21T09:00", "--pain-before", "4").exit_code == 0
    assert sij("pain", "2", "--at", "2026-11-21T02:59").exit_code == 0  # the 20th too
    assert sij("pain", "3", "--at", "2026-11-21T03:00").exit_code == 0  # the 21st
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        twentieth = json.loads(sij("export", "--format", "json", "--until", "2026-11-20").stdout)
        later = json.loads(sij("export", "--format", "json", "--since", "2026-11-21").stdout)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert [p["started_at"][11:16] for p in twentieth["sessions"]] == ["01:30"]
    assert sorted(p["score"] for p in twentieth["pain_scores"]) == [2, 4, 5]
    assert [p["started_at"][11:16] for p in later["sessions"]] == ["09:00"]
    assert sorted(p["score"] for p in later["pain_scores"]) == [3, 4]
    records = [s for s in statements if s.startswith("SELECT") and any(f"FROM {t}" in s for t in RECORD_TABLES)]
    assert records and all(" WHERE " in s for s in records), [s for s in records if " WHERE " not in s]


RECORD_TABLES = ("practice", "hold", "pain_score", "screening", "rating")


def test_output_file_is_owner_only_and_reported(sij, tmp_path: Path) -> None:
    _log_some(sij)
    target = tmp_path / "out" / "sessions.csv"
    target.parent.mkdir()
    result = sij("export", "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Wrote 2 sessions as CSV to" in result.stderr  # the session table: it has sessions only
    assert str(target) in result.stderr.replace("\n", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8-sig").startswith("Session #,")
    assert [p.name for p in target.parent.iterdir()] == ["sessions.csv"]  # no temporary file left behind
    pain = sij("export", "--format", "csv", "--table", "pain", "--output", str(target.with_name("pain.csv")))
    assert "Wrote 4 pain scores as CSV to" in pain.stderr  # the pain table: it has pain scores only


def test_existing_file_is_refused_without_force(sij, tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    target.write_text("precious", encoding="utf-8")
    result = sij("export", "--format", "json", "--output", str(target))
    assert result.exit_code == 2
    assert "already exists; add --force" in result.stderr
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "precious"
    result = sij("export", "--format", "json", "--output", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "sij-export"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_same_data_gives_byte_identical_json(sij) -> None:
    _log_some(sij)
    first = sij("export", "--format", "json").stdout
    second = sij("export", "--format", "json").stdout
    assert first == second
    assert json.loads(first)["exported_at"] == "2026-11-24T09:30:00+00:00"


def test_json_keeps_trashed_records_and_csv_leaves_them_out(sij, db_path: Path) -> None:
    _log_some(sij)
    execute(db_path, "UPDATE practice SET deleted_at = '2026-11-24 09:00:00.000000' WHERE id = 1")
    execute(db_path, "UPDATE pain_score SET deleted_at = '2026-11-24 09:00:00.000000' WHERE practice_id = 1")
    document = json.loads(sij("export", "--format", "json").stdout)
    assert [s["deleted_at"] for s in document["sessions"]] == ["2026-11-24T09:00:00+00:00", None]
    assert sum(1 for p in document["pain_scores"] if p["deleted_at"]) == 2
    rows = _rows(sij("export", "--format", "csv").stdout)
    assert [r["Date"] for r in rows] == ["2026-11-22"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "xml"], 2, "'xml' is not an export format; choose csv, json, fhir or pdf."),
        ([], 2, "`sij export` needs --format"),
        (["--format", "pdf", "--output", "r.pdf"], 1, "no report to make"),
        (["--format", "json", "--table", "pain"], 2, "--table applies only to --format csv"),
        (["--format", "csv", "--table", "holds"], 2, "'holds' is not a CSV table; choose sessions, pain or ratings."),
        (["--format", "csv", "--name", "Ann"], 2, "--name applies only to --format fhir or pdf"),
        (["--format", "fhir", "--name", "   "], 2, "not a usable name"),
        (["--format", "csv", "--since", "2026-11-20", "--until", "2026-11-01"], 2, "is after --until"),
        (["--format", "csv", "--since", "last week"], 2, "is not a real day"),
        (["--format", "csv", "--output", "{tmp}"], 2, "is a folder"),
        (["--format", "csv", "--output", "{tmp}/missing/out.csv"], 2, "does not exist"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(sij, tmp_path: Path, args, code, message) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = sij("export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == code, result.output
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert result.stdout == ""
    after = sorted(p.name for p in tmp_path.iterdir())
    assert [p for p in after if p not in ("home", "data")] == [p for p in before if p not in ("home", "data")]


def test_installed_sij_exports_every_format_from_another_directory(sij_process, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    assert sij_process("log", "--pain-before", "4", "--pain-after", "2").returncode == 0
    for fmt in ("csv", "json", "fhir", "pdf"):
        done = sij_process("export", "--format", fmt, "--output", str(work / f"out.{fmt}"))
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(os.stat(work / f"out.{fmt}").st_mode) == 0o600
    assert json.loads((work / "out.fhir").read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    assert (work / "out.pdf").read_bytes().startswith(b"%PDF-")


def test_csv_shows_the_date_alone_when_no_time_was_given(sij) -> None:
    assert sij("log", "--at", "2026-11-20", "--pain-before", "5").exit_code == 0
    assert sij("pain", "4", "--at", "yesterday").exit_code == 0
    rows = _rows(sij("export", "--format", "csv").stdout)
    assert [(r["Date"], r["Time"], r["UTC offset"]) for r in rows] == [("2026-11-20", "", "UTC+00:00")]
    pains = _rows(sij("export", "--format", "csv", "--table", "pain").stdout)
    assert [(r["Date"], r["Time"]) for r in pains] == [("2026-11-20", ""), ("2026-11-23", "")]


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_future_day_is_bad_input(sij, option: str) -> None:
    result = sij("export", "--format", "csv", option, "2026-11-25")
    assert result.exit_code == 2
    assert "'2026-11-25' is in the future" in flat(result.stderr) and "Traceback" not in result.output
    assert result.stdout == ""


def test_the_backup_from_rows_is_byte_for_byte_the_one_from_items(sij, db_path: Path, clock) -> None:
    """`sij export --format json` writes straight from the rows; the items every other format reads give the same."""
    from tracker import db
    from tracker.config import resolve_database
    from tracker.exports import json_backup
    from tracker.exports.base import ExportOptions
    from tracker.services.exchange import build_export

    _log_some(sij)
    note = 'Ünïcode ☃, "quotes"\nand a line'
    assert sij("log", "--at", "2026-11-19", "--pain-before", "7", "--note", note).exit_code == 0  # a date alone
    assert sij("delete", "1", "--yes").exit_code == 0  # a trashed session and its pain scores travel too
    assert sij("activities", "add", "Putting on socks").exit_code == 0
    assert sij("activities", "rate", "1=4").exit_code == 0
    assert sij("impression", "2").exit_code == 0
    documents = []
    for since, until in ((None, None), ("2026-11-20", "2026-11-22")):
        options = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
        result = sij("export", "--format", "json", *options)
        assert result.exit_code == 0, result.output
        database = db.open_database(resolve_database(str(db_path)))
        try:
            with db.unit_of_work(database, readonly=True) as session:
                data = build_export(
                    session=session,
                    now=clock.now(),
                    since=date.fromisoformat(since) if since else None,
                    until=date.fromisoformat(until) if until else None,
                    include_trashed=True,
                )
        finally:
            database.close()
        assert result.stdout == json_backup.render(data, ExportOptions())
        documents.append(json.loads(result.stdout))
    whole, period = documents
    assert [(s["id"], s["deleted_at"] is not None, s["time_known"]) for s in whole["sessions"]] == [
        (3, False, False),
        (1, True, True),
        (2, False, True),
    ]
    assert whole["sessions"][0]["note"] == note and len(whole["ratings"]) == 2
    assert [s["id"] for s in period["sessions"]] == [1, 2] and period["ratings"] == []


# ---- what the command says it wrote ------------------------------------------------------------


def test_a_ratings_csv_with_ratings_does_not_say_there_is_nothing(sij) -> None:
    assert sij("activities", "add", "putting on socks").exit_code == 0
    empty = sij("export", "--format", "csv", "--table", "ratings")
    assert empty.exit_code == 0
    assert "There are no ratings in this period yet." in empty.stderr and "sessions or pain" not in empty.stderr
    assert sij("activities", "rate", "1=4").exit_code == 0
    result = sij("export", "--format", "csv", "--table", "ratings")
    assert result.exit_code == 0, result.output
    assert flat(result.stderr) == "Exported 1 rating as CSV."  # no sessions or pain scores: not what was asked for


def test_the_backup_message_counts_what_the_file_holds_with_the_trash(sij, tmp_path: Path) -> None:
    _log_some(sij)
    assert sij("activities", "add", "putting on socks").exit_code == 0
    assert sij("activities", "rate", "1=4").exit_code == 0
    assert sij("activities", "rate", "1=5").exit_code == 0
    assert sij("delete", "1", "--yes").exit_code == 0  # a session and its 2 pain scores go to the trash
    assert sij("delete", "--rating", "2", "--yes").exit_code == 0
    target = tmp_path / "backup.json"
    result = sij("export", "--format", "json", "--output", str(target))
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text())
    assert (len(document["sessions"]), len(document["pain_scores"]), len(document["ratings"])) == (2, 4, 2)
    assert flat(result.stderr).startswith(
        "Wrote 2 sessions (1 in the trash), 4 pain scores (2 in the trash) and 2 ratings (1 in the trash) as JSON"
    )
    shown = sij("export", "--format", "json")
    assert "Exported 2 sessions (1 in the trash), 4 pain scores (2 in the trash) and 2 ratings" in flat(shown.stderr)
    csv_out = sij("export", "--format", "csv")
    assert "Exported 1 session as CSV." in flat(csv_out.stderr) and "trash" not in csv_out.stderr


def test_export_help_says_a_pdf_needs_no_output(sij) -> None:
    text = flat(sij("export", "--help").stdout)
    assert "needs --output" not in text
    assert "written to sij-report-DATE.pdf unless --output names the file" in text


def test_a_sessions_scores_given_at_one_instant_come_before_then_after_in_every_export(sij, tmp_path: Path) -> None:
    """`sij log --pain-before 5 --pain-after 3` records both at one instant: every export (and a backup, and what is
    restored from it) lists the "before" first, never in the random order of the scores' uuids."""
    for day in range(1, 17):
        assert sij("log", "--at", f"2026-11-{day:02d}T09:00", "--pain-before", "5", "--pain-after", "3").exit_code == 0
    expected = ["5", "3"] * 16

    def fhir_order(text: str) -> list[str]:
        entries = [e["resource"] for e in json.loads(text)["entry"]]
        return [str(r["valueInteger"]) for r in entries if r["resourceType"] == "Observation" and "valueInteger" in r]

    assert [r["Pain (0-10)"] for r in _rows(sij("export", "--format", "csv", "--table", "pain").stdout)] == expected
    assert fhir_order(sij("export", "--format", "fhir").stdout) == expected
    backup = sij("export", "--format", "json").stdout
    assert [str(p["score"]) for p in json.loads(backup)["pain_scores"]] == expected
    (tmp_path / "backup.json").write_text(backup)
    restored = tmp_path / "restored.db"
    assert sij("import", str(tmp_path / "backup.json"), db=restored).exit_code == 0
    assert fhir_order(sij("export", "--format", "fhir", db=restored).stdout) == expected
