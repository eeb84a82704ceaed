"""What a PDF page shows as text, read back as a printer's software reads it: each text run's font,
size, glyph ids and where each glyph lands, from the content streams (Form XObjects included),
the fonts' widths (W) and ToUnicode maps, with pikepdf.  Test helper, not a test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from tests.conftest import ROOT


@dataclass
class ShownRun:
    """Glyphs shown with one font and size from one text position (one Tj or TJ, or several in a
    row when only the rise changes between them)."""

    font: str  # PostScript name, without the subset tag
    size: float
    x: float  # where the run starts on the page, points from the MediaBox's corner
    y: float
    glyphs: list[int] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)  # each glyph's origin
    rises: list[float] = field(default_factory=list)  # each glyph's text rise
    text: str = ""  # through the font's ToUnicode map
    glyph_texts: list[str] = field(default_factory=list)  # each glyph's
    actual_text: str | None = None
    end_x: float = 0.0  # where the pen is after the last glyph


@dataclass
class _Font:
    name: str
    widths: dict[int, float]
    default_width: float
    to_unicode: dict[int, str]


def _font(font) -> _Font:
    descendant = font.DescendantFonts[0]
    widths: dict[int, float] = {}
    array = list(descendant.get("/W", []))
    index = 0
    while index < len(array):
        first = int(array[index])
        if isinstance(array[index + 1], pikepdf.Array):
            for offset, width in enumerate(array[index + 1]):
                widths[first + offset] = float(width)
            index += 2
        else:
            for gid in range(first, int(array[index + 1]) + 1):
                widths[gid] = float(array[index + 2])
            index += 3
    cmap = font.ToUnicode.read_bytes().decode("ascii")
    to_unicode = {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap)
    }
    name = str(font.BaseFont)[1:].split("+", 1)[-1]
    return _Font(name, widths, float(descendant.get("/DW", 1000)), to_unicode)


def shown_runs(path: Path, page_index: int) -> list[ShownRun]:
    pdf = pikepdf.open(path)
    page = pdf.pages[page_index]
    runs: list[ShownRun] = []
    _walk(page.obj, page.obj.Resources, (0.0, 0.0), runs)
    return runs


def _number(value) -> float:
    return float(Decimal(str(value))) if not isinstance(value, (int, float)) else float(value)


def _walk(stream, resources, origin: tuple[float, float], runs: list[ShownRun]) -> None:
    fonts: dict[str, _Font] = {}
    stack = []
    translate = origin
    font: _Font | None = None
    size = 0.0
    x = y = 0.0
    rise = 0.0
    actual: list[str | None] = []
    run: ShownRun | None = None
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op == "q":
            stack.append(translate)
        elif op == "Q":
            translate = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (_number(v) for v in operands)
            if (a, b, c, d) == (1, 0, 0, 1):
                translate = (translate[0] + e, translate[1] + f)
        elif op == "Do":
            xobject = resources.XObject[operands[0]]
            if xobject.Subtype == "/Form":
                _walk(xobject, xobject.Resources, translate, runs)
        elif op == "BT":
            run = None
        elif op == "Tf":
            key = str(operands[0])
            if key not in fonts:
                fonts[key] = _font(resources.Font[operands[0]])
            font, size, run = fonts[key], _number(operands[1]), None
        elif op == "Tm":
            a, b, c, d, e, f = (_number(v) for v in operands)
            x, y, run = translate[0] + e, translate[1] + f, None
        elif op == "Ts":
            rise = _number(operands[0])
        elif op == "BDC":
            properties = operands[1]
            actual.append(str(properties.ActualText) if "/ActualText" in properties else None)
        elif op == "EMC":
            actual.pop()
        elif op in ("Tj", "TJ"):
            assert font is not None
            if run is None:
                run = ShownRun(font.name, size, x, y)
                run.actual_text = actual[-1] if actual else None
                runs.append(run)
            items = [operands[0]] if op == "Tj" else list(operands[0])
            for item in items:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    for offset in range(0, len(data), 2):
                        gid = int.from_bytes(data[offset : offset + 2], "big")
                        run.glyphs.append(gid)
                        run.xs.append(x)
                        run.rises.append(rise)
                        run.glyph_texts.append(font.to_unicode.get(gid, "\ufffd"))
                        run.text += run.glyph_texts[-1]
                        x += font.widths.get(gid, font.default_width) / 1000 * size
                else:
                    x -= _number(item) / 1000 * size
            run.end_x = x


def font_files() -> dict[str, Path]:
    """The project's font files by PostScript name."""
    files = {}
    for path in sorted((ROOT / "fonts").glob("*/*.ttf")):
        files[TTFont(path, lazy=True)["name"].getDebugName(6)] = path
    return files
