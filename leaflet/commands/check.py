"""A campaign folder + its wards -> every ward preflighted (``leaflet check``): the findings of
``check`` for each ward, its QR code decoded from a 300 dpi render of its print file.

Nothing is written: each ward's print file is drawn in memory, read back and dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from leaflet.model import Campaign, Finding, Ward
from leaflet.rules.catalogue import RULES
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, load, prepare_run
from leaflet.write.draw import draw_pages, file_from_pages

SEVERITY_ORDER = {"error": 0, "warning": 1}


@dataclass(frozen=True)
class CheckReport:
    campaign: Campaign
    wards: tuple[Ward, ...]
    findings: tuple[Finding, ...]  # in ward order, then page, frame, rule

    def failing(self, strict: bool = False) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error" or strict)


@dataclass
class _WardChecker:
    run: PreparedRun
    preflight: Preflight

    def __call__(self, ward: Ward) -> list[Finding]:
        leaflet, findings = self.preflight.lay_out(ward)
        if leaflet is None:
            return findings
        pages = draw_pages(leaflet, self.run.document)
        return findings + self.preflight.read_back(
            file_from_pages(pages, self.run.document), pages, leaflet, render_qr=True
        )


def check_campaign(
    campaign_dir: Path,
    wards_csv: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> CheckReport:
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    run = prepare_run(campaigns, wards)
    findings: list[Finding] = []
    for index, ward_findings in enumerate(map_wards(_WardChecker(run, Preflight(run, wards)), wards, jobs)):
        findings.extend(
            sorted(
                ward_findings,
                key=lambda f: (f.page or "", f.frame or "", SEVERITY_ORDER[f.severity], f.rule, f.message),
            )
        )
        if progress:
            progress(index + 1, len(wards))
    return CheckReport(campaigns[""], tuple(wards), tuple(findings))


def findings_json(report: CheckReport) -> str:
    """The stable machine-readable form: documented in the README."""
    document = {
        "campaign": report.campaign.name,
        "wards_checked": len(report.wards),
        "errors": sum(1 for f in report.findings if f.severity == "error"),
        "warnings": sum(1 for f in report.findings if f.severity == "warning"),
        "findings": [asdict(f) for f in report.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def findings_table(findings: Iterable[Finding], ward_count: int) -> str:
    """Findings grouped by rule, with counts and the first few places, for a terminal."""
    findings = list(findings)
    lines = []
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault((finding.rule, finding.severity), []).append(finding)
    for (rule, severity), group in sorted(by_rule.items(), key=lambda item: (SEVERITY_ORDER[item[0][1]], item[0][0])):
        wards = len({f.ward for f in group})
        lines.append(f"{severity.upper():7} {rule}: {len(group)} finding(s) in {wards} ward(s) — {RULES.get(rule, '')}")
        for finding in group[:5]:
            place = " ".join(
                part for part in (finding.ward, finding.page, f"'{finding.frame}'" if finding.frame else None) if part
            )
            lines.append(f"          {place}: {finding.message}")
        if len(group) > 5:
            lines.append(f"          ... and {len(group) - 5} more (--json lists them all)")
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    lines.append(f"checked {ward_count} ward(s): {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)
