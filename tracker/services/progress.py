"""Queries behind `sij progress`, `sij plot` and `sij due`: aggregates by local day, computed in SQL.

Returns the plain dataclasses of tracker.records; tracker.stats turns them into numbers and verdicts.
Nothing here loads the whole history into Python: twenty years of sessions stay a handful of small results.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import local_day, offset_minutes, utc_window_end, utc_window_start
from tracker.db import local_day_sql
from tracker.models import Hold, PainContext, PainScore, Practice, PracticeState, Rating, Stretch
from tracker.records import AlertScore, DatedScore, DayTotals, ProgressData, StretchHolds
from tracker.services.settings import day_start_minutes

RECENT_SESSIONS = safety.HURT_WINDOW


def today_for(*, session: Session, now: datetime) -> date:
    """The person's current local day, honouring the day-start setting."""
    return local_day(now, offset_minutes(now), day_start_minutes(session=session))


def _within(at: Any, day: Any, start: date | None, end: date | None) -> list[Any]:
    """Conditions for records of local days `start`..`end`: a UTC window the time index can use, then the exact day."""
    conditions: list[Any] = []
    if start is not None:
        conditions += [at >= utc_window_start(start), day >= start.isoformat()]
    if end is not None:
        conditions += [at < utc_window_end(end), day <= end.isoformat()]
    return conditions


within_days = _within  # the same conditions for other services (exports choose a period with them)


def _practice_day(day_start: int) -> Any:
    return local_day_sql(col(Practice.started_at), col(Practice.offset_minutes), day_start)


def _pain_day(day_start: int) -> Any:
    return local_day_sql(col(PainScore.recorded_at), col(PainScore.offset_minutes), day_start)


def _live_pain() -> list[Any]:
    """Pain scores not deleted, and not belonging to a deleted session."""
    deleted = select(Practice.id).where(col(Practice.deleted_at).is_not(None))
    return [
        col(PainScore.deleted_at).is_(None),
        or_(col(PainScore.practice_id).is_(None), col(PainScore.practice_id).not_in(deleted)),
    ]


def _pre_session() -> Any:
    """Scores given before a session, and the score that stopped a guided run from starting (CLINICAL.md)."""
    return or_(col(PainScore.context) == PainContext.before.value, _blocked_run())


def _blocked_run() -> Any:
    return and_(
        col(PainScore.context) == PainContext.check_in.value,
        col(PainScore.practice_id).is_(None),
        col(PainScore.note) == safety.BLOCKED_RUN_NOTE,
    )


def first_day(*, session: Session) -> date | None:
    """The local day of the earliest session or pain score; in a diary of ratings only, of the earliest rating
    (so that its report covers them). None in an empty diary."""
    day_start = day_start_minutes(session=session)

    def earliest(moment: Any, offset: Any, *live: Any) -> date | None:
        first = session.exec(select(moment, offset).where(*live).order_by(col(moment)).limit(1)).first()
        return local_day(first[0], first[1], day_start) if first else None

    practice = earliest(Practice.started_at, Practice.offset_minutes, col(Practice.deleted_at).is_(None))
    pain = earliest(PainScore.recorded_at, PainScore.offset_minutes, *_live_pain())
    found = [day for day in (practice, pain) if day is not None]
    if found:  # ratings taken before the first session do not stretch the period whose adherence is counted
        return min(found)
    return earliest(Rating.recorded_at, Rating.offset_minutes, col(Rating.deleted_at).is_(None))


