"""The print file's structure, as a printer's preflight reads it (pikepdf / qpdf)."""

from __future__ import annotations

import re

import pikepdf
import pytest
from leaflet.cli import main
from leaflet.write.draw import pdf_date

from tests.conftest import DEMO


@pytest.fixture(scope="module")
def print_file(demo_report):
    return demo_report.written[0]


def test_qpdf_finds_no_problems(print_file):
    with pikepdf.open(print_file.path) as document:
        assert document.check_pdf_syntax() == []
        assert document.pdf_version == "1.3"


def test_pdfx_output_intent_and_info(print_file):
    with pikepdf.open(print_file.path) as document:
        (intent,) = document.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        profile = intent.DestOutputProfile
        assert profile.N == 4 and profile.read_bytes()[36:40] == b"acsp"
        info = document.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-1:2001"
        assert str(info.GTS_PDFXConformance) == "PDF/X-1a:2001"
        assert info.Trapped == "/False"
        assert print_file.ward.name in str(info.Title)
        assert len(document.trailer.ID) == 2


def _streams(document):
    for page in document.pages:
        yield page.Contents.read_bytes()
        for xobject in page.Resources.XObject.values():
            if xobject.Subtype == "/Form":
                yield xobject.read_bytes()


def test_no_rgb_anywhere(print_file):
    with pikepdf.open(print_file.path) as document:
        for data in _streams(document):
            operators = {op.operator for op in pikepdf.parse_content_stream(pikepdf.Stream(document, data))}
            assert not operators & {
                pikepdf.Operator(o) for o in ("rg", "RG", "sc", "scn", "SC", "SCN", "cs", "CS", "sh")
            }
        for page in document.pages:
            for xobject in page.Resources.XObject.values():
                if xobject.Subtype == "/Image":
                    assert xobject.ColorSpace == "/DeviceCMYK"
                    assert xobject.Filter == "/DCTDecode"
                    assert "/Decode" not in xobject  # plain CMYK, see images.py
                    assert "/SMask" not in xobject


def test_static_frames_are_shared_forms_and_a_wards_own_content_is_small(print_file):
    with pikepdf.open(print_file.path) as document:
        for page in document.pages:
            content = page.Contents.read_bytes()
            assert re.search(rb"/Fx\d+ Do", content)
            forms = b"".join(x.read_bytes() for x in page.Resources.XObject.values() if x.Subtype == "/Form")
            # the ward's banner, local text and sign-up words are its own; the story is shared
            assert len(re.findall(rb"\bT[jJ]\b", content)) < 25
            assert len(re.findall(rb"\bT[jJ]\b", forms)) > 60


def test_text_is_black_on_k_only(print_file):
    with pikepdf.open(print_file.path) as document:
        data = b"".join(_streams(document))
        # body text is set in 100% K: "0 0 0 1 k"
        assert b"0 0 0 1 k" in data


def _build_one(campaign_dir, out, **options):
    from leaflet import build

    (result,) = build(campaign_dir, out, ward_codes=["W05000981"], **options).written
    return result.path


def test_crop_marks_sit_outside_the_bleed_and_keep_the_boxes_right(tmp_path):
    from leaflet.model import PT_PER_MM

    from tests.conftest import DEMO, render_page

    path = _build_one(DEMO, tmp_path, crop_marks=True)
    with pikepdf.open(path) as document:
        assert document.check_pdf_syntax() == []
        for page in document.pages:
            media = [float(v) / PT_PER_MM for v in page.MediaBox]
            trim = [float(v) / PT_PER_MM for v in page.TrimBox]
            bleed = [float(v) / PT_PER_MM for v in page.BleedBox]
            assert media == pytest.approx([0, 0, 166, 228], abs=0.01)  # 9 mm each side for the marks
            assert trim == pytest.approx([9, 9, 157, 219], abs=0.01)
            assert bleed == pytest.approx([6, 6, 160, 222], abs=0.01)
            (registration,) = [cs for cs in page.Resources.ColorSpace.values() if cs[1] == "/All"]
            assert registration[0] == "/Separation" and registration[2] == "/DeviceCMYK"
    image = render_page(path, 0, dpi=150)
    px = 150 / 25.4
    # the top-left horizontal mark runs along the trim's top edge, 3 to 8 mm left of the trim
    mark_y = round((228 - 219) * px)
    assert image.getpixel((round(4 * px), mark_y))[0] < 100
    assert image.getpixel((round(4 * px), mark_y + round(2 * px))) == (255, 255, 255)


