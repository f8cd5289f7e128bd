"""Ratings: the activities a person's pain makes hard (rated 0-10, PSFS-style) and the global impression of
change (1-7, PGIC-style); when `sij` should ask for them; correcting them as check-ins are corrected.

Never prints or commits. Every threshold and wording comes from tracker.safety.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import as_recorded, format_local, local_day, offset_minutes, when_text
from tracker.db import get_by_id
from tracker.errors import InvalidInput, NotFound
from tracker.models import Activity, Practice, Rating, RatingKind
from tracker.records import ActivityRecord, RatingRecord
from tracker.services import journal
from tracker.services.settings import day_start_minutes, get_setting, put_setting
from tracker.stats import RatingsView, function_summary, latest_impression
from tracker.text import describe_char, first_control

ACTIVITIES_OFFERED = "activities_offered"  # the first-use offer to name activities was made
IMPRESSION_ASKED_ON = "impression_asked_on"  # the local day `sij` last asked for the impression


# ---- checks ------------------------------------------------------------------------------------


def check_activity_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(
            "The activity is empty; name something your pain makes hard, e.g. 'putting on socks'.", subject="text"
        )
    # The same characters as a note's: Persian's zero-width non-joiner, an emoji's joiner and the direction marks
    # are part of the text; terminal controls and the direction overrides are not.
    bad = first_control(text, keep="\n\t")
    if bad is not None:
        raise InvalidInput(
            f"The activity contains a control character ({describe_char(bad)}); use plain text.", subject="text"
        )
    if len(cleaned) > safety.ACTIVITY_TEXT_MAX:
        raise InvalidInput(
            f"The activity is {len(cleaned)} characters long; the limit is {safety.ACTIVITY_TEXT_MAX}.", subject="text"
        )
    return cleaned


def check_function(value: int, what: str = "A function rating") -> int:
    if isinstance(value, bool) or not safety.FUNCTION_MIN <= value <= safety.FUNCTION_MAX:
        raise InvalidInput(
            f"{what} of {value} is outside the scale; give a whole number from {safety.FUNCTION_MIN} "
            f"(cannot do it at all) to {safety.FUNCTION_MAX} (as well as before the problem).",
            subject="value",
        )
    return value


def check_impression(value: int) -> int:
    if isinstance(value, bool) or not safety.IMPRESSION_MIN <= value <= safety.IMPRESSION_MAX:
        raise InvalidInput(
            f"An impression of change of {value} is outside the scale; give a whole number from "
            f"{safety.IMPRESSION_MIN} ({safety.IMPRESSION_WORDS[1]}) to {safety.IMPRESSION_MAX} "
            f"({safety.IMPRESSION_WORDS[7]}).",
            subject="value",
        )
    return value


# ---- reading -----------------------------------------------------------------------------------


def _activity(session: Session, activity_id: int) -> Activity:
    row = get_by_id(session, Activity, activity_id)
    if row is None:
        raise NotFound(
            f"No activity with id {activity_id}; `sij activities` lists them with their ids.", subject="activity"
        )
    return row


def _activity_record(row: Activity, latest: Rating | Row[Any] | None, day_start: int) -> ActivityRecord:
    assert row.id is not None
    return ActivityRecord(
        id=row.id,
        uuid=row.uuid,
        text=row.text,
        added_at=row.added_at,
        offset_minutes=row.offset_minutes,
        retired_at=row.retired_at,
        latest=latest.value if latest else None,
        latest_day=local_day(latest.recorded_at, latest.offset_minutes, day_start) if latest else None,
    )


def _rating_record(row: Rating | Row[Any], activities: Mapping[int, Activity], day_start: int) -> RatingRecord:
    assert row.id is not None
    activity = activities.get(row.activity_id) if row.activity_id is not None else None
    return RatingRecord(
        id=row.id,
        uuid=row.uuid,
        kind=row.kind,
        value=row.value,
        recorded_at=row.recorded_at,
        offset_minutes=row.offset_minutes,
        day=local_day(row.recorded_at, row.offset_minutes, day_start),
        activity_id=row.activity_id,
        activity_uuid=activity.uuid if activity else None,
        activity_text=activity.text if activity else None,
        time_known=row.time_known,
    )


def _all_activities(session: Session) -> dict[int, Activity]:
    return {a.id: a for a in session.exec(select(Activity)) if a.id is not None}


def list_activities(*, session: Session, include_retired: bool = False) -> list[ActivityRecord]:
    """Activities in the order they were added, each with its latest live rating."""
    day_start = day_start_minutes(session=session)
    latest: dict[int, Rating] = {}
    for r in session.exec(
        select(Rating)
        .where(Rating.kind == RatingKind.function.value, col(Rating.deleted_at).is_(None))
        .order_by(col(Rating.recorded_at), col(Rating.id))
    ):
        assert r.activity_id is not None
        latest[r.activity_id] = r
    rows = session.exec(select(Activity).order_by(col(Activity.id))).all()
    return [
        _activity_record(a, latest.get(a.id or 0), day_start) for a in rows if include_retired or a.retired_at is None
    ]


def list_ratings(
    *, session: Session, since: date | None = None, until: date | None = None, trashed: bool = False
) -> list[RatingRecord]:
    """Live ratings (or trashed ones) in local days since..until, oldest first."""
    day_start = day_start_minutes(session=session)
    activities = _all_activities(session)
    query = select(Rating).where(col(Rating.deleted_at).is_not(None) if trashed else col(Rating.deleted_at).is_(None))
    query = query.order_by(col(Rating.recorded_at), col(Rating.id))
    records = [_rating_record(r, activities, day_start) for r in session.exec(query)]
    return [r for r in records if (since is None or r.day >= since) and (until is None or r.day <= until)]


def ratings_view(*, session: Session, since: date | None = None, until: date | None = None) -> RatingsView:
    """The activities, the period's ratings and the summaries since the start, from one read of the live ratings.

    The ratings are read as plain rows (SQLAlchemy Core), not ORM objects: years of daily ratings are thousands of
    rows, and an ORM object per row cost a PDF report of a few months more than the rest of its data."""
    day_start = day_start_minutes(session=session)
    named = _all_activities(session)
    table: Any = Rating.__table__  # type: ignore[attr-defined]  # SQLModel does not declare it for type checkers
    query = select(table).where(col(Rating.deleted_at).is_(None))
    rows = session.connection().execute(query.order_by(col(Rating.recorded_at), col(Rating.id))).all()
    latest = {row.activity_id: row for row in rows if row.kind == RatingKind.function.value}
    activities = [_activity_record(a, latest.get(a.id), day_start) for _, a in sorted(named.items())]
    every = [_rating_record(row, named, day_start) for row in rows]
    upto = [r for r in every if until is None or r.day <= until]
    return RatingsView(
        activities=tuple(activities),
        ratings=tuple(r for r in upto if since is None or r.day >= since),
        function=function_summary(upto, (a.id for a in activities if a.active)),
        impression=latest_impression(upto),
    )


# ---- writing -----------------------------------------------------------------------------------


def add_activity(*, session: Session, text: str, at: datetime, now: datetime | None = None) -> ActivityRecord:
    cleaned = check_activity_text(text)
    active = session.exec(select(Activity).where(col(Activity.retired_at).is_(None))).all()
    if len(active) >= safety.ACTIVITIES_MAX:
        raise InvalidInput(
            f"You already follow {safety.ACTIVITIES_MAX} activities, the most that can be rated; "
            "retire one first with `sij activities retire ID`.",
            subject="text",
        )
    same = next((a for a in active if a.text.casefold() == cleaned.casefold()), None)
    if same is not None:
        raise InvalidInput(f"Activity #{same.id} is already '{same.text}'.", subject="text")
    row = Activity(text=cleaned, added_at=at, offset_minutes=offset_minutes(at))
    session.add(row)
    session.flush()
    assert row.id is not None
    journal.record_change(session=session, action=journal.ADD, kind=journal.ACTIVITY, record_id=row.id, now=now or at)
    return _activity_record(row, None, day_start_minutes(session=session))


def retire_activity(*, session: Session, activity_id: int, at: datetime, now: datetime | None = None) -> ActivityRecord:
    row = _activity(session, activity_id)
    if row.retired_at is not None:
        raise InvalidInput(
            f"Activity #{activity_id} is already retired; its ratings stay in history, and "
            f"`sij activities unretire {activity_id}` brings it back.",
            subject="activity",
        )
    _set_retired(session, row, at, action=journal.RETIRE, now=now or at)
    return _activity_record(row, None, day_start_minutes(session=session))


def unretire_activity(*, session: Session, activity_id: int, now: datetime) -> ActivityRecord:
    """Follow a retired activity again; the same limits as adding one (at most five, no two alike)."""
    row = _activity(session, activity_id)
    if row.retired_at is None:
        raise InvalidInput(
            f"Activity #{activity_id} is not retired; only a retired activity can be brought back.",
            subject="activity",
        )
    active = session.exec(select(Activity).where(col(Activity.retired_at).is_(None))).all()
    if len(active) >= safety.ACTIVITIES_MAX:
        raise InvalidInput(
            f"You already follow {safety.ACTIVITIES_MAX} activities, the most that can be rated; "
            "retire one first with `sij activities retire ID`.",
            subject="activity",
        )
    same = next((a for a in active if a.text.casefold() == row.text.casefold()), None)
    if same is not None:
        raise InvalidInput(
            f"Activity #{same.id} is already '{same.text}'; rate that one, or retire it first.", subject="activity"
        )
    _set_retired(session, row, None, action=journal.UNRETIRE, now=now)
    return _activity_latest(session, row)


def _set_retired(session: Session, row: Activity, retired_at: datetime | None, *, action: str, now: datetime) -> None:
    """Retire an activity or bring it back, as one change in the journal (so `sij undo` reverses it)."""
    assert row.id is not None
    previous = journal.snapshot([row])
    row.retired_at = retired_at
    session.add(row)
    journal.record_change(
        session=session, action=action, kind=journal.ACTIVITY, record_id=row.id, now=now, previous=previous
    )


def _activity_latest(session: Session, row: Activity) -> ActivityRecord:
    return next(a for a in list_activities(session=session, include_retired=True) if a.id == row.id)


def _take_back_activity(session: Session, activity_id: int, now: datetime) -> None:
    """Undo adding an activity: gone when nothing refers to it; retired when a rating (even a trashed one) does,
    so that rating keeps its meaning."""
    row = session.get(Activity, activity_id)
    if row is None:
        return
    if session.exec(select(Rating.id).where(Rating.activity_id == activity_id).limit(1)).first() is None:
        session.delete(row)
    elif row.retired_at is None:
        row.retired_at = now
        session.add(row)
    session.flush()


def activity_record_any(*, session: Session, activity_id: int) -> ActivityRecord | None:
    """An activity as a record, active or retired (for `sij undo`'s question); None when it is gone."""
    row = get_by_id(session, Activity, activity_id)
    return None if row is None else _activity_latest(session, row)


def rate_activities(
    *, session: Session, values: Mapping[int, int], at: datetime, now: datetime, time_known: bool = True
) -> list[RatingRecord]:
    """Rate activities by id; every id must be an active activity. All or nothing, and one change for `sij undo`.

    `time_known` is False when only a date was given (`at` then holds midday of it).
    """
    active = {a.id: a for a in session.exec(select(Activity).where(col(Activity.retired_at).is_(None)))}
    if not active:
        raise InvalidInput(
            'There are no activities to rate yet; name one first, e.g. `sij activities add "walking 20 minutes"`.'
        )
    if not values:
        raise InvalidInput("Nothing to rate; give ID=N pairs such as `1=4 2=6` (ids are in `sij activities`).")
    for activity_id, value in values.items():
        if activity_id not in active:
            row = get_by_id(session, Activity, activity_id)
            if row is None:
                _activity(session, activity_id)
            raise InvalidInput(
                f"Activity #{activity_id} is retired; rate an active one (`sij activities` lists them).",
                subject="activity",
            )
        check_function(value, f"A rating for activity #{activity_id}")
    offset = offset_minutes(at)
    rows = [
        Rating(
            kind=RatingKind.function.value,
            activity_id=activity_id,
            value=value,
            recorded_at=at,
            offset_minutes=offset,
            created_at=now,
            time_known=time_known,
        )
        for activity_id, value in sorted(values.items())
    ]
    session.add_all(rows)
    session.flush()
    # One command, one change: `sij undo` takes back every rating given together.
    assert rows[0].id is not None
    journal.record_change(
        session=session, action=journal.ADD, kind=journal.RATING, record_id=rows[0].id, now=now, added=rows
    )
    day_start = day_start_minutes(session=session)
    everything = _all_activities(session)
    return [_rating_record(r, everything, day_start) for r in rows]


def record_impression(
    *, session: Session, value: int, at: datetime, now: datetime, time_known: bool = True
) -> RatingRecord:
    check_impression(value)
    row = Rating(
        kind=RatingKind.impression.value,
        value=value,
        recorded_at=at,
        offset_minutes=offset_minutes(at),
        created_at=now,
        time_known=time_known,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    journal.record_change(session=session, action=journal.ADD, kind=journal.RATING, record_id=row.id, now=now)
    return _rating_record(row, {}, day_start_minutes(session=session))


# ---- when to ask -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingsDue:
    offer_activities: bool  # first use: offer to name activities (once)
    function_due: bool  # an active activity has no rating of the last FUNCTION_REMIND_DAYS days
    function_last: date | None
    impression_due: bool  # 14+ days since the first session and the last answer, not yet asked today
    today: date


def ratings_due(*, session: Session, now: datetime) -> RatingsDue:
    day_start = day_start_minutes(session=session)
    today = local_day(now, offset_minutes(now), day_start)
    activities = list_activities(session=session)
    days = [a.latest_day for a in activities]
    last = min((d for d in days if d is not None), default=None) if all(d is not None for d in days) else None
    function_due = bool(activities) and (last is None or (today - last).days >= safety.FUNCTION_REMIND_DAYS)
    offered = get_setting(session=session, key=ACTIVITIES_OFFERED) == "yes"
    any_activity = session.exec(select(Activity.id).limit(1)).first() is not None
    return RatingsDue(
        offer_activities=not offered and not any_activity,
        function_due=function_due,
        function_last=last,
        impression_due=_impression_due(session, today, day_start),
        today=today,
    )


def _impression_due(session: Session, today: date, day_start: int) -> bool:
    """Asked from day 14 after the first session, then 14 days after each answer; at most once a day.

    Once due it is asked every day (once) until answered, so an answer comes within the 14-28 day window as
    long as the person opens `sij` now and then.
    """
    first = session.exec(
        select(Practice).where(col(Practice.deleted_at).is_(None)).order_by(col(Practice.started_at))
    ).first()
    if first is None:
        return False
    first_day = local_day(first.started_at, first.offset_minutes, day_start)
    if (today - first_day).days < safety.IMPRESSION_FIRST_DAYS:
        return False
    if get_setting(session=session, key=IMPRESSION_ASKED_ON) == today.isoformat():
        return False
    last = session.exec(
        select(Rating)
        .where(Rating.kind == RatingKind.impression.value, col(Rating.deleted_at).is_(None))
        .order_by(col(Rating.recorded_at).desc())
    ).first()
    if last is None:
        return True
    return (today - local_day(last.recorded_at, last.offset_minutes, day_start)).days >= safety.IMPRESSION_EVERY_DAYS


def mark_impression_asked(*, session: Session, day: date) -> None:
    put_setting(session=session, key=IMPRESSION_ASKED_ON, value=day.isoformat())


def mark_activities_offered(*, session: Session) -> None:
    put_setting(session=session, key=ACTIVITIES_OFFERED, value="yes")


# ---- corrections -------------------------------------------------------------------------------


def _rating(session: Session, rating_id: int, *, trashed: bool = False) -> Rating:
    row = get_by_id(session, Rating, rating_id)
    if row is None:
        raise NotFound(f"No rating with id {rating_id}; `sij history --ratings` lists them.", subject="rating")
    if trashed and row.deleted_at is None:
        raise InvalidInput(f"Rating #{rating_id} is not in the trash; `sij trash` lists what is.", subject="rating")
    if not trashed and row.deleted_at is not None:
        raise InvalidInput(
            f"Rating #{rating_id} is in the trash; bring it back first with `sij restore --rating {rating_id}`.",
            subject="rating",
        )
    return row


def get_rating(*, session: Session, rating_id: int) -> RatingRecord:
    row = _rating(session, rating_id)
    return _rating_record(row, _all_activities(session), day_start_minutes(session=session))


def _at_text(moment: datetime, offset: int, time_known: bool) -> str:
    local = as_recorded(moment, offset)
    return format_local(local) if time_known else f"{local:%Y-%m-%d} (no time given)"


def edit_rating(
    *,
    session: Session,
    rating_id: int,
    value: int | None,
    at: datetime | None,
    now: datetime | None = None,
    time_known: bool = True,
) -> tuple[RatingRecord, list[tuple[str, object, object]]]:
    """Change a rating's value and/or time (`time_known` False: `at` is a date only); returns the record and
    (field, before, after) changes."""
    if value is None and at is None:
        raise InvalidInput("Nothing to change; give --value N and/or --at WHEN.")
    row = _rating(session, rating_id)
    previous = journal.snapshot([row])
    changes: list[tuple[str, object, object]] = []
    if value is not None:
        if row.kind == RatingKind.impression.value:
            check_impression(value)
        else:
            check_function(value)
        changes.append(("value", row.value, value))
        row.value = value
    if at is not None:
        offset = offset_minutes(at)
        before = _at_text(row.recorded_at, row.offset_minutes, row.time_known)
        changes.append(("at", before, _at_text(at, offset, time_known)))
        row.recorded_at = at
        row.offset_minutes = offset
        row.time_known = time_known
    session.add(row)
    journal.record_change(
        session=session,
        action=journal.EDIT,
        kind=journal.RATING,
        record_id=rating_id,
        now=now or row.created_at or row.recorded_at,
        previous=previous,
    )
    return get_rating(session=session, rating_id=rating_id), changes


def trash_rating(*, session: Session, rating_id: int, now: datetime) -> RatingRecord:
    record = get_rating(session=session, rating_id=rating_id)
    row = _rating(session, rating_id)
    previous = journal.snapshot([row])
    _trash_rating(session, rating_id, now)
    journal.record_change(
        session=session, action=journal.DELETE, kind=journal.RATING, record_id=rating_id, now=now, previous=previous
    )
    return record


def _trash_rating(session: Session, rating_id: int, now: datetime) -> None:
    row = _rating(session, rating_id)
    row.deleted_at = now
    session.add(row)
    session.flush()


def restore_rating(*, session: Session, rating_id: int, now: datetime | None = None) -> RatingRecord:
    row = _rating(session, rating_id, trashed=True)
    previous = journal.snapshot([row])
    row.deleted_at = None
    session.add(row)
    journal.record_change(
        session=session,
        action=journal.RESTORE,
        kind=journal.RATING,
        record_id=rating_id,
        now=now or row.created_at or row.recorded_at,
        previous=previous,
    )
    return get_rating(session=session, rating_id=rating_id)


def rating_record_any(*, session: Session, rating_id: int) -> RatingRecord | None:
    """A rating as a record, live or in the trash (for `sij undo`'s question)."""
    row = get_by_id(session, Rating, rating_id)
    return None if row is None else _rating_record(row, _all_activities(session), day_start_minutes(session=session))


journal.register_kind(journal.RATING, trash=_trash_rating, tables=(Rating,))
journal.register_kind(journal.ACTIVITY, trash=_take_back_activity, tables=(Activity,))


def latest_rating_entry(*, session: Session, since: datetime) -> Rating | None:
    """The rating entered most recently at or after `since` (for `sij undo`)."""
    return session.exec(
        select(Rating)
        .where(col(Rating.deleted_at).is_(None), col(Rating.created_at) >= since)
        .order_by(col(Rating.created_at).desc(), col(Rating.id).desc())
    ).first()


def describe_rating(record: RatingRecord) -> str:
    """A rating as people name it: `rating #7 of 2026-11-24 (walking 20 minutes: 6/10)`."""
    if record.kind == RatingKind.impression.value:
        what = f"impression of change: {safety.impression_label(record.value)}"
    else:
        what = f"{record.activity_text}: {record.value}/10"
    return f"rating #{record.id} of {when_text(record.local_time, record.time_known)} ({what})"
