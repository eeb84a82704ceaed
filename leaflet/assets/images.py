"""Photo files -> their displayed size (for layout) and, once per run, print-ready CMYK JPEG data.

Print data is cropped to what the frame shows, converted from the photo's own ICC profile (sRGB
when it has none) to the press profile, downsampled when it would exceed 450 ppi at its placed
size (to 300 ppi; never upsampled), and written as a plain (non-Adobe, non-inverted) CMYK JPEG so
every PDF reader shows the same colours without a Decode array.
"""

from __future__ import annotations

import io
import math
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

import PIL
from PIL import Image, ImageChops, ImageCms, ImageOps, UnidentifiedImageError, features

from leaflet.assets import cache
from leaflet.errors import InputError
from leaflet.model import BoxPt

PRESS_PROFILE = Path(__file__).resolve().parent / "icc" / "ISOcoated_v2_300_bas.icc"
PRESS_CONDITION = "FOGRA39"
PRESS_CONDITION_INFO = "Coated FOGRA39 (ISO 12647-2:2004), ISO Coated v2 300% (basICColor)"
DOWNSAMPLE_ABOVE_PPI = 450
TARGET_PPI = 300
JPEG_QUALITY = 85  # 4:4:4, no chroma subsampling: CMYK has no chroma to spare
_MAX_PIXELS = 120_000_000
MIN_SIDE_PX = 16  # fewer pixels a side than this is no photo: placed at any size, it prints as blocks


@dataclass(frozen=True)
class ImageSource:
    path: Path
    width_px: int  # as displayed, after EXIF orientation
    height_px: int
    transparent: bool = False  # some pixels are not opaque: they print as if laid on paper white
    version: tuple[int, int, int] | None = None  # the file's time, size and inode when read: what caches of it go by


@dataclass(frozen=True)
class PrintImage:
    """A photo ready to embed: DCT-encoded DeviceCMYK pixels for one placement."""

    jpeg: bytes
    width_px: int
    height_px: int
    placed: BoxPt  # where these pixels go (the crop's extent), trim space
    effective_ppi: float  # of the source at its placed size, before any downsampling


def read_image_source(path: Path) -> ImageSource:
    """The photo's displayed size, and whether it has transparent pixels; read once per run
    however many wards use it, and again once the file changes (a replaced photo, while
    ``leaflet serve`` runs for days).  A photo whose pixels leaflet cannot print right is refused."""
    try:
        status = os.stat(path)
    except OSError:
        return _read_image_source(Path(path), None)  # says what is wrong with it
    return _read_image_source(Path(path), (status.st_mtime_ns, status.st_size, status.st_ino))


@lru_cache(maxsize=256)
def _read_image_source(path: Path, version: tuple[int, int, int] | None) -> ImageSource:
    image = _open(path)
    width, height = image.size
    if min(width, height) < MIN_SIDE_PX:
        raise InputError(
            path,
            None,
            f"image is {width} x {height} pixels, too small to place",
            "use a photo with the pixels for 300 ppi at its printed size",
        )
    if _orientation(image) in (5, 6, 7, 8):
        width, height = height, width
    transparent = False
    if image.mode in ("I", "F") or _has_transparency(image):  # known only from their pixels
        _load(image, Path(path))
        _normalised(image, Path(path))
        transparent = _has_transparency(image) and cast(tuple[int, int], _alpha(image).getextrema())[0] < 255
    elif image.mode not in _PLAIN_MODES:
        raise _unprintable(image, Path(path))
    return ImageSource(Path(path), width, height, transparent, version)


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


def _load(image: Image.Image, path: Path) -> None:
    try:
        image.load()
    except OSError as error:
        raise InputError(path, None, f"image data is damaged ({error})", "export the photo again") from None


