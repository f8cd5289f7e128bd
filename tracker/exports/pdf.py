"""The clinician's PDF report: page 1 is a summary read in a minute, the following pages the full chronological log.

Plain data in (ExportData with its `progress`), bytes out. Matplotlib's PDF backend draws A4 portrait pages
(`PdfPages` with `Figure()` pages, no pyplot) with TrueType (type 42) fonts so the text can be extracted.
Numbers come from tracker.stats, thresholds and texts from tracker.safety, the chart from tracker.charts.
Matplotlib is imported inside the functions, so the registry can list this format without loading it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker import safety
from tracker.errors import NothingToDo
from tracker.exports.base import ExportData, Exporter, ExportOptions, SessionItem
from tracker.exports.report import Event, Report, StretchRow, person_note, screen_words, split_advice
from tracker.text import plural

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.stats import Change

# A4 portrait in points (1/72 inch): the paper size of most clinics outside North America; Letter readers
# lose only a few millimetres at the bottom margin when printing it.
PAGE_W, PAGE_H = 595.28, 841.89
MARGIN = 40.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 24.0  # baseline of the footer
BODY_BOTTOM = PAGE_H - 44.0  # nothing but the footer below this

TITLE = "SI joint stretching record"
INK = "#1A1A1A"
MUTED = "#5A5A5A"
RULE = "#BBBBBB"
ALERT = "#B2182B"  # safety events
ALERT_BG = "#FBEAEA"
SHADE = "#F0F0F0"
VERDICT_COLOURS = {  # (text, background) by tracker.safety.Verdict name
    "substantial": ("#00603F", "#E3F4EC"),
    "meaningful": ("#00603F", "#E3F4EC"),
    "worsening": (ALERT, ALERT_BG),
}
NEUTRAL_VERDICT = ("#1A1A1A", "#EDEDED")

MAX_EVENTS_PAGE1 = 5
EVENT_ROW = 20.0  # two lines: what was reported, and the advice shown
MAX_NOTES_PAGE1 = 4
MAX_STRETCH_ROWS = 8
MAX_NOTE_LINES = 4  # a note in the log wraps to at most this many lines, then ends with "…"
MAX_ADVICE_LINES = 14

STATE_TEXT = {"completed": "completed", "stopped_sharp": "stopped: sharp pain", "aborted": "stopped early"}
SIDE_TEXT = {"left": "left", "right": "right", "both": "both"}
SIDE_SHORT = {"left": "L", "right": "R", "both": "both"}
CONTEXT_ORDER = {"before": 0, "during": 1, "after": 2, "check-in": 3}


# ---- measuring and fitting text ------------------------------------------------------------------


class Fonts:
    """Text widths in points, measured with the same font files the PDF embeds."""

    def __init__(self) -> None:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        self._measure = TextToPath()
        self._props: dict[tuple[float, bool], Any] = {}
        self._cache: dict[tuple[str, float, bool], float] = {}
        self._font_properties = FontProperties

    def prop(self, size: float, bold: bool = False) -> Any:
        key = (size, bold)
        if key not in self._props:
            self._props[key] = self._font_properties(
                family="DejaVu Sans", size=size, weight="bold" if bold else "normal"
            )
        return self._props[key]

    def width(self, text: str, size: float, bold: bool = False) -> float:
        key = (text, size, bold)
        if key not in self._cache:
            w, _, _ = self._measure.get_text_width_height_descent(text, self.prop(size, bold), ismath=False)
            self._cache[key] = float(w)
        return self._cache[key]

    def fit(self, text: str, width: float, size: float, bold: bool = False) -> str:
        """`text` on one line, cut with "…" if it is wider than `width`."""
        text = " ".join(text.split())
        if self.width(text, size, bold) <= width:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with the ellipsis
            mid = (low + high + 1) // 2
            if self.width(text[:mid].rstrip() + "…", size, bold) <= width:
                low = mid
            else:
                high = mid - 1
        return text[:low].rstrip() + "…"

    def wrap(self, text: str, width: float, size: float, bold: bool = False, max_lines: int = 0) -> list[str]:
        """Greedy word wrap to `width`; paragraphs kept; at most `max_lines` (0: no limit), the last ending "…"."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            words = paragraph.split()
            current = ""
            for word in words:
                candidate = f"{current} {word}" if current else word
                if self.width(candidate, size, bold) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                while self.width(word, size, bold) > width:  # a word longer than the line: cut it
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut], size, bold) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                current = word
            if current or not words:
                lines.append(current)
        while lines and not lines[-1]:
            lines.pop()
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1] + " …", width, size, bold)
            if not lines[-1].endswith("…"):
                lines[-1] = self.fit(lines[-1] + "……", width, size, bold)
        return lines


# ---- drawing on a page in points from the top left -----------------------------------------------


