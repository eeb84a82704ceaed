"""A kept file is exactly what a fresh build would write: every setting that changes a print
file's bytes (its dates, crop marks, the versions of what encodes it) makes kept files stale."""

from __future__ import annotations

import PIL
import pypdf
import pytest
from leaflet import build

from tests.conftest import DEMO

WARDS = ["W05000981", "S13002608"]  # a Welsh ward and one in the campaign's own language


def _rebuilt_and_fresh(tmp_path, **options):
    again = build(DEMO, tmp_path / "out", ward_codes=WARDS, **options)
    fresh = build(DEMO, tmp_path / "fresh", ward_codes=WARDS, **options)
    for kept, made in zip(again.results, fresh.results, strict=True):
        assert kept.path.read_bytes() == made.path.read_bytes(), kept.path.name
    return again


@pytest.fixture()
def first_build(tmp_path):
    return build(DEMO, tmp_path / "out", ward_codes=WARDS)


def test_nothing_changed_keeps_every_file(tmp_path, first_build):
    assert len(_rebuilt_and_fresh(tmp_path).kept) == 2


def test_another_source_date_epoch_rewrites_every_file(tmp_path, first_build, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = _rebuilt_and_fresh(tmp_path)
    assert again.kept == ()
    assert pypdf.PdfReader(again.results[0].path).metadata["/CreationDate"] == "D:20231114221320Z"


def test_crop_marks_on_or_off_rewrite_every_file(tmp_path, first_build):
    assert _rebuilt_and_fresh(tmp_path, crop_marks=True).kept == ()
    assert _rebuilt_and_fresh(tmp_path, crop_marks=False).kept == ()
    assert len(_rebuilt_and_fresh(tmp_path, crop_marks=False).kept) == 2


def test_another_version_of_an_encoding_library_rewrites_every_file(tmp_path, first_build, monkeypatch):
    monkeypatch.setattr(PIL, "__version__", "0.0.1")  # Pillow encodes the photos as JPEG
    assert _rebuilt_and_fresh(tmp_path).kept == ()


def test_options_that_do_not_change_bytes_keep_files(tmp_path, first_build):
    assert len(_rebuilt_and_fresh(tmp_path, jobs=2, force=True).kept) == 2
