"""Time exports, the JSON backup and import on 1 and 20 years of history, and print ratios.

    python benchmarks/exports.py [--runs 5] [--only-pdf | --only-backup]

Builds the histories with benchmarks/generate.py in a temporary folder (ending today, so "the last 90
days" holds records) and times whole `sij` processes, round-robin (each round runs every measurement
once; the median of the rounds is reported), so a change in machine load shifts all of them alike.

Goals (issue 14), each printed with "ok" or "MISSED"; the script exits 1 when any is missed:
- `sij export --format csv|fhir|pdf --since <90 days ago>` on 20 years takes at most 1.2x what it takes
  on 1 year (the export reads the period, not the history);
- the PDF report of those 90 days on 20 years takes at most half the time it took before this issue
  (commit 32113e0, taken from git and run on its own copy of the same history);
- a full JSON backup of 20 years in under 1 s; importing it into an empty database in under 3 s;
  importing it again into the database that now holds it ("nothing new") in under 2 s.
Each process is measured by its CPU time (user + system, from wait4): on a shared machine the wall
clock (printed too) mostly measures the wait for a core. The absolute goals are printed beside the
floor of the same run (`python -c "import tracker.db"`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import program_env, sij_command  # noqa: E402
from generate import generate  # noqa: E402

RATIO_GOAL = 1.2  # 20 years against 1 year, for a 90-day export
PDF_GOAL = 0.5  # the new report against the reference (the Matplotlib typesetter)
BACKUP_GOAL, IMPORT_GOAL, MERGE_GOAL = 1.0, 3.0, 2.0  # seconds, 20 years

# "Today's time" for the PDF goal: the program as it was before issue 14 (Matplotlib as the typesetter, exports
# reading whole tables), taken from git into the temporary folder and run on its own copy of the same history.
REFERENCE_COMMIT = "32113e0"
REFERENCE_MAIN = "import sys; sys.path.insert(0, sys.argv.pop(1)); from tracker.cli import main; main()"


def _reference(base: Path) -> Path | None:
    """The reference program's source folder, or None when this is not a git checkout holding that commit."""
    folder = base / "reference"
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", REFERENCE_COMMIT, "tracker", "migrations", "seed", "benchmarks"],
        capture_output=True,
    )
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def _timed(argv: list[str], env: dict[str, str], before: Callable[[], None] | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process. CPU time (user + system, from wait4) is what the
    program costs; on a shared machine the wall clock mostly measures the queue for a core."""
    if before is not None:
        before()
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({child.returncode}): {errors.decode(errors='replace')[-800:]}")
    return usage.ru_utime + usage.ru_stime, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--only-pdf", action="store_true", help="time only the PDF rows (and the floor)")
    only.add_argument(
        "--only-backup", action="store_true", help="time only the JSON backup and the imports (and the floor)"
    )
    args = parser.parse_args(argv)
    sij = sij_command()
    today = date.today()
    since = (today - timedelta(days=89)).isoformat()
    with tempfile.TemporaryDirectory(prefix="sij-bench-") as folder:
        base = Path(folder)
        env = program_env(HOME=str(base), XDG_DATA_HOME=str(base / "data"), COLUMNS="100")
        env.pop("SIJ_DB", None)
        dbs: dict[int, Path] = {}
        for years in (1, 20):
            path = base / f"history-{years}y.db"
            counts = generate(path, years=years, seed=1, end=today)
            sessions, holds, pains = counts["practice"], counts["hold"], counts["pain_score"]
            print(f"{years:>2} years: {sessions} sessions, {holds} holds, {pains} pain scores")
            subprocess.run([sij, "--db", str(path), "due", "--quiet"], capture_output=True, env=env)  # first-use notice
            dbs[years] = path
        backup = base / "backup.json"
        subprocess.run(
            [sij, "--db", str(dbs[20]), "export", "--format", "json", "-o", str(backup)],
            check=True,
            env=env,
            capture_output=True,
        )
        restored, merged = base / "restored.db", base / "merged.db"
        subprocess.run([sij, "--db", str(merged), "import", str(backup)], check=True, env=env, capture_output=True)

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{restored}{suffix}").unlink(missing_ok=True)

        plan: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "floor: python -c 'import tracker.db'": ([sys.executable, "-c", "import tracker.db"], None),
        }
        for years, db in dbs.items():
            period = ["--db", str(db), "export", "--since", since]
            plan[f"csv 90 days, {years} y"] = (
                [sij, *period, "--format", "csv", "-o", str(base / "out.csv"), "--force"],
                None,
            )
            plan[f"fhir 90 days, {years} y"] = (
                [sij, *period, "--format", "fhir", "-o", str(base / "out.fhir.json"), "--force"],
                None,
            )
            out = str(base / f"report-{years}.pdf")
            plan[f"pdf 90 days, {years} y"] = ([sij, *period, "--format", "pdf", "-o", out, "--force"], None)
        source = None if args.only_backup else _reference(base)
        if source is not None:
            # Its own copy of the same history, made by its own generate.py and schema (a newer schema would be
            # refused); it has no ratings, which the reports of today also print, so the comparison is fair to it.
            old_db = base / "reference-20y.db"
            made = subprocess.run(
                [
                    sys.executable,
                    str(source / "benchmarks" / "generate.py"),
                    str(old_db),
                    "--years",
                    "20",
                    "--end",
                    str(today),
                ],
                env=dict(env, PYTHONPATH=str(source)),
                capture_output=True,
            )
            old = [sys.executable, "-c", REFERENCE_MAIN, str(source), "--db", str(old_db), "export", "--since", since]
            if made.returncode == 0:
                notice = [sys.executable, "-c", REFERENCE_MAIN, str(source), "--db", str(old_db), "due", "--quiet"]
                subprocess.run(notice, env=env, capture_output=True)  # the first-use notice, as for the others
                plan["pdf 90 days, 20 y, before"] = (
                    [*old, "--format", "pdf", "-o", str(base / "old.pdf"), "--force"],
                    None,
                )
        plan["json backup, 20 y"] = (
            [sij, "--db", str(dbs[20]), "export", "--format", "json", "-o", str(base / "out.json"), "--force"],
            None,
        )
        plan["import into empty, 20 y"] = ([sij, "--db", str(restored), "import", str(backup)], fresh)
        plan["import again (nothing new)"] = ([sij, "--db", str(merged), "import", str(backup)], None)

        if args.only_pdf:
            plan = {name: step for name, step in plan.items() if name.startswith(("floor", "pdf"))}
        if args.only_backup:
            plan = {name: step for name, step in plan.items() if name.startswith(("floor", "json", "import"))}
        for argv_, before in plan.values():  # warm the file cache
            _timed(argv_, env, before)
        runs: dict[str, list[float]] = {name: [] for name in plan}
        walls: dict[str, list[float]] = {name: [] for name in plan}
        for _ in range(args.runs):
            for name, (argv_, before) in plan.items():
                cpu, wall = _timed(argv_, env, before)
                runs[name].append(cpu)
                walls[name].append(wall)
        ms = {name: statistics.median(values) for name, values in runs.items()}
        wall_ms = {name: statistics.median(values) for name, values in walls.items()}

    floor = ms["floor: python -c 'import tracker.db'"]
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.runs} rounds\n")
    print(f"{'measurement':<34}{'CPU ms':>8}{'/floor':>8}{'wall ms':>9}")
    for name, value in ms.items():
        print(f"{name:<34}{value * 1000:>8.0f}{value / floor:>8.2f}{wall_ms[name] * 1000:>9.0f}")
    print()
    missed = 0

    def goal(text: str, value: float, limit: float, unit: str = "x") -> None:
        nonlocal missed
        ok = value <= limit
        missed += not ok
        print(f"{text:<52}{value:>7.2f}{unit}  goal <= {limit:g}{unit}  {'ok' if ok else 'MISSED'}")

    formats = () if args.only_backup else ("pdf",) if args.only_pdf else ("csv", "fhir", "pdf")
    for fmt in formats:
        goal(f"{fmt} 90 days: 20 y / 1 y", ms[f"{fmt} 90 days, 20 y"] / ms[f"{fmt} 90 days, 1 y"], RATIO_GOAL)
    if args.only_backup:
        pass  # no PDF rows, so no reference to compare with
    elif "pdf 90 days, 20 y, before" in ms:
        goal(
            f"pdf 90 days, 20 y: now / before ({REFERENCE_COMMIT})",
            ms["pdf 90 days, 20 y"] / ms["pdf 90 days, 20 y, before"],
            PDF_GOAL,
        )
    else:
        missed += 1
        print(f"pdf 90 days: no reference (needs a git checkout holding {REFERENCE_COMMIT})  MISSED")
    if args.only_pdf:
        return 1 if missed else 0
    goal("json backup of 20 y", ms["json backup, 20 y"], BACKUP_GOAL, " s")
    goal("import 20 y into an empty database", ms["import into empty, 20 y"], IMPORT_GOAL, " s")
    goal("import 20 y again (nothing new)", ms["import again (nothing new)"], MERGE_GOAL, " s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
