"""Proofs: the watermark and guides drawn where they belong and only in the proof, page images,
what changed since an earlier proof set, and the review page in a real browser."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from leaflet.commands.approve import approve
from leaflet.commands.proof import PAGE_DPI, THUMBNAIL_WIDTH_PX, proof
from leaflet.errors import InputError
from leaflet.model import mm_to_pt
from leaflet.runs.prepare import load
from leaflet.runs.raster import CHANGE_CELL_PX, CHANGE_MARGIN_PX
from leaflet.write.proofmarks import Lettering, lettering_face, watermark_size_pt
from PIL import Image, ImageChops, ImageDraw

from tests.conftest import DEMO, render_page, ward_url

WARDS = ["W05000981", "W05001215"]


@pytest.fixture(scope="module")
def demo_proof(tmp_path_factory):
    return proof(DEMO, tmp_path_factory.mktemp("proof"), WARDS)


def _layout():
    campaigns, _ = load(DEMO)
    return campaigns[""].layout


def _px(value_pt: float, dpi: int = PAGE_DPI) -> float:
    return value_pt * dpi / 72


def _magenta(image: Image.Image) -> Image.Image:
    """A mask of the pixels where the magenta guide ink shows: red and blue well above green."""
    red, green, blue = image.split()
    red_over = ImageChops.subtract(red, green).point(lambda v: 255 if v > 100 else 0)
    blue_over = ImageChops.subtract(blue, green).point(lambda v: 255 if v > 100 else 0)
    return ImageChops.multiply(red_over, blue_over)


def _count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def _where_marks_may_be(size: tuple[int, int]) -> Image.Image:
    """A mask of the guide lines (trim, bleed, safe area) and the watermark's diagonal band."""
    layout = _layout()
    bleed, safe = mm_to_pt(layout.bleed_mm), mm_to_pt(layout.safe_mm)
    width, height = mm_to_pt(layout.trim_width_mm), mm_to_pt(layout.trim_height_mm)
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)

    def to_image(x: float, y: float) -> tuple[float, float]:  # trim space -> image pixels
        return _px(bleed + x), size[1] - _px(bleed + y)

    for inset in (-bleed + 0.25, 0, safe):
        corners = [
            to_image(inset, inset),
            to_image(width - inset, inset),
            to_image(width - inset, height - inset),
            to_image(inset, height - inset),
        ]
        draw.line([*corners, corners[0], corners[1]], fill=255, width=7, joint="curve")
    size_pt = watermark_size_pt(width, height, Lettering(lettering_face(layout)))
    angle = math.atan2(height, width)
    along, across = (math.cos(angle), math.sin(angle)), (-math.sin(angle), math.cos(angle))
    half_length, half_height = 0.75 * math.hypot(width, height) / 2 + 6, 0.45 * size_pt
    band = []
    for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x = width / 2 + a * half_length * along[0] + b * half_height * across[0]
        y = height / 2 + a * half_length * along[1] + b * half_height * across[1]
        band.append(to_image(x, y))
    draw.polygon(band, fill=255)
    return mask


def test_each_ward_gets_a_proof_pdf_and_page_images(demo_proof):
    assert [result.ward.code for result in demo_proof.wards] == WARDS
    for result in demo_proof.wards:
        assert result.proof.name == f"{result.ward.code}-{result.proof.name.split('-', 1)[1]}"
        assert len(pypdf.PdfReader(result.proof).pages) == 2
        assert [page.name for page in result.pages] == ["front", "back"]
        assert result.signup_url == ward_url(result.ward.code)
        for page in result.pages:
            with Image.open(page.image) as image:
                assert abs(image.width - _px(mm_to_pt(154))) < 2  # trim + bleed at 150 dpi
            with Image.open(page.thumbnail) as thumbnail:
                assert thumbnail.width == THUMBNAIL_WIDTH_PX and thumbnail.size == page.thumbnail_size
        assert result.pages_changed is None and all(
            page.difference is None for page in result.pages
        )  # nothing to compare with
    record = json.loads((demo_proof.out_dir / "proof.json").read_text(encoding="utf-8"))
    assert [ward["code"] for ward in record["wards"]] == WARDS


def test_proof_differs_from_print_file_only_by_watermark_and_guides(demo_proof, demo_report):
    print_files = {result.ward.code: result.path for result in demo_report.written}
    for result in demo_proof.wards:
        for index, page in enumerate(result.pages):
            printed = render_page(print_files[result.ward.code], index, dpi=PAGE_DPI)
            with Image.open(page.image) as image:
                proofed = image.convert("RGB")
            assert printed.size == proofed.size
            changed = ImageChops.difference(printed, proofed).convert("L").point(lambda v: 255 if v > 16 else 0)
            allowed = _where_marks_may_be(proofed.size)
            stray = ImageChops.multiply(changed, ImageChops.invert(allowed))
            assert stray.getbbox() is None, (
                f"{result.ward.code} {page.name}: proof differs outside the marks at {stray.getbbox()}"
            )
            assert _count(changed) > 3000  # the watermark and the guides are there
            assert _count(_magenta(proofed)) > 2000
            assert _count(_magenta(printed)) == 0


def test_print_files_never_carry_proof_marks(demo_proof, demo_report):
    for result in demo_report.written:
        for page in pypdf.PdfReader(result.path).pages:
            content = page.get_contents().get_data()
            assert b"0 1 0 0 K" not in content and b"0 0 0 0.3 K" not in content
    for result in demo_proof.wards:
        for page in pypdf.PdfReader(result.proof).pages:
            content = page.get_contents().get_data()
            assert b"0 1 0 0 K" in content and b"0 0 0 0.3 K" in content
            assert not re.search(rb"(?<![A-Za-z])(rg|RG|g|G|sc|scn)(?![A-Za-z])", content)  # CMYK only


def test_frame_outlines_when_asked(tmp_path):
    report = proof(DEMO, tmp_path, WARDS[:1], frame_outlines=True)
    content = pypdf.PdfReader(report.wards[0].proof).pages[0].get_contents().get_data()
    assert b"1 0 0 0 K" in content  # cyan frame outlines


def _set_organiser(campaign: Path, code: str, organiser: str) -> None:
    wards = campaign / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith(code + ","):
            cells = line.split(",")
            cells[2] = organiser
            lines[number] = ",".join(cells)
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _frame_box_px(layout, page_index: int, frame_name: str) -> tuple[float, float, float, float]:
    frame = next(frame for frame in layout.pages[page_index].frames if frame.name == frame_name)
    x, y = mm_to_pt(layout.bleed_mm + frame.box.x), mm_to_pt(layout.bleed_mm + frame.box.y)
    return _px(x), _px(y), _px(x + mm_to_pt(frame.box.width)), _px(y + mm_to_pt(frame.box.height))


def test_what_changed_since_an_earlier_proof(campaign_copy, tmp_path):
    out = tmp_path / "proof"
    proof(campaign_copy, out, WARDS)
    _set_organiser(campaign_copy, WARDS[0], "Morgan Pryce-Llewellyn")
    report = proof(campaign_copy, out, WARDS, since=out)  # the same folder: read before written
    edited, untouched = report.wards
    assert edited.pages_changed is True and edited.changed
    assert untouched.pages_changed is False and not untouched.changed
    assert all(page.difference is None and not page.changed_regions for page in untouched.pages)
    layout = _layout()
    grow = CHANGE_CELL_PX + CHANGE_MARGIN_PX
    for page_index, frame_name in ((0, "ward-banner"), (1, "local-focus")):
        page = edited.pages[page_index]
        assert page.difference is not None and page.changed_regions
        left, top, right, bottom = _frame_box_px(layout, page_index, frame_name)
        for region in page.changed_regions:  # every change lies in the edited frame
            assert (
                left - grow <= region[0]
                and top - grow <= region[1]
                and region[2] <= right + grow
                and region[3] <= bottom + grow
            )
        with Image.open(page.difference) as difference:
            red = difference.convert("RGB").crop((round(left), round(top), round(right), round(bottom)))
            assert any(r > 200 and g < 40 and b < 40 for _, (r, g, b) in red.getcolors(red.width * red.height))
    again = proof(campaign_copy, out, WARDS, since=out)
    assert not any(result.changed for result in again.wards)
    assert not list((out / "changes").iterdir())  # the earlier difference images are gone


def test_since_must_be_a_proof_folder(tmp_path):
    with pytest.raises(InputError, match="not a proof folder"):
        proof(DEMO, tmp_path / "proof", WARDS[:1], since=tmp_path)


def test_does_not_overwrite_an_index_it_did_not_write(tmp_path):
    (tmp_path / "index.html").write_text("my own page", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("index.html not written by leaflet proof")):
        proof(DEMO, tmp_path, WARDS[:1])


# ---------------------------------------------------------------- the review page, in a browser

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_ORGANISER = "<script>alert(2)</script> & Co"


@pytest.fixture()
def review(campaign_copy, tmp_path):
    long_priority = " ".join(["a very long list of local worries"] * 40)
    (campaign_copy / "wards.csv").write_text(
        "code,name,organiser,households,local_priority\n"
        f'X1,{HOSTILE_NAME},"{HOSTILE_ORGANISER}",10,parking\n'
        f'X2,Tŷ Isaf,Ann,20,"{long_priority}"\n'
        "X3,Glan,Bob,30,parking\n",
        encoding="utf-8",
    )
    approve(campaign_copy, "Sam Taylor", ["X1", "X3"])
    _set_organiser(campaign_copy, "X3", "Bobby")
    return proof(campaign_copy, tmp_path / "proof")


