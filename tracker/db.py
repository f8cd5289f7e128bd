"""The database: engine with SQLite pragmas, one unit of work per command, migrate-if-behind and seeding.

Everything specific to an engine lives here (SQLite: pragmas, raw version checks, the online backup) and
in tracker.pg (PostgreSQL, for a postgresql:// URL), so that the rest of the program speaks plain
SQLAlchemy. SQL that differs between the engines is built by functions here (`local_day_sql`).
Alembic is imported only when a migration is actually due.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import String, event, exc, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, create_engine

from tracker.config import ServerUrl
from tracker.errors import DataError, InvalidInput
from tracker.files import clean_leftovers, partial_path, remove_partial

# Every schema revision this program knows, oldest first. The last one is what it writes.
# A test checks that this list matches the Alembic scripts in migrations/versions.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]

_Row = TypeVar("_Row")

BUSY_TIMEOUT_MS = 30_000
# A write that still finds the database busy after BUSY_TIMEOUT_MS is tried again, with a random pause so that
# many waiting processes do not retry in step, until this many seconds have passed in all. SQLite's own wait
# polls without any order, so under a flood of writers on a busy machine one unlucky process can keep missing
# the lock; the retries give it more turns instead of an error.
WRITE_PATIENCE_S = 300
SEED_FILE = "stretches.json"
_OUR_TABLES = {"alembic_version", "setting", "stretch", "practice"}


def resource_dir(name: str) -> Path:
    """A data folder shipped with the program: 'migrations' or 'seed'.

    In an installed wheel they live inside the package as tracker/_migrations and tracker/_seed; in a
    source checkout they are the top-level folders of the repository.
    """
    from importlib import resources  # only when migrating or seeding: not on everyday start-up

    packaged = resources.files("tracker").joinpath(f"_{name}")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise DataError(f"The program's {name} folder is missing; reinstall sij.")


@dataclass(frozen=True)
class StoredState:
    revision: str | None
    seed_version: int
    notice_shown: bool = False


def _describe(path: Path | ServerUrl) -> str:
    # A ServerUrl prints without its password.
    return f"'{path}'"


def _prepare_file(path: Path) -> None:
    """Create the parent folder (0700) and an empty database file (0600) before SQLite touches it."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
    except FileExistsError:
        pass  # another sij process created it a moment ago
    except OSError as err:
        raise DataError(
            f"Cannot create the database at {_describe(path)}: {err.strerror}. "
            "Choose another place with --db PATH or SIJ_DB."
        ) from None
    if path.is_dir():
        raise DataError(f"The database path {_describe(path)} is a folder; give a file name.")
    if not path.is_file():
        raise DataError(f"The database path {_describe(path)} is not a regular file (a device, pipe or socket).")


