"""Preflight: one small case per rule that breaks exactly that rule, and the example checks clean."""

from __future__ import annotations

import json

import pytest
from leaflet.assets.fonts import load_metrics
from leaflet.commands.check import check_campaign, findings_json, findings_table
from leaflet.model import (
    BoxPt,
    Cmyk,
    FilledBox,
    FontFace,
    GlyphRun,
    LaidOutFrame,
    LaidOutLeaflet,
    LaidOutPage,
    PlacedImage,
    PlacedQr,
    TextLine,
    mm_to_pt,
)
from leaflet.rules.catalogue import RULES
from leaflet.rules.laid_out import LaidOutRules
from leaflet.rules.print_file import print_file_findings
from leaflet.runs.prepare import load, prepare_run
from leaflet.ward.qr import qr_modules
from leaflet.write import pdf

from tests.conftest import DEMO, INPUTS, ROOT

REGULAR = load_metrics(FontFace("Sans", False, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf"))


@pytest.fixture(scope="module")
def demo_run():
    campaigns, wards = load(DEMO)
    return prepare_run(campaigns, wards[:1]), wards[0]


@pytest.fixture(scope="module")
def checker(demo_run):
    run, _ = demo_run
    return LaidOutRules(run.campaign.layout, run.layout.metrics)


def _leaflet(ward, *items, name="test-frame", static=False):
    frame = LaidOutFrame(name, BoxPt(0, 0, 10, 10), tuple(items), static)
    return LaidOutLeaflet(ward, "t", "https://example.org", (LaidOutPage("front", (frame,)),))


def _rules(checker, ward, *items, **options):
    return [(f.severity, f.rule, f.frame, f.ward) for f in checker.check(_leaflet(ward, *items, **options))]


def _text(x_pt, y_pt, size_pt=9.0, text="Vote"):
    shaped = REGULAR.shape(text)
    run = GlyphRun("Sans-Regular", size_pt, Cmyk(0, 0, 0, 1), x_pt, text, shaped.glyphs, shaped.advances)
    return TextLine(y_pt, 20, (run,))


SAFE = mm_to_pt(5)
BLEED = mm_to_pt(3)
W, H = mm_to_pt(148), mm_to_pt(210)


def test_clean_items_give_no_findings(checker, demo_run):
    _, ward = demo_run
    assert (
        _rules(checker, ward, _text(100, 100), FilledBox(BoxPt(-BLEED, -BLEED, W + 2 * BLEED, 50), Cmyk(1, 0.5, 0, 0)))
        == []
    )


def test_text_below_6_pt(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, _text(100, 100, size_pt=5.5)) == [("error", "text-size", "test-frame", ward.code)]


def test_text_outside_the_safe_area(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, _text(SAFE - 3, 100)) == [("error", "safe-area", "test-frame", ward.code)]
    assert _rules(checker, ward, _text(100, H - SAFE - 2)) == [("error", "safe-area", "test-frame", ward.code)]


def test_a_panel_that_stops_at_the_trim_instead_of_the_bleed(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, FilledBox(BoxPt(0, 100, 100, 50), Cmyk(1, 0, 0, 0))) == [
        ("error", "bleed", "test-frame", ward.code)
    ]
    # inside the safe area, a panel need not bleed
    assert _rules(checker, ward, FilledBox(BoxPt(SAFE, 100, 100, 50), Cmyk(1, 0, 0, 0))) == []


def test_a_hairline(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, FilledBox(BoxPt(100, 100, 50, 50), None, Cmyk(0, 0, 0, 1), 0.1)) == [
        ("error", "thin-line", "test-frame", ward.code)
    ]


def test_total_ink_over_300_percent(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, FilledBox(BoxPt(100, 100, 50, 50), Cmyk(1, 1, 1, 0.5))) == [
        ("error", "total-ink", "test-frame", ward.code)
    ]


def test_low_resolution_photos(checker, demo_run):
    _, ward = demo_run
    photo = INPUTS / "exif-rotated.jpg"  # 200 x 300 px as displayed
    # 200 px over 0.8 inch = 250 ppi: a warning; over 1.5 inches = 133 ppi: an error
    soft = PlacedImage("hero", photo, BoxPt(100, 100, 0.8 * 72, 1.2 * 72), BoxPt(100, 100, 0.8 * 72, 1.2 * 72))
    poor = PlacedImage("hero", photo, BoxPt(100, 100, 1.5 * 72, 2.25 * 72), BoxPt(100, 100, 1.5 * 72, 2.25 * 72))
    assert _rules(checker, ward, soft) == [("warning", "image-resolution", "test-frame", ward.code)]
    assert _rules(checker, ward, poor) == [("error", "image-resolution", "test-frame", ward.code)]


def _qr(module_mm=0.7, quiet=4, x_pt=100.0):
    modules = qr_modules("https://example.org/x")
    return PlacedQr("https://example.org/x", x_pt, 100, mm_to_pt(module_mm), quiet, modules)


def test_qr_geometry(checker, demo_run):
    _, ward = demo_run
    assert _rules(checker, ward, _qr()) == []
    assert (
        _rules(checker, ward, _qr(module_mm=0.35)) == [("error", "qr-geometry", "test-frame", ward.code)] * 2
    )  # small modules, small code
    assert _rules(checker, ward, _qr(quiet=2)) == [("error", "qr-geometry", "test-frame", ward.code)]
    assert _rules(checker, ward, _qr(x_pt=1)) == [("error", "safe-area", "test-frame", ward.code)]


def test_an_imprint_without_its_parts(checker, demo_run):
    _, ward = demo_run
    found = _rules(checker, ward, _text(100, 100, text="Printed by somebody."), name="imprint")
    assert found == [("error", "imprint", "imprint", ward.code)]


def test_shared_frames_are_checked_once(checker, demo_run):
    _, ward = demo_run
    frame = LaidOutFrame("panel", BoxPt(0, 0, 10, 10), (FilledBox(BoxPt(0, 100, 100, 50), Cmyk(1, 0, 0, 0)),), True)
    leaflet = LaidOutLeaflet(ward, "t", "u", (LaidOutPage("front", (frame,)),))
    first, second = checker.check(leaflet), checker.check(leaflet)
    assert first == second and [f.rule for f in first] == ["bleed"]
    assert checker._shared[id(frame)][1] is not None


# ---------------------------------------------------------------- the written file


NAMED_FOGRA39 = {
    "Type": pdf.Name("OutputIntent"),
    "S": pdf.Name("GTS_PDFX"),
    "OutputConditionIdentifier": "FOGRA39",
    "RegistryName": "http://www.color.org",
}


def _one_page_pdf(content: bytes, resources: dict, intents: list | None = None, extra: dict | None = None) -> bytes:
    body = pdf.Body()
    intents = [NAMED_FOGRA39] if intents is None else intents
    body.add(1, pdf.indirect(1, {"Type": pdf.Name("Catalog"), "Pages": pdf.Ref(2), "OutputIntents": intents}))
    shared = pdf.SharedPart.from_body(body)
    own = pdf.Body(len(shared.head))
    own.add(2, pdf.indirect(2, {"Type": pdf.Name("Pages"), "Kids": [pdf.Ref(3)], "Count": 1}))
    own.add(
        3,
        pdf.indirect(
            3,
            {
                "Type": pdf.Name("Page"),
                "Parent": pdf.Ref(2),
                "MediaBox": [0, 0, 100, 100],
                "Resources": resources,
                "Contents": pdf.Ref(4),
            },
        ),
    )
    own.add(4, pdf.stream(4, {}, content))
    own.add(5, pdf.indirect(5, {"Title": "t"}))
    for number, serialised in (extra or {}).items():
        own.add(number, serialised)
    return shared.head + pdf.file_tail(shared, own, 1, 5)


def _file_rules(checker, ward, data):
    return sorted({f.rule for f in print_file_findings(data, ward.code)})


def test_rgb_colour_in_a_content_stream(checker, demo_run):
    _, ward = demo_run
    assert _file_rules(checker, ward, _one_page_pdf(b"1 0 0 rg 0 0 10 10 re f", {})) == ["rgb-colour"]
    assert _file_rules(checker, ward, _one_page_pdf(b"0 0 0 1 k 0 0 10 10 re f", {})) == []


def test_a_font_that_is_not_embedded(checker, demo_run):
    _, ward = demo_run
    helvetica = {
        "Font": {"F1": {"Type": pdf.Name("Font"), "Subtype": pdf.Name("Type1"), "BaseFont": pdf.Name("Helvetica")}}
    }
    assert _file_rules(checker, ward, _one_page_pdf(b"BT /F1 9 Tf (x) Tj ET", helvetica)) == ["font-embedding"]


def test_transparency(checker, demo_run):
    _, ward = demo_run
    faded = {"ExtGState": {"G1": {"Type": pdf.Name("ExtGState"), "ca": 0.5}}}
    assert _file_rules(checker, ward, _one_page_pdf(b"/G1 gs 0 0 0 1 k 0 0 10 10 re f", faded)) == ["transparency"]


ICC_HEADERS = {"cmyk": b"\0" * 16 + b"CMYK" + b"\0" * 108, "rgb": b"\0" * 16 + b"RGB " + b"\0" * 108}


@pytest.mark.parametrize(
    "intent, profile, rules",
    [
        (NAMED_FOGRA39, None, []),
        (NAMED_FOGRA39, "cmyk", []),
        (NAMED_FOGRA39, "rgb", ["output-intent"]),
        ({**NAMED_FOGRA39, "OutputConditionIdentifier": "Our press"}, None, ["output-intent"]),
        ({**NAMED_FOGRA39, "RegistryName": "http://example.org"}, None, ["output-intent"]),
        ({**NAMED_FOGRA39, "S": pdf.Name("GTS_PDFA1")}, None, ["output-intent"]),
    ],
    ids=["named", "embedded", "rgb profile", "unregistered name", "other registry", "not pdfx"],
)
def test_the_output_intent_embeds_a_cmyk_profile_or_names_a_registered_condition(
    checker, demo_run, intent, profile, rules
):
    _, ward = demo_run
    extra = {}
    if profile:
        intent = {**intent, "DestOutputProfile": pdf.Ref(6)}
        extra[6] = pdf.stream(6, {"N": 4}, ICC_HEADERS[profile])
    assert _file_rules(checker, ward, _one_page_pdf(b"0 0 0 1 k 0 0 10 10 re f", {}, [intent], extra)) == rules
    if not rules:
        assert _file_rules(checker, ward, _one_page_pdf(b"", {}, [intent, intent], extra)) == ["output-intent"]
    assert _file_rules(checker, ward, _one_page_pdf(b"", {}, [])) == ["output-intent"]


# ---------------------------------------------------------------- whole campaigns


@pytest.fixture(scope="module")
def demo_check():
    return check_campaign(DEMO)


def test_the_example_checks_clean(demo_check):
    assert demo_check.failing() == () and demo_check.findings == ()
    assert len(demo_check.wards) >= 12


def test_the_json_is_stable_and_documented(demo_check):
    document = json.loads(findings_json(demo_check))
    assert list(document) == ["campaign", "wards_checked", "errors", "warnings", "findings"]
    assert document["errors"] == 0 and document["wards_checked"] == len(demo_check.wards)
    for finding in document["findings"]:
        assert list(finding) == ["severity", "rule", "message", "ward", "page", "frame"]
        assert finding["rule"] in RULES
    assert findings_json(demo_check) == findings_json(check_campaign(DEMO))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("wards_checked", "severity", "rule", "frame"):
        assert f"`{key}`" in readme


def test_the_table_groups_by_rule(demo_check):
    from leaflet.model import Finding

    findings = [
        Finding("warning", "text-shrunk", "text set at 96% of its style's size to fit", "A1", "back", "local-focus"),
        Finding("error", "bleed", "stops 3.0 mm short of the bleed at the left edge", "A1", "front", "panel"),
        Finding("warning", "text-shrunk", "text set at 90% of its style's size to fit", "B2", "back", "local-focus"),
    ]
    lines = findings_table(findings, 2).splitlines()
    assert lines[0] == f"ERROR   bleed: 1 finding(s) in 1 ward(s) — {RULES['bleed']}"
    assert lines[2] == f"WARNING text-shrunk: 2 finding(s) in 2 ward(s) — {RULES['text-shrunk']}"
    assert lines[3] == "          A1 back 'local-focus': text set at 96% of its style's size to fit"
    assert lines[-1] == "checked 2 ward(s): 1 error(s), 2 warning(s)"
    assert (
        findings_table(demo_check.findings, len(demo_check.wards))
        == f"checked {len(demo_check.wards)} ward(s): 0 error(s), 0 warning(s)"
    )


def test_a_qr_code_covered_by_a_panel_does_not_decode(campaign_copy, tmp_path):
    layout_path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8").replace(
        "    - {type: imprint, name: imprint",
        "    - {type: shape, name: sticker, box_mm: [118, 163, 12, 12], fill: yellow}\n    - {type: imprint, name: "
        "imprint",
    )
    layout_path.write_text(layout, encoding="utf-8")
    report = check_campaign(campaign_copy, ward_codes=["W05000981"])
    assert [(f.rule, f.ward, f.frame) for f in report.failing()] == [("qr-decode", "W05000981", "signup-qr")]


def test_a_character_the_font_lacks_fails_that_ward(campaign_copy):
    wards = campaign_copy / "wards.csv"
    wards.write_text(
        "code,name,organiser,households,local_priority\nA1,Snow ☃ Hill,Ann,10,x\nB2,Glan,Bob,20,y\n", encoding="utf-8"
    )
    report = check_campaign(campaign_copy)
    failing = report.failing()
    assert {(f.rule, f.ward) for f in failing} == {("missing-glyph", "A1")}
    assert "'☃' (U+2603)" in failing[0].message


def test_an_address_too_long_for_the_code_says_how_long_it_may_be(checker, demo_run):
    _, ward = demo_run
    url = "https://www.example.org/sign-up?ward=" + "x" * 300
    modules = qr_modules(url)
    size = mm_to_pt(27)
    code = PlacedQr(url, 100, 100, size / (len(modules) + 8), 4, modules)
    (finding,) = checker.check(_leaflet(ward, code))
    assert finding.rule == "qr-geometry"
    assert "the sign-up address has 337 characters, and a 27 mm code holds at most 213" in finding.message


def _font_without(tmp_path, characters: str):
    """Noto Sans Regular less some characters: a family that lacks them, made for the test."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf")
    keep = [code for code in font.getBestCmap() if chr(code) not in characters]
    options = subset.Options()
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    path = tmp_path / "fonts" / "Lacking.ttf"
    font.save(path)
    return path


def test_a_fallback_font_draws_what_the_family_lacks(campaign_copy):
    project = campaign_copy.parent.parent
    _font_without(project, "ŵŷ")
    layout_path = project / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8")
    layout = layout.replace("fonts:\n  Sans:\n", "fonts:\n  Lacking: {regular: ../fonts/Lacking.ttf}\n  Sans:\n")
    layout = layout.replace("banner:         {font: Sans,", "banner:         {font: Lacking,")
    layout_path.write_text(layout, encoding="utf-8")
    failing = check_campaign(campaign_copy, ward_codes=["W05000981"]).failing()
    assert [(f.rule, f.frame) for f in failing] == [("missing-glyph", "ward-banner")]
    assert "cannot draw 'ŵ' (U+0175) from column 'name' (wards.csv line 2)" in failing[0].message

    layout_path.write_text(layout.replace("fallback_fonts: [", "fallback_fonts: [Sans, ", 1), encoding="utf-8")
    assert check_campaign(campaign_copy, ward_codes=["W05000981"]).failing() == ()
    import pypdf
    from leaflet import build

    (result,) = build(campaign_copy, campaign_copy / "out", ward_codes=["W05000981"]).written
    assert "Gŵyr · eich trefnydd lleol yw Siân Ffion Hughes" in pypdf.PdfReader(result.path).pages[0].extract_text()
