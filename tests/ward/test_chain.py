"""leaflet.ward.chain: a paragraph's lines spread over a chain's frames, without orphans or widows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.ward.chain import Spacing, frame_of_each_line, place_heading, place_paragraph, without_orphans_and_widows

from tests.conftest import FUZZ


@pytest.mark.parametrize(
    ("count", "caps", "takes"),
    [
        (5, [10, 10], [5]),  # fits
        (5, [3, 10], [3, 2]),
        (5, [4, 10], [3, 2]),  # a widow: one more line moves on
        (5, [1, 10], [0, 5]),  # an orphan: the paragraph starts in the next frame
        (3, [2, 10], [0, 3]),  # three lines are never split
        (2, [1, 10], [0, 2]),
        (9, [3, 3, 3], [3, 3, 3]),
        (8, [3, 3, 3], [3, 3, 2]),
        (7, [3, 3, 3], [3, 2, 2]),
        (5, [3], [3]),  # the chain's last frame takes what fits
        (5, [0, 2, 9], [0, 2, 3]),
    ],
)
def test_without_orphans_and_widows(count, caps, takes):
    assert without_orphans_and_widows(count, caps) == takes


@FUZZ
@given(st.integers(1, 40), st.lists(st.integers(0, 12), min_size=1, max_size=5))
def test_no_frame_but_the_last_ends_with_a_first_line_or_begins_with_a_last(count, caps):
    takes = without_orphans_and_widows(count, caps)
    assert all(take <= cap for take, cap in zip(takes, caps, strict=False))
    shape = frame_of_each_line(takes, caps, count)
    assert shape == sorted(shape) and len(shape) == count
    inside = [frame for frame in shape if frame < len(caps)]
    if len(set(inside)) > 1:  # the paragraph is split
        first, last = shape[0], shape[-1]
        if first < len(caps) - 1:
            assert shape.count(first) >= 2  # no orphan
        if last < len(caps):
            assert shape.count(last) >= 2  # no widow


def test_frame_of_each_line_fills_later_frames_to_their_capacity():
    assert frame_of_each_line([2], [3, 2, 4], 7) == [0, 0, 1, 1, 2, 2, 2]
    assert frame_of_each_line([3, 2], [3, 2], 7) == [0, 0, 0, 1, 1, 2, 2]


def by_count(per_line: int):
    """A breaker putting ``per_line`` words on a line, whatever the widths."""
    return lambda words, widths, ends: [words[i : i + per_line] for i in range(0, len(words), per_line)]


SPACING = Spacing(ascent=8, descent=2, leading=10, space_before=0)


def test_a_paragraph_is_broken_for_the_frames_its_lines_land_in():
    seen = []

    def breaker(words, widths, ends):
        seen.append((list(widths), sorted(ends)))
        return by_count(2)(words, widths, ends)

    placement = place_paragraph(list(range(10)), breaker, [100.0, 200.0], [1, 9])
    assert [len(chunk) for chunk in placement.chunks] == [0, 5]  # one line in the first: an orphan
    assert placement.placed == 10
    assert seen[0] == ([100.0, 200.0], [0])  # first broken for a line in the first frame
    assert seen[-1] == ([200.0], [8])  # then again for the frame the lines land in (9 lines long)


def test_a_heading_moves_on_whole_or_breaks_only_in_an_empty_frame():
    words = list(range(6))
    moved = place_heading(words, by_count(2), [50, 50], SPACING, True, 30, [50, 100], reserve=12)
    assert [len(chunk) for chunk in moved.chunks] == [0, 3] and moved.placed == 6
    alone = place_heading(words, by_count(2), [50, 50], SPACING, False, 0, [25, 100], reserve=12)
    assert [len(chunk) for chunk in alone.chunks] == [2, 1] and alone.placed == 6
