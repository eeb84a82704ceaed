"""A campaign folder + its wards -> a prepared run: the campaign in every language its wards ask
for, the layout's shared work done once, and the shared part of every print file serialised.

Each ward then costs its own variant, the layout of its own frames and a few PDF objects.  Worker
processes are forked after preparing, so they share all of it copy-on-write.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from leaflet.errors import InputError, LeafletError
from leaflet.model import Campaign, LaidOutLeaflet, Ward
from leaflet.read.campaigns import load_campaign, load_language
from leaflet.read.wards import load_wards, select_wards
from leaflet.runs.files import write_atomically
from leaflet.ward.layout import PreparedLayout, faces_needed, lay_out, prepare_layout
from leaflet.ward.variant import make_variant, ward_fields_used, ward_language, ward_slots
from leaflet.write.draw import (
    PreparedDocument,
    WardPages,
    draw_pages,
    file_from_pages,
    file_tail,
    prepare_document,
)


@dataclass
class PreparedRun:
    """Everything a run prepares once and reuses for every ward."""

    campaigns: dict[str, Campaign]  # by language, "" for campaign.yaml's own
    varying: dict[str, frozenset[str]]
    layout: PreparedLayout
    document: PreparedDocument

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[""]

    @cached_property
    def head_hash(self) -> hashlib._Hash:
        return hashlib.sha256(self.document.shared.head)

    def lay_out(self, ward: Ward) -> LaidOutLeaflet:
        language = ward_language(ward, self.campaign)
        return lay_out(self.layout, make_variant(self.campaigns[language], ward, self.varying[language]))

    def draw(self, leaflet: LaidOutLeaflet) -> bytes:
        return file_from_pages(draw_pages(leaflet, self.document), self.document)

    def write(self, leaflet: LaidOutLeaflet, path: Path) -> tuple[WardPages, str]:
        """Draw a ward's print file into ``path`` atomically; its pages and SHA-256."""
        pages, tail = self.draw_tail(leaflet)
        return pages, self.write_file(path, tail)

    def draw_tail(self, leaflet: LaidOutLeaflet) -> tuple[WardPages, bytes]:
        """A ward's pages and the part of its print file that is its own (after the shared head)."""
        pages = draw_pages(leaflet, self.document)
        return pages, file_tail(pages, self.document)

    def write_file(self, path: Path, tail: bytes) -> str:
        """The print file of shared head + ``tail`` written into ``path`` atomically; its SHA-256.

        The shared head is written from the run's one copy and hashed once per run: per ward,
        only the ward's own tail is built and hashed."""
        write_atomically(path, self.document.shared.head, tail)
        digest = self.head_hash.copy()
        digest.update(tail)
        return digest.hexdigest()


def load(
    campaign_dir: Path, wards_csv: Path | None = None, ward_codes: Iterable[str] | None = None
) -> tuple[dict[str, Campaign], list[Ward]]:
    """The campaign in each language its wards ask for, and the (chosen) wards."""
    campaign = load_campaign(Path(campaign_dir))
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    wards = select_wards(load_wards(wards_path, ward_fields_used(campaign)), list(ward_codes or []), wards_path)
    campaigns = {"": campaign}
    for ward in wards:
        language = ward_language(ward, campaign)
        if language not in campaigns:
            if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
                raise InputError(
                    wards_path,
                    f"line {ward.line}",
                    f"'{language}' is not a language code",
                    "use a code such as cy, gd or ga, or leave it blank",
                )
            campaigns[language] = load_language(campaign, language, wards_path, ward.line)
            missing = sorted(ward_fields_used(campaigns[language]) - set(ward.fields))
            if missing:
                raise InputError(
                    wards_path,
                    "line 1",
                    f"no '{missing[0]}' column, but campaign.{language}.yaml uses {{ward.{missing[0]}}}",
                    "add the column or remove the placeholder",
                )
    return campaigns, wards


def prepare_run(campaigns: dict[str, Campaign], wards: list[Ward], crop_marks: bool = False) -> PreparedRun:
    base = campaigns[""]
    layout = prepare_layout(base)
    varying = {language: ward_slots(campaign) for language, campaign in campaigns.items()}
    samples = {}
    for ward in wards:  # one ward per language shows every static frame of that language
        language = ward_language(ward, base)
        if language not in samples:
            try:
                samples[language] = lay_out(layout, make_variant(campaigns[language], ward, varying[language]))
            except LeafletError:  # the ward's own input cannot be used: its preflight says so
                continue
    characters = characters_needed(campaigns.values(), wards)
    document = prepare_document(base.layout, list(samples.values()), faces_needed(base.layout), characters, crop_marks)
    return PreparedRun(campaigns, varying, layout, document)


def characters_needed(campaigns: Iterable[Campaign], wards: Iterable[Ward]) -> set[str]:
    """Every character the run's text can contain, in both cases (styles may set capitals)."""
    texts = [
        run.text
        for campaign in campaigns
        for paragraphs in campaign.slots.values()
        for p in paragraphs
        for run in p.runs
    ]
    texts.extend(campaign.imprint.text for campaign in campaigns)
    texts.extend(value for ward in wards for value in ward.fields.values())
    characters = set("".join(texts))
    return characters | set("".join(texts).upper())
