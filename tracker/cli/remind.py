"""`sij remind`: an iCalendar file that any calendar app imports, reminding you of the routine at a set time."""

from __future__ import annotations

import os
import re
from datetime import time, tzinfo
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import console
from tracker.cli.context import get_app
from tracker.cli.params import shown

DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_time(value: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip(), flags=re.ASCII)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise typer.BadParameter(f"'{shown(value)}' is not a time; use HH:MM from 00:00 to 23:59, e.g. 08:00.")
    return time(int(match[1]), int(match[2]))


def parse_days(value: str) -> tuple[int, ...]:
    names = [n.strip().lower() for n in value.split(",")]
    unknown = [n for n in names if n not in DAY_NAMES]
    if unknown or not names:
        raise typer.BadParameter(
            f"'{shown(unknown[0] if unknown else value)}' is not a day; give days as mon,tue,wed,thu,fri,sat,sun."
        )
    return tuple(sorted({DAY_NAMES[n] for n in names}))


def local_zone(current: tzinfo | None) -> tzinfo | None:
    """The named local time zone (its rules travel in the file as a VTIMEZONE), or None for floating time.

    A clock that already carries a ZoneInfo gives it; otherwise $TZ or /etc/localtime names it. When no name can
    be found the event uses floating local time, which calendars also keep at the same hour across DST.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if isinstance(current, ZoneInfo):
        return current
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            candidates.append(link.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and "/" in name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def remind_command(
    ctx: typer.Context,
    at: Annotated[
        str | None, typer.Option("--at", metavar="HH:MM", help="The time of the reminder, e.g. 08:00.")
    ] = None,
    days: Annotated[
        str | None,
        typer.Option("--days", metavar="DAYS", help="Days, e.g. mon,wed,fri (default: every day)."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE.ics", help="Write the file here (default: to the screen)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a calendar reminder (.ics) for your routine, for Google, Apple, Outlook or Thunderbird calendars.

    Example: [bold]sij remind --at 08:00 --days mon,wed,fri --output stretches.ics[/bold]
    """
    if at is None:
        if days is not None or output is not None:
            raise typer.BadParameter("give the time of the reminder, e.g. --at 08:00.", param_hint="'--at'")
        console.out_line("sij remind --at 08:00 --output stretches.ics writes a daily calendar reminder;")
        console.out_line("add --days mon,wed,fri for set days, then open the file in your calendar app.")
        return
    when = parse_time_option(at)
    chosen = parse_days_option(days) if days is not None else tuple(range(7))
    from tracker.cli.output import new_file_path, write_new_file

    path = new_file_path(output, force=force, suffixes=(".ics",)) if output is not None else None
    from tracker.exports.ical import Reminder, render
    from tracker.services.catalog import get_routine

    app = get_app(ctx)
    now = app.clock.now()
    with app.work(readonly=True) as session:
        routine = get_routine(session=session)
    zone = local_zone(now.tzinfo)
    reminder = Reminder(at=when, days=chosen, zone=zone, routine=routine, start=now.date())
    payload = render(reminder, stamp=now)
    if path is None:
        from tracker.cli import streams

        streams.write_all(payload)
        return
    write_new_file(path, payload, force=force)
    console.out_line(str(path))
    zone_text = getattr(zone, "key", None) or "your local time"
    console.info(
        f"Open {Path(path).name} with your calendar app to add the reminder ({when:%H:%M}, {zone_text}); "
        "it carries no pain data."
    )


def parse_time_option(value: str) -> time:
    try:
        return parse_time(value)
    except typer.BadParameter as err:
        raise typer.BadParameter(str(err.message), param_hint="'--at'") from None


def parse_days_option(value: str) -> tuple[int, ...]:
    try:
        return parse_days(value)
    except typer.BadParameter as err:
        raise typer.BadParameter(str(err.message), param_hint="'--days'") from None
