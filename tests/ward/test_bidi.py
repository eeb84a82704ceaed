"""leaflet.ward.bidi: a paragraph's bidirectional levels (python-bidi) and a line's visual order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from leaflet.ward.bidi import embedding_levels, has_right_to_left, visual_order

from tests.conftest import FUZZ


def test_left_to_right_text_has_no_levels_to_compute():
    assert embedding_levels("Gŵyr · eich trefnydd lleol yw Siân") is None
    assert not has_right_to_left("Ayşe Yılmaz, Łukasz, রহিম")  # Bengali is written left to right


def test_an_arabic_name_in_an_english_sentence():
    text = "organiser is محمد علي today"
    levels = embedding_levels(text)
    start = text.index("م")
    assert levels[:start] == [0] * start
    assert levels[start : start + 8] == [1] * 8  # both words and the space between them
    assert levels[-6:] == [0] * 6


def test_digits_in_right_to_left_text_stay_left_to_right():
    text = "علي 123"
    assert embedding_levels(text) == [1, 1, 1, 1, 2, 2, 2]


def test_a_paragraph_takes_its_direction_from_its_first_strong_letter():
    levels = embedding_levels("שלום Tom")
    assert levels[:4] == [1] * 4 and levels[-3:] == [2] * 3


def test_levels_count_characters_not_bytes():
    text = "€ 𝔸 שלום"  # 3- and 4-byte characters before the Hebrew
    assert len(embedding_levels(text)) == len(text)


def test_visual_order_turns_right_to_left_stretches_round():
    assert visual_order([0, 0, 0]) == [0, 1, 2]
    assert visual_order([0, 1, 1, 1, 0]) == [0, 3, 2, 1, 4]
    assert visual_order([1, 1, 2, 2, 1]) == [4, 2, 3, 1, 0]  # a number inside Arabic reads left to right


@FUZZ
@given(st.lists(st.integers(min_value=0, max_value=4), max_size=20))
def test_visual_order_is_a_reordering(levels):
    order = visual_order(levels)
    assert sorted(order) == list(range(len(levels)))
    if all(level % 2 == 0 and level == levels[0] for level in levels):
        assert order == list(range(len(levels)))
