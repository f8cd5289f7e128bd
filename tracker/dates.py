"""Strict parsing of the dates and times people type: ISO dates and date-times, `today`, `yesterday`, a weekday,
a time of day (`9am`, `9:30pm`, `18:00`) alone or after any of those (`yesterday 9am`, `monday 8am`).

Stdlib only. An ambiguous (daylight-saving) or future time is an error, never silently "now". A date without a
time keeps that fact (`When.time_known`): it is stored at midday for ordering and never shown as a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.clock import AmbiguousTime, Clock

FUTURE_TOLERANCE = timedelta(minutes=1)
EARLIEST = date(1970, 1, 1)  # no moment a person types for their own pain is before this
LATEST = date(2100, 12, 31)  # nor after this; both bounds also keep dates far from datetime's own limits
ACCEPTED = (
    "a day (2026-11-24, today, yesterday, monday), a time (9am, 9:30pm, 18:00), a day and a time "
    "(yesterday 9am, monday 8am, 2026-11-24 9:00) or an ISO date-time (2026-11-24T08:30+01:00)"
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class When:
    """The instant a person meant, and whether they gave its time of day."""

    moment: datetime
    time_known: bool = True


class DateInputError(ValueError):
    """A typed date that cannot be used; the message says why and what is accepted."""


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# date, T or space, HH:MM[:SS[.ffffff]], then Z or ±HH:MM, or nothing (local time)
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")
# A time of day as people type it: 9am, 9:30pm, 12 am, 18:00, 9:05 (a bare "9" is not a time).
_CLOCK = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?")


def _parse_date(text: str) -> date | None:
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _clock_time(text: str) -> time | None:
    """`9am`, `9:30pm`, `18:00` as a time of day; None when `text` is not one."""
    match = _CLOCK.fullmatch(text)
    if match is None or (match["m"] is None and match["ampm"] is None):
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if minute > 59:
        return None
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].startswith("p") else 0)
    elif hour > 23:
        return None
    return time(hour, minute)


def _named_day(text: str, today: date) -> date | None:
    """`today`, `yesterday`, a weekday (the most recent one, today included) or an ISO date."""
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text in WEEKDAYS:
        return today - timedelta(days=(today.weekday() - WEEKDAYS.index(text)) % 7)
    return _parse_date(text)


def parse_moment(text: str, clock: Clock) -> When:
    """The instant a person means by `text`, timezone-aware, never in the future, and whether a time was given.

    A day alone (a date, `today`, `yesterday`, a weekday) is stored at midday (or now, for today before
    midday) with `time_known` False. A time alone means today. A weekday means the most recent one; with a
    time that has not come yet today, the one a week before.
    """
    raw = " ".join(text.split())
    now = clock.now()
    lowered = raw.lower()
    if lowered == "now":
        return When(now)
    if not raw:
        raise DateInputError(f"an empty date; use {ACCEPTED}")
    if _ISO_DAY.fullmatch(raw) and _parse_date(raw) is None:
        raise DateInputError(f"'{raw}' is not a real date; use {ACCEPTED}")
    day_text, _, time_text = lowered.partition(" ")
    day = _named_day(day_text, now.date())
    if day is not None and not time_text:
        _not_too_early(day, raw)
        moment = _localize(datetime.combine(day, time(12, 0)), clock, raw)
        if day == now.date() and moment > now:
            return When(now, time_known=False)
        return When(_not_future(moment, now, raw), time_known=False)
    if day is None:  # a time alone (`9am`, `9 am`, `18:00`) means today
        day_text, time_text, day = "today", lowered, now.date()
    of_day = _clock_time(time_text.replace(" ", "")) if day is not None else None
    if day is not None and of_day is not None:
        _not_too_early(day, raw)
        moment = _localize(datetime.combine(day, of_day), clock, raw)
        if day_text in WEEKDAYS and moment - now > FUTURE_TOLERANCE:
            moment = _localize(datetime.combine(day - timedelta(days=7), of_day), clock, raw)
        if day_text == "today" and moment - now > FUTURE_TOLERANCE and raw.lower() == time_text:
            raise DateInputError(f"'{raw}' is later today; for yesterday say 'yesterday {raw}'")
        return When(_not_future(moment, now, raw))
    return When(_iso_moment(raw, clock, now))


def parse_when(text: str, clock: Clock) -> datetime:
    """The instant a person means by `text` (see `parse_moment`), without saying whether a time was given."""
    return parse_moment(text, clock).moment


def _iso_moment(raw: str, clock: Clock, now: datetime) -> datetime:
    if not _ISO_DATETIME.fullmatch(raw):
        raise DateInputError(f"'{raw}' is not a date or time; use {ACCEPTED}")
    day_part, sep, rest = raw[:10], raw[10:11], raw[11:]
    if rest[1:2] == ":":  # a one-digit hour: 2026-11-30 9:00
        rest = "0" + rest
    try:
        parsed = datetime.fromisoformat(f"{day_part}{sep}{rest}")
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
    """A calendar day for ranges (`--since`, `--until`): ISO date, `today`, `yesterday` or a weekday; never later
    than today (a report cannot cover days that have not happened)."""
    raw = text.strip()
    today = clock.now().date()
    day = _named_day(raw.lower(), today)
    if day is None:
        raise DateInputError(
            f"'{raw}' is not a real day; use an ISO date (2026-11-24), today, yesterday or a weekday (monday)"
        )
    if not in_range(day):
        raise DateInputError(f"'{raw}' is out of range; give a day from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    if day > today:
        raise DateInputError(f"'{raw}' is in the future; give a day up to today ({today.isoformat()})")
    return day
