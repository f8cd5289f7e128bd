#!/usr/bin/env python3
"""Start-up time of `sij`, as whole processes, against floors measured in the same run.

    python benchmarks/startup.py [--runs N] [--sij PATH]

Floors: `python -c pass`, `python -c "import typer"`, and a script that imports Typer and SQLModel,
defines one table and writes one row to a new SQLite file. Each command is timed as the median of N
rounds and printed with its ratio to its floor, and (with valgrind) the ratio of the instructions each
executes, which does not move with the machine's load. Goals: `sij --version` within 1.3x of the Typer floor;
`sij log` and `sij history --limit 20` within 1.15x of the SQLModel floor. Exit status 1 when a goal
is missed, so the script can run in CI (never as a timed test).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import program_env  # benchmarks/, beside this script

SQLMODEL_FLOOR = """
import sys
import typer
from sqlmodel import Field, Session, SQLModel, create_engine


class Row(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    note: str = ""


engine = create_engine(f"sqlite:///{sys.argv[1]}")
SQLModel.metadata.create_all(engine)
with Session(engine) as session:
    session.add(Row(note="floor"))
    session.commit()
"""


def timed(argv: list[str], env: dict[str, str], before: object = None) -> float:
    """CPU seconds (user + system, from wait4) of one whole process: on a shared machine the wall clock mostly
    measures the wait for a core, and it moves floors and commands by different amounts."""
    if callable(before):
        before()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {errors.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime


def instructions(argv: list[str], env: dict[str, str], before: object = None) -> float | None:
    """Instructions one whole process executes, counted by valgrind's callgrind (None without valgrind): the same
    count for the same program and input however busy the machine is, where CPU time on a shared virtual machine
    moves by a tenth from one run to the next. About fifty times slower than running it, so counted once."""
    if shutil.which("valgrind") is None:
        return None
    if callable(before):
        before()
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out", *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    counted = [line.split(":")[-1] for line in done.stderr.splitlines() if "Collected :" in line]
    return float(counted[-1]) if done.returncode == 0 and counted else None


JRNL_CONFIG = """\
colors: {body: none, date: none, tags: none, title: none}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: true
indent_character: '|'
journals:
  default:
    journal: JOURNAL
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%F %r'
version: v4.6
"""


def other_tools(tools: Path, work: Path, env: dict[str, str]) -> list[tuple[str, list[str], dict[str, str]]]:
    """jrnl and Watson writing one entry, for information: installed in their own environment (see README)."""
    home = work / "tools-home"
    (home / "config" / "jrnl").mkdir(parents=True, exist_ok=True)
    (home / "config" / "jrnl" / "jrnl.yaml").write_text(JRNL_CONFIG.replace("JOURNAL", str(home / "journal.txt")))
    tool_env = dict(env, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), WATSON_DIR=str(home / "watson"))
    found = []
    for name, argv in (
        ("jrnl (one entry)", ["jrnl", "Stretched; pain 4 before, 3 after."]),
        ("watson add (one frame)", ["watson", "add", "-f", "08:00", "-t", "08:10", "stretching"]),
    ):
        program = tools / "bin" / argv[0]
        if program.exists():
            subprocess.run([str(program), *argv[1:]], env=tool_env, capture_output=True)  # first run sets up
            found.append((name, [str(program), *argv[1:]], tool_env))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds; each round runs every floor and command once")
    default_sij = Path(sys.executable).with_name("sij")
    parser.add_argument("--sij", default=str(default_sij) if default_sij.exists() else shutil.which("sij"))
    parser.add_argument(
        "--tools",
        type=Path,
        default=Path(__file__).resolve().parent / ".tools",
        help="a virtual environment holding jrnl and td-watson, timed for information (default benchmarks/.tools)",
    )
    parser.add_argument(
        "--no-count", action="store_true", help="skip the instruction counts (valgrind), printed beside the ratios"
    )
    args = parser.parse_args()
    if not args.sij:
        raise SystemExit("sij is not installed in this environment; pip install -e . first")

    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="sij-bench-"))
    db = work / "sij.db"
    floor_db = work / "floor.db"
    env = program_env(SIJ_DB=str(db), COLUMNS="100")

    # A database in everyday shape: current schema, a few weeks of sessions, no migration due.
    for day in range(1, 29):
        subprocess.run(
            [args.sij, "log", "--at", f"2026-10-{day:02d}", "--pain-before", "5", "--pain-after", "3"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def fresh_floor_db() -> None:
        floor_db.unlink(missing_ok=True)

    floors: dict[str, tuple[list[str], object]] = {
        "python -c pass": ([python, "-c", "pass"], None),
        "python -c 'import typer'": ([python, "-c", "import typer"], None),
        "typer + sqlmodel, one row": ([python, "-c", SQLMODEL_FLOOR, str(floor_db)], fresh_floor_db),
    }
    commands = [
        ("sij --version", [args.sij, "--version"], "python -c 'import typer'", 1.3),
        ("sij --help", [args.sij, "--help"], "python -c 'import typer'", None),
        (
            "sij log (flags)",
            [args.sij, "log", "--pain-before", "4", "--pain-after", "3", "--heat", "--note", "bench"],
            "typer + sqlmodel, one row",
            1.15,
        ),
        ("sij history --limit 20", [args.sij, "history", "--limit", "20"], "typer + sqlmodel, one row", 1.15),
        ("sij pain 3", [args.sij, "pain", "3"], "typer + sqlmodel, one row", 1.15),
    ]
    tools = other_tools(args.tools, work, env)
    # Round-robin: every floor and command once per round, so a change in machine load during the
    # run shifts floors and commands alike instead of skewing the ratios.
    runs: dict[str, list[float]] = {name: [] for name in [*floors, *(c[0] for c in commands), *(t[0] for t in tools)]}
    plan = [(name, argv, before, env) for name, (argv, before) in floors.items()]
    plan += [(name, argv, None, env) for name, argv, _floor, _goal in commands]
    plan += [(name, argv, None, tool_env) for name, argv, tool_env in tools]
    for _name, argv, before, run_env in plan:
        timed(argv, run_env, before)  # warm the file cache
    for _ in range(args.runs):
        for name, argv, before, run_env in plan:
            runs[name].append(timed(argv, run_env, before))
    medians = {name: statistics.median(values) for name, values in runs.items()}
    counts = {name: instructions(argv, run_env, before) for name, argv, before, run_env in plan if not args.no_count}

    print(f"Python {sys.version.split()[0]}, CPU time per process, median of {args.runs} rounds, {os.cpu_count()} CPUs")
    print()
    print(f"{'floor':<34} {'ms':>7}")
    for name in floors:
        print(f"{name:<34} {medians[name] * 1000:7.1f}")
    print()
    print(f"{'command':<34} {'ms':>7}  {'ratio':>6}  {'goal':>5}  {'instr.':>6}  floor")
    missed = 0
    for name, _argv, floor, goal in commands:
        ratio = medians[name] / medians[floor]
        verdict = ""
        if goal is not None:
            verdict = "ok" if ratio <= goal else "MISSED"
            missed += ratio > goal
        goal_text = f"{goal:.2f}" if goal else "-"
        mine, theirs = counts.get(name), counts.get(floor)
        counted = f"{mine / theirs:6.2f}" if mine and theirs else f"{'-':>6}"
        print(f"{name:<34} {medians[name] * 1000:7.1f}  {ratio:6.2f}  {goal_text:>5}  {counted}  {floor} {verdict}")
    if tools:
        print()
        print(f"{'for information':<34} {'ms':>7}  {'sij log / it':>12}")
        for name, _argv, _env in tools:
            print(f"{name:<34} {medians[name] * 1000:7.1f}  {medians['sij log (flags)'] / medians[name]:12.2f}")
    else:
        print(f"\n(no jrnl or Watson in {args.tools}; see benchmarks/README.md to time them for information)")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
