"""Start-up stays light: help and version load Typer and Rich only; everyday commands skip Alembic and Matplotlib.

Each case runs in a fresh interpreter (the installed one) and reports which heavy packages ended up in
`sys.modules`. The commands are enumerated from the Typer app, so new commands are covered automatically.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.conftest import read_terminal, sij_executable
from tracker.cli import app

# Start-up imports do not depend on the engine; the database file is checked to be left uncreated.
pytestmark = pytest.mark.sqlite_only

HEAVY = ("sqlalchemy", "sqlmodel", "matplotlib", "alembic", "fpdf", "fhir")

PROBE = """
import gc, json, sys
sys.argv = ["sij", *json.loads(sys.argv[1])]
from tracker.cli import collector, main
finish = collector.finished
def finished():  # what the command froze while it ran, before the entry point freezes the rest for the exit
    sys.__stderr__.write("\\nFROZEN=" + str(gc.get_freeze_count()) + "\\n")
    finish()
collector.finished = finished
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nAT_EXIT=" + str(gc.get_freeze_count()) + "\\n")
sys.__stderr__.write("\\nMODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules(args: list[str], db_path: Path | None = None, *flags: str) -> tuple[int, set[str], str]:
    """Run sij with `args` in a fresh interpreter (with Python's `flags`); exit status, every module it imported,
    output."""
    env = dict(os.environ)
    if db_path is not None:
        env["SIJ_DB"] = str(db_path)
    done = subprocess.run(
        [sys.executable, *flags, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=60, env=env
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("MODULES=")]
    assert marker, done.stderr
    return done.returncode, set(json.loads(marker[-1][len("MODULES=") :])), done.stdout + done.stderr


def _loaded(args: list[str], db_path: Path | None = None) -> tuple[int, list[str], str]:
    """Exit status, the heavy packages imported, and the output."""
    status, modules, output = _modules(args, db_path)
    return status, sorted({name.split(".")[0] for name in modules} & set(HEAVY)), output


def command_paths() -> list[list[str]]:
    """Every command and sub-command of the app, as argument lists (['log'], ['db', 'check'], ...).

    Asks each group for its commands the way Click does, so lazily registered commands are found too.
    """
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        if not hasattr(command, "list_commands"):
            return
        ctx = command.make_context(path[-1] if path else "sij", ["--help"], resilient_parsing=True)
        for name in command.list_commands(ctx):
            found.append([*path, name])
            walk(command.get_command(ctx, name), [*path, name])

    walk(root, [])
    return found


def test_enumeration_finds_the_known_commands() -> None:
    paths = {" ".join(p) for p in command_paths()}
    assert {"log", "pain", "history", "run", "screen", "stretches", "stretches show", "db", "db check"} <= paths


HELP_CASES = [["--help"], ["--version"], ["-h"]] + [[*p, "--help"] for p in command_paths()]


@pytest.mark.parametrize("args", HELP_CASES, ids=[" ".join(a) for a in HELP_CASES])
def test_help_and_version_import_nothing_heavy(args: list[str], db_path: Path) -> None:
    status, heavy, output = _loaded(args, db_path)
    assert status == 0, output
    assert heavy == [], f"sij {' '.join(args)} imported {heavy}"
    assert not db_path.exists(), "help must not create the database"


def test_version_loads_neither_rich_nor_any_command(db_path: Path) -> None:
    status, modules, output = _modules(["--version"], db_path)
    assert status == 0 and output.startswith("sij "), output
    assert not {"rich.console", "typer.rich_utils", "tracker.cli.run", "tracker.cli.log", "tracker.db"} & modules


def test_a_command_loads_only_its_own_module(db_path: Path) -> None:
    status, modules, output = _modules(["db", "path"], db_path)
    assert status == 0, output
    assert "tracker.cli.dbcare" in modules
    assert not {"tracker.cli.run", "tracker.cli.log", "tracker.cli.history"} & modules


@pytest.fixture
def current_db(db_path: Path) -> Path:
    done = subprocess.run(
        [sij_executable(), "pain", "2"],
        env=dict(os.environ, SIJ_DB=str(db_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--pain-before", "5", "--pain-after", "3", "--heat", "--note", "quick"],
        ["pain", "3"],
        ["history", "--limit", "20"],
        ["history", "--json"],
        ["stretches"],
        [],
    ],
    ids=lambda a: " ".join(a) or "today",
)
def test_everyday_commands_skip_alembic_and_matplotlib(args: list[str], current_db: Path) -> None:
    status, heavy, output = _loaded(args, current_db)
    assert status == 0, output
    assert not {"alembic", "matplotlib", "fpdf", "fhir"} & set(heavy), heavy


def test_the_pdf_library_loads_only_for_the_pdf(current_db: Path, tmp_path: Path) -> None:
    status, heavy, output = _loaded(["export", "--format", "csv", "-o", str(tmp_path / "a.csv")], current_db)
    assert status == 0, output
    assert not {"fpdf", "matplotlib"} & set(heavy), heavy
    status, heavy, output = _loaded(["export", "--format", "pdf", "-o", str(tmp_path / "a.pdf")], current_db)
    assert status == 0, output
    assert {"fpdf", "matplotlib"} <= set(heavy), heavy


def test_alembic_loads_only_when_a_migration_is_due(db_path: Path) -> None:
    status, heavy, output = _loaded(["pain", "1"], db_path)  # a new file: the schema must be created
    assert status == 0, output
    assert "alembic" in heavy
    status, heavy, output = _loaded(["pain", "1"], db_path)
    assert status == 0, output
    assert "alembic" not in heavy


def test_the_backup_loads_neither_other_formats_nor_the_import_checks(current_db: Path, tmp_path: Path) -> None:
    status, modules, output = _modules(["export", "--format", "json", "-o", str(tmp_path / "b.json")], current_db)
    assert status == 0, output
    assert "tracker.exports.json_backup" in modules
    unneeded = {"alembic", "matplotlib", "fpdf", "fhir", "tracker.exports.fhir", "tracker.exports.pdf"}
    unneeded |= {"tracker.exports.csv_export", "tracker.exports.report", "tracker.services.import_checks"}
    unneeded |= {"tracker.stats", "tracker.services.ratings"}
    assert not unneeded & modules, sorted(unneeded & modules)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "json"],
        ["export", "--format", "pdf", "--since", "2020-01-01", "--until", "2020-01-31"],  # nothing to report: exit 1
        ["export", "--format", "csv", "--since", "2026-11-01"],
        ["import", "BAD"],  # refused inside the paused block: not a sij backup
    ],
)
def test_the_garbage_collector_runs_again_after_an_export_or_import(sij, tmp_path: Path, args: list[str]) -> None:
    """Exports and imports pause the cyclic collector while they read and write (tracker.cli.collector); whatever
    the outcome, it runs again afterwards, so a process that goes on (these tests, a shell embedding sij) keeps it."""
    import gc

    assert sij("pain", "3").exit_code == 0
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = sij(*[str(bad) if a == "BAD" else a for a in args])
    assert result.exit_code in (0, 1, 2), result.stderr
    assert gc.isenabled()
    assert gc.get_freeze_count() <= frozen  # none of what it made (only sij's own process freezes that)


