"""Shared fixtures: a fresh home and database per test, a pinned clock, and ways to run `sij`."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
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


def count_rows(path: Path, table: str) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def snapshot(path: Path) -> dict[str, int]:
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
