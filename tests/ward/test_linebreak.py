"""leaflet.ward.linebreak: boxes, glue and penalties + line widths -> total-fit breaks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from leaflet.ward.linebreak import FORBIDDEN, Box, Glue, Item, Penalty, Rules, paragraph_end, total_fit

from tests.conftest import FUZZ

RAGGED = Rules(ragged=True)
JUSTIFIED = Rules()


def paragraph(widths: list[float], space: float = 1.0, justified: bool = False, hyphens=()) -> list[Item]:
    """Words of the given widths; after word i in ``hyphens``, a hyphen point instead of a space."""
    items: list[Item] = []
    for index, width in enumerate(widths):
        items.append(Box(width))
        if index == len(widths) - 1:
            break
        if index in hyphens:
            items.append(Penalty(0.5, 50, flagged=True))
        else:
            items.append(Glue(space, space / 2, space / 3) if justified else Glue(space, 0, 0))
    return items + list(paragraph_end())


def lines_of(items: list[Item], breaks: list[int]) -> list[list[Item]]:
    """The items each line holds: glue and penalties after a break are dropped."""
    lines, start = [], 0
    for position in breaks:
        line = list(items[start:position])
        while line and not isinstance(line[0], Box):
            line.pop(0)
        end = items[position]
        if isinstance(end, Penalty) and end.width:
            line.append(Glue(end.width, 0, 0))  # the hyphen: counted in the width, not as a word
        lines.append(line)
        start = position + 1
    return lines


def natural(line: list[Item]) -> float:
    return sum(item.width for item in line if not isinstance(item, Penalty))


def shrink(line: list[Item]) -> float:
    return sum(item.shrink for item in line if isinstance(item, Glue))


def last_flagged(items, breaks) -> list[bool]:
    return [isinstance(items[b], Penalty) and items[b].flagged for b in breaks]


def boxes(line: list[Item]) -> int:
    return sum(isinstance(item, Box) for item in line)


def test_total_fit_evens_out_a_ragged_paragraph_that_greedy_would_not():
    # Greedy (first fit) would set "aaa bb" / "cccc" / "d": total-fit keeps every line but the last
    # well filled.
    items = paragraph([3, 2, 4, 1, 3], space=1)
    breaks = total_fit(items, [7], RAGGED)
    assert [boxes(line) for line in lines_of(items, breaks)] == [2, 2, 1]
    assert breaks[-1] == len(items) - 1


def test_every_line_fits_and_the_last_break_is_the_paragraphs_end():
    items = paragraph([5, 3, 6, 2, 4, 4, 7, 1, 3, 5, 2], space=1)
    breaks = total_fit(items, [12], RAGGED)
    assert breaks[-1] == len(items) - 1
    assert all(natural(line) <= 12 for line in lines_of(items, breaks))


def test_a_box_wider_than_the_line_gets_a_line_of_its_own():
    items = paragraph([2, 30, 2], space=1)
    breaks = total_fit(items, [10], RAGGED)
    assert [natural(line) for line in lines_of(items, breaks)] == [2, 30, 2]


def test_each_line_takes_its_own_width():
    items = paragraph([4] * 8, space=1)
    breaks = total_fit(items, [9, 9, 14], RAGGED)
    assert [boxes(line) for line in lines_of(items, breaks)][:3] == [2, 2, 3]


def test_a_forbidden_penalty_is_never_a_break_and_a_forced_one_always_is():
    items: list[Item] = [Box(3), Penalty(0, FORBIDDEN), Glue(1, 0, 0), Box(3), Penalty(0, -FORBIDDEN)]
    items += [Box(3), *paragraph_end()]
    breaks = total_fit(items, [100], RAGGED)
    assert 1 not in breaks and 2 not in breaks and 4 in breaks


def test_no_more_than_two_hyphenated_lines_in_a_row():
    widths = [4, 3, 2, 1, 1, 2, 4, 3, 1, 3, 3, 4, 1, 2, 1]
    items = paragraph(widths, space=1, hyphens={0, 3, 4, 5, 6, 8, 9, 11, 12, 13})
    unlimited = Rules(ragged=True, hyphens_in_a_row=len(widths), double_hyphen_demerits=0)
    assert any(all(run) for run in _windows(last_flagged(items, total_fit(items, [7], unlimited)), 3))
    flagged = last_flagged(items, total_fit(items, [7], RAGGED))
    assert any(flagged) and not any(all(run) for run in _windows(flagged, 3))


def _windows(values, size):
    return (values[i : i + size] for i in range(len(values) - size + 1))


def test_a_hyphen_is_avoided_at_the_end_of_a_frame():
    items = paragraph([1, 3, 2, 2, 2, 5, 2, 4], space=1, hyphens={2})
    plain = total_fit(items, [9], RAGGED)
    assert items[plain[0]] == Penalty(0.5, 50, flagged=True)  # the best first line ends with a hyphen
    avoided = total_fit(items, [9], RAGGED, frame_ends={0})  # ... but not where the frame ends
    assert isinstance(items[avoided[0]], Glue)


def _two_hyphen_points(after_first: float = 0.0, after_second: float = 0.0) -> list[Item]:
    # "aaaa bb-c-dddd ee": in a line 9 wide the break after "c" is the better (8 full, then 7)
    return [
        Box(4),
        Glue(1, 0, 0),
        Box(2),
        Penalty(0, 50, True, after_first),
        Box(1),
        Penalty(0, 50, True, after_second),
        Box(4),
        Glue(1, 0, 0),
        Box(2),
        *paragraph_end(),
    ]


def test_what_a_break_adds_to_the_next_line_is_counted_there():
    assert total_fit(_two_hyphen_points(), [9], RAGGED)[0] == 5
    # the rest of the word, set anew after the second point, is 6 wider: no line holds it there
    assert total_fit(_two_hyphen_points(after_second=6), [9], RAGGED)[0] == 3


def test_a_correction_makes_one_line_wider_and_no_other():
    items = _two_hyphen_points()
    assert total_fit(items, [9], RAGGED, corrections={(-1, 5): 2})[0] == 3
    # the first line ending at the first point would be too long: the start still leads on
    assert total_fit(items, [9], RAGGED, corrections={(-1, 3): 5})[0] == 5


def test_justified_lines_use_their_glue_and_nothing_else():
    items = paragraph([3, 4, 2, 5, 3, 3, 4, 2, 6, 1], space=1, justified=True)
    breaks = total_fit(items, [13], JUSTIFIED)
    for line in lines_of(items, breaks)[:-1]:
        assert natural(line) - shrink(line) <= 13 + 1e-9


def test_nothing_to_break():
    assert total_fit([], [10]) == []
    assert total_fit(list(paragraph_end()), [10]) == [2]


WORDS = st.lists(st.floats(0.5, 12), min_size=1, max_size=40)


@FUZZ
@given(WORDS, st.lists(st.floats(4, 30), min_size=1, max_size=4), st.booleans(), st.sets(st.integers(0, 40)))
def test_no_line_is_wider_than_its_width_and_no_box_is_lost(widths, line_widths, justified, hyphens):
    items = paragraph(widths, space=1, justified=justified, hyphens=hyphens)
    breaks = total_fit(items, line_widths, JUSTIFIED if justified else RAGGED)
    assert breaks == sorted(set(breaks)) and breaks[-1] == len(items) - 1
    for position in breaks:  # every break is a legal one
        item = items[position]
        assert isinstance(item, Penalty) or (isinstance(item, Glue) and isinstance(items[position - 1], Box))
    lines = lines_of(items, breaks)
    assert sum(boxes(line) for line in lines) == len(widths)  # every word, once, in order
    for number, line in enumerate(lines):
        width = line_widths[min(number, len(line_widths) - 1)]
        if boxes(line) > 1 or natural(line) <= width:
            assert natural(line) - shrink(line) <= width + 1e-9
