"""The whole-file check of a backup before anything is written: the rules the commands apply, for every record.

A backup can come from anywhere (another computer, an older sij, a hand edit, someone hostile), so every text,
number and date in it is held to what `sij log`, `sij stretches add --from` and the other commands accept.
The rules are tables keyed by field name, applied to every kind of record the backup carries: a new kind of
record (a new tuple of items in ExportData) gets the same text, number and date checks without new code, and
a new field only needs a row here if the defaults below do not fit it.
"""

from __future__ import annotations

import dataclasses
import uuid as uuidlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker import safety
from tracker.dates import EARLIEST, LATEST, in_range
from tracker.errors import InvalidInput
from tracker.exports.base import ExportData
from tracker.services.customise import (
    CAUTIONS_MAX,
    DESCRIPTION_MAX,
    HOLD_MAX,
    HOLD_MIN,
    NAME_MAX,
    ROUTINE_MAX,
    SLUG_PATTERN,
    SLUG_RULE,
    SOURCE_MAX,
    STEP_MAX,
    STEPS_MAX,
)
from tracker.services.practices import NOTE_MAX
from tracker.services.settings import DAY_START, DEFAULT_ROUTINE, NOTICE_SHOWN, SEED_VERSION, VOICE, parse_day_start
from tracker.text import describe_char, first_control

ADVICE_MAX = 4000  # the longest advice sij writes is under 1,000 characters
HOLDS_MAX = 1000  # holds in one session: a routine of 50 stretches, both sides, repeated


@dataclass(frozen=True)
class TextRule:
    limit: int
    lines: bool = False  # new lines allowed (notes, advice)
    slug: bool = False


# Text fields by name, in any kind of record. A text field not named here is short and on one line.
TEXT_RULES: dict[str, TextRule] = {
    "slug": TextRule(64, slug=True),
    "name": TextRule(NAME_MAX),
    "steps": TextRule(STEP_MAX),
    "cautions": TextRule(STEP_MAX),
    "source": TextRule(SOURCE_MAX),
    "description": TextRule(DESCRIPTION_MAX),
    "note": TextRule(NOTE_MAX, lines=True),
    "advice": TextRule(ADVICE_MAX, lines=True),
    "text": TextRule(safety.ACTIVITY_TEXT_MAX),  # an activity the person rates
}
DEFAULT_TEXT = TextRule(200)

# Lists by field name: how many items at most.
LIST_LIMITS: dict[str, int] = {
    "steps": STEPS_MAX,
    "cautions": CAUTIONS_MAX,
    "stretches": ROUTINE_MAX,
    "holds": HOLDS_MAX,
}

# Numbers by (kind, field) where the commands are stricter than the file's own shape check.
NUMBER_RULES: dict[tuple[str, str], tuple[int, int]] = {
    ("stretches", "hold_seconds"): (HOLD_MIN, HOLD_MAX),
}


def _activity_text(value: str) -> None:
    from tracker.services.ratings import check_activity_text

    try:
        tidy = check_activity_text(value)
    except InvalidInput as err:
        raise ValueError(str(err)) from None
    if tidy != value:
        raise ValueError("has spaces at its ends or several spaces in a row")


# Rules of one field that the tables above cannot say, as `sij` applies them when the value is typed.
FIELD_CHECKS: dict[tuple[str, str], Callable[[str], None]] = {
    ("activities", "text"): _activity_text,
}


def _yes_no(value: str) -> None:
    if value not in ("yes", "no"):
        raise ValueError("should be yes or no")


def _slug(value: str) -> None:
    if not SLUG_PATTERN.fullmatch(value):
        raise ValueError(f"is not a routine slug ({SLUG_RULE})")


def _uuid(value: str) -> None:
    try:
        canonical = str(uuidlib.UUID(value))
    except ValueError:
        canonical = ""
    if canonical != value:
        raise ValueError("is not a uuid in lower case with hyphens")


def _on_off(value: str) -> None:
    if value not in ("on", "off"):
        raise ValueError("should be on or off")


def _iso_day(value: str) -> None:
    from datetime import date

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO date") from None
    if not in_range(day):
        raise ValueError(f"is not from {EARLIEST} to {LATEST}")


def _day_start(value: str) -> None:
    try:
        parse_day_start(value)
    except InvalidInput:
        raise ValueError("is not a time HH:MM from 00:00 to 23:59") from None


def _digits(value: str) -> None:
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise ValueError("is not a small whole number")


# Every setting a backup may carry, with its check; anything else is refused (nothing unknown is stored).
SETTING_RULES: dict[str, Callable[[str], None]] = {
    DEFAULT_ROUTINE: _slug,
    DAY_START: _day_start,
    NOTICE_SHOWN: _yes_no,
    "fhir_patient_id": _uuid,
    VOICE: _on_off,
    "activities_offered": _yes_no,
    SEED_VERSION: _digits,  # bookkeeping: accepted, never imported
    "impression_asked_on": _iso_day,  # bookkeeping: accepted, never imported
}


