"""`sij stretches`: the stretches you can do and their instructions; add your own, edit, retire."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.params import naming, routine_slug_value, slug_value

if TYPE_CHECKING:
    from tracker.records import StretchInfo

stretches_app = typer.Typer(
    help="List the stretches and show how to do each one; add, edit or retire your own.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def stretch_json(s: StretchInfo) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "name": s.name,
        "hold_seconds": s.hold_seconds,
        "per_side": s.per_side,
        "active": s.active,
        "steps": list(s.steps),
        "cautions": list(s.cautions),
        "source": s.source,
    }


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
        console.print_json([stretch_json(s) for s in rows])
    else:
        console.render(console.stretches_table(rows))


@stretches_app.command("show")
def stretches_show(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(parser=slug_value, metavar="SLUG", help="The stretch, e.g. figure-4.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a panel.")] = False,
) -> None:
    """Show how to do a stretch: steps, hold time and cautions.

    Example: [bold]sij stretches show figure-4[/bold]
    """
    from tracker.services.catalog import get_stretch

    with naming(stretch="SLUG"), get_app(ctx).work(readonly=True) as session:
        stretch = get_stretch(session=session, slug=slug)
    if as_json:
        console.print_json(stretch_json(stretch))
    else:
        console.render(console.stretch_panel(stretch))


NameOption = Annotated[str | None, typer.Option("--name", metavar="TEXT", help="The name people read.")]
StepOption = Annotated[
    list[str] | None,
    typer.Option("--step", metavar="TEXT", help="One instruction; repeat in order (editing replaces all steps)."),
]
HoldOption = Annotated[
    int | None,
    typer.Option("--hold", metavar="SECONDS", help="How long to hold, 5 to 600 seconds.", show_default=False),
]
SidesOption = Annotated[
    bool | None,
    typer.Option(
        "--per-side/--both-sides", help="Held on each side in turn, or once with both sides.", show_default=False
    ),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", metavar="TEXT", help="Who prescribed it or where it comes from.")
]
CautionOption = Annotated[
    list[str] | None,
    typer.Option("--caution", metavar="TEXT", help="A caution shown with the steps; repeat for several."),
]


@stretches_app.command("add")
def stretches_add(
    ctx: typer.Context,
    slug: Annotated[
        str | None,
        typer.Argument(
            metavar="[SLUG]", help="Short id: lowercase letters, digits, hyphens (e.g. cat-cow).", show_default=False
        ),
    ] = None,
    name: NameOption = None,
    step: StepOption = None,
    hold: HoldOption = None,
    per_side: SidesOption = None,
    source: SourceOption = None,
    caution: CautionOption = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help='Add the stretches (and routines) of a JSON file in the seed format ("format": "sij-seed"), '
            "or one stretch object.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Add a stretch, e.g. one your physiotherapist prescribed.

    Example: [bold]sij stretches add cat-cow --name "Cat-cow" --step "On hands and knees."
    --step "Slowly arch, then round your back." --hold 10 --both-sides[/bold]
    From a file: [bold]sij stretches add --from physio.json[/bold]
    """
    from tracker.services.customise import StretchSpec, add_stretches, load_stretch_file

    if from_file is not None:
        given = [
            n
            for n, v in (
                ("SLUG", slug),
                ("--name", name),
                ("--step", step),
                ("--hold", hold),
                ("--per-side/--both-sides", per_side),
                ("--source", source),
                ("--caution", caution),
            )
            if v is not None
        ]
        if given:
            raise typer.BadParameter(
                f"give either --from FILE or SLUG with --name and --step, not both ({given[0]} was given too).",
                param_hint="'--from'",
            )
        with naming(file="--from"):
            specs, routines = load_stretch_file(from_file)
    else:
        if slug is None:
            raise typer.BadParameter("give the new stretch's SLUG (or --from FILE).", param_hint="'SLUG'")
        if name is None:
            raise typer.BadParameter('give the stretch\'s name, e.g. --name "Cat-cow".', param_hint="'--name'")
        if not step:
            raise typer.BadParameter(
                "give at least one --step TEXT (repeat it for each instruction, in order).", param_hint="'--step'"
            )
        specs = [
            StretchSpec(
                slug=slug,
                name=name,
                steps=tuple(step),
                hold_seconds=30 if hold is None else hold,
                per_side=True if per_side is None else per_side,
                source=source or "",
                cautions=tuple(caution or ()),
            )
        ]
        routines = []
    # Values typed on the command line are named by their option; a file's problems by --from.
    named = {"file": "--from"} if from_file is not None else {"slug": "SLUG"}
    with naming(**named), get_app(ctx).work() as session:
        added, made = add_stretches(session=session, specs=specs, routines=routines)
    for stretch in added:
        console.out_line(f"Added stretch '{stretch.slug}'.")
        console.render(console.stretch_panel(stretch))
    for routine in made:
        console.out_line(f"Added routine '{routine.slug}': {', '.join(s.slug for s in routine.stretches)}.")
    if added and not made:
        slugs = " ".join(f"--stretch {s.slug}" for s in added)
        console.info(f"Make a routine of it: sij routines create my-routine {slugs}")


