"""Routes and permissions, in-process: every route authorised in one place, links used once,
CSRF on every state change, bounded sizes, saves that lose nothing, submit and review."""

from __future__ import annotations

import io
import logging

import pytest
from leaflet.commands.invite import invite, invite_all, revoke
from leaflet.runs.storage import Storage
from leaflet.web.security import SESSION_COOKIE, guarded, logged_path
from PIL import Image
from starlette.routing import Mount, Route

from tests.assets.test_photos import bomb_png

WARD, OTHER = "E05011111", "E05009308"
TEXT = "**Street lighting on Mill Lane** is what we will fix first, with your help."


def test_every_route_but_the_link_exchange_and_static_files_is_guarded(app):
    for route in app.routes:
        if isinstance(route, Mount) or (isinstance(route, Route) and route.path in ("/", "/i/{token}")):
            continue
        assert getattr(route.endpoint, "action", None), f"{route.path} is not wrapped by guarded()"
    assert guarded("view")(lambda request: None).action == "view"


def test_a_link_is_used_by_its_post_only_and_then_only_once(project, browser):
    link = invite(project, [WARD])[0].url
    path = "/" + link.split("/", 3)[3]
    b = browser()
    for _ in range(3):  # a link previewer's GETs do not use it up
        page = b.get(path)
        assert page.status_code == 200 and "Continue" in page.text
    signed_in = b.post(path)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == f"/w/{WARD}"
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE) and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert b.get(f"/w/{WARD}").status_code == 200
    again = browser()
    assert again.get(path).status_code == 403 and "used already" in again.get(path).text
    assert again.post(path).status_code == 403
    assert again.get(f"/w/{WARD}").status_code == 403


def test_the_link_secret_is_stored_only_as_its_hash(project):
    link = invite(project, [WARD])[0].url
    secret = link.rsplit("/", 1)[1]
    assert len(secret) >= 43
    database = (project / "local-edits" / "edits.db").read_bytes()
    assert secret.encode() not in database


def test_another_wards_page_and_actions_are_forbidden(organiser):
    b = organiser(WARD)
    assert b.get(f"/w/{OTHER}").status_code == 403
    assert b.json(f"/w/{OTHER}/save", {"values": {}, "based_on": 0}).status_code == 403
    assert b.json(f"/w/{OTHER}/preview", {"values": {}}).status_code == 403
    assert b.get(f"/review/{WARD}").status_code == 403  # an organiser cannot review, not even its own ward
    assert b.post(f"/review/{WARD}/approve", data={"csrf": b.csrf, "version": "1"}).status_code == 403


def test_a_state_change_without_the_csrf_token_is_forbidden(organiser):
    b = organiser(WARD)
    assert b.json(f"/w/{WARD}/save", {"values": {}, "based_on": 0}, csrf=False).status_code == 403
    assert b.post(f"/w/{WARD}/submit", data={"based_on": "1"}).status_code == 403
    assert b.post(f"/w/{WARD}/submit", data={"based_on": "1", "csrf": "forged"}).status_code == 403


def test_the_preview_reports_fit_counts_and_findings_by_field(organiser):
    b = organiser(WARD)
    report = b.json(f"/w/{WARD}/preview", {"values": {"slots": {"local_focus": TEXT}}}).json()
    by_key = {field["key"]: field for field in report["fields"]}
    assert by_key["slots.local_focus"]["fit"] == "fits" and by_key["slots.local_focus"]["count"] == "14 of 45 words"
    assert [page["src"][:23] for page in report["pages"]] == ["data:image/jpeg;base64,"] * 2
    long = b.json(f"/w/{WARD}/preview", {"values": {"slots": {"local_focus": " ".join([TEXT] * 8)}}}).json()
    field = next(f for f in long["fields"] if f["key"] == "slots.local_focus")
    assert field["fit"].startswith("about ") and field["fit"].endswith(" words too long")
    assert "67 words over the limit of 45: shorten it" in [p["message"] for p in field["problems"]]
    assert long["blocking"]
    start = b.json(f"/w/{WARD}/preview", {"values": {}}).json()
    assert "Your local priority: replace “[your priority]” with your own words" in start["blocking"]


