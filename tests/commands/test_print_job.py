"""The print job: each ward's pages in the combined file listed in the manifest (checked against
the outline and page labels pypdf reads back), and `leaflet build --combined-only`: the job and
the print order alone, with the same checks, sign-offs and folder rules."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pypdf
import pytest
from leaflet import approve, build
from leaflet.cli import main
from leaflet.runs.storage import Storage

from tests.conftest import DEMO, assert_print_folder_is_true

SIGNED = ["W05000981", "E05009308"]


def _ranges_agree_with_the_job(out) -> list[dict]:
    """The manifest's page ranges (JSON and CSV) are where the job's bookmarks and page labels put
    each ward; returns the rows for print."""
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    printed = [row for row in document["wards"] if row["status"] in ("built", "kept", "forced")]
    reader = pypdf.PdfReader(out / document["combined"]["file"])
    bookmarks = {item.title.split(" ")[0]: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    labels = reader.page_labels
    table = {row["code"]: row for row in csv.DictReader(io.StringIO((out / "manifest.csv").read_text("utf-8-sig")))}
    for row in printed:
        first, last = row["first_page"], row["last_page"]
        assert bookmarks[row["code"]] == first and last - first + 1 == row["pages"]
        assert labels[first - 1 : last] == [f"{row['code']} {n}" for n in range(1, row["pages"] + 1)]
        assert (table[row["code"]]["first_page"], table[row["code"]]["last_page"]) == (str(first), str(last))
    assert len(reader.pages) == printed[-1]["last_page"]
    return printed


def test_each_ward_has_its_first_and_last_page_in_the_job(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out, combined=True)
    printed = _ranges_agree_with_the_job(out)
    assert [(row["first_page"], row["last_page"]) for row in printed[:2]] == [(1, 2), (3, 4)]
    header = next(csv.reader(io.StringIO((out / "manifest.csv").read_text("utf-8-sig"))))
    assert header[header.index("quantity") + 1 : header.index("quantity") + 3] == ["first_page", "last_page"]
    assert_print_folder_is_true(out)


def test_without_a_job_no_ward_has_a_page_range(campaign_copy, tmp_path):
    out = tmp_path / "out"
    build(campaign_copy, out, combined=True)
    build(campaign_copy, out)  # nothing changed: the job still holds the print order, and its pages stay
    _ranges_agree_with_the_job(out)
    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace("Siân Ffion Hughes", "Siân Hughes"), "utf-8")
    build(campaign_copy, out)  # the job no longer holds the print order: moved aside, and no ranges
    document = assert_print_folder_is_true(out)
    assert document["combined"] is None
    assert {(row["first_page"], row["last_page"]) for row in document["wards"]} == {(None, None)}


def test_combined_only_writes_the_job_and_the_print_order_alone(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(DEMO), "--out", str(out), "--combined-only", "--jobs", "2"]) == 0
    assert "wrote 14 of 14 wards into the combined file, no ward PDFs" in capsys.readouterr().out
    assert sorted(path.name for path in out.iterdir() if not path.name.startswith(".")) == [
        "manifest.csv",
        "manifest.json",
        "pcc-2021-all-wards.pdf",
    ]
    printed = _ranges_agree_with_the_job(out)
    assert {row["file"] for row in printed} == {"pcc-2021-all-wards.pdf"} and len(printed) == 14
    document = assert_print_folder_is_true(out)
    assert document["combined"]["wards"] == 14 and document["totals"]["quantity"] == 42700
    both = build(DEMO, tmp_path / "both", combined=True)  # the same job as a build that also writes ward files
    assert (out / "pcc-2021-all-wards.pdf").read_bytes() == both.combined.read_bytes()
    assert [row["sha256"] for row in printed] == [r.sha256 for r in both.manifest]  # each ward's file, as signed


def test_ward_files_of_an_earlier_build_are_moved_aside_not_left_looking_current(campaign_copy, tmp_path, capsys):
    out = tmp_path / "out"
    build(campaign_copy, out)
    gwyr = (out / "W05000981-gwyr.pdf").read_bytes()
    assert main(["build", str(campaign_copy), "--out", str(out), "--combined-only"]) == 0
    err = capsys.readouterr().err
    assert (
        f"moved to {out / 'not-for-print'}: W05000981-gwyr.pdf: a --combined-only build prints ward W05000981 from "
        "pcc-2021-all-wards.pdf (pages 1-2), not from its own file"
    ) in err
    assert not list(out.glob("W*.pdf")) and (out / "not-for-print" / "W05000981-gwyr.pdf").read_bytes() == gwyr
    assert_print_folder_is_true(out)
    again = build(campaign_copy, out)  # ward files again: the job still holds the print order, so it stays
    assert again.moved_aside == () and assert_print_folder_is_true(out)["combined"] is not None
    _ranges_agree_with_the_job(out)


def test_combined_only_prints_only_what_was_signed_off(campaign_copy, tmp_path):
    settings = campaign_copy / "campaign.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nrequire_sign_off: true\n", encoding="utf-8")
    approve(campaign_copy, "Sam Taylor", SIGNED)
    signed = Storage.for_campaign(campaign_copy).signoffs()
    out = tmp_path / "out"
    report = build(campaign_copy, out, combined_only=True)
    printed = _ranges_agree_with_the_job(out)
    assert [row["code"] for row in printed] == SIGNED
    assert all(row["sha256"] == signed[row["code"]].print_sha256 for row in printed)
    assert len(report.unapproved) == 12 and report.signed_only
    assert [item.title.split(" ")[0] for item in pypdf.PdfReader(report.combined).outline] == SIGNED
    unsigned = build(campaign_copy, tmp_path / "all", combined_only=True, print_unapproved=True)
    assert len(pypdf.PdfReader(unsigned.combined).outline) == 14


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--ward", "W05000981"], "--combined-only: cannot be used with --ward: the combined file holds every ward"),
        (["--for", "riso"], "--combined-only: is for press output"),
    ],
)
def test_combined_only_with_what_makes_no_sense_is_one_line(tmp_path, capsys, arguments, message):
    assert main(["build", str(DEMO), "--out", str(tmp_path / "out"), "--combined-only", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_job_file_is_what_its_manifest_says(tmp_path):
    out = tmp_path / "out"
    build(DEMO, out, combined_only=True)
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data = (out / "pcc-2021-all-wards.pdf").read_bytes()
    assert hashlib.sha256(data).hexdigest() == document["combined"]["sha256"]
    assert document["combined"]["pages"] == 28
