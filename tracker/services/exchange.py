"""Export and import: take a plain snapshot of the database for the exporters, and merge a JSON backup back in.

The merge never overwrites what the person has: records are matched by uuid (stretches and routines also by slug,
because databases made before seeded uuids were fixed gave the same stretch a different uuid), identical ones are
skipped, and differing ones are kept as they are and reported as conflicts.
"""

from __future__ import annotations

import uuid as uuidlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from operator import itemgetter
from typing import Any

from sqlalchemy import DateTime, and_, insert, or_, type_coerce
from sqlalchemy import select as core_select  # any number of columns, typed as rows
from sqlmodel import Session, col, select

from tracker import __version__, safety
from tracker.clock import as_recorded
from tracker.db import follow_kept_ids, local_day_sql
from tracker.errors import InvalidInput
from tracker.exports.base import (
    ActivityItem,
    BackupRows,
    ExportData,
    HoldItem,
    PainItem,
    RatingItem,
    RoutineItem,
    ScreeningItem,
    SessionItem,
    StretchItem,
)
from tracker.models import (
    Activity,
    Hold,
    PainScore,
    Practice,
    Rating,
    Routine,
    RoutineStep,
    Screening,
    Setting,
    Stretch,
)
from tracker.records import context_rank
from tracker.services.practices import planned_holds, routine_hold_counts
from tracker.services.progress import progress_data, within_days
from tracker.services.settings import DEFAULT_ROUTINE, SEED_VERSION, day_start_minutes, get_setting, put_setting

FHIR_PATIENT_ID = "fhir_patient_id"
# Bookkeeping about this database file rather than the person's data: never exported, never imported.
# (When `sij` last asked for the impression of change is about this file's reminders, not the person's data.)
INTERNAL_SETTINGS = frozenset({SEED_VERSION, "impression_asked_on"})


# ---- reading rows as plain items ---------------------------------------------------------------
# Rows are read with SQLAlchemy Core (plain tuples with the columns' types applied), not as ORM objects: a
# twenty-year backup is some 50,000 rows, and building and tracking an ORM object per row costs ten times the query.


def _table(model: Any) -> Any:
    """The Core table of a SQLModel class (SQLModel does not declare `__table__` for type checkers)."""
    return model.__table__


def _rows(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement).all())


def _stretch_item(row: Any) -> StretchItem:
    return StretchItem(
        uuid=row.uuid,
        slug=row.slug,
        name=row.name,
        steps=tuple(row.steps),
        cautions=tuple(row.cautions),
        hold_seconds=row.hold_seconds,
        per_side=row.per_side,
        source=row.source,
        active=row.active,
        seeded=row.seeded,
    )


def _routine_items(session: Session, stretch_uuids: dict[int, str]) -> list[RoutineItem]:
    steps: dict[int, list[str]] = defaultdict(list)
    for step in _rows(
        session, select(_table(RoutineStep)).order_by(col(RoutineStep.routine_id), col(RoutineStep.position))
    ):
        steps[step.routine_id].append(stretch_uuids[step.stretch_id])
    return [
        RoutineItem(
            uuid=row.uuid,
            slug=row.slug,
            name=row.name,
            description=row.description,
            active=row.active,
            seeded=row.seeded,
            stretches=tuple(steps[row.id]),
        )
        # Sorted here, not by the database: PostgreSQL orders text by its locale, SQLite by code point.
        for row in sorted(_rows(session, select(_table(Routine))), key=lambda r: r.slug)
    ]


def _session_items(
    session: Session,
    rows: list[Any],
    holds_of: Any | None,
    stretch_uuids: dict[int, str],
    routine_uuids: dict[int, str],
) -> list[SessionItem]:
    """Sessions with their holds; `holds_of` selects the practice ids whose holds to read (a subquery; None: all)."""
    holds: dict[int, list[HoldItem]] = defaultdict(list)
    if rows:
        hold = _table(Hold).c
        ordered = select(_table(Hold))
        for row in _rows(session, ordered if holds_of is None else ordered.where(hold.practice_id.in_(holds_of))):
            holds[row.practice_id].append(
                HoldItem(
                    row.uuid,
                    row.position,
                    stretch_uuids[row.stretch_id],
                    row.side,
                    row.seconds,
                    row.completed,
                    row.sharp,
                )
            )
    counts = routine_hold_counts(session, {row.routine_id for row in rows})
    return [
        SessionItem(
            uuid=row.uuid,
            started_at=row.started_at,
            offset_minutes=row.offset_minutes,
            ended_at=row.ended_at,
            routine=routine_uuids[row.routine_id] if row.routine_id is not None else None,
            heat=row.heat,
            sharp=row.sharp,
            note=row.note,
            state=row.state,
            flagged=row.flagged,
            advice=row.advice,
            guided=row.guided,
            deleted_at=row.deleted_at,
            created_at=row.created_at,
            time_known=row.time_known,
            advice_score=row.advice_score,
            holds=tuple(sorted(holds[row.id], key=lambda h: (h.position, h.uuid))),
            id=row.id,
            planned_holds=planned_holds(row.state, row.routine_id, len(holds[row.id]), counts),
        )
        for row in rows
    ]


