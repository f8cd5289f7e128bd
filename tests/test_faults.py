"""Faults a health record must survive: many writers at once, a killed writer, and files it must refuse untouched.

Every test drives the installed `sij` as separate processes, as a person (or cron, or a crash) would.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import count_rows, sij_executable

PROCESS_TIMEOUT = 180  # seconds; generous for a loaded two-core machine (busy_timeout is 30 s per wait)


def _env(db_path: Path) -> dict[str, str]:
    return dict(os.environ, SIJ_DB=str(db_path), COLUMNS="200")


def _sij(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sij_executable(), *args], env=_env(db_path), capture_output=True, text=True, timeout=PROCESS_TIMEOUT
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_fifty_writers_at_once_all_succeed(db_path: Path) -> None:
    assert _sij(db_path, "pain", "1").returncode == 0  # the schema exists; the race is about writing
    procs = [
        subprocess.Popen(
            [sij_executable(), "log", "--pain-before", str(i % 7), "--note", f"writer {i}"],
            env=_env(db_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(50)
    ]
    results = [p.communicate(timeout=PROCESS_TIMEOUT) for p in procs]
    errors = [err for _, err in results]
    assert [p.returncode for p in procs] == [0] * 50, errors
    assert not any("locked" in text.lower() or "busy" in text.lower() for text in errors)
    assert count_rows(db_path, "practice") == 50
    notes = {row for row in _query(db_path, "SELECT note FROM practice")}
    assert notes == {(f"writer {i}",) for i in range(50)}
    assert _sij(db_path, "db", "check").returncode == 0


def _query(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


WRITER = """
import sys
from tracker.cli import app
from tracker.cli.context import AppContext

for i in range(100_000):
    command = ["pain", str(i % 7), "--note", f"stream {i}"] if i % 2 else ["log", "--note", f"stream {i}"]
    code = app(command, prog_name="sij", obj=AppContext(), standalone_mode=False)
    if code:
        sys.exit(code)
"""


def test_writer_killed_mid_stream_loses_nothing_it_reported(db_path: Path) -> None:
    assert _sij(db_path, "pain", "1").returncode == 0
    writer = subprocess.Popen(
        [sys.executable, "-u", "-c", WRITER], env=_env(db_path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert writer.stdout is not None
    reported: list[tuple[str, int]] = []
    saved = re.compile(rb"Saved (session|pain check-in) #(\d+)")
    try:
        for line in writer.stdout:
            found = saved.search(line)
            if found:
                reported.append((found.group(1).decode(), int(found.group(2))))
            if len(reported) >= 30:
                break
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=PROCESS_TIMEOUT)
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert len(reported) >= 30

    check = _sij(db_path, "db", "check", "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    sessions = {row[0] for row in _query(db_path, "SELECT id FROM practice")}
    pains = {row[0] for row in _query(db_path, "SELECT id FROM pain_score WHERE context = 'check-in'")}
    for kind, record_id in reported:
        assert record_id in (sessions if kind == "session" else pains), (kind, record_id)
    # Every saved session is whole: its holds came with it in the same transaction.
    assert _query(
        db_path, "SELECT count(*) FROM practice p WHERE NOT EXISTS (SELECT 1 FROM hold h WHERE h.practice_id = p.id)"
    ) == [(0,)]
    after = _sij(db_path, "pain", "2")
    assert after.returncode == 0, after.stderr


# --- Files sij must refuse, leaving them exactly as they were -------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real database made by the installed sij, built once and copied by each test."""
    path = tmp_path_factory.mktemp("template") / "sij.db"
    for args in (("log", "--pain-before", "5", "--pain-after", "3", "--note", "kept"), ("pain", "4")):
        done = _sij(path, *args)
        assert done.returncode == 0, done.stderr
    assert not (path.with_name(path.name + "-wal")).exists()
    return path


