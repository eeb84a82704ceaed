"""Shared fixtures: the built-in example built once per session, and readers for its output."""

from __future__ import annotations

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
