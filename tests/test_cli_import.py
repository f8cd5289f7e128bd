"""`sij import FILE`: a JSON backup is checked whole, merged by uuid, never overwrites, and bad files change nothing."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import execute, flat, snapshot


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


def _history(sij) -> None:
    """A little of everything: logged, guided (completed and stopped sharp), check-ins, a screen, a day start."""
    assert sij("log", "--at", "2026-11-01T08:00", "--pain-before", "6", "--pain-after", "4", "--heat").exit_code == 0
    assert sij("log", "--at", "2026-11-02T19:00", "--stretch", "supine-twist", "--note", "Après 🙂").exit_code == 0
    assert (
        sij("run", "--yes", "--no-red-flags", "--speed", "1000", "--pain-before", "5", "--pain-after", "3").exit_code
        == 0
    )
    assert sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True).exit_code == 0
    assert sij("pain", "8", "--sharp", "--at", "2026-11-10T21:15", "--note", "=1+1").exit_code == 0
    assert sij("screen", "--answers", "nnnnnnnnnnnnn").exit_code == 0


def _export(sij, db: Path | None = None) -> dict[str, Any]:
    result = sij("export", "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_round_trip_into_an_empty_database_gives_the_same_document(sij, tmp_path: Path, db_path: Path, clock) -> None:
    _history(sij)
    execute(db_path, "INSERT INTO setting (key, value) VALUES ('day_start', '03:00')")
    source = _export(sij)
    assert source["settings"]["day_start"] == "03:00"
    assert len(source["sessions"]) == 4
    assert sorted(s["kind"] for s in source["screenings"]) == [
        "full",
        "quick",
        "quick",
    ]  # --no-red-flags is recorded too
    backup = _write(tmp_path / "backup.json", source)
    fresh = tmp_path / "fresh.db"
    clock.sleep(3600)
    result = sij("--db", str(fresh), "import", str(backup), db=fresh)
    assert result.exit_code == 0, result.output
    assert "Imported" in result.stdout
    copy_ = _export(sij, db=fresh)
    assert copy_["exported_at"] != source["exported_at"]
    assert _without_time(copy_) == _without_time(source)
    # When each entry was made travels too (it is what `sij undo` goes by), not the time of the import.
    assert all(s["created_at"] for s in source["sessions"] + source["pain_scores"])


def test_importing_twice_changes_nothing_the_second_time(sij, tmp_path: Path, db_path: Path) -> None:
    _history(sij)
    backup = _write(tmp_path / "backup.json", _export(sij))
    other = tmp_path / "other.db"
    assert sij("log", "--pain-before", "2", db=other).exit_code == 0  # the target has its own records too
    first = sij("import", str(backup), "--json", db=other)
    assert first.exit_code == 0, first.output
    added = json.loads(first.stdout)["added"]
    assert added["sessions"] == 4 and added["pain_scores"] == 6 and added["screenings"] == 3
    assert added["stretches"] == 0 and added["routines"] == 0  # seeded ones are the same records
    counts = snapshot(other)
    second = sij("import", str(backup), "--json", db=other)
    assert second.exit_code == 0
    summary = json.loads(second.stdout)
    assert set(summary["added"].values()) == {0}
    assert summary["already_here"]["sessions"] == 4 and summary["conflicts"] == []
    assert snapshot(other) == counts
    assert "Nothing new" in sij("import", str(backup), db=other).stderr


def test_import_into_the_same_database_adds_nothing(sij, tmp_path: Path, db_path: Path) -> None:
    _history(sij)
    backup = _write(tmp_path / "backup.json", _export(sij))
    counts = snapshot(db_path)
    result = sij("import", str(backup))
    assert result.exit_code == 0, result.output
    assert snapshot(db_path) == counts


def test_a_differing_record_is_kept_and_reported(sij, tmp_path: Path, db_path: Path) -> None:
    assert sij("log", "--note", "mine").exit_code == 0
    document = _export(sij)
    document["sessions"][0]["note"] = "changed elsewhere"
    result = sij("import", str(_write(tmp_path / "b.json", document)))
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "Nothing new" not in text
    assert "Nothing added; 1 record in the file differs from the one here and was kept as it is here:" in text
    assert "session #1 of 2026-11-24 09:30: differs from the one here" in text
    assert json.loads(sij("history", "--json").stdout)[0]["note"] == "mine"
    summary = json.loads(sij("import", str(tmp_path / "b.json"), "--json").stdout)
    assert summary["conflicts"] == [f"session {document['sessions'][0]['uuid']}: differs from the one here"]


def test_differing_check_ins_and_sessions_are_named_by_their_ids(sij, tmp_path: Path) -> None:
    assert sij("log", "--note", "mine", "--at", "2026-11-20").exit_code == 0
    assert sij("pain", "4", "--note", "mine", "--at", "2026-11-21").exit_code == 0
    document = _export(sij)
    document["sessions"][0]["note"] = "changed elsewhere"
    check_in = next(p for p in document["pain_scores"] if p["context"] == "check-in")
    check_in["note"] = "changed elsewhere"
    result = sij("import", str(_write(tmp_path / "b.json", document)))
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "Nothing added; 2 records in the file differ from the ones here and were kept as they are here:" in text
    assert "session #1 of 2026-11-20 12:00: differs" in text
    assert "check-in #1 of 2026-11-21 12:00: differs" in text


def _rekey_seeded(document: dict[str, Any]) -> dict[str, Any]:
    """As a database made before seeded uuids were fixed: same slugs, other uuids."""
    changed = copy.deepcopy(document)
    new = {s["uuid"]: str(uuid.uuid4()) for s in changed["stretches"]}
    new.update({r["uuid"]: str(uuid.uuid4()) for r in changed["routines"]})
    for s in changed["stretches"]:
        s["uuid"] = new[s["uuid"]]
    for r in changed["routines"]:
        r["uuid"] = new[r["uuid"]]
        r["stretches"] = [new[x] for x in r["stretches"]]
    for p in changed["sessions"]:
        p["routine"] = new.get(p["routine"], p["routine"])
        for h in p["holds"]:
            h["stretch"] = new[h["stretch"]]
    return changed


def test_seeded_stretches_with_other_uuids_are_matched_by_slug(sij, tmp_path: Path) -> None:
    assert sij("log", "--pain-before", "4").exit_code == 0
    original = _export(sij)
    old_style = _rekey_seeded(original)
    fresh = tmp_path / "fresh.db"
    result = sij("import", str(_write(tmp_path / "old.json", old_style)), "--json", db=fresh)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"]["stretches"] == 0 and summary["already_here"]["stretches"] == 3
    assert summary["already_here"]["routines"] == 1 and summary["conflicts"] == []
    copy_ = _export(sij, db=fresh)
    assert copy_["stretches"] == original["stretches"]  # this database's seeded uuids, no duplicates
    assert _without_time(copy_) == _without_time(original)
    assert json.loads(sij("history", "--json", db=fresh).stdout)[0]["routine"] == "si-basics"


def test_custom_stretch_is_added_with_its_uuid_and_a_slug_clash_is_reported(sij, tmp_path: Path) -> None:
    document = _export(sij)
    bridge = {
        "uuid": str(uuid.uuid4()),
        "slug": "bridge",
        "name": "Bridge",
        "steps": ["Lift your hips."],
        "cautions": [],
        "hold_seconds": 20,
        "per_side": False,
        "source": "my physio",
        "active": True,
        "seeded": False,
    }
    clash = dict(document["stretches"][0], uuid=str(uuid.uuid4()), name="My own figure 4")
    for routine in document["routines"]:
        routine["stretches"] = [
            clash["uuid"] if s == document["stretches"][0]["uuid"] else s for s in routine["stretches"]
        ]
    document["stretches"] = [*document["stretches"][1:], bridge, clash]
    fresh = tmp_path / "fresh.db"
    result = sij("import", str(_write(tmp_path / "c.json", document)), "--json", db=fresh)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"]["stretches"] == 1
    assert summary["conflicts"] == [f"stretch '{clash['slug']}': differs from the one here"]
    stretches = {s["slug"]: s for s in _export(sij, db=fresh)["stretches"]}
    assert stretches["bridge"]["uuid"] == bridge["uuid"]
    assert stretches[clash["slug"]]["name"] != "My own figure 4"


def test_settings_restore_into_a_new_database_but_never_overwrite_a_used_one(sij, tmp_path: Path) -> None:
    document = _export(sij)
    document["settings"]["day_start"] = "04:00"
    backup = _write(tmp_path / "s.json", document)
    fresh = tmp_path / "fresh.db"
    assert sij("import", str(backup), db=fresh).exit_code == 0
    assert _export(sij, db=fresh)["settings"]["day_start"] == "04:00"
    used = tmp_path / "used.db"
    assert sij("pain", "2", db=used).exit_code == 0
    with sqlite3.connect(used) as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('day_start', '02:00')")
    result = sij("import", str(backup), db=used)
    assert result.exit_code == 0
    assert "setting day_start: kept '02:00'" in result.stderr
    assert _export(sij, db=used)["settings"]["day_start"] == "02:00"


def test_dry_run_writes_nothing(sij, tmp_path: Path) -> None:
    _history(sij)
    backup = _write(tmp_path / "backup.json", _export(sij))
    fresh = tmp_path / "fresh.db"
    assert sij("pain", "1", db=fresh).exit_code == 0
    counts = snapshot(fresh)
    result = sij("import", str(backup), "--dry-run", db=fresh)
    assert result.exit_code == 0, result.output
    assert "Would add" in result.stdout and "nothing was written" in result.stderr
    assert snapshot(fresh) == counts


def _valid(sij) -> dict[str, Any]:
    assert sij("log", "--pain-before", "5", "--pain-after", "3").exit_code == 0
    assert sij("pain", "4").exit_code == 0
    return _export(sij)


def _mutate(document: dict[str, Any], change: str) -> Any:
    d = copy.deepcopy(document)
    if change == "wrong version":
        d["version"] = 2
    elif change == "version as text":
        d["version"] = "1"
    elif change == "foreign format":
        d["format"] = "other-app"
    elif change == "no format":
        del d["format"]
    elif change == "a FHIR bundle":
        return {"resourceType": "Bundle", "type": "collection", "entry": []}
    elif change == "a list":
        return [1, 2, 3]
    elif change == "pain 11":
        d["pain_scores"][0]["score"] = 11
    elif change == "pain as text":
        d["pain_scores"][0]["score"] = "5"
    elif change == "unknown stretch":
        d["sessions"][0]["holds"][0]["stretch"] = str(uuid.uuid4())
    elif change == "unknown session":
        d["pain_scores"][0]["session"] = str(uuid.uuid4())
    elif change == "bad uuid":
        d["sessions"][0]["uuid"] = "not-a-uuid"
    elif change == "duplicate uuid":
        d["pain_scores"][1]["uuid"] = d["pain_scores"][0]["uuid"]
    elif change == "missing field":
        del d["sessions"][0]["state"]
    elif change == "unknown field":
        d["sessions"][0]["colour"] = "blue"
    elif change == "bad state":
        d["sessions"][0]["state"] = "finished"
    elif change == "naive time":
        d["pain_scores"][0]["recorded_at"] = "2026-11-24T09:30:00"
    elif change == "offset mismatch":
        d["pain_scores"][0]["offset_minutes"] = 60
    elif change == "control character in note":
        d["pain_scores"][0]["note"] = "bell\x07"
    elif change == "no sessions list":
        d["sessions"] = None
    return d


CHANGES = [
    ("wrong version", "version 2 is not supported"),
    ("version as text", "version '1' is not supported"),
    ("foreign format", "not a sij export"),
    ("no format", "not a sij export"),
    ("a FHIR bundle", "not a sij export"),
    ("a list", "holds a list"),
    ("pain 11", "pain_scores[0].score should be a whole number from 0 to 10"),
    ("pain as text", "pain_scores[0].score should be a whole number"),
    ("unknown stretch", "is not in the file's stretches"),
    ("unknown session", "is not in the file's sessions"),
    ("bad uuid", "sessions[0].uuid is 'not-a-uuid', not a uuid"),
    ("duplicate uuid", "appears twice"),
    ("missing field", "sessions[0] lacks the field 'state'"),
    ("unknown field", "sessions[0] has an unknown field 'colour'"),
    ("bad state", "sessions[0].state is 'finished'"),
    ("naive time", "not an ISO 8601 date-time with an offset"),
    ("offset mismatch", "but offset_minutes is 60"),
    ("control character in note", "control character"),
    ("no sessions list", "sessions should be a list"),
]


@pytest.mark.parametrize(("change", "message"), CHANGES, ids=[c for c, _ in CHANGES])
def test_invalid_documents_are_rejected_and_nothing_is_written(sij, tmp_path, change, message) -> None:
    document = _valid(sij)
    fresh = tmp_path / "fresh.db"
    assert sij("pain", "2", db=fresh).exit_code == 0
    counts = snapshot(fresh)
    result = sij("import", str(_write(tmp_path / "bad.json", _mutate(document, change))), db=fresh)
    assert result.exit_code == 2, result.output
    line = " ".join(result.stderr.split())
    assert message in line
    assert "Nothing was imported" in line and "Traceback" not in result.output
    assert snapshot(fresh) == counts


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON (line 1, column 1"),
        (b"this is not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"{}", "not a sij export"),
        (b"null", "holds null"),
    ],
    ids=["empty", "corrupt", "binary", "empty object", "null"],
)
def test_corrupt_files_are_rejected(sij, tmp_path: Path, db_path: Path, content: bytes, message: str) -> None:
    _valid(sij)
    counts = snapshot(db_path)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = sij("import", str(bad))
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert snapshot(db_path) == counts


def test_truncated_backup_is_rejected(sij, tmp_path: Path, db_path: Path) -> None:
    _history(sij)
    text = sij("export", "--format", "json").stdout
    fresh = tmp_path / "fresh.db"
    assert sij("pain", "1", db=fresh).exit_code == 0
    counts = snapshot(fresh)
    for cut in (len(text) // 3, len(text) // 2, len(text) - 3):
        bad = tmp_path / "cut.json"
        bad.write_text(text[:cut], encoding="utf-8")
        result = sij("import", str(bad), db=fresh)
        assert result.exit_code == 2
        assert "it may be truncated or damaged" in " ".join(result.stderr.split())
        assert snapshot(fresh) == counts


def test_missing_file_is_bad_input_and_unreadable_file_is_exit_1(sij, tmp_path: Path, db_path: Path) -> None:
    result = sij("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "There is no file" in result.stderr
    result = sij("import", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.stderr
    locked = tmp_path / "locked.json"
    locked.write_text("{}", encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as a user who can read anything")
    result = sij("import", str(locked))
    assert result.exit_code == 1 and "Cannot read" in result.stderr


def test_backup_without_created_at_still_imports(sij, tmp_path: Path) -> None:
    """Backups written before entries carried their creation time are still accepted."""
    _history(sij)
    document = _export(sij)
    for record in document["sessions"] + document["pain_scores"]:
        del record["created_at"]
    fresh = tmp_path / "fresh.db"
    result = sij("import", str(_write(tmp_path / "old.json", document)), db=fresh)
    assert result.exit_code == 0, result.output
    assert len(_export(sij, db=fresh)["sessions"]) == len(document["sessions"])


def test_a_restore_into_an_empty_database_keeps_every_number(sij, tmp_path: Path, clock) -> None:
    assert sij("log", "--pain-before", "5", "--pain-after", "3").exit_code == 0  # session 1
    assert sij("pain", "4").exit_code == 0  # check-in 1
    assert sij("log", "--pain-before", "6").exit_code == 0  # session 2
    assert sij("pain", "2").exit_code == 0  # check-in 2
    assert sij("delete", "1", "--yes").exit_code == 0  # session 1 to the trash; 2 keeps its number
    assert sij("delete", "--check-in", "1", "--yes").exit_code == 0
    backup = tmp_path / "backup.json"
    assert sij("export", "--format", "json", "-o", str(backup)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert sij("import", str(backup), db=fresh).exit_code == 0
    sessions = json.loads(sij("history", "--json", db=fresh).stdout)
    check_ins = json.loads(sij("history", "--check-ins", "--json", db=fresh).stdout)
    assert [s["id"] for s in sessions] == [2] and [c["id"] for c in check_ins] == [2]
    trash = json.loads(sij("trash", "--json", db=fresh).stdout)
    assert sorted((t["kind"], t["id"]) for t in trash) == [("check-in", 1), ("session", 1)]
    assert sij("restore", "1", db=fresh).exit_code == 0 and sij("restore", "--check-in", "1", db=fresh).exit_code == 0


def test_after_a_restore_new_records_get_new_numbers(sij, tmp_path) -> None:
    """The restore keeps the file's numbers; the next session and check-in come after them (on every engine)."""
    other = tmp_path / "other.db"
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "5", db=other).exit_code == 0
    assert sij("pain", "3", "--at", "2026-11-21T08:00", db=other).exit_code == 0
    backup = tmp_path / "b.json"
    assert sij("export", "--format", "json", "-o", str(backup), db=other).exit_code == 0
    assert sij("import", str(backup)).exit_code == 0
    assert sij("log", "--pain-before", "4").exit_code == 0, "a new session after the restore"
    assert sij("pain", "2").exit_code == 0, "a new check-in after the restore"
    sessions = json.loads(sij("history", "--json").stdout)
    assert len(sessions) == 2


