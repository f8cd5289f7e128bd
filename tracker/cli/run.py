"""`sij run`: the guided routine with timers and safety gates. `sij screen`: the full red-flag screen."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Group
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from tracker.cli import console, prompts
from tracker.cli.context import AppContext, get_app
from tracker.cli.keys import KeyReader
from tracker.cli.params import naming, pain_value, slug_value, whole_number
from tracker.cli.voice import Silent
from tracker.safety import EMERGENCY_FLAGS
from tracker.text import plural

if TYPE_CHECKING:
    from tracker.cli.voice import Voice
    from tracker.records import RoutineInfo
    from tracker.services.guided import Resumable
    from tracker.services.practices import PlannedHold

EXIT_INTERRUPTED = 130
TICK = 0.1  # seconds of real time between redraws
EPSILON = 0.001  # nominal seconds; below this a hold counts as done (float sums never hit 0 exactly)
ADJUST = 5  # seconds added or taken by + and -


def _seconds(low: int, high: int):  # type: ignore[no-untyped-def]
    def parse(value: str) -> int:
        number = whole_number(value)
        if number is None or not low <= number <= high:
            raise typer.BadParameter(f"'{value}' is not a number of seconds from {low} to {high}.")
        return number

    return parse


def _speed(value: str) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if not 0.1 <= number <= 10_000:
        raise typer.BadParameter(f"'{value}' is not a speed factor; give a number from 0.1 to 10000 (1 = real time).")
    return number


@dataclass
class Options:
    speed: float = 1.0
    quiet: bool = False
    self_paced: bool = False
    assume_defaults: bool = False
    get_ready: int = 5
    interactive: bool = False
    voice: Voice | Silent = field(default_factory=Silent)
    sharp: bool = False  # --sharp: the next sharp-pain question is answered yes
    voice_problem_shown: bool = False


@dataclass
class Progress:
    practice_id: int
    done: list[PlannedHold] = field(default_factory=list)
    skipped: int = 0
    completed_before: int = 0  # holds done in the run this one resumes

    @property
    def completed(self) -> int:
        return self.completed_before + len(self.done) - self.skipped


class QuitRoutine(Exception):
    """The person pressed q and chose to stop: save what is done and stop."""


# What the routine says aloud. Short, calm and factual (CLINICAL.md "Spoken cues"); each is also shown.
QUESTION_CUE = "Please answer the question on the screen."
READ_SCREEN_CUE = "Please stop and read the screen."
STOP_QUESTION = "Stop here and save what you have done?"
COUNTDOWN_MARKS = (10, 5)  # seconds left that are spoken, when the hold is long enough for them to help


def _bell(opts: Options) -> None:
    if not opts.quiet:
        console.err.file.write("\a")
        console.err.file.flush()


def _say(opts: Options, text: str, *, droppable: bool = False) -> None:
    opts.voice.say(text, droppable=droppable)


def _show_voice_problem(opts: Options) -> None:
    if opts.voice.problem and not opts.voice_problem_shown:
        opts.voice_problem_shown = True
        console.warn(f"Speech stopped: {opts.voice.problem}. The routine goes on with the bell.")


def _next_text(plan: list[PlannedHold], index: int) -> str:
    if index + 1 < len(plan):
        nxt = plan[index + 1]
        side = "" if nxt.side == "both" else f" ({nxt.side} side)"
        return f"Next: {nxt.stretch.name}{side}"
    return "Next: last one, then how do you feel?"


def _hold_view(
    hold: PlannedHold, remaining: float, target: float, paused: bool, label: str, next_text: str, keys: bool
) -> Panel:
    side = "both sides" if hold.side == "both" else f"{hold.side.upper()} side"
    body = Table.grid(padding=(0, 1))
    body.add_column()
    body.add_row(Text(f"{hold.stretch.name} — {side}", style="bold"))
    status = "PAUSED" if paused else label
    body.add_row(
        Text(f"{status}: {max(0, round(remaining))} s left", style="bold cyan" if not paused else "bold yellow")
    )
    body.add_row(ProgressBar(total=max(target, 0.001), completed=max(0.0, target - remaining), width=40))
    body.add_row(Text("Breathe slowly. Gentle tension only; never force it.", style="italic"))
    body.add_row(Text(next_text, style="dim"))
    if keys:
        body.add_row(Text(_keys_footer(paused), style="dim"))
    return Panel(body, border_style="cyan", expand=False)


def _keys_footer(paused: bool) -> str:
    return f"space {'resume' if paused else 'pause'} · s skip · + / - 5 s · q save and stop"


class _Countdown:
    """Speaks the seconds left at COUNTDOWN_MARKS during a hold."""

    def __init__(self, opts: Options, target: float, label: str) -> None:
        self.opts = opts
        self.marks = [m for m in COUNTDOWN_MARKS if label == "Hold" and target - m >= 3]

    def tick(self, remaining: float) -> None:
        while self.marks and remaining <= self.marks[0]:
            mark = self.marks.pop(0)
            if remaining > mark - 1:  # not when + / - or a pause jumped past it
                _say(self.opts, f"{mark} seconds.", droppable=True)


def _confirm_stop(opts: Options, reader: KeyReader) -> bool:
    _say(opts, QUESTION_CUE)
    reader.suspend()
    try:
        return prompts.ask_yes_no(STOP_QUESTION)
    finally:
        reader.resume()


def _countdown(
    app: AppContext, opts: Options, reader: KeyReader, hold: PlannedHold, seconds: float, label: str, next_text: str
) -> tuple[bool, float]:
    """Count down `seconds` (nominal) on the app clock. Returns (completed, nominal seconds held).

    Nothing in the loop waits for anything but the clock or a key: speech is handed to a background thread.
    """
    clock = app.clock
    target = float(seconds)
    elapsed = 0.0
    paused = False
    last = clock.monotonic()
    keys = reader.enabled
    spoken = _Countdown(opts, target, label)
    if not console.err.is_terminal:
        # No screen to redraw (a pipe or a log): wait it out and say what happened in one line.
        while target - elapsed > EPSILON:
            clock.sleep(max(EPSILON, min(TICK, (target - elapsed) / opts.speed)))
            now = clock.monotonic()
            elapsed += (now - last) * opts.speed
            last = now
            spoken.tick(target - elapsed)
        return True, target
    # Redrawn by this loop, not by a thread of Rich's own; stopped in `finally`, so a Ctrl-C even while it starts
    # never leaves it drawing under the message that follows.
    live = Live(
        _hold_view(hold, target, target, paused, label, next_text, keys),
        console=console.err,
        auto_refresh=False,
        transient=True,
    )
    try:
        live.start(refresh=True)
        while target - elapsed > EPSILON:
            # Never sleep past the end of the hold: the last wait is only what is left.
            wait = TICK if paused else max(EPSILON, min(TICK, (target - elapsed) / opts.speed))
            key = reader.wait(wait) if reader.enabled else None
            if not reader.enabled:
                clock.sleep(wait)
            now = clock.monotonic()
            if not paused:
                elapsed += (now - last) * opts.speed
            last = now
            if key == " ":
                paused = not paused
                _say(opts, "Paused." if paused else "Go on.")
            elif key in ("s", "S"):
                if label == "Hold":
                    console.info(f"  skipped: {hold.stretch.name}, {_side_words(hold)} after {round(elapsed)} s")
                return False, min(elapsed, target)
            elif key == "+":
                target += ADJUST
            elif key == "-":
                target = max(elapsed, target - ADJUST, 1.0)
            elif key in ("q", "Q"):
                live.stop()
                if _confirm_stop(opts, reader):
                    raise QuitRoutine
                live.start(refresh=True)
                last = clock.monotonic()  # the time spent answering is not part of the hold
            spoken.tick(target - elapsed)
            live.update(_hold_view(hold, target - elapsed, target, paused, label, next_text, keys), refresh=True)
    finally:
        live.stop()
    return True, target


def _spoken_name(name: str) -> str:
    """A stretch's name as said aloud: without a bracketed aside ("Figure 4 (lying piriformis stretch)")."""
    import re

    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def _side_words(hold: PlannedHold) -> str:
    return "both sides" if hold.side == "both" else f"{hold.side} side"


