"""The wording helpers in tracker.text: singular for one, plural otherwise; control characters found."""

from __future__ import annotations

import pytest

from tracker.text import first_control, is_control, plural, signed_points


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        (0, "severe score", None, "0 severe scores"),
        (1, "severe score", None, "1 severe score"),
        (2, "severe score", None, "2 severe scores"),
        (1, "day", None, "1 day"),
        (3, "child", "children", "3 children"),
        (1, "child", "children", "1 child"),
    ],
)
def test_plural(count: int, word: str, many: str | None, expected: str) -> None:
    assert plural(count, word, many) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, "+1 point"), (-1, "-1 point"), (1.0, "+1 point"), (2, "+2 points"), (0, "+0 points"), (-1.5, "-1.5 points")],
)
def test_signed_points(value: float, expected: str) -> None:
    assert signed_points(value) == expected


@pytest.mark.parametrize("keep", ["", "\t", "\n\t", "\n"])
def test_first_control_finds_what_is_control_names_in_every_code_point(keep: str) -> None:
    wrong = [
        hex(code)
        for code in range(0x110000)
        if first_control(f"a{chr(code)}b", keep=keep) != (chr(code) if is_control(chr(code), keep=keep) else None)
    ]
    assert wrong == []


def test_first_control_gives_the_first_of_several() -> None:
    assert first_control("note\u202e and \x1b[2J") == "\u202e"
    assert first_control("tab\tthen\x07", keep="\t") == "\x07"
    assert first_control("plain text, ünïcödé and \u200f marks") is None
