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
FONT = "DejaVu Sans"  # Matplotlib's font, so the chart's SVG text is drawn in it too
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
LOG_SIZE, LOG_LEADING = 7.0, 8.6

STATE_TEXT = {"completed": "completed", "stopped_sharp": "stopped: sharp pain", "aborted": "stopped early"}
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


# ---- text on the page, in points from the top left ---------------------------------------------------------------


def _text(pdf: FPDF, x: float, baseline: float, text: str, size: float = 8.0, *, bold: bool = False,
          colour: str = INK, align: str = "L") -> None:  # fmt: skip
    """One line at a baseline; with align "R", `x` is its right end. A cell, not FPDF.text (no fallback fonts)."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(colour)
    pdf.set_xy(MARGIN if align == "R" else x, baseline - 0.3 * size)  # a cell's baseline is 0.3 x size below its top
    pdf.cell(x - MARGIN if align == "R" else 0, 0, text, align=align)


def _lines(pdf: FPDF, text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """The lines fpdf2 wraps `text` into."""
    pdf.set_font(FONT, "B" if bold else "", size)
    lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES", padding=0)
    assert isinstance(lines, list)
    return lines or [""]


def _fit(pdf: FPDF, text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` on one line, cut at a word with " …" when fpdf2 would wrap it."""
    line, *rest = _lines(pdf, " ".join(text.split()), width, size, bold)
    while rest and line and pdf.get_string_width(line + " …") > width:
        line = line.rsplit(" ", 1)[0] if " " in line.strip() else line[:-1]
    return f"{line} …" if rest else line


