"""`sij` alone: today at a glance and what to do next."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from tracker.cli import console
from tracker.cli.context import get_app


def show_today(ctx: typer.Context) -> None:
    from tracker.clock import format_local
    from tracker.services.overview import today_at_a_glance

    app = get_app(ctx)
    with app.work(readonly=True) as session:
        today = today_at_a_glance(session=session, now=app.clock.now())
    from tracker.safety import Level

    if any(w.level is Level.emergency for w in today.warnings):
        # The emergency advice alone: nothing beside it ("routine done", "Next: ...") may water it down.
        console.show_recent_warnings(today.warnings)
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    if today.done_today:
        grid.add_row("Today", Text("routine done ✓", style="green"))
    elif today.sessions_today:
        grid.add_row("Today", Text("started, not finished", style="yellow"))
    else:
        grid.add_row("Today", Text("not done yet", style="yellow"))
    if today.last_session:
        last = today.last_session
        grid.add_row("Last session", f"#{last.id} {format_local(last.local_time)}")
    for pain in today.last_pains:
        grid.add_row("Pain", f"{console.describe_pain(pain.score)} ({pain.context}) {format_local(pain.local_time)}")
    if not today.last_pains:
        grid.add_row("Pain", "nothing recorded yet")
    console.out.print(grid)
    console.out.print()
    if today.warnings:
        console.show_recent_warnings(today.warnings)
        console.out.print(
            "Next: rest, and contact your doctor or physiotherapist before you stretch again "
            "(record how you feel with [bold]sij pain N[/bold])."
        )
    elif today.done_today:
        console.out.print("Next: rest, or record how you feel with [bold]sij pain N[/bold].")
    else:
        routine = console.stored(today.default_routine or "your routine")
        console.out.print(
            f"Next: [bold]sij run[/bold] for a guided {routine} routine, "
            "or [bold]sij log[/bold] if you already stretched."
        )
    if today.screen_due:
        if today.last_screen_at is None:
            console.out.print("Safety: you have not answered the red-flag screen yet; run [bold]sij screen[/bold].")
        else:
            console.out.print("Safety: your last red-flag screen is over a week old; run [bold]sij screen[/bold].")
    _ratings(ctx)
    console.out.print("Help: [bold]sij --help[/bold] · how to do a stretch: [bold]sij stretches show NAME[/bold]")


def _ratings(ctx: typer.Context) -> None:
    """Function and impression of change: offer, remind or ask, as CLINICAL.md "Decisions added" says.

    On a terminal the first-use offer to name activities and the due impression question are asked (Enter skips);
    each is asked at most once (the offer) or once a day (the impression). Without a terminal a line says what to run.
    """
    from tracker import safety
    from tracker.services.ratings import mark_activities_offered, mark_impression_asked, ratings_due

    app = get_app(ctx)
    now = app.clock.now()
    with app.work(readonly=True) as session:
        due = ratings_due(session=session, now=now)
    if due.offer_activities:
        if app.is_interactive and not app.quiet:
            _offer_activities(ctx)
            with app.work() as session:
                mark_activities_offered(session=session)
        else:
            console.out.print(
                "Function: name up to 5 activities your pain makes hard, to rate now and then: "
                '[bold]sij activities add "putting on socks"[/bold].'
            )
    elif due.function_due:
        if due.function_last is None:
            console.out.print(
                "Function: rate your activities for the first time with [bold]sij activities rate[/bold]."
            )
        else:
            console.out.print(
                f"Function: your last activity ratings are from {due.function_last} "
                f"({safety.FUNCTION_REMIND_DAYS}+ days ago); rate them again with [bold]sij activities rate[/bold]."
            )
    if due.impression_due:
        if app.is_interactive:
            from tracker.cli.ratings import ask_impression, show_impression_saved
            from tracker.services.ratings import record_impression

            value = ask_impression()
            with app.work() as session:
                mark_impression_asked(session=session, day=due.today)
                if value is not None:
                    record = record_impression(session=session, value=value, at=now, now=now)
            if value is not None:
                show_impression_saved(record)
        else:
            console.out.print(
                "Change: time to record your overall impression of change, 1-7: [bold]sij impression[/bold]."
            )


def _offer_activities(ctx: typer.Context) -> None:
    from tracker import safety
    from tracker.cli import prompts
    from tracker.errors import InvalidInput
    from tracker.services.ratings import add_activity

    app = get_app(ctx)
    console.err.print(
        "To follow what your pain lets you do, name up to 5 activities it makes hard (3 is a good number). "
        "Press Enter to skip; add them later with [bold]sij activities add[/bold]."
    )
    added = 0
    while added < safety.ACTIVITIES_MAX:
        text = prompts.ask_text(safety.ACTIVITY_PROMPT, "Enter to finish")
        if not text:
            break
        try:
            with app.work() as session:
                record = add_activity(session=session, text=text, at=app.clock.now())
        except InvalidInput as err:
            console.warn(str(err))
            continue
        added += 1
        console.out_line(f"Added activity #{record.id}: {record.text}.")
    if added:
        console.info("Rate them now with `sij activities rate` (0 = cannot do it at all … 10 = as before).")
