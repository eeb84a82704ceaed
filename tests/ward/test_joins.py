"""Where a panel or photo meets a frame drawn above it: the strips it runs on under that frame."""

from __future__ import annotations

import pytest
from leaflet.model import BoxMm, BoxPt, Cmyk, FlowFrame, ImageFrame, ShapeFrame, TextFrame
from leaflet.ward.joins import UNDERLAP_PT, grown, page_underlaps, underlaps

NAVY = Cmyk(1, 0.78, 0, 0.38)
D = UNDERLAP_PT


def test_a_photo_on_a_panel_runs_the_panel_on_under_the_photo():
    panel, photo = BoxPt(0, 0, 100, 50), BoxPt(0, 50, 100, 30)
    assert underlaps(panel, photo) == [BoxPt(0, 50, 100, D)]
    assert underlaps(photo, BoxPt(0, 20, 100, 30)) == [BoxPt(0, 50 - D, 100, D)]  # the upper frame below it


def test_only_along_the_stretch_both_edges_share():
    wide, narrow = BoxPt(0, 0, 100, 50), BoxPt(30, 50, 40, 20)
    assert underlaps(wide, narrow) == [BoxPt(30, 50, 40, D)]  # never a lip beside the narrow frame
    assert underlaps(narrow, BoxPt(0, 70, 100, 10)) == [BoxPt(30, 70, 40, D)]


def test_side_by_side_frames_meet_in_a_column():
    left, right = BoxPt(0, 0, 40.0000001, 50), BoxPt(40, 10, 60, 50)
    assert underlaps(left, right) == [BoxPt(40.0000001, 10, D, 40)]
    assert underlaps(right, BoxPt(0, 0, 40, 50)) == [BoxPt(40 - D, 10, D, 40)]


def test_a_thin_upper_frame_takes_no_deeper_strip_than_itself():
    assert underlaps(BoxPt(0, 0, 100, 50), BoxPt(0, 50, 100, 0.1)) == [BoxPt(0, 50, 100, pytest.approx(0.1))]


@pytest.mark.parametrize(
    "upper",
    [BoxPt(0, 50.5, 100, 20), BoxPt(100, 50, 20, 20), BoxPt(10, 10, 20, 20)],
    ids=["a gap", "corner to corner", "inside"],
)
def test_frames_that_do_not_meet_edge_to_edge_get_nothing(upper):
    assert underlaps(BoxPt(0, 0, 100, 50), upper) == []


def test_only_frames_that_cover_their_box_count_and_the_lower_one_runs_under():
    box = BoxMm(0, 0, 1, 1)
    panel = ShapeFrame("panel", box, fill=NAVY)
    outline = ShapeFrame("outline", box, stroke=NAVY, stroke_pt=1)
    photo = ImageFrame("photo", box, "hero")
    contained = ImageFrame("contained", box, "hero", fit="contain")
    filled_text = TextFrame("note", box, "note", "body", fill=NAVY)
    story = FlowFrame("story", box, "story")
    low, high = BoxPt(0, 0, 100, 50), BoxPt(0, 50, 100, 50)
    assert page_underlaps([(panel, low), (photo, high)]) == {"panel": (BoxPt(0, 50, 100, D),)}
    assert page_underlaps([(photo, high), (panel, low)]) == {"photo": (BoxPt(0, 50 - D, 100, D),)}
    assert page_underlaps([(filled_text, low), (panel, high)]) == {"note": (BoxPt(0, 50, 100, D),)}
    for other in (outline, contained, story):
        assert page_underlaps([(other, low), (panel, high)]) == {}
        assert page_underlaps([(panel, low), (other, high)]) == {}


def test_a_photo_is_placed_to_cover_its_strips():
    assert grown(BoxPt(0, 10, 100, 50), (BoxPt(0, 10 - D, 100, D), BoxPt(100, 20, D, 5))) == BoxPt(
        0, 10 - D, 100 + D, 50 + D
    )