def _steps_text(steps: tuple[str, ...]) -> Text:
    return Text("\n".join(f"{n}. {s}" for n, s in enumerate(steps, start=1)) or "(none)")


def _stretch_diff(before: StretchInfo, after: StretchInfo) -> Table:
    table = Table(
        title=f"Changed stretch '{after.slug}'", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD
    )
    table.add_column("")
    table.add_column("Before", overflow="fold")
    table.add_column("")
    table.add_column("After", overflow="fold")
    rows: list[tuple[str, Text, Text]] = []
    if before.name != after.name:
        rows.append(("Name", Text(before.name), Text(after.name)))
    if before.steps != after.steps:
        rows.append(("Steps", _steps_text(before.steps), _steps_text(after.steps)))
    if before.hold_seconds != after.hold_seconds:
        rows.append(("Hold", Text(f"{before.hold_seconds} s"), Text(f"{after.hold_seconds} s")))
    if before.per_side != after.per_side:
        sides = {True: "each side", False: "both together"}
        rows.append(("Sides", Text(sides[before.per_side]), Text(sides[after.per_side])))
    if before.source != after.source:
        rows.append(("Source", Text(before.source or "(none)"), Text(after.source or "(none)")))
    if before.cautions != after.cautions:
        rows.append(("Cautions", _steps_text(before.cautions), _steps_text(after.cautions)))
    for label, old, new in rows:
        table.add_row(label, old, "→", new)
    if not rows:
        table.add_row("", Text("(no difference)", style="dim"), "", "")
    return table


@stretches_app.command("edit")
def stretches_edit(
    ctx: typer.Context,
    slug: Annotated[
        str, typer.Argument(parser=slug_value, metavar="SLUG", help="The stretch to change (seeded ones too).")
    ],
    name: NameOption = None,
    step: StepOption = None,
    hold: HoldOption = None,
    per_side: SidesOption = None,
    source: SourceOption = None,
    caution: CautionOption = None,
    no_cautions: Annotated[bool, typer.Option("--no-cautions", help="Remove all cautions.")] = False,
) -> None:
    """Change a stretch; only what you give changes (--step and --caution replace the whole list).

    Example: [bold]sij stretches edit figure-4 --hold 45[/bold]
    """
    from tracker.services.customise import StretchChanges, edit_stretch

    if no_cautions and caution:
        raise typer.BadParameter("give either --caution or --no-cautions, not both.", param_hint="'--no-cautions'")
    changes = StretchChanges(
        name=name,
        steps=tuple(step) if step else None,
        hold_seconds=hold,
        per_side=per_side,
        source=source,
        cautions=() if no_cautions else (tuple(caution) if caution else None),
    )
    with naming(stretch="SLUG"), get_app(ctx).work() as session:
        before, after = edit_stretch(session=session, slug=slug, changes=changes)
    console.render(_stretch_diff(before, after))


@stretches_app.command("retire")
def stretches_retire(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(parser=slug_value, metavar="SLUG", help="The stretch to retire.")],
    new_default: Annotated[
        str | None,
        typer.Option(
            "--new-default",
            parser=routine_slug_value,
            metavar="ROUTINE",
            help="Make this routine the default first (needed when the default routine uses the stretch).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Retire a stretch: hidden from lists and new routines, kept in your history (`--all` shows it).

    Example: [bold]sij stretches retire figure-4 --new-default my-plan[/bold]
    """
    from tracker.services.customise import retire_stretch

    with naming(stretch="SLUG"), get_app(ctx).work() as session:
        result = retire_stretch(session=session, slug=slug, new_default=new_default)
    if result.new_default:
        console.out_line(f"Your default routine is now '{result.new_default}'.")
    console.out_line(
        f"Retired stretch '{slug}'. Past sessions keep it; `sij stretches unretire {slug}` brings it back."
    )
    if result.still_in:
        console.warn(
            f"Still listed in routine(s) {', '.join(result.still_in)}; take it out with "
            f"`sij routines edit SLUG --stretch ...` if you no longer want it there."
        )


@stretches_app.command("unretire")
def stretches_unretire(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(parser=slug_value, metavar="SLUG", help="The retired stretch to bring back.")],
) -> None:
    """Bring a retired stretch back to the lists and new routines.

    Example: [bold]sij stretches unretire figure-4[/bold]
    """
    from tracker.services.customise import unretire_stretch

    with naming(stretch="SLUG"), get_app(ctx).work() as session:
        unretire_stretch(session=session, slug=slug)
    console.out_line(f"Stretch '{slug}' is back in the list.")


# `restore` reads naturally too; kept out of the help so the one documented name is `unretire`.
stretches_app.command("restore", hidden=True)(stretches_unretire)
