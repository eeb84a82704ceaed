"""A campaign folder + its wards -> one print PDF per ward, the print order, and optionally one
combined print file (``leaflet build``); written atomically, in parallel processes, by one
build at a time per folder.

The print folder always tells the truth: its manifest has a row for every ward of the
spreadsheet (built, kept, forced past its errors, refused, or not built, and why), it lists
every PDF in the folder, and a PDF that is not for print (its ward refused, gone from the
spreadsheet, out of date, or never leaflet's) is moved into not-for-print/ and reported.

The print bill (``campaign.prices``) covers the rows for print; it is checked against the
spending limit before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import metadata
from pathlib import Path

import fontTools
import PIL
import uharfbuzz
from PIL import features

from leaflet.errors import InputError, LeafletError
from leaflet.model import Campaign, Finding, Ward
from leaflet.read.wards import select_wards
from leaflet.runs.approvals import PrintGate, migrate_approvals, print_gate, sign_off_needed
from leaflet.runs.audit import record_build
from leaflet.runs.bill import (
    Bill,
    SpendingReport,
    check_spending,
    money_text,
    press_bill,
    spending_against_limit,
    spending_json,
)
from leaflet.runs.digests import InputDigests
from leaflet.runs.files import FileWriter, WriteBehind, atomic_file, remove_partial_files
from leaflet.runs.folders import check_free_space, claim_output_folder, folder_lock
from leaflet.runs.local import pending_reviews
from leaflet.runs.manifest import (
    MANIFEST_FILES,
    Combined,
    Manifest,
    ManifestRow,
    Status,
    households_counts,
    manifest_csv,
    manifest_json,
    manifest_row,
    not_for_print_row,
    print_order_digest,
    quantity,
    read_manifest,
    with_page_ranges,
)
from leaflet.runs.names import output_names, slug
from leaflet.runs.not_for_print import Accounted, MovedFile, move_aside, unlisted_files
from leaflet.runs.parallel import Progress, in_this_process, map_wards
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, load, prepare_run
from leaflet.runs.riso_manifest import refuse_other_output
from leaflet.version import __version__
from leaflet.ward.plates import plates_line, plates_summary
from leaflet.ward.variant import ward_language
from leaflet.write.draw import WardPages
from leaflet.write.job import CombinedFile

MANIFEST_BYTES_PER_WARD = 2048  # reserved for each manifest when the build starts


@dataclass(frozen=True)
class WardResult:
    ward: Ward
    path: Path | None  # its print file; None when it has none
    findings: tuple[Finding, ...]
    status: Status = "built"
    reason: str = ""  # why it has no print file, or the errors it was written past (--force)

    @property
    def up_to_date(self) -> bool:
        """Its file from an earlier build was kept: nothing it is made from changed."""
        return self.status == "kept"

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class BuildReport:
    campaign: Campaign
    out_dir: Path
    results: tuple[WardResult, ...]  # the wards asked for
    manifest: tuple[ManifestRow, ...]  # every ward of the spreadsheet, in its order
    combined: Path | None = None
    unapproved: dict[str, str] = field(default_factory=dict)  # of the wards asked for: code -> why not signed off
    others: tuple[WardResult, ...] = ()  # the spreadsheet's other wards: not asked for, or not signed off
    moved_aside: tuple[MovedFile, ...] = ()  # PDFs moved out of the print folder, and why
    awaiting_review: dict[str, str] = field(default_factory=dict)  # local versions submitted, not yet approved
    bill: Bill | None = None  # the printer's bill for the rows for print, when the campaign gives prices
    spending: SpendingReport | None = None  # that bill against the spending limit, when there is one
    notes: tuple[str, ...] = ()  # approvals.json migrated, sign-offs that no longer hold
    signed_only: bool = False  # only signed-off wards were printed, each exactly as signed
    not_signed_off: int = 0  # where sign-off is needed: the spreadsheet's wards that may not print
    plates: str = ""  # which printing plates differ from ward to ward, for a litho printer
    combined_only: bool = False  # the combined file holds the wards' pages; no ward has a file of its own

    @property
    def failed(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is None)

    @property
    def written(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is not None)

    @property
    def kept(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.up_to_date)

    @property
    def forced(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.status == "forced")


def byte_settings(run: PreparedRun) -> bytes:
    """Everything besides a ward's inputs that decides its file's bytes: the options (crop marks
    change the boxes and draw marks), the environment (SOURCE_DATE_EPOCH sets the dates) and the
    versions of leaflet and of what encodes the file (JPEG, colour conversion, fonts, shaping and
    subsets, bidi, QR, zlib)."""
    document = run.document
    libraries = (
        f"pillow {PIL.__version__} jpeg {features.version('jpg')} lcms {features.version('littlecms2')} "
        f"fonttools {fontTools.version} zxing-cpp {metadata.version('zxing-cpp')} zlib {zlib.ZLIB_RUNTIME_VERSION} "
        f"harfbuzz {uharfbuzz.version_string()} uharfbuzz {metadata.version('uharfbuzz')} "
        f"python-bidi {metadata.version('python-bidi')}"
    )
    parts = (__version__, document.serialised_info_entries, document.serialised_boxes, document.marks, libraries)
    return b"\n".join(part if isinstance(part, bytes) else part.encode("utf-8") for part in parts)


def _reason(errors: Iterable[Finding]) -> str:
    return "; ".join(error.message for error in errors)


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
    settings: bytes  # byte_settings of the run
    digests: InputDigests
    households: dict[str, int]  # by code, read by the parent: a ward not here is refused (preflight says why)
    signed: dict[str, str]  # where sign-off is needed: code -> the SHA-256 its print file must have
    job_only: Path | None = None  # --combined-only: the combined file, which holds the ward's pages instead
    behind: WriteBehind | None = None  # built in this process: print files written while the next is computed

    @cached_property
    def shared(self) -> str:
        return self.run.document.everything.shared.digest.hex()  # what every ward's part is made from

    def inputs_digest(self, ward: Ward) -> str:
        """What the ward's file is made from and the settings that decide its bytes, as one digest
        ("" when an input cannot be used: building the ward says what is wrong)."""
        try:
            inputs = self.digests.ward_inputs(ward)
        except LeafletError:
            return ""
        return hashlib.sha256(self.settings + json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()

    def _kept(self, ward: Ward, inputs: str) -> ManifestRow | None:
        """The last build's row, if its file is exactly what this build would write: same inputs,
        settings and shared part (font subsets), and the file as that build wrote it."""
        row = self.previous.get(ward.code)
        path = self.out_dir / self.names[ward.code]
        if not inputs or row is None or row.status not in ("built", "kept") or row.file != path.name:
            return None  # a ward forced past its errors is checked again
        if row.inputs != inputs or row.shared != self.shared:
            return None
        try:
            unchanged = hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
        except OSError:
            return None
        return replace(row, status="kept") if unchanged else None

    @contextmanager
    def chunk(self) -> Iterator[None]:
        """A few wards in a worker (``map_wards``): their print files written behind while the
        next is computed, as in one process; the last is on the disk before the chunk's results
        go to the parent, and a file that could not be written stops the build, named."""
        if self.job_only or self.behind:
            yield
            return
        self.behind = WriteBehind()
        try:
            yield
        finally:
            behind, self.behind = self.behind, None
            failed = behind.close()
        if failed:
            raise failed[1]

    def __call__(self, ward: Ward) -> tuple[WardResult, ManifestRow, WardPages | None]:
        inputs = self.inputs_digest(ward)
        path = self.out_dir / self.names[ward.code]
        count = self.households.get(ward.code)
        kept = None if self.combined or count is None else self._kept(ward, inputs)
        if kept and kept.sha256 == self.signed.get(ward.code, kept.sha256):
            return WardResult(ward, path, (), "kept"), kept, None
        leaflet, findings = self.preflight.lay_out(ward)
        pages = tail = None
        if leaflet is not None:
            pages, tail = self.run.draw_tail(leaflet)
            if pages.images:  # its own photos: read back what is its own before it is written
                data = self.run.document.part_for(pages).shared.head + tail
                findings += self.preflight.read_back(data, pages, leaflet, render_qr=False)
        errors = [f for f in findings if f.severity == "error"]
        if leaflet is None or pages is None or tail is None or count is None or (errors and not self.force):
            reason = _reason(errors)
            return (
                WardResult(ward, None, tuple(findings), "refused", reason),
                not_for_print_row(ward, "refused", reason, inputs),
                None,
            )
        sha256 = self.run.file_sha256(pages, tail)
        if sha256 != self.signed.get(ward.code, sha256):  # checked before it is written: never what was not signed
            refusal = _not_as_signed(ward, self.signed[ward.code], sha256)
            return (
                WardResult(ward, None, (*findings, refusal), "refused", refusal.message),
                not_for_print_row(ward, "refused", refusal.message, inputs),
                None,
            )
        if self.job_only:
            path = self.job_only  # its pages go into the combined file alone
        else:
            self.run.write_file(path, pages, tail, self.behind)
        campaign = self.run.campaigns[ward_language(ward, self.run.campaign)]
        reason = _reason(errors)
        row = manifest_row(campaign, ward, count, path, len(pages.contents), sha256, inputs, self.shared, reason)
        result = WardResult(ward, path, tuple(findings), row.status, reason)
        return result, row, pages if self.combined else None


class _HashingSink:
    """The combined file's bytes on their way into its file, hashed as they pass."""

    def __init__(self, out: FileWriter):
        self.out = out
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sha256.update(data)
        self.out.write(data)


