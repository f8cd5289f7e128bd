"""`sij db ...`: where the data lives, whether it is healthy, a safe copy, and explicit upgrades.

Named dbcare so that it never shadows `tracker.db`; the SQLite work itself lives in tracker.db.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.params import shown

if TYPE_CHECKING:
    from tracker.config import ServerUrl
    from tracker.db import CheckReport

db_app = typer.Typer(help="Look after the database: where it is, check it, back it up, upgrade it.")

TABLE_WORDS = {
    "practice": ("session", "sessions"),
    "hold": ("hold", "holds"),
    "pain_score": ("pain score", "pain scores"),
    "screening": ("red-flag screen", "red-flag screens"),
    "stretch": ("stretch", "stretches"),
    "routine": ("routine", "routines"),
}


@db_app.callback(invoke_without_command=True)
def db_group(ctx: typer.Context) -> None:
    """Look after the database: where it is, check it, back it up, upgrade it."""
    if ctx.invoked_subcommand is None:
        console.out_line(ctx.get_help())


def _say(text: str) -> None:
    # Never wrap: these lines hold file paths that people copy.
    console.out.print(text, markup=False, highlight=False, soft_wrap=True)


def _path(ctx: typer.Context) -> Path | ServerUrl:
    """The SQLite file, or the PostgreSQL URL (which prints without its password)."""
    from tracker.config import resolve_database

    return resolve_database(get_app(ctx).db_option)


def _counts_text(report: CheckReport) -> str:
    return ", ".join(f"{n} {TABLE_WORDS[t][n != 1]}" for t, n in report.counts.items() if t in TABLE_WORDS)


# The count keys of `sij db check --json`, the same as `sij import --json` uses.
COUNT_KEYS = {
    "practice": "sessions",
    "hold": "holds",
    "pain_score": "pain_scores",
    "screening": "screenings",
    "stretch": "stretches",
    "routine": "routines",
}


def _report_json(report: CheckReport) -> dict[str, Any]:
    return {
        "path": str(report.path),
        "ok": report.ok,
        "integrity": "ok" if not report.integrity else report.integrity,
        "foreign_keys": "ok" if not report.foreign_keys else report.foreign_keys,
        "schema": {"revision": report.revision, "program": report.head, "status": report.schema},
        "counts": {COUNT_KEYS.get(t, t): n for t, n in report.counts.items()},
        "problems": report.problems,
    }


def _unreadable_json(path: Path | ServerUrl, problem: str) -> dict[str, Any]:
    """The --json answer when the file cannot be checked at all (missing, damaged, another program's)."""
    return {
        "path": str(path),
        "ok": False,
        "integrity": None,
        "foreign_keys": None,
        "schema": None,
        "counts": {},
        "problems": [problem],
    }


@db_app.command("path")
def db_path_command(ctx: typer.Context) -> None:
    """Print where the database is: its file, or its PostgreSQL URL without the password. Creates nothing.

    Example: [bold]sij db path[/bold]
    """
    path = _path(ctx)
    _say(str(path))
    if isinstance(path, Path) and not path.exists():
        console.info("(not created yet: sij creates it the first time you record something)")


@db_app.command("check")
def db_check_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the database: SQLite's integrity check, broken links and the schema version. Read-only.

    Exit status 1 when anything is wrong. Example: [bold]sij db check[/bold]
    """
    from tracker.db import check_database
    from tracker.errors import DataError

    path = _path(ctx)
    try:
        report = check_database(path)
    except DataError as err:
        if as_json:
            console.print_json(_unreadable_json(path, str(err)))
        raise
    if as_json:
        console.print_json(_report_json(report))
    elif report.ok and report.revision is None:
        _say(
            f"All is well: {report.path} passed SQLite's integrity check and is still empty "
            "(sij sets it up on first use)."
        )
    elif report.ok:
        _say(
            f"All is well: {report.path} passed SQLite's integrity check, has no broken links and is at "
            f"schema {report.revision or '(empty)'}, the one this sij uses. It holds {_counts_text(report)}."
        )
    else:
        _say(f"Problems found in {report.path}:")
        for problem in report.problems:
            _say(f"  - {problem}")
        if report.integrity or report.foreign_keys:
            console.warn("Keep this file as it is; restore a backup (`sij db backup` makes one) or ask for help.")
    if not report.ok:
        raise typer.Exit(1)


@db_app.command("backup")
def db_backup_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="PATH", help="The file to write the copy to.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")] = False,
) -> None:
    """Copy the database to PATH safely, even while sij is in use; the copy is checked.

    Example: [bold]sij db backup ~/Documents/sij-2026-11-24.db[/bold]
    """
    if not target.strip():
        raise typer.BadParameter("the backup path is empty; give a file name.", param_hint="'PATH'")
    if any(ord(c) < 32 for c in target):
        raise typer.BadParameter(
            "the backup path contains a control character; give a plain file name.", param_hint="'PATH'"
        )
    from tracker.db import backup_database

    source = _path(ctx)
    if not isinstance(source, Path):
        backup_database(source, Path(target))  # refuses, saying what to use on a server
    destination = _backup_target(target, source, force)
    report = backup_database(source, destination, force=force)
    _say(f"Backed up to {destination} ({_counts_text(report)}); the copy checks clean.")


def _backup_target(target: str, source: Path | ServerUrl, force: bool) -> Path:
    """PATH checked as export and plot check --output: a wrong place is bad input (exit 2), before any work."""
    destination = Path(target).expanduser().absolute()
    try:
        if destination.is_dir():
            raise typer.BadParameter(f"'{target}' is a folder; give a file name.", param_hint="'PATH'")
        if destination.exists() and not destination.is_file():
            raise typer.BadParameter(
                f"'{target}' is not a regular file (a device, pipe or socket); sij never replaces one, even with "
                "--force. Choose another name.",
                param_hint="'PATH'",
            )
        if not destination.parent.is_dir():
            raise typer.BadParameter(
                f"the folder '{destination.parent}' does not exist; create it first or choose another place.",
                param_hint="'PATH'",
            )
        # Onto the database itself is refused by backup_database, which says so.
        if (
            destination.exists()
            and not force
            and not (isinstance(source, Path) and destination.resolve() == source.resolve())
        ):
            raise typer.BadParameter(
                f"'{target}' already exists; add --force to replace it, or choose another name.", param_hint="'PATH'"
            )
    except OSError as err:
        if err.errno != errno.ENAMETOOLONG:
            raise
        raise typer.BadParameter(
            f"'{shown(target)}' is too long for a file name; give a shorter path.", param_hint="'PATH'"
        ) from None
    return destination


@db_app.command("upgrade")
def db_upgrade_command(ctx: typer.Context) -> None:
    """Bring the database to this sij's schema now, after a backup copy beside it.

    Other commands do this by themselves on first use; this does it explicitly and says what it did.
    Downgrades are not supported: a database written by a newer sij is refused, never changed.

    Example: [bold]sij db upgrade[/bold]
    """
    from tracker.db import upgrade_database

    path = _path(ctx)
    result = upgrade_database(path)
    if not result.changed:
        _say(f"The database {path} is already up to date (schema {result.after}); nothing to do.")
        return
    before = result.before or "(empty)"
    _say(f"Upgraded the database {path} from schema {before} to {result.after}.")
    if result.backup:
        _say(f"A copy from before the upgrade is at {result.backup}.")
    elif not isinstance(path, Path):
        _say("On PostgreSQL the upgrade ran as one transaction, so no copy was made; keep the server's own backups.")
