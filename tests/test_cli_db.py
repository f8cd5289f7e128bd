"""`sij db path|check|backup|upgrade` through the command line."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import count_rows, sij_executable, snapshot
from tracker import db

# SQLite files: where the file is, SQLite's checks, file copies. tests/test_postgres.py covers `sij db` on a server.
pytestmark = pytest.mark.sqlite_only


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if p.exists()]


@pytest.fixture
def filled(sij, db_path: Path) -> Path:
    assert sij("log", "--pain-before", "6", "--pain-after", "4", "--note", "first").exit_code == 0
    assert sij("pain", "3").exit_code == 0
    return db_path


def test_path_prints_the_file_without_creating_it(sij, db_path: Path) -> None:
    result = sij("db", "path")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(db_path)
    assert "not created yet" in result.stderr
    assert not db_path.exists() and not db_path.parent.exists()


def test_path_follows_the_environment(sij_process, db_path: Path) -> None:
    done = sij_process("db", "path")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(db_path)
    assert not db_path.exists()


def test_check_says_all_is_well_and_changes_nothing(sij, filled: Path) -> None:
    before = sha(filled)
    result = sij("db", "check")
    assert result.exit_code == 0, result.output
    assert "All is well" in result.stdout
    assert "1 session" in " ".join(result.stdout.split())
    assert sha(filled) == before
    assert sidecars(filled) == []


def test_check_json_has_stable_keys(sij, filled: Path) -> None:
    result = sij("db", "check", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["integrity"] == "ok" and report["foreign_keys"] == "ok"
    assert report["schema"] == {"revision": db.SCHEMA_HEAD, "program": db.SCHEMA_HEAD, "status": "current"}
    # The same count keys as `sij import --json`.
    assert report["counts"] == {
        "sessions": 1,
        "holds": report["counts"]["holds"],
        "pain_scores": 3,
        "screenings": 0,
        "stretches": report["counts"]["stretches"],
        "routines": report["counts"]["routines"],
    }
    assert report["problems"] == []


@pytest.mark.parametrize("content", [b"not a database at all " * 200, None])
def test_check_json_on_an_unreadable_file_still_prints_json(sij, db_path: Path, content: bytes | None) -> None:
    if content is not None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        db_path.write_bytes(content)
    result = sij("db", "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["path"] == str(db_path)
    assert len(report["problems"]) == 1 and report["problems"][0] in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_check_without_a_database_fails_and_creates_nothing(sij, db_path: Path) -> None:
    result = sij("db", "check")
    assert result.exit_code == 1
    assert "no database" in result.stderr
    assert not db_path.exists()


def test_check_reports_a_broken_link(sij, filled: Path) -> None:
    with sqlite3.connect(filled) as conn:  # foreign keys are off on this plain connection
        conn.execute("UPDATE hold SET stretch_id = 999 WHERE id = 1")
    result = sij("db", "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any("hold row 1" in p for p in report["problems"])
    plain = sij("db", "check")
    assert plain.exit_code == 1 and "Problems found" in plain.stdout


def test_check_reports_an_older_schema(sij, filled: Path) -> None:
    with sqlite3.connect(filled) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    result = sij("db", "check", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["schema"]["status"] == "newer"  # unknown to this program


def test_backup_makes_a_checked_owner_only_copy(sij, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "copies" / "sij-backup.db"
    target.parent.mkdir()
    result = sij("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "checks clean" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["sij-backup.db"]
    assert snapshot(target) == snapshot(filled)
    copy = sij("--db", str(target), "db", "check")
    assert copy.exit_code == 0, copy.output


def test_backup_refuses_to_overwrite_without_force(sij, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_bytes(b"precious")
    result = sij("db", "backup", str(target))
    assert result.exit_code == 2  # bad input, as for export and plot --output
    assert "--force" in result.stderr
    assert target.read_bytes() == b"precious"
    forced = sij("db", "backup", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert count_rows(target, "practice") == 1


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        (lambda tmp: tmp / "missing-folder" / "copy.db", "does not exist"),
        (lambda tmp: tmp, "is a folder"),
    ],
)
def test_backup_bad_targets(sij, filled: Path, tmp_path: Path, make_target, message: str) -> None:
    result = sij("db", "backup", str(make_target(tmp_path)))
    assert result.exit_code == 2  # bad input, as for export and plot --output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_backup_onto_itself_is_refused(sij, filled: Path) -> None:
    before = sha(filled)
    result = sij("db", "backup", str(filled), "--force")
    assert result.exit_code == 1
    assert "database itself" in result.stderr
    assert sha(filled) == before


def test_backup_while_another_sij_writes(filled: Path, tmp_path: Path, sij_process) -> None:
    env = dict(os.environ, SIJ_DB=str(filled))
    writers = [
        subprocess.Popen([sij_executable(), "pain", str(i % 11)], env=env, stdout=subprocess.DEVNULL) for i in range(8)
    ]
    copies = [sij_process("db", "backup", str(tmp_path / f"copy{i}.db")) for i in range(3)]
    assert [w.wait(timeout=120) for w in writers] == [0] * 8
    for i, done in enumerate(copies):
        assert done.returncode == 0, done.stderr
        assert sij_process("--db", str(tmp_path / f"copy{i}.db"), "db", "check").returncode == 0


def test_upgrade_when_current_says_so(sij, filled: Path) -> None:
    before = sha(filled)
    result = sij("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "already up to date" in " ".join(result.stdout.split())
    assert sha(filled) == before


def test_upgrade_help_says_downgrades_are_not_supported(sij) -> None:
    result = sij("db", "upgrade", "--help")
    assert result.exit_code == 0
    assert "Downgrades are not supported" in " ".join(result.stdout.split())


def test_db_alone_shows_help(sij) -> None:
    result = sij("db")
    assert result.exit_code == 0
    assert "backup" in result.stdout and "check" in result.stdout


def test_check_an_empty_file_is_well_and_untouched(sij, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    result = sij("db", "check")
    assert result.exit_code == 0, result.output
    assert "still empty" in " ".join(result.stdout.split())
    assert db_path.stat().st_size == 0 and sidecars(db_path) == []


def test_upgrade_without_a_database_creates_nothing(sij, db_path: Path) -> None:
    result = sij("db", "upgrade")
    assert result.exit_code == 1
    assert "no database" in result.stderr
    assert not db_path.exists()