class Page:
    def __init__(self, figure: Figure, fonts: Fonts) -> None:
        self.figure = figure
        self.fonts = fonts

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float = 8.0,
        *,
        bold: bool = False,
        colour: str = INK,
        align: str = "left",
        italic: bool = False,
    ) -> None:
        self.figure.text(
            x / PAGE_W,
            1 - baseline / PAGE_H,
            text,
            fontproperties=self.fonts.prop(size, bold),
            color=colour,
            ha=align,
            va="baseline",
            style="italic" if italic else "normal",
            parse_math=False,  # a "$" in a note is a dollar sign, not mathematics
        )

    def rule(self, y: float, x0: float = MARGIN, x1: float = PAGE_W - MARGIN, colour: str = RULE, width=0.6) -> None:
        from matplotlib.lines import Line2D

        self.figure.add_artist(Line2D([x0 / PAGE_W, x1 / PAGE_W], [1 - y / PAGE_H] * 2, color=colour, linewidth=width))

    def box(self, x: float, top: float, w: float, h: float, *, fill: str, edge: str | None = None) -> None:
        from matplotlib.patches import Rectangle

        self.figure.add_artist(
            Rectangle(
                (x / PAGE_W, 1 - (top + h) / PAGE_H),
                w / PAGE_W,
                h / PAGE_H,
                transform=self.figure.transFigure,
                facecolor=fill,
                edgecolor=edge or fill,
                linewidth=0.8 if edge else 0,
                zorder=-1,
            )
        )


# ---- what the report says, as plain values -------------------------------------------------------


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


def _offset(moment: datetime) -> str:
    raw = moment.strftime("%z")
    return f"{raw[:3]}:{raw[3:]}" if raw else ""


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {_offset(moment)}"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _period(report: Report) -> str:
    p = report.progress
    return f"{_long(p.start)} – {_long(p.end)} ({plural(p.adherence.days_in_period, 'day')})"


def _holds_by_stretch(data: ExportData, session: SessionItem) -> list[tuple[str, list[Any]]]:
    groups: list[tuple[str, list[Any]]] = []
    for hold in sorted(session.holds, key=lambda h: (h.position, h.uuid)):
        stretch = data.stretch(hold.stretch)
        name = stretch.name if stretch else "unknown stretch"
        if groups and groups[-1][0] == name:
            groups[-1][1].append(hold)
        else:
            groups.append((name, [hold]))
    return groups


def _bands() -> str:
    """The bands as tracker.safety.band labels them: `1-3 mild, 4-6 moderate, 7-10 severe`."""
    groups: list[tuple[str, int, int]] = []
    for score in range(safety.PAIN_MIN, safety.PAIN_MAX + 1):
        label = safety.band(score).value
        if groups and groups[-1][0] == label:
            groups[-1] = (label, groups[-1][1], score)
        else:
            groups.append((label, score, score))
    return ", ".join(f"{lo}-{hi} {label}" if lo != hi else f"{lo} {label}" for label, lo, hi in groups)


# ---- page 1 --------------------------------------------------------------------------------------


def _header(page: Page, report: Report, *, first: bool) -> float:
    """The title block; returns the y below it. Later pages get a compact version."""
    data = report.data
    generated = f"Generated {_long(data.exported_at.date())} {data.exported_at:%H:%M} UTC{_offset(data.exported_at)}"
    zone = data.exported_at.tzname()
    if zone and not zone.startswith(("UTC", "+", "-")):
        generated += f" ({zone})"
    if not first:
        page.text(MARGIN, 52, TITLE, 10, bold=True)
        right = f"{_period(report)} · {generated}"
        room = CONTENT_W - page.fonts.width(TITLE, 10, True) - 16
        page.text(PAGE_W - MARGIN, 52, page.fonts.fit(right, room, 7.5), 7.5, colour=MUTED, align="right")
        if data.name:
            page.text(MARGIN, 63, page.fonts.fit(f"Name: {data.name}", CONTENT_W, 7.5), 7.5, colour=MUTED)
        page.rule(68)
        return 82.0
    page.text(MARGIN, 60, TITLE, 18, bold=True)
    if data.name:
        room = CONTENT_W - page.fonts.width(TITLE, 18, True) - 20
        page.text(PAGE_W - MARGIN, 60, page.fonts.fit(data.name, room, 12, True), 12, bold=True, align="right")
    y = 78.0
    line = f"Period {_period(report)}  ·  {generated}  ·  sij {data.sij_version}"
    page.text(MARGIN, y, page.fonts.fit(line, CONTENT_W, 8.5), 8.5)
    y += 12
    scale = (
        f"Pain scale: numeric rating {safety.PAIN_MIN}-{safety.PAIN_MAX}, asked the same way each time "
        f"(“{safety.PAIN_QUESTION}”): {safety.PAIN_SCALE}. Bands: {_bands()}."
    )
    for text in page.fonts.wrap(scale, CONTENT_W, 7.5, max_lines=2):
        page.text(MARGIN, y, text, 7.5, colour=MUTED)
        y += 10
    lead, rest = report.completeness()
    page.text(MARGIN, y, lead, 8.5, bold=True)
    x = MARGIN + page.fonts.width(lead, 8.5, True) + page.fonts.width(" ", 8.5)
    if page.fonts.width(rest, 8.5) > PAGE_W - MARGIN - x:  # never cut a count: the rest goes on the next line
        y += 11
        x = MARGIN
        rest = rest.removeprefix("· ")
    page.text(x, y, page.fonts.fit(rest, PAGE_W - MARGIN - x, 8.5), 8.5)
    y += 7
    page.rule(y)
    return y + 8


def _headline(c: Change) -> str:
    """`5 → 3: meaningful improvement (-2 points, -40%)`; `no change` when the points are zero."""
    if c.verdict is safety.Verdict.not_enough_data or c.baseline.median is None or c.current.median is None:
        return c.verdict.value.capitalize()
    head = f"{_score(c.baseline.median)} → {_score(c.current.median)}: {c.verdict.value}"
    described = c.describe()
    return head + (f" ({described.replace(' (', ', ').rstrip(')')})" if described else "")


