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

    from tracker.records import PainRecord, PracticeRecord, StretchInfo
    from tracker.safety import Advice
    from tracker.services.overview import RecentWarning

# The consoles are made on first use: importing Rich's console costs more than the rest of `sij --version`.
out: Console
err: Console


def __getattr__(name: str) -> Console:
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    made = (
        _safe_console_class()(highlight=False, soft_wrap=False)
        if name == "out"
        else _safe_console_class()(stderr=True, highlight=False)
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
    from tracker.clock import format_local

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
    table.add_row("Routine", record.routine_name or "hand-picked stretches")
    table.add_row("Holds", f"{holds_done_text(record)}\n{holds_summary(record)}")
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
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


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


def history_table(records: Sequence[PracticeRecord]) -> Table:
    from rich.text import Text

    table = list_table("Sessions, newest first (pain 0-10 before → after)")
    table.add_column("ID", justify="right")
    table.add_column("When (local)", no_wrap=True)
    table.add_column("Routine", no_wrap=True, overflow="ellipsis", max_width=14)
    table.add_column("Holds", justify="right", no_wrap=True)
    table.add_column("Pain", justify="center", no_wrap=True)
    table.add_column("Flags", no_wrap=True)
    table.add_column("State")
    table.add_column("Note", overflow="fold", min_width=12)
    for r in records:
        before = "–" if r.pain_before is None else str(r.pain_before)
        after = "–" if r.pain_after is None else str(r.pain_after)
        flags = Text()
        if r.sharp:
            flags.append("sharp ", style="bold red")
        if r.flagged and not r.sharp:
            flags.append("severe ", style="bold red")
        if r.heat:
            flags.append("heat")
        table.add_row(
            str(r.id),
            short_when(r),
            stored(r.routine_slug or "custom"),
            f"{r.holds_done}/{r.holds_planned}",
            f"{before} → {after}",
            flags,
            SHORT_STATE.get(r.state, r.state),
            Text(r.note),
        )
    return table


def stretches_table(stretches: Sequence[StretchInfo]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    table.add_column("Slug")
    table.add_column("Name")
    table.add_column("Hold", justify="right")
    table.add_column("Sides")
    for s in stretches:
        name = Text(s.name) if s.active else Text(f"{s.name} (retired)", style="dim")
        table.add_row(stored(s.slug), name, f"{s.hold_seconds} s", "each side" if s.per_side else "both together")
    return table


def stretch_panel(stretch: StretchInfo) -> Panel:
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    side = "on each side" if stretch.per_side else "with both sides together"
    body.append(f"Hold about {stretch.hold_seconds} seconds {side}.\n\n", style="bold")
    for number, step in enumerate(stretch.steps, start=1):
        body.append(f"{number}. {step}\n")
    if stretch.cautions:
        body.append("\nTake care\n", style="bold yellow")
        for caution in stretch.cautions:
            body.append(f"  • {caution}\n")
    body.append("\nMove slowly, stretch to gentle tension only, and stop if you feel sharp pain.", style="italic")
    if stretch.source:
        body.append(f"\nSource: {stretch.source}", style="dim")
    return Panel(body, title=f"[bold]{stored(stretch.name)}[/bold] ({stored(stretch.slug)})", expand=False)


def render(*items: Any, to_err: bool = False) -> None:
    from rich.console import Group

    _console("err" if to_err else "out").print(Group(*items) if len(items) > 1 else items[0])
