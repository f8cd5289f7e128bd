"""Revision 0002 (created_at) upgrades a database made at 0001 with every record intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker import db

# Built on a SQLite file at revision 0001; tests/test_postgres.py upgrades a server's schema from 0001.
pytestmark = pytest.mark.sqlite_only


def _database_at_0001(path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(path)
    with engine.connect() as conn:
        conn.begin()
        config = Config()
        config.set_main_option("script_location", str(db.resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            INSERT INTO stretch (id, uuid, slug, name, steps, cautions, hold_seconds, per_side, source, active, seeded)
                VALUES (1, 's-1', 'knee-to-chest', 'My knee hug', '["Hug."]', '[]', 20, 1, '', 1, 1);
            INSERT INTO practice (id, uuid, started_at, offset_minutes, heat, sharp, note, state, flagged, advice,
                                  guided, deleted_at)
                VALUES (1, 'p-1', '2026-11-01 08:00:00.000000', 0, 1, 0, 'old note', 'completed', 0, '', 0, NULL),
                       (2, 'p-2', '2026-11-02 08:00:00.000000', 60, 0, 0, '', 'completed', 0, '', 0,
                        '2026-11-03 08:00:00.000000');
            INSERT INTO hold (id, uuid, practice_id, position, stretch_id, side, seconds, completed, sharp)
                VALUES (1, 'h-1', 1, 1, 1, 'left', 20, 1, 0);
            INSERT INTO pain_score (id, uuid, recorded_at, offset_minutes, score, context, sharp, note, practice_id,
                                    flagged, advice, deleted_at)
                VALUES (1, 'ps-1', '2026-11-01 08:00:00.000000', 0, 5, 'before', 0, '', 1, 0, '', NULL),
                       (2, 'ps-2', '2026-11-05 20:00:00.000000', 0, 3, 'check-in', 0, 'evening', NULL, 0, '', NULL);
            """
        )


def _dump(path: Path, table: str, columns: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()


def test_upgrade_from_0001_keeps_records_and_backfills_created_at(db_path: Path, sij) -> None:
    _database_at_0001(db_path)
    kept = {t: _dump(db_path, t, "*") for t in ("stretch", "practice", "hold", "pain_score")}

    database = db.open_database(db_path)
    database.close()

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(db.SCHEMA_HEAD,)]
    # Every old column and value is unchanged; created_at is appended (later revisions append after it),
    # filled from the recorded instant.
    practices = _dump(db_path, "practice", "*")
    n = len(kept["practice"][0])
    assert [row[:n] for row in practices] == kept["practice"]
    assert [row[n] for row in practices] == ["2026-11-01 08:00:00.000000", "2026-11-02 08:00:00.000000"]
    pains = _dump(db_path, "pain_score", "*")
    n = len(kept["pain_score"][0])
    assert [row[:n] for row in pains] == kept["pain_score"]
    assert [row[n] for row in pains] == ["2026-11-01 08:00:00.000000", "2026-11-05 20:00:00.000000"]
    assert _dump(db_path, "hold", "*") == kept["hold"]
    assert _dump(db_path, "stretch", "*")[0] == kept["stretch"][0]  # the person's edit survives seeding
    backups = list(db_path.parent.glob(f"*.before-{db.SCHEMA_HEAD}-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:  # the copy is the database as it was, at 0001
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT * FROM practice ORDER BY id").fetchall() == kept["practice"]

    # The upgraded database works: history shows the old session, undo does not reach the old rows.
    import json

    history = json.loads(sij("history", "--json").stdout)
    assert [(s["uuid"], s["note"]) for s in history] == [("p-1", "old note")]
    assert sij("undo", "--yes").exit_code == 1


def test_downgrade_to_0001_drops_only_created_at(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "d.db"
    database = db.open_database(path)
    with database.engine.connect() as conn:
        conn.begin()
        config = Config()
        config.set_main_option("script_location", str(db.resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        conn.commit()
    database.close()
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(practice)")]
        assert "created_at" not in columns and "deleted_at" in columns
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
