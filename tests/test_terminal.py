"""Prompts as a person meets them on a real (pseudo-)terminal: `sij log`'s questions and `sij undo`'s question."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import flat


def test_log_asks_before_you_started_and_at_that_time(sij_terminal, sij_process) -> None:
    code, screen = sij_terminal("log", "--at", "yesterday 9am", input="6\n4\nn\ny\nstiff\n")
    assert code == 0, screen
    text = flat(screen)
    assert "before you started" in text and "after stretching, at that time" in text and "right now" not in text
    session = json.loads(sij_process("history", "--json").stdout)[0]
    assert (session["pain_before"], session["pain_after"], session["heat"], session["time_known"]) == (6, 4, True, True)


def test_undo_shows_what_it_will_undo_and_asks(sij_terminal, sij_process) -> None:
    assert sij_process("pain", "4", "--note", "morning").returncode == 0
    assert sij_process("edit", "--check-in", "1", "--score", "5").returncode == 0
    code, screen = sij_terminal("undo", input="y\n")
    assert code == 0, screen
    text = flat(screen)
    assert "Undo your edit of pain check-in #1" in text and "[y/N]" in text
    assert "previous values back" in text
    check_in = json.loads(sij_process("history", "--check-ins", "--json").stdout)[0]
    assert check_in["score"] == 4
    result = sij_process("undo")  # no terminal: refused without --yes, nothing changed
    assert result.returncode == 2 and "--yes" in result.stderr
    assert isinstance(result, subprocess.CompletedProcess)
