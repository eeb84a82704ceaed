"""A page's frames -> where each panel or photo meets a frame drawn above it: the strips it is
drawn on under that frame, so the join shows no paper however the edges are rounded or rasterised.

Two frames meet when an edge of one lies on the opposite edge of the other (to a hundredth of a
point) along some length.  Only frames that cover their whole box count: a shape or text frame
with a fill, and a photo that covers its frame (``fit: cover``).  The frame drawn first (lower)
is drawn ``UNDERLAP_PT`` further, under the one drawn after it, along the length they share; the
upper frame hides the strip, so nothing of the design moves.
"""

from __future__ import annotations

from typing import assert_never

from leaflet.model import BoxPt, FlowFrame, Frame, ImageFrame, ImprintFrame, QrFrame, ShapeFrame, TextFrame

UNDERLAP_PT = 0.25  # how far a lower frame runs on under the upper one (the issue allows up to 0.5)
_TOUCHING_PT = 0.01  # edges closer than this meet


def _covers_its_box(frame: Frame) -> bool:
    match frame:
        case ShapeFrame() | TextFrame():
            return frame.fill is not None
        case ImageFrame():
            return frame.fit == "cover"
        case FlowFrame() | QrFrame() | ImprintFrame():
            return False
        case _:
            assert_never(frame)


def page_underlaps(frames: list[tuple[Frame, BoxPt]]) -> dict[str, tuple[BoxPt, ...]]:
    """For each of a page's frames (in drawing order, with their boxes in trim space) that meets
    a frame drawn after it, the strips it is drawn on under that frame; the others left out."""
    areas = [(frame.name, box) for frame, box in frames if _covers_its_box(frame)]
    strips: dict[str, list[BoxPt]] = {}
    for index, (name, lower) in enumerate(areas):
        for _, upper in areas[index + 1 :]:
            strips.setdefault(name, []).extend(underlaps(lower, upper))
    return {name: tuple(found) for name, found in strips.items() if found}


def underlaps(lower: BoxPt, upper: BoxPt) -> list[BoxPt]:
    """The strips of ``upper`` along each edge where ``lower`` meets it, ``UNDERLAP_PT`` deep (or
    as deep as ``upper`` is, if thinner)."""
    found = []
    across = _overlap(lower.x, lower.right, upper.x, upper.right)
    if across > _TOUCHING_PT:
        left, width = max(lower.x, upper.x), across
        depth = min(UNDERLAP_PT, upper.height)
        if abs(lower.top - upper.y) <= _TOUCHING_PT:  # upper sits on lower's top edge
            found.append(BoxPt(left, lower.top, width, depth))
        if abs(lower.y - upper.top) <= _TOUCHING_PT:  # upper hangs from lower's bottom edge
            found.append(BoxPt(left, lower.y - depth, width, depth))
    along = _overlap(lower.y, lower.top, upper.y, upper.top)
    if along > _TOUCHING_PT:
        bottom, height = max(lower.y, upper.y), along
        depth = min(UNDERLAP_PT, upper.width)
        if abs(lower.right - upper.x) <= _TOUCHING_PT:
            found.append(BoxPt(lower.right, bottom, depth, height))
        if abs(lower.x - upper.right) <= _TOUCHING_PT:
            found.append(BoxPt(lower.x - depth, bottom, depth, height))
    return found


def _overlap(low_a: float, high_a: float, low_b: float, high_b: float) -> float:
    return min(high_a, high_b) - max(low_a, low_b)


def grown(box: BoxPt, strips: tuple[BoxPt, ...]) -> BoxPt:
    """The smallest box holding ``box`` and its ``strips``: what a photo must cover."""
    left = min([box.x, *(strip.x for strip in strips)])
    bottom = min([box.y, *(strip.y for strip in strips)])
    right = max([box.right, *(strip.right for strip in strips)])
    top = max([box.top, *(strip.top for strip in strips)])
    return BoxPt(left, bottom, right - left, top - bottom)
