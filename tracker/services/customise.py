"""Making the catalog the person's own: add, edit, retire stretches (also from a file in the seed format)
and create, edit and choose routines.

Every value is checked before anything is written. Seeded rows may be edited like any other: seeding
only ever adds missing slugs, so it never undoes an edit.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from tracker.errors import DataError, InvalidInput, NotFound
from tracker.models import Routine, RoutineStep, Stretch
from tracker.records import RoutineInfo, StretchInfo
from tracker.services.catalog import default_routine_slug, get_routine, get_stretch, stretch_info
from tracker.services.settings import DEFAULT_ROUTINE, put_setting
from tracker.text import describe_char, first_control

SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])")
SLUG_RULE = "2 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. cat-cow)"
HOLD_MIN, HOLD_MAX = 5, 600
NAME_MAX = 200
STEP_MAX = 1000
STEPS_MAX = 30
CAUTIONS_MAX = 20
SOURCE_MAX = 1000
DESCRIPTION_MAX = 2000
ROUTINE_MAX = 50
FILE_MAX_BYTES = 1_000_000
SEED_FORMAT = "sij-seed"

# How each field is named in messages: the command line's options, or the file's keys.
CLI_LABELS = {
    "slug": "SLUG",
    "name": "--name",
    "steps": "--step",
    "hold_seconds": "--hold",
    "per_side": "--per-side/--both-sides",
    "source": "--source",
    "cautions": "--caution",
    "description": "--description",
    "stretches": "--stretch",
}


@dataclass(frozen=True)
class StretchSpec:
    slug: str
    name: str
    steps: tuple[str, ...]
    hold_seconds: int = 30
    per_side: bool = True
    source: str = ""
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class StretchChanges:
    """What `sij stretches edit` changes; None leaves a field as it is."""

    name: str | None = None
    steps: tuple[str, ...] | None = None
    hold_seconds: int | None = None
    per_side: bool | None = None
    source: str | None = None
    cautions: tuple[str, ...] | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in self.__dataclass_fields__)


@dataclass(frozen=True)
class RoutineSpec:
    slug: str
    name: str | None  # None: made from the slug
    stretches: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Retired:
    stretch: StretchInfo
    new_default: str | None = None
    still_in: tuple[str, ...] = field(default=())  # other routines that still list it


# ---- checking values (pure) --------------------------------------------------------------------


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key, key)


def check_slug(slug: Any, what: str = "stretch", label: str = "SLUG") -> str:
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        shown = slug if isinstance(slug, str) else repr(slug)
        hint = (
            f" (did you mean '{shown.lower()}'?)"
            if isinstance(slug, str) and SLUG_PATTERN.fullmatch(slug.lower())
            else ""
        )
        raise InvalidInput(f"{label} '{shown}' is not a valid {what} slug{hint}; use {SLUG_RULE}.")
    return slug


def check_text(value: Any, label: str, limit: int, *, allow_empty: bool = False, lines: bool = False) -> str:
    """Plain text, stripped, within a length, without control characters (new lines only where `lines`)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text, not {type(value).__name__}.")
    text = value.strip()
    if not text and not allow_empty:
        raise InvalidInput(f"{label} is empty; give some text.")
    if len(text) > limit:
        raise InvalidInput(f"{label} is {len(text)} characters long; the limit is {limit}.")
    bad = first_control(text, keep="\n\t" if lines else "\t")
    if bad is not None:
        raise InvalidInput(f"{label} contains a control character ({describe_char(bad)}); use plain text.")
    return text


def check_hold(value: Any, label: str = "--hold") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not HOLD_MIN <= value <= HOLD_MAX:
        raise InvalidInput(
            f"{label} {value!r} is out of range; give a whole number of seconds from {HOLD_MIN} to {HOLD_MAX}."
        )
    return value


def check_list(values: Any, label: str, limit: int, most: int, *, required: bool) -> tuple[str, ...]:
    if not isinstance(values, (list, tuple)):
        raise InvalidInput(f"{label} must be a list of texts.")
    if required and not values:
        raise InvalidInput(f"{label} is missing; give at least one (each a non-empty line of text).")
    if len(values) > most:
        raise InvalidInput(f"{label} has {len(values)} items; the limit is {most}.")
    return tuple(check_text(v, f"{label} {n}", limit) for n, v in enumerate(values, start=1))


