"""Campaign + one ward -> that ward's variant: placeholders filled, its sign-up URL.

Slots without placeholders are passed on as the very same objects for every ward, which is what
lets layout and draw do their work for them once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from . import markup
from .model import Campaign, Paragraph, Ward


@dataclass(frozen=True)
class Variant:
    ward: Ward
    title: str
    signup_url: str
    slots: dict[str, tuple[Paragraph, ...]]
    imprint: str


def ward_fields_used(campaign: Campaign) -> set[str]:
    """Every ward column that the campaign's words or sign-up URL refer to."""
    used = markup.placeholders(campaign.signup_url)
    for paragraphs in campaign.slots.values():
        used |= markup.paragraphs_placeholders(paragraphs)
    return used


def ward_slots(campaign: Campaign) -> frozenset[str]:
    """The slots whose text differs from ward to ward."""
    return frozenset(name for name, paragraphs in campaign.slots.items() if markup.paragraphs_placeholders(paragraphs))


def signup_url(campaign: Campaign, ward: Ward) -> str:
    encoded = {name: quote(value, safe="") for name, value in ward.fields.items()}
    return markup.fill(campaign.signup_url, encoded)


def make_variant(campaign: Campaign, ward: Ward, varying: frozenset[str]) -> Variant:
    slots = {
        name: markup.fill_paragraphs(paragraphs, ward.fields) if name in varying else paragraphs
        for name, paragraphs in campaign.slots.items()
    }
    return Variant(
        ward=ward,
        title=f"{campaign.title} - {ward.name} ({ward.code})",
        signup_url=signup_url(campaign, ward),
        slots=slots,
        imprint=campaign.imprint.text,
    )
