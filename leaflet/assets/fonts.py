"""Font files -> what layout measures with: text shaped by HarfBuzz (kerning, ligatures, the forms
and order complex scripts need) as glyphs and advances, ascent, descent, the characters a font has.

Parsed once per run; each distinct text is shaped once per face and direction and remembered, so
a word every ward sets is shaped once a run.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont, TTLibError

from leaflet.errors import InputError
from leaflet.model import FontFace

SHAPED_KEPT = 10_000  # distinct texts remembered per face and direction; then the memory starts again


@dataclass(frozen=True, slots=True)
class ShapedText:
    """A text as HarfBuzz set it in one face and direction: glyph ids left to right as drawn, each
    glyph's advance (kerning included) and, only when a glyph sits off its pen position (a mark
    above a letter), every glyph's (x, y) offset; in thousandths of an em, as PDF widths are."""

    glyphs: tuple[int, ...]
    advances: tuple[float, ...]
    offsets: tuple[tuple[float, float], ...]  # () when every offset is (0, 0)
    width: float  # at 1 pt: the sum of the advances / 1000
    clusters: tuple[int, ...] = ()  # the index of the character each glyph starts at, left to right

    def part(self, start: int, stop: int) -> ShapedText:
        """Glyphs ``start`` to ``stop`` (clusters left out: a part is not split again)."""
        advances = self.advances[start:stop]
        offsets = self.offsets[start:stop] if self.offsets else ()
        return ShapedText(self.glyphs[start:stop], advances, offsets, sum(advances) / 1000.0)


@dataclass(frozen=True)
class FontMetrics:
    """Horizontal metrics in thousandths of an em, as PDF widths are given."""

    face: FontFace
    advances: dict[str, float]  # character -> its glyph's own advance: the characters the font has
    notdef_advance: float
    ascent: float
    descent: float  # positive, below the baseline
    shaper: hb.Font = field(compare=False, repr=False)
    _shaped: tuple[dict[str, ShapedText], dict[str, ShapedText]] = field(
        default_factory=lambda: ({}, {}), compare=False, repr=False
    )  # left to right, right to left

    def covers(self, char: str) -> bool:
        return char in self.advances

    def shape(self, text: str, rtl: bool = False) -> ShapedText:
        """``text`` shaped left to right, or right to left (glyphs still listed left to right)."""
        remembered = self._shaped[rtl]
        shaped = remembered.get(text)
        if shaped is None:
            if len(remembered) >= SHAPED_KEPT:
                remembered.clear()
            shaped = remembered[text] = _shape(self, text, rtl)
        return shaped

    def shape_parts(self, parts: tuple[str, ...], rtl: bool = False, mended: Collection[int] = ()) -> list[ShapedText]:
        """``parts`` of one text with no space in it, shaped together (kerning and ligatures across
        the joins kept) and split at the joins; a part that a join cuts through a glyph of (a
        ligature across it), or right-to-left text, is shaped on its own.  At the joins in
        ``mended`` (``k``: the join after part ``k``) a glyph across the join goes whole with the
        part it starts in: the caller shapes both sides again wherever it separates them."""
        if rtl:
            return [self.shape(part, True) for part in parts]
        whole = self.shape("".join(parts))
        clusters = whole.clusters
        starts = [0]  # the first glyph of each part, or -1 where a join cuts through a glyph
        offset = 0
        for join, part in enumerate(parts[:-1]):
            offset += len(part)
            index = bisect.bisect_left(clusters, offset)
            cut = index < len(clusters) and clusters[index] == offset
            starts.append(index if cut or join in mended else -1)
        starts.append(len(clusters))
        return [
            whole.part(starts[k], starts[k + 1]) if starts[k] >= 0 and starts[k + 1] >= 0 else self.shape(part)
            for k, part in enumerate(parts)
        ]

    def width_pt(self, text: str, size_pt: float) -> float:
        return self.shape(text).width * size_pt


_BUFFER = hb.Buffer()  # one per process, reused: shaping is not re-entrant here


def _shape(metrics: FontMetrics, text: str, rtl: bool) -> ShapedText:
    font = metrics.shaper
    buffer = _BUFFER
    buffer.clear_contents()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"  # the bidirectional levels decide, not the script
    buffer.language = "und"  # not the process's locale: the same bytes on every machine
    hb.shape(font, buffer)
    infos = buffer.glyph_infos
    glyphs = tuple(info.codepoint for info in infos)
    positions = buffer.glyph_positions
    advances: tuple[float, ...] = tuple(p.x_advance for p in positions)  # font units
    offsets: tuple[tuple[float, float], ...] = ()
    if any(p.x_offset or p.y_offset for p in positions):
        offsets = tuple((p.x_offset, p.y_offset) for p in positions)
    if font.face.upem != 1000:  # most fonts have 1000 units an em: their numbers stay whole
        scale = 1000.0 / font.face.upem
        advances = tuple(advance * scale for advance in advances)
        offsets = tuple((x * scale, y * scale) for x, y in offsets)
    clusters = tuple(info.cluster for info in infos) if not rtl else ()
    return ShapedText(glyphs, advances, offsets, sum(advances) / 1000.0, clusters)


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


def harfbuzz_face(path: Path) -> hb.Face:
    """The font file as HarfBuzz reads it (mapped, not copied), for shaping and subsetting."""
    return hb.Face(hb.Blob.from_file_path(str(path)))


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
        shaper=hb.Font(harfbuzz_face(face.path)),
    )
