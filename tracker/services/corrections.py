"""Correcting history: edit a session or a pain check-in, move it to the trash and back, undo the latest entry.

Every change keeps the record's uuid (exports and imports merge on it). Nothing is destroyed: deleting sets
`deleted_at`, and a session's pain scores go to the trash and come back with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import as_recorded, format_local, offset_minutes
from tracker.db import MAX_ID, get_by_id
from tracker.errors import InvalidInput, NotFound
from tracker.models import Hold, PainContext, PainScore, Practice, Rating, Routine
from tracker.records import PainRecord, PracticeRecord, RatingRecord
from tracker.services import journal
from tracker.services.practices import add_pain, check_note, check_pain, get_practice, pain_record, records_of
from tracker.services.settings import day_start_minutes

SESSION = journal.SESSION
CHECK_IN = journal.CHECK_IN
RATING = journal.RATING


@dataclass(frozen=True)
class Change:
    """One field of a correction: its key (`pain_before`, `note`, `at`, ...) and its value before and after."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class EditResult:
    kind: str  # SESSION or CHECK_IN
    id: int
    uuid: str
    changes: tuple[Change, ...]
    # The see-a-doctor advice when the correction put in a severe score (or sharp pain), as logging would.
    advice: safety.Advice | None = None


@dataclass(frozen=True)
class PracticeEdit:
    """What to change in a session; None means leave it. `clear_*` removes a pain score (to the trash)."""

    pain_before: int | None = None
    pain_after: int | None = None
    clear_pain_before: bool = False
    clear_pain_after: bool = False
    note: str | None = None
    at: datetime | None = None
    heat: bool | None = None
    time_known: bool = True  # with `at`: False when only a date was given

    def is_empty(self) -> bool:
        return (
            self.pain_before is None
            and self.pain_after is None
            and not self.clear_pain_before
            and not self.clear_pain_after
            and self.note is None
            and self.at is None
            and self.heat is None
        )


@dataclass(frozen=True)
class CheckInEdit:
    score: int | None = None
    note: str | None = None
    at: datetime | None = None
    sharp: bool | None = None
    time_known: bool = True

    def is_empty(self) -> bool:
        return self.score is None and self.note is None and self.at is None and self.sharp is None


@dataclass(frozen=True)
class TrashItem:
    kind: str  # SESSION or CHECK_IN
    id: int
    uuid: str
    when: datetime  # as recorded (local time with its offset)
    deleted_at: datetime  # UTC
    routine: str | None
    pain_before: int | None
    pain_after: int | None
    score: int | None  # a check-in's score, a rating's value
    note: str
    what: str = ""  # a rating: the activity, or "impression of change"
    time_known: bool = True  # False: only the date was given (`when` holds midday)


@dataclass(frozen=True)
class Entry:
    """A session or check-in named by kind and id (what undo found, what delete and restore act on)."""

    kind: str
    id: int


# ---- looking records up ------------------------------------------------------------------------


def _practice(session: Session, practice_id: int, *, trashed: bool = False) -> Practice:
    row = get_by_id(session, Practice, practice_id)
    if row is None:
        raise NotFound(
            f"No session with id {practice_id}; `sij history` lists sessions with their ids.", subject="session"
        )
    if trashed and row.deleted_at is None:
        raise InvalidInput(f"Session #{practice_id} is not in the trash; `sij trash` lists what is.", subject="session")
    if not trashed and row.deleted_at is not None:
        raise InvalidInput(
            f"Session #{practice_id} is in the trash; bring it back first with `sij restore {practice_id}`.",
            subject="session",
        )
    return row


def _check_in(session: Session, pain_id: int, *, trashed: bool = False) -> PainScore:
    """A check-in by its number among check-ins (the id `sij history --check-ins` shows)."""
    row = (
        session.exec(select(PainScore).where(PainScore.check_in_number == pain_id)).first()
        if 0 < pain_id <= MAX_ID  # a larger number cannot be stored, and PostgreSQL would refuse to compare it
        else None
    )
    if row is None:
        raise NotFound(
            f"No pain check-in with id {pain_id}; `sij history --check-ins` lists them with their ids.",
            subject="check_in",
        )
    if trashed and row.deleted_at is None:
        raise InvalidInput(f"Check-in #{pain_id} is not in the trash; `sij trash` lists what is.", subject="check_in")
    if not trashed and row.deleted_at is not None:
        raise InvalidInput(
            f"Check-in #{pain_id} is in the trash; bring it back first with `sij restore --check-in {pain_id}`.",
            subject="check_in",
        )
    return row