def daily_totals(*, session: Session, start: date | None, end: date | None) -> list[DayTotals]:
    """One row per local day that has a session or a pain score, oldest first."""
    day_start = day_start_minutes(session=session)
    pday = _practice_day(day_start).label("day")
    completed = PracticeState.completed.value
    session_columns = [
        pday,
        func.sum(case((col(Practice.state) == completed, 1), else_=0)),
        func.sum(case((col(Practice.state) != completed, 1), else_=0)),
        func.sum(case((col(Practice.sharp), 1), else_=0)),
    ]
    sessions = session.exec(
        select(*session_columns)
        .where(col(Practice.deleted_at).is_(None), *_within(col(Practice.started_at), pday, start, end))
        .group_by(pday)
    ).all()
    sday = _pain_day(day_start).label("day")
    before = _pre_session()
    after = col(PainScore.context) == PainContext.after.value
    # Every check-in, a blocked run's score included: it is plotted as the check-in it was saved as, so a 9 that
    # stopped a run is seen as a 9 and not only inside the day's mean before sessions.
    check_in = col(PainScore.context) == PainContext.check_in.value
    severe = col(PainScore.score) >= safety.SEVERE_AT
    # A session's scores count as one entry; a check-in is its own (negative ids never meet practice ids).
    entry = func.coalesce(col(PainScore.practice_id), -col(PainScore.id))
    pain_columns = [
        sday,
        func.avg(case((before, col(PainScore.score)))),
        func.count(case((before, 1))),
        func.avg(case((after, col(PainScore.score)))),
        func.count(case((after, 1))),
        func.sum(case((col(PainScore.score) >= safety.SEVERE_AT, 1), else_=0)),
        func.sum(case((and_(col(PainScore.sharp), col(PainScore.practice_id).is_(None)), 1), else_=0)),
        func.count(func.distinct(case((severe, entry)))),
        func.max(col(PainScore.score)),
        func.max(case((check_in, col(PainScore.score)))),
        func.count(case((check_in, 1))),
    ]
    pains = session.exec(
        select(*pain_columns)
        .where(*_live_pain(), *_within(col(PainScore.recorded_at), sday, start, end))
        .group_by(sday)
    ).all()
    by_day: dict[str, dict[str, Any]] = {}
    for day, done, stopped, sharp in sessions:
        by_day.setdefault(day, {}).update(
            sessions_completed=int(done or 0), sessions_stopped=int(stopped or 0), sharp_events=int(sharp or 0)
        )
    for day, b_mean, b_count, a_mean, a_count, severe_count, sharp, entries, top, c_max, c_count in pains:
        values = by_day.setdefault(day, {})
        values.update(
            before_mean=None if b_mean is None else float(b_mean),
            before_count=int(b_count or 0),
            after_mean=None if a_mean is None else float(a_mean),
            after_count=int(a_count or 0),
            severe_events=int(severe_count or 0),
            severe_entries=int(entries or 0),
            max_score=None if top is None else int(top),
            check_in_max=None if c_max is None else int(c_max),
            check_in_count=int(c_count or 0),
        )
        values["sharp_events"] = values.get("sharp_events", 0) + int(sharp or 0)
    return [DayTotals(day=date.fromisoformat(day), **values) for day, values in sorted(by_day.items())]


def _pre_session_scores(session: Session, start: date | None, end: date | None, *, newest: bool) -> list[DatedScore]:
    day_start = day_start_minutes(session=session)
    sday = _pain_day(day_start).label("day")
    order = (
        (col(PainScore.recorded_at).desc(), col(PainScore.id).desc())
        if newest
        else (
            col(PainScore.recorded_at),
            col(PainScore.id),
        )
    )
    rows = session.exec(
        select(PainScore.score, sday)
        .where(
            _pre_session(),
            *_live_pain(),
            *_within(col(PainScore.recorded_at), sday, start, end),
        )
        .order_by(*order)
        .limit(safety.WINDOW)
    ).all()
    scores = [DatedScore(day=date.fromisoformat(day), score=int(score)) for score, day in rows]
    return scores[::-1] if newest else scores


def _count_pre_session(session: Session, end: date | None) -> int:
    day_start = day_start_minutes(session=session)
    sday = _pain_day(day_start)
    return int(
        session.exec(
            select(func.count())
            .select_from(PainScore)
            .where(_pre_session(), *_live_pain(), *_within(col(PainScore.recorded_at), sday, None, end))
        ).one()
        or 0
    )


def _alerts(session: Session, start: date | None, end: date | None) -> list[AlertScore]:
    """Severe or sharp pain scores of any kind, and sessions with sharp pain, oldest first."""
    day_start = day_start_minutes(session=session)
    sday = _pain_day(day_start).label("day")
    found: list[tuple[Any, int, AlertScore]] = []
    rows = session.exec(
        select(PainScore, sday).where(
            or_(col(PainScore.score) >= safety.SEVERE_AT, col(PainScore.sharp)),
            *_live_pain(),
            *_within(col(PainScore.recorded_at), sday, start, end),
        )
    ).all()
    sharp_sessions: set[int] = set()
    for row, day in rows:
        blocked = row.practice_id is None and row.note == safety.BLOCKED_RUN_NOTE
        kind = "blocked run" if blocked else row.context
        found.append((row.recorded_at, row.id or 0, AlertScore(date.fromisoformat(day), row.score, row.sharp, kind)))
        if row.sharp and row.practice_id is not None:
            sharp_sessions.add(row.practice_id)
    pday = _practice_day(day_start).label("day")
    for at, practice_id, day in session.exec(
        select(Practice.started_at, Practice.id, pday).where(
            col(Practice.sharp),
            col(Practice.deleted_at).is_(None),
            *_within(col(Practice.started_at), pday, start, end),
        )
    ).all():
        if practice_id not in sharp_sessions:
            found.append((at, 0, AlertScore(date.fromisoformat(day), None, True, "session")))
    found.sort(key=lambda f: (f[0], f[1]))
    return [alert for _, _, alert in found]


