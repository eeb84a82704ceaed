"""Every pixel mode Pillow opens, placed as a ward's photo, built, rendered by PDFium and compared
with the source laid on white; what leaflet cannot print right is refused in one line.

The fixtures (tests/inputs/photos, made by make_photos.py there) are one picture in each mode: a
grey ramp, colour patches, an alpha ramp and a band transparent over black."""

from __future__ import annotations

import io
import shutil
import struct
import zlib

import pikepdf
import pypdfium2
import pytest
from leaflet import build
from leaflet.assets.images import PRESS_PROFILE
from leaflet.cli import main
from PIL import Image, ImageChops, ImageCms, ImageStat

from tests.conftest import INPUTS, copy_example

PHOTOS = INPUTS / "photos"
HEADER = "code,name,organiser,households,local_priority,hero"
DPI = 100
PRINTED = sorted(path.name for path in PHOTOS.iterdir() if path.suffix != ".py" and not path.name.startswith("refused"))
GREY = {"1-bit.png", "l.png", "la.png", "la.tif", "l-transparent-grey.png", "i16.png", "i16.tif", "i-32-bit.tif"}
GREY |= {"i16-transparent-grey.png"}
GREY |= {"f-32-bit-float.tif"}
TRANSPARENT = {"rgba.png", "rgba.tif", "rgba.webp", "rgba-16-bit.png", "la.png", "la.tif", "la-16-bit.png"}
TRANSPARENT |= {"l-transparent-grey.png", "rgb-transparent-colour.png", "p-transparent.png", "p-transparent.gif"}
TRANSPARENT |= {"pa.tif", "i16-transparent-grey.png"}


def on_white(name: str) -> Image.Image:
    """The source as it should look on paper, in sRGB (or CMYK for a CMYK source): its pixels,
    16-bit values as the fractions of 65535 they are, laid on white where they are transparent."""
    source = Image.open(PHOTOS / name)
    if source.mode.startswith("I;16"):
        values = struct.unpack(f"<{source.width * source.height}H", source.tobytes("raw", "I;16"))
        transparent = source.info.get("transparency")
        return Image.frombytes("L", source.size, bytes(255 if v == transparent else round(v / 257) for v in values))
    if source.mode == "LAB":
        return Image.open(PHOTOS / "rgb.png").convert("RGB")  # what make_photos.py made it from
    if source.mode == "CMYK":
        return source
    rgba = source.convert("RGBA")
    paper = Image.new("RGB", source.size, (255, 255, 255))
    paper.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return paper.convert("L") if name in GREY else paper


def press_cmyk(image: Image.Image) -> Image.Image:
    """What the press should get: greys on black ink alone, colours through the FOGRA39 profile."""
    if image.mode == "CMYK":
        return image
    if image.mode == "L":
        empty = Image.new("L", image.size, 0)
        return Image.merge("CMYK", (empty, empty, empty, ImageChops.invert(image)))
    converted = ImageCms.profileToProfile(
        image, ImageCms.createProfile("sRGB"), str(PRESS_PROFILE), ImageCms.Intent.PERCEPTUAL, "CMYK"
    )
    assert converted is not None
    return converted


