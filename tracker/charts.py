"""Matplotlib figures for `sij plot`, built from plain data (tracker.stats.Progress, tracker.records).

Imported only by the commands that draw. Builds `matplotlib.figure.Figure` directly: no pyplot, no
global style or backend changes. Colours are the Okabe-Ito palette, which colour-blind readers can tell apart.
"""

from __future__ import annotations

import enum
import io
import re
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker import safety
from tracker.errors import NothingToDo
from tracker.records import DayTotals, StretchHolds
from tracker.stats import Progress, RatingsView, half_up

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#DDDDDD"

BEFORE_COLOUR = VERMILLION
AFTER_COLOUR = BLUE
ROLLING_DAYS = 7
LONG_ROLLING_DAYS = 28
LONG_PERIOD_DAYS = 400
EVENT_STRIP = 11.0  # y position of the severe markers, above the 0-10 scale
SHARP_ROW = 11.6  # sharp pain, on its own row so that a day with both shows both
SCREEN_ROW = 12.2  # red-flag screens needing action (the PDF report's chart)
CHECK_IN_COLOUR = PURPLE
TODAY_COLOUR = "#CDE7F6"  # a pale sky blue: today, still open
FORMATS = ("png", "svg", "pdf")


class Kind(str, enum.Enum):
    all = "all"
    pain = "pain"
    adherence = "adherence"
    stretches = "stretches"
    function = "function"


def rolling_mean(points: Sequence[tuple[date, float]], days: int = ROLLING_DAYS) -> list[tuple[date, float]]:
    """For each dated value, the mean of the values of the `days` calendar days ending that day."""
    result: list[tuple[date, float]] = []
    window: list[tuple[date, float]] = []
    total = 0.0
    head = 0
    for day, value in points:
        window.append((day, value))
        total += value
        while window[head][0] <= day - timedelta(days=days):
            total -= window[head][1]
            head += 1
        result.append((day, total / (len(window) - head)))
    return result


def check_enough(
    progress: Progress, holds: Sequence[StretchHolds], kind: Kind, ratings: RatingsView | None = None
) -> None:
    """Refuse to draw a chart that would be empty or say nothing; the message says what is missing."""
    period = f"between {progress.start} and {progress.end}"
    pain_days = sum(1 for d in progress.days if d.before_count or d.after_count)
    session_days = sum(1 for d in progress.days if d.sessions_completed or d.sessions_stopped)
    if not progress.days and kind is not Kind.function:
        raise NothingToDo(
            f"Nothing recorded {period}, so there is nothing to plot; record sessions with `sij run` or `sij log`."
        )
    if kind is Kind.pain and pain_days < 2:
        raise NothingToDo(
            f"A pain chart needs pain scores on at least 2 days {period} (found {pain_days}); "
            "record pain with `sij log --pain-before N --pain-after N`."
        )
    if kind is Kind.adherence and session_days < 1:
        raise NothingToDo(f"No sessions {period} to show on a calendar; record one with `sij run` or `sij log`.")
    if kind is Kind.stretches and not any(h.completed or h.not_completed for h in holds):
        raise NothingToDo(f"No stretches held {period}; record a session with `sij run` or `sij log`.")
    if kind is Kind.function and (ratings is None or not ratings.ratings):
        raise NothingToDo(
            f"No activity ratings or impressions of change {period}; rate your activities with `sij activities rate`."
        )
    if kind is Kind.all and len(progress.days) < 2:
        raise NothingToDo(
            f"Only one day has records {period}; the charts need at least 2 days. Keep recording and try again."
        )