@dataclass
class _Build:
    """One build into its (locked) folder: the wards asked for written, every ward accounted for."""

    campaigns: dict[str, Campaign]
    every_ward: list[Ward]  # the spreadsheet's, in its order
    wards: list[Ward]  # those asked for that may print
    unapproved: dict[str, str]  # where sign-off is needed: code -> why it may not print (any ward)
    signed: dict[str, str]  # where sign-off is needed: code -> the SHA-256 its print file must have
    wards_path: Path
    out_dir: Path
    names: dict[str, str]
    combined_path: Path | None
    combined_only: bool  # the combined file and the print order, no ward files
    started_ns: int  # when the build took the folder (the lock file's time)
    households: dict[str, int]  # of the wards whose households are a whole number
    previous: Manifest = field(default_factory=Manifest)
    done: dict[str, tuple[WardResult, ManifestRow]] = field(default_factory=dict)
    bill: Bill | None = None  # of the rows for print, once they are known
    spending: SpendingReport | None = None
    plates: str = ""  # which printing plates differ from ward to ward (plates_line)

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[""]

    def run(
        self, progress: Progress | None, crop_marks: bool, jobs: int, force: bool
    ) -> tuple[tuple[ManifestRow, ...], tuple[WardResult, ...], Combined | None, tuple[MovedFile, ...]]:
        run = prepare_run(self.campaigns, self.wards, crop_marks)  # shared by every ward, whichever are asked for
        preflight = Preflight(run, self.wards)
        self.previous = read_manifest(self.out_dir)
        builder = _WardBuilder(
            run,
            preflight,
            self.out_dir,
            self.names,
            self.combined_path is not None,
            force,
            self.previous.rows,
            byte_settings(run),
            InputDigests(self.campaigns),
            self.households,
            self.signed,
            self.combined_path if self.combined_only else None,
        )
        combined_bytes = self._combined_bytes(run, preflight.file_size)
        manifest_bytes = MANIFEST_BYTES_PER_WARD * len(self.every_ward) + 4096
        check_free_space(
            self.out_dir,
            (0 if self.combined_only else self._ward_bytes(preflight.file_size, jobs))
            + combined_bytes
            + 2 * manifest_bytes,
        )
        stopped: BaseException | None = None
        combined = None
        try:
            with (
                atomic_file(self.out_dir / "manifest.json") as json_out,
                atomic_file(self.out_dir / "manifest.csv") as csv_out,
            ):
                json_out.reserve(manifest_bytes)  # the print order can be written, whatever stops the build
                csv_out.reserve(manifest_bytes)
                try:
                    combined = self._write_wards(builder, progress, jobs, combined_bytes)
                except BaseException as error:  # Ctrl-C, a full disk: the print order says what was done
                    stopped = error
                rows, others = self._account(builder)
                rows = self._priced(rows)
                combined = combined or self._kept_combined(rows)
                assert combined is None or combined.covers == print_order_digest(rows), "the job holds the print order"
                rows = with_page_ranges(rows, combined is not None)
                spending = spending_json(self.spending) if self.spending else None
                languages = len({ward_language(ward, self.campaign) for ward in self.every_ward})
                self.plates = plates_line(run.plates, languages)
                plates = plates_summary(run.plates, languages)
                json_out.write(manifest_json(self.campaign, rows, combined, spending, plates))
                csv_out.write(manifest_csv(rows))
        except BaseException:
            self._set_aside_unrecorded(combined)
            raise
        moved = move_aside(self.out_dir, self._not_for_print(rows, combined))
        if stopped:
            raise stopped
        return tuple(rows), tuple(others), combined, moved

    def _priced(self, rows: list[ManifestRow]) -> list[ManifestRow]:
        """The rows with their share of the bill of those for print (the others cost nothing),
        and that bill against the spending limit (refused before the build when over it)."""
        printed = {row.code: row.quantity or 0 for row in rows if row.for_print}
        self.bill = press_bill(self.campaign, printed)
        if self.bill is None:
            return rows
        costs = self.bill.costs
        wards = [ward for ward in self.every_ward if ward.code in costs]
        self.spending = spending_against_limit(self.campaign, self.bill, wards, self.wards_path)
        return [replace(row, cost=money_text(costs[row.code])) if row.code in costs else row for row in rows]

    def _set_aside_unrecorded(self, combined: Combined | None) -> None:
        """The new print order could not be written: the files this build wrote are moved aside,
        so that the last print order is still true of every PDF in the folder."""
        reasons = {}
        for _, row in self.done.values():
            before = self.previous.rows.get(row.code)
            if row.file and row.status != "kept" and (before is None or before.sha256 != row.sha256):
                reasons[row.file] = "written by a build that could not write its print order (build again)"
        if combined and (self.previous.combined is None or self.previous.combined.sha256 != combined.sha256):
            reasons[combined.file] = "written by a build that could not write its print order (build again)"
        with suppress(LeafletError):  # the error that stopped the build is the one to report
            move_aside(self.out_dir, reasons)

    def _ward_bytes(self, file_size: int, jobs: int) -> int:
        """Room for the wards' files: each new one, and the files being replaced, a few at a time."""
        new = sum(1 for ward in self.wards if not (self.out_dir / self.names[ward.code]).exists())
        return file_size * (new + min(max(jobs, 1), len(self.wards)))

    def _combined_bytes(self, run: PreparedRun, file_size: int) -> int:
        if not self.combined_path:
            return 0
        head = len(run.document.everything.shared.head)
        return head + max(file_size - head, 0) * len(self.wards)

    def _write_wards(
        self, builder: _WardBuilder, progress: Progress | None, jobs: int, reserve: int
    ) -> Combined | None:
        with ExitStack() as files:
            combined_file = sink = None
            if self.combined_path:
                out = files.enter_context(atomic_file(self.combined_path))
                out.reserve(reserve)
                sink = _HashingSink(out)
                combined_file = CombinedFile(sink, builder.run.document, f"{self.campaign.title} - all wards")
            in_combined: list[ManifestRow] = []
            if in_this_process(len(self.wards), jobs) and not builder.job_only:
                builder.behind = WriteBehind()
            results = map_wards(builder, self.wards, jobs)
            try:
                for index, (result, row, pages) in enumerate(results):
                    self.done[result.ward.code] = (result, row)
                    if combined_file and pages:
                        combined_file.add(pages)
                        in_combined.append(row)
                    if progress:
                        progress(index + 1, len(self.wards))
                self._last_print_file_written(builder)
            except BaseException:
                results.close()  # the workers end with it
                self._last_print_file_written(builder, stopping=True)
                remove_partial_files(self.out_dir)  # what they were writing
                raise
            if combined_file:
                combined_file.close()
        if not self.combined_path or sink is None:
            return None
        return Combined(
            self.combined_path.name,
            sink.sha256.hexdigest(),
            sum(row.pages or 0 for row in in_combined),
            len(in_combined),
            print_order_digest(in_combined),
        )

    def _last_print_file_written(self, builder: _WardBuilder, stopping: bool = False) -> None:
        """Wait for the print file being written behind (``WriteBehind``); if it or the one
        before could not be written, its ward is not done (the print order says the build
        stopped before it) and, unless the build is stopping already, its error stops it."""
        behind, builder.behind = builder.behind, None
        failed = behind.close() if behind else None
        if failed is None:
            return
        path, error = failed
        for code, (result, _) in list(self.done.items()):
            if result.path == path:
                del self.done[code]
        if not stopping:
            raise error

    def _account(self, builder: _WardBuilder) -> tuple[list[ManifestRow], list[WardResult]]:
        """A row for every ward of the spreadsheet; the results of those this build did not do."""
        rows, others = [], []
        asked = {ward.code for ward in self.wards}
        for ward in self.every_ward:
            if ward.code in self.done:
                rows.append(self.done[ward.code][1])
                continue
            if ward.code in self.unapproved:  # no inputs digest: it says nothing once the sign-off holds
                row = not_for_print_row(ward, "refused", self.unapproved[ward.code])
            else:
                why = "the build stopped before this ward" if ward.code in asked else "not asked for (--ward)"
                row = self._carried_over(ward, builder.inputs_digest(ward), why)
            rows.append(row)
            path = self.out_dir / row.file if row.file else None
            others.append(WardResult(ward, path, (), row.status, row.reason))
        return rows, others

    def _carried_over(self, ward: Ward, inputs: str, why: str) -> ManifestRow:
        """The last build's row for a ward this build did not do, while it is still true: same
        inputs and settings, and for a print file, that file, untouched since."""
        row = self.previous.rows.get(ward.code)
        if row is None or not inputs:
            return not_for_print_row(ward, "not built", why, inputs)
        if row.inputs != inputs:
            changed = ", and its inputs changed since its file was built" if row.for_print else ""
            return not_for_print_row(ward, "not built", why + changed, inputs)
        if not row.for_print:
            return row
        path = self.out_dir / (row.file or "")
        try:
            untouched = row.file == self.names[ward.code] and path.stat().st_mtime_ns <= self.started_ns
        except OSError:
            return not_for_print_row(ward, "not built", why + ", and its print file is missing", inputs)
        if not untouched:  # written as the build stopped, before it was recorded
            return not_for_print_row(ward, "not built", why, inputs)
        if row.sha256 != self.signed.get(ward.code, row.sha256):
            return not_for_print_row(ward, "not built", why + ", and its print file is not the one signed off", inputs)
        return replace(row, status="kept") if row.status == "built" else row

    def _kept_combined(self, rows: list[ManifestRow]) -> Combined | None:
        """The last build's combined file, if it still holds exactly the print order's wards."""
        record = self.previous.combined
        if record is None or record.covers != print_order_digest(rows):
            return None
        try:
            data = (self.out_dir / record.file).read_bytes()
        except OSError:
            return None
        return record if hashlib.sha256(data).hexdigest() == record.sha256 else None

    def _not_for_print(self, rows: list[ManifestRow], combined: Combined | None) -> dict[str, str]:
        """Every PDF in the folder that the print order does not list, and why."""
        listed = {row.file for row in rows if row.for_print and row.file} | ({combined.file} if combined else set())
        owners = {row.file: row.code for row in self.previous.rows.values() if row.file}
        owners.update((name, code) for code, name in self.names.items())
        accounted = {row.code: Accounted(row.file if row.for_print else None, row.status, row.reason) for row in rows}
        combined_name = f"{slug(self.campaign.name)}-all-wards.pdf"
        known = {combined_name: "a combined file that no longer holds the print order's wards (build with --combined)"}
        if self.combined_only:  # the ward files of an earlier build: the job alone is for print now
            for row in rows:
                if row.file == combined_name:
                    own = self.names.get(row.code) or combined_name
                    known[own] = (
                        f"a --combined-only build prints ward {row.code} from {combined_name} "
                        f"(pages {row.first_page}-{row.last_page}), not from its own file"
                    )
        return unlisted_files(self.out_dir, (".pdf",), listed, owners, accounted, self.wards_path.name, known)


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
    combined_only: bool = False,
) -> BuildReport:
    """Build every (or every chosen) ward's print PDF into ``out_dir`` (default out/<campaign>).

    ``crop_marks`` adds trim marks outside the bleed (most online printers add their own);
    ``jobs`` is how many processes build wards; ``combined`` also writes one PDF of all wards
    (not with ``ward_codes``: it holds the whole print order), ``combined_only`` writes it and the
    print order without the wards' own files (with the same checks and sign-offs; ward files
    an earlier build left are moved aside); ``approved_only`` builds only
    wards whose sign-off still holds (``approve``), each exactly as signed; a campaign with
    ``require_sign_off`` builds only those unless ``print_unapproved``.  Every ward is preflighted as
    ``leaflet check`` does, but for decoding its QR code from a render; a ward with an error
    gets no print file unless ``force``, and the others are still built.  The manifest accounts
    for every ward of the spreadsheet; the wards not asked for keep their rows (and files) while
    their inputs are unchanged.  The print bill (``campaign.prices``) of what the print order
    can hold is checked against the spending limit before anything is written: over it, the
    build is refused unless ``over_limit``.
    """
    combined = combined or combined_only
    if combined and ward_codes:
        raise InputError(
            None,
            "--combined-only" if combined_only else "--combined",
            "cannot be used with --ward: the combined file holds every ward of the print order",
            "build without --ward to write it",
        )
    campaigns, every_ward = load(campaign_dir, wards_csv)
    campaign = campaigns[""]
    note = migrate_approvals(campaign, wards_csv)
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    asked_for = select_wards(every_ward, list(ward_codes or []), wards_path)
    awaiting_review = pending_reviews(campaign, asked_for)
    signed_only = sign_off_needed(campaign, approved_only, print_unapproved)
    gate = _print_gate(campaigns, every_ward, asked_for, signed_only)
    wards, unapproved_wards = gate.wards, gate.refused
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name
    households = households_counts(every_ward, campaign.wards_path)
    most = _most_the_order_holds(campaign, every_ward, wards, unapproved_wards, households, read_manifest(out_dir))
    asked = {ward.code for ward in wards}
    billed = [ward for ward in every_ward if ward.code in most or ward.code in asked]  # their electorates checked
    check_spending(campaign, press_bill(campaign, most), "press", billed, wards_path, over_limit)
    refuse_other_output(out_dir, "press")
    names = output_names(every_ward, wards_path)
    combined_path = out_dir / f"{slug(campaign.name)}-all-wards.pdf" if combined else None
    claim_output_folder(
        out_dir,
        campaign,
        [
            *(() if combined_only else (names[ward.code] for ward in wards)),
            *MANIFEST_FILES,
            *([combined_path.name] if combined_path else []),
        ],
    )
    with folder_lock(out_dir, "build") as started_ns:
        remove_partial_files(out_dir)  # a run killed outright could not clean up
        folder = _Build(
            campaigns,
            every_ward,
            wards,
            unapproved_wards,
            gate.signed_sha256,
            wards_path,
            out_dir,
            names,
            combined_path,
            combined_only,
            started_ns,
            households,
        )
        rows, others, combined_file, moved = folder.run(progress, crop_marks, jobs, force)
    results = tuple(folder.done[ward.code][0] for ward in wards)
    combined_out = out_dir / combined_file.file if combined_path and combined_file else None
    not_printed = {ward.code: unapproved_wards[ward.code] for ward in asked_for if ward.code in unapproved_wards}
    report = BuildReport(
        campaign,
        out_dir,
        results,
        rows,
        combined_out,
        not_printed,
        others,
        moved,
        awaiting_review,
        folder.bill,
        folder.spending,
        (*([note] if note else []), *gate.stale),
        signed_only,
        len(unapproved_wards),
        folder.plates,
        combined_only,
    )
    printed = [row for row in rows if row.for_print]
    record_build(campaign, out_dir, printed, not_printed, signed_only, print_unapproved)
    return report


