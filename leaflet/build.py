"""A campaign folder + its wards -> one print PDF per ward, the print order, and optionally one
combined print file; written atomically, in parallel processes.

The run is prepared once (fonts measured and subset, photos converted, static frames laid out and
serialised); each ward then costs its own variant, the layout of its own frames, and a few
objects.  Worker processes are forked after preparing, so they share all of that.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import __version__
from .check import Checker
from .draw import (
    CombinedFile,
    PreparedDocument,
    WardPages,
    draw_pages,
    file_from_pages,
    file_tail,
    prepare_document,
)
from .errors import InputError, LeafletError
from .inputs import InputDigests
from .layout import PreparedLayout, faces_needed, lay_out, prepare_layout
from .load import load_campaign, load_language
from .manifest import (
    ManifestRow,
    manifest_csv,
    manifest_json,
    manifest_row,
    read_manifest_rows,
)
from .model import Campaign, Finding, LaidOutLeaflet, Ward
from .parallel import map_wards
from .variant import make_variant, ward_fields_used, ward_language, ward_slots
from .wards import load_wards, select_wards

Progress = Callable[[int, int], None]
MARKER = ".leaflet-campaign"  # in an output folder: which campaign's files it holds


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
    unapproved: dict[str, str] = field(default_factory=dict)  # with approved_only: code -> what changed

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
class PreparedRun:
    """Everything a run prepares once and reuses for every ward."""

    campaigns: dict[str, Campaign]  # by language, "" for campaign.yaml's own
    varying: dict[str, frozenset[str]]
    layout: PreparedLayout
    document: PreparedDocument

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[""]

    @cached_property
    def head_hash(self) -> "hashlib._Hash":
        return hashlib.sha256(self.document.shared.head)

    def lay_out(self, ward: Ward) -> LaidOutLeaflet:
        language = ward_language(ward, self.campaign)
        return lay_out(self.layout, make_variant(self.campaigns[language], ward, self.varying[language]))

    def draw(self, leaflet: LaidOutLeaflet) -> bytes:
        return file_from_pages(draw_pages(leaflet, self.document), self.document)

    def write(self, leaflet: LaidOutLeaflet, path: Path) -> tuple[WardPages, str]:
        """Draw a ward's print file into ``path`` atomically; its pages and SHA-256.

        The shared head is written from the run's one copy and hashed once per run: per ward,
        only the ward's own tail is built and hashed."""
        pages = draw_pages(leaflet, self.document)
        tail = file_tail(pages, self.document)
        write_atomically(path, self.document.shared.head, tail)
        digest = self.head_hash.copy()
        digest.update(tail)
        return pages, digest.hexdigest()


def load(campaign_dir: Path, wards_csv: Path | None = None, ward_codes: Iterable[str] | None = None) -> tuple[dict[str, Campaign], list[Ward]]:
    """The campaign in each language its wards ask for, and the (chosen) wards."""
    campaign = load_campaign(Path(campaign_dir))
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    wards = select_wards(load_wards(wards_path, ward_fields_used(campaign)), list(ward_codes or []), wards_path)
    campaigns = {"": campaign}
    for ward in wards:
        language = ward_language(ward, campaign)
        if language not in campaigns:
            if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
                raise InputError(wards_path, f"line {ward.line}", f"'{language}' is not a language code", "use a code such as cy, gd or ga, or leave it blank")
            campaigns[language] = load_language(campaign, language, wards_path, ward.line)
            missing = sorted(ward_fields_used(campaigns[language]) - set(ward.fields))
            if missing:
                raise InputError(wards_path, "line 1", f"no '{missing[0]}' column, but campaign.{language}.yaml uses {{ward.{missing[0]}}}", "add the column or remove the placeholder")
    return campaigns, wards


def prepare_run(campaigns: dict[str, Campaign], wards: list[Ward], crop_marks: bool = False) -> PreparedRun:
    base = campaigns[""]
    layout = prepare_layout(base)
    varying = {language: ward_slots(campaign) for language, campaign in campaigns.items()}
    run = PreparedRun(campaigns, varying, layout, None)  # type: ignore[arg-type]
    samples = {}
    for ward in wards:  # one ward per language shows every static frame of that language
        language = ward_language(ward, base)
        if language not in samples:
            samples[language] = run.lay_out(ward)
    characters = characters_needed(campaigns.values(), wards)
    run.document = prepare_document(base.layout, list(samples.values()), faces_needed(base.layout), characters, crop_marks)
    return run


