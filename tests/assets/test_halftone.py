"""leaflet.assets.halftone: photos as a Riso drum prints them: dots whose cover is the photo's tone
(capped, so no photo is a solid), on the master's grid at the drum's line screen; or grey."""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.assets.halftone import actual_lpi, drum_image
from leaflet.assets.images import read_image_source
from leaflet.model import BoxPt, RisoPhotos, mm_to_pt
from PIL import Image

from tests.conftest import FUZZ

PHOTOS = RisoPhotos("black")
BOX = BoxPt(0, 0, mm_to_pt(40), mm_to_pt(30))


def _photo(tmp_path, image: Image.Image, name: str = "photo.png"):
    path = tmp_path / name
    image.save(path)
    return read_image_source(path)


def _dots(image) -> Image.Image:
    return Image.frombytes("1", (image.width_px, image.height_px), zlib.decompress(image.data))


def _cover(dots: Image.Image) -> float:
    return 1 - dots.convert("L").histogram()[255] / (dots.width * dots.height)


@pytest.mark.parametrize("grey", [0, 64, 128, 200, 255])
def test_the_dots_cover_as_much_as_the_tone_asks_capped_at_the_photos_max_tint(tmp_path, grey):
    source = _photo(tmp_path, Image.new("L", (480, 360), grey), f"grey{grey}.png")
    image = drum_image(source, BOX, BOX, PHOTOS)
    assert (image.bits, image.filter) == (1, "FlateDecode")
    assert _cover(_dots(image)) == pytest.approx((255 - grey) / 255 * PHOTOS.max_tint, abs=0.02)


def test_dots_are_drawn_on_the_masters_grid_at_the_line_screen(tmp_path):
    source = _photo(tmp_path, Image.new("RGB", (480, 360), (90, 120, 160)))
    image = drum_image(source, BOX, BOX, PHOTOS)
    assert (image.width_px, image.height_px) == (round(40 / 25.4 * 600), round(30 / 25.4 * 600))
    assert image.lpi == pytest.approx(actual_lpi(PHOTOS)) == pytest.approx(71, rel=0.02)
    placed = image.placed
    assert (placed.x, placed.y, placed.width, placed.height) == pytest.approx((BOX.x, BOX.y, BOX.width, BOX.height))


def test_a_clipped_photo_keeps_only_what_the_frame_shows(tmp_path):
    source = _photo(tmp_path, Image.new("L", (400, 400), 0))
    placed = BoxPt(0, 0, 200, 200)
    clip = BoxPt(50, 50, 100, 100)
    image = drum_image(source, placed, clip, PHOTOS)
    assert (image.placed.x, image.placed.width) == pytest.approx((clip.x, clip.width))
    assert image.width_px == round(100 / 72 * 600)


def test_transparent_parts_are_paper(tmp_path):
    photo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    photo.paste((0, 0, 0, 255), (0, 0, 100, 200))
    source = _photo(tmp_path, photo)
    dots = _dots(drum_image(source, BOX, BOX, PHOTOS))
    left, right = dots.crop((0, 0, dots.width // 2 - 20, dots.height)), dots.crop((dots.width // 2 + 20, 0, *dots.size))
    assert _cover(left) == pytest.approx(0.85, abs=0.02) and _cover(right) == 0


def test_grey_photos_are_left_for_the_machine_to_screen_capped_and_at_most_300_ppi(tmp_path):
    source = _photo(tmp_path, Image.new("L", (3000, 2250), 0))
    image = drum_image(source, BOX, BOX, RisoPhotos("black", screen="grey"))
    assert (image.bits, image.filter, image.lpi) == (8, "DCTDecode", None)
    assert image.width_px == round(40 / 25.4 * 300)
    decoded = Image.open(io.BytesIO(image.data))
    assert decoded.mode == "L"
    assert min(decoded.getextrema()) == pytest.approx(round(255 * 0.15), abs=3)  # the darkest: 85% of the ink


@FUZZ
@given(st.floats(40, 150), st.sampled_from([300.0, 600.0, 1200.0]))
def test_the_screen_the_grid_allows_is_near_the_one_asked_for(lpi, dpi):
    photos = RisoPhotos("black", lpi=lpi, dpi=dpi)
    cell = dpi / actual_lpi(photos) / 2**0.5
    assert cell == pytest.approx(round(cell))  # a whole number of master pixels
    assert abs(actual_lpi(photos) - lpi) <= lpi * 0.5 / max(1, round(dpi / lpi / 2**0.5)) + 1e-9
