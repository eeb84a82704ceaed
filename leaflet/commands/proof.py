"""A campaign folder + its wards -> proofs for reviewers: per ward a watermarked proof PDF with
guides, PNG previews of its pages, difference images against an earlier proof set, and one
static review page (index.html) with a card per ward.

Pages are rendered with PDFium (pypdfium2) from the proof PDF itself, so a reviewer sees what a
PDF reader shows.  ``proof.json`` records what a proof set holds, so that a later run given
``since`` can tell which wards' pages changed and where.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from leaflet.commands.pages import thread_by_ward
from leaflet.commands.review import ProofedWard, ProofPage, ProofReport, review_page
from leaflet.errors import InputError
from leaflet.model import Campaign, Ward
from leaflet.runs.approvals import migrate_approvals, open_storage, sign_off_status
from leaflet.runs.files import remove_partial_files, write_atomically
from leaflet.runs.folders import folder_lock
from leaflet.runs.local import ward_state
from leaflet.runs.names import output_names
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, load, prepare_run
from leaflet.runs.raster import changed_regions, difference_image, render_pages
from leaflet.version import __version__
from leaflet.ward.variant import ward_language
from leaflet.write.draw import draw_pages, file_from_pages
from leaflet.write.proofmarks import ProofMarks, add_proof_marks, prepare_proof_marks

PAGE_DPI = 150
THUMBNAIL_WIDTH_PX = 300
PROOF_RECORD = "proof.json"
FOLDERS = ("pages", "thumbnails", "changes")
INDEX = "index.html"


@dataclass(frozen=True)
class _EarlierPage:
    name: str
    image: Path


def _read_proof_record(folder: Path) -> dict:
    path = folder / PROOF_RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            folder, None, f"not a proof folder (no {PROOF_RECORD})", "pass the --out folder of an earlier leaflet proof"
        ) from None
    except (ValueError, OSError) as error:
        raise InputError(path, None, f"cannot be read ({error})", "proof again without --since") from None


def _earlier_pages(since: Path) -> dict[str, tuple[_EarlierPage, ...]]:
    """By ward code, the pages of the earlier proof set."""
    record = _read_proof_record(since)
    try:
        return {
            ward["code"]: tuple(_EarlierPage(page["name"], since / page["image"]) for page in ward["pages"])
            for ward in record["wards"]
        }
    except (KeyError, TypeError) as error:
        raise InputError(
            since / PROOF_RECORD,
            None,
            f"not a proof record leaflet can read (no {error})",
            "proof again without --since",
        ) from None


def _claim_proof_folder(out_dir: Path, campaign: Campaign) -> None:
    """Refuse a folder holding another campaign's proofs, or an index.html leaflet did not write."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_dir, None, f"cannot create the proof folder ({error.strerror})") from None
    if (out_dir / PROOF_RECORD).exists():
        owner = _read_proof_record(out_dir).get("campaign")
        if owner != str(campaign.path):
            raise InputError(
                out_dir, None, f"holds the proofs of another campaign ({owner})", "choose another --out folder"
            )
    elif (out_dir / INDEX).exists():
        raise InputError(
            out_dir, None, f"already has an {INDEX} not written by leaflet proof", "choose another --out folder"
        )
    for folder in FOLDERS:
        (out_dir / folder).mkdir(exist_ok=True)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


