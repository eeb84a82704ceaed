"""A campaign folder -> its audit trail as a CSV file (``leaflet audit``): every edit, submission,
comment, approval, sign-off and build, oldest first, who and when, with the digests of what each
concerned; for the agent's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError
from leaflet.runs.approvals import migrate_approvals, open_storage
from leaflet.runs.audit import audit_csv
from leaflet.runs.files import write_atomically
from leaflet.runs.prepare import load


@dataclass(frozen=True)
class AuditReport:
    path: Path
    events: int
    note: str | None = None  # approvals.json migrated just now


def audit(campaign_dir: Path, out: Path) -> AuditReport:
    campaigns, wards = load(campaign_dir, approved_local=False)
    campaign = campaigns[""]
    note = migrate_approvals(campaign)
    storage = open_storage(campaign)
    if storage is None:
        raise InputError(
            campaign.root,
            None,
            "has no audit trail yet: nothing was edited, reviewed or signed off",
            "the trail starts with leaflet serve or leaflet approve",
        )
    data = audit_csv(storage, {ward.code: ward.name for ward in wards})
    write_atomically(Path(out), data)
    return AuditReport(Path(out), data.count(b"\r\n") - 1, note)
