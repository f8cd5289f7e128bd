"""Plain read models that services return and that stats, charts and exports consume. Stdlib only.

They hold no database session, so they can outlive the unit of work and be built by hand in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.clock import as_recorded

# A session's scores given at the same instant (both logged at once) in the order they belong to it, then check-ins:
# not in the random order of their uuids, in every export and in a backup (whose order an import keeps as ids).
_CONTEXT_RANK = {"before": 0, "during": 1, "after": 2}


def context_rank(context: str) -> int:
    return _CONTEXT_RANK.get(context, len(_CONTEXT_RANK))


@dataclass(frozen=True)
class StretchInfo:
    id: int
    uuid: str
    slug: str
    name: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    hold_seconds: int
    per_side: bool
    source: str
    active: bool

    @property
    def sides(self) -> tuple[str, ...]:
        return ("left", "right") if self.per_side else ("both",)


@dataclass(frozen=True)
class RoutineInfo:
    id: int
    uuid: str
    slug: str
    name: str
    description: str
    stretches: tuple[StretchInfo, ...]
    is_default: bool = False


@dataclass(frozen=True)
class HoldRecord:
    position: int
    stretch_slug: str
    stretch_name: str
    side: str
    seconds: int
    completed: bool
    sharp: bool
    uuid: str = ""


@dataclass(frozen=True)
class PainRecord:
    id: int
    uuid: str
    recorded_at: datetime  # UTC
    offset_minutes: int
    score: int
    context: str
    sharp: bool
    note: str
    practice_id: int | None
    flagged: bool
    advice: str
    day: date
    time_known: bool = True  # False: only the date was given
    advice_score: int | None = None  # the score the advice was shown for

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.recorded_at, self.offset_minutes)


class HoldCounts:
    """Done and planned hold counts for a session record that has `holds` and `planned_holds`."""

    holds: Sequence[Any]
    planned_holds: int | None

    @property
    def holds_done(self) -> int:
        return sum(1 for h in self.holds if h.completed)

    @property
    def holds_planned(self) -> int:
        """The holds planned, never fewer than those recorded (None planned: the holds recorded)."""
        return max(self.planned_holds or 0, len(self.holds))


@dataclass(frozen=True)
class PracticeRecord(HoldCounts):
    id: int
    uuid: str
    started_at: datetime  # UTC
    offset_minutes: int
    ended_at: datetime | None
    routine_slug: str | None
    routine_name: str | None
    heat: bool
    note: str
    state: str
    flagged: bool
    advice: str
    guided: bool
    day: date
    holds: tuple[HoldRecord, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    pain_sharp: bool = False
    pains: tuple[PainRecord, ...] = field(default=(), repr=False)
    # How many holds the session set out to do; the services derive it (services.practices.planned_holds).
    # None: not known, so the holds recorded.
    planned_holds: int | None = None
    time_known: bool = True  # False: only the date was given
    advice_score: int | None = None  # the highest score when the see-a-doctor advice was shown

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.started_at, self.offset_minutes)

    @property
    def sharp(self) -> bool:
        return self.pain_sharp or any(h.sharp for h in self.holds)

    @property
    def change(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


@dataclass(frozen=True)
class ScreeningRecord:
    id: int
    uuid: str
    taken_at: datetime
    offset_minutes: int
    kind: str
    answers: dict[str, bool]
    level: str
    advice: str

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.taken_at, self.offset_minutes)


# ---- progress: aggregates that services.progress computes in SQL, for stats and charts ----------


@dataclass(frozen=True)
class DayTotals:
    """Everything recorded on one local day, already aggregated by the database."""

    day: date
    sessions_completed: int = 0
    sessions_stopped: int = 0  # stopped for sharp pain or ended early
    before_mean: float | None = None  # mean of the pre-session scores of the day
    before_count: int = 0
    after_mean: float | None = None  # mean of the post-session scores of the day
    after_count: int = 0
    sharp_events: int = 0  # sessions with sharp pain, and sharp check-ins
    severe_events: int = 0  # pain scores of 7 or more, any context
    severe_entries: int = 0  # sessions and check-ins holding those scores
    max_score: int | None = None  # the day's highest pain score of any kind
    check_in_max: int | None = None  # the day's highest check-in (a blocked run's score included)
    check_in_count: int = 0


@dataclass(frozen=True)
class DatedScore:
    day: date
    score: int


@dataclass(frozen=True)
class AlertScore:
    """A severe or sharp report in the period: a pain score of any kind, or a session with sharp pain."""

    day: date
    score: int | None  # None: sharp pain reported in a session without a score of its own
    sharp: bool
    kind: str  # "before", "after", "during", "check-in", "blocked run", "session"


@dataclass(frozen=True)
class ProgressData:
    """The raw material of `sij progress` for one period of local days (start..end inclusive)."""

    start: date
    end: date
    today: date
    days: tuple[DayTotals, ...]  # only days with a record, oldest first
    first_before: tuple[DatedScore, ...]  # the first 3 pre-session scores of the period, oldest first
    last_before: tuple[DatedScore, ...]  # the last 3, oldest first
    sessions_with_both: int  # sessions with a score before and after
    mean_change: float | None  # mean of (after - before) over those sessions
    recent_pairs: tuple[tuple[float, float], ...]  # (before, after) of the last 5 such sessions, newest first
    has_records: bool = True
    first_ever: tuple[DatedScore, ...] = ()  # the person's first 3 pre-session scores ever (up to the period's end)
    total_ever: int = 0  # pre-session scores ever, up to the period's end
    before_total: int = 0  # pre-session scores in the period
    alerts: tuple[AlertScore, ...] = ()  # severe or sharp reports from the current window's first day, oldest first
    paired_before: float | None = None  # mean pain before over the sessions with both scores
    paired_after: float | None = None  # mean pain after over the same sessions


@dataclass(frozen=True)
class StretchHolds:
    """Holds of one stretch in a period: completed, and started but not completed."""

    slug: str
    name: str
    completed: int
    not_completed: int


# ---- ratings: function (activities rated 0-10) and the global impression of change (1-7) ---------


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    uuid: str
    text: str
    added_at: datetime  # UTC
    offset_minutes: int
    retired_at: datetime | None
    latest: int | None = None  # the latest live rating
    latest_day: date | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class RatingRecord:
    """One rating as people and exports read it; `activity_*` only for a function rating."""

    id: int
    uuid: str
    kind: str  # "function" or "impression"
    value: int
    recorded_at: datetime  # UTC
    offset_minutes: int
    day: date
    activity_id: int | None = None
    activity_uuid: str | None = None
    activity_text: str | None = None
    time_known: bool = True  # False: only the date was given

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.recorded_at, self.offset_minutes)
