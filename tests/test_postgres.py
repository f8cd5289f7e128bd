"""The same diary on PostgreSQL: URLs and passwords, the server's faults, `sij db` there, moving a diary
between engines, many writers at once, and the local day computed alike by both engines.

Tests marked postgres_only need SIJ_TEST_POSTGRES_URL (.ci/run sets it); the rest run everywhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PgDiary, count_rows, execute, query, sij_executable, snapshot
from tracker.clock import local_day
from tracker.config import ServerUrl, parse_server_url, resolve_database
from tracker.errors import InvalidInput

SECRET = "s3cr3t-Pässword"
SECRET_QUOTED = "s3cr3t-P%C3%A4ssword"


# ---- URLs: which values are URLs, and passwords never shown (no server needed) -------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("postgresql://ann@db.example:5432/diary", "postgresql://ann@db.example:5432/diary"),
        (f"postgresql://ann:{SECRET_QUOTED}@db.example/diary", "postgresql://ann@db.example/diary"),
        (f"postgres://ann:{SECRET_QUOTED}@[::1]:5433/diary", "postgresql://ann@[::1]:5433/diary"),
        (
            f"postgresql+psycopg://ann@h/d?password={SECRET_QUOTED}&options=-csearch_path%3Dann",
            "postgresql://ann@h/d?options=-csearch_path%3Dann",
        ),
        ("postgresql:///diary", "postgresql:///diary"),
    ],
)
def test_server_urls_print_without_their_password(value: str, shown: str) -> None:
    server = parse_server_url(value)
    assert isinstance(server, ServerUrl)
    assert str(server) == shown and repr(server).count(SECRET_QUOTED) == 0
    if SECRET_QUOTED in value:
        assert server.scrub(f"failed for {SECRET} / {SECRET_QUOTED}") == "failed for *** / ***"


@pytest.mark.parametrize("value", ["sij.db", "~/notes/back.db", "C:/Users/ann/sij.db", "folder:with:colons/x.db"])
def test_paths_stay_paths(value: str) -> None:
    assert parse_server_url(value) is None
    assert isinstance(resolve_database(value), Path)


@pytest.mark.parametrize("value", ["mysql://ann@h/d", "sqlite:///tmp/x.db", "postgresql://ann@h:port/d"])
def test_other_urls_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        parse_server_url(value)


def test_another_kind_of_url_is_bad_input_and_creates_nothing(sij, tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = sij("--db", "mysql://ann@localhost/diary", "pain", "2")
    assert result.exit_code == 2
    assert "'mysql://' databases are not supported" in result.stderr and "Traceback" not in result.output
    assert not [p for p in tmp_path.rglob("*") if "mysql" in p.name or p.suffix == ".db"]


def test_missing_driver_says_how_to_install_it(sij, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    result = sij("--db", f"postgresql://ann:{SECRET_QUOTED}@127.0.0.1:1/diary", "pain", "2")
    assert result.exit_code == 1
    assert "pip install 'sij[postgres]'" in result.stderr
    assert SECRET_QUOTED not in result.output and SECRET not in result.output


def test_unreachable_server_is_one_clear_line_without_the_password(sij) -> None:
    pytest.importorskip("psycopg")
    # Port 1 on this machine: nothing listens, so the connection is refused at once.
    result = sij("--db", f"postgresql://ann:{SECRET_QUOTED}@127.0.0.1:1/diary", "log", "--pain-before", "3")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert "Cannot use the PostgreSQL database 'postgresql://ann@127.0.0.1:1/diary'" in lines[0]
    assert "nothing was saved" in lines[0]
    assert SECRET_QUOTED not in result.output and SECRET not in result.output


# ---- on a server ----------------------------------------------------------------------------------------


def _with_password(diary: PgDiary) -> str:
    return diary.url.replace("postgres@", f"postgres:{SECRET_QUOTED}@", 1)


@pytest.mark.postgres_only
def test_db_path_and_json_outputs_never_show_the_password(sij, db_path: PgDiary, tmp_path: Path) -> None:
    url = _with_password(db_path)  # trust authentication: the server ignores the password, sij must hide it
    outputs = [
        sij("--db", url, "db", "path"),
        sij("--db", url, "pain", "3"),
        sij("--db", url, "history", "--check-ins", "--json"),
        sij("--db", url, "export", "--format", "json"),
        sij("--db", url, "db", "check", "--json"),
        sij("--db", url, "db", "backup", str(tmp_path / "copy.db")),
        sij("--db", url, "db", "upgrade"),
    ]
    assert outputs[0].stdout.strip() == str(parse_server_url(db_path.url))
    assert [o.exit_code for o in outputs] == [0, 0, 0, 0, 2, 2, 0]
    for result in outputs:
        assert SECRET not in result.output and SECRET_QUOTED not in result.output


@pytest.mark.postgres_only
def test_password_from_the_environment_is_never_shown(db_path: PgDiary) -> None:
    parts = urlsplit(db_path.url)
    missing = urlunsplit((parts.scheme, parts.netloc, "/no_such_database_for_sij", parts.query, ""))
    env = dict(os.environ, SIJ_DB=missing, PGPASSWORD=SECRET)
    done = subprocess.run([sij_executable(), "pain", "2"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "does not exist" in done.stderr and SECRET not in done.stderr + done.stdout


@pytest.mark.postgres_only
def test_db_check_and_backup_say_what_to_use_on_a_server(sij, db_path: PgDiary, tmp_path: Path) -> None:
    assert sij("pain", "2").exit_code == 0
    check = sij("db", "check")
    assert check.exit_code == 2
    assert "is on PostgreSQL" in check.stderr and "pg_dump" in check.stderr
    assert "sij export --format json" in check.stderr
    backup = sij("db", "backup", str(tmp_path / "copy.db"))
    assert backup.exit_code == 2
    assert "pg_dump" in backup.stderr and "sij export --format json" in backup.stderr
    assert not (tmp_path / "copy.db").exists()
    upgrade = sij("db", "upgrade")
    assert upgrade.exit_code == 0 and "already up to date" in upgrade.stdout


@pytest.mark.postgres_only
def test_upgrade_from_the_first_revision_keeps_every_record(sij, db_path: PgDiary) -> None:
    """A schema at 0001 with a session in it: the everyday command upgrades it in one transaction."""
    from alembic import command
    from alembic.config import Config

    from tracker import db

    database = db.open_database(resolve_database(db_path.url), upgrade=False)
    try:
        with database.engine.connect() as conn:
            conn.begin()
            config = Config()
            config.set_main_option("script_location", str(db.resource_dir("migrations")))
            config.attributes["connection"] = conn
            command.upgrade(config, db.SCHEMA_REVISIONS[0])
            conn.commit()
    finally:
        database.close()
    execute(
        db_path,
        "INSERT INTO practice (uuid, started_at, offset_minutes, heat, sharp, note, state, flagged, advice, guided)"
        " VALUES ('00000000-0000-4000-8000-000000000001', '2026-11-20 18:00:00', 0, false, false, 'old',"
        " 'completed', false, '', false)",
    )
    result = sij("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"from schema {db.SCHEMA_REVISIONS[0]} to {db.SCHEMA_HEAD}" in result.stdout
    assert "no copy was made" in result.stdout
    assert query(db_path, "SELECT note, created_at FROM practice") == [("old", "2026-11-20 18:00:00.000000")]
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(db.SCHEMA_HEAD,)]


@pytest.mark.postgres_only
def test_newer_schema_is_refused_and_left_alone(sij, db_path: PgDiary) -> None:
    assert sij("pain", "2").exit_code == 0
    execute(db_path, "UPDATE alembic_version SET version_num = '9999'")
    before = snapshot(db_path)
    result = sij("log", "--pain-before", "3")
    assert result.exit_code == 1
    assert "written by a newer version of sij" in result.stderr and "Traceback" not in result.output
    assert snapshot(db_path) == before
    assert query(db_path, "SELECT version_num FROM alembic_version") == [("9999",)]


@pytest.mark.postgres_only
def test_another_programs_tables_are_refused_untouched(sij, db_path: PgDiary) -> None:
    execute(db_path, "CREATE TABLE invoices (id integer PRIMARY KEY, amount integer)")
    result = sij("pain", "2")
    assert result.exit_code == 1
    assert "holds the tables of another program" in result.stderr
    tables = query(db_path, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    assert tables == [("invoices",)]


@pytest.mark.postgres_only
def test_damaged_schema_is_a_clear_error_and_nothing_half_written(sij, db_path: PgDiary) -> None:
    """A table gone missing: the write fails as a whole (one transaction), with one line and exit 1."""
    assert sij("log", "--pain-before", "3").exit_code == 0
    execute(db_path, "DROP TABLE hold")
    result = sij("log", "--pain-before", "4", "--pain-after", "2")
    assert result.exit_code == 1
    assert "is not a readable sij database" in result.stderr and "Traceback" not in result.output
    assert count_rows(db_path, "practice") == 1 and count_rows(db_path, "pain_score") == 1


@pytest.mark.postgres_only
def test_another_persons_schema_is_refused_as_a_permission_problem(sij, db_path: PgDiary) -> None:
    """A practice gives each person a role and a schema; a role without rights on it is told so, exit 1."""
    # (The same message serves a URL that names a schema that does not exist: the server cannot tell them apart.)
    import psycopg

    assert sij("pain", "2").exit_code == 0
    role = f"{db_path.schema}_other"
    with psycopg.connect(db_path.admin, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        parts = urlsplit(db_path.url)
        as_other = urlunsplit((parts.scheme, f"{role}@{parts.hostname}:{parts.port}", parts.path, parts.query, ""))
        result = sij("--db", as_other, "history", "--check-ins")
        assert result.exit_code == 1, result.output
        assert "has no schema this user may use" in result.stderr and "nothing was saved" in result.stderr
        assert "Traceback" not in result.output and count_rows(db_path, "pain_score") == 1
    finally:
        with psycopg.connect(db_path.admin, autocommit=True) as conn:
            conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres_only
def test_a_hundred_simultaneous_logs_are_all_saved(db_path: PgDiary) -> None:
    env = dict(os.environ, SIJ_DB=db_path.url)
    # The first command sets the schema up; the hundred then race for the same diary.
    assert subprocess.run([sij_executable(), "pain", "1"], env=env, capture_output=True, timeout=120).returncode == 0
    procs = [
        subprocess.Popen(
            [sij_executable(), "log", "--pain-before", str(i % 11), "--note", f"writer {i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(100)
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    failed = [(code, err) for code, _out, err in results if code != 0]
    assert not failed, (len(failed), failed[:3])
    assert query(db_path, "SELECT count(*), count(DISTINCT note), count(DISTINCT id) FROM practice") == [
        (100, 100, 100)
    ]
    assert count_rows(db_path, "hold") == 600 and count_rows(db_path, "pain_score") == 101


@pytest.mark.postgres_only
def test_twenty_first_commands_on_an_empty_schema_set_it_up_once(db_path: PgDiary) -> None:
    """Migration and seeding happen once, under the lock, however many sij start on an empty diary."""
    env = dict(os.environ, SIJ_DB=db_path.url)
    procs = [
        subprocess.Popen(
            [sij_executable(), "pain", str(i % 11)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for i in range(20)
    ]
    codes = [p.wait(timeout=600) for p in procs]
    errors = [p.stderr.read() for p in procs if p.stderr is not None]
    assert codes == [0] * 20, errors
    assert count_rows(db_path, "pain_score") == 20
    assert query(db_path, "SELECT count(*) FROM routine") == [(1,)] and count_rows(db_path, "stretch") == 3


# ---- moving a diary between engines ---------------------------------------------------------------------


def _diary(sij, db: Any) -> None:
    """Everything a diary holds: sessions logged and guided, a stopped one, check-ins, a screen, a custom
    stretch and routine made the default, a retired stretch, a day start, an edit and trashed entries.

    (Not an edited seeded stretch: the target database is seeded when it is opened, and import keeps the
    one it has and reports the difference, on either engine.)"""
    steps = ("--name", "Child's pose", "--step", "Kneel.", "--step", "Sit back.")
    for args in (
        ("stretches", "add", "childs-pose", *steps, "--hold", "20", "--both-sides", "--caution", "Knees!"),
        ("routines", "create", "physio-plan", "--stretch", "childs-pose", "--stretch", "knee-to-chest"),
        ("routines", "default", "physio-plan"),
        ("settings", "day-start", "03:00"),
        ("log", "--at", "2026-11-01T08:00", "--pain-before", "6", "--pain-after", "4", "--heat"),
        ("log", "--at", "2026-11-02T01:30", "--stretch", "supine-twist", "--note", "Après 🙂"),
        ("log", "--at", "2026-07-02T07:30", "--pain-before", "5", "--note", "summer time"),
        ("run", "--yes", "--no-red-flags", "--speed", "1000", "--pain-before", "5", "--pain-after", "3"),
        ("pain", "8", "--sharp", "--at", "2026-11-10T21:15", "--note", "=1+1"),
        ("pain", "3", "--at", "2026-11-11T09:00"),
        ("screen", "--answers", "nnnnnnnnnnnnn"),
        ("edit", "1", "--pain-after", "3"),
        ("delete", "2", "--yes"),
        ("delete", "--check-in", "2", "--yes"),
        ("stretches", "add", "old-one", "--name", "Old one", "--step", "Lie down."),
        ("stretches", "retire", "old-one"),
    ):
        result = sij(*args, db=db)
        assert result.exit_code == 0, (args, result.output)
    result = sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True, db=db)
    assert result.exit_code == 0, result.output


def _export(sij, db: Any) -> dict[str, Any]:
    result = sij("export", "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    document.pop("exported_at")
    return document


def _without_ids(text: str) -> str:
    for pattern, keep in ((r'"id": \d+', '"id": N'), (r"#\d+", "#N"), (r"restore (--check-in )?\d+", r"restore \1N")):
        text = re.sub(pattern, keep, text)
    return re.sub(r"^\d+,", "N,", text, flags=re.MULTILINE)  # the CSV's session number


def _views(sij, db: Any) -> list[str]:
    """What a person reads: every read command's JSON, which must not depend on the engine."""
    reads = [
        ("progress", "--json"),
        ("progress", "--since", "2026-11-01", "--until", "2026-11-10", "--json"),
        ("history", "--json", "--limit", "100"),
        ("history", "--check-ins", "--json"),
        ("stretches", "--all", "--json"),
        ("routines", "--json"),
        ("trash",),
        ("export", "--format", "csv"),
        ("export", "--format", "fhir", "--name", "Ann"),
    ]
    return [sij(*args, db=db).stdout for args in reads]


