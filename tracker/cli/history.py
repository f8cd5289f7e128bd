"""`sij history`: past sessions as a table or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import console, prompts
from tracker.cli.context import get_app
from tracker.cli.params import positive_int

if TYPE_CHECKING:
    from datetime import date

    from tracker.records import PainRecord, PracticeRecord


def practice_json(r: PracticeRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "uuid": r.uuid,
        "started_at": r.local_time.isoformat(),
        "time_known": r.time_known,
        "day": r.day.isoformat(),
        "routine": r.routine_slug,
        "stretches": [
            {
                "slug": h.stretch_slug,
                "name": h.stretch_name,
                "side": h.side,
                "seconds": h.seconds,
                "completed": h.completed,
                "sharp": h.sharp,
            }
            for h in r.holds
        ],
        "holds_done": r.holds_done,
        "holds_planned": r.holds_planned,
        "pain_before": r.pain_before,
        "pain_after": r.pain_after,
        "sharp": r.sharp,
        "heat": r.heat,
        "note": r.note,
        "state": r.state,
        "flagged": r.flagged,
        "guided": r.guided,
    }


def check_in_json(r: PainRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "uuid": r.uuid,
        "recorded_at": r.local_time.isoformat(),
        "time_known": r.time_known,
        "day": r.day.isoformat(),
        "score": r.score,
        "sharp": r.sharp,
        "note": r.note,
        "flagged": r.flagged,
    }


def day_option(ctx: typer.Context, value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from tracker.dates import DateInputError, parse_day

    try:
        return parse_day(value, get_app(ctx).clock)
    except DateInputError as err:
        raise prompts.date_error(option, str(err)) from None


def date_range(ctx: typer.Context, since: str | None, until: str | None) -> tuple[date | None, date | None]:
    start = day_option(ctx, since, "--since")
    end = day_option(ctx, until, "--until")
    if start and end and start > end:
        raise typer.BadParameter(
            f"--since {start} is after --until {end}; give the earlier day first.", param_hint="'--since'"
        )
    return start, end


SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="DATE", help="First day (2026-11-01, today, yesterday, monday; not later than today)."
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="DATE", help="Last day (2026-11-30, today, yesterday, monday; not later than today)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def history_command(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", parser=positive_int, metavar="N", help="Show at most N entries.")
    ] = None,
    check_ins: Annotated[
        bool,
        typer.Option(
            "--check-ins",
            help="List pain check-ins (from `sij pain`) with their ids, instead of sessions.",
        ),
    ] = False,
    ratings: Annotated[
        bool,
        typer.Option("--ratings", help="List ratings (activities and impression of change) with their ids instead."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List past sessions, newest first; with --check-ins, pain check-ins; with --ratings, ratings.

    Example: [bold]sij history --since 2026-11-01 --limit 20[/bold]
    Check-in ids (for `sij edit/delete --check-in ID`): [bold]sij history --check-ins[/bold]
    """
    start, end = date_range(ctx, since, until)
    if check_ins and ratings:
        raise typer.BadParameter("give --check-ins or --ratings, not both.", param_hint="'--ratings'")
    if ratings:
        _show_ratings(ctx, start, end, limit, as_json)
        return
    if check_ins:
        _show_check_ins(ctx, start, end, limit, as_json)
        return
    from tracker.services.practices import list_practices

    with get_app(ctx).work(readonly=True) as session:
        records = list_practices(session=session, since=start, until=end, limit=limit)
    if as_json:
        console.print_json([practice_json(r) for r in records])
    elif not records:
        console.info(f"No sessions recorded yet{_in_period(start, end)}. Record one with `sij run` or `sij log`.")
    else:
        console.render_records(console.history_table, records)


def _in_period(start: date | None, end: date | None) -> str:
    """ " in this period" when --since or --until chose one; nothing when the whole history was asked for."""
    return " in this period" if start is not None or end is not None else ""


def _show_check_ins(ctx: typer.Context, start: date | None, end: date | None, limit: int | None, as_json: bool) -> None:
    from tracker.services.pain import list_check_ins

    with get_app(ctx).work(readonly=True) as session:
        records = list_check_ins(session=session, since=start, until=end, limit=limit)
    if as_json:
        console.print_json([check_in_json(r) for r in records])
    elif not records:
        console.info(f"No pain check-ins recorded{_in_period(start, end)}. Record one with `sij pain SCORE`.")
    else:
        console.render_records(console.check_in_table, records)


def _show_ratings(ctx: typer.Context, start: date | None, end: date | None, limit: int | None, as_json: bool) -> None:
    from tracker.cli.ratings import rating_json, ratings_table
    from tracker.services.ratings import list_ratings

    with get_app(ctx).work(readonly=True) as session:
        records = list(reversed(list_ratings(session=session, since=start, until=end)))[:limit]
    if as_json:
        console.print_json([rating_json(r) for r in records])
    elif not records:
        console.info(f"No ratings recorded{_in_period(start, end)}. Rate your activities with `sij activities rate`.")
    else:
        console.render(ratings_table(records))
