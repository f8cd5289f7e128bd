"""Correcting history: `sij edit`, `sij delete`, `sij restore`, `sij trash` and `sij undo`.

Deleting moves a record to the trash (nothing is destroyed); it asks first on a terminal and needs
`--yes` otherwise. Sessions are named by their id; pain check-ins by `--check-in ID`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from tracker.cli import console, prompts
from tracker.cli.context import get_app
from tracker.cli.history import JsonOption
from tracker.cli.params import id_value, naming, pain_value, rating_value
from tracker.errors import InvalidInput
from tracker.text import HAND_PICKED

if TYPE_CHECKING:
    from tracker.dates import When
    from tracker.records import ActivityRecord, PainRecord, PracticeRecord, RatingRecord
    from tracker.services.corrections import Change, EditResult, Entry, TrashItem
    from tracker.services.journal import JournalEntry

CLEAR = -1  # `--pain-before none`: remove the score
# A service's InvalidInput about these subjects is reported as bad input for this argument or option.
NAMED = {"session": "SESSION_ID", "check_in": "--check-in", "note": "--note", "rating": "--rating", "value": "--value"}


def record_id(value: str) -> int:
    return id_value(value, "`sij history` or `sij trash`")


def rating_id(value: str) -> int:
    return id_value(value, "`sij history --ratings` or `sij trash`")


def pain_or_none(value: str) -> int:
    if str(value).strip().lower() == "none":
        return CLEAR
    return pain_value(value)


SessionArg = Annotated[
    int | None,
    typer.Argument(
        metavar="SESSION_ID",
        parser=record_id,
        help="The session's id (from `sij history`). Leave out when giving --check-in.",
        show_default=False,
    ),
]
CheckInOption = Annotated[
    int | None,
    typer.Option(
        "--check-in",
        "--pain",
        metavar="ID",
        parser=record_id,
        help="Act on the pain check-in with this id (`sij history --check-ins` lists them).",
        show_default=False,
    ),
]
RatingOption = Annotated[
    int | None,
    typer.Option(
        "--rating",
        metavar="ID",
        parser=rating_id,
        help="Act on the rating with this id (`sij history --ratings` lists them).",
        show_default=False,
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking (needed without a terminal).")]


def _target(session_id: int | None, check_in: int | None, command: str, rating: int | None = None) -> Entry:
    from tracker.services.corrections import CHECK_IN, RATING, SESSION, Entry

    given = [v for v in (session_id, check_in, rating) if v is not None]
    if session_id is not None and check_in is not None:
        raise typer.BadParameter(
            f"give either a SESSION_ID or --check-in ID, not both (e.g. `sij {command} 12` or "
            f"`sij {command} --check-in 5`).",
            param_hint="'--check-in'",
        )
    if len(given) > 1:
        raise typer.BadParameter(
            f"give --rating ID alone, not with a SESSION_ID or --check-in ID (e.g. `sij {command} --rating 7`).",
            param_hint="'--rating'",
        )
    if not given:
        raise typer.BadParameter(
            f"give the session's id (`sij {command} 12`, ids are in `sij history`), --check-in ID or --rating ID.",
            param_hint="'SESSION_ID'",
        )
    if rating is not None:
        return Entry(RATING, rating)
    return Entry(SESSION, session_id) if session_id is not None else Entry(CHECK_IN, check_in or 0)


def _when(ctx: typer.Context, at: str | None) -> When | None:
    if at is None:
        return None
    from tracker.dates import DateInputError, parse_moment

    try:
        return parse_moment(at, get_app(ctx).clock)
    except DateInputError as err:
        raise prompts.date_error("--at", str(err)) from None


# ---- sij edit ----------------------------------------------------------------------------------


def edit_command(
    ctx: typer.Context,
    session_id: SessionArg = None,
    check_in: CheckInOption = None,
    pain_before: Annotated[
        int | None,
        typer.Option(
            "--pain-before",
            parser=pain_or_none,
            metavar="0-10|none",
            help="Correct the pain before (adds it if missing; `none` removes it).",
            show_default=False,
        ),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option(
            "--pain-after",
            parser=pain_or_none,
            metavar="0-10|none",
            help="Correct the pain after (adds it if missing; `none` removes it).",
            show_default=False,
        ),
    ] = None,
    score: Annotated[
        int | None,
        typer.Option("--score", parser=pain_value, metavar="0-10", help="A check-in's pain score.", show_default=False),
    ] = None,
    sharp: Annotated[
        bool | None,
        typer.Option("--sharp/--no-sharp", help="A check-in's sharp pain mark.", show_default=False),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help='Replace the note (up to 2,000 characters; "" clears it).')
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help="Correct when it happened: 9am, yesterday 9am, monday 8am, 2026-11-30 9:00, or a day alone.",
        ),
    ] = None,
    heat: Annotated[
        bool | None, typer.Option("--heat/--no-heat", help="Whether heat was used first.", show_default=False)
    ] = None,
    rating: RatingOption = None,
    value: Annotated[
        int | None,
        typer.Option(
            "--value",
            parser=rating_value,
            metavar="N",
            help="A rating's value (0-10 for an activity, 1-7 for the impression of change).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Correct a past session (or a pain check-in with --check-in ID, a rating with --rating ID).

    Only what you give changes. Example: [bold]sij edit 12 --pain-after 3 --note "felt looser"[/bold]
    Check-in: [bold]sij edit --check-in 5 --score 4[/bold]   Rating: [bold]sij edit --rating 7 --value 6[/bold]
    """
    from tracker.services.corrections import CHECK_IN, RATING

    target = _target(session_id, check_in, "edit", rating)
    moment = _when(ctx, at)
    app = get_app(ctx)
    if target.kind != RATING and value is not None:
        raise typer.BadParameter("--value is for ratings; give --rating ID with it.", param_hint="'--value'")
    if target.kind == RATING:
        wrong = [
            n
            for n, v in (
                ("--pain-before", pain_before),
                ("--pain-after", pain_after),
                ("--heat", heat),
                ("--score", score),
                ("--sharp", sharp),
                ("--note", note),
            )
            if v is not None
        ]
        if wrong:
            raise typer.BadParameter(
                f"{wrong[0]} is not part of a rating; a rating takes --value and --at.", param_hint=f"'{wrong[0]}'"
            )
        _edit_rating(ctx, target.id, value, moment)
        return
    if target.kind == CHECK_IN:
        wrong = [
            n
            for n, v in (("--pain-before", pain_before), ("--pain-after", pain_after), ("--heat", heat))
            if v is not None
        ]
        if wrong:
            raise typer.BadParameter(
                f"{wrong[0]} is for sessions; a check-in takes --score, --sharp/--no-sharp, --note and --at.",
                param_hint=f"'{wrong[0]}'",
            )
        from tracker.services.corrections import CheckInEdit, edit_check_in

        with naming(**NAMED), app.work() as session:
            result = edit_check_in(
                session=session,
                pain_id=target.id,
                edit=CheckInEdit(
                    score=score,
                    note=note,
                    at=moment.moment if moment else None,
                    sharp=sharp,
                    time_known=moment.time_known if moment else True,
                ),
                now=app.clock.now(),
            )
    else:
        wrong = [n for n, v in (("--score", score), ("--sharp", sharp)) if v is not None]
        if wrong:
            raise typer.BadParameter(
                f"{wrong[0]} is for check-ins; for a session use --pain-before or --pain-after.",
                param_hint=f"'{wrong[0]}'",
            )
        from tracker.services.corrections import PracticeEdit, edit_practice

        edit = PracticeEdit(
            pain_before=None if pain_before in (None, CLEAR) else pain_before,
            pain_after=None if pain_after in (None, CLEAR) else pain_after,
            clear_pain_before=pain_before == CLEAR,
            clear_pain_after=pain_after == CLEAR,
            note=note,
            at=moment.moment if moment else None,
            heat=heat,
            time_known=moment.time_known if moment else True,
        )
        with naming(**NAMED), app.work() as session:
            result = edit_practice(session=session, practice_id=target.id, edit=edit, now=app.clock.now())
    show_edit(result)
    if result.advice is not None:
        console.show_doctor_panel(result.advice)


