"""Review and sign-off with three roles, in a real browser (Debian's Chromium driven by
Playwright) against a real server, on a campaign that prints only what its agent signed off: an
organiser submits, a reviewer asks for changes with a comment, the organiser sees it and submits
again, the reviewer approves, the agent signs off; ``leaflet build`` then writes exactly the
signed bytes and lists the ward that is not signed off; the audit trail lists every step in
order; a change to story.md marks every sign-off stale."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import shutil

import pypdf
import pytest
from leaflet import build
from leaflet.commands.invite import invite
from leaflet.errors import InputError
from leaflet.runs.storage import Storage

from tests.conftest import DEMO, ROOT
from tests.web.test_browser import _open, _previewed, _wait

WARD, DRAFTED = "E05011111", "E05012345"
FIRST = "Street lighting on the lane is what we will fix first."
SECOND = "Street lighting on Mill Lane is what we will fix first, with your help."
REQUEST = "Name the lane, please: people will not know which one."


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("signoff")
    for folder in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / folder, root / folder)
    campaign = root / "content" / "pcc-2021"
    shutil.copytree(DEMO, campaign)
    path = campaign / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nrequire_sign_off: true\n", encoding="utf-8")
    return campaign


def _submit(page, words: str) -> None:
    seen = int(page.evaluate("Number(document.body.dataset.previewed || 0)"))
    saved = page.evaluate("document.body.dataset.saved || ''")
    page.get_by_label("Your local priority").fill(words)
    _previewed(page, seen)
    _wait(page, f"(document.body.dataset.saved || '') !== '{saved}'")  # saved as a new version
    _wait(page, "!document.getElementById('submit-button').disabled")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    assert page.locator("#state").inner_text() == "Submitted"


def _codes(page) -> list[str]:
    return page.eval_on_selector_all(".ward-row", "rows => rows.map(row => row.dataset.code)")


def _steps(rows: list[dict[str, str]], ward: str) -> list[str]:
    """The ward's events in order, a run of saves as one."""
    return [kind for kind, _ in itertools.groupby(row["event"] for row in rows if row["ward"] == ward)]


def test_three_roles_from_a_submission_to_the_signed_print_file(project, server, chromium, tmp_path):
    Storage.for_campaign(project).save(
        DRAFTED, {"slots": {}, "fields": {"organiser": "Jo"}, "photos": {}}, 0, "Jo", None, "organiser"
    )  # another ward's organiser has a draft: that ward is not signed off with the unchanged ones
    wide = {"viewport": {"width": 1280, "height": 900}}
    organiser_context, reviewer_context, agent_context = (chromium.new_context(**wide) for _ in range(3))
    organiser, organiser_errors = _open(organiser_context, invite(project, [WARD], url=server)[0].url)
    _submit(organiser, FIRST)

    reviewer, reviewer_errors = _open(
        reviewer_context, invite(project, None, role="reviewer", name="Sam Reviewer", url=server)[0].url
    )
    with reviewer.expect_navigation():
        reviewer.locator(".counts a[data-state='submitted']").click()
    assert _codes(reviewer) == [WARD]
    assert "j" in reviewer.locator(".keys").inner_text()  # the keys are shown
    reviewer.locator("body").press("j")
    with reviewer.expect_navigation():
        reviewer.keyboard.press("Enter")
    assert reviewer.url.endswith(f"/review/{WARD}?state=submitted")
    assert reviewer.locator(".change").count() > 0  # changed regions boxed
    assert "Street lighting on the lane" in reviewer.locator(".changes ins").first.inner_text()
    reviewer.get_by_label("What should change").fill(REQUEST)
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Request changes").click()
    assert reviewer.locator("#state").inner_text() == "Changes requested"

    organiser.reload()
    assert REQUEST in organiser.locator(".banner.request").inner_text()
    assert REQUEST in organiser.locator(".thread").inner_text()  # the thread the organiser sees
    organiser.get_by_label("Reply to the reviewers").fill("Done: it is Mill Lane.")
    with organiser.expect_navigation():
        organiser.get_by_role("button", name="Add comment").click()
    _submit(organiser, SECOND)
    csrf = organiser.locator("input[name=csrf]").first.get_attribute("value")
    refused = organiser.request.post(f"{server}/review/{WARD}/approve", form={"csrf": csrf, "version": "2"})
    assert refused.status == 403  # an organiser's link cannot approve

    reviewer.goto(f"{server}/review/{WARD}")
    assert "Done: it is Mill Lane." in reviewer.locator(".thread").inner_text()
    assert "Mill Lane" in reviewer.locator(".changes ins").first.inner_text()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approve").click()
    assert reviewer.locator("#state").inner_text() == "Approved"
    assert reviewer.get_by_role("button", name="Sign off").count() == 0  # a reviewer does not sign off

    agent, agent_errors = _open(
        agent_context, invite(project, None, role="agent", name="Alex Agent", url=server)[0].url
    )
    agent.goto(f"{server}/review/{WARD}")
    with agent.expect_navigation():
        agent.get_by_role("button", name="Sign off").click()
    assert agent.locator("#state").inner_text() == "Signed off"
    assert "Signed off by Alex Agent" in agent.locator("#sign-off").inner_text()
    agent.goto(f"{server}/review")
    bulk = agent.get_by_role("button", name=re.compile(r"Sign off \d+ ward\(s\) with no local changes"))
    assert bulk.inner_text() == "Sign off 12 ward(s) with no local changes"
    with agent.expect_navigation():
        bulk.click()
    assert "Signed off 12 ward(s)" in agent.locator("h1").inner_text()
    signed = Storage.for_campaign(project).signoffs()
    assert len(signed) == 13 and DRAFTED not in signed

    report = build(project, tmp_path / "out")
    assert len(report.written) == 13 and not report.failed
    for result in report.written:  # exactly the bytes that were signed
        assert hashlib.sha256(result.path.read_bytes()).hexdigest() == signed[result.ward.code].print_sha256
    assert report.unapproved == {DRAFTED: "not signed off"}  # not built, and listed
    assert not list((tmp_path / "out").glob(f"{DRAFTED}-*.pdf"))
    printed = next(result.path for result in report.written if result.ward.code == WARD)
    assert SECOND in " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(printed).pages).split())

    agent.goto(f"{server}/review")
    with agent.expect_download() as download:
        agent.get_by_role("link", name="Download the audit trail (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [int(row["number"]) for row in rows] == sorted(int(row["number"]) for row in rows)
    assert _steps(rows, WARD) == [
        "invite",
        "sign-in",
        "save",
        "submit",
        "request-changes",
        "comment",
        "save",
        "submit",
        "approve",
        "sign-off",
        "build",
    ]
    by_step = {row["event"]: row for row in rows if row["ward"] == WARD}
    assert by_step["request-changes"]["comment"] == REQUEST and by_step["request-changes"]["who"] == "Sam Reviewer"
    assert by_step["sign-off"]["who"] == "Alex Agent" and by_step["sign-off"]["role"] == "agent"
    assert by_step["sign-off"]["print file SHA-256"] == by_step["build"]["print file SHA-256"]
    assert by_step["approve"]["local version SHA-256"] == by_step["sign-off"]["local version SHA-256"] != ""

    story = project / "story.md"
    story.write_text(story.read_text(encoding="utf-8").replace("crime", "crimes", 1), encoding="utf-8")
    agent.wait_for_timeout(1100)  # the server looks at the campaign's files once a second
    agent.goto(f"{server}/review?changed=1")
    assert sorted(_codes(agent)) == sorted(signed)  # every sign-off is stale
    assert agent.locator(".banner.request").inner_text() == (
        "13 sign-offs no longer hold: campaign file story.md changed: “crime” → “crimes”"
    )
    assert agent.locator(".count-signed-off").inner_text() == "0"
    with pytest.raises(InputError, match="no ward is signed off as it is now"):
        build(project, tmp_path / "again")
    assert organiser_errors == [] and reviewer_errors == [] and agent_errors == []
    for context in (organiser_context, reviewer_context, agent_context):
        context.close()
