"""`sij progress`, `sij plot`, `sij due` and `sij settings`: is it working, is today done, and the day start."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.history import JsonOption, SinceOption, UntilOption, date_range
from tracker.cli.output import free_default_path, new_file_path, write_new_file
from tracker.cli.params import naming, shown, whole_number
from tracker.errors import NothingToDo
from tracker.text import plural

if TYPE_CHECKING:
    from tracker.stats import Change, Progress, RatingsView

PLOT_FORMATS = ("png", "svg", "pdf")


def _line(text: str) -> None:
    """One line of data on stdout, never wrapped (scripts and shell prompts read it)."""
    console.out.print(text, markup=False, highlight=False, soft_wrap=True)


def target_value(value: str) -> int:
    number = whole_number(value)
    if number is None or not 1 <= number <= 7:
        raise typer.BadParameter(
            f"'{shown(value)}' is not a target; give the days a week you aim to stretch, from 1 to 7."
        )
    return number


# ---- sij progress -------------------------------------------------------------------------------


def progress_command(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    target: Annotated[
        int,
        typer.Option("--target", parser=target_value, metavar="N", help="Days a week you aim to stretch, 1-7."),
    ] = 7,
    as_json: JsonOption = False,
) -> None:
    """Streaks, adherence, pain before and after, and whether pain has changed meaningfully.

    Example: [bold]sij progress --since 2026-10-01 --target 5[/bold]
    """
    start, end = date_range(ctx, since, until)
    from tracker.services.progress import progress_data
    from tracker.services.ratings import ratings_view
    from tracker.stats import summarize

    app = get_app(ctx)
    with app.work(readonly=True) as session:
        data = progress_data(session=session, now=app.clock.now(), since=start, until=end)
        ratings = ratings_view(session=session, since=start, until=end)
    progress = summarize(data, target, limited=start is not None)
    if as_json:
        document = progress.to_dict()
        document["function"] = ratings.function.to_dict()
        document["impression"] = ratings.impression.to_dict() if ratings.impression else None
        console.print_json(document)
        return
    if not progress.has_records and ratings.empty:
        period = "yet" if start is None and end is None else f"between {progress.start} and {progress.end}"
        console.info(
            f"Nothing recorded {period}. Record a session with `sij run` or `sij log`, or pain with `sij pain N`."
        )
        return
    console.out.print(progress_view(progress, ratings))
    if ratings.impression is not None and ratings.impression.advice:
        console.err.print(
            Panel(
                Text(ratings.impression.advice),
                title="[bold]Review suggested[/bold]",
                border_style="yellow",
                expand=False,
            )
        )
    for warning in progress.warnings:
        console.err.print(
            Panel(Text(warning.text), title="[bold]Review suggested[/bold]", border_style="yellow", expand=False)
        )


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _days(count: int) -> str:
    return plural(count, "day")


def _change_rows(grid: Table, label: str, c: Change) -> None:
    """The verdict, its numbers and the caution that stands beside it."""
    if c.baseline.median is not None and c.current.median is not None and c.points is not None:
        change = Text(
            f"starting {c.baseline.median:g} ({c.baseline.first_day}…{c.baseline.last_day}) → "
            f"latest sessions {c.current.median:g} ({c.current.first_day}…{c.current.last_day})"
            f" · {c.describe()}"
        )
    else:
        change = Text("starting → latest sessions: needs more pain scores before sessions")
    grid.add_row(label, change)
    style = {"worsening": "bold red", "substantial": "bold green", "meaningful": "green"}.get(c.code, "")
    if not c.good_news and style.endswith("green"):
        style = "bold"  # never shown as good news while a caution stands
    grid.add_row("", Text(c.text, style=style))
    if c.caution:
        grid.add_row("", Text(c.caution, style="bold red"))


def progress_view(progress: Progress, ratings: RatingsView | None = None) -> Table:
    from tracker.safety import INFORMATION_ONLY
    from tracker.stats import SPARK_DAYS, sparkline

    a, p = progress.adherence, progress.pain
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.title = f"Progress {progress.start} → {progress.end} ({_days(a.days_in_period)})"
    grid.title_justify = "left"
    grid.title_style = "bold"
    grid.add_row("Streak", f"current {_days(a.current_streak)} · longest {_days(a.longest_streak)}")
    share = "–" if a.share_of_target is None else f"{a.share_of_target:.0%}"
    open_today = " (today is not over yet, so not counted)" if a.today_open else ""
    grid.add_row(
        "Adherence",
        f"{a.days_done} of {_days(a.days_counted)} done{open_today} · {share} of your target "
        f"({_days(a.target_per_week)} a week)",
    )
    stopped = f", {a.sessions_stopped} stopped early" if a.sessions_stopped else ""
    grid.add_row("Sessions", f"{a.sessions_completed} completed{stopped} · {a.sessions_per_week:.1f} a week")
    if p.sessions_with_both:
        pain = (
            f"in the {plural(p.sessions_with_both, 'session')} with both scores: before {_number(p.paired_before)}"
            f" → after {_number(p.paired_after)} (mean, 0-10), {_signed(p.mean_change)} within a session"
        )
    else:
        pain = f"before {_number(p.mean_before)} · after {_number(p.mean_after)} (mean of all such scores, 0-10)"
    grid.add_row("Pain", pain)
    if p.best_day and p.worst_day:
        grid.add_row(
            "Best / worst day",
            f"{p.best_day.day} (highest score {p.best_day.score}) · {p.worst_day.day} (highest score "
            f"{p.worst_day.score}); each day judged by its highest score of any kind",
        )
    if progress.limited:
        _change_rows(grid, "Since the start", progress.change_since_start)
        _change_rows(grid, "Within the period", progress.change)
    else:
        _change_rows(grid, "Change", progress.change)
    severe = f"severe scores (7 or more) {p.severe_events}"
    if p.severe_events:
        severe += f" in {plural(p.severe_entries, 'entry', 'entries')}"
    events = f"sharp pain {p.sharp_events} · {severe}"
    grid.add_row("Events", Text(events, style="red" if p.sharp_events or p.severe_events else ""))
    recent = progress.daily_pain(SPARK_DAYS)
    if any(value is not None for value in recent):
        spark = Text(f"|{sparkline(recent)}| pain before sessions, 0-10, one mark a day")
    else:
        spark = Text("no pain scores recorded in these days")
    grid.add_row(f"Last {SPARK_DAYS} days", spark)
    if ratings is not None:
        add_ratings_rows(grid, ratings)
    grid.add_row("", Text(INFORMATION_ONLY, style="dim"))
    return grid


def add_ratings_rows(grid: Table, ratings: RatingsView) -> None:
    """Function (start → now with its verdict) and the latest impression of change, under the pain rows."""
    f = ratings.function
    if f.activities:
        count = plural(len(f.activities), "activity", "activities")
        start, latest, change = f.shown
        first = min(a.first_day for a in f.activities)
        # Since the first ratings whatever the period asked for, and said so: pain beside it is labelled the same way.
        line = Text(
            f"starting {start} (first ratings, from {first}) → now {latest} (mean of {count}, 0-10, higher is better)"
        )
        if f.rerated:
            line.append(f" · {change}")
        grid.add_row("Function", line)
        style = {"meaningful": "green", "worse": "bold red"}.get(f.verdict.name, "")
        grid.add_row("", Text(f.text, style=style))
    elif any(a.active for a in ratings.activities):
        grid.add_row("Function", "not rated yet: `sij activities rate`")
    elif ratings.activities:  # rated once, perhaps, but every activity is retired now
        grid.add_row("Function", "no activity followed now (all retired); their ratings are in `sij history --ratings`")
    if ratings.impression is not None:
        i = ratings.impression
        grid.add_row("Impression", f"{i.value} {i.words} on {i.day} ({i.meaning})")


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return "no change" if round(value, 1) == 0 else f"{value:+.1f}"


# ---- sij plot -----------------------------------------------------------------------------------


class PlotKind(str, enum.Enum):
    all = "all"
    pain = "pain"
    adherence = "adherence"
    stretches = "stretches"
    function = "function"


def _plot_target(output: str | None, today: str, force: bool) -> tuple[Path, str]:
    if output is None:  # nobody named a file: a free name here, never a refusal
        return free_default_path(f"sij-progress-{today}", ".png"), "png"
    path = new_file_path(output, force=force, suffixes=[f".{f}" for f in PLOT_FORMATS])
    return path, path.suffix.lower().lstrip(".")


def plot_command(
    ctx: typer.Context,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write: .png, .svg or .pdf (default: sij-progress-DATE.png here, or -2, -3, ... if taken).",
            show_default=False,
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: Annotated[
        PlotKind, typer.Option("--kind", help="Which chart: all, pain, adherence, stretches or function.")
    ] = (PlotKind.all),
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Draw pain, adherence and stretches as a chart image and print where it was written.

    Example: [bold]sij plot --since 2026-10-01 --output progress.pdf[/bold]
    """
    start, end = date_range(ctx, since, until)
    app = get_app(ctx)
    path, fmt = _plot_target(output, app.clock.now().date().isoformat(), force)
    from tracker import charts
    from tracker.services.progress import holds_per_stretch, progress_data
    from tracker.services.ratings import ratings_view
    from tracker.stats import summarize

    with app.work(readonly=True) as session:
        data = progress_data(session=session, now=app.clock.now(), since=start, until=end)
        holds = []
        if kind in (PlotKind.all, PlotKind.stretches):
            holds = holds_per_stretch(session=session, start=data.start, end=data.end)
        ratings = ratings_view(session=session, since=data.start, until=data.end)
    progress = summarize(data, limited=start is not None)
    if not progress.has_records and start is None and end is None and kind is not PlotKind.function:
        if ratings.ratings:  # a diary of ratings only
            raise NothingToDo(
                "No sessions or pain scores recorded yet, so there is no pain to plot; "
                "`sij plot --kind function` draws your ratings."
            )
        raise NothingToDo(
            "Nothing recorded yet, so there is nothing to plot; record sessions with `sij run` or `sij log`."
        )
    chart_kind = charts.Kind(kind.value)
    charts.check_enough(progress, holds, chart_kind, ratings)
    figure = charts.build_figure(progress, holds, chart_kind, ratings)
    write_new_file(path, charts.render(figure, fmt), force=force)
    _line(str(path))