def _live_pains(session: Session, practice_id: int) -> list[PainScore]:
    return list(
        session.exec(
            select(PainScore)
            .where(PainScore.practice_id == practice_id, col(PainScore.deleted_at).is_(None))
            .order_by(col(PainScore.recorded_at), col(PainScore.id))
        ).all()
    )


def get_check_in(*, session: Session, pain_id: int) -> PainRecord:
    return pain_record(_check_in(session, pain_id), day_start_minutes(session=session))


def describe_entry(*, session: Session, entry: Entry) -> PracticeRecord | PainRecord | RatingRecord:
    """A live session, check-in or rating as a record, for a confirmation question."""
    if entry.kind == RATING:
        from tracker.services.ratings import get_rating

        return get_rating(session=session, rating_id=entry.id)
    if entry.kind == SESSION:
        _practice(session, entry.id)
        return get_practice(session=session, practice_id=entry.id)
    return get_check_in(session=session, pain_id=entry.id)


def entry_record(*, session: Session, entry: Entry) -> PracticeRecord | PainRecord | RatingRecord | None:
    """A session, check-in or rating as a record, live or in the trash (None: another kind, or gone)."""
    if entry.kind == RATING:
        from tracker.services.ratings import rating_record_any

        return rating_record_any(session=session, rating_id=entry.id)
    if entry.kind == SESSION:
        practice = session.get(Practice, entry.id)
        return records_of(session, [practice])[0] if practice is not None else None
    if entry.kind == CHECK_IN:
        row = session.exec(select(PainScore).where(PainScore.check_in_number == entry.id)).first()
        return pain_record(row, day_start_minutes(session=session)) if row is not None else None
    return None


# ---- editing -----------------------------------------------------------------------------------


def _keep_advice(shown: str, new: str) -> str:
    """The advice on record after a correction: what was shown stays; newly shown advice is added after it.

    `flagged` and `advice` record that a see-a-doctor panel was shown and what it said, so that reports can tell
    the clinician what the person was told and when; correcting a score later must never erase that.
    """
    if not new or new in shown:
        return shown
    return f"{shown}\n\n{new}" if shown else new


def _reflag_score(row: PainScore) -> None:
    if safety.needs_doctor([row.score], row.sharp):
        new = safety.doctor_advice(severe=safety.is_severe(row.score), sharp=row.sharp).as_text()
        row.advice = _keep_advice(row.advice, new)
        row.flagged = True
        row.advice_score = row.score


def _set_pain(
    session: Session,
    practice: Practice,
    pains: Sequence[PainScore],
    context: PainContext,
    value: int | None,
    clear: bool,
    now: datetime,
) -> tuple[int | None, int | None] | None:
    """Change, add or clear the session's pain score of one context.

    Returns the (before, after) values, or None when this score was not asked about.
    """
    if value is None and not clear:
        return None
    mine = [p for p in pains if p.context == context.value]
    # The same scores the history shows: the first 'before' and the last 'after'.
    row = (mine[0] if context is PainContext.before else mine[-1]) if mine else None
    old = row.score if row else None
    if clear:
        if row is not None:
            row.deleted_at = now
            session.add(row)
        return old, None
    assert value is not None
    if row is None:
        assert practice.id is not None
        at = practice.started_at if context is PainContext.before else (practice.ended_at or practice.started_at)
        added = add_pain(session=session, at=at, score=value, context=context, practice_id=practice.id, created_at=now)
        added.offset_minutes = practice.offset_minutes
    else:
        row.score = value
        _reflag_score(row)
        session.add(row)
    return old, value


