"""Approvals: what a ward's approval records, and each kind of input edit that invalidates it."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from leaflet.commands.approve import approve
from leaflet.errors import InputError
from leaflet.runs import approvals as approvals_module
from leaflet.runs.approvals import unapproved
from leaflet.runs.prepare import load
from PIL import Image

from tests.conftest import ROOT

APPROVED = ["W05000981", "W05001215"]
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _unapproved(campaign: Path) -> dict[str, str]:
    return unapproved(*load(campaign))


def _all_codes(campaign: Path) -> list[str]:
    return [ward.code for ward in load(campaign)[1]]


def test_approval_records_the_inputs_who_and_when(campaign_copy):
    report = approve(campaign_copy, "  Sam Taylor ", APPROVED, at=WHEN)
    assert report.path == campaign_copy / "approvals.json"
    assert [ward.code for ward in report.wards] == APPROVED
    assert not [path for path in campaign_copy.iterdir() if path.name.endswith(".part")]
    record = json.loads(report.path.read_text(encoding="utf-8"))["wards"]
    assert sorted(record) == APPROVED
    approval = record["W05000981"]
    assert approval["approved_by"] == "Sam Taylor"
    assert approval["approved_at"] == "2024-05-01T12:00:00+00:00"
    assert approval["leaflet"] == approvals_module.__version__
    inputs = approval["inputs"]
    for label in (
        "ward row",
        "campaign file campaign.yaml",
        "campaign file story.md",
        "photo hero",
        "photo second",
        "font Sans-Regular",
        "font Sans-Bold",
        "press profile",
    ):
        assert len(inputs[label]) == 64, label
    assert any(label.startswith("layout ") and label.endswith("a5-two-sided.yaml") for label in inputs)
    reasons = _unapproved(campaign_copy)
    assert reasons == {code: "not approved" for code in _all_codes(campaign_copy) if code not in APPROVED}


def test_editing_a_wards_row_invalidates_that_ward_only(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace("Siân Ffion Hughes", "Morgan Pryce"), encoding="utf-8")
    reasons = _unapproved(campaign_copy)
    assert reasons["W05000981"] == "ward row changed"
    assert "W05001215" not in reasons


def test_reordering_the_spreadsheet_keeps_approvals(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    wards = campaign_copy / "wards.csv"
    header, *rows = wards.read_text(encoding="utf-8").splitlines()
    wards.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    assert not set(APPROVED) & set(_unapproved(campaign_copy))


def test_editing_the_content_invalidates_every_ward(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    story = campaign_copy / "story.md"
    story.write_text(story.read_text(encoding="utf-8").replace("crime", "crimes", 1), encoding="utf-8")
    reasons = _unapproved(campaign_copy)
    assert {code: reasons[code] for code in APPROVED} == dict.fromkeys(APPROVED, "campaign file story.md changed")
    campaign = campaign_copy / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace("Scan to sign up", "Scan to join"), encoding="utf-8"
    )
    assert (
        _unapproved(campaign_copy)["W05000981"] == "campaign file campaign.yaml changed; campaign file story.md changed"
    )


def test_editing_a_photo_invalidates_the_wards_that_show_it(campaign_copy):
    photo = load(campaign_copy)[0][""].images["hero"]
    assert photo.is_relative_to(campaign_copy.parent.parent)  # the copy's, not the repository's
    approve(campaign_copy, "Sam Taylor", APPROVED)
    assert not set(APPROVED) & set(_unapproved(campaign_copy))
    with Image.open(photo) as image:
        edited = image.copy()
    edited.putpixel((10, 10), (255, 0, 0))
    edited.save(photo, quality=90)
    reasons = _unapproved(campaign_copy)
    assert {code: reasons[code] for code in APPROVED} == dict.fromkeys(APPROVED, "photo hero changed")


def test_a_wards_own_photo_counts_for_that_ward(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    shutil.copy(ROOT / "images" / "meadow.jpg", campaign_copy / "own.jpg")
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",hero"] + [line + (",own.jpg" if line.startswith("W05001215,") else ",") for line in lines[1:]]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reasons = _unapproved(campaign_copy)
    assert reasons["W05001215"] == "ward row changed; photo hero changed"
    assert reasons["W05000981"] == "ward row changed"  # its row gained an empty cell


def test_an_unusable_input_is_a_reason_not_a_crash(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",hero"] + [
        line + (",../../../../elsewhere.jpg" if line.startswith("W05001215,") else ",") for line in lines[1:]
    ]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "leads out of the project folder" in _unapproved(campaign_copy)["W05001215"]


def test_a_new_leaflet_version_invalidates_approvals(campaign_copy, monkeypatch):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    monkeypatch.setattr(approvals_module, "__version__", "9.9.9")
    reasons = _unapproved(campaign_copy)
    assert reasons["W05000981"].startswith("leaflet version changed (")


def test_approving_more_wards_keeps_earlier_approvals(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED[:1], at=WHEN)
    approve(campaign_copy, "Jo Evans", APPROVED[1:])
    record = json.loads((campaign_copy / "approvals.json").read_text(encoding="utf-8"))["wards"]
    assert record["W05000981"]["approved_by"] == "Sam Taylor"
    assert record["W05001215"]["approved_by"] == "Jo Evans"


def test_approval_needs_a_name(campaign_copy):
    with pytest.raises(InputError, match="--by"):
        approve(campaign_copy, "  ", APPROVED)
    assert not (campaign_copy / "approvals.json").exists()


def test_an_unreadable_approvals_file_is_named(campaign_copy):
    (campaign_copy / "approvals.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("approvals.json: not an approvals file")):
        _unapproved(campaign_copy)