def build_figure(
    progress: Progress, holds: Sequence[StretchHolds], kind: Kind = Kind.all, ratings: RatingsView | None = None
) -> Figure:
    """The figure for `sij plot --kind KIND`. Call check_enough first.

    With ratings in the period, the full figure gains a function panel (activities, their mean, impressions marked).
    """
    from matplotlib.figure import Figure

    with_function = ratings is not None and bool(ratings.ratings)
    if kind is Kind.all:
        panels = 4 if with_function else 3
        figure = Figure(figsize=(11, 13 if with_function else 10), dpi=110, layout="constrained")
        ratios = [3.2, 2.4, 1.6, 1.3] if with_function else [3.2, 1.6, 1.3]
        grid = figure.add_gridspec(panels, 1, height_ratios=ratios)
        pain_axes = figure.add_subplot(grid[0])
        draw_pain(pain_axes, progress)
        row = 1
        if with_function:
            assert ratings is not None
            function_axes = figure.add_subplot(grid[1], sharex=pain_axes)
            draw_function(function_axes, ratings, progress.start, progress.end)
            row = 2
        calendar_axes = figure.add_subplot(grid[row], sharex=pain_axes)
        holds_axes = figure.add_subplot(grid[row + 1])
        draw_calendar(calendar_axes, progress)
        draw_holds(holds_axes, holds)
    elif kind is Kind.function:
        assert ratings is not None
        figure = Figure(figsize=(11, 5), dpi=110, layout="constrained")
        draw_function(figure.add_subplot(), ratings, progress.start, progress.end)
    else:
        figure = Figure(figsize=(11, 5 if kind is Kind.pain else 3.6), dpi=110, layout="constrained")
        axes = figure.add_subplot()
        if kind is Kind.pain:
            draw_pain(axes, progress)
        elif kind is Kind.adherence:
            draw_calendar(axes, progress)
        else:
            draw_holds(axes, holds)
    figure.suptitle(f"SI joint stretching: {_long(progress.start)} to {_long(progress.end)}", fontsize=14)
    return figure


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _x(days: Sequence[date]) -> Any:
    """Dates as Matplotlib's float day numbers (what the date axes work in)."""
    import matplotlib.dates as mdates

    return mdates.date2num(list(days))


def _date_axis(axes: Axes, start: date, end: date) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlim(_x([start - timedelta(days=1)])[0], _x([end + timedelta(days=1)])[0])


def draw_pain(axes: Axes, progress: Progress) -> None:
    """Daily pain before and after sessions, 7-day rolling means, the baseline, the improvement band, events."""
    days: Sequence[DayTotals] = progress.days
    before = [(d.day, d.before_mean) for d in days if d.before_mean is not None]
    after = [(d.day, d.after_mean) for d in days if d.after_mean is not None]
    check_ins = [(d.day, float(d.check_in_max)) for d in days if d.check_in_max is not None]
    size, alpha = (22, 0.6) if len(days) <= 120 else (6, 0.35)
    # Over more than about a year a 7-day average is mostly noise at this width; a 4-week one shows the trend.
    window = ROLLING_DAYS if (progress.end - progress.start).days <= LONG_PERIOD_DAYS else LONG_ROLLING_DAYS
    # Markers of one day never hide each other: each kind has its own shape and sits a little apart in time.
    nudge = same_day_nudge(progress.start, progress.end)
    for points, colour, label, shift in (
        (before, BEFORE_COLOUR, "before", -nudge),
        (after, AFTER_COLOUR, "after", nudge),
    ):
        if not points:
            continue
        x, y = zip(*points, strict=True)
        marker: dict[str, Any] = {"marker": "o", "color": colour, "alpha": alpha, "linewidths": 0}
        if label == "after":
            marker = {"marker": "s", "facecolors": "none", "edgecolors": colour, "linewidths": 1.0}
        axes.scatter(_x(x) + shift, y, s=size, label=f"Pain {label} a session (daily)", **marker)
        rolled = rolling_mean(points, window)
        axes.plot(
            _x([d for d, _ in rolled]),
            [v for _, v in rolled],
            color=colour,
            linewidth=2,
            label=f"Pain {label}: {window}-day average",
        )
    if check_ins:
        x, y = zip(*check_ins, strict=True)
        axes.scatter(
            _x(x),
            y,
            s=size * 1.6,
            marker="^",
            facecolors="none",
            edgecolors=CHECK_IN_COLOUR,
            linewidths=1.2,
            label="Check-in (highest of the day)",
            zorder=4,
        )
    # The baseline is the person's first scores, also on a chart of a chosen period (as the report's verdict).
    change = progress.change_since_start
    if change.baseline.median is not None and change.baseline.median >= safety.MIN_BASELINE:
        baseline = change.baseline.median
        axes.axhline(
            baseline, color=BLACK, linestyle="--", linewidth=1.2, label=f"Starting pain (baseline) {baseline:g}"
        )
        if change.improvement_target is not None and change.improvement_target > 0:
            axes.axhspan(
                0,
                change.improvement_target,
                color=GREEN,
                alpha=0.15,
                linewidth=0,
                label=f"Meaningful improvement: pain before\nsessions at {change.improvement_target:g} or less",
            )
    sharp = [d.day for d in days if d.sharp_events]
    severe = [d.day for d in days if d.severe_events]
    # Events sit in rows above the 0-10 scale, so they never hide a score or each other.
    axes.axhline(EVENT_STRIP - 0.45, color=GREY, linewidth=0.8)
    if severe:
        axes.scatter(
            _x(severe),
            [EVENT_STRIP] * len(severe),
            marker="v",
            s=40,
            color=PURPLE,
            label="Day with severe pain (7 or more)",
        )
    if sharp:
        axes.scatter(
            _x(sharp),
            [SHARP_ROW] * len(sharp),
            marker="x",
            s=40,
            color=BLACK,
            linewidths=1.6,
            label="Day with sharp pain reported",
        )
    axes.set_ylim(-0.3, SHARP_ROW + 0.6)
    axes.set_yticks([*range(0, 11), EVENT_STRIP, SHARP_ROW], [*map(str, range(0, 11)), "severe", "sharp"])
    axes.set_ylabel("Pain, 0 = none … 10 = worst")
    title = textwrap.fill(("Since the start: " if progress.limited else "") + change.text, width=90)
    if change.caution:
        title += "\n" + textwrap.fill(change.caution, width=110)
    axes.set_title(f"Pain before and after sessions\n{title}", fontsize=11, loc="left")
    axes.grid(axis="y", color=GREY, linewidth=0.6)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    _date_axis(axes, progress.start, progress.end)


