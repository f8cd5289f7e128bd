"""Whether a rating's time of day is known.

Why: `sij activities rate 1=4 --at yesterday` and `sij impression 3 --at 2026-11-20` stored midday and
showed it as if it were the time the person rated. Sessions and check-ins already record that only a date
was given (revision 0004); ratings now do the same, so every output shows such a rating's date alone.
Existing ratings keep their times (true): nothing can tell which of them were given a date only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild), as in 0004; sa.true() is DEFAULT 1 on SQLite, true on PostgreSQL.
    op.add_column("rating", sa.Column("time_known", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("rating") as batch:
        batch.drop_column("time_known")
