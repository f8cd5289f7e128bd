"""The clinician's PDF report: page 1 is a summary read in a minute, the following pages the full chronological log.

Plain data in (the read model of tracker.exports.report over ExportData), bytes out, written with fpdf2: it wraps
text, repeats the log's column headers and keeps its rows whole across pages, and embeds the fonts (DejaVu Sans
from Matplotlib, and for other scripts an installed font `fc-list` finds) and the chart from tracker.charts as
vector graphics (SVG). A character no installed font can draw is shown as the marker "�" rather than dropped.
fpdf2 and Matplotlib are imported inside the functions that use them.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import safety
from tracker.errors import NothingToDo
from tracker.exports.base import ExportData, Exporter, ExportOptions, SessionItem
from tracker.exports.report import Event, Report, StretchRow, person_note, screen_words, split_advice
from tracker.text import plural

if TYPE_CHECKING:
    from fpdf import FPDF

    from tracker.stats import Change

# A4 portrait in points (1/72 inch): the paper size of most clinics outside North America; Letter readers
# lose only a few millimetres at the bottom margin when printing it.
PAGE_W, PAGE_H = 595.28, 841.89
MARGIN = 40.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 24.0  # baseline of the footer
BODY_BOTTOM = PAGE_H - 44.0  # nothing but the footer below this
LATER_TOP = 82.0  # where the body starts on pages after the first

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
MISSING = "\ufffd"  # shown for a character that no installed font can draw

MAX_EVENTS_PAGE1 = 5
EVENT_ROW = 20.0  # two lines: what was reported, and the advice shown
MAX_NOTES_PAGE1 = 4
MAX_STRETCH_ROWS = 8
LONG_NOTE = 240  # characters: a longer note gets a full-width row under its entry in the log

STATE_TEXT = {"completed": "completed", "stopped_sharp": "stopped: sharp pain", "aborted": "stopped early"}
SIDE_TEXT = {"left": "left", "right": "right", "both": "both"}
SIDE_SHORT = {"left": "L", "right": "R", "both": "both"}
CONTEXT_ORDER = {"before": 0, "during": 1, "after": 2, "check-in": 3}


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


# ---- fonts, and text on the page in points from the top left -------------------------------------------------------


class Glyphs:
    """DejaVu Sans for the report, and for any character it lacks an installed font that has it (found with
    `fc-list`, only when such a character appears); a character no font has becomes the marker MISSING."""

    def __init__(self, pdf: FPDF) -> None:
        import matplotlib

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for style, name in (("", "DejaVuSans"), ("B", "DejaVuSans-Bold")):
            pdf.add_font("dejavu", style, folder / f"{name}.ttf")
        self.pdf = pdf
        self.known = (_cmap(pdf, "dejavu") & _cmap(pdf, "dejavuB")) | {10}  # in both: bold text has it too
        self.missing: set[int] = set()
        self.installed: list[tuple[str, list[tuple[int, int]]]] | None = None
        self.fallbacks: list[str] = []

    def clean(self, text: str) -> str:
        if all(ord(c) in self.known for c in text):
            return text
        return "".join(c if ord(c) in self.known or self._find(ord(c)) else MISSING for c in text.replace("\t", " "))

    def _find(self, code: int) -> bool:
        if code in self.missing:
            return False
        if self.installed is None:
            self.installed = _installed_fonts()
        for file, ranges in self.installed:
            if any(low <= code <= high for low, high in ranges):
                name = f"fallback{len(self.fallbacks)}"
                self.pdf.add_font(name, "", file)
                self.known |= _cmap(self.pdf, name)
                self.fallbacks.append(name)
                self.pdf.set_fallback_fonts(self.fallbacks, exact_match=False)
                self.installed = [(f, r) for f, r in self.installed if f != file]
                return code in self.known
        self.missing.add(code)
        return False


def _cmap(pdf: FPDF, key: str) -> set[int]:
    return set(getattr(pdf.fonts[key], "cmap", {}))


def _installed_fonts() -> list[tuple[str, list[tuple[int, int]]]]:
    """(file, code point ranges) of the TrueType and OpenType fonts fontconfig knows; none without fontconfig."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{charset}\n"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in sorted(listing.splitlines()):
        file, _, charset = line.partition("\t")
        if file.lower().endswith((".ttf", ".otf")) and "color" not in file.lower():
            spans = [part.split("-") for part in charset.split()]
            fonts.append((file, [(int(s[0], 16), int(s[-1], 16)) for s in spans]))
    return fonts


