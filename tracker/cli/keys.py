"""Single key presses during a hold, on a real terminal only (cbreak mode, restored on exit)."""

from __future__ import annotations

import os
import select
import sys
from types import TracebackType


class KeyReader:
    """Reads keys without Enter while active. On anything but a terminal it reads nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stdin.isatty()
        self._saved: list | None = None  # type: ignore[type-arg]

    def __enter__(self) -> KeyReader:
        if self.enabled:
            try:
                import termios
                import tty

                fd = sys.stdin.fileno()
                self._saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
            except (ImportError, OSError):
                self.enabled = False
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def wait(self, seconds: float) -> str | None:
        """Wait up to `seconds` of real time for a key; the key pressed, or None."""
        if not self.enabled:
            return None
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, seconds))
        if not ready:
            return None
        return os.read(sys.stdin.fileno(), 1).decode(errors="ignore")

    def suspend(self) -> KeyReader:
        """Hand the terminal back to normal line input (for a question), until `resume`."""
        self.__exit__()
        return self

    def resume(self) -> None:
        if self.enabled and self._saved is None:
            self.__enter__()
