"""Small wording helpers shared by the command line and the exports. Stdlib only."""

from __future__ import annotations

import re

# How a session logged with its own list of stretches (no routine) is named, everywhere.
HAND_PICKED = "hand-picked stretches"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 severe score`, `2 severe scores`, `0 points`; `many` for irregular plurals (`plural(2, "day", "days")`)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def signed_points(value: float) -> str:
    """A signed change in pain points: `+1 point`, `-2.5 points`, `+0 points`."""
    return f"{value:+g} {'point' if abs(value) == 1 else 'points'}"


# Characters that a terminal acts on instead of showing: C0 controls (but new line and tab), DEL, C1 controls,
# and the bidirectional embeddings, overrides and isolates that reorder what is shown around them. The plain
# direction marks (U+200E, U+200F, U+061C) stay: right-to-left writing needs them and they move nothing else.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_control(char: str, *, keep: str = "") -> bool:
    """A character a terminal would act on rather than show (`keep` lists ones allowed here, e.g. "\\n\\t").

    Lone surrogates count too: they are not text at all (bytes that were not UTF-8).
    """
    if char in keep:
        return False
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI or 0xD800 <= code <= 0xDFFF


def visible(text: str, *, keep: str = "\n\t") -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`), so a terminal only displays it.

    Everything read from the database passes through this on its way to a terminal, whatever its origin:
    a backup from elsewhere, an older version of sij, or a file edited by hand.
    """
    if not any(is_control(c, keep=keep) for c in text):
        return text
    return "".join(_escape(c) if is_control(c, keep=keep) else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


# The characters `is_control` names, as a regular expression class (kept beside it; a test compares the two).
_CONTROLS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_FIRST_CONTROL: dict[str, re.Pattern[str]] = {}


def first_control(text: str, *, keep: str = "") -> str | None:
    """The first control character in `text` (see `is_control`), or None.

    One regular expression per `keep`: an import checks every text of a backup, and twenty years of them, read
    character by character in Python, took seconds.
    """
    pattern = _FIRST_CONTROL.get(keep)
    if pattern is None:
        allowed = f"(?![{''.join(re.escape(c) for c in keep)}])" if keep else ""
        pattern = _FIRST_CONTROL[keep] = re.compile(f"{allowed}[{_CONTROLS}]")
    found = pattern.search(text)
    return None if found is None else found.group()


def describe_char(char: str) -> str:
    """`0x1b`, `U+202E`: a character named by its code, for messages."""
    code = ord(char)
    return f"{code:#04x}" if code <= 0xFF else f"U+{code:04X}"