def check_stretch(spec: StretchSpec, labels: Mapping[str, str] = CLI_LABELS) -> StretchSpec:
    """The spec with its texts tidied, or InvalidInput naming the first bad field."""
    if not isinstance(spec.per_side, bool):
        raise InvalidInput(f"{_label(labels, 'per_side')} must be true or false.")
    return StretchSpec(
        slug=check_slug(spec.slug, label=_label(labels, "slug")),
        name=check_text(spec.name, _label(labels, "name"), NAME_MAX),
        steps=check_list(spec.steps, _label(labels, "steps"), STEP_MAX, STEPS_MAX, required=True),
        hold_seconds=check_hold(spec.hold_seconds, _label(labels, "hold_seconds")),
        per_side=spec.per_side,
        source=check_text(spec.source, _label(labels, "source"), SOURCE_MAX, allow_empty=True),
        cautions=check_list(spec.cautions, _label(labels, "cautions"), STEP_MAX, CAUTIONS_MAX, required=False),
    )


_STRETCH_KEYS = {"slug", "name", "steps", "hold_seconds", "per_side", "source", "cautions"}
_ROUTINE_KEYS = {"slug", "name", "stretches", "description", "default"}


def _file_stretch(item: Any, where: str) -> StretchSpec:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object with slug, name and steps.")
    slug = item.get("slug")
    label = f"{where} ('{slug}')" if isinstance(slug, str) else where
    # "earlier" is the seed file's record of what earlier seed versions wrote (services.seeding); not a stretch field.
    unknown = sorted(set(item) - _STRETCH_KEYS - {"earlier"})
    if unknown:
        raise InvalidInput(
            f"{label} has unknown field '{unknown[0]}'; known fields: {', '.join(sorted(_STRETCH_KEYS))}."
        )
    missing = [k for k in ("slug", "name", "steps") if k not in item]
    if missing:
        raise InvalidInput(f"{label} has no '{missing[0]}'; each stretch needs slug, name and steps.")
    labels = {k: f"{label}: {k}" for k in _STRETCH_KEYS}
    labels["slug"] = f"{where}: slug"
    spec = StretchSpec(
        slug=item["slug"],
        name=item["name"],
        steps=item["steps"],
        hold_seconds=item.get("hold_seconds", 30),
        per_side=item.get("per_side", True),
        source=item.get("source", ""),
        cautions=item.get("cautions", []),
    )
    return check_stretch(spec, labels)


def _file_routine(item: Any, where: str) -> RoutineSpec:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object with slug and stretches.")
    unknown = sorted(set(item) - _ROUTINE_KEYS)
    if unknown:
        raise InvalidInput(
            f"{where} has unknown field '{unknown[0]}'; known fields: {', '.join(sorted(_ROUTINE_KEYS))}."
        )
    slug = check_slug(item.get("slug"), "routine", f"{where}: slug")
    stretches = item.get("stretches")
    if not isinstance(stretches, list) or not stretches:
        raise InvalidInput(f"{where} ('{slug}') lists no stretches; a routine needs at least one.")
    return RoutineSpec(
        slug=slug,
        name=check_text(item.get("name", _name_from(slug)), f"{where} ('{slug}'): name", NAME_MAX),
        stretches=tuple(check_slug(s, "stretch", f"{where} ('{slug}'): stretch") for s in stretches),
        description=check_text(item.get("description", ""), f"{where}: description", DESCRIPTION_MAX, allow_empty=True),
    )


def parse_stretch_document(data: Any) -> tuple[list[StretchSpec], list[RoutineSpec]]:
    """A seed-format document ({"format": "sij-seed", "stretches": [...], "routines": [...]}) or one stretch object."""
    if isinstance(data, dict) and "format" not in data and "slug" in data:
        return [_file_stretch(data, "the stretch")], []
    if not isinstance(data, dict) or data.get("format") != SEED_FORMAT:
        raise InvalidInput(
            f'The file is not a sij stretch file; it needs "format": "{SEED_FORMAT}" and a "stretches" list '
            "(as in sij's seed/stretches.json), or a single stretch object with slug, name and steps."
        )
    stretches = data.get("stretches", [])
    routines = data.get("routines", [])
    if not isinstance(stretches, list) or not isinstance(routines, list):
        raise InvalidInput('The file\'s "stretches" and "routines" must be lists.')
    if not stretches and not routines:
        raise InvalidInput("The file lists no stretches; nothing to add.")
    specs = [_file_stretch(item, f"stretches[{n}]") for n, item in enumerate(stretches)]
    routine_specs = [_file_routine(item, f"routines[{n}]") for n, item in enumerate(routines)]
    return specs, routine_specs


