"""A ward's print pages -> its proof pages: the same drawing with guides, a watermark and (if asked)
frame outlines on top, all in CMYK.

The marks are content-stream operators appended to each page inside ``q ... Q``; the print
file's own pages are never changed.  Words are drawn as the outlines of a layout font's glyphs,
so they need neither a font resource nor characters in the print file's font subsets.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, replace

from fontTools.pens.basePen import BasePen

from leaflet.assets.fonts import open_font
from leaflet.model import BoxPt, FontFace, LaidOutLeaflet, Layout, mm_to_pt
from leaflet.write import pdf
from leaflet.write.draw import PreparedDocument, WardPages

WATERMARK = "PROOF - NOT FOR PRINT"
WATERMARK_OF_DIAGONAL = 0.75  # the watermark's length, as a fraction of the trim's diagonal
WATERMARK_STROKE_PT = 1.2
WATERMARK_INK = b"0 0 0 0.3"  # 30% K
GUIDE_INK = b"0 1 0 0"  # 100% magenta
GUIDE_WIDTH_PT = 0.5
BLEED_DASH = b"[6 3] 0 d"
SAFE_DASH = b"[2 2] 0 d"
FRAME_INK = b"1 0 0 0"  # 100% cyan
FRAME_WIDTH_PT = 0.35
FRAME_LABEL_SIZE_PT = 5.0


class _PdfPathPen(BasePen):
    """Glyph outlines -> PDF path operators, in font units, shifted right by ``x``."""

    def __init__(self, glyph_set, x: float):
        super().__init__(glyph_set)
        self.x = x
        self.ops: list[bytes] = []

    def _point(self, point) -> bytes:
        return b"%s %s" % (pdf.number(round(point[0] + self.x, 1)), pdf.number(round(point[1], 1)))

    def _moveTo(self, point) -> None:
        self.ops.append(self._point(point) + b" m")

    def _lineTo(self, point) -> None:
        self.ops.append(self._point(point) + b" l")

    def _curveToOne(self, first, second, end) -> None:
        self.ops.append(b"%s %s %s c" % (self._point(first), self._point(second), self._point(end)))

    def _closePath(self) -> None:
        self.ops.append(b"h")


class Lettering:
    """Words as paths: the outlines of one font's glyphs, in font units."""

    def __init__(self, face: FontFace):
        font = open_font(face.path)
        self.glyph_set = font.getGlyphSet()
        self.cmap = font.getBestCmap()
        self.units_per_em = font["head"].unitsPerEm
        os2 = font.get("OS/2")
        self.cap_height = getattr(os2, "sCapHeight", 0) or 0.7 * self.units_per_em
        self._outlines: dict[str, tuple[bytes, float]] = {}

    def outline(self, text: str) -> tuple[bytes, float]:
        """The path of ``text`` set from x = 0 on the baseline, and its advance, in font units.
        A character the font lacks is left out."""
        if text not in self._outlines:
            x = 0.0
            ops: list[bytes] = []
            for char in text:
                name = self.cmap.get(ord(char))
                if name is None:
                    continue
                pen = _PdfPathPen(self.glyph_set, x)
                self.glyph_set[name].draw(pen)
                ops.extend(pen.ops)
                x += self.glyph_set[name].width
            self._outlines[text] = (b"\n".join(ops) + b"\n", x)
        return self._outlines[text]


def lettering_face(layout: Layout) -> FontFace:
    """The layout's first bold upright face, else its first face: what proof words are set in."""
    faces = sorted(layout.fonts.values(), key=lambda face: (not face.bold, face.italic, face.family))
    return faces[0]


@dataclass
class ProofMarks:
    """What a proof draws over every page, prepared once per run."""

    margin_pt: float  # from the media box's edge to the trim
    trim_height_pt: float
    sheet: bytes  # guides and watermark: the same on every page, in trim space
    frame_lettering: Lettering | None  # set when frames are outlined and named


def prepare_proof_marks(layout: Layout, document: PreparedDocument, frame_outlines: bool = False) -> ProofMarks:
    lettering = Lettering(lettering_face(layout))
    width, height = mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm)
    sheet = _guide_ops(width, height, mm_to_pt(layout.bleed_mm), mm_to_pt(layout.safe_mm)) + _watermark_ops(
        width, height, lettering
    )
    return ProofMarks(document.margin_pt, height, sheet, lettering if frame_outlines else None)