def test_text_is_held_to_the_spreadsheets_character_rules(organiser):
    b = organiser(WARD)
    answer = b.json(f"/w/{WARD}/save", {"values": {"fields": {"organiser": "Eve\u202egnirtS"}}, "based_on": 0})
    assert answer.status_code == 422 and "invisible control character U+202E" in answer.json()["error"]
    assert b.json(f"/w/{WARD}/save", {"values": {"slots": {"headline": "x"}}, "based_on": 0}).status_code == 422


def test_two_windows_saving_the_same_ward_keep_both_versions(project, organiser):
    code = "E05002468"
    first, second = organiser(code), organiser(code)
    assert first.json(f"/w/{code}/save", {"values": {"slots": {"local_focus": "A"}}, "based_on": 0}).json()["version"]
    conflict = second.json(f"/w/{code}/save", {"values": {"slots": {"local_focus": "B"}}, "based_on": 0})
    assert conflict.status_code == 409 and conflict.json()["error"] == "changed elsewhere: reload to see both"
    versions = Storage.for_campaign(project).versions(code)
    assert [(v.local_values["slots"]["local_focus"], v.applied) for v in versions] == [("A", True), ("B", False)]
    page = second.get(f"/w/{code}").text
    assert "Restore version 2" in page and "not applied" in page
    restored = second.post(f"/w/{code}/restore", data={"csrf": second.csrf, "version": "2", "based_on": "1"})
    assert restored.status_code == 303
    assert Storage.for_campaign(project).latest(code).local_values["slots"]["local_focus"] == "B"


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_photo_is_reencoded_stored_by_hash_and_a_bomb_is_refused(project, organiser):
    code = "E05013579"
    b = organiser(code)
    sent = _jpeg(2400, 1200)
    answer = b.post(
        f"/w/{code}/photo/second", files={"photo": ("me.jpg", sent, "image/jpeg")}, headers={"X-CSRF-Token": b.csrf}
    )
    assert answer.status_code == 200, answer.text
    upload = answer.json()
    stored = (project / "local-edits" / "photos" / f"{upload['source']}.jpg").read_bytes()
    assert stored != sent and (upload["width_px"], upload["height_px"]) == (2400, 1200)
    photo = {"source": upload["source"], "focal": [0.2, 0.8]}
    report = b.json(f"/w/{code}/preview", {"values": {"photos": {"second": photo}}}).json()
    field = next(f for f in report["fields"] if f["key"] == "photos.second")
    assert 390 < field["ppi"] < 400  # 2400 px across 154 mm
    thumb = b.get(upload["src"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    bomb = b.post(
        f"/w/{code}/photo/second", files={"photo": ("b.png", bomb_png(), "image/png")}, headers={"X-CSRF-Token": b.csrf}
    )
    assert bomb.status_code == 422 and "megapixels" in bomb.json()["error"]
    small = b.post(
        f"/w/{code}/photo/second",
        files={"photo": ("s.jpg", _jpeg(400, 200), "image/jpeg")},
        headers={"X-CSRF-Token": b.csrf},
    )
    report = b.json(f"/w/{code}/preview", {"values": {"photos": {"second": {"source": small.json()["source"]}}}}).json()
    field = next(f for f in report["fields"] if f["key"] == "photos.second")
    assert any("it needs at least 250" in p["message"] for p in field["problems"])
    stranger = organiser(WARD)
    assert stranger.get(upload["src"].replace(code, WARD)).status_code == 404  # not a photo of that ward


def test_an_oversized_request_is_refused_before_it_is_read(organiser):
    b = organiser(WARD)
    huge = b.post(
        f"/w/{WARD}/save",
        content=b"{" + b" " * 600_000 + b"}",
        headers={"X-CSRF-Token": b.csrf, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413


def test_submit_is_refused_with_errors_then_freezes_the_version_and_a_reviewer_approves(project, organiser, browser):
    b = organiser(WARD)
    start = b.json(f"/w/{WARD}/save", {"values": {}, "based_on": 0}).json()["version"]
    refused = b.post(f"/w/{WARD}/submit", data={"csrf": b.csrf, "based_on": str(start)})
    assert refused.status_code == 409 and "[your priority]" in refused.text
    version = b.json(f"/w/{WARD}/save", {"values": {"slots": {"local_focus": TEXT}}, "based_on": start}).json()[
        "version"
    ]
    assert b.post(f"/w/{WARD}/submit", data={"csrf": b.csrf, "based_on": str(version)}).status_code == 303
    assert "Submitted" in b.get(f"/w/{WARD}").text
    frozen = b.json(f"/w/{WARD}/save", {"values": {"slots": {"local_focus": "later"}}, "based_on": version})
    assert frozen.status_code == 409 and "withdraw" in frozen.json()["error"]

    reviewer = browser()
    reviewer.sign_in(invite(project, None, role="reviewer", name="Rev")[0].url)
    listing = reviewer.get("/review")
    assert listing.status_code == 200 and f"/review/{WARD}" in listing.text
    page = reviewer.get(f"/review/{WARD}")
    assert page.status_code == 200 and "Printing now: the campaign&#39;s" in page.text and "changed region" in page.text
    assert (
        reviewer.post(
            f"/review/{WARD}/request-changes", data={"csrf": reviewer.csrf, "version": str(version)}
        ).status_code
        == 422
    )
    assert reviewer.post(f"/review/{WARD}/approve", data={"version": str(version)}).status_code == 403
    assert (
        reviewer.post(f"/review/{WARD}/approve", data={"csrf": reviewer.csrf, "version": str(version)}).status_code
        == 303
    )
    assert Storage.for_campaign(project).approved()[WARD].number == version
    assert "Approved" in b.get(f"/w/{WARD}").text


def test_request_changes_shows_the_comment_to_the_organiser(project, organiser, browser):
    code = "E05010101"
    b = organiser(code)
    version = b.json(f"/w/{code}/save", {"values": {"slots": {"local_focus": TEXT}}, "based_on": 0}).json()["version"]
    b.post(f"/w/{code}/submit", data={"csrf": b.csrf, "based_on": str(version)})
    reviewer = browser()
    reviewer.sign_in(invite(project, [code], role="reviewer")[0].url)
    reviewer.get(f"/review/{code}")
    comment = "Name the <b>park</b>, please"
    answer = reviewer.post(
        f"/review/{code}/request-changes", data={"csrf": reviewer.csrf, "version": str(version), "comment": comment}
    )
    assert answer.status_code == 303
    page = b.get(f"/w/{code}").text
    assert "Changes requested" in page and "Name the &lt;b&gt;park&lt;/b&gt;, please" in page
    assert reviewer.get(f"/review/{WARD}").status_code == 403  # a one-ward reviewer's link opens one ward


def test_revoking_a_wards_links_ends_its_sessions(project, organiser):
    code = "E05007531"
    b = organiser(code)
    assert b.get(f"/w/{code}").status_code == 200
    assert revoke(project, [code]) >= 1
    assert b.get(f"/w/{code}").status_code == 403


def test_invites_for_every_ward_go_to_a_mail_merge_file(project, tmp_path):
    out = tmp_path / "invites.csv"
    links = invite_all(project, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "code,name,organiser,role,link" and len(lines) == len(links) + 1 == 15
    assert len({link.url for link in links}) == 14


def test_no_secret_reaches_the_log(project, browser, caplog):
    link = invite(project, [WARD])[0].url
    secret = link.rsplit("/", 1)[1]
    assert logged_path(f"/i/{secret}") == "/i/[link]"
    b = browser()
    with caplog.at_level(logging.INFO, logger="leaflet.serve"):
        b.sign_in(link)
        b.get(f"/w/{WARD}")
    cookie = b.client.cookies.get(SESSION_COOKIE)
    text = caplog.text
    assert "/i/[link]" in text and f"/w/{WARD}" in text
    assert secret not in text and cookie and cookie not in text


def test_responses_carry_the_security_headers(organiser):
    page = organiser(WARD).get(f"/w/{WARD}")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/w/E05011111", "/review", "/review/E05011111"])
def test_without_a_session_nothing_opens(browser, path):
    assert browser().get(path).status_code == 403
