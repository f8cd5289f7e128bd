"""The Alembic revisions, the SQLModel classes and the seed file agree with what the program assumes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - registers the tables
from tests.conftest import query
from tracker import db
from tracker.config import resolve_database


def test_revision_list_matches_alembic_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.resource_dir("migrations")))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [db.SCHEMA_HEAD]
    chain = [rev.revision for rev in script.walk_revisions()]
    assert tuple(reversed(chain)) == db.SCHEMA_REVISIONS


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = db.open_database(tmp_path / "s.db")
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    database.close()
    assert diff == []


def test_seed_version_constant_matches_seed_file() -> None:
    document = json.loads((db.resource_dir("seed") / db.SEED_FILE).read_text(encoding="utf-8"))
    assert document["version"] == db.seed_version()
    assert [s["slug"] for s in document["stretches"]] == ["knee-to-chest", "figure-4", "supine-twist"]
    assert all(s["hold_seconds"] == 30 and s["per_side"] for s in document["stretches"])


def test_seeding_twice_changes_nothing(sij, db_path: Path) -> None:
    sij("stretches")
    before = query(db_path, "SELECT * FROM stretch ORDER BY id")
    database = db.open_database(resolve_database(str(db_path)))
    db.seed(database)
    database.close()
    assert query(db_path, "SELECT * FROM stretch ORDER BY id") == before
    assert query(db_path, "SELECT count(*) FROM routine") == [(1,)]
