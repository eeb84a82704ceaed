"""A campaign's wards and the files behind them -> approvals.json beside the campaign: who approved
which inputs of each ward, and when; and which wards' inputs no longer match their approval.

A ward's inputs are what its print file is made from: the layout, the campaign's YAML and the
text files its slots read, the ward's row, the fonts, its photos, the press profile and the
leaflet version.  Each file is recorded by its SHA-256, so any edit shows, with its name.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .build import load, ward_language, write_atomically
from .errors import InputError, LeafletError
from .images import PRESS_PROFILE
from .layout import faces_needed
from .load import read_yaml
from .model import Campaign, ImageFrame, Ward
from .variant import make_variant, ward_slots

APPROVALS_FILE = "approvals.json"
ROW = "ward row"


@dataclass(frozen=True)
class Approval:
    approved_by: str
    approved_at: str  # ISO 8601, UTC
    leaflet: str  # the leaflet version that made the approved proof
    inputs: dict[str, str]  # input (as a person names it) -> SHA-256


@dataclass(frozen=True)
class ApprovalReport:
    path: Path  # the approvals file written
    wards: tuple[Ward, ...]  # the wards approved just now


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
        raise InputError(path, None, f"not an approvals file leaflet can read ({error})", "restore it from a backup, or delete it and approve the wards again") from None


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


class _InputDigests:
    """Each ward's inputs and their digests; a file shared by many wards is read once."""

    def __init__(self, campaigns: dict[str, Campaign]):
        self.campaigns = campaigns
        self.varying = {language: ward_slots(campaign) for language, campaign in campaigns.items()}
        self.files: dict[Path, str] = {}
        self.shared: dict[str, dict[str, str]] = {}  # by language: inputs every ward of it shares

    def _file(self, path: Path) -> str:
        if path not in self.files:
            self.files[path] = _file_sha256(path)
        return self.files[path]

    def _label(self, path: Path) -> str:
        return os.path.relpath(path, self.campaigns[""].root)

    def _shared_inputs(self, language: str) -> dict[str, str]:
        if language not in self.shared:
            base = self.campaigns[""]
            layout = base.layout
            inputs = {f"layout {self._label(layout.path)}": self._file(layout.path)}
            for campaign in {base.path: base, self.campaigns[language].path: self.campaigns[language]}.values():
                for path in _campaign_files(campaign):
                    inputs[f"campaign file {self._label(path)}"] = self._file(path)
            for key in sorted(faces_needed(layout)):
                inputs[f"font {key}"] = self._file(layout.fonts[key].path)
            inputs["press profile"] = self._file(PRESS_PROFILE)
            self.shared[language] = inputs
        return self.shared[language]

    def ward_inputs(self, ward: Ward) -> dict[str, str]:
        language = ward_language(ward, self.campaigns[""])
        campaign = self.campaigns[language]
        inputs = dict(self._shared_inputs(language))
        row = json.dumps(ward.fields, sort_keys=True, ensure_ascii=False)
        inputs[ROW] = hashlib.sha256(row.encode("utf-8")).hexdigest()
        images = make_variant(campaign, ward, self.varying[language]).images
        for slot in _image_slots(campaign):
            inputs[f"photo {slot}"] = self._file(images[slot])
        return inputs


def _campaign_files(campaign: Campaign) -> list[Path]:
    """A campaign's YAML file and the text files its slots read (``{file: story.md}``)."""
    files = [campaign.path]
    slots = read_yaml(campaign.path).get("slots") or {}
    for value in slots.values() if isinstance(slots, dict) else ():
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            files.append((campaign.path.parent / value["file"]).resolve())
    return files


def _image_slots(campaign: Campaign) -> list[str]:
    return sorted({frame.slot for page in campaign.layout.pages for frame in page.frames if isinstance(frame, ImageFrame)})


def approve(campaign_dir: Path, by: str, ward_codes: Iterable[str] | None = None, wards_csv: Path | None = None, at: datetime | None = None) -> ApprovalReport:
    """Record that ``by`` approved the (chosen) wards as their inputs are now; other wards'
    approvals are kept.  ``at`` defaults to now."""
    by = by.strip()
    if not by:
        raise InputError(None, "--by", "say who approves the proofs", "give a name, e.g. --by 'Sam Taylor'")
    campaigns, wards = load(campaign_dir, wards_csv, ward_codes)
    campaign = campaigns[""]
    approvals = read_approvals(campaign)
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    digests = _InputDigests(campaigns)
    for ward in wards:
        approvals[ward.code] = Approval(by, when, __version__, digests.ward_inputs(ward))
    path = approvals_path(campaign)
    records = {code: asdict(approval) for code, approval in sorted(approvals.items())}
    text = json.dumps({"campaign": campaign.name, "wards": records}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    return ApprovalReport(path, tuple(wards))


def unapproved(campaigns: dict[str, Campaign], wards: Iterable[Ward]) -> dict[str, str]:
    """The wards whose inputs do not match an approval, by code, each with why: "not approved",
    or which inputs changed (``campaigns`` and ``wards`` as ``leaflet.build.load`` returns them)."""
    approvals = read_approvals(campaigns[""])
    digests = _InputDigests(campaigns)
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
