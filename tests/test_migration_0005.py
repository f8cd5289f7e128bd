"""Revision 0005 (whether a rating's time of day is known) upgrades a database made at 0004 with every rating
intact and known to have its time, and a rating given a date alone afterwards is stored as such."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_migration_0003 import _database_at
from tracker import db


@pytest.mark.sqlite_only  # built on a SQLite file at revision 0004
def test_upgrade_from_0004_keeps_ratings_and_marks_their_times_known(db_path: Path, sij) -> None:
    _database_at(db_path, "0004")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO activity (id, uuid, text, added_at, offset_minutes, retired_at) "
            "VALUES (3, 'a-3', 'Putting on socks', '2026-11-01 08:00:00.000000', 0, NULL)"
        )
        conn.execute(
            "INSERT INTO rating (id, uuid, kind, activity_id, value, recorded_at, offset_minutes, deleted_at, "
            "created_at) VALUES (7, 'r-7', 'function', 3, 4, '2026-11-20 12:00:00.000000', 0, NULL, NULL)"
        )
    db.open_database(db_path).close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(db.SCHEMA_HEAD,)]
        assert conn.execute("SELECT id, activity_id, value, time_known FROM rating").fetchall() == [(7, 3, 4, 1)]
    assert list(db_path.parent.glob(f"*.before-{db.SCHEMA_HEAD}-*.bak"))  # a backup copy was made first
    (old,) = json.loads(sij("history", "--ratings", "--json").stdout)
    assert (old["id"], old["time_known"], old["recorded_at"]) == (7, True, "2026-11-20T12:00:00+00:00")
    assert sij("impression", "3", "--at", "2026-11-21").exit_code == 0
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, time_known FROM rating ORDER BY id").fetchall() == [(7, 1), (8, 0)]


@pytest.mark.sqlite_only
def test_downgrade_to_0004_drops_only_the_new_column(db_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    db.open_database(db_path).close()
    engine = db.make_engine(db_path)
    with engine.connect() as conn:
        conn.begin()
        config = Config()
        config.set_main_option("script_location", str(db.resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
        conn.commit()
    engine.dispose()
    with sqlite3.connect(db_path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(rating)")]
    assert "time_known" not in columns and "recorded_at" in columns
