"""A thousand one-year diaries on one PostgreSQL server: `sij progress` and `sij log` there vs on SQLite.

    python benchmarks/postgres.py [--url postgresql://postgres@127.0.0.1:5432/sij_bench] [--diaries 1000] [--runs 5]

Needs a running server and `pip install -e '.[dev,postgres]'`. The database named in --url is dropped and
made anew. One year of history comes from benchmarks/generate.py (a SQLite file); it is loaded into a
template schema that sij itself set up (Alembic revisions, seeded stretches), and every diary is then one
schema of its own, made from the template's DDL and filled server-side (the way a practice would bulk-load
many diaries). Printed:
- the time to load all diaries (schemas, tables, rows), and to `sij import` one diary's JSON backup into
  an empty schema (median of --runs), with what a thousand such imports take one after another;
- `sij progress`, `sij progress --json` and `sij log` as whole processes against one diary in the middle
  of the thousand, and against the same diary in a SQLite file: the medians and the ratio PostgreSQL /
  SQLite, and the floor `python -c "import tracker.db"` measured in the same run.
A script, not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import program_env, sij_command  # noqa: E402
from generate import generate  # noqa: E402

TEMPLATE = "sij_bench_template"
TABLES = ("setting", "stretch", "routine", "routine_step", "practice", "hold", "pain_score", "screening")


def _schema_url(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, "options=" + quote(f"-csearch_path={schema}")) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _load_template(url: str, history: Path) -> None:
    """sij sets the template schema up; the generated rows are copied in with their ids."""
    import psycopg

    from tracker.config import resolve_database
    from tracker.db import open_database

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {TEMPLATE}")
    open_database(resolve_database(_schema_url(url, TEMPLATE))).close()
    source = sqlite3.connect(history)
    with psycopg.connect(url, options=f"-csearch_path={TEMPLATE}") as conn:
        for table in ("practice", "hold", "pain_score"):
            cursor = source.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            booleans = {
                c
                for (c,) in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                    "AND table_name = %s AND data_type = 'boolean'",
                    (TEMPLATE, table),
                )
            }
            rows = [
                tuple(bool(v) if c in booleans and v is not None else v for c, v in zip(columns, row, strict=True))
                for row in cursor
            ]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for table in ("practice", "hold", "pain_score"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    source.close()


def _template_ddl(url: str) -> str:
    """The template's tables, sequences and constraints as SQL, to make each diary's schema in one statement."""
    parts = urlsplit(url)
    done = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-n", TEMPLATE, "-d", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"pg_dump failed for {parts.hostname}: {done.stderr.strip()}")
    # psql's own commands (\restrict ...) and session settings are not SQL for a driver; drop them.
    lines = [
        line
        for line in done.stdout.splitlines()
        if not line.startswith("\\") and not line.startswith("SET ") and "set_config(" not in line
    ]
    return "\n".join(lines)


def _load_all(url: str, diaries: int) -> float:
    import psycopg

    ddl = _template_ddl(url)
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for n in range(diaries):
            schema = f"diary_{n:04d}"
            conn.execute(re.sub(rf"\b{TEMPLATE}\b", schema, ddl))  # type: ignore[arg-type]
            for table in TABLES:
                conn.execute(f"INSERT INTO {schema}.{table} SELECT * FROM {TEMPLATE}.{table}")  # type: ignore[arg-type]
            conn.execute(f"INSERT INTO {schema}.alembic_version SELECT * FROM {TEMPLATE}.alembic_version")  # type: ignore[arg-type]
            for table in ("stretch", "routine", "routine_step", "practice", "hold", "pain_score", "screening"):
                conn.execute(  # type: ignore[arg-type]
                    f"SELECT setval(pg_get_serial_sequence('{schema}.{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {schema}.{table}), 0) + 1, false)"
                )
            if n % 50 == 49:
                conn.commit()
        conn.commit()
    return time.perf_counter() - started


def _median(command: list[str], runs: int, env: dict[str, str]) -> float:
    timings = []
    subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL)  # untimed: bytecode, file cache
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/sij_bench", help="database to (re)make")
    parser.add_argument("--diaries", type=int, default=1000, help="diaries on the server (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args(argv)
    sij = sij_command("pip install -e '.[postgres]'")
    with tempfile.TemporaryDirectory(prefix="sij-pg-bench-") as folder:
        history = Path(folder) / "year.db"
        counts = generate(history, years=1, seed=1, end=date(2026, 11, 24))
        print(f"one diary: {counts['practice']} sessions, {counts['hold']} holds, {counts['pain_score']} pain scores")
        _fresh_database(args.url)
        _load_template(args.url, history)
        loaded = _load_all(args.url, args.diaries)
        each_ms = loaded / args.diaries * 1000
        print(f"loading {args.diaries} diaries (one schema each): {loaded:.1f} s ({each_ms:.0f} ms each)")

        env = program_env(HOME=folder, XDG_DATA_HOME=folder, TZ="Europe/London")
        backup = Path(folder) / "backup.json"
        done = subprocess.run(
            [sij, "--db", str(history), "export", "--format", "json", "--output", str(backup)],
            env=env,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit("exporting the diary failed")
        import psycopg

        imports = []
        for n in range(-1, args.runs):  # the first, untimed, writes the import's bytecode
            schema = f"import_{n + 1}"
            with psycopg.connect(args.url, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
            started = time.perf_counter()
            result = subprocess.run(
                [sij, "--db", _schema_url(args.url, schema), "import", str(backup)], capture_output=True, env=env
            )
            if n >= 0:
                imports.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"sij import failed: {result.stderr.decode()[-500:]}")
        each = statistics.median(imports)
        print(
            f"sij import of one diary's backup into an empty schema: {each:.2f} s (median of {args.runs}); "
            f"{args.diaries} one after another: {each * args.diaries / 60:.1f} min"
        )

        middle = _schema_url(args.url, f"diary_{args.diaries // 2:04d}")
        copy = Path(folder) / "copy.db"
        shutil.copy(history, copy)
        floor = _median([sys.executable, "-c", "import tracker.db"], args.runs, env)
        print(f'\nfloor `python -c "import tracker.db"`: {floor * 1000:.0f} ms   (median of {args.runs} runs)')
        print(f"{'command':<34}{'SQLite ms':>11}{'PostgreSQL ms':>15}{'PG / SQLite':>13}{'PG / floor':>12}")
        for label, command in (
            ("sij progress", ["progress"]),
            ("sij progress --json", ["progress", "--json"]),
            ("sij log --pain-before 4 ...", ["log", "--pain-before", "4", "--pain-after", "3", "--note", "bench"]),
            ("sij history --limit 20", ["history", "--limit", "20"]),
        ):
            on_file = _median([sij, "--db", str(copy), *command], args.runs, env)
            on_server = _median([sij, "--db", middle, *command], args.runs, env)
            print(
                f"{label:<34}{on_file * 1000:>11.0f}{on_server * 1000:>15.0f}"
                f"{on_server / on_file:>13.2f}{on_server / floor:>12.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
