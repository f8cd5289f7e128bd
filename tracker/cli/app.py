"""The root Typer app: global options, the single error handler, and the command registry."""

from __future__ import annotations

import re
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


def _plain_help() -> None:
    """Help as people read it: no `<bool>`/`<str>` beside options, no `{N}` or `[[SLUG]]` in usage lines.

    Typer (0.2x) prints a parameter's Python type where a metavar is missing and braces around required
    arguments; both read as noise to a person. Options keep the metavar they were given (SLUG, 0-10, WHEN),
    flags show none, text and numbers read TEXT and N; an argument's name says what to type.
    """
    from typer import core

    plain = {"<str>": "TEXT", "<int>": "N", "<float>": "NUMBER"}

    def option_type(self: Any, ctx: Any) -> str | None:
        if self.metavar is not None:
            return str(self.metavar)
        if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
            return None
        label = str(self.display_type(ctx))
        return plain.get(label, label.strip("<>").upper())

    def argument_type(self: Any, ctx: Any) -> str | None:
        return None  # the argument's own name (N, SLUG, SESSION_ID) already says it

    def usage_name(self: Any) -> str:
        name = str(self.display_name_raw).strip("[]{}")
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    core.TyperOption.display_type_rich = option_type  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = argument_type  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):
        core.TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]


_plain_help()


# Commands are imported only when they run (or when help lists them), so that `sij --version` and a
# single command load just what they need. Name -> "module:attribute", in the order help lists them;
# the attribute is a command function or a Typer sub-app.
LAZY_COMMANDS: dict[str, str] = {}
COMMAND_SETTINGS: dict[str, dict[str, Any]] = {}


def lazy_command(name: str, target: str, **settings: Any) -> None:
    """Register `sij NAME`, loaded from `target` ("package.module:attribute") on first use.

    `settings` are passed to Typer's `command()` for a command function (e.g. `context_settings`).
    """
    LAZY_COMMANDS[name] = target
    if settings:
        COMMAND_SETTINGS[name] = settings


def _load_command(name: str, target: str) -> Any:
    import importlib

    import typer.main

    module_name, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        # Completion is installed from the root app only; a sub-app built on its own would offer it again.
        found._add_completion = False
        command = typer.main.get_command(found)
    else:
        holder = typer.Typer(rich_markup_mode="rich", add_completion=False)
        holder.command(name, **COMMAND_SETTINGS.get(name, {}))(found)
        command = typer.main.get_command(holder)
    command.name = name
    return command


class SijGroup(TyperGroup):
    """Runs every command through one place that turns expected failures into one line and an exit status."""

    _context: Any = None  # the root context of the run in progress (make_context)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in LAZY_COMMANDS if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            self.commands[cmd_name] = _load_command(cmd_name, LAZY_COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:
            import difflib

            typed = args[0] if args else ""
            close = difflib.get_close_matches(typed, self.list_commands(ctx), n=1, cutoff=0.6)
            if not typed or typed.startswith("-") or "No such command" not in str(err):
                raise
            nearest = f"; did you mean `sij {close[0]}`?" if close else "; `sij --help` lists the commands."
            raise UsageError(f"There is no command '{typed}'{nearest}", ctx=ctx) from None  # type: ignore[call-arg]

    def invoke(self, ctx: Any) -> Any:
        # Typer turns a KeyboardInterrupt (Ctrl-C at a prompt) into a silent exit 130; make it an Abort
        # so that `_run` says what happened, as it does for Ctrl-D.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            console.err.print()  # end the line the prompt and ^C left open
            raise Abort() from None

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from tracker.cli import streams

        streams.make_safe()
        code = self._run(args, prog_name, complete_var, extra)
        code = streams.finish(code, saved=self._saved())
        if not standalone_mode:
            return code
        sys.exit(code)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        self._context = super().make_context(info_name, args, parent, **extra)
        return self._context

    def _app_context(self) -> AppContext | None:
        obj = getattr(self._context, "obj", None)
        return obj if isinstance(obj, AppContext) else None

    def _saved(self) -> bool:
        app_context = self._app_context()
        return bool(app_context and app_context.saved)

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, extra: dict[str, Any]) -> int:
        from tracker.cli import streams

        self._context = None  # this run's, once made; never an earlier run's (closed below)
        try:
            streams.refuse_undecodable(sys.argv[1:] if args is None else list(args))
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except TrackerError as err:
            console.error(str(err))
            return err.exit_code
        except UsageError as err:
            _plain_choice_message(err)
            _plain_bad_value(err)
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
        except OSError as err:
            if not streams.is_output_failure(err):
                raise
            return streams.output_failed(err, saved=self._saved())
        except Exception:
            # Something unexpected while reading: if the database is damaged, say that (exit 1) rather than crash.
            app_context = self._app_context()
            if app_context is None or not app_context.database_is_damaged():
                raise
            console.error(app_context.damaged_message())
            return 1
        finally:
            # The database is closed here, not left to Python's shutdown (tracker.cli.collector.finished).
            for obj in (extra.get("obj"), self._app_context()):
                if isinstance(obj, AppContext):
                    obj.close()
        return result if isinstance(result, int) else 0


