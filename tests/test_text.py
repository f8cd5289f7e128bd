"""The wording helpers in tracker.text: singular for one, plural otherwise."""

from __future__ import annotations

import pytest

from tracker.text import plural, signed_points


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
