"""A prepared run + one ward -> its preflight findings, as every command runs them: the laid-out
pages checked, and the print file read back where it holds something of the ward's own.

The shared part of every print file of the run is read back once, from one ward's file, when
the run starts; per ward, its laid-out pages are checked and, after drawing, what is its own.
"""

from __future__ import annotations

from dataclasses import replace

from leaflet.errors import LeafletError
from leaflet.model import Finding, LaidOutLeaflet, Ward, mm_to_pt
from leaflet.rules.laid_out import LaidOutRules
from leaflet.rules.print_file import print_file_findings, qr_decode_findings
from leaflet.rules.ward_input import WardInputRules
from leaflet.runs.manifest import print_order_findings
from leaflet.runs.prepare import PreparedRun
from leaflet.write.draw import WardPages


def _first_laid_out(run: PreparedRun, wards: list[Ward]) -> LaidOutLeaflet | None:
    """The first ward that can be laid out: one whose own input cannot be used (a photo that
    is missing, say) gets its finding when it is checked, like any other ward."""
    for ward in wards:
        try:
            return run.lay_out(ward)
        except LeafletError:
            continue
    return None


class Preflight:
    """The checks every command runs on a ward of one run."""

    def __init__(self, run: PreparedRun, wards: list[Ward]):
        self.run = run
        wordings = tuple(dict.fromkeys(campaign.imprint.wording for campaign in run.campaigns.values()))
        self.rules = LaidOutRules(run.campaign.layout, run.layout.metrics, imprint_wordings=wordings)
        self.inputs = WardInputRules(run.plans, wards[0].fields)
        self.trim_width_pt = mm_to_pt(run.campaign.layout.trim_width_mm)
        sample = _first_laid_out(run, wards)
        data = run.draw(sample) if sample else b""  # no ward can be laid out: each is refused
        self.file_findings = tuple(print_file_findings(data)) if data else ()
        self.file_size = len(data)  # one ward's print file: what a build needs room for per ward

    def lay_out(self, ward: Ward) -> tuple[LaidOutLeaflet | None, list[Finding]]:
        """The ward laid out and checked; no leaflet when its own input cannot be used, nor when
        the print order cannot count its copies (not even with --force: the quantity would be
        wrong)."""
        uncountable = print_order_findings(ward, self.run.campaign.wards_path)
        try:
            variant = self.run.variant(ward)
            leaflet = self.run.lay_out(ward, variant)
        except LeafletError as error:
            return None, [Finding("error", "input", str(error), ward.code), *uncountable]
        findings = self.inputs.check(variant) + self.rules.check(leaflet)
        findings += [replace(f, ward=ward.code) for f in self.file_findings]
        return (None if uncountable else leaflet), findings + uncountable

    def read_back(self, data: bytes, pages: WardPages, leaflet: LaidOutLeaflet, render_qr: bool) -> list[Finding]:
        """The ward's print file read back: its QR code rendered and decoded (``render_qr``), and
        its structure when it carries photos of its own (the rest was read at the start)."""
        findings = print_file_findings(data, leaflet.ward.code) if pages.images else []
        if render_qr:
            findings.extend(qr_decode_findings(data, leaflet, self.trim_width_pt))
        return findings
