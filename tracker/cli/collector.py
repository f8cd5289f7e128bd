"""The cyclic garbage collector, paused where a command makes many objects and no garbage worth collecting."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; with `keep`, what the block made is then frozen.

    On Python 3.11 the collector walks every live container object again and again while many are being made:
    importing the data layer (a few hundred thousand objects that live as long as the process) costs a short
    command about a twentieth of its work that way, and reading 50,000 rows for a backup more. Reference counting
    still frees everything that is not in a cycle. With `keep` (for imports) `gc.freeze()` moves what exists to
    the permanent generation, which later collections skip. Once the block ends the collector runs as before, so
    what a command does after it (its prompts, Ctrl-C, the database's connections) is unchanged; it is not used
    around anything that asks the person a question.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if running:
            gc.enable()