def _stretch_panel(hold: PlannedHold, number: int, total: int) -> Panel:
    stretch = hold.stretch
    sides = "each side" if stretch.per_side else "both sides together"
    parts: list[Any] = [Text(f"Stretch {number} of {total}: hold {hold.seconds} s, {sides}\n", style="bold")]
    parts.append(console.numbered(stretch.steps))
    if stretch.cautions:
        parts.append(console.numbered(stretch.cautions, ["Take care:"] * len(stretch.cautions), style="yellow"))
    return Panel(
        Group(*parts), title=f"[bold]{console.stored(stretch.name)}[/bold]", border_style="green", expand=False
    )


def _ask_sharp(opts: Options, reader: KeyReader, about: PlannedHold) -> bool:
    """The question after each stretch. --sharp answers the next one yes, with or without a terminal."""
    from tracker.safety import SHARP_QUESTION

    if opts.sharp:
        opts.sharp = False
        console.info(f"{SHARP_QUESTION} yes (--sharp, after {about.stretch.name})")
        return True
    if opts.assume_defaults or not opts.interactive:
        return False
    _say(opts, QUESTION_CUE)
    reader.suspend()
    try:
        return prompts.ask_yes_no(SHARP_QUESTION)
    finally:
        reader.resume()


def _self_paced(opts: Options, reader: KeyReader, hold: PlannedHold) -> tuple[bool, float]:
    if not opts.interactive or opts.assume_defaults:
        return True, hold.seconds
    side = "both sides" if hold.side == "both" else f"{hold.side} side"
    reader.suspend()
    try:
        while True:
            answer = prompts.ask_text(
                f"Hold {hold.stretch.name}, {side}, for about {hold.seconds} s",
                keys="Enter when done · s skip · q stop",
            ).lower()
            if answer != "q":
                break
            if prompts.ask_yes_no(STOP_QUESTION):
                raise QuitRoutine
    finally:
        reader.resume()
    return answer != "s", hold.seconds


