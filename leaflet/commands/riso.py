"""A campaign folder + its wards -> office (Riso) output (``leaflet build --for riso``): a file of
greyscale masters per drum (A4 sheets, the A5 pages 2-up, work-and-turn), a composite PNG per ward
simulating the inks on paper, and the print order with each ward's masters and cost.

Every ward is laid out and checked first, and its masters separated; wards whose masters are the
same share one.  Then the bill is set against the spending limit (refused over it, unless told),
and only then is anything written, by one build at a time per folder (its lock, as the press
build's).  The print order has a row for every ward of the spreadsheet (built, forced, refused,
not built, and why); composites it does not list are moved into not-for-print/.  Unlike press
output, nothing is kept from an earlier build: the drum files hold the masters of this build's
wards only, so a --ward build's print order is those wards.
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
from leaflet.read.wards import select_wards
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
from leaflet.runs.files import FileWriter, atomic_file, remove_partial_files, write_atomically
from leaflet.runs.folders import check_free_space, claim_output_folder, folder_lock
from leaflet.runs.local import pending_reviews
from leaflet.runs.manifest import MANIFEST_FILES, Status, households, short_reason
from leaflet.runs.names import output_names, slug
from leaflet.runs.not_for_print import Accounted, MovedFile, move_aside, unlisted_files
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.prepare import load
from leaflet.runs.riso import PreparedRiso, prepare_riso
from leaflet.runs.riso_manifest import (
    MasterUse,
    RisoRow,
    previous_composites,
    refuse_other_output,
    riso_copies,
    riso_manifest_csv,
    riso_manifest_json,
    riso_not_for_print_row,
)
from leaflet.ward.variant import ward_language
from leaflet.write.composite import COMPOSITE_DPI, composite, render_master
from leaflet.write.riso import DrumFile, Master

MANIFEST_BYTES_PER_WARD = 2048  # reserved for each manifest when the build starts
MASTER_PAGE_BYTES = 1024  # a master's page objects besides its content and photos


@dataclass(frozen=True)
class RisoWardResult:
    ward: Ward
    findings: tuple[Finding, ...]
    masters: tuple[MasterUse, ...] = ()  # none when the ward was not built
    composite: Path | None = None
    status: Status = "built"
    reason: str = ""  # why it was not built, or the errors it was built past (--force)

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
    results: tuple[RisoWardResult, ...]  # the wards asked for: those built in the order to print them, then the others
    drum_files: dict[str, Path]
    masters: dict[str, int]  # by drum, how many
    rows: tuple[RisoRow, ...]  # every ward of the spreadsheet: those for print first, in the order to print them
    bill: Bill | None = None
    spending: SpendingReport | None = None
    unapproved: dict[str, str] = field(default_factory=dict)  # where sign-off is needed: code -> why not printed
    awaiting_review: dict[str, str] = field(default_factory=dict)  # local versions submitted, not yet approved
    others: tuple[RisoWardResult, ...] = ()  # the spreadsheet's other wards: not asked for, or not signed off
    moved_aside: tuple[MovedFile, ...] = ()  # composites and drum files moved out of the folder, and why

    @property
    def failed(self) -> tuple[RisoWardResult, ...]:
        return tuple(result for result in self.results if not result.built)

    @property
    def built(self) -> tuple[RisoWardResult, ...]:
        return tuple(result for result in self.results if result.built)

    @property
    def forced(self) -> tuple[RisoWardResult, ...]:
        return tuple(result for result in self.results if result.status == "forced")

    @property
    def masters_total(self) -> int:
        return sum(self.masters.values())


def _reason(findings: Iterable[Finding]) -> str:
    return "; ".join(f.message for f in findings if f.severity == "error")


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
    first: tuple[str, Image.Image, bytes] | None = None  # the first ward's, made to measure it

    def picture(self, code: str) -> tuple[Image.Image, bytes]:
        """The ward's composite, and its PNG file."""
        if self.first and self.first[0] == code:
            return self.first[1:]
        masters = self.masters[code]
        for master in masters.values():
            if master.digest in self.shared and master.digest not in self.renders:
                self.renders[master.digest] = render_master(master, self.run.documents, COMPOSITE_DPI)
        image = composite(masters, self.run.documents, COMPOSITE_DPI, self.renders)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)  # a picture to look at: speed over the last few bytes
        return image, buffer.getvalue()

    def __call__(self, ward: Ward) -> list[Finding]:
        image, data = self.picture(ward.code)
        write_atomically(self.paths[ward.code], data)
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
    campaigns, every_ward = load(campaign_dir, wards_csv)
    campaign = campaigns[""]
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    wards = select_wards(every_ward, list(ward_codes or []), wards_path)
    awaiting_review = pending_reviews(campaign, wards)
    unapproved_wards: dict[str, str] = {}
    if sign_off_needed(campaign, approved_only, print_unapproved):
        wards, unapproved_wards = approved_wards(campaigns, wards)
    check_bill_inputs(campaign, "riso", wards, wards_path)
    languages = {ward_language(ward, campaign) for ward in wards} | {""}
    run = prepare_riso({k: v for k, v in campaigns.items() if k in languages}, wards)
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name / "riso"
    refuse_other_output(out_dir, "riso")
    pictures = {code: name.removesuffix(".pdf") + ".png" for code, name in output_names(every_ward, wards_path).items()}
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
    copies = {  # the households of a ward built are a whole number: checking it found them so
        ward.code: riso_copies(households(ward, campaign.wards_path), campaign.overs_percent) for ward, _ in order
    }
    prints = [RisoWardPrint(code, copies[code], tuple((m.label, m.wards) for m in uses[code])) for code in copies]
    bill = riso_bill(campaign, prints)
    spending = check_spending(campaign, bill, "riso", [ward for ward, _ in order], wards_path, over_limit)

    findings = {ward.code: found for ward, found, _ in separated}
    rows = [
        RisoRow(
            ward,
            households(ward, campaign.wards_path),
            copies[ward.code],
            pictures[ward.code],
            uses[ward.code],
            money_text(bill.costs[ward.code]) if bill else "",
            "forced" if _reason(findings[ward.code]) else "built",
            short_reason(_reason(findings[ward.code])),
        )
        for ward, _ in order
    ]
    rows += _not_for_print_rows(every_ward, findings, {ward.code for ward, _ in order}, unapproved_wards)

    claim_output_folder(
        out_dir, campaign, [*drum_names.values(), *(pictures[ward.code] for ward, _ in order), *MANIFEST_FILES]
    )
    drum_files = {drum: out_dir / name for drum, name in drum_names.items()}
    paths = {ward.code: out_dir / pictures[ward.code] for ward, _ in order}
    shared = {digest for (_, digest), count in users.items() if count > 1}
    compositor = _Compositor(run, {ward.code: masters for ward, masters in order}, paths, shared)
    counts = {drum: len(digests) for drum, digests in pages.items()}
    total = money_text(bill.total_pence) if bill else ""
    drums = {
        name: {"ink": drum.drum.ink, "file": drum_names[name], "masters": counts[name]}
        for name, drum in run.documents.drums.items()
    }
    sheet = run.documents.riso.sheet
    sheet_info = {"size_mm": list(sheet.size_mm), "feed": sheet.feed, "method": run.plan.method}
    spending_info = spending_json(spending) if spending else None
    manifest_bytes = MANIFEST_BYTES_PER_WARD * len(every_ward) + 4096
    with folder_lock(out_dir, "build --for riso"):
        remove_partial_files(out_dir)  # a run killed outright could not clean up
        if order:  # room for the composites, measured by the first, and the masters
            image, data = compositor.picture(order[0][0].code)
            compositor.first = (order[0][0].code, image, data)
            needed = len(data) * len(order) + _drum_bytes(run, order) + 2 * manifest_bytes
            check_free_space(out_dir, needed)
        previous = previous_composites(out_dir)
        with (
            atomic_file(out_dir / "manifest.json") as json_out,
            atomic_file(out_dir / "manifest.csv") as csv_out,
        ):
            json_out.reserve(manifest_bytes)  # a full disk is found before the masters are replaced
            csv_out.reserve(manifest_bytes)
            print_order = {
                csv_out: riso_manifest_csv(rows, sum(counts.values()), total),
                json_out: riso_manifest_json(campaign, rows, drums, sheet_info, total, spending_info),
            }
            checked = _write(compositor, order, out_dir, drum_files, print_order, run, campaign, jobs)
        owners = {**previous, **{name: code for code, name in pictures.items()}}
        accounted = {row.ward.code: Accounted(row.composite, row.status, row.reason) for row in rows}
        known = {
            path.name: "masters of a drum this build does not print"
            for path in out_dir.glob(f"{slug(campaign.name)}-riso-*.pdf")
            if path.name not in drum_names.values()
        }
        listed = {*drum_names.values(), *(pictures[ward.code] for ward, _ in order)}
        unlisted = unlisted_files(
            out_dir, (".pdf", ".png"), listed, owners, accounted, wards_path.name, known, "composite"
        )
        moved = move_aside(out_dir, unlisted)

    results = [
        RisoWardResult(
            ward,
            findings[ward.code] + tuple(checked[ward.code]),
            uses[ward.code],
            paths[ward.code],
            row.status,
            row.reason,
        )
        for (ward, _), row in zip(order, rows[: len(order)], strict=True)
    ]
    by_code = {row.ward.code: row for row in rows}
    asked = {ward.code for ward in wards}
    results += [
        RisoWardResult(ward, found, status="refused", reason=by_code[ward.code].reason)
        for ward, found, masters in separated
        if masters is None
    ]
    others = [
        RisoWardResult(ward, (), status=by_code[ward.code].status, reason=by_code[ward.code].reason)
        for ward in every_ward
        if ward.code not in asked
    ]
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
        tuple(others),
        moved,
    )