def _session_pairs(
    session: Session, start: date | None, end: date | None
) -> tuple[int, float | None, list[tuple[float, float]], float | None, float | None]:
    """Sessions with pain before and after: how many, the mean change, and the last few pairs."""
    day_start = day_start_minutes(session=session)
    before = col(PainScore.context) == PainContext.before.value
    after = col(PainScore.context) == PainContext.after.value
    per_session = (
        select(
            col(PainScore.practice_id).label("practice_id"),
            func.avg(case((before, col(PainScore.score)))).label("before"),
            func.avg(case((after, col(PainScore.score)))).label("after"),
        )
        .where(col(PainScore.practice_id).is_not(None), col(PainScore.deleted_at).is_(None))
        .group_by(col(PainScore.practice_id))
        .subquery()
    )
    pday = _practice_day(day_start)
    joined = [
        per_session.c.practice_id == col(Practice.id),
        col(Practice.deleted_at).is_(None),
        per_session.c.before.is_not(None),
        per_session.c.after.is_not(None),
        *_within(col(Practice.started_at), pday, start, end),
    ]
    count, mean, mean_before, mean_after = session.exec(
        select(
            func.count(),
            func.avg(per_session.c.after - per_session.c.before),
            func.avg(per_session.c.before),
            func.avg(per_session.c.after),
        )
        .select_from(per_session)
        .where(*joined)
    ).one()
    recent = session.exec(
        select(per_session.c.before, per_session.c.after)
        .select_from(per_session)
        .where(*joined)
        .order_by(col(Practice.started_at).desc(), col(Practice.id).desc())
        .limit(RECENT_SESSIONS)
    ).all()
    return (
        int(count or 0),
        _float(mean),
        [(float(b), float(a)) for b, a in recent],
        _float(mean_before),
        _float(mean_after),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def progress_data(*, session: Session, now: datetime, since: date | None, until: date | None) -> ProgressData:
    """Daily aggregates, the baseline and current pre-session scores, and session pairs for a period.

    The period runs from `since` (default: the first record) to `until` (default: today).
    """
    today = today_for(session=session, now=now)
    end = until or today
    earliest = first_day(session=session) if since is None else since
    start = earliest or end
    if start > end:
        start = end
    # Without --since/--until the period already holds every record (nothing is recorded in the future),
    # so the queries skip the per-row local-day test: a whole history costs one pass over each table.
    low, high = since and start, until and end
    days = daily_totals(session=session, start=low, end=high)
    count, mean, recent, paired_before, paired_after = _session_pairs(session, low, high)
    first = tuple(_pre_session_scores(session, low, high, newest=False))
    last = tuple(_pre_session_scores(session, low, high, newest=True))
    before_total = sum(d.before_count for d in days)
    # "Since the start" always compares with the person's first scores ever, whatever --since says.
    first_ever, total_ever = first, before_total
    if low is not None:
        first_ever = tuple(_pre_session_scores(session, None, high, newest=False))
        total_ever = _count_pre_session(session, high)
    return ProgressData(
        start=start,
        end=end,
        today=today,
        days=tuple(days),
        first_before=first,
        last_before=last,
        sessions_with_both=count,
        mean_change=mean,
        recent_pairs=tuple(recent),
        has_records=bool(days),
        first_ever=first_ever,
        total_ever=total_ever,
        before_total=before_total,
        # Only the reports a caution can name: on or after the first day of the current window.
        alerts=tuple(_alerts(session, last[0].day, high)) if last else (),
        paired_before=paired_before,
        paired_after=paired_after,
    )


def holds_per_stretch(*, session: Session, start: date | None, end: date | None) -> list[StretchHolds]:
    """Holds completed and not completed per stretch over the period, most completed first."""
    day_start = day_start_minutes(session=session)
    pday = _practice_day(day_start)
    rows = session.exec(
        select(
            Stretch.slug,
            Stretch.name,
            func.sum(case((col(Hold.completed), 1), else_=0)),
            func.sum(case((col(Hold.completed), 0), else_=1)),
        )
        .join(Practice, col(Practice.id) == col(Hold.practice_id))
        .join(Stretch, col(Stretch.id) == col(Hold.stretch_id))
        .where(col(Practice.deleted_at).is_(None), *_within(col(Practice.started_at), pday, start, end))
        .group_by(col(Stretch.id))
    ).all()
    result = [StretchHolds(slug, name, int(done or 0), int(missed or 0)) for slug, name, done, missed in rows]
    return sorted(result, key=lambda s: (-s.completed, s.slug))


def sessions_on(*, session: Session, day: date) -> tuple[int, int]:
    """Completed and other (stopped) sessions on one local day."""
    totals = daily_totals(session=session, start=day, end=day)
    if not totals:
        return 0, 0
    return totals[0].sessions_completed, totals[0].sessions_stopped
