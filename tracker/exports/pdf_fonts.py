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


def installed_fonts() -> list[tuple[str, int, list[tuple[int, int]]]]:
    """(file, face index, code point ranges) of the TrueType and OpenType fonts fontconfig knows, collections (.ttc,
    such as Noto CJK) included; none without fontconfig. Best first: TrueType outlines (text drawn in them reads back
    cleanly with every PDF text extractor; CFF-based fonts are taken when nothing else has a character), then
    upright regular faces, then by file, so that the choice is the same every time."""
    fields = "%{file}\t%{index}\t%{fontformat}\t%{weight}\t%{slant}\t%{charset}\n"
    try:
        listing = subprocess.run(["fc-list", "--format", fields], capture_output=True, text=True, timeout=20,
                                 check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listing.splitlines():
        file, index, kind, weight, slant, charset = (line.split("\t") + [""] * 5)[:6]
        usable = file.lower().endswith((".ttf", ".otf", ".ttc")) and "color" not in file.lower()
        if usable and index.isdigit() and weight.isdigit() and slant.isdigit():
            spans = [(int(s[0], 16), int(s[-1], 16)) for s in (p.split("-") for p in charset.split())]
            rank = (kind != "TrueType", int(slant) != 0, abs(int(weight) - 80))  # fontconfig's regular weight is 80
            found.append(((*rank, file, int(index)), spans))
    return [(file, index, spans) for (*_, file, index), spans in sorted(found)]


class FallbackFonts:
    """Mixed into fpdf2's FPDF: every text goes through `normalize_text`, where a character the main fonts (`main`,
    regular and bold) lack adds an installed font that has it to fpdf2's fallback fonts, or becomes MISSING."""

    main: str  # the family of the main fonts
    drawn: set[str]  # the characters known to be drawn (a set of the document's own, holding "\n")
    installed: list[tuple[str, int, list[tuple[int, int]]]] | None = None
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
            found = next(((f, i) for f, i, spans in self.installed if any(lo <= code <= hi for lo, hi in spans)), None)
            if found is None:
                return False
            file, index = found
            self.installed = [font for font in self.installed if font[0] != file]
            count = len(self._fallback_font_ids)
            self.add_font(f"fallback{count}", "", file, collection_font_number=index)  # type: ignore[attr-defined]
            self.set_fallback_fonts([f"fallback{n}" for n in range(count + 1)], False)  # type: ignore[attr-defined]
        self.drawn.add(char)
        return True
