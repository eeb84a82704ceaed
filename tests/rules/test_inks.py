"""The registration rules: small light text reversed out of several inks or a photo, small text
of several inks; each with a case that breaks exactly it and one beside it that does not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from leaflet.assets.fonts import load_metrics
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
    TextLine,
    Thresholds,
)
from leaflet.rules.inks import InkRules
from leaflet.runs.prepare import load, prepare_run

from tests.conftest import DEMO, ROOT

WHITE, BLACK = Cmyk(0, 0, 0, 0), Cmyk(0, 0, 0, 1)
NAVY, YELLOW, SKY = Cmyk(1, 0.78, 0, 0.38), Cmyk(0, 0.12, 1, 0), Cmyk(0.12, 0.04, 0, 0)
CYAN, RICH_BLACK = Cmyk(1, 0, 0, 0), Cmyk(0.6, 0.4, 0.4, 1)
FACES = {
    False: load_metrics(FontFace("Sans", False, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf")),
    True: load_metrics(FontFace("Sans", True, False, ROOT / "fonts" / "NotoSans" / "NotoSans-Bold.ttf")),
}
PANEL = BoxPt(0, 0, 300, 100)


@pytest.fixture(scope="module")
def demo():
    campaigns, wards = load(DEMO)
    run = prepare_run(campaigns, wards[:1])
    return run, wards[0]


def _line(size_pt: float, colour: Cmyk, bold: bool = False, text: str = "Scan to sign up") -> TextLine:
    shaped = FACES[bold].shape(text)
    font = "Sans-Bold" if bold else "Sans-Regular"
    return TextLine(50, 100, (GlyphRun(font, size_pt, colour, 20, text, shaped.glyphs, shaped.advances),))


def _findings(demo, line: TextLine, *under, thresholds: Thresholds | None = None, static: bool = False):
    run, ward = demo
    frames = [LaidOutFrame(f"under-{i}", PANEL, (item,), static) for i, item in enumerate(under)]
    frames.append(LaidOutFrame("words", PANEL, (line,), static))
    leaflet = LaidOutLeaflet(ward, "t", "u", (LaidOutPage("back", tuple(frames)),))
    rules = InkRules(run.campaign.layout, run.layout.metrics, thresholds or Thresholds())
    return [(f.rule, f.page, f.frame, f.ward) for f in rules.check(leaflet)]


def _photo(demo) -> PlacedImage:
    run, _ = demo
    return PlacedImage("hero", run.campaign.images["hero"], PANEL, PANEL)


REVERSED = [("reversed-text", "back", "words", "W05000981")]
MULTI_INK = [("multi-ink-text", "back", "words", "W05000981")]


@pytest.fixture(autouse=True)
def _ward_code(demo):
    assert demo[1].code == "W05000981"


def test_small_white_text_on_three_ink_navy_is_reversed_text(demo):
    assert _findings(demo, _line(8.5, WHITE), FilledBox(PANEL, NAVY)) == REVERSED  # regular, under 10
    assert _findings(demo, _line(7, WHITE, bold=True), FilledBox(PANEL, NAVY)) == REVERSED  # bold, under 8


def test_large_enough_or_bold_enough_white_text_is_not(demo):
    assert _findings(demo, _line(10, WHITE), FilledBox(PANEL, NAVY)) == []
    assert _findings(demo, _line(8, WHITE, bold=True), FilledBox(PANEL, NAVY)) == []


def test_a_photo_counts_as_several_inks(demo):
    assert _findings(demo, _line(6, WHITE), _photo(demo)) == REVERSED
    assert _findings(demo, _line(6, BLACK), _photo(demo)) == []  # dark text on a photo is not reversed


def test_a_background_of_one_ink_or_paper_is_not_a_registration_risk(demo):
    assert _findings(demo, _line(6, WHITE), FilledBox(PANEL, CYAN)) == []
    assert _findings(demo, _line(6, WHITE, bold=True), FilledBox(PANEL, BLACK)) == []
    assert _findings(demo, _line(6, WHITE)) == []  # on paper


def test_light_text_counts_as_reversed_and_dark_text_on_a_light_ground_does_not(demo):
    assert _findings(demo, _line(9, YELLOW, bold=True), FilledBox(PANEL, NAVY)) == MULTI_INK  # bold at 9: only its inks
    assert _findings(demo, _line(7, YELLOW, bold=True), FilledBox(PANEL, NAVY)) == REVERSED + MULTI_INK
    assert _findings(demo, _line(7, BLACK), FilledBox(PANEL, SKY)) == []  # dark on a light mix of two inks
    assert _findings(demo, _line(7, SKY), FilledBox(PANEL, YELLOW)) == MULTI_INK  # sky on yellow: not darker


def test_what_shows_under_the_text_is_the_topmost_fill(demo):
    sky_box_on_navy = (FilledBox(PANEL, NAVY), FilledBox(PANEL, CYAN))
    assert _findings(demo, _line(6, WHITE), *sky_box_on_navy) == []  # the cyan box hides the navy
    beside = FilledBox(BoxPt(0, 0, 10, 100), NAVY)  # navy only where the text does not reach
    assert _findings(demo, _line(6, WHITE), beside) == []
    half = FilledBox(BoxPt(0, 0, 50, 100), NAVY)  # navy under part of the words
    assert _findings(demo, _line(6, WHITE), half) == REVERSED


def test_small_text_of_several_inks(demo):
    assert _findings(demo, _line(9, NAVY)) == MULTI_INK
    assert _findings(demo, _line(9.99, RICH_BLACK, bold=True)) == MULTI_INK  # bold does not help registration
    assert _findings(demo, _line(10, NAVY)) == []
    assert _findings(demo, _line(6.5, BLACK)) == []
    assert _findings(demo, _line(6.5, Cmyk(0, 0, 0, 0.5, "PANTONE 2747 C"))) == []  # a spot ink is one ink


def test_the_thresholds_come_from_the_layout_preflight(demo):
    lower = Thresholds(reversed_text_min_pt=6, reversed_text_regular_min_pt=8, multi_ink_text_min_pt=9)
    assert _findings(demo, _line(8.5, WHITE), FilledBox(PANEL, NAVY), thresholds=lower) == []
    assert _findings(demo, _line(9, NAVY), thresholds=lower) == []
    assert _findings(demo, _line(7.9, WHITE), FilledBox(PANEL, NAVY), thresholds=lower) == REVERSED


def test_one_finding_per_rule_and_frame_and_shared_frames_are_checked_once(demo):
    run, ward = demo
    line = _line(6, WHITE)
    two_lines = LaidOutFrame("words", PANEL, (line, replace(line, baseline_pt=30)), True)
    under = LaidOutFrame("panel", PANEL, (FilledBox(PANEL, NAVY),), True)
    leaflet = LaidOutLeaflet(ward, "t", "u", (LaidOutPage("back", (under, two_lines)),))
    rules = InkRules(run.campaign.layout, run.layout.metrics, Thresholds())
    assert [f.rule for f in rules.check(leaflet)] == ["reversed-text"]
    assert len(rules._shared) == 1 and rules.check(leaflet) == rules.check(leaflet)


def test_the_example_checks_clean_but_its_credit_on_the_photo_would_not(campaign_copy):
    from leaflet.commands.check import check_campaign

    assert check_campaign(campaign_copy, ward_codes=["E05011111"]).findings == ()
    layout_path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8")
    for old, new in {
        "leading_pt: 7, colour: black, align: right": "leading_pt: 7, colour: white, align: right",
        "box_mm: [70, 137.6, 68, 4], slot: hero_credit": "box_mm: [70, 118, 73, 4], slot: hero_credit",
    }.items():
        assert old in layout
        layout = layout.replace(old, new)
    layout_path.write_text(layout, encoding="utf-8")
    findings = check_campaign(campaign_copy, ward_codes=["E05011111"]).findings
    assert [(f.rule, f.page, f.frame) for f in findings] == [("reversed-text", "front", "hero-credit")]
    assert "6 pt regular light text" in findings[0].message and "a photo" in findings[0].message
