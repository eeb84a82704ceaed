"""Laid-out items -> content stream operators: rectangles, photos, QR codes and shaped text, and
black's overprint around them (shared by the press files and the Riso masters).

What to draw is decided by the caller (``draw.py``, ``riso.py``); these functions only write it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from leaflet.model import BoxPt, Cmyk, PlacedQr, TextLine
from leaflet.write import pdf
from leaflet.write.glyphs import actual_text, show_glyphs
from leaflet.write.pdffont import FontSource

THIN_RULE_PT = 2.0  # a 100% K line (or fill) at most this wide overprints, as 100% K text does
OVERPRINT, KNOCKOUT = "GSop", "GSko"  # the graphics states that turn overprint on and off
_SHOWN_KEPT = 4096  # runs whose operators are remembered: a line every ward sets is encoded once


class OwnFonts(Protocol):
    """Where a run with glyphs beyond its face's shared subset is drawn from: a ward's own subset."""

    def font_for(self, face: str, glyphs: Iterable[int]) -> str: ...


@dataclass(frozen=True)
class DrawnFace:
    """A face as content streams use it: the resource name of the run's shared subset of it
    (None when the campaign needs none of its glyphs) and the glyphs that subset holds; a run
    with a glyph beyond them is drawn from the ward's own subset of the face."""

    source: FontSource
    name: str | None
    shared: frozenset[int]


def rect_ops(box: BoxPt, *more: BoxPt) -> bytes:
    """Rectangles as one path; each one's edges rounded (not its size), so that boxes whose edges
    meet in the layout meet in the file."""
    n = pdf.number
    out = []
    for each in (box, *more):
        left, bottom = round(each.x, 3), round(each.y, 3)
        width, height = round(round(each.right, 3) - left, 3), round(round(each.top, 3) - bottom, 3)
        out.append(b"%s %s %s %s re" % (n(left), n(bottom), n(width), n(height)))
    return b" ".join(out)


def overprints(colour: Cmyk) -> bool:
    """100% black and nothing else: the one colour that overprints (when the layout says so)."""
    return colour.spot is None and colour.c == colour.m == colour.y == 0 and colour.k == 1


def overprinted(ops: bytes) -> bytes:
    return b"/%s gs %s/%s gs\n" % (OVERPRINT.encode("ascii"), ops, KNOCKOUT.encode("ascii"))


def text_ops(
    line: TextLine,
    fonts: dict[str, DrawnFace],
    colour: Callable[[Cmyk], bytes],
    ward: OwnFonts | None = None,
    shown_glyphs: dict[tuple, bytes] | None = None,
    overprint_black: bool = False,
) -> bytes:
    """A line's text operators: ``fonts`` by face key, ``colour`` the operator that sets a run's
    fill colour (a CMYK colour, or a Riso drum's grey); a run with glyphs beyond its face's
    shared subset is drawn from the ``ward``'s own.  ``shown_glyphs`` remembers runs' operators.
    With ``overprint_black``, 100% K runs overprint (the state set back after them)."""
    n = pdf.number
    ops = [b"BT\n"]
    overprinting = False
    baseline = n(round(line.baseline_pt, 3))
    for run in line.runs:
        face = fonts[run.font]
        name = face.name
        if name is None or not face.shared.issuperset(run.glyphs):
            assert ward is not None, "a shared frame's glyphs are all in the shared subsets"
            name = ward.font_for(run.font, run.glyphs)
        if overprint_black and overprints(run.colour) != overprinting:
            overprinting = not overprinting
            ops.append(b"/%s gs " % (OVERPRINT if overprinting else KNOCKOUT).encode("ascii"))
        ops.append(
            b"/%s %s Tf %s 1 0 0 1 %s %s Tm "
            % (
                name.encode("ascii"),
                n(round(run.size_pt, 3)),
                colour(run.colour),
                n(round(run.x_pt, 3)),
                baseline,
            )
        )
        key = (run.font, run.text, run.glyphs, run.advances, run.offsets)  # a line many wards set alike
        shown = shown_glyphs.get(key) if shown_glyphs is not None else None
        if shown is None:
            shown = show_glyphs(run, face.source.widths)
            actual = actual_text(run, face.source.to_unicode)
            if actual is not None:
                shown = b"/Span <</ActualText %s>> BDC %sEMC\n" % (actual, shown)
            if shown_glyphs is not None:
                if len(shown_glyphs) >= _SHOWN_KEPT:
                    shown_glyphs.clear()
                shown_glyphs[key] = shown
        ops.append(shown)
    ops.append(b"ET\n")
    if overprinting:
        ops.append(b"/%s gs\n" % KNOCKOUT.encode("ascii"))
    return b"".join(ops)


def image_ops(clip: BoxPt, placed: BoxPt, name: str, underlaps: tuple[BoxPt, ...] = ()) -> bytes:
    """An image XObject drawn at ``placed`` (its pixels' extent) within ``clip`` and its
    ``underlaps``."""
    n = pdf.number
    return b"q %s W n %s 0 0 %s %s %s cm /%s Do Q\n" % (
        rect_ops(clip, *underlaps),
        n(round(placed.width, 4)),
        n(round(placed.height, 4)),
        n(round(placed.x, 4)),
        n(round(placed.y, 4)),
        name.encode("ascii"),
    )


def qr_ops(qr: PlacedQr, colour: bytes = b"0 0 0 1 k") -> bytes:
    """Dark modules as rectangles, one per horizontal run, in module units (integers) under a
    scaling transform: exact edges, and quick to write.  ``colour``: the operator for the dark
    modules (100% K; the Riso writer's drum ink)."""
    n = pdf.number
    module = qr.module_pt
    count = len(qr.modules)
    left = qr.x_pt + qr.quiet_modules * module
    bottom = qr.y_pt + qr.quiet_modules * module
    ops = [
        b"q %s 0 0 %s %s %s cm %s\n"
        % (n(round(module, 5)), n(round(module, 5)), n(round(left, 4)), n(round(bottom, 4)), colour)
    ]
    for row_index, row in enumerate(qr.modules):
        y = b" %d " % (count - 1 - row_index)
        x = 0
        for dark in row.split("0"):  # runs of dark modules, each with the light module after it
            if dark:
                ops.append(b"%d%s%d 1 re\n" % (x, y, len(dark)))
            x += len(dark) + 1
    ops.append(b"f Q\n")
    return b"".join(ops)
