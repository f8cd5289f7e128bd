"""tracker.charts: the Figure's axes, labels and data, and the bytes of each file type (not pixels)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.test_stats import D0, daily, progress_data
from tracker import charts, stats
from tracker.errors import NothingToDo
from tracker.records import DayTotals, StretchHolds

HOLDS = [StretchHolds("knee-to-chest", "Knee to chest", 30, 2), StretchHolds("figure-4", "Figure 4", 28, 0)]


def year_of_progress() -> stats.Progress:
    values = [6] * 3 + [5] * 20 + [3] * 3
    return stats.summarize(progress_data(daily(values)))


def test_rolling_mean_uses_calendar_days() -> None:
    points = [(D0, 6.0), (D0 + timedelta(days=1), 4.0), (D0 + timedelta(days=7), 2.0), (D0 + timedelta(days=8), 4.0)]
    assert charts.rolling_mean(points) == [
        (D0, 6.0),
        (D0 + timedelta(days=1), 5.0),
        (D0 + timedelta(days=7), 3.0),  # the 1st fell out of the 7-day window, the 2nd did not
        (D0 + timedelta(days=8), 3.0),
    ]


def test_default_figure_has_three_labelled_panels() -> None:
    progress = year_of_progress()
    figure = charts.build_figure(progress, HOLDS)
    pain, calendar, holds = figure.axes
    assert "Pain before and after sessions" in pain.get_title(loc="left")
    assert "substantial" in pain.get_title(loc="left")
    assert pain.get_ylabel().startswith("Pain, 0 = none")
    labels = pain.get_legend_handles_labels()[1]
    assert "Pain before: 7-day average" in labels
    assert "Starting pain (baseline) 6" in labels
    assert any(label.startswith("Meaningful improvement") and "4 or less" in label for label in labels)
    assert calendar.get_shared_x_axes().joined(pain, calendar)
    assert "Days with a completed session: 26 of 26" in calendar.get_title(loc="left")
    assert [t.get_text() for t in calendar.get_yticklabels()] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert holds.get_title(loc="left") == "Holds completed per stretch"
    assert [t.get_text() for t in holds.get_yticklabels()] == ["Knee to chest", "Figure 4"]
    assert [p.get_width() for p in holds.patches[:2]] == [30, 28]
    assert "1 Nov 2026 to 26 Nov 2026" in figure.get_suptitle()


def test_pain_panel_plots_the_daily_means_and_marks_events() -> None:
    days = (
        DayTotals(D0, 1, 0, 5.0, 1, 4.0, 1, 0, 0),
        DayTotals(D0 + timedelta(days=1), 1, 0, 7.0, 1, 8.0, 1, 1, 2),
    )
    data = progress_data(daily([5, 7]))
    progress = stats.summarize(type(data)(**{**data.__dict__, "days": days}))
    figure = charts.build_figure(progress, HOLDS, charts.Kind.pain)
    (axes,) = figure.axes
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert list(lines["Pain before: 7-day average"].get_ydata()) == [5.0, 6.0]
    assert list(lines["Pain after: 7-day average"].get_ydata()) == [4.0, 6.0]
    labels = axes.get_legend_handles_labels()[1]
    assert "Day with sharp pain reported" in labels and "Day with severe pain (7 or more)" in labels
    assert [t.get_text() for t in axes.get_yticklabels()][-2:] == ["severe", "sharp"]


def test_markers_of_one_day_never_hide_each_other() -> None:
    day = D0 + timedelta(days=1)
    days = (
        DayTotals(D0, 1, 0, 5.0, 1, 5.0, 1, 0, 0, max_score=5),
        DayTotals(day, 1, 0, 7.0, 1, 7.0, 1, 1, 2, max_score=7, check_in_max=7, check_in_count=1),
    )
    data = progress_data(daily([5, 7]))
    progress = stats.summarize(type(data)(**{**data.__dict__, "days": days}))
    (axes,) = charts.build_figure(progress, HOLDS, charts.Kind.pain).axes
    points = {c.get_label(): [tuple(p) for p in c.get_offsets()] for c in axes.collections}
    check_in = points["Check-in (highest of the day)"]
    before, after = points["Pain before a session (daily)"], points["Pain after a session (daily)"]
    assert check_in == [(charts._x([day])[0], 7.0)]
    # The same score on the same day three times: three different places (and shapes).
    assert len({before[1], after[1], check_in[0]}) == 3
    severe, sharp = points["Day with severe pain (7 or more)"], points["Day with sharp pain reported"]
    assert severe[0][0] == sharp[0][0] and severe[0][1] != sharp[0][1]


def test_calendar_shows_today_as_open_not_missed() -> None:
    monday = date(2026, 11, 2)
    data = progress_data(done=[monday], start=monday, end=monday + timedelta(days=2), today=monday + timedelta(days=2))
    progress = stats.summarize(data)
    _, grid = charts.calendar_grid(progress)
    assert [row[0] for row in grid][:3] == [2, 0, 3]
    assert progress.adherence.today_open and progress.adherence.days_counted == 2


def test_calendar_grid_marks_done_stopped_and_missed_days() -> None:
    monday = date(2026, 11, 2)
    days = (DayTotals(monday, 1), DayTotals(monday + timedelta(days=2), 0, 1))
    data = progress_data(done=[], start=monday, end=monday + timedelta(days=8), today=monday + timedelta(days=9))
    progress = stats.summarize(type(data)(**{**data.__dict__, "days": days}))
    first, grid = charts.calendar_grid(progress)
    assert first == monday
    assert [row[0] for row in grid] == [2, 0, 1, 0, 0, 0, 0]
    assert [row[1] for row in grid] == [0, 0, -1, -1, -1, -1, -1]  # after the end of the period


@pytest.mark.parametrize(("fmt", "signature"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-"), ("svg", b"<svg")])
def test_rendered_files_have_the_right_signature(fmt: str, signature: bytes) -> None:
    content = charts.render(charts.build_figure(year_of_progress(), HOLDS, charts.Kind.stretches), fmt)
    if fmt == "svg":
        assert signature in content[:500]
    else:
        assert content.startswith(signature)


@pytest.mark.parametrize(
    ("kind", "values", "holds", "message"),
    [
        (charts.Kind.all, [], HOLDS, "Nothing recorded"),
        (charts.Kind.all, [5], HOLDS, "at least 2 days"),
        (charts.Kind.pain, [5], HOLDS, "pain scores on at least 2 days"),
        (charts.Kind.stretches, [5, 4], [], "No stretches held"),
    ],
)
def test_too_little_data_is_refused(kind: charts.Kind, values: list[int], holds: list, message: str) -> None:
    progress = stats.summarize(progress_data(daily(values)))
    with pytest.raises(NothingToDo, match=message):
        charts.check_enough(progress, holds, kind)
