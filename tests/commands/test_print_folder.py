"""The print folder tells the truth: every ward of the spreadsheet has its row, the manifest
lists exactly the PDFs in the folder, and what is not for print is moved aside and said."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from leaflet import approve, build
from leaflet.cli import main
from leaflet.errors import InputError

from tests.conftest import DEMO, assert_print_folder_is_true, write_many_wards

GWYR, TY_DU = "W05000981", "W05001215"
LONG = " ".join(["an endless list of local concerns"] * 40)


def _edit_wards(campaign_dir, old: str, new: str) -> None:
    wards = campaign_dir / "wards.csv"
    text = wards.read_text(encoding="utf-8")
    assert old in text
    wards.write_text(text.replace(old, new), encoding="utf-8")


def _statuses(report) -> dict[str, str]:
    return {row.code: row.status for row in report.manifest}


def _readme(out) -> str:
    return (out / "not-for-print" / "README.txt").read_text(encoding="utf-8")


def test_every_row_of_the_spreadsheet_is_accounted_for_once(campaign_copy, tmp_path):
    _edit_wards(campaign_copy, "goryrru ar ffordd yr arfordir", LONG)
    report = build(campaign_copy, tmp_path / "out", ward_codes=[GWYR, TY_DU, "E05007531"])
    with open(campaign_copy / "wards.csv", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert [row.code for row in report.manifest] == codes  # the spreadsheet's order
    accounted = [r.ward.code for r in report.results] + [r.ward.code for r in report.others]
    assert sorted(accounted) == sorted(codes)
    statuses = _statuses(report)
    assert (statuses[GWYR], statuses[TY_DU], statuses["E05007531"]) == ("refused", "built", "built")
    assert {statuses[code] for code in codes if code not in (GWYR, TY_DU, "E05007531")} == {"not built"}
    assert {row.reason for row in report.manifest if row.status == "not built"} == {"not asked for (--ward)"}
    (refused,) = [row for row in report.manifest if row.status == "refused"]
    assert refused.reason.startswith("text does not fit frame 'local-focus' even at its minimum size")
    assert_print_folder_is_true(tmp_path / "out")


def test_a_ward_build_updates_its_rows_and_keeps_the_others(campaign_copy, tmp_path):
    out = tmp_path / "out"
    full = build(campaign_copy, out)
    alone = build(campaign_copy, out, ward_codes=[GWYR])  # the bytes of the full build: kept
    assert _statuses(alone) == {row.code: "kept" for row in full.manifest}
    _edit_wards(campaign_copy, "Siân Ffion Hughes", "Siân Hughes")
    report = build(campaign_copy, out, ward_codes=[GWYR])
    assert [r.ward.code for r in report.results] == [GWYR]
    assert _statuses(report) == {row.code: "built" if row.code == GWYR else "kept" for row in full.manifest}
    assert len(report.others) == 13 and all(r.path and r.path.exists() for r in report.others)
    document = assert_print_folder_is_true(out)
    assert len(document["wards"]) == 14 and document["totals"]["quantity"] == 42700
    assert not (out / "not-for-print").exists()


def test_a_ward_that_now_fails_has_its_old_file_moved_aside(campaign_copy, tmp_path, capsys):
    out = tmp_path / "out"
    build(campaign_copy, out)
    old = (out / "W05000981-gwyr.pdf").read_bytes()
    _edit_wards(campaign_copy, "goryrru ar ffordd yr arfordir", LONG)
    assert main(["build", str(campaign_copy), "--out", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"moved to {out / 'not-for-print'}: W05000981-gwyr.pdf: ward W05000981 refused: text does not fit" in err
    assert not (out / "W05000981-gwyr.pdf").exists()
    assert (out / "not-for-print" / "W05000981-gwyr.pdf").read_bytes() == old
    assert "W05000981-gwyr.pdf: ward W05000981 refused: text does not fit frame 'local-focus'" in _readme(out)
    document = assert_print_folder_is_true(out)
    (row,) = [row for row in document["wards"] if row["code"] == GWYR]
    assert row["status"] == "refused" and row["households"] is None
    assert document["totals"] == {
        "wards": 13,
        "pages": 26,
        "households": 40295 - 2410,
        "quantity": 42700 - 2550,
        "cost": "923.45",  # £982.10 less Gŵyr's £58.65: a ward not for print costs nothing
        "not_for_print": 1,
    }
    assert document["spending_limit"]["elections"][0]["cost"] == "923.45"
    table = list(csv.reader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    assert table[1][:11] == [GWYR, "Gŵyr", "", "", "", "", "", "", "", "", "refused"]
    assert table[-1][-1] == "1 more ward(s) not for print, not counted"


def test_a_ward_that_left_the_spreadsheet_is_moved_aside(campaign_copy, tmp_path):
    out = tmp_path / "out"
    build(campaign_copy, out)
    row = "W05001215,Tŷ-du,Dafydd Prys-Jones,3120,anti-social behaviour in the park,cy,5720,"
    _edit_wards(campaign_copy, row + "ymddygiad gwrthgymdeithasol yn y parc\n", "")
    report = build(campaign_copy, out)
    assert [(m.name, m.reason) for m in report.moved_aside] == [
        ("W05001215-ty-du.pdf", "ward W05001215 is no longer in wards.csv")
    ]
    assert TY_DU not in _statuses(report)
    assert_print_folder_is_true(out)


def test_a_renamed_ward_leaves_no_old_file_behind(campaign_copy, tmp_path):
    out = tmp_path / "out"
    build(campaign_copy, out)
    _edit_wards(campaign_copy, "W05001215,Tŷ-du,", "W05001215,Tŷ Isaf,")
    report = build(campaign_copy, out)
    assert [(m.name, m.reason) for m in report.moved_aside] == [
        ("W05001215-ty-du.pdf", "ward W05001215's print file is now W05001215-ty-isaf.pdf")
    ]
    assert_print_folder_is_true(out)


def test_a_pdf_leaflet_did_not_write_is_moved_aside(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out, ward_codes=[GWYR])
    (out / "draft from the agent.pdf").write_bytes(b"%PDF-1.4 someone's draft")
    report = build(DEMO, out, ward_codes=[GWYR])
    assert [(m.name, m.reason) for m in report.moved_aside] == [
        ("draft from the agent.pdf", "in no print order: not written by leaflet for this campaign's wards")
    ]
    assert (out / "not-for-print" / "draft from the agent.pdf").read_bytes() == b"%PDF-1.4 someone's draft"
    assert_print_folder_is_true(out)


def test_a_ward_not_asked_for_whose_inputs_changed_is_moved_aside(campaign_copy, tmp_path):
    out = tmp_path / "out"
    build(campaign_copy, out)
    _edit_wards(campaign_copy, "Dafydd Prys-Jones", "Dafydd Jones")
    report = build(campaign_copy, out, ward_codes=[GWYR])
    assert _statuses(report)[TY_DU] == "not built"
    (row,) = [row for row in report.manifest if row.code == TY_DU]
    assert row.reason == "not asked for (--ward), and its inputs changed since its file was built"
    assert [m.name for m in report.moved_aside] == ["W05001215-ty-du.pdf"]
    assert "W05001215-ty-du.pdf: ward W05001215 not built: not asked for (--ward), and its inputs" in _readme(out)
    assert_print_folder_is_true(out)


def test_a_ward_whose_file_was_deleted_by_hand_is_not_in_the_print_order(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out)
    (out / "W05001215-ty-du.pdf").unlink()
    report = build(DEMO, out, ward_codes=[GWYR])
    (row,) = [row for row in report.manifest if row.code == TY_DU]
    assert (row.status, row.reason) == ("not built", "not asked for (--ward), and its print file is missing")
    assert_print_folder_is_true(out)


def test_a_forced_ward_is_marked_in_the_manifest_and_the_summary(campaign_copy, tmp_path, capsys):
    out = tmp_path / "out"
    _edit_wards(campaign_copy, "goryrru ar ffordd yr arfordir", LONG)
    assert main(["build", str(campaign_copy), "--out", str(out), "--force", "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert "error: ward W05000981 (Gŵyr): text does not fit" in captured.err
    assert "(written anyway: --force)" in captured.err
    assert "1 of them past preflight errors (--force), marked forced in the manifest: W05000981" in captured.out
    document = assert_print_folder_is_true(out)
    (row,) = [row for row in document["wards"] if row["code"] == GWYR]
    assert row["status"] == "forced" and row["reason"].startswith("text does not fit frame 'local-focus'")
    assert row["quantity"] == 2550  # forced past its errors, but for print: counted
    # built again without --force, the forced file is checked again (never kept) and moved aside
    report = build(campaign_copy, out)
    assert _statuses(report)[GWYR] == "refused"
    assert [m.name for m in report.moved_aside] == ["W05000981-gwyr.pdf"]
    assert_print_folder_is_true(out)


def test_a_forced_ward_not_asked_for_stays_marked(campaign_copy, tmp_path):
    out = tmp_path / "out"
    _edit_wards(campaign_copy, "goryrru ar ffordd yr arfordir", LONG)
    build(campaign_copy, out, force=True)
    report = build(campaign_copy, out, ward_codes=[TY_DU])
    assert _statuses(report)[GWYR] == "forced"
    assert_print_folder_is_true(out)


def test_the_combined_file_never_disagrees_with_the_manifest(campaign_copy, tmp_path):
    out = tmp_path / "out"
    _edit_wards(campaign_copy, "goryrru ar ffordd yr arfordir", LONG)
    report = build(campaign_copy, out, combined=True)
    document = assert_print_folder_is_true(out)  # the refused ward is in neither
    assert document["combined"]["wards"] == 13 and report.combined == out / "pcc-2021-all-wards.pdf"
    again = build(campaign_copy, out)  # nothing changed: the combined file still holds the print order
    assert again.moved_aside == () and assert_print_folder_is_true(out)["combined"] == document["combined"]
    _edit_wards(campaign_copy, LONG, "goryrru ar ffordd yr arfordir")
    changed = build(campaign_copy, out)  # the ward is back, the combined file lacks it
    assert [(m.name, m.reason) for m in changed.moved_aside] == [
        (
            "pcc-2021-all-wards.pdf",
            "a combined file that no longer holds the print order's wards (build with --combined)",
        )
    ]
    assert assert_print_folder_is_true(out)["combined"] is None


def test_combined_with_chosen_wards_is_refused(tmp_path):
    with pytest.raises(InputError) as error:
        build(DEMO, tmp_path, ward_codes=[GWYR], combined=True)
    assert str(error.value) == (
        "--combined: cannot be used with --ward: the combined file holds every ward of the print order "
        "(build without --ward to write it)"
    )
    assert not list(tmp_path.iterdir())


def test_approved_only_moves_unapproved_wards_aside(campaign_copy, tmp_path, capsys):
    out = tmp_path / "out"
    build(campaign_copy, out)
    approve(campaign_copy, "Agent", [GWYR, TY_DU])
    _edit_wards(campaign_copy, "Dafydd Prys-Jones", "Dafydd Jones")
    assert main(["build", str(campaign_copy), "--out", str(out), "--approved-only", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    changed = "then ward row changed: organiser “Prys-Jones” → “Jones”"
    assert "not printed: ward W05001215: signed off by Agent on " in err and changed in err
    document = assert_print_folder_is_true(out)
    statuses = {row["code"]: (row["status"], row["reason"]) for row in document["wards"]}
    assert statuses[GWYR] == ("kept", "")  # the bytes signed off, and of the first build
    assert statuses[TY_DU][0] == "refused" and statuses[TY_DU][1].startswith("signed off by Agent on ")
    assert statuses[TY_DU][1].endswith(changed)
    assert statuses["E05007531"] == ("refused", "not signed off")
    assert len(list((out / "not-for-print").glob("*.pdf"))) == 13


def test_the_first_wards_unusable_photo_refuses_that_ward_only(campaign_copy, tmp_path):
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",hero", lines[1] + ",../../images/nowhere.jpg", *(line + "," for line in lines[2:])]
    wards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build(campaign_copy, tmp_path / "out")
    assert [r.ward.code for r in report.failed] == [GWYR]
    assert len(report.written) == 13
    assert_print_folder_is_true(tmp_path / "out")


def test_a_ward_build_says_what_became_of_the_others(tmp_path, capsys):
    out = tmp_path / "out"
    build(DEMO, out)
    assert main(["build", str(DEMO), "--out", str(out), "--ward", GWYR, "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"wrote 0 of 1 ward PDFs to {out} (1 more up to date, kept)",  # its bytes in the full build
        "13 other ward(s) not asked for: 13 still for print from earlier builds, 0 not for print",
        f"print order: 42700 copies of 14 ward(s) for 40295 households, in {out / 'manifest.csv'}",
        "plates: C, M, Y, K differ from ward to ward (back-photo, local-focus, signup-qr, signup-text, ward-banner): "
        "not black-plate changes",
        "print bill: £982.10 for 14 ward(s), from Riverside Print Ltd, 12 Mill Lane, Anytown AT1 4PQ",
        "spending limit £174,179.00 (Police and Crime Commissioner elections in England and Wales, South Wales): "
        "the print uses 0.6%",
    ]


def test_an_unreadable_manifest_rebuilds_and_still_tells_the_truth(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out, ward_codes=[GWYR, TY_DU])
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    report = build(DEMO, out, ward_codes=[GWYR])
    assert report.kept == ()  # nothing can be trusted without the record of how it was made
    assert _statuses(report)[TY_DU] == "not built"  # its file unrecorded, so not for print
    assert [(m.name, m.reason) for m in report.moved_aside] == [
        ("W05001215-ty-du.pdf", "ward W05001215 not built: not asked for (--ward)")
    ]
    assert_print_folder_is_true(out)


def test_the_manifest_json_shape(demo_report):
    document = json.loads((demo_report.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert list(document) == [
        "campaign",
        "title",
        "overs_percent",
        "pack_size",
        "wards",
        "totals",
        "combined",
        "spending_limit",
        "plates",
    ]
    assert list(document["wards"][0]) == [
        "code",
        "name",
        "file",
        "pages",
        "sha256",
        "households",
        "quantity",
        "cost",
        "status",
        "reason",
        "inputs",
        "shared",
        "first_page",
        "last_page",
    ]
    assert document["totals"] == {
        "wards": 14,
        "pages": 28,
        "households": 40295,
        "quantity": 42700,
        "cost": "982.10",
        "not_for_print": 0,
    }
    assert (
        hashlib.sha256((demo_report.out_dir / document["wards"][0]["file"]).read_bytes()).hexdigest()
        == (document["wards"][0]["sha256"])
    )


def test_a_households_cell_that_is_not_a_number_is_a_refused_row_in_a_parallel_build(campaign_copy, tmp_path):
    write_many_wards(campaign_copy, 40)
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace(",Ann,117,", ",Ann,lots,"), encoding="utf-8")
    report = build(campaign_copy, tmp_path / "out", jobs=2, force=True)  # 40 wards: in worker processes
    assert [result.ward.code for result in report.failed] == ["W00017"]
    document = assert_print_folder_is_true(tmp_path / "out")
    (row,) = [row for row in document["wards"] if row["status"] != "built"]
    assert (row["code"], row["status"], row["households"], row["quantity"], row["cost"]) == (
        "W00017",
        "refused",
        None,
        None,
        "",
    )
    assert row["reason"] == (
        f"{wards}: line 19: column 'households' is 'lots', not a number (the print order needs a whole number "
        "of 0 or more, e.g. 3120 or 3,120)"
    )
    assert document["totals"]["wards"] == 39


def test_a_ward_build_is_refused_when_the_print_order_it_leaves_is_over_the_limit(campaign_copy, tmp_path):
    campaign = campaign_copy / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text.replace("per_pack: 1.15", "per_pack: 300"), encoding="utf-8")  # 854 packs: £256,200
    out = tmp_path / "out"
    assert build(campaign_copy, out, over_limit=True).spending.over()
    # Gŵyr alone would cost £15,300, well within the limit, but the print order it leaves holds
    # the 13 other wards too
    with pytest.raises(InputError, match=r"spending_limit: the campaign: the print bill £256,200.00 is 147.1%"):
        build(campaign_copy, out, ward_codes=[GWYR])
    report = build(campaign_copy, out, ward_codes=[GWYR], over_limit=True)
    assert report.bill.total_pence == 25_620_000 and len(report.bill.costs) == 14
    assert_print_folder_is_true(out)