def check_backup(data: ExportData) -> None:
    """Raise InvalidInput naming the first value (by its place in the file) that the commands would refuse."""
    for field in dataclasses.fields(data):
        items = getattr(data, field.name)
        if isinstance(items, tuple) and items and dataclasses.is_dataclass(items[0]):
            for index, item in enumerate(items):
                _check_record(field.name, item, f"{field.name}[{index}]")
    _check_settings(data.settings)
    _check_text("sij_version", data.sij_version, "sij_version", DEFAULT_TEXT)
    _check_moment(data.exported_at, "exported_at")


_CHECKED_FIELDS: dict[type, tuple[str, ...]] = {}


def _checked_fields(kind: type) -> tuple[str, ...]:
    """The fields of a kind of item that come from the file (ids and counts are derived here, never read from it).
    Found once per kind, not per record: a twenty-year backup holds some 54,000 records."""
    names = _CHECKED_FIELDS.get(kind)
    if names is None:
        fields = dataclasses.fields(kind)
        names = _CHECKED_FIELDS[kind] = tuple(f.name for f in fields if f.compare or f.name == "created_at")
    return names


def _check_record(kind: str, item: Any, where: str) -> None:
    # The place in the file ("sessions[3].note") is spelled out only for a message: most values pass.
    for name in _checked_fields(type(item)):
        value = getattr(item, name)
        if isinstance(value, str):
            problem = _text_problem(value, TEXT_RULES.get(name, DEFAULT_TEXT))
            if problem is not None:
                raise InvalidInput(f"{where}.{name} {problem}")
            extra = FIELD_CHECKS.get((kind, name))
            if extra is not None:
                try:
                    extra(value)
                except ValueError as err:
                    raise InvalidInput(f"{where}.{name} {err}.") from None
        elif isinstance(value, datetime):
            if not in_range(value.date()):
                _check_moment(value, f"{where}.{name}")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            low, high = NUMBER_RULES.get((kind, name), (None, None))
            if low is not None and high is not None and not low <= value <= high:
                raise InvalidInput(f"{where}.{name} is {value}; it must be from {low} to {high}.")
        elif isinstance(value, tuple):
            _check_list(kind, name, value, f"{where}.{name}")
        elif isinstance(value, Mapping):
            for key in value:
                _check_text(name, str(key), f"{where}.{name} key", DEFAULT_TEXT)


def _check_list(kind: str, name: str, values: tuple[Any, ...], path: str) -> None:
    limit = LIST_LIMITS.get(name)
    if limit is not None and len(values) > limit:
        raise InvalidInput(f"{path} has {len(values)} items; the limit is {limit}.")
    for index, value in enumerate(values):
        if dataclasses.is_dataclass(value):
            _check_record(name, value, f"{path}[{index}]")
        elif isinstance(value, str):
            _check_text(name, value, f"{path}[{index}]", TEXT_RULES.get(name, DEFAULT_TEXT))


def _text_problem(value: str, rule: TextRule) -> str | None:
    """What is wrong with a text, as the end of a sentence that starts with its place in the file; None: nothing."""
    if len(value) > rule.limit:
        return f"is {len(value)} characters long; the limit is {rule.limit}."
    bad = first_control(value, keep="\n\t" if rule.lines else "\t")
    if bad is not None:
        return f"contains a control character ({describe_char(bad)}); only plain text is accepted."
    if rule.slug and not SLUG_PATTERN.fullmatch(value):
        return f"'{value}' is not a valid slug; use {SLUG_RULE}."
    return None


def _check_text(name: str, value: str, path: str, rule: TextRule) -> None:
    problem = _text_problem(value, rule)
    if problem is not None:
        raise InvalidInput(f"{path} {problem}")


def _check_moment(value: datetime, path: str) -> None:
    if not in_range(value.date()):
        raise InvalidInput(f"{path} is {value.date()}; dates must be from {EARLIEST} to {LATEST}.")


def _check_settings(settings: Mapping[str, str]) -> None:
    for key, value in settings.items():
        rule = SETTING_RULES.get(key)
        if rule is None:
            known = ", ".join(sorted(k for k in SETTING_RULES if k != SEED_VERSION))
            raise InvalidInput(f"settings has an unknown key '{key[:64]}'; known settings are {known}.")
        _check_text(key, value, f"settings.{key}", DEFAULT_TEXT)
        try:
            rule(value)
        except ValueError as err:
            raise InvalidInput(f"settings.{key} '{value}' {err}.") from None
