"""leaflet build --for riso on the example, end to end: its masters read back and rendered, the
composite against the press file, the master count the layout implies, the print bill and the
spending limit against a hand calculation."""

from __future__ import annotations

import csv
import io
import json

import pikepdf
import pypdfium2
import pytest
import yaml
from leaflet import build
from leaflet.cli import main
from leaflet.commands.approve import approve
from leaflet.commands.riso import build_riso
from leaflet.errors import InputError
from leaflet.model import pt_to_mm
from leaflet.runs.prepare import load
from leaflet.runs.riso import prepare_riso
from leaflet.ward.imposition import to_sheet
from PIL import Image, ImageChops

from tests.conftest import DEMO, render_page

RENDER_DPI = 72


@pytest.fixture(scope="module")
def riso(tmp_path_factory):
    return build_riso(DEMO, tmp_path_factory.mktemp("riso"))


@pytest.fixture(scope="module")
def plan():
    campaigns, wards = load(DEMO)
    return prepare_riso(campaigns, wards).plan


def _rows(report):
    rows = list(csv.DictReader(io.StringIO((report.out_dir / "manifest.csv").read_text(encoding="utf-8-sig"))))
    return rows[:-1], rows[-1]


def test_the_masters_are_what_the_layout_implies(riso):
    # Ward words print in black: a black master a ward.  The blue drum carries only what every ward
    # of a language shares (panels, tints, the knocked-out headline in that language): one for the
    # English wards, one for the Welsh.
    assert riso.masters == {"black": 14, "blue": 2} and riso.masters_total == 16
    for drum, count in riso.masters.items():
        with pikepdf.open(riso.drum_files[drum]) as pdf:
            assert len(pdf.pages) == count
            assert pdf.check_pdf_syntax() == []


def test_the_manifest_says_which_masters_a_ward_shares_and_which_are_its_own(riso):
    rows, total = _rows(riso)
    assert len(rows) == 14 and total["masters"] == "16 masters"
    welsh = [row for row in rows if row["code"] in ("W05000981", "W05001215", "W05000870")]
    assert {row["shared"] for row in welsh} == {"blue 1 (3 wards)"}
    english = [row for row in rows if row not in welsh]
    assert {row["shared"] for row in english} == {"blue 2 (11 wards)"}
    assert sorted(row["own"] for row in rows) == sorted(f"black {n}" for n in range(1, 15))
    document = json.loads((riso.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert document["masters"] == 16 and document["sheet"]["method"] == "work-and-turn"
    assert document["drums"]["blue"] == {"ink": "RISO Medium Blue", "file": "pcc-2021-riso-blue.pdf", "masters": 2}
    gwyr = next(ward for ward in document["wards"] if ward["code"] == "W05000981")
    assert gwyr["masters"] == [
        {"drum": "black", "page": 1, "master": "black 1", "wards": 1, "shared": "own"},
        {"drum": "blue", "page": 1, "master": "blue 1", "wards": 3, "shared": "3 wards"},
    ]
    assert (gwyr["households"], gwyr["copies"], gwyr["sheets"]) == (2410, 2532, 1266)  # 2530.5 -> whole sheets


def test_the_examples_bill_is_the_one_the_readme_gives(riso, demo_report):
    assert (demo_report.bill.total_pence, f"{demo_report.spending.elections[0].share_percent:.1f}") == (98210, "0.6")
    assert (riso.bill.total_pence, f"{riso.spending.elections[0].share_percent:.1f}") == (27793, "0.2")
    assert sum(row.copies for row in riso.rows) == 42322
    readme = (DEMO.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "£982.10 from the printer (0.6% of the limit) or £277.93 on the Riso" in " ".join(readme.split())


def test_every_ward_has_a_composite_whose_qr_code_reads(riso):
    assert not riso.failed and all(not result.errors for result in riso.results)
    for result in riso.results:
        image = Image.open(result.composite)
        assert image.format == "PNG" and image.mode == "RGB"
        assert image.size == pytest.approx((297 / 25.4 * 150, 210 / 25.4 * 150), abs=1)


def _ink(image: Image.Image) -> Image.Image:
    """Where there is ink (any colour darker than paper), as 255."""
    return image.convert("L").point(lambda value: 255 if value < 235 else 0)


def test_the_separations_composited_back_match_the_press_files_layout(riso, plan, demo_report):
    """Rendered at low resolution, the Riso composite of each page and the press file's page have
    ink in the same places, within the Riso page's artwork area (outside it the Riso leaves paper)."""
    dpi = 36
    result = next(r for r in riso.results if r.ward.code == "E05011111")
    press = next(r for r in demo_report.written if r.ward.code == "E05011111").path
    composite = Image.open(result.composite)
    scale = composite.width / plan.width_pt
    for placement in plan.placements:
        area = to_sheet(placement.matrix, plan.areas[placement.page].artwork)
        top = plan.height_pt - area.top
        riso_page = composite.crop(
            tuple(round(v * scale) for v in (area.x, top, area.right, top + area.height))
        ).resize((round(pt_to_mm(area.width) / 25.4 * dpi), round(pt_to_mm(area.height) / 25.4 * dpi)))
        rendered = render_page(press, placement.page, dpi)
        margin = (rendered.width - round(148 / 25.4 * dpi)) / 2  # the bleed around the trim
        inner = plan.areas[placement.page].artwork
        left = margin + inner.x / 72 * dpi
        upper = margin + (210 / 25.4 * 72 - inner.top) / 72 * dpi
        press_page = rendered.crop(
            (round(left), round(upper), round(left) + riso_page.width, round(upper) + riso_page.height)
        )
        difference = ImageChops.difference(_ink(riso_page), _ink(press_page))
        differing = sum(difference.histogram()[1:]) / (riso_page.width * riso_page.height)
        assert differing < 0.08, (placement.page, differing)


def test_nothing_prints_outside_the_printable_area_of_any_master(riso, plan):
    for path in riso.drum_files.values():
        document = pypdfium2.PdfDocument(str(path))
        try:
            for page in document:
                image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil().convert("L")
                printable = plan.printable
                inside = (
                    int(printable.x * RENDER_DPI / 72),
                    int((plan.height_pt - printable.top) * RENDER_DPI / 72),
                    -int(-printable.right * RENDER_DPI / 72),
                    -int(-(plan.height_pt - printable.y) * RENDER_DPI / 72),
                )
                blank = Image.new("L", image.size, 255)
                blank.paste(image.crop(inside), inside[:2])
                assert ImageChops.difference(image, blank).getbbox() is None, path.name
                assert image.crop(inside).getextrema()[0] < 128  # and inside, something does print
        finally:
            document.close()


def _local_campaign(campaign_copy, **prices):
    """The example as three wards of an English council election, with the example's prices."""
    path = campaign_copy / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["spending_limit"] = {"election": "england-local"}
    data["print_order"].update(prices)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return ["W05000981", "E05011111", "E05010101"]


def test_the_bill_and_limits_of_three_wards_against_a_hand_calculation(campaign_copy, tmp_path):
    wards = _local_campaign(campaign_copy)
    press = build(campaign_copy, tmp_path / "press", ward_codes=wards)
    # households + 5%, in packs of 50, at £1.15 a pack; limit £960 + 8p per elector
    #   Gŵyr        2,410 -> 2,550 (51 packs) £58.65  of £960 + 4,390 x 8p = £1,311.20: 4.5%
    #   St Mary's   4,015 -> 4,250 (85 packs) £97.75  of £960 + 7,180 x 8p = £1,534.40: 6.4%
    #   Brixton     4,480 -> 4,750 (95 packs) £109.25 of £960 + 7,820 x 8p = £1,585.60: 6.9%
    assert {row.code: row.cost for row in press.manifest if row.for_print} == {
        "W05000981": "58.65",
        "E05011111": "97.75",
        "E05010101": "109.25",
    }
    assert press.bill.total_pence == 26565
    limits = {s.ward.code: (s.limit_pence, f"{s.share_percent:.1f}") for s in press.spending.elections}
    assert limits == {"W05000981": (131120, "4.5"), "E05011111": (153440, "6.4"), "E05010101": (158560, "6.9")}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "press" / "manifest.csv").read_text(encoding="utf-8-sig"))))
    assert rows[-1]["cost"] == "265.65"
    assert {row["cost"] for row in rows[:-1] if row["code"] not in wards} == {""}  # not built: costs nothing
    office = build_riso(campaign_copy, tmp_path / "riso", ward_codes=wards)
    # Riso: copies to whole sheets, 0.6p a copy, £1.50 a master; the two English wards share a blue master
    #   Gŵyr        2,532 copies, black + blue (own)      £3.00 + £15.192 = £18.192
    #   St Mary's   4,216 copies, black + half a blue     £2.25 + £25.296 = £27.546
    #   Brixton     4,704 copies, black + half a blue     £2.25 + £28.224 = £30.474
    #   total £76.212 -> £76.21; the spare penny to St Mary's, whose cost lost the most to rounding
    assert {row.ward.code: row.cost for row in office.rows if row.for_print} == {
        "W05000981": "18.19",
        "E05011111": "27.55",
        "E05010101": "30.47",
    }
    assert office.bill.total_pence == 7621 and office.masters == {"black": 3, "blue": 2}


