"""Font files -> what layout measures with: text shaped by HarfBuzz (kerning, ligatures, the forms
and order complex scripts need) as glyphs and advances, ascent, descent, the characters a font has.

Parsed once per run; each distinct text is shaped once per face and direction and remembered, so
a word every ward sets is shaped once a run.
"""

from __future__ import annotations

import bisect
import struct
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
    """Open a TrueType font or say clearly why it cannot be used.  Its glyphs are named by
    their ids ("glyph00042"), not by the names in its 'post' table: nothing here needs those,
    and decoding them costs more than every table read after."""
    try:
        font = TTFont(path, lazy=True)
        font.setGlyphOrder([f"glyph{gid:05d}" for gid in range(font["maxp"].numGlyphs)])
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
    """Read with HarfBuzz alone: a run loads every face of its layout, and fontTools' tables
    (glyph names first) cost several times as much to read."""
    hb_face = _usable_face(face.path)
    shaper = hb.Font(hb_face)
    scale = 1000.0 / hb_face.upem
    advances = {
        chr(code): shaper.get_glyph_h_advance(shaper.get_nominal_glyph(code)) * scale for code in hb_face.unicodes
    }
    # The typographic metrics a layout program uses for the first baseline and line fitting.
    os2 = hb_face.reference_table("OS/2").data
    hhea = hb_face.reference_table("hhea").data
    ascender, descender = struct.unpack_from(">hh", hhea, 4)
    if len(os2) >= 72 and struct.unpack_from(">H", os2, 62)[0] & (1 << 7):  # USE_TYPO_METRICS
        ascender, descender = struct.unpack_from(">hh", os2, 68)
    return FontMetrics(
        face=face,
        advances=advances,
        notdef_advance=shaper.get_glyph_h_advance(0) * scale,
        ascent=ascender * scale,
        descent=-descender * scale,
        shaper=shaper,
    )


_NEEDED_TABLES = ("head", "hhea", "hmtx", "cmap", "maxp")


def _usable_face(path: Path) -> hb.Face:
    """The font file as HarfBuzz reads it, or a clear word on why it cannot be used.  HarfBuzz
    reads a table that fails its checks as empty, so an empty needed table is a broken file."""
    if not path.is_file():
        raise InputError(path, None, "font file not found", "check the path in the layout's fonts section")
    try:
        hb_face = harfbuzz_face(path)
    except hb.HarfBuzzError as error:
        raise InputError(path, None, f"not a usable TrueType font ({error})", "use a .ttf file") from None
    broken = [tag for tag in _NEEDED_TABLES if not hb_face.reference_table(tag).data]
    if broken or hb_face.glyph_count == 0:
        problem = f"no usable '{broken[0]}' table" if broken else "no glyphs"
        raise InputError(path, None, f"not a usable TrueType font ({problem})", "use a .ttf file")
    if not hb_face.reference_table("glyf").data:
        raise InputError(path, None, "font has PostScript (CFF) outlines", "use the TrueType (.ttf) build of the font")
    if len(hb_face.reference_table("hhea").data) < 8:
        raise InputError(path, None, "not a usable TrueType font (its 'hhea' table is cut short)", "use a .ttf file")
    return hb_face
