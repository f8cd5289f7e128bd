"""`sij export` (CSV, JSON backup, FHIR, PDF report) and `sij import FILE` (merge a JSON backup)."""

from __future__ import annotations

import enum
import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import collector, console, streams
from tracker.cli.context import get_app
from tracker.cli.history import SinceOption, UntilOption, date_range
from tracker.cli.output import free_default_path, new_file_path, write_new_file
from tracker.cli.params import shown
from tracker.errors import DataError, InvalidInput
from tracker.exports.registry import FORMATS

if TYPE_CHECKING:
    from rich.table import Table

    from tracker.services.exchange import ImportSummary

    class ExportFormat(str, enum.Enum):
        """The names in tracker.exports.registry.FORMATS."""

else:
    # Built from the registry, so adding a format is one module and one registry line.
    ExportFormat = enum.Enum("ExportFormat", {name: name for name in FORMATS}, type=str)


class CsvTable(str, enum.Enum):
    sessions = "sessions"
    pain = "pain"
    ratings = "ratings"


NAME_MAX = 200


def _check_name(name: str | None) -> str | None:
    if name is None:
        return None
    text = name.strip()
    if not text or len(text) > NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise typer.BadParameter(
            f"'{name}' is not a usable name; give 1 to {NAME_MAX} characters of plain text.", param_hint="'--name'"
        )
    return text


def _write_stdout(payload: bytes) -> None:
    try:
        streams.write_all(payload)
    except BrokenPipeError:
        # The reader stopped early (e.g. `sij export ... | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@dataclass(frozen=True)
class Counted:
    """How many records of one kind the output holds, and how many of those are in the trash (a backup keeps them)."""

    held: int
    trashed: int = 0

    @property
    def live(self) -> int:
        return self.held - self.trashed

    def words(self, noun: str) -> str:
        from tracker.text import plural

        return plural(self.held, noun) + (f" ({self.trashed} in the trash)" if self.trashed else "")


def _exported(fmt: str, table: CsvTable | None, sessions: Counted, pains: Counted, ratings: Counted) -> str:
    """What the output holds, in words: a CSV names only the rows it has (sessions, pain scores or ratings)."""
    if fmt == "csv":
        if table is CsvTable.ratings:
            return ratings.words("rating")
        return pains.words("pain score") if table is CsvTable.pain else sessions.words("session")
    if ratings.held:
        return f"{sessions.words('session')}, {pains.words('pain score')} and {ratings.words('rating')}"
    return f"{sessions.words('session')} and {pains.words('pain score')}"


def _nothing_note(fmt: str, table: CsvTable | None, sessions: Counted, pains: Counted, ratings: Counted) -> str | None:
    """The warning for an output without the records asked for; None when it has them."""
    if fmt == "csv" and table is CsvTable.ratings:
        return None if ratings.live else "There are no ratings in this period yet."
    if sessions.live or pains.live or (fmt != "csv" and ratings.live):  # the other formats hold the ratings too
        return None
    return "There are no sessions or pain scores in this period yet."


def _size(count: int) -> str:
    return f"{count} bytes" if count < 1024 else f"{count / 1024:.1f} kB"


