"""tracker.stats and the progress rules of tracker.safety, on plain data built by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import safety, stats
from tracker.records import DatedScore, DayTotals, ProgressData
from tracker.safety import Verdict

D0 = date(2026, 11, 1)


def progress_data(
    scores: list[tuple[date, int]] | None = None,
    done: list[date] | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    pairs: list[tuple[float, float]] | None = None,
) -> ProgressData:
    """What services.progress would return for these pre-session scores and days done."""
    scores = sorted(scores or [])
    done_days = set(done if done is not None else [d for d, _ in scores])
    by_day: dict[date, list[int]] = {}
    for day, score in scores:
        by_day.setdefault(day, []).append(score)
    days = []
    for day in sorted(set(by_day) | done_days):
        mine = by_day.get(day, [])
        days.append(
            DayTotals(
                day=day,
                sessions_completed=1 if day in done_days else 0,
                before_mean=sum(mine) / len(mine) if mine else None,
                before_count=len(mine),
            )
        )
    all_days = [d.day for d in days]
    first = start or (min(all_days) if all_days else D0)
    last = end or (max(all_days) if all_days else D0)
    return ProgressData(
        start=first,
        end=last,
        today=today or last,
        days=tuple(days),
        first_before=tuple(DatedScore(d, s) for d, s in scores[:3]),
        last_before=tuple(DatedScore(d, s) for d, s in scores[-3:]),
        sessions_with_both=len(pairs or []),
        mean_change=None,
        recent_pairs=tuple(pairs or []),
        has_records=bool(days),
    )


def daily(values: list[int], first: date = D0) -> list[tuple[date, int]]:
    return [(first + timedelta(days=i), v) for i, v in enumerate(values)]


# ---- streaks --------------------------------------------------------------------------------------


def test_streaks_count_consecutive_days_and_break_on_a_gap() -> None:
    days = [D0, D0 + timedelta(1), D0 + timedelta(2), D0 + timedelta(4), D0 + timedelta(5)]
    assert stats.longest_streak(days) == 3
    assert stats.current_streak(days, D0 + timedelta(5)) == 2
    assert stats.current_streak(days, D0 + timedelta(6)) == 0


def test_current_streak_survives_until_today_is_over() -> None:
    days = [D0, D0 + timedelta(1)]
    today = D0 + timedelta(2)
    assert stats.current_streak(days, today, today) == 2  # today not done yet: yesterday's streak still counts
    assert stats.current_streak(days, today + timedelta(1), today + timedelta(1)) == 0


def test_empty_history_has_no_streaks() -> None:
    assert stats.longest_streak([]) == 0
    assert stats.current_streak([], D0, D0) == 0
    progress = stats.summarize(progress_data())
    assert progress.adherence.days_done == 0
    assert progress.adherence.current_streak == 0
    assert progress.change.verdict is Verdict.not_enough_data
    assert progress.warnings == ()
    assert progress.to_dict()["days"] == []


def _brute_longest(days: set[date]) -> int:
    best = 0
    for day in days:
        run = 0
        while day + timedelta(days=run) in days:
            run += 1
        best = max(best, run)
    return best


@given(st.sets(st.integers(min_value=0, max_value=60), max_size=40))
def test_streaks_agree_with_brute_force(offsets: set[int]) -> None:
    days = {D0 + timedelta(days=o) for o in offsets}
    longest = stats.longest_streak(days)
    assert longest == _brute_longest(days)
    end = D0 + timedelta(days=60)
    current = stats.current_streak(days, end, end)
    assert 0 <= current <= longest <= len(days)


# ---- adherence -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "length", "target", "share"),
    [
        (14, 14, 7, 1.0),
        (7, 14, 7, 0.5),
        (6, 14, 3, 1.0),  # more than the target still counts as 100%
        (3, 14, 3, 0.5),
        (0, 14, 7, 0.0),
    ],
)
def test_share_of_target_days(done: int, length: int, target: int, share: float) -> None:
    data = progress_data(
        done=[D0 + timedelta(days=i * 2 if done * 2 <= length else i) for i in range(done)],
        start=D0,
        end=D0 + timedelta(days=length - 1),
        today=D0 + timedelta(days=length),  # the period has ended
    )
    result = stats.adherence(data, target)
    assert result.days_in_period == length
    assert result.days_done == done
    assert result.share_of_target == pytest.approx(share)


def test_sessions_per_week_counts_a_short_period_as_one_week() -> None:
    data = progress_data(done=[D0], start=D0, end=D0)
    assert stats.adherence(data).sessions_per_week == pytest.approx(1.0)
    data = progress_data(done=[D0 + timedelta(days=i) for i in range(14)])
    assert stats.adherence(data).sessions_per_week == pytest.approx(7.0)


@pytest.mark.parametrize("target", [0, 8, -1])
def test_target_outside_one_to_seven_is_refused(target: int) -> None:
    with pytest.raises(ValueError):
        stats.adherence(progress_data(done=[D0]), target)


# ---- the meaningful-change rule (safety.change_verdict) at its edges -------------------------------


@pytest.mark.parametrize(
    ("first", "last", "verdict"),
    [
        ([6, 6, 6], [4, 4, 4], Verdict.meaningful),  # exactly 2 points, 33%
        ([7, 7, 7], [5, 5, 5], Verdict.no_meaningful_change),  # 2 points but only 29%
        ([10, 10, 10], [7, 7, 7], Verdict.meaningful),  # exactly 30%
        ([10, 10, 10], [8, 8, 8], Verdict.no_meaningful_change),  # 20%
        ([10, 10, 10], [5, 5, 5], Verdict.substantial),  # exactly 50%
        ([4, 4, 4], [2, 2, 2], Verdict.substantial),  # 2 points and 50%
        ([5, 5, 5], [3, 3, 3], Verdict.meaningful),  # 2 points and 40%
        ([3, 3, 3], [2, 2, 2], Verdict.no_meaningful_change),  # 33% but 1 point
        ([2, 2, 2], [0, 0, 0], Verdict.substantial),  # a baseline of exactly 2 is interpretable
        ([1, 1, 1], [0, 0, 0], Verdict.too_low),
        ([1, 1, 1], [3, 3, 3], Verdict.worsening),  # a rise of 2 matters even from a low start
        ([4, 4, 4], [6, 6, 6], Verdict.worsening),
        ([4, 4, 4], [5, 5, 5], Verdict.no_meaningful_change),
        ([9, 2, 7], [1, 8, 4], Verdict.meaningful),  # medians 7 and 4: 3 points, 43%
    ],
)
def test_change_verdict_edges(first: list[int], last: list[int], verdict: Verdict) -> None:
    assert safety.change_verdict(first, last, 14, 6) is verdict


@pytest.mark.parametrize(
    ("first", "last", "span", "total", "verdict"),
    [
        ([6, 6, 6], [2, 2, 2], 13, 6, Verdict.not_enough_data),  # 13 days apart: too soon
        ([6, 6, 6], [2, 2, 2], 14, 6, Verdict.substantial),
        ([6, 6], [2, 2, 2], 30, 6, Verdict.not_enough_data),  # fewer than 3 scores
        ([6, 6, 6], [2, 2], 30, 6, Verdict.not_enough_data),
        ([6, 6, 6], [6, 2, 2], 30, 5, Verdict.not_enough_data),  # the windows would share a score
    ],
)
def test_change_needs_enough_scores_and_time(
    first: list[int], last: list[int], span: int, total: int, verdict: Verdict
) -> None:
    assert safety.change_verdict(first, last, span, total) is verdict


@given(
    st.lists(st.integers(0, 10), min_size=3, max_size=3),
    st.lists(st.integers(0, 10), min_size=3, max_size=3),
)
def test_change_verdict_matches_its_definition(first: list[int], last: list[int]) -> None:
    baseline, current = sorted(first)[1], sorted(last)[1]
    verdict = safety.change_verdict(first, last, 14, 6)
    delta = baseline - current
    if current - baseline >= 2:
        assert verdict is Verdict.worsening
    elif baseline < 2:
        assert verdict is Verdict.too_low
    elif delta >= 2 and delta >= 0.5 * baseline:
        assert verdict is Verdict.substantial
    elif delta >= 2 and delta >= 0.3 * baseline:
        assert verdict is Verdict.meaningful
    else:
        assert verdict is Verdict.no_meaningful_change
    # The band drawn on the chart agrees with the verdict.
    if verdict in (Verdict.meaningful, Verdict.substantial):
        assert current <= safety.improvement_target(baseline) + 1e-9
    if verdict is Verdict.substantial:
        assert current <= safety.substantial_target(baseline) + 1e-9


# The windows themselves must be 14 days apart: last baseline day (day 2) to first current day (day days-3).
@pytest.mark.parametrize(("days", "verdict"), [(19, Verdict.substantial), (18, Verdict.not_enough_data)])
def test_change_over_daily_scores_windows_14_or_13_days_apart(days: int, verdict: Verdict) -> None:
    values = [6] * 3 + [4] * (days - 6) + [2] * 3
    progress = stats.summarize(progress_data(daily(values)))
    assert progress.change.verdict is verdict
    assert progress.change.span_days == days - 1
    assert progress.change.gap_days == days - 5
    if verdict is Verdict.substantial:
        assert progress.change.baseline.median == 6 and progress.change.current.median == 2
        assert progress.change.points == 4
        assert progress.change.fraction == pytest.approx(4 / 6)
        data = progress.to_dict()["change"]
        assert data["verdict"] == "substantial"
        assert data["baseline_window"] == {"scores": [6, 6, 6], "first_day": "2026-11-01", "last_day": "2026-11-03"}
        assert data["current_window"]["last_day"] == (D0 + timedelta(days=days - 1)).isoformat()
        assert data["improvement_target"] == 4.0 and data["substantial_target"] == 3.0
    else:
        assert progress.change.points is None
        assert progress.to_dict()["change"]["text"].startswith("Not enough data yet")


# ---- warnings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "warned"),
    [
        ([(3, 4), (3, 4), (3, 4), (3, 2), (3, 2)], True),  # after above before in 3 of the last 5
        ([(3, 4), (3, 4), (3, 3), (3, 2), (3, 2)], False),  # only 2 of 5
        ([(3, 4), (3, 4), (3, 4)], True),  # 3 sessions so far, all worse
        ([(3, 4), (3, 4)], False),
        ([(3, 2)] * 5 + [(3, 4)] * 5, False),  # older sessions do not count
    ],
)
def test_stretching_seems_to_hurt(pairs: list[tuple[float, float]], warned: bool) -> None:
    progress = stats.summarize(progress_data(daily([4, 4]), pairs=pairs))
    codes = [w.code for w in progress.warnings]
    assert ("stretching_seems_to_hurt" in codes) is warned


def test_worsening_also_says_stretching_seems_to_hurt() -> None:
    progress = stats.summarize(progress_data(daily([3] * 3 + [4] * 13 + [6] * 3)))
    assert progress.change.verdict is Verdict.worsening
    assert [w.code for w in progress.warnings] == ["stretching_seems_to_hurt"]
    assert "GP or physiotherapist" in progress.warnings[0].text


def test_no_improvement_after_14_days_of_regular_use() -> None:
    progress = stats.summarize(progress_data(daily([5] * 19)))
    assert progress.change.verdict is Verdict.no_meaningful_change
    assert [w.code for w in progress.warnings] == ["no_improvement"]
    assert "GP or physiotherapist" in progress.warnings[0].text


def test_no_improvement_warning_waits_for_regular_use() -> None:
    scores = daily([5] * 3) + [(D0 + timedelta(days=20 + i), 5) for i in range(3)]
    progress = stats.summarize(progress_data(scores))  # 6 days done in 23: under 3 a week
    assert progress.change.verdict is Verdict.no_meaningful_change
    assert progress.warnings == ()


def test_improvement_gives_no_warning() -> None:
    progress = stats.summarize(progress_data(daily([7] * 3 + [5] * 13 + [4] * 3)))
    assert progress.change.verdict is Verdict.meaningful
    assert progress.warnings == ()


# ---- output helpers -------------------------------------------------------------------------------


def test_sparkline_uses_a_fixed_scale_and_blanks_for_missing_days() -> None:
    assert stats.sparkline([0, 10, None, 5]) == "▁█ ▅"


def test_daily_pain_covers_the_last_days_of_the_period() -> None:
    progress = stats.summarize(progress_data(daily([4, 5]), end=D0 + timedelta(days=3)))
    assert progress.daily_pain(5) == [None, 4.0, 5.0, None, None]


def test_json_keys_are_stable() -> None:
    data = stats.summarize(progress_data(daily([5, 4]))).to_dict()
    assert list(data) == ["period", "adherence", "pain", "change", "change_since_start", "warnings", "days"]
    assert data["change_since_start"] == data["change"]  # no --since: the same comparison
    assert set(data["adherence"]) == {
        "target_per_week",
        "days_done",
        "target_days",
        "share_of_target",
        "sessions_completed",
        "sessions_stopped",
        "sessions_per_week",
        "current_streak",
        "longest_streak",
        "days_counted",
        "today_open",
    }
    assert set(data["pain"]) == {
        "mean_before",
        "scores_before",
        "mean_after",
        "scores_after",
        "mean_change",
        "sessions_with_both",
        "sharp_events",
        "severe_events",
        "severe_entries",
        "paired_before",
        "paired_after",
        "best_day",
        "worst_day",
    }
    assert data["days"][0] == {
        "day": "2026-11-01",
        "sessions": 1,
        "sessions_stopped": 0,
        "pain_before": 5.0,
        "pain_after": None,
        "sharp_events": 0,
        "severe_events": 0,
    }
