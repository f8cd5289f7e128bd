"""`sij stretches`: the stretches you can do, and their full instructions."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.params import naming, slug_value

stretches_app = typer.Typer(
    help="List the stretches and show how to do each one.", invoke_without_command=True, no_args_is_help=False
)


@stretches_app.callback()
def stretches_list(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Include retired stretches.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the stretches (use [bold]sij stretches show SLUG[/bold] for instructions).

    Example: [bold]sij stretches[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.catalog import list_stretches

    with get_app(ctx).work(readonly=True) as session:
        rows = list_stretches(session=session, include_retired=show_all)
    if as_json:
        console.print_json(
            [
                {
                    "slug": s.slug,
                    "name": s.name,
                    "hold_seconds": s.hold_seconds,
                    "per_side": s.per_side,
                    "active": s.active,
                    "steps": list(s.steps),
                    "cautions": list(s.cautions),
                    "source": s.source,
                }
                for s in rows
            ]
        )
    else:
        console.render(console.stretches_table(rows))


@stretches_app.command("show")
def stretches_show(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(parser=slug_value, metavar="SLUG", help="The stretch, e.g. figure-4.")],
) -> None:
    """Show how to do a stretch: steps, hold time and cautions.

    Example: [bold]sij stretches show figure-4[/bold]
    """
    from tracker.services.catalog import get_stretch

    with naming(stretch="SLUG"), get_app(ctx).work(readonly=True) as session:
        stretch = get_stretch(session=session, slug=slug)
    console.render(console.stretch_panel(stretch))
