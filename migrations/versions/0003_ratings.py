"""Function ratings (PSFS-style activities, 0-10) and the global impression of change (PGIC-style, 1-7).

Why: pain alone tells a clinician little about whether the routine helps a person live their life. The
person names up to five activities their pain makes hard (`activity`; retired ones stay, so old ratings
keep their meaning) and rates them now and then; the impression of change is one number every few
weeks. Both kinds of rating share one table (`rating`) so that they share one id space for
`sij edit/delete/restore --rating ID`; `activity_id` is set only for function ratings. Like sessions,
ratings are trashed (`deleted_at`), never destroyed, and carry `created_at` for `sij undo`.
The check constraints keep each kind within its scale whatever writes to the file.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(length=36), nullable=False, unique=True),
        sa.Column("text", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(length=36), nullable=False, unique=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'function' AND activity_id IS NOT NULL AND value BETWEEN 0 AND 10) OR "
            "(kind = 'impression' AND activity_id IS NULL AND value BETWEEN 1 AND 7)",
            name="ck_rating_scale",
        ),
    )
    op.create_index("ix_rating_recorded_at", "rating", ["recorded_at"])
    op.create_index("ix_rating_activity_id", "rating", ["activity_id"])


def downgrade() -> None:
    # Dropping these tables loses the ratings; sij makes a backup copy before any schema change.
    op.drop_index("ix_rating_activity_id", "rating")
    op.drop_index("ix_rating_recorded_at", "rating")
    op.drop_table("rating")
    op.drop_table("activity")
