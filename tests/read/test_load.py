"""leaflet.read: layout YAML, campaign YAML + Markdown, wards CSV -> specs, or one InputError.

Every user error has a fixture in tests/inputs/bad/: YAML files say what they must produce on their
first line (``# expect: <place>: <message>``, and ``# file: <path>`` when the error names another
file); CSV files cannot hold comments, so their expectations are in WARDS_EXPECTED below.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from leaflet.errors import InputError
from leaflet.model import (
    BoxMm,
    FlowFrame,
    ImprintFrame,
    Paragraph,
    QrFrame,
    Run,
    TextFrame,
)
from leaflet.read.campaigns import find_campaign_file, load_campaign
from leaflet.read.layouts import load_layout
from leaflet.read.wards import load_wards
from leaflet.ward.variant import ward_fields_used

from tests.conftest import FUZZ, INPUTS, ROOT, refused, write_file

EXAMPLE = ROOT / "content" / "pcc-2021"
LAYOUT = ROOT / "layouts" / "a5-two-sided.yaml"
BAD = INPUTS / "bad"


# ---------------------------------------------------------------- the shipped example


@pytest.fixture(scope="module")
def example_layout():
    return load_layout(LAYOUT)


@pytest.fixture(scope="module")
def example_campaign():
    return load_campaign(EXAMPLE)


def test_example_layout_page_geometry(example_layout):
    layout = example_layout
    assert (layout.name, layout.path) == ("a5-two-sided", LAYOUT)
    assert (layout.trim_width_mm, layout.trim_height_mm, layout.bleed_mm, layout.safe_mm) == (148, 210, 3, 5)
    assert [page.name for page in layout.pages] == ["front", "back"]


def test_example_layout_fonts_resolve_from_the_layouts_folder(example_layout):
    fonts = example_layout.fonts
    assert sorted(key for key in fonts if key.startswith("Sans-")) == [
        "Sans-Bold",
        "Sans-BoldItalic",
        "Sans-Italic",
        "Sans-Regular",
    ]
    scripts = ["Arabic", "Hebrew", "Bengali", "Devanagari", "Gurmukhi", "Gujarati", "Tamil"]
    assert example_layout.fallback_fonts == tuple(scripts)
    assert sorted(fonts) == sorted(
        [f"Sans-{v}" for v in ("Regular", "Bold", "Italic", "BoldItalic")]
        + [f"{script}-{weight}" for script in scripts for weight in ("Regular", "Bold")]
    )
    assert fonts["Arabic-Bold"].path == ROOT / "fonts" / "NotoSansScripts" / "NotoSansArabic-Bold.ttf"
    assert fonts["Sans-BoldItalic"].path == ROOT / "fonts" / "NotoSans" / "NotoSans-BoldItalic.ttf"
    assert (fonts["Sans-BoldItalic"].bold, fonts["Sans-BoldItalic"].italic) == (True, True)


def test_example_layout_styles_and_swatches(example_layout):
    styles = example_layout.styles
    headline = styles["headline"]
    assert (headline.size_pt, headline.leading_pt, headline.min_size_pt, headline.bold, headline.uppercase) == (
        31,
        32,
        22,
        True,
        True,
    )
    assert (headline.colour.c, headline.colour.m, headline.colour.y, headline.colour.k) == (0, 0, 0, 0)
    navy = styles["banner"].colour
    assert (navy.c, navy.m, navy.y, navy.k) == pytest.approx((1.0, 0.78, 0.0, 0.38))
    assert styles["banner"].align == "center"
    assert styles["section"].space_before_pt == 4 and styles["section"].space_after_pt == 1.5
    assert styles["credit"].min_size_pt is None and styles["credit"].smallest_size_pt == 6


def test_example_layout_story_flows_through_four_frames_in_page_order(example_layout):
    flow = example_layout.flows["story"]
    assert (flow.slot, flow.body_style, flow.heading_style, flow.bullet_style) == ("body", "body", "section", "body")
    chain = [frame for page in example_layout.pages for frame in page.frames if isinstance(frame, FlowFrame)]
    assert [frame.name for frame in chain] == ["front-story-1", "front-story-2", "back-story-1", "back-story-2"]
    assert {frame.flow for frame in chain} == {"story"}
    assert chain[0].box == BoxMm(10, 142, 61, 63)


def test_example_layout_frames_keep_their_options(example_layout):
    frames = {frame.name: frame for page in example_layout.pages for frame in page.frames}
    assert len(frames) == 18
    headline = frames["headline"]
    assert isinstance(headline, TextFrame) and (headline.slot, headline.style, headline.valign) == (
        "headline",
        "headline",
        "bottom",
    )
    assert frames["local-focus"].padding_mm == 2.5
    assert frames["hero-photo"].focal == (0.5, 0.55) and frames["hero-photo"].fit == "cover"
    qr = frames["signup-qr"]
    assert isinstance(qr, QrFrame) and (qr.caption_slot, qr.caption_style, qr.caption_gap_mm) == (
        "qr_caption",
        "qr_caption",
        1.5,
    )
    assert isinstance(frames["imprint"], ImprintFrame)


def test_example_campaign(example_campaign):
    campaign = example_campaign
    assert (campaign.name, campaign.path) == ("pcc-2021", EXAMPLE / "campaign.yaml")
    assert campaign.title == "Turning your priorities into action"
    assert campaign.layout.path == LAYOUT
    assert campaign.wards_path == EXAMPLE / "wards.csv"
    assert campaign.signup_url == "https://www.example.org/pcc-2021/sign-up?ward={ward.code}"
    assert campaign.images == {"hero": ROOT / "images" / "hillside.jpg", "second": ROOT / "images" / "meadow.jpg"}
    assert campaign.imprint.text == (  # as typed: the layout punctuates it (the bill names the printer)
        "Printed by Riverside Print Ltd, 12 Mill Lane, Anytown AT1 4PQ. "
        "Promoted by Sam Taylor, 5 High Street, Anytown AT1 2AB "
        "on behalf of Alex Morgan, 5 High Street, Anytown AT1 2AB."
    )


def test_example_campaign_slots_are_parsed(example_campaign):
    slots = example_campaign.slots
    assert set(slots) == {
        "kicker",
        "headline",
        "hero_credit",
        "banner",
        "local_focus",
        "body",
        "signup_heading",
        "signup_text",
        "qr_caption",
    }
    assert slots["banner"] == (
        Paragraph("body", (Run("{ward.name} · your local organiser is {ward.organiser}"),), "en"),
    )
    assert slots["body"][0] == Paragraph("heading", (Run("My record"),), "en")
    assert slots["local_focus"][0].runs[0].bold
    assert [p.runs[0].italic for p in slots["signup_text"]] == [False, True]


def test_a_campaign_folder_or_its_campaign_file_both_load():
    assert find_campaign_file(EXAMPLE) == find_campaign_file(EXAMPLE / "campaign.yaml") == EXAMPLE / "campaign.yaml"


# ---------------------------------------------------------------- wards CSV details


# ---------------------------------------------------------------- one fixture per user error


def _yaml_expectations(path: Path) -> tuple[str, Path]:
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    assert lines[0].startswith("# expect: "), f"{path.name} must start with '# expect: <place>: <message>'"
    expect = lines[0][len("# expect: ") :]
    named = path
    if len(lines) > 1 and lines[1].startswith("# file: "):
        named = path.parent / lines[1][len("# file: ") :]
    return expect, named.resolve()


def _load_yaml_fixture(path: Path) -> None:
    if path.name.startswith("campaign-"):
        campaign = load_campaign(path)
        load_wards(campaign.wards_path, ward_fields_used(campaign))
    else:
        load_layout(path)


YAML_FIXTURES = sorted(BAD.glob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FIXTURES, ids=lambda path: path.stem)
def test_bad_yaml_input_gives_its_message(path):
    expect, named = _yaml_expectations(path)
    with pytest.raises(InputError) as caught:
        _load_yaml_fixture(path)
    error = caught.value
    assert error.path is not None and error.path.resolve() == named
    # the file, then the place (key path or line), then the message, as one line
    assert f"{error.path}: {expect}" in str(error)
    assert "\n" not in str(error)


def test_a_missing_layout_file_is_named():
    with pytest.raises(InputError, match=r"nosuch\.yaml: file not found$"):
        load_layout(BAD / "nosuch.yaml")


def test_a_folder_without_campaign_yaml_isrefused():
    with pytest.raises(InputError) as caught:
        load_campaign(BAD)
    assert str(caught.value) == f"{BAD}: no campaign.yaml here (pass a campaign folder such as content/pcc-2021)"


# ---------------------------------------------------------------- crashes: inputs that must be InputErrors


def test_a_layout_path_that_is_a_folder_is_an_input_error():
    refused(load_layout, ROOT / "layouts")


def test_an_impossible_date_in_yaml_is_an_input_error(tmp_path):
    # PyYAML builds datetime.date for 2021-13-45 and raises ValueError, not a YAMLError.
    refused(load_layout, write_file(tmp_path, "name: 2021-13-45\n", "layout.yaml"))


def test_a_bad_yaml_tag_is_an_input_error(tmp_path):
    refused(load_layout, write_file(tmp_path, "name: !!float abc\n", "layout.yaml"))


def test_a_huge_number_is_an_input_error(tmp_path):
    text = (
        LAYOUT.read_text(encoding="utf-8")
        .replace("../fonts/", f"{ROOT}/fonts/")
        .replace("size_pt: 31,", "size_pt: 1" + "0" * 400 + ",")
    )
    error = refused(load_layout, write_file(tmp_path, text, "layout.yaml"))
    assert re.fullmatch(r"line \d+: styles\.headline\.size_pt", error.where)


def test_a_font_path_too_long_for_the_system_is_an_input_error(tmp_path):
    text = LAYOUT.read_text(encoding="utf-8").replace("../fonts/", f"{ROOT}/fonts/")
    text = text.replace(f"{ROOT}/fonts/NotoSans/NotoSans-Bold.ttf", "x" * 5000 + ".ttf")
    error = refused(load_layout, write_file(tmp_path, text, "layout.yaml"))
    assert re.fullmatch(r"line \d+: fonts\.Sans\.bold", error.where)


# ---------------------------------------------------------------- properties: never another exception


@FUZZ
@given(st.text(max_size=300))
def test_load_layout_on_any_text_gives_a_layout_or_an_input_error(tmp_path, text):
    _layout_or_input_error(write_file(tmp_path, text, "layout.yaml"))


YAML_KEYS = st.sampled_from(
    [
        "name",
        "page",
        "trim_mm",
        "fonts",
        "Sans",
        "regular",
        "styles",
        "body",
        "font",
        "size_pt",
        "flows",
        "pages",
        "front",
        "type",
        "box_mm",
        "style",
        "slot",
        "flow",
        "text",
        "imprint",
        "swatches",
        "spot",
        "cmyk",
    ]
)
YAML_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    YAML_KEYS,
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(YAML_KEYS, inner, max_size=4)),
    max_leaves=12,
)


@FUZZ
@given(st.dictionaries(YAML_KEYS, YAML_VALUES, max_size=6))
def test_load_layout_on_any_yaml_mapping_gives_a_layout_or_an_input_error(tmp_path, data):
    _layout_or_input_error(write_file(tmp_path, yaml.safe_dump(data, allow_unicode=True), "layout.yaml"))


def _example_layout_data() -> dict:
    data = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    for faces in data["fonts"].values():
        for variant, file in faces.items():
            faces[variant] = str((LAYOUT.parent / file).resolve())
    return data


def _key_paths(node, prefix=()):
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _key_paths(child, (*prefix, key))


EXAMPLE_DATA = _example_layout_data()
EXAMPLE_PATHS = [path for path in _key_paths(EXAMPLE_DATA) if path]
DELETE = object()


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), st.one_of(st.just(DELETE), YAML_VALUES)), min_size=1, max_size=3)
)
def test_the_example_layout_with_any_value_changed_gives_a_layout_or_an_input_error(tmp_path, changes):
    data = copy.deepcopy(EXAMPLE_DATA)
    for path, value in changes:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value is DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
    _layout_or_input_error(write_file(tmp_path, yaml.safe_dump(data, allow_unicode=True), "layout.yaml"))


def _layout_or_input_error(path: Path) -> None:
    try:
        layout = load_layout(path)
    except InputError as error:
        assert str(error).startswith(str(path))
        return
    assert layout.pages
    assert any(isinstance(frame, ImprintFrame) for page in layout.pages for frame in page.frames)


# ---------------------------------------------------------------- places a person can find


def test_an_unknown_field_names_its_line_and_suggests_the_near_miss(tmp_path):
    text = LAYOUT.read_text(encoding="utf-8").replace("../fonts/", f"{ROOT}/fonts/")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("body:") and "size_pt" in line)
    lines[number - 1] = lines[number - 1].replace("leading_pt", "leadng_pt")
    error = refused(load_layout, write_file(tmp_path, "\n".join(lines) + "\n", "layout.yaml"))
    assert str(error).endswith(f"line {number}: styles.body.leadng_pt: unknown field (did you mean 'leading_pt'?)")


def test_a_key_given_twice_isrefused(tmp_path):
    text = (
        LAYOUT.read_text(encoding="utf-8")
        .replace("../fonts/", f"{ROOT}/fonts/")
        .replace("  bleed_mm: 3\n", "  bleed_mm: 3\n  bleed_mm: 5\n")
    )
    error = refused(load_layout, write_file(tmp_path, text, "layout.yaml"))
    assert "page.bleed_mm: this key appears twice here" in str(error)


def test_a_billion_laughs_is_refused_before_it_expands(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 9)]
    error = refused(load_layout, write_file(tmp_path, "\n".join(levels) + "\n", "layout.yaml"))
    assert "YAML aliases" in str(error)


def test_every_problem_in_a_layout_is_reported_at_once_one_line_each():
    path = ROOT / "tests" / "inputs" / "several-problems.yaml"
    error = refused(load_layout, path)
    assert str(error).splitlines() == [
        f"{path}: line 6: swatches.navy: expected a swatch name or [C, M, Y, K] percentages 0-100, got [100, 78, 0, "
        f"380] (a spot ink is a swatch: {{spot: NAME, cmyk: [C, M, Y, K]}})",
        f"{path}: line 8: styles.body.lead_pt: unknown field (did you mean 'leading_pt'?)",
        f"{path}: line 10: styles.heading.font: unknown font family 'Sanz' (families in fonts: Sans)",
        f"{path}: line 14: pages.front[1].style: unknown style 'headline' (styles defined: imprint)",
    ]


def test_the_cli_prints_each_problem_on_its_own_line(capsys, tmp_path):
    from leaflet.cli import main

    campaign = tmp_path / "content" / "x"
    campaign.mkdir(parents=True)
    (tmp_path / "layouts").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "NotoSans-Regular.ttf").write_bytes(
        (ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf").read_bytes()
    )
    layout = (
        (ROOT / "tests" / "inputs" / "several-problems.yaml")
        .read_text(encoding="utf-8")
        .replace("../../fonts/NotoSans/", "../fonts/")
    )
    (tmp_path / "layouts" / "l.yaml").write_text(layout, encoding="utf-8")
    (campaign / "campaign.yaml").write_text(
        "title: t\nlayout: ../../layouts/l.yaml\nsignup_url: https://example.org/{ward.code}\n"
        "imprint: {printer: P, promoter: Q}\nslots: {x: words}\n",
        encoding="utf-8",
    )
    assert main(["build", str(campaign)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 4 and all(line.startswith("leaflet: error: ") for line in lines)


def test_the_example_opens_its_local_priority_the_organiser_and_the_back_photo(example_campaign):
    local = example_campaign.local
    assert [slot.slot for slot in local.slots] == ["local_focus"]
    assert local.slots[0].label == "Your local priority" and local.slots[0].max_words == 45
    assert local.slots[0].must_change == ("[your priority]",)
    assert "[your priority]" in (local.slots[0].start or "")
    assert [field.field for field in local.fields] == ["organiser"]
    assert [(photo.slot, photo.min_ppi) for photo in local.photos] == [("second", 250)]
