"""leaflet.ward.fit: styled paragraphs + a chain of boxes -> positioned lines, shrunk to fit if allowed.

Measured with the real Noto Sans metrics, so widths and baselines are the ones a build uses.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from leaflet.assets.fonts import load_metrics
from leaflet.model import BoxPt, Cmyk, FontFace, Paragraph, TextStyle
from leaflet.read.markup import parse_inline
from leaflet.ward import linebreak
from leaflet.ward.fit import BULLET, fit_chain
from leaflet.ward.hyphenate import hyphenator_for
from leaflet.ward.words import StyledParagraph, face_key, remembering_measurer

from tests.conftest import ROOT

FONTS = ROOT / "fonts" / "NotoSans"
NAVY = Cmyk(1, 0.78, 0, 0.38)


def _load_all():
    metrics = {}
    for variant, bold, italic in (
        ("Regular", False, False),
        ("Bold", True, False),
        ("Italic", False, True),
        ("BoldItalic", True, True),
    ):
        face = FontFace("Sans", bold, italic, FONTS / f"NotoSans-{variant}.ttf")
        metrics[face.key] = load_metrics(face)
    return metrics


METRICS = _load_all()
REGULAR = METRICS["Sans-Regular"]
BOLD = METRICS["Sans-Bold"]

BLACK = Cmyk(0, 0, 0, 1)
BODY = TextStyle("body", "Sans", 10, 12, BLACK)
HEADING = TextStyle("heading", "Sans", 12, 14, NAVY, bold=True)

LOREM = [
    "Since",
    "you",
    "elected",
    "me",
    "your",
    "Police",
    "and",
    "Crime",
    "Commissioner",
    "I",
    "have",
    "worked",
    "hard",
    "to",
    "turn",
    "your",
    "priorities",
    "into",
    "action",
    "as",
    "part",
    "of",
    "my",
    "mission",
    "to",
    "fight",
    "crime",
    "and",
    "prevent",
    "crime",
]


def para(text: str, style: TextStyle = BODY, kind: str = "body") -> StyledParagraph:
    return StyledParagraph(Paragraph(kind, parse_inline(text)), style)


def line_text(line) -> str:
    return "".join(run.text for run in line.runs if run.text != BULLET)


def words_set(fitted) -> list[str]:
    return [word for frame in fitted.lines for line in frame for word in line_text(line).split()]


def first_baseline(style: TextStyle, scale: float = 1.0) -> float:
    return REGULAR.ascent * style.size_pt * scale / 1000


def one_line_height(style: TextStyle) -> float:
    """Room for exactly one line of ``style`` at the top of a frame."""
    return (REGULAR.ascent + REGULAR.descent) * style.size_pt / 1000


# ---------------------------------------------------------------- face_key


def test_face_key_picks_the_exact_face():
    assert face_key("Sans", True, True, METRICS) == "Sans-BoldItalic"
    assert face_key("Sans", False, True, METRICS) == "Sans-Italic"


def test_face_key_falls_back_to_the_nearest_face_the_family_has():
    only = {key: METRICS[key] for key in ("Sans-Regular", "Sans-Bold")}
    assert face_key("Sans", True, True, only) == "Sans-Bold"
    assert face_key("Sans", False, True, only) == "Sans-Regular"
    assert face_key("Sans", True, False, {"Sans-Regular": REGULAR}) == "Sans-Regular"


def test_face_key_of_an_unknown_family_is_a_key_error():
    with pytest.raises(KeyError):
        face_key("Serif", False, False, METRICS)


# ---------------------------------------------------------------- one box


def test_a_short_paragraph_is_one_line_at_the_top_of_the_box():
    box = BoxPt(20, 100, 200, 50)
    fitted = fit_chain([para("Vote for Alex")], [box], METRICS)
    assert fitted.scale == 1.0
    assert fitted.overflow_words == 0 and fitted.overflow_start == ""
    (line,) = fitted.lines[0]
    assert line.baseline_pt == pytest.approx(box.top - REGULAR.ascent * 10 / 1000)
    assert line.width_pt == pytest.approx(REGULAR.width_pt("Vote for Alex", 10))
    (run,) = line.runs
    assert (run.font, run.size_pt, run.colour, run.x_pt, run.text) == ("Sans-Regular", 10, BLACK, 20, "Vote for Alex")


def test_following_lines_are_one_leading_apart():
    box = BoxPt(0, 0, 60, 200)
    fitted = fit_chain([para(" ".join(LOREM))], [box], METRICS)
    baselines = [line.baseline_pt for line in fitted.lines[0]]
    assert len(baselines) > 3
    assert baselines[0] == pytest.approx(200 - first_baseline(BODY))
    assert [a - b for a, b in itertools.pairwise(baselines)] == pytest.approx([12] * (len(baselines) - 1))


def test_space_after_and_space_before_separate_paragraphs():
    after = TextStyle("after", "Sans", 10, 12, BLACK, space_after_pt=3)
    before = TextStyle("before", "Sans", 10, 12, BLACK, space_before_pt=5)
    fitted = fit_chain([para("one", after), para("two", before)], [BoxPt(0, 0, 100, 100)], METRICS)
    first, second = fitted.lines[0]
    assert first.baseline_pt - second.baseline_pt == pytest.approx(3 + 5 + 12)


def test_space_before_is_not_added_at_the_top_of_a_frame():
    before = TextStyle("before", "Sans", 10, 12, BLACK, space_before_pt=5)
    fitted = fit_chain([para("one", before)], [BoxPt(0, 0, 100, 100)], METRICS)
    assert fitted.lines[0][0].baseline_pt == pytest.approx(100 - first_baseline(BODY))


def test_lines_break_greedily_within_the_box_width():
    width = 80
    fitted = fit_chain([para(" ".join(LOREM))], [BoxPt(0, 0, width, 500)], METRICS)
    lines = fitted.lines[0]
    assert words_set(fitted) == LOREM
    for line, following in itertools.pairwise(lines):
        assert line.width_pt <= width + 1e-6
        # greedy: the next line's first word would not have fitted on this line
        next_word = line_text(following).split()[0]
        assert REGULAR.width_pt(line_text(line) + " " + next_word, 10) > width


def test_a_line_breaks_after_a_hyphen():
    word = "kick-started"
    width = REGULAR.width_pt("kick-", 10) + 1
    fitted = fit_chain([para(word)], [BoxPt(0, 0, width, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["kick-", "started"]


def test_a_word_wider_than_the_box_gets_a_line_of_its_own():
    fitted = fit_chain([para("a Llanfairpwllgwyngyll b")], [BoxPt(0, 0, 30, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["a", "Llanfairpwllgwyngyll", "b"]


def test_bold_and_italic_runs_use_their_faces_and_sit_side_by_side():
    fitted = fit_chain([para("**Vote** *today* now")], [BoxPt(10, 0, 300, 100)], METRICS)
    (line,) = fitted.lines[0]
    fonts_and_text = [(run.font, run.text) for run in line.runs]
    # a space takes the face of the run it is in
    assert fonts_and_text == [
        ("Sans-Bold", "Vote"),
        ("Sans-Regular", " "),
        ("Sans-Italic", "today"),
        ("Sans-Regular", " now"),
    ]
    x = 10.0
    for run in line.runs:
        assert run.x_pt == pytest.approx(x)
        x += METRICS[run.font].width_pt(run.text, 10)
    assert line.width_pt == pytest.approx(x - 10)


def test_a_bold_style_sets_every_run_bold_and_italic_runs_bold_italic():
    style = TextStyle("b", "Sans", 10, 12, BLACK, bold=True)
    fitted = fit_chain([para("a *b*", style)], [BoxPt(0, 0, 300, 100)], METRICS)
    assert [(run.font, run.text) for run in fitted.lines[0][0].runs] == [("Sans-Bold", "a "), ("Sans-BoldItalic", "b")]


def test_an_uppercase_style_sets_the_text_in_capitals():
    style = TextStyle("kicker", "Sans", 9.5, 11, BLACK, uppercase=True)
    fitted = fit_chain([para("re-elect **Siân** Hughes", style)], [BoxPt(0, 0, 300, 100)], METRICS)
    (line,) = fitted.lines[0]
    assert "".join(run.text for run in line.runs) == "RE-ELECT SIÂN HUGHES"
    assert line.width_pt == pytest.approx(
        REGULAR.width_pt("RE-ELECT ", 9.5) + BOLD.width_pt("SIÂN", 9.5) + REGULAR.width_pt(" HUGHES", 9.5)
    )


def test_an_empty_paragraph_takes_no_room():
    fitted = fit_chain([StyledParagraph(Paragraph("body", ()), BODY), para("x")], [BoxPt(0, 0, 100, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["x"]
    assert fitted.lines[0][0].baseline_pt == pytest.approx(100 - first_baseline(BODY))


# ---------------------------------------------------------------- alignment


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_alignment_places_each_line_in_the_box(align):
    style = TextStyle("s", "Sans", 10, 12, BLACK, align=align)
    box = BoxPt(50, 0, 90, 300)
    fitted = fit_chain([para(" ".join(LOREM[:12]), style)], [box], METRICS)
    lines = fitted.lines[0]
    assert len(lines) > 2
    for line in lines:
        expected = {"left": 50, "center": 50 + (90 - line.width_pt) / 2, "right": 140 - line.width_pt}[align]
        assert line.runs[0].x_pt == pytest.approx(expected)
        assert all(run.word_space_pt == 0 for run in line.runs)


def _line_end(line) -> float:
    run = line.runs[-1]
    return run.x_pt + METRICS[run.font].width_pt(run.text, run.size_pt) + run.word_space_pt * run.text.count(" ")


def test_justify_ends_every_line_but_the_last_at_the_right_edge():
    style = TextStyle("j", "Sans", 10, 12, BLACK, align="justify")
    box = BoxPt(15, 0, 85, 500)
    fitted = fit_chain([para(" ".join(LOREM), style)], [box], METRICS)
    lines = fitted.lines[0]
    assert len(lines) > 3
    for line in lines[:-1]:
        assert line.runs[0].x_pt == pytest.approx(15)
        assert line.runs[0].word_space_pt > 0
        assert _line_end(line) == pytest.approx(box.right, abs=0.01)
        assert line.width_pt == pytest.approx(85, abs=0.01)
    last = lines[-1]
    assert all(run.word_space_pt == 0 for run in last.runs)
    assert _line_end(last) == pytest.approx(15 + last.width_pt)
    assert _line_end(last) < box.right


def test_justify_across_faces_still_reaches_the_right_edge():
    style = TextStyle("j", "Sans", 10, 12, BLACK, align="justify")
    box = BoxPt(0, 0, 120, 500)
    text = "**Recruiting more officers:** you told me that after ten years you wanted *more* officers on our streets"
    fitted = fit_chain([para(text, style)], [box], METRICS)
    lines = fitted.lines[0]
    assert len(lines) > 2
    for line in lines[:-1]:
        for run, following in itertools.pairwise(line.runs):
            end = run.x_pt + METRICS[run.font].width_pt(run.text, 10) + run.word_space_pt * run.text.count(" ")
            assert following.x_pt == pytest.approx(end)
        assert _line_end(line) == pytest.approx(120, abs=0.01)


# ---------------------------------------------------------------- bullets


def test_a_bullet_gets_a_bullet_run_and_its_lines_a_hanging_indent():
    box = BoxPt(10, 0, 70, 300)
    fitted = fit_chain([para(" ".join(LOREM[:14]), kind="bullet")], [box], METRICS)
    lines = fitted.lines[0]
    indent = REGULAR.width_pt(BULLET, 10)
    assert len(lines) > 1
    bullet = lines[0].runs[0]
    assert (bullet.text, bullet.x_pt, bullet.font) == (BULLET, 10, "Sans-Regular")
    assert lines[0].runs[1].x_pt == pytest.approx(10 + indent)
    for line in lines[1:]:
        assert BULLET not in "".join(run.text for run in line.runs)
        assert line.runs[0].x_pt == pytest.approx(10 + indent)
        if " " in line_text(line):
            assert line.width_pt <= 70 - indent + 1e-6
    assert words_set(fitted) == LOREM[:14]


def test_a_bold_bullet_style_keeps_an_upright_bullet():
    style = TextStyle("b", "Sans", 10, 12, BLACK, bold=True, italic=True)
    fitted = fit_chain([para("one", style, "bullet")], [BoxPt(0, 0, 100, 100)], METRICS)
    assert fitted.lines[0][0].runs[0].font == "Sans-Bold"


# ---------------------------------------------------------------- chains


def test_text_flows_from_the_first_box_into_the_second():
    boxes = [BoxPt(0, 0, 80, 40), BoxPt(100, 300, 120, 200)]
    fitted = fit_chain([para(" ".join(LOREM))], boxes, METRICS)
    first, second = fitted.lines
    assert len(first) == 3  # 10.69 + 2 * 12 + 2.93 <= 40 < 10.69 + 3 * 12 + 2.93
    assert second
    assert second[0].baseline_pt == pytest.approx(500 - first_baseline(BODY))
    assert second[0].runs[0].x_pt == 100
    assert all(line.width_pt <= 120 + 1e-6 for line in second)
    assert words_set(fitted) == LOREM
    assert fitted.overflow_words == 0


def test_a_box_too_short_for_one_line_is_skipped():
    boxes = [BoxPt(0, 0, 100, one_line_height(BODY) - 0.1), BoxPt(0, 0, 100, 100)]
    fitted = fit_chain([para("alpha beta")], boxes, METRICS)
    assert fitted.lines[0] == ()
    assert [line_text(line) for line in fitted.lines[1]] == ["alpha beta"]


def test_paragraphs_keep_their_order_across_a_chain():
    paragraphs = [para(f"paragraph {n} " + " ".join(LOREM[:8])) for n in range(6)]
    boxes = [BoxPt(0, 0, 90, 60), BoxPt(0, 0, 70, 80), BoxPt(0, 0, 110, 400)]
    fitted = fit_chain(paragraphs, boxes, METRICS)
    expected = [word for n in range(6) for word in ["paragraph", str(n), *LOREM[:8]]]
    assert words_set(fitted) == expected
    assert all(fitted.lines)


def _heading_chain(body_lines_before: int, heading: TextStyle = HEADING):
    """Body lines, then a heading and a body paragraph, in two 100 pt wide boxes."""
    return [
        *[para(f"line{n}") for n in range(body_lines_before)],
        para("A heading", heading, "heading"),
        para("after the heading"),
    ]


def test_a_heading_with_room_for_the_next_line_stays_in_the_frame():
    height = first_baseline(BODY) + 12 + 14 + 12 + REGULAR.descent * 10 / 1000 + 0.1
    fitted = fit_chain(_heading_chain(1), [BoxPt(0, 0, 100, height), BoxPt(0, 0, 100, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["line0", "A heading", "after the heading"]


def test_a_heading_is_not_left_as_the_last_line_of_a_frame():
    # Room for the heading under line0, but not for the body line after it.
    height = first_baseline(BODY) + 14 + HEADING.size_pt * REGULAR.descent / 1000 + 1
    fitted = fit_chain(_heading_chain(1), [BoxPt(0, 0, 100, height), BoxPt(0, 0, 100, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["line0"]
    assert [line_text(line) for line in fitted.lines[1]] == ["A heading", "after the heading"]


def test_a_heading_with_space_after_is_not_left_as_the_last_line_of_a_frame():
    # The heading's own space_after_pt also stands between it and the next line.
    heading = TextStyle("section", "Sans", 10, 12, NAVY, bold=True, space_after_pt=6)
    fitted = fit_chain(_heading_chain(1, heading), [BoxPt(0, 0, 100, 40), BoxPt(0, 0, 100, 100)], METRICS)
    for frame in fitted.lines:
        if frame:
            assert line_text(frame[-1]) != "A heading"
    assert words_set(fitted) == ["line0", "A", "heading", "after", "the", "heading"]


def test_a_heading_is_never_split_across_frames():
    words = "Reducing violence in every town and village of the region"
    width = BOLD.width_pt("Reducing violence in every", 12) + 1
    heading = para(words, HEADING, "heading")
    lines_of_heading = len(fit_chain([heading], [BoxPt(0, 0, width, 500)], METRICS).lines[0])
    assert lines_of_heading >= 3
    # frame 1 has room for the body line and about two heading lines, not all of them
    height = first_baseline(BODY) + 14 * 2 + 3
    fitted = fit_chain(
        [para("line0"), heading, para("after")], [BoxPt(0, 0, width, height), BoxPt(0, 0, width, 500)], METRICS
    )
    assert [line_text(line) for line in fitted.lines[0]] == ["line0"]
    assert " ".join(line_text(line) for line in fitted.lines[1][:lines_of_heading]) == words
    assert fitted.overflow_words == 0


def test_a_heading_may_break_in_a_frame_of_its_own_when_it_fits_nowhere_whole():
    heading = para(" ".join(LOREM[:10]), HEADING, "heading")
    boxes = [BoxPt(0, 0, 60, 40), BoxPt(0, 0, 60, 40), BoxPt(0, 0, 60, 400)]
    fitted = fit_chain([heading, para("after")], boxes, METRICS)
    assert words_set(fitted) == [*LOREM[:10], "after"]


# ---------------------------------------------------------------- copy-fitting and overflow


SHRINKING = TextStyle("body", "Sans", 10, 12, BLACK, min_size_pt=7)


def test_text_that_fits_is_set_at_full_size():
    fitted = fit_chain([para(" ".join(LOREM), SHRINKING)], [BoxPt(0, 0, 100, 500)], METRICS)
    assert fitted.scale == 1.0
    assert {run.size_pt for line in fitted.lines[0] for run in line.runs} == {10}


def test_text_too_long_at_full_size_is_shrunk_but_not_below_the_minimum():
    box = BoxPt(0, 0, 100, 60)
    assert fit_chain([para(" ".join(LOREM), BODY)], [box], METRICS).overflow_words > 0
    fitted = fit_chain([para(" ".join(LOREM), SHRINKING)], [box], METRICS)
    assert fitted.overflow_words == 0
    assert 0.7 <= fitted.scale < 1
    assert words_set(fitted) == LOREM
    lines = fitted.lines[0]
    assert all(run.size_pt == pytest.approx(10 * fitted.scale) for line in lines for run in line.runs)
    assert lines[0].baseline_pt == pytest.approx(60 - first_baseline(BODY, fitted.scale))
    assert lines[0].baseline_pt - lines[1].baseline_pt == pytest.approx(12 * fitted.scale)
    # the largest scale that fits, to the search's one-per-cent step
    bigger = fit_chain(
        [
            para(
                " ".join(LOREM),
                TextStyle("body", "Sans", 10 * (fitted.scale + 0.011), 12 * (fitted.scale + 0.011), BLACK),
            )
        ],
        [box],
        METRICS,
    )
    assert bigger.overflow_words > 0


def test_the_scale_respects_the_least_shrinkable_style_of_the_chain():
    tight = TextStyle("heading", "Sans", 12, 14, NAVY, bold=True, min_size_pt=11)
    fitted = fit_chain(
        [para("Heading", tight, "heading"), para(" ".join(LOREM), SHRINKING)], [BoxPt(0, 0, 100, 80)], METRICS
    )
    assert fitted.scale >= 11 / 12
    assert fitted.scale < 1 or fitted.overflow_words == 0


def test_text_that_cannot_fit_even_at_the_minimum_reports_the_exact_words_left_over():
    style = TextStyle("body", "Sans", 10, 12, BLACK, min_size_pt=9)
    leftover = "gamma delta epsilon zeta eta theta iota kappa"
    box = BoxPt(0, 0, 1000, one_line_height(style) + 1)  # one line at any scale
    fitted = fit_chain([para("alpha beta", style), para(leftover, style)], [box], METRICS)
    assert fitted.scale == pytest.approx(0.9)
    assert [line_text(line) for line in fitted.lines[0]] == ["alpha beta"]
    assert fitted.overflow_words == 8
    assert fitted.overflow_start.split()[:2] == ["gamma", "delta"]
    assert leftover.startswith(fitted.overflow_start)


def test_overflow_counts_words_of_later_paragraphs_too():
    box = BoxPt(0, 0, 1000, one_line_height(BODY) + 1)
    fitted = fit_chain(
        [para("one"), para("two three"), para("four five six"), para("- seven", kind="bullet")], [box], METRICS
    )
    assert fitted.overflow_words == 7
    assert fitted.overflow_start == "two three"


def test_overflow_mid_paragraph_counts_the_words_of_the_lines_not_placed():
    width = REGULAR.width_pt("alpha beta", 10) + 1
    box = BoxPt(0, 0, width, one_line_height(BODY) + 1)
    fitted = fit_chain([para("alpha beta gamma delta epsilon")], [box], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["alpha beta"]
    assert (fitted.overflow_words, fitted.overflow_start) == (3, "gamma delta epsilon")


def test_overflow_counts_a_hyphenated_word_as_one_word():
    box = BoxPt(0, 0, 1000, one_line_height(BODY) - 1)  # nothing fits
    fitted = fit_chain([para("a kick-started campaign")], [box], METRICS)
    assert (fitted.overflow_words, fitted.overflow_start) == (3, "a kick-started campaign")


def test_overflow_counts_a_word_split_by_styles_as_one_word():
    box = BoxPt(0, 0, 1000, one_line_height(BODY) + 1)
    fitted = fit_chain([para("one"), para("Police**Commissioner** now")], [box], METRICS)
    assert (fitted.overflow_words, fitted.overflow_start) == (2, "PoliceCommissioner now")
    # ... and in a paragraph after the one that overflowed
    fitted = fit_chain([para("one"), para("two"), para("Police**Commissioner** now")], [box], METRICS)
    assert (fitted.overflow_words, fitted.overflow_start) == (3, "two")


def test_no_boxes_is_all_overflow():
    fitted = fit_chain([para("a b c")], [], METRICS)
    assert (fitted.lines, fitted.overflow_words, fitted.overflow_start) == ((), 3, "a b c")


# ---------------------------------------------------------------- properties

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzŵŷâÀÉ", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=60), st.floats(0, 200), st.integers(1, 3))
def test_every_word_appears_once_in_order_and_no_line_is_too_wide(words, extra_width, box_count):
    longest = max(REGULAR.width_pt(word, 10) for word in words)
    width = longest + extra_width
    height = first_baseline(BODY) + 12 * len(words) + 5
    boxes = [BoxPt(0, 0, width, height)] * box_count
    fitted = fit_chain([para(" ".join(words))], boxes, METRICS)
    assert fitted.overflow_words == 0
    assert words_set(fitted) == words
    for frame in fitted.lines:
        for line in frame:
            assert line.width_pt <= width + 1e-6


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=15), min_size=1, max_size=6),
    st.lists(st.tuples(st.floats(0, 150), st.floats(0, 120)), min_size=1, max_size=4),
)
def test_a_chain_places_a_prefix_of_the_words_and_counts_the_rest(paragraphs, sizes):
    words = [word for paragraph in paragraphs for word in paragraph]
    longest = max(REGULAR.width_pt(word, 10) for word in words)
    boxes = [BoxPt(0, 0, longest + extra, height) for extra, height in sizes]
    fitted = fit_chain([para(" ".join(paragraph)) for paragraph in paragraphs], boxes, METRICS)
    placed = words_set(fitted)
    assert placed == words[: len(placed)]
    assert fitted.overflow_words == len(words) - len(placed)
    if fitted.overflow_words:
        assert " ".join(words[len(placed) :]).startswith(fitted.overflow_start)
    for frame, box in zip(fitted.lines, boxes, strict=True):
        for line in frame:
            assert line.width_pt <= box.width + 1e-6
            assert box.y <= line.baseline_pt <= box.top


def test_a_remembering_measurer_sets_a_repeated_paragraph_the_same_without_measuring_again():
    measure = remembering_measurer(METRICS, ())
    box = [BoxPt(0, 0, 150, 200)]
    plain = fit_chain([para(" ".join(LOREM[:30])), para("Sign up, **Siân**")], box, METRICS)
    for _ in range(3):  # as for three wards: equal paragraphs, new objects each time
        assert fit_chain([para(" ".join(LOREM[:30])), para("Sign up, **Siân**")], box, METRICS, (), measure) == plain
    assert measure.cache_info().misses == 2 and measure.cache_info().hits == 4


# ---------------------------------------------------------------- total-fit, hyphens, orphans and widows

ENGLISH = hyphenator_for("en")
STORY_WORDS = [
    "recruitment",
    "organised",
    "neighbourhood",
    "commitment",
    "departing",
    "retiring",
    "crucially",
    "detectives",
    "violence",
    "reduction",
    "dedicated",
    "techniques",
    "alternative",
    "behaviour",
    "taskforce",
    "providers",
    "conviction",
    "supported",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "we",
    "it",
    "is",
    "on",
    "as",
    "for",
]


def hyphenated_para(text: str, style: TextStyle = BODY, kind: str = "body") -> StyledParagraph:
    return StyledParagraph(Paragraph(kind, parse_inline(text), "en"), style, ENGLISH)


def reading(fitted) -> list[str]:
    """The words as a reader reads them: a line ending in a hyphen joined to the next."""
    text = ""
    for frame in fitted.lines:
        for line in frame:
            words = line_text(line)
            text += words[:-1] if words.endswith("-") else words + " "
    return text.split()


def test_a_flow_hyphenates_where_the_patterns_allow():
    words = "recruitment campaign neighbourhood commitment " * 6
    fitted = fit_chain([hyphenated_para(words)], [BoxPt(0, 0, 95, 800)], METRICS, total_fit=True)
    ends = [line_text(line) for line in fitted.lines[0]]
    broken = [text.split()[-1] for text in ends if text.endswith("-")]
    assert broken, ends
    for part in broken:
        whole = next(word for word in words.split() if word.startswith(part[:-1]))
        assert len(part) - 1 in ENGLISH.points(whole)  # type: ignore[union-attr]
    assert reading(fitted) == words.split()


def test_a_language_without_patterns_is_never_hyphenated():
    words = "recruitment campaign neighbourhood commitment " * 6
    paragraph = StyledParagraph(Paragraph("body", parse_inline(words), "gd"), BODY, hyphenator_for("gd"))
    fitted = fit_chain([paragraph], [BoxPt(0, 0, 95, 800)], METRICS, total_fit=True)
    assert not any(line_text(line).endswith("-") for line in fitted.lines[0])


def test_a_soft_hyphen_is_a_break_drawn_only_where_the_line_breaks():
    word = "co\u00adoperation"
    narrow = fit_chain([para(f"a {word}")], [BoxPt(0, 0, REGULAR.width_pt("a co-", 10) + 1, 100)], METRICS)
    assert [line_text(line) for line in narrow.lines[0]] == ["a co-", "operation"]
    wide = fit_chain([para(f"a {word}")], [BoxPt(0, 0, 300, 100)], METRICS)
    assert [line_text(line) for line in wide.lines[0]] == ["a cooperation"]
    assert wide.lines[0][0].width_pt == pytest.approx(REGULAR.width_pt("a cooperation", 10))


def test_a_number_range_or_a_date_is_never_broken():
    width = REGULAR.width_pt("pages 10–", 10) + 1
    fitted = fit_chain([para("pages 10–12 on 2021-05-06")], [BoxPt(0, 0, width, 100)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]] == ["pages", "10–12 on", "2021-05-06"]


def _lines_per_frame(fitted) -> list[list[str]]:
    return [[line_text(line) for line in frame] for frame in fitted.lines]


def test_a_paragraph_never_leaves_its_first_line_alone_at_the_foot_of_a_frame():
    # Room for one line under the first paragraph: greedy filling would leave an orphan there.
    height = first_baseline(BODY) + 12 * 2 + REGULAR.descent * 10 / 1000 + 0.5
    first = para("one short paragraph.")
    second = para(" ".join(LOREM))
    fitted = fit_chain([first, para("two"), second], [BoxPt(0, 0, 120, height), BoxPt(0, 0, 120, 300)], METRICS)
    assert _lines_per_frame(fitted)[0] == ["one short paragraph.", "two"]
    assert words_set(fitted) == ["one", "short", "paragraph.", "two", *LOREM]


def test_a_paragraph_never_leaves_its_last_line_alone_at_the_head_of_the_next_frame():
    lines_of_lorem = len(fit_chain([para(" ".join(LOREM))], [BoxPt(0, 0, 80, 500)], METRICS).lines[0])
    assert lines_of_lorem >= 5
    # Room for all but the last line: that line would be a widow, so two lines move on.
    height = first_baseline(BODY) + 12 * (lines_of_lorem - 2) + REGULAR.descent * 10 / 1000 + 0.5
    fitted = fit_chain([para(" ".join(LOREM))], [BoxPt(0, 0, 80, height), BoxPt(0, 0, 80, 300)], METRICS)
    first, second = _lines_per_frame(fitted)
    assert (len(first), len(second)) == (lines_of_lorem - 2, 2)
    assert words_set(fitted) == LOREM


def test_a_paragraph_of_three_lines_is_never_split():
    three = next(
        text
        for count in range(len(LOREM))
        if len(fit_chain([para(text := " ".join(LOREM[:count]))], [BoxPt(0, 0, 80, 500)], METRICS).lines[0]) == 3
    )
    height = first_baseline(BODY) + 12 * 2 + REGULAR.descent * 10 / 1000 + 0.5  # room for three lines
    fitted = fit_chain([para("x"), para(three)], [BoxPt(0, 0, 80, height), BoxPt(0, 0, 80, 300)], METRICS)
    assert _lines_per_frame(fitted)[0] == ["x"]
    assert len(fitted.lines[1]) == 3


def test_the_chains_last_frame_takes_what_fits_and_the_rest_is_an_overflow():
    height = first_baseline(BODY) + REGULAR.descent * 10 / 1000 + 0.5  # one line
    fitted = fit_chain([para(" ".join(LOREM))], [BoxPt(0, 0, 80, height)], METRICS)
    assert len(fitted.lines[0]) == 1
    assert fitted.overflow_words == len(LOREM) - len(line_text(fitted.lines[0][0]).split())


def test_a_heading_keeps_two_lines_of_the_paragraph_after_it():
    # Room under the heading for one line of the next paragraph, not two: the heading moves on.
    height = first_baseline(BODY) + 14 + 12 + REGULAR.descent * 10 / 1000 + 0.5
    chain = [para("line0"), para("A heading", HEADING, "heading"), para(" ".join(LOREM))]
    fitted = fit_chain(chain, [BoxPt(0, 0, 80, height), BoxPt(0, 0, 80, 300)], METRICS)
    assert _lines_per_frame(fitted)[0] == ["line0"]
    assert _lines_per_frame(fitted)[1][0] == "A heading"


def test_an_overflow_inside_a_hyphenated_word_leaves_the_whole_word_over():
    height = first_baseline(BODY) + REGULAR.descent * 10 / 1000 + 0.5
    text = "the recruitment campaign"
    width = REGULAR.width_pt("the recruit-", 10) + 0.5
    fitted = fit_chain([hyphenated_para(text)], [BoxPt(0, 0, width, height)], METRICS, total_fit=True)
    assert [line_text(line) for line in fitted.lines[0]] == ["the recruit-"]
    assert (fitted.overflow_words, fitted.overflow_start) == (2, "recruitment campaign")


def test_a_name_stays_on_one_line_unless_it_is_wider_than_the_line():
    text = "your organiser is Ayşe Yılmaz today"
    width = REGULAR.width_pt("your organiser is Ayşe", 10) + 1
    plain = fit_chain([para(text)], [BoxPt(0, 0, width, 200)], METRICS)
    assert line_text(plain.lines[0][0]).endswith("Ayşe")
    tied = StyledParagraph(Paragraph("body", parse_inline(text)), BODY, None, ("Ayşe Yılmaz",))
    fitted = fit_chain([tied], [BoxPt(0, 0, width, 200)], METRICS)
    assert [line_text(line) for line in fitted.lines[0]][:2] == ["your organiser is", "Ayşe Yılmaz today"]
    narrow = fit_chain([tied], [BoxPt(0, 0, REGULAR.width_pt("Yılmaz", 10) + 1, 200)], METRICS)
    assert words_set(narrow) == text.split()  # wider than the line: it breaks after all
    total = fit_chain([tied], [BoxPt(0, 0, width, 200)], METRICS, total_fit=True)
    assert any(line_text(line).startswith("Ayşe Yılmaz") for line in total.lines[0])


def test_a_justified_paragraph_breaks_total_fit_in_any_frame():
    style = TextStyle("j", "Sans", 10, 12, BLACK, align="justify")
    text = " ".join(LOREM * 2)
    fitted = fit_chain([hyphenated_para(text, style)], [BoxPt(0, 0, 150, 500)], METRICS)  # total_fit off
    space = REGULAR.width_pt(" ", 10)
    for line in fitted.lines[0][:-1]:
        assert line.width_pt == pytest.approx(150, abs=0.01)
        assert space + line.runs[0].word_space_pt <= space * 2.05  # within the second pass's tolerance
        assert line.runs[0].word_space_pt >= -space / 3 - 1e-9  # shrinks by a third at most


SOME_WORDS = st.lists(st.sampled_from(STORY_WORDS), min_size=1, max_size=50)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(SOME_WORDS, min_size=1, max_size=5),
    st.lists(st.tuples(st.floats(0, 120), st.floats(20, 200)), min_size=1, max_size=4),
    st.sampled_from(["left", "justify"]),
)
def test_total_fit_never_sets_a_line_wider_than_its_frame_nor_loses_or_reorders_a_word(paragraphs, sizes, align):
    style = TextStyle("s", "Sans", 10, 12, BLACK, align=align)
    hyphen = REGULAR.width_pt("-", 10)
    longest = max(REGULAR.width_pt(word, 10) for paragraph in paragraphs for word in paragraph) + hyphen
    boxes = [BoxPt(0, 0, longest + extra, height) for extra, height in sizes]
    fitted = fit_chain(
        [hyphenated_para(" ".join(paragraph), style) for paragraph in paragraphs], boxes, METRICS, total_fit=True
    )
    words = [word for paragraph in paragraphs for word in paragraph]
    placed = reading(fitted)
    last_lines = [frame[-1] for frame in fitted.lines if frame]
    if fitted.overflow_words and last_lines and line_text(last_lines[-1]).endswith("-"):
        placed = placed[:-1]  # a word broken where the chain ends is left over whole
    assert placed == words[: len(placed)]
    assert fitted.overflow_words == len(words) - len(placed)
    if fitted.overflow_words:
        assert " ".join(words[len(placed) :]).startswith(fitted.overflow_start)
    for frame, box in zip(fitted.lines, boxes, strict=True):
        for line in frame:
            assert line.width_pt <= box.width + 1e-6
            assert box.y <= line.baseline_pt <= box.top


# ---------------------------------------------------------------- widths broken on = widths drawn

# Ligatures a hyphenation point cuts (of-ficers, ef-ficient, af-fluent) and kerning pairs (To, AV).
LIGATURED = (
    "To AVOID waste our officers work efficiently: efficient officers, affluent offices and sufficiently "
    "effective recruitment in the neighbourhood. Tory cuts afflicted difficult officers. "
) * 3


def _breaker_widths(items, breaks, corrections) -> list[float]:
    """Each line's natural width as the breaker counted it (at 1 pt): its boxes and glue after
    the discardable items at its start, the hyphen of the penalty it ends at, what the penalty it
    starts after adds to it, and the correction for a line inside one word."""
    widths, after = [], -1
    for end in breaks:
        start = after + 1
        while start < end and not isinstance(items[start], linebreak.Box):
            start += 1
        width = sum(item.width for item in items[start:end] if not isinstance(item, linebreak.Penalty))
        if isinstance(items[end], linebreak.Penalty):
            width += items[end].width
        if after >= 0 and isinstance(items[after], linebreak.Penalty):
            width += items[after].next_width
        widths.append(width + corrections.get((after, end), 0.0))
        after = end
    return widths


def _shaped_words(line) -> list:
    """The line's text as HarfBuzz shapes it word by word: each word (a broken one with its
    hyphen, the rest of one on its own) and each space shaped alone."""
    text = line_text(line)
    return [REGULAR.shape(token) for token in text.replace(" ", "\0 \0").split("\0") if token]


@pytest.mark.parametrize("align", ["left", "justify"])
@pytest.mark.parametrize("width_pt", [70, 95, 130])
def test_lines_break_on_the_widths_harfbuzz_draws(monkeypatch, align, width_pt):
    style = TextStyle("s", "Sans", 10, 12, BLACK, align=align)
    seen: list[tuple[list, list[int], dict]] = []
    breaks_lines = linebreak.total_fit

    def spy(items, widths, rules, frame_ends=(), corrections=None):
        breaks = breaks_lines(items, widths, rules, frame_ends, corrections)
        seen.append((items, breaks, corrections or {}))
        return breaks

    monkeypatch.setattr(linebreak, "total_fit", spy)
    box = BoxPt(0, 0, width_pt, 800)
    fitted = fit_chain([hyphenated_para(LIGATURED, style)], [box], METRICS, total_fit=True)
    assert reading(fitted) == LIGATURED.split()
    (lines,) = fitted.lines
    items, breaks, corrections = seen[-1]
    counted = _breaker_widths(items, breaks, corrections)
    assert len(counted) == len(lines)
    assert sum(line_text(line).endswith("-") for line in lines) >= 2
    for line, measured in zip(lines, counted, strict=True):
        drawn = sum(run.width_pt for run in line.runs)  # the advances the writer moves the pen by
        assert line.width_pt == pytest.approx(drawn, abs=1e-9)
        for run, following in itertools.pairwise(line.runs):
            assert run.x_pt + run.width_pt == pytest.approx(following.x_pt)
        word_space = line.runs[0].word_space_pt
        natural = drawn - word_space * line_text(line).count(" ")
        assert natural == pytest.approx(measured * 10, abs=1e-9), line_text(line)
        shaped = _shaped_words(line)
        assert natural == pytest.approx(sum(word.width for word in shaped) * 10, abs=1e-9), line_text(line)
        (run,) = line.runs
        assert run.glyphs == sum((word.glyphs for word in shaped), ())
        assert line.width_pt <= width_pt + 1e-6
        if align == "justify" and line is not lines[-1]:
            assert line.width_pt == pytest.approx(width_pt)


# ---------------------------------------------------------------- shaped text, other scripts


def _scripts():
    faces = dict(METRICS)
    for script in ("Arabic", "Bengali"):
        for variant, bold in (("Regular", False), ("Bold", True)):
            path = ROOT / "fonts" / "NotoSansScripts" / f"NotoSans{script}-{variant}.ttf"
            face = FontFace(script, bold, False, path)
            faces[face.key] = load_metrics(face)
    return faces


SCRIPTS = _scripts()
ARABIC = SCRIPTS["Arabic-Regular"]


def test_a_line_is_set_in_the_glyphs_harfbuzz_gives_each_word():
    (line,) = fit_chain([para("Office staff")], [BoxPt(0, 0, 300, 50)], METRICS).lines[0]
    (run,) = line.runs
    expected = [REGULAR.shape("Office"), REGULAR.shape(" "), REGULAR.shape("staff")]
    assert run.glyphs == sum((shaped.glyphs for shaped in expected), ())
    assert run.advances == sum((shaped.advances for shaped in expected), ())
    assert len(REGULAR.shape("Office").glyphs) == 4  # the ffi ligature
    assert line.width_pt == pytest.approx(run.width_pt)


def test_an_arabic_name_in_an_english_line_reads_right_to_left():
    text = "organiser is محمد علي today"
    (line,) = fit_chain([para(text)], [BoxPt(0, 0, 300, 50)], SCRIPTS, ("Arabic",)).lines[0]
    assert [run.text for run in line.runs] == ["organiser is ", "محمد علي", " today"]
    name = line.runs[1]
    assert (name.font, name.right_to_left) == ("Arabic-Regular", True)
    # left to right as drawn: the second word first
    pieces = [ARABIC.shape("علي", rtl=True), ARABIC.shape(" ", rtl=True), ARABIC.shape("محمد", rtl=True)]
    assert name.glyphs == sum((shaped.glyphs for shaped in pieces), ())
    assert line.runs[0].x_pt + line.runs[0].width_pt == pytest.approx(name.x_pt)
    assert name.x_pt + name.width_pt == pytest.approx(line.runs[2].x_pt)


def test_lines_break_in_reading_order_then_turn_round():
    text = "organiser is محمد علي today"
    width = REGULAR.width_pt("organiser is ", 10) + ARABIC.width_pt("محمد", 10) + 1
    first, second = fit_chain([para(text)], [BoxPt(0, 0, width, 50)], SCRIPTS, ("Arabic",)).lines[0]
    assert [run.text for run in first.runs] == ["organiser is ", "محمد"]
    assert [run.text for run in second.runs] == ["علي", " today"]


def test_only_the_paragraphs_own_latin_words_are_hyphenated_among_other_scripts():
    text = "our neighbourhood organiser محمد علي and রহিম support recruitment commitment " * 4
    paragraph = hyphenated_para(text)
    for width in (60, 80, 110):
        fitted = fit_chain([paragraph], [BoxPt(0, 0, width, 800)], SCRIPTS, ("Arabic", "Bengali"), total_fit=True)
        assert reading(fitted) == text.split()
        runs = [run for line in fitted.lines[0] for run in line.runs]
        assert any(line_text(line).endswith("-") for line in fitted.lines[0])
        for line in fitted.lines[0]:
            if line_text(line).endswith("-"):
                assert line.runs[-1].font == "Sans-Regular"
        assert {run.right_to_left for run in runs if run.font == "Arabic-Regular"} == {True}
        assert {run.text for run in runs if run.font == "Bengali-Regular"} == {"রহিম"}


def test_bengali_vowel_signs_come_before_their_consonant():
    (line,) = fit_chain([para("রহিম")], [BoxPt(0, 0, 300, 50)], SCRIPTS, ("Bengali",)).lines[0]
    (run,) = line.runs
    assert (run.font, run.right_to_left, run.text) == ("Bengali-Regular", False, "রহিম")
    font = SCRIPTS["Bengali-Regular"].shaper
    sign, consonant = font.get_nominal_glyph(0x09BF), font.get_nominal_glyph(0x09B9)  # ি, হ
    assert run.glyphs.index(sign) < run.glyphs.index(consonant)


# ---------------------------------------------------------------- measuring words

SIMPLE_TEXT = st.text(st.sampled_from("ab Ŵ-/–1"), max_size=40)


@given(st.lists(st.tuples(SIMPLE_TEXT, st.booleans()), min_size=1, max_size=4), st.booleans())
def test_runs_of_plain_words_are_split_as_the_general_break_finder_splits_them(runs, tied):
    """The quick split of runs of words and single spaces (``words._split_simple``) makes the
    same words, spaces, ties and positions as the general path through ``_BREAKS``."""
    from leaflet.ward import words as words_module

    text = "".join(f"**{run}**" if bold and run.strip() else run for run, bold in runs)
    paragraph = StyledParagraph(Paragraph("body", parse_inline(text or "a")), BODY, unbroken=("a b",) if tied else ())

    def described(measured):
        return [
            (w.space, w.tie, w.space_font, w.width, [(p.font, p.text, p.start) for p in w.pieces]) for w in measured
        ]

    quick = described(words_module.measure_words(paragraph, METRICS))
    general = words_module._NOT_SIMPLE
    words_module._NOT_SIMPLE = re.compile("")  # matches every text: the general path only
    try:
        assert described(words_module.measure_words(paragraph, METRICS)) == quick
    finally:
        words_module._NOT_SIMPLE = general
