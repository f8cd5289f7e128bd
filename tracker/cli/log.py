"""`sij log` (a session done without the timer) and `sij pain N` (a check-in without stretching)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli import console, prompts
from tracker.cli.context import get_app
from tracker.cli.params import AT_HELP, naming, pain_value, slug_value

if TYPE_CHECKING:
    from tracker.dates import When

PAST_AFTER = timedelta(minutes=10)  # a session logged this long after it happened is asked about as past


def _when(ctx: typer.Context, at: str | None, option: str = "--at") -> When:
    from tracker.dates import DateInputError, When, parse_moment

    clock = get_app(ctx).clock
    if at is None:
        return When(clock.now())
    try:
        return parse_moment(at, clock)
    except DateInputError as err:
        raise prompts.date_error(option, str(err)) from None


def log_command(
    ctx: typer.Context,
    stretch: Annotated[
        list[str] | None,
        typer.Option(
            "--stretch",
            "-s",
            parser=slug_value,
            metavar="SLUG",
            help="A stretch you did (repeat for several). Default: every stretch of the routine.",
        ),
    ] = None,
    routine: Annotated[
        str | None,
        typer.Option(
            "--routine", "-r", parser=slug_value, metavar="SLUG", help="Routine done (default: your default routine)."
        ),
    ] = None,
    pain_before: Annotated[
        int | None,
        typer.Option(
            "--pain-before", parser=pain_value, metavar="0-10", help="Pain before, 0 = none … 10 = worst imaginable."
        ),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option(
            "--pain-after", parser=pain_value, metavar="0-10", help="Pain after, 0 = none … 10 = worst imaginable."
        ),
    ] = None,
    sharp: Annotated[
        bool | None,
        typer.Option(
            "--sharp/--no-sharp",
            help="You felt sharp, stabbing or shooting pain, or new numbness or tingling.",
            show_default=False,
        ),
    ] = None,
    heat: Annotated[
        bool | None, typer.Option("--heat/--no-heat", help="You applied heat before stretching.", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note (up to 2,000 characters).")] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help=AT_HELP,
        ),
    ] = None,
) -> None:
    """Record a session done without the guided timer.

    Example: [bold]sij log --pain-before 6 --pain-after 4 --heat[/bold]
    """
    app = get_app(ctx)
    when = _when(ctx, at)
    moment = when.moment
    if app.is_interactive:
        then = None
        if app.clock.now() - moment > PAST_AFTER or not when.time_known:
            from tracker.clock import when_text

            then = when_text(moment, when.time_known)  # the questions are about that time, not right now
        if pain_before is None:
            pain_before = prompts.ask_pain(prompts.BEFORE, then)
        if pain_after is None:
            pain_after = prompts.ask_pain(prompts.AFTER_THEN if then else prompts.AFTER_NOW, then)
        if sharp is None:
            sharp = prompts.ask_yes_no("Did you feel sharp, stabbing or shooting pain, or new numbness or tingling?")
        if heat is None:
            heat = prompts.ask_yes_no("Did you use heat before stretching?")
        if note is None:
            note = prompts.ask_text("Anything to note?") or None

    from tracker.safety import doctor_advice, is_severe, needs_doctor
    from tracker.services.practices import record_practice

    with naming(stretch="--stretch", routine="--routine", note="--note"), app.work() as session:
        record = record_practice(
            session=session,
            at=moment,
            stretch_slugs=stretch or (),
            routine_slug=routine,
            pain_before=pain_before,
            pain_after=pain_after,
            sharp=bool(sharp),
            heat=bool(heat),
            note=note,
            now=app.clock.now(),
            time_known=when.time_known,
        )
    console.show_practice_saved(record)
    if needs_doctor([record.pain_before, record.pain_after], record.sharp):
        severe = is_severe(record.pain_before) or is_severe(record.pain_after)
        console.show_doctor_panel(doctor_advice(severe=severe, sharp=record.sharp))


def pain_command(
    ctx: typer.Context,
    score: Annotated[
        int, typer.Argument(parser=pain_value, metavar="N", help="Pain now, 0 = none … 10 = worst imaginable.")
    ],
    sharp: Annotated[
        bool, typer.Option("--sharp", help="The pain is sharp, stabbing or shooting, or with new numbness or tingling.")
    ] = False,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note (up to 2,000 characters).")] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help=AT_HELP,
        ),
    ] = None,
) -> None:
    """Record a pain check-in without stretching.

    Example: [bold]sij pain 4 --note "after a long drive"[/bold]
    """
    app = get_app(ctx)
    when = _when(ctx, at)

    from tracker.safety import doctor_advice, is_severe, needs_doctor
    from tracker.services.pain import record_check_in

    with naming(note="--note"), app.work() as session:
        record = record_check_in(
            session=session,
            at=when.moment,
            score=score,
            sharp=sharp,
            note=note,
            now=app.clock.now(),
            time_known=when.time_known,
        )
    console.show_pain_saved(record)
    if needs_doctor([record.score], record.sharp):
        console.show_doctor_panel(doctor_advice(severe=is_severe(record.score), sharp=record.sharp))
