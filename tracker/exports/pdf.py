"""The clinician's PDF report: page 1 is a summary read in a minute, the following pages the full chronological log.

Plain data in (the read model of tracker.exports.report over ExportData), bytes out, written with fpdf2: it wraps
text, repeats the tables' column headers and keeps their rows whole across pages, and embeds the fonts (DejaVu Sans
from Matplotlib, and for other scripts an installed font `fc-list` finds) and the chart from tracker.charts as
vector graphics (SVG). A character no installed font can draw is shown as the marker "�" rather than dropped.
fpdf2 and Matplotlib are imported inside the functions that use them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import safety
from tracker.clock import utc_offset
from tracker.errors import NothingToDo
from tracker.exports.base import ExportData, Exporter, ExportOptions
from tracker.exports.pdf_fonts import FallbackFonts, needs_shaping, reads_right_to_left
from tracker.exports.report import Event, Report, headline, scale_text, short_day, windows_text
from tracker.text import plural

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

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
GOOD = ("#00603F", "#E3F4EC")  # (text, background) of an improvement with no caution standing
NEUTRAL = ("#1A1A1A", "#EDEDED")

MAX_EVENTS_PAGE1 = 5
MAX_NOTES_PAGE1 = 4
MAX_STRETCH_ROWS = 8
LONG_NOTE = 240  # characters: a longer note gets a full-width row under its entry in the log
LOG_SIZE, LOG_LEADING = 7.0, 8.6

Cell = str | tuple[str, "FontFace | None"]  # a table cell's text, with its style when it has one


# ---- what the report says, as plain values -------------------------------------------------------


def _time(moment: datetime, known: bool = True) -> str:
    """`08:15 +01:00`, or `no time given` when only the date was given."""
    return f"{moment:%H:%M} {utc_offset(moment)}" if known else "no time given"


def _advice_head(pdf: FPDF, advice: str) -> str:
    """`Advice shown: <its first sentence> (in full on page 2)`, on one line of page 1's events box: advice is never
    cut mid-sentence, so a first sentence too long for the line says where the advice is instead."""
    text = " ".join(advice.split())
    first = text.split(". ", 1)[0].rstrip(".") + "."
    head = f"Advice shown: {first}" + ("" if first == text else " (in full on page 2)")
    pdf.set_font(FONT, "", 7)
    if not text:
        return "Advice shown: none recorded."
    return head if pdf.get_string_width(head) < EVENT_TEXT_W else "Advice shown: see page 2, where it is in full."


# ---- text and tables on the page, in points from the top left -----------------------------------------------------


def _style(*, bold: bool = False, colour: str | None = None, size: float | None = None, fill: str | None = None) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD" if bold else "", color=colour, size_pt=size, fill_color=fill)


def _text(pdf: FPDF, x: float, baseline: float, text: str, size: float = 8.0, *, bold: bool = False,
          colour: str = INK, align: str = "L") -> None:  # fmt: skip
    """One line at a baseline; with align "R", `x` is its right end. A cell, not FPDF.text (no fallback fonts)."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(colour)
    pdf.set_xy(MARGIN if align == "R" else x, baseline - 0.3 * size)  # a cell's baseline is 0.3 x size below its top
    pdf.cell(x - MARGIN if align == "R" else 0, 0, text, align=align)