class Canvas:
    """The fpdf2 document with the few drawing words the report uses, at baselines in points from the top left."""

    def __init__(self, pdf: FPDF, glyphs: Glyphs) -> None:
        self.pdf = pdf
        self.clean = glyphs.clean

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font("dejavu", "B" if bold else "", size)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        self.font(size, bold)
        return float(self.pdf.get_string_width(self.clean(text)))

    def text(self, x: float, baseline: float, text: str, size: float = 8.0, *, bold: bool = False,
             colour: str = INK, align: str = "left") -> None:  # fmt: skip
        text = self.clean(text)
        self.font(size, bold)
        self.pdf.set_text_color(colour)
        width = self.pdf.get_string_width(text)
        # A cell rather than FPDF.text, which ignores the fallback fonts; its baseline is 0.3 x size below its top.
        self.pdf.set_xy(x - (width if align == "right" else 0), baseline - 0.3 * size)
        self.pdf.cell(width, 0, text)

    def fit(self, text: str, width: float, size: float, bold: bool = False) -> str:
        """`text` on one line, cut with "…" if it is wider than `width`."""
        text = " ".join(text.split())
        if self.width(text, size, bold) <= width:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with the ellipsis
            mid = (low + high + 1) // 2
            low, high = (mid, high) if self.width(text[:mid].rstrip() + "…", size, bold) <= width else (low, mid - 1)
        return text[:low].rstrip() + "…"

    def wrap(self, text: str, width: float, size: float, bold: bool = False, max_lines: int = 0) -> list[str]:
        """Lines of `text` wrapped to `width` by fpdf2; at most `max_lines` (0: no limit), the last ending "…"."""
        self.font(size, bold)
        lines = self.pdf.multi_cell(width, text=self.clean(text), dry_run=True, output="LINES", padding=0)
        assert isinstance(lines, list)
        if max_lines and len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], self.fit(lines[max_lines - 1] + " …", width, size, bold)]
        return lines

    def rule(self, y: float, x0: float = MARGIN, x1: float = PAGE_W - MARGIN, colour: str = RULE, width=0.6) -> None:
        self.pdf.set_draw_color(colour)
        self.pdf.set_line_width(width)
        self.pdf.line(x0, y, x1, y)

    def box(self, x: float, top: float, w: float, h: float, *, fill: str, edge: str | None = None) -> None:
        self.pdf.set_fill_color(fill)
        self.pdf.set_draw_color(edge or fill)
        self.pdf.set_line_width(0.8 if edge else 0)
        self.pdf.rect(x, top, w, h, style="DF" if edge else "F")


# ---- page 1 --------------------------------------------------------------------------------------


