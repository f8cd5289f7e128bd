"""Pain check-ins outside a session, and reading pain scores back."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from tracker.clock import utc_window_end, utc_window_start
from tracker.models import PainContext, PainScore
from tracker.records import PainRecord
from tracker.services import journal
from tracker.services.practices import add_pain, check_note, check_pain, pain_record
from tracker.services.settings import day_start_minutes


def record_check_in(
    *,
    session: Session,
    at: datetime,
    score: int,
    sharp: bool = False,
    note: str | None = None,
    now: datetime | None = None,
    time_known: bool = True,
) -> PainRecord:
    """A check-in outside a session; `now` is when it is entered (default: `at`), which the journal records."""
    value = check_pain(score, "Pain")
    assert value is not None
    row = add_pain(
        session=session,
        at=at,
        score=value,
        context=PainContext.check_in,
        sharp=sharp,
        note=check_note(note),
        created_at=now or at,
        time_known=time_known,
    )
    session.flush()
    assert row.check_in_number is not None
    journal.record_change(
        session=session, action=journal.ADD, kind=journal.CHECK_IN, record_id=row.check_in_number, now=now or at
    )
    return pain_record(row, day_start_minutes(session=session))


def latest_pain(*, session: Session, limit: int = 3) -> list[PainRecord]:
    day_start = day_start_minutes(session=session)
    rows = session.exec(
        select(PainScore)
        .where(col(PainScore.deleted_at).is_(None))
        .order_by(col(PainScore.recorded_at).desc(), col(PainScore.id).desc())
        .limit(limit)
    ).all()
    return [pain_record(r, day_start) for r in rows]


def list_check_ins(
    *, session: Session, since: date | None = None, until: date | None = None, limit: int | None = None
) -> list[PainRecord]:
    """Pain check-ins (not a session's scores) newest first, within local days `since`..`until` (inclusive)."""
    day_start = day_start_minutes(session=session)
    query = select(PainScore).where(col(PainScore.deleted_at).is_(None), col(PainScore.context) == PainContext.check_in)
    # A coarse UTC window uses the index; the exact local-day test happens on the few rows left.
    if since is not None:
        query = query.where(col(PainScore.recorded_at) >= utc_window_start(since))
    if until is not None:
        query = query.where(col(PainScore.recorded_at) < utc_window_end(until))
    query = query.order_by(col(PainScore.recorded_at).desc(), col(PainScore.id).desc())
    records: list[PainRecord] = []
    for row in session.exec(query):
        record = pain_record(row, day_start)
        if (since and record.day < since) or (until and record.day > until):
            continue
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records