def load_stretch_file(path: Path) -> tuple[list[StretchSpec], list[RoutineSpec]]:
    """The stretches and routines of a stretch file; any problem is InvalidInput with subject "file"."""
    try:
        return _load_stretch_file(path)
    except InvalidInput as err:
        message = str(err) if f"'{path}'" in str(err) else f"'{path}' cannot be used: {err}"
        raise InvalidInput(message, subject="file") from None


def _load_stretch_file(path: Path) -> tuple[list[StretchSpec], list[RoutineSpec]]:
    from tracker.files import NotRegularFile, TooLarge, read_regular_file

    try:
        text = read_regular_file(path, FILE_MAX_BYTES).decode("utf-8")
    except TooLarge:
        raise InvalidInput(
            f"'{path}' is larger than {FILE_MAX_BYTES // 1_000_000} MB; a stretch file is small."
        ) from None
    except NotRegularFile:
        if path.is_dir():
            raise InvalidInput(f"'{path}' is a folder; give the path of a stretch file (JSON).") from None
        raise InvalidInput(f"'{path}' is not a regular file (a pipe, device or socket); give a stretch file.") from None
    except FileNotFoundError:
        raise InvalidInput(f"No file '{path}'; give the path of a stretch file (JSON).") from None
    except IsADirectoryError:
        raise InvalidInput(f"'{path}' is a folder; give the path of a stretch file (JSON).") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"'{path}' is not UTF-8 text; a stretch file is JSON.") from None
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            raise InvalidInput(
                f"'{path}' is too long for a file name; give the path of a stretch file (JSON)."
            ) from None
        # The file is there but cannot be read (permissions, a device error): the environment, not the input.
        raise DataError(f"Cannot read '{path}': {err.strerror}.") from None
    except ValueError:  # e.g. a NUL character in the name
        raise InvalidInput(f"'{path}' is not a usable file name; give the path of a stretch file (JSON).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInput(f"'{path}' is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}).") from None
    except RecursionError:
        raise InvalidInput(f"'{path}' is nested too deeply to be a stretch file.") from None
    except ValueError:  # an integer of thousands of digits
        raise InvalidInput(f"'{path}' holds a number far too long to be part of a stretch file.") from None
    try:
        return parse_stretch_document(data)
    except RecursionError:
        raise InvalidInput(f"'{path}' is nested too deeply to be a stretch file.") from None


