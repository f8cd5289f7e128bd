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
    # One command is a short-lived process whose work is bounded (one entry, one report, one routine), and
    # nearly everything it allocates is freed by reference counting. The cyclic collector would mostly walk the
    # thousands of long-lived objects that importing SQLAlchemy, Pydantic and the tables creates: about a twentieth
    # of `sij log`'s start-up (benchmarks/startup.py). The garbage cycles of one command are few and go with it; the
    # guided routine, which runs for minutes, turns the collector back on.
    gc.disable()
    os.umask(0o077)  # every file sij writes (database, backups, exports, charts) is owner-only
    app(prog_name="sij")
    sys.exit(0)


__all__ = ["app", "main"]