def rendered_cmyk(image: Image.Image) -> Image.Image:
    """CMYK pixels as PDFium shows them: one page, the image on it at one pixel a point."""
    document = pikepdf.new()
    pixels = pikepdf.Stream(
        document,
        zlib.compress(image.tobytes()),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=image.width,
        Height=image.height,
        ColorSpace=pikepdf.Name.DeviceCMYK,
        BitsPerComponent=8,
        Filter=pikepdf.Name.FlateDecode,
    )
    page = document.add_blank_page(page_size=(image.width, image.height))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im=pixels))
    page.Contents = pikepdf.Stream(document, f"q {image.width} 0 0 {image.height} 0 0 cm /Im Do Q".encode())
    buffer = io.BytesIO()
    document.save(buffer)
    rendered = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        return rendered[0].render(scale=1).to_pil().convert("RGB")
    finally:
        rendered.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    campaign = copy_example(tmp_path_factory.mktemp("project"))
    shutil.copytree(PHOTOS, campaign / "photos")
    names = sorted(path.name for path in PHOTOS.iterdir() if path.suffix != ".py")
    rows = [f"P{index},{name},Ann,10,parking,photos/{name}" for index, name in enumerate(names)]
    (campaign / "wards.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = build(campaign, tmp_path_factory.mktemp("out"), force=True)
    return {result.ward.name: result for result in report.results}


def _rendered_photo(path, width_px: int, height_px: int) -> Image.Image:
    """The hero frame ([-3, 72, 154, 52] mm from the trim's top-left) of the front page, at the
    source's size."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[0].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        document.close()
    px = DPI / 25.4
    frame = page.crop((0, round(75 * px), round(154 * px), round(127 * px))).resize((width_px, height_px))
    return frame


def _compared(image: Image.Image) -> Image.Image:
    """4% trimmed off each edge (resampling blurs it), and averaged over 6 x 6 pixels, so that a
    dithered 1-bit photo compares by its tones, not its dots."""
    dx, dy = image.width // 25, image.height // 25
    return image.crop((dx, dy, image.width - dx, image.height - dy)).reduce(6)


@pytest.mark.parametrize("name", PRINTED)
def test_a_photo_in_any_mode_prints_as_it_looks_on_white(built, name):
    result = built[name]
    assert result.path is not None, result.errors
    expected = rendered_cmyk(press_cmyk(on_white(name)))
    rendered = _rendered_photo(result.path, expected.width, expected.height)
    difference = ImageStat.Stat(ImageChops.difference(_compared(rendered), _compared(expected))).mean
    assert max(difference) < (5 if name == "1-bit.png" else 3), (name, difference)  # dots resample unevenly


@pytest.mark.parametrize("name", PRINTED)
def test_a_photo_with_transparency_is_flattened_on_white_and_the_ward_told(built, name):
    warnings = [f for f in built[name].findings if f.rule == "photo-transparency"]
    if name in TRANSPARENT:
        (warning,) = warnings
        assert warning.frame == "hero-photo"
        assert warning.message.startswith(f"{name} has transparent pixels: they print as if laid on paper white")
    else:
        assert warnings == []


REFUSED = {
    "refused-one-pixel.png": "image is 1 x 1 pixels, too small to place (use a photo with the pixels for 300 ppi at "
    "its printed size)",
    "refused-too-few-pixels.png": "60 x 20 pixels are too few for frame 'hero-photo': 10 ppi at its placed size (use "
    "a photo about 1846 pixels wide (300 ppi))",
    "refused-i-32-bit-large.tif": "its pixels (32-bit greys from 400000 to 400000) cannot be printed as they are meant",
    "refused-f-between-0-and-1.tif": "its pixels (floating-point greys, all between 0.5 and 0.5) cannot be printed",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_photo_leaflet_cannot_print_right_fails_its_ward_in_one_line(built, name):
    result = built[name]
    assert result.path is None
    (error,) = [f for f in result.errors if f.rule == "input"]
    assert REFUSED[name] in error.message
    assert "\n" not in error.message


def test_every_fixture_is_printed_or_refused():
    assert sorted(PRINTED + sorted(REFUSED)) == sorted(path.name for path in PHOTOS.iterdir() if path.suffix != ".py")


def test_a_campaign_photo_too_small_to_place_is_one_line_and_exit_2(campaign_copy, capsys):
    shutil.copy(PHOTOS / "refused-one-pixel.png", campaign_copy / "one.png")
    yaml = campaign_copy / "campaign.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("../../images/hillside.jpg", "one.png"), encoding="utf-8")
    assert main(["check", str(campaign_copy), "--jobs", "1"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        f"leaflet: error: {campaign_copy / 'one.png'}: image is 1 x 1 pixels, too small to place (use a photo with "
        "the pixels for 300 ppi at its printed size)"
    )
