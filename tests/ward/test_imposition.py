"""leaflet.ward.imposition: the 2-up sheet plan, exactly: where each page goes, how the sheet is
turned, the cut line and its marks, each page's printable and artwork areas."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.model import BoxPt, RisoSheet, mm_to_pt, pt_to_mm
from leaflet.read.layouts import load_layout
from leaflet.ward.imposition import apply, intersect, sheet_plan, to_page, to_sheet

from tests.conftest import FUZZ, ROOT


@pytest.fixture(scope="module")
def layout():
    return load_layout(ROOT / "layouts" / "a5-two-sided.yaml")


def _mm(box: BoxPt) -> tuple[float, ...]:
    return tuple(round(pt_to_mm(v), 6) for v in (box.x, box.y, box.width, box.height))


def test_a_long_edge_feed_puts_front_and_back_side_by_side_for_work_and_turn(layout):
    plan = sheet_plan(layout)
    assert plan.method == "work-and-turn" and plan.sides == 2
    assert (round(pt_to_mm(plan.width_pt), 6), round(pt_to_mm(plan.height_pt), 6)) == (297, 210)
    front, back = plan.placements
    assert (front.page, back.page) == (0, 1)
    assert _mm(front.trim) == (0.25, 0, 148, 210)  # centred in the left half of the sheet
    assert _mm(back.trim) == (148.75, 0, 148, 210)
    assert front.matrix[:4] == back.matrix[:4] == (1, 0, 0, 1)  # both upright: turned side to side they back up
    (x0, y0), (x1, y1) = plan.cut
    assert (pt_to_mm(x0), pt_to_mm(x1), y0, pt_to_mm(y1)) == pytest.approx((148.5, 148.5, 0, 210))
    assert _mm(plan.printable) == (3, 2, 291, 203)  # less 3 mm sides, 2 mm trailing (bottom), 5 mm leading (top)


def test_the_cut_marks_lie_on_the_cut_line_in_the_gutter_between_the_pages_artwork(layout):
    plan = sheet_plan(layout)
    front, back = plan.placements
    gutter_left = to_sheet(front.matrix, plan.areas[0].artwork).right
    gutter_right = to_sheet(back.matrix, plan.areas[1].artwork).x
    for (x0, y0), (x1, y1) in plan.cut_marks:
        assert x0 == x1 == plan.cut[0][0]
        assert gutter_left < x0 < gutter_right
        assert plan.printable.y - 1e-9 <= min(y0, y1) and max(y0, y1) <= plan.printable.top + 1e-9
        assert pt_to_mm(abs(y1 - y0)) == pytest.approx(4)


def test_each_page_keeps_its_artwork_within_reach_and_its_margin(layout):
    plan = sheet_plan(layout)
    for index, placement in enumerate(plan.placements):
        areas = plan.areas[index]
        assert _mm(areas.artwork) == pytest.approx(_mm(BoxPt(mm_to_pt(6), mm_to_pt(6), mm_to_pt(136), mm_to_pt(198))))
        on_sheet = to_sheet(placement.matrix, areas.artwork)
        assert intersect(on_sheet, plan.printable) == on_sheet
    front = plan.areas[0].saturated_artwork  # 3 mm further in from the printable edge: 8 mm at the leading edge
    assert pt_to_mm(mm_to_pt(210) - front.top) == pytest.approx(8)


def test_a_short_edge_feed_turns_the_pages_a_quarter_one_above_the_other_for_work_and_tumble(layout):
    riso = replace(layout.riso, sheet=RisoSheet(feed="short_edge"))
    plan = sheet_plan(replace(layout, riso=riso))
    assert plan.method == "work-and-tumble"
    assert (round(pt_to_mm(plan.width_pt), 6), round(pt_to_mm(plan.height_pt), 6)) == (210, 297)
    front, back = plan.placements
    assert _mm(front.trim) == (0, 148.75, 210, 148)  # the front in the half that feeds first (top)
    assert _mm(back.trim) == (0, 0.25, 210, 148)
    for placement in plan.placements:  # a page's top edge goes to the sheet's left: both the same way
        top_left = apply(placement.matrix, 0, mm_to_pt(210))
        assert round(top_left[0], 6) == round(placement.trim.x, 6)
        assert _mm(to_sheet(placement.matrix, BoxPt(0, 0, mm_to_pt(148), mm_to_pt(210)))) == _mm(placement.trim)
    (x0, y0), (x1, y1) = plan.cut
    assert (x0, pt_to_mm(y0), pt_to_mm(x1), pt_to_mm(y1)) == pytest.approx((0, 148.5, 210, 148.5))
    assert all(pt_to_mm(a[1]) == pytest.approx(148.5) for mark in plan.cut_marks for a in mark)


def test_a_one_page_leaflet_prints_twice_on_one_side(layout):
    one = replace(layout, pages=layout.pages[:1], riso=replace(layout.riso, pages=layout.riso.pages[:1]))
    plan = sheet_plan(one)
    assert plan.method == "one-sided" and plan.sides == 1
    assert [p.page for p in plan.placements] == [0, 0]
    assert len(plan.areas) == 1  # within both of its places' reach


BOXES = st.builds(
    BoxPt,
    st.floats(-500, 500, allow_nan=False),
    st.floats(-500, 500, allow_nan=False),
    st.floats(0, 500, allow_nan=False),
    st.floats(0, 500, allow_nan=False),
)


@FUZZ
@given(BOXES, st.sampled_from(["long_edge", "short_edge"]), st.integers(0, 1))
def test_a_box_taken_to_the_sheet_and_back_is_the_same_box(layout, box, feed, index):
    plan = sheet_plan(replace(layout, riso=replace(layout.riso, sheet=RisoSheet(feed=feed))))
    matrix = plan.placements[index].matrix
    back = to_page(matrix, to_sheet(matrix, box))
    assert (back.x, back.y, back.width, back.height) == pytest.approx((box.x, box.y, box.width, box.height), abs=1e-6)


@FUZZ
@given(BOXES, BOXES)
def test_an_intersection_lies_within_both_boxes(one, other):
    both = intersect(one, other)
    assert both.width >= 0 and both.height >= 0
    if both.width and both.height:
        for box in (one, other):
            assert box.x - 1e-9 <= both.x and both.right <= box.right + 1e-9
            assert box.y - 1e-9 <= both.y and both.top <= box.top + 1e-9
