"""`sij run` on a real (pseudo-)terminal, as a person uses it: keys during a hold, questions, Ctrl-C, resume, voice.

The installed `sij` runs as its own process with a pseudo-terminal as its controlling terminal, so Ctrl-C is the
byte a keyboard sends, turned into SIGINT by the terminal, and single keys reach the countdown without Enter.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import query, sij_executable
from tests.test_cli_voice import FAKE_ENGINE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A process on a pseudo-terminal; `expect` waits (bounded) for text to appear on its screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x28\x00\x64\x00\x00\x00\x00\x00")  # 40 rows, 100 columns

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=controlling_terminal, close_fds=True
        )
        os.close(slave)
        self.raw = ""
        self.seen = 0  # how much of the screen text earlier expects consumed

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the process ended and closed the terminal
            return False
        self.raw += chunk.decode("utf-8", errors="replace")
        return bool(chunk)

    def expect(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text[self.seen :]:
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"{needle!r} did not appear; the screen ended with:\n{self.text[-2000:]}")
            if not self._read(0.2) and self.proc.poll() is not None:
                self._read(0.2)
                if needle not in self.text[self.seen :]:
                    raise AssertionError(f"{needle!r} did not appear before exit:\n{self.text[-2000:]}")
        self.seen = self.text.index(needle, self.seen) + len(needle)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.1):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            raise AssertionError("sij did not finish")
        os.close(self.master)
        return self.proc.returncode


@pytest.fixture
def env(db_path: Path, tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "espeak-ng").write_text(FAKE_ENGINE)
    (folder / "espeak-ng").chmod(0o755)
    return dict(
        os.environ,
        SIJ_DB=str(db_path),
        TERM="xterm-256color",
        COLUMNS="100",
        PATH=f"{folder}{os.pathsep}{os.environ.get('PATH', '')}",
        SIJ_TEST_SPOKEN=str(tmp_path / "spoken.txt"),
    )


def _sij(env: dict[str, str], *args: str) -> Terminal:
    return Terminal([sij_executable(), *args], env)


def _history(env: dict[str, str]) -> list[dict]:
    out = subprocess.run([sij_executable(), "history", "--json"], env=env, capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _start(term: Terminal, pain: str = "3") -> None:
    term.expect("Answer it now? [Y/n]")
    term.send("n\n")
    term.expect("Did you warm up with heat first")
    term.send("n\n")
    term.expect("Pain before stretching:")
    term.send(f"{pain}\n")
    term.expect("Any of these new symptoms? [y/N]")
    term.send("n\n")


def test_q_asks_sharp_pain_asks_pain_now_and_the_panel_is_last(env: dict[str, str]) -> None:
    term = _sij(env, "run", "--voice", "--speed", "10", "--get-ready", "0")
    _start(term)
    term.expect("Hold: ")
    term.send("q")
    term.expect("Stop here and save what you have done? [y/N]")
    term.send("n\n")
    term.expect("Knee to chest, left side: held 30 s")
    term.expect("Switch sides: now the RIGHT side.")
    term.expect("Knee to chest, right side: held 30 s")
    term.expect("Relax.")
    term.expect("Did you feel sharp, stabbing or shooting pain, or new numbness or tingling? [y/N]")
    term.send("y\n")
    term.expect("Pain now: Rate your low-back or pelvic pain right now")
    term.send("5\n")
    term.expect("Saved session #1")
    assert term.wait() == 0
    screen = term.text.rstrip()
    assert screen.endswith("╯") and "See a doctor or physiotherapist" in screen[screen.rfind("╭") :]
    (session,) = _history(env)
    assert session["state"] == "stopped_sharp" and session["pain_after"] == 5
    spoken = Path(env["SIJ_TEST_SPOKEN"]).read_text().splitlines()
    assert spoken[-1] == "Please stop and read the screen."
    assert "Please answer the question on the screen." in spoken


def test_ctrl_c_then_resume_in_the_middle_of_a_stretch(env: dict[str, str]) -> None:
    term = _sij(env, "run", "--speed", "10", "--get-ready", "0")
    _start(term)
    term.expect("Knee to chest, left side: held 30 s")
    term.expect("Hold: ")  # the right side is being held
    term.send("\x03")  # Ctrl-C, as the keyboard sends it
    term.expect("Interrupted. Saved session #1 as stopped early with 1 completed hold.")
    assert term.wait() == 130
    # On a line of its own, not after ^C or the countdown (styles may come between the newline and the text).
    assert re.search(r"\n(\x1b\[[0-9;]*m)*Interrupted\. Saved session", term.raw)
    (session,) = _history(env)
    assert session["state"] == "aborted" and len(session["stretches"]) == 1

    term = _sij(env, "run", "--resume", "--speed", "10", "--get-ready", "0")
    term.expect("Any of these new symptoms? [y/N]")
    term.send("n\n")
    term.expect("Resuming session #1: 1 of 6 holds already recorded")
    term.expect("Stretch 1 of 3: hold 30 s, each side")
    term.expect("1. ")  # its steps
    term.expect("Knee to chest, right side. Get into position.")
    term.expect("Hold: ")
    term.expect("Knee to chest, right side: held 30 s")
    term.expect("[y/N]")  # sharp pain?
    term.send("n\n")
    term.expect("Figure 4")
    term.expect("[y/N]")
    term.send("n\n")
    term.expect("Supine twist")
    term.expect("[y/N]")
    term.send("n\n")
    term.expect("Pain after stretching:")
    term.send("2\n")
    assert term.wait() == 0
    (session,) = _history(env)
    assert session["state"] == "completed" and len(session["stretches"]) == 6


def test_ctrl_c_at_the_sharp_question_asks_it_again_on_resume(env: dict[str, str], db_path: Path) -> None:
    term = _sij(env, "run", "--speed", "20", "--get-ready", "0")
    _start(term)
    term.expect("Did you feel sharp")
    term.send("\x03")
    term.expect("Interrupted. Saved session #1 as stopped early with 2 completed holds.")
    assert term.wait() == 130

    term = _sij(env, "run", "--resume", "--speed", "20", "--get-ready", "0")
    term.expect("Any of these new symptoms? [y/N]")
    term.send("n\n")
    term.expect("Before going on: about Knee to chest")
    term.expect("Did you feel sharp")
    term.send("y\n")
    term.expect("Pain now")
    term.send("\n")
    assert term.wait() == 0
    (session,) = _history(env)
    assert session["state"] == "stopped_sharp" and [s["sharp"] for s in session["stretches"]] == [True, True]


def test_ctrl_c_before_any_hold_keeps_the_pain_score_as_a_check_in(env: dict[str, str], db_path: Path) -> None:
    term = _sij(env, "run", "--speed", "1", "--get-ready", "30")
    _start(term, pain="4")
    term.expect("Get ready: ")
    term.send("\x03")
    term.expect("no session was saved")
    assert term.wait() == 130
    assert query(db_path, "SELECT count(*) FROM practice") == [(0,)]
    assert query(db_path, "SELECT score, context FROM pain_score") == [(4, "check-in")]


def test_sigterm_during_a_hold_saves_like_ctrl_c(env: dict[str, str]) -> None:
    term = _sij(env, "run", "--speed", "10", "--get-ready", "0")
    _start(term)
    term.expect("Knee to chest, left side: held 30 s")
    term.proc.send_signal(signal.SIGTERM)
    term.expect("with 1 completed hold")
    assert term.wait() == 130
