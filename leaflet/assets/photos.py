"""An organiser's photo upload -> a re-encoded JPEG (never the bytes as sent), or a refusal a
person can act on; and a photo + a frame's shape + a focal point -> the crop that frame shows.

An upload is checked before it is decoded: its size in bytes, its format (JPEG, PNG or WebP by
content, not by name) and its size in pixels read from its header, so a small file that would
decode to gigabytes (a decompression bomb) is refused without decoding it.  What is kept is its
pixels, upright, in their colour profile, with every other piece of metadata (a phone's GPS
position among them) left behind.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from leaflet.errors import InputError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_PIXELS = 50_000_000
MAX_SIDE_PX = 6000  # longer sides are scaled down: 1,000 ppi across a full-bleed A5 page
JPEG_QUALITY = 92


def _refused(message: str, hint: str) -> InputError:
    return InputError(None, None, message, hint)


def reencode_upload(data: bytes) -> tuple[bytes, int, int]:
    """The upload as a JPEG (4:4:4, its ICC profile kept, nothing else), with its width and
    height in pixels; an InputError saying why when it cannot be used."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refused(
            f"the photo is {len(data) / 1e6:.0f} MB, over {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            "send a smaller copy of it",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise _refused(
                    f"a {image.format or 'unknown'} file is not a photo leaflet takes", "send a JPEG, PNG or WebP"
                )
            if image.width * image.height > MAX_UPLOAD_PIXELS:
                raise _refused(
                    f"the photo is {image.width} x {image.height} pixels, "
                    f"over {MAX_UPLOAD_PIXELS // 1_000_000} megapixels",
                    "send a smaller copy of it",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(
            f"the photo has more than {MAX_UPLOAD_PIXELS // 1_000_000} megapixels", "send a smaller copy of it"
        ) from None
    except UnidentifiedImageError:
        raise _refused("not a photo leaflet can read", "send a JPEG, PNG or WebP") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise _refused(f"the photo cannot be read ({error})", "export it again as JPEG") from None
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    pixels = _flattened(upright)
    if max(pixels.size) > MAX_SIDE_PX:
        pixels.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    return _jpeg(pixels, icc), pixels.width, pixels.height


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, greyscale or CMYK pixels, any transparency laid on white paper."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if image.mode in ("I", "I;16", "I;16B", "F", "1"):
        return image.convert("L")
    return image.convert("RGB")


def _jpeg(image: Image.Image, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc and _profile_fits(icc, image.mode) else {}
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0, **extra)
    return buffer.getvalue()


def _profile_fits(icc: bytes, mode: str) -> bool:
    space = icc[16:20]
    return {"RGB": b"RGB ", "L": b"GRAY", "CMYK": b"CMYK"}.get(mode) == space


def crop_to_frame(path: Path, width_mm: float, height_mm: float, focal: tuple[float, float]) -> bytes:
    """The part of the photo a ``cover`` frame of that shape shows with this focal point (as
    fractions: 0 keeps the left or top edge, 1 the right or bottom, as a layout's ``focal``
    does), as a JPEG: the frame then shows exactly this crop, whatever its own focal point."""
    with Image.open(path) as opened:
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
        aspect = width_mm / height_mm
        if image.width / image.height > aspect:  # wider than the frame: crop the sides
            width, height = max(1, round(image.height * aspect)), image.height
        else:
            width, height = image.width, max(1, round(image.width / aspect))
        left = round((image.width - width) * min(1.0, max(0.0, focal[0])))
        top = round((image.height - height) * min(1.0, max(0.0, focal[1])))
        return _jpeg(_flattened(image.crop((left, top, left + width, top + height))), icc)