def _fit(pdf: FPDF, text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` on one line, cut at a word with " …" when fpdf2 would wrap it."""
    pdf.set_font(FONT, "B" if bold else "", size)
    lines = pdf.multi_cell(width, text=" ".join(text.split()), dry_run=True, output="LINES", padding=0)
    assert isinstance(lines, list)
    line, *rest = lines or [""]
    while rest and line and pdf.get_string_width(line + " …") > width:
        line = line.rsplit(" ", 1)[0] if " " in line.strip() else line[:-1]
    return f"{line} …" if rest else line


def _para(pdf: FPDF, text: str, size: float, leading: float, *, bold: bool = False, colour: str = INK,
          fill: bool = False, markdown: bool = False) -> None:  # fmt: skip
    """A paragraph across the page from the current y, shaded in the fill colour set with `fill`; the y moves below."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(colour)
    padding = (0, 10, 0, 12) if fill else 0
    pdf.multi_cell(CONTENT_W, leading, text, fill=fill, padding=padding, new_x="LMARGIN", align="L", markdown=markdown)


def _rule(pdf: FPDF, y: float) -> None:
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)


def _heading(pdf: FPDF, text: str, note: str = "", *, small: bool = False) -> None:
    """A section's title (with a note at the right) from the current y: a page heading, or page 1's small capitals."""
    top = pdf.get_y()
    _text(pdf, MARGIN, top + (9 if small else 13), text, 7 if small else 11, bold=True, colour=MUTED if small else INK)
    if note:
        _text(pdf, PAGE_W - MARGIN, top + 13, note, 7, colour=MUTED, align="R")
    pdf.set_y(top + (12 if small else 22))


@contextmanager
def _table(
    pdf: FPDF,
    columns: Sequence[tuple[str, float]],
    *,
    size: float = LOG_SIZE,
    leading: float = LOG_LEADING,
    borders: str = "HORIZONTAL_LINES",
    align: Sequence[str] = "L",
    heading: bool = True,
) -> Iterator[Any]:
    """An fpdf2 table in the log's style (or, with no borders, a grid of label and value): the header repeats on
    every page it reaches, a row is never split, and the page breaks where the table needs it."""
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(INK)
    pdf.set_fill_color("#FFFFFF")
    pdf.set_draw_color("#DDDDDD" if borders == "HORIZONTAL_LINES" else RULE)
    pdf.set_line_width(0.4)
    log_style = borders == "HORIZONTAL_LINES"
    with pdf.table(
        col_widths=[w for _, w in columns], width=sum(w for _, w in columns), align="LEFT",
        text_align=tuple(align) if len(align) > 1 else align[0], v_align="TOP", borders_layout=borders,
        line_height=leading, padding=(1.5, 2, 1.5, 2) if log_style else (0, 2, 3 if borders == "NONE" else 0, 0),
        first_row_as_headings=heading, repeat_headings=1,
        headings_style=_style(bold=True, size=size + 0.5 if log_style else size, fill=SHADE if log_style else None),
    ) as table:  # fmt: skip
        if heading:
            table.row([name for name, _ in columns])
        yield table


def _row(table: Any, cells: Sequence[Cell], alert: bool | None = None, red: Sequence[int] = (), spans: int = 1) -> None:
    """A row of cells (a cell with its own style is a (text, style) pair). With `alert` given, a first cell holds the
    red mark of an alert, and the cells numbered in `red` (from 1) are red when it is an alert."""
    line = table.row()
    if alert is not None:
        line.cell("", style=_style(fill=ALERT) if alert else None)
    for column, cell in enumerate(cells, start=1):
        text, style = cell if isinstance(cell, tuple) else (cell, None)
        style = _style(colour=ALERT) if alert and column in red else style
        line.cell(text, style=style, colspan=spans, align="R" if reads_right_to_left(text) else None)


def _box(pdf: FPDF, top: float, height: float, *, fill: str, width: float = CONTENT_W) -> None:
    pdf.set_fill_color(fill)
    pdf.rect(MARGIN, top, width, height, style="F")


# ---- page 1 --------------------------------------------------------------------------------------


def _header(pdf: FPDF, report: Report, *, first: bool) -> float:
    """The title block; returns the y below it. Later pages get a compact version."""
    data, period, generated = report.data, report.period_text(), report.generated_text()
    if not first:
        _text(pdf, MARGIN, 52, TITLE, 10, bold=True)
        line = _fit(pdf, f"{period} · {generated}", CONTENT_W - pdf.get_string_width(TITLE) - 16, 7.5)
        _text(pdf, PAGE_W - MARGIN, 52, line, 7.5, colour=MUTED, align="R")
        if data.name:
            _text(pdf, MARGIN, 63, _fit(pdf, f"Name: {data.name}", CONTENT_W, 7.5), 7.5, colour=MUTED)
        _rule(pdf, 68)
        return LATER_TOP
    _text(pdf, MARGIN, 60, TITLE, 18, bold=True)
    if data.name:
        name = _fit(pdf, data.name, CONTENT_W - pdf.get_string_width(TITLE) - 20, 12, True)
        _text(pdf, PAGE_W - MARGIN, 60, name, 12, bold=True, align="R")
    line = f"Period {period}  ·  {generated}  ·  sij {data.sij_version}"
    _text(pdf, MARGIN, 78, _fit(pdf, line, CONTENT_W, 8.5), 8.5)
    pdf.set_y(84)
    _para(pdf, scale_text(), 7.5, 10, colour=MUTED)
    lead, rest = report.completeness()  # the lead in bold, then the counts, wrapped by fpdf2 as one paragraph
    _para(pdf, f"**{lead}** {rest}", 8.5, 11, markdown=True)
    _rule(pdf, pdf.get_y() + 2)
    return pdf.get_y() + 10


def _verdict_box(pdf: FPDF, report: Report, top: float) -> float:
    """The change since the start (and, for a period report, within the period), with its caution beside it.
    Green only for an improvement with no caution standing (CLINICAL.md "Caution beside a verdict")."""
    progress = report.progress
    c = progress.change_since_start
    colour, background = {"worsening": (ALERT, ALERT_BG)}.get(c.code, GOOD if c.good_news else NEUTRAL)
    detail = [windows_text(c), safety.INFORMATION_ONLY]
    if detail[0]:
        detail.insert(1, f"Meaningful: {safety.MEANINGFUL_POINTS} points and {safety.MEANINGFUL_FRACTION:.0%} "
                      f"lower; substantial: {safety.SUBSTANTIAL_FRACTION:.0%}.")  # fmt: skip
    paragraphs = [  # text, size, leading, bold, colour; fpdf2 wraps each, filled, so they make one box
        ("CHANGE IN PAIN BEFORE SESSIONS SINCE THE START (starting → latest sessions)", 7, 12, True, MUTED),
        (headline(c), 15, 17, True, colour),
        (c.text, 8.5, 11, False, INK),
        (c.caution, 8, 10.5, True, ALERT),
        (" ".join(detail), 7, 9.5, False, MUTED),
    ]
    if progress.limited:
        period = f"{short_day(progress.start)}–{short_day(progress.end)}"
        within = f"WITHIN THIS PERIOD ({period}): {headline(progress.change)}"
        paragraphs += [(within, 8.5, 12, True, INK), (windows_text(progress.change), 7, 9.5, False, MUTED)]
    # Advice is never cut on page 1: each warning wraps over as many lines as it needs.
    paragraphs += [("Review suggested: " + w.text, 8, 11, True, ALERT) for w in progress.warnings]
    _box(pdf, top, 6, fill=background)
    pdf.set_y(top + 6)
    for text, size, leading, bold, ink in paragraphs:
        if text:
            _para(pdf, text, size, leading, bold=bold, colour=ink, fill=True)
    height = pdf.get_y() + 6 - top
    _box(pdf, pdf.get_y(), 6, fill=background)
    _box(pdf, top, height, fill=ALERT if c.caution else colour, width=4)
    return top + height + 10


def _ratings_box(pdf: FPDF, report: Report) -> None:
    """Function start → now with its verdict, and the latest impression of change; nothing when neither exists."""
    view = report.data.rating_summary
    if view is None or (not view.function.activities and view.impression is None):
        return
    f, i, rows, bold, notes = view.function, view.impression, list[list[Cell]](), _style(bold=True), []
    if f.activities:
        colour = {"meaningful": GOOD[0], "worse": ALERT}.get(f.verdict.name, INK)
        rows.append(
            [("Function (0-10, higher is better)", bold), (f.headline, _style(bold=True, colour=colour, size=8))]
        )
        notes.append(
            f"Function: mean of the person's {plural(len(f.activities), 'activity', 'activities')}, first ratings "
            f"(from {min(a.first_day for a in f.activities):%Y-%m-%d}, whatever the period) vs latest; "
            f"+{safety.FUNCTION_MEANINGFUL_POINTS} is meaningful."
        )
    if i is not None:
        notes.append("Impression: 1-2 is a clinically important improvement.")
        rows.append(
            [("Impression of change (1-7)", bold), (i.headline, _style(bold=True, colour=ALERT if i.advice else INK))]
        )
        reported = safety.IMPRESSION_REVIEW_REPORTED.format(words=i.words)
        rows += [["", (reported, _style(bold=True, colour=ALERT))]] if i.advice else []
    _heading(pdf, "WHAT THE PERSON CAN DO, AND THEIR OWN VIEW OF THE CHANGE", small=True)
    _grid(pdf, [("", 150.0), ("", CONTENT_W - 150)], [*rows, [(" ".join(notes), _style(colour=MUTED, size=7))]])


def _key_numbers(pdf: FPDF, report: Report) -> None:
    label, heading = _style(bold=True), _style(bold=True, colour=MUTED, size=7)
    rows: list[list[Cell]] = [[("PAIN", heading), "", ("ADHERENCE", heading), ""]]
    for (pain, pain_text), (adherence, adherence_text) in zip(*report.key_numbers(), strict=True):
        rows.append([(pain, label), pain_text, (adherence, label), adherence_text])
    pdf.set_y(pdf.get_y() + 2)
    _grid(pdf, [("", 86.0), ("", CONTENT_W / 2 - 78), ("", 82.0), ("", CONTENT_W / 2 - 90)], rows)
    pdf.set_y(pdf.get_y() + 4)


def _grid(pdf: FPDF, columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[Cell]], leading: float = 9) -> None:
    """Page 1's grid of labels and values: no lines, no header, wrapped by fpdf2."""
    with _table(pdf, columns, size=7.5, leading=leading, borders="NONE", heading=False) as table:
        for cells in rows:  # a row of one cell spans the grid
            _row(table, cells, spans=len(columns) if len(cells) == 1 else 1)


EVENT_TEXT_W = CONTENT_W - 100  # what one line of page 1's event column holds (less padding, with room to spare)


def _events_box(pdf: FPDF, events: Sequence[Event]) -> None:
    """The most serious events (most serious first, newest first within a rank), each with the start of its advice."""
    top, shown = pdf.get_y(), events[:MAX_EVENTS_PAGE1]
    _box(pdf, top, 20, fill=ALERT_BG if events else "#FFFFFF")
    title = f"SAFETY EVENTS: {plural(len(events), 'record')} flagged" if events else "SAFETY EVENTS: none"
    _text(pdf, MARGIN + 8, top + 13, title, 9, bold=True, colour=ALERT if events else INK)
    # The box counts records; "Severe, sharp" above counts scores. Saying so keeps the two from seeming to disagree.
    legend = "a session, check-in or screen counts once · most serious first, newest first within each"
    room = CONTENT_W - 28 - pdf.get_string_width(title)
    _text(pdf, PAGE_W - MARGIN - 8, top + 13, _fit(pdf, legend, room, 6.5), 6.5, colour=MUTED, align="R")
    pdf.set_y(top + 20)
    more = len(events) - len(shown)
    last = f"and {more} more on page 2, where every event and its advice is in full" if more else ""
    if not events:
        last = "No severe or sharp pain and no red-flag screen needing action in this period."
    _event_rows(pdf, shown, [_advice_head(pdf, e.advice) for e in shown], page_one=True, last=last)
    pdf.set_draw_color(ALERT if events else RULE)
    pdf.set_line_width(0.8)
    pdf.rect(MARGIN, top, CONTENT_W, pdf.get_y() - top + 2, style="D")
    pdf.set_y(pdf.get_y() + 12)


def _events(pdf: FPDF, events: Sequence[Event]) -> None:
    """Every safety event in the period with the advice shown, in full; the same advice again is referred back."""
    if not events:
        return
    texts, first_shown = [], dict[str, Event]()
    for event in events:
        earlier = first_shown.setdefault(event.advice.strip(), event)
        texts.append(event.advice or "No advice text was recorded.")
        if earlier is not event and event.advice.strip():
            stamp = f"{earlier.at:%Y-%m-%d} {_time(earlier.at, earlier.time_known)}"
            texts[-1] = f"The same advice as for {stamp}, shown in full above."
    _heading(pdf, "Safety events and the advice shown", "every event in the period, in full")
    _event_rows(pdf, events, texts)
    pdf.set_y(pdf.get_y() + 10)


def _event_rows(
    pdf: FPDF, events: Sequence[Event], advice: Sequence[str], page_one: bool = False, last: str = ""
) -> None:
    """One table style for the events on page 1 (in the box, one line each) and in full: the red mark and the time
    beside what was reported and, under it, the advice shown; the two lines of an event stay on one page."""
    fill = _style(fill=ALERT_BG if page_one else None)
    columns = [("", 3.0), ("", 84.0 if page_one else 121.0), ("", CONTENT_W - (87 if page_one else 124))]
    with _table(pdf, columns, size=7.5, leading=9.5, borders="NONE", heading=False) as table:
        for event, text in zip(events, advice, strict=True):
            what = _fit(pdf, event.what, CONTENT_W - 92, 7.5, True) if page_one else event.what
            line = table.row(style=fill)
            line.cell("", style=_style(fill=ALERT), rowspan=2)
            when = event.when_text if page_one else f"{event.at:%Y-%m-%d} {_time(event.at, event.time_known)}"
            line.cell(when, style=_style(bold=True), rowspan=2, padding=(0, 2, 3, 5))
            line.cell(what, style=_style(bold=True, colour=ALERT, size=7.5 if page_one else 8))
            table.row([text], style=_style(fill=ALERT_BG, size=7) if page_one else None)
        if last:  # page 1: how many more there are, or that there are none
            style = _style(bold=True, colour=ALERT, fill=ALERT_BG) if events else _style(size=8)
            table.row().cell(last, style=style, colspan=3, padding=(2, 2, 4, 8))


def _stretch_table(pdf: FPDF, rows: Sequence[Any]) -> None:
    _heading(pdf, "STRETCHES", small=True)
    muted, small = _style(colour=MUTED), _style(colour=MUTED, size=6.5)
    columns = [("Stretch", 150.0), ("Sides", 50.0), ("Holds done", 60.0), ("Mean hold", 70.0)]
    columns += [("Stopped early", 90.0), ("Sharp reports", CONTENT_W - 420)]
    with _table(pdf, columns, size=7.5, leading=10, borders="SINGLE_TOP_LINE", align="LLRRRR") as table:
        for row in rows[:MAX_STRETCH_ROWS]:
            mean = "–" if row.mean_seconds is None else f"{row.mean_seconds:.0f} s"
            sharp = (str(row.sharp_reports), _style(colour=ALERT) if row.sharp_reports else None)
            _row(table, [_fit(pdf, row.name, 145, 7.5), row.sides, str(row.done), mean, str(row.stopped_early), sharp])
        more = f"and {len(rows) - MAX_STRETCH_ROWS} more (see log pages)" if len(rows) > MAX_STRETCH_ROWS else ""
        note = "Stopped early counts holds not completed and holds a stopped session never reached."
        none = "" if rows else "No stretches recorded in this period."
        for text, style in ((none, None), (more, muted), (note, small)):
            if text:
                table.row().cell(text, style=style, colspan=len(columns), align="L")


def _notes(pdf: FPDF, notes: Sequence[tuple[datetime, str, str]]) -> None:
    _heading(pdf, "MOST RECENT NOTES", small=True)
    rows: list[list[Cell]] = [
        [(f"{local:%Y-%m-%d}", _style(bold=True)), (where, _style(colour=MUTED)), _fit(pdf, text, CONTENT_W - 100, 7.5)]
        for local, where, text in notes[:MAX_NOTES_PAGE1]
    ]
    if len(notes) > MAX_NOTES_PAGE1:
        rows.append([(f"and {len(notes) - MAX_NOTES_PAGE1} more (see log pages)", _style(colour=MUTED)), "", ""])
    _grid(pdf, [("", 52.0), ("", 48.0), ("", CONTENT_W - 100)], rows or [["No notes in this period."]], 8)


def _page_one(pdf: FPDF, report: Report, events: Sequence[Event]) -> None:
    pdf.set_y(_verdict_box(pdf, report, _header(pdf, report, first=True)))
    _ratings_box(pdf, report)
    _key_numbers(pdf, report)
    _events_box(pdf, events)
    # The chart takes the room the tables below leave, so page 1 never runs over.
    rows, notes = report.stretch_rows(), report.notes()
    lines = max(1, min(len(rows), MAX_STRETCH_ROWS + 1)) + max(1, min(len(notes), MAX_NOTES_PAGE1 + 1))  # "and N more"
    chart_bottom = BODY_BOTTOM - 95 - 10 * lines
    _chart(pdf, report, pdf.get_y() - 10, chart_bottom)
    pdf.set_y(chart_bottom)
    _stretch_table(pdf, rows)
    pdf.set_y(pdf.get_y() + 4)
    _notes(pdf, notes)


def _chart(pdf: FPDF, report: Report, top: float, bottom: float) -> None:
    """Daily pain with its 7-day mean (tracker.charts), plus session days and red-flag screens, as vector graphics."""
    from tracker import charts

    progress = report.progress
    _text(pdf, MARGIN, top + 9, "DAILY PAIN, 0-10, WITH 7-DAY AVERAGE", 7, bold=True, colour=MUTED)
    try:
        charts.check_enough(progress, [], charts.Kind.pain)
    except NothingToDo as reason:
        _text(pdf, MARGIN, top + 26, f"No chart: {str(reason).split(';')[0]}.", 8, colour=MUTED)
        return
    screens = sorted({report.data.day_of(s.taken_at, s.offset_minutes) for s in report.screenings if s.level != "none"})
    height = bottom - top - 14
    figure = charts.report_pain_figure(progress, screens, CONTENT_W, height)
    pdf.image(io.BytesIO(charts.render_svg(figure)), x=MARGIN, y=top + 14, w=CONTENT_W, h=height)


# ---- the pages after the first: every safety event in full, the log, the ratings ------------------------------------

LOG_COLUMNS = (  # header, width in points; the first is the red mark of an alert
    ("", 4.0), ("Date, time", 60.0), ("What", 64.0), ("Stretch", 124.0), ("Side", 26.0), ("Hold (s)", 48.0),
    ("Pain (0-10)", 54.0), ("Note", CONTENT_W - 380.0),
)  # fmt: skip


def _log(pdf: FPDF, report: Report) -> None:
    if pdf.get_y() + 22 + 3 * 16 > BODY_BOTTOM:  # the heading stays with the column headers and a first row
        pdf.add_page()
    _heading(pdf, "Chronological log", "times are local, with their UTC offset; L = left, R = right")
    if not (entries := report.log_entries()):  # a period with ratings only
        return _para(pdf, "No sessions, check-ins or red-flag screens in this period.", 8, 11, colour=MUTED)
    with _table(pdf, LOG_COLUMNS) as table:
        for e in entries:
            note = "Note in full below." if len(e.note) > LONG_NOTE else e.note
            lines = [[f"{e.at:%Y-%m-%d}", _time(e.at, e.time_known)], e.what, e.stretches, e.sides, e.seconds, e.pain]
            _row(
                table, ["\n".join(part for part in cell if part) for cell in [*lines, [note, *e.added]]], e.alert, (6,)
            )
            if len(e.note) > LONG_NOTE:
                _row(table, [e.note], e.alert, spans=len(LOG_COLUMNS) - 1)


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
    scope = "every rating in the period" if report.progress.limited else "every rating"
    _heading(pdf, "Function and impression-of-change ratings", f"{scope}, oldest first")
    with _table(pdf, RATING_COLUMNS) as table:
        for r in view.ratings:
            when = f"{r.local_time:%Y-%m-%d} {_time(r.local_time, r.time_known)}"
            cells, alert = [when, "Function", r.activity_text or "", f"{r.value}/10"], False
            if r.kind == "impression":
                words = safety.impression_label(r.value) + IMPRESSION_NOTE.get(r.value, "")
                cells, alert = [when, "Impression of change", "", words], safety.impression_needs_review(r.value)
            _row(table, cells, alert, red=range(1, 5))


# ---- the document --------------------------------------------------------------------------------------------------


def render(data: ExportData, options: ExportOptions) -> bytes:
    """The report as PDF bytes. Raises NothingToDo when the period holds no records (no empty report is written)."""
    del options
    report = Report(data)
    if report.empty:
        p = report.progress
        raise NothingToDo(
            f"No sessions or pain scores between {p.start} and {p.end}, so there is no report to make; record sessions "
            "with `sij run` or `sij log`, or choose another --since/--until."
        )
    import matplotlib
    from fpdf import FPDF

    class Document(FallbackFonts, FPDF):
        """The report's pages: a compact title block on the pages after the first, and a footer on each."""

        main, drawn = FONT, set("\n")  # the characters drawn so far are this document's own

        def header(self) -> None:
            if self.page_no() > 1:
                self.set_y(_header(self, report, first=False))

        def footer(self) -> None:
            _rule(self, FOOTER_Y - 11)
            note = f"Patient-reported data, not diagnostic. Generated by sij {data.sij_version}."
            _text(self, MARGIN, FOOTER_Y, note, 7, colour=MUTED)
            _text(self, PAGE_W - MARGIN, FOOTER_Y, f"Page {self.page_no()} of {{nb}}", 7, colour=MUTED, align="R")

    pdf = Document(unit="pt", format="A4")
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font(FONT, "", folder / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, LATER_TOP, MARGIN)
    pdf.c_margin = 0
    pdf.set_auto_page_break(True, margin=PAGE_H - BODY_BOTTOM)  # the tables break pages; elsewhere the report does
    if needs_shaping(report.persons_words()):  # Arabic joined and right to left, Hebrew right to left, Indic scripts
        pdf.set_text_shaping(True)
    pdf.set_title(f"{TITLE}, {report.period_text()}")
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
