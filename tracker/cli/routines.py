"""`sij routines`: list routines, show one, create and edit your own, and choose the default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.history import JsonOption
from tracker.cli.params import naming, routine_slug_value, slug_value

if TYPE_CHECKING:
    from tracker.records import RoutineInfo

routines_app = typer.Typer(
    help="List routines, make your own of any stretches, and choose the one `sij run` and `sij log` use.",
    invoke_without_command=True,
    no_args_is_help=False,
)

StretchOption = Annotated[
    list[str] | None,
    typer.Option(
        "--stretch",
        "-s",
        parser=slug_value,
        metavar="SLUG",
        help="A stretch, in order; repeat for each (a stretch may repeat).",
    ),
]
NameOption = Annotated[str | None, typer.Option("--name", metavar="TEXT", help="The routine's name.")]
DescriptionOption = Annotated[
    str | None, typer.Option("--description", metavar="TEXT", help="A line about the routine.")
]


def routine_json(r: RoutineInfo) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "name": r.name,
        "description": r.description,
        "default": r.is_default,
        "stretches": [s.slug for s in r.stretches],
    }


def _stretch_list(r: RoutineInfo) -> Text:
    text = Text()
    for n, s in enumerate(r.stretches):
        if n:
            text.append(", ")
        text.append(s.slug, style="" if s.active else "dim")
        if not s.active:
            text.append(" (retired)", style="dim")
    return text


def routines_table(routines: list[RoutineInfo]) -> Table:
    table = Table(header_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("Short name", no_wrap=True)
    table.add_column("Name")
    table.add_column("Stretches, in order")
    table.add_column("Default")
    for r in routines:
        default = Text("★ default", style="bold green") if r.is_default else ""
        table.add_row(console.stored(r.slug), Text(r.name), _stretch_list(r), default)
    return table


def routine_panel(r: RoutineInfo) -> Table:
    title = console.stored(console.named(r.name, r.slug)) + (" · your default" if r.is_default else "")
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        caption=r.description or None,
        caption_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("Stretch")
    table.add_column("Hold", justify="right")
    table.add_column("Sides")
    for n, s in enumerate(r.stretches, start=1):
        name = Text(console.named(s.name, s.slug))
        if not s.active:
            name.append(" retired", style="dim")
        table.add_row(str(n), name, f"{s.hold_seconds} s", "each side" if s.per_side else "both together")
    return table


@routines_app.callback()
def routines_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the routines; ★ marks the default that `sij run` and `sij log` use.

    Example: [bold]sij routines[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.catalog import list_routines

    with get_app(ctx).work(readonly=True) as session:
        rows = list_routines(session=session)
    if as_json:
        console.print_json([routine_json(r) for r in rows])
    else:
        console.render(routines_table(rows))


@routines_app.command("show")
def routines_show(
    ctx: typer.Context,
    slug: Annotated[
        str, typer.Argument(parser=routine_slug_value, metavar="SLUG", help="The routine, e.g. si-basics.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Show a routine's stretches in order.

    Example: [bold]sij routines show si-basics[/bold]
    """
    from tracker.services.catalog import get_routine

    with naming(routine="SLUG"), get_app(ctx).work(readonly=True) as session:
        routine = get_routine(session=session, slug=slug)
    if as_json:
        console.print_json(routine_json(routine))
    else:
        console.render(routine_panel(routine))


@routines_app.command("create")
def routines_create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(metavar="SLUG", help="Short id: lowercase letters, digits, hyphens.")],
    stretch: StretchOption = None,
    name: NameOption = None,
    description: DescriptionOption = None,
) -> None:
    """Make a routine of stretches, in the order given.

    Example: [bold]sij routines create physio-plan --stretch cat-cow --stretch knee-to-chest --name "Physio plan"[/bold]
    """
    from tracker.services.customise import RoutineSpec, create_routine

    spec = RoutineSpec(slug=slug, name=name, stretches=tuple(stretch or ()), description=description or "")
    with naming(slug="SLUG"), get_app(ctx).work() as session:
        routine = create_routine(session=session, spec=spec)
    console.out_line(f"Created routine '{routine.slug}'.")
    console.render(routine_panel(routine))
    if not routine.is_default:
        console.info(f"Make it the one `sij run` and `sij log` use: sij routines default {routine.slug}")


@routines_app.command("edit")
def routines_edit(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(parser=routine_slug_value, metavar="SLUG", help="The routine to change.")],
    stretch: Annotated[
        list[str] | None,
        typer.Option(
            "--stretch",
            "-s",
            parser=slug_value,
            metavar="SLUG",
            help="The new order of stretches (replaces the old list).",
        ),
    ] = None,
    name: NameOption = None,
    description: DescriptionOption = None,
) -> None:
    """Rename a routine or replace its stretches (give every --stretch, in the new order).

    Example: [bold]sij routines edit physio-plan --stretch cat-cow --stretch supine-twist[/bold]
    """
    from tracker.services.customise import edit_routine

    with naming(routine="SLUG"), get_app(ctx).work() as session:
        before, after = edit_routine(
            session=session,
            slug=slug,
            name=name,
            stretches=tuple(stretch) if stretch else None,
            description=description,
        )
    table = Table(title=f"Changed routine '{slug}'", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("")
    table.add_column("Before", overflow="fold")
    table.add_column("")
    table.add_column("After", overflow="fold")
    if before.name != after.name:
        table.add_row("Name", Text(before.name), "→", Text(after.name))
    if before.description != after.description:
        table.add_row("Description", Text(before.description), "→", Text(after.description))
    if [s.slug for s in before.stretches] != [s.slug for s in after.stretches]:
        table.add_row("Stretches", _stretch_list(before), "→", _stretch_list(after))
    if not table.row_count:
        table.add_row("", Text("(no difference)", style="dim"), "", "")
    console.render(table)


@routines_app.command("default")
def routines_default(
    ctx: typer.Context,
    slug: Annotated[
        str,
        typer.Argument(
            parser=routine_slug_value, metavar="SLUG", help="The routine `sij run` and `sij log` should use."
        ),
    ],
) -> None:
    """Choose the routine that `sij run` and `sij log` use when none is named.

    Example: [bold]sij routines default physio-plan[/bold]
    """
    from tracker.services.customise import set_default_routine

    with naming(routine="SLUG"), get_app(ctx).work() as session:
        routine = set_default_routine(session=session, slug=slug)
    console.out_line(f"Your default routine is now '{routine.slug}' ({', '.join(s.slug for s in routine.stretches)}).")
