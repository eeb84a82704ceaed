"""PDF bytes -> page images rendered with PDFium, and two renders of a page -> the regions
where they differ, boxed: what proofs and the organisers' and reviewers' pages show.

PDFium is not thread-safe: every render here holds ``RENDER_LOCK``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from PIL import Image, ImageChops, ImageDraw

CHANGE_THRESHOLD = 40  # of 255, on any channel: less is anti-aliasing, not a change
CHANGE_CELL_PX = 12  # changed pixels are grouped into regions on a grid of this size
CHANGE_MARGIN_PX = 6  # around each region's box
RENDER_LOCK = threading.RLock()


def render_pages(data: bytes, dpi: float, pages: Iterable[int] | None = None) -> list[Image.Image]:
    """Every page of a PDF (or those numbered in ``pages``, from 0), media box and all, as RGB
    images (PDFium)."""
    import pypdfium2  # imported when first needed: a build never renders (its peak memory stays lower)

    with RENDER_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            chosen = range(len(document)) if pages is None else pages
            return [document[index].render(scale=dpi / 72).to_pil().convert("RGB") for index in chosen]
        finally:
            document.close()


def render_band(data: bytes, dpi: float, index: int, top_px: int, bottom_px: int) -> Image.Image | None:
    """Rows ``top_px`` to ``bottom_px`` of a page, the page's full width, rendered at ``dpi`` as a
    render of the whole page draws them (the same transform, shifted by whole pixels); None when
    PDFium would not give exactly those rows."""
    import pypdfium2

    with RENDER_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[index]
            scale = dpi / 72
            height_px = math.ceil(page.get_height() * scale)
            # pypdfium2 cuts ceil(points * scale) pixels: half a pixel short of a whole one cuts it exactly
            top = (top_px - 0.5) / scale if top_px > 0 else 0
            bottom = (height_px - bottom_px - 0.5) / scale if bottom_px < height_px else 0
            band = page.render(scale=scale, crop=(0, bottom, 0, top)).to_pil().convert("RGB")
        finally:
            document.close()
    return band if band.height == min(bottom_px, height_px) - max(top_px, 0) else None


def changed_regions(before: Image.Image, after: Image.Image) -> tuple[tuple[int, int, int, int], ...]:
    """Boxes (left, top, right, bottom) around the pixels that differ visibly, each box one
    connected group of grid cells; the whole page when the sizes differ."""
    if before.size != after.size:
        return ((0, 0, *after.size),)
    difference = (
        ImageChops.difference(before, after).convert("L").point(lambda value: 255 if value >= CHANGE_THRESHOLD else 0)
    )
    if difference.getbbox() is None:
        return ()
    columns, rows = -(-after.width // CHANGE_CELL_PX), -(-after.height // CHANGE_CELL_PX)
    cells = difference.resize((columns, rows), Image.Resampling.BOX, reducing_gap=None)
    changed = {(x, y) for y in range(rows) for x in range(columns) if cells.getpixel((x, y))}
    regions = []
    while changed:
        pending = [changed.pop()]
        left, top, right, bottom = pending[0][0], pending[0][1], pending[0][0], pending[0][1]
        while pending:
            x, y = pending.pop()
            left, top, right, bottom = min(left, x), min(top, y), max(right, x), max(bottom, y)
            for neighbour in ((x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                if neighbour in changed:
                    changed.remove(neighbour)
                    pending.append(neighbour)
        margin = CHANGE_MARGIN_PX
        regions.append(
            (
                max(0, left * CHANGE_CELL_PX - margin),
                max(0, top * CHANGE_CELL_PX - margin),
                min(after.width, (right + 1) * CHANGE_CELL_PX + margin),
                min(after.height, (bottom + 1) * CHANGE_CELL_PX + margin),
            )
        )
    return tuple(sorted(regions, key=lambda box: (box[1], box[0])))


def difference_image(after: Image.Image, regions: Iterable[tuple[int, int, int, int]]) -> Image.Image:
    """The new page faded but for the regions that changed, each shown as it is now in a red box."""
    faded = Image.blend(after, Image.new("RGB", after.size, "white"), 0.7)
    draw = ImageDraw.Draw(faded)
    for box in regions:
        faded.paste(after.crop(box), box[:2])
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), outline=(220, 0, 0), width=3)
    return faded
