"""A campaign and its wards -> a prepared Riso run: the campaign in each language with the office
as the imprint's printer, the layout's Riso variant laid out (shared frames once), the sheet plan,
and each drum's shared objects serialised once.  Per ward: its Riso pages, checked, and its masters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from leaflet.assets.fonts import load_metrics
from leaflet.errors import InputError, LeafletError
from leaflet.model import Campaign, Finding, LaidOutLeaflet, Ward
from leaflet.read import markup
from leaflet.rules.laid_out import LaidOutRules
from leaflet.rules.riso import RisoRules
from leaflet.runs.manifest import print_order_findings
from leaflet.runs.prepare import characters_needed
from leaflet.ward.imposition import SheetPlan, sheet_plan
from leaflet.ward.layout import PreparedLayout, faces_needed, lay_out
from leaflet.ward.riso import RisoClipper, office_imprint, riso_layout
from leaflet.ward.variant import VariantPlan, make_variant, plan_variants, ward_language
from leaflet.write.riso import Master, RisoDocuments, prepare_drums, separate

NOT_FOR_RISO = {"bleed", "total-ink"}  # press rules a Riso page does not answer to: nothing bleeds, one ink a drum


@dataclass
class PreparedRiso:
    campaigns: dict[str, Campaign]  # by language, "" for campaign.yaml's own; the office prints them
    plans: dict[str, VariantPlan]  # by language, as ``campaigns``
    layout: PreparedLayout
    plan: SheetPlan
    clipper: RisoClipper
    documents: RisoDocuments
    press_rules: LaidOutRules
    rules: RisoRules

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[""]

    def lay_out(self, ward: Ward) -> LaidOutLeaflet:
        variant = make_variant(self.plans[ward_language(ward, self.campaign)], ward)
        return self.clipper.clip(lay_out(self.layout, variant))

    def check(self, ward: Ward) -> tuple[LaidOutLeaflet | None, list[Finding]]:
        """The ward's Riso pages and their findings: the press rules that hold for a Riso page,
        and the Riso's own; no pages when the ward's own input cannot be used, nor when the print
        order cannot count its copies (not even with --force)."""
        uncountable = print_order_findings(ward, self.campaign.wards_path)
        try:
            leaflet = self.lay_out(ward)
        except LeafletError as error:
            return None, [Finding("error", "input", str(error), ward.code), *uncountable]
        findings = [f for f in self.press_rules.check(leaflet) if f.rule not in NOT_FOR_RISO]
        return (None if uncountable else leaflet), findings + self.rules.check(leaflet) + uncountable

    def separate(self, leaflet: LaidOutLeaflet) -> dict[str, Master]:
        return separate(leaflet, self.documents)


def office_campaigns(campaigns: dict[str, Campaign]) -> dict[str, Campaign]:
    """The campaign in each language with the office printer in its imprint (refused without
    one: office output must say who printed it, and the commercial printer did not)."""
    base = campaigns[""]
    if base.layout.riso is None:
        raise InputError(
            base.layout.path,
            "riso",
            "missing: the layout does not say how it prints on a Riso",
            "add a riso section with its drums and where each swatch prints (see the README, Office output)",
        )
    if base.office_printer is None:
        raise InputError(
            base.path,
            "imprint.office_printer",
            "missing: office output must name who prints it in its imprint",
            "add imprint.office_printer: the office's name and address",
        )
    office_printer = base.office_printer
    imprints = {}  # one object per imprint: its frame is laid out once
    for campaign in campaigns.values():
        if id(campaign.imprint) not in imprints:
            imprints[id(campaign.imprint)] = office_imprint(campaign.imprint, office_printer)
    return {language: replace(c, imprint=imprints[id(c.imprint)]) for language, c in campaigns.items()}


def _sample_leaflets(
    campaigns: dict[str, Campaign], wards: list[Ward], lay_out_ward: Callable[[str, Ward], LaidOutLeaflet]
) -> dict[str, LaidOutLeaflet]:
    """One ward laid out per language (``lay_out_ward(language, ward)``), to show every static
    frame of that language once.  A ward whose own input cannot be used (its photo, say) is
    passed over: its check says so.  An input of the campaign's own that cannot be used (its
    photo, a words file) refuses the run: no ward could print."""
    own = {path for campaign in campaigns.values() for path in (*campaign.source_files, *campaign.images.values())}
    samples: dict[str, LaidOutLeaflet] = {}
    for ward in wards:
        language = ward_language(ward, campaigns[""])
        if language not in samples:
            try:
                samples[language] = lay_out_ward(language, ward)
            except InputError as error:
                if error.path in own:
                    raise
            except LeafletError:
                continue
    return samples


def prepare_riso(campaigns: dict[str, Campaign], wards: list[Ward]) -> PreparedRiso:
    office = office_campaigns(campaigns)
    base = office[""]
    layout = riso_layout(base.layout)
    metrics = {key: load_metrics(face) for key, face in layout.fonts.items()}
    prepared = PreparedLayout(layout, metrics, base.path, bool(markup.placeholders(base.signup_url)))
    plan = sheet_plan(layout)
    clipper = RisoClipper(layout, plan)
    plans = plan_variants(office, wards[0].fields)
    samples = _sample_leaflets(
        office, wards, lambda language, ward: clipper.clip(lay_out(prepared, make_variant(plans[language], ward)))
    )
    characters = characters_needed(office.values(), wards)
    documents = prepare_drums(layout, plan, list(samples.values()), faces_needed(layout), characters)
    wordings = tuple(dict.fromkeys(campaign.imprint.wording for campaign in office.values()))
    return PreparedRiso(
        office,
        plans,
        prepared,
        plan,
        clipper,
        documents,
        LaidOutRules(layout, metrics, imprint_wordings=wordings),
        RisoRules(layout, metrics, plan),
    )