def _one_of_each(sij) -> None:
    assert sij("log", "--at", "2026-11-01T08:00", "--stretch", "supine-twist", "--pain-before", "6").exit_code == 0
    assert sij("pain", "4", "--at", "2026-11-02T09:00", "--note", "check-in").exit_code == 0
    assert sij("activities", "add", "Putting on socks").exit_code == 0
    assert sij("activities", "rate", "1=4").exit_code == 0
    assert sij("impression", "2").exit_code == 0


# Every field an import compares (a change is a conflict) and those it leaves aside (a change is still the same
# record): importing again compares plain rows with the file's values, and must say what comparing records said.
COMPARED = [
    ("sessions", "started_at", "2026-11-01T08:01:00+00:00"),
    ("sessions", "ended_at", "2026-11-01T08:25:00+00:00"),
    ("sessions", "note", "other"),
    ("sessions", "advice", "other"),
    ("sessions", "heat", True),
    ("sessions", "state", "aborted"),
    ("sessions", "guided", True),
    ("sessions", "flagged", True),
    ("sessions", "deleted_at", "2026-11-03T08:00:00+00:00"),
    ("sessions", "time_known", False),
    ("sessions", "routine", "the file's routine"),
    ("holds", "seconds", 1),
    ("holds", "side", "both"),
    ("holds", "completed", False),
    ("holds", "sharp", True),
    ("holds", "position", 9),
    ("pain_scores", "score", 9),
    ("pain_scores", "note", "other"),
    ("pain_scores", "sharp", True),
    ("pain_scores", "recorded_at", "2026-11-02T09:01:00+00:00"),
    ("pain_scores", "deleted_at", "2026-11-03T08:00:00+00:00"),
    ("pain_scores", "time_known", False),
    ("ratings", "value", 7),
    ("ratings", "recorded_at", "2020-01-01T08:00:00+00:00"),
    ("ratings", "deleted_at", "2026-11-25T08:00:00+00:00"),
    ("ratings", "time_known", False),
]
NOT_COMPARED = [
    ("sessions", "created_at", "2020-01-01T08:00:00+00:00"),
    ("sessions", "id", 77),
    ("sessions", "advice_score", 3),
    ("pain_scores", "created_at", "2020-01-01T08:00:00+00:00"),
    ("pain_scores", "id", 77),
    ("pain_scores", "number", 9),
    ("ratings", "created_at", "2020-01-01T08:00:00+00:00"),
    ("ratings", "id", 77),
]


