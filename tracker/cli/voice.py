"""Spoken cues: the platform's own speech engine, found at run time and run in the background.

Stdlib only. `Voice.say` only puts a cue in a queue and returns at once; one worker thread hands the cues,
one after another, to the engine's command in a child process. The timer never waits for speech.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "install espeak-ng (Debian/Ubuntu: sudo apt install espeak-ng; Fedora: sudo dnf install espeak-ng) "
    "or Speech Dispatcher (spd-say)"
)

# Windows: the speech built into .NET (System.Speech), driven by PowerShell. The text and the file name travel
# in environment variables, so nothing typed is ever parsed as PowerShell.
_POWERSHELL = (
    "Add-Type -AssemblyName System.Speech; "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
    "if ($env:SIJ_SPEAK_FILE) { $s.SetOutputToWaveFile($env:SIJ_SPEAK_FILE) }; "
    "$s.Speak($env:SIJ_SPEAK_TEXT); $s.Dispose()"
)


@dataclass(frozen=True)
class Engine:
    """A speech command. The text goes to its standard input (or, for PowerShell, an environment variable),
    never on the command line, so a stretch named "-w x" is spoken, not read as an option."""

    name: str
    speak: tuple[str, ...]
    to_file: tuple[str, ...] | None = None  # the command writing a WAV file; "{file}" stands for its path
    text_in_env: bool = False

    def command(self, file: Path | None = None) -> list[str]:
        if file is None:
            return list(self.speak)
        if self.to_file is None:
            raise ValueError(f"{self.name} cannot write a sound file")
        return [str(file) if part == "{file}" else part for part in self.to_file]

    def run(self, text: str, file: Path | None = None, timeout: float | None = None) -> int:
        """Speak `text` (or write it to `file`) and wait; the engine's exit status."""
        proc = self.start(text, file)
        try:
            proc.communicate(None if self.text_in_env else text.encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return -1
        return proc.returncode

    def start(self, text: str, file: Path | None = None) -> subprocess.Popen[bytes]:
        env = None
        if self.text_in_env:
            env = dict(os.environ, SIJ_SPEAK_TEXT=text, SIJ_SPEAK_FILE=str(file) if file else "")
        return subprocess.Popen(
            self.command(file),
            stdin=subprocess.DEVNULL if self.text_in_env else subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )


def find_engine(which: Callable[[str], str | None] = shutil.which, platform: str = sys.platform) -> Engine | None:
    """The first speech engine this machine has, or None."""
    if platform == "darwin" and (say := which("say")):
        return Engine("say", (say, "-f", "-"), (say, "-f", "-", "-o", "{file}", "--data-format=LEI16@22050"))
    if platform == "win32":
        for name in ("powershell", "pwsh"):
            if exe := which(name):
                command = (exe, "-NoProfile", "-NonInteractive", "-Command", _POWERSHELL)
                return Engine("Windows speech", command, command, text_in_env=True)
        return None
    for name in ("espeak-ng", "espeak"):
        if exe := which(name):
            # A little slower than the default 175 words a minute: cues are heard lying down, eyes closed.
            return Engine(name, (exe, "-s", "150", "--stdin"), (exe, "-s", "150", "--stdin", "-w", "{file}"))
    if spd := which("spd-say"):
        # -w waits until the cue is spoken, so cues do not cut each other off; -e reads the text from stdin.
        return Engine("spd-say", (spd, "-w", "-e"))
    return None


def spoken_text(text: str) -> str:
    """What an engine is given: printable characters only, one line."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


_STOP = object()


class Voice:
    """Speaks cues in order in a background thread. A countdown cue ("10 seconds") that is overtaken by a newer
    cue before its turn is dropped, so a slow engine falls behind by at most one cue."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.problem: str | None = None  # set once if the engine fails; read by the routine between holds
        self._queue: queue.Queue[object] = queue.Queue()
        self._current: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._work, name="sij-voice", daemon=True)
        self._thread.start()

    def say(self, text: str, *, droppable: bool = False) -> None:
        self._queue.put_nowait((spoken_text(text), droppable))

    def close(self, wait: float) -> None:
        """Let queued cues finish for up to `wait` seconds, then stop speaking."""
        self._queue.put_nowait(_STOP)
        self._thread.join(max(0.0, wait))
        if self._thread.is_alive():
            while True:  # drop what has not started, so the worker stops after the current cue
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._queue.put_nowait(_STOP)
            proc = self._current
            if proc is not None and proc.poll() is None:
                proc.kill()
            self._thread.join(1.0)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, tuple)
            text: str = item[0]
            droppable: bool = item[1]
            if (droppable and not self._queue.empty()) or not text or self.problem:
                continue
            try:
                self._current = self.engine.start(text)
                if not self.engine.text_in_env:
                    assert self._current.stdin is not None
                    self._current.stdin.write(text.encode("utf-8"))
                    self._current.stdin.close()
                status = self._current.wait()
            except OSError as err:
                self.problem = f"{self.engine.name} could not be started ({err.strerror})"
                continue
            if status > 0:  # killed by a signal (Ctrl-C) is not the engine's fault
                self.problem = f"{self.engine.name} stopped with exit status {status} (is a sound device set up?)"


class Silent:
    """The same interface when speech is off: nothing is spoken."""

    problem: str | None = None

    def say(self, text: str, *, droppable: bool = False) -> None:
        return None

    def close(self, wait: float) -> None:
        return None


def engine_names(platform: str = sys.platform) -> Sequence[str]:
    """The engines looked for on this platform, for messages."""
    if platform == "darwin":
        return ("say",)
    if platform == "win32":
        return ("PowerShell speech",)
    return ("espeak-ng", "espeak", "spd-say")
