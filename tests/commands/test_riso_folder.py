"""Office (Riso) output under the press build's folder rules: every ward of the spreadsheet
accounted for, a ward whose households cannot be counted refused (never in a worker's hands), the
bill over what is for print, the files the print order does not list moved aside, one build per
folder."""

from __future__ import annotations

import json

import pytest
from leaflet.cli import main
from leaflet.commands.riso import build_riso
from leaflet.errors import InputError
from leaflet.runs.folders import folder_lock

from tests.conftest import DEMO, assert_riso_folder_is_true

GWYR, TY_DU, ST_MARYS = "W05000981", "W05001215", "E05011111"


def test_a_ward_whose_households_cannot_be_counted_is_refused_and_the_others_print(campaign_copy, tmp_path):
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace(",3120,", ",about 3000,"), encoding="utf-8")
    report = build_riso(campaign_copy, tmp_path / "riso", jobs=2, force=True)  # 14 wards: in worker processes
    assert [(result.ward.code, result.status) for result in report.failed] == [(TY_DU, "refused")]
    document = assert_riso_folder_is_true(tmp_path / "riso")
    (row,) = [row for row in document["wards"] if row["code"] == TY_DU]
    assert row["status"] == "refused" and row["cost"] == "" and row["households"] is None
    assert row["reason"].startswith(f"{wards}: line 3: column 'households' is 'about 3000', not a number")
    assert [row["code"] for row in document["wards"]][-1] == TY_DU  # the rows for print come first
    assert document["totals"]["wards"] == 13 and document["totals"]["not_for_print"] == 1
    assert document["spending_limit"]["elections"][0]["cost"] == document["totals"]["cost"]
    assert not (tmp_path / "riso" / "W05001215-ty-du.png").exists()


def test_a_ward_build_leaves_only_its_wards_for_print_and_moves_the_other_composites_aside(tmp_path, capsys):
    out = tmp_path / "riso"
    build_riso(DEMO, out)
    assert main(["build", str(DEMO), "--for", "riso", "--out", str(out), "--ward", GWYR, "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    reason = "ward W05001215 not built: not asked for (--ward): the drum files hold the masters of one build's wards"
    assert f"moved to {out / 'not-for-print'}: W05001215-ty-du.png: {reason}" in err
    document = assert_riso_folder_is_true(out)
    assert [row["code"] for row in document["wards"] if row["status"] == "built"] == [GWYR]
    assert document["masters"] == 2 and document["totals"]["not_for_print"] == 13
    readme = (out / "not-for-print" / "README.txt").read_text(encoding="utf-8")
    assert f"W05001215-ty-du.png: {reason}" in readme
    assert len(list((out / "not-for-print").glob("*.png"))) == 13
    report = build_riso(DEMO, out)  # a full build again: every composite back, none left aside twice
    assert len(report.built) == 14 and not report.moved_aside
    assert_riso_folder_is_true(out)


def test_files_leaflet_did_not_write_and_masters_of_a_drum_gone_are_moved_aside(tmp_path):
    out = tmp_path / "riso"
    build_riso(DEMO, out, ward_codes=[ST_MARYS])
    (out / "pcc-2021-riso-red.pdf").write_bytes(b"%PDF-1.4 an old drum's masters")
    (out / "poster.png").write_bytes(b"not leaflet's")
    report = build_riso(DEMO, out, ward_codes=[ST_MARYS])
    assert sorted((m.name, m.reason) for m in report.moved_aside) == [
        ("pcc-2021-riso-red.pdf", "masters of a drum this build does not print"),
        ("poster.png", "in no print order: not written by leaflet for this campaign's wards"),
    ]
    assert_riso_folder_is_true(out)


def test_a_second_build_into_a_folder_in_use_is_refused_and_touches_nothing(tmp_path):
    out = tmp_path / "riso"
    build_riso(DEMO, out, ward_codes=[ST_MARYS])
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file() and path.name[0] != "."}
    with folder_lock(out, "build --for riso"), pytest.raises(InputError, match="is writing into this folder"):
        build_riso(DEMO, out, ward_codes=[GWYR])
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file() and path.name[0] != "."} == before


def test_unapproved_wards_are_refused_rows_with_what_changed(campaign_copy, tmp_path):
    from leaflet.commands.approve import approve

    approve(campaign_copy, "Agent", [ST_MARYS, GWYR])
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace("Siân Ffion Hughes", "Siân Hughes"), encoding="utf-8")
    report = build_riso(campaign_copy, tmp_path / "riso", approved_only=True)
    assert [result.ward.code for result in report.built] == [ST_MARYS]
    document = json.loads((tmp_path / "riso" / "manifest.json").read_text(encoding="utf-8"))
    statuses = {row["code"]: (row["status"], row["reason"]) for row in document["wards"]}
    assert statuses[GWYR][0] == "refused" and statuses[GWYR][1].startswith("signed off by Agent on ")
    assert statuses[GWYR][1].endswith("then ward row changed: organiser removed “Ffion”")
    assert statuses[TY_DU] == ("refused", "not signed off")
    assert_riso_folder_is_true(tmp_path / "riso")
