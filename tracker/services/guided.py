"""The guided routine's storage: a practice is saved when it starts and each hold as it is done,
so that a crash or Ctrl-C never loses what was completed. Also the red-flag screenings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import local_day, offset_minutes
from tracker.errors import NothingToDo
from tracker.models import Hold, PainContext, PainScore, Practice, PracticeState, Screening
from tracker.records import PracticeRecord, ScreeningRecord
from tracker.services import journal
from tracker.services.practices import add_pain, get_practice
from tracker.services.settings import day_start_minutes


def start_practice(
    *, session: Session, at: datetime, routine_id: int | None, heat: bool, pain_before: int | None
) -> int:
    """Open a guided practice. It is stored as 'aborted' until it finishes, so a crash leaves an honest record."""
    practice = Practice(
        started_at=at,
        offset_minutes=offset_minutes(at),
        routine_id=routine_id,
        heat=heat,
        state=PracticeState.aborted.value,
        guided=True,
        created_at=at,
    )
    session.add(practice)
    session.flush()
    assert practice.id is not None
    if pain_before is not None:
        add_pain(session=session, at=at, score=pain_before, context=PainContext.before, practice_id=practice.id)
    journal.record_change(session=session, action=journal.ADD, kind=journal.SESSION, record_id=practice.id, now=at)
    return practice.id


def save_hold(
    *,
    session: Session,
    practice_id: int,
    position: int,
    stretch_id: int,
    side: str,
    seconds: int,
    completed: bool,
) -> None:
    session.add(
        Hold(
            practice_id=practice_id,
            position=position,
            stretch_id=stretch_id,
            side=side,
            seconds=seconds,
            completed=completed,
        )
    )


def mark_sharp(*, session: Session, practice_id: int, stretch_id: int, at: datetime) -> None:
    """Sharp pain after a stretch: its holds are marked, and the practice stops, flagged, with the advice stored."""
    practice = _practice(session, practice_id)
    for hold in session.exec(select(Hold).where(Hold.practice_id == practice_id, Hold.stretch_id == stretch_id)):
        hold.sharp = True
        session.add(hold)
    scores = [p.score for p in session.exec(select(PainScore).where(PainScore.practice_id == practice_id))]
    severe = any(safety.is_severe(s) for s in scores)
    practice.advice_score = max(scores, default=None)
    practice.sharp = True
    practice.flagged = True
    practice.advice = safety.doctor_advice(severe=severe, sharp=True).as_text()
    practice.state = PracticeState.stopped_sharp.value
    practice.ended_at = at
    session.add(practice)


def finish_practice(
    *, session: Session, practice_id: int, at: datetime, state: PracticeState, pain_after: int | None
) -> PracticeRecord:
    practice = _practice(session, practice_id)
    if pain_after is not None:
        add_pain(session=session, at=at, score=pain_after, context=PainContext.after, practice_id=practice_id)
        if safety.is_severe(pain_after):
            practice.flagged = True
            practice.advice = safety.doctor_advice(severe=True, sharp=practice.sharp).as_text()
            practice.advice_score = pain_after
    if practice.state != PracticeState.stopped_sharp.value:
        practice.state = state.value
    practice.ended_at = at
    session.add(practice)
    session.flush()
    return get_practice(session=session, practice_id=practice_id)


EMPTY_SESSION_NOTE = "Before a guided routine that was stopped before any hold was done."


def discard_empty_practice(*, session: Session, practice_id: int) -> list[int]:
    """A guided session stopped before any hold was done is not kept as a session: its pain scores become
    check-ins (returned by id) and the session, with any holds skipped in it, is removed."""
    practice = _practice(session, practice_id)
    if practice.sharp or any(
        hold.completed for hold in session.exec(select(Hold).where(Hold.practice_id == practice_id))
    ):
        raise NothingToDo(f"Session #{practice_id} has holds done; it was kept.")
    kept: list[int] = []
    for score in session.exec(select(PainScore).where(PainScore.practice_id == practice_id)).all():
        score.practice_id = None
        score.context = PainContext.check_in.value
        score.note = score.note or EMPTY_SESSION_NOTE
        session.add(score)
        session.flush()
        assert score.id is not None
        kept.append(score.id)
    for hold in session.exec(select(Hold).where(Hold.practice_id == practice_id)).all():
        session.delete(hold)
    session.flush()
    session.delete(practice)
    return kept


def _practice(session: Session, practice_id: int) -> Practice:
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise NothingToDo(f"Session #{practice_id} is no longer there; nothing was changed.")
    return practice


@dataclass(frozen=True)
class Resumable:
    practice_id: int
    routine_id: int | None
    done_positions: frozenset[int]
    holds_completed: int
    pain_before: int | None
    heat: bool


def find_resumable(*, session: Session, today: date) -> Resumable:
    """Today's most recent guided practice that was stopped early (not for sharp pain)."""
    day_start = day_start_minutes(session=session)
    candidates = session.exec(
        select(Practice)
        .where(
            col(Practice.deleted_at).is_(None),
            Practice.guided == True,  # noqa: E712 - SQL expression
            Practice.state == PracticeState.aborted.value,
        )
        .order_by(col(Practice.started_at).desc())
        .limit(20)
    ).all()
    for practice in candidates:
        if local_day(practice.started_at, practice.offset_minutes, day_start) != today:
            continue
        assert practice.id is not None
        holds = session.exec(select(Hold).where(Hold.practice_id == practice.id)).all()
        before = session.exec(
            select(PainScore).where(PainScore.practice_id == practice.id, PainScore.context == PainContext.before.value)
        ).first()
        return Resumable(
            practice_id=practice.id,
            routine_id=practice.routine_id,
            done_positions=frozenset(h.position for h in holds),
            holds_completed=sum(1 for h in holds if h.completed),
            pain_before=before.score if before else None,
            heat=practice.heat,
        )
    raise NothingToDo("There is no routine stopped early today to resume; start a new one with `sij run`.")


def record_screening(
    *, session: Session, at: datetime, kind: str, answers: Mapping[str, bool], level: safety.Level
) -> ScreeningRecord:
    row = Screening(
        taken_at=at,
        offset_minutes=offset_minutes(at),
        kind=kind,
        answers=dict(answers),
        level=level.value,
        advice=safety.screening_advice(level),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return ScreeningRecord(
        id=row.id,
        uuid=row.uuid,
        taken_at=row.taken_at,
        offset_minutes=row.offset_minutes,
        kind=row.kind,
        answers=dict(row.answers),
        level=row.level,
        advice=row.advice,
    )


def has_full_screen(*, session: Session) -> bool:
    return session.exec(select(Screening.id).where(Screening.kind == "full").limit(1)).first() is not None
