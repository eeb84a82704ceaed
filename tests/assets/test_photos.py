"""Uploads: re-encoded (never kept as sent), stripped of their metadata, refused before decoding
when they would be too large; crops that a cover frame shows whole."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from leaflet.assets.photos import MAX_UPLOAD_BYTES, crop_to_frame, reencode_upload
from leaflet.errors import InputError
from PIL import Image

from tests.conftest import INPUTS


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG of a huge white image in a few kilobytes: a decompression bomb."""
    row = b"\x00" + b"\xff" * (width // 8 + 1)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_come_back_as_jpeg_of_the_same_size(fmt):
    image = Image.new("RGB", (640, 480), (200, 30, 40))
    jpeg, width, height = reencode_upload(_encoded(image, fmt))
    assert (width, height) == (640, 480)
    with Image.open(io.BytesIO(jpeg)) as back:
        assert back.format == "JPEG" and back.size == (640, 480)
        assert max(abs(a - b) for a, b in zip(back.convert("RGB").getpixel((320, 240)), (200, 30, 40), strict=True)) < 6


def test_metadata_is_dropped_and_the_photo_stood_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: displayed 90 degrees clockwise
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # a GPS position
    data = _encoded(Image.new("RGB", (300, 200), "green"), "JPEG", exif=exif.tobytes())
    jpeg, width, height = reencode_upload(data)
    assert (width, height) == (200, 300)
    with Image.open(io.BytesIO(jpeg)) as back:
        assert not back.getexif()
    assert reencode_upload((INPUTS / "exif-rotated.jpg").read_bytes())[0] != (INPUTS / "exif-rotated.jpg").read_bytes()


def test_transparency_is_laid_on_white_paper():
    jpeg, _, _ = reencode_upload(_encoded(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG"))
    assert Image.open(io.BytesIO(jpeg)).convert("RGB").getpixel((25, 25)) >= (250, 250, 250)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(), "more than 50 megapixels"),
        (bomb_png(9000, 9000), "9000 x 9000 pixels, over 50 megapixels"),
        (b"GIF89a" + b"\x00" * 100, "not a photo leaflet can read"),
        (_encoded(Image.new("RGB", (20, 20)), "GIF"), "a GIF file is not a photo leaflet takes"),
        (_encoded(Image.new("RGB", (20, 20)), "BMP"), "a BMP file is not a photo leaflet takes"),
        (_encoded(Image.new("RGB", (400, 400), "red"), "JPEG")[:300], "cannot be read"),
        (b"\xff\xd8" + b"\x00" * (MAX_UPLOAD_BYTES + 1), "over 20 MB"),
    ],
    ids=["bomb", "big", "garbage", "gif", "bmp", "truncated", "too-many-bytes"],
)
def test_what_cannot_be_used_is_refused_before_it_is_decoded(data, message):
    with pytest.raises(InputError, match=message):
        reencode_upload(data)


def test_a_crop_has_the_frames_shape_and_follows_the_focal_point(tmp_path):
    image = Image.new("RGB", (1000, 500), "white")
    image.paste((255, 0, 0), (0, 0, 100, 500))  # a red band at the left edge
    image.paste((0, 0, 255), (900, 0, 1000, 500))  # and a blue one at the right
    path = tmp_path / "photo.jpg"
    image.save(path, quality=95)
    left = Image.open(io.BytesIO(crop_to_frame(path, 100, 100, (0.0, 0.5))))
    right = Image.open(io.BytesIO(crop_to_frame(path, 100, 100, (1.0, 0.5))))
    assert left.size == right.size == (500, 500)
    assert left.getpixel((10, 250))[0] > 200 and left.getpixel((10, 250))[2] < 60
    assert right.getpixel((490, 250))[2] > 200 and right.getpixel((490, 250))[0] < 60
    tall = Image.open(io.BytesIO(crop_to_frame(path, 100, 400, (0.5, 0.5))))
    assert tall.size == (125, 500)