def _header(page: Canvas, report: Report, *, first: bool) -> float:
    """The title block; returns the y below it. Later pages get a compact version."""
    data = report.data
    generated = f"Generated {_long(data.exported_at.date())} {data.exported_at:%H:%M} UTC{_offset(data.exported_at)}"
    zone = data.exported_at.tzname()
    if zone and not zone.startswith(("UTC", "+", "-")):
        generated += f" ({zone})"
    if not first:
        page.text(MARGIN, 52, TITLE, 10, bold=True)
        right = f"{_period(report)} · {generated}"
        room = CONTENT_W - page.width(TITLE, 10, True) - 16
        page.text(PAGE_W - MARGIN, 52, page.fit(right, room, 7.5), 7.5, colour=MUTED, align="right")
        if data.name:
            page.text(MARGIN, 63, page.fit(f"Name: {data.name}", CONTENT_W, 7.5), 7.5, colour=MUTED)
        page.rule(68)
        return 82.0
    page.text(MARGIN, 60, TITLE, 18, bold=True)
    if data.name:
        room = CONTENT_W - page.width(TITLE, 18, True) - 20
        page.text(PAGE_W - MARGIN, 60, page.fit(data.name, room, 12, True), 12, bold=True, align="right")
    y = 78.0
    line = f"Period {_period(report)}  ·  {generated}  ·  sij {data.sij_version}"
    page.text(MARGIN, y, page.fit(line, CONTENT_W, 8.5), 8.5)
    y += 12
    scale = (
        f"Pain scale: numeric rating {safety.PAIN_MIN}-{safety.PAIN_MAX}, asked the same way each time "
        f"(“{safety.PAIN_QUESTION}”): {safety.PAIN_SCALE}. Bands: {_bands()}."
    )
    for text in page.wrap(scale, CONTENT_W, 7.5, max_lines=2):
        page.text(MARGIN, y, text, 7.5, colour=MUTED)
        y += 10
    lead, rest = report.completeness()
    page.text(MARGIN, y, lead, 8.5, bold=True)
    x = MARGIN + page.width(lead, 8.5, True) + page.width(" ", 8.5)
    if page.width(rest, 8.5) > PAGE_W - MARGIN - x:  # never cut a count: the rest goes on the next line
        y += 11
        x = MARGIN
        rest = rest.removeprefix("· ")
    page.text(x, y, page.fit(rest, PAGE_W - MARGIN - x, 8.5), 8.5)
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


def _verdict_box(page: Canvas, report: Report, top: float) -> float:
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
        for line in page.wrap(text, inner, size, bold, max_lines=max_lines):
            lines.append((line, size, bold, ink, leading))

    add("CHANGE IN PAIN BEFORE SESSIONS SINCE THE START (starting → latest sessions)", 7, True, MUTED, 19)
    lines.append((page.fit(_headline(c), inner, 15, True), 15, True, colour, 13))
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


def _key_numbers(page: Canvas, report: Report, top: float) -> float:
    p, a = report.progress.pain, report.progress.adherence
    best, worst = report.best_and_worst()
    half = CONTENT_W / 2
    label_w = page.width("Pain before → after", 7.5, True) - 2  # the widest label
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
            wrapped = page.wrap(value, width - label_w - 12, 7.5, max_lines=2)
            for i, text in enumerate(wrapped):
                page.text(x + label_w + 12, y + 9 * i, text, 7.5)
            y += 9 * len(wrapped) + 3
        if x == MARGIN:
            y_left = y
        else:
            y_right = y
    return max(y_left, y_right) + 4


def _events_box(page: Canvas, report: Report, top: float, events: Sequence[Event]) -> float:
    shown = list(events[:MAX_EVENTS_PAGE1])  # the report orders them: most serious first, newest first
    more = len(events) - len(shown)
    height = 22 + (EVENT_ROW * len(shown) if shown else 11) + (11 if more else 0) + 4
    page.box(MARGIN, top, CONTENT_W, height, fill=ALERT_BG if events else "#FFFFFF", edge=ALERT if events else RULE)
    title = f"SAFETY EVENTS: {plural(len(events), 'record')} flagged" if events else "SAFETY EVENTS: none"
    page.text(MARGIN + 8, top + 13, title, 9, bold=True, colour=ALERT if events else INK)
    # The box counts records; "Severe, sharp" above counts scores. Saying so keeps the two from seeming to disagree.
    legend = "a session, check-in or screen counts once · most serious first, newest first within each"
    room = CONTENT_W - 16 - page.width(title, 9, True) - 12
    page.text(PAGE_W - MARGIN - 8, top + 13, page.fit(legend, room, 6.5), 6.5, colour=MUTED, align="right")
    y = top + 25
    if not events:
        page.text(MARGIN + 8, y, "No severe or sharp pain and no red-flag screen needing action in this period.", 8)
        return top + height + 10
    what_x = MARGIN + 8 + 84
    room = PAGE_W - MARGIN - 8 - what_x
    for event in shown:  # what was reported, and under it the start of the advice shown, in whole sentences
        page.text(MARGIN + 8, y, event.when_text, 7.5, bold=True)
        page.text(what_x, y, page.fit(event.what, room, 7.5, True), 7.5, bold=True, colour=ALERT)
        page.text(what_x, y + 9, _advice_head(page, event.advice, room, 7), 7)
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