def characters_needed(campaigns: Iterable[Campaign], wards: Iterable[Ward]) -> set[str]:
    """Every character the run's text can contain, in both cases (styles may set capitals)."""
    texts = [run.text for campaign in campaigns for paragraphs in campaign.slots.values() for p in paragraphs for run in p.runs]
    texts.extend(campaign.imprint.text for campaign in campaigns)
    texts.extend(value for ward in wards for value in ward.fields.values())
    characters = set("".join(texts))
    return characters | set("".join(texts).upper())


def output_name(ward: Ward) -> str:
    """``<code>-<slug>.pdf``, safe on every operating system."""
    return f"{_slug(ward.code, keep_case=True) or 'ward'}-{_slug(ward.name) or 'ward'}.pdf"


def _slug(text: str, keep_case: bool = False) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("&", " and ").replace("'", "")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded if keep_case else folded.lower()).strip("-")
    return slug[:60].rstrip("-")


def output_names(wards: list[Ward], wards_path: Path) -> dict[str, str]:
    """Each ward's file name; two wards may never share one (not even by letter case)."""
    names: dict[str, str] = {}
    taken: dict[str, Ward] = {}
    for ward in wards:
        name = output_name(ward)
        other = taken.get(name.casefold())
        if other:
            raise InputError(wards_path, f"line {ward.line}", f"ward {ward.code} would be written to {name}, as ward {other.code} on line {other.line} is", "make the codes differ in more than punctuation or letter case")
        taken[name.casefold()] = ward
        names[ward.code] = name
    return names


def _file_mode() -> int:
    """What a plainly created file gets under the user's umask (mkstemp would give 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def write_atomically(path: Path, *parts: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half file."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        try:
            write_preallocated(handle, parts)
        finally:
            os.close(handle)
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise


def write_preallocated(handle: int, parts: Iterable[bytes]) -> None:
    """Reserve the file's whole size first, then write: the file system allocates its blocks in
    one go instead of page by page (about a quarter less time for a 2 MB print file on ext4),
    and a full disk is found before any byte is written."""
    parts = list(parts)
    if hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(handle, 0, sum(map(len, parts)))
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise  # a file system that cannot reserve space just fills the blocks as it writes
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(handle, view) :]


def _cannot_write(path: Path, error: OSError) -> InputError:
    hints = {
        errno.ENOSPC: "free some space on that disk, or write somewhere else",
        errno.EDQUOT: "free some space within your quota, or write somewhere else",
        errno.EACCES: "make the folder writable, or write somewhere else",
        errno.EPERM: "make the folder writable, or write somewhere else",
        errno.EROFS: "that disk is read-only: write somewhere else",
    }
    return InputError(path, None, f"cannot write the file ({error.strerror or error})", hints.get(error.errno))


def _remove_partial_files(out_dir: Path) -> None:
    """Temporary files of an interrupted write: never a finished file, safe to delete."""
    for partial in out_dir.glob(".*.part"):
        partial.unlink(missing_ok=True)


def _claim_output_folder(out_dir: Path, campaign: Campaign, names: Iterable[str]) -> None:
    """Refuse to write over files that another campaign (or something else) put there."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_dir, None, f"cannot create the output folder ({error.strerror})") from None
    marker = out_dir / MARKER
    ours = str(campaign.path)
    if marker.exists():
        try:
            owner = json.loads(marker.read_text(encoding="utf-8")).get("campaign")
        except (ValueError, OSError, AttributeError):
            owner = None
        if owner != ours:
            raise InputError(out_dir, None, f"holds the files of another campaign ({owner})", "choose another --out folder")
        return
    clashes = [name for name in names if (out_dir / name).exists()]
    if clashes:
        raise InputError(out_dir, None, f"already has {clashes[0]}, not written by leaflet for this campaign", "choose another --out folder, or move those files away")
    write_atomically(marker, (json.dumps({"campaign": ours}) + "\n").encode("utf-8"))


# ---------------------------------------------------------------- preflight, per ward


class Preflight:
    """The checks every command runs on a ward (``check`` has the rules).

    The shared part of every print file is read back once, from one ward's file, when the run
    starts; per ward, its laid-out pages are checked and, after drawing, what is its own."""

    def __init__(self, run: PreparedRun, wards: list[Ward]):
        self.run = run
        self.checker = Checker(run.campaign.layout, run.layout.metrics)
        sample = run.lay_out(wards[0])
        self.file_findings = tuple(self.checker.check_print_file(run.draw(sample), sample, render_qr=False))

    def lay_out(self, ward: Ward) -> tuple[LaidOutLeaflet | None, list[Finding]]:
        """The ward laid out and checked; no leaflet when its own input cannot be used."""
        try:
            leaflet = self.run.lay_out(ward)
        except LeafletError as error:
            return None, [Finding("error", "input", str(error), ward.code)]
        return leaflet, self.checker.check_layout(leaflet) + [replace(f, ward=ward.code) for f in self.file_findings]

    def read_back(self, data: bytes, pages: WardPages, leaflet: LaidOutLeaflet, render_qr: bool) -> list[Finding]:
        """The ward's print file read back: its QR code rendered and decoded (``render_qr``), and
        its structure when it carries photos of its own (the rest was read at the start)."""
        if not (render_qr or pages.images):
            return []
        return self.checker.check_print_file(data, leaflet, render_qr=render_qr, structure=bool(pages.images))


