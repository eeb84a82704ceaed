"""Shared fixtures: the built-in example built once per session, and readers for its output."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pypdfium2
import pytest
import zxingcpp
from hypothesis import HealthCheck, settings
from leaflet import build
from leaflet.errors import InputError
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content" / "pcc-2021"
INPUTS = Path(__file__).resolve().parent / "inputs"


# property tests: enough examples to find the odd input, no deadline on a loaded machine
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="session", autouse=True)
def run_cache(tmp_path_factory):
    """What the tests' runs keep between runs (``leaflet.assets.cache``) goes into a folder of
    this session's, never into the user's own cache."""
    folder = tmp_path_factory.mktemp("leaflet-cache")
    previous = os.environ.get("LEAFLET_CACHE_DIR")
    os.environ["LEAFLET_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["LEAFLET_CACHE_DIR"]
    else:
        os.environ["LEAFLET_CACHE_DIR"] = previous


def write_file(tmp_path: Path, data: str | bytes, name: str = "wards.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def refused(load, path: Path) -> InputError:
    """The InputError ``load(path)`` raises, which must name the file."""
    with pytest.raises(InputError) as caught:
        load(path)
    assert path.name in str(caught.value)
    return caught.value


def ward_url(code: str) -> str:
    return "https://www.example.org/pcc-2021/sign-up?ward=" + quote(code, safe="")


def render_page(pdf_path: Path, index: int, dpi: int = 300) -> Image.Image:
    """Render one page, MediaBox and all, with PDFium (an independent reader)."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return document[index].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def decode_qr_codes(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("demo"))


def copy_example(folder: Path) -> Path:
    """A writable copy of the example project (layouts, fonts, photos) with its campaign."""
    for name in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / name, folder / name)
    target = folder / "content" / "pcc-2021"
    shutil.copytree(DEMO, target)
    return target


@pytest.fixture()
def campaign_copy(tmp_path) -> Path:
    return copy_example(tmp_path)


FOR_PRINT = ("built", "kept", "forced")


def _as_set(text: str) -> str:
    """Text as the leaflet sets it, for comparing: typographic apostrophes, no-break spaces as spaces."""
    return text.replace("'", "\u2019").replace("\u00a0", " ")


def assert_print_folder_is_true(out: Path) -> dict:
    """What a printer is sent agrees with itself: the PDFs in the folder are exactly the
    manifest's for-print files (and its combined file), each with its SHA-256 and page count;
    rows not for print have no file and no quantity; the CSV says what the JSON says; the
    totals are over what is for print; no temporary file is left.  The manifest.json document."""
    import csv
    import hashlib
    import io
    import json
    from decimal import Decimal

    import pypdf

    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = document["wards"]
    printed = [row for row in rows if row["status"] in FOR_PRINT]
    combined = document["combined"]
    pdfs = {path.name for path in out.iterdir() if path.suffix.lower() == ".pdf"}
    assert pdfs == {row["file"] for row in printed} | ({combined["file"]} if combined else set())
    for row in printed:
        if combined and row["file"] == combined["file"]:
            continue  # built --combined-only: its pages are in the combined file (tests/commands/test_job.py)
        data = (out / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == row["pages"]
        assert row["quantity"] >= row["households"] >= 0
    for row in rows:
        if row["status"] not in FOR_PRINT:
            assert row["reason"] and row["file"] is None and row["quantity"] is None and row["cost"] == "", row
    totals = document["totals"]
    assert totals["wards"] == len(printed) and totals["not_for_print"] == len(rows) - len(printed)
    assert totals["quantity"] == sum(row["quantity"] for row in printed)
    assert totals["pages"] == sum(row["pages"] for row in printed)
    if all(row["cost"] for row in printed) and printed:
        assert Decimal(totals["cost"]) == sum(Decimal(row["cost"]) for row in printed)
    table = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    total = table.pop()
    assert total["code"] == "TOTAL" and int(total["quantity"]) == totals["quantity"] and total["cost"] == totals["cost"]
    assert [(r["code"], r["status"], r["file"], r["quantity"], r["cost"]) for r in table] == [
        (r["code"], r["status"], r["file"] or "", str(r["quantity"]) if r["quantity"] is not None else "", r["cost"])
        for r in rows
    ]
    if combined:
        data = (out / combined["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == combined["sha256"]
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert len(reader.pages) == combined["pages"] == sum(row["pages"] for row in printed)
        fronts = [_as_set(reader.pages[index].extract_text()) for index in range(0, len(reader.pages), 2)]
        assert [_as_set(row["name"]) in front for row, front in zip(printed, fronts, strict=True)] == [True] * len(
            printed
        )
    assert not list(out.glob(".*.part"))
    return document


def assert_riso_folder_is_true(out: Path) -> dict:
    """The office output's folder agrees with itself: its composites and drum files are exactly
    those its manifest lists, each drum file with as many masters as it says and every master a
    row names in it; rows not for print have no copies, composite, masters or cost; the totals
    are over what is for print; the CSV says what the JSON says.  The manifest.json document."""
    import csv
    import io
    import json
    from decimal import Decimal

    import pypdf

    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert document["output"] == "riso"
    rows = document["wards"]
    printed = [row for row in rows if row["status"] in FOR_PRINT]
    files = {path.name for path in out.iterdir() if path.suffix.lower() in (".pdf", ".png")}
    drums = document["drums"]
    assert files == {row["composite"] for row in printed} | {drum["file"] for drum in drums.values()}
    for name, drum in drums.items():
        assert len(pypdf.PdfReader(out / drum["file"]).pages) == drum["masters"]
        for row in printed:
            assert all(m["page"] <= drum["masters"] for m in row["masters"] if m["drum"] == name)
    for row in rows:
        if row["status"] in FOR_PRINT:
            assert row["copies"] >= row["households"] >= 0 and row["masters"], row
        else:
            assert row["reason"] and row["composite"] is None and row["copies"] is None, row
            assert row["masters"] == [] and row["cost"] == "", row
    totals = document["totals"]
    assert totals["wards"] == len(printed) and totals["not_for_print"] == len(rows) - len(printed)
    assert totals["copies"] == sum(row["copies"] for row in printed)
    if printed and all(row["cost"] for row in printed):
        assert Decimal(totals["cost"]) == sum(Decimal(row["cost"]) for row in printed)
    table = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    total = table.pop()
    assert total["code"] == "TOTAL" and int(total["copies"]) == totals["copies"] and total["cost"] == totals["cost"]
    assert [(r["code"], r["status"], r["composite"], r["cost"]) for r in table] == [
        (r["code"], r["status"], r["composite"] or "", r["cost"]) for r in rows
    ]
    assert not list(out.glob(".*.part"))
    return document


def write_many_wards(campaign_dir: Path, count: int) -> None:
    """A wards spreadsheet of ``count`` plain English wards, W00000 upwards."""
    rows = [f"W{n:05d},Ward {n},Ann,{100 + n},parking" for n in range(count)]
    text = "code,name,organiser,households,local_priority\n" + "\n".join(rows) + "\n"
    (campaign_dir / "wards.csv").write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def ghostscript() -> str:
    """Ghostscript, for the plates as a RIP separates them (tiffsep).  CI installs it (.ci/run):
    there, its absence is a failure, not a reason to skip."""
    path = shutil.which("gs")
    if path is None:
        assert not os.environ.get("CI"), "CI must install ghostscript for the separations tests"
        pytest.skip("no Ghostscript (apt-get install ghostscript) to separate the plates with")
    return path
