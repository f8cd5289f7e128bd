"""Reading the stretches and routines a person can do."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from tracker.errors import InvalidInput, NotFound
from tracker.models import Routine, RoutineStep, Stretch
from tracker.records import RoutineInfo, StretchInfo
from tracker.services.settings import DEFAULT_ROUTINE, get_setting


def stretch_info(row: Stretch) -> StretchInfo:
    assert row.id is not None
    return StretchInfo(
        id=row.id,
        uuid=row.uuid,
        slug=row.slug,
        name=row.name,
        steps=tuple(row.steps),
        cautions=tuple(row.cautions),
        hold_seconds=row.hold_seconds,
        per_side=row.per_side,
        source=row.source,
        active=row.active,
    )


def list_stretches(*, session: Session, include_retired: bool = False) -> list[StretchInfo]:
    query = select(Stretch).order_by(col(Stretch.id))
    if not include_retired:
        query = query.where(col(Stretch.active).is_(True))
    return [stretch_info(row) for row in session.exec(query).all()]


def _known(slugs: Sequence[str]) -> str:
    return ", ".join(slugs) if slugs else "none yet"


def get_stretch(*, session: Session, slug: str) -> StretchInfo:
    row = session.exec(select(Stretch).where(Stretch.slug == slug)).first()
    if row is None:
        known = [s.slug for s in list_stretches(session=session)]
        raise NotFound(f"No stretch named '{slug}'. Known: {_known(known)}.", subject="stretch")
    return stretch_info(row)


def default_routine_slug(*, session: Session) -> str:
    return get_setting(session=session, key=DEFAULT_ROUTINE)


def _routine_info(session: Session, row: Routine, default_slug: str) -> RoutineInfo:
    assert row.id is not None
    stretches = session.exec(
        select(Stretch)
        .join(RoutineStep, col(RoutineStep.stretch_id) == col(Stretch.id))
        .where(RoutineStep.routine_id == row.id)
        .order_by(col(RoutineStep.position))
    ).all()
    return RoutineInfo(
        id=row.id,
        uuid=row.uuid,
        slug=row.slug,
        name=row.name,
        description=row.description,
        stretches=tuple(stretch_info(s) for s in stretches),
        is_default=row.slug == default_slug,
    )


def list_routines(*, session: Session) -> list[RoutineInfo]:
    default_slug = default_routine_slug(session=session)
    rows = session.exec(select(Routine).where(col(Routine.active).is_(True)).order_by(col(Routine.id)))
    return [_routine_info(session, row, default_slug) for row in rows.all()]


def routine_to_practise(*, session: Session, slug: str | None = None) -> RoutineInfo:
    """The routine to do now (`slug`, or the default): one that lists stretches, none of them retired.

    A routine may keep listing a stretch retired after it was made (its history stays), but a new session
    follows only what the person can still see; `sij log` and `sij run` both come through here.
    """
    routine = get_routine(session=session, slug=slug)
    if not routine.stretches:
        raise InvalidInput(
            f"Routine '{routine.slug}' has no stretches; add some with `sij routines edit {routine.slug}`.",
            subject="routine",
        )
    retired = [s.slug for s in routine.stretches if not s.active]
    if retired:
        raise InvalidInput(
            f"Routine '{routine.slug}' lists the retired stretch '{retired[0]}'; take it out with "
            f"`sij routines edit {routine.slug} --stretch ...` or bring it back with "
            f"`sij stretches unretire {retired[0]}`.",
            subject="routine",
        )
    return routine


def get_routine(*, session: Session, slug: str | None = None) -> RoutineInfo:
    """The routine named `slug`, or the default routine when no slug is given."""
    default_slug = default_routine_slug(session=session)
    wanted = slug or default_slug
    row = session.exec(select(Routine).where(Routine.slug == wanted)).first() if wanted else None
    if row is None:
        known = [r.slug for r in list_routines(session=session)]
        if not slug:
            raise NotFound(f"No default routine is set. Known routines: {_known(known)}.", subject="routine")
        raise NotFound(f"No routine named '{slug}'. Known: {_known(known)}.", subject="routine")
    return _routine_info(session, row, default_slug)
