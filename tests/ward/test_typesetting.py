"""The example's story as set, in English and in Welsh: hyphens where the language's patterns
allow them, no orphans or widows, no body line under 80% full but a paragraph's last, every word
on the page in order (read back with pypdf)."""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass

import pypdf
import pytest
from leaflet.model import FlowFrame, TextLine
from leaflet.runs.prepare import load, prepare_run
from leaflet.ward.hyphenate import hyphenator_for
from leaflet.ward.variant import ward_language

from tests.conftest import DEMO


@dataclass
class SetLine:
    frame: str
    text: str
    fill: float  # of its frame's width
    heading: bool = False
    starts_paragraph: bool = False
    ends_paragraph: bool = False
    hyphen: tuple[str, int] | None = None  # (word, offset) where a hyphen breaks a word


@pytest.fixture(scope="module")
def example():
    campaigns, wards = load(DEMO)
    run = prepare_run(campaigns, wards)
    english = next(ward for ward in wards if not ward.fields["language"])
    welsh = next(ward for ward in wards if ward.fields["language"] == "cy")
    return run, {"en": english, "cy": welsh}, wards


def story_lines(run, ward) -> list[SetLine]:
    """The story's lines as laid out, each matched to the paragraph and word it ends on."""
    leaflet = run.lay_out(ward)
    layout = run.campaign.layout
    names = [f.name for page in layout.pages for f in page.frames if isinstance(f, FlowFrame)]
    frames = {frame.name: frame for page in leaflet.pages for frame in page.frames}
    lines = [
        SetLine(name, "".join(run.text for run in item.runs), item.width_pt / frames[name].box.width)
        for name in names
        for item in frames[name].items
        if isinstance(item, TextLine)
    ]
    story = run.campaigns[ward_language(ward, run.campaign)].slots["body"]
    paragraphs = ["".join(r.text for r in p.runs).split() for p in story]
    paragraph, word, carry = 0, 0, ""
    for line in lines:
        line.starts_paragraph = word == 0 and not carry
        line.heading = story[paragraph].kind == "heading"
        tokens = line.text.split()
        for index, token in enumerate(tokens):
            token = carry + token
            carry = ""
            expected = paragraphs[paragraph][word]
            if token.casefold() == expected.casefold():
                word += 1
            elif index == len(tokens) - 1 and token.endswith("-") and expected.startswith(token):
                carry = token  # broken after a hyphen of its own: kick-/started, ail-/fuddsoddi
            elif index == len(tokens) - 1 and token.endswith("-"):
                carry = token[:-1]
                assert expected.casefold().startswith(carry.casefold()), (line.text, expected)
                line.hyphen = (expected, len(carry))
            else:
                raise AssertionError(f"{token!r} where {expected!r} was expected ({line.text!r})")
            if word == len(paragraphs[paragraph]):
                paragraph, word = paragraph + 1, 0
        line.ends_paragraph = word == 0 and not carry
    assert paragraph == len(paragraphs), "every word of the story is set, in order"
    return lines


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_story_has_hyphens_exactly_where_its_languages_patterns_allow_them(example, language):
    run, wards, _ = example
    patterns = hyphenator_for(language)
    assert patterns is not None
    lines = story_lines(run, wards[language])
    hyphens = [line.hyphen for line in lines if line.hyphen]
    assert len(hyphens) >= 3
    for word, offset in hyphens:
        assert offset in patterns.points(word), (word, offset)
    runs = [line.hyphen is not None or line.text.endswith("-") for line in lines]
    assert not any(all(runs[i : i + 3]) for i in range(len(runs) - 2)), "at most two hyphenated lines in a row"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_story_has_no_body_line_under_80_percent_full_but_a_paragraphs_last(example, language):
    run, wards, _ = example
    for line in story_lines(run, wards[language]):
        assert line.fill <= 1.0 + 1e-6
        if not line.ends_paragraph and not (line.heading and language == "cy"):
            assert line.fill >= 0.8, line.text  # (the Welsh headings' words are too long to fill a line)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_story_has_no_orphans_or_widows(example, language):
    run, wards, _ = example
    lines = story_lines(run, wards[language])
    for before, after in itertools.pairwise(lines):
        if before.frame != after.frame:
            assert not (before.starts_paragraph and not before.ends_paragraph), f"orphan: {before.text!r}"
            assert not (after.ends_paragraph and not after.starts_paragraph), f"widow: {after.text!r}"


def test_every_ward_of_a_language_shares_the_story_as_set_once(example):
    run, _, wards = example
    english = [ward for ward in wards if not ward.fields["language"]]
    first, *others = [run.lay_out(ward) for ward in english[:3]]
    story = [frame for page in first.pages for frame in page.frames if "story" in frame.name]
    for leaflet in others:
        assert [f for page in leaflet.pages for f in page.frames if "story" in f.name] == story


def test_the_print_file_has_the_storys_words_and_hyphens_on_the_page(example, demo_report):
    run, _, _ = example
    english = next(r for r in demo_report.written if not r.ward.fields["language"])
    for result in (demo_report.written[0], english):
        reader = pypdf.PdfReader(result.path)
        on_the_page = {line.strip() for page in reader.pages for line in page.extract_text().splitlines()}
        lines = story_lines(run, result.ward)
        for line in lines:
            assert line.text in on_the_page, line.text
        assert any(line.hyphen and line.text.endswith("-") for line in lines)


GAELIC_STORY = (
    "## Ar prìomhachasan\n\n"
    + " ".join(["Tha sinn ag obair air na prìomhachasan agaibh le fiosrachadh ùr agus coimhearsnachdan."] * 22)
    + "\n"
)


def _with_story(campaign_copy, language: str, story: str):
    (campaign_copy / f"story.{language}.md").write_text(story, encoding="utf-8")
    path = campaign_copy / f"campaign.{language}.yaml"
    words = path.read_text(encoding="utf-8") if path.exists() else "slots:\n"
    path.write_text(words.replace("slots:\n", f"slots:\n  body: {{file: story.{language}.md}}\n"), encoding="utf-8")
    if language == "gd":  # the Scottish wards read Gaelic
        with open(campaign_copy / "wards.csv", encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        for row in rows:
            row["language"] = "gd" if row["code"].startswith("S13") else row["language"]
        with open(campaign_copy / "wards.csv", "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    campaigns, wards = load(campaign_copy)
    return prepare_run(campaigns, wards), wards


def _flow_lines(run, ward) -> list[str]:
    leaflet = run.lay_out(ward)
    return [
        "".join(r.text for r in item.runs)
        for page in leaflet.pages
        for frame in page.frames
        if "story" in frame.name
        for item in frame.items
        if isinstance(item, TextLine)
    ]


def test_a_gaelic_story_is_never_hyphenated(campaign_copy):
    (campaign_copy / "campaign.gd.yaml").write_text("slots:\n", encoding="utf-8")
    run, wards = _with_story(campaign_copy, "gd", GAELIC_STORY)
    lines = _flow_lines(run, next(w for w in wards if w.fields["language"] == "gd"))
    assert len(lines) > 30
    assert not any(line.endswith("-") for line in lines)
