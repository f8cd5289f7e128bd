"""Alembic environment: sij runs migrations itself, on a connection it already holds under the write lock.

The program passes that connection in `config.attributes["connection"]` (see tracker.db.migrate), so
that checking the revision, backing up and upgrading happen in one transaction that other sij
processes wait for. Batch mode is on because SQLite can only alter a table by copying it.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("sij migrations run through `sij db upgrade`, not the alembic command.")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
