"""Fonts for the PDF beyond DejaVu Sans: an installed font that draws a character, found when one is first needed;
and whether the report's text needs shaping.

fpdf2 falls back across the fonts it is given glyph by glyph, but cannot find them; fontconfig (`fc-list`) says
which installed font covers which characters. A character that no installed font draws becomes the visible marker
MISSING instead of being dropped (and fpdf2 writes no warning). Right-to-left scripts (Arabic, Hebrew) and scripts
whose letters combine (Arabic's joined forms, Devanagari and the other Indic scripts) are only drawn right by
fpdf2's text shaping, which uses HarfBuzz (uharfbuzz); it is turned on only for a report that holds such text.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Iterable
from typing import Any

MISSING = "\ufffd"


def needs_shaping(texts: Iterable[str]) -> bool:
    """Whether any text holds a right-to-left letter or a combining mark, which only shaped text draws right."""
    return any(
        unicodedata.bidirectional(c) in ("R", "AL") or unicodedata.category(c) in ("Mn", "Mc")
        for text in texts
        if not text.isascii()
        for c in text
        if c >= "\u0300"
    )


def reads_right_to_left(text: str) -> bool:
    """Whether the text's first letter with a direction is right to left (its paragraph is then aligned right)."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("L", "R", "AL"):
            return kind != "L"
    return False


def installed_fonts() -> list[tuple[str, list[tuple[int, int]]]]:
    """(file, code point ranges) of the TrueType and OpenType fonts fontconfig knows; none without fontconfig."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\t%{charset}\n"], capture_output=True, text=True,
                                 timeout=20, check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for file, _, charset in sorted(line.partition("\t") for line in listing.splitlines()):
        if file.lower().endswith((".ttf", ".otf")) and "color" not in file.lower():
            fonts.append((file, [(int(s[0], 16), int(s[-1], 16)) for s in (p.split("-") for p in charset.split())]))
    return fonts


class FallbackFonts:
    """Mixed into fpdf2's FPDF: every text goes through `normalize_text`, where a character the main fonts (`main`,
    regular and bold) lack adds an installed font that has it to fpdf2's fallback fonts, or becomes MISSING."""

    main: str  # the family of the main fonts
    drawn: set[str]  # the characters known to be drawn (a set of the document's own, holding "\n")
    installed: list[tuple[str, list[tuple[int, int]]]] | None = None
    fonts: dict[str, Any]
    _fallback_font_ids: list[str]

    def normalize_text(self, text: str) -> str:
        if not self.drawn.issuperset(text):
            text = "".join(c if c in self.drawn or self._draws(c) else MISSING for c in text.replace("\t", " "))
        return super().normalize_text(text)  # type: ignore[misc]

    def _draws(self, char: str) -> bool:
        code = ord(char)
        # Drawn by both main fonts (so bold text has it too), or else by one fallback font.
        groups = [[self.main.lower(), self.main.lower() + "B"], *([key] for key in self._fallback_font_ids)]
        if not any(all(code in self.fonts[key].cmap for key in group) for group in groups):
            if self.installed is None:
                self.installed = installed_fonts()
            file = next((f for f, spans in self.installed if any(lo <= code <= hi for lo, hi in spans)), None)
            if file is None:
                return False
            self.installed = [(f, spans) for f, spans in self.installed if f != file]
            count = len(self._fallback_font_ids)
            self.add_font(f"fallback{count}", "", file)  # type: ignore[attr-defined]
            self.set_fallback_fonts([f"fallback{n}" for n in range(count + 1)], False)  # type: ignore[attr-defined]
        self.drawn.add(char)
        return True