ACTIVITY_COLOURS = (SKY_BLUE, ORANGE, PURPLE, BLUE, VERMILLION)
IMPRESSION_COLOURS = {1: GREEN, 2: GREEN, 3: BLACK, 4: BLACK, 5: BLACK, 6: VERMILLION, 7: VERMILLION}


def draw_function(axes: Axes, ratings: RatingsView, start: date, end: date) -> None:
    """Each activity's ratings (thin), the function score (their mean per day, thick), the starting score and the
    meaningful-improvement band above it (higher is better), and each impression of change marked above the scale."""
    function = [r for r in ratings.ratings if r.kind == "function"]
    by_activity: dict[int, list[tuple[date, int]]] = {}
    names: dict[int, str] = {}
    for r in function:
        assert r.activity_id is not None
        by_activity.setdefault(r.activity_id, []).append((r.day, r.value))
        names[r.activity_id] = r.activity_text or f"activity {r.activity_id}"
    for n, (activity_id, points) in enumerate(sorted(by_activity.items())):
        x, y = zip(*points, strict=True)
        label = textwrap.shorten(names[activity_id], width=40, placeholder="…")
        colour = ACTIVITY_COLOURS[n % len(ACTIVITY_COLOURS)]
        axes.plot(_x(x), y, color=colour, linewidth=1, marker="o", markersize=3, alpha=0.7, label=label)
    daily: dict[date, list[int]] = {}
    for r in function:
        daily.setdefault(r.day, []).append(r.value)
    if daily:
        days = sorted(daily)
        axes.plot(
            _x(days),
            [sum(daily[d]) / len(daily[d]) for d in days],
            color=GREEN,
            linewidth=2.4,
            label="Function score (mean of the activities rated)",
        )
    summary = ratings.function
    if summary.baseline is not None:
        starting = f"Starting score {half_up(summary.baseline)}"
        axes.axhline(summary.baseline, color=BLACK, linestyle="--", linewidth=1.2, label=starting)
        target = summary.baseline + safety.FUNCTION_MEANINGFUL_POINTS
        if target <= safety.FUNCTION_MAX:
            axes.axhspan(
                target,
                safety.FUNCTION_MAX,
                color=GREEN,
                alpha=0.12,
                linewidth=0,
                label=f"Meaningful improvement: {half_up(target)} or more",
            )
    impressions = [r for r in ratings.ratings if r.kind == "impression"]
    axes.axhline(EVENT_STRIP - 0.45, color=GREY, linewidth=0.8)
    for r in impressions:
        colour = IMPRESSION_COLOURS[r.value]
        axes.axvline(_x([r.day])[0], color=colour, linewidth=0.8, alpha=0.5, linestyle=":")
        axes.annotate(
            str(r.value),
            (_x([r.day])[0], EVENT_STRIP),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
            color="white",
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": colour, "edgecolor": "none"},
        )
    if impressions:
        axes.plot(
            [], [], linestyle=":", color=BLACK, label="Impression of change (1 very much better … 7 very much worse)"
        )
    axes.set_ylim(-0.3, EVENT_STRIP + 0.6)
    axes.set_yticks([*range(0, 11, 2), EVENT_STRIP], [*map(str, range(0, 11, 2)), "change"])
    axes.set_ylabel("Function, 0 = cannot … 10 = as before")
    verdict = textwrap.fill(summary.text, width=90)
    axes.set_title(f"What you can do (higher is better)\n{verdict}", fontsize=11, loc="left")
    axes.grid(axis="y", color=GREY, linewidth=0.6)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    _date_axis(axes, start, end)


