"""`sij voice test`: hear (or save to a WAV file) how `sij run` speaks its cues."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import console
from tracker.cli.params import shown
from tracker.errors import DataError, InvalidInput

SAMPLE = "This is how sij speaks during a routine. Knee to chest, left side. Hold, 30 seconds. Relax."
TO_HINT = "'--to'"

voice_app = typer.Typer(name="voice")


@voice_app.callback(invoke_without_command=True)
def voice_group(ctx: typer.Context) -> None:
    """Spoken cues for `sij run`: try them with `sij voice test`; turn them on with `sij settings voice on`."""
    if ctx.invoked_subcommand is None:
        console.out_line(ctx.get_help())


def no_engine_message() -> str:
    from tracker.cli.voice import INSTALL_HINT, engine_names

    return f"No speech engine found (looked for {', '.join(engine_names())}); {INSTALL_HINT}."


def _wav_path(value: str, force: bool) -> Path:
    if any(not c.isprintable() for c in value) or not value.strip():
        raise typer.BadParameter(f"'{shown(value)}' is not a usable file name; give a plain name ending in .wav.")
    path = Path(value).expanduser().absolute()
    if path.suffix.lower() != ".wav":
        raise typer.BadParameter(f"'{shown(value)}' does not end in .wav; the sample is written as a WAV file.")
    if path.is_dir():
        raise typer.BadParameter(f"'{shown(value)}' is a folder; give a file name ending in .wav.")
    if not path.parent.is_dir():
        raise typer.BadParameter(f"the folder '{path.parent}' does not exist; create it or choose another place.")
    if path.exists() and not force:
        raise InvalidInput(f"'{path}' already exists; add --force to replace it, or choose another --to.")
    return path


@voice_app.command("test")
def test_command(
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="FILE.wav", help="Write the sample to this WAV file instead of speaking it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE.wav if it already exists.")] = False,
) -> None:
    """Speak a sample cue, or write it to a WAV file (to check speech on a machine without speakers).

    Example: [bold]sij voice test[/bold] or [bold]sij voice test --to sample.wav[/bold]
    """
    from tracker.cli.output import write_new_file
    from tracker.cli.voice import find_engine

    target = None
    if to is not None:
        try:
            target = _wav_path(to, force)
        except typer.BadParameter as err:
            err.param_hint = TO_HINT
            raise
    engine = find_engine()
    if engine is None:
        raise DataError(no_engine_message())
    if target is None:
        console.info(f"Speaking with {engine.name}: “{SAMPLE}”")
        if engine.run(SAMPLE, timeout=60) != 0:
            raise DataError(f"{engine.name} could not speak (is a sound device set up?); try --to FILE.wav.")
        return
    if engine.to_file is None:
        raise DataError(f"{engine.name} cannot write a sound file; install espeak-ng to use --to.")
    with tempfile.TemporaryDirectory(prefix="sij-voice-") as folder:
        made = Path(folder) / "sample.wav"
        status = engine.run(SAMPLE, file=made, timeout=60)
        content = made.read_bytes() if made.exists() else b""
    if status != 0 or len(content) <= 44:  # a WAV header alone holds no sound
        raise DataError(f"{engine.name} did not write the sample (exit status {status}).")
    write_new_file(target, content, force=force)
    console.info(f"Wrote the sample cue, spoken by {engine.name}, to {target}: “{SAMPLE}”")