def _change(document: dict[str, Any], kind: str, key: str, value: Any) -> str:
    """Changes one field of the first record of a kind (a hold: of the session that has one); returns what the
    conflict is about ("session <uuid>", "pain score <uuid>", "rating <uuid>")."""
    if kind == "holds":
        owner = next(s for s in document["sessions"] if s["holds"])
        owner["holds"][0][key] = value
        return f"session {owner['uuid']}"
    record = document[kind][0]
    if kind == "pain_scores":
        record = next(p for p in document[kind] if p["context"] == "check-in")
    if key == "routine":
        value = document["routines"][0]["uuid"]
    if key in ("started_at", "ended_at", "recorded_at"):
        value = value.replace("+00:00", _offset_text(record["offset_minutes"]))
    record[key] = value
    return {"sessions": "session", "pain_scores": "pain score", "ratings": "rating"}[kind] + f" {record['uuid']}"


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@pytest.mark.parametrize(("kind", "key", "value"), COMPARED, ids=[f"{k}.{f}" for k, f, _ in COMPARED])
def test_importing_again_reports_a_change_in_any_compared_field(sij, tmp_path: Path, db_path: Path, kind, key, value):
    _one_of_each(sij)
    document = _export(sij)
    what = _change(document, kind, key, value)
    counts = snapshot(db_path)
    before = _export(sij)
    result = sij("import", str(_write(tmp_path / "b.json", document)), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conflicts"] == [f"{what}: differs from the one here"]
    assert snapshot(db_path) == counts
    assert _without_time(_export(sij)) == _without_time(before)


@pytest.mark.parametrize(("kind", "key", "value"), NOT_COMPARED, ids=[f"{k}.{f}" for k, f, _ in NOT_COMPARED])
def test_importing_again_leaves_aside_what_is_not_compared(sij, tmp_path: Path, db_path: Path, kind, key, value):
    _one_of_each(sij)
    document = _export(sij)
    _change(document, kind, key, value)
    counts = snapshot(db_path)
    result = sij("import", str(_write(tmp_path / "b.json", document)), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["conflicts"] == [] and set(summary["added"].values()) == {0}
    assert summary["already_here"][kind] == {"sessions": 1, "pain_scores": 2, "ratings": 2}[kind]
    assert snapshot(db_path) == counts


def test_the_first_refused_value_in_the_file_is_named_and_nothing_is_written(sij, tmp_path: Path, db_path: Path):
    # The check tests each field over all records at once, then goes record by record to name the first problem.
    for day in range(1, 4):
        assert sij("log", "--at", f"2026-11-0{day}T08:00", "--stretch", "supine-twist").exit_code == 0
    document = _export(sij)
    document["sessions"][2]["note"] = "bell\x07"
    document["sessions"][1]["advice"] = "x" * 4001
    document["sessions"][1]["note"] = "tab\tand line\nare fine"
    backup = _write(tmp_path / "b.json", document)
    fresh = tmp_path / "fresh.db"
    result = sij("import", str(backup), db=fresh)
    assert result.exit_code == 2
    assert "sessions[1].advice is 4001 characters long; the limit is 4000." in flat(result.stderr)
    assert "Traceback" not in result.output
    document["sessions"][1]["advice"] = ""
    result = sij("import", str(_write(tmp_path / "b.json", document)), db=fresh)
    assert result.exit_code == 2
    assert "sessions[2].note contains a control character (0x07)" in flat(result.stderr)
    assert not fresh.exists() or snapshot(fresh).get("practice", 0) == 0
