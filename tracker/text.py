"""Small wording helpers shared by the command line and the exports. Stdlib only."""

from __future__ import annotations

# How a session logged with its own list of stretches (no routine) is named, everywhere.
HAND_PICKED = "hand-picked stretches"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 severe score`, `2 severe scores`, `0 points`; `many` for irregular plurals (`plural(2, "day", "days")`)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def signed_points(value: float) -> str:
    """A signed change in pain points: `+1 point`, `-2.5 points`, `+0 points`."""
    return f"{value:+g} {'point' if abs(value) == 1 else 'points'}"
