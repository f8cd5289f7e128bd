"""The JSON backup round trip with generated histories: database -> JSON -> empty database -> the same JSON."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import safety
from tracker.db import open_database, unit_of_work
from tracker.exports import json_backup
from tracker.exports.base import ExportOptions
from tracker.models import Hold, PainScore, Practice, Routine, RoutineStep, Screening, Setting, Stretch
from tracker.services.exchange import build_backup, build_export, import_backup

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
SEEDED = ("knee-to-chest", "figure-4", "supine-twist")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded database, copied for each example (migrating every time would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path).close()
    return path


def _fresh(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.db"
    shutil.copyfile(template, path)
    return path


notes = st.text(st.characters(min_codepoint=32, exclude_categories=("Cs", "Cc")) | st.just("\n"), max_size=30)
moments = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(timezone.utc)
)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60)
flags = st.booleans()

holds = st.lists(
    st.fixed_dictionaries(
        {
            "stretch": st.integers(0, 3),
            "side": st.sampled_from(["left", "right", "both"]),
            "seconds": st.integers(0, 120),
            "completed": flags,
            "sharp": flags,
        }
    ),
    max_size=4,
)
sessions = st.lists(
    st.fixed_dictionaries(
        {
            "at": moments,
            "offset": offsets,
            "length": st.none() | st.integers(0, 3600),
            "routine": st.integers(0, 2),
            "state": st.sampled_from(["completed", "stopped_sharp", "aborted"]),
            "heat": flags,
            "sharp": flags,
            "flagged": flags,
            "guided": flags,
            "note": notes,
            "trashed": flags,
            "holds": holds,
            "pains": st.lists(
                st.tuples(st.integers(0, 10), st.sampled_from(["before", "after", "during"]), flags), max_size=2
            ),
        }
    ),
    max_size=4,
)
check_ins = st.lists(st.tuples(moments, offsets, st.integers(0, 10), flags, notes, flags), max_size=3)
screenings = st.lists(
    st.tuples(moments, offsets, st.sets(st.sampled_from(safety.SCREEN_CODES)), st.booleans()), max_size=2
)
histories = st.fixed_dictionaries(
    {
        "sessions": sessions,
        "check_ins": check_ins,
        "screenings": screenings,
        "custom": flags,
        "day_start": st.none() | st.sampled_from(["03:00", "04:30"]),
    }
)


def _fill(path: Path, history: dict[str, Any]) -> None:
    """Write a generated history straight into the tables, covering every field a backup must keep."""
    db = open_database(path)
    try:
        with unit_of_work(db) as session:
            from sqlmodel import select

            stretches = [session.exec(select(Stretch).where(Stretch.slug == s)).one() for s in SEEDED]
            routines: list[Routine | None] = [None, session.exec(select(Routine)).first()]
            if history["custom"]:
                bridge = Stretch(slug="bridge", name="+Bridge", steps=["Lift."], hold_seconds=20, per_side=False)
                session.add(bridge)
                session.flush()
                stretches.append(bridge)
                mine = Routine(slug="mine", name="Mine", description="=short", active=False)
                session.add(mine)
                session.flush()
                session.add(RoutineStep(routine_id=mine.id, position=1, stretch_id=bridge.id))
                routines.append(mine)
            for item in history["sessions"]:
                routine = routines[item["routine"] % len(routines)]
                practice = Practice(
                    started_at=item["at"],
                    offset_minutes=item["offset"],
                    ended_at=None if item["length"] is None else item["at"] + timedelta(seconds=item["length"]),
                    routine_id=routine.id if routine else None,
                    heat=item["heat"],
                    sharp=item["sharp"],
                    note=item["note"],
                    state=item["state"],
                    flagged=item["flagged"],
                    advice="Stop stretching for now." if item["flagged"] else "",
                    guided=item["guided"],
                    deleted_at=NOW if item["trashed"] else None,
                )
                session.add(practice)
                session.flush()
                for position, hold in enumerate(item["holds"], start=1):
                    stretch = stretches[hold["stretch"] % len(stretches)]
                    session.add(
                        Hold(
                            practice_id=practice.id,
                            position=position,
                            stretch_id=stretch.id,
                            side=hold["side"],
                            seconds=hold["seconds"],
                            completed=hold["completed"],
                            sharp=hold["sharp"],
                        )
                    )
                for score, context, sharp in item["pains"]:
                    session.add(
                        PainScore(
                            recorded_at=item["at"],
                            offset_minutes=item["offset"],
                            score=score,
                            context=context,
                            sharp=sharp,
                            practice_id=practice.id,
                            deleted_at=NOW if item["trashed"] else None,
                        )
                    )
            for number, (at, offset, score, sharp, note, trashed) in enumerate(history["check_ins"], start=1):
                session.add(
                    PainScore(
                        recorded_at=at,
                        offset_minutes=offset,
                        score=score,
                        sharp=sharp,
                        note=note,
                        flagged=sharp or score >= safety.SEVERE_AT,
                        deleted_at=NOW if trashed else None,
                        check_in_number=number,  # as the program numbers check-ins
                    )
                )
            for at, offset, yes, full in history["screenings"]:
                codes = safety.SCREEN_CODES if full else ("E1", "E2")
                answers = {code: code in yes for code in codes}
                level = safety.screening_level(answers)
                session.add(
                    Screening(
                        taken_at=at,
                        offset_minutes=offset,
                        kind="full" if full else "quick",
                        answers=answers,
                        level=level.value,
                        advice=safety.screening_advice(level),
                    )
                )
            if history["day_start"]:
                session.add(Setting(key="day_start", value=history["day_start"]))
    finally:
        db.close()


def _export(path: Path, now: datetime) -> str:
    """The backup as `sij export --format json` writes it (from rows), checked against the one from items."""
    db = open_database(path)
    try:
        with unit_of_work(db, readonly=True) as session:
            data = build_export(session=session, now=now, include_trashed=True)
            rows = build_backup(session=session, now=now)
    finally:
        db.close()
    fast = json_backup.render_rows(rows)
    assert fast == json_backup.render(data, ExportOptions())  # byte for byte
    return fast


def _import(path: Path, text: str) -> dict[str, int]:
    db = open_database(path)
    try:
        with unit_of_work(db) as session:
            return import_backup(session=session, data=json_backup.parse(text)).added
    finally:
        db.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=histories)
def test_round_trip_is_exact_apart_from_the_export_time(template: Path, tmp_path: Path, history) -> None:
    source = _fresh(template, tmp_path / "dbs")
    _fill(source, history)
    exported = _export(source, NOW)
    target = _fresh(template, tmp_path / "dbs")
    _import(target, exported)
    again = _export(target, NOW + timedelta(hours=1))
    first, second = json.loads(exported), json.loads(again)
    assert first.pop("exported_at") != second.pop("exported_at")
    assert first == second
    assert len(first["sessions"]) == len(history["sessions"])
    # and the same file a second time adds nothing
    assert set(_import(target, exported).values()) == {0}
    assert _export(target, NOW) == _export(target, NOW)


def test_every_time_keeps_its_offset(template: Path, tmp_path: Path) -> None:
    source = _fresh(template, tmp_path)
    at = datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=timezone.utc)
    _fill(
        source,
        {"sessions": [], "check_ins": [(at, -210, 4, False, "", False)], "screenings": [], "custom": False,
         "day_start": None},
    )  # fmt: skip
    score = json.loads(_export(source, NOW))["pain_scores"][0]
    assert score["recorded_at"] == "2026-03-28T21:00:15.123456-03:30"
    assert score["offset_minutes"] == -210
