"""`sij history` as a person sees it: on terminals 80 and 60 columns wide, and piped."""

from __future__ import annotations

import pytest

LONG_NOTE = "bad night, long car journey; felt looser after the twist and walked better"


@pytest.fixture
def diary(sij) -> None:
    assert (
        sij("log", "--at", "2026-11-20 9:00", "--pain-before", "6", "--pain-after", "4", "--note", LONG_NOTE).exit_code
        == 0
    )
    assert (
        sij("log", "--at", "2026-11-22", "--stretch", "figure-4", "--pain-before", "8", "--note", "typo").exit_code == 0
    )
    assert sij("edit", "2", "--pain-before", "3").exit_code == 0  # a typo: 8 should have been 3


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("columns", [80, 60])
def test_history_fits_the_terminal_keeping_id_date_and_whole_words(sij_terminal, diary, columns: int) -> None:
    code, screen = sij_terminal("history", columns=columns)
    assert code == 0, screen
    lines = screen.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines), screen
    rows = [line for line in lines if line.strip().startswith(("1 ", "2 "))]
    assert [r.split()[:2] for r in rows] == [["2", "2026-11-22"], ["1", "2026-11-20"]]
    # The note is wrapped at word boundaries, never cut inside a word, and nothing of it is lost.
    note_words = [w for w in LONG_NOTE.split()]
    shown = _words(screen)
    for word in note_words:
        assert word in shown, (word, screen)
    assert "…" not in "".join(line for line in lines if "journey" in line)


def test_history_piped_prints_every_note_whole_on_its_row(sij, diary) -> None:
    result = sij("history")
    assert result.exit_code == 0
    assert any(LONG_NOTE in line for line in result.stdout.splitlines())


def test_a_corrected_score_says_why_the_advice_is_there(sij, diary) -> None:
    out = sij("history").stdout
    row = next(line for line in out.splitlines() if line.strip().startswith("2 "))
    assert "advice shown at 8, corrected" in row and "severe" not in row
    assert sij("pain", "9", "--at", "2026-11-23").exit_code == 0
    assert sij("edit", "--check-in", "1", "--score", "2").exit_code == 0
    out = sij("history", "--check-ins").stdout
    assert "advice shown at 9, corrected" in out