def test_the_database_is_closed_when_a_command_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The context that opened the diary closes it as the command ends, also when nobody passed one in: sij's
    exit leaves nothing to the collector (on PostgreSQL the server would otherwise see the client vanish)."""
    from typer.testing import CliRunner

    from tracker.cli.context import AppContext

    closed: list[bool] = []
    close = AppContext.close
    monkeypatch.setattr(AppContext, "close", lambda self: (closed.append(self._db is not None), close(self))[1])
    monkeypatch.setenv("SIJ_DB", str(tmp_path / "diary.db"))
    result = CliRunner().invoke(app, ["pain", "3"])
    assert result.exit_code == 0, result.output
    assert closed == [True]


@pytest.mark.parametrize("args", [["pain", "3"], ["history", "--limit", "20"], ["--version"]])
def test_what_the_data_layer_loads_is_kept_out_of_the_collectors_way(tmp_path: Path, args: list[str]) -> None:
    """Once the data layer is loaded, gc.freeze() moves its objects out of the collector's walks (about a twentieth
    of a short command's instructions, benchmarks/README.md); a command that opens no database freezes nothing."""
    status, _, output = _modules(args, tmp_path / "diary.db")
    assert status == 0, output
    frozen, at_exit = (_count(output, name) for name in ("FROZEN", "AT_EXIT"))
    assert (frozen > 10_000) == (args != ["--version"]), frozen  # some 70,000 objects
    # The command done, everything it made is frozen too, so Python's shutdown does not walk it collecting.
    assert at_exit > max(frozen, 10_000), (frozen, at_exit)