def _not_for_print_rows(
    every_ward: list[Ward], findings: dict[str, tuple[Finding, ...]], built: set[str], unapproved: dict[str, str]
) -> list[RisoRow]:
    """The rows of the spreadsheet's wards this build does not print, in its order, and why."""
    rows = []
    for ward in every_ward:
        if ward.code in built:
            continue
        if ward.code in findings:
            rows.append(riso_not_for_print_row(ward, "refused", _reason(findings[ward.code])))
        elif ward.code in unapproved:
            rows.append(riso_not_for_print_row(ward, "refused", unapproved[ward.code]))
        else:
            why = "not asked for (--ward): the drum files hold the masters of one build's wards"
            rows.append(riso_not_for_print_row(ward, "not built", why))
    return rows


def _write(
    compositor: _Compositor,
    order: list[tuple[Ward, dict[str, Master]]],
    out_dir: Path,
    drum_files: dict[str, Path],
    print_order: dict[FileWriter, bytes],
    run: PreparedRiso,
    campaign: Campaign,
    jobs: int,
) -> dict[str, list[Finding]]:
    """The composites (their QR codes read back), then each drum's masters in one file, and the
    print order into its (open) files before the masters' files take their places; the findings
    of each composite, by ward code.  Stopped part-way, the last build's masters and print order
    stay as they were."""
    checked = {}
    wards = [ward for ward, _ in order]
    results = map_wards(compositor, wards, jobs)
    try:
        for ward, found in zip(wards, results, strict=True):
            checked[ward.code] = found
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
            for out, data in print_order.items():
                out.write(data)
    except BaseException:
        results.close()  # the workers end with it
        remove_partial_files(out_dir)  # what the workers were writing
        raise
    return checked


def _drum_bytes(run: PreparedRiso, order: list[tuple[Ward, dict[str, Master]]]) -> int:
    """At most what the drum files take: their shared parts, and each master's content and
    photos as they are before compression."""
    size = sum(len(document.shared.head) + MASTER_PAGE_BYTES for document in run.documents.drums.values())
    seen: set[tuple[str, str]] = set()
    for _, masters in order:
        for drum, master in masters.items():
            if (drum, master.digest) not in seen:
                seen.add((drum, master.digest))
                size += len(master.content) + sum(len(image.data) for image in master.images) + MASTER_PAGE_BYTES
    return size


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