def _readonly_uri(path: Path) -> str:
    # Quote the path so that a '?' or '#' in a folder name is not taken for URI syntax.
    return f"file:{quote(str(path))}?mode=ro"


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the database file (SQLite opens it with O_RDONLY).

    A database in write-ahead-log mode needs a -shm file beside it even to read. On a read-only
    folder that file cannot be made; if no -wal file exists either, no writer can be active (a writer
    would need one), so the file is read as immutable: that is how a copy on a read-only disk is checked.
    """
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(_readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA schema_version").fetchone()  # SQLite opens lazily: open now
    except sqlite3.Error as err:
        if conn is not None:
            conn.close()  # before any tidying: only the last connection may remove the -wal/-shm files
        wal = _sidecars(path)[0]
        if "unable to open" not in str(err).lower() or os.access(path.parent, os.W_OK) or wal.exists():
            raise _data_error(path, err) from None
        try:
            conn = sqlite3.connect(_readonly_uri(path) + "&immutable=1", uri=True)
        except sqlite3.Error as again:
            raise _data_error(path, again) from None
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.Error as again:
            conn.close()
            raise _data_error(path, again) from None
    return conn


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


@contextlib.contextmanager
def _leave_no_trace(path: Path, *, always: bool) -> Iterator[None]:
    """Remove the empty -wal/-shm files a read-only look at a WAL database leaves behind.

    A read-only connection cannot delete them itself. They go only when this look created them and
    the write-ahead log is empty (it holds nothing); the removal is SQLite's own: a normal connection
    that finds itself the last one on close deletes them under its locks, so another sij using the
    database at that moment is never disturbed. `always=False` tidies only when the database is refused.
    """
    existed = any(p.exists() for p in _sidecars(path))
    try:
        yield
    except DataError:
        if not existed:
            _tidy_sidecars(path)
        raise
    if always and not existed:
        _tidy_sidecars(path)


def _tidy_sidecars(path: Path) -> None:
    wal = _sidecars(path)[0]
    if not wal.exists() or wal.stat().st_size != 0 or not os.access(path, os.W_OK):
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        conn = sqlite3.connect(path, timeout=0)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()


def read_state(path: Path) -> StoredState:
    """Read the schema revision and seed version with the stdlib driver: no SQLAlchemy, no Alembic."""
    return _read_state(path, _connect_readonly(path))


def _read_state(path: Path, conn: sqlite3.Connection, *, close: bool = True) -> StoredState:
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return StoredState(None, 0, False)
        if "alembic_version" not in tables:
            raise DataError(
                f"{_describe(path)} is a database of another program, not a sij database; point --db at a new file."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        settings: dict[str, str] = {}
        if "setting" in tables:
            settings = dict(
                conn.execute(
                    "SELECT key, value FROM setting WHERE key IN ('seed_version', 'first_use_notice_shown')"
                ).fetchall()
            )
        seed = settings.get("seed_version", "0")
        return StoredState(
            revision,
            int(seed) if seed.isdigit() else 0,
            settings.get("first_use_notice_shown") == "yes",
        )
    except sqlite3.Error as err:
        raise _data_error(path, err) from None
    finally:
        if close:
            conn.close()


def _data_error(path: Path, err: BaseException) -> DataError:
    text = str(getattr(err, "orig", None) or err).lower()
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return DataError(
            f"{_describe(path)} is not a readable sij database (damaged or another kind of file); "
            f"run `sij db check` for details, then {_restore_hint(path)}."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DataError(f"The disk is full; nothing was saved to {_describe(path)}. Free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return DataError(
            f"The database {_describe(path)} is read-only; nothing was saved. "
            "Check the file's permissions or copy it somewhere writable."
        )
    if "unable to open" in text:
        if _not_permitted(path):
            return DataError(
                f"The database {_describe(path)} belongs to another user and cannot be read or written for lack of "
                "permission; nothing was saved. Use --db with a file of your own, or ask its owner for access."
            )
        if path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            return DataError(
                f"The database {_describe(path)} is on a read-only path (sij must write to the file and its "
                "folder); nothing was saved. Check the permissions or copy it somewhere writable."
            )
        return DataError(f"Cannot open the database at {_describe(path)}; check the path and permissions.")
    if "locked" in text or "busy" in text:
        return DataError(f"The database {_describe(path)} stayed busy too long; try again in a moment.")
    # Never the library's own text: it can hold SQL, a person's data as parameters, or a link.
    return DataError(f"The database {_describe(path)} could not be used ({_reason(err)}); nothing was saved.")


def _reason(err: BaseException) -> str:
    """A short cause for a message: the SQLite error code's name, never the statement or its parameters."""
    original = getattr(err, "orig", None) or err
    name = getattr(original, "sqlite_errorname", None)
    return str(name) if name else type(original).__name__


def _not_permitted(path: Path) -> bool:
    """The database (or its folder) belongs to another user who has not let this one read and write it."""
    for item, wanted in ((path, os.R_OK | os.W_OK), (path.parent, os.W_OK | os.X_OK)):
        try:
            owner = item.stat().st_uid
        except OSError:
            continue
        if owner != os.geteuid() and not os.access(item, wanted):
            return True
    return False


