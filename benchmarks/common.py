"""What the benchmark scripts share: finding the installed `sij` to time as a whole process, and the environment
to time it in."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def sij_command(install: str = "pip install -e .") -> str:
    """The `sij` beside this Python (the benchmark's own environment), else the one on PATH."""
    found = Path(sys.executable).with_name("sij")
    if found.exists():
        return str(found)
    which = shutil.which("sij")
    if not which:
        sys.exit(f"The sij command is not installed in this environment; run `{install}` first.")
    return which


def program_env(**values: str) -> dict[str, str]:
    """The environment to time programs in: this one with `values` set, and Python writing bytecode as it does by
    default. A person's sij runs from bytecode (pip writes it at install; Python writes it on a first run); where
    PYTHONDONTWRITEBYTECODE is set, as on some development machines, every run would compile the whole program from
    source first, which measures the size of the source rather than anything a person waits for, and costs a
    bigger program more than its floor or an older version. The untimed first run of each measurement writes it."""
    env = dict(os.environ, **values)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
