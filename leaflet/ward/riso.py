"""A layout and one ward's laid-out pages -> the same pages as the office's Riso prints them: the
layout's Riso variant (its changed frames and styles) laid out as usual, then everything that
bleeds in the press layout clipped to the page's artwork area, since nothing on a Riso bleeds.

Layout never draws: this is still layout, before any drum is separated.  A frame shared by every
ward of the run is clipped once and the same clipped frame handed out for every ward.
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from leaflet.model import (
    BoxPt,
    Cmyk,
    FilledBox,
    Imprint,
    Item,
    LaidOutFrame,
    LaidOutLeaflet,
    LaidOutPage,
    Layout,
    PlacedImage,
    PlacedQr,
    RisoSpec,
    TextLine,
    mm_to_pt,
)
from leaflet.ward.imposition import PageAreas, SheetPlan, intersect

_EPSILON = 0.05  # points


def riso_layout(layout: Layout) -> Layout:
    """The layout as the Riso prints it: its Riso pages and styles in place of the press ones."""
    assert layout.riso is not None
    return replace(layout, pages=layout.riso.pages, styles=layout.riso.styles)


def office_imprint(imprint: Imprint, office_printer: str) -> Imprint:
    """The imprint of office output names the office as the printer: it prints the leaflet."""
    return replace(imprint, printer=office_printer)  # in the words of the leaflet's language


class RisoClipper:
    """Clips the run's laid-out pages to their artwork areas, remembering shared frames."""

    def __init__(self, layout: Layout, plan: SheetPlan):
        assert layout.riso is not None
        self.riso: RisoSpec = layout.riso
        self.areas = plan.areas
        self.trim = BoxPt(0, 0, mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm))
        self._shared: dict[int, tuple[LaidOutFrame, LaidOutFrame]] = {}  # id -> (frame, clipped); keeps ids valid

    def clip(self, leaflet: LaidOutLeaflet) -> LaidOutLeaflet:
        pages = tuple(
            LaidOutPage(page.name, tuple(self._frame(frame, self.areas[index]) for frame in page.frames))
            for index, page in enumerate(leaflet.pages)
        )
        return replace(leaflet, pages=pages)

    def _frame(self, frame: LaidOutFrame, areas: PageAreas) -> LaidOutFrame:
        if frame.static:
            cached = self._shared.get(id(frame))
            if cached is None:
                cached = self._shared[id(frame)] = (frame, self._clip_frame(frame, areas))
            return cached[1]
        return self._clip_frame(frame, areas)

    def _clip_frame(self, frame: LaidOutFrame, areas: PageAreas) -> LaidOutFrame:
        items: list[Item] = []
        changed = False
        for item in frame.items:
            clipped = self._item(item, areas)
            changed = changed or clipped is not item
            if clipped is not None:
                items.append(clipped)
        if not changed:
            return frame
        box = intersect(frame.box, areas.artwork) if self.bleeds(frame.box) else frame.box
        return replace(frame, box=box, items=tuple(items))

    def _item(self, item: Item, areas: PageAreas) -> Item | None:
        """The item within its area if it bleeds (None if nothing is left of it), else itself."""
        match item:
            case FilledBox():
                if not self.bleeds(item.box):
                    return item
                area = areas.saturated_artwork if self.saturated(item.fill) else areas.artwork
                box = intersect(item.box, area)
                return replace(item, box=box) if box.width > 0 and box.height > 0 else None
            case PlacedImage():
                if not self.bleeds(item.clip):
                    return item
                clip = intersect(item.clip, areas.artwork)
                return replace(item, clip=clip) if clip.width > 0 and clip.height > 0 else None
            case TextLine() | PlacedQr():
                return item  # text and codes keep to the safe area; preflight says if they do not
            case _:
                assert_never(item)

    def bleeds(self, box: BoxPt) -> bool:
        trim = self.trim
        return (
            box.x < trim.x - _EPSILON
            or box.y < trim.y - _EPSILON
            or box.right > trim.right + _EPSILON
            or box.top > trim.top + _EPSILON
        )

    def saturated(self, colour: Cmyk | None) -> bool:
        if colour is None:
            return False
        ink = self.riso.ink(colour)
        return ink.drum is not None and ink.tint * 100 >= self.riso.saturated_percent - 1e-9
