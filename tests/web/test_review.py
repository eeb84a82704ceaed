"""The review queue and sign-off, in-process: what each role's link may do on every new route,
the queue's counts, filters and pages, comments both ways, the agent's sign-off (one ward and
in bulk), its withdrawal, and the audit trail's download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from leaflet.cli import main
from leaflet.runs import queue as queue_module
from leaflet.runs.storage import Storage

from tests.web.test_app import TEXT

WARD, OTHER, DRAFTED = "E05011111", "E05009308", "E05012345"
VALUES = {"slots": {"local_focus": TEXT}, "fields": {}, "photos": {}}


def _submitted(project, code: str, text: str = TEXT) -> int:
    storage = Storage.for_campaign(project)
    latest = storage.latest(code)
    saved = storage.save(
        code, {**VALUES, "slots": {"local_focus": text}}, latest.number if latest else 0, "Org", None, "organiser"
    )
    storage.record(code, "submit", saved.version.number, "Org", None, "organiser")
    return saved.version.number


ROUTES = [  # (method, path, what it does)
    ("GET", "/review", "queue"),
    ("GET", f"/review/{WARD}", "review"),
    ("POST", f"/review/{WARD}/approve", "review"),
    ("POST", f"/review/{WARD}/request-changes", "review"),
    ("POST", f"/review/{WARD}/sign-off", "sign-off"),
    ("POST", f"/review/{WARD}/withdraw-sign-off", "sign-off"),
    ("POST", "/review/sign-off-unchanged", "sign-off"),
    ("GET", "/audit.csv", "audit"),
    ("POST", f"/w/{WARD}/comment", "comment"),
]
MAY = {  # what each link may do
    ("organiser", WARD): {"comment"},
    ("organiser", OTHER): set(),
    ("reviewer", None): {"queue", "review", "comment"},
    ("reviewer", OTHER): set(),
    ("agent", None): {"queue", "review", "comment", "sign-off", "audit"},
}


@pytest.mark.parametrize(("role", "ward"), list(MAY))
def test_each_role_may_do_what_its_role_says_and_nothing_else(signed_in, role, ward):
    b = signed_in(role, ward)
    for method, path, action in ROUTES:
        allowed = action in MAY[(role, ward)]
        if method == "GET":
            status = b.get(path).status_code
            assert (status != 403) == allowed, f"{role} {ward}: {method} {path} gave {status}"
        else:  # without the token: the role is checked first, so what is said shows which refused it
            answer = b.post(path, data={"version": "1"})
            said = "The form had expired" if allowed else "Your link does not open this page"
            assert answer.status_code == 403 and said in answer.text, f"{role} {ward}: {method} {path}"


def test_an_organisers_link_cannot_approve_or_sign_off_its_own_ward(project, signed_in):
    number = _submitted(project, WARD)
    b = signed_in("organiser", WARD)
    assert b.post(f"/review/{WARD}/approve", data={"csrf": b.csrf, "version": str(number)}).status_code == 403
    assert b.post(f"/review/{WARD}/sign-off", data={"csrf": b.csrf}).status_code == 403
    assert Storage.for_campaign(project).last_workflow_events()[WARD].kind == "submit"


def test_a_reviewer_cannot_sign_off_and_a_post_without_the_token_is_refused(project, signed_in):
    reviewer = signed_in("reviewer")
    assert reviewer.post(f"/review/{OTHER}/sign-off", data={"csrf": reviewer.csrf}).status_code == 403
    agent = signed_in("agent")
    assert agent.post(f"/review/{OTHER}/sign-off", data={}).status_code == 403
    assert agent.post(f"/w/{OTHER}/comment", data={"comment": "hello"}).status_code == 403
    assert OTHER not in Storage.for_campaign(project).signoffs()


def test_a_comment_thread_runs_both_ways(project, signed_in):
    code = "E05010101"
    reviewer = signed_in("reviewer", name="Sam")
    reviewer.get(f"/review/{code}")
    answer = reviewer.post(f"/w/{code}/comment", data={"csrf": reviewer.csrf, "comment": "Which <park>?"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/review/{code}#thread"
    organiser = signed_in("organiser", code)
    page = organiser.get(f"/w/{code}").text
    assert "Sam" in page and "Which &lt;park&gt;?" in page
    reply = organiser.post(f"/w/{code}/comment", data={"csrf": organiser.csrf, "comment": "Victoria Park"})
    assert reply.headers["location"] == f"/w/{code}#thread"
    assert "Victoria Park" in reviewer.get(f"/review/{code}").text
    for bad, why in (("", "Write the comment first"), ("x" * 2001, "at most 2000"), ("a\u202eb", "invisible")):
        refused = organiser.post(f"/w/{code}/comment", data={"csrf": organiser.csrf, "comment": bad})
        assert refused.status_code == 422 and why in refused.text
    kinds = [e.kind for e in Storage.for_campaign(project).events(code)]
    assert kinds.count("comment") == 2


def test_the_agent_signs_off_a_ward_and_can_withdraw_it(project, signed_in):
    agent = signed_in("agent", name="Alex Agent")
    page = agent.get(f"/review/{OTHER}")
    assert "Not signed off yet" in page.text and ">Sign off</button>" in page.text
    assert agent.post(f"/review/{OTHER}/sign-off", data={"csrf": agent.csrf, "comment": "ok"}).status_code == 303
    signed = Storage.for_campaign(project).signoffs()[OTHER]
    assert signed.actor == "Alex Agent" and signed.role == "agent" and len(signed.print_sha256) == 64
    page = agent.get(f"/review/{OTHER}").text
    assert "Signed off by Alex Agent" in page and signed.print_sha256[:16] in page and "Withdraw sign-off" in page
    assert re.search(r'data-code="E05009308" data-state="signed off"', agent.get("/review").text)
    refused = agent.post(f"/review/{OTHER}/withdraw-sign-off", data={"csrf": agent.csrf})
    assert refused.status_code == 422 and "Say why" in refused.text
    assert (
        agent.post(
            f"/review/{OTHER}/withdraw-sign-off", data={"csrf": agent.csrf, "comment": "wrong photo"}
        ).status_code
        == 303
    )
    assert OTHER not in Storage.for_campaign(project).signoffs()


def test_a_submitted_ward_cannot_be_signed_off_until_reviewed(project, signed_in):
    code = "E05002468"
    _submitted(project, code)
    agent = signed_in("agent")
    assert "A submitted version awaits review" in agent.get(f"/review/{code}").text
    refused = agent.post(f"/review/{code}/sign-off", data={"csrf": agent.csrf})
    assert refused.status_code == 409 and "is submitted for review" in refused.text


def test_the_queue_counts_states_and_filters_them(project, signed_in):
    code = "E05013579"
    _submitted(project, code)
    Storage.for_campaign(project).save(DRAFTED, VALUES, 0, "Org", None, "organiser")
    reviewer = signed_in("reviewer")
    page = reviewer.get("/review").text
    counts = dict(re.findall(r'class="count-([a-z-]+)">(\d+)<', page))
    assert sum(map(int, counts.values())) == 14 and int(counts["submitted"]) >= 1 and int(counts["draft"]) >= 1
    submitted = reviewer.get("/review?state=submitted").text
    shown = re.findall(r'<tr class="ward-row" data-code="([^"]+)" data-state="([^"]+)"', submitted)
    assert (code, "submitted") in shown and all(state == "submitted" for _, state in shown)
    assert f"/review/{code}?state=submitted" in submitted  # a ward opened from a filtered queue keeps the filter
    welsh = re.findall(r'data-code="([^"]+)"', reviewer.get("/review?language=cy").text)
    assert sorted(welsh) == ["W05000870", "W05000981", "W05001215"]
    assert "not-a-state" not in reviewer.get("/review?state=not-a-state&page=x").text  # nonsense is ignored
    ward = reviewer.get(f"/review/{code}?state=submitted").text
    assert 'rel="next"' not in ward or "state=submitted" in ward


def test_the_queue_is_paged(project, signed_in, monkeypatch):
    monkeypatch.setattr(queue_module, "PAGE_SIZE", 5)
    reviewer = signed_in("reviewer")
    first = reviewer.get("/review").text
    assert (
        len(re.findall(r'class="ward-row"', first)) == 5 and "page 1 of 3" in first and 'href="/review?page=2"' in first
    )
    last = reviewer.get("/review?page=3").text
    assert len(re.findall(r'class="ward-row"', last)) == 4 and "Page 2</a>" in last


def test_next_and_previous_follow_the_spreadsheet_within_the_filter(signed_in):
    reviewer = signed_in("reviewer")
    page = reviewer.get("/review/W05001215?language=cy").text
    assert 'rel="prev" href="/review/W05000981?language=cy"' in page
    assert 'rel="next" href="/review/W05000870?language=cy"' in page
    assert "Ward 2 of 3 (filtered)" in page


def test_bulk_sign_off_signs_the_wards_no_organiser_changed(project, signed_in):
    agent = signed_in("agent", name="Alex Agent")
    page = agent.get("/review").text
    offered = int(re.search(r"Sign off (\d+) ward\(s\) with no local changes", page).group(1))
    storage = Storage.for_campaign(project)
    changed = set(storage.latest_numbers())
    answer = agent.post("/review/sign-off-unchanged", data={"csrf": agent.csrf, "comment": "campaign proof checked"})
    assert answer.status_code == 200 and f"Signed off {offered} ward(s)" in answer.text
    signed = storage.signoffs()
    assert not changed & set(signed) - {OTHER} and len(signed) >= offered
    assert "Sign off 0 ward(s)" in agent.get("/review").text


def test_the_agent_downloads_the_audit_trail(project, signed_in):
    agent = signed_in("agent")
    answer = agent.get("/audit.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="pcc-2021-audit.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [int(row["number"]) for row in rows] == sorted(int(row["number"]) for row in rows)
    assert {"invite", "sign-in"} <= {row["event"] for row in rows}


def test_an_agents_link_is_made_by_leaflet_invite(project, browser, capsys):
    assert main(["invite", str(project), "--role", "agent", "--name", "Alex Agent"]) == 0
    link = capsys.readouterr().out.strip().rsplit(" ", 1)[1]
    assert capsys.readouterr().out == "" and link.startswith("http://127.0.0.1:8000/i/")
    b = browser()
    assert b.sign_in(link).headers["location"] == "/review"
    assert "Download the audit trail (CSV)" in b.get("/review").text