def test_what_an_export_made_is_frozen_as_its_pause_ends(tmp_path: Path) -> None:
    """In sij's own process the objects a PDF export made (Matplotlib's, fpdf2's, the report's) are frozen as its
    pause ends, not walked by the collector's next pass to free nothing: little is left to freeze at the exit."""
    diary = tmp_path / "diary.db"
    assert _modules(["pain", "3"], diary)[0] == 0
    status, _, output = _modules(["export", "--format", "pdf", "--output", str(tmp_path / "report.pdf")], diary)
    assert status == 0, output[-2000:]
    frozen, at_exit = (_count(output, name) for name in ("FROZEN", "AT_EXIT"))
    assert frozen > 150_000 and at_exit - frozen < frozen // 10, (frozen, at_exit)  # some 230,000 and 1,000


@pytest.mark.parametrize("args", [["pain", "3"], ["export", "--format", "pdf", "--output", "REPORT"]])
def test_development_mode_keeps_every_collection_so_a_leak_still_warns(tmp_path: Path, args: list[str]) -> None:
    """Under `python -X dev` sij freezes nothing at the end of a pause or at the exit: Python's last collections
    still free everything, so a file or connection left open would warn (made an error here)."""
    diary = tmp_path / "diary.db"
    assert _modules(["pain", "3"], diary)[0] == 0
    argv = [str(tmp_path / "report.pdf") if a == "REPORT" else a for a in args]
    status, _, output = _modules(argv, diary, "-X", "dev", "-W", "error::ResourceWarning")
    assert status == 0, output[-2000:]
    assert "Warning" not in output.split("MODULES=")[0], output[-2000:]
    frozen, at_exit = (_count(output, name) for name in ("FROZEN", "AT_EXIT"))
    assert at_exit == frozen, (frozen, at_exit)


def _count(output: str, name: str) -> int:
    return int(next(line for line in output.splitlines() if line.startswith(f"{name}="))[len(name) + 1 :])


@pytest.mark.parametrize(
    "args",
    [["pain", "3"], ["log", "--pain-before", "4", "--pain-after", "3", "--no-sharp"], ["export", "--format", "csv"]],
)
def test_the_diary_is_closed_before_sij_exits(tmp_path: Path, args: list[str]) -> None:
    """sij closes the database itself when a command ends (the exit leaves what is left to the operating system,
    tracker.cli.collector.finished): the diary is whole, with no write-ahead log or shared-memory file beside it."""
    folder = tmp_path / "diary"
    folder.mkdir()
    for command in (["pain", "2"], args):
        status, _, output = _modules(command, folder / "diary.db")
        assert status == 0, output[-2000:]
        assert sorted(p.name for p in folder.iterdir()) == ["diary.db"]


ASKING_PROBE = """
import builtins, gc, json, sys
asked = []
def answer(prompt=""):
    asked.append(gc.isenabled())
    raise EOFError  # as Ctrl-D: nothing is saved
builtins.input = answer
sys.argv = ["sij", *json.loads(sys.argv[1])]
from tracker.cli import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nASKED=" + json.dumps(asked) + "\\n")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pseudo-terminal")
@pytest.mark.parametrize("args", [["screen"], ["log"], ["--db", "DB", "screen"]])
def test_the_collector_runs_whenever_sij_asks_the_person_something(tmp_path: Path, args: list[str]) -> None:
    """The collector is paused while sij loads (tracker.cli.collector) and runs again before any question, on a
    terminal, whether or not the database was opened first."""
    import pty

    argv = [str(tmp_path / "other.db") if a == "DB" else a for a in args]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.environ["SIJ_DB"] = str(tmp_path / "diary.db")
            os.execv(sys.executable, [sys.executable, "-c", ASKING_PROBE, json.dumps(argv)])
        finally:
            os._exit(127)
    os.write(fd, b"\n")  # a key typed ahead, so that sij reads (its input() is the probe's, which answers Ctrl-D)
    seen = read_terminal(fd, until_closed=True)
    os.waitpid(pid, 0)
    os.close(fd)
    text = seen.decode(errors="replace")
    asked = json.loads(next(line for line in text.splitlines() if line.startswith("ASKED="))[len("ASKED=") :])
    assert asked == [True], text