def _advice_head(page: Canvas, advice: str, width: float, size: float) -> str:
    """`Advice shown: <its first whole sentences> (in full on page 2)`: advice is never cut mid-sentence."""
    text = _one_line(advice)
    if not text:
        return "Advice shown: none recorded."
    sentences = [part if part.endswith(".") else part + "." for part in text.split(". ") if part]
    tail = " (in full on page 2)"
    shown = ""
    for sentence in sentences:
        candidate = f"{shown} {sentence}".strip()
        if page.width(f"Advice shown: {candidate}{tail}", size) > width:
            break
        shown = candidate
    if shown == text:
        return f"Advice shown: {text}"
    if not shown:  # a first sentence longer than the line: say where it is rather than cut it
        return "Advice shown: see page 2, where it is in full."
    return f"Advice shown: {shown}{tail}"


def _stretch_table(page: Canvas, report: Report, top: float, rows: Sequence[StretchRow]) -> float:
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
        values = [page.fit(row.name, 145, 7.5), row.sides, str(row.done), mean, str(row.stopped_early)]
        values.append(str(row.sharp_reports))
        for n, ((_, x, align), value) in enumerate(zip(columns, values, strict=True)):
            colour = ALERT if n == len(columns) - 1 and row.sharp_reports else INK
            page.text(MARGIN + x, y, value, 7.5, align=align, colour=colour)
        y += 10
    if len(rows) > len(shown):
        page.text(MARGIN, y, f"and {len(rows) - len(shown)} more (see log pages)", 7.5, colour=MUTED)
        y += 10
    note = "Stopped early counts holds not completed and holds a stopped session never reached."
    page.text(MARGIN, y, note, 6.5, colour=MUTED)
    return y + 10


def _notes(page: Canvas, report: Report, top: float, notes: Sequence[tuple[datetime, str, str]]) -> float:
    page.text(MARGIN, top + 9, "MOST RECENT NOTES", 7, bold=True, colour=MUTED)
    y = top + 21
    if not notes:
        page.text(MARGIN, y, "No notes in this period.", 7.5)
        return y + 8
    for local, where, text in notes[:MAX_NOTES_PAGE1]:
        page.text(MARGIN, y, f"{local:%Y-%m-%d}", 7.5, bold=True)
        page.text(MARGIN + 52, y, where, 7.5, colour=MUTED)
        page.text(MARGIN + 100, y, page.fit(text, CONTENT_W - 100, 7.5), 7.5)
        y += 10
    if len(notes) > MAX_NOTES_PAGE1:
        page.text(MARGIN, y, f"and {len(notes) - MAX_NOTES_PAGE1} more (see log pages)", 7.5, colour=MUTED)
        y += 10
    return y


def _page_one(page: Canvas, report: Report, events: Sequence[Event]) -> None:
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


def _chart(page: Canvas, report: Report, top: float, bottom: float) -> None:
    """Daily pain with its 7-day mean (tracker.charts), plus session days and red-flag screens, as vector graphics."""
    from tracker import charts

    progress = report.progress
    page.text(MARGIN, top + 9, "DAILY PAIN, 0-10, WITH 7-DAY AVERAGE", 7, bold=True, colour=MUTED)
    try:
        charts.check_enough(progress, [], charts.Kind.pain)
    except NothingToDo as reason:
        for n, text in enumerate(page.wrap(f"No chart: {str(reason).split(';')[0]}.", CONTENT_W, 8, max_lines=3)):
            page.text(MARGIN, top + 24 + 11 * n, text, 8, colour=MUTED)
        return
    screens = sorted({report.data.day_of(s.taken_at, s.offset_minutes) for s in report.screenings if s.level != "none"})
    height = bottom - top - 14
    figure = charts.report_pain_figure(progress, screens, CONTENT_W, height)
    page.pdf.image(io.BytesIO(charts.render_svg(figure)), x=MARGIN, y=top + 14, w=CONTENT_W, h=height)


