"""The one approval model: whether a sign-off still holds, and what changed since in one line,
for each kind of input edit; approvals.json migrated into the database once."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from leaflet.commands.approve import approve
from leaflet.errors import InputError
from leaflet.runs import approvals as approvals_module
from leaflet.runs.approvals import migrate_approvals, open_storage, print_gate, sign_off_status, unapproved
from leaflet.runs.digests import InputDigests
from leaflet.runs.prepare import load
from leaflet.runs.storage import Storage
from PIL import Image

from tests.conftest import ROOT

APPROVED = ["W05000981", "W05001215"]


def _unapproved(campaign) -> dict[str, str]:
    return unapproved(*load(campaign))


def _stale(campaign) -> dict[str, str | None]:
    campaigns, wards = load(campaign)
    return {
        code: status.stale for code, status in sign_off_status(campaigns, wards, open_storage(campaigns[""])).items()
    }


def _edit(path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def signed(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED)
    return campaign_copy


def test_a_sign_off_holds_until_something_changes(signed):
    reasons = _unapproved(signed)
    every = [ward.code for ward in load(signed)[1]]
    assert reasons == {code: "not signed off" for code in every if code not in APPROVED}
    assert _stale(signed)["W05000981"] is None


def test_editing_a_wards_row_invalidates_that_ward_only_and_says_what_changed(signed):
    _edit(signed / "wards.csv", "Siân Ffion Hughes", "Morgan Pryce")
    stale = _stale(signed)
    assert stale["W05000981"] == "ward row changed: organiser “Siân Ffion Hughes” → “Morgan Pryce”"
    assert stale["W05001215"] is None
    assert re.fullmatch(
        r"signed off by Sam Taylor on \d{4}-\d\d-\d\d, then ward row changed: .*", _unapproved(signed)["W05000981"]
    )


def test_reordering_the_spreadsheet_keeps_sign_offs(signed):
    wards = signed / "wards.csv"
    header, *rows = wards.read_text(encoding="utf-8").splitlines()
    wards.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    assert not set(APPROVED) & set(_unapproved(signed))


def test_editing_the_shared_words_marks_every_sign_off_stale_in_one_line(signed):
    _edit(signed / "story.md", "crime", "crimes")
    stale = _stale(signed)
    assert {code: stale[code] for code in APPROVED} == dict.fromkeys(
        APPROVED, "campaign file story.md changed: “crime” → “crimes”"
    )
    campaigns, wards = load(signed)
    with pytest.raises(
        InputError, match=re.escape("2 sign-offs no longer hold: campaign file story.md changed: “crime” → “crimes”")
    ):
        print_gate(campaigns, wards)  # nothing to print
    _edit(signed / "campaign.yaml", "Scan to sign up", "Scan to join")
    assert _stale(signed)["W05000981"] == (
        "campaign file campaign.yaml changed: “sign up” → “join”; campaign file story.md changed: “crime” → “crimes”"
    )


def test_editing_a_photo_invalidates_the_wards_that_show_it(signed):
    photo = load(signed)[0][""].images["hero"]
    assert photo.is_relative_to(signed.parent.parent)  # the copy's, not the repository's
    with Image.open(photo) as image:
        edited = image.copy()
    edited.putpixel((10, 10), (255, 0, 0))
    edited.save(photo, quality=90)
    assert {code: _stale(signed)[code] for code in APPROVED} == dict.fromkeys(APPROVED, "photo hero changed")


def test_a_wards_own_photo_counts_for_that_ward(signed):
    shutil.copy(ROOT / "images" / "meadow.jpg", signed / "own.jpg")
    wards = signed / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",hero"] + [line + (",own.jpg" if line.startswith("W05001215,") else ",") for line in lines[1:]]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stale = _stale(signed)
    assert stale["W05001215"] == "ward row changed: column hero added (“own.jpg”); photo hero changed"
    assert stale["W05000981"] == "ward row changed: column hero added"  # its row gained an empty cell


def test_an_unusable_input_is_a_reason_not_a_crash(signed):
    wards = signed / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",hero"] + [
        line + (",../../../../elsewhere.jpg" if line.startswith("W05001215,") else ",") for line in lines[1:]
    ]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "leads out of the project folder" in _unapproved(signed)["W05001215"]


def test_a_new_leaflet_version_invalidates_sign_offs(signed, monkeypatch):
    monkeypatch.setattr(approvals_module, "__version__", "9.9.9")
    assert _stale(signed)["W05000981"].startswith("leaflet changed (")


def test_a_withdrawn_sign_off_no_longer_counts(signed):
    Storage.for_campaign(signed).withdraw_sign_off("W05000981", "Sam Taylor", None, "agent", "wrong ward")
    assert _unapproved(signed)["W05000981"] == "not signed off"
    with pytest.raises(ValueError, match="not signed off"):
        Storage.for_campaign(signed).withdraw_sign_off("W05000981", "Sam Taylor", None, "agent", "")


# ---------------------------------------------------------------- approvals.json, as earlier leaflets wrote it


def _legacy_file(campaign, codes, by="Old Agent", at="2024-05-01T12:00:00+00:00") -> bytes:
    campaigns, wards = load(campaign)
    digests = InputDigests(campaigns)
    records = {
        ward.code: {
            "approved_by": by,
            "approved_at": at,
            "leaflet": approvals_module.__version__,
            "inputs": digests.ward_inputs(ward),
        }
        for ward in wards
        if ward.code in codes
    }
    data = (json.dumps({"campaign": campaign.name, "wards": records}, indent=2) + "\n").encode()
    (campaign / "approvals.json").write_bytes(data)
    return data


def test_approvals_json_is_migrated_once_with_a_note(campaign_copy):
    data = _legacy_file(campaign_copy, APPROVED)
    _edit(campaign_copy / "wards.csv", "Dafydd Prys-Jones", "Dafydd Jones")  # W05001215's approval no longer holds
    note = migrate_approvals(load(campaign_copy)[0][""])
    assert note.startswith(f"{campaign_copy / 'approvals.json'}: its 2 approvals were moved into ")
    assert not (campaign_copy / "approvals.json").exists()
    assert (campaign_copy / "approvals.migrated.json").read_bytes() == data
    signed = Storage.for_campaign(campaign_copy).signoffs()
    assert (signed["W05000981"].actor, signed["W05000981"].at) == ("Old Agent", "2024-05-01T12:00:00+00:00")
    assert len(signed["W05000981"].print_sha256) == 64 and signed["W05001215"].print_sha256 is None
    stale = _stale(campaign_copy)
    assert stale["W05000981"] is None and stale["W05001215"] == "ward row changed"  # its words then were not kept
    assert migrate_approvals(load(campaign_copy)[0][""]) is None
    (campaign_copy / "approvals.json").write_bytes(data)  # restored from a backup: not migrated twice
    assert "(already, earlier)" in migrate_approvals(load(campaign_copy)[0][""])
    events = Storage.for_campaign(campaign_copy).events()
    assert [e.kind for e in events] == ["sign-off", "sign-off", "migrate-approvals"]


def test_an_unreadable_approvals_file_is_named(campaign_copy):
    (campaign_copy / "approvals.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("approvals.json: not an approvals file")):
        _unapproved(campaign_copy)
