"""What every command shares: the chosen database, the clock, whether a person is at the keyboard."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tracker.cli import collector

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

    from tracker.clock import Clock
    from tracker.db import Database


def _system_clock() -> Clock:
    from tracker.clock import SystemClock

    return SystemClock()


@dataclass
class AppContext:
    db_option: str | None = None
    clock: Clock = field(default_factory=_system_clock)
    interactive: bool | None = None  # None: decide from the terminal
    # Set by commands asked to print nothing (`sij due --quiet`): the one-time notice then waits for the next
    # command, so it is still shown once, to a person rather than to a cron job.
    quiet: bool = False
    saved: bool = False  # a writing unit of work of this command committed: its data are safe
    # Whether the person named the database (--db, SIJ_DB); None: decide from db_option and the environment.
    db_chosen: bool | None = None
    _db: Database | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)

    @property
    def is_interactive(self) -> bool:
        if self.interactive is not None:
            return self.interactive
        return sys.stdin is not None and sys.stdin.isatty()

    def database(self, *, readonly: bool = False) -> Database:
        if self._db is None:
            from tracker.config import resolve_database
            from tracker.db import open_database

            collector.loaded()  # the data layer is loaded (by now, by the command's own imports)

            target = resolve_database(self.db_option)
            # The damaged-file diagnosis and "Started a new diary" are about a SQLite file; a server's
            # database or schema must exist already, and reports its own errors.
            self._path = target if isinstance(target, Path) else None
            new = self._path is not None and not self._path.exists()
            if self._path is not None and new:
                self._may_start_diary(self._path, readonly=readonly)
            self._db = open_database(target)
            if new and not self.quiet:
                from tracker.cli.console import info

                info(f"Started a new diary at {target}.")
            if not self._db.notice_shown and not self.quiet:
                self._show_first_use_notice(self._db)
        return self._db

    def _may_start_diary(self, path: Path, *, readonly: bool) -> None:
        """The one place that decides whether a missing database may be created: a write may start a diary
        anywhere; a read may only at the default place (a first `sij`). A read at a path the person chose
        (--db or SIJ_DB) that holds no database is most likely a typo: say so, and create nothing."""
        import os

        from tracker.config import ENV_DB
        from tracker.errors import DataError

        chosen = self.db_chosen
        if chosen is None:
            chosen = bool(self.db_option) or bool(os.environ.get(ENV_DB))
        if readonly and chosen:
            raise DataError(
                f"There is no sij diary at {path}; check the path given with --db or SIJ_DB. Nothing was created "
                "(recording something there, e.g. `sij pain N`, starts a new diary)."
            )

    def _show_first_use_notice(self, db: Database) -> None:
        from tracker.cli.console import show_first_use_notice
        from tracker.db import unit_of_work
        from tracker.services.settings import NOTICE_SHOWN, mark_once

        with unit_of_work(db) as session:
            first = mark_once(session=session, key=NOTICE_SHOWN)
        if first:
            show_first_use_notice()
        db.notice_shown = True

    @contextlib.contextmanager
    def work(self, *, readonly: bool = False) -> Iterator[Session]:
        """One unit of work on the chosen database."""
        from tracker.db import unit_of_work

        with unit_of_work(self.database(readonly=readonly), readonly=readonly) as session:
            yield session
        if not readonly:
            self.saved = True

    def database_is_damaged(self) -> bool:
        """After an unexpected failure: was it the database file that is damaged? (Read-only, never raises.)"""
        from tracker.db import is_damaged

        return self._path is not None and self._path.is_file() and is_damaged(self._path)

    def damaged_message(self) -> str:
        from tracker.db import damaged_reading

        assert self._path is not None
        return damaged_reading(self._path)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def get_app(ctx: typer.Context) -> AppContext:
    obj: Any = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        raise RuntimeError("sij's context was not set up")
    return obj