def add_proof_marks(pages: WardPages, leaflet: LaidOutLeaflet, marks: ProofMarks) -> WardPages:
    """The ward's pages with the proof's marks drawn over them."""
    n = pdf.number
    contents = []
    for content, page in zip(pages.contents, leaflet.pages, strict=True):
        ops = [zlib.decompress(content), b"q 1 0 0 1 %s %s cm\n" % (n(marks.margin_pt), n(marks.margin_pt))]
        if marks.frame_lettering:
            ops.extend(
                _frame_outline_ops(frame.name, frame.box, marks.trim_height_pt, marks.frame_lettering)
                for frame in page.frames
            )
        ops.append(marks.sheet)
        ops.append(b"Q\n")
        contents.append(zlib.compress(b"".join(ops), 6))
    return replace(pages, title=f"PROOF - {pages.title}", contents=tuple(contents))


def _rect(x: float, y: float, width: float, height: float) -> bytes:
    n = pdf.number
    return b"%s %s %s %s re" % (n(round(x, 3)), n(round(y, 3)), n(round(width, 3)), n(round(height, 3)))


def _guide_ops(width: float, height: float, bleed: float, safe: float) -> bytes:
    """Trim (solid), bleed (long dashes, just inside the bleed edge) and safe area (short dashes)."""
    half = GUIDE_WIDTH_PT / 2
    return b"".join(
        [
            b"q %s K %s w 0 J 0 j [] 0 d\n" % (GUIDE_INK, pdf.number(GUIDE_WIDTH_PT)),
            _rect(0, 0, width, height) + b" S\n",
            BLEED_DASH
            + b" "
            + _rect(
                -bleed + half, -bleed + half, width + 2 * bleed - GUIDE_WIDTH_PT, height + 2 * bleed - GUIDE_WIDTH_PT
            )
            + b" S\n",
            SAFE_DASH + b" " + _rect(safe, safe, width - 2 * safe, height - 2 * safe) + b" S\n",
            b"Q\n",
        ]
    )


def watermark_size_pt(width: float, height: float, lettering: Lettering) -> float:
    """The watermark's size: it runs along the trim's diagonal over ``WATERMARK_OF_DIAGONAL`` of it."""
    _, advance = lettering.outline(WATERMARK)
    return WATERMARK_OF_DIAGONAL * math.hypot(width, height) * lettering.units_per_em / advance


def _watermark_ops(width: float, height: float, lettering: Lettering) -> bytes:
    """Outlined capitals along the diagonal from bottom left to top right, centred on the trim."""
    path, advance = lettering.outline(WATERMARK)
    scale = watermark_size_pt(width, height, lettering) / lettering.units_per_em
    angle = math.atan2(height, width)
    cos, sin = round(math.cos(angle) * scale, 6), round(math.sin(angle) * scale, 6)
    n = pdf.number
    return b"".join(
        [
            b"q %s %s %s %s %s %s cm\n"
            % (n(cos), n(sin), n(-sin), n(cos), n(round(width / 2, 3)), n(round(height / 2, 3))),
            b"1 0 0 1 %s %s cm\n" % (n(round(-advance / 2, 1)), n(round(-lettering.cap_height / 2, 1))),
            b"%s K %s w 1 j [] 0 d\n" % (WATERMARK_INK, n(round(WATERMARK_STROKE_PT / scale, 2))),
            path,
            b"S Q\n",
        ]
    )


def _frame_outline_ops(name: str, box: BoxPt, trim_height: float, lettering: Lettering) -> bytes:
    """A frame's box in thin cyan, its name small inside its top-left corner."""
    n = pdf.number
    scale = FRAME_LABEL_SIZE_PT / lettering.units_per_em
    path, _ = lettering.outline(name)
    left = max(box.x, 0) + 1.5
    baseline = min(box.top, trim_height) - 1.5 - FRAME_LABEL_SIZE_PT * 0.75
    return b"".join(
        [
            b"q %s K %s w [] 0 d " % (FRAME_INK, n(FRAME_WIDTH_PT)),
            _rect(box.x, box.y, box.width, box.height),
            b" S %s k %s 0 0 %s %s %s cm\n"
            % (FRAME_INK, n(round(scale, 6)), n(round(scale, 6)), n(round(left, 3)), n(round(baseline, 3))),
            path,
            b"f Q\n",
        ]
    )
