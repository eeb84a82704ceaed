"""A prepared run + one ward -> its preflight findings, as every command runs them: the laid-out
pages checked, and the print file read back where it holds something of the ward's own.

The shared part of every print file of the run is read back once, from one ward's file, when
the run starts; per ward, its laid-out pages are checked and, after drawing, what is its own.
"""

from __future__ import annotations

from dataclasses import replace

from leaflet.errors import InputError, LeafletError
from leaflet.model import Finding, LaidOutLeaflet, Ward, mm_to_pt
from leaflet.rules.laid_out import LaidOutRules
from leaflet.rules.print_file import print_file_findings, qr_decode_findings
from leaflet.rules.ward_input import WardInputRules
from leaflet.runs.manifest import PRINT_ORDER_COLUMNS, whole_number
from leaflet.runs.prepare import PreparedRun
from leaflet.write.draw import WardPages


class Preflight:
    """The checks every command runs on a ward of one run."""

    def __init__(self, run: PreparedRun, wards: list[Ward]):
        self.run = run
        wordings = tuple(dict.fromkeys(campaign.imprint.wording for campaign in run.campaigns.values()))
        self.rules = LaidOutRules(run.campaign.layout, run.layout.metrics, imprint_wordings=wordings)
        self.inputs = WardInputRules(run.plans, wards[0].fields)
        self.trim_width_pt = mm_to_pt(run.campaign.layout.trim_width_mm)
        sample = run.lay_out(wards[0])
        self.file_findings = tuple(print_file_findings(run.draw(sample)))

    def lay_out(self, ward: Ward) -> tuple[LaidOutLeaflet | None, list[Finding]]:
        """The ward laid out and checked; no leaflet when its own input cannot be used, nor when
        the print order cannot count its copies (not even with --force: the quantity would be
        wrong)."""
        try:
            variant = self.run.variant(ward)
            leaflet = self.run.lay_out(ward, variant)
        except LeafletError as error:
            return None, [Finding("error", "input", str(error), ward.code)]
        findings = self.inputs.check(variant) + self.rules.check(leaflet)
        findings += [replace(f, ward=ward.code) for f in self.file_findings]
        try:
            for column in PRINT_ORDER_COLUMNS:
                whole_number(ward, column, self.run.campaign.wards_path)
        except InputError as error:
            return None, [*findings, Finding("error", "input", str(error), ward.code)]
        return leaflet, findings

    def read_back(self, data: bytes, pages: WardPages, leaflet: LaidOutLeaflet, render_qr: bool) -> list[Finding]:
        """The ward's print file read back: its QR code rendered and decoded (``render_qr``), and
        its structure when it carries photos of its own (the rest was read at the start)."""
        findings = print_file_findings(data, leaflet.ward.code) if pages.images else []
        if render_qr:
            findings.extend(qr_decode_findings(data, leaflet, self.trim_width_pt))
        return findings
