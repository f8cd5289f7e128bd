"""`sij` alone: today at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import local_day
from tracker.models import Screening
from tracker.records import PainRecord, PracticeRecord
from tracker.services.catalog import default_routine_slug
from tracker.services.pain import latest_pain
from tracker.services.practices import list_practices
from tracker.services.settings import day_start_minutes


@dataclass(frozen=True)
class Today:
    day: str
    done_today: bool
    sessions_today: tuple[PracticeRecord, ...]
    last_session: PracticeRecord | None
    last_pains: tuple[PainRecord, ...]
    default_routine: str
    last_screen_at: datetime | None
    screen_due: bool


def today_at_a_glance(*, session: Session, now: datetime) -> Today:
    day_start = day_start_minutes(session=session)
    offset = int((now.utcoffset() or timedelta()).total_seconds() // 60)
    today = local_day(now, offset, day_start)
    todays = list_practices(session=session, since=today, until=today)
    latest = list_practices(session=session, limit=1)
    screen = session.exec(
        select(Screening).where(Screening.kind == "full").order_by(col(Screening.taken_at).desc())
    ).first()
    last_screen = screen.taken_at if screen else None
    due = last_screen is None or now - last_screen > timedelta(days=safety.SCREEN_REMINDER_DAYS)
    return Today(
        day=today.isoformat(),
        done_today=any(p.state == "completed" for p in todays),
        sessions_today=tuple(todays),
        last_session=latest[0] if latest else None,
        last_pains=tuple(latest_pain(session=session, limit=3)),
        default_routine=default_routine_slug(session=session),
        last_screen_at=last_screen,
        screen_due=due,
    )