def _windows(c: Change) -> str:
    if not (c.baseline.first_day and c.current.last_day) or c.verdict is safety.Verdict.not_enough_data:
        return ""
    return (
        f"Starting = median of the first {safety.WINDOW} pre-session scores "
        f"({', '.join(map(str, c.baseline.scores))}; {_short(c.baseline.first_day)}–"
        f"{_short(c.baseline.last_day or c.baseline.first_day)}); latest sessions = median of the last "
        f"{safety.WINDOW} ({', '.join(map(str, c.current.scores))}; "
        f"{_short(c.current.first_day or c.current.last_day)}–{_short(c.current.last_day)})."
    )


def _verdict_box(page: Page, report: Report, top: float) -> float:
    """The change since the start (and, for a period report, within the period), with its caution beside it.
    Green only for an improvement with no caution standing (CLINICAL.md "Caution beside a verdict")."""
    progress = report.progress
    c = progress.change_since_start
    colour, background = VERDICT_COLOURS.get(c.code, NEUTRAL_VERDICT)
    if not c.good_news and c.code in ("meaningful", "substantial"):
        colour, background = NEUTRAL_VERDICT
    inner = CONTENT_W - 20
    lines: list[tuple[str, float, bool, str, float]] = []  # text, size, bold, colour, leading

    def add(text: str, size: float, bold: bool, ink: str, leading: float, max_lines: int = 0) -> None:
        for line in page.fonts.wrap(text, inner, size, bold, max_lines=max_lines):
            lines.append((line, size, bold, ink, leading))

    add("CHANGE IN PAIN BEFORE SESSIONS SINCE THE START (starting → latest sessions)", 7, True, MUTED, 19)
    lines.append((page.fonts.fit(_headline(c), inner, 15, True), 15, True, colour, 13))
    add(c.text, 8.5, False, INK, 11, max_lines=2)
    if c.caution:
        add(c.caution, 8, True, ALERT, 10.5)
    detail = " ".join(
        x
        for x in (
            _windows(c),
            f"Meaningful: {safety.MEANINGFUL_POINTS} points and {safety.MEANINGFUL_FRACTION:.0%} lower; "
            f"substantial: {safety.SUBSTANTIAL_FRACTION:.0%}."
            if _windows(c)
            else "",
            safety.INFORMATION_ONLY,
        )
        if x
    )
    add(detail, 7, False, MUTED, 9.5, max_lines=3)
    if progress.limited:
        within = progress.change
        add(
            f"WITHIN THIS PERIOD ({_short(progress.start)}–{_short(progress.end)}): {_headline(within)}",
            8.5,
            True,
            INK,
            12,
        )
        if _windows(within):
            add(_windows(within), 7, False, MUTED, 9.5, max_lines=2)
    # Advice is never cut on page 1: each warning wraps over as many lines as it needs.
    for w in progress.warnings:
        add("Review suggested: " + w.text, 8, True, ALERT, 11)
    height = 14 + sum(leading for *_, leading in lines[1:]) + 12
    page.box(MARGIN, top, CONTENT_W, height, fill=background)
    page.box(MARGIN, top, 4, height, fill=ALERT if c.caution else colour)
    y = top + 14
    for n, (text, size, bold, ink, leading) in enumerate(lines):
        if n:
            y += leading
        page.text(MARGIN + 12, y, text, size, bold=bold, colour=ink)
    return top + height + 10


def _key_numbers(page: Page, report: Report, top: float) -> float:
    p, a = report.progress.pain, report.progress.adherence
    best, worst = report.best_and_worst()
    half = CONTENT_W / 2
    label_w = page.fonts.width("Pain before → after", 7.5, True) - 2  # the widest label
    # Before and after are compared over the same sessions, so the means and the change agree.
    if p.sessions_with_both:
        within = "no change" if round(p.mean_change or 0, 1) == 0 else f"{p.mean_change:+.1f}"
        pain = (
            f"{_number(p.paired_before)} → {_number(p.paired_after)} (mean, 0-10) in the "
            f"{plural(p.sessions_with_both, 'session')} with both; {within} within a session"
        )
    elif p.scores_before or p.scores_after:
        pain = f"before {_number(p.mean_before)} · after {_number(p.mean_after)}; no session has both scores"
    else:
        pain = "no pain scores before or after sessions"
    severe = f"{plural(p.severe_events, 'pain score')} of {safety.SEVERE_AT}+"
    if p.severe_events:
        severe += f" in {plural(p.severe_entries, 'entry', 'entries')}"
    left = [
        ("Pain before → after", pain),
        (
            "Best / worst day",
            (f"{_short(best[0])} ({best[1]}) / {_short(worst[0])} ({worst[1]}); each day by its highest score")
            if best and worst
            else "no pain scores",
        ),
        (
            # Scores are counted one by one here; the safety-events box counts records (a session counts once).
            "Severe, sharp",
            f"{severe} · {plural(p.sharp_events, 'sharp-pain report')}",
        ),
    ]
    right = [
        (
            "Sessions",
            f"{a.sessions_completed} completed, {a.sessions_stopped} stopped early · {a.sessions_per_week:.1f} a week",
        ),
        (
            "Days done",
            f"{a.days_done} of {a.days_counted}"
            + (" (today not over)" if a.today_open else "")
            + (f" · {a.share_of_target:.0%} of the target" if a.share_of_target is not None else "")
            + f" ({plural(a.target_per_week, 'day')} a week)",
        ),
        ("Streaks", f"current {plural(a.current_streak, 'day')} · longest {plural(a.longest_streak, 'day')}"),
    ]
    page.text(MARGIN, top + 9, "PAIN", 7, bold=True, colour=MUTED)
    page.text(MARGIN + half + 8, top + 9, "ADHERENCE", 7, bold=True, colour=MUTED)
    y_left = y_right = top + 22
    for rows, x, width in ((left, MARGIN, half - 8), (right, MARGIN + half + 8, half - 8)):
        y = top + 22
        for label, value in rows:
            page.text(x, y, label, 7.5, bold=True)
            wrapped = page.fonts.wrap(value, width - label_w - 12, 7.5, max_lines=2)
            for i, text in enumerate(wrapped):
                page.text(x + label_w + 12, y + 9 * i, text, 7.5)
            y += 9 * len(wrapped) + 3
        if x == MARGIN:
            y_left = y
        else:
            y_right = y
    return max(y_left, y_right) + 4


