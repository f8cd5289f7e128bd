"""A journal of changes made on this machine, for `sij undo`; and whether an entry's time of day is known.

Why a journal: `sij undo` must reverse the last change the person made, whatever it was: a new entry,
an edit, a deletion or a restore. No record's own timestamps can say which change came last (an
import brings rows whose times lie anywhere, `--at` backdates), so each change is written down in
the order it was made, with what is needed to reverse it: the kind of change, which record, the
previous values of every row it touched and the rows it added. The journal is generic over record
kinds so that new kinds (ratings, impressions) are undone the same way. Old changes were never
journaled; undo simply has nothing older than the upgrade to reverse.

Why `time_known`: `sij log --at 2026-11-29` used to store 12:00 and print it as if it were real.
A date without a time now keeps an instant for ordering (midday) and records that the time of day
was not given, so every output shows the date alone. Existing rows keep their times (true).

Why `check_in_number`: check-ins share the id sequence of every pain score, so a person's first check-in
could be "#3" (after a session's before and after scores). A check-in now has its own number among
check-ins, the one people type (`sij edit --check-in 1`); existing check-ins are numbered in the order
they were made.

Why `advice_score`: a see-a-doctor panel shown for a score that was later corrected (a typo) stays on
the record, but the entry must say why it carries advice its current scores no longer explain. The
score the panel was shown for is kept beside the advice ("advice shown at 8, corrected"). Old rows
never recorded it (null: "advice shown, corrected").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_journal",
        # The integer key is the order changes were made in; nothing else orders them.
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sqlite_autoincrement=True,  # ids are never reused, even after the newest row is gone
    )
    # Plain ADD COLUMN (no table rebuild): practice is referenced by other tables' foreign keys.
    for table in ("practice", "pain_score"):
        # sa.true(): DEFAULT 1 on SQLite (as before), DEFAULT true on PostgreSQL, whose booleans are not integers.
        op.add_column(table, sa.Column("time_known", sa.Boolean(), nullable=False, server_default=sa.true()))
        op.add_column(table, sa.Column("advice_score", sa.Integer(), nullable=True))
    op.add_column("pain_score", sa.Column("check_in_number", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE pain_score SET check_in_number = (SELECT COUNT(*) FROM pain_score AS earlier "
        "WHERE earlier.practice_id IS NULL AND earlier.id <= pain_score.id) WHERE practice_id IS NULL"
    )
    op.create_index("ix_pain_score_check_in_number", "pain_score", ["check_in_number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_pain_score_check_in_number", table_name="pain_score")
    with op.batch_alter_table("pain_score") as batch:
        batch.drop_column("check_in_number")
    for table in ("pain_score", "practice"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("advice_score")
            batch.drop_column("time_known")
    op.drop_table("change_journal")