def _name_from(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


# ---- stretches ---------------------------------------------------------------------------------


def _stretch_row(session: Session, slug: str) -> Stretch:
    get_stretch(session=session, slug=slug)  # NotFound with the known slugs
    row = session.exec(select(Stretch).where(Stretch.slug == slug)).one()
    return row


def _taken_stretch_slugs(session: Session) -> set[str]:
    return set(session.exec(select(Stretch.slug)).all())


def add_stretches(
    *, session: Session, specs: Sequence[StretchSpec], routines: Sequence[RoutineSpec] = ()
) -> tuple[list[StretchInfo], list[RoutineInfo]]:
    """Add new stretches (and routines of them); all are checked first, so a bad one adds nothing."""
    checked = [check_stretch(s) for s in specs]
    taken = _taken_stretch_slugs(session)
    seen: set[str] = set()
    for spec in checked:
        if spec.slug in taken:
            raise InvalidInput(
                f"A stretch named '{spec.slug}' already exists; change it with `sij stretches edit {spec.slug}` "
                "or choose another slug.",
                subject="slug",
            )
        if spec.slug in seen:
            raise InvalidInput(f"The stretch '{spec.slug}' is given twice; each slug must be unique.")
        seen.add(spec.slug)
    rows = []
    for spec in checked:
        row = Stretch(
            slug=spec.slug,
            name=spec.name,
            steps=list(spec.steps),
            cautions=list(spec.cautions),
            hold_seconds=spec.hold_seconds,
            per_side=spec.per_side,
            source=spec.source,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    made = [create_routine(session=session, spec=r) for r in routines]
    return [stretch_info(r) for r in rows], made


def edit_stretch(*, session: Session, slug: str, changes: StretchChanges) -> tuple[StretchInfo, StretchInfo]:
    """Change only the given fields; returns the stretch before and after."""
    if changes.is_empty():
        raise InvalidInput(
            "Nothing to change; give at least one of --name, --step, --hold, --per-side/--both-sides, "
            "--source, --caution, --no-cautions."
        )
    row = _stretch_row(session, slug)
    before = stretch_info(row)
    merged = StretchSpec(
        slug=row.slug,
        name=changes.name if changes.name is not None else row.name,
        steps=changes.steps if changes.steps is not None else tuple(row.steps),
        hold_seconds=changes.hold_seconds if changes.hold_seconds is not None else row.hold_seconds,
        per_side=changes.per_side if changes.per_side is not None else row.per_side,
        source=changes.source if changes.source is not None else row.source,
        cautions=changes.cautions if changes.cautions is not None else tuple(row.cautions),
    )
    spec = check_stretch(merged)
    row.name = spec.name
    row.steps = list(spec.steps)
    row.hold_seconds = spec.hold_seconds
    row.per_side = spec.per_side
    row.source = spec.source
    row.cautions = list(spec.cautions)
    session.add(row)
    session.flush()
    return before, stretch_info(row)


def _routines_listing(session: Session, stretch_id: int) -> list[Routine]:
    return list(
        session.exec(
            select(Routine)
            .join(RoutineStep, col(RoutineStep.routine_id) == col(Routine.id))
            .where(RoutineStep.stretch_id == stretch_id, col(Routine.active).is_(True))
            .distinct()
            .order_by(col(Routine.id))
        ).all()
    )


def retire_stretch(*, session: Session, slug: str, new_default: str | None = None) -> Retired:
    """Hide a stretch from lists and new routines; its past holds stay in history under its name.

    The default routine must not need it: choose another default first, or pass `new_default`.
    Other routines keep listing it (nothing is rewritten behind the person's back); they are named.
    """
    row = _stretch_row(session, slug)
    assert row.id is not None
    if not row.active:
        raise InvalidInput(
            f"The stretch '{slug}' is already retired; `sij stretches unretire {slug}` brings it back.",
            subject="stretch",
        )
    listing = _routines_listing(session, row.id)
    default_slug = default_routine_slug(session=session)
    chosen: str | None = None
    if new_default is not None:
        target = _usable_routine(session, new_default, label="--new-default")
        if any(s.slug == slug for s in target.stretches):
            raise InvalidInput(f"--new-default '{new_default}' also lists '{slug}'; choose a routine without it.")
        put_setting(session=session, key=DEFAULT_ROUTINE, value=target.slug)
        default_slug, chosen = target.slug, target.slug
    elif any(r.slug == default_slug for r in listing):
        raise InvalidInput(
            f"The stretch '{slug}' is in your default routine '{default_slug}'; choose a new default first "
            f"(`sij routines default SLUG`, or add --new-default SLUG), or take it out with "
            f"`sij routines edit {default_slug} --stretch ...`."
        )
    row.active = False
    session.add(row)
    session.flush()
    still = tuple(r.slug for r in listing if r.slug != default_slug)
    return Retired(stretch_info(row), chosen, still)


def unretire_stretch(*, session: Session, slug: str) -> StretchInfo:
    row = _stretch_row(session, slug)
    if row.active:
        raise InvalidInput(
            f"The stretch '{slug}' is not retired; only a retired stretch can be brought back.", subject="stretch"
        )
    row.active = True
    session.add(row)
    session.flush()
    return stretch_info(row)


# ---- routines ----------------------------------------------------------------------------------


def _usable_stretches(session: Session, slugs: Sequence[str], label: str = "--stretch") -> list[Stretch]:
    if not slugs:
        raise InvalidInput(f"A routine needs at least one stretch; give {label} SLUG (repeat it, in order).")
    if len(slugs) > ROUTINE_MAX:
        raise InvalidInput(f"{label} is given {len(slugs)} times; a routine holds at most {ROUTINE_MAX} stretches.")
    rows: list[Stretch] = []
    for slug in slugs:
        row = session.exec(select(Stretch).where(Stretch.slug == slug)).first()
        if row is None:
            known = [s.slug for s in session.exec(select(Stretch).where(col(Stretch.active).is_(True))).all()]
            raise NotFound(f"{label}: no stretch named '{slug}'. Known: {', '.join(known) or 'none yet'}.")
        if not row.active:
            raise InvalidInput(
                f"{label}: the stretch '{slug}' is retired; bring it back with `sij stretches unretire {slug}` "
                "or leave it out."
            )
        rows.append(row)
    return rows


def _usable_routine(session: Session, slug: str, label: str = "") -> RoutineInfo:
    """The active routine `slug` with usable stretches; `label` names the option it came from, if any.

    Without a label the error's subject is "routine", for the command line to name its argument.
    """
    subject = None if label else "routine"

    def about(text: str) -> str:
        return f"{label}: {text}" if label else text

    row = session.exec(select(Routine).where(Routine.slug == slug, col(Routine.active).is_(True))).first()
    if row is None:
        known = [r.slug for r in session.exec(select(Routine).where(col(Routine.active).is_(True))).all()]
        missing = f"no routine named '{slug}'" if label else f"there is no routine named '{slug}'"
        raise NotFound(about(f"{missing}. Known: {', '.join(known) or 'none yet'}."), subject=subject)
    info = get_routine(session=session, slug=slug)
    if not info.stretches:
        raise InvalidInput(about(f"the routine '{slug}' has no stretches."), subject=subject)
    retired = [s.slug for s in info.stretches if not s.active]
    if retired:
        raise InvalidInput(
            about(
                f"the routine '{slug}' lists the retired stretch '{retired[0]}'; "
                f"change it first with `sij routines edit {slug} --stretch ...`."
            ),
            subject=subject,
        )
    return info


def _set_steps(session: Session, routine_id: int, stretches: Sequence[Stretch]) -> None:
    for old in session.exec(select(RoutineStep).where(RoutineStep.routine_id == routine_id)).all():
        session.delete(old)
    session.flush()  # the old positions must be gone before the new ones take the same numbers
    for position, stretch in enumerate(stretches, start=1):
        assert stretch.id is not None
        session.add(RoutineStep(routine_id=routine_id, position=position, stretch_id=stretch.id))


def create_routine(*, session: Session, spec: RoutineSpec) -> RoutineInfo:
    """A new routine of existing, active stretches, in the order given (a stretch may appear twice)."""
    slug = check_slug(spec.slug, "routine")
    name = check_text(_name_from(slug) if spec.name is None else spec.name, "--name", NAME_MAX)
    description = check_text(spec.description, "--description", DESCRIPTION_MAX, allow_empty=True)
    if session.exec(select(Routine.id).where(Routine.slug == slug)).first() is not None:
        raise InvalidInput(
            f"A routine named '{slug}' already exists; change it with `sij routines edit {slug}` "
            "or choose another slug.",
            subject="slug",
        )
    stretches = _usable_stretches(session, spec.stretches)
    row = Routine(slug=slug, name=name, description=description)
    session.add(row)
    session.flush()
    assert row.id is not None
    _set_steps(session, row.id, stretches)
    session.flush()
    return get_routine(session=session, slug=slug)


def edit_routine(
    *,
    session: Session,
    slug: str,
    name: str | None = None,
    stretches: Sequence[str] | None = None,
    description: str | None = None,
) -> tuple[RoutineInfo, RoutineInfo]:
    """Rename, re-describe, or replace the ordered stretches of a routine; returns it before and after."""
    if name is None and stretches is None and description is None:
        raise InvalidInput("Nothing to change; give at least one of --name, --stretch, --description.")
    if not slug:
        raise InvalidInput("SLUG is empty; give the routine's slug (`sij routines` lists them).")
    before = get_routine(session=session, slug=slug)  # NotFound naming the known ones
    row = session.get(Routine, before.id)
    assert row is not None and row.id is not None
    if name is not None:
        row.name = check_text(name, "--name", NAME_MAX)
    if description is not None:
        row.description = check_text(description, "--description", DESCRIPTION_MAX, allow_empty=True)
    if stretches is not None:
        _set_steps(session, row.id, _usable_stretches(session, stretches))
    session.add(row)
    session.flush()
    return before, get_routine(session=session, slug=slug)


def set_default_routine(*, session: Session, slug: str) -> RoutineInfo:
    """The routine `sij run` and `sij log` use when none is named."""
    info = _usable_routine(session, slug)
    put_setting(session=session, key=DEFAULT_ROUTINE, value=info.slug)
    session.flush()
    return replace(info, is_default=True)
