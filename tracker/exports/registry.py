"""The export formats by name. Stdlib only, so the command's --help can list them without loading any format.

Adding a format: write `tracker/exports/<module>.py` with an `EXPORTER = Exporter(...)` and add one line here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from tracker.errors import InvalidInput, NothingToDo

if TYPE_CHECKING:
    from tracker.exports.base import Exporter

# name -> module holding EXPORTER; an empty module means "announced, not built yet".
FORMATS: dict[str, str] = {
    "csv": "tracker.exports.csv_export",
    "json": "tracker.exports.json_backup",
    "fhir": "tracker.exports.fhir",
    "pdf": "tracker.exports.pdf",
}


def available() -> list[str]:
    return [name for name, module in FORMATS.items() if module]


def get_exporter(name: str) -> Exporter:
    if name not in FORMATS:
        raise InvalidInput(f"There is no export format '{name}'; choose one of {', '.join(available())}.")
    module_name = FORMATS[name]
    if not module_name:
        names = available()
        choices = ", ".join(names[:-1]) + f" or {names[-1]}"
        raise NothingToDo(f"The {name} export is not available yet in this version of sij; use --format {choices}.")
    exporter: Exporter = importlib.import_module(module_name).EXPORTER
    return exporter


def formats_with(option: str) -> list[str]:
    """The available formats that use an optional command-line option such as "name"."""
    return [name for name in available() if option in get_exporter(name).options]