# ---- function and impression of change (page 1 box, and the ratings pages) -----------------------
# Kept apart from the pain parts: what they show comes from the read model (ExportData.rating_summary).


def _ratings_box(page: Canvas, report: Report, top: float) -> float:
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
    label_w = page.width("Function (0-10, higher is better)", 7.5, True) + 10
    page.text(MARGIN, top + 9, "WHAT THE PERSON CAN DO, AND THEIR OWN VIEW OF THE CHANGE", 7, bold=True, colour=MUTED)
    y = top + 22
    for label, text, colour in rows:
        page.text(MARGIN, y, label, 7.5, bold=True)
        page.text(MARGIN + label_w, y, page.fit(text, CONTENT_W - label_w, 8, True), 8, bold=True, colour=colour)
        y += 11
    note = (
        f"Function: mean of the person's {len(f.activities)} activities, first vs latest rating; "
        f"+{safety.FUNCTION_MEANINGFUL_POINTS} is meaningful. Impression: 1-2 is a clinically important improvement."
    )
    page.text(MARGIN, y, page.fit(note, CONTENT_W, 7), 7, colour=MUTED)
    return y + 12


RATING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("", 4.0),
    ("Date, time", 96.0),
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


def _ratings(page: Canvas, report: Report) -> None:
    """Every rating in the period on pages of their own, oldest first, in a table like the log's."""
    from fpdf.fonts import FontFace

    view = report.data.rating_summary
    if view is None or not view.ratings:
        return
    page.pdf.add_page()
    _heading(page, "Function and impression-of-change ratings", "every rating in the period, oldest first")
    mark, red = FontFace(fill_color=ALERT), FontFace(color=ALERT)
    with _table(page, RATING_COLUMNS) as table:
        for r in view.ratings:
            moment = r.local_time
            if r.kind == "impression":
                cells = [
                    "Impression of change",
                    "",
                    safety.impression_label(r.value) + IMPRESSION_NOTE.get(r.value, ""),
                ]
                alert = safety.impression_needs_review(r.value)
            else:
                cells, alert = ["Function", r.activity_text or "", f"{r.value}/10"], False
            line = table.row()
            line.cell("", style=mark if alert else None)
            stamp = f"{moment:%H:%M} {_offset(moment)}" if r.time_known else "no time given"
            for text in (f"{moment:%Y-%m-%d} {stamp}", *cells):
                line.cell(page.clean(text), style=red if alert else None)


# ---- the pages after the first: every safety event in full, then the log -------------------------------------------

LOG_SIZE = 7.0
LOG_LEADING = 8.6
LOG_COLUMNS: tuple[tuple[str, float], ...] = (  # header, width in points; the first is the red mark of an alert
    ("", 4.0),
    ("Date, time", 60.0),
    ("What", 64.0),
    ("Stretch", 124.0),
    ("Side", 26.0),
    ("Hold (s)", 48.0),
    ("Pain (0-10)", 54.0),
    ("Note", CONTENT_W - 380.0),
)


@dataclass
class Row:
    """One entry of the log: cells by column (lines), the person's note, and whether it reports a safety event."""

    when: datetime
    time_known: bool  # False: only the date was given
    cells: dict[int, list[str]]
    note: str = ""  # the person's own words, in full (a long one gets a row of its own)
    after: list[str] = field(default_factory=list)  # what sij adds below the note: advice shown, a screen's answers
    alert: bool = False


