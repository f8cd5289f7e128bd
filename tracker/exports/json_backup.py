"""The lossless JSON backup ("format": "sij-export", "version": 1): writing it, and reading it back strictly.

Stdlib only. Every record carries its uuid; times are ISO 8601 in the offset where they were recorded, with that
offset in minutes beside them; trashed records keep their `deleted_at`. Lists are sorted (time, then uuid; catalogue
by slug) so the same data always gives the same bytes. `parse` checks the whole document and raises BackupError with
the path of the first bad value, before anyone writes anything.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any

from tracker import safety
from tracker.clock import as_recorded
from tracker.dates import EARLIEST, LATEST
from tracker.exports.base import (
    ActivityItem,
    BackupRows,
    ExportData,
    Exporter,
    ExportOptions,
    HoldItem,
    PainItem,
    RatingItem,
    RoutineItem,
    ScreeningItem,
    SessionItem,
    StretchItem,
)
from tracker.records import context_rank

FORMAT = "sij-export"
VERSION = 1

SIDES = ("left", "right", "both")
STATES = ("completed", "stopped_sharp", "aborted")
CONTEXTS = ("before", "after", "during", "check-in")
KINDS = ("full", "quick")
LEVELS = ("none", "same-day", "emergency")
MAX_OFFSET = 18 * 60  # what ISO 8601 and Python allow
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _shown(value: Any) -> str:
    """A value from the file as a message may quote it: short (a hostile file can hold megabytes in one field)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "a number of over 40 digits"
    return text if len(text) <= 60 else text[:59] + "…"


class BackupError(ValueError):
    """The document is not a usable sij backup; the message names where and why."""


# ---- writing -----------------------------------------------------------------------------------


def _at(moment: datetime | None, offset: int) -> str | None:
    return None if moment is None else as_recorded(moment, offset).isoformat()


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).isoformat()


def _naive_utc(moment: datetime | None) -> str | None:
    """A naive UTC instant as read from the database, written as `_utc` writes an aware one."""
    return None if moment is None else moment.isoformat() + UTC_SUFFIX


