"""Parsers for option values, so that bad input is refused before anything runs, naming the option."""

from __future__ import annotations

import typer

from tracker.safety import PAIN_MAX, PAIN_MIN


def pain_value(value: str) -> int:
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or not PAIN_MIN <= int(text) <= PAIN_MAX:
        raise typer.BadParameter(
            f"'{value}' is not a pain score; "
            f"give a whole number from {PAIN_MIN} (no pain) to {PAIN_MAX} (worst imaginable)."
        )
    return int(text)


def positive_int(value: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise typer.BadParameter(f"'{value}' is not a whole number of 1 or more.")
    return int(text)
