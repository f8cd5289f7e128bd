"""Nothing lost, nothing leaked, nothing injected: hostile paths, damaged files, broken streams, kills and load.

Each test reproduces one way a person's data could go to the wrong place, be written when it must not be, leak
into a message, or reach the terminal as control characters, and checks what the person sees instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import count_rows, sij_executable
from tracker.text import is_control

# SQLite files (damaged, full disks, killed copies) and the terminal, whose handling does not depend on the
# engine; tests/test_postgres.py has a server's faults.
pytestmark = pytest.mark.sqlite_only

PROCESS_TIMEOUT = 300  # seconds: generous, for a loaded two-core machine; never a measure of speed


def _env(db_path: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, SIJ_DB=str(db_path), COLUMNS="120", **extra)


def _run(db_path: Path, *args: str | bytes, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sij_executable(), *args],
        env=_env(db_path, **extra),
        capture_output=True,
        encoding=extra.get("PYTHONIOENCODING", "utf-8"),
        timeout=PROCESS_TIMEOUT,
    )


def _shell(db_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        env=_env(db_path, SIJ=sij_executable()),
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr


# ---- 1. every path a person can type addresses exactly that file -------------------------------------------

ODD_NAMES = ["weekly?1.db", "weekly?2.db", "c%20d.db", "a#b.db", "q?mode=ro&cache=shared.db", "%3F.db", "sp ace.db"]


def test_every_database_path_addresses_exactly_that_file(sij, tmp_path: Path) -> None:
    folder = tmp_path / "odd?folder#1%20"
    folder.mkdir()
    for score, name in enumerate(ODD_NAMES):
        result = sij("pain", str(score), db=folder / name)
        assert result.exit_code == 0, result.output
    made = sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert made == sorted(ODD_NAMES)
    for score, name in enumerate(ODD_NAMES):
        path = folder / name
        assert [row[0] for row in sqlite3.connect(path).execute("SELECT score FROM pain_score")] == [score]
        check = sij("db", "check", "--json", db=path)
        assert check.exit_code == 0 and json.loads(check.stdout)["counts"]["pain_scores"] == 1
        copy = folder / f"copy of {name}"
        assert sij("db", "backup", str(copy), db=path).exit_code == 0
        assert [row[0] for row in sqlite3.connect(copy).execute("SELECT score FROM pain_score")] == [score]


# ---- 2. a damaged database is never written to; reads that meet the damage say so -------------------------


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of daily records (many pages), in rollback-journal mode so the file alone is the database."""
    from benchmarks.generate import generate

    path = tmp_path_factory.mktemp("year") / "year.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(path.parent))
        mp.setenv("TZ", "Europe/London")
        generate(path, years=1, seed=1, end=date(2026, 11, 20))
    conn = sqlite3.connect(path)
    conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('first_use_notice_shown', 'yes')")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def _damage(source: Path, target: Path) -> Path:
    """Page-level damage inside the file: the header and schema are intact, the sessions' b-tree root is not."""
    with contextlib.closing(sqlite3.connect(source)) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'practice'").fetchone()
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    data = bytearray(source.read_bytes())
    start = (root - 1) * page
    data[start : start + 16] = b"\xff" * 16
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(data))
    try:
        problems = sqlite3.connect(target).execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        problems = [("malformed",)]
    assert problems != [("ok",)], "the damage was not detected by SQLite itself"
    return target


WRITES = [
    ("log", "--pain-before", "3"),
    ("pain", "4"),
    ("edit", "1", "--note", "x"),
    ("stretches", "add", "new-one", "--name", "New", "--step", "Lie down."),
    ("settings", "day-start", "03:00"),
    ("routines", "default", "si-basics"),
]


