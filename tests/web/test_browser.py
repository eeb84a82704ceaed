"""What an organiser and a reviewer do, in a real browser (Debian's Chromium driven by
Playwright) against a real server on loopback: edit and see the print file change, be stopped
by an overlong text, upload a photo and set its focal point, submit; approve; and the next
``leaflet build`` prints it."""

from __future__ import annotations

import time

import pypdf
import pytest
from leaflet import build
from leaflet.commands.invite import invite
from leaflet.runs.storage import Storage

from tests.assets.test_photos import bomb_png
from tests.conftest import decode_qr_codes, render_page, ward_url
from tests.web.test_app import _jpeg

WARD, OTHER, TWICE = "E05011111", "E05009308", "E05012345"
NEW_WORDS = "Street lighting on Mill Lane is what we will fix first."


def _open(context, link: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return page, errors


def _wait(page, expression: str, timeout_s: float = 15) -> None:
    """Poll an expression from here: the page's Content-Security-Policy forbids the eval that
    Playwright's own wait_for_function needs."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def _previewed(page, after: int) -> None:
    _wait(page, f"Number(document.body.dataset.previewed || 0) > {after}")
    assert page.locator("#elsewhere").inner_text().strip() == ""


def _count(page) -> int:
    return int(page.evaluate("Number(document.body.dataset.previewed || 0)"))


def test_an_organiser_edits_submits_and_the_approved_words_are_built(project, server, chromium, tmp_path):
    link = invite(project, [WARD], url=server)[0].url
    context = chromium.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2)
    page, errors = _open(context, link)
    front, back = page.get_by_alt_text("Front page preview"), page.get_by_alt_text("Back page preview")
    assert front.is_visible() and back.get_attribute("src").startswith("data:image/jpeg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    submit = page.get_by_role("button", name="Submit for review")
    assert submit.is_disabled()  # "[your priority]" is still there
    assert "replace “[your priority]”" in page.locator("#status-slots-local_focus").inner_text()

    before = back.get_attribute("src")
    seen = _count(page)
    text = page.get_by_label("Your local priority")
    text.fill(NEW_WORDS)
    started = time.monotonic()
    _previewed(page, seen)
    assert time.monotonic() - started < 5
    assert back.get_attribute("src") != before
    status = page.locator("#status-slots-local_focus")
    assert "fits" in status.inner_text() and "11 of 45 words" in status.inner_text()

    seen = _count(page)
    text.fill(" ".join([NEW_WORDS] * 12))
    _previewed(page, seen)
    assert "words over the limit of 45" in status.inner_text() and "too long" in status.inner_text()
    assert submit.is_disabled() and "words over the limit" in page.locator("#blocking").inner_text()

    photo = page.get_by_label("Back page photo")
    seen = _count(page)
    photo.set_input_files(files=[{"name": "bomb.png", "mimeType": "image/png", "buffer": bomb_png()}])
    _wait(page, "document.querySelector('#status-photos-second .problems').textContent.includes('megapixels')")
    photo.set_input_files(files=[{"name": "ward.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(2400, 1600)}])
    _previewed(page, seen)
    assert "ppi at its printed size" in page.locator("#status-photos-second").inner_text()
    thumb = page.locator("#thumb-second")
    thumb.wait_for()
    _wait(page, "document.getElementById('thumb-second').complete")
    box = thumb.bounding_box()
    seen = _count(page)
    thumb.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.9})
    _previewed(page, seen)
    assert page.locator("#mark-second").is_visible()

    seen = _count(page)
    text.fill(NEW_WORDS)
    page.get_by_label("Organiser's name").fill("Robin Ashe")
    _previewed(page, seen)
    _wait(page, "!document.getElementById('submit-button').disabled")
    with page.expect_navigation():
        submit.click()
    assert page.locator("#state").inner_text() == "Submitted"
    assert page.get_by_label("Your local priority").get_attribute("readonly") is not None
    latest = Storage.for_campaign(project).latest(WARD)
    assert latest.local_values["photos"]["second"]["focal"][1] == pytest.approx(0.9, abs=0.02)
    page.screenshot(path=str(tmp_path / "organiser.png"), full_page=True)

    reviewer_link = invite(project, None, role="reviewer", name="Sam", url=server)[0].url
    review_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    review, review_errors = _open(review_context, reviewer_link)
    with review.expect_navigation():
        review.get_by_role("link", name="St Mary's & St Paul's").click()
    assert review.locator(".change").count() > 0  # changed regions boxed
    with review.expect_navigation():
        review.get_by_role("button", name="Approve").click()
    assert "Approved" in review.locator(".top .state").inner_text()
    assert errors == [] and review_errors == []
    context.close()
    review_context.close()

    report = build(project, tmp_path / "out", ward_codes=[WARD])
    pdf = report.results[0].path
    words = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert NEW_WORDS in " ".join(words.split()) and "Robin Ashe" in words
    assert decode_qr_codes(render_page(pdf, 1)) == [ward_url(WARD)]


def test_another_wards_page_and_a_post_without_csrf_are_forbidden(project, server, chromium):
    context = chromium.new_context()
    page, _ = _open(context, invite(project, [OTHER], url=server)[0].url)
    assert page.goto(f"{server}/w/{WARD}").status == 403
    answer = page.request.post(f"{server}/w/{OTHER}/save", data={"values": {}, "based_on": 0})
    assert answer.status == 403
    context.close()


def test_two_windows_saving_the_same_ward_keep_both_versions(project, server, chromium):
    context = chromium.new_context()
    first, _ = _open(context, invite(project, [TWICE], url=server)[0].url)
    second = context.new_page()
    second.goto(f"{server}/w/{TWICE}")
    first.get_by_label("Your local priority").fill("From the first window.")
    _wait(first, "document.body.dataset.saved === '1'")
    second.get_by_label("Your local priority").fill("From the second window.")
    second.get_by_label("Organiser's name").focus()  # leaving the box saves at once
    conflict = second.locator("#conflict")
    conflict.wait_for(state="visible", timeout=15_000)
    assert "changed elsewhere: reload to see both" in conflict.inner_text()
    kept = [(v.local_values["slots"]["local_focus"], v.applied) for v in Storage.for_campaign(project).versions(TWICE)]
    assert kept == [("From the first window.", True), ("From the second window.", False)]
    context.close()