def _events_box(page: Page, report: Report, top: float, events: Sequence[Event]) -> float:
    shown = list(events[:MAX_EVENTS_PAGE1])  # the report orders them: most serious first, newest first
    more = len(events) - len(shown)
    height = 22 + (EVENT_ROW * len(shown) if shown else 11) + (11 if more else 0) + 4
    page.box(MARGIN, top, CONTENT_W, height, fill=ALERT_BG if events else "#FFFFFF", edge=ALERT if events else RULE)
    title = f"SAFETY EVENTS: {plural(len(events), 'record')} flagged" if events else "SAFETY EVENTS: none"
    page.text(MARGIN + 8, top + 13, title, 9, bold=True, colour=ALERT if events else INK)
    # The box counts records; "Severe, sharp" above counts scores. Saying so keeps the two from seeming to disagree.
    legend = "a session, check-in or screen counts once · most serious first, newest first within each"
    room = CONTENT_W - 16 - page.fonts.width(title, 9, True) - 12
    page.text(PAGE_W - MARGIN - 8, top + 13, page.fonts.fit(legend, room, 6.5), 6.5, colour=MUTED, align="right")
    y = top + 25
    if not events:
        page.text(MARGIN + 8, y, "No severe or sharp pain and no red-flag screen needing action in this period.", 8)
        return top + height + 10
    what_x = MARGIN + 8 + 84
    room = PAGE_W - MARGIN - 8 - what_x
    for event in shown:  # what was reported, and under it the start of the advice shown, in whole sentences
        page.text(MARGIN + 8, y, event.when_text, 7.5, bold=True)
        page.text(what_x, y, page.fonts.fit(event.what, room, 7.5, True), 7.5, bold=True, colour=ALERT)
        page.text(what_x, y + 9, _advice_head(page.fonts, event.advice, room, 7), 7)
        y += EVENT_ROW
    if more:
        page.text(
            MARGIN + 8,
            y,
            f"and {more} more on page 2, where every event and its advice is in full",
            7.5,
            bold=True,
            colour=ALERT,
        )
    return top + height + 10


def _advice_head(fonts: Fonts, advice: str, width: float, size: float) -> str:
    """`Advice shown: <its first whole sentences> (in full on page 2)`: advice is never cut mid-sentence."""
    text = _one_line(advice)
    if not text:
        return "Advice shown: none recorded."
    sentences = [part if part.endswith(".") else part + "." for part in text.split(". ") if part]
    tail = " (in full on page 2)"
    shown = ""
    for sentence in sentences:
        candidate = f"{shown} {sentence}".strip()
        if fonts.width(f"Advice shown: {candidate}{tail}", size) > width:
            break
        shown = candidate
    if shown == text:
        return f"Advice shown: {text}"
    if not shown:  # a first sentence longer than the line: say where it is rather than cut it
        return "Advice shown: see page 2, where it is in full."
    return f"Advice shown: {shown}{tail}"


def _stretch_table(page: Page, report: Report, top: float, rows: Sequence[StretchRow]) -> float:
    page.text(MARGIN, top + 9, "STRETCHES", 7, bold=True, colour=MUTED)
    columns = [("Stretch", 0.0, "left"), ("Sides", 150.0, "left"), ("Holds done", 260.0, "right")]
    columns += [("Mean hold", 330.0, "right"), ("Stopped early", 420.0, "right")]
    columns += [("Sharp reports", CONTENT_W, "right")]
    y = top + 21
    for name, x, align in columns:
        page.text(MARGIN + x, y, name, 7.5, bold=True, align=align)
    page.rule(y + 3)
    y += 13
    shown = list(rows[:MAX_STRETCH_ROWS])
    if not shown:
        page.text(MARGIN, y, "No stretches recorded in this period.", 7.5)
        y += 10
    for row in shown:
        mean = "–" if row.mean_seconds is None else f"{row.mean_seconds:.0f} s"
        values = [page.fonts.fit(row.name, 145, 7.5), row.sides, str(row.done), mean, str(row.stopped_early)]
        values.append(str(row.sharp_reports))
        for n, ((_, x, align), value) in enumerate(zip(columns, values, strict=True)):
            colour = ALERT if n == len(columns) - 1 and row.sharp_reports else INK
            page.text(MARGIN + x, y, value, 7.5, align=align, colour=colour)
        y += 10
    if len(rows) > len(shown):
        page.text(MARGIN, y, f"and {len(rows) - len(shown)} more (see log pages)", 7.5, italic=True)
        y += 10
    note = "Stopped early counts holds not completed and holds a stopped session never reached."
    page.text(MARGIN, y, note, 6.5, colour=MUTED)
    return y + 10


