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
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import count_rows, sij_executable

# SQLite files: damaged, read-only and newer files, WAL recovery after a kill.
# tests/test_postgres.py has the server's faults.
pytestmark = pytest.mark.sqlite_only

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


WRITERS = 100  # on two cores; each process must still succeed (a busy write lock is waited for, then retried)


def test_a_hundred_writers_at_once_all_succeed(db_path: Path) -> None:
    assert _sij(db_path, "pain", "1").returncode == 0  # the schema exists; the race is about writing
    procs = [
        subprocess.Popen(
            [sij_executable(), "log", "--pain-before", str(i % 7), "--note", f"writer {i}"],
            env=_env(db_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WRITERS)
    ]
    results = [p.communicate(timeout=PROCESS_TIMEOUT * 3) for p in procs]
    errors = [err for _, err in results]
    assert [p.returncode for p in procs] == [0] * WRITERS, [e for e in errors if e]
    assert not any("locked" in text.lower() or "busy" in text.lower() for text in errors)
    assert count_rows(db_path, "practice") == WRITERS
    notes = {row for row in _query(db_path, "SELECT note FROM practice")}
    assert notes == {(f"writer {i}",) for i in range(WRITERS)}
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


Runner = Callable[..., subprocess.CompletedProcess[str]]
NOBODY = 65534


def _chattr_works() -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.touch()
        if subprocess.run([chattr, "+i", str(probe)], capture_output=True).returncode != 0:
            return False
        subprocess.run([chattr, "-i", str(probe)], capture_output=True)
        return True


def _read_only_methods() -> list[str]:
    """The way to make a file unwritable for this user; root ignores permission bits."""
    if os.geteuid() != 0:
        return ["permissions"]
    return ["immutable"] if _chattr_works() else ["other-user"]


@contextlib.contextmanager
def _read_only(method: str, template: Path, tmp_path: Path) -> Iterator[tuple[Path, Runner]]:
    """A real database on a path sij cannot write; yields its path and a way to run sij against it.

    - permissions: the file 0400 and its folder 0500 (for a normal user);
    - immutable: `chattr +i` on the file and folder, which stops even root;
    - other-user: the files belong to root and sij runs as the unprivileged user `nobody`.
    Each is skipped, with the reason, only where the system cannot do it.
    """
    if method == "other-user":
        base = Path(tempfile.mkdtemp(prefix="sij-ro-"))
        base.chmod(0o755)  # nobody may enter and read, not write
        folder = base / "data"
    else:
        base = tmp_path
        folder = tmp_path / "ro"
    path = folder / "sij.db"
    _real_database(path, template)
    path.chmod(0o644 if method == "other-user" else 0o600)
    folder.chmod(0o755 if method == "other-user" else 0o700)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        extra: dict[str, object] = {}
        env = _env(path)
        if method == "other-user":
            extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
            env = dict(env, HOME=str(base))
        return subprocess.run(
            [sij_executable(), *args], env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, **extra
        )

    chattr = shutil.which("chattr")
    try:
        if method == "permissions":
            path.chmod(0o400)
            folder.chmod(0o500)
        elif method == "immutable":
            if chattr is None:
                pytest.skip("chattr is not installed; the other-user method covers root")
            done = subprocess.run([chattr, "+i", str(path), str(folder)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"this file system refuses chattr +i ({done.stderr.strip()}); other-user covers root")
        else:
            try:
                probe = run("--version")
                reason = probe.stderr.strip()[:200] if probe.returncode else ""
            except OSError as err:  # e.g. the interpreter lives under root's home
                reason = str(err)
            if reason:
                pytest.skip(f"the user nobody cannot run this sij ({reason}); the immutable method covers root")
        yield path, run
    finally:
        if method == "immutable" and chattr is not None:
            subprocess.run([chattr, "-i", str(path), str(folder)], capture_output=True)
        folder.chmod(0o700)
        if method == "other-user":
            shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("method", _read_only_methods())
def test_read_only_proof_really_blocks_writes(template: Path, tmp_path: Path, method: str) -> None:
    with _read_only(method, template, tmp_path) as (path, run):
        probe = f"open({str(path)!r}, 'ab').close()"
        done = (
            subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, user=NOBODY, group=NOBODY)
            if method == "other-user"
            else subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        )
        assert done.returncode != 0 and "Error" in done.stderr


READ_ONLY_REFUSED = [c for c in COMMANDS if c[0] != "db"]


@pytest.mark.parametrize("method", _read_only_methods())
@pytest.mark.parametrize("command", READ_ONLY_REFUSED, ids=" ".join)
def test_read_only_database_is_refused_untouched(
    template: Path, tmp_path: Path, method: str, command: tuple[str, ...]
) -> None:
    with _read_only(method, template, tmp_path) as (path, run):
        before, files = _sha(path), _folder(path)
        done = run(*command)
        _assert_refused(done, str(path))
        assert ("lack of permission" if method == "other-user" else "read-only") in done.stderr
        assert _sha(path) == before
        assert _folder(path) == files


@pytest.mark.parametrize("method", _read_only_methods())
def test_read_only_database_can_still_be_checked_and_copied(template: Path, tmp_path: Path, method: str) -> None:
    copies = Path(tempfile.mkdtemp(prefix="sij-copies-"))
    copies.chmod(0o777)  # writable by whoever runs sij
    copy = copies / "copy.db"
    try:
        with _read_only(method, template, tmp_path) as (path, run):
            before, files = _sha(path), _folder(path)
            check = run("db", "check")
            assert check.returncode == 0, check.stdout + check.stderr
            assert "All is well" in check.stdout
            backup = run("db", "backup", str(copy))
            assert backup.returncode == 0, backup.stderr
            upgrade = run("db", "upgrade")
            assert upgrade.returncode == 0 and "already up to date" in upgrade.stdout
            assert _sha(path) == before and _folder(path) == files
            assert count_rows(copy, "practice") == 1
    finally:
        shutil.rmtree(copies, ignore_errors=True)
