"""CSV for a clinician's spreadsheet: one row per session, (`--table pain`) per pain score, or (`--table ratings`)
per rating of an activity or of the impression of change.

Stdlib only. Named csv_export so it does not shadow the standard `csv` module. Text cells that start like a formula
(= + - @ tab or carriage return) get a leading apostrophe, so a spreadsheet shows them as text instead of running
them; numbers stay numbers. Trashed records are not included.

Spreadsheets (Excel, LibreOffice) read it as UTF-8 only with a byte-order mark, and recognise a date and a time only
in cells of their own: so `Date` is YYYY-MM-DD, `Time` is HH:MM local (empty when only the date was given), and the
UTC offset has its own column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from tracker.clock import utc_offset
from tracker.exports.base import (
    CONTEXT_ORDER,
    SIDE_TEXT,
    STATE_TEXT,
    ExportData,
    Exporter,
    ExportOptions,
    PainItem,
    SessionItem,
)
from tracker.safety import band
from tracker.text import HAND_PICKED

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SESSION_HEADERS = (
    "Session #",
    "Date",
    "Time",
    "UTC offset",
    "Routine",
    "Stretches and sides",
    "Holds done",
    "Holds planned",
    "Pain before (0-10)",
    "Pain after (0-10)",
    "Change (after minus before)",
    "Sharp pain or new numbness",
    "Heat before",
    "Guided",
    "How it ended",
    "Flagged (see-a-doctor advice shown)",
    "Note",
)

PAIN_HEADERS = (
    "Pain score #",
    "Date",
    "Time",
    "UTC offset",
    "Pain (0-10)",
    "Band",
    "When",
    "Session #",
    "Sharp pain or new numbness",
    "Flagged (see-a-doctor advice shown)",
    "Note",
)

RATING_HEADERS = (
    "Rating #",
    "Date",
    "Time",
    "UTC offset",
    "Measure",
    "Activity",
    "Rating",
    "Scale",
    "Meaning",
)

CONTEXT_TEXT = {
    "before": "before session",
    "after": "after session",
    "during": "during session",
    "check-in": "check-in",
}

Cell = str | int | None


def neutralise(value: Cell) -> Cell:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


BOM = "\ufeff"  # tells Excel the file is UTF-8 (LibreOffice and Python's utf-8-sig read it too)


def _when(moment: datetime, time_known: bool) -> tuple[str, str, str]:
    """Date, local time (empty when not given) and UTC offset, each in a cell a spreadsheet reads as such."""
    # "UTC+01:00", not "+01:00": a cell starting with + would be read as a formula.
    return moment.date().isoformat(), f"{moment:%H:%M}" if time_known else "", f"UTC{utc_offset(moment)}"


def _stretches(data: ExportData, session: SessionItem) -> str:
    """`Knee to chest: L R; Figure 4: L (R skipped)`, in the order done."""
    groups: list[tuple[str, list[str]]] = []
    for hold in sorted(session.holds, key=lambda h: (h.position, h.uuid)):
        stretch = data.stretch(hold.stretch)
        name = stretch.name if stretch else "unknown stretch"
        side = SIDE_TEXT.get(hold.side, hold.side)
        mark = side if hold.completed else f"{side} skipped"
        if groups and groups[-1][0] == name:
            groups[-1][1].append(mark)
        else:
            groups.append((name, [mark]))
    return "; ".join(f"{name}: {' '.join(marks)}" for name, marks in groups)


def _session_rows(data: ExportData) -> Iterable[Sequence[Cell]]:
    pains: dict[str, list[PainItem]] = {}
    for pain in data.pain_scores:
        if pain.session is not None and pain.deleted_at is None:
            pains.setdefault(pain.session, []).append(pain)
    for session in data.sessions:
        if session.deleted_at is not None:
            continue
        mine = pains.get(session.uuid, [])
        before = [p.score for p in mine if p.context == "before"]
        after = [p.score for p in mine if p.context == "after"]
        pain_before = before[0] if before else None
        pain_after = after[-1] if after else None
        change = None if pain_before is None or pain_after is None else pain_after - pain_before
        sharp = session.sharp or any(h.sharp for h in session.holds) or any(p.sharp for p in mine)
        routine = data.routine(session.routine)
        local = session.local_start
        yield (
            session.id,
            *_when(local, session.time_known),
            routine.name if routine else HAND_PICKED,
            _stretches(data, session),
            session.holds_done,
            session.holds_planned,
            pain_before,
            pain_after,
            change,
            _yes(sharp),
            _yes(session.heat),
            _yes(session.guided),
            STATE_TEXT.get(session.state, session.state),
            _yes(session.flagged),
            session.note,
        )


def _pain_rows(data: ExportData) -> Iterable[Sequence[Cell]]:
    session_ids = {s.uuid: s.id for s in data.sessions}
    live = [p for p in data.pain_scores if p.deleted_at is None]
    for pain in sorted(live, key=lambda p: (p.recorded_at, CONTEXT_ORDER.get(p.context, 9), p.uuid)):
        local = pain.local_time
        yield (
            pain.id,
            *_when(local, pain.time_known),
            pain.score,
            band(pain.score).value,
            CONTEXT_TEXT.get(pain.context, pain.context),
            session_ids.get(pain.session) if pain.session else None,
            _yes(pain.sharp),
            _yes(pain.flagged),
            pain.note,
        )


def _rating_rows(data: ExportData) -> Iterable[Sequence[Cell]]:
    from tracker import safety

    live = [r for r in data.ratings if r.deleted_at is None]
    for rating in sorted(live, key=lambda r: (r.recorded_at, r.id or 0, r.uuid)):
        local = rating.local_time
        activity = data.activity(rating.activity)
        if rating.kind == "impression":
            measure, scale = "Impression of change", "1 very much better … 7 very much worse"
            meaning = f"{safety.IMPRESSION_WORDS[rating.value]}: {safety.impression_meaning(rating.value)}"
        else:
            measure, scale, meaning = "Function (activity)", "0 cannot do it … 10 as before the problem", ""
        yield (
            rating.id,
            *_when(local, rating.time_known),
            measure,
            activity.text if activity else "",
            rating.value,
            scale,
            meaning,
        )


def render(data: ExportData, options: ExportOptions) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)  # the standard dialect: quotes where needed, CRLF line ends (RFC 4180)
    if options.table == "pain":
        writer.writerow(PAIN_HEADERS)
        rows = _pain_rows(data)
    elif options.table == "ratings":
        writer.writerow(RATING_HEADERS)
        rows = _rating_rows(data)
    else:
        writer.writerow(SESSION_HEADERS)
        rows = _session_rows(data)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


TABLES = ("sessions", "pain", "ratings")

EXPORTER = Exporter(name="csv", title="CSV", render=render, options=frozenset({"table"}))
