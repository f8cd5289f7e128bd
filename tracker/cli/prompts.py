"""Questions asked on a terminal. Each says its range and default; answers are checked and asked again."""

from __future__ import annotations

import typer
from rich.markup import escape

from tracker.cli import collector, console
from tracker.safety import (
    PAIN_AFTER_NOW,
    PAIN_AFTER_THEN,
    PAIN_BEFORE_STARTED,
    PAIN_MAX,
    PAIN_MIN,
    PAIN_QUESTION,
    PAIN_QUESTION_THEN,
    PAIN_SCALE,
)

# The questions `sij log` asks (a session already done): before it, and after it now or at a past time.
BEFORE = PAIN_BEFORE_STARTED
AFTER_NOW = PAIN_AFTER_NOW
AFTER_THEN = PAIN_AFTER_THEN


def _ask(text: str) -> str:
    collector.loaded()  # the collector runs while sij waits for the person
    console.err.print(text, end="", markup=True, highlight=False)
    _wait_for_the_keyboard()
    return input()


def _wait_for_the_keyboard() -> None:
    """On a terminal, wait until something is typed, a moment at a time. Python acts on a signal only between its
    own steps: a Ctrl-C pressed just as the question appears, before input() is reading, would otherwise wait
    behind a read that only Enter ends. Each moment's end lets it through (at most 0.2 s late)."""
    import select
    import sys

    try:
        if not sys.stdin.isatty():
            return
        while not select.select([sys.stdin], [], [], 0.2)[0]:
            pass
    except (OSError, ValueError, AttributeError):  # no usable standard input (closed, replaced): input() says so
        return


def ask_pain(when: str, then: str | None = None) -> int | None:
    """Pain on the 0-10 scale; Enter skips (None).

    `when` names the moment, e.g. ' before stretching' (asked about right now), or is a whole question
    (`BEFORE`, `AFTER_NOW`, `AFTER_THEN`). `then` is the local time of a past moment the question is about.
    """
    if when in (BEFORE, AFTER_NOW, AFTER_THEN):
        label, question = "", when if then is None else f"{when} ({then})"
    else:
        label = f"Pain{when}: " if when else ""
        question = PAIN_QUESTION if then is None else f"{PAIN_QUESTION_THEN} ({then})"
    while True:
        answer = _ask(f"[bold]{escape(label)}{escape(question)}[/bold] ({PAIN_SCALE}) \\[Enter to skip]: ").strip()
        if not answer:
            return None
        if answer.isdigit() and PAIN_MIN <= int(answer) <= PAIN_MAX:
            return int(answer)
        console.warn(f"Please type a whole number from {PAIN_MIN} to {PAIN_MAX}, or press Enter to skip.")


def ask_number(question: str, low: int, high: int, *, skip: bool = True) -> int | None:
    """A whole number from low to high; Enter skips (None) when `skip`."""
    hint = f"{low}-{high}, Enter to skip" if skip else f"{low}-{high}"
    while True:
        answer = _ask(f"[bold]{escape(question)}[/bold] \\[{escape(hint)}]: ").strip()
        if not answer and skip:
            return None
        if answer.isascii() and answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        console.warn(
            f"Please type a whole number from {low} to {high}" + (", or press Enter to skip." if skip else ".")
        )


def ask_yes_no(question: str, default: bool = False) -> bool:
    suffix = "[Y/n]" if default else "[y/N]"
    while True:
        answer = _ask(f"[bold]{escape(question)}[/bold] {escape(suffix)}: ").strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        console.warn("Please answer y or n.")


def ask_text(question: str, keys: str = "Enter to skip") -> str:
    """A line of text; `keys` is the bracketed hint on what the keys do."""
    return _ask(f"[bold]{escape(question)}[/bold] \\[{escape(keys)}]: ").strip()


def needs_terminal(ctx: typer.Context, message: str) -> Exception:
    """A usage error (exit 2) for a command that asks questions but has no terminal; `message` names the way out."""
    usage_error = next(k for k in typer.BadParameter.__mro__ if k.__name__ == "UsageError")
    return usage_error(message, ctx=ctx)  # type: ignore[no-any-return]


def date_error(option: str, message: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=f"'{option}'")