def test_review_page_escapes_every_name(review):
    html = review.index.read_text(encoding="utf-8")
    assert HOSTILE_NAME not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; &amp; Co" in html
    assert html.count('loading="lazy"') == 6 and html.count('class="ward-sheet"') == 3
    sources = re.findall(r'src="([^"]*)"', html)
    assert sources and not any(source.startswith(("http:", "https:", "//")) for source in sources)
    assert "<link" not in html and "url(" not in html and "@import" not in html  # nothing from a network


def test_review_marks_findings_and_changes(review):
    by_code = {result.ward.code: result for result in review.wards}
    assert any(f.rule == "text-overflow" for f in by_code["X2"].findings)
    assert by_code["X3"].changed and by_code["X3"].unapproved_because == "ward row changed: organiser “Bob” → “Bobby”"
    assert not by_code["X1"].changed and by_code["X1"].unapproved_because is None
    assert by_code["X2"].approval is None and not by_code["X2"].changed


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        # CI installs Chromium (.ci/run): there, its absence is a failure, not a reason to skip.
        assert not os.environ.get("CI"), "CI must install chromium for the review page test"
        pytest.skip("no Chromium binary (apt-get install chromium) to test the review page in")
    return path


def test_review_page_in_a_real_browser(review):
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package drives Chromium")
    expected_findings = sorted(result.ward.code for result in review.wards if result.findings)
    expected_changed = sorted(result.ward.code for result in review.wards if result.changed)
    assert expected_findings and expected_changed
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            dialogs, requests, errors = [], [], []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(review.index.as_uri())
            assert page.locator(".ward-sheet").count() == 3 and page.locator(".ward-row").count() == 3

            def shown() -> list[str]:
                codes = page.eval_on_selector_all(".ward-row:not([hidden])", "rows => rows.map(r => r.dataset.code)")
                sheets = page.eval_on_selector_all(
                    ".ward-sheet:not([hidden])", "nodes => nodes.map(n => n.dataset.code)"
                )
                assert sorted(codes) == sorted(sheets)  # a ward's row and its sheet show together
                return sorted(codes)

            for sheet in page.locator(".ward-sheet").all():
                sheet.scroll_into_view_if_needed()
            page.wait_for_function("Array.from(document.images).every(image => image.complete)")
            sizes = page.eval_on_selector_all(
                "img", "images => images.map(image => [image.naturalWidth, image.loading])"
            )
            assert len(sizes) == 6 and all(
                width == THUMBNAIL_WIDTH_PX and loading == "lazy" for width, loading in sizes
            )
            assert page.locator("img[src='x']").count() == 0
            # text_content: a sheet off screen is not rendered (content-visibility), so has no inner text
            assert HOSTILE_NAME in page.locator(".ward-sheet h2").first.text_content()
            assert HOSTILE_ORGANISER in page.locator(".ward-sheet .fields").first.text_content()
            assert "Not signed off yet" in page.locator("#ward-X2").text_content()
            assert (
                "no longer holds: ward row changed: organiser “Bob” → “Bobby”"
                in page.locator("#ward-X3").text_content()
            )

            page.fill("#search", "ty isaf")  # accents folded: Tŷ Isaf
            assert shown() == ["X2"]
            page.fill("#search", "GLAN")
            assert shown() == ["X3"]
            assert page.inner_text("#count") == "1 of 3 wards shown"
            page.fill("#search", "")
            page.check("#with-findings")
            assert shown() == expected_findings
            page.uncheck("#with-findings")
            page.check("#changed")
            assert shown() == expected_changed
            page.uncheck("#changed")
            page.select_option("#state", "signed off")
            assert shown() == ["X1"]
            page.locator(".counts a[data-state='not started']").click()
            assert shown() == ["X2", "X3"] and page.input_value("#state") == "not started"
            page.locator(".counts a[data-state='']").click()
            assert shown() == ["X1", "X2", "X3"]

            page.locator("body").press("j")  # the keyboard walks the queue
            assert page.evaluate("document.activeElement.closest('.ward-row').dataset.code") == "X1"
            page.keyboard.press("j")
            page.keyboard.press("j")
            page.keyboard.press("j")  # stays on the last
            assert page.evaluate("document.activeElement.closest('.ward-row').dataset.code") == "X3"
            page.keyboard.press("k")
            page.keyboard.press("Enter")  # the link's own navigation, which may land after the key returns
            page.wait_for_function("location.hash === '#ward-X2'", timeout=5000)
            assert page.url.endswith("#ward-X2")
            page.keyboard.press("/")
            assert page.evaluate("document.activeElement.id") == "search"
            assert dialogs == [] and errors == []
            assert all(url.startswith("file://") for url in requests)
        finally:
            browser.close()
