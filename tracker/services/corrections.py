"""Correcting history: edit a session or a pain check-in, move it to the trash and back, undo the latest entry.

Every change keeps the record's uuid (exports and imports merge on it). Nothing is destroyed: deleting sets
`deleted_at`, and a session's pain scores go to the trash and come back with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker import safety
from tracker.clock import as_recorded, offset_minutes
from tracker.db import get_by_id
from tracker.errors import InvalidInput, NotFound, NothingToDo
from tracker.models import Hold, PainContext, PainScore, Practice, Rating, Routine
from tracker.records import PainRecord, PracticeRecord, RatingRecord
from tracker.services.practices import add_pain, check_note, check_pain, get_practice, pain_record
from tracker.services.settings import day_start_minutes

UNDO_WINDOW = timedelta(minutes=10)

SESSION = "session"
CHECK_IN = "check-in"
RATING = "rating"


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
    row = get_by_id(session, PainScore, pain_id)
    if row is None:
        raise NotFound(f"No pain check-in with id {pain_id}; its id was shown when it was saved.", subject="check_in")
    if row.practice_id is not None:
        raise InvalidInput(
            f"Pain score #{pain_id} belongs to session #{row.practice_id}, not a check-in; change it with "
            f"`sij edit {row.practice_id} --pain-before N` or `--pain-after N`.",
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
    changes: list[Change] = []
    new_scores: list[int] = []

    if edit.at is not None:
        old_local = as_recorded(practice.started_at, practice.offset_minutes)
        delta = edit.at - practice.started_at
        offset = offset_minutes(edit.at)
        practice.started_at = edit.at
        practice.offset_minutes = offset
        if practice.ended_at is not None:
            practice.ended_at = practice.ended_at + delta
        for pain in pains:  # the session's scores move with it
            pain.recorded_at = pain.recorded_at + delta
            pain.offset_minutes = offset
            session.add(pain)
        changes.append(Change("at", old_local, as_recorded(edit.at, offset)))

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
        if any(safety.is_severe(s) for s in new_scores):
            advice = safety.doctor_advice(severe=True, sharp=sharp)
    session.add(practice)
    session.flush()
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
    changes: list[Change] = []
    if edit.at is not None:
        offset = offset_minutes(edit.at)
        changes.append(Change("at", as_recorded(row.recorded_at, row.offset_minutes), as_recorded(edit.at, offset)))
        row.recorded_at = edit.at
        row.offset_minutes = offset
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
    session.flush()
    return EditResult(CHECK_IN, row.id, row.uuid, tuple(changes), advice)


# ---- trash -------------------------------------------------------------------------------------


def trash_practice(*, session: Session, practice_id: int, now: datetime) -> PracticeRecord:
    """Move a session and its pain scores to the trash together (one shared `deleted_at`)."""
    record = describe_entry(session=session, entry=Entry(SESSION, practice_id))
    assert isinstance(record, PracticeRecord)
    practice = _practice(session, practice_id)
    for pain in _live_pains(session, practice_id):
        pain.deleted_at = now
        session.add(pain)
    practice.deleted_at = now
    session.add(practice)
    session.flush()
    return record


def trash_check_in(*, session: Session, pain_id: int, now: datetime) -> PainRecord:
    row = _check_in(session, pain_id)
    record = pain_record(row, day_start_minutes(session=session))
    row.deleted_at = now
    session.add(row)
    session.flush()
    return record


def restore_practice(*, session: Session, practice_id: int) -> PracticeRecord:
    """Bring a session back with the pain scores that went to the trash with it (not ones cleared before)."""
    practice = _practice(session, practice_id, trashed=True)
    when = practice.deleted_at
    for pain in session.exec(select(PainScore).where(PainScore.practice_id == practice_id)).all():
        if pain.deleted_at is not None and pain.deleted_at == when:
            pain.deleted_at = None
            session.add(pain)
    practice.deleted_at = None
    session.add(practice)
    session.flush()
    return get_practice(session=session, practice_id=practice_id)


def restore_check_in(*, session: Session, pain_id: int) -> PainRecord:
    row = _check_in(session, pain_id, trashed=True)
    row.deleted_at = None
    session.add(row)
    session.flush()
    return pain_record(row, day_start_minutes(session=session))


def list_trash(*, session: Session) -> list[TrashItem]:
    """Everything in the trash, most recently deleted first."""
    items: list[TrashItem] = []
    practices = session.exec(select(Practice).where(col(Practice.deleted_at).is_not(None))).all()
    routines = {r.id: r.slug for r in session.exec(select(Routine)).all()}
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
                id=c.id,
                uuid=c.uuid,
                when=as_recorded(c.recorded_at, c.offset_minutes),
                deleted_at=c.deleted_at,
                routine=None,
                pain_before=None,
                pain_after=None,
                score=c.score,
                note=c.note,
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


# ---- undo --------------------------------------------------------------------------------------


def latest_entry(*, session: Session, now: datetime) -> Entry:
    """The session or check-in entered most recently, within the last ten minutes (by when it was entered)."""
    since = now - UNDO_WINDOW
    practice = session.exec(
        select(Practice)
        .where(col(Practice.deleted_at).is_(None), col(Practice.created_at) >= since)
        .order_by(col(Practice.created_at).desc(), col(Practice.id).desc())
    ).first()
    check = session.exec(
        select(PainScore)
        .where(
            col(PainScore.deleted_at).is_(None),
            col(PainScore.practice_id).is_(None),
            col(PainScore.created_at) >= since,
        )
        .order_by(col(PainScore.created_at).desc(), col(PainScore.id).desc())
    ).first()
    from tracker.services.ratings import latest_rating_entry

    rating = latest_rating_entry(session=session, since=since)
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    if rating is not None and all(other is None or _created(rating) > _created(other) for other in (practice, check)):
        assert rating.id is not None
        return Entry(RATING, rating.id)
    if practice is None and check is None:
        raise NothingToDo(
            f"Nothing was entered in the last {minutes} minutes, so there is nothing to undo; "
            "to remove an older entry use `sij delete ID` (ids are in `sij history`)."
        )
    if check is not None and (practice is None or _created(check) > _created(practice)):
        assert check.id is not None
        return Entry(CHECK_IN, check.id)
    assert practice is not None and practice.id is not None
    return Entry(SESSION, practice.id)


def _created(row: Practice | PainScore | Rating) -> datetime:
    assert row.created_at is not None
    return row.created_at
