"""The `sij` command line: Typer commands and Rich rendering. The only layer that prints or reads the keyboard.

Imports Typer and Rich at start; everything heavier (SQLModel, Alembic, Matplotlib) is imported
inside the commands that need it, so `sij --help` and `sij --version` stay instant.
"""

from __future__ import annotations

import gc
import os
import sys

from tracker.cli.app import app


def main() -> None:
    """Console-script entry point."""
    os.umask(0o077)  # every file sij writes (database, backups, exports, charts) is owner-only
    # One command, then exit: the cycle collector's default (a pass every 700 new objects) spends about a twelfth
    # of a PDF export's CPU walking the objects SQLAlchemy, Matplotlib and fpdf2 create as they load, which are
    # nearly all alive until exit. Collecting a hundred times less often still frees real cycles.
    gc.set_threshold(70_000, 10, 10)
    app(prog_name="sij")
    sys.exit(0)


__all__ = ["app", "main"]
