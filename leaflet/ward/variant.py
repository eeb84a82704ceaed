"""Campaign + one ward -> that ward's variant: placeholders filled, overrides applied, its URL.

Whatever the ward does not change is passed on as the very same object for every ward, which is
what lets layout and draw do their work for it once per run (see ``layout._unit_inputs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from leaflet.errors import InputError
from leaflet.model import Campaign, Paragraph, Ward
from leaflet.read import markup, punctuation
from leaflet.read.project import project_folder


@dataclass(frozen=True)
class Variant:
    ward: Ward
    campaign: Campaign  # the campaign in the ward's language
    title: str
    signup_url: str
    slots: dict[str, tuple[Paragraph, ...]]
    images: dict[str, Path]
    values: dict[str, str]  # the ward's cells as its words have them (punctuated)


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


_URL_PUNCTUATION = "!#$%&'()*+,/:;=?@[]~"  # kept as written: with letters, digits and -._ the URL's ASCII


def ward_slots(campaign: Campaign) -> frozenset[str]:
    """The slots whose text differs from ward to ward."""
    return frozenset(name for name, paragraphs in campaign.slots.items() if markup.paragraphs_placeholders(paragraphs))


def signup_url(campaign: Campaign, ward: Ward) -> str:
    """The ward's address in ASCII: ward values percent-encoded as a query value or path segment,
    and any other non-ASCII character of the template as UTF-8 (as a browser sends it), so that
    no phone has to guess the character set of the QR code's bytes."""
    encoded = {name: quote(value, safe="") for name, value in ward.fields.items()}
    return quote(markup.fill(campaign.signup_url, encoded), safe=_URL_PUNCTUATION)


def _ward_photo(campaign: Campaign, ward: Ward, column: str, value: str) -> Path:
    path = (campaign.root / value).resolve()
    project = project_folder(campaign.root)
    if not path.is_relative_to(project):
        raise InputError(
            campaign.wards_path,
            f"line {ward.line}",
            f"column '{column}': '{value}' leads out of the project folder {project}",
            "keep photos inside it",
        )
    return path


def make_variant(campaign: Campaign, ward: Ward, varying: frozenset[str]) -> Variant:
    """``varying``: the slots with placeholders (``ward_slots``), computed once per run.

    A ward's non-empty cell in a column named like a slot replaces that slot's words (Markdown,
    placeholders allowed); in a column named like an image slot, that photo (a path from the
    campaign folder).
    """
    slots = dict(campaign.slots)
    language = ward.fields.get("language", "").strip().lower() or campaign.language
    values = ward.fields
    if campaign.typographic_punctuation:
        # The campaign's words were punctuated when loaded (a placeholder counting as a word), so
        # the ward's values are the words still to do.  The URL and file names use the cells as typed.
        values = {column: punctuation.typographic(value, language) for column, value in ward.fields.items()}
    for name in varying:
        slots[name] = markup.fill_paragraphs(slots[name], values)
    images = campaign.images
    for column, value in ward.fields.items():
        if not value:
            continue
        if column in slots and column not in ("code", "name"):
            paragraphs = markup.parse_markdown(value, language)
            if campaign.typographic_punctuation:
                paragraphs = punctuation.typographic_paragraphs(paragraphs)
            slots[column] = markup.fill_paragraphs(paragraphs, values)
        elif column in images:
            images = {**images, column: _ward_photo(campaign, ward, column, value)}
    return Variant(
        ward=ward,
        campaign=campaign,
        title=f"{campaign.title} - {ward.name} ({ward.code})",
        signup_url=signup_url(campaign, ward),
        slots=slots,
        images=images,
        values=values,
    )
