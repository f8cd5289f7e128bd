"""The change journal: every change a person makes to their records, in the order it was made, so `sij undo`
can reverse the last one whatever it was (a new entry, an edit, a deletion, a restore).

Generic over record kinds. A service that changes records takes a `snapshot` of the rows it will touch, makes
the change, then calls `record_change` with the rows it added. A kind (session, check-in, and any later one)
registers how a new entry of it goes to the trash (`register_kind`); everything else is reversed from the
stored previous values. Services never print or commit; the journal row is part of the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from tracker.errors import NothingToDo
from tracker.models import ChangeJournal, UTCDateTime

UNDO_WINDOW = timedelta(minutes=10)
# Columns an undo never takes back: advice once shown stays on the record (CLINICAL.md, "Corrections"),
# and when a row was entered stays true.
KEPT = frozenset({"flagged", "advice", "advice_score", "created_at"})

# The record kinds sij itself journals (their handlers live in services.corrections).
SESSION = "session"
CHECK_IN = "check-in"
RATING = "rating"  # handlers in services.ratings
ACTIVITY = "activity"  # handlers in services.ratings

ADD = "add"
EDIT = "edit"
DELETE = "delete"
RESTORE = "restore"
RETIRE = "retire"  # an activity no longer rated; undone from the stored previous values, like an edit
UNRETIRE = "unretire"

Snapshot = list[dict[str, Any]]
Trasher = Callable[[Session, int, datetime], object]


@dataclass(frozen=True)
class KindHandlers:
    trash: Trasher  # how undoing its addition moves a new entry of this kind to the trash


_KINDS: dict[str, KindHandlers] = {}
_TABLES: dict[str, type[SQLModel]] = {}
# The modules that register undoable kinds when imported; a new kind adds its module here.
KIND_MODULES = ("tracker.services.corrections", "tracker.services.ratings")


def _load_kinds() -> None:
    import importlib

    for name in KIND_MODULES:
        importlib.import_module(name)


def register_kind(kind: str, *, trash: Trasher, tables: Iterable[type[SQLModel]]) -> None:
    """Make a record kind undoable: its trash function and the tables its rows live in."""
    _KINDS[kind] = KindHandlers(trash=trash)
    for model in tables:
        _TABLES[str(model.__tablename__)] = model


@dataclass(frozen=True)
class JournalEntry:
    """A change as the journal knows it, for the confirmation question and the result."""

    id: int
    action: str  # ADD, EDIT, DELETE or RESTORE
    kind: str
    record_id: int
    made_at: datetime  # UTC
    fields: tuple[str, ...] = ()  # for an edit: the columns whose values undo brings back
    together: tuple[int, ...] = ()  # for an addition: the other records of its kind one command added with it


def _encode(row: SQLModel, column: Any) -> Any:
    value = getattr(row, column.name)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is not None and isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


def snapshot(rows: Iterable[SQLModel]) -> Snapshot:
    """Every column of each row as it is now (JSON-safe), to be given back by `undo_change`."""
    taken = []
    for row in rows:
        table = row.__table__  # type: ignore[attr-defined]
        taken.append(
            {
                "table": table.name,
                "id": row.id,  # type: ignore[attr-defined]
                "values": {c.name: _encode(row, c) for c in table.columns if c.name != "id"},
            }
        )
    return taken


def record_change(
    *,
    session: Session,
    action: str,
    kind: str,
    record_id: int,
    now: datetime,
    previous: Snapshot | None = None,
    added: Iterable[SQLModel] = (),
) -> None:
    """Write one change into the journal (in the caller's unit of work)."""
    session.flush()
    session.add(
        ChangeJournal(
            made_at=now,
            action=action,
            record_kind=kind,
            record_id=record_id,
            previous=previous or [],
            added=[{"table": r.__table__.name, "id": r.id} for r in added],  # type: ignore[attr-defined]
        )
    )


def _entry(row: ChangeJournal, session: Session) -> JournalEntry:
    assert row.id is not None
    together = tuple(item["id"] for item in row.added if item["id"] != row.record_id) if row.action == ADD else ()
    return JournalEntry(
        row.id, row.action, row.record_kind, row.record_id, row.made_at, _changed_fields(session, row), together
    )


def _changed_fields(session: Session, row: ChangeJournal) -> tuple[str, ...]:
    """For an edit: `table.column` of every value that differs now from before (what undo gives back)."""
    if row.action != EDIT:
        return ()
    found: list[str] = []
    for item in row.previous:
        model = _TABLES.get(item["table"])
        current = session.get(model, item["id"]) if model else None
        if current is None:
            continue
        table = current.__table__  # type: ignore[attr-defined]
        for column in table.columns:
            if (
                column.name not in KEPT
                and column.name in item["values"]
                and _encode(current, column) != item["values"][column.name]
            ):
                found.append(f"{item['table']}.{column.name}")
    for item in row.added:
        found.append(f"{item['table']}.added")
    return tuple(found)


def last_change(*, session: Session, now: datetime) -> JournalEntry:
    """The newest change not yet undone, if it was made in the last ten minutes (by the journal's own order)."""
    _load_kinds()
    row = session.exec(
        select(ChangeJournal).where(col(ChangeJournal.undone_at).is_(None)).order_by(col(ChangeJournal.id).desc())
    ).first()
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    if row is None or row.made_at < now - UNDO_WINDOW or row.record_kind not in _KINDS:
        newest = session.exec(select(ChangeJournal).order_by(col(ChangeJournal.id).desc())).first()
        if newest is not None and newest.undone_at is not None and newest.made_at >= now - UNDO_WINDOW:
            # Changes were made, and undone: "nothing was changed" would be untrue.
            raise NothingToDo(
                f"Nothing left to undo from the last {minutes} minutes (the last change was already undone); "
                "to remove an older entry use `sij delete ID` (ids are in `sij history`)."
            )
        raise NothingToDo(
            f"Nothing was changed in the last {minutes} minutes, so there is nothing to undo; "
            "to remove an older entry use `sij delete ID` (ids are in `sij history`)."
        )
    return _entry(row, session)


def undo_change(*, session: Session, change_id: int, now: datetime) -> JournalEntry:
    """Reverse one change: a new entry goes to the trash (with every entry added together with it); anything else
    gets its rows' previous values back."""
    row = session.get(ChangeJournal, change_id)
    assert row is not None and row.undone_at is None
    entry = _entry(row, session)
    if row.action == ADD:
        _KINDS[row.record_kind].trash(session, row.record_id, now)
        _trash_added(session, [item for item in row.added if item["id"] != row.record_id], now)
    else:
        for item in row.previous:
            model = _TABLES[item["table"]]
            target = session.get(model, item["id"])
            if target is None:
                continue
            columns = {c.name: c for c in target.__table__.columns}  # type: ignore[attr-defined]
            for name, value in item["values"].items():
                if name in columns and name not in KEPT:
                    setattr(target, name, _decode(columns[name], value))
            session.add(target)
        _trash_added(session, row.added, now)
    row.undone_at = now
    session.add(row)
    session.flush()
    return entry


def _trash_added(session: Session, added: Iterable[dict[str, Any]], now: datetime) -> None:
    """Rows a change created: to the trash, never destroyed."""
    for item in added:
        target = session.get(_TABLES[item["table"]], item["id"])
        if target is not None and hasattr(target, "deleted_at") and target.deleted_at is None:
            target.deleted_at = now
            session.add(target)
