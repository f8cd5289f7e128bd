"""`sij` alone: today at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import as_recorded, local_day
from tracker.models import PainScore, Practice, PracticeState, Screening
from tracker.records import PainRecord, PracticeRecord
from tracker.services.catalog import default_routine_slug
from tracker.services.pain import latest_pain
from tracker.services.practices import list_practices
from tracker.services.settings import day_start_minutes


@dataclass(frozen=True)
class RecentWarning:
    """A see-a-doctor flag or a red-flag screen with warning signs, recorded lately."""

    at: datetime  # local time where it was recorded
    what: str
    level: safety.Level | None  # a screen's level; None for a severe or sharp pain flag
    advice: str


def recent_warnings(*, session: Session, now: datetime) -> list[RecentWarning]:
    """Warnings of the last `RECENT_WARNING_HOURS`, newest first: the advice given then still applies now."""
    since = now - timedelta(hours=safety.RECENT_WARNING_HOURS)
    found: list[RecentWarning] = []
    for practice in session.exec(
        select(Practice).where(
            col(Practice.deleted_at).is_(None), col(Practice.flagged).is_(True), col(Practice.started_at) >= since
        )
    ):
        stopped = practice.state == PracticeState.stopped_sharp.value
        what = (
            f"session #{practice.id} stopped for sharp pain"
            if stopped
            else f"session #{practice.id}: severe or sharp pain"
        )
        at = as_recorded(practice.started_at, practice.offset_minutes)
        found.append(RecentWarning(at, what, None, safety.recent_warning_advice(None)))
    for pain in session.exec(
        select(PainScore).where(
            col(PainScore.deleted_at).is_(None),
            col(PainScore.flagged).is_(True),
            col(PainScore.practice_id).is_(None),
            col(PainScore.recorded_at) >= since,
        )
    ):
        kind = "sharp pain" if pain.sharp else "severe pain"
        what = f"check-in #{pain.id}: {kind}, {pain.score}/10"
        at = as_recorded(pain.recorded_at, pain.offset_minutes)
        found.append(RecentWarning(at, what, None, safety.recent_warning_advice(None)))
    for screen in session.exec(
        select(Screening).where(Screening.level != safety.Level.none.value, col(Screening.taken_at) >= since)
    ):
        level = safety.Level(screen.level)
        what = "warning signs in the red-flag " + ("quick check" if screen.kind == "quick" else "screen")
        at = as_recorded(screen.taken_at, screen.offset_minutes)
        found.append(RecentWarning(at, what, level, safety.recent_warning_advice(level)))
    return sorted(found, key=lambda w: w.at, reverse=True)


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
    warnings: tuple[RecentWarning, ...] = ()


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
        done_today=any(p.state == PracticeState.completed.value for p in todays),
        sessions_today=tuple(todays),
        last_session=latest[0] if latest else None,
        last_pains=tuple(latest_pain(session=session, limit=3)),
        default_routine=default_routine_slug(session=session),
        last_screen_at=last_screen,
        screen_due=due,
        warnings=tuple(recent_warnings(session=session, now=now)),
    )