def _restore_hint(path: Path) -> str:
    """Where the last backup is, if sij made one beside the database (before an upgrade), else how to restore one."""
    backups = sorted(
        (p for p in path.parent.glob(f"{glob_escape(path.name)}.before-*.bak") if _complete_backup(p)),
        key=lambda p: p.stat().st_mtime,
    )
    if backups:
        return f"copy your last backup over it: {backups[-1]}"
    return "restore your last backup (a copy made by `sij db backup`, or a JSON export imported into a new --db)"


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def _complete_backup(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Take over transaction control from the sqlite3 module so that BEGIN IMMEDIATE is ours to emit.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
    # The switch to write-ahead logging is itself a write: it waits for `ensure_sound`, before the first write.


def _on_begin(conn: Any) -> None:
    # Writers take the write lock up front: a deferred transaction that later wants to write can
    # fail with "database is locked" without waiting, which is what many sij processes at once hit.
    readonly = conn.get_execution_options().get("sij_readonly", False)
    if readonly:
        conn.exec_driver_sql("BEGIN")
        return
    _begin_write(conn.connection.dbapi_connection)


def _begin_write(dbapi_conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, tried again while the database stays busy (SQLite-only: its single writer lock)."""
    deadline = time.monotonic() + WRITE_PATIENCE_S
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as err:
            busy = "locked" in str(err).lower() or "busy" in str(err).lower()
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(random.uniform(0.05, 0.5))


def database_url(path: Path) -> URL:
    """The engine URL for a database file, built from its parts and never parsed from text.

    So no character of a path a person typed ('?', '#', '%20') is read as URL syntax: `weekly?1.db` is
    that file, not `weekly` with a query.
    """
    return URL.create("sqlite", database=str(path))


def make_engine(path: Path) -> Engine:
    engine = create_engine(database_url(path), poolclass=NullPool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


@dataclass
class Database:
    path: Path | None  # the SQLite file; None on a server
    engine: Engine
    notice_shown: bool = True
    server: ServerUrl | None = None
    sound: bool = False  # SQLite's quick check passed in this process; checked before the first write

    def close(self) -> None:
        self.engine.dispose()

    def guard(self) -> contextlib.AbstractContextManager[None]:
        """Turn the driver's errors into one DataError naming this database (never its password)."""
        if self.server is not None:
            from tracker import pg

            return pg.guard(self.server)
        assert self.path is not None
        return _guard(self.path)


def open_database(path: Path | ServerUrl, *, upgrade: bool = True) -> Database:
    """Open (creating on first use) the database at `path`, migrating and seeding it if behind.

    `path` is a SQLite file or a PostgreSQL URL (whose database or schema must exist; sij fills it).
    With `upgrade=False` the schema is left as it is (`sij db upgrade` migrates it explicitly).
    """
    if isinstance(path, ServerUrl):
        from tracker import pg

        return pg.open_database(path, upgrade=upgrade)
    _prepare_file(path)
    with _leave_no_trace(path, always=False):
        state = read_state(path)
        refuse_newer(path, state.revision)
    engine = make_engine(path)
    db = Database(path, engine, notice_shown=state.notice_shown)
    if upgrade:
        if state.revision != SCHEMA_HEAD:
            migrate(db)
        if state.seed_version < seed_version():
            seed(db)
    return db


def refuse_newer(path: Path | ServerUrl, revision: str | None) -> None:
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise DataError(
            f"The database {_describe(path)} was written by a newer version of sij "
            f"(schema {revision}; this sij knows up to {SCHEMA_HEAD}); upgrade sij to use it. Nothing was changed."
        )


def _guard(path: Path) -> contextlib.AbstractContextManager[None]:
    @contextlib.contextmanager
    def translating() -> Iterator[None]:
        try:
            yield
        except (exc.OperationalError, exc.DatabaseError) as err:
            raise _data_error(path, err) from None
        except sqlite3.Error as err:
            raise _data_error(path, err) from None

    return translating()


# --- SQLite-only: is the file sound before anything is written to it ----------------------------------


def quick_check(conn: Any) -> list[str]:
    """SQLite's quick check (b-tree structure, not index contents): the problems found, empty when sound.

    It reads every page, about 2 ms for a year of daily records, so a writing command can afford it.
    """
    try:
        rows = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check")]
    except (exc.DatabaseError, sqlite3.DatabaseError) as err:
        text = str(getattr(err, "orig", None) or err).lower()
        if "malformed" in text or "not a database" in text or "disk image" in text:
            return ["the file is malformed"]
        raise
    return [] if rows == ["ok"] else rows


def damaged(path: Path) -> DataError:
    return DataError(
        f"The database {_describe(path)} is damaged (SQLite's quick check failed), so sij refused to write to it; "
        f"nothing was changed. Run `sij db check` for details, then {_restore_hint(path)}."
    )


def damaged_reading(path: Path) -> str:
    return (
        f"The database {_describe(path)} is damaged (SQLite's quick check fails), so it could not be read; "
        f"nothing was changed. Run `sij db check` for details, then {_restore_hint(path)}."
    )


def ensure_sound(db: Database) -> None:
    """Refuse a damaged file before the first write of this process, leaving it exactly as it is.

    SQLite only: a PostgreSQL server checks its own pages (and there is no file to refuse).
    """
    if db.sound or db.path is None:
        return
    with _guard(db.path), db.engine.connect() as conn:
        conn.execution_options(sij_readonly=True)
        problems = quick_check(conn)
        conn.rollback()
        if not problems:
            _use_wal(conn)
    if problems:
        raise damaged(db.path)
    db.sound = True


def _use_wal(conn: Any) -> None:
    """Write-ahead logging, so readers never wait for a writer; it stays set in the file once made.

    Outside any transaction (SQLite cannot change the journal mode inside one), on the driver's connection.
    """
    raw = conn.connection.dbapi_connection
    mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        raw.execute("PRAGMA journal_mode = WAL")


def is_damaged(path: Path) -> bool:
    """For an unexpected failure while reading: does the file fail SQLite's quick check? Read-only, never raises."""
    try:
        conn = _connect_readonly(path)
    except (DataError, sqlite3.Error, OSError):
        return False  # cannot even be opened: that failure speaks for itself
    try:
        return [str(r[0]) for r in conn.execute("PRAGMA quick_check")] != ["ok"]
    except sqlite3.Error:
        return True
    finally:
        conn.close()


# --- the unit of work (engine-neutral) ----------------------------------------------------------------


@contextlib.contextmanager
def unit_of_work(db: Database, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: commit once at the end, roll back on any error. Services never commit.

    A writing unit first makes sure a SQLite file is sound (once per process), outside the write lock.
    """
    if not readonly:
        ensure_sound(db)
    with db.guard(), Session(db.engine, expire_on_commit=False) as session:
        session.connection(execution_options={"sij_readonly": readonly})
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise


def database_has_data(conn: Any) -> bool:
    # Activities and ratings are a person's records too: a file holding only them is backed up before a migration.
    for table in ("practice", "pain_score", "screening", "activity", "rating"):
        try:
            if conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first():
                return True
        except exc.OperationalError:
            continue  # the table does not exist at this revision
    return False


def backup_to(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy with SQLite's online backup API, owner-only, written to a new file `target`."""
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        # A copy is a single self-contained file (no write-ahead log beside it), easy to carry around.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    os.chmod(target, 0o600)


def refuse_special(target: Path, what: str) -> None:
    """`--force` replaces a regular file only: never a device node, a pipe, a socket or a folder."""
    if target.is_dir():
        raise DataError(f"The {what} path {_describe(target)} is a folder; give a file name.")
    if target.exists() and not target.is_file():
        raise DataError(
            f"The {what} path {_describe(target)} is not a regular file (a device, pipe or socket); "
            "sij never replaces one. Choose another name."
        )


def migrate(db: Database) -> str | None:
    """Bring the schema to SCHEMA_HEAD under the write lock. Returns the path of the backup made, if any."""
    if db.server is not None:
        from tracker import pg

        return pg.migrate(db)
    from alembic import command
    from alembic.config import Config

    assert db.path is not None
    backup_path: str | None = None
    ensure_sound(db)
    with _guard(db.path), db.engine.connect() as conn:
        conn.begin()
        row = None
        with contextlib.suppress(exc.OperationalError):
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        current = row[0] if row else None
        if current == SCHEMA_HEAD:
            conn.rollback()
            return None
        if current is not None and current not in SCHEMA_REVISIONS:
            conn.rollback()
            raise DataError(f"The database {_describe(db.path)} is newer than this sij; upgrade sij.")
        if current is not None and database_has_data(conn):
            backup_path = str(_backup_before_migrating(db.path))
        config = Config()
        config.set_main_option("script_location", str(resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, SCHEMA_HEAD)
        conn.commit()
    return backup_path


def _backup_before_migrating(path: Path) -> Path:
    """A copy of the database as it is before a migration, beside it, complete or not there at all."""
    clean_leftovers(path.parent)
    _remove_empty_backups(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.before-{SCHEMA_HEAD}-{stamp}.bak")
    partial = partial_path(target)
    # SQLite's backup cannot read through a connection that holds the write lock (it waits
    # forever), so a second, read-only connection copies the file while the caller keeps
    # every other writer out: the copy is exactly the state about to be migrated.
    reader = _connect_readonly(path)
    try:
        backup_to(reader, partial)
        os.replace(partial, target)
    except OSError as err:
        raise _file_error(err, target, "Nothing was changed; the database is as it was.") from None
    finally:
        reader.close()
        remove_partial(partial)
    return target


def _remove_empty_backups(path: Path) -> None:
    # Left by an upgrade killed while copying, before copies were written under a temporary name.
    for found in path.parent.glob(f"{glob_escape(path.name)}.before-*.bak"):
        with contextlib.suppress(OSError):
            if found.is_file() and found.stat().st_size == 0:
                found.unlink()


def _file_error(err: OSError, target: Path, outcome: str) -> DataError:
    """An OS error writing `target` in plain words, naming that file (a full disk says so)."""
    import errno

    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DataError(f"The disk is full; nothing was saved at {_describe(target)}. {outcome}")
    return DataError(f"Cannot write {_describe(target)}: {err.strerror}. {outcome}")


def seed_document() -> dict[str, Any]:
    import json

    path = resource_dir("seed") / SEED_FILE
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def seed_version() -> int:
    # Kept in step with seed/stretches.json "version" by a test, so that opening a database never
    # has to read the seed file when nothing is new.
    return 2


def seed(db: Database) -> None:
    """Add seeded stretches and routines that are missing; never touch existing ones (the person may edit them)."""
    from tracker.services.seeding import apply_seed

    with unit_of_work(db) as session:
        apply_seed(session, seed_document())


# Record ids are INTEGER columns: 64-bit on SQLite, 32-bit on PostgreSQL, where asking for a larger id is an
# error rather than "not found". No diary holds two billion records, so a larger id is simply not there.
MAX_ID = 2**31 - 1


def get_by_id(session: Session, model: type[_Row], record_id: int) -> _Row | None:
    """`session.get` for an id a person typed: None for an id no record can have, on either engine."""
    if not 0 < record_id <= MAX_ID:
        return None
    return session.get(model, record_id)


class _LocalDay(FunctionElement[str]):
    """A record's local day as YYYY-MM-DD text, compiled for each engine below."""

    type = String()
    name = "sij_local_day"
    inherit_cache = True


@compiles(_LocalDay)
def _local_day_sqlite(element: _LocalDay, compiler: Any, **kw: Any) -> str:
    at, minutes = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({at}, CAST(({minutes}) AS VARCHAR) || ' minutes')"


@compiles(_LocalDay, "postgresql")
def _local_day_postgresql(element: _LocalDay, compiler: Any, **kw: Any) -> str:
    at, minutes = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char({at} + ({minutes}) * INTERVAL '1 minute', 'YYYY-MM-DD')"


def local_day_sql(at_column: Any, offset_column: Any, day_start_minutes: int) -> Any:
    """SQL for a record's local day (YYYY-MM-DD text): its UTC instant moved by its offset and the day start.

    The one place where the engines differ in the queries of services/: call this, never date() or to_char().
    The text compares with `date.isoformat()` and orders as dates do on both engines.
    """
    return _LocalDay(at_column, offset_column - day_start_minutes)


# --- Database care: `sij db check`, `sij db backup`, `sij db upgrade` ---------------------------------


def _file_only(path: Path | ServerUrl, what: str, instead: str) -> Path:
    """`sij db check` and `sij db backup` work on a SQLite file; on a server, say what to use instead (exit 2)."""
    if isinstance(path, ServerUrl):
        raise InvalidInput(f"{what} works on a SQLite file, and {_describe(path)} is on PostgreSQL; {instead}")
    return path


SERVER_BACKUP = "use the server's tools (pg_dump) or `sij export --format json --output FILE`."


def _require_existing(path: Path) -> None:
    if path.is_dir():
        raise DataError(f"The database path {_describe(path)} is a folder; give a file name.")
    if not path.exists():
        raise DataError(f"There is no database at {_describe(path)} yet; sij creates it the first time you record.")


@dataclass(frozen=True)
class CheckReport:
    """What `sij db check` found. `problems` is empty when all is well."""

    path: Path
    integrity: list[str]
    foreign_keys: list[str]
    revision: str | None
    head: str
    counts: dict[str, int]

    @property
    def schema(self) -> str:
        if self.revision == self.head:
            return "current"
        if self.revision is None:
            return "empty"
        return "behind" if self.revision in SCHEMA_REVISIONS else "newer"

    @property
    def problems(self) -> list[str]:
        found = [f"integrity: {line}" for line in self.integrity]
        found += [f"broken link: {line}" for line in self.foreign_keys]
        if self.schema == "newer":
            found.append(f"schema {self.revision} is newer than this sij knows ({self.head}); upgrade sij")
        elif self.schema == "behind":
            found.append(f"schema {self.revision} is older than {self.head}; run `sij db upgrade`")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


COUNTED_TABLES = ("practice", "hold", "pain_score", "screening", "stretch", "routine")


def check_database(target: Path | ServerUrl) -> CheckReport:
    """SQLite's integrity and foreign-key checks plus the schema revision, read-only: the file is not touched."""
    path = _file_only(
        target,
        "sij db check",
        "the server looks after its own integrity. `sij db upgrade` brings the schema up to date; for a copy, "
        + SERVER_BACKUP,
    )
    _require_existing(path)
    with _leave_no_trace(path, always=True):
        conn = _connect_readonly(path)
        try:
            return _check(path, conn)
        except sqlite3.Error as err:
            raise _data_error(path, err) from None
        finally:
            conn.close()


def _check(path: Path, conn: sqlite3.Connection) -> CheckReport:
    integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if integrity == ["ok"]:
        integrity = []
    broken = [
        f"{table} row {rowid} points to a missing {parent}"
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check")
    ]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    revision = None
    if tables and "alembic_version" not in tables:
        raise DataError(f"{_describe(path)} is a database of another program, not a sij database.")
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts: dict[str, int] = {}
    for table in COUNTED_TABLES:
        if table in tables:
            # Deleted records (in the trash) are still records: count them all.
            counts[table] = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    return CheckReport(path, integrity, broken, revision, SCHEMA_HEAD, counts)


def backup_database(database: Path | ServerUrl, target: Path, *, force: bool = False) -> CheckReport:
    """A consistent owner-only copy with SQLite's online backup, checked before it is put in place.

    The copy is written to a temporary file beside the target and renamed over it only once it checks
    clean, so a failed backup never leaves a half-written file under the name the person gave.
    """
    source = _file_only(database, "sij db backup", SERVER_BACKUP)
    _require_existing(source)
    refuse_special(target, "backup")
    if target.exists() and target.resolve() == source.resolve():
        raise DataError("The backup path is the database itself; give another file name.")
    if target.exists() and not force:
        raise DataError(f"{_describe(target)} already exists; add --force to replace it, or choose another name.")
    if not target.parent.is_dir():
        raise DataError(f"The folder {_describe(target.parent)} does not exist; create it first or choose another.")
    clean_leftovers(target.parent)
    partial = partial_path(target)
    try:
        try:
            # A read-only connection: the backup reads one consistent snapshot while other sij
            # processes go on writing, and the source file is never changed by it.
            with _leave_no_trace(source, always=True):
                conn = _connect_readonly(source)
                try:
                    refuse_newer(source, _read_state(source, conn, close=False).revision)
                    backup_to(conn, partial)
                finally:
                    conn.close()
        except sqlite3.Error as err:
            raise _copy_error(source, target, err) from None
        except OSError as err:
            raise _file_error(err, target, "The database is unchanged.") from None
        report = _check_copy(partial, source)
        if not report.ok:
            raise DataError(f"The copy did not check clean ({report.problems[0]}); nothing was saved at {target}.")
        refuse_special(target, "backup")
        os.replace(partial, target)
    finally:
        remove_partial(partial)
    return CheckReport(target, report.integrity, report.foreign_keys, report.revision, report.head, report.counts)


def _copy_error(source: Path, target: Path, err: sqlite3.Error) -> DataError:
    """A failed copy blames the right file: a full disk is the target's, a damaged database is the source's."""
    text = str(err).lower()
    if "full" in text:
        return DataError(f"The disk is full; nothing was saved at {_describe(target)}. The database is unchanged.")
    if "malformed" in text or "not a database" in text:
        return _data_error(source, err)
    return DataError(f"Cannot write the backup at {_describe(target)} ({_reason(err)}). The database is unchanged.")


def _check_copy(partial: Path, source: Path) -> CheckReport:
    """Check the copy; a damaged copy means a damaged source, and is reported under the source's name."""
    try:
        return check_database(partial)
    except DataError:
        raise _data_error(source, sqlite3.DatabaseError("database disk image is malformed")) from None


@dataclass(frozen=True)
class UpgradeResult:
    path: Path | ServerUrl
    before: str | None
    after: str
    backup: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade_database(path: Path | ServerUrl) -> UpgradeResult:
    """Apply pending migrations now (normal commands do it on first use). Newer databases are refused."""
    if isinstance(path, ServerUrl):
        return _upgrade_server(path)
    _require_existing(path)
    with _leave_no_trace(path, always=True):
        before = read_state(path).revision
        refuse_newer(path, before)
    if before == SCHEMA_HEAD:
        return UpgradeResult(path, before, SCHEMA_HEAD, None)
    db = open_database(path, upgrade=False)
    try:
        backup = migrate(db)
        if read_state(path).seed_version < seed_version():
            seed(db)
    finally:
        db.close()
    return UpgradeResult(path, before, SCHEMA_HEAD, backup)


def _upgrade_server(server: ServerUrl) -> UpgradeResult:
    from tracker import pg

    db = open_database(server, upgrade=False)
    try:
        before = pg.read_state(server, db.engine).revision
        migrate(db)
        if pg.read_state(server, db.engine).seed_version < seed_version():
            seed(db)
    finally:
        db.close()
    return UpgradeResult(server, before, SCHEMA_HEAD, None)


def follow_kept_ids(connection: Any, tables: Sequence[str]) -> None:
    """After rows were inserted with the ids they already had (an import keeps the numbers people quote), make the
    next id the database hands out come after them. SQLite does so by itself; PostgreSQL's sequences do not."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )
