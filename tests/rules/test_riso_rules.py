"""leaflet.rules.riso: every Riso rule has a case that breaks exactly it, on the example leaflet;
the example itself checks clean."""

from __future__ import annotations

import yaml
from leaflet.rules.catalogue import RULES
from leaflet.rules.riso import composite_qr_findings
from leaflet.runs.prepare import load
from leaflet.runs.riso import prepare_riso
from PIL import Image

from tests.conftest import DEMO, ROOT


def _findings(campaign_dir, ward_code="E05011111"):
    campaigns, wards = load(campaign_dir, ward_codes=[ward_code])
    run = prepare_riso(campaigns, wards)
    leaflet, findings = run.check(wards[0])
    return run, leaflet, findings


def _with_riso(campaign_copy, change) -> None:
    path = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    layout = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(layout["riso"])
    path.write_text(yaml.safe_dump(layout, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_example_checks_clean_on_the_riso():
    campaigns, wards = load(DEMO)
    run = prepare_riso(campaigns, wards)
    for ward in wards:
        _, findings = run.check(ward)
        assert findings == [], ward.code


def test_the_riso_rules_are_in_the_catalogue_and_every_rule_in_the_readme():
    assert {"riso-printable-area", "riso-solid", "riso-tint-text"} <= set(RULES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in readme, rule


def test_artwork_the_machine_cannot_reach_is_an_error(campaign_copy):
    _with_riso(campaign_copy, lambda riso: riso["frames"].update({"banner-band": {"box_mm": [1, 124, 140, 13]}}))
    _, _, findings = _findings(campaign_copy)
    (finding,) = [f for f in findings if f.rule == "riso-printable-area"]
    assert (finding.severity, finding.page, finding.frame) == ("error", "front", "banner-band")
    assert finding.message.startswith("reaches 1.7 mm outside the area the Riso prints (the sheet less 5 mm at the ")


def test_a_saturated_fill_near_the_edge_is_a_warning(campaign_copy):
    _with_riso(
        campaign_copy,
        lambda riso: riso["frames"].update({"banner-band": {"box_mm": [4, 124, 140, 13], "fill": "navy"}}),
    )
    _, _, findings = _findings(campaign_copy)
    (finding,) = [f for f in findings if f.rule == "riso-printable-area"]
    assert (finding.severity, finding.frame) == ("warning", "banner-band")
    assert "within 3 mm of the printable edge" in finding.message


def test_a_large_solid_above_85_percent_is_an_error(campaign_copy):
    _with_riso(campaign_copy, lambda riso: riso["swatches"].update({"navy": {"drum": "blue", "tint": 100}}))
    _, _, findings = _findings(campaign_copy)
    solids = [f for f in findings if f.rule == "riso-solid"]
    assert {f.frame for f in solids} == {"top-panel"}
    assert solids[0].severity == "error"
    assert "fill at 100% on the blue drum, over 85%" in solids[0].message


def test_small_text_on_a_photo_or_in_a_tint_is_a_warning(campaign_copy):
    def change(riso):
        riso["styles"]["credit"] = {"size_pt": 6, "leading_pt": 7}  # on the photo
        riso["frames"]["hero-credit"] = {"box_mm": [70, 118, 73, 4]}
        riso["styles"]["imprint"] = {"colour": "navy"}  # 6.5 pt in an 85% tint

    _with_riso(campaign_copy, change)
    _, _, findings = _findings(campaign_copy)
    tints = {f.frame: f for f in findings if f.rule == "riso-tint-text"}
    assert set(tints) == {"hero-credit", "imprint"}
    assert all(f.severity == "warning" for f in tints.values())
    assert "at 6.00 pt on a photo, under 7 pt" in tints["hero-credit"].message
    assert "6.50 pt printed in a 85% tint" in tints["imprint"].message


def test_a_qr_code_that_does_not_read_from_the_composite_is_an_error():
    run, leaflet, _ = _findings(DEMO)
    blank = Image.new("RGB", (1754, 1241), "white")
    (finding,) = composite_qr_findings(blank, 150, leaflet, run.plan)
    assert (finding.rule, finding.severity, finding.frame) == ("qr-decode", "error", "signup-qr")
    assert "decodes to 'nothing'" in finding.message
