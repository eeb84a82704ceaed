"""A photo placed on a page -> its image for one Riso drum: greyscale, its darkest tone capped so
that no photo prints as a solid, and either screened into round dots at the drum's line screen
(drawn on the master's own grid, so the machine copies the dots as they are) or left grey for
the machine's own screening.  Done once per run for a photo every ward shows.
"""

from __future__ import annotations

import io
import math
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from PIL import Image, ImageChops, ImageCms, ImageOps

from leaflet.assets.images import ImageSource
from leaflet.errors import InputError
from leaflet.model import BoxPt, RisoPhotos

SCREEN_ANGLE = 45  # degrees: the angle the eye notices least, for a photo on one drum
GREY_MAX_PPI = 300  # a grey photo the machine screens needs no more
GREY_JPEG_QUALITY = 85


@dataclass(frozen=True)
class DrumImage:
    """Image data to embed in a drum's file: DeviceGray (0 = full ink), placed at ``placed``."""

    data: bytes
    width_px: int
    height_px: int
    bits: Literal[1, 8]
    filter: Literal["FlateDecode", "DCTDecode"]
    placed: BoxPt  # where these pixels go, trim space: the part of the photo the frame shows
    lpi: float | None  # the screen's actual lines per inch on the master's grid; None when grey


def screen_cell_px(photos: RisoPhotos) -> int:
    """Half the side of the square tile a 45 degree screen repeats in, in master pixels: the
    screen's actual ruling is ``dpi / (cell * sqrt 2)``, the nearest the grid allows."""
    return max(2, round(photos.dpi / photos.lpi / math.sqrt(2)))


def actual_lpi(photos: RisoPhotos) -> float:
    return photos.dpi / (screen_cell_px(photos) * math.sqrt(2))


@lru_cache(maxsize=64)
def drum_image(source: ImageSource, placed: BoxPt, clip: BoxPt, photos: RisoPhotos) -> DrumImage:
    """The part of the photo ``clip`` shows of it ``placed`` there, ready for the photos' drum."""
    grey = _greyscale(source)
    px_per_pt = source.width_px / placed.width
    box = (  # the pixels the clip shows, rounded outwards (but not for a float's last digit)
        max(0, math.floor((clip.x - placed.x) * px_per_pt + 1e-6)),
        max(0, math.floor((placed.top - clip.top) * px_per_pt + 1e-6)),
        min(source.width_px, math.ceil((clip.right - placed.x) * px_per_pt - 1e-6)),
        min(source.height_px, math.ceil((placed.top - clip.y) * px_per_pt - 1e-6)),
    )
    if box[2] <= box[0] or box[3] <= box[1]:  # less than a pixel shows: keep the one it falls in
        x, y = min(box[0], source.width_px - 1), min(box[1], source.height_px - 1)
        box = (x, y, x + 1, y + 1)
    shown = BoxPt(
        placed.x + box[0] / px_per_pt,
        placed.top - box[3] / px_per_pt,
        (box[2] - box[0]) / px_per_pt,
        (box[3] - box[1]) / px_per_pt,
    )
    grey = grey.crop(box)
    # ink 0..255, capped: the darkest shadow prints at max_tint of full ink
    ink = ImageChops.invert(grey).point(lambda value: round(value * photos.max_tint))
    if photos.screen == "grey":
        scale = min(1.0, GREY_MAX_PPI / (px_per_pt * 72))
        size = (max(1, round(ink.width * scale)), max(1, round(ink.height * scale)))
        buffer = io.BytesIO()
        ImageChops.invert(ink.resize(size, Image.Resampling.LANCZOS)).save(buffer, "JPEG", quality=GREY_JPEG_QUALITY)
        return DrumImage(buffer.getvalue(), size[0], size[1], 8, "DCTDecode", shown, None)
    size = (max(1, round(shown.width / 72 * photos.dpi)), max(1, round(shown.height / 72 * photos.dpi)))
    ink = ink.resize(size, Image.Resampling.LANCZOS)
    dots = ImageChops.subtract(ink, _thresholds(screen_cell_px(photos), size)).point(
        lambda value: 0 if value else 255, "1"
    )  # black (0) where the ink is above the screen's threshold: a dot
    return DrumImage(zlib.compress(dots.tobytes(), 6), size[0], size[1], 1, "FlateDecode", shown, actual_lpi(photos))


@lru_cache(maxsize=16)
def _greyscale(source: ImageSource) -> Image.Image:
    """The photo upright, on white where it is transparent, as sRGB lightness."""
    try:  # read_image_source opened it already: what is left to fail is the pixel data
        opened = Image.open(source.path)
        opened.load()
    except OSError as error:
        raise InputError(source.path, None, f"image data is damaged ({error})", "export the photo again") from None
    icc = opened.info.get("icc_profile")
    image = ImageOps.exif_transpose(opened)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        flat = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if image.mode in ("1", "L", "I", "I;16", "F"):
        return image.convert("L")
    image = image.convert("RGB")
    if icc and icc[16:20] == b"RGB ":
        try:
            transform = ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(icc)), _srgb(), "RGB", "RGB")
            converted = ImageCms.applyTransform(image, transform)
            image = converted if converted is not None else image
        except ImageCms.PyCMSError:
            pass  # a profile that cannot be used: its numbers are taken as sRGB, as a browser would
    return image.convert("L")


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@lru_cache(maxsize=8)
def _thresholds(cell: int, size: tuple[int, int]) -> Image.Image:
    """The screen's threshold for every pixel of an image ``size`` large: a tile of 2 x ``cell``
    pixels a side holding two round dots of a 45 degree screen, repeated."""
    side = 2 * cell
    spots = []
    for y in range(side):
        for x in range(side):
            # position within the dot's cell, along the screen's two axes, -0.5..0.5
            u = ((x + 0.5 + y + 0.5) / side) % 1 - 0.5
            v = ((y + 0.5 - x - 0.5) / side) % 1 - 0.5
            spots.append((u * u + v * v, y * side + x))  # a dot grows from the cell's middle
    order = sorted(range(len(spots)), key=lambda index: spots[index])
    levels = [0] * len(spots)
    for rank, index in enumerate(order):
        levels[spots[index][1]] = min(254, int((rank + 0.5) / len(spots) * 255))
    tile = Image.new("L", (side, side))
    tile.putdata(levels)
    row = Image.new("L", (size[0] + side, side))
    for x in range(0, size[0] + side, side):
        row.paste(tile, (x, 0))
    full = Image.new("L", (size[0] + side, size[1] + side))
    for y in range(0, size[1] + side, side):
        full.paste(row, (0, y))
    return full.crop((0, 0, *size))
