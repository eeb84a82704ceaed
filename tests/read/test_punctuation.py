"""leaflet.read.punctuation: words as typed -> curly quotes, en dashes in ranges, no-break spaces."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.model import Paragraph, Run, Ward
from leaflet.read.campaigns import load_campaign
from leaflet.read.punctuation import EN_DASH, NO_BREAK_SPACE, typographic, typographic_paragraphs
from leaflet.ward.variant import make_variant, plan_variants

from tests.conftest import FUZZ

NBSP = NO_BREAK_SPACE


@pytest.mark.parametrize(
    ("typed", "set_as"),
    [
        ("O'Brien", "O’Brien"),
        ("Bydd Siân a'r tîm beth sy'n digwydd", "Bydd Siân a’r tîm beth sy’n digwydd"),
        ("it's 'quoted' here", "it’s ‘quoted’ here"),
        ('she said "vote" today', "she said “vote” today"),
        ("\"'nested'\"", "“‘nested’”"),
        ("the Joneses' house", "the Joneses’ house"),
        ("the '90s and rock 'n' roll", "the ’90s and rock ’n’ roll"),
        ("'S e seo an taigh", "’S e seo an taigh"),  # Gaelic: an elision, no quotation to open
        ("in the 1990's", "in the 1990’s"),
        ("{ward.name}'s team", "{ward.name}’s team"),
        ("'{ward.name}'", "‘{ward.name}’"),
        ("5'10\" tall", "5'10\" tall"),  # primes after digits stay as typed
    ],
)
def test_quotes_and_apostrophes_curl(typed, set_as):
    assert typographic(typed, "en") == set_as


@pytest.mark.parametrize(
    ("typed", "set_as"),
    [
        ("pages 10-12", "pages 10–12"),
        ("ages 5-10", "ages 5–10"),
        ("from 2019-2021", "from 2019–2021"),
        ("the 1990-95 figures", "the 1990–95 figures"),
        ("£10-£20 a month", "£10–£20 a month"),
        ("belief - that", "belief – that"),
        ("on 2021-05-06", "on 2021-05-06"),  # a date
        ("call 01632-960123", "call 01632-960123"),  # a phone number
        ("call 0800-123-456", "call 0800-123-456"),
        ("call 555-1234", "call 555-1234"),
        ("won 3-2", "won 3-2"),  # a score, not a range
        ("code AB-12-34 and M1-5", "code AB-12-34 and M1-5"),
        ("a 20-year-old", "a 20-year-old"),
        ("version 1.2-3", "version 1.2-3"),
    ],
)
def test_dashes(typed, set_as):
    assert typographic(typed, "en") == set_as


@pytest.mark.parametrize(
    ("typed", "set_as"),
    [
        ("Anytown AT1 2AB.", f"Anytown AT1{NBSP}2AB."),
        ("London SW1A 1AA, EC1A 1BB and M1 1AE", f"London SW1A{NBSP}1AA, EC1A{NBSP}1BB and M1{NBSP}1AE"),
        ("Mr Smith, Mrs Patel, Ms Jones, Dr Who", f"Mr{NBSP}Smith, Mrs{NBSP}Patel, Ms{NBSP}Jones, Dr{NBSP}Who"),
        ("St John's and Cllr Ann", f"St{NBSP}John’s and Cllr{NBSP}Ann"),
        ("Dr. Jones", f"Dr.{NBSP}Jones"),
        ("Cllr {ward.organiser}", f"Cllr{NBSP}{{ward.organiser}}"),
        ("5 mm, 20 mph, 10 km and 2.5 kg", f"5{NBSP}mm, 20{NBSP}mph, 10{NBSP}km and 2.5{NBSP}kg"),
        ("from 9 am", f"from 9{NBSP}am"),
        ("5 in 10 people", "5 in 10 people"),  # not a unit
        ("High Street is 5 miles", "High Street is 5 miles"),
        ("the St of it", "the St of it"),  # no name follows
    ],
)
def test_no_break_spaces(typed, set_as):
    assert typographic(typed, "en") == set_as


@pytest.mark.parametrize(
    "address",
    [
        "https://www.example.org/sign-up?ward=it's&ages=10-12",
        "www.example.org/St.John's",
        "example.org/sign-up/10-12",
        "o'brien-10-12@example.org",
    ],
)
def test_addresses_are_left_as_typed(address):
    assert typographic(f"see {address} now", "en") == f"see {address} now"


def test_other_languages_keep_their_quotation_marks_but_curl_apostrophes():
    assert typographic("Er sagte 'ja' und \"nein\", geht's", "de") == "Er sagte 'ja' und \"nein\", geht’s"
    assert typographic("l'homme", "fr") == "l’homme"
    assert typographic("'quoted'", "") == "'quoted'"  # an unknown language: no guess


def test_a_quote_closes_in_another_run():
    paragraph = Paragraph("body", (Run("'"), Run("Operation Payback", bold=True), Run("' works")), "en")
    (converted,) = typographic_paragraphs((paragraph,))
    assert [run.text for run in converted.runs] == ["‘", "Operation Payback", "’ works"]
    assert [run.bold for run in converted.runs] == [False, True, False]
    assert converted.language == "en"


def test_an_unchanged_paragraph_is_the_same_object():
    paragraph = Paragraph("body", (Run("nothing to do"),), "en")
    assert typographic_paragraphs((paragraph,))[0] is paragraph


# ---------------------------------------------------------------- properties

TOKENS = st.sampled_from(
    [
        "O'Brien", "a'r", "'", '"', "-", " - ", "10", "12", "2021", "05", "0800", "AT1", "2AB", "Mr", "Dr", "St",
        "Cllr", "mm", "mph", "km", "in", "{ward.name}", "https://example.org/a-b", "x@example.org", "'90s", "n'",
        "Smith", "word", ".", ",", "(", ")", "£", "’", "“", "–", "\u00a0", "5'", "é", "ŵ",
    ]
)  # fmt: skip
TEXT = st.lists(st.tuples(TOKENS, st.sampled_from(["", " ", "  ", "-", "'"])), max_size=25).map(
    lambda parts: "".join(token + gap for token, gap in parts)
)
ALLOWED = {"'": "‘’", '"': "“”", "-": "–", " ": NBSP}


@FUZZ
@given(TEXT | st.text(max_size=40), st.sampled_from(["en", "cy", "gd", "de", ""]))
def test_punctuating_changes_only_punctuation_one_for_one_and_once(text, language):
    once = typographic(text, language)
    assert len(once) == len(text)  # never loses or adds a character
    for typed, set_as in zip(text, once, strict=True):
        assert typed == set_as or set_as in ALLOWED.get(typed, ""), (typed, set_as)
    assert typographic(once, language) == once  # idempotent


@FUZZ
@given(TEXT)
def test_letters_and_digits_are_never_changed(text):
    once = typographic(text, "en")
    assert [c for c in once if c.isalnum()] == [c for c in text if c.isalnum()]
    assert once.count(EN_DASH) >= text.count(EN_DASH)


# ---------------------------------------------------------------- the campaign's words and the wards' cells


def test_the_campaigns_words_are_punctuated_when_loaded(campaign_copy):
    campaign = load_campaign(campaign_copy)
    assert campaign.typographic_punctuation
    (paragraph,) = campaign.slots["signup_text"][:1]
    assert "phone’s camera" in "".join(run.text for run in paragraph.runs)


def test_typographic_punctuation_false_keeps_the_words_as_typed(campaign_copy):
    path = campaign_copy / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "typographic_punctuation: false\n", encoding="utf-8")
    campaign = load_campaign(campaign_copy)
    assert not campaign.typographic_punctuation
    text = "".join(run.text for run in campaign.slots["signup_text"][0].runs)
    assert "phone's camera" in text


def test_a_wards_cells_are_punctuated_in_its_words_but_not_in_its_url_or_file_name(campaign_copy):
    campaign = dataclasses.replace(load_campaign(campaign_copy), signup_url="https://example.org/?w={ward.name}")
    fields = {
        "code": "E1",
        "name": "St John's",
        "organiser": "Siobhán O'Brien",
        "households": "10",
        "local_priority": "20 mph zones",
        "language": "",
    }
    ward = Ward("E1", "St John's", fields, 2)
    variant = make_variant(plan_variants({"": campaign}, fields)[""], ward)
    banner = "".join(run.text for run in variant.slots["banner"][0].runs)
    assert banner == f"St{NBSP}John’s · your local organiser is Siobhán O’Brien"
    local = "".join(run.text for p in variant.slots["local_focus"] for run in p.runs)
    assert f"20{NBSP}mph zones" in local
    assert variant.values["name"] == f"St{NBSP}John’s"
    assert ward.fields["name"] == "St John's"  # file names and the manifest use the cell as typed
    assert variant.signup_url == "https://example.org/?w=St%20John%27s"  # the QR code: as typed