def _para(pdf: FPDF, text: str, size: float, leading: float, *, bold: bool = False, colour: str = INK,
          x: float = MARGIN, width: float = CONTENT_W, fill: bool = False) -> None:  # fmt: skip
    """A paragraph fpdf2 wraps from the current y; the y moves below it."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(colour)
    pdf.set_x(x)
    pdf.multi_cell(width, leading, text, fill=fill, padding=(0, 10, 0, 12) if fill else 0, new_x="LMARGIN", align="L")


def _box(pdf: FPDF, x: float, top: float, w: float, h: float, *, fill: str, edge: str | None = None) -> None:
    pdf.set_fill_color(fill)
    pdf.set_draw_color(edge or fill)
    pdf.set_line_width(0.8 if edge else 0)
    pdf.rect(x, top, w, h, style="DF" if edge else "F")


def _rule(pdf: FPDF, y: float) -> None:
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)


# ---- page 1 --------------------------------------------------------------------------------------


def _header(pdf: FPDF, report: Report, *, first: bool) -> float:
    """The title block; returns the y below it. Later pages get a compact version."""
    data = report.data
    generated = f"Generated {_long(data.exported_at.date())} {data.exported_at:%H:%M} UTC{_offset(data.exported_at)}"
    zone = data.exported_at.tzname()
    if zone and not zone.startswith(("UTC", "+", "-")):
        generated += f" ({zone})"
    if not first:
        _text(pdf, MARGIN, 52, TITLE, 10, bold=True)
        room = CONTENT_W - pdf.get_string_width(TITLE) - 16
        _text(pdf, PAGE_W - MARGIN, 52, _fit(pdf, f"{_period(report)} · {generated}", room, 7.5), 7.5, colour=MUTED,
              align="R")  # fmt: skip
        if data.name:
            _text(pdf, MARGIN, 63, _fit(pdf, f"Name: {data.name}", CONTENT_W, 7.5), 7.5, colour=MUTED)
        _rule(pdf, 68)
        return LATER_TOP
    _text(pdf, MARGIN, 60, TITLE, 18, bold=True)
    if data.name:
        room = CONTENT_W - pdf.get_string_width(TITLE) - 20
        _text(pdf, PAGE_W - MARGIN, 60, _fit(pdf, data.name, room, 12, True), 12, bold=True, align="R")
    line = f"Period {_period(report)}  ·  {generated}  ·  sij {data.sij_version}"
    _text(pdf, MARGIN, 78, _fit(pdf, line, CONTENT_W, 8.5), 8.5)
    scale = (
        f"Pain scale: numeric rating {safety.PAIN_MIN}-{safety.PAIN_MAX}, asked the same way each time "
        f"(“{safety.PAIN_QUESTION}”): {safety.PAIN_SCALE}. Bands: {_bands()}."
    )
    pdf.set_y(84)
    _para(pdf, scale, 7.5, 10, colour=MUTED)
    lead, rest = report.completeness()
    pdf.set_font(FONT, "", 8.5)  # the lead in bold, then the counts, wrapped by fpdf2 as one paragraph
    pdf.set_text_color(INK)
    pdf.multi_cell(CONTENT_W, 11, f"**{lead}** {rest}", markdown=True, new_x="LMARGIN")
    y = pdf.get_y() + 2
    _rule(pdf, y)
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


def _verdict_box(pdf: FPDF, report: Report, top: float) -> float:
    """The change since the start (and, for a period report, within the period), with its caution beside it.
    Green only for an improvement with no caution standing (CLINICAL.md "Caution beside a verdict")."""
    progress = report.progress
    c = progress.change_since_start
    colour, background = VERDICT_COLOURS.get(c.code, NEUTRAL_VERDICT)
    if not c.good_news and c.code in ("meaningful", "substantial"):
        colour, background = NEUTRAL_VERDICT
    detail = [_windows(c), safety.INFORMATION_ONLY]
    if detail[0]:
        detail.insert(1, f"Meaningful: {safety.MEANINGFUL_POINTS} points and {safety.MEANINGFUL_FRACTION:.0%} "
                      f"lower; substantial: {safety.SUBSTANTIAL_FRACTION:.0%}.")  # fmt: skip
    paragraphs = [  # text, size, leading, bold, colour; fpdf2 wraps each, filled, so they make one box
        ("CHANGE IN PAIN BEFORE SESSIONS SINCE THE START (starting → latest sessions)", 7, 12, True, MUTED),
        (_headline(c), 15, 17, True, colour),
        (c.text, 8.5, 11, False, INK),
        (c.caution, 8, 10.5, True, ALERT),
        (" ".join(detail), 7, 9.5, False, MUTED),
    ]
    if progress.limited:
        within = f"WITHIN THIS PERIOD ({_short(progress.start)}–{_short(progress.end)}): {_headline(progress.change)}"
        paragraphs += [(within, 8.5, 12, True, INK), (_windows(progress.change), 7, 9.5, False, MUTED)]
    # Advice is never cut on page 1: each warning wraps over as many lines as it needs.
    paragraphs += [("Review suggested: " + w.text, 8, 11, True, ALERT) for w in progress.warnings]
    pdf.set_fill_color(background)
    pdf.rect(MARGIN, top, CONTENT_W, 6, style="F")
    pdf.set_y(top + 6)
    for text, size, leading, bold, ink in paragraphs:
        if text:
            _para(pdf, text, size, leading, bold=bold, colour=ink, width=CONTENT_W, fill=True)
    pdf.rect(MARGIN, pdf.get_y(), CONTENT_W, 6, style="F")
    height = pdf.get_y() + 6 - top
    _box(pdf, MARGIN, top, 4, height, fill=ALERT if c.caution else colour)
    return top + height + 10


def _key_numbers(pdf: FPDF, report: Report, top: float) -> float:
    from fpdf.fonts import FontFace

    p, a = report.progress.pain, report.progress.adherence
    best, worst = report.best_and_worst()
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
    days = f"{a.days_done} of {a.days_counted}" + (" (today not over)" if a.today_open else "")
    if a.share_of_target is not None:
        days += f" · {a.share_of_target:.0%} of the target"
    rows = [
        ("PAIN", "", "ADHERENCE", ""),
        ("Pain before → after", pain, "Sessions",
         f"{a.sessions_completed} completed, {a.sessions_stopped} stopped early · {a.sessions_per_week:.1f} a week"),
        ("Best / worst day",
         f"{_short(best[0])} ({best[1]}) / {_short(worst[0])} ({worst[1]}); each day by its highest score"
         if best and worst else "no pain scores",
         "Days done", f"{days} ({plural(a.target_per_week, 'day')} a week)"),
        # Scores are counted one by one here; the safety-events box counts records (a session counts once).
        ("Severe, sharp", f"{severe} · {plural(p.sharp_events, 'sharp-pain report')}", "Streaks",
         f"current {plural(a.current_streak, 'day')} · longest {plural(a.longest_streak, 'day')}"),
    ]  # fmt: skip
    label = FontFace(emphasis="BOLD")
    pdf.set_y(top + 2)
    with _table(pdf, [("", 86.0), ("", CONTENT_W / 2 - 78), ("", 82.0), ("", CONTENT_W / 2 - 90)], size=7.5,
                leading=9, borders="NONE") as table:  # fmt: skip
        for n, row in enumerate(rows):
            line = table.row()
            for column, text in enumerate(row):
                muted = FontFace(emphasis="BOLD", color=MUTED, size_pt=7)
                line.cell(text, style=(muted if n == 0 else label) if column % 2 == 0 else None)
    return pdf.get_y() + 4


def _events_box(pdf: FPDF, report: Report, top: float, events: Sequence[Event]) -> float:
    shown = list(events[:MAX_EVENTS_PAGE1])  # the report orders them: most serious first, newest first
    more = len(events) - len(shown)
    height = 22 + (EVENT_ROW * len(shown) if shown else 11) + (11 if more else 0) + 4
    _box(pdf, MARGIN, top, CONTENT_W, height, fill=ALERT_BG if events else "#FFFFFF", edge=ALERT if events else RULE)
    title = f"SAFETY EVENTS: {plural(len(events), 'record')} flagged" if events else "SAFETY EVENTS: none"
    _text(pdf, MARGIN + 8, top + 13, title, 9, bold=True, colour=ALERT if events else INK)
    # The box counts records; "Severe, sharp" above counts scores. Saying so keeps the two from seeming to disagree.
    legend = "a session, check-in or screen counts once · most serious first, newest first within each"
    room = CONTENT_W - 28 - pdf.get_string_width(title)
    _text(pdf, PAGE_W - MARGIN - 8, top + 13, _fit(pdf, legend, room, 6.5), 6.5, colour=MUTED, align="R")
    y = top + 25
    if not events:
        _text(pdf, MARGIN + 8, y, "No severe or sharp pain and no red-flag screen needing action in this period.", 8)
    what_x = MARGIN + 8 + 84
    room = PAGE_W - MARGIN - 8 - what_x
    for event in shown:  # what was reported, and under it the start of the advice shown, in whole sentences
        _text(pdf, MARGIN + 8, y, event.when_text, 7.5, bold=True)
        _text(pdf, what_x, y, _fit(pdf, event.what, room, 7.5, True), 7.5, bold=True, colour=ALERT)
        _text(pdf, what_x, y + 9, _advice_head(pdf, event.advice, room), 7)
        y += EVENT_ROW
    if more:
        text = f"and {more} more on page 2, where every event and its advice is in full"
        _text(pdf, MARGIN + 8, y, text, 7.5, bold=True, colour=ALERT)
    return top + height + 10


def _advice_head(pdf: FPDF, advice: str, width: float) -> str:
    """`Advice shown: <its first whole sentences> (in full on page 2)`: advice is never cut mid-sentence."""
    text = " ".join(advice.split())
    if not text:
        return "Advice shown: none recorded."
    sentences = [part if part.endswith(".") else part + "." for part in text.split(". ") if part]
    shown = ""
    pdf.set_font(FONT, "", 7)
    for sentence in sentences:
        candidate = f"{shown} {sentence}".strip()
        if pdf.get_string_width(f"Advice shown: {candidate} (in full on page 2)") > width:
            break
        shown = candidate
    if shown == text:
        return f"Advice shown: {text}"
    if not shown:  # a first sentence longer than the line: say where it is rather than cut it
        return "Advice shown: see page 2, where it is in full."
    return f"Advice shown: {shown} (in full on page 2)"


def _stretch_table(pdf: FPDF, top: float, rows: Sequence[StretchRow]) -> None:
    from fpdf.fonts import FontFace

    _text(pdf, MARGIN, top + 9, "STRETCHES", 7, bold=True, colour=MUTED)
    pdf.set_y(top + 13)
    columns = [("Stretch", 150.0), ("Sides", 50.0), ("Holds done", 60.0), ("Mean hold", 70.0)]
    columns += [("Stopped early", 90.0), ("Sharp reports", CONTENT_W - 420)]
    with _table(pdf, columns, size=7.5, leading=10, borders="SINGLE_TOP_LINE", align=("L", "L", "R", "R", "R", "R"),
                heading=True) as table:  # fmt: skip
        for row in rows[:MAX_STRETCH_ROWS]:
            mean = "–" if row.mean_seconds is None else f"{row.mean_seconds:.0f} s"
            cells = [_fit(pdf, row.name, 145, 7.5), row.sides, str(row.done), mean, str(row.stopped_early)]
            line = table.row(cells)
            line.cell(str(row.sharp_reports), style=FontFace(color=ALERT) if row.sharp_reports else None)
    if not rows:
        _text(pdf, MARGIN, pdf.get_y() + 8, "No stretches recorded in this period.", 7.5)
        pdf.set_y(pdf.get_y() + 10)
    if len(rows) > MAX_STRETCH_ROWS:
        _text(pdf, MARGIN, pdf.get_y() + 8, f"and {len(rows) - MAX_STRETCH_ROWS} more (see log pages)", 7.5,
              colour=MUTED)  # fmt: skip
        pdf.set_y(pdf.get_y() + 10)
    note = "Stopped early counts holds not completed and holds a stopped session never reached."
    _text(pdf, MARGIN, pdf.get_y() + 8, note, 6.5, colour=MUTED)


def _notes(pdf: FPDF, top: float, notes: Sequence[tuple[datetime, str, str]]) -> None:
    _text(pdf, MARGIN, top + 9, "MOST RECENT NOTES", 7, bold=True, colour=MUTED)
    y = top + 21
    if not notes:
        _text(pdf, MARGIN, y, "No notes in this period.", 7.5)
    for local, where, text in notes[:MAX_NOTES_PAGE1]:
        _text(pdf, MARGIN, y, f"{local:%Y-%m-%d}", 7.5, bold=True)
        _text(pdf, MARGIN + 52, y, where, 7.5, colour=MUTED)
        _text(pdf, MARGIN + 100, y, _fit(pdf, text, CONTENT_W - 100, 7.5), 7.5)
        y += 10
    if len(notes) > MAX_NOTES_PAGE1:
        _text(pdf, MARGIN, y, f"and {len(notes) - MAX_NOTES_PAGE1} more (see log pages)", 7.5, colour=MUTED)


def _page_one(pdf: FPDF, report: Report, events: Sequence[Event]) -> None:
    y = _header(pdf, report, first=True)
    y = _verdict_box(pdf, report, y)
    y = _ratings_box(pdf, report, y)
    y = _key_numbers(pdf, report, y)
    y = _events_box(pdf, report, y, events)
    # The chart takes the room the tables below leave, so page 1 never runs over.
    rows, notes = report.stretch_rows(), report.notes()
    shown_rows = min(len(rows), MAX_STRETCH_ROWS) + (1 if len(rows) > MAX_STRETCH_ROWS else 0)
    shown_notes = min(len(notes), MAX_NOTES_PAGE1) + (1 if len(notes) > MAX_NOTES_PAGE1 else 0)
    chart_bottom = BODY_BOTTOM - (95 + 10 * max(1, shown_rows) + 10 * max(1, shown_notes))
    _chart(pdf, report, y, chart_bottom)
    _stretch_table(pdf, chart_bottom, rows)
    _notes(pdf, pdf.get_y() + 12, notes)


def _chart(pdf: FPDF, report: Report, top: float, bottom: float) -> None:
    """Daily pain with its 7-day mean (tracker.charts), plus session days and red-flag screens, as vector graphics."""
    from tracker import charts

    progress = report.progress
    _text(pdf, MARGIN, top + 9, "DAILY PAIN, 0-10, WITH 7-DAY AVERAGE", 7, bold=True, colour=MUTED)
    try:
        charts.check_enough(progress, [], charts.Kind.pain)
    except NothingToDo as reason:
        pdf.set_y(top + 18)
        _para(pdf, f"No chart: {str(reason).split(';')[0]}.", 8, 11, colour=MUTED)
        return
    screens = sorted({report.data.day_of(s.taken_at, s.offset_minutes) for s in report.screenings if s.level != "none"})
    height = bottom - top - 14
    figure = charts.report_pain_figure(progress, screens, CONTENT_W, height)
    pdf.image(io.BytesIO(charts.render_svg(figure)), x=MARGIN, y=top + 14, w=CONTENT_W, h=height)


# ---- function and impression of change (page 1 box, and the ratings pages) -----------------------
# Kept apart from the pain parts: what they show comes from the read model (ExportData.rating_summary).


def _ratings_box(pdf: FPDF, report: Report, top: float) -> float:
    """Function start → now with its verdict, and the latest impression of change; nothing when neither exists."""
    view = report.data.rating_summary
    if view is None or (not view.function.activities and view.impression is None):
        return top
    rows: list[tuple[str, str, str]] = []  # label, text, colour
    f = view.function
    if f.activities:
        colour = {"meaningful": VERDICT_COLOURS["meaningful"][0], "worse": ALERT}.get(f.verdict.name, INK)
        rows.append(("Function (0-10, higher is better)", f.headline, colour))
    if view.impression is not None:
        i = view.impression
        rows.append(("Impression of change (1-7)", i.headline, ALERT if i.advice else INK))
        if i.advice:
            rows.append(("", i.advice, ALERT))
    _text(pdf, MARGIN, top + 9, "WHAT THE PERSON CAN DO, AND THEIR OWN VIEW OF THE CHANGE", 7, bold=True, colour=MUTED)
    y, indent = top + 22, pdf.get_string_width("Function (0-10, higher is better)") * 7.5 / 7 + 10
    for label, text, colour in rows:
        _text(pdf, MARGIN, y, label, 7.5, bold=True)
        _text(pdf, MARGIN + indent, y, _fit(pdf, text, CONTENT_W - indent, 8, True), 8, bold=True, colour=colour)
        y += 11
    note = (
        f"Function: mean of the person's {len(f.activities)} activities, first vs latest rating; "
        f"+{safety.FUNCTION_MEANINGFUL_POINTS} is meaningful. Impression: 1-2 is a clinically important improvement."
    )
    _text(pdf, MARGIN, y, _fit(pdf, note, CONTENT_W, 7), 7, colour=MUTED)
    return y + 12


RATING_COLUMNS = (("", 4.0), ("Date, time", 96.0), ("Measure", 88.0), ("Activity", 130.0), ("Rating", CONTENT_W - 318))
# In the ratings table the impression's words stand alone, with a short note where it counts (1-2 and 6-7).
IMPRESSION_NOTE = {1: ": clinically important improvement", 6: ": ask for a review"}
IMPRESSION_NOTE |= {2: IMPRESSION_NOTE[1], 7: IMPRESSION_NOTE[6]}


def _ratings(pdf: FPDF, report: Report) -> None:
    """Every rating in the period on pages of their own, oldest first, in a table like the log's."""
    view = report.data.rating_summary
    if view is None or not view.ratings:
        return
    pdf.add_page()
    _heading(pdf, "Function and impression-of-change ratings", "every rating in the period, oldest first")
    with _table(pdf, RATING_COLUMNS) as table:
        for r in view.ratings:
            cells, alert = ["Function", r.activity_text or "", f"{r.value}/10"], False
            if r.kind == "impression":
                cells = [
                    "Impression of change",
                    "",
                    safety.impression_label(r.value) + IMPRESSION_NOTE.get(r.value, ""),
                ]
                alert = safety.impression_needs_review(r.value)
            moment = r.local_time
            stamp = f"{moment:%H:%M} {_offset(moment)}" if r.time_known else "no time given"
            _row(table, [f"{moment:%Y-%m-%d} {stamp}", *cells], alert, red=range(1, 5))


