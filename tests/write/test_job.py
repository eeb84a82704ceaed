"""The combined file as a print job: a bookmark and page labels per ward, read back with pypdf and
pikepdf; still PDF/X-1a (PDF 1.3) and the same bytes from the same inputs."""

from __future__ import annotations

import pikepdf
import pypdf
import pytest
from leaflet import build
from leaflet.rules.print_file import print_file_findings

from tests.conftest import DEMO


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("job"), combined=True)


def test_a_bookmark_per_ward_with_its_code_and_name_opens_its_first_page(job):
    reader = pypdf.PdfReader(job.combined)
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert bookmarks == [(f"{r.ward.code} {r.ward.name}", 2 * index) for index, r in enumerate(job.written)]
    assert reader.page_mode == "/UseOutlines"


def test_page_labels_name_the_ward_and_its_page(job):
    labels = pypdf.PdfReader(job.combined).page_labels
    assert labels == [f"{r.ward.code} {page}" for r in job.written for page in (1, 2)]


def test_the_job_stays_pdfx_1a(job):
    with pikepdf.open(job.combined) as document:
        assert document.check_pdf_syntax() == []
        assert document.pdf_version == "1.3"
        assert str(document.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
        assert str(document.docinfo.Subject) == f"Print job: {len(job.written)} wards, {2 * len(job.written)} pages"
        assert len(document.Root.OutputIntents) == 1
        assert document.Root.Outlines.Count == len(job.written)
    assert print_file_findings(job.combined.read_bytes()) == []


def test_the_same_inputs_give_the_same_job_bytes(job, tmp_path):
    again = build(DEMO, tmp_path, combined=True)
    assert again.combined.read_bytes() == job.combined.read_bytes()


def test_a_ward_that_is_not_built_leaves_no_bookmark_and_no_gap(campaign_copy, tmp_path):
    wards = campaign_copy / "wards.csv"
    lines = wards.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    broken = lines[2].split(",")
    broken[header.index("households")] = "many"
    wards.write_text("\n".join([lines[0], lines[1], ",".join(broken), *lines[3:5]]) + "\n", encoding="utf-8")
    report = build(campaign_copy, tmp_path / "out", combined=True)
    assert [r.ward.code for r in report.failed] == [broken[0]]
    reader = pypdf.PdfReader(report.combined)
    assert [item.title.split(" ")[0] for item in reader.outline] == [r.ward.code for r in report.written]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 2, 4]
    assert len(reader.pages) == 6
