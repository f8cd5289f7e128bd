"""Reading a file a person names (a backup, a stretch file) without trusting what it is. Stdlib only.

A name can point at a pipe that never ends or waits forever, a device such as /dev/zero, or a file far larger
than any sij file: only regular files are read, and only up to a stated size.
"""

from __future__ import annotations

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
