"""A campaign folder + its wards -> office (Riso) output (``leaflet build --for riso``): a file of
greyscale masters per drum (A4 sheets, the A5 pages 2-up, work-and-turn), a composite PNG per ward
simulating the inks on paper, and the print order with each ward's masters and cost.

Every ward is laid out and checked first, and its masters separated; wards whose masters are the
same share one.  Then the bill is set against the spending limit (refused over it, unless told),
and only then is anything written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from leaflet.errors import LeafletError
from leaflet.model import Campaign, Finding, Ward
from leaflet.rules.riso import composite_qr_findings
from leaflet.runs.approvals import approved_wards, sign_off_needed
from leaflet.runs.bill import (
    Bill,
    RisoWardPrint,
    SpendingReport,
    check_bill_inputs,
    check_spending,
    money_text,
    riso_bill,
    spending_json,
)
from leaflet.runs.files import atomic_file, claim_output_folder, remove_partial_files, write_atomically
from leaflet.runs.local import pending_reviews
from leaflet.runs.manifest import households
from leaflet.runs.names import output_names, slug
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.prepare import load
from leaflet.runs.riso import PreparedRiso, prepare_riso
from leaflet.runs.riso_manifest import (
    MasterUse,
    RisoRow,
    refuse_other_output,
    riso_copies,
    riso_manifest_csv,
    riso_manifest_json,
)
from leaflet.write.composite import COMPOSITE_DPI, composite, render_master
from leaflet.write.riso import DrumFile, Master


@dataclass(frozen=True)
class RisoWardResult:
    ward: Ward
    findings: tuple[Finding, ...]
    masters: tuple[MasterUse, ...] = ()  # none when the ward was not built
    composite: Path | None = None

    @property
    def built(self) -> bool:
        return bool(self.masters)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class RisoReport:
    campaign: Campaign
    out_dir: Path
    results: tuple[RisoWardResult, ...]  # in the order to print them
    drum_files: dict[str, Path]
    masters: dict[str, int]  # by drum, how many
    rows: tuple[RisoRow, ...]
    bill: Bill | None = None
    spending: SpendingReport | None = None
    unapproved: dict[str, str] = field(default_factory=dict)  # with approved_only: code -> what changed
    awaiting_review: dict[str, str] = field(default_factory=dict)  # local versions submitted, not yet approved

    @property
    def failed(self) -> tuple[RisoWardResult, ...]:
        return tuple(result for result in self.results if not result.built)

    @property
    def built(self) -> tuple[RisoWardResult, ...]:
        return tuple(result for result in self.results if result.built)

    @property
    def masters_total(self) -> int:
        return sum(self.masters.values())


@dataclass
class _Separator:
    """One ward: lay out its Riso pages, check them, and unless an error stops it, its masters."""

    run: PreparedRiso
    force: bool

    def __call__(self, ward: Ward) -> tuple[Ward, tuple[Finding, ...], dict[str, Master] | None]:
        leaflet, findings = self.run.check(ward)
        if leaflet is None or (not self.force and any(f.severity == "error" for f in findings)):
            return ward, tuple(findings), None
        return ward, tuple(findings), self.run.separate(leaflet)


@dataclass
class _Compositor:
    """One built ward: its composite written as a PNG, and its QR code read back from it."""

    run: PreparedRiso
    masters: dict[str, dict[str, Master]]  # by ward code
    paths: dict[str, Path]
    shared: set[str]  # digests of the masters several wards print from
    renders: dict[str, Image.Image] = field(default_factory=dict)  # of shared masters, in this process

    def __call__(self, ward: Ward) -> list[Finding]:
        masters = self.masters[ward.code]
        for master in masters.values():
            if master.digest in self.shared and master.digest not in self.renders:
                self.renders[master.digest] = render_master(master, self.run.documents, COMPOSITE_DPI)
        image = composite(masters, self.run.documents, COMPOSITE_DPI, self.renders)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)  # a picture to look at: speed over the last few bytes
        write_atomically(self.paths[ward.code], buffer.getvalue())
        try:
            leaflet = self.run.lay_out(ward)
        except LeafletError:
            return []  # said when it was separated
        return composite_qr_findings(image, COMPOSITE_DPI, leaflet, self.run.plan)


def build_riso(
    campaign_dir: Path,
    out_dir: Path | None = None,
    wards_csv: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    force: bool = False,
    approved_only: bool = False,
    over_limit: bool = False,
    print_unapproved: bool = False,
) -> RisoReport:
    """Office output of every (or every chosen) ward into ``out_dir`` (default out/<campaign>/riso).
    Where sign-off is needed (``approved_only``, or ``require_sign_off`` unless ``print_unapproved``)
    only wards whose sign-off still holds: their inputs are what was signed (the masters are not
    the signed press file's bytes)."""
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    awaiting_review = pending_reviews(campaign, wards)
    unapproved_wards: dict[str, str] = {}
    if sign_off_needed(campaign, approved_only, print_unapproved):
        wards, unapproved_wards = approved_wards(campaigns, wards)
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    check_bill_inputs(campaign, "riso", wards, wards_path)
    run = prepare_riso(campaigns, wards)
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name / "riso"
    refuse_other_output(out_dir, "riso")
    pictures = {code: name.removesuffix(".pdf") + ".png" for code, name in output_names(wards, wards_path).items()}
    drum_names = {drum: f"{slug(campaign.name)}-riso-{drum}.pdf" for drum in run.documents.drums}

    separated = []
    for index, result in enumerate(map_wards(_Separator(run, force), wards, jobs)):
        separated.append(result)
        if progress:
            progress(index + 1, len(wards))
    built = [(ward, masters) for ward, _, masters in separated if masters is not None]
    order = _print_order(built)
    pages: dict[str, dict[str, int]] = {drum: {} for drum in run.documents.drums}  # digest -> page
    users: dict[tuple[str, str], int] = {}
    for _, masters in order:
        for drum, master in masters.items():
            pages[drum].setdefault(master.digest, len(pages[drum]) + 1)
            users[(drum, master.digest)] = users.get((drum, master.digest), 0) + 1
    uses = {
        ward.code: tuple(
            MasterUse(drum, pages[drum][m.digest], users[(drum, m.digest)], len(order)) for drum, m in masters.items()
        )
        for ward, masters in order
    }
    copies = {
        ward.code: riso_copies(households(ward, campaign.wards_path), campaign.overs_percent) for ward, _ in order
    }
    prints = [RisoWardPrint(code, copies[code], tuple((m.label, m.wards) for m in uses[code])) for code in copies]
    bill = riso_bill(campaign, prints)
    spending = check_spending(campaign, bill, "riso", [ward for ward, _ in order], wards_path, over_limit)

    claim_output_folder(out_dir, campaign, [*drum_names.values(), *pictures.values(), "manifest.csv", "manifest.json"])
    remove_partial_files(out_dir)
    drum_files = {drum: out_dir / name for drum, name in drum_names.items()}
    try:
        with ExitStack() as files:
            writers = {
                drum: DrumFile(
                    files.enter_context(atomic_file(path)),
                    run.documents,
                    drum,
                    f"{campaign.title} - Riso masters, {drum} drum",
                )
                for drum, path in drum_files.items()
            }
            written: set[tuple[str, str]] = set()
            for _, masters in order:
                for drum, master in masters.items():
                    if (drum, master.digest) not in written:
                        written.add((drum, master.digest))
                        writers[drum].add(master)
            for writer in writers.values():
                writer.close()
        paths = {ward.code: out_dir / pictures[ward.code] for ward, _ in order}
        shared = {digest for (_, digest), count in users.items() if count > 1}
        compositor = _Compositor(run, {ward.code: masters for ward, masters in order}, paths, shared)
        checked = dict(zip(paths, map_wards(compositor, [ward for ward, _ in order], jobs), strict=True))
    except BaseException:
        remove_partial_files(out_dir)
        raise

    findings = {ward.code: found for ward, found, _ in separated}
    results = [
        RisoWardResult(ward, findings[ward.code] + tuple(checked[ward.code]), uses[ward.code], paths[ward.code])
        for ward, _ in order
    ]
    results += [RisoWardResult(ward, found) for ward, found, masters in separated if masters is None]
    rows = [
        RisoRow(
            ward,
            households(ward, campaign.wards_path),
            copies[ward.code],
            pictures[ward.code],
            uses[ward.code],
            money_text(bill.costs[ward.code]) if bill else "",
        )
        for ward, _ in order
    ]
    total = money_text(bill.total_pence) if bill else ""
    counts = {drum: len(digests) for drum, digests in pages.items()}
    write_atomically(out_dir / "manifest.csv", riso_manifest_csv(rows, sum(counts.values()), total))
    drums = {
        name: {"ink": drum.drum.ink, "file": drum_names[name], "masters": counts[name]}
        for name, drum in run.documents.drums.items()
    }
    sheet = run.documents.riso.sheet
    sheet_info = {"size_mm": list(sheet.size_mm), "feed": sheet.feed, "method": run.plan.method}
    spending_info = spending_json(spending) if spending else None
    write_atomically(
        out_dir / "manifest.json", riso_manifest_json(campaign, rows, drums, sheet_info, total, spending_info)
    )
    return RisoReport(
        campaign,
        out_dir,
        tuple(results),
        drum_files,
        counts,
        tuple(rows),
        bill,
        spending,
        unapproved_wards,
        awaiting_review,
    )


def _print_order(built: list[tuple[Ward, dict[str, Master]]]) -> list[tuple[Ward, dict[str, Master]]]:
    """The wards in the order to print them: those that share a master one after another (by
    where each shared master is first needed), otherwise in the spreadsheet's order."""
    counts: dict[tuple[str, str], int] = {}
    for _, masters in built:
        for drum, master in masters.items():
            counts[(drum, master.digest)] = counts.get((drum, master.digest), 0) + 1
    first: dict[tuple[str, str], int] = {}
    for index, (_, masters) in enumerate(built):
        for drum, master in masters.items():
            first.setdefault((drum, master.digest), index)

    def key(item: tuple[int, tuple[Ward, dict[str, Master]]]) -> tuple:
        index, (_, masters) = item
        shared = sorted(first[(d, m.digest)] for d, m in masters.items() if counts[(d, m.digest)] > 1)
        return (*shared, index)

    return [ward for _, ward in sorted(enumerate(built), key=key)]