def _head(data: ExportData | BackupRows) -> dict[str, Any]:
    """The document's fields up to the catalogue, and the catalogue (a few dozen records at most)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": data.exported_at.isoformat(),
        "sij_version": data.sij_version,
        "period": {
            "since": data.since.isoformat() if data.since else None,
            "until": data.until.isoformat() if data.until else None,
        },
        "settings": dict(sorted(data.settings.items())),
        "stretches": [
            {
                "uuid": s.uuid,
                "slug": s.slug,
                "name": s.name,
                "steps": list(s.steps),
                "cautions": list(s.cautions),
                "hold_seconds": s.hold_seconds,
                "per_side": s.per_side,
                "source": s.source,
                "active": s.active,
                "seeded": s.seeded,
            }
            for s in sorted(data.stretches, key=lambda s: (s.slug, s.uuid))
        ],
        "routines": [
            {
                "uuid": r.uuid,
                "slug": r.slug,
                "name": r.name,
                "description": r.description,
                "active": r.active,
                "seeded": r.seeded,
                "stretches": list(r.stretches),
            }
            for r in sorted(data.routines, key=lambda r: (r.slug, r.uuid))
        ],
    }


def _screenings(data: ExportData | BackupRows) -> list[dict[str, Any]]:
    return [
        {
            "uuid": s.uuid,
            "taken_at": _at(s.taken_at, s.offset_minutes),
            "offset_minutes": s.offset_minutes,
            "kind": s.kind,
            "answers": dict(sorted(s.answers.items())),
            "level": s.level,
            "advice": s.advice,
        }
        for s in sorted(data.screenings, key=lambda s: (s.taken_at, s.uuid))
    ]


def _activities(data: ExportData | BackupRows) -> list[dict[str, Any]]:
    return [
        {
            "uuid": a.uuid,
            "text": a.text,
            "added_at": _at(a.added_at, a.offset_minutes),
            "offset_minutes": a.offset_minutes,
            "retired_at": _utc(a.retired_at),
            "id": a.id,
        }
        for a in sorted(data.activities, key=lambda a: (a.added_at, a.uuid))
    ]


def to_document(data: ExportData) -> dict[str, Any]:
    """The backup of a snapshot of items (as `parse` gives back); `render_rows` writes the same from rows."""
    return {
        **_head(data),
        "sessions": [
            {
                "uuid": p.uuid,
                "started_at": _at(p.started_at, p.offset_minutes),
                "offset_minutes": p.offset_minutes,
                "ended_at": _at(p.ended_at, p.offset_minutes),
                "routine": p.routine,
                "state": p.state,
                "guided": p.guided,
                "heat": p.heat,
                "sharp": p.sharp,
                "flagged": p.flagged,
                "advice": p.advice,
                "note": p.note,
                "id": p.id,
                "time_known": p.time_known,
                "advice_score": p.advice_score,
                "created_at": _utc(p.created_at),
                "deleted_at": _utc(p.deleted_at),
                "holds": [
                    {
                        "uuid": h.uuid,
                        "position": h.position,
                        "stretch": h.stretch,
                        "side": h.side,
                        "seconds": h.seconds,
                        "completed": h.completed,
                        "sharp": h.sharp,
                    }
                    for h in sorted(p.holds, key=lambda h: (h.position, h.uuid))
                ],
            }
            for p in sorted(data.sessions, key=lambda p: (p.started_at, p.uuid))
        ],
        "pain_scores": [
            {
                "uuid": s.uuid,
                "recorded_at": _at(s.recorded_at, s.offset_minutes),
                "offset_minutes": s.offset_minutes,
                "score": s.score,
                "context": s.context,
                "session": s.session,
                "sharp": s.sharp,
                "flagged": s.flagged,
                "advice": s.advice,
                "note": s.note,
                "id": s.id,
                "number": s.number,
                "time_known": s.time_known,
                "advice_score": s.advice_score,
                "created_at": _utc(s.created_at),
                "deleted_at": _utc(s.deleted_at),
            }
            for s in sorted(data.pain_scores, key=lambda s: (s.recorded_at, context_rank(s.context), s.uuid))
        ],
        "screenings": _screenings(data),
        "activities": _activities(data),
        "ratings": [
            {
                "uuid": r.uuid,
                "kind": r.kind,
                "activity": r.activity,
                "value": r.value,
                "recorded_at": _at(r.recorded_at, r.offset_minutes),
                "offset_minutes": r.offset_minutes,
                "id": r.id,
                "time_known": r.time_known,
                "created_at": _utc(r.created_at),
                "deleted_at": _utc(r.deleted_at),
            }
            for r in sorted(data.ratings, key=lambda r: (r.recorded_at, r.uuid))
        ],
    }


class _Stamps:
    """ISO 8601 texts of naive UTC instants, cheaply: the local time is the instant plus a timedelta, and the offset's
    text a suffix, each made once per offset (`as_recorded(...).isoformat()` makes a time zone and an aware datetime
    per call; a twenty-year backup has some 70,000 instants)."""

    def __init__(self) -> None:
        self.shifts: dict[int, tuple[timedelta, str]] = {}

    def shift(self, offset: int) -> tuple[timedelta, str]:
        known = self.shifts.get(offset)
        if known is None:
            # The suffix exactly as an aware datetime's isoformat() writes the offset (e.g. "+05:45", "-03:30").
            zone = timezone(timedelta(minutes=offset))
            suffix = datetime(2000, 1, 1, tzinfo=zone).isoformat()[len("2000-01-01T00:00:00") :]
            known = self.shifts[offset] = (timedelta(minutes=offset), suffix)
        return known


def _sessions(rows: BackupRows, stamps: _Stamps) -> list[dict[str, Any]]:
    holds = rows.holds
    records = []
    for (
        uuid,
        started_at,
        offset,
        ended_at,
        routine,
        state,
        guided,
        heat,
        sharp,
        flagged,
        advice,
        note,
        id_,
        time_known,
        advice_score,
        created_at,
        deleted_at,
    ) in rows.sessions:
        shift, suffix = stamps.shift(offset)
        records.append(
            {
                "uuid": uuid,
                "started_at": (started_at + shift).isoformat() + suffix,
                "offset_minutes": offset,
                "ended_at": None if ended_at is None else (ended_at + shift).isoformat() + suffix,
                "routine": routine,
                "state": state,
                "guided": guided,
                "heat": heat,
                "sharp": sharp,
                "flagged": flagged,
                "advice": advice,
                "note": note,
                "id": id_,
                "time_known": time_known,
                "advice_score": advice_score,
                "created_at": _naive_utc(created_at),
                "deleted_at": _naive_utc(deleted_at),
                "holds": [
                    {
                        "uuid": h_uuid,
                        "position": position,
                        "stretch": stretch,
                        "side": side,
                        "seconds": seconds,
                        "completed": completed,
                        "sharp": h_sharp,
                    }
                    for _, h_uuid, position, stretch, side, seconds, completed, h_sharp in holds.get(id_, ())
                ],
            }
        )
    return records


def _pain_scores(rows: BackupRows, stamps: _Stamps) -> list[dict[str, Any]]:
    records = []
    for (
        uuid,
        recorded_at,
        offset,
        score,
        context,
        session,
        sharp,
        flagged,
        advice,
        note,
        id_,
        number,
        time_known,
        advice_score,
        created_at,
        deleted_at,
    ) in rows.pain_scores:
        shift, suffix = stamps.shift(offset)
        records.append(
            {
                "uuid": uuid,
                "recorded_at": (recorded_at + shift).isoformat() + suffix,
                "offset_minutes": offset,
                "score": score,
                "context": context,
                "session": session,
                "sharp": sharp,
                "flagged": flagged,
                "advice": advice,
                "note": note,
                "id": id_,
                "number": number,
                "time_known": time_known,
                "advice_score": advice_score,
                "created_at": _naive_utc(created_at),
                "deleted_at": _naive_utc(deleted_at),
            }
        )
    return records


def _ratings(rows: BackupRows, stamps: _Stamps) -> list[dict[str, Any]]:
    records = []
    for uuid, kind, activity, value, recorded_at, offset, id_, time_known, created_at, deleted_at in rows.ratings:
        shift, suffix = stamps.shift(offset)
        records.append(
            {
                "uuid": uuid,
                "kind": kind,
                "activity": activity,
                "value": value,
                "recorded_at": (recorded_at + shift).isoformat() + suffix,
                "offset_minutes": offset,
                "id": id_,
                "time_known": time_known,
                "created_at": _naive_utc(created_at),
                "deleted_at": _naive_utc(deleted_at),
            }
        )
    return records


UTC_SUFFIX = "+00:00"  # what an aware UTC datetime's isoformat() ends with


def _write(document: dict[str, Any]) -> str:
    """One field, or one record of a list, per line: readable and diffable, and written by json's C encoder.

    (`indent=` would switch json to its pure-Python encoder, several times slower on a long history.) One encoder
    serves every record: `json.dumps` would set one up per call, a sixth of the writing for 20,000 records.
    """
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False).encode
    fields = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            records = ",\n    ".join(map(dumps, value))
            fields.append(f"  {dumps(key)}: [\n    {records}\n  ]")
        else:
            fields.append(f"  {dumps(key)}: {dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def render(data: ExportData, options: ExportOptions) -> str:
    return _write(to_document(data))


def render_rows(rows: BackupRows) -> str:
    """The same text as `render` gives for the same records, from rows (services.exchange.build_backup)."""
    stamps = _Stamps()
    return _write(
        {
            **_head(rows),
            "sessions": _sessions(rows, stamps),
            "pain_scores": _pain_scores(rows, stamps),
            "screenings": _screenings(rows),
            "activities": _activities(rows),
            "ratings": _ratings(rows, stamps),
        }
    )


EXPORTER = Exporter(name="json", title="JSON backup", render=render, lossless=True, render_rows=render_rows)


# ---- reading -----------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


# The required fields of a kind of record, and every field it may have (required or optional), as sets.
_FIELD_SETS: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[frozenset[str], frozenset[str]]] = {}


class _Record:
    """One JSON object being read, with its path for messages (e.g. sessions[3].holds[0])."""

    def __init__(self, value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        label = path or "the document"
        if not isinstance(value, dict):
            raise BackupError(f"{label} should be an object, not {_kind(value)}")
        fields = _FIELD_SETS.get((required, optional))
        if fields is None:
            fields = _FIELD_SETS[required, optional] = (frozenset(required), frozenset(required + optional))
        keys = value.keys()
        if keys >= fields[0] and keys <= fields[1]:  # the usual case, in two set comparisons
            self.value = value
            self.path = path
            return
        missing = [k for k in required if k not in value]
        if missing:
            raise BackupError(f"{label} lacks the field '{missing[0]}'")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            raise BackupError(f"{label} has an unknown field '{unknown[0]}'")
        self.value = value
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, *, max_length: int | None = None, empty: bool = True) -> str:
        value = self.value[key]
        if not isinstance(value, str):
            raise BackupError(f"{self.where(key)} should be text, not {_kind(value)}")
        if not empty and not value.strip():
            raise BackupError(f"{self.where(key)} is empty")
        if max_length is not None and len(value) > max_length:
            raise BackupError(f"{self.where(key)} is {len(value)} characters long; the limit is {max_length}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.value[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BackupError(f"{self.where(key)} should be a list of texts")
        return tuple(value)

    def boolean(self, key: str) -> bool:
        value = self.value[key]
        if not isinstance(value, bool):
            raise BackupError(f"{self.where(key)} should be true or false, not {_kind(value)}")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.value[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BackupError(f"{self.where(key)} should be a whole number from {low} to {high}, not {_shown(value)}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.value[key]
        if value not in allowed:
            raise BackupError(f"{self.where(key)} is {_shown(value)}; expected one of {', '.join(allowed)}")
        return str(value)

    def uuid(self, key: str, *, nullable: bool = False) -> str | None:
        value = self.value[key]
        if value is None and nullable:
            return None
        if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
            return value  # the usual case, without building a UUID object
        if not isinstance(value, str):
            raise BackupError(f"{self.where(key)} should be a uuid, not {_kind(value)}")
        try:
            canonical = str(uuidlib.UUID(value))
        except ValueError:
            raise BackupError(f"{self.where(key)} is {_shown(value)}, not a uuid") from None
        if canonical != value:
            raise BackupError(f"{self.where(key)} is {_shown(value)}; write uuids in lower case with hyphens")
        return value

    def moment(self, key: str, offset: int | None = None, *, nullable: bool = False) -> datetime | None:
        """An ISO 8601 date-time with its offset, as an aware UTC datetime; its offset must match `offset`."""
        value = self.value[key]
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise BackupError(f"{self.where(key)} should be an ISO 8601 date-time, not {_kind(value)}")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or "T" not in value:
            raise BackupError(
                f"{self.where(key)} is {_shown(value)}, not an ISO 8601 date-time with an offset such as "
                "2026-11-24T09:30:00+01:00"
            )
        if not EARLIEST.year <= parsed.year <= LATEST.year:
            # Checked before any time-zone arithmetic, which overflows near the years 1 and 9999.
            raise BackupError(f"{self.where(key)} is {_shown(value)}; dates must be from {EARLIEST} to {LATEST}")
        stated = parsed.utcoffset() or timedelta()
        if offset is not None and stated != timedelta(minutes=offset):
            raise BackupError(f"{self.where(key)} has offset {value[-6:]} but offset_minutes is {offset}")
        return parsed.astimezone(timezone.utc)

    def required_moment(self, key: str, offset: int | None = None) -> datetime:
        moment = self.moment(key, offset)
        assert moment is not None
        return moment

    def day(self, key: str) -> date | None:
        value = self.value[key]
        if value is None:
            return None
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None or not EARLIEST <= day <= LATEST:
            raise BackupError(
                f"{self.where(key)} should be an ISO date from {EARLIEST} to {LATEST} (2026-11-24) or null, "
                f"not {str(value)[:40]!r}"
            )
        return day

    def items(self, key: str) -> list[Any]:
        value = self.value[key]
        if not isinstance(value, list):
            raise BackupError(f"{self.where(key)} should be a list, not {_kind(value)}")
        return value


def _stretch(raw: Any, path: str) -> StretchItem:
    r = _Record(
        raw,
        path,
        ("uuid", "slug", "name", "steps", "cautions", "hold_seconds", "per_side", "source", "active", "seeded"),
    )
    return StretchItem(
        uuid=str(r.uuid("uuid")),
        slug=r.text("slug", max_length=64, empty=False),
        name=r.text("name", max_length=200, empty=False),
        steps=r.texts("steps"),
        cautions=r.texts("cautions"),
        hold_seconds=r.integer("hold_seconds", 1, 3600),
        per_side=r.boolean("per_side"),
        source=r.text("source"),
        active=r.boolean("active"),
        seeded=r.boolean("seeded"),
    )


def _routine(raw: Any, path: str) -> RoutineItem:
    r = _Record(raw, path, ("uuid", "slug", "name", "description", "active", "seeded", "stretches"))
    steps = r.items("stretches")
    for i, _ in enumerate(steps):
        _Record({"stretch": steps[i]}, f"{path}.stretches[{i}]", ("stretch",)).uuid("stretch")
    return RoutineItem(
        uuid=str(r.uuid("uuid")),
        slug=r.text("slug", max_length=64, empty=False),
        name=r.text("name", max_length=200, empty=False),
        description=r.text("description"),
        active=r.boolean("active"),
        seeded=r.boolean("seeded"),
        stretches=tuple(steps),
    )


_HOLD_FIELDS = ("uuid", "position", "stretch", "side", "seconds", "completed", "sharp")
_HOLD_FIELDS_SET = frozenset(_HOLD_FIELDS)
_hold_values = itemgetter(*_HOLD_FIELDS)
_is_uuid = CANONICAL_UUID.fullmatch


def _hold(raw: Any, session_path: str, index: int) -> HoldItem:
    """A session's hold. A twenty-year backup has some 36,000: the usual hold is tested in one expression with
    the same rules as `_read_hold`, which reads any other (and names its first problem)."""
    if type(raw) is dict and len(raw) == 7 and _HOLD_FIELDS_SET.issuperset(raw):
        uuid, position, stretch, side, seconds, completed, sharp = _hold_values(raw)
        if (
            type(uuid) is str
            and _is_uuid(uuid)
            and type(position) is int
            and 1 <= position <= 10_000
            and type(stretch) is str
            and _is_uuid(stretch)
            and type(side) is str
            and side in SIDES
            and type(seconds) is int
            and 0 <= seconds <= 24 * 3600
            and type(completed) is bool
            and type(sharp) is bool
        ):
            return HoldItem(uuid, position, stretch, side, seconds, completed, sharp)
    return _read_hold(raw, f"{session_path}.holds[{index}]")


def _read_hold(raw: Any, path: str) -> HoldItem:
    r = _Record(raw, path, _HOLD_FIELDS)
    return HoldItem(
        uuid=str(r.uuid("uuid")),
        position=r.integer("position", 1, 10_000),
        stretch=str(r.uuid("stretch")),
        side=r.choice("side", SIDES),
        seconds=r.integer("seconds", 0, 24 * 3600),
        completed=r.boolean("completed"),
        sharp=r.boolean("sharp"),
    )


def _offset(r: _Record) -> int:
    return r.integer("offset_minutes", -MAX_OFFSET + 1, MAX_OFFSET - 1)


def _session(raw: Any, path: str) -> SessionItem:
    r = _Record(
        raw,
        path,
        (
            "uuid",
            "started_at",
            "offset_minutes",
            "ended_at",
            "routine",
            "state",
            "guided",
            "heat",
            "sharp",
            "flagged",
            "advice",
            "note",
            "deleted_at",
            "holds",
        ),
        optional=("created_at", "id", "time_known", "advice_score"),
    )
    offset = _offset(r)
    return SessionItem(
        uuid=str(r.uuid("uuid")),
        started_at=r.required_moment("started_at", offset),
        offset_minutes=offset,
        ended_at=r.moment("ended_at", offset, nullable=True),
        routine=r.uuid("routine", nullable=True),
        heat=r.boolean("heat"),
        sharp=r.boolean("sharp"),
        note=r.text("note"),
        state=r.choice("state", STATES),
        flagged=r.boolean("flagged"),
        advice=r.text("advice"),
        guided=r.boolean("guided"),
        deleted_at=r.moment("deleted_at", nullable=True),
        created_at=r.moment("created_at", nullable=True) if "created_at" in r.value else None,
        id=_optional_int(r, "id", 1, ID_MAX),
        time_known=r.boolean("time_known") if "time_known" in r.value else True,
        advice_score=_optional_int(r, "advice_score", safety.PAIN_MIN, safety.PAIN_MAX),
        holds=tuple(_hold(h, path, i) for i, h in enumerate(r.items("holds"))),
    )


def _pain(raw: Any, path: str) -> PainItem:
    r = _Record(
        raw,
        path,
        (
            "uuid",
            "recorded_at",
            "offset_minutes",
            "score",
            "context",
            "session",
            "sharp",
            "flagged",
            "advice",
            "note",
            "deleted_at",
        ),
        optional=("created_at", "id", "number", "time_known", "advice_score"),
    )
    offset = _offset(r)
    return PainItem(
        uuid=str(r.uuid("uuid")),
        recorded_at=r.required_moment("recorded_at", offset),
        offset_minutes=offset,
        score=r.integer("score", safety.PAIN_MIN, safety.PAIN_MAX),
        context=r.choice("context", CONTEXTS),
        sharp=r.boolean("sharp"),
        note=r.text("note"),
        session=r.uuid("session", nullable=True),
        flagged=r.boolean("flagged"),
        advice=r.text("advice"),
        deleted_at=r.moment("deleted_at", nullable=True),
        created_at=r.moment("created_at", nullable=True) if "created_at" in r.value else None,
        id=_optional_int(r, "id", 1, ID_MAX),
        number=_optional_int(r, "number", 1, ID_MAX),
        time_known=r.boolean("time_known") if "time_known" in r.value else True,
        advice_score=_optional_int(r, "advice_score", safety.PAIN_MIN, safety.PAIN_MAX),
    )


ID_MAX = 2**63 - 1


def _optional_int(r: _Record, key: str, low: int, high: int) -> int | None:
    """An optional whole number (absent or null: None); older backups have none of these."""
    if r.value.get(key) is None:
        return None
    return r.integer(key, low, high)


def _screening(raw: Any, path: str) -> ScreeningItem:
    r = _Record(raw, path, ("uuid", "taken_at", "offset_minutes", "kind", "answers", "level", "advice"))
    offset = _offset(r)
    answers = r.value["answers"]
    if not isinstance(answers, dict):
        raise BackupError(f"{path}.answers should be an object, not {_kind(answers)}")
    for code, answer in answers.items():
        # E1-E6 and U1-U7 for a full screen; the quick check before a routine stores one combined answer.
        if not code or len(code) > 64 or not code.replace("_", "").replace("-", "").isalnum():
            raise BackupError(f"{path}.answers has a question code {_shown(code)} that is not a short identifier")
        if not isinstance(answer, bool):
            raise BackupError(f"{path}.answers.{code} should be true or false, not {_kind(answer)}")
    return ScreeningItem(
        uuid=str(r.uuid("uuid")),
        taken_at=r.required_moment("taken_at", offset),
        offset_minutes=offset,
        kind=r.choice("kind", KINDS),
        answers=dict(answers),
        level=r.choice("level", LEVELS),
        advice=r.text("advice"),
    )


RATING_KINDS = ("function", "impression")


def _activity(raw: Any, path: str) -> ActivityItem:
    # `id` came later: a backup written before it has none, and the import numbers its activities anew.
    r = _Record(raw, path, ("uuid", "text", "added_at", "offset_minutes", "retired_at"), ("id",))
    offset = _offset(r)
    return ActivityItem(
        uuid=str(r.uuid("uuid")),
        text=r.text("text", max_length=safety.ACTIVITY_TEXT_MAX, empty=False),
        added_at=r.required_moment("added_at", offset),
        offset_minutes=offset,
        retired_at=r.moment("retired_at", nullable=True),
        id=_optional_int(r, "id", 1, ID_MAX),
    )


def _rating(raw: Any, path: str) -> RatingItem:
    r = _Record(
        raw,
        path,
        ("uuid", "kind", "activity", "value", "recorded_at", "offset_minutes", "deleted_at"),
        ("created_at", "id", "time_known"),  # later additions; a backup without time_known has times that are known
    )
    offset = _offset(r)
    kind = r.choice("kind", RATING_KINDS)
    if kind == "function":
        activity = r.uuid("activity")
        value = r.integer("value", safety.FUNCTION_MIN, safety.FUNCTION_MAX)
    else:
        if r.value["activity"] is not None:
            raise BackupError(f"{r.where('activity')} should be null for an impression of change")
        activity = None
        value = r.integer("value", safety.IMPRESSION_MIN, safety.IMPRESSION_MAX)
    return RatingItem(
        uuid=str(r.uuid("uuid")),
        kind=kind,
        activity=activity,
        value=value,
        recorded_at=r.required_moment("recorded_at", offset),
        offset_minutes=offset,
        deleted_at=r.moment("deleted_at", nullable=True),
        created_at=r.moment("created_at", nullable=True) if "created_at" in r.value else None,
        id=_optional_int(r, "id", 1, ID_MAX),
        time_known=r.boolean("time_known") if "time_known" in r.value else True,
    )


def _check_references(data: ExportData) -> None:
    seen: set[str] = set()
    every = [
        *(("stretches", s.uuid) for s in data.stretches),
        *(("routines", r.uuid) for r in data.routines),
        *(("sessions", p.uuid) for p in data.sessions),
        *(("holds", h.uuid) for p in data.sessions for h in p.holds),
        *(("pain_scores", s.uuid) for s in data.pain_scores),
        *(("screenings", s.uuid) for s in data.screenings),
        *(("activities", a.uuid) for a in data.activities),
        *(("ratings", r.uuid) for r in data.ratings),
    ]
    for where, uuid in every:
        if uuid in seen:
            raise BackupError(f"the uuid {uuid} appears twice (again in {where}); each record needs its own")
        seen.add(uuid)
    slugs: set[str] = set()
    for s in data.stretches:
        if s.slug in slugs:
            raise BackupError(f"two stretches share the slug '{s.slug}'")
        slugs.add(s.slug)
    slugs.clear()
    for r in data.routines:
        if r.slug in slugs:
            raise BackupError(f"two routines share the slug '{r.slug}'")
        slugs.add(r.slug)
    stretches = {s.uuid for s in data.stretches}
    routines = {r.uuid for r in data.routines}
    sessions = {p.uuid for p in data.sessions}
    for r in data.routines:
        for ref in r.stretches:
            if ref not in stretches:
                raise BackupError(f"routine '{r.slug}' names stretch {ref}, which is not in the file's stretches")
    for i, p in enumerate(data.sessions):
        if p.routine is not None and p.routine not in routines:
            raise BackupError(f"sessions[{i}].routine {p.routine} is not in the file's routines")
        for j, h in enumerate(p.holds):
            if h.stretch not in stretches:
                raise BackupError(f"sessions[{i}].holds[{j}].stretch {h.stretch} is not in the file's stretches")
    for i, pain in enumerate(data.pain_scores):
        if pain.session is not None and pain.session not in sessions:
            raise BackupError(f"pain_scores[{i}].session {pain.session} is not in the file's sessions")
    activities = {a.uuid for a in data.activities}
    for i, rating in enumerate(data.ratings):
        if rating.activity is not None and rating.activity not in activities:
            raise BackupError(f"ratings[{i}].activity {rating.activity} is not in the file's activities")


TOP_LEVEL = (
    "format",
    "version",
    "exported_at",
    "sij_version",
    "period",
    "settings",
    "stretches",
    "routines",
    "sessions",
    "pain_scores",
    "screenings",
)


def from_document(document: Any) -> ExportData:
    """The backup as plain data, or BackupError naming the first problem. Checks the whole document."""
    if not isinstance(document, dict):
        raise BackupError(f"it holds {_kind(document)}, not a sij export object")
    if document.get("format") != FORMAT:
        found = document.get("format")
        what = f"its format is {_shown(found)}" if found is not None else 'it has no "format": "sij-export" field'
        raise BackupError(f"it is not a sij export ({what})")
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        raise BackupError(f"its version {_shown(version)} is not supported; this sij reads version {VERSION}")
    # Activities and ratings came later: a backup written before them simply has none.
    top = _Record(document, "", TOP_LEVEL, optional=("activities", "ratings"))
    period = _Record(document["period"], "period", ("since", "until"))
    settings = document["settings"]
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise BackupError("settings should be an object of texts")
    for key in settings:
        if not key or len(key) > 64:
            raise BackupError(f"settings has a key {_shown(key)} that is empty or longer than 64 characters")
    data = ExportData(
        exported_at=top.required_moment("exported_at"),
        sij_version=top.text("sij_version"),
        since=period.day("since"),
        until=period.day("until"),
        settings=dict(settings),
        stretches=tuple(_stretch(s, f"stretches[{i}]") for i, s in enumerate(top.items("stretches"))),
        routines=tuple(_routine(r, f"routines[{i}]") for i, r in enumerate(top.items("routines"))),
        sessions=tuple(_session(p, f"sessions[{i}]") for i, p in enumerate(top.items("sessions"))),
        pain_scores=tuple(_pain(s, f"pain_scores[{i}]") for i, s in enumerate(top.items("pain_scores"))),
        screenings=tuple(_screening(s, f"screenings[{i}]") for i, s in enumerate(top.items("screenings"))),
        activities=tuple(
            _activity(a, f"activities[{i}]")
            for i, a in enumerate(top.items("activities") if "activities" in document else [])
        ),
        ratings=tuple(
            _rating(r, f"ratings[{i}]") for i, r in enumerate(top.items("ratings") if "ratings" in document else [])
        ),
    )
    _check_references(data)
    return data


def parse(text: str) -> ExportData:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise BackupError(
            f"it is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); it may be truncated or damaged"
        ) from None
    except RecursionError:
        raise BackupError("it is nested too deeply to be a sij export") from None
    except ValueError:
        # Python refuses integers of thousands of digits (a denial-of-service guard) with a plain ValueError.
        raise BackupError("it holds a number far too long to be part of a sij export") from None
    try:
        return from_document(document)
    except RecursionError:
        raise BackupError("it is nested too deeply to be a sij export") from None