def _last_side(plan: list[PlannedHold], index: int) -> bool:
    return index + 1 == len(plan) or plan[index + 1].stretch.id != plan[index].stretch.id


def unanswered_sharp_question(plan: list[PlannedHold], done_positions: frozenset[int]) -> PlannedHold | None:
    """On resume: the stretch finished just before the stop, whose sharp-pain question may not have been
    answered (Ctrl-C at the question). Asking it again is harmless; never asking it is not."""
    if not done_positions:
        return None
    index = max(done_positions) - 1
    if index >= len(plan) or not _last_side(plan, index) or (index + 2) in done_positions:
        return None
    return plan[index]


def _do_routine(
    app: AppContext, opts: Options, plan: list[PlannedHold], progress: Progress, done_positions: frozenset[int]
) -> bool:
    """Run every hold not yet done. Returns False if stopped for sharp pain."""
    from tracker.services.guided import mark_sharp, save_hold

    stretch_order: list[int] = []
    for hold in plan:
        if hold.stretch.id not in stretch_order:
            stretch_order.append(hold.stretch.id)

    def sharp_after(hold: PlannedHold, reader: KeyReader) -> bool:
        if not _ask_sharp(opts, reader, hold):
            return False
        with app.work() as session:
            mark_sharp(
                session=session, practice_id=progress.practice_id, stretch_id=hold.stretch.id, at=app.clock.now()
            )
        return True

    with KeyReader(enabled=opts.interactive and not opts.self_paced) as reader:
        pending = unanswered_sharp_question(plan, done_positions)
        if pending is not None:
            console.info(f"Before going on: about {pending.stretch.name}, done before the stop.")
            if sharp_after(pending, reader):
                return False
        shown_first = False
        for index, hold in enumerate(plan):
            position = index + 1
            if position in done_positions:
                continue
            first_side = index == 0 or plan[index - 1].stretch.id != hold.stretch.id
            last_side = _last_side(plan, index)
            if first_side or not shown_first:
                # A resumed routine may start on the second side: the stretch and its steps are shown again.
                number = stretch_order.index(hold.stretch.id) + 1
                console.err.print(_stretch_panel(hold, number, len(stretch_order)))
                cue = f"{_side_words(hold)}. Get into position."
                console.err.print(Text(f"{hold.stretch.name}, {cue}", style="bold"))
                _say(opts, f"{_spoken_name(hold.stretch.name)}, {cue}")
                _bell(opts)
            elif hold.side != "both":
                # Said and rung when the hold before it ended; shown here, once that hold is saved.
                console.err.print(Text(f"Switch sides: now the {hold.side.upper()} side.", style="bold magenta"))
            shown_first = True
            if opts.self_paced:
                completed, seconds = _self_paced(opts, reader, hold)
            else:
                if opts.get_ready > 0:
                    _countdown(app, opts, reader, hold, opts.get_ready, "Get ready", "Get into position slowly.")
                    _bell(opts)
                _say(opts, f"Hold, {hold.seconds} seconds.")
                if not console.err.is_terminal:
                    console.info(f"  {hold.stretch.name}, {_side_words(hold)}: hold {hold.seconds} s")
                completed, seconds = _countdown(app, opts, reader, hold, hold.seconds, "Hold", _next_text(plan, index))
            # The end of a hold is rung and said at once; saving it comes after, so a slow disk never lengthens it.
            _bell(opts)
            if last_side:
                _say(opts, "Relax.")
            elif plan[index + 1].side != "both":
                _say(opts, f"Switch sides: now the {plan[index + 1].side} side.")
            with app.work() as session:
                save_hold(
                    session=session,
                    practice_id=progress.practice_id,
                    position=position,
                    stretch_id=hold.stretch.id,
                    side=hold.side,
                    seconds=round(seconds),
                    completed=completed,
                )
            progress.done.append(hold)
            if not completed:
                progress.skipped += 1
            elif not opts.self_paced:
                # Shown only once it is saved: a hold shown as held is never lost to a Ctrl-C a moment later.
                held = f"{hold.stretch.name}, {_side_words(hold)}: held {round(seconds)} s"
                if console.err.is_terminal:
                    console.err.print(Text(f"  ✓ {held}", style="green"))
                else:
                    console.info(f"  {held}")
            _show_voice_problem(opts)
            if last_side:
                console.err.print(Text("Relax.", style="bold"))
                if sharp_after(hold, reader):
                    return False
    return True


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_command(
    ctx: typer.Context,
    routine: Annotated[
        str | None,
        typer.Option(
            "--routine", "-r", parser=slug_value, metavar="SLUG", help="Routine to do (default: your default routine)."
        ),
    ] = None,
    heat: Annotated[
        bool | None,
        typer.Option(
            "--heat/--no-heat", show_default=False, help="You warmed up with heat first (asked on a terminal)."
        ),
    ] = None,
    pain_before: Annotated[
        int | None,
        typer.Option(
            "--pain-before", parser=pain_value, metavar="0-10", help="Pain now, 0 = none … 10 = worst imaginable."
        ),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option("--pain-after", parser=pain_value, metavar="0-10", help="Pain at the end (asked on a terminal)."),
    ] = None,
    hold: Annotated[
        int | None,
        typer.Option(
            "--hold", parser=_seconds(5, 600), metavar="SECONDS", help="Hold every stretch this long (5-600 s)."
        ),
    ] = None,
    get_ready: Annotated[
        int,
        typer.Option(
            "--get-ready",
            parser=_seconds(0, 60),
            metavar="SECONDS",
            help="Get-ready countdown before each hold (0-60 s).",
        ),
    ] = 5,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", parser=_speed, metavar="FACTOR", help="Run the clock FACTOR times faster (demos, tests)."
        ),
    ] = 1.0,
    self_paced: Annotated[
        bool, typer.Option("--self-paced", help="No timer: press Enter when each hold is done.")
    ] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue today's routine that was stopped early.")] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Ask nothing but the quick safety question (--no-red-flags answers it): "
            "answers not given take their defaults.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal bell.")] = False,
    voice: Annotated[
        bool | None,
        typer.Option(
            "--voice/--no-voice",
            show_default=False,
            help="Speak the cues (default: `sij settings voice`); try it with `sij voice test`.",
        ),
    ] = None,
    no_red_flags: Annotated[
        bool,
        typer.Option(
            "--no-red-flags",
            help="You state that none of these emergency warning signs apply now (needed without a terminal): "
            + "; ".join(flag.short for flag in EMERGENCY_FLAGS)
            + ".",
        ),
    ] = False,
    sharp: Annotated[
        bool,
        typer.Option(
            "--sharp",
            help="You felt sharp pain: answers yes to the next sharp-pain question, which stops the routine there "
            "(--pain-after is then your pain now).",
        ),
    ] = False,
) -> None:
    """Do your routine, guided: timers, side switches, spoken cues and safety checks.

    Example: [bold]sij run --voice[/bold] (or [bold]sij run --self-paced[/bold] to go at your own pace)
    """
    app = get_app(ctx)
    interactive = app.is_interactive
    if not interactive and not yes:
        raise prompts.needs_terminal(
            ctx,
            "sij run asks questions and needs a terminal; add --yes and --no-red-flags to run without questions "
            "(give --pain-before and --pain-after to record pain).",
        )
    if not interactive and not no_red_flags:
        raise prompts.needs_terminal(
            ctx,
            "without a terminal, sij run needs --no-red-flags to state that none of the emergency warning signs "
            "apply (they are listed in --help); nothing was saved.",
        )
    opts = Options(
        speed=speed,
        quiet=quiet,
        self_paced=self_paced,
        assume_defaults=yes,
        get_ready=get_ready,
        interactive=interactive and not yes,
        sharp=sharp,
    )

    from tracker.clock import local_day, offset_minutes
    from tracker.services.catalog import get_routine, routine_to_practise
    from tracker.services.guided import find_resumable, has_full_screen
    from tracker.services.practices import plan_holds
    from tracker.services.settings import day_start_minutes, voice_on

    now = app.clock.now()
    resumable = None
    app.database()  # a guided session writes: opened for writing, it may start a new diary
    with naming(routine="--routine"), app.work(readonly=True) as session:
        if resume:
            today = local_day(now, offset_minutes(now), day_start_minutes(session=session))
            resumable = find_resumable(session=session, today=today)
            chosen: RoutineInfo = (
                _routine_by_id(session, resumable.routine_id)
                if resumable.routine_id
                else get_routine(session=session, slug=routine)
            )
        else:
            chosen = routine_to_practise(session=session, slug=routine)
        screened = has_full_screen(session=session)
        speaking = voice if voice is not None else voice_on(session=session)
    if not chosen.stretches:
        raise typer.BadParameter(f"routine '{chosen.slug}' has no stretches.", param_hint="'--routine'")
    plan = plan_holds(chosen.stretches, hold)

    if speaking:
        opts.voice = _start_voice()
    interrupted = False
    try:
        _guided(app, opts, chosen, plan, resumable, screened, heat, pain_before, pain_after, no_red_flags)
    except BaseException as err:
        interrupted = isinstance(err, (KeyboardInterrupt, EOFError, typer.Exit))
        raise
    finally:
        # Let the last cue (often "please stop and read the screen") be heard, but never after Ctrl-C.
        opts.voice.close(wait=0 if interrupted else 10)
        _show_voice_problem(opts)


