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
    console.out.print("Help: [bold]sij --help[/bold] · how to do a stretch: [bold]sij stretches show SLUG[/bold]")
