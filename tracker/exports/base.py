"""The one interface every export format implements, and the plain snapshot of data it receives.

Stdlib only (tracker.stats is named for type checking only). The snapshot is built by `tracker.services.exchange`
inside one unit of work; an exporter turns it into text or bytes without a database session and without printing,
so each format is a pure, testable function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.clock import as_recorded, local_day, when_text
from tracker.records import HoldCounts

if TYPE_CHECKING:
    from tracker.stats import Progress, RatingsView


# Words for the snapshot's codes, shared by the exports that print them (CSV, PDF).
STATE_TEXT = {"completed": "completed", "stopped_sharp": "stopped: sharp pain", "aborted": "stopped early"}
CONTEXT_ORDER = {"before": 0, "during": 1, "after": 2, "check-in": 3}
SIDE_TEXT = {"left": "L", "right": "R", "both": "both"}


@dataclass(frozen=True)
class StretchItem:
    uuid: str
    slug: str
    name: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    hold_seconds: int
    per_side: bool
    source: str
    active: bool
    seeded: bool


@dataclass(frozen=True)
class RoutineItem:
    uuid: str
    slug: str
    name: str
    description: str
    active: bool
    seeded: bool
    stretches: tuple[str, ...]  # stretch uuids, in order


@dataclass(frozen=True)
class HoldItem:
    uuid: str
    position: int
    stretch: str  # stretch uuid
    side: str
    seconds: int
    completed: bool
    sharp: bool


@dataclass(frozen=True)
class SessionItem(HoldCounts):
    """One practice (session of stretching) with its holds. Instants are aware UTC; `offset_minutes` is local."""

    uuid: str
    started_at: datetime
    offset_minutes: int
    ended_at: datetime | None
    routine: str | None  # routine uuid
    heat: bool
    sharp: bool
    note: str
    state: str
    flagged: bool
    advice: str
    guided: bool
    deleted_at: datetime | None
    holds: tuple[HoldItem, ...]
    time_known: bool = True  # False: only the date was given; started_at holds midday and is never shown as a time
    # The score the see-a-doctor advice was shown for (None: sharp pain only, or not known); not compared.
    advice_score: int | None = field(default=None, compare=False)
    # When the entry was made (for `sij undo`); not compared, so that older backups without it still merge cleanly.
    created_at: datetime | None = field(default=None, compare=False)
    id: int | None = field(default=None, compare=False)  # the number people type; kept by a restore when free
    # The holds the session set out to do, derived by services.practices.planned_holds; not part of the backup.
    planned_holds: int | None = field(default=None, compare=False)

    @property
    def local_start(self) -> datetime:
        return as_recorded(self.started_at, self.offset_minutes)

    @property
    def when_text(self) -> str:
        """`2026-11-24 08:15`, or the date alone when no time was given: what every renderer shows."""
        return when_text(self.local_start, self.time_known)

    @property
    def local_end(self) -> datetime | None:
        return None if self.ended_at is None else as_recorded(self.ended_at, self.offset_minutes)


@dataclass(frozen=True)
class PainItem:
    uuid: str
    recorded_at: datetime
    offset_minutes: int
    score: int
    context: str
    sharp: bool
    note: str
    session: str | None  # practice uuid
    flagged: bool
    advice: str
    deleted_at: datetime | None
    time_known: bool = True
    advice_score: int | None = field(default=None, compare=False)
    created_at: datetime | None = field(default=None, compare=False)
    id: int | None = field(default=None, compare=False)
    number: int | None = field(default=None, compare=False)  # a check-in's number among check-ins

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.recorded_at, self.offset_minutes)

    @property
    def when_text(self) -> str:
        return when_text(self.local_time, self.time_known)


@dataclass(frozen=True)
class ScreeningItem:
    uuid: str
    taken_at: datetime
    offset_minutes: int
    kind: str
    answers: dict[str, bool]
    level: str
    advice: str
    id: int | None = field(default=None, compare=False)

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.taken_at, self.offset_minutes)


@dataclass(frozen=True)
class ActivityItem:
    """An activity the person rates (function, PSFS-style); `retired_at` set when no longer rated."""

    uuid: str
    text: str
    added_at: datetime
    offset_minutes: int
    retired_at: datetime | None
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RatingItem:
    """A function rating (0-10, `activity` is the activity's uuid) or the impression of change (1-7)."""

    uuid: str
    kind: str  # "function" or "impression"
    activity: str | None
    value: int
    recorded_at: datetime
    offset_minutes: int
    deleted_at: datetime | None
    time_known: bool = True  # False: only the date was given; recorded_at holds midday and is never shown as a time
    created_at: datetime | None = field(default=None, compare=False)
    id: int | None = field(default=None, compare=False)

    @property
    def local_time(self) -> datetime:
        return as_recorded(self.recorded_at, self.offset_minutes)

    @property
    def when_text(self) -> str:
        return when_text(self.local_time, self.time_known)


@dataclass(frozen=True)
class ExportData:
    """Everything an export may show, as plain values. Lists are in a stable order (time, then uuid)."""

    exported_at: datetime  # aware, local
    sij_version: str
    stretches: tuple[StretchItem, ...] = ()
    routines: tuple[RoutineItem, ...] = ()
    sessions: tuple[SessionItem, ...] = ()
    pain_scores: tuple[PainItem, ...] = ()
    screenings: tuple[ScreeningItem, ...] = ()
    activities: tuple[ActivityItem, ...] = ()
    ratings: tuple[RatingItem, ...] = ()
    settings: dict[str, str] = field(default_factory=dict)
    since: date | None = None
    until: date | None = None
    day_start_minutes: int = 0
    patient_id: str = ""  # the FHIR Patient's stable id for this database
    name: str | None = None  # the person's name, only when they pass --name
    # The `sij progress` numbers for the same period, computed in the same unit of work (the PDF report shows them).
    progress: Progress | None = None
    # Function and impression of change as every report shows them (start → now, verdict, latest impression).
    rating_summary: RatingsView | None = None

    def stretch(self, uuid: str) -> StretchItem | None:
        return next((s for s in self.stretches if s.uuid == uuid), None)

    def activity(self, uuid: str | None) -> ActivityItem | None:
        return next((a for a in self.activities if a.uuid == uuid), None)

    def routine(self, uuid: str | None) -> RoutineItem | None:
        return next((r for r in self.routines if r.uuid == uuid), None)

    def day_of(self, moment: datetime, offset_minutes: int) -> date:
        return local_day(moment, offset_minutes, self.day_start_minutes)


@dataclass(frozen=True)
class BackupRows:
    """The lossless backup read straight from the rows, for `json_backup.render_rows` (no item per record).

    A twenty-year history is some 54,000 records; an item object per record cost a fifth of the backup's time.
    The catalogue, settings, screenings and activities (a few dozen records) come as the items above; sessions,
    holds, pain scores and ratings as plain tuples, in the backup's key order, with references already turned
    into uuids and instants as naive UTC datetimes (offsets in minutes beside them). Lists are sorted as the
    backup lists them (time, then uuid; holds by position, then uuid).
    """

    exported_at: datetime  # aware, local
    sij_version: str
    since: date | None
    until: date | None
    settings: dict[str, str]
    stretches: tuple[StretchItem, ...]
    routines: tuple[RoutineItem, ...]
    # (uuid, started_at, offset_minutes, ended_at, routine, state, guided, heat, sharp, flagged, advice, note, id,
    #  time_known, advice_score, created_at, deleted_at)
    sessions: list[tuple[Any, ...]]
    # practice id -> [(practice id, uuid, position, stretch, side, seconds, completed, sharp), ...]
    holds: dict[int, list[tuple[Any, ...]]]
    # (uuid, recorded_at, offset_minutes, score, context, session, sharp, flagged, advice, note, id, number,
    #  time_known, advice_score, created_at, deleted_at)
    pain_scores: list[tuple[Any, ...]]
    screenings: tuple[ScreeningItem, ...]
    activities: tuple[ActivityItem, ...]
    # (uuid, kind, activity, value, recorded_at, offset_minutes, id, time_known, created_at, deleted_at)
    ratings: list[tuple[Any, ...]]
    # What the command says it wrote: records not in the trash.
    live_sessions: int = 0
    live_pain_scores: int = 0
    live_ratings: int = 0


@dataclass(frozen=True)
class ExportOptions:
    """Choices a format may use; the command refuses an option the chosen format does not use."""

    table: str = "sessions"


@dataclass(frozen=True)
class Exporter:
    name: str
    title: str  # how messages name it, e.g. "CSV (one row per session)"
    render: Callable[[ExportData, ExportOptions], str | bytes]
    binary: bool = False  # bytes, only to a file
    lossless: bool = False  # keeps trashed records and everything needed to restore the database
    options: frozenset[str] = frozenset()  # optional command-line options it uses: "table", "name"
    needs_patient_id: bool = False
    needs_progress: bool = False  # the snapshot must carry the progress numbers (ExportData.progress)
    # The lossless backup's fast way: BackupRows (services.exchange.build_backup) in, text out.
    render_rows: Callable[[BackupRows], str] | None = None
