"""Black overprint: 100% K text and thin 100% K rules overprint, nothing else does; read back
with pikepdf (the graphics state in force at each painting operator) and, when Ghostscript is
installed, from its separations."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import pikepdf
import pytest
from leaflet import build
from PIL import Image

from tests.conftest import copy_example

BLACK = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Painted:
    what: str  # "text", "fill", "stroke", "image", "qr" (a fill of many rectangles)
    colour: tuple[float, ...] | str | None  # CMYK, or a separation's name
    overprint: bool
    width_pt: float  # a stroke's line width, a fill's narrower side


def painted(path) -> list[Painted]:
    """Every painting operator of every page, with the fill or stroke colour and whether overprint
    was on (/OP for strokes, /op for fills and text) when it ran, following forms."""
    found: list[Painted] = []
    with pikepdf.open(path) as document:
        for page in document.pages:
            _walk(page.obj, page.Resources, {"fill": None, "stroke": None, "OP": False, "op": False, "w": 1.0}, found)
    return found


def _walk(holder, resources, state, found) -> None:
    stack = []
    rects: list[float] = []
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "q":
            stack.append(dict(state))
        elif op == "Q":
            state.update(stack.pop())
        elif op == "gs":
            graphics = resources.ExtGState[operands[0]]
            state["OP"] = bool(graphics.get("/OP", state["OP"]))
            state["op"] = bool(graphics.get("/op", graphics.get("/OP", state["op"])))
        elif op in ("k", "K"):
            state["fill" if op == "k" else "stroke"] = tuple(float(v) for v in operands)
        elif op in ("cs", "CS"):
            name = str(resources.ColorSpace[operands[0]][1])
            state["fill" if op == "cs" else "stroke"] = name
        elif op == "w":
            state["w"] = float(operands[0])
        elif op == "re":
            rects.append(min(abs(float(operands[2])), abs(float(operands[3]))))
        elif op in ("Tj", "TJ"):
            found.append(Painted("text", state["fill"], state["op"], 0))
        elif op == "f":
            kind = "qr" if len(rects) > 8 else "fill"
            found.append(Painted(kind, state["fill"], state["op"], max(rects, default=0)))
            rects = []
        elif op == "S":
            found.append(Painted("stroke", state["stroke"], state["OP"], state["w"]))
            rects = []
        elif op == "n":
            rects = []
        elif op == "Do":
            xobject = resources.XObject[operands[0]]
            if xobject.Subtype == "/Form":
                _walk(xobject, xobject.Resources, dict(state), found)
            else:
                found.append(Painted("image", None, state["op"], 0))


def _campaign(tmp_path, changes: dict[str, str]):
    campaign = copy_example(tmp_path)
    path = tmp_path / "layouts" / "a5-two-sided.yaml"
    layout = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in layout
        layout = layout.replace(old, new)
    path.write_text(layout, encoding="utf-8")
    return campaign


def _build(campaign, out):
    return build(campaign, out, ward_codes=["E05011111"]).written[0].path


def test_black_text_overprints_and_nothing_else_does(demo_report):
    found = painted(demo_report.written[0].path)
    black_text = [p for p in found if p.what == "text" and p.colour == BLACK]
    assert black_text and all(p.overprint for p in black_text)
    overprinted = [p for p in found if p.overprint]
    assert {(p.what, p.colour) for p in overprinted} == {("text", BLACK)}
    # white knockout text, the three-ink navy, photos and the QR code on its white ground never do
    assert any(p.what == "text" and p.colour == (0, 0, 0, 0) and not p.overprint for p in found)
    assert any(p.what == "fill" and p.colour == (1, 0.78, 0, 0.38) and not p.overprint for p in found)
    assert all(not p.overprint for p in found if p.what in ("image", "qr"))


def test_thin_black_rules_overprint_thick_ones_and_other_colours_do_not(tmp_path):
    rules = (
        "    - {type: shape, name: rule-thin, box_mm: [10, 139, 128, 10], stroke: black, stroke_pt: 0.5}\n"
        "    - {type: shape, name: rule-hairfill, box_mm: [10, 140.5, 128, 0.3], fill: black}\n"
        "    - {type: shape, name: rule-thick, box_mm: [10, 141, 128, 10], stroke: black, stroke_pt: 3}\n"
        "    - {type: shape, name: rule-navy, box_mm: [10, 141.5, 128, 10], stroke: navy, stroke_pt: 0.5}\n"
        "    - {type: shape, name: block-black, box_mm: [10, 142, 20, 10], fill: black}\n"
    )
    campaign = _campaign(
        tmp_path, {"    - {type: flow, name: front-story-1": rules + "    - {type: flow, name: front-story-1"}
    )
    found = painted(_build(campaign, tmp_path / "out"))
    strokes = [(p.colour, p.width_pt, p.overprint) for p in found if p.what == "stroke"]
    assert strokes == [(BLACK, 0.5, True), (BLACK, 3, False), ((1, 0.78, 0, 0.38), 0.5, False)]
    black_fills = [(round(p.width_pt, 2), p.overprint) for p in found if p.what == "fill" and p.colour == BLACK]
    assert black_fills == [(0.85, True), (28.35, False)]


def test_a_layout_can_turn_overprint_off(tmp_path):
    campaign = _campaign(tmp_path, {"\npages:\n": "\npress:\n  overprint_black: false\n\npages:\n"})
    path = _build(campaign, tmp_path / "out")
    assert not any(p.overprint for p in painted(path))
    with pikepdf.open(path) as document:
        assert all("/ExtGState" not in page.Resources for page in document.pages)


@pytest.mark.parametrize("overprint", [True, False])
def test_black_text_on_the_band_leaves_the_yellow_plate_whole(tmp_path, overprint, ghostscript):
    """The ward's banner in 100% K on the yellow band: overprinted, Ghostscript's yellow plate
    runs unbroken under the words; knocked out, the words are holes in it."""
    changes = {"colour: navy, align: center, min_size_pt: 7.5}": "colour: black, align: center, min_size_pt: 7.5}"}
    if not overprint:
        changes["\npages:\n"] = "\npress:\n  overprint_black: false\n\npages:\n"
    path = _build(_campaign(tmp_path, changes), tmp_path / "out")
    band = pikepdf.open(path)
    page = band.pages[0]
    mm = 72 / 25.4
    page.CropBox = [20 * mm, (213 - 135) * mm, 128 * mm, (213 - 127) * mm]  # inside the band, around the words
    single = pikepdf.new()
    single.pages.append(page)
    single.save(tmp_path / "band.pdf")
    out = tmp_path / "band.tif"
    subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseCropBox", "-sDEVICE=tiffsep", "-r300",
         f"-sOutputFile={out}", str(tmp_path / "band.pdf")],
        check=True,
    )  # fmt: skip
    yellow = Image.open(tmp_path / "band(Yellow).tif").convert("L")
    black = Image.open(tmp_path / "band(Black).tif").convert("L")
    assert black.getextrema()[0] < 40  # the words are there, in black
    # tiffsep plates are 255 where there is no ink: overprinted, no yellow pixel goes without ink
    assert (yellow.getextrema()[1] < 50) is overprint
