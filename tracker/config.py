"""Where the database lives: `--db PATH` beats `SIJ_DB`, which beats the platform's user data directory."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "sij"
DB_FILENAME = "sij.db"
ENV_DB = "SIJ_DB"


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def resolve_db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use, as an absolute path (not created here)."""
    if option:
        chosen = Path(option)
    elif os.environ.get(ENV_DB):
        chosen = Path(os.environ[ENV_DB])
    else:
        chosen = default_data_dir() / DB_FILENAME
    return chosen.expanduser().absolute()