def test_a_bill_over_the_limit_is_refused_before_anything_is_written_unless_told(campaign_copy, tmp_path):
    wards = _local_campaign(campaign_copy, per_pack=30)  # 51 packs at £30 = £1,530: over Gŵyr's £1,311.20
    with pytest.raises(
        InputError, match=r"spending_limit: ward W05000981 \(Gŵyr\): the print bill £1,530.00 is 116.7%"
    ):
        build(campaign_copy, tmp_path / "out", ward_codes=wards)
    assert not (tmp_path / "out").exists()
    report = build(campaign_copy, tmp_path / "out", ward_codes=wards, over_limit=True)
    assert len(report.written) == 3 and [s.ward.code for s in report.spending.over()] == wards


def test_the_cli_builds_riso_output_and_says_what_it_needs(capsys, tmp_path):
    wards = ["--ward", "E05011111", "--ward", "E05010101", "--ward", "W05000981"]
    assert main(["build", str(DEMO), "--for", "riso", "--out", str(tmp_path / "riso"), "--jobs", "1", *wards]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("wrote the Riso masters of 3 of 3 wards to ") and out[0].endswith(
        ": 5 masters (black 3, blue 2), one file a drum"
    )
    assert out[1] == "shared masters: blue 1 (2 wards)"  # Gŵyr, in Welsh, has a blue master of its own
    assert out[2] == "a ward's own masters: black 3, blue 1"
    assert out[3] == "11 other ward(s) not asked for: not for print (the masters are this build's wards')"
    assert out[4] == (
        f"print order: 11452 copies of 3 ward(s) on 5726 sheets, in {tmp_path / 'riso' / 'manifest.csv'}; "
        "11 ward(s) not for print, listed without a quantity"
    )
    assert any(line.startswith("print bill: £") and "Alex Morgan Campaign Office" in line for line in out)
    assert any(line.startswith("spending limit £174,179.00 (Police and Crime Commissioner") for line in out)
    assert main(["build", str(DEMO), "--for", "riso", "--combined"]) == 2
    assert "--combined: is for press output" in capsys.readouterr().err


def test_office_output_needs_the_office_printer_and_a_riso_section(campaign_copy, tmp_path):
    path = campaign_copy / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["imprint"]["office_printer"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match=r"imprint\.office_printer: missing: office output must name who prints it"):
        build_riso(campaign_copy, tmp_path / "out")
    layout = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    del data["riso"]
    layout.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match="riso: missing: the layout does not say how it prints on a Riso"):
        build_riso(campaign_copy, tmp_path / "out")


def test_the_riso_section_leaves_the_press_files_as_they_were(campaign_copy, tmp_path):
    with_riso = build(campaign_copy, tmp_path / "with")
    layout = campaign_copy.parent.parent / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text[: text.index("\n# Office output")] + "\n", encoding="utf-8")
    without = build(campaign_copy, tmp_path / "without")
    assert [r.path.read_bytes() for r in with_riso.written] == [r.path.read_bytes() for r in without.written]


def test_press_and_office_output_do_not_write_over_each_others_print_order(tmp_path):
    build(DEMO, tmp_path, ward_codes=["E05011111"])
    with pytest.raises(InputError, match="holds press output, whose manifest riso output would replace"):
        build_riso(DEMO, tmp_path, ward_codes=["E05011111"])
    build_riso(DEMO, tmp_path / "riso", ward_codes=["E05011111"])
    with pytest.raises(InputError, match="holds riso output, whose manifest press output would replace"):
        build(DEMO, tmp_path / "riso", ward_codes=["E05011111"])


def test_office_output_of_a_campaign_that_needs_sign_off_prints_only_signed_off_wards(campaign_copy, tmp_path):
    path = campaign_copy / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nrequire_sign_off: true\n", encoding="utf-8")
    approve(campaign_copy, "Sam Taylor", ["E05011111"])
    office = build_riso(campaign_copy, tmp_path / "riso", ward_codes=["E05011111", "E05009308"])
    assert [row.ward.code for row in office.rows if row.for_print] == ["E05011111"]
    assert office.unapproved == {"E05009308": "not signed off"}
    (unsigned,) = [row for row in office.rows if row.ward.code == "E05009308"]
    assert (unsigned.status, unsigned.reason) == ("refused", "not signed off")
    everything = build_riso(
        campaign_copy, tmp_path / "all", ward_codes=["E05011111", "E05009308"], print_unapproved=True
    )
    assert len([row for row in everything.rows if row.for_print]) == 2 and not everything.unapproved
