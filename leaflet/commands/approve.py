"""A campaign's wards -> their sign-off recorded (``leaflet approve``): each ward's print file drawn
as the build draws it and preflighted in full, the SHA-256 of its bytes and of every input it is
made from, who signed it off and when, in the campaign's local edits database: the same sign-off
the election agent gives in ``leaflet serve``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from leaflet.runs.approvals import sign_off
from leaflet.runs.parallel import Progress
from leaflet.runs.storage import SignOff


@dataclass(frozen=True)
class ApprovalReport:
    path: Path  # the database the sign-offs are recorded in
    signed: tuple[SignOff, ...]  # signed off just now
    refused: dict[str, str]  # code -> why not: preflight errors, or a local version awaiting review
    already: tuple[str, ...]  # codes whose sign-off still held
    note: str | None = None  # approvals.json migrated into the database just now


def approve(
    campaign_dir: Path,
    by: str,
    ward_codes: Iterable[str] | None = None,
    wards_csv: Path | None = None,
    jobs: int = 1,
    comment: str = "",
    progress: Progress | None = None,
) -> ApprovalReport:
    """Sign off the (chosen) wards as ``by``, as they print now; other wards' sign-offs are kept.
    A ward with preflight errors, or whose local version awaits review, is refused."""
    report = sign_off(campaign_dir, by, ward_codes, "agent", None, comment, wards_csv, jobs, progress=progress)
    return ApprovalReport(report.database, report.signed, report.refused, report.already, report.note)