@pytest.mark.parametrize("command", WRITES, ids=" ".join)
def test_a_damaged_database_is_refused_before_any_write(sij, year_db: Path, db_path: Path, command) -> None:
    _damage(year_db, db_path)
    backup = db_path.with_name(f"{db_path.name}.before-0002-20260101T000000Z.bak")
    shutil.copy2(year_db, backup)
    before = _sha(db_path)
    result = sij(*command)
    assert result.exit_code == 1, result.output
    assert "damaged" in result.stderr and "sij db check" in result.stderr
    assert str(backup) in result.stderr  # the last backup, to restore
    assert result.stderr.count("Error") == 1
    assert _sha(db_path) == before


def test_a_read_that_meets_the_damage_says_so(sij, year_db: Path, db_path: Path) -> None:
    _damage(year_db, db_path)
    before = _sha(db_path)
    result = sij("history", "--limit", "400")
    assert result.exit_code == 1, result.output
    assert "damaged" in result.stderr and "sij db check" in result.stderr
    assert _sha(db_path) == before


def test_an_unexpected_failure_on_a_damaged_database_is_reported_as_damage(
    sij, year_db: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Damage can hand a reader values of the wrong type (a TypeError deep in the numbers): say what is wrong.
    import tracker.services.progress as progress

    def broken(**_: object) -> None:
        raise TypeError("unsupported operand type(s) for -: 'str' and 'int'")

    monkeypatch.setattr(progress, "progress_data", broken)
    _damage(year_db, db_path)
    result = sij("progress")
    assert result.exit_code == 1 and "damaged" in result.stderr and "sij db check" in result.stderr


def test_an_unexpected_failure_on_a_sound_database_is_not_hidden(
    sij, year_db: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.services.progress as progress

    def broken(**_: object) -> None:
        raise TypeError("a real bug")

    monkeypatch.setattr(progress, "progress_data", broken)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(year_db, db_path)
    with pytest.raises(TypeError, match="a real bug"):
        sij("progress")


# ---- 3 and 11. output that cannot be written or shown never hides whether the data were saved -------------


def test_a_full_standard_output_after_a_save_says_it_was_saved(db_path: Path) -> None:
    assert _run(db_path, "pain", "1").returncode == 0
    done = _shell(db_path, '"$SIJ" log --pain-before 3 --note "once only" >/dev/full')
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert "could not write its output" in done.stderr and "everything was saved" in done.stderr
    assert count_rows(db_path, "practice") == 1


def test_a_full_standard_output_on_a_read_is_exit_1(db_path: Path) -> None:
    assert _run(db_path, "log", "--note", "x").returncode == 0
    done = _shell(db_path, '"$SIJ" history --json >/dev/full')
    _no_traceback(done)
    assert done.returncode == 1 and "could not write its output" in done.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_an_export_cut_by_a_file_size_limit_is_not_announced_as_exported(
    year_db: Path, tmp_path: Path, fmt: str
) -> None:
    """`sij export > backup.json` under `ulimit -f`: the system writes only part of the export and Python's
    buffered writer reports no error for that part, so sij writes the rest to meet the error and says so."""
    diary = tmp_path / "year.db"
    shutil.copy2(year_db, diary)
    limit = 32 * 1024  # bytes: well under a year's export, and the diary (in rollback-journal mode) is only read
    script = f'ulimit -f {limit // 512}; "$SIJ" export --format {fmt} > "{tmp_path / "out"}"'
    done = subprocess.run(  # ulimit -f counts 512-byte blocks in bash's POSIX mode, 1024 otherwise: set it in bytes
        ["bash", "-c", f"set -o posix; {script}"],
        env=_env(diary, SIJ=sij_executable()),
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )
    _no_traceback(done)
    assert (tmp_path / "out").stat().st_size == limit
    assert done.returncode == 1, done.stderr
    assert "could not write its output (File too large)" in done.stderr and "Exported" not in done.stderr


@pytest.mark.parametrize(
    ("script", "code", "phrase", "added"),
    [
        ('"$SIJ" log --pain-before 2 <&-', 0, "Saved session #1", 2),
        ('"$SIJ" log --pain-before 2 >&-', 0, "everything was saved", 2),
        ('"$SIJ" history --json >&-', 1, "Standard output is closed", 0),
        ('"$SIJ" pain 3 <&- >&- 2>&-', 0, "", 1),
    ],
)
def test_closed_standard_streams_never_give_a_traceback(db_path: Path, script: str, code: int, phrase: str, added: int):
    assert _run(db_path, "pain", "1").returncode == 0
    before = count_rows(db_path, "practice") + count_rows(db_path, "pain_score")
    done = _shell(db_path, script)
    _no_traceback(done)
    assert done.returncode == code, done.stderr
    assert phrase in done.stdout + done.stderr
    after = count_rows(db_path, "practice") + count_rows(db_path, "pain_score")
    assert after == before + added
    assert _run(db_path, "db", "check").returncode == 0  # nothing meant for a closed stream landed in the file


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_show_every_character_gets_plain_ones(db_path: Path, encoding: str) -> None:
    saved = _run(db_path, "log", "--pain-before", "3", "--note", "café · 日本", PYTHONIOENCODING=encoding)
    _no_traceback(saved)
    assert saved.returncode == 0, saved.stderr
    listed = _run(db_path, "history", PYTHONIOENCODING=encoding)
    _no_traceback(listed)
    assert listed.returncode == 0
    assert "->" in listed.stdout and "→" not in listed.stdout
    assert "\\u65e5" in listed.stdout  # shown by its code, not dropped
    stored = sqlite3.connect(db_path).execute("SELECT note FROM practice").fetchone()[0]
    assert stored == "café · 日本"  # the data are exact; only the display falls back


def test_an_argument_that_is_not_text_is_refused(db_path: Path) -> None:
    assert _run(db_path, "pain", "1").returncode == 0
    done = subprocess.run(
        [os.fsencode(sij_executable()), b"log", b"--note", b"\xff\xfe"],
        env=_env(db_path),
        capture_output=True,
        timeout=PROCESS_TIMEOUT,
    )
    assert b"Traceback" not in done.stderr
    assert done.returncode == 2 and b"is not valid text" in done.stderr
    assert count_rows(db_path, "practice") == 0


# ---- 4. leftovers of a killed run are cleaned; a partial copy never looks complete ------------------------


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture
def old_database(db_path: Path) -> Path:
    """A database at the first revision, holding data, with enough pages that copying it takes a moment."""
    from tests.test_migrations import build_at_first_revision

    build_at_first_revision(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO setting (key, value) VALUES (?, ?)", [(f"pad-{i}", "p" * 50_000) for i in range(600)]
        )
    return db_path


def _visible_backups(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.before-"))


def test_upgrade_killed_while_copying_leaves_no_backup_that_looks_complete(old_database: Path) -> None:
    folder = old_database.parent
    upgrade = subprocess.Popen(
        [sij_executable(), "db", "upgrade"], env=_env(old_database), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while upgrade.poll() is None and time.monotonic() < deadline:
        if any(".partial-" in p.name for p in folder.iterdir()):
            break
    upgrade.send_signal(signal.SIGKILL)
    upgrade.communicate(timeout=PROCESS_TIMEOUT)
    for backup in _visible_backups(old_database):  # whatever the moment of the kill
        assert backup.stat().st_size > 0 and sqlite3.connect(backup).execute("PRAGMA quick_check").fetchall() == [
            ("ok",)
        ]
    again = _run(old_database, "db", "upgrade")
    assert again.returncode == 0, again.stderr
    assert not [p for p in folder.iterdir() if ".partial-" in p.name], "the killed run's copy was not cleaned"
    backups = _visible_backups(old_database)
    assert backups and all(p.stat().st_size > 0 for p in backups)


def test_leftovers_of_killed_runs_are_cleaned_by_the_next(old_database: Path, tmp_path: Path) -> None:
    dead = _dead_pid()
    folder = old_database.parent
    empty = folder / f"{old_database.name}.before-0002-20260101T000000Z.bak"  # from a sij before this fix
    empty.touch()
    planted = [
        folder / f".{old_database.name}.before-0002-20260101T000001Z.bak.partial-{dead}",
        folder / f".{old_database.name}.before-0002-20260101T000001Z.bak.partial-{dead}-journal",
    ]
    exports = tmp_path / "out"
    exports.mkdir()
    planted += [exports / f".copy.db.partial-{dead}", exports / f".copy.db.partial-{dead}-journal"]
    planted += [exports / f".sessions.csv.partial-{dead}-x1y2.tmp"]
    live = exports / f".other.csv.partial-{os.getpid()}-abcd.tmp"  # a writer that is still running
    for path in [*planted, live]:
        path.write_bytes(b"half")
    assert _run(old_database, "db", "upgrade").returncode == 0
    assert _run(old_database, "db", "backup", str(exports / "copy.db")).returncode == 0
    out = _run(old_database, "export", "--format", "csv", "-o", str(exports / "sessions.csv"))
    assert out.returncode == 0, out.stderr
    assert not empty.exists(), "an empty backup stayed under a name that looks complete"
    assert not [p for p in planted if p.exists()]
    assert live.exists()
    assert sorted(p.name for p in exports.iterdir() if not p.name.startswith(".")) == ["copy.db", "sessions.csv"]


def test_export_killed_mid_write_leaves_nothing_under_the_name(db_path: Path, tmp_path: Path) -> None:
    assert _run(db_path, "log", "--note", "x").returncode == 0
    target = tmp_path / "report.csv"
    done = subprocess.Popen(
        [sij_executable(), "export", "--format", "csv", "-o", str(target)],
        env=_env(db_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done.send_signal(signal.SIGKILL)  # at whatever point it has reached
    done.wait(timeout=PROCESS_TIMEOUT)
    if target.exists():
        assert target.read_text().startswith("session_id") or target.stat().st_size > 0
    again = _run(db_path, "export", "--format", "csv", "-o", str(target), "--force")
    assert again.returncode == 0, again.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


# ---- 5. a full disk: one plain sentence naming the right file, never SQL or a person's note -----------------


@contextlib.contextmanager
def _small_disk(tmp_path: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


SECRET = "my private note about my pelvis"


def _fill(mount: Path, *, leave: int) -> None:
    """Take all but `leave` bytes of the small disk."""
    stats = os.statvfs(mount)
    free = stats.f_bavail * stats.f_frsize
    (mount / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_disk_full_during_import_says_so_without_sql_or_notes(sij, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    for i in range(60):
        assert sij("log", "--note", f"{SECRET} {i} " + "z" * 1500, db=source).exit_code == 0
    backup = tmp_path / "backup.json"
    backup.write_text(sij("export", "--format", "json", db=source).stdout)
    with _small_disk(tmp_path, "1m") as mount:
        target = mount / "sij.db"
        assert _run(target, "pain", "1").returncode == 0
        _fill(mount, leave=48 * 1024)
        before = count_rows(target, "practice")
        done = _run(target, "import", str(backup))
        _no_traceback(done)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "The disk is full; nothing was saved" in done.stderr and str(target) in done.stderr
        for leak in (SECRET, "INSERT", "SELECT", "sqlalche.me", "[parameters", "http"):
            assert leak not in done.stdout + done.stderr
        assert count_rows(target, "practice") == before


def test_backup_to_a_full_disk_blames_the_target(sij, tmp_path: Path, db_path: Path) -> None:
    for _i in range(40):
        assert sij("log", "--note", "z" * 1900).exit_code == 0
    with _small_disk(tmp_path, "64k") as mount:
        target = mount / "copy.db"
        done = _run(db_path, "db", "backup", str(target))
        _no_traceback(done)
        assert done.returncode == 1
        assert "The disk is full" in done.stderr and str(target) in done.stderr
        assert f"'{db_path}'" not in done.stderr
        assert list(mount.iterdir()) == []  # no partial copy, no journal


# ---- 6. another user's database: a lack of permission, said as such ---------------------------------------


AS_PROGRAM = """
import sys
sys.path[:0] = sys.argv[1:3]
from tracker.cli.app import app
app(sys.argv[3:], prog_name="sij")
"""


def test_another_users_database_is_a_permission_problem() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make a file that belongs to another user")
    import pwd
    import site
    import tempfile

    nobody = pwd.getpwnam("nobody")
    base = Path(tempfile.mkdtemp(prefix="sij-other-"))  # outside pytest's owner-only folders, so nobody can look
    try:
        base.chmod(0o755)
        db_path = base / "data" / "sij.db"
        assert _run(db_path, "pain", "1").returncode == 0
        db_path.parent.chmod(0o755)  # nobody may look in, not write
        db_path.chmod(0o600)  # root's own file
        # The venv's interpreter may live where nobody cannot go (root's home): run the same code with the system's.
        python = "/usr/bin/python3.11" if Path("/usr/bin/python3.11").exists() else sys.executable
        packages = [p for p in site.getsitepackages() if p.endswith("site-packages")][0]
        repo = str(Path(__file__).resolve().parent.parent)
        command = [python, "-c", AS_PROGRAM, repo, packages]
        run = dict(env=_env(db_path, HOME=str(base)), user=nobody.pw_uid, group=nobody.pw_gid, extra_groups=[])
        try:
            probe = subprocess.run(
                [*command, "--version"], capture_output=True, text=True, timeout=PROCESS_TIMEOUT, **run
            )
        except OSError as err:
            pytest.skip(f"the user nobody cannot run Python here: {err}")
        if probe.returncode != 0:
            pytest.skip(f"the user nobody cannot run this sij: {probe.stderr.strip()[-200:]}")
        before = _sha(db_path)
        done = subprocess.run([*command, "pain", "2"], capture_output=True, text=True, timeout=PROCESS_TIMEOUT, **run)
        _no_traceback(done)
        assert done.returncode == 1, done.stderr
        assert "belongs to another user" in done.stderr and "lack of permission" in done.stderr
        assert "read-only" not in done.stderr
        assert _sha(db_path) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- 8 and 9. nothing from a file or the database reaches the terminal as a control character -------------

INJECTED = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"


def _scan(path: Path) -> list[str]:
    """Every text value in every table that holds a control character (new lines and tabs allowed)."""
    found = []
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}"'):
                    if isinstance(value, str) and any(is_control(c, keep="\n\t") for c in value):
                        found.append(f"{table}.{column}: {value!r}")
    finally:
        conn.close()
    return found


def _poison(value: object) -> object:
    """Every text in a document made hostile (keys and fixed vocabularies kept, so the shape stays valid)."""
    if isinstance(value, dict):
        return {k: _poison(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v) for v in value]
    if isinstance(value, str):
        return value + INJECTED
    return value


TEXT_FIELDS = ["slug", "name", "steps", "cautions", "source", "description", "note", "advice", "day_start"]


def test_a_hostile_backup_leaves_no_control_character_in_any_table(sij, tmp_path: Path, db_path: Path) -> None:
    sij("log", "--note", "first\nsecond\tline", "--pain-before", "8")
    sij("pain", "3", "--note", "ok")
    sij("stretches", "add", "mine", "--name", "Mine", "--step", "Lie down.", "--caution", "Gently.")
    sij("routines", "create", "my-plan", "--stretch", "mine", "--description", "Mine only")
    sij("settings", "day-start", "03:00")
    sij("screen", "--answers", "n" * 13)
    document = json.loads(sij("export", "--format", "json").stdout)
    fresh = tmp_path / "fresh.db"
    # Each text field poisoned on its own, in every record that has it: every one is refused, nothing written.
    for field in TEXT_FIELDS:
        hostile = json.loads(json.dumps(document))
        for kind in ("stretches", "routines", "sessions", "pain_scores"):
            for record in hostile[kind]:
                if field in record:
                    record[field] = _poison(record[field])
        if field in hostile["settings"]:
            hostile["settings"][field] = _poison(hostile["settings"][field])
        path = tmp_path / f"hostile-{field}.json"
        path.write_text(json.dumps(hostile))
        result = sij("import", str(path), db=fresh)
        assert result.exit_code == 2, (field, result.output)
        assert "control character" in result.stderr, (field, result.stderr)
        assert "\x1b" not in result.output
    # And the file as a whole: refused; then the clean one imports, and no table holds a control character.
    whole = tmp_path / "hostile.json"
    whole.write_text(json.dumps(_poison(document)))
    assert sij("import", str(whole), db=fresh).exit_code == 2
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(document))
    assert sij("import", str(clean), db=fresh).exit_code == 0
    assert _scan(fresh) == []
    assert count_rows(fresh, "practice") == 1


def _inject_directly(db_path: Path) -> None:
    """Control characters put into the database behind sij's back (an older version, a hand edit)."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE stretch SET name = name || ?, steps = ?", (INJECTED, json.dumps([f"Lie {INJECTED}"])))
        conn.execute("UPDATE routine SET name = name || ?, description = ?", (INJECTED, INJECTED))
        conn.execute("UPDATE practice SET note = ?", (f"note {INJECTED}",))
        conn.execute("UPDATE pain_score SET note = ?", (f"pain {INJECTED}",))
    conn.close()


@pytest.mark.parametrize(
    "command",
    [
        ("stretches",),
        ("stretches", "show", "figure-4"),
        ("routines",),
        ("routines", "show", "si-basics"),
        ("history",),
        ("history", "--json"),
        ("history", "--check-ins"),
        ("trash",),
        (
            "run",
            "--yes",
            "--no-red-flags",
            "--speed",
            "1000",
            "--get-ready",
            "0",
            "--pain-before",
            "2",
            "--pain-after",
            "2",
        ),
        (),
    ],
    ids=lambda c: " ".join(c) or "sij",
)
def test_stored_control_characters_reach_the_terminal_only_as_visible_text(sij, db_path: Path, command) -> None:
    assert sij("log", "--note", "x", "--pain-before", "2").exit_code == 0
    assert sij("pain", "2", "--note", "y").exit_code == 0
    _inject_directly(db_path)
    result = sij(*command)
    assert result.exit_code == 0, result.output
    own_bell = command[:1] == ("run",)  # `sij run` rings the bell itself at the end of a hold
    for raw in ("\x1b", "\x9b", "\u202e", *(() if own_bell else ("\x07",))):
        assert raw not in result.output, (raw, result.output[:400])
    if command and command[0] not in ("trash",):
        assert "\\x1b" in result.output or "\\u001b" in result.output or "\\u202e" in result.output


def test_on_a_real_terminal_stored_text_never_becomes_escapes_or_markup(
    sij, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.cli import console

    assert sij("log", "--note", "x").exit_code == 0
    _inject_directly(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE stretch SET name = '[link=https://example.com]click[/link]' WHERE slug = 'figure-4'")
    # Consoles made afresh, as on a colour terminal, so that Rich writes its own escape sequences.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delattr(console, "out", raising=False)
    monkeypatch.delattr(console, "err", raising=False)
    shown = "".join(sij(*c).output for c in (("stretches",), ("stretches", "show", "figure-4"), ("history",)))
    assert "\x1b[1m" in shown or "\x1b[" in shown  # Rich's own styling is there: this really is "a terminal"
    for injected in ("\x1b]0;owned", "\x1b[2J", "\x9b", "\u202e", "\x1b]8;"):
        assert injected not in shown, injected
    assert "\\x1b]0;owned" in shown and "[link=https://example.com]click[/link]" in shown


def test_a_csv_export_to_a_terminal_shows_control_characters_and_to_a_file_keeps_them(db_path: Path) -> None:
    import pty

    assert _run(db_path, "log", "--note", "x").returncode == 0
    _inject_directly(db_path)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sij_executable(), "export", "--format", "csv"],
            env=_env(db_path),
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=PROCESS_TIMEOUT,
        )
        os.close(follower)
        received = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(leader, 65536):
                received += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"\x1b]0;owned" not in received and b"\\x1b]0;owned" in received
    exact = _run(db_path, "export", "--format", "csv")
    assert "\x1b]0;owned" in exact.stdout  # redirected, the data are exact
