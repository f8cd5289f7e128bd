"""Parsers for option values, so that bad input is refused before anything runs, naming the option."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer

from tracker.errors import InvalidInput
from tracker.safety import PAIN_MAX, PAIN_MIN

SLUG_MAX = 64  # the width of the slug columns
ID_MAX = 2**63 - 1  # the largest id SQLite can hold
# The help of every `--at` that takes a moment (a day alone, or a day and a time of day).
AT_HELP = "When: 9am, 18:00, yesterday 9am, monday 8am, 2026-11-30 9:00, or a day alone (default: now)."


def shown(value: str, limit: int = 40) -> str:
    """A typed value as it may be echoed in a message: shortened, control characters made visible."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole_number(value: str) -> int | None:
    """The whole number typed (ASCII digits, optional minus), or None."""
    text = str(value).strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(text)


def id_value(value: str, listing: str) -> int:
    """A record's id as typed (1 up to the largest id stored); `listing` names the command that shows the ids."""
    number = whole_number(value)
    if number is None or not 1 <= number <= ID_MAX:
        raise typer.BadParameter(f"'{shown(value)}' is not an id; give the whole number shown by {listing}.")
    return number


def pain_value(value: str) -> int:
    number = whole_number(value)
    if number is None or not PAIN_MIN <= number <= PAIN_MAX:
        raise typer.BadParameter(
            f"'{shown(value)}' is not a pain score; "
            f"give a whole number from {PAIN_MIN} (no pain) to {PAIN_MAX} (worst imaginable)."
        )
    return number


def rating_value(value: str) -> int:
    """A rating as typed: a whole number (its scale, 0-10 or 1-7, is checked by the service that knows the kind)."""
    number = whole_number(value)
    if number is None or not -1000 <= number <= 1000:
        raise typer.BadParameter(f"'{shown(value)}' is not a rating; give a whole number.")
    return number


def positive_int(value: str) -> int:
    number = whole_number(value)
    if number is None or number < 1:
        raise typer.BadParameter(f"'{shown(value)}' is not a whole number of 1 or more.")
    return number


def _slug(value: str, example: str, listing: str) -> str:
    text = str(value).strip()
    if not text:
        raise typer.BadParameter(f"the name is empty; give a slug such as {example} (`{listing}` lists them).")
    if not all(c.isprintable() for c in text) or len(text) > SLUG_MAX:
        raise typer.BadParameter(
            f"'{shown(text)}' is not a slug; slugs are up to {SLUG_MAX} plain characters, such as {example}."
        )
    return text


def slug_value(value: str) -> str:
    """A stretch (or routine) name as typed: not empty, no control characters, not absurdly long."""
    return _slug(value, "figure-4", "sij stretches")


def routine_slug_value(value: str) -> str:
    """A routine name as typed, checked like `slug_value` with a routine's example."""
    return _slug(value, "si-basics", "sij routines")


@contextlib.contextmanager
def naming(**options: str) -> Iterator[None]:
    """Report a service's InvalidInput about a `subject` as bad input for the option it came from.

    Example: `with naming(stretch="--stretch", note="--note"): record_practice(...)`.
    """
    try:
        yield
    except InvalidInput as err:
        option = options.get(err.subject or "")
        if option is None:
            raise
        raise typer.BadParameter(str(err), param_hint=f"'{option}'") from None