@lru_cache(maxsize=64)
def prepare_print_image(source: ImageSource, placed: BoxPt, clip: BoxPt) -> PrintImage:
    """The photo cropped to what ``clip`` shows of it ``placed`` there, as press-ready CMYK
    JPEG; done once per run for a photo every ward shows (and again once the file changes:
    ``source`` carries its version), and kept between runs (``assets.cache``)."""
    opened = _open(source.path)
    px_per_pt = source.width_px / placed.width
    effective_ppi = px_per_pt * 72

    # Crop to the visible part, rounded outwards to whole pixels.
    left = max(0.0, clip.x - placed.x)
    right = min(placed.width, clip.right - placed.x)
    bottom = max(0.0, clip.y - placed.y)
    top = min(placed.height, clip.top - placed.y)
    x0 = min(source.width_px - 1, max(0, math.floor(left * px_per_pt)))
    y0 = min(source.height_px - 1, max(0, math.floor((placed.height - top) * px_per_pt)))
    box = (  # at least a pixel, however little of the photo shows
        x0,
        y0,
        max(x0 + 1, min(source.width_px, math.ceil(right * px_per_pt))),
        max(y0 + 1, min(source.height_px, math.ceil((placed.height - bottom) * px_per_pt))),
    )
    cropped_placed = BoxPt(
        placed.x + box[0] / px_per_pt,
        placed.top - box[3] / px_per_pt,
        (box[2] - box[0]) / px_per_pt,
        (box[3] - box[1]) / px_per_pt,
    )
    whole = box == (0, 0, source.width_px, source.height_px)
    if whole and effective_ppi <= DOWNSAMPLE_ABOVE_PPI and _is_plain_cmyk_jpeg(opened):
        _load(opened, source.path)
        return PrintImage(source.path.read_bytes(), source.width_px, source.height_px, placed, effective_ppi)
    key = [cache.file_digest(source.path), repr((placed, clip)).encode("ascii"), *_conversion()]
    made = cache.remembered("photos", key, lambda: _press_jpeg(opened, source.path, box, effective_ppi))
    width, height = struct.unpack_from(">II", made)
    return PrintImage(made[8:], width, height, cropped_placed, effective_ppi)


@lru_cache(maxsize=1)
def _conversion() -> list[bytes]:
    """What a press JPEG is made with besides the photo and its placement: this module (its
    settings and steps), the press profile, the libraries' versions."""
    lcms, jpeg = ImageCms.core.littlecms_version, features.version("jpg")
    versions = f"Pillow {PIL.__version__}, LittleCMS {lcms}, libjpeg {jpeg}".encode("ascii")
    return [cache.source_digest(__file__), cache.file_digest(PRESS_PROFILE), versions]


def _press_jpeg(opened: Image.Image, path: Path, box: tuple[int, int, int, int], effective_ppi: float) -> bytes:
    """The pixels of ``box`` as press CMYK JPEG, after their width and height (4 bytes each)."""
    _load(opened, path)
    icc = opened.info.get("icc_profile")
    image = _normalised(ImageOps.exif_transpose(opened), path)
    if box != (0, 0, image.width, image.height):
        image = image.crop(box)
    if effective_ppi > DOWNSAMPLE_ABOVE_PPI:
        factor = TARGET_PPI / effective_ppi
        image = image.resize(
            (max(1, round(image.width * factor)), max(1, round(image.height * factor))), Image.Resampling.LANCZOS
        )
    cmyk = _to_press_cmyk(image, icc, path)
    # Pillow writes CMYK JPEGs inverted with an Adobe marker; invert first and drop the marker
    # so the file holds plain CMYK that readers take at face value.
    buffer = io.BytesIO()
    ImageChops.invert(cmyk).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return struct.pack(">II", cmyk.width, cmyk.height) + _without_adobe_marker(buffer.getvalue())


@lru_cache(maxsize=1)
def _press_profile() -> ImageCms.ImageCmsProfile:
    """Opened from memory: LittleCMS reads a profile opened from a file lazily, through a file
    offset that forked workers share with the parent, so their reads can interleave ("Could not
    get profile")."""
    return ImageCms.ImageCmsProfile(io.BytesIO(PRESS_PROFILE.read_bytes()))


@lru_cache(maxsize=8)
def _transform(source_icc: bytes | None) -> ImageCms.ImageCmsTransform:
    source = ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(source, _press_profile(), "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)


def _to_press_cmyk(image: Image.Image, icc: bytes | None, path: Path) -> Image.Image:
    """An image of ``_normalised``'s modes -> press CMYK: CMYK as it is, greys on black ink only,
    colour through its ICC profile (sRGB when it has none) or, for CIELab, the Lab space."""
    if image.mode == "CMYK":
        return image
    if image.mode == "L":
        black = ImageChops.invert(image)
        empty = Image.new("L", image.size, 0)
        return Image.merge("CMYK", (empty, empty, empty, black))
    try:
        if image.mode == "LAB":
            transform = _lab_transform()
        else:
            transform = _transform(icc if icc and _is_rgb_profile(icc) else None)
        converted = ImageCms.applyTransform(image, transform)
    except ImageCms.PyCMSError as error:
        raise InputError(path, None, f"its colour profile cannot be used ({error})", "save the photo as sRGB") from None
    assert converted is not None  # None only when transforming in place
    return converted


@lru_cache(maxsize=1)
def _lab_transform() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("LAB"), _press_profile(), "LAB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL
    )


# ---------------------------------------------------------------- pixel modes

_PLAIN_MODES = {"1", "L", "P", "RGB", "CMYK", "LAB", "RGBX", "YCbCr", "HSV", "I;16", "I;16L", "I;16B", "I;16N"}
_ALPHA_MODES = {"LA": "L", "La": "L", "PA": "RGB", "RGBA": "RGB", "RGBa": "RGB"}
_SIXTEEN_BIT_FORMATS = {"PNG", "PPM"}  # whose "I" pixels are 16-bit values (0 to 65535)


