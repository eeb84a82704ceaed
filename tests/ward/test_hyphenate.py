"""leaflet.ward.hyphenate: a word and its language -> where a line may break it with a hyphen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.ward.hyphenate import TexPatterns, hyphenator_for

from tests.conftest import FUZZ


def hyphenated(language: str, word: str) -> str:
    hyphenator = hyphenator_for(language)
    assert hyphenator is not None
    parts, last = [], 0
    for point in hyphenator.points(word):
        parts.append(word[last:point])
        last = point
    return "-".join([*parts, word[last:]])


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("recruitment", "re-cruit-ment"),
        ("neighbourhood", "neigh-bour-hood"),
        ("organisations", "or-gan-isa-tions"),
        ("behaviour", "be-ha-viour"),
        ("officers:", "of-ficers:"),  # punctuation stays where it is
        ("(crucially,", "(cru-cially,"),
        ("Commissioner", "Com-mis-sioner"),  # a capital at the start is a word like any other
        ("force’s", "force’s"),  # right-hand minimum: three letters stay on the next line
        ("ASB", "ASB"),
        ("POLICE", "POLICE"),  # capitals: an acronym or an uppercase style
        ("B4ever", "B4ever"),
        ("cafe\u0301s", "cafe\u0301s"),  # a combining mark: not a word the patterns know
        ("crime", "crime"),
    ],
)
def test_english_takes_pyphens_british_patterns(word, expected):
    assert hyphenated("en", word) == expected


def test_english_keeps_two_letters_before_a_hyphen_and_three_after():
    hyphenator = hyphenator_for("en-GB")
    assert hyphenator is not None and (hyphenator.left, hyphenator.right) == (2, 3)
    for word in ["dedicated", "priorities", "supported", "sexually", "alternative", "reinvesting"]:
        for point in hyphenator.points(word):
            assert 2 <= point <= len(word) - 3, (word, point)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("blaenoriaethau", "blaen-or-iaethau"),
        ("gweithredu", "gweith-redu"),
        ("Comisiynydd", "Com-isiyn-ydd"),
        ("newyddion", "newydd-ion"),
        ("gwybodaeth", "gwybod-aeth"),
    ],
)
def test_welsh_takes_the_hyph_utf8_patterns(word, expected):
    assert hyphenated("cy", word) == expected


def test_irish_takes_the_hyph_utf8_patterns_and_their_exceptions():
    assert hyphenated("ga", "comhairle") == "comh-airle"
    assert hyphenated("ga", "oifigeach") == "oif-ig-each"
    assert hyphenated("ga", "bhrachtaí") == "bhrachtaí"  # an exception: never broken
    assert hyphenated("ga", "dtiomáintí") == "dtiom-áintí"  # an exception with its one break


@pytest.mark.parametrize("language", ["gd", "xx", "", "kw", "fr"])
def test_no_patterns_no_hyphens(language):
    assert hyphenator_for(language) is None


def test_language_codes_are_read_loosely_but_never_guessed():
    assert hyphenator_for("EN").language == "en"  # type: ignore[union-attr]
    assert hyphenator_for("cy-GB").language == "cy-gb"  # type: ignore[union-attr]
    assert hyphenator_for("en_US") is not None
    assert hyphenator_for("gd-GB") is None


def test_protected_words_are_never_broken():
    hyphenator = hyphenator_for("en")
    assert hyphenator is not None
    protecting = hyphenator.protecting(["Siobhán O'Brien", "Woodmancote"])
    assert hyphenator.points("Woodmancote") and not protecting.points("Woodmancote")
    assert not protecting.points("woodmancote,")
    assert not protecting.points("O’Brien’s")
    assert protecting.points("recruitment") == hyphenator.points("recruitment")


def test_tex_patterns_apply_liangs_rule(tmp_path):
    source = tmp_path / "hyph-test.tex"
    source.write_text("% a comment\n\\patterns{\n1b a1c 2bc\n}\n\\hyphenation{ab-ab}\n", encoding="utf-8")
    patterns = TexPatterns.read(source)
    assert patterns.positions("abcab") == [4]  # 1b before each b, but 2bc outweighs it before "bc"
    assert patterns.positions("abab") == [2]  # the exception
    assert patterns.positions("ac") == [1]


@FUZZ
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzŵâ'’-.", min_size=1, max_size=20), st.sampled_from(["en", "cy", "ga"])
)
def test_points_are_inside_the_letters_in_order(word, language):
    hyphenator = hyphenator_for(language)
    assert hyphenator is not None
    points = hyphenator.points(word)
    assert list(points) == sorted(set(points))
    for point in points:
        assert 0 < point < len(word)
        assert word[point - 1].isalpha() and word[point].isalpha()