def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="csv: a spreadsheet for a clinician; json: a lossless backup for `sij import`; "
            "fhir: a FHIR R4 bundle for a records system; pdf: a one-page report for a clinician and the full log "
            "(written to sij-report-DATE.pdf unless --output names the file).",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (owner-only) instead of standard output."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it already exists.")] = False,
    table: Annotated[
        CsvTable | None,
        typer.Option(
            "--table", help="CSV only: sessions (one row per session, default), pain (every pain score) or ratings."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="TEXT", help="FHIR and PDF: the person's name to show (default: none)."),
    ] = None,
) -> None:
    """Export your history for a clinician or as a backup.

    Goes to standard output unless --output is given, except the PDF report, which is written to
    sij-report-DATE.pdf here (files are owner-only and never silently replaced).

    Exit status: 0 written; 1 the file could not be written, or nothing to report in the period; 2 bad
    options, or FILE exists (add --force).

    Example: [bold]sij export --format csv --since 2026-11-01 --output sessions.csv[/bold]
    """
    start, end = date_range(ctx, since, until)
    from tracker.exports.base import ExportOptions
    from tracker.exports.registry import formats_with, get_exporter

    exporter = get_exporter(fmt.value)
    if table is not None and "table" not in exporter.options:
        raise typer.BadParameter("--table applies only to --format csv.", param_hint="'--table'")
    if name is not None and "name" not in exporter.options:
        raise typer.BadParameter(
            f"--name applies only to --format {' or '.join(formats_with('name'))}.", param_hint="'--name'"
        )
    person = _check_name(name)
    to_stdout = output is None or output == "-"
    if exporter.binary and output == "-":
        raise typer.BadParameter(
            f"--format {exporter.name} cannot go to standard output; give --output FILE.", param_hint="'--output'"
        )
    if exporter.binary and output is None:  # a report nobody named: a free name in this folder
        target: Path | None = free_default_path(f"sij-report-{get_app(ctx).clock.now().date().isoformat()}", ".pdf")
    else:
        target = None if to_stdout else new_file_path(str(output), force=force)

    app = get_app(ctx)
    # Reading the rows and rendering them makes many objects and few cycles worth collecting before the command
    # ends (a PDF's table cells and SVG nodes): see collector.paused.
    with collector.paused():
        if exporter.render_rows is not None:  # the backup: straight from the rows, no item per record
            from tracker.services.exchange import build_backup

            with app.work(readonly=True) as session:
                rows = build_backup(session=session, now=app.clock.now(), since=start, until=end)
            rendered: str | bytes = exporter.render_rows(rows)
            # The backup holds the trash too: the counts say so, so that they match the file.
            sessions = Counted(len(rows.sessions), len(rows.sessions) - rows.live_sessions)
            pains = Counted(len(rows.pain_scores), len(rows.pain_scores) - rows.live_pain_scores)
            ratings = Counted(len(rows.ratings), len(rows.ratings) - rows.live_ratings)
        else:
            from tracker.services.exchange import build_export

            # Read-only, except that the first FHIR export stores the database's Patient id.
            with app.work(readonly=not exporter.needs_patient_id) as session:
                data = build_export(
                    session=session,
                    now=app.clock.now(),
                    since=start,
                    until=end,
                    include_trashed=exporter.lossless,
                    name=person,
                    with_patient_id=exporter.needs_patient_id,
                    with_progress=exporter.needs_progress,
                )
            # The Patient id the first FHIR export stores is bookkeeping, not the person's data: an export whose
            # output fails has failed (exit 1), not "saved everything" (exit 0).
            app.saved = False
            rendered = exporter.render(data, ExportOptions(table=(table or CsvTable.sessions).value))
            sessions = Counted(len(data.sessions), sum(1 for s in data.sessions if s.deleted_at is not None))
            pains = Counted(len(data.pain_scores), sum(1 for p in data.pain_scores if p.deleted_at is not None))
            ratings = Counted(len(data.ratings), sum(1 for r in data.ratings if r.deleted_at is not None))
    payload = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    what = _exported(exporter.name, table, sessions, pains, ratings)
    if target is None:
        if not exporter.binary and sys.stdout.isatty():
            # On a terminal, stored text is shown, never obeyed; redirected to a file or a pipe, the bytes are exact.
            from tracker.text import visible

            payload = visible(payload.decode("utf-8")).encode("utf-8")
        _write_stdout(payload)
        console.info(f"Exported {what} as {exporter.title}.")
    else:
        write_new_file(target, payload, force=force)
        console.info(f"Wrote {what} as {exporter.title} to {target} ({_size(len(payload))}, readable by you only).")
        if output is None:
            console.out_line(str(target))  # the file nobody named: its path on stdout, as `sij plot` prints
    note = _nothing_note(exporter.name, table, sessions, pains, ratings)
    if note is not None:
        console.warn(note)


FILE_HINT = "'FILE'"
PATH_SHOWN = 300  # a path is echoed whole unless absurdly long
MADE_BY = "give the path of a file made by `sij export --format json`"


IMPORT_MAX_BYTES = 100_000_000  # twenty years of daily records make about 20 MB