def _edit_rating(ctx: typer.Context, rating_id: int, value: int | None, moment: When | None) -> None:
    from tracker.services.corrections import RATING, Change, EditResult
    from tracker.services.ratings import edit_rating

    app = get_app(ctx)
    with naming(**NAMED), app.work() as session:
        record, changes = edit_rating(
            session=session,
            rating_id=rating_id,
            value=value,
            at=moment.moment if moment else None,
            now=app.clock.now(),
            time_known=moment.time_known if moment else True,
        )
    show_edit(EditResult(RATING, record.id, record.uuid, tuple(Change(*c) for c in changes)))
    advice = _impression_advice(record.kind, record.value)
    if advice:
        console.warn(advice)


def _impression_advice(kind: str, value: int) -> str | None:
    from tracker import safety

    if kind == "impression" and safety.impression_needs_review(value):
        return safety.IMPRESSION_REVIEW_ADVICE
    return None


FIELD_LABELS = {
    "value": "Rating",
    "at": "When",
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "score": "Pain",
    "sharp": "Sharp pain",
    "heat": "Heat first",
    "note": "Note",
}


def _show_value(change: Change, value: object) -> Text:
    if change.field == "at" and isinstance(value, datetime):
        from tracker.clock import format_local

        return Text(format_local(value))
    if change.field in ("pain_before", "pain_after", "score"):
        return Text(console.describe_pain(value if isinstance(value, int) else None))
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if change.field == "note":
        return Text(str(value)) if value else Text("(none)", style="dim")
    return Text(str(value))


