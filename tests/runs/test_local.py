"""A ward's local values: where an organiser starts, what a request may hold, and the approved
values laid over the ward's row so that build, check and proof print them."""

from __future__ import annotations

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet import build
from leaflet.errors import InputError
from leaflet.read import markup
from leaflet.runs.local import (
    CAMPAIGN_PHOTO,
    LocalValues,
    PhotoValue,
    paragraphs_markdown,
    read_values,
    starting_values,
    store_upload,
    ward_with,
    with_photo_files,
    word_count,
)
from leaflet.runs.prepare import load
from leaflet.runs.storage import Storage
from PIL import Image

from tests.conftest import DEMO, FUZZ, decode_qr_codes, render_page, ward_url

ENGLISH, WELSH = "E05011111", "W05000981"


@pytest.fixture(scope="module")
def demo():
    campaigns, wards = load(DEMO, approved_local=False)
    return campaigns, {ward.code: ward for ward in wards}


def test_an_organiser_starts_from_the_campaigns_start_words_filled_in(demo):
    campaigns, wards = demo
    values = starting_values(campaigns[""], campaigns[""], wards[ENGLISH])
    assert values.slots["local_focus"].startswith("**In St Mary's & St Paul's, you told us your top priority is [your")
    assert values.fields == {"organiser": "Ayşe Yılmaz"}
    assert values.photos == {"second": PhotoValue(CAMPAIGN_PHOTO)}


def test_a_ward_in_another_language_starts_from_its_own_words(demo):
    campaigns, wards = demo
    values = starting_values(campaigns["cy"], campaigns[""], wards[WELSH])
    assert values.slots["local_focus"].startswith("**Yn Gŵyr, dywedoch wrthym mai eich prif flaenoriaeth yw speeding")


def test_words_are_counted_as_they_print():
    assert word_count("**In Gŵyr**, you told us:  *speeding*\n\nmatters.") == 7


WORDS = st.from_regex(r"[a-zà#-]+( [a-zà#-]+)*", fullmatch=True)
RUNS = st.lists(st.tuples(WORDS, st.booleans(), st.booleans()), min_size=1, max_size=4)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["body", "heading", "bullet"]), RUNS), min_size=1, max_size=3))
def test_paragraphs_go_back_to_markdown_that_reads_the_same(drafts):
    text = "\n\n".join(
        {"body": "", "heading": "## ", "bullet": "- "}[kind]
        + " ".join(f"{'**' if b else ''}{'*' if i else ''}{w}{'*' if i else ''}{'**' if b else ''}" for w, b, i in runs)
        for kind, runs in drafts
    )
    paragraphs = markup.parse_markdown(text)
    assert markup.parse_markdown(paragraphs_markdown(paragraphs)) == paragraphs


def test_a_literal_asterisk_stays_literal():
    paragraphs = markup.parse_markdown("5 \\* 3 is **fifteen**")
    assert paragraphs_markdown(paragraphs) == "5 \\* 3 is **fifteen**"


def _current(demo) -> LocalValues:
    campaigns, wards = demo
    return starting_values(campaigns[""], campaigns[""], wards[ENGLISH])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"slots": {"headline": "Vote for me"}}, "not something a ward can change"),
        ({"fields": {"code": "X1"}}, "not something a ward can change"),
        ({"layout": {}}, "not something a ward can change"),
        ({"slots": {"local_focus": "right\u202eleft"}}, "invisible control character U\\+202E"),
        ({"slots": {"local_focus": "x" * 5001}}, "5001 characters, more than the 5000"),
        ({"fields": {"organiser": 12}}, "expected text"),
        ({"photos": {"second": {"source": "../../etc/passwd"}}}, "not a photo of this ward"),
        ({"photos": {"second": {"source": CAMPAIGN_PHOTO, "focal": [0.5, 2]}}}, "two fractions, each 0 to 1"),
    ],
)
def test_a_request_may_hold_only_what_the_campaign_opened_as_a_cell_would(demo, data, message):
    with pytest.raises(InputError, match=message):
        read_values(demo[0][""].local, data, _current(demo))


def test_a_fields_line_breaks_become_spaces_and_the_rest_is_kept(demo):
    values = read_values(demo[0][""].local, {"fields": {"organiser": " Ann\nLee "}}, _current(demo))
    assert values.fields == {"organiser": "Ann Lee"}
    assert values.slots == _current(demo).slots


def test_braces_an_organiser_types_print_as_braces(demo):
    campaigns, wards = demo
    values = read_values(campaigns[""].local, {"slots": {"local_focus": "Costs {ward.code} {{x}}"}}, _current(demo))
    ward = ward_with(wards[ENGLISH], campaigns[""].local, values)
    assert ward.fields["local_focus"] == "Costs {{ward.code}} {{{{x}}}}"
    assert markup.fill(ward.fields["local_focus"], ward.fields) == "Costs {ward.code} {{x}}"


def _approve(storage: Storage, ward: str, values: LocalValues) -> None:
    saved = storage.save(ward, values.to_json(), 0, "Ayşe", None, "organiser")
    storage.record(ward, "submit", saved.version.number, "Ayşe", None, "organiser")
    storage.record(ward, "approve", saved.version.number, "Rev", None, "reviewer")


def test_build_prints_the_approved_words_and_photo_and_lists_what_awaits_review(campaign_copy, tmp_path):
    campaigns, wards = load(campaign_copy)
    campaign, by_code = campaigns[""], {ward.code: ward for ward in wards}
    storage = Storage.for_campaign(campaign.root)
    photo = Image.new("RGB", (2400, 1600), (20, 120, 40))
    photo.paste((250, 200, 0), (0, 1000, 2400, 1600))  # yellow at the bottom, shown by a focal point there
    upload = store_upload(campaign, by_code[ENGLISH], _jpeg(photo))
    current = starting_values(campaign, campaign, by_code[ENGLISH])
    values = read_values(
        campaign.local,
        {
            "slots": {"local_focus": "**Street lighting on Mill Lane** is what we will fix first."},
            "fields": {"organiser": "Robin Ashe"},
            "photos": {"second": {"source": upload.sha256, "focal": [0.5, 1.0]}},
        },
        current,
    )
    _approve(storage, ENGLISH, with_photo_files(campaign, values))
    storage.save("E05009308", current.to_json(), 0, "Łukasz", None, "organiser")
    storage.record("E05009308", "submit", 1, "Łukasz", None, "organiser")

    report = build(campaign_copy, tmp_path / "out", ward_codes=[ENGLISH, "E05009308"])
    assert list(report.awaiting_review) == ["E05009308"]
    assert report.awaiting_review["E05009308"].startswith("submitted (version 1, ")
    pdf = next(r.path for r in report.results if r.ward.code == ENGLISH)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Street lighting on Mill Lane" in text and "Robin Ashe" in text
    assert "Ayşe Yılmaz" not in text
    back = render_page(pdf, 1)
    assert decode_qr_codes(back) == [ward_url(ENGLISH)]
    top, bottom = back.getpixel((300, 100)), back.getpixel((300, 600))
    assert top[1] > top[0] + 40 and bottom[0] > 180 and bottom[2] < 120  # green above, the yellow band below
    other = next(r.path for r in report.results if r.ward.code == "E05009308")
    assert "Łukasz Wiśniewski" in " ".join(page.extract_text() for page in pypdf.PdfReader(other).pages)


def _jpeg(image: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
