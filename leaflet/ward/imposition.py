"""A layout's Riso sheet -> where its pages sit on the sheet 2-up, how the sheet is turned for the
back, the cut line and its marks, and each page's printable area in its own trim space.

Geometry only, in points.  The sheet is seen as its master is: its top edge feeds first.  A
two-page leaflet goes front and back side by side on one side of the sheet; the printed stack is
turned over and run through again with the same master, so each half of the sheet gets the front
on one side and the back on the other (work-and-turn: turned side to side, same leading edge, for
a long-edge feed; work-and-tumble, end over end, for a short-edge feed, where the pages lie
rotated one above the other).  Either way one master per drum prints both sides.  A one-page
leaflet prints twice on one side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from leaflet.model import BoxPt, Layout, RisoSpec, mm_to_pt

Matrix = tuple[float, float, float, float, float, float]  # PDF's a b c d e f: page trim space -> sheet
Method = Literal["work-and-turn", "work-and-tumble", "one-sided"]
CUT_MARK_MM = 4.0  # each mark's length along the cut line ...
CUT_MARK_INSET_MM = 0.5  # ... from just inside the printable area's edge
CUT_MARK_PT = 0.3


@dataclass(frozen=True)
class Placement:
    page: int  # index into the layout's pages
    matrix: Matrix
    trim: BoxPt  # where the page's trim lands on the sheet


@dataclass(frozen=True)
class PageAreas:
    """Where a page may print, in its trim space: what the machine can reach (``printable``, and
    ``saturated_printable`` further in for saturated fills), and what artwork that bleeds in the
    press layout is clipped to (``artwork``: the trim less the Riso margin, within reach; and
    ``saturated_artwork`` for saturated fills)."""

    printable: BoxPt
    saturated_printable: BoxPt
    artwork: BoxPt
    saturated_artwork: BoxPt


@dataclass(frozen=True)
class SheetPlan:
    width_pt: float
    height_pt: float
    method: Method
    placements: tuple[Placement, ...]  # side A; side B is side A again, turned
    printable: BoxPt  # on the sheet
    cut: tuple[tuple[float, float], tuple[float, float]]  # the cut line's two ends on the sheet
    cut_marks: tuple[tuple[tuple[float, float], tuple[float, float]], ...]  # on the cut line, outside the artwork
    areas: tuple[PageAreas, ...]  # by page index

    @property
    def sides(self) -> int:
        """Sheet sides each sheet goes through the machine for."""
        return 1 if self.method == "one-sided" else 2


def sheet_plan(layout: Layout) -> SheetPlan:
    assert layout.riso is not None, "a layout without a riso section has no Riso sheet"
    riso = layout.riso
    short, long = (mm_to_pt(side) for side in riso.sheet.size_mm)
    trim_w, trim_h = mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm)
    pages = [0, 0] if len(layout.pages) == 1 else [0, 1]
    method: Method = "one-sided" if len(layout.pages) == 1 else "work-and-turn"
    placements = []
    if riso.sheet.feed == "long_edge":  # landscape: halves left and right, pages upright
        width, height = long, short
        for half, page in enumerate(pages):
            x, y = half * width / 2 + (width / 2 - trim_w) / 2, (height - trim_h) / 2
            placements.append(Placement(page, (1, 0, 0, 1, x, y), BoxPt(x, y, trim_w, trim_h)))
        cut = ((width / 2, 0.0), (width / 2, height))
    else:  # portrait: halves above and below, pages turned a quarter anticlockwise (their top to the left)
        width, height = short, long
        method = "one-sided" if len(layout.pages) == 1 else "work-and-tumble"
        for half, page in enumerate(pages):
            x = (width - trim_h) / 2
            y = (1 - half) * height / 2 + (height / 2 - trim_w) / 2
            placements.append(Placement(page, (0, 1, -1, 0, x + trim_h, y), BoxPt(x, y, trim_h, trim_w)))
        cut = ((0.0, height / 2), (width, height / 2))
    sheet = riso.sheet
    sides, leading, trailing = (mm_to_pt(v) for v in (sheet.sides_mm, sheet.leading_mm, sheet.trailing_mm))
    printable = BoxPt(sides, trailing, width - 2 * sides, height - leading - trailing)
    return SheetPlan(
        width,
        height,
        method,
        tuple(placements),
        printable,
        cut,
        _cut_marks(cut, printable),
        tuple(_page_areas(riso, placements, index, printable, trim_w, trim_h) for index in range(len(layout.pages))),
    )


def _cut_marks(cut, printable: BoxPt):
    (x0, y0), (x1, _) = cut
    inset, end = mm_to_pt(CUT_MARK_INSET_MM), mm_to_pt(CUT_MARK_INSET_MM + CUT_MARK_MM)
    if x0 == x1:  # a vertical cut: marks at the top and bottom of the printable area
        top, bottom = printable.top, printable.y
        return (((x0, top - inset), (x0, top - end)), ((x0, bottom + inset), (x0, bottom + end)))
    left, right = printable.x, printable.right
    return (((left + inset, y0), (left + end, y0)), ((right - inset, y0), (right - end, y0)))


def _page_areas(
    riso: RisoSpec, placements: list[Placement], page: int, printable: BoxPt, trim_w: float, trim_h: float
) -> PageAreas:
    """The page's areas in its own trim space; a page placed twice keeps within both places'."""
    inset = mm_to_pt(riso.saturated_inset_mm)
    saturated = BoxPt(
        printable.x + inset, printable.y + inset, printable.width - 2 * inset, printable.height - 2 * inset
    )
    margin = mm_to_pt(riso.margin_mm)
    inner = BoxPt(margin, margin, trim_w - 2 * margin, trim_h - 2 * margin)
    reach = [to_page(placement.matrix, printable) for placement in placements if placement.page == page]
    solid = [to_page(placement.matrix, saturated) for placement in placements if placement.page == page]
    on_page, solid_on_page = intersect_all(reach), intersect_all(solid)
    return PageAreas(on_page, solid_on_page, intersect(inner, on_page), intersect(inner, solid_on_page))


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def to_sheet(matrix: Matrix, box: BoxPt) -> BoxPt:
    """A box in a page's trim space, on the sheet (quarter turns keep boxes boxes)."""
    corners = [apply(matrix, x, y) for x, y in ((box.x, box.y), (box.right, box.top))]
    xs, ys = sorted(x for x, _ in corners), sorted(y for _, y in corners)
    return BoxPt(xs[0], ys[0], xs[1] - xs[0], ys[1] - ys[0])


def to_page(matrix: Matrix, box: BoxPt) -> BoxPt:
    """A box on the sheet, in the page's trim space."""
    a, b, c, d, e, f = matrix
    determinant = a * d - b * c
    inverse = (d / determinant, -b / determinant, -c / determinant, a / determinant)
    ia, ib, ic, id_ = inverse
    return to_sheet((ia, ib, ic, id_, -(ia * e + ic * f), -(ib * e + id_ * f)), box)


def intersect(one: BoxPt, other: BoxPt) -> BoxPt:
    """The overlap of two boxes; an empty one (zero width or height) where they do not meet."""
    x, y = max(one.x, other.x), max(one.y, other.y)
    right, top = min(one.right, other.right), min(one.top, other.top)
    return BoxPt(x, y, max(0.0, right - x), max(0.0, top - y))


def intersect_all(boxes: list[BoxPt]) -> BoxPt:
    result = boxes[0]
    for box in boxes[1:]:
        result = intersect(result, box)
    return result
