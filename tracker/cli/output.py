"""Files that commands write (charts, exports): where they may go, and writing them so that none is ever half-written.

Stdlib, Typer, tracker.errors, tracker.files and tracker.cli.params only.
Files are owner-only (0600), written to a temporary file beside the target and
renamed into place; an existing file is replaced only with --force.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import typer

from tracker.cli.params import shown
from tracker.errors import DataError, InvalidInput

OUTPUT_HINT = "'--output'"


def _exists_message(path: Path) -> str:
    return f"'{path}' already exists; add --force to replace it, or choose another --output."


def new_file_path(output: str, *, force: bool, suffixes: Sequence[str] = ()) -> Path:
    """The file `--output` names, checked before any work is done; `suffixes` (e.g. '.png') limit its type."""
    if any(not c.isprintable() for c in output):
        raise typer.BadParameter(
            f"'{shown(output)}' contains a control character; give a plain file name.", param_hint=OUTPUT_HINT
        )
    try:
        return _checked_path(output, force=force, suffixes=suffixes)
    except OSError as err:
        if err.errno != errno.ENAMETOOLONG:
            raise DataError(f"Cannot use '{output}': {err.strerror}; choose another --output.") from None
        raise typer.BadParameter(
            f"'{shown(output)}' is too long for a file name; give a shorter one.", param_hint=OUTPUT_HINT
        ) from None


def _checked_path(output: str, *, force: bool, suffixes: Sequence[str]) -> Path:
    path = Path(output).expanduser().absolute()
    accepted = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else "".join(suffixes)
    if suffixes and path.suffix.lower() not in suffixes:
        ending = path.suffix or "no extension"
        raise typer.BadParameter(
            f"'{output}' has {ending}; the file name must end in {accepted}.", param_hint=OUTPUT_HINT
        )
    if path.is_dir():
        raise typer.BadParameter(f"'{output}' is a folder; give a file name.", param_hint=OUTPUT_HINT)
    if path.exists() and not path.is_file():
        raise InvalidInput(
            f"'{path}' is not a regular file (a device, pipe or socket); sij never replaces one, even with --force. "
            "Choose another --output."
        )
    if not path.parent.is_dir():
        raise typer.BadParameter(
            f"the folder '{path.parent}' does not exist; create it or choose another place.", param_hint=OUTPUT_HINT
        )
    if path.exists() and not force:
        raise InvalidInput(_exists_message(path))
    return path


def free_default_path(stem: str, suffix: str) -> Path:
    """A file name in the current folder for output nobody named: `stem.suffix`, else `stem-2.suffix`, `-3`, ...

    A second chart or report of the day then never fails for want of --force, and nothing is replaced.
    """
    folder = Path.cwd()
    number = 1
    while True:
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        if not path.exists():
            return path
        number += 1


def write_new_file(path: Path, content: bytes, *, force: bool) -> None:
    """Write owner-only to a temporary file beside `path`, then move it into place.

    Without `force` an existing file is never replaced, even one that appeared a moment ago.
    """
    from tracker.files import PARTIAL, clean_leftovers

    clean_leftovers(path.parent)  # the temporary files of exports that were killed before they finished
    try:
        # Named by this process, so that a later run can tell a killed writer's leftover from a live one's. Mode 0600.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{PARTIAL}{os.getpid()}-", suffix=".tmp")
    except OSError as err:
        raise _write_error(err, path.parent, f"Cannot write in '{path.parent}'") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        if force:
            if path.exists() and not path.is_file():
                raise InvalidInput(f"'{path}' is not a regular file; sij never replaces one, even with --force.")
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)  # fails if the file appeared meanwhile: still never overwritten
            except FileExistsError:
                raise InvalidInput(_exists_message(path)) from None
            except OSError:
                if path.exists():
                    raise InvalidInput(_exists_message(path)) from None
                os.replace(temp, path)  # a file system without hard links
    except OSError as err:
        raise _write_error(err, path, f"Cannot write '{path}'") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _write_error(err: OSError, path: Path, lead: str) -> DataError:
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DataError(f"The disk is full; nothing was saved at '{path}'. Free some space and try again.")
    return DataError(f"{lead}: {err.strerror}; choose another --output.")
