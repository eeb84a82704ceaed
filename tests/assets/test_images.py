"""Photos -> print data: orientation, colour conversion, downsampling, clear refusals."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.assets.images import ImageSource, prepare_print_image, read_image_source
from leaflet.errors import InputError
from leaflet.model import BoxPt
from PIL import Image, ImageChops

from tests.conftest import FUZZ, INPUTS


def _decode(jpeg: bytes) -> Image.Image:
    """The CMYK values as stored.  Pillow assumes every CMYK JPEG is Adobe-inverted and inverts on
    reading; ours is plain (no Adobe marker), as PDF readers take it, so invert back."""
    image = Image.open(io.BytesIO(jpeg))
    assert image.mode == "CMYK"
    assert "adobe" not in image.info  # no Adobe marker: readers take the CMYK values as they are
    return ImageChops.invert(image)


def _photo(tmp_path, colour, size=(300, 200), mode="RGB", name="photo.jpg"):
    path = tmp_path / name
    Image.new(mode, size, colour).save(path)
    return read_image_source(path)


def _whole(source: ImageSource, width_pt: float) -> BoxPt:
    return BoxPt(0, 0, width_pt, width_pt * source.height_px / source.width_px)


def test_exif_orientation_is_honoured():
    source = read_image_source(INPUTS / "exif-rotated.jpg")
    assert (source.width_px, source.height_px) == (200, 300)
    box = _whole(source, 144)
    image = _decode(prepare_print_image(source, box, box).jpeg)
    assert image.size == (200, 300)
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 280))
    assert top[1] > 200 and top[2] > 200  # red: full magenta and yellow
    assert sum(bottom) < 20  # white: no ink


def test_srgb_red_becomes_press_red_not_inverted(tmp_path):
    source = _photo(tmp_path, (255, 0, 0))
    box = _whole(source, 72)
    c, m, y, k = _decode(prepare_print_image(source, box, box).jpeg).getpixel((150, 100))
    assert c < 20 and m > 200 and y > 200 and k < 20


def test_grey_photos_print_on_black_only(tmp_path):
    source = _photo(tmp_path, 128, mode="L")
    box = _whole(source, 72)
    c, m, y, k = _decode(prepare_print_image(source, box, box).jpeg).getpixel((150, 100))
    assert (c, m, y) == (0, 0, 0) and 120 < k < 135


def test_photos_above_450_ppi_are_downsampled_to_300(tmp_path):
    source = _photo(tmp_path, (0, 128, 0), size=(1000, 500))
    box = _whole(source, 72)  # one inch wide: 1000 ppi
    prepared = prepare_print_image(source, box, box)
    assert prepared.effective_ppi == pytest.approx(1000)
    assert (prepared.width_px, prepared.height_px) == (300, 150)


def test_photos_are_never_upsampled(tmp_path):
    source = _photo(tmp_path, (0, 128, 0), size=(100, 50))
    box = _whole(source, 144)  # 50 ppi: poor, but left alone (preflight reports it)
    prepared = prepare_print_image(source, box, box)
    assert (prepared.width_px, prepared.height_px) == (100, 50)


def test_only_the_visible_part_is_kept(tmp_path):
    source = _photo(tmp_path, (0, 0, 255), size=(400, 200))
    placed = BoxPt(-100, 0, 400, 200)  # 72 ppi, a quarter hangs off each side
    clip = BoxPt(0, 0, 200, 200)
    prepared = prepare_print_image(source, placed, clip)
    assert (prepared.width_px, prepared.height_px) == (200, 200)
    assert prepared.placed == BoxPt(0, 0, 200, 200)


def test_missing_and_broken_images_are_refused(tmp_path):
    with pytest.raises(InputError, match="image file not found"):
        read_image_source(tmp_path / "nope.jpg")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    with pytest.raises(InputError, match="not a readable image") as error:
        read_image_source(broken)
    assert str(broken) in str(error.value)


@FUZZ
@given(
    left=st.floats(0, 0.9),
    bottom=st.floats(0, 0.9),
    width=st.floats(0.05, 1),
    height=st.floats(0.05, 1),
    scale=st.floats(0.3, 3),
)
def test_the_crop_covers_what_the_frame_shows(tmp_path, left, bottom, width, height, scale):
    """Rounded to whole pixels outwards: the pixels kept always reach the clip's edges, so a photo
    that meets a panel never stops short of it (the 0.12 pt hairline under the example's photo)."""
    source = _photo(tmp_path, (90, 140, 80), size=(173, 111))
    placed = BoxPt(-8.5039, 179.36, 173 * scale, 111 * scale)
    clip = BoxPt(
        placed.x + left * placed.width,
        placed.y + bottom * placed.height,
        min(width, 1 - left) * placed.width,
        min(height, 1 - bottom) * placed.height,
    )
    kept = prepare_print_image(source, placed, clip).placed
    tolerance = 1e-9
    assert kept.x <= clip.x + tolerance and kept.y <= clip.y + tolerance
    assert kept.right >= clip.right - tolerance and kept.top >= clip.top - tolerance


def test_a_photo_replaced_while_the_program_runs_is_read_again(tmp_path):
    """``leaflet serve`` runs for days: a photo the campaign replaces prints as it is now."""
    first = _photo(tmp_path, (255, 0, 0))
    box = _whole(first, 72)
    red = _decode(prepare_print_image(first, box, box).jpeg).getpixel((150, 100))
    Image.new("RGB", (300, 200), (0, 0, 255)).save(tmp_path / "photo.jpg", quality=80)  # same size, other pixels
    second = read_image_source(tmp_path / "photo.jpg")
    assert second != first
    blue = _decode(prepare_print_image(second, box, box).jpeg).getpixel((150, 100))
    assert red[1] > 200 and blue[0] > 200 and blue[1] < red[1]  # magenta and yellow, then cyan
    Image.new("RGB", (400, 200), (0, 0, 255)).save(tmp_path / "photo.jpg")
    assert read_image_source(tmp_path / "photo.jpg").width_px == 400
