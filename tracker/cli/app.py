"""The root Typer app: global options, the single error handler, and the command registry."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tracker import __version__
from tracker.cli import console
from tracker.cli.context import AppContext
from tracker.errors import TrackerError

EXIT_INTERRUPTED = 130

# Typer ships its own Click; reach its exception classes through Typer's public BadParameter
# rather than importing Click (or Typer's private copy of it).
UsageError: type[Exception] = next(k for k in typer.BadParameter.__mro__ if k.__name__ == "UsageError")
ClickException: type[Exception] = next(k for k in typer.BadParameter.__mro__ if k.__name__ == "ClickException")
Abort = typer.Abort


class SijGroup(TyperGroup):
    """Runs every command through one place that turns expected failures into one line and an exit status."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, extra)
        if not standalone_mode:
            return code
        sys.exit(code)

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, extra: dict[str, Any]) -> int:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except TrackerError as err:
            console.error(str(err))
            return err.exit_code
        except UsageError as err:
            hint = ""
            ctx = getattr(err, "ctx", None)
            if ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
            console.error(f"{err.format_message()}{hint}")  # type: ignore[attr-defined]
            return 2
        except ClickException as err:
            console.error(err.format_message())  # type: ignore[attr-defined]
            return int(getattr(err, "exit_code", 1))
        except (Abort, KeyboardInterrupt, EOFError):
            console.error("Interrupted; nothing more was saved.")
            return EXIT_INTERRUPTED
        finally:
            obj = extra.get("obj")
            if isinstance(obj, AppContext):
                obj.close()
        return result if isinstance(result, int) else 0


app = typer.Typer(
    cls=SijGroup,
    name="sij",
    help="Guided home stretches and a pain log for sacroiliac (SI) joint pain.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["--help", "-h"]},
)


def _version(value: bool) -> None:
    if value:
        console.out_line(f"sij {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Database file to use (default: $SIJ_DB, else your user data folder).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Guided home stretches and a pain log for sacroiliac (SI) joint pain.

    Run [bold]sij[/bold] alone for today at a glance. Not medical advice: stop at sharp pain and
    check with your doctor or physiotherapist.
    """
    if db is not None and not db.strip():
        raise typer.BadParameter("the database path is empty; give a file path.", param_hint="'--db'")
    if isinstance(ctx.obj, AppContext):
        if db is not None:
            ctx.obj.db_option = db
    else:
        ctx.obj = AppContext(db_option=db)
    if ctx.invoked_subcommand is None:
        from tracker.cli.today import show_today

        show_today(ctx)


def _register() -> None:
    from tracker.cli import dbcare, history, log, run, stretches

    app.command("log")(log.log_command)
    app.command("pain")(log.pain_command)
    app.command("history")(history.history_command)
    app.command("run")(run.run_command)
    app.command("screen")(run.screen_command)
    app.add_typer(stretches.stretches_app, name="stretches")
    app.add_typer(dbcare.db_app, name="db")


_register()