def _notes(page: Page, report: Report, top: float, notes: Sequence[tuple[datetime, str, str]]) -> float:
    page.text(MARGIN, top + 9, "MOST RECENT NOTES", 7, bold=True, colour=MUTED)
    y = top + 21
    if not notes:
        page.text(MARGIN, y, "No notes in this period.", 7.5)
        return y + 8
    for local, where, text in notes[:MAX_NOTES_PAGE1]:
        page.text(MARGIN, y, f"{local:%Y-%m-%d}", 7.5, bold=True)
        page.text(MARGIN + 52, y, where, 7.5, colour=MUTED)
        page.text(MARGIN + 100, y, page.fonts.fit(text, CONTENT_W - 100, 7.5), 7.5)
        y += 10
    if len(notes) > MAX_NOTES_PAGE1:
        page.text(MARGIN, y, f"and {len(notes) - MAX_NOTES_PAGE1} more (see log pages)", 7.5, italic=True)
        y += 10
    return y


def _chart(page: Page, report: Report, top: float, bottom: float) -> None:
    """Daily pain with its 7-day mean (tracker.charts.draw_pain), plus session days and red-flag screens."""
    from tracker import charts

    progress = report.progress
    page.text(MARGIN, top + 9, "DAILY PAIN, 0-10, WITH 7-DAY AVERAGE", 7, bold=True, colour=MUTED)
    try:
        charts.check_enough(progress, [], charts.Kind.pain)
    except NothingToDo as reason:
        for n, text in enumerate(page.fonts.wrap(f"No chart: {str(reason).split(';')[0]}.", CONTENT_W, 8, max_lines=3)):
            page.text(MARGIN, top + 24 + 11 * n, text, 8, colour=MUTED)
        return
    legend_h = 50.0  # four rows of legend entries under the date labels
    left, right = MARGIN + 34, PAGE_W - MARGIN - 6
    axes_top, axes_bottom = top + 16, bottom - legend_h - 18
    axes = page.figure.add_axes(
        (left / PAGE_W, 1 - axes_bottom / PAGE_H, (right - left) / PAGE_W, (axes_bottom - axes_top) / PAGE_H)
    )
    charts.draw_pain(axes, progress)
    axes.set_title("", loc="left")  # the verdict is in its box above
    axes.xaxis.get_offset_text().set_visible(False)  # the year is in the period line
    session_row = -1.2
    session_days = [d.day for d in progress.days if d.sessions_completed or d.sessions_stopped]
    if session_days:
        axes.scatter(
            charts._x(session_days),
            [session_row] * len(session_days),
            marker="|",
            s=30,
            color=charts.GREEN,
            linewidths=1.2,
            label="Day with a session",
        )
    flagged = sorted({report.data.day_of(s.taken_at, s.offset_minutes) for s in report.screenings if s.level != "none"})
    if flagged:
        axes.scatter(
            charts._x(flagged),
            [charts.SCREEN_ROW] * len(flagged),
            marker="D",
            s=28,
            color=charts.ORANGE,
            edgecolors=charts.BLACK,
            linewidths=0.6,
            label="Red-flag screen needing action",
            zorder=5,
        )
    axes.set_ylim(session_row - 0.7, charts.SCREEN_ROW + 0.6)
    axes.set_yticks(
        # The three event rows are too close at this size for a label each; their markers are in the legend.
        [session_row, *range(0, 11, 2), charts.SHARP_ROW],
        ["sessions", *map(str, range(0, 11, 2)), "events"],
    )
    axes.tick_params(labelsize=6.5, length=2)
    axes.set_ylabel("")
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    axes.legend(
        loc="upper left",
        bbox_to_anchor=(-0.06, -16 / (axes_bottom - axes_top)),
        ncol=3,
        fontsize=6.3,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
        borderaxespad=0,
    )


def _page_one(page: Page, report: Report, events: Sequence[Event]) -> None:
    y = _header(page, report, first=True)
    y = _verdict_box(page, report, y)
    y = _ratings_box(page, report, y)
    y = _key_numbers(page, report, y)
    y = _events_box(page, report, y, events)
    # The chart takes the room the tables below leave, so page 1 never runs over.
    rows = report.stretch_rows()
    notes = report.notes()
    shown_rows = min(len(rows), MAX_STRETCH_ROWS) + (1 if len(rows) > MAX_STRETCH_ROWS else 0)
    shown_notes = min(len(notes), MAX_NOTES_PAGE1) + (1 if len(notes) > MAX_NOTES_PAGE1 else 0)
    tables = 21 + 13 + 10 * max(1, shown_rows) + 10 + 10 + 10 + 21 + 10 * max(1, shown_notes)
    chart_bottom = BODY_BOTTOM - tables
    _chart(page, report, y, chart_bottom)
    y = _stretch_table(page, report, chart_bottom, rows)
    _notes(page, report, y + 6, notes)


