"""A campaign folder + its wards -> one print PDF per ward, the print order, and optionally one
combined print file (``leaflet build``); written atomically, in parallel processes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.model import Campaign, Finding, Ward
from leaflet.runs.approvals import migrate_approvals, print_gate, sign_off_needed
from leaflet.runs.audit import record_build
from leaflet.runs.bill import Bill, SpendingReport, check_spending, money_text, press_bill, spending_json
from leaflet.runs.digests import InputDigests
from leaflet.runs.files import atomic_file, claim_output_folder, remove_partial_files, write_atomically
from leaflet.runs.local import pending_reviews
from leaflet.runs.manifest import (
    ManifestRow,
    manifest_csv,
    manifest_json,
    manifest_row,
    order_quantities,
    read_manifest_rows,
)
from leaflet.runs.names import output_names, slug
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, load, prepare_run
from leaflet.runs.riso_manifest import refuse_other_output
from leaflet.version import __version__
from leaflet.ward.plates import plates_line, plates_summary
from leaflet.ward.variant import ward_language
from leaflet.write.draw import WardPages
from leaflet.write.job import CombinedFile


@dataclass(frozen=True)
class WardResult:
    ward: Ward
    path: Path | None  # None when the ward failed
    findings: tuple[Finding, ...]
    up_to_date: bool = False  # its file from the last build was kept: nothing it is made from changed

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class BuildReport:
    campaign: Campaign
    out_dir: Path
    results: tuple[WardResult, ...]
    manifest: tuple[ManifestRow, ...]
    combined: Path | None = None
    unapproved: dict[str, str] = field(default_factory=dict)  # where sign-off is needed: code -> why not printed
    awaiting_review: dict[str, str] = field(default_factory=dict)  # local versions submitted, not yet approved
    bill: Bill | None = None  # the printer's bill, when the campaign gives prices
    spending: SpendingReport | None = None  # the bill against the spending limit, when there is one
    notes: tuple[str, ...] = ()  # approvals.json migrated, sign-offs that no longer hold
    signed_only: bool = False  # only signed-off wards were printed, each exactly as signed
    plates: str = ""  # which printing plates differ from ward to ward, for a litho printer

    @property
    def failed(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is None)

    @property
    def written(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is not None)

    @property
    def kept(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.up_to_date)


@dataclass
class _WardBuilder:
    """One ward: lay out, check, and unless an error stops it, write its print file."""

    run: PreparedRun
    preflight: Preflight
    out_dir: Path
    names: dict[str, str]
    combined: bool
    force: bool
    previous: dict[str, ManifestRow]  # the last build's rows: a ward whose inputs match is kept
    run_key: bytes  # what every file of the run shares: its head, the options, leaflet's version
    signed: dict[str, str]  # where sign-off is needed: code -> the SHA-256 its print file must have

    def _inputs_digest(self, ward: Ward) -> str:
        try:
            inputs = self.digests.ward_inputs(ward)
        except LeafletError:
            return ""  # building the ward will say what is wrong
        return hashlib.sha256(self.run_key + json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()

    @cached_property
    def digests(self) -> InputDigests:
        return InputDigests(self.run.campaigns)

    def _kept(self, ward: Ward, inputs: str) -> ManifestRow | None:
        """The last build's row, if its file is still what that build wrote from these inputs."""
        row = self.previous.get(ward.code)
        path = self.out_dir / self.names[ward.code]
        if not inputs or row is None or row.inputs != inputs or row.file != path.name:
            return None
        try:
            return row if hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256 else None
        except OSError:
            return None

    def __call__(self, ward: Ward) -> tuple[WardResult, ManifestRow | None, WardPages | None]:
        inputs = self._inputs_digest(ward)
        kept = None if self.combined else self._kept(ward, inputs)
        if kept and kept.sha256 == self.signed.get(ward.code, kept.sha256):
            return WardResult(ward, self.out_dir / kept.file, (), up_to_date=True), kept, None
        leaflet, findings = self.preflight.lay_out(ward)
        if leaflet is None or (not self.force and any(f.severity == "error" for f in findings)):
            return WardResult(ward, None, tuple(findings)), None, None
        path = self.out_dir / self.names[ward.code]
        pages, sha256 = self.run.write(leaflet, path)
        if sha256 != self.signed.get(ward.code, sha256):  # checked as written: never print what was not signed
            path.unlink()
            return WardResult(ward, None, (*findings, _not_as_signed(ward, self.signed[ward.code], sha256))), None, None
        if pages.images:
            findings += self.preflight.read_back(path.read_bytes(), pages, leaflet, render_qr=False)
        campaign = self.run.campaigns[ward_language(ward, self.run.campaign)]
        row = manifest_row(campaign, ward, path, len(pages.contents), sha256, inputs)
        return WardResult(ward, path, tuple(findings)), row, pages if self.combined else None


