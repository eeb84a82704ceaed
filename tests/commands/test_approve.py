"""leaflet approve: the agent's sign-off from a terminal, in the same database as the browser's:
what it records, what it refuses, and the one line per ward the terminal gets."""

from __future__ import annotations

import hashlib
import json

import pytest
from leaflet.cli import main
from leaflet.commands.approve import approve
from leaflet.errors import InputError
from leaflet.runs.digests import InputDigests
from leaflet.runs.prepare import load
from leaflet.runs.storage import Storage
from leaflet.version import __version__

from tests.runs.test_local import ENGLISH

APPROVED = ["W05000981", "W05001215"]


def test_a_sign_off_records_every_input_the_print_files_sha256_who_and_when(campaign_copy):
    report = approve(campaign_copy, "  Sam Taylor ", APPROVED, comment="checked against the proof")
    assert report.path == campaign_copy / "local-edits" / "edits.db"
    assert [record.ward for record in report.signed] == APPROVED and not report.refused
    signed = Storage.for_campaign(campaign_copy).signoffs()
    assert sorted(signed) == APPROVED
    record = signed["W05000981"]
    assert (record.actor, record.role, record.version, record.leaflet) == ("Sam Taylor", "agent", 0, __version__)
    campaigns, wards = load(campaign_copy)
    assert record.inputs == InputDigests(campaigns).ward_inputs(next(w for w in wards if w.code == "W05000981"))
    for label in ("ward row", "campaign file campaign.yaml", "campaign file story.md", "photo hero", "press profile"):
        assert len(record.inputs[label]) == 64, label
    assert len(record.print_sha256) == 64
    event = next(e for e in Storage.for_campaign(campaign_copy).events("W05000981") if e.kind == "sign-off")
    assert event.detail["comment"] == "checked against the proof"
    assert event.detail["print_sha256"] == record.print_sha256
    assert (
        event.detail["inputs_sha256"]
        == hashlib.sha256(json.dumps(record.inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    )


def test_signing_off_again_keeps_what_still_holds(campaign_copy):
    approve(campaign_copy, "Sam Taylor", APPROVED[:1])
    again = approve(campaign_copy, "Jo Evans", APPROVED)
    assert again.already == ("W05000981",) and [r.ward for r in again.signed] == ["W05001215"]
    signed = Storage.for_campaign(campaign_copy).signoffs()
    assert signed["W05000981"].actor == "Sam Taylor" and signed["W05001215"].actor == "Jo Evans"


def test_a_ward_with_preflight_errors_is_refused(campaign_copy):
    wards = campaign_copy / "wards.csv"
    long = " ".join(["a very long list of local worries"] * 40)
    wards.write_text(wards.read_text(encoding="utf-8").replace("goryrru ar ffordd yr arfordir", long), encoding="utf-8")
    report = approve(campaign_copy, "Sam Taylor", APPROVED)
    assert list(report.refused) == ["W05000981"] and report.refused["W05000981"].startswith("preflight errors: ")
    assert "does not fit" in report.refused["W05000981"]
    assert sorted(Storage.for_campaign(campaign_copy).signoffs()) == ["W05001215"]


def test_a_ward_whose_local_version_awaits_review_is_refused(campaign_copy):
    storage = Storage.for_campaign(campaign_copy)
    storage.save(ENGLISH, {"slots": {}, "fields": {}, "photos": {}}, 0, "Ann", None, "organiser")
    storage.record(ENGLISH, "submit", 1, "Ann", None, "organiser")
    report = approve(campaign_copy, "Sam Taylor", [ENGLISH])
    assert report.refused == {ENGLISH: "version 1 is submitted for review: approve it or request changes first"}
    assert storage.signoffs() == {}


def test_a_sign_off_needs_a_name(campaign_copy):
    with pytest.raises(InputError, match="--by"):
        approve(campaign_copy, "  ", APPROVED)
    assert not (campaign_copy / "local-edits").exists()


def test_the_terminal_gets_a_line_per_refused_ward_and_exit_1(campaign_copy, capsys):
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace("Siân Ffion Hughes", "Siân\u2603"), encoding="utf-8")
    code = main(["approve", str(campaign_copy), "--by", "Sam Taylor", "--ward", APPROVED[0], "--ward", APPROVED[1]])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("not signed off: ward W05000981: preflight errors: ") and "U+2603" in err
    assert out.startswith("signed off 1 ward(s) by Sam Taylor, recorded in ")
