"""The `sij` command line: Typer commands and Rich rendering. The only layer that prints or reads the keyboard.

Imports Typer and Rich at start; everything heavier (SQLModel, Alembic, Matplotlib) is imported
inside the commands that need it, so `sij --help` and `sij --version` stay instant.
"""

from __future__ import annotations

import os
import sys

from tracker.cli import collector
from tracker.cli.app import app


def main() -> None:
    """Console-script entry point."""
    collector.start_loading()  # until the data layer is loaded or a question is asked (tracker.cli.collector)
    os.umask(0o077)  # every file sij writes (database, backups, exports, charts) is owner-only
    try:
        app(prog_name="sij")
    finally:
        collector.finished()
    sys.exit(0)


__all__ = ["app", "main"]
