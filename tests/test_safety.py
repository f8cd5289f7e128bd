"""The clinical rules at their edges, and the see-a-doctor panel as the person sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import query
from tracker import safety


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe"), (10, "severe")],
)
def test_bands(score: int, band: str) -> None:
    assert safety.band(score).value == band


@pytest.mark.parametrize("bad", [-1, 11, 3.5, True, "4"])
def test_band_refuses_non_scores(bad: object) -> None:
    with pytest.raises(ValueError):
        safety.band(bad)  # type: ignore[arg-type]


@given(st.integers(0, 10), st.booleans())
def test_needs_doctor_exactly_when_severe_or_sharp(score: int, sharp: bool) -> None:
    assert safety.needs_doctor([score], sharp) == (score >= 7 or sharp)


def test_gate_before_routine() -> None:
    assert safety.gate_before_routine(6, False).may_start
    assert not safety.gate_before_routine(7, False).may_start
    assert not safety.gate_before_routine(None, True).may_start
    assert safety.gate_before_routine(None, False).may_start


def test_screening_levels() -> None:
    none = dict.fromkeys(safety.SCREEN_CODES, False)
    assert safety.screening_level(none) is safety.Level.none
    assert safety.screening_level({**none, "U4": True}) is safety.Level.same_day
    assert safety.screening_level({**none, "U4": True, "E2": True}) is safety.Level.emergency
    assert len(safety.SCREEN_CODES) == 13
    assert safety.parse_screen_answers("nnnnny nnnnnnn")["E6"] is True
    with pytest.raises(ValueError):
        safety.parse_screen_answers("nnn")


@pytest.mark.parametrize(
    ("baseline", "current", "verdict"),
    [
        (6, 4, "meaningful improvement"),  # 2 points, 33%
        (7, 5, "no meaningful change"),  # 2 points but 28.6%
        (6, 4.5, "no meaningful change"),  # 25%, 1.5 points
        (6, 3, "substantial improvement"),  # 50%
        (4, 2, "substantial improvement"),
        (5, 7, "worsening"),
        (5, 6.5, "no meaningful change"),
        (1.5, 0, "too low to interpret"),
        (1, 3, "worsening"),
        (2, 0, "substantial improvement"),
    ],
)
def test_meaningful_change_rule(baseline: float, current: float, verdict: str) -> None:
    assert safety.classify_change(baseline, current).value == verdict


def test_doctor_advice_always_lists_the_red_flags() -> None:
    text = safety.doctor_advice(severe=True, sharp=False).as_text()
    for flag in safety.EMERGENCY_FLAGS:
        assert flag.short in text
    assert "emergency" in text and "Stop stretching" in text


def _flagged(db_path: Path) -> list[tuple[int, str]]:
    return query(db_path, "SELECT flagged, advice FROM practice")


@pytest.mark.parametrize(
    ("args", "panel"),
    [
        (["--pain-before", "6", "--pain-after", "6"], False),
        (["--pain-before", "7", "--pain-after", "3"], True),
        (["--pain-before", "2", "--pain-after", "7"], True),
        (["--pain-before", "6"], False),
        (["--pain-before", "6", "--sharp"], True),
        (["--no-sharp"], False),
        (["--sharp"], True),
    ],
)
def test_log_panel_at_six_and_seven_and_sharp(sij, db_path: Path, args: list[str], panel: bool) -> None:
    result = sij("log", *args)
    assert result.exit_code == 0, result.output
    assert ("See a doctor or physiotherapist" in result.stderr) == panel
    assert "Saved session #1" in result.stdout
    flagged, advice = _flagged(db_path)[0]
    assert bool(flagged) == panel
    if panel:
        flat = " ".join(result.stderr.replace("│", " ").split())
        for flag in safety.EMERGENCY_FLAGS:
            assert flag.short in flat
        assert "emergency department" in result.stderr
        assert "loss of bowel control" in result.stderr
        assert "emergency department" in advice
    history = json.loads(sij("history", "--json").stdout)[0]
    assert history["flagged"] == panel


@pytest.mark.parametrize(("score", "panel"), [("6", False), ("7", True), ("10", True)])
def test_pain_check_in_panel(sij, score: str, panel: bool) -> None:
    result = sij("pain", score)
    assert result.exit_code == 0
    assert ("See a doctor or physiotherapist" in result.stderr) == panel


def test_sharp_check_in_shows_panel(sij) -> None:
    result = sij("pain", "2", "--sharp")
    assert "See a doctor or physiotherapist" in result.stderr


def test_first_use_notice_once(sij) -> None:
    first = sij("stretches")
    assert "check with your doctor or physiotherapist" in first.stderr
    second = sij("stretches")
    assert "check with your doctor" not in second.stderr
