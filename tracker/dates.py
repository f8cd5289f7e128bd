"""Strict parsing of the dates and times people type: ISO date, ISO date-time, `today`, `yesterday`.

Stdlib only. An ambiguous (daylight-saving) or future time is an error, never silently "now".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from tracker.clock import AmbiguousTime, Clock

FUTURE_TOLERANCE = timedelta(minutes=1)
EARLIEST = date(1970, 1, 1)  # no moment a person types for their own pain is before this
LATEST = date(2100, 12, 31)  # nor after this; both bounds also keep dates far from datetime's own limits
ACCEPTED = "an ISO date (2026-11-24), an ISO date-time (2026-11-24T08:30 or 2026-11-24 08:30+01:00), today or yesterday"


class DateInputError(ValueError):
    """A typed date that cannot be used; the message says why and what is accepted."""


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# date, T or space, HH:MM[:SS[.ffffff]], then Z or ±HH:MM, or nothing (local time)
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


def _parse_date(text: str) -> date | None:
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_when(text: str, clock: Clock) -> datetime:
    """The instant a person means by `text`, timezone-aware, never in the future.

    A bare date means midday of that date (or now, for today before midday); `yesterday` means the
    same wall-clock time one calendar day ago.
    """
    raw = text.strip()
    now = clock.now()
    lowered = raw.lower()
    if lowered in ("now", "today"):
        return now
    if lowered == "yesterday":
        wall = now.replace(tzinfo=None) - timedelta(days=1)
        return _localize(wall, clock, raw)
    if not raw:
        raise DateInputError(f"an empty date; use {ACCEPTED}")
    day = _parse_date(raw)
    if day is None and _ISO_DAY.fullmatch(raw):
        raise DateInputError(f"'{raw}' is not a real date; use {ACCEPTED}")
    if day is not None:
        _not_too_early(day, raw)
        moment = _localize(datetime.combine(day, time(12, 0)), clock, raw)
        if day == now.date() and moment > now:
            return now
        return _not_future(moment, now, raw)
    if not _ISO_DATETIME.fullmatch(raw):
        raise DateInputError(f"'{raw}' is not a date; use {ACCEPTED}")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise DateInputError(f"'{raw}' is not a real date or time; use {ACCEPTED}") from None
    _not_too_early(parsed.date(), raw)
    moment = parsed if parsed.tzinfo else _localize(parsed, clock, raw)
    return _not_future(moment, now, raw)


def _not_too_early(day: date, raw: str) -> None:
    # Also keeps year-1 dates away from time-zone arithmetic, which cannot go below year 1.
    if day < EARLIEST:
        raise DateInputError(f"'{raw}' is too long ago; give a date from {EARLIEST.isoformat()} on")
    if day > LATEST:
        raise DateInputError(f"'{raw}' is too far ahead; give a date up to {LATEST.isoformat()}")


def in_range(day: date) -> bool:
    """The dates sij accepts anywhere: typed, imported or stored."""
    return EARLIEST <= day <= LATEST


def _localize(wall: datetime, clock: Clock, raw: str) -> datetime:
    try:
        return clock.localize(wall)
    except AmbiguousTime:
        raise DateInputError(
            f"'{raw}' happens twice when the clocks go back (a daylight-saving change), so it is ambiguous; "
            "add the offset, for example 2026-10-25T01:30+01:00"
        ) from None
    except ValueError:
        raise DateInputError(
            f"'{raw}' does not exist here: the clocks jump over it (a daylight-saving change); "
            "give a time before or after the jump, or add the offset"
        ) from None


def _not_future(moment: datetime, now: datetime, raw: str) -> datetime:
    if moment - now > FUTURE_TOLERANCE:
        raise DateInputError(f"'{raw}' is in the future; give a time up to now")
    return moment


def parse_day(text: str, clock: Clock) -> date:
    """A calendar day for ranges (`--since`, `--until`): ISO date, `today` or `yesterday`."""
    raw = text.strip()
    today = clock.now().date()
    lowered = raw.lower()
    if lowered == "today":
        return today
    if lowered == "yesterday":
        return today - timedelta(days=1)
    day = _parse_date(raw)
    if day is None:
        raise DateInputError(f"'{raw}' is not a real day; use an ISO date (2026-11-24), today or yesterday")
    if not in_range(day):
        raise DateInputError(f"'{raw}' is out of range; give a day from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return day
