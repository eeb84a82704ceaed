"""leaflet.read.riso: a layout's riso section -> its Riso variant, or a message naming the line."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
import yaml
from leaflet.errors import InputError
from leaflet.model import PAPER, Cmyk, DrumInk, ShapeFrame
from leaflet.read.layouts import load_layout

from tests.conftest import ROOT

LAYOUT = ROOT / "layouts" / "a5-two-sided.yaml"
NAVY = Cmyk(1.0, 0.78, 0.0, 0.38)


@pytest.fixture(scope="module")
def example():
    return load_layout(LAYOUT)


def test_the_example_prints_on_black_and_blue(example):
    riso = example.riso
    assert {name: (drum.ink, drum.rgb) for name, drum in riso.drums.items()} == {
        "black": ("RISO Black", (0, 0, 0)),
        "blue": ("RISO Medium Blue", (0x32, 0x55, 0xA4)),
    }
    assert riso.inks[Cmyk(0, 0, 0, 1)] == DrumInk("black", 1.0, overprint=True)
    assert riso.inks[NAVY] == DrumInk("blue", 0.85)
    assert riso.inks[Cmyk(0, 0, 0, 0)] == PAPER
    assert riso.photos.drum == "black" and riso.photos.screen == "halftone"
    assert (riso.sheet.size_mm, riso.sheet.feed, riso.margin_mm) == ((210, 297), "long_edge", 6)


def test_the_example_sets_its_ward_words_in_black_for_the_riso(example):
    riso = example.riso
    black = Cmyk(0, 0, 0, 1)
    for style in ("banner", "signup_text", "qr_caption"):
        assert example.styles[style].colour != black
        assert riso.styles[style].colour == black
    assert example.styles["local"].colour == riso.styles["local"].colour == black  # 100% K on press too
    assert riso.styles["credit"].size_pt == 7 and example.styles["credit"].size_pt == 6
    assert riso.styles["body"] is example.styles["body"]  # unchanged styles are the press layout's own


def test_a_changed_frame_keeps_its_place_and_the_others_are_the_same_objects(example):
    press = [frame for page in example.pages for frame in page.frames]
    riso = [frame for page in example.riso.pages for frame in page.frames]
    assert [f.name for f in press] == [f.name for f in riso]
    changed = {f.name for f, g in zip(press, riso, strict=True) if f is not g}
    assert changed == {"signup-panel"}
    panel = next(f for f in riso if f.name == "signup-panel")
    assert isinstance(panel, ShapeFrame) and panel.fill == Cmyk(0.12, 0.04, 0.0, 0.0)


def test_a_layout_without_a_riso_section_has_no_riso_variant():
    data = _example_data()
    del data["riso"]
    assert _load(data).riso is None


def _example_data() -> dict:
    data = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    for faces in data["fonts"].values():
        for variant, file in faces.items():
            faces[variant] = str((LAYOUT.parent / file).resolve())
    return data


def _load(data: dict, folder: Path | None = None):
    path = Path(folder or tempfile.mkdtemp()) / "layout.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_layout(path)


def _refused(data: dict, tmp_path) -> str:
    with pytest.raises(InputError) as caught:
        _load(data, tmp_path)
    return str(caught.value)


def test_a_riso_change_is_checked_as_the_layout_checks_its_frames(tmp_path):
    data = _example_data()
    data["riso"]["frames"]["top-panel"] = {"box_mm": [-10, 0, 100, 20]}
    assert "riso.frames.top-panel.box_mm: [-10, 0, 100, 20] reaches past the bleed" in _refused(data, tmp_path)


def test_a_misspelt_key_of_a_changed_frame_gets_a_did_you_mean(tmp_path):
    data = _example_data()
    data["riso"]["frames"]["top-panel"] = {"fil": "sky"}
    assert "riso.frames.top-panel.fil: unknown field (did you mean 'fill'?)" in _refused(data, tmp_path)


def test_a_changed_frame_keeps_its_type(tmp_path):
    data = _example_data()
    data["riso"]["frames"]["top-panel"] = {"type": "text"}
    assert "riso.frames.top-panel.type: unknown field (expected one of: box_mm, fill, omit, stroke" in _refused(
        data, tmp_path
    )


def test_a_frame_left_out_is_not_on_the_riso_pages(tmp_path):
    data = _example_data()
    data["riso"]["frames"]["hero-credit"] = {"omit": True}
    names = [frame.name for page in _load(data, tmp_path).riso.pages for frame in page.frames]
    assert "hero-credit" not in names and len(names) == 17


def test_an_inline_colour_equal_to_a_mapped_swatch_prints_as_that_swatch(tmp_path):
    data = _example_data()
    data["styles"]["section"]["colour"] = [100, 78, 0, 38]  # navy, written out
    assert _load(data, tmp_path).riso.styles["section"].colour == NAVY


def test_an_inline_colour_no_swatch_has_is_named_by_its_values(tmp_path):
    data = _example_data()
    data["styles"]["section"]["colour"] = [0, 100, 0, 0]
    assert (
        "styles.section.colour: style 'section' colour is [0, 100, 0, 0], which prints on no drum "
        "(map it under riso.swatches (name it under swatches first))"
    ) in _refused(data, tmp_path)


def test_two_swatches_of_one_colour_must_print_the_same_way(tmp_path):
    data = _example_data()
    data["swatches"]["dark"] = copy.copy(data["swatches"]["navy"])
    data["riso"]["swatches"]["dark"] = {"drum": "black", "tint": 50}
    assert "riso.swatches.dark: 'dark' has the same colour as 'navy' but prints otherwise" in _refused(data, tmp_path)


def test_a_drum_nothing_prints_on_is_refused(tmp_path):
    data = _example_data()
    data["riso"]["drums"]["red"] = {"ink": "RISO Bright Red", "rgb": "#F15060"}
    assert "riso.drums.red: nothing prints on this drum" in _refused(data, tmp_path)


def test_a_swatch_may_print_on_paper(tmp_path):
    data = _example_data()
    data["riso"]["swatches"]["sky"] = {"drum": "paper"}
    assert _load(data, tmp_path).riso.inks[Cmyk(0.12, 0.04, 0.0, 0.0)] == PAPER