def _read_backup(file: str) -> str:
    from tracker.files import NotRegularFile, TooLarge, megabytes, read_regular_file

    name = shown(file, limit=PATH_SHOWN)
    path = Path(file).expanduser()
    try:
        if not file.strip() or any(not c.isprintable() for c in file):
            raise typer.BadParameter(f"'{name}' is not a usable file name; {MADE_BY}.", param_hint=FILE_HINT)
        if not path.exists():
            raise typer.BadParameter(f"There is no file '{name}'; {MADE_BY}.", param_hint=FILE_HINT)
        if path.is_dir():
            raise typer.BadParameter(f"'{name}' is a folder; {MADE_BY}.", param_hint=FILE_HINT)
        raw = read_regular_file(path, IMPORT_MAX_BYTES)
    except NotRegularFile:
        raise typer.BadParameter(
            f"'{name}' is not a regular file (a pipe, device or socket); {MADE_BY}.", param_hint=FILE_HINT
        ) from None
    except TooLarge:
        raise typer.BadParameter(
            f"'{name}' is larger than {megabytes(IMPORT_MAX_BYTES)}, too large to be a sij backup. "
            "Nothing was imported.",
            param_hint=FILE_HINT,
        ) from None
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            raise typer.BadParameter(
                f"'{name}' is too long for a file name; {MADE_BY}.", param_hint=FILE_HINT
            ) from None
        # The file is there but cannot be read (permissions, a device error): the environment, not the input.
        raise DataError(f"Cannot read '{file}': {err.strerror}. Nothing was imported.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise typer.BadParameter(
            f"'{name}' is not a sij export (it is not UTF-8 text). Nothing was imported.", param_hint=FILE_HINT
        ) from None


KIND_TEXT = {
    "stretches": "Stretches",
    "routines": "Routines",
    "sessions": "Sessions",
    "holds": "Holds",
    "pain_scores": "Pain scores",
    "screenings": "Red-flag screens",
    "activities": "Activities",
    "ratings": "Ratings",
    "settings": "Settings",
}


def _summary_table(summary: ImportSummary, dry_run: bool) -> Table:
    from rich import box
    from rich.table import Table  # only `sij import` draws a table: an export need not load it

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    table.add_column("Records")
    table.add_column("Would add" if dry_run else "Added", justify="right")
    table.add_column("Already here", justify="right")
    for kind, label in KIND_TEXT.items():
        table.add_row(label, str(summary.added[kind]), str(summary.unchanged[kind]))
    return table


def import_command(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="A JSON backup made by `sij export --format json`.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and show what would change.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Merge a JSON backup into this database; records already here are never overwritten.

    The whole file (a regular file of up to 100 MB) is checked before anything is written; importing it twice
    changes nothing the second time.

    Exit status: 0 imported; 1 the file could not be read; 2 no such file, or not a valid sij backup.

    Example: [bold]sij import sij-backup.json[/bold]
    """
    text = _read_backup(file)
    # Parsing, checking and writing a large file: see collector.paused (no question is asked here).
    with collector.paused():
        from tracker.exports.json_backup import BackupError, parse
        from tracker.services.exchange import check_importable, import_backup

        try:
            data = parse(text)
        except BackupError as err:
            raise typer.BadParameter(
                f"'{shown(file, limit=PATH_SHOWN)}' is not a usable sij backup: {err}. Nothing was imported.",
                param_hint=FILE_HINT,
            ) from None
        try:
            check_importable(data)
        except InvalidInput as err:
            raise typer.BadParameter(
                f"'{shown(file, limit=PATH_SHOWN)}' is not a usable sij backup: {err} Nothing was imported.",
                param_hint=FILE_HINT,
            ) from None
        with get_app(ctx).work(readonly=dry_run) as session:
            summary = import_backup(session=session, data=data, checked=True)
    if as_json:
        result: dict[str, Any] = {
            "file": str(Path(file).expanduser().absolute()),
            "dry_run": dry_run,
            "added": summary.added,
            "already_here": summary.unchanged,
            "conflicts": summary.conflicts,
        }
        console.print_json(result)
    else:
        from rich.text import Text

        verb = "Checked" if dry_run else "Imported"
        console.out.print(Text(f"{verb} '{file}' (sij {data.sij_version}, exported {data.exported_at:%Y-%m-%d}):"))
        console.render(_summary_table(summary, dry_run))
        if dry_run:
            console.info("Dry run: nothing was written.")
        elif not summary.total_added and not summary.conflicts:
            console.info("Nothing new: everything in the file is already here.")
    if summary.conflicts:
        count = len(summary.conflicts)
        if count == 1:
            kept = "would be" if dry_run else "was"
            what = f"1 record in the file differs from the one here and {kept} kept as it is here"
        else:
            what = (
                f"{count} records in the file differ from the ones here and "
                f"{'would be' if dry_run else 'were'} kept as they are here"
            )
        lead = "Nothing added; " if not (dry_run or summary.total_added) else ""
        console.warn(f"{lead}{what}:")
        for line in summary.conflicts_shown[:20]:
            console.warn(f"  {line}")
        if count > 20:
            console.warn(f"  … and {count - 20} more")
