"""Time `sij progress`, `sij plot` and `sij history --limit 20` on 1 and 20 years of history.

    python benchmarks/progress.py [--runs 5] [--years 1 20]

Builds the histories with benchmarks/generate.py in a temporary folder, runs each command as a whole
process several times and prints the median, the ratio of the largest history to the smallest, and the
ratio to a floor measured in the same run: starting Python and importing the data layer
(`python -c "import tracker.db"`). A script, not a test: timings depend on the machine.
The goal from issue 4: `sij progress` on 20 years takes at most 1.5 times what it takes on 1 year.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import program_env, sij_command  # noqa: E402
from generate import generate  # noqa: E402

GOAL = 1.5


def _median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    timings = []
    subprocess.run(command, capture_output=True, env=env)  # untimed: writes the bytecode, warms the file cache
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env)
        timings.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--years", type=float, nargs="+", default=[1.0, 20.0], help="history sizes (default 1 20)")
    args = parser.parse_args(argv)
    sij = sij_command()
    end = date(2026, 11, 24)
    with tempfile.TemporaryDirectory(prefix="sij-bench-") as folder:
        base = Path(folder)
        env = program_env(HOME=str(base), XDG_DATA_HOME=str(base / "data"), COLUMNS="100")
        env.pop("SIJ_DB", None)
        databases = {}
        for years in args.years:
            path = base / f"history-{years:g}y.db"
            started = time.perf_counter()
            counts = generate(path, years=years, seed=1, end=end)
            print(
                f"generated {years:g} y: {counts['practice']} sessions, {counts['hold']} holds, "
                f"{counts['pain_score']} pain scores in {time.perf_counter() - started:.1f} s"
            )
            # The first run shows the one-time notice and records it; keep it out of the timings.
            subprocess.run([sij, "--db", str(path), "due", "--quiet"], capture_output=True, env=env)
            databases[years] = path
        floor = _median_seconds([sys.executable, "-c", "import tracker.db"], args.runs, env)
        print(f"\nfloor (python -c 'import tracker.db'): {floor * 1000:.0f} ms, median of {args.runs}\n")
        commands = {
            "progress": ["progress"],
            "progress --json": ["progress", "--json"],
            "plot": ["plot", "--force", "--output", str(base / "chart.png")],
            "history --limit 20": ["history", "--limit", "20"],
        }
        small, large = min(args.years), max(args.years)
        header = "".join(f"{f'{y:g} y':>10}" for y in args.years)
        print(f"{'command':<20}{header}{f'{large:g}y/{small:g}y':>10}{'/floor':>10}  (median ms)")
        verdict = 0
        for name, extra in commands.items():
            medians = {y: _median_seconds([sij, "--db", str(p), *extra], args.runs, env) for y, p in databases.items()}
            ratio = medians[large] / medians[small]
            cells = "".join(f"{medians[y] * 1000:>10.0f}" for y in args.years)
            print(f"{name:<20}{cells}{ratio:>10.2f}{medians[large] / floor:>10.2f}")
            if name == "progress" and ratio > GOAL:
                verdict = 1
        goal = "met" if verdict == 0 else "NOT met"
        print(f"\ngoal: sij progress on {large:g} y <= {GOAL}x {small:g} y: {goal}")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
