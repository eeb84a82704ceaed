"""End to end on the example campaign: the files a printer gets, read back by independent readers."""

from __future__ import annotations

import csv
import errno
import hashlib
import os

import pypdf
import pytest
from leaflet import build
from leaflet.cli import main
from leaflet.commands.approve import approve
from leaflet.model import PT_PER_MM
from leaflet.read.punctuation import typographic
from leaflet.runs.files import write_atomically
from leaflet.runs.names import output_name
from leaflet.runs.storage import Storage

from tests.conftest import DEMO, decode_qr_codes, render_page, ward_url


def _wards():
    with open(DEMO / "wards.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_pdf_per_ward_named_by_code(demo_report):
    rows = _wards()
    assert len(demo_report.written) == len(rows) >= 12
    assert not demo_report.failed
    names = sorted(result.path.name for result in demo_report.written)
    assert names == sorted(output_name(result.ward) for result in demo_report.written)
    for result in demo_report.written:
        assert result.path.name.startswith(result.ward.code + "-")
        assert result.path.parent == demo_report.out_dir


def test_page_boxes_are_trim_plus_bleed(demo_report):
    for result in demo_report.written:
        reader = pypdf.PdfReader(result.path)
        assert len(reader.pages) == 2
        for page in reader.pages:
            media = [float(v) / PT_PER_MM for v in page.mediabox]
            trim = [float(v) / PT_PER_MM for v in page.trimbox]
            bleed = [float(v) / PT_PER_MM for v in page.bleedbox]
            assert media == pytest.approx([0, 0, 154, 216], abs=0.01)
            assert trim == pytest.approx([3, 3, 151, 213], abs=0.01)
            assert bleed == pytest.approx(media)
            assert "/TrimBox" in page and "/BleedBox" in page


def _fonts(reader: pypdf.PdfReader):
    seen = {}
    for page in reader.pages:
        resources = page["/Resources"]
        stack = [resources]
        while stack:
            current = stack.pop()
            for font in current.get("/Font", {}).values():
                font = font.get_object()
                seen[font["/BaseFont"]] = font
            for xobject in current.get("/XObject", {}).values():
                xobject = xobject.get_object()
                if xobject["/Subtype"] == "/Form":
                    stack.append(xobject["/Resources"])
    return seen


def test_every_font_is_an_embedded_subset(demo_report):
    reader = pypdf.PdfReader(demo_report.written[0].path)
    fonts = _fonts(reader)
    assert len(fonts) >= 3  # regular, bold, italic at least
    for name, font in fonts.items():
        assert font["/Subtype"] == "/Type0"
        assert name[7] == "+" and name[1:7].isupper(), name  # a subset tag
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        assert "/ToUnicode" in font


def test_ward_name_and_organiser_come_out_as_text(demo_report):
    by_code = {row["code"]: row for row in _wards()}
    for result in demo_report.written:
        row = by_code[result.ward.code]
        reader = pypdf.PdfReader(result.path)
        front = reader.pages[0].extract_text()
        back = reader.pages[1].extract_text()
        # as set: curly apostrophes, a no-break space after St (read/punctuation.py)
        assert typographic(row["name"]) in front, row["name"]
        assert typographic(row["organiser"]) in front
        priority = row["local_priority_cy"] if row["language"] == "cy" else row["local_priority"]
        assert typographic(priority) in back.replace("\n", " ")
        headline = (
            "Troi eich blaenoriaethau yn weithredu"
            if row["language"] == "cy"
            else "Turning your priorities into action"
        )
        assert headline.upper() in front.replace("\n", " ")
        printed_by = "Argraffwyd gan" if row["language"] == "cy" else "Printed by"
        assert f"{printed_by} Riverside Print Ltd" in back


def test_the_welsh_leaflet_is_welsh_throughout(demo_report):
    english = ("Since you elected", "Photo:", "Printed by", "Promoted by", "SIGN UP", "Scan", "priority", "TURNING")
    welsh = (
        "Ers i chi fy ethol",
        "Llun:",
        "Argraffwyd gan",
        "Hyrwyddwyd gan",
        "COFRESTRWCH",
        "Sganiwch",
        "flaenoriaeth",
    )
    for result in demo_report.written:
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(result.path).pages).replace("\n", " ")
        in_welsh = result.ward.fields["language"] == "cy"
        assert all((phrase in text) == in_welsh for phrase in welsh), result.ward.code
        assert all((phrase in text) != in_welsh for phrase in english), result.ward.code


def test_accented_names_survive_exactly(demo_report):
    text = "".join(pypdf.PdfReader(result.path).pages[0].extract_text() for result in demo_report.written)
    for name in (
        "Gŵyr",
        "Tŷ-du",
        "Pen-y-lân",
        "Steòrnabhagh a Tuath",
        "Port Rìgh",
        "Dún Pádraig",
        "Łukasz Wiśniewski",
        "Ayşe Yılmaz",
    ):
        assert name in text


def test_qr_code_decodes_to_the_wards_url_at_300_dpi(demo_report):
    for result in demo_report.written:
        back = render_page(result.path, 1, dpi=300)
        assert decode_qr_codes(back) == [ward_url(result.ward.code)]


def test_qr_code_is_vector_and_at_least_20_mm(demo_report):
    result = demo_report.written[0]
    reader = pypdf.PdfReader(result.path)
    images = set()
    for page in reader.pages:
        for reference in page["/Resources"]["/XObject"].values():
            if reference.get_object()["/Subtype"] == "/Image":
                images.add(reference.idnum)
    assert len(images) == 2  # the two photos: the QR code is not a bitmap
    # The QR's quiet zone is a white square on the navy panel: measure it on the render.
    back = render_page(result.path, 1, dpi=300)
    px_per_mm = 300 / 25.4
    # the QR frame's box is [111, 155.5, 27, ...] mm from the trim's top-left; the render includes 3 mm bleed
    left, top = round((111 + 3) * px_per_mm), round((155.5 + 3) * px_per_mm)
    size = round(27 * px_per_mm)
    assert size / px_per_mm >= 20
    for x, y in ((left + 3, top + 3), (left + size - 4, top + size - 4)):
        assert back.getpixel((x, y)) == (255, 255, 255)  # quiet zone corners are white
    outside = back.getpixel((left - 6, top + 6))
    assert outside != (255, 255, 255)


def test_builds_are_byte_identical(demo_report, tmp_path):
    again = build(DEMO, tmp_path / "again")
    assert [r.path.name for r in again.written] == [r.path.name for r in demo_report.written]
    for first, second in zip(demo_report.written, again.written, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes()


def test_only_chosen_wards_are_built(tmp_path):
    report = build(DEMO, tmp_path, ward_codes=["N08000222", "W05000981"])
    assert [r.ward.code for r in report.results] == ["N08000222", "W05000981"]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["N08000222-dun-padraig.pdf", "W05000981-gwyr.pdf"]


def test_text_that_does_not_fit_fails_that_ward_only(campaign_copy, tmp_path):
    wards = campaign_copy / "wards.csv"
    rows = wards.read_text(encoding="utf-8").splitlines()
    long_priority = " ".join(["an endless list of local concerns"] * 40)
    rows[1] = f'W05000981,Gŵyr,Siân Ffion Hughes,2410,"{long_priority}",,4390'
    wards.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = build(campaign_copy, tmp_path / "out")
    failed = {r.ward.code: r for r in report.failed}
    assert list(failed) == ["W05000981"]
    assert not (tmp_path / "out" / "W05000981-gwyr.pdf").exists()
    assert len(report.written) == len(rows) - 2
    (error,) = failed["W05000981"].errors
    assert error.rule == "text-overflow" and error.frame == "local-focus"
    assert error.message.startswith("text does not fit frame 'local-focus' even at its minimum size: ")
    words_left = int(error.message.split(": ")[1].split(" ")[0])
    assert 0 < words_left < 240


def test_photos_keep_their_colours(demo_report):
    """A patch of each photo, rendered, is close to the sRGB original: an inverted or RGB-as-CMYK
    JPEG would be far off."""
    from leaflet.model import PlacedImage
    from leaflet.runs.prepare import load, prepare_run
    from PIL import Image, ImageStat

    campaigns, wards = load(DEMO)
    run = prepare_run(campaigns, wards[:1])
    leaflet = run.lay_out(wards[0])
    result = demo_report.written[0]
    dpi = 72
    for page_index, page in enumerate(leaflet.pages):
        render = render_page(result.path, page_index, dpi=dpi)
        for frame in page.frames:
            for item in frame.items:
                if not isinstance(item, PlacedImage):
                    continue
                source = Image.open(item.path).convert("RGB")
                clip = item.clip
                # a patch in the middle third of the visible photo, in trim points
                x0, x1 = clip.x + clip.width / 3, clip.x + 2 * clip.width / 3
                y0, y1 = clip.y + clip.height / 3, clip.y + 2 * clip.height / 3
                bleed = 3 * PT_PER_MM
                page_box = (x0 + bleed, render.height - (y1 + bleed), x1 + bleed, render.height - (y0 + bleed))
                rendered = ImageStat.Stat(render.crop(tuple(round(v) for v in page_box))).mean
                placed = item.placed
                left, right = ((x - placed.x) / placed.width * source.width for x in (x0, x1))
                top, bottom = ((placed.top - y) / placed.height * source.height for y in (y1, y0))
                original = ImageStat.Stat(source.crop((round(left), round(top), round(right), round(bottom)))).mean
                difference = max(abs(a - b) for a, b in zip(rendered, original, strict=True))
                assert difference < 40, (item.slot, rendered, original)


def test_a_file_system_that_cannot_reserve_space_still_gets_the_whole_file(tmp_path, monkeypatch):
    def unsupported(handle, offset, length):
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))

    monkeypatch.setattr(os, "posix_fallocate", unsupported)
    target = tmp_path / "ward.pdf"
    write_atomically(target, b"%PDF-1.3\n", b"x" * 100_000, b"%%EOF\n")
    assert target.read_bytes() == b"%PDF-1.3\n" + b"x" * 100_000 + b"%%EOF\n"
    assert [path.name for path in tmp_path.iterdir()] == ["ward.pdf"]


