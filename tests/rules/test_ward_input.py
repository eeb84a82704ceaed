"""What a ward's own inputs make of its leaflet: each wards file in tests/inputs/wards, checked with
the example campaign, gives exactly the findings listed for it (ward A1 is the one at fault; B2
and the others are clean), and what prints is read back from the built file."""

from __future__ import annotations

import json

import pypdf
import pytest
from fontTools.ttLib import TTFont
from leaflet import build, check_campaign
from leaflet.assets.scripts import characters_needing_shaping, needs_shaping
from leaflet.rules.catalogue import RULES
from leaflet.rules.ward_input import WardInputRules
from leaflet.runs.prepare import load, prepare_run

from tests.conftest import INPUTS, ROOT, copy_example

WARDS = INPUTS / "wards"
SHAPING = (
    "leaflet shapes Arabic, Hebrew, Bengali, Devanagari, Gurmukhi, Gujarati and Tamil but not this script, so it could "
    "print it unjoined, in the wrong order or with its marks adrift (even where a fallback font has the glyphs)"
)
ORDER = "(the print order needs a whole number of 0 or more, e.g. 3120 or 3,120)"
NO_FALLBACK = "no fallback font would help: leaflet does not shape this script"

# file -> (severity, rule, ward, frame, message) of every finding; {path} is the file's path
EXPECTED: dict[str, list[tuple[str, str, str, str | None, str]]] = {
    "households-blank.csv": [("error", "input", "A1", None, f"{{path}}: line 2: column 'households' is blank {ORDER}")],
    "households-text.csv": [
        ("error", "input", "A1", None, f"{{path}}: line 2: column 'households' is 'about 300', not a number {ORDER}")
    ],
    "households-fraction.csv": [
        ("error", "input", "A1", None, f"{{path}}: line 2: column 'households' is '12.5', not a whole number {ORDER}")
    ],
    "households-negative.csv": [
        ("error", "input", "A1", None, f"{{path}}: line 2: column 'households' is '-40', a negative number {ORDER}")
    ],
    "households-thousands.csv": [],
    "column-like-a-slot.csv": [
        (
            "warning",
            "unused-column",
            "A1",
            None,
            f"column '{column}' (column-like-a-slot.csv line 2) matches no slot, photo or column the campaign "
            f"uses, so its value is not used: did you mean '{meant}'?",
        )
        for column, meant in (("heros", "hero"), ("langauge", "language"), ("local_focs", "local_focus"))
    ],
    "own-photo-without-credit.csv": [
        (
            "warning",
            "photo-credit",
            "A1",
            "hero-credit",
            "the ward's own photo (column 'hero', own-photo-without-credit.csv line 2) prints without a credit, not "
            "the campaign photo's: give its credit in a column 'hero_credit'",
        )
    ],
    "own-photo-with-credit.csv": [],
    "blank-headline.csv": [
        (
            "error",
            "blank-slot",
            "A1",
            "headline",
            "slot 'headline' has no words once the ward's values are filled in (blank-headline.csv line 2): frame "
            "'headline' would print nothing",
        )
    ],
    "blank-local-focus.csv": [
        (
            "warning",
            "blank-slot",
            "A1",
            "local-focus",
            "slot 'local_focus' has no words once the ward's values are filled in (blank-local-focus.csv line 2): "
            "frame 'local-focus' would print nothing",
        )
    ],
    "arabic-organiser.csv": [],  # shaped: the example layout has the fonts
    "hebrew-name.csv": [],  # shaped: the example layout has the fonts
    "devanagari-priority.csv": [],  # shaped: the example layout has the fonts
    "combining-mark.csv": [],  # shaped: the example layout has the fonts
    "syriac-organiser.csv": [
        ("error", "missing-glyph", "A1", "local-focus", "font Sans-Regular cannot draw 'ܐ' (U+0710), "),
        ("error", "missing-glyph", "A1", "ward-banner", "font Sans-Bold cannot draw 'ܐ' (U+0710), "),
        (
            "error",
            "unshaped-script",
            "A1",
            "ward-banner",
            "column 'organiser' (syriac-organiser.csv line 2) has 'ܫ' (U+072B), 'ܡ' (U+0721), 'ܘ' (U+0718), 'ܐ' "
            f"(U+0710) and 3 more (Syriac): {SHAPING}",
        ),
    ],
    "decomposed-letters.csv": [],
    "welsh-value-missing.csv": [
        (
            "warning",
            "untranslated",
            "B2",
            None,
            "column 'local_priority_cy' is blank (welsh-value-missing.csv line 3): the leaflet prints 'litter' from "
            "column 'local_priority', in the campaign's language (en)",
        )
    ],
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_example(tmp_path_factory.mktemp("project"))


def test_every_wards_fixture_has_its_findings_listed():
    assert sorted(path.name for path in WARDS.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda name: name.removesuffix(".csv"))
def test_a_wards_file_gives_exactly_its_findings(project, name):
    path = WARDS / name
    report = check_campaign(project, wards_csv=path)
    found = sorted((f.severity, f.rule, f.ward, f.frame or "", f.message) for f in report.findings)
    expected = sorted(
        (severity, rule, ward, frame or "", message) for severity, rule, ward, frame, message in EXPECTED[name]
    )
    assert [found_[:4] for found_ in found] == [expect[:4] for expect in expected]
    for (*_, message), (*_, expect) in zip(found, expected, strict=True):
        assert message.startswith(expect.format(path=path)), message


def _texts(result) -> list[str]:
    return [page.extract_text().replace("\n", " ") for page in pypdf.PdfReader(result.path).pages]


def test_a_ward_without_its_households_gets_no_file_even_with_force_and_the_others_are_ordered(project, tmp_path):
    report = build(project, tmp_path / "out", wards_csv=WARDS / "households-text.csv", force=True)
    assert [result.ward.code for result in report.failed] == ["A1"]
    refused, ordered = report.manifest
    assert (refused.code, refused.status, refused.households, refused.quantity) == ("A1", "refused", None, None)
    assert refused.reason.startswith(f"{WARDS / 'households-text.csv'}: line 2: column 'households' is 'about 300'")
    assert (ordered.code, ordered.status, ordered.households, ordered.quantity) == ("B2", "built", 200, 250)


def test_thousands_separators_are_read_as_whole_numbers(project, tmp_path):
    report = build(project, tmp_path / "out", wards_csv=WARDS / "households-thousands.csv")
    assert [(row.households, row.quantity) for row in report.manifest] == [(3120, 3300), (3120, 3300)]
    document = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert document["totals"]["households"] == 6240


def test_a_wards_own_photo_prints_its_own_credit_or_none(project, tmp_path):
    without = build(project, tmp_path / "without", wards_csv=WARDS / "own-photo-without-credit.csv")
    own, campaigns = without.written
    assert "Photo:" not in _texts(own)[0]
    assert "Photo: Aitzol Berasategi, CC BY 4.0, adapted" in _texts(campaigns)[0]
    given = build(project, tmp_path / "with", wards_csv=WARDS / "own-photo-with-credit.csv")
    own, campaigns = given.written
    assert "Photo: Clemens Engelhardt (CC0)" in _texts(own)[0] and "Berasategi" not in _texts(own)[0]
    assert "Photo: Aitzol Berasategi, CC BY 4.0, adapted" in _texts(campaigns)[0]


def test_letters_typed_decomposed_print_composed(project, tmp_path):
    report = build(project, tmp_path / "out", wards_csv=WARDS / "decomposed-letters.csv")
    assert "Gŵyr · your local organiser is Siân" in _texts(report.written[0])[0]


def test_a_wards_value_for_its_language_is_used_and_the_plain_one_is_not(project, tmp_path):
    report = build(project, tmp_path / "out", wards_csv=WARDS / "welsh-value-missing.csv")
    aber, bryn, cwm = (_texts(result)[1] for result in report.written)
    assert "prif flaenoriaeth yw parcio." in aber and "parking" not in aber
    assert "prif flaenoriaeth yw litter." in bryn  # and B2 was told so
    assert "your top priority is noise." in cwm


def test_translations_complete_makes_an_untranslated_slot_or_value_an_error(project):
    campaign = project / "campaign.yaml"
    original = campaign.read_text(encoding="utf-8")
    language = project / "campaign.cy.yaml"
    welsh = language.read_text(encoding="utf-8")
    try:
        campaign.write_text(original + "translations: complete\n", encoding="utf-8")
        language.write_text(welsh.replace("  qr_caption: Sganiwch i gofrestru\n", ""), encoding="utf-8")
        report = check_campaign(project, wards_csv=WARDS / "welsh-value-missing.csv")
        assert sorted((f.severity, f.rule, f.ward, f.frame or "") for f in report.findings) == [
            ("error", "untranslated", "A1", "signup-qr"),
            ("error", "untranslated", "B2", ""),
            ("error", "untranslated", "B2", "signup-qr"),
        ]
        (slot,) = {f.message for f in report.findings if f.frame}
        assert slot == "slot 'qr_caption' is not in campaign.cy.yaml: it prints in the campaign's language (en)"
        campaign.write_text(original, encoding="utf-8")
        warned = check_campaign(project, wards_csv=WARDS / "welsh-value-missing.csv").findings
        assert {f.severity for f in warned} == {"warning"} and len(warned) == 3
    finally:
        campaign.write_text(original, encoding="utf-8")
        language.write_text(welsh, encoding="utf-8")


def test_a_language_that_replaces_a_photo_but_not_its_credit_prints_none(project, tmp_path):
    language = project / "campaign.cy.yaml"
    welsh = language.read_text(encoding="utf-8")
    try:
        replaced = welsh.replace('  hero_credit: "Llun: Aitzol Berasategi, CC BY 4.0, wedi’i addasu"\n', "")
        language.write_text(replaced + "images:\n  hero: ../../images/meadow.jpg\n", encoding="utf-8")
        report = build(project, tmp_path / "out", wards_csv=WARDS / "welsh-value-missing.csv")
        aber = report.written[0]
        credit = [f for f in aber.findings if f.rule == "photo-credit"]
        assert [(f.severity, f.frame) for f in credit] == [("warning", "hero-credit")]
        assert credit[0].message.startswith("campaign.cy.yaml replaces the photo of 'hero' but not its credit")
        assert "Photo:" not in _texts(aber)[0] and "Llun:" not in _texts(aber)[0]
        assert "Photo: Aitzol Berasategi" in _texts(report.written[2])[0]  # the English ward keeps photo and credit
    finally:
        language.write_text(welsh, encoding="utf-8")


def test_a_blank_slot_of_the_campaign_is_reported_for_every_ward_and_names_its_file(project):
    campaign = project / "campaign.yaml"
    original = campaign.read_text(encoding="utf-8")
    try:
        campaign.write_text(original.replace("  qr_caption: Scan to sign up", '  qr_caption: " "'), encoding="utf-8")
        report = check_campaign(project, wards_csv=WARDS / "households-thousands.csv")
        assert [(f.severity, f.rule, f.ward, f.frame, f.message) for f in report.findings] == [
            (
                "error",
                "blank-slot",
                ward,
                "signup-qr",
                "slot 'qr_caption' of campaign.yaml has no words: frame 'signup-qr' would print nothing",
            )
            for ward in ("A1", "B2")
        ]
    finally:
        campaign.write_text(original, encoding="utf-8")


def _font_that_draws_syriac(project):
    """Noto Sans with Syriac letters mapped to Latin glyphs: a fallback family that "has" them."""
    font = TTFont(ROOT / "fonts" / "NotoSans" / "NotoSans-Regular.ttf")
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(dict.fromkeys(range(0x0710, 0x0730), "a"))
    path = project / "fonts" / "Fallback.ttf"
    font.save(path)


def test_a_script_leaflet_does_not_shape_is_an_error_even_when_a_fallback_font_has_its_glyphs(tmp_path):
    project = copy_example(tmp_path)
    _font_that_draws_syriac(project.parent.parent)
    layout = project.parent.parent / "layouts" / "a5-two-sided.yaml"
    text = layout.read_text(encoding="utf-8")
    text = text.replace(
        "fonts:\n  Sans:\n",
        "fonts:\n  Fallback: {regular: ../fonts/Fallback.ttf}\n  Sans:\n",
    ).replace("fallback_fonts: [", "fallback_fonts: [Fallback, ")
    layout.write_text(text, encoding="utf-8")
    report = check_campaign(project, wards_csv=WARDS / "syriac-organiser.csv")
    assert [(f.rule, f.ward) for f in report.failing()] == [("unshaped-script", "A1")]


def test_the_campaigns_own_words_in_a_script_that_needs_shaping_are_named_by_slot(project):
    campaign = project / "campaign.yaml"
    original = campaign.read_text(encoding="utf-8")
    try:
        campaign.write_text(
            original.replace("  qr_caption: Scan to sign up", "  qr_caption: Scan ܫܠܡܐ"), encoding="utf-8"
        )
        campaigns, wards = load(project, WARDS / "households-thousands.csv")
        run = prepare_run(campaigns, wards)
        rules = WardInputRules(run.plans, list(wards[0].fields))
        (finding,) = [f for f in rules.check(run.variant(wards[0])) if f.rule == "unshaped-script"]
        assert finding.message.startswith("slot 'qr_caption' of campaign.yaml has 'ܫ' (U+072B)")
        assert (finding.ward, finding.frame) == ("A1", "signup-qr")
    finally:
        campaign.write_text(original, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("Gŵyr, Tŷ-du, Pen-y-lân, Łukasz, Ayşe Yılmaz, Ζωή, Юлия, 東京, 서울", ""),
        # the scripts leaflet shapes, marks on any letter, joiners and direction controls
        ("سارة", ""),
        ("عمران خان ٹیپو", ""),  # Urdu
        ("שָׁלוֹם", ""),
        ("नमस्ते", ""),
        ("রহিম উদ্দিন", ""),
        ("ਗੁਰਪ੍ਰੀਤ", ""),
        ("ભાવના", ""),
        ("கீதா", ""),
        ("\u0661\u0662", ""),  # Arabic-Indic digits
        ("q\u0307", ""),
        ("a\u200db", ""),
        ("\u202bx\u202c", ""),
        # the scripts it does not
        ("ܫܠܡܐ", "ܫܠܡܐ"),  # Syriac
        ("ދިވެހި", "ދިވެހި"),  # Thaana
        ("తెలుగు", "తెలుగు"),  # Telugu
        ("ภาษาไทย", "ภาษไทย"),
        ("ພາສາລາວ", "ພາສລວ"),
        ("ភាសាខ្មែរ", "ភាសខ្មែរ"),
        ("မြန်မာ", "မြန်ာ"),
        ("བོད་ཡིག", "བོད་ཡིག"),
    ],
)
def test_the_characters_that_need_shaping(text, needs):
    assert characters_needing_shaping(text) == list(dict.fromkeys(needs))
    assert all(needs_shaping(c) for c in needs)


