"""`sij activities ...` (function, PSFS-style) and `sij impression` (global impression of change, PGIC-style)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from tracker.cli import console, prompts
from tracker.cli.context import get_app
from tracker.cli.history import JsonOption
from tracker.cli.params import AT_HELP, ID_MAX, id_value, naming, rating_value, shown, whole_number

EXIT_INTERRUPTED = 130

if TYPE_CHECKING:
    from tracker.dates import When
    from tracker.records import ActivityRecord, RatingRecord

activities_app = typer.Typer(
    help="The activities your pain makes hard, rated 0-10 now and then to follow what you can do.",
    invoke_without_command=True,
    no_args_is_help=False,
)

AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="WHEN", help=AT_HELP),
]


def _when(ctx: typer.Context, at: str | None) -> When:
    """The moment `--at` names, and whether it gave a time of day (a date alone is shown as the date)."""
    from tracker.dates import DateInputError, When, parse_moment

    clock = get_app(ctx).clock
    if at is None:
        return When(clock.now())
    try:
        return parse_moment(at, clock)
    except DateInputError as err:
        raise prompts.date_error("--at", str(err)) from None


def activity_json(a: ActivityRecord) -> dict[str, Any]:
    return {
        "id": a.id,
        "uuid": a.uuid,
        "text": a.text,
        "active": a.active,
        "latest": a.latest,
        "latest_day": a.latest_day.isoformat() if a.latest_day else None,
    }


def rating_json(r: RatingRecord) -> dict[str, Any]:
    from tracker import safety

    return {
        "id": r.id,
        "uuid": r.uuid,
        "kind": r.kind,
        "recorded_at": r.local_time.isoformat(),
        "time_known": r.time_known,
        "day": r.day.isoformat(),
        "value": r.value,
        "activity_id": r.activity_id,
        "activity": r.activity_text,
        "words": safety.IMPRESSION_WORDS[r.value] if r.kind == "impression" else None,
    }


@activities_app.callback()
def activities_list(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Include retired activities.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List your activities with their latest rating (0 = cannot do it at all … 10 = as well as before).

    Example: [bold]sij activities[/bold], then [bold]sij activities rate[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.ratings import list_activities

    with get_app(ctx).work(readonly=True) as session:
        rows = list_activities(session=session, include_retired=show_all)
    if as_json:
        console.print_json([activity_json(a) for a in rows])
        return
    if not rows:
        console.info('No activities yet. Name one your pain makes hard: sij activities add "putting on socks"')
        return
    table = console.list_table("Activities (0 = cannot do it at all … 10 = as well as before the problem)")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Activity", overflow="fold", min_width=12)
    table.add_column("Latest", no_wrap=True)
    table.add_column("Rated on", no_wrap=True)
    for a in rows:
        text = Text(a.text)
        if not a.active:
            text.append(" (retired)", style="dim")
        latest = "–" if a.latest is None else f"{a.latest}/10"
        table.add_row(str(a.id), text, latest, a.latest_day.isoformat() if a.latest_day else "never")
    console.render(table)


@activities_app.command("add")
def activities_add(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="An activity your pain makes hard (up to 120 characters).")
    ],
    at: AtOption = None,
) -> None:
    """Name an activity your pain makes hard, to rate now and then (you follow up to 5 at once).

    Example: [bold]sij activities add "sitting through a film"[/bold]
    """
    from tracker.services.ratings import add_activity

    app = get_app(ctx)
    moment = _when(ctx, at).moment
    with naming(text="TEXT"), app.work() as session:
        record = add_activity(session=session, text=text, at=moment, now=app.clock.now())
    console.out_line(f"Added activity #{record.id}: {record.text}.")
    console.info(f"Rate it with `sij activities rate {record.id}=N` (0 = cannot do it at all … 10 = as before).")


@activities_app.command("retire")
def activities_retire(
    ctx: typer.Context,
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="The activity's id (from `sij activities`).")],
    at: AtOption = None,
) -> None:
    """Stop rating an activity; its ratings stay in history and reports.

    Example: [bold]sij activities retire 2[/bold]
    """
    from tracker.services.ratings import retire_activity

    number = _activity_id(activity_id)
    app = get_app(ctx)
    moment = _when(ctx, at).moment
    with naming(activity="ID"), app.work() as session:
        record = retire_activity(session=session, activity_id=number, at=moment, now=app.clock.now())
    console.out_line(f"Retired activity #{record.id}: {record.text}. Its ratings stay in history.")
    console.info(f"`sij activities unretire {record.id}` brings it back.")


@activities_app.command("unretire")
def activities_unretire(
    ctx: typer.Context,
    activity_id: Annotated[
        str, typer.Argument(metavar="ID", help="The retired activity's id (from `sij activities --all`).")
    ],
) -> None:
    """Rate a retired activity again; its earlier ratings count as before.

    Example: [bold]sij activities unretire 2[/bold]
    """
    from tracker.services.ratings import unretire_activity

    number = _activity_id(activity_id)
    app = get_app(ctx)
    with naming(activity="ID"), app.work() as session:
        record = unretire_activity(session=session, activity_id=number, now=app.clock.now())
    console.out_line(f"Activity #{record.id} is back: {record.text}.")
    console.info(f"Rate it with `sij activities rate {record.id}=N` (0 = cannot do it at all … 10 = as before).")


ACTIVITY_IDS = "`sij activities`"


def _activity_id(text: str) -> int:
    return id_value(text, ACTIVITY_IDS)


def parse_pairs(pairs: list[str]) -> dict[int, int]:
    """`1=4 2=6` as {1: 4, 2: 6}; refuses anything else, naming it."""
    values: dict[int, int] = {}
    for pair in pairs:
        left, sep, right = pair.partition("=")
        activity_id, value = whole_number(left), whole_number(right)
        if not sep or activity_id is None or value is None:
            raise typer.BadParameter(
                f"'{shown(pair)}' is not ID=N; give pairs such as 1=4 2=6 (ids are in `sij activities`).",
                param_hint="'ID=N'",
            )
        if not 1 <= activity_id <= ID_MAX:  # said as `sij activities retire 0` and `sij edit 0` say it
            raise typer.BadParameter(
                f"'{shown(pair)}' is not ID=N: '{shown(left)}' is not an id; "
                f"give the whole number shown by {ACTIVITY_IDS}, e.g. 1=4.",
                param_hint="'ID=N'",
            )
        if activity_id in values:
            raise typer.BadParameter(f"Activity #{activity_id} is rated twice; give each once.", param_hint="'ID=N'")
        values[activity_id] = value
    return values


# `-1=4` must reach the check that names ID=N (ids are 1 and up), not be taken for an option.
@activities_app.command("rate", context_settings={"ignore_unknown_options": True})
def activities_rate(
    ctx: typer.Context,
    pairs: Annotated[
        list[str] | None,
        typer.Argument(metavar="ID=N", help="Ratings by activity id, e.g. 1=4 2=6 (asked on a terminal if left out)."),
    ] = None,
    at: AtOption = None,
) -> None:
    """Rate how well you can do each activity now: 0 = cannot do it at all … 10 = as well as before the problem.

    Example: [bold]sij activities rate[/bold] (asks each one) or [bold]sij activities rate 1=4 2=6[/bold]
    """
    from tracker import safety
    from tracker.services.ratings import list_activities, rate_activities

    app = get_app(ctx)
    values = parse_pairs(pairs or [])
    when = _when(ctx, at)
    if not values:
        if not app.is_interactive:
            raise prompts.needs_terminal(
                ctx, "Without a terminal give the ratings as ID=N pairs, e.g. `sij activities rate 1=4 2=6`."
            )
        with app.work(readonly=True) as session:
            active = list_activities(session=session)
        if not active:
            console.info('No activities yet. Name one your pain makes hard: sij activities add "putting on socks"')
            raise typer.Exit(1)
        console.err.print(f"[bold]{safety.FUNCTION_QUESTION}[/bold] ({safety.FUNCTION_SCALE})")
        with _nothing_saved_if_interrupted():  # the ratings are saved together, after the last answer
            for activity in active:
                answer = prompts.ask_number(activity.text, safety.FUNCTION_MIN, safety.FUNCTION_MAX, skip=True)
                if answer is not None:
                    values[activity.id] = answer
        if not values:
            console.info("Nothing was rated.")
            raise typer.Exit(1)
    with naming(activity="ID=N", value="ID=N"), app.work() as session:
        records = rate_activities(
            session=session, values=values, at=when.moment, now=app.clock.now(), time_known=when.time_known
        )
    for r in records:
        console.out_line(f"Saved rating #{r.id}: {r.activity_text or ''} {r.value}/10{_on_day(r, at)}.")
    if len(records) > 1:
        together = "both ratings" if len(records) == 2 else f"all {len(records)} ratings"
        console.info(f"One `sij undo` takes back {together}.")


@contextlib.contextmanager
def _nothing_saved_if_interrupted() -> Iterator[None]:
    """Ctrl-C (or the end of input) at a question asked before anything is saved: say that nothing was."""
    try:
        yield
    except (KeyboardInterrupt, EOFError):
        console.error("Interrupted; nothing was saved.")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _on_day(record: RatingRecord, at: str | None) -> str:
    """When the rating is for, if --at named it: ` on 2026-11-20` (a date alone: no time of day is made up) or
    ` at 2026-11-30 09:00 (UTC+01:00)`, as `sij pain` echoes it; nothing for a rating given now."""
    from tracker.clock import format_local

    if at is None:
        return ""
    return f" at {format_local(record.local_time)}" if record.time_known else f" on {record.local_time:%Y-%m-%d}"


def impression_command(
    ctx: typer.Context,
    value: Annotated[
        str | None,
        typer.Argument(metavar="[N]", help="1 very much better … 4 no change … 7 very much worse (asked if left out)."),
    ] = None,
    at: AtOption = None,
) -> None:
    """Record your overall impression of change since you started the stretches, from 1 to 7.

    1 very much better, 2 much better, 3 a little better, 4 no change, 5 a little worse, 6 much worse,
    7 very much worse. Example: [bold]sij impression 3[/bold]
    """
    from tracker.services.ratings import record_impression

    app = get_app(ctx)
    number = None if value is None else rating_value(value)
    when = _when(ctx, at)
    if number is None:
        if not app.is_interactive:
            raise prompts.needs_terminal(ctx, "Without a terminal give the value, e.g. `sij impression 3`.")
        with _nothing_saved_if_interrupted():
            number = ask_impression()
        if number is None:
            console.info("Nothing was recorded.")
            raise typer.Exit(1)
    with naming(value="N"), app.work() as session:
        record = record_impression(
            session=session, value=number, at=when.moment, now=app.clock.now(), time_known=when.time_known
        )
    show_impression_saved(record, at)


def ask_impression() -> int | None:
    from tracker import safety

    console.err.print(f"[bold]{safety.IMPRESSION_QUESTION}[/bold]")
    for n, words in safety.IMPRESSION_WORDS.items():
        console.err.print(f"  {n}  {words}")
    return prompts.ask_number("Your answer", safety.IMPRESSION_MIN, safety.IMPRESSION_MAX, skip=True)


def show_impression_saved(record: RatingRecord, at: str | None = None) -> None:
    from tracker import safety

    console.out_line(
        f"Saved rating #{record.id}: impression of change {safety.impression_label(record.value)} "
        f"({safety.impression_meaning(record.value)}){_on_day(record, at)}."
    )
    if safety.impression_needs_review(record.value):
        console.warn(safety.IMPRESSION_REVIEW_ADVICE)


def ratings_table(records: list[RatingRecord]) -> Any:
    from tracker import safety
    from tracker.clock import when_text

    table = console.list_table("Ratings, newest first")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("When (local)", no_wrap=True)
    table.add_column("What", overflow="fold", min_width=12)
    table.add_column("Rating", no_wrap=True)
    for r in records:
        if r.kind == "impression":
            what, shown_value = "Impression of change", safety.impression_label(r.value)
        else:
            what, shown_value = r.activity_text or "", f"{r.value}/10"
        table.add_row(str(r.id), when_text(r.local_time, r.time_known), what, shown_value)
    return table
