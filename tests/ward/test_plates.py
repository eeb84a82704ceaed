"""Which printing plates differ from ward to ward: worked out from the layout, and checked against
Ghostscript's separations (tiffsep) of real print files: a plate said to be shared is the same
pixels in two wards' files, a plate said to differ is not."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from leaflet import build
from leaflet.cli import main
from leaflet.runs.prepare import load, prepare_run
from leaflet.ward.plates import plate_plan, ward_changeable
from PIL import Image

from tests.conftest import DEMO

PLATES = {"C": "Cyan", "M": "Magenta", "Y": "Yellow", "K": "Black"}
ENGLISH = ["S13002921", "E05009308"]  # two wards of one language: the same static frames


def _separations(pdf: Path, folder: Path) -> dict[tuple[int, str], bytes]:
    """Each page's plates as Ghostscript separates them, by (page, plate)."""
    folder.mkdir(parents=True)
    options = ["-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", "-r36", f"-sOutputFile={folder}/p%d.tif"]
    subprocess.run(["gs", *options, str(pdf)], check=True)
    return {
        (page, plate): Image.open(folder / f"p{page}({name}).tif").tobytes()
        for page in (1, 2)
        for plate, name in PLATES.items()
    }


def _differing(report, folder: Path) -> set[str]:
    files = {r.ward.code: r.path for r in report.written}
    first, second = (_separations(files[code], folder / code) for code in ENGLISH)
    return {plate for (_, plate), pixels in first.items() if second[_, plate] != pixels}


def _black_plate_design(campaign: Path) -> None:
    """The example with every word a ward changes in 100% K on paper white, and no photo an
    organiser may replace."""
    layout = campaign.parent.parent / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    for old, new in (
        ("colour: navy, align: center, min_size_pt: 7.5}", "colour: black, align: center, min_size_pt: 7.5}"),
        ("leading_pt: 10.5, colour: white", "leading_pt: 10.5, colour: black"),
        ("box_mm: [-3, 124, 154, 13], fill: yellow}", "box_mm: [-3, 124, 154, 13], fill: white}"),
        ("valign: middle, fill: sky, padding_mm", "valign: middle, padding_mm"),
        ("box_mm: [-3, 153, 154, 41], fill: navy}", "box_mm: [-3, 153, 154, 41], fill: white}"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    layout.write_text(text, encoding="utf-8")
    settings = campaign / "campaign.yaml"
    text = settings.read_text(encoding="utf-8")
    start, end = text.index("  photos:\n    second:"), text.index("\n\n# With this")
    settings.write_text(text[:start] + text[end:], encoding="utf-8")


def test_the_example_changes_every_plate_and_says_so(tmp_path, ghostscript):
    report = build(DEMO, tmp_path / "out", ward_codes=ENGLISH)
    summary = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["plates"]
    assert summary["plates"] == ["C", "M", "Y", "K"]
    assert summary["differ_from_ward_to_ward"]["Y"] == ["back-photo", "ward-banner"]  # navy words knock out yellow
    assert summary["differ_from_ward_to_ward"]["K"][-1] == "ward-banner"
    assert "signup-qr" not in summary["differ_from_ward_to_ward"]["C"]  # the code's white hides the navy panel
    assert summary["same_for_every_ward"] == [] and summary["black_plate_changes"] is False
    assert "headline" in summary["differ_between_languages"]["K"]  # the print order has Welsh wards too
    assert _differing(report, tmp_path / "plates") == {"C", "M", "Y", "K"}


def test_ward_words_in_100_k_on_paper_make_a_run_of_black_plate_changes(campaign_copy, tmp_path, capsys, ghostscript):
    _black_plate_design(campaign_copy)
    out = tmp_path / "out"
    assert main(["build", str(campaign_copy), "--out", str(out), *(f"--ward={code}" for code in ENGLISH)]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("plates:"))
    assert line == (
        "plates: K differs from ward to ward (local-focus, signup-qr, signup-text, ward-banner); "
        "C, M, Y are the same for every ward of a language (2 languages): black-plate changes"
    )
    summary = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["plates"]
    assert summary["same_for_every_ward"] == ["C", "M", "Y"] and summary["black_plate_changes"] is True
    report = build(campaign_copy, tmp_path / "again", ward_codes=ENGLISH)
    assert _differing(report, tmp_path / "plates") == {"K"}


def _plan(campaign: Path, black_overprints: bool = False):
    campaigns, wards = load(campaign)
    run = prepare_run(campaigns, wards)
    changeable = {lang: ward_changeable(plan, run.columns, run.campaign.local) for lang, plan in run.plans.items()}
    return plate_plan(run.campaign.layout, run.samples, changeable, run.layout.ward_url, black_overprints)


def test_black_that_overprints_leaves_the_tint_beneath_alone(campaign_copy):
    _black_plate_design(campaign_copy)
    layout = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("valign: middle, padding_mm", "valign: middle, fill: sky, padding_mm"), "utf-8")
    assert _plan(campaign_copy).per_ward == {
        "C": ("local-focus",),
        "M": ("local-focus",),
        "K": ("local-focus", "signup-qr", "signup-text", "ward-banner"),
    }
    assert list(_plan(campaign_copy, black_overprints=True).per_ward) == ["K"]


def test_a_photo_a_ward_column_names_may_change_every_process_plate(campaign_copy):
    _black_plate_design(campaign_copy)
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    wards.write_text("\n".join([lines[0] + ",hero", *(line + "," for line in lines[1:])]) + "\n", encoding="utf-8")
    plan = _plan(campaign_copy)
    assert list(plan.per_ward) == ["C", "M", "Y", "K"]
    assert all("hero-photo" in frames for frames in plan.per_ward.values())


def test_a_spot_ink_in_ward_words_is_a_plate_that_differs(campaign_copy):
    layout = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(
        text.replace("navy: [100, 78, 0, 38]", 'navy: {spot: "PANTONE 2747 C", cmyk: [100, 78, 0, 38]}'), "utf-8"
    )
    plan = _plan(campaign_copy)
    assert plan.plates[-1] == "PANTONE 2747 C"
    # navy words, and white ones that knock the navy panel out (the local text is 100% K)
    assert plan.per_ward["PANTONE 2747 C"] == ("signup-text", "ward-banner")
    assert "C" in plan.per_ward  # the photo an organiser may replace
