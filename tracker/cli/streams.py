"""Standard streams that may be closed, full, or unable to show some characters; and arguments that are not text.

Stdlib only (the console is imported when a message must be shown). The rule: a failure to *show* output never
hides whether the data were saved, and never ends in a traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import sys

from tracker.errors import InvalidInput

# Plain stand-ins for the few typographic characters sij prints, for terminals that cannot show them.
PLAIN = {
    "·": "-",
    "→": "->",
    "←": "<-",
    "…": "...",
    "–": "-",
    "—": "-",
    "•": "*",
    "★": "*",
    "✓": "v",
    "✗": "x",
    "×": "x",
    "±": "+/-",
    "≥": ">=",
    "≤": "<=",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "\u00a0": " ",
}
ERRORS = "sij-plain"
OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EINVAL, errno.EFBIG})

_closed: set[int] = set()
_failed = False


def _plain(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    chunk = err.object[err.start : err.end]
    return "".join(_plain_char(c) for c in chunk), err.end


def _plain_char(char: str) -> str:
    if char in PLAIN:
        return PLAIN[char]
    import unicodedata

    # é -> e, ﬁ -> fi; a character with no plain form is shown by its code, never dropped.
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return base or (f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")


codecs.register_error(ERRORS, _plain)


def make_safe() -> None:
    """Before anything runs: closed standard streams point at the null device, and output that the stream's
    encoding cannot show falls back to plain characters instead of failing.

    A closed descriptor 0, 1 or 2 must be filled first: otherwise the database file, opened later, could be given
    that number, and anything written to "standard output" would land in the database.
    """
    global _failed
    _failed = False
    _closed.clear()
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, mode)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            _closed.add(fd)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):
                stream.reconfigure(errors=ERRORS)


def refuse_undecodable(args: list[str]) -> None:
    """An argument holding bytes that are not text in the system's encoding (Python keeps them as lone surrogates)."""
    for arg in args:
        if any(0xDC80 <= ord(c) <= 0xDCFF for c in str(arg)):
            shown = str(arg).encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise InvalidInput(
                f"The argument '{shown[:60]}' is not valid text (it holds bytes that are not UTF-8); type it again."
            )


def write_all(payload: bytes) -> None:
    """Write the whole of `payload` to standard output, and flush it; raises OSError when it cannot.

    Python's buffered writer returns a short count, and raises nothing, when the system wrote only part of a large
    write (a redirected export meeting a file-size limit, `ulimit -f`): writing the rest raises the error, so a cut
    backup is reported rather than announced as exported."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test runner's, an embedding program's)
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return
    rest = memoryview(payload)
    while rest:
        written = buffer.write(rest)
        if not written:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        rest = rest[written:]
    buffer.flush()


def is_output_failure(err: OSError) -> bool:
    """An error writing to standard output or error (a full disk, a closed pipe), not to a named file."""
    return err.errno in OUTPUT_ERRNOS and getattr(err, "filename", None) is None


def _silence_stdout() -> None:
    # Whatever is still buffered for standard output would fail again when Python exits: send it nowhere.
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)


def output_failed(err: OSError, *, saved: bool) -> int:
    """Say that the output could not be written; the exit status says whether the data were saved."""
    global _failed
    _failed = True
    _silence_stdout()
    if err.errno == errno.EPIPE:
        return 0  # the reader stopped early (`sij history | head`): nothing to report
    reason = err.strerror or "an output error"
    _tell(
        f"sij could not write its output ({reason}), but everything was saved."
        if saved
        else f"sij could not write its output ({reason}); nothing was changed.",
        error=not saved,
    )
    return 0 if saved else 1


def finish(code: int, *, saved: bool) -> int:
    """Flush standard output now, while a failure can still be reported; report a closed standard output."""
    if not _failed:
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except OSError as err:
            return output_failed(err, saved=saved) if code == 0 else code
        except ValueError:
            pass  # the stream was closed by the command's own host (e.g. a test runner)
    if 1 in _closed and code == 0:
        if saved:
            _tell("Standard output is closed, so nothing was shown; everything was saved.", error=False)
            return 0
        _tell("Standard output is closed, so the output went nowhere; give sij somewhere to write.", error=True)
        return 1
    return code


def _tell(message: str, *, error: bool) -> None:
    with contextlib.suppress(Exception):
        from tracker.cli import console

        (console.error if error else console.warn)(message)