@pytest.mark.postgres_only
@pytest.mark.parametrize("start", ["sqlite", "postgres"])
def test_export_and_import_between_engines_is_exact(
    sij, db_path: PgDiary, tmp_path: Path, pg_server: str, start: str
) -> None:
    """SQLite → PostgreSQL → SQLite, and PostgreSQL → SQLite → PostgreSQL: the same document and the same views."""
    other_schema = f"{db_path.schema}_b"
    with PgDiary(db_path.url, db_path.schema, pg_server).connect() as conn:
        conn.execute(f'CREATE SCHEMA "{other_schema}"')
    second_pg = db_path.url.replace(db_path.schema, other_schema)
    try:
        chain: list[Any] = (
            [tmp_path / "a.db", db_path, tmp_path / "c.db"]
            if start == "sqlite"
            else [db_path, tmp_path / "b.db", second_pg]
        )
        _diary(sij, chain[0])
        views = [_views(sij, chain[0])]  # first: a FHIR export gives the diary its patient id, which travels
        documents = [_export(sij, chain[0])]
        for source, target in zip(chain, chain[1:], strict=False):
            backup = tmp_path / f"from-{len(documents)}.json"
            assert sij("export", "--format", "json", "--output", str(backup), db=source).exit_code == 0
            result = sij("import", str(backup), db=target)
            assert result.exit_code == 0, result.output
            views.append(_views(sij, target))
            documents.append(_export(sij, target))
        assert documents[1] == documents[0] and documents[2] == documents[0]
        # A new database numbers records in time order, so the ids people type may differ from the source's
        # (the uuids, which exports and imports go by, never do); everything else reads the same.
        assert views[2] == views[1]
        assert [_without_ids(v) for v in views[1]] == [_without_ids(v) for v in views[0]]
        assert len(documents[0]["sessions"]) == 5 and sum(1 for s in documents[0]["sessions"] if s["deleted_at"]) == 1
    finally:
        with PgDiary(db_path.url, db_path.schema, pg_server).connect() as conn:
            conn.execute(f'DROP SCHEMA "{other_schema}" CASCADE')


# ---- the local day: one rule, computed by SQL on either engine --------------------------------------------


@pytest.fixture
def opened(db_path: Any) -> Any:
    """The test's database opened once (hypothesis runs the test body many times)."""
    from tracker import db

    database = db.open_database(resolve_database(str(db_path)))
    yield database
    database.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
    day_start=st.integers(min_value=0, max_value=23 * 60 + 59),
)
def test_local_day_sql_agrees_with_the_clock(opened: Any, moment: datetime, offset: int, day_start: int) -> None:
    """Offsets either side of UTC and day starts up to 23:59: SQL and Python name the same local day."""
    from sqlalchemy import Integer, literal, select
    from sqlalchemy.types import DateTime

    from tracker import db

    with opened.engine.connect() as conn:
        sql = db.local_day_sql(literal(moment, DateTime()), literal(offset, Integer()), day_start)
        found = conn.execute(select(sql)).scalar_one()
    assert found == local_day(moment.replace(tzinfo=timezone.utc), offset, day_start).isoformat()
