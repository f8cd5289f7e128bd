"""Put the seed stretches and routines into a database: add what is missing, and bring seeded text up to date only
where the person has not edited it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from tracker.models import Routine, RoutineStep, Stretch
from tracker.services.settings import DEFAULT_ROUTINE, SEED_VERSION, get_setting, put_setting

# Seeded stretches and routines get the same uuid in every database (derived from their slug), so that a
# backup from one database merges into another by uuid instead of only by slug (see services/exchange.py).
SEED_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4d59-9a43-2b7c1e5f0a91")


def seed_uuid(kind: str, slug: str) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, f"{kind}:{slug}"))


UPDATABLE = ("steps", "cautions")


def _update_unedited(session: Session, stretch: Stretch, item: dict[str, Any]) -> None:
    """A newer seed's text replaces a field only while it is still exactly what an earlier seed wrote.

    The seed file lists what each earlier version wrote ("earlier"), so an edit made by the person, which
    matches none of them, is never overwritten.
    """
    if not stretch.seeded:
        return
    earlier = item.get("earlier", [])
    for name in UPDATABLE:
        current = list(getattr(stretch, name))
        new = list(item.get(name, []))
        if current != new and any(current == list(old.get(name, [])) for old in earlier):
            setattr(stretch, name, new)
            session.add(stretch)


def apply_seed(session: Session, document: dict[str, Any]) -> None:
    version = int(document["version"])
    if int(get_setting(session=session, key=SEED_VERSION, default="0") or 0) >= version:
        return  # another sij process seeded it while this one waited for the lock
    by_slug = {s.slug: s for s in session.exec(select(Stretch)).all()}
    for item in document["stretches"]:
        if item["slug"] in by_slug:
            _update_unedited(session, by_slug[item["slug"]], item)
            continue
        stretch = Stretch(
            uuid=seed_uuid("stretch", item["slug"]),
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
        routine = Routine(
            uuid=seed_uuid("routine", item["slug"]),
            slug=item["slug"],
            name=item["name"],
            description=item.get("description", ""),
            seeded=True,
        )
        session.add(routine)
        session.flush()
        for position, slug in enumerate(item["stretches"], start=1):
            session.add(RoutineStep(routine_id=routine.id, position=position, stretch_id=by_slug[slug].id))
        if item.get("default") and not get_setting(session=session, key=DEFAULT_ROUTINE):
            put_setting(session=session, key=DEFAULT_ROUTINE, value=routine.slug)
    put_setting(session=session, key=SEED_VERSION, value=str(version))
