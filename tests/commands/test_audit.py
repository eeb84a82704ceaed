"""leaflet audit: the trail of edits, reviews, sign-offs and builds as CSV, oldest first, each row
with who, when and the digests of what it concerned."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from leaflet import build
from leaflet.cli import main
from leaflet.commands.approve import approve
from leaflet.commands.audit import audit
from leaflet.errors import InputError
from leaflet.runs.audit import COLUMNS, values_sha256
from leaflet.runs.storage import Storage

WARD = "E05011111"


def _rows(path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_step_is_a_row_in_order_with_its_digests(campaign_copy, tmp_path):
    storage = Storage.for_campaign(campaign_copy)
    values = {"slots": {"local_focus": "Fix the lights."}, "fields": {}, "photos": {}}
    storage.save(WARD, values, 0, "=Ann", None, "organiser")
    storage.record(WARD, "submit", 1, "=Ann", None, "organiser")
    storage.record(WARD, "comment", None, "Rev", None, "reviewer", {"comment": "Name the lane, please"})
    storage.record(WARD, "approve", 1, "Rev", None, "reviewer", {"comment": ""})
    signed = approve(campaign_copy, "Sam Taylor", [WARD]).signed[0]
    report = build(campaign_copy, tmp_path / "out", approved_only=True)
    built = report.written[0].path

    assert main(["audit", str(campaign_copy), "--out", str(tmp_path / "audit.csv")]) == 0
    rows = _rows(tmp_path / "audit.csv")
    assert list(rows[0]) == list(COLUMNS)
    assert [row["event"] for row in rows] == ["save", "submit", "comment", "approve", "sign-off", "build", "build"]
    assert [int(row["number"]) for row in rows] == sorted(int(row["number"]) for row in rows)
    save, _, comment, approval, sign_off, ward_build, whole_build = rows
    assert save["who"] == "'=Ann" and save["ward name"] == "St Mary's & St Paul's"  # never a formula
    assert save["local version SHA-256"] == approval["local version SHA-256"] == values_sha256(values)
    assert comment["comment"] == "Name the lane, please" and comment["role"] == "reviewer"
    assert (sign_off["who"], sign_off["role"], sign_off["version"]) == ("Sam Taylor", "agent", "1")
    assert sign_off["print file SHA-256"] == signed.print_sha256 == ward_build["print file SHA-256"]
    assert ward_build["print file SHA-256"] == hashlib.sha256(built.read_bytes()).hexdigest()
    assert len(sign_off["inputs SHA-256"]) == 64
    assert f"file: {built.name}" == ward_build["details"] and "printed: 1" in whole_build["details"]


def test_a_campaign_without_a_trail_says_so(campaign_copy, tmp_path):
    with pytest.raises(InputError, match="no audit trail yet"):
        audit(campaign_copy, tmp_path / "audit.csv")
    assert not (tmp_path / "audit.csv").exists()
