"""The routine reminder as an iCalendar file: one weekly-recurring event with an alarm at its start.

Plain data in, bytes out; no database session, no printing. Imports `icalendar` (only when a reminder is made).
The file holds the routine and its stretches, never a pain score or any other health record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from tracker.records import RoutineInfo

WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")  # iCalendar BYDAY codes, Monday first (date.weekday())
UID = "sij-routine-reminder@sij.invalid"  # the same every time: importing a new file updates the old event
SETUP_MINUTES = 5  # time to lie down and get ready, added to the holds


@dataclass(frozen=True)
class Reminder:
    at: time
    days: tuple[int, ...]  # date.weekday() numbers, sorted
    zone: tzinfo | None  # a named zone (ZoneInfo) for a VTIMEZONE; None: floating local time
    routine: RoutineInfo
    start: date  # today: the event starts on the first chosen day from here

    @property
    def minutes(self) -> int:
        holds = sum(s.hold_seconds * len(s.sides) for s in self.routine.stretches)
        return SETUP_MINUTES + max(1, math.ceil(holds / 60))


def first_day(start: date, days: Sequence[int]) -> date:
    """The first day on or after `start` that is one of `days` (RFC 5545: DTSTART is the first occurrence)."""
    return next(start + timedelta(days=n) for n in range(7) if (start + timedelta(days=n)).weekday() in days)


def description(routine: RoutineInfo) -> str:
    lines = [f"Your {routine.name} routine with sij:"]
    for s in routine.stretches:
        per = "each side" if s.per_side else "both sides together"
        lines.append(f"- {s.name}: hold {s.hold_seconds} seconds, {per}")
    lines += [
        "",
        "Start it with: sij run",
        "Stretch to gentle tension only; stop at sharp pain and check with your doctor or physiotherapist.",
    ]
    return "\n".join(lines)


def render(reminder: Reminder, *, stamp: datetime) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//sij//stretching reminder//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    event = icalendar.Event()
    event.add("uid", UID)
    event.add("dtstamp", stamp)
    begin = datetime.combine(first_day(reminder.start, reminder.days), reminder.at)
    if reminder.zone is not None:
        begin = begin.replace(tzinfo=reminder.zone)
    event.add("dtstart", begin)
    event.add("duration", timedelta(minutes=reminder.minutes))
    event.add("summary", f"Stretches: {reminder.routine.name}")
    event.add("description", description(reminder.routine))
    event.add("rrule", {"freq": "weekly", "byday": [WEEKDAYS[d].upper() for d in reminder.days]})
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Time for your stretches ({reminder.routine.name})")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    cal.add_component(event)
    if reminder.zone is not None:
        # The zone's rules from this year for twenty years: enough for any calendar, and a short file.
        first = date(reminder.start.year, 1, 1)
        cal.add_missing_timezones(first_date=first, last_date=first.replace(year=first.year + 20))
    return bytes(cal.to_ical())