def _pain_item(row: Any, practice_uuids: dict[int, str]) -> PainItem:
    return PainItem(
        uuid=row.uuid,
        recorded_at=row.recorded_at,
        offset_minutes=row.offset_minutes,
        score=row.score,
        context=row.context,
        sharp=row.sharp,
        note=row.note,
        session=practice_uuids[row.practice_id] if row.practice_id is not None else None,
        flagged=row.flagged,
        advice=row.advice,
        deleted_at=row.deleted_at,
        time_known=row.time_known,
        advice_score=row.advice_score,
        created_at=row.created_at,
        id=row.id,
        number=row.check_in_number,
    )


def _screening_item(row: Any) -> ScreeningItem:
    return ScreeningItem(
        uuid=row.uuid,
        taken_at=row.taken_at,
        offset_minutes=row.offset_minutes,
        kind=row.kind,
        answers=dict(row.answers),
        level=row.level,
        advice=row.advice,
        id=row.id,
    )


def _activity_item(row: Activity) -> ActivityItem:
    return ActivityItem(
        uuid=row.uuid,
        text=row.text,
        added_at=row.added_at,
        offset_minutes=row.offset_minutes,
        retired_at=row.retired_at,
        id=row.id,
    )


def _rating_item(row: Any, activity_uuids: dict[int, str]) -> RatingItem:
    return RatingItem(
        uuid=row.uuid,
        kind=row.kind,
        activity=activity_uuids[row.activity_id] if row.activity_id is not None else None,
        value=row.value,
        recorded_at=row.recorded_at,
        offset_minutes=row.offset_minutes,
        deleted_at=row.deleted_at,
        time_known=row.time_known,
        created_at=row.created_at,
        id=row.id,
    )


