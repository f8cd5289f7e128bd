"""Revision 0003 (activities and ratings) upgrades a database made at 0002 with every record intact, and the
database itself refuses a rating outside its kind's scale."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import execute
from tracker import db


def _database_at(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(path)
    with engine.connect() as conn:
        conn.begin()
        config = Config()
        config.set_main_option("script_location", str(db.resource_dir("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()
    engine.dispose()


@pytest.mark.sqlite_only  # built on a SQLite file at revision 0002
def test_upgrade_from_0002_keeps_records_and_adds_empty_rating_tables(db_path: Path, sij) -> None:
    _database_at(db_path, "0002")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO pain_score (id, uuid, recorded_at, offset_minutes, score, context, sharp, note, practice_id, "
            "flagged, advice, deleted_at, created_at) VALUES (1, 'ps-1', '2026-11-05 20:00:00.000000', 0, 3, "
            "'check-in', 0, 'evening', NULL, 0, '', NULL, '2026-11-05 20:00:00.000000')"
        )
    db.open_database(db_path).close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(db.SCHEMA_HEAD,)]
        assert conn.execute("SELECT score, note FROM pain_score").fetchall() == [(3, "evening")]
        assert conn.execute("SELECT count(*) FROM activity").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM rating").fetchone() == (0,)
    assert list(db_path.parent.glob(f"*.before-{db.SCHEMA_HEAD}-*.bak"))  # a backup copy was made first
    assert sij("activities", "add", "Walking").exit_code == 0
    assert sij("activities", "rate", "1=5").exit_code == 0


@pytest.mark.parametrize(
    ("kind", "activity", "value"),
    [("function", 1, 11), ("function", 1, -1), ("function", None, 5), ("impression", None, 0),
     ("impression", None, 8), ("impression", 1, 3), ("mood", None, 3)],
)  # fmt: skip
def test_the_schema_refuses_values_outside_each_scale(db_path: Path, sij, kind, activity, value) -> None:
    assert sij("activities", "add", "Walking").exit_code == 0
    refused: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
    if not isinstance(db_path, Path):
        import psycopg

        refused = (psycopg.errors.IntegrityError,)
    with pytest.raises(refused):
        execute(
            db_path,
            "INSERT INTO rating (uuid, kind, activity_id, value, recorded_at, offset_minutes) "
            "VALUES ('r', ?, ?, ?, '2026-11-05 20:00:00.000000', 0)",
            (kind, activity, value),
        )
