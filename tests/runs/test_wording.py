"""What changed in some words: a word diff in reading order, and a one-line summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from leaflet.runs.wording import Piece, change_summary, word_diff

from tests.conftest import FUZZ


def test_a_changed_word_shows_deleted_then_inserted_in_place():
    assert word_diff("Fix the lights on Mill Lane", "Fix the lamps on Mill Lane now") == (
        Piece("same", "Fix the"),
        Piece("deleted", "lights"),
        Piece("inserted", "lamps"),
        Piece("same", "on Mill Lane"),
        Piece("inserted", "now"),
    )


def test_spacing_and_line_breaks_are_no_change():
    assert word_diff("one  two\nthree", "one two three") == (Piece("same", "one two three"),)
    assert change_summary("one  two\nthree", "one two three") == ""


def test_the_summary_names_the_first_change_and_counts_the_rest():
    assert change_summary("a b c d", "a x c") == "“b” → “x”, and 1 more change"
    assert change_summary("a", "a b c d e f g h i") == "added “b c d e f g …”"
    assert change_summary("keep this gone", "keep this") == "removed “gone”"


@FUZZ
@given(st.text(alphabet="ab \n", max_size=30), st.text(alphabet="ab \n", max_size=30))
def test_the_diff_rebuilds_both_texts(before, after):
    pieces = word_diff(before, after)
    assert " ".join(p.text for p in pieces if p.kind != "deleted").split() == after.split()
    assert " ".join(p.text for p in pieces if p.kind != "inserted").split() == before.split()