# ---- sij due ------------------------------------------------------------------------------------


def due_command(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; only the exit status.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Exit 0 when today's routine is done, 1 when it is due: for shell prompts and reminders.

    Example: [bold]sij due --quiet || echo "Time to stretch"[/bold]
    """
    from tracker.services.progress import sessions_on, today_for

    app = get_app(ctx)
    app.quiet = quiet
    with app.work(readonly=True) as session:
        today = today_for(session=session, now=app.clock.now())
        completed, stopped = sessions_on(session=session, day=today)
    done = completed > 0
    if as_json:
        console.print_json({"day": today.isoformat(), "done": done, "sessions_completed": completed})
    elif not quiet:
        if done:
            _line(f"Today's routine is done ({today}).")
        else:
            _line(f"Today's routine is due ({today}): `sij run`, or `sij log` if you already stretched.")
    if not done:
        raise typer.Exit(1)


# ---- sij settings -------------------------------------------------------------------------------

settings_app = typer.Typer(
    name="settings",
    help="Show or change settings.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _settings(session: Any) -> dict[str, str]:
    from tracker.services.catalog import default_routine_slug
    from tracker.services.settings import day_start_minutes, voice_on

    minutes = day_start_minutes(session=session)
    return {
        "day_start": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "default_routine": default_routine_slug(session=session),
        "voice": "on" if voice_on(session=session) else "off",
    }


@settings_app.callback()
def settings_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the current settings.

    Example: [bold]sij settings[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    with get_app(ctx).work(readonly=True) as session:
        values = _settings(session)
    if as_json:
        console.print_json(values)
        return
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    grid.add_column("Setting")
    grid.add_column("Value")
    grid.add_column("Meaning")
    grid.add_row("day-start", values["day_start"], "records before this time count for the day before")
    grid.add_row("default-routine", values["default_routine"] or "–", "the routine `sij run` and `sij log` use")
    grid.add_row("voice", values["voice"], "`sij run` speaks its cues (on) or only shows them (off)")
    console.out.print(grid)


# A value such as -1:00 must reach the check that names HH:MM, not be taken for an option.
@settings_app.command("day-start", context_settings={"ignore_unknown_options": True})
def day_start_command(
    ctx: typer.Context,
    value: Annotated[
        str | None, typer.Argument(metavar="HH:MM", help="When your day starts, 00:00 to 23:59 (default 00:00).")
    ] = None,
) -> None:
    """Show or set when your day starts, so that a late-night session counts for the evening before.

    Example: [bold]sij settings day-start 03:00[/bold]
    """
    from tracker.services.settings import DAY_START, day_start_minutes, parse_day_start, put_setting

    app = get_app(ctx)
    if value is None:
        with app.work(readonly=True) as session:
            minutes = day_start_minutes(session=session)
        _line(f"{minutes // 60:02d}:{minutes % 60:02d}")
        return
    with naming(day_start="HH:MM"):
        minutes = parse_day_start(value)
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    with app.work() as session:
        put_setting(session=session, key=DAY_START, value=text)
    if minutes:
        _line(f"Day start set to {text}: anything recorded before {text} counts for the day before.")
    else:
        _line("Day start set to 00:00: each record counts for the calendar day it was made.")


class OnOff(str, enum.Enum):
    on = "on"
    off = "off"


@settings_app.command("voice")
def voice_command(
    ctx: typer.Context,
    value: Annotated[
        OnOff | None, typer.Argument(metavar="on|off", help="on: `sij run` speaks its cues; off: it only shows them.")
    ] = None,
) -> None:
    """Show or set whether `sij run` speaks its cues (as with --voice).

    Example: [bold]sij settings voice on[/bold]
    """
    from tracker.services.settings import VOICE, put_setting, voice_on

    app = get_app(ctx)
    if value is None:
        with app.work(readonly=True) as session:
            _line("on" if voice_on(session=session) else "off")
        return
    with app.work() as session:
        put_setting(session=session, key=VOICE, value=value.value)
    if value is OnOff.on:
        _line("Voice on: `sij run` speaks its cues (--no-voice for one run). Try it with `sij voice test`.")
    else:
        _line("Voice off: `sij run` shows its cues and rings the bell (--voice for one run).")