def _at_text(moment: datetime, offset: int, time_known: bool) -> str:
    """When a record happened, as a correction shows it: with its offset, or the date alone if no time was given."""
    local = as_recorded(moment, offset)
    return format_local(local) if time_known else f"{local:%Y-%m-%d} (no time given)"


def edit_practice(*, session: Session, practice_id: int, edit: PracticeEdit, now: datetime) -> EditResult:
    """Change only what `edit` gives; re-check the safety flag when a pain score changes."""
    if edit.is_empty():
        raise InvalidInput(
            "Nothing to change; give at least one of --pain-before, --pain-after, --note, --at, --heat/--no-heat."
        )
    before_value = check_pain(edit.pain_before, "Pain before")
    after_value = check_pain(edit.pain_after, "Pain after")
    note = check_note(edit.note) if edit.note is not None else None
    practice = _practice(session, practice_id)
    assert practice.id is not None
    pains = _live_pains(session, practice.id)
    previous = journal.snapshot([practice, *pains])
    changes: list[Change] = []
    new_scores: list[int] = []

    if edit.at is not None:
        old_local = _at_text(practice.started_at, practice.offset_minutes, practice.time_known)
        delta = edit.at - practice.started_at
        offset = offset_minutes(edit.at)
        practice.started_at = edit.at
        practice.offset_minutes = offset
        practice.time_known = edit.time_known
        if practice.ended_at is not None:
            practice.ended_at = practice.ended_at + delta
        for pain in pains:  # the session's scores move with it
            pain.recorded_at = pain.recorded_at + delta
            pain.offset_minutes = offset
            pain.time_known = edit.time_known
            session.add(pain)
        changes.append(Change("at", old_local, _at_text(edit.at, offset, edit.time_known)))

    for context, value, clear, key in (
        (PainContext.before, before_value, edit.clear_pain_before, "pain_before"),
        (PainContext.after, after_value, edit.clear_pain_after, "pain_after"),
    ):
        changed = _set_pain(session, practice, pains, context, value, clear, now)
        if changed is not None:
            changes.append(Change(key, changed[0], changed[1]))
            if changed[1] is not None:
                new_scores.append(changed[1])

    if edit.heat is not None:
        changes.append(Change("heat", practice.heat, edit.heat))
        practice.heat = edit.heat
    if note is not None:
        changes.append(Change("note", practice.note, note))
        practice.note = note

    advice = None
    if practice.flagged:  # advice was shown: the record keeps it, and says what was corrected under it
        for c in changes:
            if c.field in ("pain_before", "pain_after") and c.before != c.after:
                what = c.field.replace("_", " ")
                line = safety.correction_line(now.date().isoformat(), what, _int(c.before), _int(c.after))
                practice.advice = f"{practice.advice}\n{line}" if practice.advice else line
    if any(c.field in ("pain_before", "pain_after") for c in changes):
        session.flush()
        scores = _live_pains(session, practice.id)
        before = [p.score for p in scores if p.context == PainContext.before.value]
        after = [p.score for p in scores if p.context == PainContext.after.value]
        current = [before[0] if before else None, after[-1] if after else None]
        holds_sharp = session.exec(
            select(Hold.id).where(Hold.practice_id == practice.id, Hold.sharp == True)  # noqa: E712 - SQL
        ).first()
        sharp = practice.sharp or holds_sharp is not None or any(p.sharp for p in scores)
        severe = any(safety.is_severe(s) for s in current)
        if safety.needs_doctor(current, sharp):
            new = safety.doctor_advice(severe=severe, sharp=sharp).as_text()
            practice.advice = _keep_advice(practice.advice, new)
            practice.flagged = True
            practice.advice_score = max((s for s in current if s is not None), default=None)
        if any(safety.is_severe(s) for s in new_scores):
            advice = safety.doctor_advice(severe=True, sharp=sharp)
    session.add(practice)
    session.flush()
    known = {p.id for p in pains}
    added = [p for p in _live_pains(session, practice.id) if p.id not in known]
    journal.record_change(
        session=session,
        action=journal.EDIT,
        kind=SESSION,
        record_id=practice.id,
        now=now,
        previous=previous,
        added=added,
    )
    return EditResult(SESSION, practice.id, practice.uuid, tuple(changes), advice)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def edit_check_in(*, session: Session, pain_id: int, edit: CheckInEdit, now: datetime) -> EditResult:
    if edit.is_empty():
        raise InvalidInput("Nothing to change; give at least one of --score, --note, --at, --sharp/--no-sharp.")
    score = check_pain(edit.score, "Pain")
    note = check_note(edit.note) if edit.note is not None else None
    row = _check_in(session, pain_id)
    assert row.id is not None
    previous = journal.snapshot([row])
    changes: list[Change] = []
    if edit.at is not None:
        offset = offset_minutes(edit.at)
        changes.append(
            Change(
                "at",
                _at_text(row.recorded_at, row.offset_minutes, row.time_known),
                _at_text(edit.at, offset, edit.time_known),
            )
        )
        row.recorded_at = edit.at
        row.offset_minutes = offset
        row.time_known = edit.time_known
    if score is not None:
        changes.append(Change("score", row.score, score))
        row.score = score
    if edit.sharp is not None:
        changes.append(Change("sharp", row.sharp, edit.sharp))
        row.sharp = edit.sharp
    if note is not None:
        changes.append(Change("note", row.note, note))
        row.note = note
    advice = None
    if (
        row.flagged
        and score is not None
        and changes
        and any(c.field == "score" and c.before != c.after for c in changes)
    ):
        old = next(c.before for c in changes if c.field == "score")
        line = safety.correction_line(now.date().isoformat(), "pain", _int(old), score)
        row.advice = f"{row.advice}\n{line}" if row.advice else line
    if score is not None or edit.sharp is not None:
        _reflag_score(row)
        newly = (score is not None and safety.is_severe(score)) or edit.sharp is True
        if row.flagged and newly:
            advice = safety.doctor_advice(severe=safety.is_severe(row.score), sharp=row.sharp)
    session.add(row)
    journal.record_change(
        session=session, action=journal.EDIT, kind=CHECK_IN, record_id=pain_id, now=now, previous=previous
    )
    return EditResult(CHECK_IN, pain_id, row.uuid, tuple(changes), advice)


