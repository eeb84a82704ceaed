"""leaflet.write.riso: a ward's masters, read back by independent readers (pikepdf, pypdf): the
sheet, the two pages at their places, the cut marks, grey only, fonts embedded, each colour on
its drum or knocking the others out."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest
from leaflet.model import PAPER, Cmyk, DrumInk, pt_to_mm
from leaflet.runs.prepare import load
from leaflet.runs.riso import prepare_riso
from leaflet.write.riso import master_file

from tests.conftest import DEMO

NAVY = Cmyk(1.0, 0.78, 0.0, 0.38)


@pytest.fixture(scope="module")
def example():
    campaigns, wards = load(DEMO)
    run = prepare_riso(campaigns, wards)
    ward = next(w for w in wards if w.code == "E05011111")
    masters = run.separate(run.lay_out(ward))
    return run, wards, {drum: master_file(master, run.documents, "test") for drum, master in masters.items()}


def _operators(data: bytes) -> list[tuple[list, str]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        return [(list(operands), str(operator)) for operands, operator in pikepdf.parse_content_stream(page)]


def test_a_master_is_an_a4_landscape_sheet(example):
    _, _, files = example
    for data in files.values():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert pdf.check_pdf_syntax() == []  # qpdf finds nothing wrong
            assert len(pdf.pages) == 1
            box = [float(v) for v in pdf.pages[0].MediaBox]
            assert [round(pt_to_mm(v), 3) for v in box] == [0, 0, 297, 210]


def test_both_pages_sit_at_their_places_in_the_halves_of_the_sheet(example):
    _, _, files = example
    for data in files.values():
        ops = _operators(data)
        # a page's placement is the first thing each q ... Q of the sheet does
        placements = [ops[i + 1][0] for i, (_, op) in enumerate(ops[:-1]) if op == "q" and ops[i + 1][1] == "cm"]
        placements = [m for m in placements if float(m[1]) == float(m[2]) == 0 and float(m[0]) == 1]
        assert [
            [round(pt_to_mm(float(v)), 3) if i >= 4 else float(v) for i, v in enumerate(m)] for m in placements
        ] == [
            [1, 0, 0, 1, 0.25, 0],
            [1, 0, 0, 1, 148.75, 0],
        ]


def test_the_cut_line_is_marked_on_every_drum_at_the_middle_of_the_sheet(example):
    _, _, files = example
    for data in files.values():
        ops = _operators(data)
        moves = [operands for operands, op in ops if op == "m"]
        lines = [operands for operands, op in ops if op == "l"]
        marks = [(m, e) for m, e in zip(moves, lines, strict=True) if float(m[0]) == float(e[0])]
        assert len(marks) == 2
        for start, end in marks:
            assert pt_to_mm(float(start[0])) == pytest.approx(148.5, abs=0.001)
            assert pt_to_mm(abs(float(end[1]) - float(start[1]))) == pytest.approx(4, abs=0.001)


def test_masters_are_grey_only_with_their_fonts_embedded(example):
    _, _, files = example
    for data in files.values():
        operators = {op for _, op in _operators(data)}
        assert not operators & {"k", "K", "rg", "RG", "sc", "scn", "cs", "CS"}
        assert "g" in operators
        reader = pypdf.PdfReader(io.BytesIO(data))
        resources = reader.pages[0]["/Resources"]
        for xobject in resources["/XObject"].values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Image":
                assert xobject["/ColorSpace"] == "/DeviceGray"
            else:
                for font in xobject["/Resources"]["/Font"].values():
                    descendant = font.get_object()["/DescendantFonts"][0].get_object()
                    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_each_colour_prints_on_its_drum_and_knocks_out_the_others(example):
    run, _, files = example
    text = {drum: pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() for drum, data in files.items()}
    assert "your local organiser is" in text["black"]  # the ward's banner: black, over the blue
    assert "your local organiser is" not in text["blue"]
    assert "TURNING YOUR" in text["blue"]  # the white headline, knocked out of the navy panel
    assert "Printed by Alex Morgan Campaign Office" in text["black"]
    documents = run.documents
    assert documents.paint(NAVY, "blue") == b"0.15 g"  # navy: 85% of the blue drum
    assert documents.paint(NAVY, "black") == b"1 g"  # ... which keeps the black drum off it
    assert documents.paint(Cmyk(0, 0, 0, 1), "blue") is None  # black overprints the blue
    assert documents.paint(Cmyk(0, 0, 0, 0), "blue") == documents.paint(Cmyk(0, 0, 0, 0), "black") == b"1 g"
    assert run.documents.riso.ink(Cmyk(0, 0, 0, 0)) == PAPER
    assert run.documents.riso.ink(NAVY) == DrumInk("blue", 0.85)


def test_photos_print_on_the_photo_drum_as_halftone_and_knock_out_the_other(example):
    _, _, files = example
    reader = pypdf.PdfReader(io.BytesIO(files["black"]))
    images = [
        x.get_object()
        for x in reader.pages[0]["/Resources"]["/XObject"].values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 2 and all(image["/BitsPerComponent"] == 1 for image in images)
    hero = max(images, key=lambda image: image["/Height"])
    assert hero["/Width"] == pytest.approx(136 / 25.4 * 600, abs=3)  # 136 mm wide at 600 dpi
    blue = pypdf.PdfReader(io.BytesIO(files["blue"])).pages[0]["/Resources"]["/XObject"].values()
    assert all(x.get_object()["/Subtype"] == "/Form" for x in blue)


def test_shared_frames_are_forms_the_masters_of_every_ward_share(example):
    run, wards, _ = example
    english = [w for w in wards if not w.fields.get("language")]
    one, two = (run.separate(run.lay_out(w)) for w in english[:2])
    assert one["blue"].digest == two["blue"].digest
    assert one["black"].digest != two["black"].digest
    assert b"/Fx0 Do" in one["blue"].content
