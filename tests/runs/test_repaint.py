"""Repainting a preview where its frames changed gives the print file's page as a whole-page render
draws it; a change it cannot bound (a new photo, most of the page) renders the page whole."""

from __future__ import annotations

import shutil

import pytest
from leaflet.model import BoxPt, FilledBox, LaidOutFrame
from leaflet.runs.local import read_values
from leaflet.runs.preview import Previews
from leaflet.runs.raster import render_pages
from leaflet.runs.repaint import BAND_MARGIN_PX, changed_rows
from PIL import ImageChops

from tests.conftest import DEMO, ROOT

WARD = "E05011111"


@pytest.fixture(scope="module")
def previews(tmp_path_factory):
    """On a copy of the example: a photo's focal point makes a crop in the campaign's folder."""
    root = tmp_path_factory.mktemp("repaint")
    for folder in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(DEMO, root / "content" / "pcc-2021")
    return Previews(root / "content" / "pcc-2021")


def _worst_difference(previews: Previews, preview) -> int:
    """The largest difference, on any channel, between each page as the preview has it and the
    print file's page rendered whole."""
    whole = render_pages(preview.print_file, previews.dpi)
    worst = 0
    for index, image in enumerate(whole):
        repainted = previews._repaints.last(WARD, index)
        assert repainted is not None and repainted.size == image.size
        worst = max(worst, max(high for _, high in ImageChops.difference(repainted, image).getextrema()))
    return worst


def test_an_edited_text_repaints_its_rows_into_the_print_files_own_page(previews):
    local = previews.campaign.local
    start = previews.starting_values(WARD)
    previews.preview(WARD, read_values(local, {"slots": {"local_focus": "First words of ours."}}, start))
    edits = [
        {"slots": {"local_focus": "**Street lighting on Mill Lane** is what we will fix first, with your help."}},
        {"slots": {"local_focus": "Ŵŷ Çà: accents above capitals, and a longer text " + "that wraps " * 12}},
        {"fields": {"organiser": "Robin Ashe-Ŷnys"}},  # the front's banner and the back's words
        {"slots": {"local_focus": "Short."}, "fields": {"organiser": "Jo"}},
    ]
    for edit in edits:
        repainted = previews._repaints.repainted
        preview = previews.preview(WARD, read_values(local, edit, start))
        assert previews._repaints.repainted > repainted  # a band, not the whole page
        assert _worst_difference(previews, preview) <= 2  # rounding, at most: the same page


def test_a_new_photo_renders_the_page_whole(previews):
    local = previews.campaign.local
    start = previews.starting_values(WARD)
    previews.preview(WARD, read_values(local, {}, start))
    repainted = previews._repaints.repainted
    moved = read_values(local, {"photos": {"second": {"source": "campaign", "focal": [0.1, 0.9]}}}, start)
    preview = previews.preview(WARD, moved)
    assert previews._repaints.repainted == repainted
    assert _worst_difference(previews, preview) == 0


def test_the_band_is_where_the_frames_differ():
    def frame(name: str, y: float) -> LaidOutFrame:
        return LaidOutFrame(name, BoxPt(10, y, 100, 20), (FilledBox(BoxPt(10, y, 100, 20), None),), False)

    before = (frame("a", 100), frame("b", 300))
    assert changed_rows(before, before, 612, 8.5, 72) is None
    # b moved from 300-320 pt to 310-330 pt (trim space, y up): rows 612 - 8.5 - 330 to 612 - 8.5 - 300
    assert changed_rows(before, (frame("a", 100), frame("b", 310)), 612, 8.5, 72) == (
        273 - BAND_MARGIN_PX,
        304 + BAND_MARGIN_PX,
    )
    # a gone (100-120 pt), at 144 dpi: rows 2 x (603.5 - 120) to 2 x (603.5 - 100)
    assert changed_rows(before, (frame("b", 300),), 612, 8.5, 144) == (967 - BAND_MARGIN_PX, 1007 + BAND_MARGIN_PX)