def _print_gate(campaigns: dict[str, Campaign], every_ward: list[Ward], asked: list[Ward], needed: bool) -> PrintGate:
    """What the build may print of the wards ``asked`` for, and why every other ward of the
    spreadsheet may not (where sign-off is ``needed``, a ward not asked for keeps its print file
    only while its sign-off holds); refused when none of those asked for may print."""
    gate = print_gate(campaigns, every_ward, needed)
    wards = [ward for ward in asked if ward.code not in gate.refused]
    if not wards:
        campaign = campaigns[""]
        why = "; ".join(f"ward {ward.code}: {gate.refused[ward.code]}" for ward in asked[:3])
        raise InputError(
            campaign.path,
            "require_sign_off" if campaign.require_sign_off else None,
            f"no ward asked for is signed off as it is now: nothing to print ({why})",
            "sign wards off (leaflet approve, or the agent in leaflet serve); --unapproved prints them unsigned",
        )
    return replace(gate, wards=wards)


def _most_the_order_holds(
    campaign: Campaign,
    every_ward: list[Ward],
    wards: list[Ward],
    unapproved: dict[str, str],
    households: dict[str, int],
    previous: Manifest,
) -> dict[str, int]:
    """The quantities the print order can hold after this build, at most, by code: of the wards
    asked for whose households are whole numbers, and of the other wards an earlier build left
    for print (the bill is checked against the spending limit with these, before the build)."""
    asked = {ward.code for ward in wards}
    quantities = {}
    for ward in every_ward:
        row = previous.rows.get(ward.code)
        if ward.code in asked and ward.code in households:
            quantities[ward.code] = quantity(households[ward.code], campaign)
        elif ward.code not in asked and ward.code not in unapproved and row is not None and row.for_print:
            quantities[ward.code] = row.quantity or 0
    return quantities