# What a value of each choice option is, for "'xml' is not an export format; choose csv, json, fhir or pdf."
CHOICE_NOUNS = {"fmt": "an export format", "format": "an export format", "table": "a CSV table", "kind": "a chart kind"}
_NOT_ONE_OF = re.compile(r"(?:Value error, )?(?P<value>'.*') is not one of (?P<choices>'.*')\.", re.DOTALL)


def _plain_bad_value(err: Exception) -> None:
    """Say "--check-in: 'x' is not an id; ..." (or the message alone for an argument), never Click's
    "Invalid value for 'N': ..."; and "`sij pain` needs N" instead of "Missing argument 'N'"."""
    kind = type(err).__name__
    if kind not in ("BadParameter", "MissingParameter"):
        return
    param = getattr(err, "param", None)
    ctx = getattr(err, "ctx", None)
    hint = getattr(err, "param_hint", None)
    if hint is None and param is not None:
        try:
            hint = param.get_error_hint()  # this Typer's signature
        except TypeError:
            hint = param.get_error_hint(ctx)
    if isinstance(hint, (list, tuple)):
        hint = hint[0] if hint else None
    name = str(hint).split(" / ")[0].strip("'\"") if hint else ""
    if kind == "MissingParameter":
        if name and getattr(err, "message", None) in (None, ""):
            where = f"`{ctx.command_path}`" if ctx is not None else "This command"
            text = f"{where} needs {name}."
            err.format_message = lambda: text  # type: ignore[attr-defined]
        return
    message = str(getattr(err, "message", ""))
    text = f"{name}: {message}" if name.startswith("-") else message
    err.format_message = lambda: text  # type: ignore[attr-defined]


def _plain_choice_message(err: Exception) -> None:
    """Reword Typer's "Value error, 'xml' is not one of 'csv', 'json'." for a choice option in plain words."""
    message = getattr(err, "message", None)
    param = getattr(err, "param", None)
    found = _NOT_ONE_OF.fullmatch(message) if isinstance(message, str) else None
    if found is None:
        return
    choices = [c.strip().strip("'") for c in found["choices"].split(",")]
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    noun = CHOICE_NOUNS.get(getattr(param, "name", "") or "", "a choice here")
    err.message = f"{found['value']} is not {noun}; choose {listed}."  # type: ignore[attr-defined]


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
        console.write_line(f"sij {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Database file, or a postgresql:// URL, to use (default: $SIJ_DB, else your user data folder).",
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
            ctx.obj.db_chosen = True
    else:
        ctx.obj = AppContext(db_option=db)
    if ctx.invoked_subcommand is None:
        from tracker.cli.today import show_today

        show_today(ctx)


def _register() -> None:
    lazy_command("log", "tracker.cli.log:log_command")
    # A negative score such as `sij pain -1` must reach the score's own check, not be taken for an option.
    lazy_command("pain", "tracker.cli.log:pain_command", context_settings={"ignore_unknown_options": True})
    lazy_command("history", "tracker.cli.history:history_command")
    lazy_command("run", "tracker.cli.run:run_command")
    lazy_command("screen", "tracker.cli.run:screen_command")
    lazy_command("progress", "tracker.cli.progress:progress_command")
    lazy_command("plot", "tracker.cli.progress:plot_command")
    lazy_command("due", "tracker.cli.progress:due_command")
    lazy_command("edit", "tracker.cli.edit:edit_command")
    lazy_command("delete", "tracker.cli.edit:delete_command")
    lazy_command("restore", "tracker.cli.edit:restore_command")
    lazy_command("trash", "tracker.cli.edit:trash_command")
    lazy_command("undo", "tracker.cli.edit:undo_command")
    lazy_command("activities", "tracker.cli.ratings:activities_app")
    lazy_command("impression", "tracker.cli.ratings:impression_command")
    lazy_command("remind", "tracker.cli.remind:remind_command")
    lazy_command("export", "tracker.cli.exchange:export_command")
    lazy_command("import", "tracker.cli.exchange:import_command")
    lazy_command("stretches", "tracker.cli.stretches:stretches_app")
    lazy_command("routines", "tracker.cli.routines:routines_app")
    lazy_command("settings", "tracker.cli.progress:settings_app")
    lazy_command("voice", "tracker.cli.speech:voice_app")
    lazy_command("db", "tracker.cli.dbcare:db_app")


_register()
