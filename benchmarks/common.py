"""What the benchmark scripts share: finding the installed `sij` to time as a whole process."""

from __future__ import annotations

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
