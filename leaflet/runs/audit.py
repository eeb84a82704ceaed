"""A campaign's local edits database -> its audit trail as CSV for the agent's records: who did
what and when (edits, submissions, comments, approvals, sign-offs, builds), oldest first, each
with the digests of what it concerned; and a build recorded in that trail.

The trail is the database's events table, which is never rewritten (triggers refuse it); this
module only reads it, and appends builds.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from leaflet.model import Campaign
from leaflet.runs.manifest import ManifestRow, spreadsheet_safe
from leaflet.runs.storage import Event, Storage, database_path

COLUMNS = (
    "number",
    "at (UTC)",
    "ward",
    "ward name",
    "event",
    "version",
    "who",
    "role",
    "comment",
    "local version SHA-256",
    "inputs SHA-256",
    "print file SHA-256",
    "details",
)
_SHOWN = {"comment", "inputs_sha256", "print_sha256", "sha256"}  # have columns of their own


def values_sha256(local_values: dict) -> str:
    """A local version's digest: of its values as the database keeps them."""
    return hashlib.sha256(json.dumps(local_values, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _details(event: Event) -> str:
    parts = []
    for key, value in sorted(event.detail.items()):
        if key in _SHOWN or value in (None, "", {}, []):
            continue
        parts.append(f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}")
    return "; ".join(parts)


def audit_rows(storage: Storage, ward_names: dict[str, str]) -> list[list[str]]:
    """Every event of the campaign, oldest first, as the CSV's rows (header first)."""
    digests = {
        (version.ward, version.number): values_sha256(version.local_values) for version in storage.all_versions()
    }
    rows = [list(COLUMNS)]
    for event in storage.events():
        detail = event.detail
        version = "" if event.version is None else str(event.version)
        rows.append(
            [
                str(event.id),
                event.at,
                event.ward or "",
                ward_names.get(event.ward or "", ""),
                event.kind,
                version,
                event.actor,
                event.role,
                str(detail.get("comment") or ""),
                digests.get((event.ward or "", event.version or 0), ""),
                str(detail.get("inputs_sha256") or ""),
                str(detail.get("print_sha256") or detail.get("sha256") or ""),
                _details(event),
            ]
        )
    return rows


def audit_csv(storage: Storage, ward_names: dict[str, str]) -> bytes:
    """The trail as a spreadsheet opens it: UTF-8 with a byte-order mark, cells that would run
    as formulas written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in audit_rows(storage, ward_names):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def who_runs_this() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "campaign team"


def record_build(
    campaign: Campaign,
    out_dir: Path,
    rows: Iterable[ManifestRow],
    not_printed: dict[str, str],
    signed_only: bool,
    unapproved: bool,
) -> None:
    """Append a build to the campaign's trail: an event for each ward it printed (its file, and
    the SHA-256 of the file and of its inputs), and one for the build.  Only for a campaign that
    keeps a trail: one with a local edits database, or one that needs sign-off."""
    if not (database_path(campaign.root).is_file() or campaign.require_sign_off):
        return
    storage = Storage.for_campaign(campaign.root)
    printed = {row.code: {"file": row.file, "sha256": row.sha256} for row in rows}
    summary = {
        "out": str(out_dir),
        "printed": len(printed),
        "not printed": len(not_printed),
        "signed-off wards only": signed_only,
        **({"unapproved": "--unapproved: wards printed without a sign-off that holds"} if unapproved else {}),
    }
    storage.record_build(printed, summary, who_runs_this())
