"""A campaign's wards -> each chosen ward's print file drawn exactly as ``leaflet build`` draws
it, preflighted in full (as ``leaflet check`` does: its QR code decoded from a 300 dpi render),
with the SHA-256 of its bytes and of every input it is made from: what a sign-off records, so
that the build prints exactly what was signed.

The run is prepared as the build prepares it; what every ward's file shares (font subsets,
static frames) depends on the campaign alone, so a ward's bytes are the same in a build of one
ward or of all.  Should they ever differ (another leaflet, ``SOURCE_DATE_EPOCH``, ``--marks``),
the build refuses the ward rather than print what was not signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from leaflet.errors import LeafletError
from leaflet.model import Campaign, Finding, Ward
from leaflet.runs.digests import InputDigests
from leaflet.runs.parallel import Progress, map_wards
from leaflet.runs.preflight import Preflight
from leaflet.runs.prepare import PreparedRun, prepare_run
from leaflet.write.draw import draw_pages, file_tail


@dataclass(frozen=True)
class DrawnWard:
    code: str
    inputs: dict[str, str]  # each input of its print file -> SHA-256; empty when one cannot be used
    print_sha256: str | None  # None: it could not be drawn
    errors: tuple[str, ...]  # its preflight errors, in words: why it cannot be signed off


def _said(finding: Finding) -> str:
    return f"{finding.frame}: {finding.message}" if finding.frame else finding.message


@dataclass
class _WardDrawer:
    run: PreparedRun
    preflight: Preflight
    digests: InputDigests
    full_check: bool

    def __call__(self, ward: Ward) -> DrawnWard:
        try:
            inputs = self.digests.ward_inputs(ward)
        except LeafletError as error:
            return DrawnWard(ward.code, {}, None, (str(error),))
        leaflet, findings = self.preflight.lay_out(ward)
        if leaflet is not None:
            pages = draw_pages(leaflet, self.run.document)
            part = self.run.document.part_for(pages)
            tail = file_tail(pages, self.run.document, part)
            digest = part.head_hash.copy()  # as the build hashes what it writes
            digest.update(tail)
            if self.full_check:
                findings += self.preflight.read_back(part.shared.head + tail, pages, leaflet, True)
        errors = tuple(_said(finding) for finding in findings if finding.severity == "error")
        return DrawnWard(ward.code, inputs, digest.hexdigest() if leaflet is not None else None, errors)


def draw_wards(
    campaigns: dict[str, Campaign],
    every_ward: list[Ward],
    chosen: list[Ward],
    jobs: int = 1,
    full_check: bool = True,
    progress: Progress | None = None,
) -> list[DrawnWard]:
    """The ``chosen`` wards' print files drawn and checked (``full_check``: with the QR code
    decoded), in a run prepared from ``every_ward``, as ``leaflet build`` prepares it."""
    if not chosen:
        return []
    run = prepare_run(campaigns, every_ward)
    drawer = _WardDrawer(run, Preflight(run, every_ward), InputDigests(campaigns), full_check)
    drawn = []
    for index, result in enumerate(map_wards(drawer, chosen, jobs)):
        drawn.append(result)
        if progress:
            progress(index + 1, len(chosen))
    return drawn


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
