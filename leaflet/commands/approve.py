"""A campaign's wards -> their approval recorded (``leaflet approve``): the SHA-256 of every input
of each ward's print file, with who approved it and when, in approvals.json beside the campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Ward
from leaflet.runs.approvals import Approval, read_approvals, write_approvals
from leaflet.runs.digests import InputDigests
from leaflet.runs.prepare import load
from leaflet.version import __version__


@dataclass(frozen=True)
class ApprovalReport:
    path: Path  # the approvals file written
    wards: tuple[Ward, ...]  # the wards approved just now


def approve(
    campaign_dir: Path,
    by: str,
    ward_codes: Iterable[str] | None = None,
    wards_csv: Path | None = None,
    at: datetime | None = None,
) -> ApprovalReport:
    """Record that ``by`` approved the (chosen) wards as their inputs are now; other wards'
    approvals are kept.  ``at`` defaults to now."""
    by = by.strip()
    if not by:
        raise InputError(None, "--by", "say who approves the proofs", "give a name, e.g. --by 'Sam Taylor'")
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    approvals = read_approvals(campaign)
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    digests = InputDigests(campaigns)
    for ward in wards:
        approvals[ward.code] = Approval(by, when, __version__, digests.ward_inputs(ward))
    return ApprovalReport(write_approvals(campaign, approvals), tuple(wards))