def _log_rows(report: Report) -> list[Row]:
    rows: list[tuple[datetime, int, Row]] = []
    for s in report.sessions:
        what = [
            "Session",
            STATE_TEXT.get(s.state, s.state),
            f"{s.holds_done} of {plural(s.holds_planned, 'hold')} done",
        ]
        row = Row(s.local_start, s.time_known, {2: what + (["heat before"] if s.heat else [])}, s.note, alert=s.flagged)
        for name, holds in _holds_by_stretch(report.data, s):
            seconds = ", ".join(str(h.seconds) + ("" if h.completed else " stopped") for h in holds)
            if any(h.sharp for h in holds):
                seconds += ", sharp"
                row.alert = True
            row.cells.setdefault(3, []).append(name)
            row.cells.setdefault(4, []).append(" ".join(SIDE_SHORT.get(h.side, h.side) for h in holds))
            row.cells.setdefault(5, []).append(seconds)
        for p in sorted(report.by_session.get(s.uuid, []), key=lambda p: (p.recorded_at, CONTEXT_ORDER[p.context])):
            row.cells.setdefault(6, []).append(f"{p.context} {p.score}" + (", sharp" if p.sharp else ""))
            row.alert = row.alert or p.sharp or safety.is_severe(p.score)
        if s.flagged:
            row.after.append(_advice_shown(s.advice))
        rows.append((s.started_at, 0, row))
    for p in report.check_ins:
        own = person_note(p.note)
        row = Row(
            p.local_time, p.time_known, {2: ["Check-in"], 6: [f"{p.score}" + (", sharp" if p.sharp else "")]}, own
        )
        row.alert = p.sharp or safety.is_severe(p.score)
        if p.note and not own:
            row.after.append("Before a guided run; not started.")
        if p.flagged:
            row.after.append(_advice_shown(p.advice))
        rows.append((p.recorded_at, 1, row))
    for screen in report.screenings:
        row = Row(
            screen.local_time, True, {2: ["Red-flag screen" if screen.kind == "full" else "Quick red-flag check"]}
        )
        row.alert = screen.level != "none"
        found = [screen_words(screen).split(": ", 1)[-1], "Advice shown (see above)."]
        row.after = found if row.alert else ["No warning signs reported."]
        rows.append((screen.taken_at, 2, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _, _, row in rows]


def _advice_shown(advice: str) -> str:
    """`See-a-doctor advice shown.`, with the correction beside it when the entry was corrected since."""
    from tracker.exports.report import correction_text

    _, corrections = split_advice(advice)
    if not corrections:
        return "See-a-doctor advice shown."
    text = correction_text(corrections)
    return f"See-a-doctor {text[0].lower()}{text[1:]}."


@contextmanager
def _table(page: Canvas, columns: Sequence[tuple[str, float]]) -> Iterator[Any]:
    """An fpdf2 table in the log's style, its header row written: the header repeats on every page it reaches, a row
    is never split, and the page breaks where the table needs it (elsewhere the report chooses its breaks)."""
    from fpdf.fonts import FontFace

    page.font(LOG_SIZE)
    page.pdf.set_text_color(INK)
    page.pdf.set_fill_color("#FFFFFF")
    page.pdf.set_draw_color("#DDDDDD")
    page.pdf.set_line_width(0.4)
    page.pdf.set_auto_page_break(True, margin=PAGE_H - BODY_BOTTOM)
    with page.pdf.table(
        col_widths=[w for _, w in columns], width=CONTENT_W, align="LEFT", text_align="LEFT", v_align="TOP",
        borders_layout="HORIZONTAL_LINES", line_height=LOG_LEADING, padding=(1.5, 2, 1.5, 2), repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", size_pt=7.5, fill_color=SHADE),
    ) as table:  # fmt: skip
        table.row([name for name, _ in columns])
        yield table


def _log(page: Canvas, report: Report) -> None:
    from fpdf.fonts import FontFace

    if page.pdf.get_y() + 22 + 3 * 16 > BODY_BOTTOM:  # the heading stays with the column headers and a first row
        page.pdf.add_page()
    _heading(page, "Chronological log", "times are local, with their UTC offset; L = left, R = right")
    mark, red = FontFace(fill_color=ALERT), FontFace(color=ALERT)
    with _table(page, LOG_COLUMNS) as table:
        for row in _log_rows(report):
            time = f"{row.when:%H:%M} {_offset(row.when)}" if row.time_known else "no time given"
            cells = row.cells | {1: [f"{row.when:%Y-%m-%d}", time]}
            cells[7] = ["Note in full below." if len(row.note) > LONG_NOTE else row.note, *row.after]
            line = table.row()
            line.cell("", style=mark if row.alert else None)
            for column in range(1, len(LOG_COLUMNS)):
                text = "\n".join(part for part in cells.get(column, []) if part)
                line.cell(page.clean(text), style=red if row.alert and column == 6 else None)
            if len(row.note) > LONG_NOTE:
                line = table.row()
                line.cell("", style=mark if row.alert else None)
                line.cell(page.clean(row.note), colspan=len(LOG_COLUMNS) - 1)


def _heading(page: Canvas, text: str, note: str = "") -> None:
    top = page.pdf.get_y()
    page.text(MARGIN, top + 13, text, 11, bold=True)
    if note:
        page.text(PAGE_W - MARGIN, top + 13, note, 7, colour=MUTED, align="right")
    page.pdf.set_y(top + 22)


def _events(page: Canvas, events: Sequence[Event]) -> None:
    """Every safety event in the period with the advice shown, in full; the same advice again is referred back."""
    indent = 124.0
    first_shown: dict[str, Event] = {}
    for n, event in enumerate(events):
        earlier = first_shown.setdefault(event.advice.strip(), event)
        text = event.advice or "No advice text was recorded."
        if earlier is not event and event.advice.strip():
            stamp = _stamp(earlier.at) if earlier.time_known else earlier.when_text
            text = f"The same advice as for {stamp}, shown in full above."
        what = page.wrap(event.what, CONTENT_W - indent, 8, True)
        advice = page.wrap(text, CONTENT_W - indent, 7.5)
        height = 11 * len(what) + 9.5 * len(advice) + 8
        if page.pdf.get_y() + height + (22 if n == 0 else 0) > BODY_BOTTOM:
            page.pdf.add_page()
        if n == 0:
            _heading(page, "Safety events and the advice shown", "every event in the period, in full")
        top = page.pdf.get_y()
        page.box(MARGIN, top, 3, height - 4, fill=ALERT)
        page.text(MARGIN + 8, top + 10, _stamp(event.at) if event.time_known else event.when_text, 7.5, bold=True)
        y = top + 10
        for line in what:
            page.text(MARGIN + indent, y, line, 8, bold=True, colour=ALERT)
            y += 11
        for line in advice:
            page.text(MARGIN + indent, y, line, 7.5)
            y += 9.5
        page.pdf.set_y(top + height)


# ---- the document --------------------------------------------------------------------------------------------------


def _footer(page: Canvas, data: ExportData) -> None:
    page.rule(FOOTER_Y - 11)
    page.text(MARGIN, FOOTER_Y, f"Patient-reported data, not diagnostic. Generated by sij {data.sij_version}.", 7,
              colour=MUTED)  # fmt: skip
    page.pdf.set_xy(MARGIN, FOOTER_Y - 6.5)  # a cell, where fpdf2 puts the page count in for {nb}
    page.pdf.cell(CONTENT_W, 9, f"Page {page.pdf.page_no()} of {{nb}}", align="R")


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
    from fpdf import FPDF

    class Document(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                _header(page, report, first=False)
                self.set_y(LATER_TOP)

        def footer(self) -> None:
            _footer(page, data)

    pdf = Document(unit="pt", format="A4")
    page = Canvas(pdf, Glyphs(pdf))
    pdf.set_margins(MARGIN, LATER_TOP, MARGIN)
    pdf.c_margin = 0
    pdf.set_auto_page_break(False)  # breaks are chosen, except within the log table
    pdf.set_title(page.clean(f"{TITLE}, {_period(report)}"))
    pdf.set_author(page.clean(data.name or ""))
    pdf.set_subject("Patient-reported pain and stretching log, not diagnostic")
    pdf.set_creator(f"sij {data.sij_version}")
    pdf.set_creation_date(data.exported_at)
    pdf.add_page()
    events = report.events()
    _page_one(page, report, events)
    pdf.add_page()
    _events(page, events)
    _log(page, report)
    _ratings(page, report)
    return bytes(pdf.output())


EXPORTER = Exporter(
    name="pdf",
    title="PDF report",
    render=render,
    binary=True,
    options=frozenset({"name"}),
    needs_progress=True,
)