# ---- trash -------------------------------------------------------------------------------------


def trash_practice(*, session: Session, practice_id: int, now: datetime) -> PracticeRecord:
    """Move a session and its pain scores to the trash together (one shared `deleted_at`)."""
    record = describe_entry(session=session, entry=Entry(SESSION, practice_id))
    assert isinstance(record, PracticeRecord)
    practice = _practice(session, practice_id)
    previous = journal.snapshot([practice, *_live_pains(session, practice_id)])
    _trash_practice(session, practice_id, now)
    journal.record_change(
        session=session, action=journal.DELETE, kind=SESSION, record_id=practice_id, now=now, previous=previous
    )
    return record


def _trash_practice(session: Session, practice_id: int, now: datetime) -> None:
    practice = _practice(session, practice_id)
    for pain in _live_pains(session, practice_id):
        pain.deleted_at = now
        session.add(pain)
    practice.deleted_at = now
    session.add(practice)
    session.flush()


def trash_check_in(*, session: Session, pain_id: int, now: datetime) -> PainRecord:
    row = _check_in(session, pain_id)
    record = pain_record(row, day_start_minutes(session=session))
    previous = journal.snapshot([row])
    _trash_check_in(session, pain_id, now)
    journal.record_change(
        session=session, action=journal.DELETE, kind=CHECK_IN, record_id=pain_id, now=now, previous=previous
    )
    return record


def _trash_check_in(session: Session, pain_id: int, now: datetime) -> None:
    row = _check_in(session, pain_id)
    row.deleted_at = now
    session.add(row)
    session.flush()


