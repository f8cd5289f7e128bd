"""Python's cyclic garbage collector, kept off what a command loads and paused where a command makes many objects
and no garbage worth collecting.

On Python 3.11 the collector walks every live container object again and again while many are being made: the
few hundred thousand objects of the data layer's modules and tables, or the rows of a 20-year backup. Reference
counting still frees everything that is not in a cycle. Nothing here is used around a question to the person.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def keep_loaded() -> None:
    """Put every object that exists now out of the collector's reach (`gc.freeze()`), once per process.

    Called once the data layer is imported: its modules, tables and caches live as long as the process, so the
    command's own collections need walk only what the command makes.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for the block (reading and writing an export or an import); it runs again as before
    once the block ends, however it ends, and stays off only if it was off already."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
