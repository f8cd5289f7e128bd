"""Recording practices (sessions of stretching) with their holds and pain scores, and reading them back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from tracker import safety
from tracker.clock import local_day, offset_minutes, utc_window_end, utc_window_start
from tracker.db import get_by_id
from tracker.errors import InvalidInput, NotFound
from tracker.models import Hold, PainContext, PainScore, Practice, PracticeState, Routine, RoutineStep, Stretch
from tracker.records import HoldRecord, PainRecord, PracticeRecord, StretchInfo
from tracker.services import journal
from tracker.services.catalog import get_routine, get_stretch, routine_to_practise
from tracker.services.settings import day_start_minutes
from tracker.text import describe_char, first_control

NOTE_MAX = 2000


def check_note(note: str | None) -> str:
    """Notes keep exactly what was typed (any Unicode), within a length and without control characters."""
    if note is None:
        return ""
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"The note is {len(note)} characters long; the limit is {NOTE_MAX}.", subject="note")
    bad = first_control(note, keep="\n\t")
    if bad is not None:
        raise InvalidInput(
            f"The note contains a control character ({describe_char(bad)}); "
            "use plain text (new lines and tabs are fine).",
            subject="note",
        )
    return note


def check_pain(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    try:
        return safety.validate_pain(value)
    except ValueError:
        raise InvalidInput(
            f"{what} {value} is out of range; give a whole number from {safety.PAIN_MIN} to {safety.PAIN_MAX}."
        ) from None


@dataclass(frozen=True)
class PlannedHold:
    stretch: StretchInfo
    side: str
    seconds: int


def plan_holds(stretches: Sequence[StretchInfo], hold_override: int | None = None) -> list[PlannedHold]:
    """Every hold of a routine in order: each side of a per-side stretch, or once for both."""
    return [PlannedHold(s, side, hold_override or s.hold_seconds) for s in stretches for side in s.sides]


def routine_hold_counts(session: Session, routine_ids: Iterable[int | None]) -> dict[int, int]:
    """How many holds each routine plans as it is now: 2 for a per-side stretch, 1 for a both-sides one."""
    wanted = {i for i in routine_ids if i is not None}
    counts: dict[int, int] = dict.fromkeys(wanted, 0)
    if wanted:
        for routine_id, per_side in session.exec(
            select(RoutineStep.routine_id, Stretch.per_side)
            .join(Stretch, col(Stretch.id) == col(RoutineStep.stretch_id))
            .where(col(RoutineStep.routine_id).in_(wanted))
        ):
            counts[routine_id] += 2 if per_side else 1
    return counts


def planned_holds(state: str, routine_id: int | None, recorded: int, counts: Mapping[int, int]) -> int:
    """The holds a session set out to do. A session that stopped before the end planned its routine's holds;
    the routine is read as it is now (holds do not store the plan), so an edited routine changes the figure,
    but never below the holds recorded. Completed sessions and hand-picked logs planned what they recorded.
    """
    if state == PracticeState.completed.value or routine_id is None:
        return recorded
    return max(counts.get(routine_id, 0), recorded)


def choose_stretches(
    *, session: Session, stretch_slugs: Sequence[str], routine_slug: str | None
) -> tuple[list[StretchInfo], int | None]:
    """The stretches a logged session covers, and its routine id (None for a hand-picked list)."""
    if stretch_slugs:
        chosen = [get_stretch(session=session, slug=slug) for slug in stretch_slugs]
        routine_id = get_routine(session=session, slug=routine_slug).id if routine_slug else None
        return chosen, routine_id
    routine = routine_to_practise(session=session, slug=routine_slug)
    return list(routine.stretches), routine.id


def add_pain(
    *,
    session: Session,
    at: datetime,
    score: int,
    context: PainContext,
    sharp: bool = False,
    note: str = "",
    practice_id: int | None = None,
    created_at: datetime | None = None,
    time_known: bool = True,
) -> PainScore:
    """A pain score, flagged with its advice when severe or sharp; `created_at` defaults to `at`."""
    flagged = safety.needs_doctor([score], sharp)
    advice = safety.doctor_advice(severe=safety.is_severe(score), sharp=sharp).as_text() if flagged else ""
    row = PainScore(
        recorded_at=at,
        offset_minutes=offset_minutes(at),
        score=score,
        context=context.value,
        sharp=sharp,
        note=note,
        practice_id=practice_id,
        flagged=flagged,
        advice=advice,
        advice_score=score if flagged else None,
        created_at=created_at or at,
        time_known=time_known,
        check_in_number=next_check_in_number(session) if practice_id is None else None,
    )
    session.add(row)
    return row


def next_check_in_number(session: Session) -> int:
    """The number the next check-in gets: one more than the highest so far (numbers are never reused)."""
    highest = session.exec(select(func.max(PainScore.check_in_number))).one()
    return (highest or 0) + 1


def record_practice(
    *,
    session: Session,
    at: datetime,
    stretch_slugs: Sequence[str] = (),
    routine_slug: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    sharp: bool = False,
    heat: bool = False,
    note: str | None = None,
    now: datetime | None = None,
    time_known: bool = True,
) -> PracticeRecord:
    """A session done without the guided timer: every hold counted as done at its usual length.

    `now` is when it is being entered (default: `at`); the change journal records it for `sij undo`.
    `time_known` is False when only a date was given (`at` then holds midday of it).
    """
    created = now or at
    pain_before = check_pain(pain_before, "Pain before")
    pain_after = check_pain(pain_after, "Pain after")
    text = check_note(note)
    stretches, routine_id = choose_stretches(session=session, stretch_slugs=stretch_slugs, routine_slug=routine_slug)
    flagged = safety.needs_doctor([pain_before, pain_after], sharp)
    severe = safety.is_severe(pain_before) or safety.is_severe(pain_after)
    practice = Practice(
        started_at=at,
        offset_minutes=offset_minutes(at),
        routine_id=routine_id,
        heat=heat,
        sharp=sharp,
        note=text,
        state=PracticeState.completed.value,
        flagged=flagged,
        advice=safety.doctor_advice(severe=severe, sharp=sharp).as_text() if flagged else "",
        advice_score=max((p for p in (pain_before, pain_after) if p is not None), default=None) if flagged else None,
        created_at=created,
        time_known=time_known,
    )
    session.add(practice)
    session.flush()
    assert practice.id is not None
    for position, planned in enumerate(plan_holds(stretches), start=1):
        session.add(
            Hold(
                practice_id=practice.id,
                position=position,
                stretch_id=planned.stretch.id,
                side=planned.side,
                seconds=planned.seconds,
            )
        )
    if pain_before is not None:
        add_pain(
            session=session,
            at=at,
            score=pain_before,
            context=PainContext.before,
            practice_id=practice.id,
            created_at=created,
            time_known=time_known,
        )
    if pain_after is not None:
        add_pain(
            session=session,
            at=at,
            score=pain_after,
            context=PainContext.after,
            sharp=sharp,
            practice_id=practice.id,
            created_at=created,
            time_known=time_known,
        )
    session.flush()
    journal.record_change(session=session, action=journal.ADD, kind=journal.SESSION, record_id=practice.id, now=created)
    return get_practice(session=session, practice_id=practice.id)


def get_practice(*, session: Session, practice_id: int) -> PracticeRecord:
    row = get_by_id(session, Practice, practice_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"No session with id {practice_id}; `sij history` lists them with their ids.")
    return records_of(session, [row])[0]


def list_practices(
    *,
    session: Session,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[PracticeRecord]:
    """Sessions newest first, within local days `since`..`until` (inclusive)."""
    day_start = day_start_minutes(session=session)
    query = select(Practice).where(col(Practice.deleted_at).is_(None))
    # A coarse UTC window uses the index; the exact local-day test happens on the few rows left.
    if since is not None:
        query = query.where(col(Practice.started_at) >= utc_window_start(since))
    if until is not None:
        query = query.where(col(Practice.started_at) < utc_window_end(until))
    query = query.order_by(col(Practice.started_at).desc(), col(Practice.id).desc())
    rows: list[Practice] = []
    for row in session.exec(query):
        day = local_day(row.started_at, row.offset_minutes, day_start)
        if (since and day < since) or (until and day > until):
            continue
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return records_of(session, rows, day_start)


def records_of(session: Session, rows: Sequence[Practice], day_start: int | None = None) -> list[PracticeRecord]:
    if not rows:
        return []
    if day_start is None:
        day_start = day_start_minutes(session=session)
    ids = [r.id for r in rows]
    holds: dict[int, list[HoldRecord]] = defaultdict(list)
    for hold, stretch in session.exec(
        select(Hold, Stretch)
        .join(Stretch, col(Stretch.id) == col(Hold.stretch_id))
        .where(col(Hold.practice_id).in_(ids))
        .order_by(col(Hold.practice_id), col(Hold.position))
    ):
        holds[hold.practice_id].append(
            HoldRecord(
                position=hold.position,
                stretch_slug=stretch.slug,
                stretch_name=stretch.name,
                side=hold.side,
                seconds=hold.seconds,
                completed=hold.completed,
                sharp=hold.sharp,
                uuid=hold.uuid,
            )
        )
    pains: dict[int, list[PainRecord]] = defaultdict(list)
    for pain in session.exec(
        select(PainScore)
        .where(col(PainScore.practice_id).in_(ids), col(PainScore.deleted_at).is_(None))
        .order_by(col(PainScore.recorded_at), col(PainScore.id))
    ):
        assert pain.practice_id is not None
        pains[pain.practice_id].append(pain_record(pain, day_start))
    routines = {
        r.id: r
        for r in session.exec(select(Routine).where(col(Routine.id).in_({r.routine_id for r in rows if r.routine_id})))
    }
    counts = routine_hold_counts(session, (r.routine_id for r in rows if r.state != PracticeState.completed.value))
    records = []
    for row in rows:
        assert row.id is not None
        mine = pains[row.id]
        before = [p.score for p in mine if p.context == PainContext.before.value]
        after = [p.score for p in mine if p.context == PainContext.after.value]
        routine = routines.get(row.routine_id) if row.routine_id else None
        records.append(
            PracticeRecord(
                id=row.id,
                uuid=row.uuid,
                started_at=row.started_at,
                offset_minutes=row.offset_minutes,
                ended_at=row.ended_at,
                routine_slug=routine.slug if routine else None,
                routine_name=routine.name if routine else None,
                heat=row.heat,
                note=row.note,
                state=row.state,
                flagged=row.flagged,
                advice=row.advice,
                guided=row.guided,
                day=local_day(row.started_at, row.offset_minutes, day_start),
                holds=tuple(holds[row.id]),
                pain_before=before[0] if before else None,
                pain_after=after[-1] if after else None,
                pain_sharp=row.sharp or any(p.sharp for p in mine),
                pains=tuple(mine),
                planned_holds=planned_holds(row.state, row.routine_id, len(holds[row.id]), counts),
                time_known=row.time_known,
                advice_score=row.advice_score,
            )
        )
    return records


def pain_record(row: PainScore, day_start: int) -> PainRecord:
    assert row.id is not None
    return PainRecord(
        # A check-in is known by its number among check-ins; a session's score by its row id.
        id=row.check_in_number if row.practice_id is None and row.check_in_number is not None else row.id,
        uuid=row.uuid,
        recorded_at=row.recorded_at,
        offset_minutes=row.offset_minutes,
        score=row.score,
        context=row.context,
        sharp=row.sharp,
        note=row.note,
        practice_id=row.practice_id,
        flagged=row.flagged,
        advice=row.advice,
        day=local_day(row.recorded_at, row.offset_minutes, day_start),
        time_known=row.time_known,
        advice_score=row.advice_score,
    )