def test_without_marks_the_media_box_is_trim_plus_bleed(demo_report):
    with pikepdf.open(demo_report.written[0].path) as document:
        for page in document.pages:
            assert "/ColorSpace" not in page.Resources or all(
                cs[1] != "/All" for cs in page.Resources.ColorSpace.values()
            )


def test_a_spot_swatch_becomes_a_separation(campaign_copy, tmp_path):
    from tests.conftest import render_page

    layout_path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8")
    layout_path.write_text(
        layout.replace("navy: [100, 78, 0, 38]", 'navy: {spot: "PANTONE 2747 C", cmyk: [100, 78, 0, 38]}'),
        encoding="utf-8",
    )
    path = _build_one(campaign_copy, tmp_path / "out")
    with pikepdf.open(path) as document:
        spaces = list(document.pages[0].Resources.ColorSpace.values())
        (spot,) = spaces
        assert spot[0] == "/Separation" and str(spot[1]) == "/PANTONE 2747 C" and spot[2] == "/DeviceCMYK"
        assert [float(v) for v in spot[3].C1] == pytest.approx([1, 0.78, 0, 0.38])
        forms = b"".join(x.read_bytes() for x in document.pages[0].Resources.XObject.values() if x.Subtype == "/Form")
        assert b"/CS0 cs 1 scn" in forms
    # the panel still shows navy on screen, through the alternate
    r, g, b = render_page(path, 0, dpi=36).getpixel((40, 8))
    assert b > r and b > g and r < 80


def test_the_default_date_and_a_chosen_one(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_date() == "D:20000101000000Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert pdf_date() == "D:20000101000000Z"  # blank is unset, as reproducible-builds tools take it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdf_date() == "D:20231114221320Z"


@pytest.mark.parametrize("setting", ["yesterday", "-5", "1.5e9", "2023-11-14", "99999999999999999999", "٣"])
def test_a_malformed_source_date_epoch_is_one_line_naming_the_variable(monkeypatch, capsys, setting):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", setting)
    assert main(["check", str(DEMO), "--jobs", "1"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"leaflet: error: SOURCE_DATE_EPOCH: '{setting}' is not a date leaflet can use: ")
    assert line.endswith("(set it to e.g. $(date +%s) or 946684800, or unset it for the default date (2000-01-01))")


def test_the_output_intent_can_name_fogra39_without_embedding_its_profile(campaign_copy, tmp_path, print_file):
    from leaflet import check_campaign

    layout_path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8")
    layout_path.write_text(layout.replace("\npages:\n", "\npress:\n  output_intent: named\n\npages:\n"), "utf-8")
    path = _build_one(campaign_copy, tmp_path / "out")
    with pikepdf.open(path) as document:
        assert document.check_pdf_syntax() == []
        (intent,) = document.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "/DestOutputProfile" not in intent
        assert not any(
            "/N" in obj and obj.get("/Type") is None and len(obj.read_raw_bytes()) > 500_000
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and "/Subtype" not in obj
        )
    saved = print_file.path.stat().st_size - path.stat().st_size
    assert 0.75e6 < saved < 0.8e6  # the profile's 0.78 MB
    assert [
        f for f in check_campaign(campaign_copy, ward_codes=["W05000981"]).findings if f.rule == "output-intent"
    ] == []