# ---- function and impression of change (page 1 box, and the ratings pages) -----------------------
# Kept apart from the pain parts: what they show comes from the read model (ExportData.rating_summary).


def _ratings_box(page: Page, report: Report, top: float) -> float:
    """Function start → now with its verdict, and the latest impression of change; nothing when neither exists."""
    view = report.data.rating_summary
    if view is None or (not view.function.activities and view.impression is None):
        return top
    rows: list[tuple[str, str, str]] = []  # label, text, colour
    f = view.function
    if f.activities:
        colour = {"meaningful": VERDICT_COLOURS.get("meaningful", (INK, ""))[0], "worse": ALERT}.get(
            f.verdict.name, INK
        )
        rows.append(("Function (0-10, higher is better)", f.headline, colour))
    if view.impression is not None:
        i = view.impression
        colour = ALERT if i.advice else INK
        rows.append(("Impression of change (1-7)", i.headline, colour))
        if i.advice:
            rows.append(("", i.advice, ALERT))
    label_w = page.fonts.width("Function (0-10, higher is better)", 7.5, True) + 10
    page.text(MARGIN, top + 9, "WHAT THE PERSON CAN DO, AND THEIR OWN VIEW OF THE CHANGE", 7, bold=True, colour=MUTED)
    y = top + 22
    for label, text, colour in rows:
        page.text(MARGIN, y, label, 7.5, bold=True)
        page.text(MARGIN + label_w, y, page.fonts.fit(text, CONTENT_W - label_w, 8, True), 8, bold=True, colour=colour)
        y += 11
    note = (
        f"Function: mean of the person's {len(f.activities)} activities, first vs latest rating; "
        f"+{safety.FUNCTION_MEANINGFUL_POINTS} is meaningful. Impression: 1-2 is a clinically important improvement."
    )
    page.text(MARGIN, y, page.fonts.fit(note, CONTENT_W, 7), 7, colour=MUTED)
    return y + 12


RATING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Date, time", 100.0),
    ("Measure", 88.0),
    ("Activity", 130.0),
    ("Rating", CONTENT_W - 318.0),
)
# In the ratings table the impression's words stand alone, with a short note where it counts (1-2 and 6-7).
IMPRESSION_NOTE = {
    1: ": clinically important improvement",
    2: ": clinically important improvement",
    6: ": ask for a review",
    7: ": ask for a review",
}


def _rating_blocks(report: Report, fonts: Fonts) -> list[Block]:
    view = report.data.rating_summary
    if view is None or not view.ratings:
        return []
    blocks = [_heading("Function and impression-of-change ratings", "every rating in the period, oldest first")]

    def header(page: Page, top: float) -> None:
        page.box(MARGIN, top, CONTENT_W, 14, fill=SHADE)
        x = MARGIN
        for name, width in RATING_COLUMNS:
            page.text(x + CELL_PAD + 1, top + 10, name, 7.5, bold=True)
            x += width

    blocks.append(Block(16.0, header, keep_with_next=True))
    for r in view.ratings:
        moment = r.local_time
        if r.kind == "impression":
            cells = [
                f"{moment:%Y-%m-%d %H:%M} {_offset(moment)}",
                "Impression of change",
                "",
                safety.impression_label(r.value) + IMPRESSION_NOTE.get(r.value, ""),
            ]
            alert = safety.impression_needs_review(r.value)
        else:
            cells = [f"{moment:%Y-%m-%d %H:%M} {_offset(moment)}", "Function", r.activity_text or "", f"{r.value}/10"]
            alert = False
        fitted = [fonts.fit(c, w - CELL_PAD - 3, LOG_SIZE) for c, (_, w) in zip(cells, RATING_COLUMNS, strict=True)]

        def draw(page: Page, top: float, fitted: list[str] = fitted, alert: bool = alert) -> None:
            if alert:
                page.box(MARGIN, top, 3, LOG_LEADING + 4, fill=ALERT)
            x = MARGIN
            for text, (_, width) in zip(fitted, RATING_COLUMNS, strict=True):
                page.text(x + CELL_PAD + 1, top + 8, text, LOG_SIZE, colour=ALERT if alert else INK)
                x += width
            page.rule(top + LOG_LEADING + 5, colour="#DDDDDD", width=0.4)

        blocks.append(Block(LOG_LEADING + 5, draw))
    return blocks


# ---- the log pages -------------------------------------------------------------------------------

LOG_SIZE = 7.0
LOG_LEADING = 8.6
LOG_COLUMNS: tuple[tuple[str, float], ...] = (  # header, width in points
    ("Date, time", 62.0),
    ("What", 64.0),
    ("Stretch", 124.0),
    ("Side", 26.0),
    ("Hold (s)", 48.0),
    ("Pain (0-10)", 54.0),
    ("Note", CONTENT_W - 378.0),
)
CELL_PAD = 4.0


@dataclass
class Block:
    """Something drawn whole on one page: a log row, an event, or a heading that stays with what follows."""

    height: float
    draw: Callable[[Page, float], None]
    keep_with_next: bool = False
    log: bool = False  # a log row: the page needs the column headers above it
    heading: str = ""


@dataclass
class Row:
    cells: list[list[str]] = field(default_factory=lambda: [[] for _ in LOG_COLUMNS])
    alert: bool = False

    def add(self, column: int, *lines: str) -> None:
        self.cells[column].extend(lines)


