"""Shared fixtures: a fresh home and database per test, a pinned clock, and ways to run `sij`.

Every test that touches a database runs on SQLite; when SIJ_TEST_POSTGRES_URL names a PostgreSQL
database (e.g. postgresql://postgres@127.0.0.1:5432/sij_test, created if missing), it runs on
PostgreSQL too, in a fresh schema of its own. Tests about SQLite files are marked `sqlite_only`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from tracker.cli import app
from tracker.cli.context import AppContext
from tracker.clock import ManualClock

# No timings in tests: Hypothesis's default 200 ms deadline per example can fail a correct property on a machine
# loaded by other work (another copy of this suite, other processes); the properties are about values, not speed.
settings.register_profile("sij", deadline=None)
settings.load_profile("sij")

REAL_HOME = Path(os.path.expanduser("~"))
ZONE = ZoneInfo("Europe/London")
# A fixed "now" for tests: a Tuesday morning in winter (UTC+00:00).
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=ZONE)


def _real_data_dir_state() -> bool:
    return (REAL_HOME / ".local" / "share" / "sij").exists()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own home; a test that writes to the real user data folder fails."""
    before = _real_data_dir_state()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SIJ_DB", raising=False)
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("COLUMNS", "100")
    # Files written without --output (charts, reports) land in a folder of the test's own, never in the checkout.
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield home
    assert _real_data_dir_state() == before, "a test touched the real user data folder"


POSTGRES_URL = os.environ.get("SIJ_TEST_POSTGRES_URL", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite files; it does not run on PostgreSQL")
    config.addinivalue_line("markers", "postgres_only: the test needs SIJ_TEST_POSTGRES_URL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With a test server, every test that uses the database runs once per engine."""
    if "db_engine" not in metafunc.fixturenames:
        return
    engines = ["sqlite"]
    if metafunc.definition.get_closest_marker("postgres_only"):
        engines = ["postgres"]
    elif POSTGRES_URL and not metafunc.definition.get_closest_marker("sqlite_only"):
        engines.append("postgres")
    if POSTGRES_URL or engines != ["sqlite"]:
        metafunc.parametrize("db_engine", engines)


@dataclass(frozen=True)
class PgDiary:
    """A diary in a schema of its own on the test server; str() is the URL that `--db` and SIJ_DB take."""

    url: str
    schema: str
    admin: str  # the server URL without the schema option, for the test's own queries

    def __str__(self) -> str:
        return self.url

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.admin, options=f"-csearch_path={self.schema}", autocommit=True)


def _with_query(url: str, query: str) -> str:
    parts = urlsplit(url)
    joined = "&".join(q for q in (parts.query, query) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The test server's database (created if missing); tests are skipped without SIJ_TEST_POSTGRES_URL."""
    if not POSTGRES_URL:
        pytest.skip("SIJ_TEST_POSTGRES_URL is not set")
    import psycopg

    parts = urlsplit(POSTGRES_URL)
    name = parts.path.lstrip("/") or "sij_test"
    maintenance = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another run made it a moment ago
                conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@pytest.fixture
def pg_diary(pg_server: str) -> Iterator[PgDiary]:
    """A fresh, empty schema for one test, dropped afterwards (much faster than a database per test)."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield PgDiary(_with_query(pg_server, "options=" + quote(f"-csearch_path={schema}")), schema, pg_server)
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db_engine() -> str:
    return "sqlite"  # replaced by pytest_generate_tests' parameters when a test server is set


@pytest.fixture
def db_path(tmp_path: Path, db_engine: str, request: pytest.FixtureRequest) -> Path | PgDiary:
    """The test's database: a SQLite file path (not created yet), or a fresh PostgreSQL schema."""
    if db_engine == "postgres":
        diary: PgDiary = request.getfixturevalue("pg_diary")
        return diary
    return tmp_path / "data" / "sij.db"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def sij(db_path: Path, clock: ManualClock) -> Callable[..., Result]:
    """Run `sij` in-process through Typer's CliRunner with the test database and clock.

    The test database counts as the default place (a read may create it), unless the test passes `--db` itself.
    """

    def run(*args: str, input: str | None = None, interactive: bool = False, db: Path | None = None) -> Result:
        runner = CliRunner()
        obj = AppContext(db_option=str(db or db_path), clock=clock, interactive=interactive, db_chosen=False)
        result = runner.invoke(app, list(args), input=input, obj=obj)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def sij_executable() -> str:
    found = Path(sys.executable).with_name("sij")
    if found.exists():
        return str(found)
    which = shutil.which("sij")
    assert which, "the sij console script is not installed"
    return which


@pytest.fixture
def sij_process(db_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `sij` as a separate process against the test database."""

    # The timeout only stops a hung test; it is generous because a loaded machine can take long to start a process.
    def run(*args: str, input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, SIJ_DB=str(db_path))
        return subprocess.run(
            [sij_executable(), *args], input=input, capture_output=True, text=True, timeout=timeout, env=env
        )

    return run


def query(path: Path | PgDiary, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a test's own SQL on either engine (booleans and times come back as each driver gives them)."""
    if isinstance(path, PgDiary):
        with path.connect() as conn:
            return [tuple(_as_sqlite_gives(v) for v in row) for row in conn.execute(sql).fetchall()]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def execute(path: Path | PgDiary, sql: str, params: tuple[Any, ...] = ()) -> None:
    """A test's own change to the data (SQL that both engines read the same way, `?` placeholders), committed."""
    if isinstance(path, PgDiary):
        with path.connect() as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


def never_created(path: Path | PgDiary) -> bool:
    """Nothing was set up: no SQLite file, or no table in the test's PostgreSQL schema."""
    if isinstance(path, PgDiary):
        tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        return query(path, tables) == [(0,)]
    return not path.exists()


def _as_sqlite_gives(value: Any) -> Any:
    # SQLAlchemy stores a DateTime in SQLite as this text; PostgreSQL's driver returns a datetime.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


def count_rows(path: Path | PgDiary, table: str) -> int:
    if isinstance(path, PgDiary):
        with path.connect() as conn:
            if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is None:
                return 0
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def snapshot(path: Path | PgDiary) -> dict[str, int]:
    """Row counts of every table that holds a person's records."""
    return {t: count_rows(path, t) for t in ("practice", "hold", "pain_score", "screening", "stretch", "routine")}


def flat(text: str) -> str:
    """Terminal output with panel borders removed and wrapping undone, for phrase checks."""
    for ch in "│╭╮╰╯─":
        text = text.replace(ch, " ")
    return " ".join(text.split())


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def sij_terminal(db_path: Path) -> Callable[..., tuple[int, str]]:
    """Run the installed `sij` on a pseudo-terminal of a given width; returns its exit status and screen text."""

    def run(*args: str, columns: int = 80, input: str | None = None, timeout: float = 60) -> tuple[int, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env.update(SIJ_DB=str(db_path), TERM="xterm")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        proc = subprocess.Popen([sij_executable(), *args], stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        if input:
            os.write(master, input.encode())
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        code = proc.wait(timeout=timeout)
        text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")
        return code, text

    return run


def read_terminal(fd: int, *, until_closed: bool) -> bytes:
    """What the program at the other end of a pseudo-terminal wrote: everything until it closes its end, or (with
    `until_closed` False) what is waiting now."""
    seen = b""
    while until_closed or select.select([fd], [], [], 0)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end has closed
            break
        if not chunk:
            break
        seen += chunk
    return seen