@dataclass
class _WardProofer:
    """One ward: lay out, preflight as ``leaflet check`` does, write its proof PDF and page
    images, and compare them with the earlier proof set's."""

    run: PreparedRun
    preflight: Preflight
    marks: ProofMarks
    out_dir: Path
    stems: dict[str, str]
    earlier: dict[str, tuple[_EarlierPage, ...]] | None

    def __call__(self, ward: Ward) -> ProofedWard:
        leaflet, findings = self.preflight.lay_out(ward)
        if leaflet is None:
            return ProofedWard(ward, "", None, (), tuple(findings))
        pages = draw_pages(leaflet, self.run.document)
        print_file = file_from_pages(pages, self.run.document)
        findings += self.preflight.read_back(print_file, pages, leaflet, render_qr=True)
        proof_file = file_from_pages(add_proof_marks(pages, leaflet, self.marks), self.run.document)
        stem = self.stems[ward.code]
        proof_path = self.out_dir / f"{stem}-proof.pdf"
        earlier_images = self._earlier_images(ward.code)  # read before writing: ``since`` may be this folder
        write_atomically(proof_path, proof_file)
        proofed_pages = []
        for number, (page, image) in enumerate(
            zip(leaflet.pages, render_pages(proof_file, PAGE_DPI), strict=True), start=1
        ):
            proofed_pages.append(self._write_page(f"{stem}-p{number}.png", page.name, image, earlier_images))
        if self.earlier is None:
            pages_changed = None
        else:  # a ward new since the earlier proof set has changed too
            pages_changed = earlier_images is None or any(page.changed_regions for page in proofed_pages)
        return ProofedWard(ward, leaflet.signup_url, proof_path, tuple(proofed_pages), tuple(findings), pages_changed)

    def _earlier_images(self, code: str) -> dict[str, Image.Image] | None:
        """The ward's pages in the earlier proof set, by page name; None when it has none."""
        if self.earlier is None or code not in self.earlier:
            return None
        images = {}
        for page in self.earlier[code]:
            try:
                with Image.open(page.image) as image:
                    images[page.name] = image.convert("RGB")
            except OSError:
                return None
        return images

    def _write_page(
        self, name: str, page_name: str, image: Image.Image, earlier: dict[str, Image.Image] | None
    ) -> ProofPage:
        image_path, thumbnail_path, difference_path = (self.out_dir / folder / name for folder in FOLDERS)
        write_atomically(image_path, _png(image))
        thumbnail = image.resize(
            (THUMBNAIL_WIDTH_PX, round(image.height * THUMBNAIL_WIDTH_PX / image.width)), Image.Resampling.LANCZOS
        )
        write_atomically(thumbnail_path, _png(thumbnail))
        proofed = ProofPage(page_name, image_path, thumbnail_path, thumbnail.size, image_size=image.size)
        before = earlier.get(page_name) if earlier is not None else None
        if earlier is not None and before is None:  # a page the earlier proof did not have
            before = Image.new("RGB", image.size, "white")
        regions = changed_regions(before, image) if before is not None else ()
        if regions:
            write_atomically(difference_path, _png(difference_image(image, regions)))
            return replace(proofed, difference=difference_path, changed_regions=regions)
        difference_path.unlink(missing_ok=True)  # from an earlier run into this folder
        return proofed


def proof(
    campaign_dir: Path,
    out_dir: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    since: Path | None = None,
    progress: Progress | None = None,
    wards_csv: Path | None = None,
    frame_outlines: bool = False,
    jobs: int = 1,
) -> ProofReport:
    """Proof every (or every chosen) ward into ``out_dir`` (default out/<campaign>/proof).

    ``since``: an earlier proof folder; wards whose pages differ from it are marked changed and
    get a difference image per changed page.  ``frame_outlines`` outlines and names every frame.
    The review page is ``out_dir``/index.html.
    """
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name / "proof"
    names = output_names(wards, Path(wards_csv) if wards_csv else campaign.wards_path)
    stems = {code: name.removesuffix(".pdf") for code, name in names.items()}
    earlier = _earlier_pages(Path(since)) if since else None
    _claim_proof_folder(out_dir, campaign)
    with folder_lock(out_dir, "proof"):
        for folder in (out_dir, *(out_dir / name for name in FOLDERS)):
            remove_partial_files(folder)  # a run killed outright could not clean up
        run = prepare_run(campaigns, wards)
        marks = prepare_proof_marks(campaign.layout, run.document, frame_outlines)
        proofer = _WardProofer(run, Preflight(run, wards), marks, out_dir, stems, earlier)
        note = migrate_approvals(campaign, wards_csv)
        storage = open_storage(campaign)
        signed = sign_off_status(campaigns, wards, storage)
        workflow = storage.last_workflow_events() if storage else {}
        latest = storage.latest_numbers() if storage else {}
        remarks = thread_by_ward(storage.events() if storage else [])
        proofed: list[ProofedWard] = []
        for index, result in enumerate(map_wards(proofer, wards, jobs)):
            code = result.ward.code
            status, event = signed[code], workflow.get(code)
            proofed.append(
                replace(
                    result,
                    approval=status.signed,
                    unapproved_because=status.stale,
                    state=ward_state(event, latest.get(code, 0), status.current),
                    language=ward_language(result.ward, campaign) or campaign.language,
                    remarks=remarks.get(code, ()),
                    since=event.at if event else "",
                )
            )
            if progress:
                progress(index + 1, len(wards))
        report = ProofReport(
            campaign, out_dir, out_dir / INDEX, tuple(proofed), Path(since) if since else None, (note,) if note else ()
        )
        write_atomically(out_dir / PROOF_RECORD, _proof_record(report))
        write_atomically(report.index, review_page(report))
    return report


def _proof_record(report: ProofReport) -> bytes:
    def relative(path: Path) -> str:
        return path.relative_to(report.out_dir).as_posix()

    wards = [
        {
            "code": result.ward.code,
            "name": result.ward.name,
            "proof": relative(result.proof) if result.proof else None,
            "pages": [
                {"name": page.name, "image": relative(page.image), "thumbnail": relative(page.thumbnail)}
                for page in result.pages
            ],
        }
        for result in report.wards
    ]
    record = {"campaign": str(report.campaign.path), "leaflet": __version__, "dpi": PAGE_DPI, "wards": wards}
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
