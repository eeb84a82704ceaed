"""Campaign + one ward -> that ward's variant: its values in its language, placeholders filled,
overrides applied, its photos with their credits, its URL; and what it made of the ward's
inputs (a campaign photo's credit left off a photo that replaces it, a value that falls back to
the campaign's language), as findings.

What every ward of one language shares is worked out once per run (``plan_variants``), and
whatever the ward does not change is passed on as the very same object for every ward, which is
what lets layout and draw do their work for it once per run (see ``layout._unit_inputs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from leaflet.assets.images import read_image_source
from leaflet.errors import InputError, shorten
from leaflet.model import Campaign, Finding, Layout, Paragraph, Severity, TextFrame, Ward, frame_slots
from leaflet.read import markup, punctuation
from leaflet.read.project import on_disk, outside_project
from leaflet.read.wards import language_variant


@dataclass(frozen=True)
class Variant:
    ward: Ward
    campaign: Campaign  # the campaign in the ward's language
    title: str
    signup_url: str
    slots: dict[str, tuple[Paragraph, ...]]
    images: dict[str, Path]
    fields: dict[str, str]  # the ward's values in its language: local_priority_cy's for local_priority
    values: dict[str, str]  # its ``fields`` as its words have them (punctuated)
    findings: tuple[Finding, ...] = ()  # what was made of its inputs, to tell


@dataclass(frozen=True)
class Credit:
    """A text frame of the layout that credits the photo of an image slot."""

    page: str
    frame: str
    slot: str  # the credit's words
    photo: str  # the image slot it credits


@dataclass(frozen=True)
class VariantPlan:
    """What every ward of one language shares, worked out once per run."""

    campaign: Campaign  # in this language
    base: Campaign  # campaign.yaml's
    varying: frozenset[str]  # the slots whose words hold ward placeholders
    language_columns: tuple[tuple[str, str], ...]  # (local_priority_cy, local_priority): a column's value in it
    used_columns: frozenset[str]  # the columns the leaflet prints: placeholders, slot and photo overrides
    credits: tuple[Credit, ...]
    slots: dict[str, tuple[Paragraph, ...]]  # the campaign's, but credits its own photos leave without a subject
    notes: tuple[Finding, ...]  # what every ward of the language is told


def ward_language(ward: Ward, campaign: Campaign) -> str:
    """The ward's ``language`` cell, lower-cased; blank or the campaign's own means the base."""
    language = ward.fields.get("language", "").strip().lower()
    return "" if language in ("", campaign.language) else language


def ward_fields_used(campaign: Campaign) -> set[str]:
    """Every ward column that the campaign's words or sign-up URL refer to."""
    used = markup.placeholders(campaign.signup_url)
    for paragraphs in campaign.slots.values():
        used |= markup.paragraphs_placeholders(paragraphs)
    return used


_ONE_VALUE_COLUMNS = ("code", "language", "households")  # the same in every language: never <column>_<language>
_URL_PUNCTUATION = "!#$%&'()*+,/:;=?@[]~"  # kept as written: with letters, digits and -._ the URL's ASCII


def ward_slots(campaign: Campaign) -> frozenset[str]:
    """The slots whose text differs from ward to ward."""
    return frozenset(name for name, paragraphs in campaign.slots.items() if markup.paragraphs_placeholders(paragraphs))


def signup_url(campaign: Campaign, fields: dict[str, str]) -> str:
    """The ward's address in ASCII: ward values percent-encoded as a query value or path segment,
    and any other non-ASCII character of the template as UTF-8 (as a browser sends it), so that
    no phone has to guess the character set of the QR code's bytes."""
    encoded = {name: quote(value, safe="") for name, value in fields.items()}
    return quote(markup.fill(campaign.signup_url, encoded), safe=_URL_PUNCTUATION)


def credits_of(layout: Layout) -> tuple[Credit, ...]:
    return tuple(
        Credit(page.name, frame.name, frame.slot, frame.credits)
        for page in layout.pages
        for frame in page.frames
        if isinstance(frame, TextFrame) and frame.credits is not None
    )


def plan_variants(campaigns: dict[str, Campaign], columns: Iterable[str]) -> dict[str, VariantPlan]:
    """Each language's plan (by language, "" for campaign.yaml's), for wards with these columns."""
    base = campaigns[""]
    credits = credits_of(base.layout)
    columns = tuple(columns)
    plans = {}
    for language, campaign in campaigns.items():
        code = campaign.language
        language_columns = tuple(
            (column, variant[0])
            for column in columns
            if (variant := language_variant(column)) and variant[1] == code and variant[0] not in _ONE_VALUE_COLUMNS
        )
        slots = dict(campaign.slots)
        notes = []
        for credit in credits:
            photo_replaced = campaign.images[credit.photo] is not base.images[credit.photo]
            if photo_replaced and campaign.slots[credit.slot] is base.slots[credit.slot]:
                slots[credit.slot] = ()
                notes.append(
                    Finding(
                        "warning",
                        "photo-credit",
                        f"{campaign.path.name} replaces the photo of '{credit.photo}' but not its credit "
                        f"('{credit.slot}'): the campaign photo's credit is left off; give this photo's credit "
                        f"under slots.{credit.slot} there",
                        page=credit.page,
                        frame=credit.frame,
                    )
                )
        used = ward_fields_used(campaign) | set(campaign.slots) | set(campaign.images)
        plans[language] = VariantPlan(
            campaign,
            base,
            ward_slots(campaign),
            language_columns,
            frozenset(used - {"code"}),
            credits,
            slots,
            tuple(notes),
        )
    return plans


