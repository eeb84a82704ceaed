"""Many wards: overrides, languages, file names, the output folder, the print order, the
combined file, parallel builds."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from urllib.parse import unquote

import pikepdf
import pypdf
import pytest
from leaflet import build
from leaflet.errors import InputError
from leaflet.model import Ward
from leaflet.read.campaigns import load_campaign
from leaflet.read.punctuation import typographic
from leaflet.ward import variant

from tests.conftest import DEMO

HEADER = "code,name,organiser,households,local_priority"


def _write_wards(campaign_dir, rows, header=HEADER):
    (campaign_dir / "wards.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def _text(path, page):
    return pypdf.PdfReader(path).pages[page].extract_text().replace("\n", " ")


def test_a_column_named_like_a_slot_overrides_it_for_that_ward(campaign_copy, tmp_path):
    _write_wards(
        campaign_copy,
        ["A1,Aber,Ann,100,parking,**Aber's own news:** a new bus stop on {ward.name} Road.", "B2,Bryn,Bob,200,litter,"],
        header=HEADER + ",local_focus",
    )
    report = build(campaign_copy, tmp_path / "out")
    first, second = report.written
    assert "Aber’s own news: a new bus stop on Aber Road." in _text(first.path, 1)  # a ward's cell punctuated too
    assert "you told us your top priority is litter" in _text(second.path, 1)
    assert "you told us" not in _text(first.path, 1)


def test_a_column_named_like_an_image_slot_swaps_that_wards_photo(campaign_copy, tmp_path):
    _write_wards(
        campaign_copy,
        ["A1,Aber,Ann,100,parking,", "B2,Bryn,Bob,200,litter,../../images/meadow.jpg"],
        header=HEADER + ",hero",
    )
    report = build(campaign_copy, tmp_path / "out")
    sizes = {}
    for result in report.written:
        with pikepdf.open(result.path) as document:
            resources = document.pages[0].Resources.XObject
            sizes[result.ward.code] = sorted(
                (int(x.Width), int(x.Height))
                for name, x in resources.items()
                if x.Subtype == "/Image" and name.startswith("/Iw")
            )
    assert sizes["A1"] == []  # the campaign's photo, shared
    assert len(sizes["B2"]) == 1  # its own photo, embedded in its file


def test_a_wards_photos_alone_are_those_of_its_whole_variant(campaign_copy):
    """What a build's input digests read (``ward_photos``) is what the ward's leaflet prints."""
    from leaflet.runs.prepare import load

    _write_wards(
        campaign_copy,
        ["A1,Aber,Ann,100,parking,", "B2,Bryn,Bob,200,litter,../../images/meadow.jpg"],
        header=HEADER + ",hero",
    )
    campaigns, wards = load(campaign_copy)
    plans = variant.plan_variants(campaigns, tuple(wards[0].fields))
    photos = {}
    for ward in wards:
        plan = plans[variant.ward_language(ward, campaigns[""])]
        photos[ward.code] = variant.ward_photos(plan, ward)
        assert photos[ward.code] == variant.make_variant(plan, ward).images
    assert photos["A1"]["hero"] != photos["B2"]["hero"] == (campaign_copy / "../../images/meadow.jpg").resolve()


def test_a_language_column_picks_the_translated_words(campaign_copy, tmp_path):
    (campaign_copy / "campaign.cy.yaml").write_text(
        "title: Troi eich blaenoriaethau yn weithredu\nslots:\n  headline: Troi eich blaenoriaethau yn weithredu\n"
        '  banner: "{ward.name} · eich trefnydd lleol yw {ward.organiser}"\n',
        encoding="utf-8",
    )
    _write_wards(
        campaign_copy,
        ["A1,Aber,Ann,100,parking,cy", "B2,Bryn,Bob,200,litter,en", "C3,Cwm,Cai,300,noise,"],
        header=HEADER + ",language",
    )
    report = build(campaign_copy, tmp_path / "out")
    welsh, english, plain = (_text(r.path, 0) for r in report.written)
    assert "TROI EICH BLAENORIAETHAU YN WEITHREDU" in welsh
    assert "Aber · eich trefnydd lleol yw Ann" in welsh
    for text in (english, plain):
        assert "TURNING YOUR PRIORITIES INTO ACTION" in text


def test_a_language_without_its_file_is_refused_with_the_line(campaign_copy, tmp_path):
    _write_wards(campaign_copy, ["A1,Aber,Ann,100,parking,", "B2,Bryn,Bob,200,litter,gd"], header=HEADER + ",language")
    with pytest.raises(InputError) as error:
        build(campaign_copy, tmp_path / "out")
    assert "line 3" in str(error.value) and "campaign.gd.yaml" in str(error.value)


def test_the_signup_address_is_ascii_whatever_the_template_and_ward_hold():
    campaign = load_campaign(DEMO)
    campaign = dataclasses.replace(campaign, signup_url="https://www.example.org/cofrestru-â/{ward.name}?c={ward.code}")
    ward = Ward("W1 & 2", "Gŵyr/Môn", {"code": "W1 & 2", "name": "Gŵyr/Môn"}, 2)
    url = variant.signup_url(campaign, ward.fields)
    assert url == "https://www.example.org/cofrestru-%C3%A2/G%C5%B5yr%2FM%C3%B4n?c=W1%20%26%202"
    assert unquote(url.split("/")[-1]) == "Gŵyr/Môn?c=W1 & 2"


def test_two_wards_may_never_write_the_same_file(campaign_copy, tmp_path):
    _write_wards(campaign_copy, ["E05/1,Moss Side,Ann,100,x", "E05-1,Moss-Side,Bob,200,y"])
    with pytest.raises(InputError) as error:
        build(campaign_copy, tmp_path / "out")
    message = str(error.value)
    assert "line 3" in message and "E05-1-moss-side.pdf" in message and "line 2" in message


def test_file_names_are_safe_everywhere(campaign_copy, tmp_path):
    _write_wards(campaign_copy, ['"../x:1",Bishop\'s Cleeve & <Woodmancote>?,Ann,100,x', "CON,Tŷ-du,Bob,200,y"])
    names = sorted(r.path.name for r in build(campaign_copy, tmp_path / "out").written)
    assert names == ["CON-ty-du.pdf", "x-1-bishops-cleeve-and-woodmancote.pdf"]
    assert all(p.parent == tmp_path / "out" for p in (tmp_path / "out").iterdir())


def test_another_campaigns_folder_is_never_overwritten(campaign_copy, tmp_path):
    build(DEMO, tmp_path / "shared", ward_codes=["W05000981"])
    with pytest.raises(InputError, match="holds the files of another campaign"):
        build(campaign_copy, tmp_path / "shared", ward_codes=["W05000981"])


def test_files_leaflet_did_not_write_are_never_overwritten(tmp_path):
    (tmp_path / "W05000981-gwyr.pdf").write_bytes(b"someone's own file")
    with pytest.raises(InputError, match=re.escape("already has W05000981-gwyr.pdf")):
        build(DEMO, tmp_path, ward_codes=["W05000981"])
    assert (tmp_path / "W05000981-gwyr.pdf").read_bytes() == b"someone's own file"


def test_rebuilding_the_same_campaign_into_its_folder_is_fine(tmp_path):
    build(DEMO, tmp_path, ward_codes=["W05000981"])
    assert build(DEMO, tmp_path, ward_codes=["W05000981"]).written


def test_the_manifest_matches_the_files_written(demo_report):
    out = demo_report.out_dir
    rows = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    total = rows.pop()
    assert total["code"] == "TOTAL"
    assert len(rows) == len(demo_report.written)
    for row in rows:
        data = (out / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert row["pages"] == "2"
        households = int(row["households"])
        quantity = int(row["quantity"])
        assert quantity % 50 == 0 and households * 1.05 <= quantity < households * 1.05 + 50
    assert int(total["quantity"]) == sum(int(r["quantity"]) for r in rows)
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [w["code"] for w in document["wards"]] == [r["code"] for r in rows]
    assert document["totals"]["households"] == sum(int(r["households"]) for r in rows)
    assert document["wards"][0]["name"] == "Gŵyr"


def test_the_gwyr_order_is_households_plus_overs_in_whole_packs(demo_report):
    (row,) = [r for r in demo_report.manifest if r.code == "W05000981"]
    assert (row.households, row.quantity) == (2410, 2550)  # 2410 * 1.05 = 2530.5 -> 51 packs of 50


def test_spreadsheet_formulas_come_out_as_text(campaign_copy, tmp_path):
    _write_wards(
        campaign_copy,
        ['A1,"=HYPERLINK(""http://x"",""y"")",Ann,100,x', "B2,+44 ward,Bob,200,y", "C3,@SUM(1),Cai,300,z"],
    )
    build(campaign_copy, tmp_path / "out")
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig"))))
    names = [row[1] for row in rows[1:-1]]
    assert names == ['\'=HYPERLINK("http://x","y")', "'+44 ward", "'@SUM(1)"]


def test_the_combined_file_stores_each_photo_once(tmp_path):
    report = build(DEMO, tmp_path, combined=True)
    single = max(r.path.stat().st_size for r in report.written)
    assert report.combined.stat().st_size < single * 1.25
    with pikepdf.open(report.combined) as document:
        assert len(document.pages) == 2 * len(report.written)
        assert document.check_pdf_syntax() == []
        images = {x.objgen for page in document.pages for x in page.Resources.XObject.values() if x.Subtype == "/Image"}
        assert len(images) == 2
    reader = pypdf.PdfReader(report.combined)
    for index, result in enumerate(report.written):
        assert typographic(result.ward.name) in reader.pages[2 * index].extract_text()


def test_parallel_builds_write_the_same_bytes(tmp_path):
    one = build(DEMO, tmp_path / "one", jobs=1)
    two = build(DEMO, tmp_path / "two", jobs=2)
    assert [r.path.read_bytes() for r in one.written] == [r.path.read_bytes() for r in two.written]
    assert one.manifest == two.manifest


def test_a_wards_photo_may_not_come_from_outside_the_project(campaign_copy, tmp_path):
    _write_wards(
        campaign_copy,
        ["A1,Aber,Ann,100,parking,", "B2,Bryn,Bob,200,litter,../../../../etc/passwd"],
        header=HEADER + ",hero",
    )
    report = build(campaign_copy, tmp_path / "out")
    (failed,) = report.failed
    assert failed.ward.code == "B2"
    (error,) = failed.errors
    assert (
        "line 3" in error.message
        and "column 'hero'" in error.message
        and "leads out of the project folder" in error.message
    )
    assert [r.ward.code for r in report.written] == ["A1"]


def test_campaign_paths_may_not_leave_the_project(campaign_copy, tmp_path):
    campaign = campaign_copy / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace("hero: ../../images/hillside.jpg", "hero: ../../../elsewhere.jpg"),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        build(campaign_copy, tmp_path / "out")
    assert "images.hero: '../../../elsewhere.jpg' leads out of the project folder" in str(error.value)


def _many_wards(campaign_dir, count):
    rows = [f"W{n:05d},Ward {n},Ann,{100 + n},parking" for n in range(count)]
    _write_wards(campaign_dir, rows)


def _start_build(campaign_dir, out, jobs):
    import subprocess
    import sys

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leaflet",
            "build",
            str(campaign_dir),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_files(out, count, process, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while len(list(out.glob("*.pdf"))) < count:
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _all_whole(out):
    for path in out.glob("*.pdf"):
        data = path.read_bytes()
        assert data.rstrip().endswith(b"%%EOF"), path.name
        assert len(pypdf.PdfReader(path).pages) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_build_leaves_only_whole_files_and_says_so(campaign_copy, tmp_path, jobs):
    import signal

    _many_wards(campaign_copy, 400)
    out = tmp_path / "out"
    process = _start_build(campaign_copy, out, jobs)
    _wait_for_files(out, 10, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert not list(out.glob(".*.part"))
    _all_whole(out)


def test_a_killed_build_leaves_no_truncated_pdf_and_the_next_run_cleans_up(campaign_copy, tmp_path):
    import signal

    _many_wards(campaign_copy, 400)
    out = tmp_path / "out"
    process = _start_build(campaign_copy, out, 1)
    _wait_for_files(out, 10, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    _all_whole(out)  # a .part file may remain, but never a PDF that is cut short
    _many_wards(campaign_copy, 12)
    report = build(campaign_copy, out)
    assert len(report.written) == 12 and not list(out.glob(".*.part"))


def test_a_rebuild_writes_only_what_is_stale(campaign_copy, tmp_path):
    out = tmp_path / "out"
    first = build(campaign_copy, out)
    stamps = {r.ward.code: r.path.stat().st_mtime_ns for r in first.written}
    again = build(campaign_copy, out)
    assert len(again.kept) == len(first.written)
    assert {r.ward.code: r.path.stat().st_mtime_ns for r in again.written} == stamps
    assert {row.status for row in again.manifest} == {"kept"}
    assert [dataclasses.replace(row, status="built") for row in again.manifest] == list(first.manifest)

    wards = campaign_copy / "wards.csv"
    wards.write_text(wards.read_text(encoding="utf-8").replace("Siân Ffion Hughes", "Siân Hughes"), encoding="utf-8")
    edited = build(campaign_copy, out)
    assert [r.ward.code for r in edited.results if not r.up_to_date] == ["W05000981"]
    assert "Siân Hughes" in _text(out / "W05000981-gwyr.pdf", 0)

    story = campaign_copy / "story.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("60 new detectives", "70 new detectives"), encoding="utf-8"
    )
    assert build(campaign_copy, out).kept == ()


def test_a_kept_file_that_was_changed_by_hand_is_rebuilt(campaign_copy, tmp_path):
    out = tmp_path / "out"
    build(campaign_copy, out, ward_codes=["W05000981"])
    (out / "W05000981-gwyr.pdf").write_bytes(b"%PDF-1.3 damaged")
    report = build(campaign_copy, out, ward_codes=["W05000981"])
    assert report.kept == () and (out / "W05000981-gwyr.pdf").read_bytes().rstrip().endswith(b"%%EOF")