def _log_rows(report: Report, fonts: Fonts) -> list[Row]:
    data = report.data
    entries: list[tuple[datetime, int, Row]] = []
    widths = [w - CELL_PAD - 3 for _, w in LOG_COLUMNS]

    def wrap(column: int, text: str, max_lines: int = 3) -> list[str]:
        return fonts.wrap(text, widths[column], LOG_SIZE, max_lines=max_lines)

    def when(row: Row, moment: datetime, time_known: bool = True) -> None:
        row.add(0, f"{moment:%Y-%m-%d}", f"{moment:%H:%M} {_offset(moment)}" if time_known else "no time given")

    for s in report.sessions:
        row = Row()
        when(row, s.local_start, s.time_known)
        row.add(1, "Session", *wrap(1, STATE_TEXT.get(s.state, s.state), 2))
        row.add(1, *wrap(1, f"{s.holds_done} of {plural(s.holds_planned, 'hold')} done", 2))
        if s.heat:
            row.add(1, "heat before")
        for name, holds in _holds_by_stretch(data, s):
            lines = wrap(2, name, 2)
            sides = " ".join(SIDE_SHORT.get(h.side, h.side) for h in holds)
            seconds = ", ".join(str(h.seconds) + ("" if h.completed else " stopped") for h in holds)
            if any(h.sharp for h in holds):
                seconds += ", sharp"
                row.alert = True
            side_lines, hold_lines = wrap(3, sides, 2), wrap(4, seconds, 3)
            height = max(len(lines), len(side_lines), len(hold_lines))
            for column, cell in ((2, lines), (3, side_lines), (4, hold_lines)):
                row.add(column, *cell, *([""] * (height - len(cell))))
        for p in sorted(report.by_session.get(s.uuid, []), key=lambda p: (p.recorded_at, CONTEXT_ORDER[p.context])):
            mark = ", sharp" if p.sharp else ""
            row.add(5, f"{p.context} {p.score}{mark}")
            row.alert = row.alert or p.sharp or safety.is_severe(p.score)
        note = [*wrap(6, s.note, MAX_NOTE_LINES)] if s.note else []
        if s.flagged:
            note += wrap(6, _advice_shown(s.advice), 3)
            row.alert = True
        row.add(6, *note)
        entries.append((s.started_at, 0, row))
    for p in report.check_ins:
        row = Row()
        when(row, p.local_time, p.time_known)
        row.add(1, "Check-in")
        row.add(5, f"{p.score}" + (", sharp" if p.sharp else ""))
        own = person_note(p.note)
        note = [*wrap(6, own, MAX_NOTE_LINES)] if own else []
        if p.note and not own:
            note.append("Before a guided run; not started.")
        if p.flagged:
            note += wrap(6, _advice_shown(p.advice), 3)
        row.add(6, *note)
        row.alert = p.sharp or safety.is_severe(p.score)
        entries.append((p.recorded_at, 1, row))
    for screen in report.screenings:
        row = Row()
        when(row, screen.local_time)
        row.add(1, *wrap(1, "Red-flag screen" if screen.kind == "full" else "Quick red-flag check", 2))
        if screen.level == "none":
            row.add(6, "No warning signs reported.")
        else:
            row.add(6, *wrap(6, screen_words(screen).split(": ", 1)[-1], 3), "Advice shown (see above).")
            row.alert = True
        entries.append((screen.taken_at, 2, row))
    entries.sort(key=lambda e: (e[0], e[1]))
    return [row for _, _, row in entries]


def _advice_shown(advice: str) -> str:
    """`See-a-doctor advice shown.`, with the correction beside it when the entry was corrected since."""
    from tracker.exports.report import correction_text

    _, corrections = split_advice(advice)
    if not corrections:
        return "See-a-doctor advice shown."
    text = correction_text(corrections)
    return f"See-a-doctor {text[0].lower()}{text[1:]}."


def _row_block(row: Row) -> Block:
    lines = max(1, *(len(cell) for cell in row.cells))
    height = lines * LOG_LEADING + 5

    def draw(page: Page, top: float) -> None:
        if row.alert:
            page.box(MARGIN, top, 3, height - 1, fill=ALERT)
        x = MARGIN
        for column, (cell, (_, width)) in enumerate(zip(row.cells, LOG_COLUMNS, strict=True)):
            for i, text in enumerate(cell):
                bold = column == 0 and i == 0
                colour = ALERT if row.alert and column in (5,) else INK
                page.text(x + CELL_PAD + 1, top + 8 + i * LOG_LEADING, text, LOG_SIZE, bold=bold, colour=colour)
            x += width
        page.rule(top + height, colour="#DDDDDD", width=0.4)

    return Block(height, draw, log=True)


def _log_header(page: Page, top: float) -> float:
    page.box(MARGIN, top, CONTENT_W, 14, fill=SHADE)
    x = MARGIN
    for name, width in LOG_COLUMNS:
        page.text(x + CELL_PAD + 1, top + 10, name, 7.5, bold=True)
        x += width
    return top + 16


def _heading(text: str, note: str = "") -> Block:
    def draw(page: Page, top: float) -> None:
        page.text(MARGIN, top + 13, text, 11, bold=True)
        if note:
            page.text(PAGE_W - MARGIN, top + 13, note, 7, colour=MUTED, align="right")

    return Block(22.0, draw, keep_with_next=True, heading=text)


