"""A page rendered before + its laid-out frames then and now -> the page rendered again only in the
band of rows where its frames changed, pasted into the earlier render: the print file's own page,
as a whole-page render draws it (the band runs the page's full width and a few pixels beyond what
changed, so no edge of it cuts through a glyph), in a fraction of the time when the photos, whose
decoding is most of a render, lie outside the band.  An organiser editing the local text repaints
that box's rows; a page whose frames did not change is the earlier render; a new photo, a band
over half the page or a page never rendered is rendered whole.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import assert_never

from PIL import Image

from leaflet.model import FilledBox, LaidOutFrame, Layout, PlacedImage, PlacedQr, TextLine, mm_to_pt
from leaflet.runs.raster import render_band, render_pages

BAND_MARGIN_PX = 6  # rows beyond what changed: an edge of the band never cuts what changed
MAX_BAND = 0.5  # of the page's height: a larger change renders the whole page
KEPT_PAGES = 40  # earlier renders kept, by ward and page (about 2 MB each at 110 dpi): 20 wards
ASCENT, DESCENT = 1.3, 0.5  # of a line's largest size, above and below its baseline: room for any accent


def _extent(frame: LaidOutFrame) -> tuple[float, float]:
    """The lowest and highest point (trim space, points) that the frame draws or covers."""
    low, high = frame.box.y, frame.box.top
    for item in frame.items:
        match item:
            case TextLine():
                size = max((run.size_pt for run in item.runs), default=0.0)
                low, high = min(low, item.baseline_pt - DESCENT * size), max(high, item.baseline_pt + ASCENT * size)
            case FilledBox():
                low, high = min(low, item.box.y - item.stroke_pt), max(high, item.box.top + item.stroke_pt)
            case PlacedImage():
                low, high = min(low, item.clip.y), max(high, item.clip.top)
            case PlacedQr():
                low, high = min(low, item.y_pt), max(high, item.y_pt + item.size_pt)
            case _:
                assert_never(item)
    return low, high


def changed_rows(
    before: tuple[LaidOutFrame, ...],
    after: tuple[LaidOutFrame, ...],
    media_height_pt: float,
    bleed_pt: float,
    dpi: float,
) -> tuple[int, int] | None:
    """The rows (top, bottom) of a page rendered at ``dpi`` in which its frames ``before`` and
    ``after`` differ; None when none does."""
    old, new = {frame.name: frame for frame in before}, {frame.name: frame for frame in after}
    changed = [
        frame
        for name in old.keys() | new.keys()
        if old.get(name) != new.get(name)
        for frame in (old.get(name), new.get(name))
        if frame is not None
    ]
    if not changed:
        return None
    extents = [_extent(frame) for frame in changed]
    scale = dpi / 72
    top = math.floor((media_height_pt - bleed_pt - max(high for _, high in extents)) * scale) - BAND_MARGIN_PX
    bottom = math.ceil((media_height_pt - bleed_pt - min(low for low, _ in extents)) * scale) + BAND_MARGIN_PX
    return max(top, 0), bottom


@dataclass
class _Render:
    key: bytes  # what else the render depends on: the run, the ward's own photos, the resolution
    frames: tuple[LaidOutFrame, ...]
    image: Image.Image


class Repaints:
    """The last render of each ward's pages, to render the next one only where it changed."""

    def __init__(self) -> None:
        self._renders: OrderedDict[tuple[str, int], _Render] = OrderedDict()
        self.repainted = 0  # pages rendered in a band, not whole (for the tests and the bench)

    def render(
        self,
        data: bytes,
        dpi: float,
        ward: str,
        index: int,
        key: bytes,
        frames: tuple[LaidOutFrame, ...],
        layout: Layout,
    ) -> Image.Image:
        """Page ``index`` of the print file ``data`` at ``dpi``: repainted where its ``frames``
        changed since the ward's last render with the same ``key``, else rendered whole."""
        earlier = self._renders.get((ward, index))
        image = None
        if earlier is not None and earlier.key == key:
            bleed_pt = mm_to_pt(layout.bleed_mm)
            media_height_pt = mm_to_pt(layout.trim_height_mm) + 2 * bleed_pt
            rows = changed_rows(earlier.frames, frames, media_height_pt, bleed_pt, dpi)
            if rows is None:  # the same frames, run and photos: the same page
                image = earlier.image
            elif rows[1] - rows[0] <= MAX_BAND * earlier.image.height:
                band = render_band(data, dpi, index, *rows)
                if band is not None and band.width == earlier.image.width:
                    image = earlier.image.copy()
                    image.paste(band, (0, rows[0]))
                    self.repainted += 1
        if image is None:
            (image,) = render_pages(data, dpi, [index])
        self._renders[(ward, index)] = _Render(key, frames, image)
        self._renders.move_to_end((ward, index))
        while len(self._renders) > KEPT_PAGES:
            self._renders.popitem(last=False)
        return image

    def last(self, ward: str, index: int) -> Image.Image | None:
        """The ward's page as last rendered."""
        found = self._renders.get((ward, index))
        return found.image if found else None
