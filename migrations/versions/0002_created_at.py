"""Record when each session and pain score was entered, separately from when it happened.

Why: `sij undo` must remove the entry the person *made* most recently, within the last ten
minutes. `started_at` / `recorded_at` cannot tell that: `sij log --at yesterday` backdates an
entry made just now, and a guided routine can be entered long after another entry it precedes.
So practices and pain scores get `created_at`, the program clock's instant when the row was
written (stored, like every instant, as naive UTC).

Old rows never recorded it. The column is nullable rather than invented, and the upgrade fills
it from `started_at` / `recorded_at`: almost every entry is made at the moment it describes, so
this is right for them (an entry made just before the upgrade can still be undone), and for a
backdated entry it can only be *earlier* than the truth, so undo never mistakes an old record
for a recent one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("pain_score") as batch:
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE practice SET created_at = started_at WHERE created_at IS NULL")
    op.execute("UPDATE pain_score SET created_at = recorded_at WHERE created_at IS NULL")


def downgrade() -> None:
    # Only the entry times are lost; every record stays.
    with op.batch_alter_table("pain_score") as batch:
        batch.drop_column("created_at")
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("created_at")