def _event_block(event: Event, text: str, fonts: Fonts) -> Block:
    indent = 124.0
    advice = fonts.wrap(text or "No advice text was recorded.", CONTENT_W - indent, 7.5, max_lines=MAX_ADVICE_LINES)
    what = fonts.wrap(event.what, CONTENT_W - indent, 8, True, max_lines=2)
    height = 11 * len(what) + 9.5 * len(advice) + 8

    def draw(page: Page, top: float) -> None:
        page.box(MARGIN, top, 3, height - 4, fill=ALERT)
        page.text(MARGIN + 8, top + 10, _stamp(event.at) if event.time_known else event.when_text, 7.5, bold=True)
        y = top + 10
        for text in what:
            page.text(MARGIN + indent, y, text, 8, bold=True, colour=ALERT)
            y += 11
        for text in advice:
            page.text(MARGIN + indent, y, text, 7.5)
            y += 9.5

    return Block(height, draw)


def _paginate(blocks: Sequence[Block], top: float) -> list[list[tuple[Block, float, bool]]]:
    """Blocks onto pages: none split, a heading never last on a page, log column headers on every log page."""
    pages: list[list[tuple[Block, float, bool]]] = [[]]
    y = top
    header_h = 16.0
    in_log = False
    i = 0
    while i < len(blocks):
        block = blocks[i]
        need = block.height
        if block.keep_with_next and i + 1 < len(blocks):
            need += blocks[i + 1].height + (header_h if blocks[i + 1].log else 0)
        starts_log = block.log and not in_log
        if starts_log:
            need += header_h
        if y + need > BODY_BOTTOM and pages[-1]:
            pages.append([])
            y = top
            if block.log:
                starts_log = True
        pages[-1].append((block, y, starts_log))
        y += block.height + (header_h if starts_log else 0)
        in_log = block.log
        i += 1
    return pages


# ---- the document --------------------------------------------------------------------------------


def _footer(page: Page, data: ExportData, number: int, total: int) -> None:
    page.rule(FOOTER_Y - 11)
    page.text(
        MARGIN,
        FOOTER_Y,
        f"Patient-reported data, not diagnostic. Generated by sij {data.sij_version}.",
        7,
        colour=MUTED,
    )
    page.text(PAGE_W - MARGIN, FOOTER_Y, f"Page {number} of {total}", 7, colour=MUTED, align="right")


def _pages(report: Report, fonts: Fonts) -> Iterator[Callable[[Page, int, int], None]]:
    events = report.events()

    def first(page: Page, number: int, total: int) -> None:
        _page_one(page, report, events)
        _footer(page, report.data, number, total)

    yield first
    blocks: list[Block] = []
    if events:
        blocks.append(_heading("Safety events and the advice shown", "every event in the period, in full"))
        first_shown: dict[str, Event] = {}
        for event in events:
            earlier = first_shown.setdefault(event.advice.strip(), event)
            if earlier is event or not event.advice.strip():
                blocks.append(_event_block(event, event.advice, fonts))
            else:
                stamp = _stamp(earlier.at) if earlier.time_known else earlier.when_text
                same = f"The same advice as for {stamp}, shown in full above."
                blocks.append(_event_block(event, same, fonts))
    blocks.append(_heading("Chronological log", "times are local, with their UTC offset; L = left, R = right"))
    blocks += [_row_block(row) for row in _log_rows(report, fonts)]
    top = 82.0
    pages = _paginate(blocks, top)
    rating_blocks = _rating_blocks(report, fonts)
    if rating_blocks:
        pages += _paginate(rating_blocks, top)  # the ratings start on a page of their own
    for placed in pages:

        def draw(page: Page, number: int, total: int, placed: list[tuple[Block, float, bool]] = placed) -> None:
            _header(page, report, first=False)
            for block, y, starts_log in placed:
                if starts_log:
                    y = _log_header(page, y)
                block.draw(page, y)
            _footer(page, report.data, number, total)

        yield draw


def render(data: ExportData, options: ExportOptions) -> bytes:
    """The report as PDF bytes. Raises NothingToDo when the period holds no records (no empty report is written)."""
    del options
    report = Report(data)
    if report.empty:
        p = report.progress
        raise NothingToDo(
            f"Nothing recorded between {p.start} and {p.end}, so there is no report to make; record sessions "
            "with `sij run` or `sij log`, or choose another --since/--until."
        )
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    fonts = Fonts()
    painters = list(_pages(report, fonts))
    buffer = io.BytesIO()
    metadata = {
        "Title": f"{TITLE}, {_period(report)}",
        "Author": data.name or "",
        "Subject": "Patient-reported pain and stretching log, not diagnostic",
        "Creator": f"sij {data.sij_version}",
        "CreationDate": data.exported_at,
    }
    # Type 42 embeds the TrueType font itself, so the text stays text that readers and pypdf can extract.
    with (
        matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}),
        PdfPages(buffer, metadata={k: v for k, v in metadata.items() if v}) as pdf,
    ):
        for number, paint in enumerate(painters, start=1):
            figure = Figure(figsize=(PAGE_W / 72, PAGE_H / 72))
            paint(Page(figure, fonts), number, len(painters))
            pdf.savefig(figure)
    return buffer.getvalue()


EXPORTER = Exporter(
    name="pdf",
    title="PDF report",
    render=render,
    binary=True,
    options=frozenset({"name"}),
    needs_progress=True,
)
