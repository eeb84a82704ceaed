"""A campaign's approvals (approvals.json beside campaign.yaml) -> who approved which inputs of
each ward, and when; and which wards' inputs no longer match their approval.

A ward's inputs are what its print file is made from: the layout, the campaign's YAML and the
text files its slots read, the ward's row, the fonts, its photos, the press profile and the
leaflet version.  Each file is recorded by its SHA-256, so any edit shows, with its name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from leaflet.errors import InputError, LeafletError
from leaflet.model import Campaign, Ward
from leaflet.runs.digests import InputDigests
from leaflet.runs.files import write_atomically
from leaflet.version import __version__

APPROVALS_FILE = "approvals.json"


@dataclass(frozen=True)
class Approval:
    approved_by: str
    approved_at: str  # ISO 8601, UTC
    leaflet: str  # the leaflet version that made the approved proof
    inputs: dict[str, str]  # input (as a person names it) -> SHA-256


def approvals_path(campaign: Campaign) -> Path:
    return campaign.root / APPROVALS_FILE


def read_approvals(campaign: Campaign) -> dict[str, Approval]:
    """The campaign's approvals by ward code; none when it has no approvals file."""
    path = approvals_path(campaign)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {code: Approval(**record) for code, record in data["wards"].items()}
    except FileNotFoundError:
        return {}
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        raise InputError(
            path,
            None,
            f"not an approvals file leaflet can read ({error})",
            "restore it from a backup, or delete it and approve the wards again",
        ) from None


def write_approvals(campaign: Campaign, approvals: dict[str, Approval]) -> Path:
    path = approvals_path(campaign)
    records = {code: asdict(approval) for code, approval in sorted(approvals.items())}
    text = (
        json.dumps({"campaign": campaign.name, "wards": records}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    write_atomically(path, text.encode("utf-8"))
    return path


def unapproved(campaigns: dict[str, Campaign], wards: Iterable[Ward]) -> dict[str, str]:
    """The wards whose inputs do not match an approval, by code, each with why: "not approved",
    or which inputs changed (``campaigns`` and ``wards`` as ``leaflet.runs.prepare.load`` returns them)."""
    approvals = read_approvals(campaigns[""])
    digests = InputDigests(campaigns)
    reasons: dict[str, str] = {}
    for ward in wards:
        approval = approvals.get(ward.code)
        if approval is None:
            reasons[ward.code] = "not approved"
            continue
        try:
            changes = _changes(approval, digests.ward_inputs(ward))
        except LeafletError as error:  # a photo cell leading out of the project, say
            changes = [f"an input cannot be used: {error}"]
        if changes:
            reasons[ward.code] = "; ".join(changes)
    return reasons


def approved_wards(campaigns: dict[str, Campaign], wards: list[Ward]) -> tuple[list[Ward], dict[str, str]]:
    """The wards whose inputs still match their approval, and why the others do not; refused when
    no ward's do (a build of ``--approved-only`` would print nothing)."""
    reasons = unapproved(campaigns, wards)
    approved = [ward for ward in wards if ward.code not in reasons]
    if not approved:
        raise InputError(
            campaigns[""].root / "approvals.json",
            None,
            "no ward's inputs match an approval",
            "review the proofs, then run leaflet approve",
        )
    return approved, reasons


def _changes(approval: Approval, inputs: dict[str, str]) -> list[str]:
    changes = []
    if approval.leaflet != __version__:
        changes.append(f"leaflet version changed ({approval.leaflet} -> {__version__})")
    for label, digest in inputs.items():
        before = approval.inputs.get(label)
        if digest == "missing":
            changes.append(f"{label} is missing")
        elif before is None:
            changes.append(f"{label} added")
        elif before != digest:
            changes.append(f"{label} changed")
    changes.extend(f"{label} no longer used" for label in approval.inputs if label not in inputs)
    return changes