def _start_voice() -> Voice | Silent:
    from tracker.cli.speech import no_engine_message
    from tracker.cli.voice import Voice, find_engine

    engine = find_engine()
    if engine is None:
        console.warn(f"{no_engine_message()} The routine goes on with the bell.")
        return Silent()
    return Voice(engine)


def _guided(
    app: AppContext,
    opts: Options,
    chosen: RoutineInfo,
    plan: list[PlannedHold],
    resumable: Resumable | None,
    screened: bool,
    heat: bool | None,
    pain_before: int | None,
    pain_after: int | None,
    no_red_flags: bool,
) -> None:
    from tracker import safety

    screen_now = None
    if opts.interactive and not screened and resumable is None:
        console.info("You have not answered the full red-flag screen yet (13 short questions).")
        if prompts.ask_yes_no("Answer it now?", default=True):
            screen_now = _full_screen(app, None)
    if screen_now is not None and screen_now.level == safety.Level.emergency.value:
        _say(opts, READ_SCREEN_CUE)
        console.info("The routine was not started.")
        return

    if not _recent_warnings_allow_start(app, opts):
        return

    if resumable is None:
        if heat is None:
            heat = (
                prompts.ask_yes_no("Did you warm up with heat first (warm shower, heat pad)?")
                if opts.interactive
                else False
            )
        if pain_before is None and opts.interactive:
            pain_before = prompts.ask_pain(" before stretching")
            if pain_before is None:
                console.info(
                    "Your pain before stretching decides whether it is safe to start (at 7 or more, do not "
                    "stretch today). Please give it; press Enter again to go on without it."
                )
                pain_before = prompts.ask_pain(" before stretching")
        if safety.is_severe(pain_before):
            assert pain_before is not None
            _save_check_in(app, pain_before)
            console.err.print(Text(safety.gate_before_routine(pain_before, False).reason, style="bold red"))
            console.show_doctor_panel(safety.doctor_advice(severe=True, sharp=False))
            console.info("The routine was not started. Your pain score was saved as a check-in.")
            _say(opts, READ_SCREEN_CUE)
            return

    # The quick red-flag question comes before every guided session, a resumed one too. The full screen just
    # answered asked the same six questions, so they are not asked twice in a row.
    if screen_now is None and _emergency_symptoms(app, opts, stated_none=no_red_flags):
        console.err.print(
            Panel(
                Text(safety.EMERGENCY_MESSAGE, style="bold"),
                title="[bold]Do not stretch[/bold]",
                border_style="red",
                expand=False,
            )
        )
        console.info("The routine was not started." if resumable is None else "The routine was not continued.")
        _say(opts, READ_SCREEN_CUE)
        return

    from tracker.models import PracticeState
    from tracker.services.guided import start_practice

    if resumable is not None:
        progress = Progress(practice_id=resumable.practice_id, completed_before=resumable.holds_completed)
        done_positions = resumable.done_positions
        console.info(
            f"Resuming session #{resumable.practice_id}: {len(done_positions)} of {len(plan)} holds already "
            "recorded (done or skipped)."
        )
    else:
        with app.work() as session:
            practice_id = start_practice(
                session=session, at=app.clock.now(), routine_id=chosen.id, heat=bool(heat), pain_before=pain_before
            )
        progress = Progress(practice_id=practice_id)
        done_positions = frozenset()

    console.err.print(Text(f"{chosen.name}: {len(plan)} holds. Move slowly; stop at sharp pain.", style="bold"))
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        finished = _do_routine(app, opts, plan, progress, done_positions)
    except KeyboardInterrupt:
        opts.voice.close(wait=0)
        if console.err.is_terminal:
            console.err.print()  # ^C leaves the cursor after the countdown or a question
        if progress.completed == 0 and _discard_empty(app, progress, "Interrupted before any hold was done"):
            raise typer.Exit(EXIT_INTERRUPTED) from None
        record = _close(app, progress, PracticeState.aborted, None)
        console.warn(
            f"Interrupted. Saved session #{record.id} as stopped early with "
            f"{plural(sum(h.completed for h in record.holds), 'completed hold')}. "
            "Continue today with `sij run --resume`."
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except QuitRoutine:
        if progress.completed == 0 and not _keep_empty(opts):
            _discard_empty(app, progress, "Stopped before any hold was done")
            return
        record = _close(app, progress, PracticeState.aborted, None)
        console.show_practice_saved(record)
        console.info("Stopped early. Continue today with `sij run --resume`.")
        return
    finally:
        signal.signal(signal.SIGTERM, previous)

    if not finished:
        # Sharp pain: pain now, then save, then the panel as the last thing on screen.
        if pain_after is None and opts.interactive:
            pain_after = prompts.ask_pain(" now")
        record = _close(app, progress, PracticeState.stopped_sharp, pain_after)
        console.show_practice_saved(record)
        severe = safety.is_severe(record.pain_before) or safety.is_severe(record.pain_after)
        console.show_doctor_panel(safety.doctor_advice(severe=severe, sharp=True))
        _say(opts, READ_SCREEN_CUE)
        return
    if pain_after is None and opts.interactive:
        console.err.print(Text("Routine done.", style="bold"))
        _say(opts, f"Routine done. {QUESTION_CUE}")
        pain_after = prompts.ask_pain(" after stretching")
    record = _close(app, progress, PracticeState.completed, pain_after)
    _bell(opts)
    console.show_practice_saved(record)
    _summary(record)
    if safety.needs_doctor([record.pain_before, record.pain_after], record.sharp):
        console.show_doctor_panel(safety.doctor_advice(severe=True, sharp=record.sharp))
        _say(opts, READ_SCREEN_CUE)
    else:
        _say(opts, "Well done.")


def _keep_empty(opts: Options) -> bool:
    """q before any hold was done: such a session is not kept unless the person says so."""
    if not opts.interactive:
        return False
    _say(opts, QUESTION_CUE)
    return prompts.ask_yes_no("No hold was done yet. Save this as a session anyway?")


def _discard_empty(app: AppContext, progress: Progress, what: str) -> bool:
    """Remove a session without any hold done, keeping its pain scores as check-ins. False if it had some."""
    from tracker.errors import NothingToDo
    from tracker.services.guided import discard_empty_practice

    try:
        with app.work() as session:
            kept = discard_empty_practice(session=session, practice_id=progress.practice_id)
    except NothingToDo:
        return False
    scores = ", ".join(f"check-in #{n}" for n in kept)
    console.warn(
        f"{what}, so no session was saved."
        + (f" Your pain score was kept as {scores}." if kept else "")
        + " Start again with `sij run`."
    )
    return True


def _routine_by_id(session: Any, routine_id: int) -> RoutineInfo:
    from tracker.models import Routine
    from tracker.services.catalog import get_routine

    row = session.get(Routine, routine_id)
    return get_routine(session=session, slug=row.slug if row else None)


def _close(app: AppContext, progress: Progress, state: Any, pain_after: int | None) -> Any:
    from tracker.services.guided import finish_practice

    with app.work() as session:
        return finish_practice(
            session=session, practice_id=progress.practice_id, at=app.clock.now(), state=state, pain_after=pain_after
        )


def _summary(record: Any) -> None:
    done = sum(1 for h in record.holds if h.completed)
    minutes = ""
    if record.ended_at is not None:
        spent = (record.ended_at - record.started_at).total_seconds()
        minutes = f" in {int(spent // 60)} min {int(spent % 60)} s"
    console.info(f"Well done: {done} of {len(record.holds)} holds{minutes}.")


def _recent_warnings_allow_start(app: AppContext, opts: Options) -> bool:
    """A warning in the last day (sharp or severe pain, warning signs) is shown again before stretching.

    On a terminal the person decides whether to start anyway (default no); with --yes the reminder is shown
    and the routine goes on, since --yes means the person has already decided.
    """
    from tracker.services.overview import recent_warnings

    with app.work(readonly=True) as session:
        warnings = recent_warnings(session=session, now=app.clock.now())
    if not warnings:
        return True
    console.show_recent_warnings(warnings)
    _say(opts, READ_SCREEN_CUE)
    if opts.interactive and not prompts.ask_yes_no("Start the routine anyway?", default=False):
        console.info("The routine was not started. Rest, and contact your doctor or physiotherapist.")
        return False
    return True


def _save_check_in(app: AppContext, score: int) -> None:
    from tracker.safety import BLOCKED_RUN_NOTE
    from tracker.services.pain import record_check_in

    with app.work() as session:
        record_check_in(session=session, at=app.clock.now(), score=score, note=BLOCKED_RUN_NOTE)


def _emergency_symptoms(app: AppContext, opts: Options, *, stated_none: bool) -> bool:
    """The quick question before every guided session: any emergency red flag blocks it.

    Nothing skips it: --yes on a terminal still asks it; without a terminal --no-red-flags answers it, and that
    statement is recorded exactly like an answer given on screen.
    """
    from tracker import safety
    from tracker.services.guided import record_screening

    body = Text()
    for flag in safety.EMERGENCY_FLAGS:
        body.append(f"  • {flag.short}\n")
    console.err.print(Panel(body, title="Quick safety check", border_style="yellow", expand=False))
    if stated_none:
        console.info(f"{safety.QUICK_SCREEN_QUESTION} no (--no-red-flags)")
        yes = False
    else:
        _say(opts, QUESTION_CUE)
        yes = prompts.ask_yes_no(safety.QUICK_SCREEN_QUESTION)
    level = safety.Level.emergency if yes else safety.Level.none
    with app.work() as session:
        record_screening(
            session=session, at=app.clock.now(), kind="quick", answers={"emergency_symptoms": yes}, level=level
        )
    return yes


def _full_screen(app: AppContext, answers_text: str | None) -> Any:
    from tracker import safety
    from tracker.services.guided import record_screening

    if answers_text is not None:
        try:
            answers = safety.parse_screen_answers(answers_text)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="'--answers'") from None
    else:
        console.info("Since your back or pelvic pain started, or recently, have you had any of these? (y/n)")
        answers = {}
        for flag in safety.RED_FLAGS:
            answers[flag.code] = prompts.ask_yes_no(f"{flag.code}. {flag.question}")
    level = safety.screening_level(answers)
    with app.work() as session:
        record = record_screening(session=session, at=app.clock.now(), kind="full", answers=answers, level=level)
    style = {"emergency": "red", "same-day": "yellow", "none": "green"}[level.value]
    console.err.print(
        Panel(
            Text(safety.screening_advice(level), style="bold"),
            title="Red-flag screen",
            border_style=style,
            expand=False,
        )
    )
    return record


def screen_command(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option("--answers", metavar="YN×13", help="All 13 answers as y/n in order E1-E6, U1-U7 (for scripts)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored result as JSON.")] = False,
) -> None:
    """Answer the full red-flag screen: 13 yes/no questions about warning signs.

    Example: [bold]sij screen[/bold]
    """
    app = get_app(ctx)
    if answers is None and not app.is_interactive:
        raise prompts.needs_terminal(
            ctx, "sij screen asks 13 questions and needs a terminal; give the answers with --answers instead."
        )
    record = _full_screen(app, answers)
    if as_json:
        console.print_json(
            {
                "id": record.id,
                "uuid": record.uuid,
                "taken_at": record.local_time.isoformat(),
                "answers": record.answers,
                "level": record.level,
                "advice": record.advice,
            }
        )
