"""--marks: each page's slug (ward code, name, page) outside the bleed, inside the media box, in
100% K embedded-font text; read back with PDFium (character boxes) and pikepdf (operators)."""

from __future__ import annotations

import pikepdf
import pypdf
import pypdfium2
import pytest
from leaflet import build
from leaflet.model import Ward
from leaflet.runs.prepare import load, prepare_run
from leaflet.ward.marks import ELLIPSIS, SLUG_MIN_SIZE_PT, SlugSetter, slug_area

from tests.conftest import DEMO


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("marked"), crop_marks=True, combined=True)


def _slug_boxes(path, slugs):
    """Per page: where PDFium finds that page's expected slug, as its characters' boxes (none if it
    is not there)."""
    document = pypdfium2.PdfDocument(str(path))
    found = []
    try:
        for page, slug in zip(document, slugs, strict=True):
            text = page.get_textpage()
            match = text.search(slug, match_case=True).get_next()
            found.append([text.get_charbox(i) for i in range(match[0], match[0] + match[1])] if match else [])
    finally:
        document.close()
    return found


def _expected(ward):
    return [f"{ward.code} {ward.name} · page {n} of 2 ({name})" for n, name in ((1, "front"), (2, "back"))]


def test_every_page_of_every_file_names_its_ward_and_page(marked):
    reader = pypdf.PdfReader(marked.combined)
    for index, result in enumerate(marked.written):
        expected = _expected(result.ward)
        assert all(_slug_boxes(result.path, expected))
        for page in (0, 1):
            assert pypdf.PdfReader(result.path).pages[page].extract_text().splitlines()[-1] == expected[page]
            assert reader.pages[2 * index + page].extract_text().splitlines()[-1] == expected[page]


def test_the_slug_sits_outside_the_bleed_inside_the_media_box(marked):
    result = marked.written[0]
    with pikepdf.open(result.path) as document:
        boxes = [
            [[float(v) for v in page[key]] for key in ("/MediaBox", "/TrimBox", "/BleedBox")] for page in document.pages
        ]
    for chars, (media, trim, bleed) in zip(_slug_boxes(result.path, _expected(result.ward)), boxes, strict=True):
        assert chars
        for left, bottom, right, top in chars:
            if right - left < 0.01:
                continue  # a space
            assert top < bleed[1] - 0.5  # below the bleed
            assert bottom > media[1]
            assert trim[0] < left and right < trim[2]  # between the crop marks, which stand at the trim's sides


def test_the_slug_is_100_percent_k_in_an_embedded_font(marked):
    with pikepdf.open(marked.written[0].path) as document:
        for page in document.pages:
            instructions = pikepdf.parse_content_stream(page)
            last_text = max(i for i, (_, op) in enumerate(instructions) if op == pikepdf.Operator("BT"))
            block = instructions[last_text:]
            colours = [[float(v) for v in operands] for operands, op in block if op == pikepdf.Operator("k")]
            assert colours and all(colour == [0, 0, 0, 1] for colour in colours)
            fonts = [operands[0] for operands, op in block if op == pikepdf.Operator("Tf")]
            for name in fonts:
                font = page.Resources.Font[name]
                descendant = font.DescendantFonts[0]
                assert "/FontFile2" in descendant.FontDescriptor


def test_a_ward_built_alone_with_marks_is_the_bytes_of_the_full_build(marked, tmp_path):
    result = marked.written[1]
    (alone,) = build(DEMO, tmp_path, ward_codes=[result.ward.code], crop_marks=True).written
    assert alone.path.read_bytes() == result.path.read_bytes()


@pytest.fixture(scope="module")
def setter():
    campaigns, wards = load(DEMO)
    run = prepare_run(campaigns, wards, crop_marks=True)
    assert run.slugs is not None
    return run, wards


def test_a_long_name_is_set_smaller_then_shortened_never_out_of_its_area(setter):
    run, wards = setter
    ward = wards[0]
    long_name = "Llanfairpwllgwyngyll " * 12
    leaflet = run.slugs.add_slugs(run.lay_out(Ward(ward.code, long_name.strip(), {**ward.fields}, ward.line)))
    area = slug_area(run.campaign.layout)
    for page in leaflet.pages:
        (line,) = page.slug
        text = "".join(run.text for run in line.runs)
        assert text.startswith(f"{ward.code} Llanfair") and text.endswith(f"of 2 ({page.name})")
        assert ELLIPSIS in text
        assert all(r.size_pt >= SLUG_MIN_SIZE_PT for r in line.runs)
        assert area.x <= line.runs[0].x_pt and line.runs[0].x_pt + line.width_pt <= area.right + 0.01


def test_a_name_in_another_script_is_shaped_from_the_fallback_font(setter):
    run, wards = setter
    ward = wards[0]
    leaflet = SlugSetter(run.layout).add_slugs(run.lay_out(Ward(ward.code, "حي النور", {**ward.fields}, ward.line)))
    (line,) = leaflet.pages[0].slug
    assert {r.font for r in line.runs} >= {"Arabic-Regular", "Sans-Regular"}