def same_day_nudge(start: date, end: date) -> float:
    """How far (in days) before and after markers sit either side of their day: visible at any period length."""
    return 0.22 * max(1.0, ((end - start).days + 1) / 120)


def calendar_grid(progress: Progress) -> tuple[date, list[list[int]]]:
    """Weeks (columns, from the Monday on or before the start) by weekdays (rows, Monday first).

    Cell values: -1 outside the period, 0 nothing done, 1 a session stopped early only, 2 a completed session,
    3 today while it is still open (not a missed day until it has ended).
    """
    first_monday = progress.start - timedelta(days=progress.start.weekday())
    weeks = (progress.end - first_monday).days // 7 + 1
    grid = [[-1] * weeks for _ in range(7)]
    by_day = {d.day: d for d in progress.days}
    day = progress.start
    while day <= progress.end:
        entry = by_day.get(day)
        value = 0
        if entry is not None and entry.sessions_completed:
            value = 2
        elif entry is not None and entry.sessions_stopped:
            value = 1
        elif day == progress.today:
            value = 3
        grid[day.weekday()][(day - first_monday).days // 7] = value
        day += timedelta(days=1)
    return first_monday, grid


def draw_calendar(axes: Axes, progress: Progress) -> None:
    """An adherence calendar like a consistency graph: one column per week, one row per weekday."""
    import matplotlib.dates as mdates
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    first_monday, grid = calendar_grid(progress)
    weeks = len(grid[0])
    edges = [mdates.date2num(first_monday + timedelta(weeks=w)) for w in range(weeks + 1)]
    colours = ["#FFFFFF", GREY, ORANGE, GREEN, TODAY_COLOUR]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm([-1.5, -0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    axes.pcolormesh(edges, range(8), grid, cmap=cmap, norm=norm, edgecolors="white", linewidth=0.5 if weeks < 80 else 0)
    axes.set_ylim(7, 0)
    axes.set_yticks([i + 0.5 for i in range(7)], ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], fontsize=8)
    a = progress.adherence
    axes.set_title(
        f"Days with a completed session: {a.days_done} of {a.days_counted}"
        + (" (today not over yet)" if a.today_open else "")
        + " "
        f"(current streak {a.current_streak}, longest {a.longest_streak})",
        fontsize=11,
        loc="left",
    )
    axes.legend(
        handles=[
            Patch(color=GREEN, label="Routine done"),
            Patch(color=ORANGE, label="Stopped early only"),
            Patch(color=GREY, label="Not done"),
            *([Patch(color=TODAY_COLOUR, label="Today, not over yet")] if any(3 in row for row in grid) else []),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    _date_axis(axes, progress.start, progress.end)


def draw_holds(axes: Axes, holds: Sequence[StretchHolds]) -> None:
    """Horizontal bars: holds completed, and holds started but not completed, per stretch."""
    names = [h.name for h in holds]
    done = [h.completed for h in holds]
    missed = [h.not_completed for h in holds]
    positions = list(range(len(holds)))
    axes.barh(positions, done, height=0.6, color=BLUE, label="Completed")
    if any(missed):
        axes.barh(positions, missed, left=done, height=0.6, color=ORANGE, label="Started, not completed")
    widest = max((d + m for d, m in zip(done, missed, strict=True)), default=1) or 1
    for y, total, miss in zip(positions, done, missed, strict=True):
        outside = f" {miss} not completed" if miss else ""
        if total >= 0.4 * widest:  # the count fits inside its bar
            axes.text(total, y, f"{total} completed ", va="center", ha="right", fontsize=9, color="white")
        else:
            outside = f" {total} completed" + (f",{outside}" if outside else "")
        if outside:
            axes.text(total + miss, y, outside, va="center", fontsize=9)
    axes.set_yticks(positions, names, fontsize=9)
    axes.set_ylim(len(holds) - 0.5, -0.5)
    axes.set_xlim(0, widest * 1.3)
    axes.set_xlabel("Holds (one side held once counts as one)")
    axes.set_title("Holds completed per stretch", fontsize=11, loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def render(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG, SVG or PDF bytes (the Agg canvas renders PNG; no display needed)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": "sij"} if fmt == "png" else {"Creator": "sij"}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def report_pain_figure(progress: Progress, screen_days: Sequence[date], width: float, height: float) -> Figure:
    """Page 1 of the PDF report: daily pain with its average, plus days with a session and red-flag screens
    needing action. `width` and `height` in points; the legend sits under the axes. Call check_enough first."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width / 72, height / 72), facecolor="none")
    below = 68.0  # date labels and four rows of legend entries under the axes
    axes = figure.add_axes((34 / width, below / height, 1 - 40 / width, 1 - (below + 2) / height))
    draw_pain(axes, progress)
    axes.set_title("", loc="left")  # the verdict is in its own box on the page
    axes.xaxis.get_offset_text().set_visible(False)  # the year is in the period line
    session_row = -1.2
    session_days = [d.day for d in progress.days if d.sessions_completed or d.sessions_stopped]
    if session_days:
        axes.scatter(_x(session_days), [session_row] * len(session_days), marker="|", s=30, color=GREEN,
                     linewidths=1.2, label="Day with a session")  # fmt: skip
    if screen_days:
        axes.scatter(_x(screen_days), [SCREEN_ROW] * len(screen_days), marker="D", s=28, color=ORANGE,
                     edgecolors=BLACK, linewidths=0.6, label="Red-flag screen needing action", zorder=5)  # fmt: skip
    axes.set_ylim(session_row - 0.7, SCREEN_ROW + 0.6)
    # The three event rows are too close at this size for a label each; their markers are in the legend.
    axes.set_yticks([session_row, *range(0, 11, 2), SHARP_ROW], ["sessions", *map(str, range(0, 11, 2)), "events"])
    axes.tick_params(labelsize=6.5, length=2)
    axes.set_ylabel("")
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    axes.legend(loc="upper left", bbox_to_anchor=(-0.06, -16 / (height - below)), ncol=3, fontsize=6.3,
                frameon=False, handlelength=1.6, columnspacing=1.2, borderaxespad=0)  # fmt: skip
    return figure


def render_svg(figure: Figure) -> bytes:
    """The figure as SVG with the same bytes for the same figure (no date, fixed ids), its words as SVG text in
    DejaVu Sans (the PDF embeds that font) rather than a path per glyph: vector, and quick for fpdf2 to read."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "sij", "svg.fonttype": "none"}):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    # fpdf2 does not read <metadata>, and it paints a shape without a fill style in the fill of the shape before
    # it, where SVG means black: Matplotlib leaves black text unstyled, so it is given its colour here.
    svg = re.sub(rb"<metadata>.*?</metadata>", b"", buffer.getvalue(), flags=re.S)
    # Matplotlib's "px" are its points (fpdf2 reads a px as 0.75 pt).
    svg = re.sub(rb"font-size: ([0-9.]+)px", rb"font-size: \1pt", svg)
    # fpdf2 deep-copies a marker's shape for every <use> of it, which costs it more than reading the shape again:
    # each marker is written out in place, its shape's own style after the inherited one (as SVG ranks them).
    shapes = {
        m[1]: (m[2], m[3] or b"")
        for m in re.finditer(rb'<path id="([^"]+)" d="([^"]*)"(?: style="([^"]*)")?\s*/>', svg)
    }

    def in_place(use: re.Match[bytes]) -> bytes:
        if use[1] not in shapes:
            return use[0]
        shape, own = shapes[use[1]]
        style = b"; ".join(part for part in (use[4], own) if part)
        return b'<path d="%s" transform="translate(%s %s)" style="%s"/>' % (shape, use[2], use[3], style)

    svg = re.sub(rb'<use xlink:href="#([^"]+)" x="([^"]+)" y="([^"]+)" style="([^"]*)"/>', in_place, svg)
    return svg.replace(b'<text style="', b'<text style="fill: #000000; ')