def _real_database(path: Path, template: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    path.chmod(0o600)


def _not_a_database(path: Path, template: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("These are my notes, not a database.\n" * 50, encoding="utf-8")


def _truncated(path: Path, template: Path) -> None:
    _real_database(path, template)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _newer(path: Path, template: Path) -> None:
    _real_database(path, template)
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()


BAD_FILES = {
    "not a database": (_not_a_database, "not a readable sij database"),
    "truncated": (_truncated, "not a readable sij database"),
    "newer version": (_newer, "newer version of sij"),
}
COMMANDS = [
    ("log", "--pain-before", "3"),
    ("pain", "2"),
    ("history",),
    ("stretches",),
    ("db", "upgrade"),
]


def _assert_refused(done: subprocess.CompletedProcess[str], phrase: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ")
    assert phrase in lines[0]
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_bad_file_is_refused_and_left_byte_for_byte(
    db_path: Path, template: Path, kind: str, command: tuple[str, ...]
) -> None:
    make, phrase = BAD_FILES[kind]
    make(db_path, template)
    before, files = _sha(db_path), _folder(db_path)
    _assert_refused(_sij(db_path, *command), phrase)
    assert _sha(db_path) == before
    assert _folder(db_path) == files  # no -wal, -shm or backup left beside it


@pytest.mark.parametrize("kind", ["not a database", "truncated"])
def test_db_check_refuses_damaged_files_untouched(db_path: Path, template: Path, kind: str) -> None:
    make, phrase = BAD_FILES[kind]
    make(db_path, template)
    before, files = _sha(db_path), _folder(db_path)
    _assert_refused(_sij(db_path, "db", "check"), phrase)
    assert _sha(db_path) == before and _folder(db_path) == files


def test_db_check_reports_a_newer_database_untouched(db_path: Path, template: Path) -> None:
    _newer(db_path, template)
    before, files = _sha(db_path), _folder(db_path)
    done = _sij(db_path, "db", "check")
    assert done.returncode == 1
    assert "newer than this sij" in done.stdout
    assert _sha(db_path) == before and _folder(db_path) == files


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make the database and its folder unwritable, even for root (who ignores permission bits).

    As root the immutable attribute (chattr +i) stops every write; otherwise plain permissions do.
    """
    folder = path.parent
    if os.geteuid() != 0:
        path.chmod(0o400)
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
            path.chmod(0o600)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root without chattr: no way to make a file unwritable for root here")
    done = subprocess.run([chattr, "+i", str(path), str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root and this file system refuses chattr +i: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path), str(folder)], check=True)


def test_read_only_proof_really_blocks_writes(db_path: Path, template: Path) -> None:
    _real_database(db_path, template)
    with _read_only(db_path), pytest.raises(OSError):
        db_path.open("ab").close()


READ_ONLY_REFUSED = [c for c in COMMANDS if c[0] != "db"]


@pytest.mark.parametrize("command", READ_ONLY_REFUSED, ids=" ".join)
def test_read_only_database_is_refused_untouched(db_path: Path, template: Path, command: tuple[str, ...]) -> None:
    _real_database(db_path, template)
    before, files = _sha(db_path), _folder(db_path)
    with _read_only(db_path):
        done = _sij(db_path, *command)
        _assert_refused(done, str(db_path))
        assert "read-only" in done.stderr or "Cannot open" in done.stderr
        assert _sha(db_path) == before
        assert _folder(db_path) == files


def test_read_only_database_can_still_be_checked_and_copied(db_path: Path, template: Path, tmp_path: Path) -> None:
    _real_database(db_path, template)
    before, files = _sha(db_path), _folder(db_path)
    copy = tmp_path / "copy.db"
    with _read_only(db_path):
        check = _sij(db_path, "db", "check")
        assert check.returncode == 0, check.stdout + check.stderr
        assert "All is well" in check.stdout
        backup = _sij(db_path, "db", "backup", str(copy))
        assert backup.returncode == 0, backup.stderr
        upgrade = _sij(db_path, "db", "upgrade")
        assert upgrade.returncode == 0 and "already up to date" in upgrade.stdout
        assert _sha(db_path) == before and _folder(db_path) == files
    assert count_rows(copy, "practice") == count_rows(db_path, "practice") == 1
