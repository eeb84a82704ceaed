"""leaflet.read.markup: campaign Markdown -> paragraphs of runs; {ward.field} placeholders -> values."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from leaflet.model import Paragraph, Run
from leaflet.read.markup import (
    fill,
    fill_paragraphs,
    malformed_placeholders,
    paragraphs_placeholders,
    parse_inline,
    parse_markdown,
    placeholders,
)

from tests.conftest import DEMO

PROPERTY = settings(max_examples=200, deadline=None)


def text_of(runs) -> str:
    return "".join(run.text for run in runs)


# ---------------------------------------------------------------- parse_markdown


def test_headings_of_both_levels_are_heading_paragraphs():
    assert parse_markdown("# My record\n## Reducing violence") == (
        Paragraph("heading", (Run("My record"),)),
        Paragraph("heading", (Run("Reducing violence"),)),
    )


def test_a_heading_ends_the_paragraph_before_it_and_takes_one_line():
    assert parse_markdown("before\n## Title\nafter") == (
        Paragraph("body", (Run("before"),)),
        Paragraph("heading", (Run("Title"),)),
        Paragraph("body", (Run("after"),)),
    )


def test_lines_of_a_paragraph_are_joined_with_one_space():
    assert parse_markdown("  first line  \nsecond   line\r\nthird") == (
        Paragraph("body", (Run("first line second line third"),)),
    )


def test_blank_lines_separate_paragraphs_and_many_blank_lines_make_no_empty_ones():
    assert parse_markdown("\n\none\n\n\n   \ntwo\n\n") == (
        Paragraph("body", (Run("one"),)),
        Paragraph("body", (Run("two"),)),
    )


def test_each_dash_line_is_a_bullet_and_a_following_line_continues_it():
    assert parse_markdown("- first\n  goes on\n- second\n\nafter") == (
        Paragraph("bullet", (Run("first goes on"),)),
        Paragraph("bullet", (Run("second"),)),
        Paragraph("body", (Run("after"),)),
    )


def test_a_bullet_character_also_starts_a_bullet():
    assert parse_markdown("• one") == (Paragraph("bullet", (Run("one"),)),)


def test_a_dash_inside_a_word_or_without_a_space_is_text():
    assert parse_markdown("-5 degrees\nkick-started") == (Paragraph("body", (Run("-5 degrees kick-started"),)),)


def test_headings_and_bullets_take_inline_styles():
    assert parse_markdown("## **Bold** idea\n- *it* works") == (
        Paragraph("heading", (Run("Bold", bold=True), Run(" idea"))),
        Paragraph("bullet", (Run("it", italic=True), Run(" works"))),
    )


def test_empty_text_and_empty_heading_make_no_paragraphs():
    assert parse_markdown("") == ()
    assert parse_markdown("#\n##   \n\n") == ()


def test_the_example_story_parses_into_headings_body_and_no_stray_markers():

    story = (DEMO / "story.md").read_text(encoding="utf-8")
    paragraphs = parse_markdown(story)
    assert paragraphs[0] == Paragraph("heading", (Run("My record"),))
    assert {p.kind for p in paragraphs} <= {"heading", "body", "bullet"}
    assert not any("*" in run.text for p in paragraphs for run in p.runs)
    assert paragraphs[2].runs[0] == Run("Recruiting more officers:", bold=True)


# ---------------------------------------------------------------- parse_inline


def test_bold_and_italic_runs():
    assert parse_inline("a **bold** and *italic* word") == (
        Run("a "),
        Run("bold", bold=True),
        Run(" and "),
        Run("italic", italic=True),
        Run(" word"),
    )


def test_italic_inside_bold_and_bold_inside_italic():
    assert parse_inline("**a *b* c**") == (Run("a ", bold=True), Run("b", True, True), Run(" c", bold=True))
    assert parse_inline("*a **b** c*") == (Run("a ", italic=True), Run("b", True, True), Run(" c", italic=True))


def test_triple_stars_make_bold_italic():
    assert parse_inline("***both***") == (Run("both", bold=True, italic=True),)


def test_adjacent_styled_runs_stay_apart_and_same_style_runs_merge():
    assert parse_inline("**a***b*") == (Run("a", bold=True), Run("b", italic=True))
    assert parse_inline("**a** **b**") == (Run("a", bold=True), Run(" "), Run("b", bold=True))
    assert parse_inline("**a****b**") == (Run("ab", bold=True),)


@pytest.mark.parametrize(
    "text",
    ["**unclosed bold", "a lone * star", "5 * 3 = 15", "trailing*", "x**y"],
)
def test_unmatched_markers_stay_literal(text):
    assert parse_inline(text) == (Run(text),)


def test_the_odd_marker_out_is_literal_and_the_pair_still_styles():
    assert parse_inline("*a* and *b") == (Run("a", italic=True), Run(" and *b"))


def test_backslash_escapes_a_star_and_a_backslash():
    assert parse_inline(r"\*not italic\*") == (Run("*not italic*"),)
    assert parse_inline(r"\*\*not bold\*\*") == (Run("**not bold**"),)
    assert parse_inline(r"a\\b") == (Run("a\\b"),)
    assert parse_inline(r"**5\* rating**") == (Run("5* rating", bold=True),)


def test_a_backslash_before_other_characters_is_kept():
    assert parse_inline(r"C:\new \ path\\") == (Run("C:\\new \\ path\\"),)


def test_whitespace_runs_collapse_to_one_space():
    assert parse_inline("a \t\n  b") == (Run("a b"),)


def test_a_no_break_space_is_kept_so_the_words_stay_together():
    # A campaign writes "Alex\u00a0Morgan" or "10\u00a0000" so the line never breaks there;
    # fit.py only breaks at ' ', so the no-break space must survive parsing.
    assert parse_inline("Alex\u00a0Morgan and 10\u202f000") == (Run("Alex\u00a0Morgan and 10\u202f000"),)


def test_placeholders_survive_parsing_inside_styles():
    assert parse_inline("**{ward.name}**") == (Run("{ward.name}", bold=True),)


# ---------------------------------------------------------------- placeholders


def test_placeholders_are_found_lower_cased_and_stripped():
    assert placeholders("{ward.name} in {ward.Local_Priority} by { ward.code } {ward. Organiser }") == {
        "name",
        "local_priority",
        "organiser",
    }


def test_escaped_braces_and_other_braces_are_not_placeholders():
    assert placeholders("{{ward.name}} {name} {}") == set()


def test_malformed_placeholders_are_listed_in_order():
    assert malformed_placeholders("{name} {ward.name} {{ok}} {ward.} {} {wards.code}") == [
        "{name}",
        "{ward.}",
        "{}",
        "{wards.code}",
    ]


def test_no_malformed_placeholders_in_good_text():
    assert malformed_placeholders("Hello {ward.name}, {{literal}} and }} {{") == []


def test_paragraphs_placeholders_gathers_every_run():
    paragraphs = parse_markdown("# {ward.name}\n\n**{ward.Organiser}** says {ward.code}")
    assert paragraphs_placeholders(paragraphs) == {"name", "organiser", "code"}


# ---------------------------------------------------------------- fill


WARD = {"code": "W05000981", "name": "Gŵyr", "organiser": "Siân Ffion Hughes", "local priority": "speeding"}


def test_fill_replaces_placeholders_with_the_ward_values():
    assert (
        fill("{ward.name} · your organiser is {ward.organiser}", WARD) == "Gŵyr · your organiser is Siân Ffion Hughes"
    )


def test_fill_matches_field_names_case_insensitively_and_ignores_padding():
    assert fill("{ward.NAME}/{ward.Name}/{ward. Local Priority }", WARD) == "Gŵyr/Gŵyr/speeding"


def test_double_braces_give_literal_braces():
    assert fill("{{ward.name}} is {ward.name}; }}{{", WARD) == "{ward.name} is Gŵyr; }{"


def test_text_without_braces_is_returned_unchanged():
    text = "No placeholders here"
    assert fill(text, WARD) is text


def test_a_malformed_placeholder_is_left_as_it_is():
    assert fill("{name} {ward.name}", WARD) == "{name} Gŵyr"


@pytest.mark.parametrize(
    "value",
    ["**not bold**", "{ward.code}", "{{", r"\1 \g<0>", "*", "}}{ward.name}{{"],
)
def test_a_ward_value_is_never_reinterpreted(value):
    assert fill("<{ward.name}>", {"name": value}) == f"<{value}>"


def test_fill_paragraphs_fills_after_parsing_so_values_never_become_markup():
    paragraphs = parse_markdown("# In {ward.name}\n\nAsk **{ward.organiser}** about {{this}}.")
    filled = fill_paragraphs(paragraphs, {"name": "**Tŷ-du**", "organiser": "*Dafydd* {ward.name}"})
    assert filled == (
        Paragraph("heading", (Run("In **Tŷ-du**"),)),
        Paragraph("body", (Run("Ask "), Run("*Dafydd* {ward.name}", bold=True), Run(" about {this}."))),
    )


def test_fill_paragraphs_keeps_kinds_and_styles():
    paragraphs = (Paragraph("bullet", (Run("{ward.code}", bold=True, italic=True),)),)
    assert fill_paragraphs(paragraphs, {"code": "X1"}) == (Paragraph("bullet", (Run("X1", True, True),)),)


# ---------------------------------------------------------------- properties

_NO_BREAK_SPACES = "\u00a0\u2007\u202f"


@PROPERTY
@given(st.text())
@example("*" * 7)
@example("\\")
@example("**a*b**c*")
def test_parse_inline_never_raises_and_gives_well_formed_runs(text):
    runs = parse_inline(text)
    assert all(run.text for run in runs)
    for before, after in itertools.pairwise(runs):
        assert (before.bold, before.italic) != (after.bold, after.italic)


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_characters="*\\" + _NO_BREAK_SPACES)))
def test_parse_inline_keeps_plain_text_with_whitespace_collapsed(text):
    runs = parse_inline(text)
    assert text_of(runs) == re.sub(r"\s+", " ", text)
    assert all(not run.bold and not run.italic for run in runs)


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_characters="*\\" + _NO_BREAK_SPACES)), st.text(alphabet="ab *"))
def test_styled_text_keeps_every_non_marker_character(words, styled):
    runs = parse_inline(words + styled)
    assert text_of(runs).replace("*", "").replace(" ", "") == re.sub(r"\s+", "", words + styled).replace("*", "")


@PROPERTY
@given(st.lists(st.sampled_from([*list("#-•* \n\r\t\\ab{}."), "ward.", "\n\n", "- ", "## "])).map("".join))
@example("- \n#\n-\n\n")
def test_parse_markdown_never_raises_and_makes_no_empty_paragraphs(text):
    for paragraph in parse_markdown(text):
        assert paragraph.kind in ("body", "heading", "bullet")
        assert paragraph.runs and all(run.text for run in paragraph.runs)


@PROPERTY
@given(st.text())
def test_parse_markdown_never_raises_on_any_text(text):
    parse_markdown(text)


@PROPERTY
@given(st.text(), st.lists(st.sampled_from(["{", "}", "{{", "}}", "ward.", "x", " "])).map("".join))
def test_placeholder_functions_never_raise(value, text):
    placeholders(value + text)
    malformed_placeholders(value + text)


@PROPERTY
@given(st.text(), st.text(), st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_ -]*[A-Za-z0-9_])?", fullmatch=True))
def test_fill_puts_any_value_in_verbatim(value, other, field):
    key = field.lower()
    assert fill("{ward." + field + "}", {key: value}) == value
    assert fill("[{ward." + field.upper() + "}|{ward." + field + "}]", {key: value}) == f"[{value}|{value}]"
    filled = fill_paragraphs((Paragraph("body", (Run("{ward." + field + "}"),)),), {key: value + other})
    assert filled == (Paragraph("body", (Run(value + other),)),)