def _catalogue_uuids(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    stretches = dict(_rows(session, select(Stretch.id, Stretch.uuid)))
    routines = dict(_rows(session, select(Routine.id, Routine.uuid)))
    return stretches, routines


# ---- export ------------------------------------------------------------------------------------


def ensure_patient_id(*, session: Session) -> str:
    """The FHIR Patient id of this database: made once, then the same in every export (and kept by a backup).

    A stable id lets a records system that receives several exports see one person, as it already sees the same
    sessions and scores under their stable uuids.
    """
    current = get_setting(session=session, key=FHIR_PATIENT_ID)
    if not current:
        current = str(uuidlib.uuid4())
        put_setting(session=session, key=FHIR_PATIENT_ID, value=current)
    return current


class _Period:
    """The SQL conditions that choose an export's records: local days `since`..`until` (None: open), and the trash.

    Pain scores taken in a session go with their session; check-ins, screenings and ratings count by their own day.
    The period is chosen in SQL (the time index narrows it, as in services.progress), so a three-month export
    reads three months of rows however long the history is.
    """

    def __init__(self, day_start: int, since: date | None, until: date | None, include_trashed: bool) -> None:
        practice_day = local_day_sql(col(Practice.started_at), col(Practice.offset_minutes), day_start)
        self.practices = within_days(col(Practice.started_at), practice_day, since, until)
        if not include_trashed:
            self.practices.append(col(Practice.deleted_at).is_(None))
        chosen = select(Practice.id).where(*self.practices)
        # The practice ids whose holds to read (None: every hold, when every practice is chosen).
        self.holds_of = chosen if self.practices else None
        pain_day = local_day_sql(col(PainScore.recorded_at), col(PainScore.offset_minutes), day_start)
        check_in = and_(
            col(PainScore.practice_id).is_(None), *within_days(col(PainScore.recorded_at), pain_day, since, until)
        )
        self.pains = [or_(col(PainScore.practice_id).in_(chosen), check_in)]
        if not include_trashed:
            self.pains.append(col(PainScore.deleted_at).is_(None))
        screen_day = local_day_sql(col(Screening.taken_at), col(Screening.offset_minutes), day_start)
        self.screenings = within_days(col(Screening.taken_at), screen_day, since, until)
        rating_day = local_day_sql(col(Rating.recorded_at), col(Rating.offset_minutes), day_start)
        self.ratings = within_days(col(Rating.recorded_at), rating_day, since, until)
        if not include_trashed:
            self.ratings.append(col(Rating.deleted_at).is_(None))


def _stretch_items(session: Session) -> tuple[StretchItem, ...]:
    # Text is sorted here, not by the database: PostgreSQL orders text by its locale, SQLite by code point.
    return tuple(_stretch_item(row) for row in sorted(_rows(session, select(_table(Stretch))), key=lambda r: r.slug))


def _screening_items(session: Session, period: _Period) -> tuple[ScreeningItem, ...]:
    screened = _rows(session, select(_table(Screening)).where(*period.screenings))
    return tuple(_screening_item(row) for row in sorted(screened, key=lambda r: (r.taken_at, r.uuid)))


def _exported_settings(session: Session) -> dict[str, str]:
    return {
        key: value
        for key, value in sorted(_rows(session, select(Setting.key, Setting.value)))
        if key not in INTERNAL_SETTINGS
    }


def build_export(
    *,
    session: Session,
    now: datetime,
    since: date | None = None,
    until: date | None = None,
    include_trashed: bool = False,
    name: str | None = None,
    with_patient_id: bool = False,
    with_progress: bool = False,
) -> ExportData:
    """A snapshot of the records in local days `since`..`until` (inclusive), with the whole catalogue and settings.

    Records are chosen as `_Period` says. Trashed records are left out unless `include_trashed` (the lossless
    backup keeps them). Every activity travels (ratings refer to them, and they are few). `with_progress` adds the
    numbers of `sij progress` for the same period, from the same queries and tracker.stats (the PDF report).
    """
    day_start = day_start_minutes(session=session)
    patient_id = ensure_patient_id(session=session) if with_patient_id else ""
    stretch_uuids, routine_uuids = _catalogue_uuids(session)
    period = _Period(day_start, since, until, include_trashed)
    practices = sorted(
        _rows(session, select(_table(Practice)).where(*period.practices)), key=lambda r: (r.started_at, r.uuid)
    )
    practice_uuids = {row.id: row.uuid for row in practices}
    pains = [
        _pain_item(row, practice_uuids)
        for row in sorted(
            _rows(session, select(_table(PainScore)).where(*period.pains)),
            key=lambda r: (r.recorded_at, context_rank(r.context), r.uuid),
        )
    ]
    activity_rows = list(session.exec(select(Activity).order_by(col(Activity.added_at), col(Activity.uuid))))
    activity_uuids = {row.id: row.uuid for row in activity_rows if row.id is not None}
    rated = _rows(session, select(_table(Rating)).where(*period.ratings))
    ratings = [_rating_item(row, activity_uuids) for row in sorted(rated, key=lambda r: (r.recorded_at, r.uuid))]
    progress = None
    rating_summary = None
    if with_progress:
        from tracker.services.ratings import ratings_view
        from tracker.stats import summarize

        progress = summarize(
            progress_data(session=session, now=now, since=since, until=until), limited=since is not None
        )
        rating_summary = ratings_view(session=session, since=since, until=until)
    return ExportData(
        exported_at=now,
        sij_version=__version__,
        stretches=_stretch_items(session),
        routines=tuple(_routine_items(session, stretch_uuids)),
        sessions=tuple(_session_items(session, practices, period.holds_of, stretch_uuids, routine_uuids)),
        pain_scores=tuple(pains),
        screenings=_screening_items(session, period),
        activities=tuple(_activity_item(row) for row in activity_rows),
        ratings=tuple(ratings),
        settings=_exported_settings(session),
        since=since,
        until=until,
        day_start_minutes=day_start,
        patient_id=patient_id,
        name=name,
        progress=progress,
        rating_summary=rating_summary,
    )


def _naive(column: Any) -> Any:
    """A UTC instant column read as the naive datetime stored, without making each one aware (the backup formats
    tens of thousands of them, with the offset it already knows)."""
    return type_coerce(column, DateTime())


def build_backup(
    *, session: Session, now: datetime, since: date | None = None, until: date | None = None
) -> BackupRows:
    """The lossless backup (trashed records too) of local days `since`..`until`, read as plain rows.

    The same records as `build_export(include_trashed=True)`, without an item object per record: references
    become uuids in SQL (joins), instants stay naive UTC, and the rows come back as tuples in the backup's order.
    """
    day_start = day_start_minutes(session=session)
    period = _Period(day_start, since, until, include_trashed=True)
    stretch_uuids, _ = _catalogue_uuids(session)
    practice, hold, pain, rating = (_table(model).c for model in (Practice, Hold, PainScore, Rating))
    routine, stretch, activity = (_table(model).c for model in (Routine, Stretch, Activity))
    own = _table(Practice).alias("own")  # a pain score's session, beside the practices the period chooses
    # Sorted here, not by the database: PostgreSQL orders text (the uuid that breaks a tie) by its locale.
    sessions = sorted(
        _rows(
            session,
            core_select(
                practice.uuid,
                _naive(practice.started_at),
                practice.offset_minutes,
                _naive(practice.ended_at),
                routine.uuid,
                practice.state,
                practice.guided,
                practice.heat,
                practice.sharp,
                practice.flagged,
                practice.advice,
                practice.note,
                practice.id,
                practice.time_known,
                practice.advice_score,
                _naive(practice.created_at),
                _naive(practice.deleted_at),
            )
            .select_from(_table(Practice).outerjoin(_table(Routine), practice.routine_id == routine.id))
            .where(*period.practices),
        ),
        key=_by_time_then_uuid,
    )
    holds: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    hold_rows = core_select(
        hold.practice_id, hold.uuid, hold.position, stretch.uuid, hold.side, hold.seconds, hold.completed, hold.sharp
    ).select_from(_table(Hold).join(_table(Stretch), hold.stretch_id == stretch.id))
    if sessions:
        if period.holds_of is not None:
            hold_rows = hold_rows.where(hold.practice_id.in_(period.holds_of))
        for row in _rows(session, hold_rows):
            holds[row[0]].append(row)
        for held in holds.values():
            held.sort(key=_by_position_then_uuid)
    pains = sorted(
        _rows(
            session,
            core_select(
                pain.uuid,
                _naive(pain.recorded_at),
                pain.offset_minutes,
                pain.score,
                pain.context,
                own.c.uuid,
                pain.sharp,
                pain.flagged,
                pain.advice,
                pain.note,
                pain.id,
                pain.check_in_number,
                pain.time_known,
                pain.advice_score,
                _naive(pain.created_at),
                _naive(pain.deleted_at),
            )
            .select_from(_table(PainScore).outerjoin(own, pain.practice_id == own.c.id))
            .where(*period.pains),
        ),
        key=lambda row: (row[1], context_rank(row[4]), row[0]),  # (uuid, instant, offset, score, context, ...)
    )
    activity_rows = list(session.exec(select(Activity).order_by(col(Activity.added_at), col(Activity.uuid))))
    ratings = sorted(
        _rows(
            session,
            core_select(
                rating.uuid,
                rating.kind,
                activity.uuid,
                rating.value,
                _naive(rating.recorded_at),
                rating.offset_minutes,
                rating.id,
                rating.time_known,
                _naive(rating.created_at),
                _naive(rating.deleted_at),
            )
            .select_from(_table(Rating).outerjoin(_table(Activity), rating.activity_id == activity.id))
            .where(*period.ratings),
        ),
        key=_rating_time_then_uuid,
    )
    return BackupRows(
        exported_at=now,
        sij_version=__version__,
        since=since,
        until=until,
        settings=_exported_settings(session),
        stretches=_stretch_items(session),
        routines=tuple(_routine_items(session, stretch_uuids)),
        sessions=sessions,
        holds=holds,
        pain_scores=pains,
        screenings=_screening_items(session, period),
        activities=tuple(_activity_item(row) for row in activity_rows),
        ratings=ratings,
        live_sessions=sum(1 for row in sessions if row[16] is None),
        live_pain_scores=sum(1 for row in pains if row[15] is None),
        live_ratings=sum(1 for row in ratings if row[9] is None),
    )


_by_time_then_uuid = itemgetter(1, 0)  # sessions: (uuid, instant, ...)
_by_position_then_uuid = itemgetter(2, 1)  # holds: (practice id, uuid, position, ...)
_rating_time_then_uuid = itemgetter(4, 0)  # ratings: (uuid, kind, activity, value, instant, ...)


# ---- import ------------------------------------------------------------------------------------

KINDS = (
    "stretches",
    "routines",
    "sessions",
    "holds",
    "pain_scores",
    "screenings",
    "activities",
    "ratings",
    "settings",
)


@dataclass
class ImportSummary:
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    conflicts: list[str] = field(default_factory=list)  # "what: why", each kept as it was here
    # The same conflicts as people know the records: "session #12 of 2026-11-20: differs from the one here".
    conflicts_shown: list[str] = field(default_factory=list)

    def conflict(self, technical: str, shown: str) -> None:
        self.conflicts.append(technical)
        self.conflicts_shown.append(shown)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


def _has_records(session: Session) -> bool:
    return any(
        session.exec(select(model.id).limit(1)).first() is not None
        for model in (Practice, PainScore, Screening, Activity, Rating)
    )


def check_importable(data: ExportData) -> None:
    """The rules the commands apply, for every value in the file (tracker.services.import_checks); InvalidInput."""
    from tracker.services.import_checks import check_backup

    check_backup(data)


def import_backup(*, session: Session, data: ExportData, checked: bool = False) -> ImportSummary:
    """Merge a parsed backup into the database. Never overwrites existing records.

    Call `check_importable` first, before opening the unit of work, and say so with `checked` (otherwise the whole
    file is checked again here: on twenty years, about a second). Into a database that holds no sessions, pain
    scores or screenings yet (a restore), the file's settings replace the defaults; otherwise a setting that
    differs is kept and reported.
    """
    if not checked:
        check_importable(data)
    summary = ImportSummary()
    restoring = not _has_records(session)
    stretch_map = _merge_stretches(session, data.stretches, summary)  # file uuid -> row here
    routine_map = _merge_routines(session, data.routines, stretch_map, summary)
    practice_ids = _merge_sessions(session, data.sessions, stretch_map, routine_map, summary)
    _merge_pains(session, data.pain_scores, practice_ids, summary)
    _merge_screenings(session, data.screenings, summary)
    _merge_ratings(session, data, summary)
    _merge_settings(session, data.settings, restoring, summary)
    session.flush()
    follow_kept_ids(session.connection(), ("practice", "pain_score", "activity", "rating"))
    return summary


def _merge_stretches(session: Session, items: Iterable[StretchItem], summary: ImportSummary) -> dict[str, Stretch]:
    rows = list(session.exec(select(Stretch)))
    by_uuid = {r.uuid: r for r in rows}
    by_slug = {r.slug: r for r in rows}
    mapping: dict[str, Stretch] = {}
    for item in items:
        row = by_uuid.get(item.uuid) or by_slug.get(item.slug)
        if row is not None:
            mapping[item.uuid] = row
            if _stretch_item(row) == replace(item, uuid=row.uuid):
                summary.unchanged["stretches"] += 1
            else:
                text = f"stretch '{item.slug}': differs from the one here"
                summary.conflict(text, text)
            continue
        row = Stretch(
            uuid=item.uuid,
            slug=item.slug,
            name=item.name,
            steps=list(item.steps),
            cautions=list(item.cautions),
            hold_seconds=item.hold_seconds,
            per_side=item.per_side,
            source=item.source,
            active=item.active,
            seeded=item.seeded,
        )
        session.add(row)
        by_uuid[row.uuid] = by_slug[row.slug] = mapping[item.uuid] = row
        summary.added["stretches"] += 1
    session.flush()
    return mapping


def _merge_routines(
    session: Session, items: Iterable[RoutineItem], stretches: dict[str, Stretch], summary: ImportSummary
) -> dict[str, Routine]:
    rows = list(session.exec(select(Routine)))
    by_uuid = {r.uuid: r for r in rows}
    by_slug = {r.slug: r for r in rows}
    stretch_uuids, _ = _catalogue_uuids(session)
    here = {r.uuid: r for r in _routine_items(session, stretch_uuids)}
    mapping: dict[str, Routine] = {}
    for item in items:
        translated = replace(item, stretches=tuple(stretches[s].uuid for s in item.stretches))
        row = by_uuid.get(item.uuid) or by_slug.get(item.slug)
        if row is not None:
            mapping[item.uuid] = row
            if here[row.uuid] == replace(translated, uuid=row.uuid):
                summary.unchanged["routines"] += 1
            else:
                text = f"routine '{item.slug}': differs from the one here"
                summary.conflict(text, text)
            continue
        row = Routine(
            uuid=item.uuid,
            slug=item.slug,
            name=item.name,
            description=item.description,
            active=item.active,
            seeded=item.seeded,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for position, stretch_uuid in enumerate(item.stretches, start=1):
            stretch_id = stretches[stretch_uuid].id
            assert stretch_id is not None
            session.add(RoutineStep(routine_id=row.id, position=position, stretch_id=stretch_id))
        by_uuid[row.uuid] = by_slug[row.slug] = mapping[item.uuid] = row
        summary.added["routines"] += 1
    session.flush()
    return mapping


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows in one executemany, without building ORM objects (a restore of twenty years is 50,000 rows)."""
    if rows:
        session.connection().execute(insert(_table(model)), rows)


def _utc_naive(moment: datetime | None) -> datetime | None:
    """An aware instant as the naive UTC datetime stored (how `_naive` columns read it back)."""
    if moment is None or moment.tzinfo is None:
        return moment
    if moment.tzinfo is not timezone.utc:  # a parsed backup's instants are UTC already
        moment = moment.astimezone(timezone.utc)
    return moment.replace(tzinfo=None)


def _session_values(item: SessionItem, routine: str | None) -> tuple[Any, ...]:
    """The compared fields of a session (those of SessionItem's equality), holds aside, in `_sessions_here`'s order."""
    return (
        item.uuid,
        _utc_naive(item.started_at),
        item.offset_minutes,
        _utc_naive(item.ended_at),
        routine,
        item.heat,
        item.sharp,
        item.note,
        item.state,
        item.flagged,
        item.advice,
        item.guided,
        _utc_naive(item.deleted_at),
        item.time_known,
    )


def _sessions_here(session: Session, uuids: set[str]) -> dict[str, tuple[int, tuple[Any, ...], tuple[Any, ...]]]:
    """The sessions here that the file also has: uuid -> (id, compared fields, holds), as plain rows.

    The same fields SessionItem compares, in `_session_values`' order, references as uuids (joins) and instants as
    the naive UTC stored; the holds as (uuid, position, stretch uuid, side, seconds, completed, sharp) in the order
    `build_export` gives them. Comparing these tuples says what comparing the items said, without building an item
    (and counting planned holds) for every session of a twenty-year history.
    """
    practice, hold, routine, stretch = (_table(model).c for model in (Practice, Hold, Routine, Stretch))
    rows = _rows(
        session,
        core_select(
            practice.id,
            practice.uuid,
            _naive(practice.started_at),
            practice.offset_minutes,
            _naive(practice.ended_at),
            routine.uuid,
            practice.heat,
            practice.sharp,
            practice.note,
            practice.state,
            practice.flagged,
            practice.advice,
            practice.guided,
            _naive(practice.deleted_at),
            practice.time_known,
        ).select_from(_table(Practice).outerjoin(_table(Routine), practice.routine_id == routine.id)),
    )
    existing = {row[0]: row for row in rows if row[1] in uuids}
    if not existing:
        return {}
    holds: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _rows(
        session,
        core_select(
            hold.practice_id,
            hold.uuid,
            hold.position,
            stretch.uuid,
            hold.side,
            hold.seconds,
            hold.completed,
            hold.sharp,
        ).select_from(_table(Hold).join(_table(Stretch), hold.stretch_id == stretch.id)),
    ):
        if row[0] in existing:
            holds[row[0]].append(tuple(row[1:]))
    return {
        row[1]: (pid, tuple(row[1:]), tuple(sorted(holds[pid], key=_position_then_uuid)))
        for pid, row in existing.items()
    }


_position_then_uuid = itemgetter(1, 0)  # a hold as (uuid, position, ...)


def _merge_sessions(
    session: Session,
    items: tuple[SessionItem, ...],
    stretches: dict[str, Stretch],
    routines: dict[str, Routine],
    summary: ImportSummary,
) -> dict[str, int]:
    """Sessions with their holds, as one unit each. Returns uuid -> id of every file session now here."""
    uuids = {p.uuid for p in items}
    here = _sessions_here(session, uuids)
    taken_holds = set(session.connection().scalars(select(Hold.uuid)).all())
    ids = {uuid: row[0] for uuid, row in here.items()}
    # File uuids of stretches that are known here under another uuid (matched by slug); usually none.
    renamed = {uuid for uuid, row in stretches.items() if row.uuid != uuid}
    new_sessions: list[SessionItem] = []
    for item in items:
        mine = here.get(item.uuid)
        if mine is not None:
            routine = routines[item.routine].uuid if item.routine else item.routine
            if item.holds and renamed:
                holds = tuple(
                    (h.uuid, h.position, stretches[h.stretch].uuid, h.side, h.seconds, h.completed, h.sharp)
                    for h in item.holds
                )
            else:
                holds = tuple(
                    (h.uuid, h.position, h.stretch, h.side, h.seconds, h.completed, h.sharp) for h in item.holds
                )
            if mine[1] == _session_values(item, routine) and mine[2] == holds:
                summary.unchanged["sessions"] += 1
                summary.unchanged["holds"] += len(item.holds)
            else:
                started, offset = mine[1][1], mine[1][2]
                summary.conflict(
                    f"session {item.uuid}: differs from the one here",
                    f"session #{mine[0]} of {_day(started, offset)}: differs from the one here",
                )
            continue
        if any(h.uuid in taken_holds for h in item.holds):
            summary.conflict(
                f"session {item.uuid}: one of its holds already belongs to another session here",
                f"the file's session of {_day(item.started_at, item.offset_minutes)}: "
                "one of its holds already belongs to another session here",
            )
            continue
        new_sessions.append(item)
    numbers = _NumberKeeper(_rows(session, select(Practice.id)), (item.id for item in new_sessions))
    practices: list[dict[str, Any]] = [
        {
            "id": numbers.keep(item.id),
            "uuid": item.uuid,
            "started_at": item.started_at,
            "offset_minutes": item.offset_minutes,
            "ended_at": item.ended_at,
            "routine_id": routines[item.routine].id if item.routine else None,
            "heat": item.heat,
            "sharp": item.sharp,
            "note": item.note,
            "state": item.state,
            "flagged": item.flagged,
            "advice": item.advice,
            "guided": item.guided,
            "deleted_at": item.deleted_at,
            "created_at": item.created_at,
            "time_known": item.time_known,
            "advice_score": item.advice_score,
        }
        for item in new_sessions
    ]
    _insert(session, Practice, practices)
    # Each new session has the id given here (kept or next free), so no read of them back.
    ids.update((row["uuid"], row["id"]) for row in practices)
    _insert(
        session,
        Hold,
        [
            {
                "uuid": hold.uuid,
                "practice_id": ids[item.uuid],
                "position": hold.position,
                "stretch_id": stretches[hold.stretch].id,
                "side": hold.side,
                "seconds": hold.seconds,
                "completed": hold.completed,
                "sharp": hold.sharp,
            }
            for item in new_sessions
            for hold in item.holds
        ],
    )
    summary.added["sessions"] += len(new_sessions)
    summary.added["holds"] += sum(len(item.holds) for item in new_sessions)
    return ids


class _NumberKeeper:
    """Numbers for new records: the one a record had where it was exported when no record here (nor an earlier one
    of this import) has it, else the next number above every number here and in the file, so none collide."""

    def __init__(self, here: Iterable[Any], wanted: Iterable[int | None]) -> None:
        self.taken = {row[0] for row in here if row[0] is not None}
        self.next = max([0, *self.taken, *(n for n in wanted if n is not None)]) + 1

    def keep(self, wanted: int | None) -> int:
        if wanted is None or wanted < 1 or wanted in self.taken:
            wanted, self.next = self.next, self.next + 1
        self.taken.add(wanted)
        return wanted


def _day(moment: datetime, offset_minutes: int) -> str:
    """A record's local date and time as people read it in `sij history`."""
    return f"{as_recorded(moment, offset_minutes):%Y-%m-%d %H:%M}"


def _pain_values(item: PainItem) -> tuple[Any, ...]:
    """The compared fields of a pain score (those of PainItem's equality), in `_merge_pains`' order."""
    return (
        item.uuid,
        _utc_naive(item.recorded_at),
        item.offset_minutes,
        item.score,
        item.context,
        item.sharp,
        item.note,
        item.session,
        item.flagged,
        item.advice,
        _utc_naive(item.deleted_at),
        item.time_known,
    )


def _merge_pains(
    session: Session, items: tuple[PainItem, ...], practice_ids: dict[str, int], summary: ImportSummary
) -> None:
    uuids = {p.uuid for p in items}
    pain = _table(PainScore).c
    own = _table(Practice).alias("own")  # the pain score's session, for its uuid
    # The fields PainItem compares, as plain rows (references as uuids, instants as the naive UTC stored), then
    # what a conflict names; compared with the file's values in the same shape instead of as an item each.
    existing = {
        row[0]: row
        for row in _rows(
            session,
            core_select(
                pain.uuid,
                _naive(pain.recorded_at),
                pain.offset_minutes,
                pain.score,
                pain.context,
                pain.sharp,
                pain.note,
                own.c.uuid,
                pain.flagged,
                pain.advice,
                _naive(pain.deleted_at),
                pain.time_known,
                pain.id,
                pain.practice_id,
                pain.check_in_number,
            ).select_from(_table(PainScore).outerjoin(own, pain.practice_id == own.c.id)),
        )
        if row[0] in uuids
    }
    new: list[dict[str, Any]] = []
    for item in items:
        row = existing.get(item.uuid)
        if row is not None:
            if row[:12] == _pain_values(item):
                summary.unchanged["pain_scores"] += 1
            else:
                pain_id, practice_id, check_in_number = row[12:]
                day = _day(row[1], row[2])
                if practice_id is None:
                    what = f"check-in #{check_in_number} of {day}"
                else:
                    what = f"pain score #{pain_id} of session #{practice_id} ({day})"
                summary.conflict(
                    f"pain score {item.uuid}: differs from the one here", f"{what}: differs from the one here"
                )
            continue
        if item.session is not None and item.session not in practice_ids:
            summary.conflict(
                f"pain score {item.uuid}: its session was not imported",
                f"the file's pain score of {_day(item.recorded_at, item.offset_minutes)}: its session was not imported",
            )
            continue
        new.append(
            {
                "id": item.id,
                "uuid": item.uuid,
                "recorded_at": item.recorded_at,
                "offset_minutes": item.offset_minutes,
                "score": item.score,
                "context": item.context,
                "sharp": item.sharp,
                "note": item.note,
                "practice_id": practice_ids[item.session] if item.session else None,
                "flagged": item.flagged,
                "advice": item.advice,
                "deleted_at": item.deleted_at,
                "created_at": item.created_at,
                "time_known": item.time_known,
                "advice_score": item.advice_score,
                "number": item.number if item.session is None else None,
            }
        )
    # Records keep the numbers people quote (session #12, check-in #4) when no record here has them.
    ids = _NumberKeeper(_rows(session, select(PainScore.id)), (row["id"] for row in new))
    check_ins = [row for row in new if row["practice_id"] is None]
    taken = _rows(session, select(PainScore.check_in_number).where(col(PainScore.check_in_number).is_not(None)))
    numbers = _NumberKeeper(taken, (row["number"] for row in check_ins))
    for row in new:
        row["id"] = ids.keep(row["id"])
        number = row.pop("number")
        row["check_in_number"] = numbers.keep(number) if row["practice_id"] is None else None
    _insert(session, PainScore, new)
    summary.added["pain_scores"] += len(new)


def _merge_screenings(session: Session, items: tuple[ScreeningItem, ...], summary: ImportSummary) -> None:
    uuids = {s.uuid for s in items}
    existing = {row.uuid: row for row in _rows(session, select(_table(Screening))) if row.uuid in uuids}
    new: list[dict[str, Any]] = []
    for item in items:
        row = existing.get(item.uuid)
        if row is not None:
            if _screening_item(row) == item:
                summary.unchanged["screenings"] += 1
            else:
                summary.conflict(
                    f"screening {item.uuid}: differs from the one here",
                    f"red-flag screen of {_day(row.taken_at, row.offset_minutes)}: differs from the one here",
                )
            continue
        new.append(
            {
                "uuid": item.uuid,
                "taken_at": item.taken_at,
                "offset_minutes": item.offset_minutes,
                "kind": item.kind,
                "answers": dict(item.answers),
                "level": item.level,
                "advice": item.advice,
            }
        )
    _insert(session, Screening, new)
    summary.added["screenings"] += len(new)


def _check_followed(active: Sequence[Activity]) -> None:
    """The activities followed after an import keep the rules `sij activities add` keeps: at most five, no two alike.
    InvalidInput otherwise, and the unit of work writes nothing."""
    named = Counter(row.text.casefold() for row in active)
    alike = next((row.text for row in active if named[row.text.casefold()] > 1), None)
    if len(active) > safety.ACTIVITIES_MAX or alike is not None:
        problem = (
            f"{len(active)} activities followed, where sij follows at most {safety.ACTIVITIES_MAX}"
            if alike is None
            else f"two activities followed named '{alike}'"
        )
        raise InvalidInput(
            f"Importing it would leave {problem}; retire one here with `sij activities retire ID` (or in the diary "
            "the backup came from) and import again. Nothing was imported.",
            subject="file",
        )


def _merge_ratings(session: Session, data: ExportData, summary: ImportSummary) -> None:
    """Activities, then their ratings; like every record, matched by uuid and never overwritten. New ones keep the
    numbers people quote (activity #2, rating #7) when no record here has them; a rating finds its activity by uuid."""
    activities = {row.uuid: row for row in session.exec(select(Activity))}
    new_activities = [item for item in data.activities if item.uuid not in activities]
    activity_ids = _NumberKeeper(_rows(session, select(Activity.id)), (item.id for item in new_activities))
    for item in data.activities:
        row = activities.get(item.uuid)
        if row is not None:
            if _activity_item(row) == item:
                summary.unchanged["activities"] += 1
            else:
                summary.conflict(
                    f"activity {item.uuid}: differs from the one here",
                    f"activity #{row.id} ({row.text}): differs from the one here",
                )
            continue
        row = Activity(
            id=activity_ids.keep(item.id),
            uuid=item.uuid,
            text=item.text,
            added_at=item.added_at,
            offset_minutes=item.offset_minutes,
            retired_at=item.retired_at,
        )
        session.add(row)
        activities[item.uuid] = row
        summary.added["activities"] += 1
    _check_followed([row for row in activities.values() if row.retired_at is None])
    session.flush()
    activity_uuids = {row.id: uuid for uuid, row in activities.items() if row.id is not None}
    rating = _table(Rating).c
    # The fields RatingItem compares, as plain rows (instants as the naive UTC stored), then the id a conflict names.
    existing = {
        row[0]: row
        for row in _rows(
            session,
            core_select(
                rating.uuid,
                rating.kind,
                rating.activity_id,
                rating.value,
                _naive(rating.recorded_at),
                rating.offset_minutes,
                _naive(rating.deleted_at),
                rating.time_known,
                rating.id,
            ),
        )
    }
    rating_ids = _NumberKeeper(
        _rows(session, select(Rating.id)), (r.id for r in data.ratings if r.uuid not in existing)
    )
    new: list[dict[str, Any]] = []
    for rated in data.ratings:
        row_here = existing.get(rated.uuid)
        if row_here is not None:
            here = (row_here[0], row_here[1], activity_uuids.get(row_here[2]), *row_here[3:8])
            if here == _rating_values(rated):
                summary.unchanged["ratings"] += 1
            else:
                day = _day(row_here[4], row_here[5])
                summary.conflict(
                    f"rating {rated.uuid}: differs from the one here",
                    f"rating #{row_here[8]} of {day}: differs from the one here",
                )
            continue
        new.append(
            {
                "id": rating_ids.keep(rated.id),
                "uuid": rated.uuid,
                "kind": rated.kind,
                "activity_id": activities[rated.activity].id if rated.activity is not None else None,
                "value": rated.value,
                "recorded_at": rated.recorded_at,
                "offset_minutes": rated.offset_minutes,
                "deleted_at": rated.deleted_at,
                "created_at": rated.created_at,
                "time_known": rated.time_known,
            }
        )
    _insert(session, Rating, new)
    summary.added["ratings"] += len(new)


def _rating_values(item: RatingItem) -> tuple[Any, ...]:
    """The compared fields of a rating (those of RatingItem's equality), in `_merge_ratings`' order."""
    return (
        item.uuid,
        item.kind,
        item.activity,
        item.value,
        _utc_naive(item.recorded_at),
        item.offset_minutes,
        _utc_naive(item.deleted_at),
        item.time_known,
    )


def _merge_settings(session: Session, settings: dict[str, str], restoring: bool, summary: ImportSummary) -> None:
    for key, value in sorted(settings.items()):
        if key in INTERNAL_SETTINGS:
            continue
        if key == DEFAULT_ROUTINE and session.exec(select(Routine.id).where(Routine.slug == value)).first() is None:
            text = f"setting {key}: kept as it is here (the file names a routine '{value}' that is not here)"
            summary.conflict(text, text)
            continue
        row = session.get(Setting, key)
        if row is None or (restoring and row.value != value):
            put_setting(session=session, key=key, value=value)
            summary.added["settings"] += 1
        elif row.value == value:
            summary.unchanged["settings"] += 1
        else:
            text = f"setting {key}: kept {row.value!r} (the file has {value!r})"
            summary.conflict(text, text)
