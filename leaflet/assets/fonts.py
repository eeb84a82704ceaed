"""Font files -> the metrics layout measures with (advance widths, ascent, descent, coverage).

Parsed once per run with fontTools; measuring is a dictionary look-up per character.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from leaflet.errors import InputError
from leaflet.model import FontFace


@dataclass(frozen=True)
class FontMetrics:
    """Horizontal metrics in thousandths of an em, as PDF widths are given."""

    face: FontFace
    advances: dict[str, float]  # character -> advance width
    notdef_advance: float
    ascent: float
    descent: float  # positive, below the baseline

    def covers(self, char: str) -> bool:
        return char in self.advances

    def width_pt(self, text: str, size_pt: float) -> float:
        try:
            return sum(map(self.advances.__getitem__, text)) * size_pt / 1000.0
        except KeyError:  # a character the font lacks: measured as its .notdef box
            advances, notdef = self.advances, self.notdef_advance
            return sum(advances.get(char, notdef) for char in text) * size_pt / 1000.0


def open_font(path: Path) -> TTFont:
    """Open a TrueType font or say clearly why it cannot be used."""
    try:
        font = TTFont(path, lazy=True)
        font["head"], font["hmtx"], font["cmap"]
    except FileNotFoundError:
        raise InputError(path, None, "font file not found", "check the path in the layout's fonts section") from None
    except (TTLibError, KeyError, OSError, AssertionError, ValueError) as error:
        raise InputError(path, None, f"not a usable TrueType font ({error})", "use a .ttf file") from None
    if "glyf" not in font:
        raise InputError(path, None, "font has PostScript (CFF) outlines", "use the TrueType (.ttf) build of the font")
    return font


def load_metrics(face: FontFace) -> FontMetrics:
    font = open_font(face.path)
    scale = 1000.0 / font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    advances = {chr(code): hmtx[glyph][0] * scale for code, glyph in font.getBestCmap().items()}
    # The typographic metrics a layout program uses for the first baseline and line fitting.
    os2 = font.get("OS/2")
    hhea = font["hhea"]
    ascent = (os2.sTypoAscender if os2 and os2.fsSelection & (1 << 7) else hhea.ascent) * scale
    descent = -(os2.sTypoDescender if os2 and os2.fsSelection & (1 << 7) else hhea.descent) * scale
    return FontMetrics(
        face=face,
        advances=advances,
        notdef_advance=hmtx[font.getGlyphOrder()[0]][0] * scale,
        ascent=ascent,
        descent=descent,
    )