# ---------------------------------------------------------------- printing only what was signed


def _require_sign_off(campaign) -> None:
    path = campaign / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nrequire_sign_off: true\n", encoding="utf-8")


SIGNED = ["W05000981", "E05011111"]


def test_with_sign_off_required_only_signed_off_wards_print_each_exactly_as_signed(campaign_copy, tmp_path):
    _require_sign_off(campaign_copy)
    approve(campaign_copy, "Sam Taylor", SIGNED)
    signed = Storage.for_campaign(campaign_copy).signoffs()
    report = build(campaign_copy, tmp_path / "out")
    assert sorted(result.ward.code for result in report.written) == sorted(SIGNED) and not report.failed
    for result in report.written:
        assert hashlib.sha256(result.path.read_bytes()).hexdigest() == signed[result.ward.code].print_sha256
    every = [row["code"] for row in _wards()]
    assert report.unapproved == {code: "not signed off" for code in every if code not in SIGNED}
    assert sorted(path.name for path in (tmp_path / "out").glob("*.pdf")) == sorted(r.path.name for r in report.written)

    everything = build(campaign_copy, tmp_path / "all", print_unapproved=True)
    assert len(everything.written) == len(every) and not everything.unapproved and not everything.signed_only
    builds = [e for e in Storage.for_campaign(campaign_copy).events() if e.kind == "build" and e.ward is None]
    assert builds[0].detail["signed-off wards only"] is True and "unapproved" not in builds[0].detail
    assert builds[1].detail["unapproved"].startswith("--unapproved")


def test_a_print_file_that_would_not_be_the_signed_bytes_is_not_printed(campaign_copy, tmp_path, monkeypatch):
    approve(campaign_copy, "Sam Taylor", SIGNED)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")  # a date in every file: other bytes, the same inputs
    report = build(campaign_copy, tmp_path / "out", approved_only=True)
    assert not report.written and sorted(result.ward.code for result in report.failed) == sorted(SIGNED)
    assert all(result.errors[-1].rule == "sign-off" for result in report.failed)
    assert "is not the one signed off" in report.failed[0].errors[-1].message
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_with_every_sign_off_stale_nothing_prints_and_the_change_is_named(campaign_copy, tmp_path, capsys):
    _require_sign_off(campaign_copy)
    approve(campaign_copy, "Sam Taylor", SIGNED)
    story = campaign_copy / "story.md"
    story.write_text(story.read_text(encoding="utf-8").replace("crime", "crimes", 1), encoding="utf-8")
    assert main(["build", str(campaign_copy), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"leaflet: error: {campaign_copy / 'campaign.yaml'}: require_sign_off: no ward is signed off as it is now: "
        "nothing to print (2 sign-offs no longer hold: campaign file story.md changed: “crime” → “crimes”) "
        "(sign wards off (leaflet approve, or the agent in leaflet serve); --unapproved prints them unsigned)\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_ward_built_alone_is_the_bytes_signed_in_a_run_of_every_ward(campaign_copy, tmp_path):
    approve(campaign_copy, "Sam Taylor", SIGNED)
    signed = Storage.for_campaign(campaign_copy).signoffs()
    for code in SIGNED:
        report = build(campaign_copy, tmp_path / code, ward_codes=[code], approved_only=True)
        (result,) = report.written
        assert hashlib.sha256(result.path.read_bytes()).hexdigest() == signed[code].print_sha256