def restore_practice(*, session: Session, practice_id: int, now: datetime) -> PracticeRecord:
    """Bring a session back with the pain scores that went to the trash with it (not ones cleared before)."""
    practice = _practice(session, practice_id, trashed=True)
    when = practice.deleted_at
    pains = [
        p
        for p in session.exec(select(PainScore).where(PainScore.practice_id == practice_id)).all()
        if p.deleted_at is not None and p.deleted_at == when
    ]
    previous = journal.snapshot([practice, *pains])
    for pain in pains:
        pain.deleted_at = None
        session.add(pain)
    practice.deleted_at = None
    session.add(practice)
    journal.record_change(
        session=session, action=journal.RESTORE, kind=SESSION, record_id=practice_id, now=now, previous=previous
    )
    return get_practice(session=session, practice_id=practice_id)


def restore_check_in(*, session: Session, pain_id: int, now: datetime) -> PainRecord:
    row = _check_in(session, pain_id, trashed=True)
    previous = journal.snapshot([row])
    row.deleted_at = None
    session.add(row)
    journal.record_change(
        session=session, action=journal.RESTORE, kind=CHECK_IN, record_id=pain_id, now=now, previous=previous
    )
    return pain_record(row, day_start_minutes(session=session))


def list_trash(*, session: Session) -> list[TrashItem]:
    """Everything in the trash, most recently deleted first."""
    items: list[TrashItem] = []
    practices = session.exec(select(Practice).where(col(Practice.deleted_at).is_not(None))).all()
    routines = {r.id: r.name for r in session.exec(select(Routine)).all()}
    for p in practices:
        assert p.id is not None and p.deleted_at is not None
        pains = [
            s
            for s in session.exec(select(PainScore).where(PainScore.practice_id == p.id)).all()
            if s.deleted_at == p.deleted_at
        ]
        before = [s.score for s in sorted(pains, key=_order) if s.context == PainContext.before.value]
        after = [s.score for s in sorted(pains, key=_order) if s.context == PainContext.after.value]
        items.append(
            TrashItem(
                kind=SESSION,
                id=p.id,
                uuid=p.uuid,
                when=as_recorded(p.started_at, p.offset_minutes),
                deleted_at=p.deleted_at,
                routine=routines.get(p.routine_id) if p.routine_id else None,
                pain_before=before[0] if before else None,
                pain_after=after[-1] if after else None,
                score=None,
                note=p.note,
                time_known=p.time_known,
            )
        )
    checks = session.exec(
        select(PainScore).where(col(PainScore.deleted_at).is_not(None), col(PainScore.practice_id).is_(None))
    ).all()
    for c in checks:
        assert c.id is not None and c.deleted_at is not None
        items.append(
            TrashItem(
                kind=CHECK_IN,
                id=c.check_in_number or c.id,
                uuid=c.uuid,
                when=as_recorded(c.recorded_at, c.offset_minutes),
                deleted_at=c.deleted_at,
                routine=None,
                pain_before=None,
                pain_after=None,
                score=c.score,
                note=c.note,
                time_known=c.time_known,
            )
        )
    from tracker import safety
    from tracker.services.ratings import list_ratings

    trashed = session.exec(select(Rating).where(col(Rating.deleted_at).is_not(None))).all()
    deleted = {r.id: r.deleted_at for r in trashed}
    for r in list_ratings(session=session, trashed=True):
        when_deleted = deleted[r.id]
        assert when_deleted is not None
        what = r.activity_text or "" if r.kind == "function" else "impression of change"
        shown = f"{r.value}/10" if r.kind == "function" else safety.impression_label(r.value)
        items.append(
            TrashItem(
                kind=RATING,
                id=r.id,
                uuid=r.uuid,
                when=r.local_time,
                time_known=r.time_known,
                deleted_at=when_deleted,
                routine=None,
                pain_before=None,
                pain_after=None,
                score=r.value,
                note="",
                what=f"{what}: {shown}",
            )
        )
    items.sort(key=lambda i: (i.deleted_at, i.kind == SESSION, i.id), reverse=True)
    return items


def _order(p: PainScore) -> tuple[datetime, int]:
    return (p.recorded_at, p.id or 0)


# ---- undo: sessions and check-ins are journaled kinds ----------------------------------------


journal.register_kind(SESSION, trash=_trash_practice, tables=(Practice, PainScore, Hold))
journal.register_kind(CHECK_IN, trash=_trash_check_in, tables=(PainScore,))