def _has_transparency(image: Image.Image) -> bool:
    """Whether the image has an alpha channel or a transparent colour (a PNG's tRNS)."""
    return image.mode in _ALPHA_MODES or "transparency" in image.info


def _alpha(image: Image.Image) -> Image.Image:
    """How opaque each pixel is (255: fully), of an image with an alpha channel or a tRNS colour."""
    if image.mode.startswith("I"):  # a 16-bit grey PNG's transparent grey: a 16-bit value
        transparent = image.info["transparency"]
        return image.convert("I").point([0 if value == transparent else 255 for value in range(65536)], "L")
    return image.convert("LA" if image.mode in ("1", "L", "LA", "La") else "RGBA").getchannel("A")


def _normalised(image: Image.Image, path: Path) -> Image.Image:
    """Any mode Pillow opens -> L, RGB, CMYK or LAB, as it looks on paper: transparent pixels laid
    on paper white, 16-bit values scaled to 8 bits, others refused (``_unprintable``)."""
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        opaque = _wide_grey(image, path)
    elif _has_transparency(image):
        opaque_mode = _ALPHA_MODES.get(mode) or ("L" if mode in ("1", "L") else "RGB")
        with_alpha = image.convert("LA" if opaque_mode == "L" else "RGBA")  # a palette's colours, or a tRNS's
        return _on_paper(with_alpha.convert(opaque_mode), with_alpha.getchannel("A"))
    elif mode in ("L", "RGB", "CMYK", "LAB"):
        return image
    elif mode in ("1", "P"):
        return image.convert("L" if mode == "1" else "RGB")
    elif mode in ("RGBX", "YCbCr", "HSV"):
        return image.convert("RGB")
    else:
        raise _unprintable(image, path)
    return _on_paper(opaque, _alpha(image)) if "transparency" in image.info and mode != "F" else opaque


def _on_paper(image: Image.Image, alpha: Image.Image) -> Image.Image:
    """An L or RGB image laid on paper white through its alpha."""
    paper = Image.new(image.mode, image.size, 255 if image.mode == "L" else (255, 255, 255))
    paper.paste(image, mask=alpha)
    return paper


def _wide_grey(image: Image.Image, path: Path) -> Image.Image:
    """Greys of more than 8 bits (I;16, I, F) -> 8-bit L, or refused when what they mean is unsure."""
    if image.mode.startswith("I;16"):
        return _grey_of(image.convert("I"), 65535)
    low, high = cast(tuple[float, float], image.getextrema())
    if image.mode == "F" and 0 < high <= 1:
        raise _unprintable(image, path, f"floating-point greys, all between {low:g} and {high:g}")
    if low < 0 or high > (255 if image.mode == "F" else 65535):
        raise _unprintable(image, path, f"{_bits(image)} greys from {low:g} to {high:g}")
    if image.mode == "F":
        return image.convert("L")
    # Pillow opens 16-bit greys of PNG and PPM files as I; elsewhere its greys are 0 to 255,
    # unless they go higher: then a 32-bit file holds 16-bit values.
    sixteen_bit = image.format in _SIXTEEN_BIT_FORMATS or high > 255
    return _grey_of(image, 65535 if sixteen_bit else 255)


def _grey_of(image: Image.Image, white: int) -> Image.Image:
    """Integer greys (mode I) from 0 up to ``white`` -> 8-bit L, rounded."""
    return image.point([min(255, round(value * 255 / white)) for value in range(65536)], "L")


def _bits(image: Image.Image) -> str:
    return "32-bit floating-point" if image.mode == "F" else "32-bit"


def _unprintable(image: Image.Image, path: Path, what: str | None = None) -> InputError:
    return InputError(
        path,
        None,
        f"its pixels ({what or f'mode {image.mode}'}) cannot be printed as they are meant",
        "save it as an 8- or 16-bit RGB, greyscale or CMYK JPEG, PNG or TIFF",
    )


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


@lru_cache(maxsize=256)
def press_lightness(c: float, m: float, y: float, k: float) -> float:
    """CIE L* (0 black to 100 white) of a CMYK colour (each 0..1) printed in the press condition:
    how light it looks on paper, from the press profile."""
    pixel = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in (c, m, y, k)))
    lab = ImageCms.applyTransform(pixel, _to_lab())
    assert lab is not None
    return cast(tuple[int, int, int], lab.getpixel((0, 0)))[0] * 100 / 255


@lru_cache(maxsize=1)
def _to_lab() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        _press_profile(),
        ImageCms.createProfile("LAB"),
        "CMYK",
        "LAB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