def _ward_photo(campaign: Campaign, ward: Ward, column: str, value: str) -> Path:
    """The photo a ward's cell names, from the campaign's folder: on disk, inside the project and
    readable; refused at its cell (line and column) when not."""
    where = f"line {ward.line}"
    path = on_disk(campaign.root / value)
    problem = outside_project(path, campaign.project)
    if problem:
        raise InputError(
            campaign.wards_path, where, f"column '{column}': '{shorten(value)}' {problem}", "keep photos inside it"
        )
    try:
        read_image_source(path.resolve())
    except InputError as error:
        raise InputError(
            campaign.wards_path, where, f"column '{column}': {shorten(value)}: {error.message}", error.hint
        ) from None
    return path.resolve()


def make_variant(plan: VariantPlan, ward: Ward) -> Variant:
    """A ward's non-empty cell in a column named like a slot replaces that slot's words
    (Markdown, placeholders allowed); in a column named like an image slot, that photo (a path
    from the campaign folder).  ``<column>_<language>`` gives a column's value for the wards of
    that language; where it is blank, the plain column's value prints, and the ward is told."""
    campaign = plan.campaign
    fields, findings = _fields_in_language(plan, ward)
    values = fields
    if campaign.typographic_punctuation:
        # The campaign's words were punctuated when loaded (a placeholder counting as a word), so
        # the ward's values are the words still to do.  The URL and file names use the cells as typed.
        values = {column: punctuation.typographic(value, campaign.language) for column, value in fields.items()}
    slots = dict(plan.slots)
    for name in plan.varying:
        slots[name] = markup.fill_paragraphs(slots[name], values)
    own: set[str] = set()  # the slots and photos the ward gives itself
    for column, value in fields.items():
        if value and _names_words(plan, column):
            paragraphs = markup.parse_markdown(value, campaign.language)
            if campaign.typographic_punctuation:
                paragraphs = punctuation.typographic_paragraphs(paragraphs)
            slots[column] = markup.fill_paragraphs(paragraphs, values)
            own.add(column)
    images = _photos(plan, ward, fields)
    own.update(column for column, photo in images.items() if photo != campaign.images[column])
    for credit in plan.credits:
        if credit.photo in own and credit.slot not in own:
            slots[credit.slot] = ()
            findings.append(
                Finding(
                    "warning",
                    "photo-credit",
                    f"the ward's own photo (column '{credit.photo}', {campaign.wards_path.name} line {ward.line}) "
                    f"prints without a credit, not the campaign photo's: give its credit in a column "
                    f"'{credit.slot}'",
                    ward.code,
                    credit.page,
                    credit.frame,
                )
            )
    return Variant(
        ward=ward,
        campaign=campaign,
        title=f"{campaign.title} - {ward.name} ({ward.code})",
        signup_url=signup_url(campaign, fields),
        slots=slots,
        images=images,
        fields=fields,
        values=values,
        findings=tuple(replace_ward(f, ward.code) for f in plan.notes) + tuple(findings),
    )


def ward_photos(plan: VariantPlan, ward: Ward) -> dict[str, Path]:
    """The photos the ward's leaflet prints, by image slot: what ``make_variant`` gives, without
    the rest of the variant (a build's input digests need only these)."""
    return _photos(plan, ward, _fields_in_language(plan, ward)[0])


def _names_words(plan: VariantPlan, column: str) -> bool:
    """A column named like a slot gives the ward's words for it (a ward's code and name never do)."""
    return column in plan.slots and column not in ("code", "name")


def _photos(plan: VariantPlan, ward: Ward, fields: dict[str, str]) -> dict[str, Path]:
    """A non-empty cell in a column named like an image slot (and not like a slot) names that
    slot's photo; the campaign's own photo, named again, is still its own."""
    campaign = plan.campaign
    images = campaign.images
    for column, value in fields.items():
        if value and column in images and not _names_words(plan, column):
            photo = _ward_photo(campaign, ward, column, value)
            if photo != images[column]:
                images = {**images, column: photo}
    return images


def replace_ward(finding: Finding, code: str) -> Finding:
    return Finding(finding.severity, finding.rule, finding.message, code, finding.page, finding.frame)


def _fields_in_language(plan: VariantPlan, ward: Ward) -> tuple[dict[str, str], list[Finding]]:
    """The ward's values for its language's leaflet, and a finding for each that falls back."""
    if not plan.language_columns:
        return ward.fields, []
    fields = dict(ward.fields)
    findings = []
    severity: Severity = "error" if plan.base.translations == "complete" else "warning"
    for column, plain in plan.language_columns:
        value = ward.fields[column]
        if value:
            fields[plain] = value
        elif ward.fields.get(plain) and plain in plan.used_columns:
            findings.append(
                Finding(
                    severity,
                    "untranslated",
                    f"column '{column}' is blank ({plan.base.wards_path.name} line {ward.line}): the leaflet prints "
                    f"'{shorten(ward.fields[plain])}' from column '{plain}', in the campaign's language "
                    f"({plan.base.language})",
                    ward.code,
                )
            )
    return fields, findings


def slot_frames(layout: Layout) -> dict[str, tuple[str, str]]:
    """Each slot a frame takes words from -> the page and name of the first frame that does."""
    frames: dict[str, tuple[str, str]] = {}
    for page in layout.pages:
        for frame in page.frames:
            for slot in frame_slots(frame, layout.flows)[0]:
                frames.setdefault(slot, (page.name, frame.name))
    return frames
