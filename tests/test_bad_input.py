"""Bad input, everywhere: every command and option refuses malformed values the same way.

Exit status 2, one message naming the option (or argument), no traceback, nothing written.
To cover a new command, add its rows to BAD_INPUT: (the arguments, the option the message must name).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import snapshot

LONG = "x" * 2001  # one over the 2,000-character limit on notes
HUGE = "y" * 5000
CONTROL = "bad\x1b[31mred\x07"  # an escape sequence and a bell
DATES = ["2026-02-30", "2026-13-01", "24/11/2026", "soon", "", "2026-11-24T25:00", "2027-01-01"]
DAYS = ["2026-02-30", "2026-13-01", "24/11/2026", "soon", ""]
PAINS = ["11", "-1", "abc", "", "3.5", "1e1", "٣"]  # ٣ is an Arabic-Indic three: not accepted as a digit
COUNTS = ["0", "-1", "abc", "", "1.5"]

RUN = ("run", "--yes", "--speed", "1000", "--get-ready", "0")

BAD_INPUT: list[tuple[tuple[str, ...], str]] = [
    # sij log
    *[(("log", "--pain-before", v), "--pain-before") for v in PAINS],
    *[(("log", "--pain-after", v), "--pain-after") for v in PAINS],
    *[(("log", "--at", v), "--at") for v in DATES],
    *[(("log", "--stretch", v), "--stretch") for v in ("pigeon", "", CONTROL, HUGE)],
    (("log", "--stretch", "figure-4", "--stretch", "pigeon"), "--stretch"),
    *[(("log", "--routine", v), "--routine") for v in ("nope", "", CONTROL, HUGE)],
    *[(("log", "--note", v), "--note") for v in (LONG, CONTROL, "tab\tok but nul\x00 not")],
    # sij pain N
    *[(("pain", v), "N") for v in PAINS],
    *[(("pain", "3", "--at", v), "--at") for v in DATES],
    *[(("pain", "3", "--note", v), "--note") for v in (LONG, CONTROL)],
    # sij history
    *[(("history", "--since", v), "--since") for v in DAYS],
    *[(("history", "--until", v), "--until") for v in DAYS],
    (("history", "--since", "2026-11-20", "--until", "2026-11-01"), "--since"),
    *[(("history", "--limit", v), "--limit") for v in COUNTS],
    # sij run
    *[((*RUN, "--pain-before", v), "--pain-before") for v in PAINS],
    *[((*RUN, "--pain-after", v), "--pain-after") for v in PAINS],
    *[((*RUN, "--hold", v), "--hold") for v in ("4", "601", "abc", "", "-5")],
    *[(("run", "--yes", "--get-ready", v), "--get-ready") for v in ("61", "-1", "abc", "")],
    *[(("run", "--yes", "--speed", v), "--speed") for v in ("0", "-1", "abc", "", "nan", "inf", "20000")],
    *[((*RUN, "--routine", v), "--routine") for v in ("nope", "", CONTROL)],
    (("run", "--speed", "1000"), "--yes"),  # no terminal and no --yes
    # sij screen
    *[(("screen", "--answers", v), "--answers") for v in ("", "yyy", "y" * 14, "yynnyynnyynnx", CONTROL)],
    (("screen",), "--answers"),  # no terminal and no answers
    # sij stretches
    *[(("stretches", "show", v), "SLUG") for v in ("pigeon", "", CONTROL, HUGE)],
    # sij db
    *[(("db", "backup", v), "PATH") for v in ("", "  ", "a\x07b")],
    # global options
    (("--db", "", "history"), "--db"),
    (("log", "--no-such-option"), "--no-such-option"),
]


def _id(case: tuple[tuple[str, ...], str]) -> str:
    args, _ = case
    return " ".join(repr(a)[1:-1][:20] or "''" for a in args)


@pytest.fixture
def ready(sij, db_path: Path) -> Path:
    """A database holding one of everything, so 'nothing written' is checked against real content."""
    assert sij("log", "--pain-before", "4", "--pain-after", "3").exit_code == 0
    assert sij("pain", "2").exit_code == 0
    return db_path


@pytest.mark.parametrize("case", BAD_INPUT, ids=[_id(c) for c in BAD_INPUT])
def test_bad_input_is_refused_naming_the_option(sij, ready: Path, case: tuple[tuple[str, ...], str]) -> None:
    args, option = case
    before = snapshot(ready)
    result = sij(*args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.count("Error") == 1
    assert snapshot(ready) == before


def test_error_messages_show_control_characters_harmlessly(sij, ready: Path) -> None:
    result = sij("stretches", "show", CONTROL)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


UNICODE_NOTES = [
    "Après la douche 🙂",
    "שלום, כואב קצת",  # right-to-left
    "مرحبا ١٢٣",  # Arabic with Arabic-Indic digits
    "e\u0301 n\u0303 a\u030a",  # combining marks, not precomposed
    "👩🏽‍⚕️ said: 🧘‍♀️ ×3",  # emoji with skin tone and zero-width joiners
    "日本語のメモ\tタブ\n二行目",
    "\u200fmixed \u202eRTL override\u202c end",
    "x" * 2000,
]


@pytest.mark.parametrize("note", UNICODE_NOTES, ids=range(len(UNICODE_NOTES)))
def test_notes_keep_any_unicode_exactly(sij, note: str) -> None:
    import json

    assert sij("log", "--note", note).exit_code == 0
    assert json.loads(sij("history", "--json").stdout)[0]["note"] == note
