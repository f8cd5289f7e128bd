"""The Rich consoles and every renderer: data to stdout, prompts, advice, warnings and errors to stderr.

The only module that prints.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from tracker.records import PainRecord, PracticeRecord, StretchInfo
    from tracker.safety import Advice
    from tracker.services.overview import RecentWarning

# The consoles are made on first use: importing Rich's console costs more than the rest of `sij --version`.
out: Console
err: Console


def __getattr__(name: str) -> Console:
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # emoji=False: a note with ":smile:" in it is shown as typed (and Rich need not load its emoji table).
    made = (
        _safe_console_class()(highlight=False, soft_wrap=False, emoji=False)
        if name == "out"
        else _safe_console_class()(stderr=True, highlight=False, emoji=False)
    )
    globals()[name] = made
    return made


def _safe_console_class() -> type[Console]:
    """A Rich Console whose text reaches the terminal only through `visible`: defence in depth.

    Renderers already pass stored text through `visible`; this catches any text that slipped past them
    (control segments, such as cursor moves of a live display, are Rich's own and pass unchanged).
    """
    from rich.console import Console
    from rich.segment import Segment

    from tracker.text import visible

    class SafeConsole(Console):
        def _render_buffer(self, buffer: Any) -> str:
            return super()._render_buffer(
                segment if segment.control else Segment(visible(segment.text), segment.style, segment.control)
                for segment in buffer
            )

    return SafeConsole


def _console(name: str) -> Console:
    # Inside this module a bare `out` is a global lookup that skips the module __getattr__.
    made = globals().get(name)
    return made if made is not None else __getattr__(name)


def stored(text: str) -> str:
    """Text from the database for a place that reads Rich markup (titles, plain table cells).

    Control characters are made visible and square brackets escaped, so a name such as
    `[link=https://…]` is shown as typed and never becomes markup (a hyperlink, a style).
    """
    from rich.markup import escape

    from tracker.text import visible

    return escape(visible(text))


def write_line(text: str) -> None:
    """One plain line to stdout without loading Rich (for `sij --version`)."""
    sys.stdout.write(text + "\n")


def out_line(text: str) -> None:
    _console("out").print(text, markup=False, highlight=False)


def print_json(data: Any) -> None:
    import json

    from tracker.text import is_control

    # JSON escapes C0 controls itself; C1 controls and bidirectional overrides can only stand inside strings,
    # where \uXXXX means the same character: the data are unchanged, the terminal sees no control.
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write("".join(f"\\u{ord(c):04x}" if is_control(c, keep="\n") else c for c in text) + "\n")


def error(message: str) -> None:
    # Control characters a person typed are shown escaped, never sent to the terminal.
    from rich.text import Text

    from tracker.text import visible

    text = Text("Error: ", style="bold red")
    text.append(visible(message, keep=""))
    _console("err").print(text, soft_wrap=True)


def warn(message: str) -> None:
    from rich.text import Text

    _console("err").print(Text(message, style="yellow"), soft_wrap=True)


def info(message: str) -> None:
    from rich.text import Text

    _console("err").print(Text(message), soft_wrap=True)


def show_first_use_notice() -> None:
    from rich.panel import Panel
    from rich.text import Text

    from tracker.safety import FIRST_USE_NOTICE

    _console("err").print(Panel(Text(FIRST_USE_NOTICE), title="Before you start", border_style="cyan", expand=False))


def show_doctor_panel(advice: Advice) -> None:
    """The see-a-doctor panel: prominent, and always with the emergency red flags."""
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    body.append(advice.title + "\n", style="bold")
    for line in advice.lines:
        body.append(line + "\n")
    body.append("\n" + advice.urgent_title + "\n", style="bold red")
    for item in advice.urgent_items:
        body.append(f"  • {item}\n")
    body.append(advice.urgent_action)
    _console("err").print(
        Panel(body, title="[bold]See a doctor or physiotherapist[/bold]", border_style="red", expand=False)
    )


def show_recent_warnings(warnings: Sequence[RecentWarning]) -> None:
    """A reminder of recent warnings: the advice given then still applies (shown by `sij` and before `sij run`)."""
    from rich.panel import Panel
    from rich.text import Text

    from tracker.clock import format_local
    from tracker.safety import RECENT_WARNING_HOURS, Level

    body = Text()
    body.append(f"In the last {RECENT_WARNING_HOURS} hours you reported:\n", style="bold")
    for warning in warnings:
        body.append(f"  • {format_local(warning.at)}: {warning.what}\n")
    urgency = {Level.emergency: 0, Level.same_day: 1, None: 2}
    advice: list[str] = []
    for warning in sorted(
        warnings, key=lambda w: urgency.get(w.level, 2)
    ):  # each piece of advice once, most urgent first
        if warning.advice not in advice:
            advice.append(warning.advice)
    body.append("\n" + "\n".join(advice), style="bold")
    _console("err").print(Panel(body, title="[bold]Take care[/bold]", border_style="red", expand=False))


def describe_pain(score: int | None) -> str:
    if score is None:
        return "not recorded"
    from tracker.safety import band

    return f"{score}/10 ({band(score).value})"


def when(record: PracticeRecord | PainRecord) -> str:
    """`2026-11-24 08:15 (UTC+00:00)`, or `2026-11-24 (no time given)` for an entry given a date only."""
    from tracker.clock import format_local

    if not record.time_known:
        return f"{record.local_time:%Y-%m-%d} (no time given)"
    return format_local(record.local_time)


def holds_summary(record: PracticeRecord) -> str:
    """`knee-to-chest L R · figure-4 L R` (skipped holds in brackets)."""
    parts: list[str] = []
    current: str | None = None
    sides: list[str] = []
    for hold in record.holds:
        if hold.stretch_slug != current:
            if current is not None:
                parts.append(f"{current} {' '.join(sides)}")
            current, sides = hold.stretch_slug, []
        mark = {"left": "L", "right": "R", "both": "both"}.get(hold.side, hold.side)
        sides.append(mark if hold.completed else f"({mark})")
    if current is not None:
        parts.append(f"{current} {' '.join(sides)}")
    return " · ".join(parts) if parts else "no holds"


def sides_key(record: PracticeRecord) -> Text:
    """What the marks of `holds_summary` mean, said where they are shown."""
    from rich.text import Text

    key = "L = left side, R = right side"
    if any(not h.completed for h in record.holds):
        key += ", (L) = not completed"
    return Text(key, style="dim")


STATE_TEXT = {"completed": "completed", "stopped_sharp": "stopped: sharp pain", "aborted": "stopped early"}
STOP_TEXT = {"stopped_sharp": "stopped for sharp pain", "aborted": "stopped early"}


def holds_done_text(record: PracticeRecord) -> str:
    """`2 of 6 holds done; stopped for sharp pain`: what was planned, not only what was recorded."""
    from tracker.text import plural

    text = f"{record.holds_done} of {plural(record.holds_planned, 'hold')} done"
    return f"{text}; {STOP_TEXT[record.state]}" if record.state in STOP_TEXT else text


def show_practice_saved(record: PracticeRecord) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("When", when(record))
    from tracker.text import HAND_PICKED

    table.add_row("Routine", record.routine_name or HAND_PICKED)
    table.add_row("Holds", f"{holds_done_text(record)}\n{holds_summary(record)}\n{sides_key(record)}")
    pain = f"{describe_pain(record.pain_before)} → {describe_pain(record.pain_after)}"
    if record.change is not None:
        pain += f" (change {record.change:+d})"
    table.add_row("Pain", pain)
    table.add_row("Sharp pain", "yes" if record.sharp else "no")
    table.add_row("Heat first", "yes" if record.heat else "no")
    table.add_row("State", STATE_TEXT.get(record.state, record.state))
    if record.note:
        table.add_row("Note", Text(record.note))
    _console("out").print(Panel(table, title=f"Saved session #{record.id}", border_style="green", expand=False))


def show_pain_saved(record: PainRecord) -> None:
    from rich.text import Text

    line = Text(f"Saved pain check-in #{record.id}: ", style="bold green")
    line.append(f"{describe_pain(record.score)} at {when(record)}")
    if record.sharp:
        line.append(", sharp pain")
    _console("out").print(line)
    if record.note:
        _console("out").print(Text(f"Note: {record.note}"))


SHORT_STATE = {"completed": "done", "stopped_sharp": "stopped", "aborted": "stopped early"}


def short_when(record: PracticeRecord | PainRecord) -> str:
    moment = record.local_time
    if not record.time_known:
        return f"{moment:%Y-%m-%d}"
    from tracker.clock import utc_offset

    return f"{moment:%Y-%m-%d %H:%M} {utc_offset(moment)}"


def list_table(title: str) -> Table:
    """The compact table every list of records uses: a title on the left, bold heads, no outer padding."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )


NARROW = 72  # below this many columns, `sij history` leaves out the routine column to keep id, date and note


def corrected_advice(record: PracticeRecord | PainRecord) -> str | None:
    """`advice shown at 8, corrected` for an entry whose see-a-doctor advice its current scores no longer explain.

    The advice stays on record (CLINICAL.md, "Corrections"); this says why an entry that now reads 3 carries it.
    """
    from tracker.records import PracticeRecord
    from tracker.safety import needs_doctor

    scores = [record.pain_before, record.pain_after] if isinstance(record, PracticeRecord) else [record.score]
    if not record.flagged or needs_doctor(scores, record.sharp):
        return None
    return (
        "advice shown, corrected"
        if record.advice_score is None
        else (f"advice shown at {record.advice_score}, corrected")
    )


def _zone_title(title: str, records: Sequence[PracticeRecord | PainRecord]) -> tuple[str, bool]:
    """The title, naming the UTC offset when every record shares one (then rows show the local time alone)."""
    offsets = {r.offset_minutes for r in records}
    if len(offsets) != 1:
        return title, True
    from tracker.clock import utc_offset

    return f"{title}; times are UTC{utc_offset(records[0].local_time)}", False


def _row_when(record: PracticeRecord | PainRecord, with_offset: bool) -> str:
    return short_when(record) if with_offset else when_short(record)


def when_short(record: PracticeRecord | PainRecord) -> str:
    """`2026-11-24 08:15`, or the date alone when no time was given."""
    from tracker.clock import when_text

    return when_text(record.local_time, record.time_known)


def _note_cell(record: PracticeRecord | PainRecord) -> Text:
    from rich.text import Text

    note = Text()
    corrected = corrected_advice(record)
    if corrected:
        note.append(f"({corrected})", style="red")
        if record.note:
            note.append(" ")
    note.append(record.note)
    return note


def _flags(record: PracticeRecord | PainRecord, heat: bool = False) -> Text:
    from rich.text import Text

    flags = Text()
    if record.sharp:
        flags.append("sharp ", style="bold red")
    if record.flagged and not record.sharp:
        flags.append("severe " if corrected_advice(record) is None else "advice ", style="bold red")
    if heat:
        flags.append("heat")
    return flags


def history_table(records: Sequence[PracticeRecord], width: int | None = None) -> Table:
    """Sessions as a table that keeps the id, the date and whole words of the note at 60 columns and up."""
    from tracker.text import HAND_PICKED

    title, with_offset = _zone_title("Sessions, newest first (pain 0-10 before → after)", records)
    wide = width is None or width >= NARROW
    table = list_table(title)
    table.add_column("ID", justify="right", no_wrap=True, min_width=2)
    table.add_column("When (local)", no_wrap=True)
    if wide:
        table.add_column("Routine", no_wrap=True, overflow="ellipsis", max_width=14 if width else None)
    table.add_column("Holds", justify="right", no_wrap=True)
    table.add_column("Pain", justify="center", no_wrap=True)
    table.add_column("Flags", no_wrap=True)
    table.add_column("Note", overflow="fold", min_width=10, ratio=1)
    for r in records:
        before = "–" if r.pain_before is None else str(r.pain_before)
        after = "–" if r.pain_after is None else str(r.pain_after)
        holds = f"{r.holds_done}/{r.holds_planned}"
        if r.state != "completed":
            holds += f" {SHORT_STATE.get(r.state, r.state)}"
        cells: list[str | Text] = [str(r.id), _row_when(r, with_offset)]
        if wide:
            cells.append(stored(r.routine_name or HAND_PICKED))
        cells += [holds, f"{before} → {after}", _flags(r, r.heat), _note_cell(r)]
        table.add_row(*cells)
    return table


def check_in_table(records: Sequence[PainRecord], width: int | None = None) -> Table:
    title, with_offset = _zone_title("Pain check-ins, newest first", records)
    table = list_table(title)
    table.add_column("ID", justify="right", no_wrap=True, min_width=2)
    table.add_column("When (local)", no_wrap=True)
    table.add_column("Pain", no_wrap=True)
    table.add_column("Flags", no_wrap=True)
    table.add_column("Note", overflow="fold", min_width=10, ratio=1)
    for r in records:
        table.add_row(str(r.id), _row_when(r, with_offset), describe_pain(r.score), _flags(r), _note_cell(r))
    return table


def render_records(table_for: Any, records: Sequence[Any]) -> None:
    """A record table: fitted to the terminal, or, piped, at full width so that every note is printed whole."""
    console = _console("out")
    if console.is_terminal:
        console.print(table_for(records, console.width))
    else:
        saved = console.width
        console.width = 100_000  # a table sizes its columns to their content, so no note is wrapped or cut
        try:
            console.print(table_for(records, None), crop=False)
        finally:
            console.width = saved


def stretches_table(stretches: Sequence[StretchInfo]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    table.add_column("Short name", no_wrap=True)
    table.add_column("Name")
    table.add_column("Hold", justify="right")
    table.add_column("Sides")
    for s in stretches:
        name = Text(s.name) if s.active else Text(f"{s.name} (retired)", style="dim")
        table.add_row(stored(s.slug), name, f"{s.hold_seconds} s", "each side" if s.per_side else "both together")
    return table


def numbered(items: Sequence[str], marks: Sequence[str] | None = None, style: str = "") -> Table:
    """Items with a number (or mark) each, a wrapped line indented under its text, not under the number."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for index, item in enumerate(items):
        mark = marks[index] if marks is not None else f"{index + 1}."
        grid.add_row(mark, Text(item, style=style))
    return grid


def named(name: str, slug: str) -> str:
    """A stretch or routine with the short name people type: `Figure 4 (lying piriformis stretch) · figure-4`."""
    return f"{name} · {slug}"


def stretch_panel(stretch: StretchInfo) -> Panel:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    side = "on each side" if stretch.per_side else "with both sides together"
    parts: list[Any] = [Text(f"Hold about {stretch.hold_seconds} seconds {side}.\n", style="bold")]
    parts.append(numbered(stretch.steps))
    if stretch.cautions:
        parts.append(Text("\nTake care", style="bold yellow"))
        parts.append(numbered(stretch.cautions, ["  •"] * len(stretch.cautions)))
    tail = Text("\nMove slowly, stretch to gentle tension only, and stop if you feel sharp pain.", style="italic")
    if stretch.source:
        tail.append(f"\nSource: {stretch.source}", style="dim")
    parts.append(tail)
    return Panel(Group(*parts), title=f"[bold]{stored(named(stretch.name, stretch.slug))}[/bold]", expand=False)


def render(*items: Any, to_err: bool = False) -> None:
    from rich.console import Group

    _console("err" if to_err else "out").print(Group(*items) if len(items) > 1 else items[0])
