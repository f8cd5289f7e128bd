"""PostgreSQL: the engine, the stored-state check, migrations under a lock, and errors in plain words.

The server counterpart of the SQLite parts of tracker.db, which calls into this module only for a
postgresql:// URL; everything above tracker.db stays engine-neutral. Imported only for such a URL, and
the driver (psycopg 3, `pip install 'sij[postgres]'`) only when an engine is made.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from tracker.config import ServerUrl
from tracker.errors import DataError

if TYPE_CHECKING:
    from tracker.db import Database, StoredState

CONNECT_TIMEOUT_S = 10
# How long a writer waits for the diary's write lock. The wait is a fair queue (first come, first served),
# so a long wait means many writers ahead, not a stuck one; longer than SQLite's busy timeout because
# many devices may share one server diary and a command should rather wait than fail.
BUSY_TIMEOUT_MS = 120_000
# Connection failures that pass by themselves: a server that is full ("too many clients") or starting.
_TRANSIENT_CONNECT = ("too many clients", "remaining connection slots", "starting up", "shutting down")
# Writers take one lock per schema for their whole transaction, so that writes to one diary follow each
# other as they do on SQLite (BEGIN IMMEDIATE): seeding, migrating, importing and `sij undo` can never
# interleave. A diary is small and its writes are short; diaries in other schemas or databases do not wait.
_WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema()))"


def _driver_missing(server: ServerUrl) -> DataError:
    return DataError(
        f"The database '{server}' is on PostgreSQL, and its driver is not installed; "
        "install it with: pip install 'sij[postgres]'"
    )


def make_engine(server: ServerUrl) -> Engine:
    try:
        import psycopg  # noqa: F401  (checked here so that the message can say how to install it)
    except ImportError:
        raise _driver_missing(server) from None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    try:
        url = make_url(server.url).set(drivername="postgresql+psycopg")
    except exc.ArgumentError:
        raise DataError(
            f"The database URL '{server}' is not valid; write it as postgresql://USER@HOST:PORT/NAME."
        ) from None
    engine = create_engine(
        url,
        pool_size=1,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "sij"},
    )
    event.listen(engine, "do_connect", _connect_patiently)
    event.listen(engine, "begin", _on_begin)
    return engine


def _connect_patiently(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Connect, waiting (up to 30 s) while the server is full or starting, as SQLite waits for a lock."""
    deadline = time.monotonic() + 30
    pause = 0.02
    while True:
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as err:
            if not any(words in str(err).lower() for words in _TRANSIENT_CONNECT) or time.monotonic() > deadline:
                raise
            time.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.5)


def _on_begin(conn: Any) -> None:
    if conn.get_execution_options().get("sij_readonly", False):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
    conn.exec_driver_sql(_WRITE_LOCK)


def _reason(server: ServerUrl, err: BaseException) -> str:
    """The driver's own words, first line only, with any secret taken out."""
    orig = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return server.scrub(lines[0] if lines else type(orig).__name__).rstrip(".")


def data_error(server: ServerUrl, err: BaseException) -> DataError:
    orig = getattr(err, "orig", None) or err
    state = getattr(orig, "sqlstate", None) or ""
    reason = _reason(server, err)
    lowered = reason.lower()
    if state in ("55P03", "40P01", "40001") or "lock timeout" in lowered:
        return DataError(f"The database '{server}' stayed busy too long; try again in a moment.")
    if state == "25006":
        return DataError(f"The database '{server}' is read-only for this user; nothing was saved.")
    if state == "42501" or "permission denied" in lowered:
        return DataError(
            f"The database '{server}' refused this user ({reason}); nothing was saved. "
            "Ask whoever runs the server for access to this diary."
        )
    if state.startswith("42") or state.startswith("XX"):
        return DataError(
            f"The database '{server}' is not a readable sij database ({reason}); nothing was saved. "
            "Restore it from the server's backups, or point --db at another database."
        )
    if isinstance(orig, ConnectionError) or not state or state.startswith("08") or state.startswith("28"):
        return DataError(
            f"Cannot use the PostgreSQL database '{server}': {reason}. "
            "Check that the server is running and the URL, user and password are right; nothing was saved."
        )
    return DataError(f"The database '{server}' could not be used: {reason}; nothing was saved.")


@contextlib.contextmanager
def guard(server: ServerUrl) -> Iterator[None]:
    try:
        yield
    except exc.DBAPIError as err:
        raise data_error(server, err) from None
    except ImportError:
        raise _driver_missing(server) from None


def _stored_revision(server: ServerUrl, conn: Any) -> str | None:
    """The stored schema revision: None for an empty database or schema; another program's tables are refused."""
    if conn.execute(text("SELECT current_schema()")).scalar() is None:
        # The schema named in the URL (options=-csearch_path=...) does not exist, or this user may not use it.
        raise DataError(
            f"The database '{server}' has no schema this user may use: the one the URL names does not exist, "
            "or access to it was not granted; nothing was saved. Create it, or ask whoever runs the server."
        )
    tables = {
        row[0]
        for row in conn.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        )
    }
    if not tables:
        return None
    if "alembic_version" not in tables:
        raise DataError(
            f"'{server}' holds the tables of another program, not a sij diary; "
            "use an empty database or schema (see the README)."
        )
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def read_state(server: ServerUrl, engine: Engine) -> StoredState:
    from tracker.db import StoredState

    with guard(server), engine.connect() as conn:
        conn.execution_options(sij_readonly=True)
        revision = _stored_revision(server, conn)
        settings: dict[str, str] = {}
        if revision is not None:
            settings = {
                key: value
                for key, value in conn.execute(
                    text("SELECT key, value FROM setting WHERE key IN ('seed_version', 'first_use_notice_shown')")
                )
            }
        conn.rollback()
    seed = settings.get("seed_version", "0")
    return StoredState(revision, int(seed) if seed.isdigit() else 0, settings.get("first_use_notice_shown") == "yes")


def open_database(server: ServerUrl, *, upgrade: bool = True) -> Database:
    from tracker.db import Database, refuse_newer, seed, seed_version

    engine = make_engine(server)
    try:
        state = read_state(server, engine)
        refuse_newer(server, state.revision)
        db = Database(None, engine, notice_shown=state.notice_shown, server=server)
        if upgrade:
            from tracker.db import SCHEMA_HEAD

            if state.revision != SCHEMA_HEAD:
                migrate(db)
            if state.seed_version < seed_version():
                seed(db)
    except BaseException:
        engine.dispose()
        raise
    return db


def migrate(db: Database) -> str | None:
    """Bring the schema to SCHEMA_HEAD in one transaction under the write lock.

    PostgreSQL changes its schema transactionally: a failed upgrade leaves the database exactly as it was,
    so no copy is made here (the server's own backups, e.g. pg_dump, are the practice's to keep).
    """
    from alembic import command
    from alembic.config import Config

    from tracker.db import SCHEMA_HEAD, refuse_newer, resource_dir

    assert db.server is not None
    with guard(db.server), db.engine.connect() as conn:
        conn.begin()  # takes the write lock: other sij processes wait here, then find the work done
        current = _stored_revision(db.server, conn)
        if current == SCHEMA_HEAD:
            conn.rollback()
            return None
        refuse_newer(db.server, current)
        config = Config()
        config.set_main_option("script_location", str(resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, SCHEMA_HEAD)
        conn.commit()
    return None
