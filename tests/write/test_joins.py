"""Where frames meet, no paper shows: the joins rendered at 1200 dpi (PDFium, and Ghostscript's
separations when it is installed) across the example's front and a layout of other touching frames."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import yaml
from leaflet import build
from leaflet.model import PT_PER_MM

from tests.conftest import INPUTS

DPI = 1200
BLEED_MM = 3.0
TRIM_HEIGHT_MM = 210.0
PAPER = 250  # a rendered pixel this light in every channel is paper (PDFium's paper is 255)

# (page, "row" for a horizontal join at y_mm or "column" for a vertical one at x_mm, where, and the
# stretch along the join that both frames share), mm from the trim's top-left corner
FRONT_JOINS = [
    (0, "row", 72.0, (-3.0, 151.0)),  # the navy panel and the photo
    (0, "row", 124.0, (-3.0, 151.0)),  # the photo and the yellow band
]
FIXTURE_JOINS = [
    (0, "row", 100.0, (-3.0, 77.33)),  # photo on a wider panel
    (0, "row", 100.0, (77.33, 151.0)),  # filled text frame on the same panel
    (0, "column", 77.33, (60.17, 100.0)),  # photo beside the filled text frame
    (0, "row", 130.0, (-3.0, 151.0)),  # panel on a photo
    (0, "row", 163.33, (20.7, 120.8)),  # a narrower panel hanging from that photo
]
ACROSS_MM = 0.4  # rendered on each side of the join


def _region_pt(kind: str, at_mm: float, span_mm: tuple[float, float]) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in PDF page space (the media box starts at the bleed's corner)."""
    low, high = span_mm[0] + 0.2, span_mm[1] - 0.2  # the joins' own ends are corners of other joins
    if kind == "row":
        left, right = low, high
        top_mm, bottom_mm = at_mm - ACROSS_MM, at_mm + ACROSS_MM
    else:
        left, right = at_mm - ACROSS_MM, at_mm + ACROSS_MM
        top_mm, bottom_mm = low, high
    to_pt = PT_PER_MM
    return (
        (left + BLEED_MM) * to_pt,
        (TRIM_HEIGHT_MM - bottom_mm + BLEED_MM) * to_pt,
        (right + BLEED_MM) * to_pt,
        (TRIM_HEIGHT_MM - top_mm + BLEED_MM) * to_pt,
    )


def _paper_lines(pixels, width: int, height: int, kind: str, is_paper) -> list[int]:
    """Rows (for a row join) or columns across the join in which most pixels are paper."""
    lines = []
    count, length = (height, width) if kind == "row" else (width, height)
    for line in range(count):
        points = ((x, line) for x in range(length)) if kind == "row" else ((line, y) for y in range(length))
        paper = sum(1 for point in points if is_paper(pixels[point]))
        if paper * 2 > length:
            lines.append(line)
    return lines


def pdfium_paper_lines(path: Path, page_index: int, kind: str, at_mm: float, span_mm) -> list[int]:
    left, bottom, right, top = _region_pt(kind, at_mm, span_mm)
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[page_index]
        width, height = page.get_size()
        image = page.render(scale=DPI / 72, crop=(left, bottom, width - right, height - top)).to_pil().convert("RGB")
    finally:
        document.close()
    return _paper_lines(image.load(), *image.size, kind, lambda rgb: min(rgb) >= PAPER)


def gs_paper_lines(path: Path, page_index: int, kind: str, at_mm: float, span_mm, tmp_path: Path) -> list[int]:
    """The same from Ghostscript's separations (tiffsep): paper where no plate has ink."""
    from PIL import Image

    region = [float(v) for v in _region_pt(kind, at_mm, span_mm)]
    cropped = tmp_path / f"join-{kind}-{at_mm}.pdf"
    with pikepdf.open(path) as document:
        page = document.pages[page_index]
        page.CropBox = region
        single = pikepdf.new()
        single.pages.append(page)
        single.save(cropped)
    out = tmp_path / f"join-{kind}-{at_mm}.tif"
    subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseCropBox", "-sDEVICE=tiffsep", f"-r{DPI}",
         f"-sOutputFile={out}", str(cropped)],
        check=True,
    )  # fmt: skip
    plates = [
        Image.open(tmp_path / f"{out.stem}({ink}).tif").convert("L") for ink in ("Cyan", "Magenta", "Yellow", "Black")
    ]
    inks = [plate.load() for plate in plates]
    width, height = plates[0].size

    class _Pixels:
        def __getitem__(self, point):
            return tuple(ink[point] for ink in inks)

    # tiffsep's plates are greys: 255 where the plate has no ink
    return _paper_lines(_Pixels(), width, height, kind, lambda values: min(values) >= 255 - 2)


@pytest.mark.parametrize("page_index, kind, at_mm, span_mm", FRONT_JOINS)
def test_the_example_front_shows_no_paper_where_its_frames_meet(demo_report, page_index, kind, at_mm, span_mm):
    path = demo_report.written[0].path
    assert pdfium_paper_lines(path, page_index, kind, at_mm, span_mm) == []


@pytest.fixture(scope="module")
def touching_frames(tmp_path_factory):
    """The example with a first page of frames that meet (tests/inputs/touching-frames.yaml)."""
    from tests.conftest import copy_example

    folder = tmp_path_factory.mktemp("joins")
    campaign = copy_example(folder)
    layout_path = folder / "layouts" / "a5-two-sided.yaml"
    layout = layout_path.read_text(encoding="utf-8").split("\n# Office output")[0]  # the Riso prints two pages
    page = yaml.safe_load((INPUTS / "touching-frames.yaml").read_text(encoding="utf-8"))["joins"]
    extra = "".join(f"    - {yaml.safe_dump(frame, default_flow_style=True, width=1000).strip()}\n" for frame in page)
    layout_path.write_text(layout.replace("\npages:\n", "\npages:\n  joins:\n" + extra), "utf-8")
    report = build(campaign, folder / "out", ward_codes=["E05011111"], force=True)
    return report.written[0].path


@pytest.mark.parametrize("page_index, kind, at_mm, span_mm", FIXTURE_JOINS)
def test_other_touching_frames_show_no_paper_either(touching_frames, page_index, kind, at_mm, span_mm):
    assert pdfium_paper_lines(touching_frames, page_index, kind, at_mm, span_mm) == []


def test_what_is_not_a_join_still_shows_paper(touching_frames):
    """The test can see paper: beside the narrower panel, under the photo, paper shows."""
    assert pdfium_paper_lines(touching_frames, 0, "row", 185.0, (20.7, 120.8)) != []


@pytest.mark.parametrize("page_index, kind, at_mm, span_mm", FRONT_JOINS + FIXTURE_JOINS)
def test_ghostscript_separations_show_no_paper_at_the_joins(
    demo_report, touching_frames, tmp_path, page_index, kind, at_mm, span_mm, ghostscript
):
    path = touching_frames if (kind, at_mm) in {(k, a) for _, k, a, _ in FIXTURE_JOINS} else demo_report.written[0].path
    assert gs_paper_lines(path, page_index, kind, at_mm, span_mm, tmp_path) == []