# ---------------------------------------------------------------- per ward, in worker processes


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
        if kept:
            return WardResult(ward, self.out_dir / kept.file, (), up_to_date=True), kept, None
        leaflet, findings = self.preflight.lay_out(ward)
        if leaflet is None or (not self.force and any(f.severity == "error" for f in findings)):
            return WardResult(ward, None, tuple(findings)), None, None
        path = self.out_dir / self.names[ward.code]
        pages, sha256 = self.run.write(leaflet, path)
        if pages.images:
            findings += self.preflight.read_back(path.read_bytes(), pages, leaflet, render_qr=False)
        campaign = self.run.campaigns[ward_language(ward, self.run.campaign)]
        row = manifest_row(campaign, ward, path, len(pages.contents), sha256, inputs)
        return WardResult(ward, path, tuple(findings)), row, pages if self.combined else None


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
) -> BuildReport:
    """Build every (or every chosen) ward's print PDF into ``out_dir`` (default out/<campaign>).

    ``crop_marks`` adds trim marks outside the bleed (most online printers add their own);
    ``jobs`` is how many processes build wards; ``combined`` also writes one PDF of all wards;
    ``approved_only`` builds only wards whose inputs still match their approval (``approve``).
    Every ward is preflighted as ``leaflet check`` does, but for decoding its QR code from a
    render; a ward with an error gets no print file unless ``force``, and the others are still
    built.
    """
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    unapproved_wards: dict[str, str] = {}
    if approved_only:
        from .approve import unapproved  # approve builds on this module

        unapproved_wards = unapproved(campaigns, wards)
        wards = [ward for ward in wards if ward.code not in unapproved_wards]
        if not wards:
            raise InputError(campaign.root / "approvals.json", None, "no ward's inputs match an approval", "review the proofs, then run leaflet approve")
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name
    names = output_names(wards, Path(wards_csv) if wards_csv else campaign.wards_path)
    combined_path = out_dir / f"{_slug(campaign.name)}-all-wards.pdf" if combined else None
    _claim_output_folder(out_dir, campaign, [*names.values(), "manifest.csv", "manifest.json", *([combined_path.name] if combined_path else [])])
    _remove_partial_files(out_dir)  # a run that was killed outright could not clean up
    run = prepare_run(campaigns, wards, crop_marks)
    run_key = b"|".join((run.document.shared.digest, __version__.encode(), b"marks" if crop_marks else b""))
    builder = _WardBuilder(run, Preflight(run, wards), out_dir, names, combined, force, read_manifest_rows(out_dir), run_key)
    results: list[WardResult] = []
    rows: list[ManifestRow] = []
    combined_file = combined_stream = None
    try:
        if combined_path:
            handle, combined_temporary = tempfile.mkstemp(prefix=f".{combined_path.name}.", suffix=".part", dir=out_dir)
            combined_stream = os.fdopen(handle, "wb")
            combined_file = CombinedFile(combined_stream, run.document, f"{campaign.title} - all wards")
        for index, (result, row, pages) in enumerate(map_wards(builder, wards, jobs)):
            results.append(result)
            if row:
                rows.append(row)
            if combined_file and pages:
                combined_file.add(pages)
            if progress:
                progress(index + 1, len(wards))
        if combined_file:
            combined_file.close()
            combined_stream.close()
            os.chmod(combined_temporary, _FILE_MODE)
            os.replace(combined_temporary, combined_path)
            combined_stream = None
    except BaseException:
        _remove_partial_files(out_dir)  # workers stopped mid-write leave their temporary files
        raise
    finally:
        if combined_stream:
            combined_stream.close()
            Path(combined_temporary).unlink(missing_ok=True)
    write_atomically(out_dir / "manifest.csv", manifest_csv(rows))
    write_atomically(out_dir / "manifest.json", manifest_json(campaign, rows))
    return BuildReport(campaign, out_dir, tuple(results), tuple(rows), combined_path, unapproved_wards)
