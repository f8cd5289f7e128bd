"""Time for the whole program: a Clock gives the current instant, and helpers turn instants into local days.

Stdlib only. Tests inject a FixedClock or a ManualClock instead of mocking datetime.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from datetime import time as wall_time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in the person's local time."""
        ...

    def localize(self, naive: datetime) -> datetime:
        """Attach the local time zone to a wall-clock time; raise ValueError if it is ambiguous or skipped."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards, for timers."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SkippedTime(ValueError):
    """A wall-clock time that never happens here: the clocks jumped over it (spring forward)."""


class AmbiguousTime(ValueError):
    """A wall-clock time that happens twice here: the clocks went back over it (autumn)."""


def _check_unambiguous(candidates: list[datetime], walls: list[datetime], naive: datetime) -> datetime:
    """`walls` are the candidates read back as wall-clock times: a skipped time does not come back as itself."""
    if any(wall != naive for wall in walls):
        raise SkippedTime("skipped local time (a daylight-saving change)")
    if len({c.utcoffset() for c in candidates}) != 1:
        raise AmbiguousTime("ambiguous local time (a daylight-saving change)")
    return candidates[0]


class SystemClock:
    """The real clock, using the machine's local time zone rules."""

    def now(self) -> datetime:
        return datetime.now().astimezone()

    def localize(self, naive: datetime) -> datetime:
        candidates = [naive.replace(fold=f).astimezone() for f in (0, 1)]
        walls = [datetime.fromtimestamp(c.timestamp()) for c in candidates]
        return _check_unambiguous(candidates, walls, naive.replace(fold=0))

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class ManualClock:
    """A clock that moves only when told to: `sleep` advances it instantly. For tests and demos."""

    current: datetime
    zone: tzinfo | None = None
    _mono: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        if self.zone is None:
            self.zone = self.current.tzinfo

    def now(self) -> datetime:
        return self.current.astimezone(self.zone)

    def localize(self, naive: datetime) -> datetime:
        candidates = [naive.replace(tzinfo=self.zone, fold=f) for f in (0, 1)]
        # A skipped wall time (spring forward) does not round-trip through UTC.
        walls = [c.astimezone(timezone.utc).astimezone(self.zone).replace(tzinfo=None, fold=0) for c in candidates]
        return _check_unambiguous(candidates, walls, naive.replace(fold=0))

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._mono += seconds
            self.current = self.current + timedelta(seconds=seconds)


def offset_minutes(moment: datetime) -> int:
    """The UTC offset of an aware datetime in whole minutes."""
    delta = moment.utcoffset()
    if delta is None:
        raise ValueError("naive datetime has no offset")
    return int(delta.total_seconds() // 60)


def as_recorded(utc_moment: datetime, minutes: int) -> datetime:
    """The stored instant shown in the local time (and offset) where it was recorded."""
    if utc_moment.tzinfo is None:
        utc_moment = utc_moment.replace(tzinfo=timezone.utc)
    return utc_moment.astimezone(timezone(timedelta(minutes=minutes)))


def local_day(utc_moment: datetime, minutes: int, day_start_minutes: int = 0) -> date:
    """The day a record belongs to: its local date, moved back when recorded before the day start."""
    return (as_recorded(utc_moment, minutes) - timedelta(minutes=day_start_minutes)).date()


def utc_window_start(day: date) -> datetime:
    """A UTC instant at or before the start of local day `day`, wherever and with whatever day start it was recorded.

    Offsets run from -12:00 to +14:00 and the day start moves a day by up to 24 h, so a window two days wider
    on each side of the UTC day always holds every record of that local day; the index narrows the search
    with it, and the exact local-day test runs on the few rows left.
    """
    return datetime.combine(day, wall_time(0), tzinfo=timezone.utc) - timedelta(days=2)


def utc_window_end(day: date) -> datetime:
    """A UTC instant after the end of local day `day` (see `utc_window_start`); use it as an exclusive bound."""
    return datetime.combine(day, wall_time(0), tzinfo=timezone.utc) + timedelta(days=3)


def when_text(moment: datetime, time_known: bool = True) -> str:
    """A local moment without its offset: `2026-11-24 08:15`, or `2026-11-24` when only the date was given."""
    return f"{moment:%Y-%m-%d %H:%M}" if time_known else f"{moment:%Y-%m-%d}"


def utc_offset(moment: datetime) -> str:
    """The UTC offset of an aware moment as reports write it, `+01:00` (empty for a naive one)."""
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}" if offset else ""


def format_local(moment: datetime) -> str:
    """A stored moment as a person reads it: `2026-11-24 08:15 (UTC+01:00)`."""
    return f"{moment:%Y-%m-%d %H:%M} (UTC{utc_offset(moment)})"
