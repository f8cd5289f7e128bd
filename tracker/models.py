"""SQLModel tables and the plain read models that services hand to the CLI, exports and charts.

Imports SQLModel/SQLAlchemy; nothing from the CLI. The schema itself is made by the Alembic
revisions in migrations/, which must agree with these classes (a test compares them).
"""

from __future__ import annotations

import enum
import uuid as uuidlib
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as naive UTC and gives it back aware (UTC).

    SQLite has no time zone type; keeping every instant in UTC makes ordering and range queries
    correct, and the separate offset column keeps the local time it was recorded in.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


class Side(str, enum.Enum):
    left = "left"
    right = "right"
    both = "both"


class PracticeState(str, enum.Enum):
    completed = "completed"
    stopped_sharp = "stopped_sharp"
    aborted = "aborted"


class PainContext(str, enum.Enum):
    before = "before"
    after = "after"
    during = "during"
    check_in = "check-in"


class Table(SQLModel):
    """The base of every table. Rows are built by sij's own code and read back from the database, never validated
    by Pydantic, so the Pydantic schema of a table is built only if something asks for it (it costs start-up time
    in every command otherwise)."""

    model_config = SQLModelConfig(defer_build=True)


def _utc_column(nullable: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable))


class Stretch(Table, table=True):
    __tablename__ = "stretch"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cautions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hold_seconds: int = 30
    per_side: bool = True
    source: str = ""
    active: bool = True
    seeded: bool = False


class Routine(Table, table=True):
    __tablename__ = "routine"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    description: str = ""
    active: bool = True
    seeded: bool = False


class RoutineStep(Table, table=True):
    __tablename__ = "routine_step"
    __table_args__ = (UniqueConstraint("routine_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    routine_id: int = Field(foreign_key="routine.id", index=True)
    position: int
    stretch_id: int = Field(foreign_key="stretch.id")


class Practice(Table, table=True):
    """One session of stretching (named Practice: SQLModel already has a Session)."""

    __tablename__ = "practice"
    __table_args__ = (Index("ix_practice_started_at", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    started_at: datetime = _utc_column()
    offset_minutes: int = 0
    ended_at: datetime | None = _utc_column(nullable=True)
    routine_id: int | None = Field(default=None, foreign_key="routine.id")
    heat: bool = False
    sharp: bool = False
    note: str = ""
    state: str = PracticeState.completed.value
    flagged: bool = False
    advice: str = ""
    guided: bool = False
    deleted_at: datetime | None = _utc_column(nullable=True)
    # When the row was entered (the app clock), unlike started_at which `--at` can backdate.
    created_at: datetime | None = _utc_column(nullable=True)
    # False when only the date was given (`--at 2026-11-29`): started_at then holds midday, never shown as a time.
    time_known: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    # The highest pain score when the see-a-doctor advice was last recorded (None: sharp pain only, or not known).
    advice_score: int | None = None


class Hold(Table, table=True):
    """One held stretch on one side within a practice."""

    __tablename__ = "hold"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    position: int
    stretch_id: int = Field(foreign_key="stretch.id")
    side: str = Side.both.value
    seconds: int = 0
    completed: bool = True
    sharp: bool = False


class PainScore(Table, table=True):
    __tablename__ = "pain_score"
    __table_args__ = (
        Index("ix_pain_score_recorded_at", "recorded_at"),
        Index("ix_pain_score_check_in_number", "check_in_number", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    recorded_at: datetime = _utc_column()
    offset_minutes: int = 0
    score: int
    context: str = PainContext.check_in.value
    sharp: bool = False
    note: str = ""
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    flagged: bool = False
    advice: str = ""
    deleted_at: datetime | None = _utc_column(nullable=True)
    created_at: datetime | None = _utc_column(nullable=True)
    time_known: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    # The highest pain score when the see-a-doctor advice was last recorded (None: sharp pain only, or not known).
    advice_score: int | None = None
    # A check-in's number among check-ins, the one people type (None for a session's scores).
    check_in_number: int | None = None


class Screening(Table, table=True):
    """Answers to a red-flag screen (quick: E1-E6 before a routine; full: all thirteen)."""

    __tablename__ = "screening"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    taken_at: datetime = _utc_column()
    offset_minutes: int = 0
    kind: str = "full"
    answers: dict[str, bool] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    level: str = "none"
    advice: str = ""


class RatingKind(str, enum.Enum):
    function = "function"  # one activity rated 0-10 (PSFS-style)
    impression = "impression"  # the global impression of change, 1-7 (PGIC-style)


class Activity(Table, table=True):
    """An activity the person's pain makes hard, rated 0-10 from time to time; retired ones stay for history."""

    __tablename__ = "activity"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    text: str = Field(max_length=120)
    added_at: datetime = _utc_column()
    offset_minutes: int = 0
    retired_at: datetime | None = _utc_column(nullable=True)


class Rating(Table, table=True):
    """One rating: an activity's function rating (0-10) or the global impression of change (1-7).

    One table so that ratings share one id space for `sij edit/delete/restore --rating ID`.
    """

    __tablename__ = "rating"
    __table_args__ = (Index("ix_rating_recorded_at", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    kind: str = RatingKind.function.value
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    value: int
    recorded_at: datetime = _utc_column()
    offset_minutes: int = 0
    deleted_at: datetime | None = _utc_column(nullable=True)
    created_at: datetime | None = _utc_column(nullable=True)
    time_known: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})  # False: a date only


class Setting(Table, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


class ChangeJournal(Table, table=True):
    """One change a person made on this machine (add, edit, delete, restore), in the order made; see DESIGN.md.

    `previous` holds every touched row's column values before the change ([{"table", "id", "values"}]);
    `added` the rows the change created ([{"table", "id"}]). `sij undo` reverses the newest change not undone.
    """

    __tablename__ = "change_journal"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    made_at: datetime = _utc_column()
    action: str = Field(max_length=16)
    record_kind: str = Field(max_length=32)
    record_id: int
    previous: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    added: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = _utc_column(nullable=True)
