"""Shaped text in the print files, read back from the PDF: every glyph where HarfBuzz puts it
(kerning, ligatures), names in Arabic, Hebrew, Bengali and Gurmukhi as HarfBuzz shapes them and
as their outlines look, text that copies as written, and font subsets that depend on the campaign
alone (a ward built alone is byte for byte the ward of a full build)."""

from __future__ import annotations

import csv
import re
import shutil
from functools import cache
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import uharfbuzz as hb
from fontTools.pens.basePen import BasePen
from leaflet import build
from PIL import Image, ImageChops, ImageDraw, ImageStat

from tests.conftest import DEMO, ROOT, render_page
from tests.write.pdf_glyphs import ShownRun, font_files, shown_runs

# Each stretch of text between spaces is shaped as one.
_PIECES = re.compile(r"( +)")

NAMES = {  # ward code -> (script, organiser); the banner sets each in bold
    "S13002608": ("Arabic", "مُحَمَّد علي"),
    "N08000222": ("Hebrew", "שרה לוי"),
    "E05009308": ("Bengali", "রহিম উদ্দিন"),
    "E05012345": ("Gurmukhi", "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ"),
}


@cache
def _hb_font(postscript: str) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(font_files()[postscript]))))


def _hb_shape(postscript: str, text: str, rtl: bool | None = None):
    """HarfBuzz itself, with the font file: glyph ids, advances, x and y offsets (font units)."""
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    if rtl is not None:
        buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(_hb_font(postscript), buffer)
    return [
        (info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
    ]


def _expected_glyphs(run: ShownRun) -> list[tuple[int, float, float]]:
    """The run's text shaped stretch by stretch: each glyph's id, drawn x and rise."""
    upem = _hb_font(run.font).face.upem
    x = run.x
    expected = []
    for piece in (p for p in _PIECES.split(run.text) if p):
        for gid, advance, x_offset, y_offset in _hb_shape(run.font, piece):
            expected.append((gid, x + x_offset * run.size / upem, y_offset * run.size / upem))
            x += advance * run.size / upem
    return expected


def _by_code(report) -> dict[str, Path]:
    return {result.ward.code: result.path for result in report.written}


# ---------------------------------------------------------------- Latin: kerning and ligatures


def test_every_glyph_is_where_harfbuzz_puts_it_kerning_included(demo_report):
    files = _by_code(demo_report)
    kerned = ligatures = 0
    for code in ("E05011111", "W05000981"):  # an English and a Welsh leaflet
        for page in (0, 1):
            for run in shown_runs(files[code], page):
                assert run.font.startswith("NotoSans-"), run.font
                assert run.actual_text is None, run.text
                expected = _expected_glyphs(run)
                assert run.glyphs == [gid for gid, _, _ in expected], run.text
                assert run.xs == pytest.approx([x for _, x, _ in expected], abs=0.005), run.text
                font = _hb_font(run.font)
                kerned += sum(
                    advance != font.get_glyph_h_advance(gid)
                    for piece in _PIECES.split(run.text)
                    if piece
                    for gid, advance, _, _ in _hb_shape(run.font, piece)
                )
                ligatures += sum(len(text) > 1 for text in run.glyph_texts)
    assert kerned > 100  # the font's kerning pairs, applied
    assert ligatures > 5


def test_a_ligature_copies_as_its_letters(demo_report):
    path = _by_code(demo_report)["E05011111"]
    runs = [run for page in (0, 1) for run in shown_runs(path, page)]
    fi = _hb_shape("NotoSans-Regular", "fi")
    assert len(fi) == 1  # one glyph for the two letters
    assert any(fi[0][0] in run.glyphs for run in runs)
    pypdf_text = " ".join(pypdf.PdfReader(path).pages[page].extract_text() for page in (0, 1)).replace("\n", " ")
    document = pypdfium2.PdfDocument(str(path))
    pdfium_text = " ".join(document[page].get_textpage().get_text_range() for page in (0, 1))
    pdfium_text = re.sub(r"\s+", " ", pdfium_text)
    for words in ("fight crime", "more officers", "first dedicated", "make a difference"):
        assert words in pypdf_text
        assert words in pdfium_text


def test_welsh_and_accented_text_reads_back_as_written(demo_report):
    files = _by_code(demo_report)
    with open(DEMO / "wards.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    for code in ("W05000981", "W05001215", "W05000870"):
        document = pypdfium2.PdfDocument(str(files[code]))
        front = re.sub(r"\s+", " ", document[0].get_textpage().get_text_range())
        row = rows[code]
        assert f"{row['name']} · eich trefnydd lleol yw {row['organiser']}" in front


# ---------------------------------------------------------------- other scripts


@pytest.fixture(scope="module")
def scripts_project(tmp_path_factory) -> Path:
    """The example with organisers whose names are written in Arabic, Hebrew, Bengali and
    Gurmukhi."""
    root = tmp_path_factory.mktemp("scripts")
    for folder in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / folder, root / folder)
    campaign = root / "content" / "pcc-2021"
    shutil.copytree(DEMO, campaign)
    with open(campaign / "wards.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["code"] in NAMES:
            row["organiser"] = NAMES[row["code"]][1]
    with open(campaign / "wards.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return campaign


@pytest.fixture(scope="module")
def scripts_build(scripts_project):
    return build(scripts_project, scripts_project / "out", combined=True)


def _name_run(path: Path, script: str) -> ShownRun:
    """The banner's run of the name (the banner, on the front, is set in bold)."""
    (run,) = [run for run in shown_runs(path, 0) if run.font == f"NotoSans{script}-Bold"]
    return run


@pytest.mark.parametrize("code", sorted(NAMES))
def test_a_name_in_another_script_is_the_glyphs_harfbuzz_gives(scripts_build, code):
    script, name = NAMES[code]
    run = _name_run(_by_code(scripts_build)[code], script)
    expected = _hb_shape(run.font, name)  # the whole name at once, direction from its script
    upem = _hb_font(run.font).face.upem
    assert run.glyphs == [gid for gid, _, _, _ in expected]
    pen = run.x
    drawn, rises = [], []
    for _, advance, x_offset, y_offset in expected:
        drawn.append(pen + x_offset * run.size / upem)
        rises.append(y_offset * run.size / upem)
        pen += advance * run.size / upem
    assert run.xs == pytest.approx(drawn, abs=0.005)
    assert run.rises == pytest.approx(rises, abs=0.005)
    if script == "Arabic":
        assert any(rises), "the marks of مُحَمَّد sit above and below their letters"


class _Outline(BasePen):
    """A glyph's contours as polygons (curves flattened), in font units."""

    def __init__(self):
        super().__init__(None)
        self.contours: list[list[tuple[float, float]]] = []

    def _moveTo(self, point):
        self.contours.append([point])

    def _lineTo(self, point):
        self.contours[-1].append(point)

    def _qCurveToOne(self, control, point):
        (x0, y0), (x1, y1), (x2, y2) = self.contours[-1][-1], control, point
        for step in range(1, 9):
            t = step / 8
            u = 1 - t
            self.contours[-1].append(
                (u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2)
            )

    def _curveToOne(self, control1, control2, point):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.contours[-1][-1], control1, control2, point
        for step in range(1, 9):
            t = step / 8
            u = 1 - t
            self.contours[-1].append(
                (
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            )


def _reference(run: ShownRun, name: str, box: tuple[int, int, int, int], page_height: float, dpi: int):
    """The name drawn from HarfBuzz's own outlines at HarfBuzz's positions, from the run's start
    (4x oversampled, even-odd filled, box-filtered down): 255 is ink."""
    left, top, right, bottom = box
    scale_px = dpi / 72
    oversample = 4
    font = _hb_font(run.font)
    units = run.size / font.face.upem
    image = Image.new("1", ((right - left) * oversample, (bottom - top) * oversample), 0)
    pen_x = run.x
    for gid, advance, x_offset, y_offset in _hb_shape(run.font, name):
        outline = _Outline()
        font.draw_glyph_with_pen(gid, outline)
        origin_x, origin_y = pen_x + x_offset * units, run.y + y_offset * units
        for contour in outline.contours:
            points = [
                (
                    ((origin_x + x * units) * scale_px - left) * oversample,
                    ((page_height - origin_y - y * units) * scale_px - top) * oversample,
                )
                for x, y in contour
            ]
            layer = Image.new("1", image.size, 0)
            ImageDraw.Draw(layer).polygon(points, fill=1)
            image = ImageChops.logical_xor(image, layer)
        pen_x += advance * units
    return image.convert("L").resize((right - left, bottom - top), Image.Resampling.BOX)


@pytest.mark.parametrize("code", sorted(NAMES))
def test_a_name_in_another_script_looks_like_its_outlines(scripts_build, code):
    script, name = NAMES[code]
    path = _by_code(scripts_build)[code]
    run = _name_run(path, script)
    dpi = 300
    page_height = float(pypdf.PdfReader(path).pages[0].mediabox.height)
    scale_px = dpi / 72
    box = (
        round((run.x - 1) * scale_px),
        round((page_height - run.y - 1.0 * run.size) * scale_px),
        round((run.end_x + 1) * scale_px),
        round((page_height - run.y + 0.4 * run.size) * scale_px),
    )
    rendered = render_page(path, 0, dpi).convert("L").crop(box)
    values = sorted(rendered.tobytes())
    background, darkest = values[len(values) // 2], values[0]
    ink = rendered.point(lambda v: max(0, min(255, round((background - v) * 255 / (background - darkest)))))
    reference = _reference(run, name, box, page_height, dpi)
    difference = ImageStat.Stat(ImageChops.difference(ink, reference)).mean[0] / 255
    solid_ink = ink.point(lambda v: 255 if v > 127 else 0).convert("1")
    solid_reference = reference.point(lambda v: 255 if v > 127 else 0).convert("1")
    both = ImageChops.logical_and(solid_ink, solid_reference).convert("L").histogram()[255]
    either = ImageChops.logical_or(solid_ink, solid_reference).convert("L").histogram()[255]
    assert ImageStat.Stat(reference).mean[0] > 20  # the name is there to compare
    assert difference < 0.04
    assert both / either > 0.85


@pytest.mark.parametrize("code", sorted(NAMES))
def test_a_name_in_another_script_copies_as_written(scripts_build, code):
    script, name = NAMES[code]
    path = _by_code(scripts_build)[code]
    if script in ("Arabic", "Hebrew"):  # drawn left to right: extractors turn it round themselves
        text = pypdf.PdfReader(path).pages[0].extract_text()
    else:  # vowel signs drawn before their consonant: read from the ActualText PDFium honours
        assert _name_run(path, script).actual_text == name
        text = pypdfium2.PdfDocument(str(path))[0].get_textpage().get_text_range()
    assert name in text


def test_a_ward_alone_is_byte_for_byte_the_ward_of_a_full_build(scripts_project, scripts_build, tmp_path):
    full = _by_code(scripts_build)
    for codes in (["E05008642"], ["S13002608", "W05000981"], ["E05009308"]):
        alone = build(scripts_project, tmp_path / "-".join(codes), ward_codes=codes)
        for code, path in _by_code(alone).items():
            assert path.read_bytes() == full[code].read_bytes(), code


def test_a_latin_ward_carries_no_font_of_another_script(scripts_build):
    files = _by_code(scripts_build)
    latin = pypdf.PdfReader(files["E05008642"])
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1] for font in latin.pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts == {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"}
    arabic = pypdf.PdfReader(files["S13002608"])
    own = [key for key in arabic.pages[0]["/Resources"]["/Font"] if key.startswith("/Fw")]
    assert own  # the Arabic glyphs are the ward's own subset, in its own file


def test_the_combined_file_draws_each_ward_as_its_file_does(scripts_build):
    order = [result.ward.code for result in scripts_build.results]
    files = _by_code(scripts_build)
    for code in ("S13002608", "E05009308", "E05008642"):
        index = order.index(code)
        for page in (0, 1):
            combined = render_page(scripts_build.combined, 2 * index + page, 72)
            alone = render_page(files[code], page, 72)
            assert ImageChops.difference(combined, alone).getbbox() is None, (code, page)