# ---- the pages after the first: every safety event in full, then the log -------------------------------------------

LOG_COLUMNS = (  # header, width in points; the first is the red mark of an alert
    ("", 4.0), ("Date, time", 60.0), ("What", 64.0), ("Stretch", 124.0), ("Side", 26.0), ("Hold (s)", 48.0),
    ("Pain (0-10)", 54.0), ("Note", CONTENT_W - 380.0),
)  # fmt: skip


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
def _table(
    pdf: FPDF,
    columns: Sequence[tuple[str, float]],
    *,
    size: float = LOG_SIZE,
    leading: float = LOG_LEADING,
    borders: str = "HORIZONTAL_LINES",
    align: Sequence[str] = "L",
    heading: bool = False,
) -> Iterator[Any]:
    """An fpdf2 table in the log's style (or, with `heading` False and no borders, a grid of label and value): the
    header repeats on every page it reaches, a row is never split, and the page breaks where the table needs it."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", size)
    pdf.set_text_color(INK)
    pdf.set_fill_color("#FFFFFF")
    pdf.set_draw_color("#DDDDDD" if borders == "HORIZONTAL_LINES" else RULE)
    pdf.set_line_width(0.4)
    with pdf.table(
        col_widths=[w for _, w in columns], width=sum(w for _, w in columns), align="LEFT",
        text_align=tuple(align) if len(align) > 1 else align[0], v_align="TOP",
        borders_layout=borders, line_height=leading,
        padding=(1.5, 2, 1.5, 2) if borders == "HORIZONTAL_LINES" else (0, 2, 3 if borders == "NONE" else 0, 0),
        first_row_as_headings=borders == "HORIZONTAL_LINES" or heading, repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", size_pt=size + 0.5 if not heading else size,
                                fill_color=SHADE if borders == "HORIZONTAL_LINES" else None),
    ) as table:  # fmt: skip
        if table._first_row_as_headings:
            table.row([name for name, _ in columns])
        yield table


def _row(table: Any, cells: Sequence[str], alert: bool, red: Sequence[int] = (), spans: int = 1) -> None:
    """A log row: the red mark of an alert, then the cells (those in `red` red when it is an alert)."""
    from fpdf.fonts import FontFace

    line = table.row()
    line.cell("", style=FontFace(fill_color=ALERT) if alert else None)
    for column, text in enumerate(cells, start=1):
        line.cell(text, style=FontFace(color=ALERT) if alert and column in red else None, colspan=spans)


def _log(pdf: FPDF, report: Report) -> None:
    if pdf.get_y() + 22 + 3 * 16 > BODY_BOTTOM:  # the heading stays with the column headers and a first row
        pdf.add_page()
    _heading(pdf, "Chronological log", "times are local, with their UTC offset; L = left, R = right")
    with _table(pdf, LOG_COLUMNS) as table:
        for row in _log_rows(report):
            time = f"{row.when:%H:%M} {_offset(row.when)}" if row.time_known else "no time given"
            cells = row.cells | {1: [f"{row.when:%Y-%m-%d}", time]}
            cells[7] = ["Note in full below." if len(row.note) > LONG_NOTE else row.note, *row.after]
            texts = ["\n".join(part for part in cells.get(column, []) if part) for column in range(1, len(LOG_COLUMNS))]
            _row(table, texts, row.alert, red=(6,))
            if len(row.note) > LONG_NOTE:
                _row(table, [row.note], row.alert, spans=len(LOG_COLUMNS) - 1)


def _heading(pdf: FPDF, text: str, note: str = "") -> None:
    top = pdf.get_y()
    _text(pdf, MARGIN, top + 13, text, 11, bold=True)
    if note:
        _text(pdf, PAGE_W - MARGIN, top + 13, note, 7, colour=MUTED, align="R")
    pdf.set_y(top + 22)


def _events(pdf: FPDF, events: Sequence[Event]) -> None:
    """Every safety event in the period with the advice shown, in full; the same advice again is referred back."""
    indent, first_shown = 124.0, dict[str, Event]()
    for n, event in enumerate(events):
        earlier = first_shown.setdefault(event.advice.strip(), event)
        text = event.advice or "No advice text was recorded."
        if earlier is not event and event.advice.strip():
            stamp = _stamp(earlier.at) if earlier.time_known else earlier.when_text
            text = f"The same advice as for {stamp}, shown in full above."
        what = _lines(pdf, event.what, CONTENT_W - indent, 8, True)
        height = 11 * len(what) + 9.5 * len(_lines(pdf, text, CONTENT_W - indent, 7.5))
        if pdf.get_y() + height + 8 + (22 if n == 0 else 0) > BODY_BOTTOM:
            pdf.add_page()
        if n == 0:
            _heading(pdf, "Safety events and the advice shown", "every event in the period, in full")
        top = pdf.get_y()
        _box(pdf, MARGIN, top, 3, height + 4, fill=ALERT)
        _text(pdf, MARGIN + 8, top + 10, _stamp(event.at) if event.time_known else event.when_text, 7.5, bold=True)
        pdf.set_y(top + 3)
        _para(pdf, event.what, 8, 11, bold=True, colour=ALERT, x=MARGIN + indent, width=CONTENT_W - indent)
        _para(pdf, text, 7.5, 9.5, x=MARGIN + indent, width=CONTENT_W - indent)
        pdf.set_y(top + height + 8)


# ---- the document --------------------------------------------------------------------------------------------------


def _installed_fonts() -> list[tuple[str, list[tuple[int, int]]]]:
    """(file, code point ranges) of the TrueType and OpenType fonts fontconfig knows; none without fontconfig."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\t%{charset}\n"], capture_output=True, text=True,
                                 timeout=20, check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for file, _, charset in sorted(line.partition("\t") for line in listing.splitlines()):
        if file.lower().endswith((".ttf", ".otf")) and "color" not in file.lower():
            fonts.append((file, [(int(s[0], 16), int(s[-1], 16)) for s in (p.split("-") for p in charset.split())]))
    return fonts


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
    from fpdf import FPDF

    class Document(FPDF):
        """Headers and footers; and fpdf2's fallback fonts, added when a character DejaVu Sans lacks appears (an
        installed font that has it, found with fc-list); a character no installed font has becomes MISSING."""

        drawn = set("\n")
        installed: list[tuple[str, list[tuple[int, int]]]] | None = None

        def header(self) -> None:
            if self.page_no() > 1:
                self.set_y(_header(self, report, first=False))

        def footer(self) -> None:
            _rule(self, FOOTER_Y - 11)
            note = f"Patient-reported data, not diagnostic. Generated by sij {data.sij_version}."
            _text(self, MARGIN, FOOTER_Y, note, 7, colour=MUTED)
            _text(self, PAGE_W - MARGIN, FOOTER_Y, f"Page {self.page_no()} of {{nb}}", 7, colour=MUTED, align="R")

        def normalize_text(self, text: str) -> str:
            if not self.drawn.issuperset(text):
                text = "".join(c if c in self.drawn or self._draws(c) else MISSING for c in text.replace("\t", " "))
            return super().normalize_text(text)

        def _draws(self, char: str) -> bool:
            code, fonts = ord(char), self.fonts
            have = [FONT.lower(), FONT.lower() + "B"]  # in both: bold text has it too; else in a fallback font
            if all(code in fonts[k].cmap for k in have) or any(code in fonts[k].cmap for k in self._fallback_font_ids):  # type: ignore[union-attr]
                self.drawn.add(char)
                return True
            if self.installed is None:
                self.installed = _installed_fonts()
            file = next((f for f, spans in self.installed if any(lo <= code <= hi for lo, hi in spans)), None)
            if file is None:
                return False
            self.installed = [(f, spans) for f, spans in self.installed if f != file]
            self.add_font(f"fallback{len(self._fallback_font_ids)}", "", file)
            self.set_fallback_fonts([f"fallback{n}" for n in range(len(self._fallback_font_ids) + 1)], False)
            self.drawn.add(char)
            return True

    pdf = Document(unit="pt", format="A4")
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font(FONT, "", folder / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, LATER_TOP, MARGIN)
    pdf.c_margin = 0
    pdf.set_auto_page_break(True, margin=PAGE_H - BODY_BOTTOM)  # the tables break pages; elsewhere the report does
    pdf.set_title(f"{TITLE}, {_period(report)}")
    pdf.set_author(data.name or "")
    pdf.set_subject("Patient-reported pain and stretching log, not diagnostic")
    pdf.set_creator(f"sij {data.sij_version}")
    pdf.set_creation_date(data.exported_at)
    pdf.add_page()
    events = report.events()
    _page_one(pdf, report, events)
    pdf.add_page()
    _events(pdf, events)
    _log(pdf, report)
    _ratings(pdf, report)
    return bytes(pdf.output())


EXPORTER = Exporter(
    name="pdf",
    title="PDF report",
    render=render,
    binary=True,
    options=frozenset({"name"}),
    needs_progress=True,
)
