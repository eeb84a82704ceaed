"""A campaign folder + its wards -> a prepared run: the campaign in every language its wards ask
for, the layout's shared work done once, and the shared part of every print file serialised.

Each ward then costs its own variant, the layout of its own frames and a few PDF objects.  Worker
processes are forked after preparing, so they share all of it copy-on-write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from leaflet.errors import InputError, shorten
from leaflet.model import Campaign, LaidOutLeaflet, Ward
from leaflet.read.campaigns import load_campaign, load_language
from leaflet.read.project import named_inside, on_disk, outside_project
from leaflet.read.wards import LANGUAGE_CODE, load_wards, select_wards
from leaflet.runs.files import WriteBehind, write_print_file
from leaflet.runs.local import overlay_approved
from leaflet.runs.manifest import PRINT_ORDER_COLUMNS
from leaflet.ward.layout import PreparedLayout, faces_needed, lay_out, prepare_layout
from leaflet.ward.marks import SlugSetter
from leaflet.ward.plates import PlatePlan, plate_plan, ward_changeable
from leaflet.ward.variant import Variant, VariantPlan, make_variant, plan_variants, ward_fields_used, ward_language
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
    plans: dict[str, VariantPlan]  # by language, as ``campaigns``
    layout: PreparedLayout
    document: PreparedDocument
    samples: dict[str, LaidOutLeaflet]  # by language: a ward with every field blank, its static frames
    columns: tuple[str, ...]  # the wards file's
    slugs: SlugSetter | None = None  # with crop marks: each page's slug outside the bleed

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[""]

    @cached_property
    def plates(self) -> PlatePlan:
        """Which printing plates differ from ward to ward (and between languages)."""
        local = self.campaign.local
        changeable = {language: ward_changeable(plan, self.columns, local) for language, plan in self.plans.items()}
        layout = self.campaign.layout
        return plate_plan(layout, self.samples, changeable, self.layout.ward_url, layout.press.overprint_black)

    def variant(self, ward: Ward) -> Variant:
        return make_variant(self.plans[ward_language(ward, self.campaign)], ward)

    def lay_out(self, ward: Ward, variant: Variant | None = None) -> LaidOutLeaflet:
        leaflet = lay_out(self.layout, variant or self.variant(ward))
        return self.slugs.add_slugs(leaflet) if self.slugs else leaflet

    def draw(self, leaflet: LaidOutLeaflet) -> bytes:
        return file_from_pages(draw_pages(leaflet, self.document), self.document)

    def write(self, leaflet: LaidOutLeaflet, path: Path) -> tuple[WardPages, str]:
        """Draw a ward's print file into ``path`` atomically; its pages and SHA-256."""
        pages, tail = self.draw_tail(leaflet)
        self.write_file(path, pages, tail)
        return pages, self.file_sha256(pages, tail)

    def draw_tail(self, leaflet: LaidOutLeaflet) -> tuple[WardPages, bytes]:
        """A ward's pages and the part of its print file that is its own (after the shared head)."""
        pages = draw_pages(leaflet, self.document)
        return pages, file_tail(pages, self.document)

    def write_file(self, path: Path, pages: WardPages, tail: bytes, behind: WriteBehind | None = None) -> None:
        """The print file of shared head + ``tail`` written into ``path`` atomically (by
        ``behind``, while the caller goes on, when given), from the run's one copy of the
        ward's part (only the artwork its pages draw)."""
        head = self.document.part_for(pages).shared.head
        if behind:
            behind.write(path, head, tail)
        else:
            write_print_file(path, head, tail)

    def file_sha256(self, pages: WardPages, tail: bytes) -> str:
        """The SHA-256 of the print file of ``pages``' shared head + ``tail``, before it is written."""
        digest = self.document.part_for(pages).head_hash.copy()
        digest.update(tail)
        return digest.hexdigest()


def load(
    campaign_dir: Path,
    wards_csv: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    approved_local: bool = True,
) -> tuple[dict[str, Campaign], list[Ward]]:
    """The campaign in each language its wards ask for, and the (chosen) wards, each with its
    approved local version (``leaflet serve``) laid over its row unless not ``approved_local``.
    Each campaign's ``wards_path`` is the wards file in use, named as the user gave it."""
    campaign = load_campaign(Path(campaign_dir))
    wards_path = _given_wards_file(Path(wards_csv), campaign.project) if wards_csv else campaign.wards_path
    campaign = replace(campaign, wards_path=wards_path)
    wards = load_wards(wards_path, ward_fields_used(campaign), multiline_columns=set(campaign.slots))
    missing = [column for column in PRINT_ORDER_COLUMNS if column not in wards[0].fields]
    if missing:
        raise InputError(
            wards_path,
            "line 1",
            f"no '{missing[0]}' column: the print order (manifest.csv) needs each ward's number of {missing[0]}",
            "add the column, a whole number for every ward",
        )
    wards = select_wards(wards, list(ward_codes or []), wards_path)
    if approved_local:
        wards = overlay_approved(campaign, wards)
    campaigns = {"": campaign}
    for ward in wards:
        language = ward_language(ward, campaign)
        if language not in campaigns:
            if not LANGUAGE_CODE.fullmatch(language):
                raise InputError(
                    wards_path,
                    f"line {ward.line}",
                    f"'{shorten(language)}' is not a language code",
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
    for path in sorted(campaign.root.glob("campaign.*.yaml")):  # every language, also one no ward asks for:
        language = path.name.split(".")[1]  # the files every ward shares hold them all
        if language not in campaigns and language != campaign.language and LANGUAGE_CODE.fullmatch(language):
            campaigns[language] = load_language(campaign, language, wards_path, 1)
    return campaigns, wards


def _given_wards_file(path: Path, project: Path) -> Path:
    """A wards file passed on the command line, as it is on disk.  It may be anywhere the user
    names, but one named inside the project may not be a link that leads out of it."""
    found = on_disk(path)
    problem = outside_project(found, project) if named_inside(found, project) else None
    if problem:
        raise InputError(path, None, problem, "pass the file the link leads to, or copy it into the project")
    return found


def prepare_run(campaigns: dict[str, Campaign], wards: list[Ward], crop_marks: bool = False) -> PreparedRun:
    """What every ward's file shares depends on the campaign in each of its languages and the
    spreadsheet's columns, never on which ``wards`` a run builds: a ward built alone gives the
    same bytes as in a full build."""
    base = campaigns[""]
    layout = prepare_layout(base)
    columns = wards[0].fields
    plans = plan_variants(campaigns, columns)
    samples = {  # a ward with every field blank shows the static frames, which are every ward's
        language: lay_out(layout, make_variant(plans[language], _blank_ward(campaign, columns)))
        for language, campaign in sorted(campaigns.items())
    }
    characters = characters_needed(campaigns.values())
    document = prepare_document(base.layout, list(samples.values()), faces_needed(base.layout), characters, crop_marks)
    slugs = SlugSetter(layout) if crop_marks else None
    return PreparedRun(campaigns, plans, layout, document, samples, tuple(columns), slugs)


def _blank_ward(campaign: Campaign, columns: Iterable[str]) -> Ward:
    return Ward("", "", dict.fromkeys([*columns, *sorted(ward_fields_used(campaign)), "code", "name"], ""), 0)


def characters_needed(campaigns: Iterable[Campaign], wards: Iterable[Ward] = ()) -> set[str]:
    """Every character the campaign's own words (and the ``wards``' cells, when given) can set, in
    both cases (styles may set capitals)."""
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