def test_every_rule_a_ward_input_can_give_is_in_the_catalogue_and_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in (
        "photo-transparency",
        "photo-credit",
        "blank-slot",
        "unshaped-script",
        "unused-column",
        "untranslated",
    ):
        assert rule in RULES
        assert f"| `{rule}`" in readme


def test_the_example_photos_credit_is_bound_to_its_photo():
    assert "credits: hero}" in (ROOT / "layouts" / "a5-two-sided.yaml").read_text(encoding="utf-8")


def test_a_language_file_without_the_imprints_words_prints_the_imprint_in_the_campaigns_language(project, tmp_path):
    language = project / "campaign.cy.yaml"
    welsh = language.read_text(encoding="utf-8")
    try:
        language.write_text(welsh.split("\nimprint:")[0] + "\n", encoding="utf-8")
        report = build(project, tmp_path / "out", wards_csv=WARDS / "welsh-value-missing.csv")
        aber = report.written[0]
        (finding,) = [f for f in aber.findings if f.rule == "untranslated"]
        assert (finding.severity, finding.frame) == ("warning", "imprint")
        assert finding.message == (
            "the imprint's words (imprint.wording) are not in campaign.cy.yaml: it prints in the campaign's "
            "language (en)"
        )
        assert "Printed by Riverside Print Ltd" in _texts(aber)[1]
    finally:
        language.write_text(welsh, encoding="utf-8")


def test_a_slot_with_ward_values_that_a_language_leaves_out_is_reported_unless_the_ward_gives_its_own(project):
    language = project / "campaign.cy.yaml"
    welsh = language.read_text(encoding="utf-8")
    wards = project / "own-banner.csv"
    wards.write_text(
        "code,name,organiser,households,local_priority,language,banner\n"
        "A1,Aber,Ann,100,parking,cy,\nB2,Bryn,Bob,200,litter,cy,Croeso i Bryn\n",
        encoding="utf-8",
    )
    try:
        banner = '  banner: "{ward.name} · eich trefnydd lleol yw {ward.organiser}"\n'
        language.write_text(welsh.replace(banner, ""), encoding="utf-8")
        report = check_campaign(project, wards_csv=wards)
        assert [(f.ward, f.rule, f.frame) for f in report.findings] == [("A1", "untranslated", "ward-banner")]
        assert report.findings[0].message.startswith("slot 'banner' is not in campaign.cy.yaml")
    finally:
        language.write_text(welsh, encoding="utf-8")
        wards.unlink()
