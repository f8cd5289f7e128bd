"""Upgrading a database made by an older sij keeps every record; downgrades are refused.

The database is built at the FIRST schema revision with Alembic and filled through plain SQL, so the
tests stay meaningful as revisions are added: each one upgrades from the first revision to the head.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import sij_executable
from tracker import db

# Migrations of SQLite files, with their backup copies; tests/test_postgres.py upgrades a server's schema.
pytestmark = pytest.mark.sqlite_only

FIRST = db.SCHEMA_REVISIONS[0]

# One row of every kind a person's database holds, as the first revision stores them.
ROWS: dict[str, list[dict[str, object]]] = {
    "setting": [
        {"key": "default_routine", "value": "si-basics"},
        {"key": "day_start", "value": "03:00"},
        {"key": "first_use_notice_shown", "value": "yes"},
    ],
    "stretch": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000001",
            "slug": "knee-to-chest",
            "name": "Knee to chest",
            "steps": '["Lie on your back.", "Draw one knee up."]',
            "cautions": '["Stop at sharp pain."]',
            "hold_seconds": 30,
            "per_side": 1,
            "source": "edited by me",
            "active": 1,
            "seeded": 1,
        },
        {
            "id": 2,
            "uuid": "00000000-0000-4000-8000-000000000002",
            "slug": "figure-4",
            "name": "Figure 4",
            "steps": '["Cross an ankle over a knee."]',
            "cautions": "[]",
            "hold_seconds": 45,
            "per_side": 1,
            "source": "",
            "active": 1,
            "seeded": 1,
        },
        {
            "id": 3,
            "uuid": "00000000-0000-4000-8000-000000000003",
            "slug": "cat-cow",
            "name": "Cat–cow ✓",
            "steps": '["On hands and knees."]',
            "cautions": "[]",
            "hold_seconds": 20,
            "per_side": 0,
            "source": "my physio",
            "active": 0,
            "seeded": 0,
        },
    ],
    "routine": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000101",
            "slug": "si-basics",
            "name": "SI basics",
            "description": "Morning",
            "active": 1,
            "seeded": 1,
        },
    ],
    "routine_step": [
        {"id": 1, "routine_id": 1, "position": 1, "stretch_id": 1},
        {"id": 2, "routine_id": 1, "position": 2, "stretch_id": 2},
    ],
    "practice": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000201",
            "started_at": "2026-11-20 08:00:00.000000",
            "offset_minutes": 0,
            "ended_at": "2026-11-20 08:06:00.000000",
            "routine_id": 1,
            "heat": 1,
            "sharp": 0,
            "note": "Après la douche 🙂 שלום",
            "state": "completed",
            "flagged": 0,
            "advice": "",
            "guided": 1,
            "deleted_at": None,
        },
        {
            "id": 2,
            "uuid": "00000000-0000-4000-8000-000000000202",
            "started_at": "2026-07-01 06:00:00.000000",
            "offset_minutes": 60,
            "ended_at": None,
            "routine_id": None,
            "heat": 0,
            "sharp": 1,
            "note": "",
            "state": "stopped_sharp",
            "flagged": 1,
            "advice": "Stop stretching for now.",
            "guided": 0,
            "deleted_at": "2026-07-02 10:00:00.000000",
        },
    ],
    "hold": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000301",
            "practice_id": 1,
            "position": 1,
            "stretch_id": 1,
            "side": "left",
            "seconds": 30,
            "completed": 1,
            "sharp": 0,
        },
        {
            "id": 2,
            "uuid": "00000000-0000-4000-8000-000000000302",
            "practice_id": 1,
            "position": 2,
            "stretch_id": 1,
            "side": "right",
            "seconds": 25,
            "completed": 0,
            "sharp": 0,
        },
        {
            "id": 3,
            "uuid": "00000000-0000-4000-8000-000000000303",
            "practice_id": 2,
            "position": 1,
            "stretch_id": 3,
            "side": "both",
            "seconds": 12,
            "completed": 0,
            "sharp": 1,
        },
    ],
    "pain_score": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000401",
            "recorded_at": "2026-11-20 08:00:00.000000",
            "offset_minutes": 0,
            "score": 6,
            "context": "before",
            "sharp": 0,
            "note": "",
            "practice_id": 1,
            "flagged": 0,
            "advice": "",
            "deleted_at": None,
        },
        {
            "id": 2,
            "uuid": "00000000-0000-4000-8000-000000000402",
            "recorded_at": "2026-11-20 08:06:00.000000",
            "offset_minutes": 0,
            "score": 4,
            "context": "after",
            "sharp": 0,
            "note": "",
            "practice_id": 1,
            "flagged": 0,
            "advice": "",
            "deleted_at": None,
        },
        {
            "id": 3,
            "uuid": "00000000-0000-4000-8000-000000000403",
            "recorded_at": "2026-11-21 21:15:00.000000",
            "offset_minutes": 0,
            "score": 8,
            "context": "check-in",
            "sharp": 1,
            "note": "e\u0301 ñ 日本",
            "practice_id": None,
            "flagged": 1,
            "advice": "See a doctor.",
            "deleted_at": None,
        },
    ],
    "screening": [
        {
            "id": 1,
            "uuid": "00000000-0000-4000-8000-000000000501",
            "taken_at": "2026-11-19 09:00:00.000000",
            "offset_minutes": 0,
            "kind": "full",
            "answers": '{"E1": false, "U1": true}',
            "level": "same-day",
            "advice": "Call your GP today.",
        },
    ],
}


def build_at_first_revision(path: Path) -> None:
    """A database exactly as the first sij release made it, holding one record of every kind."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        config = Config()
        config.set_main_option("script_location", str(db.resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, FIRST)
        conn.commit()
    engine.dispose()
    conn2 = sqlite3.connect(path)
    with conn2:
        for table, rows in ROWS.items():
            for row in rows:
                columns = ", ".join(f'"{c}"' for c in row)
                marks = ", ".join("?" for _ in row)
                conn2.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
    conn2.close()
    path.chmod(0o600)


def assert_every_record_kept(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        for table, rows in ROWS.items():
            present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            key = "key" if table == "setting" else "id"
            for row in rows:
                kept = [c for c in row if c in present]
                assert key in kept, f"{table}.{key} disappeared"
                found = conn.execute(
                    f'SELECT {", ".join(f"[{c}]" for c in kept)} FROM "{table}" WHERE "{key}" = ?',
                    (row[key],),
                ).fetchone()
                assert found is not None, f"{table} {row[key]} lost"
                assert dict(zip(kept, found, strict=True)) == {c: row[c] for c in kept}, f"{table} {row[key]} changed"
    finally:
        conn.close()


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.before-*.bak"))


def test_builder_makes_the_first_revision(db_path: Path) -> None:
    build_at_first_revision(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
    conn.close()
    assert_every_record_kept(db_path)


def test_everyday_command_upgrades_from_the_first_revision_keeping_everything(sij_process, db_path: Path) -> None:
    build_at_first_revision(db_path)
    shown = sij_process("history", "--json")
    assert shown.returncode == 0, shown.stderr
    sessions = {s["uuid"]: s for s in json.loads(shown.stdout)}
    first = sessions["00000000-0000-4000-8000-000000000201"]
    assert first["note"] == "Après la douche 🙂 שלום"
    assert (first["pain_before"], first["pain_after"], first["heat"]) == (6, 4, True)
    assert [(h["slug"], h["side"], h["seconds"], h["completed"]) for h in first["stretches"]] == [
        ("knee-to-chest", "left", 30, True),
        ("knee-to-chest", "right", 25, False),
    ]
    assert_every_record_kept(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (db.SCHEMA_HEAD,)
    conn.close()
    backups = _backups(db_path)
    if FIRST != db.SCHEMA_HEAD:  # a migration ran on a database holding data: a copy was made first
        assert len(backups) == 1
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
        assert_every_record_kept(backups[0])
    else:
        assert backups == []
    assert sij_process("db", "check").returncode == 0


def test_db_upgrade_from_the_first_revision_says_what_it_did(sij_process, db_path: Path) -> None:
    build_at_first_revision(db_path)
    done = sij_process("db", "upgrade")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    if FIRST == db.SCHEMA_HEAD:
        assert f"already up to date (schema {FIRST})" in text
    else:
        assert f"from schema {FIRST} to {db.SCHEMA_HEAD}" in text
        assert str(_backups(db_path)[0]) in text
    assert_every_record_kept(db_path)
    again = sij_process("db", "upgrade")
    assert "already up to date" in " ".join(again.stdout.split())


@pytest.fixture
def extra_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A further revision (test-only, adds an empty table) so the backup-then-migrate path runs today.

    It exercises the same code a real 0002 will, in-process, with this program's own revisions copied.
    """
    scripts = tmp_path / "migrations"
    shutil.copytree(db.resource_dir("migrations"), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = "9000test"
    (scripts / "versions" / f"{head}_extra.py").write_text(
        f'''"""Test-only revision."""
import sqlalchemy as sa
from alembic import op

revision = "{head}"
down_revision = "{db.SCHEMA_HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_extra", sa.Column("id", sa.Integer(), primary_key=True))
''',
        encoding="utf-8",
    )
    original = db.resource_dir

    def resource_dir(name: str) -> Path:
        return scripts if name == "migrations" else original(name)

    monkeypatch.setattr(db, "resource_dir", resource_dir)
    monkeypatch.setattr(db, "SCHEMA_REVISIONS", (*db.SCHEMA_REVISIONS, head))
    monkeypatch.setattr(db, "SCHEMA_HEAD", head)
    return head


def test_upgrade_backs_up_a_database_holding_data_first(sij, db_path: Path, extra_revision: str) -> None:
    build_at_first_revision(db_path)
    done = sij("db", "upgrade")
    assert done.exit_code == 0, done.output
    text = " ".join(done.stdout.split())
    assert f"to {extra_revision}" in text
    backups = _backups(db_path)
    assert len(backups) == 1
    assert str(backups[0]) in text
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert_every_record_kept(backups[0])
    assert_every_record_kept(db_path)
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
    conn.close()
    assert sij("db", "check").exit_code == 0


def test_everyday_command_backs_up_before_migrating(sij, db_path: Path, extra_revision: str) -> None:
    build_at_first_revision(db_path)
    result = sij("history", "--json")
    assert result.exit_code == 0, result.output
    assert [s["uuid"] for s in json.loads(result.stdout)] == ["00000000-0000-4000-8000-000000000201"]  # 2 is deleted
    assert len(_backups(db_path)) == 1
    assert_every_record_kept(db_path)


def test_empty_database_is_migrated_without_a_backup(sij, db_path: Path, extra_revision: str) -> None:
    assert sij("stretches").exit_code == 0
    assert _backups(db_path) == []


@pytest.mark.parametrize("revision", ["9999", "0000"])
def test_unknown_revision_is_refused_clearly_and_left_alone(db_path: Path, revision: str) -> None:
    import hashlib
    import os
    import subprocess

    build_at_first_revision(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for command in (["db", "upgrade"], ["history"]):
        done = subprocess.run(
            [sij_executable(), *command],
            env=dict(os.environ, SIJ_DB=str(db_path)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        assert "newer version of sij" in done.stderr and "Traceback" not in done.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert _backups(db_path) == []


def test_check_reports_a_pending_upgrade_without_doing_it(sij, db_path: Path, extra_revision: str) -> None:
    import hashlib

    build_at_first_revision(db_path)
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    result = sij("db", "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["schema"] == {"revision": FIRST, "program": extra_revision, "status": "behind"}
    assert any("sij db upgrade" in p for p in report["problems"])
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert _backups(db_path) == []
