"""The first schema: stretches, routines, practices (sessions) with their holds, pain scores,
red-flag screenings and settings.

Why it looks like this:
- every table people refer to has an integer id (typed as `sij edit 12`) and a uuid that never
  changes, so that export and import merge records instead of duplicating them;
- instants are stored as naive UTC plus the UTC offset in minutes at the moment of recording, so a
  record keeps the local time (and day) it was made in even after the person travels or clocks change;
- practices and pain scores carry `flagged` and the `advice` text shown, so that a report can say
  what the person was told and when; `deleted_at` lets a deletion go to a trash instead of vanishing;
- stretches and routines carry `seeded`, so that re-seeding adds what is missing and never
  overwrites what the person changed.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _uuid() -> sa.Column:
    return sa.Column("uuid", sa.String(length=36), nullable=False, unique=True)


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.create_table(
        "stretch",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("hold_seconds", sa.Integer(), nullable=False),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("seeded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_stretch_slug", "stretch", ["slug"], unique=True)
    op.create_table(
        "routine",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("seeded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_routine_slug", "routine", ["slug"], unique=True)
    op.create_table(
        "routine_step",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("routine_id", sa.Integer(), sa.ForeignKey("routine.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stretch_id", sa.Integer(), sa.ForeignKey("stretch.id"), nullable=False),
        sa.UniqueConstraint("routine_id", "position"),
    )
    op.create_index("ix_routine_step_routine_id", "routine_step", ["routine_id"])
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("routine_id", sa.Integer(), sa.ForeignKey("routine.id"), nullable=True),
        sa.Column("heat", sa.Boolean(), nullable=False),
        sa.Column("sharp", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("advice", sa.String(), nullable=False),
        sa.Column("guided", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_practice_started_at", "practice", ["started_at"])
    op.create_table(
        "hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("practice_id", sa.Integer(), sa.ForeignKey("practice.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stretch_id", sa.Integer(), sa.ForeignKey("stretch.id"), nullable=False),
        sa.Column("side", sa.String(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("sharp", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_hold_practice_id", "hold", ["practice_id"])
    op.create_table(
        "pain_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("context", sa.String(), nullable=False),
        sa.Column("sharp", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("practice_id", sa.Integer(), sa.ForeignKey("practice.id"), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("advice", sa.String(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name="ck_pain_score_range"),
    )
    op.create_index("ix_pain_score_recorded_at", "pain_score", ["recorded_at"])
    op.create_index("ix_pain_score_practice_id", "pain_score", ["practice_id"])
    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), primary_key=True),
        _uuid(),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("advice", sa.String(), nullable=False),
    )


def downgrade() -> None:
    # Going below the first revision would destroy every record; sij refuses (see `sij db`).
    raise NotImplementedError("sij does not downgrade below its first schema.")
