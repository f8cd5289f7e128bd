"""Files a person names: reading one without trusting what it is, and writing copies that are never left
half-done under a name that looks complete. Stdlib only.

A name can point at a pipe that never ends or waits forever, a device such as /dev/zero, or a file far larger
than any sij file: only regular files are read, and only up to a stated size.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


class NotRegularFile(ValueError):
    """The path is a folder, pipe, socket or device."""


class TooLarge(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


def megabytes(limit: int) -> str:
    return f"{limit // 1_000_000} MB"


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them. OSError (missing, no permission) passes.

    The file is opened without blocking, so that naming a pipe (a FIFO) cannot make sij wait forever; its type is
    checked on the open file, so it cannot be swapped between the check and the read.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile(str(path))  # a socket cannot even be opened; say what it is
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(str(path))
        if info.st_size > limit:
            raise TooLarge(limit)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TooLarge(limit)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# --- Files being written: a partial copy never stays under a name that looks complete ------------------

PARTIAL = ".partial-"


def partial_path(target: Path) -> Path:
    """Where a copy of `target` is written before it is renamed into place: hidden, and named by this process."""
    return target.with_name(f".{target.name}{PARTIAL}{os.getpid()}")


def remove_partial(partial: Path) -> None:
    for leftover in (partial, *(partial.with_name(partial.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def clean_leftovers(folder: Path) -> None:
    """Remove the partial copies that killed sij processes left in `folder` (their process is gone).

    A copy still being written by a live sij is left alone; so is anything not named like sij's own.
    """
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(".") and PARTIAL in p.name]
    except OSError:
        return
    for found in names:
        pid_text = found.name.rpartition(PARTIAL)[2].split("-")[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                found.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True
