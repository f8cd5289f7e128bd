"""Put the seed stretches and routines into a database: add what is missing, never overwrite."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from tracker.models import Routine, RoutineStep, Stretch
from tracker.services.settings import DEFAULT_ROUTINE, SEED_VERSION, get_setting, put_setting


def apply_seed(session: Session, document: dict[str, Any]) -> None:
    version = int(document["version"])
    if int(get_setting(session=session, key=SEED_VERSION, default="0") or 0) >= version:
        return  # another sij process seeded it while this one waited for the lock
    by_slug = {s.slug: s for s in session.exec(select(Stretch)).all()}
    for item in document["stretches"]:
        if item["slug"] in by_slug:
            continue  # the person may have edited it: leave it exactly as it is
        stretch = Stretch(
            slug=item["slug"],
            name=item["name"],
            steps=list(item["steps"]),
            cautions=list(item.get("cautions", [])),
            hold_seconds=int(item["hold_seconds"]),
            per_side=bool(item["per_side"]),
            source=item.get("source", ""),
            seeded=True,
        )
        session.add(stretch)
        by_slug[stretch.slug] = stretch
    session.flush()
    existing = set(session.exec(select(Routine.slug)).all())
    for item in document["routines"]:
        if item["slug"] in existing:
            continue
        routine = Routine(slug=item["slug"], name=item["name"], description=item.get("description", ""), seeded=True)
        session.add(routine)
        session.flush()
        for position, slug in enumerate(item["stretches"], start=1):
            session.add(RoutineStep(routine_id=routine.id, position=position, stretch_id=by_slug[slug].id))
        if item.get("default") and not get_setting(session=session, key=DEFAULT_ROUTINE):
            put_setting(session=session, key=DEFAULT_ROUTINE, value=routine.slug)
    put_setting(session=session, key=SEED_VERSION, value=str(version))
