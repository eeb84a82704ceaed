"""Photo files -> their displayed size (for layout) and, once per run, print-ready CMYK JPEG data.

Print data is cropped to what the frame shows, converted from the photo's own ICC profile (sRGB
when it has none) to the press profile, downsampled when it would exceed 450 ppi at its placed
size (to 300 ppi; never upsampled), and written as a plain (non-Adobe, non-inverted) CMYK JPEG so
every PDF reader shows the same colours without a Decode array.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageOps, UnidentifiedImageError

from leaflet.errors import InputError
from leaflet.model import BoxPt

PRESS_PROFILE = Path(__file__).resolve().parent / "icc" / "ISOcoated_v2_300_bas.icc"
PRESS_CONDITION = "FOGRA39"
PRESS_CONDITION_INFO = "Coated FOGRA39 (ISO 12647-2:2004), ISO Coated v2 300% (basICColor)"
DOWNSAMPLE_ABOVE_PPI = 450
TARGET_PPI = 300
JPEG_QUALITY = 85  # 4:4:4, no chroma subsampling: CMYK has no chroma to spare
_MAX_PIXELS = 120_000_000


@dataclass(frozen=True)
class ImageSource:
    path: Path
    width_px: int  # as displayed, after EXIF orientation
    height_px: int


@dataclass(frozen=True)
class PrintImage:
    """A photo ready to embed: DCT-encoded DeviceCMYK pixels for one placement."""

    jpeg: bytes
    width_px: int
    height_px: int
    placed: BoxPt  # where these pixels go (the crop's extent), trim space
    effective_ppi: float  # of the source at its placed size, before any downsampling


@lru_cache(maxsize=256)
def read_image_source(path: Path) -> ImageSource:
    """The photo's displayed size; read once per run however many wards use it."""
    image = _open(path)
    width, height = image.size
    if _orientation(image) in (5, 6, 7, 8):
        width, height = height, width
    return ImageSource(Path(path), width, height)


def _open(path: Path) -> Image.Image:
    try:
        image = Image.open(path)
        if image.width * image.height > _MAX_PIXELS:
            raise InputError(
                path,
                None,
                f"image is {image.width} x {image.height} pixels, too large to place",
                "use an image under 120 megapixels",
            )
        return image
    except FileNotFoundError:
        raise InputError(path, None, "image file not found", "check the path under 'images' in campaign.yaml") from None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise InputError(path, None, f"not a readable image ({error})", "use a JPEG or PNG photo") from None


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (ValueError, TypeError):
        return 1


@lru_cache(maxsize=64)
def prepare_print_image(source: ImageSource, placed: BoxPt, clip: BoxPt) -> PrintImage:
    """The photo cropped to what ``clip`` shows of it ``placed`` there, as press-ready CMYK
    JPEG; done once per run for a photo every ward shows."""
    opened = _open(source.path)
    try:
        opened.load()
    except OSError as error:
        raise InputError(source.path, None, f"image data is damaged ({error})", "export the photo again") from None
    icc = opened.info.get("icc_profile")
    image = ImageOps.exif_transpose(opened)
    px_per_pt = source.width_px / placed.width
    effective_ppi = px_per_pt * 72

    # Crop to the visible part, rounded outwards to whole pixels.
    left = max(0.0, clip.x - placed.x)
    right = min(placed.width, clip.right - placed.x)
    bottom = max(0.0, clip.y - placed.y)
    top = min(placed.height, clip.top - placed.y)
    box = (
        max(0, int(left * px_per_pt)),
        max(0, int((placed.height - top) * px_per_pt)),
        min(source.width_px, -int(-right * px_per_pt)),
        min(source.height_px, -int(-(placed.height - bottom) * px_per_pt)),
    )
    cropped_placed = BoxPt(
        placed.x + box[0] / px_per_pt,
        placed.top - box[3] / px_per_pt,
        (box[2] - box[0]) / px_per_pt,
        (box[3] - box[1]) / px_per_pt,
    )
    whole = box == (0, 0, source.width_px, source.height_px)
    if whole and effective_ppi <= DOWNSAMPLE_ABOVE_PPI and _is_plain_cmyk_jpeg(opened):
        return PrintImage(source.path.read_bytes(), source.width_px, source.height_px, placed, effective_ppi)
    if not whole:
        image = image.crop(box)
    if effective_ppi > DOWNSAMPLE_ABOVE_PPI:
        factor = TARGET_PPI / effective_ppi
        image = image.resize(
            (max(1, round(image.width * factor)), max(1, round(image.height * factor))), Image.Resampling.LANCZOS
        )
    cmyk = _to_press_cmyk(image, icc, source.path)
    # Pillow writes CMYK JPEGs inverted with an Adobe marker; invert first and drop the marker
    # so the file holds plain CMYK that readers take at face value.
    buffer = io.BytesIO()
    ImageChops.invert(cmyk).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return PrintImage(_without_adobe_marker(buffer.getvalue()), cmyk.width, cmyk.height, cropped_placed, effective_ppi)


@lru_cache(maxsize=1)
def _press_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(str(PRESS_PROFILE))


@lru_cache(maxsize=8)
def _transform(source_icc: bytes | None) -> ImageCms.ImageCmsTransform:
    source = ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(source, _press_profile(), "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)


def _to_press_cmyk(image: Image.Image, icc: bytes | None, path: Path) -> Image.Image:
    if image.mode == "CMYK":
        return image
    if image.mode in ("1", "L", "LA", "I", "I;16", "F"):
        grey = image.convert("L")
        black = ImageChops.invert(grey)
        empty = Image.new("L", grey.size, 0)
        return Image.merge("CMYK", (empty, empty, empty, black))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    image = image.convert("RGB")
    try:
        converted = ImageCms.applyTransform(image, _transform(icc if icc and _is_rgb_profile(icc) else None))
    except ImageCms.PyCMSError as error:
        raise InputError(path, None, f"its colour profile cannot be used ({error})", "save the photo as sRGB") from None
    assert converted is not None  # None only when transforming in place
    return converted


def _is_plain_cmyk_jpeg(image: Image.Image) -> bool:
    """Already press-ready: CMYK JPEG data without the Adobe inversion, upright."""
    return image.format == "JPEG" and image.mode == "CMYK" and "adobe" not in image.info and _orientation(image) == 1


def _is_rgb_profile(icc: bytes) -> bool:
    return icc[16:20] == b"RGB "


def _without_adobe_marker(jpeg: bytes) -> bytes:
    """Remove APP14 'Adobe' segments (they tell readers the CMYK data is inverted)."""
    out = bytearray(jpeg[:2])
    position = 2
    while position + 4 <= len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            break
        length = int.from_bytes(jpeg[position + 2 : position + 4], "big")
        segment = jpeg[position : position + 2 + length]
        if not (marker == 0xEE and segment[4:9] == b"Adobe"):
            out += segment
        position += 2 + length
    out += jpeg[position:]
    return bytes(out)