def show_edit(result: EditResult) -> None:
    what = {"session": "session", "rating": "rating"}.get(result.kind, "pain check-in")
    table = Table(
        title=f"Corrected {what} #{result.id}",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("")
    table.add_column("Before")
    table.add_column("")
    table.add_column("After")
    for change in result.changes:
        after = _show_value(change, change.after)
        if change.before == change.after:
            after.append(" (unchanged)", style="dim")
        table.add_row(FIELD_LABELS.get(change.field, change.field), _show_value(change, change.before), "→", after)
    console.render(table)


# ---- delete, restore, trash, undo --------------------------------------------------------------


def _describe(record: PracticeRecord | PainRecord | RatingRecord) -> str:
    from tracker.records import PracticeRecord, RatingRecord

    if isinstance(record, RatingRecord):
        from tracker.services.ratings import describe_rating

        return describe_rating(record)
    if isinstance(record, PracticeRecord):
        pain = f"pain {_score(record.pain_before)} → {_score(record.pain_after)}"
        return f"session #{record.id} of {console.when_short(record)} ({record.routine_name or HAND_PICKED}, {pain})"
    return f"pain check-in #{record.id} of {console.when_short(record)} ({record.score}/10)"


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def _confirm(ctx: typer.Context, description: str, yes: bool) -> None:
    """Ask on a terminal; without one, refuse unless --yes was given. Raises when not confirmed."""
    if yes:
        return
    if not get_app(ctx).is_interactive:
        raise InvalidInput(
            f"Moving {description} to the trash needs confirmation; add --yes to do it without a terminal."
        )
    if not prompts.ask_yes_no(f"Move {description} to the trash?"):
        console.info("Nothing was moved.")  # a decision, not an error; still exit 1 (documented)
        raise typer.Exit(1)


def _trash(ctx: typer.Context, target: Entry, yes: bool, now: datetime) -> None:
    from tracker.services.corrections import (
        RATING,
        SESSION,
        describe_entry,
        trash_check_in,
        trash_practice,
    )
    from tracker.services.ratings import trash_rating

    app = get_app(ctx)
    with naming(**NAMED), app.work(readonly=True) as session:
        record = describe_entry(session=session, entry=target)
    description = _describe(record)
    _confirm(ctx, description, yes)
    with naming(**NAMED), app.work() as session:
        if target.kind == RATING:
            trash_rating(session=session, rating_id=target.id, now=now)
            again = f"sij restore --rating {target.id}"
        elif target.kind == SESSION:
            trash_practice(session=session, practice_id=target.id, now=now)
            again = f"sij restore {target.id}"
        else:
            trash_check_in(session=session, pain_id=target.id, now=now)
            again = f"sij restore --check-in {target.id}"
    console.out_line(f"Moved {description} to the trash. Bring it back with `{again}`.")


def delete_command(
    ctx: typer.Context,
    session_id: SessionArg = None,
    check_in: CheckInOption = None,
    yes: YesOption = False,
    rating: RatingOption = None,
) -> None:
    """Move a session (with its pain scores), a pain check-in or a rating to the trash; `sij restore` brings it back.

    Example: [bold]sij delete 12[/bold]   Check-in: [bold]sij delete --check-in 5 --yes[/bold]
    """
    target = _target(session_id, check_in, "delete", rating)
    _trash(ctx, target, yes, get_app(ctx).clock.now())


def restore_command(
    ctx: typer.Context,
    session_id: SessionArg = None,
    check_in: CheckInOption = None,
    rating: RatingOption = None,
) -> None:
    """Bring a session, a pain check-in or a rating back from the trash (`sij trash` lists it).

    Example: [bold]sij restore 12[/bold]   Check-in: [bold]sij restore --check-in 5[/bold]
    """
    from tracker.services.corrections import RATING, SESSION, restore_check_in, restore_practice
    from tracker.services.ratings import restore_rating

    target = _target(session_id, check_in, "restore", rating)
    record: PracticeRecord | PainRecord | RatingRecord
    app = get_app(ctx)
    with naming(**NAMED), app.work() as session:
        if target.kind == RATING:
            record = restore_rating(session=session, rating_id=target.id, now=app.clock.now())
        elif target.kind == SESSION:
            record = restore_practice(session=session, practice_id=target.id, now=app.clock.now())
        else:
            record = restore_check_in(session=session, pain_id=target.id, now=app.clock.now())
    console.out_line(f"Restored {_describe(record)}.")


def trash_json(item: TrashItem) -> dict[str, Any]:
    from tracker.clock import as_recorded

    return {
        "kind": item.kind,
        "id": item.id,
        "uuid": item.uuid,
        "at": item.when.isoformat(),
        "time_known": item.time_known,
        "deleted_at": as_recorded(item.deleted_at, 0).isoformat(),
        "routine": item.routine,
        "pain_before": item.pain_before,
        "pain_after": item.pain_after,
        "score": item.score,
        "note": item.note,
        "what": item.what or None,
    }


def trash_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List what is in the trash, with the ids to restore it.

    Example: [bold]sij trash[/bold], then [bold]sij restore 12[/bold] or [bold]sij restore --check-in 5[/bold]
    """
    from tracker.services.corrections import list_trash

    app = get_app(ctx)
    with naming(**NAMED), app.work(readonly=True) as session:
        items = list_trash(session=session)
    if as_json:
        console.print_json([trash_json(i) for i in items])
        return
    if not items:
        console.info("The trash is empty.")
        return
    from tracker.clock import format_local

    # One entry per block, not a table: it stays readable at 80 columns and when piped, and the
    # restore command is always printed whole on a line of its own.
    zone = app.clock.now().tzinfo
    blocks: list[Text] = [Text("In the trash, most recently deleted first:", style="bold")]
    for item in items:
        if item.kind == "rating":
            what = item.what
            how = f"sij restore --rating {item.id}"
        elif item.kind == "session":
            what = f"{item.routine or HAND_PICKED}, pain {_score(item.pain_before)} → {_score(item.pain_after)}"
            how = f"sij restore {item.id}"
        else:
            what = f"pain {item.score}/10"
            how = f"sij restore --check-in {item.id}"
        if item.note:
            what += f": {item.note}"
        block = Text("\n")
        block.append(f"{item.kind} #{item.id}", style="bold")
        block.append(f"  {format_local(item.when) if item.time_known else f'{item.when:%Y-%m-%d} (no time given)'}  ")
        block.append(f"deleted {item.deleted_at.astimezone(zone):%Y-%m-%d %H:%M}", style="dim")
        block.append(f"\n  {what}\n  restore: ")
        block.append(how, style="bold")
        blocks.append(block)
    for block in blocks:
        console.out.print(block, overflow="fold")


# What an edit's undo gives back, by `table.column` (columns not named here are bookkeeping that goes along).
UNDO_FIELDS = {
    "practice.started_at": "the time",
    "practice.time_known": "the time",
    "practice.heat": "heat",
    "practice.note": "the note",
    "pain_score.score": "the pain score",
    "pain_score.recorded_at": "the time",
    "pain_score.time_known": "the time",
    "pain_score.sharp": "sharp pain",
    "pain_score.note": "the note",
    "pain_score.deleted_at": "a removed pain score",
    "pain_score.added": "an added pain score goes to the trash",
    "rating.value": "the value",
    "rating.recorded_at": "the time",
    "rating.time_known": "the time",
}


def _activity_named(entry: JournalEntry, activity: ActivityRecord | None) -> str:
    return f"activity #{entry.record_id}" + (f" ({activity.text})" if activity is not None else "")


def _activity_undo_question(entry: JournalEntry, activity: ActivityRecord | None) -> str:
    from tracker.services import journal

    named = _activity_named(entry, activity)
    if entry.action == journal.ADD:
        return f"Undo adding {named}? It is removed, or retired if a rating (even one in the trash) refers to it"
    if entry.action == journal.RETIRE:
        return f"Undo retiring {named}? It is active again"
    return f"Undo bringing back {named}? It is retired again"


def _activity_undone(done: JournalEntry, before: ActivityRecord | None, after: ActivityRecord | None) -> str:
    from tracker.services import journal

    named = _activity_named(done, before)
    if done.action == journal.ADD:
        if after is None:
            return f"Undone: adding {named}; it is gone."
        return f"Undone: adding {named}; it is retired now, as ratings (in the trash or not) name it."
    if done.action == journal.RETIRE:
        return f"Undone: {named} is active again."
    return f"Undone: {named} is retired again; `sij activities unretire {done.record_id}` brings it back."


def _ratings_named(records: list[tuple[int, RatingRecord | None]]) -> str:
    """Ratings given together, each by what it rated: `ratings #1 (socks: 4/10) and #2 (sitting: 6/10) of 2026-11-24`.

    They share one moment (one command, one --at), so it is named once."""
    from tracker import safety
    from tracker.clock import when_text

    parts = []
    for number, r in records:
        if r is None:
            parts.append(f"#{number}")
        elif r.kind == "impression":
            parts.append(f"#{number} (impression of change: {safety.impression_label(r.value)})")
        else:
            parts.append(f"#{number} ({r.activity_text}: {r.value}/10)")
    first = records[0][1]
    when = f" of {when_text(first.local_time, first.time_known)}" if first is not None else ""
    return f"ratings {', '.join(parts[:-1])} and {parts[-1]}{when}"


def _undo_question(
    entry: JournalEntry,
    record: PracticeRecord | PainRecord | RatingRecord | None,
    activity: ActivityRecord | None = None,
    together: list[tuple[int, RatingRecord | None]] | None = None,
) -> str:
    """What undo will do, in words: `Undo your edit of session #12 (the note, the pain score)? It gets ...`.

    `together`: every rating one command added, when that is the change (the first is `record`)."""
    from tracker.services import journal

    if entry.kind == journal.ACTIVITY:
        return _activity_undo_question(entry, activity)
    named = _describe(record) if record is not None else f"{entry.kind} #{entry.record_id}"
    if entry.action == journal.ADD and together:
        every = "both" if len(together) == 2 else f"all {len(together)}"
        return (
            f"Undo adding {_ratings_named(together)}? They were given together in one command; {every} go to the trash"
        )
    if entry.action == journal.ADD:
        return f"Undo adding {named}? It goes to the trash"
    if entry.action == journal.DELETE:
        return f"Undo the deletion of {named}? It comes back from the trash"
    if entry.action == journal.RESTORE:
        return f"Undo the restore of {named}? It goes back to the trash"
    fields: list[str] = []
    for key in entry.fields:
        label = UNDO_FIELDS.get(key)
        if label and label not in fields:
            fields.append(label)
    what = f" ({', '.join(fields)})" if fields else ""
    return f"Undo your edit of {named}{what}? It gets its previous values back"


def undo_command(ctx: typer.Context, yes: YesOption = False) -> None:
    """Undo the last change you made in the last 10 minutes: a new entry, an edit, a delete or a restore.

    One command is one change: all the ratings of one `sij activities rate` go together.

    Adding, retiring and bringing back an activity are changes too.

    Goes by the order changes were made on this machine. Example: [bold]sij undo[/bold]
    """
    from tracker.records import RatingRecord
    from tracker.services import journal
    from tracker.services.corrections import Entry, entry_record
    from tracker.services.journal import last_change, undo_change
    from tracker.services.ratings import activity_record_any

    app = get_app(ctx)
    now = app.clock.now()
    activity = None
    together: list[tuple[int, RatingRecord | None]] = []
    with naming(**NAMED), app.work(readonly=True) as session:
        entry = last_change(session=session, now=now)
        record = entry_record(session=session, entry=Entry(entry.kind, entry.record_id))
        if entry.kind == journal.ACTIVITY:
            activity = activity_record_any(session=session, activity_id=entry.record_id)
        if entry.action == journal.ADD and entry.together:
            for number in (entry.record_id, *entry.together):
                found = entry_record(session=session, entry=Entry(journal.RATING, number))
                together.append((number, found if isinstance(found, RatingRecord) else None))
    question = _undo_question(entry, record, activity, together)
    if not yes:
        if not app.is_interactive:
            action, consequence = question.rsplit("? ", 1)
            raise InvalidInput(
                f"{action} needs confirmation ({consequence[0].lower()}{consequence[1:]}); "
                "add --yes to do it without a terminal."
            )
        if not prompts.ask_yes_no(f"{question}."):
            console.info("Nothing was changed.")
            raise typer.Exit(1)

    before = record
    with app.work() as session:
        done = undo_change(session=session, change_id=entry.id, now=now)
        record = entry_record(session=session, entry=Entry(done.kind, done.record_id))
        after = activity_record_any(session=session, activity_id=done.record_id) if activity is not None else None
    if done.kind == journal.ACTIVITY:
        console.out_line(_activity_undone(done, activity, after))
        return
    # Named as it is after the undo, except an entry going to the trash: as it was (its scores go with it).
    shown_record = before if done.action in (journal.ADD, journal.RESTORE) else record
    named = _describe(shown_record) if shown_record is not None else f"{done.kind} #{done.record_id}"

    if done.action == journal.ADD and together:
        every = "both" if len(together) == 2 else f"all {len(together)}"
        console.out_line(
            f"Undone: {_ratings_named(together)}, given together in one command, are {every} in the trash."
        )
        return
    result = {
        journal.ADD: f"Undone: moved {named} to the trash.",
        journal.DELETE: f"Undone: {named} is back from the trash.",
        journal.RESTORE: f"Undone: moved {named} back to the trash.",
    }.get(done.action, f"Undone: {named} has its previous values back.")
    console.out_line(result)
