"""Python's cyclic garbage collector, kept out of the way while sij loads and where a command makes many objects and
no garbage worth collecting.

On Python 3.11 the collector walks every live container object again and again while many are being made: the few
hundred thousand objects of the data layer's modules and tables as they load, or the rows of a 20-year backup.
Reference counting still frees everything that is not in a cycle. The collector is never held off while sij waits
for the person: a question resumes it first.

In sij's own process (started by the entry point, `start_loading`), what a paused block made is frozen as the block
ends, and what is left when the command ends is frozen too (`finished`): the collector's next pass, or Python's
shutdown, would otherwise walk all of it once more (some 60 ms after a PDF export, 200 ms at its exit) to free
nothing. A process that goes on (a test runner, a program embedding sij) never freezes what a command made, and
neither does Python's development mode (`python -X dev`), so that a resource left open still warns as it is freed.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_holds = 0  # how many reasons to keep the collector paused are in force
_resume = False  # whether it ran before the first of them
_loading = False  # the start-up hold (start_loading) is one of them
_own_process = False  # the entry point started this process for one command (start_loading)


def _freezing() -> bool:
    return _own_process and not sys.flags.dev_mode


def _hold() -> None:
    global _holds, _resume
    if _holds == 0:
        _resume = gc.isenabled()
        gc.disable()
    _holds += 1


def _release() -> None:
    global _holds
    _holds -= 1
    if _holds == 0 and _resume:
        if _freezing():
            gc.freeze()  # what the block made lives until the command ends: not walked again
        gc.enable()


def start_loading() -> None:
    """Pause the collector while the program loads its modules (from the entry point until `loaded`)."""
    global _loading, _own_process
    _own_process = True
    if not _loading:
        _loading = True
        _hold()


def loaded() -> None:
    """The data layer is loaded, or the person is about to be asked something: what exists now lives as long as the
    process, so it is frozen out of the collector's walks (`gc.freeze()`, once), and the start-up pause ends."""
    global _loading
    if gc.get_freeze_count() == 0:
        gc.freeze()
    if _loading:
        _loading = False
        _release()


def finished() -> None:
    """The command is done: its database is closed and its output flushed. What is left lives until the process
    ends, so it is frozen out of the collections Python makes as it shuts down, which walk every object the command
    made (a tenth of a PDF export's time); the operating system frees the memory. Only the entry point calls this,
    never a process that goes on (a test runner, a shell embedding sij)."""
    if _freezing():
        gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for the block (an export reading and rendering, an import parsing, checking and writing);
    it runs again as before once the block ends, however it ends (in sij's own process, with what the block made
    frozen first: see the module's note)."""
    _hold()
    try:
        yield
    finally:
        _release()