def _not_as_signed(ward: Ward, signed: str, built: str) -> Finding:
    return Finding(
        "error",
        "sign-off",
        f"its print file is not the one signed off (SHA-256 {built[:12]}…, signed {signed[:12]}…): the run's shared "
        "part differs (another ward's words, fewer wards in the build, --marks, SOURCE_DATE_EPOCH); build every ward "
        "as when it was signed, or sign it off again",
        ward.code,
    )


def build(
    campaign_dir: Path,
    out_dir: Path | None = None,
    wards_csv: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    progress: Progress | None = None,
    crop_marks: bool = False,
    jobs: int = 1,
    combined: bool = False,
    force: bool = False,
    approved_only: bool = False,
    over_limit: bool = False,
    print_unapproved: bool = False,
) -> BuildReport:
    """Build every (or every chosen) ward's print PDF into ``out_dir`` (default out/<campaign>).

    ``crop_marks`` adds trim marks outside the bleed (most online printers add their own);
    ``jobs`` is how many processes build wards; ``combined`` also writes one PDF of all wards;
    ``approved_only`` builds only wards whose sign-off still holds (``approve``), each exactly as
    signed; a campaign with ``require_sign_off`` builds only those unless ``print_unapproved``.
    Every ward is preflighted as ``leaflet check`` does, but for decoding its QR code from a
    render; a ward with an error gets no print file unless ``force``, and the others are still
    built.  The print bill (``campaign.prices``) is checked against the spending limit before
    anything is written: over it, the build is refused unless ``over_limit``.
    """
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    note = migrate_approvals(campaign, wards_csv)
    awaiting_review = pending_reviews(campaign, wards)
    signed_only = sign_off_needed(campaign, approved_only, print_unapproved)
    gate = print_gate(campaigns, wards, signed_only)
    wards, unapproved_wards = gate.wards, gate.refused
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    bill = press_bill(campaign, order_quantities(campaign, wards))
    spending = check_spending(campaign, bill, "press", wards, wards_path, over_limit)
    refuse_other_output(out_dir, "press")
    names = output_names(wards, wards_path)
    combined_path = out_dir / f"{slug(campaign.name)}-all-wards.pdf" if combined else None
    claim_output_folder(
        out_dir,
        campaign,
        [*names.values(), "manifest.csv", "manifest.json", *([combined_path.name] if combined_path else [])],
    )
    remove_partial_files(out_dir)  # a run that was killed outright could not clean up
    run = prepare_run(campaigns, wards, crop_marks)
    run_key = b"|".join((run.document.shared.digest, __version__.encode(), b"marks" if crop_marks else b""))
    builder = _WardBuilder(
        run,
        Preflight(run, wards),
        out_dir,
        names,
        combined,
        force,
        read_manifest_rows(out_dir),
        run_key,
        gate.signed_sha256,
    )
    results: list[WardResult] = []
    rows: list[ManifestRow] = []
    with ExitStack() as files:
        combined_file = None
        if combined_path:
            stream = files.enter_context(atomic_file(combined_path))
            combined_file = CombinedFile(stream, run.document, f"{campaign.title} - all wards")
        try:
            for index, (result, row, pages) in enumerate(map_wards(builder, wards, jobs)):
                results.append(result)
                if row:
                    rows.append(row)
                if combined_file and pages:
                    combined_file.add(pages)
                if progress:
                    progress(index + 1, len(wards))
        except BaseException:
            remove_partial_files(out_dir)  # workers stopped mid-write leave their temporary files
            raise
        if combined_file:
            combined_file.close()
    if bill:
        rows = [replace(row, cost=money_text(bill.costs[row.code])) for row in rows]
    write_atomically(out_dir / "manifest.csv", manifest_csv(rows))
    languages = len({ward_language(ward, campaign) for ward in wards})
    write_atomically(
        out_dir / "manifest.json",
        manifest_json(
            campaign, rows, spending_json(spending) if spending else None, plates_summary(run.plates, languages)
        ),
    )
    report = BuildReport(
        campaign,
        out_dir,
        tuple(results),
        tuple(rows),
        combined_path,
        unapproved_wards,
        awaiting_review,
        bill,
        spending,
        (*([note] if note else []), *gate.stale),
        signed_only,
        plates_line(run.plates, languages),
    )
    record_build(campaign, out_dir, report.manifest, unapproved_wards, signed_only, print_unapproved)
    return report
