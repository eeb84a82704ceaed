"""A campaign folder + its wards -> one print PDF per ward, written atomically.

The run is prepared once (fonts measured and subset, photos converted, static frames laid out and
serialised); each ward then costs its own variant, layout of its own frames, and a few objects.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .draw import PreparedDocument, draw_leaflet, prepare_document
from .errors import InputError
from .layout import PreparedLayout, faces_needed, lay_out, prepare_layout
from .load import load_campaign, load_wards, select_wards
from .model import Campaign, Finding, LaidOutLeaflet, Ward
from .variant import make_variant, ward_fields_used

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WardResult:
    ward: Ward
    path: Path | None  # None when the ward failed
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class BuildReport:
    campaign: Campaign
    out_dir: Path
    results: tuple[WardResult, ...]

    @property
    def failed(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is None)

    @property
    def written(self) -> tuple[WardResult, ...]:
        return tuple(result for result in self.results if result.path is not None)


@dataclass
class PreparedRun:
    """Everything a run prepares once and reuses for every ward."""

    campaign: Campaign
    layout: PreparedLayout
    document: PreparedDocument

    def lay_out(self, ward: Ward) -> LaidOutLeaflet:
        return lay_out(self.layout, make_variant(self.campaign, ward, self.layout.varying_slots))

    def draw(self, leaflet: LaidOutLeaflet) -> bytes:
        return draw_leaflet(leaflet, self.document)


def load(campaign_dir: Path, wards_csv: Path | None = None, ward_codes: Iterable[str] | None = None) -> tuple[Campaign, list[Ward]]:
    campaign = load_campaign(Path(campaign_dir))
    wards_path = Path(wards_csv) if wards_csv else campaign.wards_path
    wards = load_wards(wards_path, ward_fields_used(campaign))
    return campaign, select_wards(wards, list(ward_codes or []), wards_path)


def prepare_run(campaign: Campaign, wards: list[Ward], crop_marks: bool = False) -> PreparedRun:
    layout = prepare_layout(campaign)
    sample = lay_out(layout, make_variant(campaign, wards[0], layout.varying_slots))
    characters = characters_needed(campaign, wards)
    document = prepare_document(campaign.layout, sample, faces_needed(layout), characters, layout.images, crop_marks)
    return PreparedRun(campaign, layout, document)


def characters_needed(campaign: Campaign, wards: Iterable[Ward]) -> set[str]:
    """Every character the run's text can contain, in both cases (styles may set capitals)."""
    texts = [run.text for paragraphs in campaign.slots.values() for p in paragraphs for run in p.runs]
    texts.append(campaign.imprint.text)
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


def _file_mode() -> int:
    """What a plainly created file gets under the user's umask (mkstemp would give 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(
    campaign_dir: Path,
    out_dir: Path | None = None,
    wards_csv: Path | None = None,
    ward_codes: Iterable[str] | None = None,
    progress: Progress | None = None,
    crop_marks: bool = False,
) -> BuildReport:
    """Build every (or every chosen) ward's print PDF into ``out_dir`` (default out/<campaign>).

    ``crop_marks`` adds trim marks outside the bleed (most online printers add their own).
    """
    campaign, wards = load(campaign_dir, wards_csv, ward_codes)
    out_dir = Path(out_dir) if out_dir else Path("out") / campaign.name
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_dir, None, f"cannot create the output folder ({error.strerror})") from None
    run = prepare_run(campaign, wards, crop_marks)
    results = []
    for index, ward in enumerate(wards):
        leaflet = run.lay_out(ward)
        path = None
        if not any(f.severity == "error" for f in leaflet.findings):
            path = out_dir / output_name(ward)
            write_atomically(path, run.draw(leaflet))
        results.append(WardResult(ward, path, leaflet.findings))
        if progress:
            progress(index + 1, len(wards))
    return BuildReport(campaign, out_dir, tuple(results))
