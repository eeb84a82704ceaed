"""A campaign's files and one ward's row -> the digests of everything that ward's print file is
made from: the layout, the campaign's YAML and the text files its slots read, the ward's row,
the fonts, its photos, the press profile.  ``approve`` records them; ``build`` compares them
with the last build's to rebuild only what is stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from leaflet.assets.images import PRESS_PROFILE
from leaflet.model import Campaign, Ward, frame_slots
from leaflet.ward.layout import faces_needed
from leaflet.ward.variant import VariantPlan, plan_variants, ward_language, ward_photos

ROW = "ward row"


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


class FileDigests:
    """Files' SHA-256, read again only when a file's size, time or inode changed: for a server
    that asks for the same files' digests request after request."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple[int, int, int], str]] = {}

    def __call__(self, path: Path) -> str:
        try:
            status = path.stat()
        except OSError:
            return "missing"
        key = (status.st_mtime_ns, status.st_size, status.st_ino)
        known = self._known.get(path)
        if known is None or known[0] != key:
            known = self._known[path] = (key, _file_sha256(path))
        return known[1]


class InputDigests:
    """Each ward's inputs and their digests; a file shared by many wards is read once (by
    ``file_sha256``, which may remember files across runs: ``FileDigests``)."""

    def __init__(self, campaigns: dict[str, Campaign], file_sha256: Callable[[Path], str] = _file_sha256):
        self.campaigns = campaigns
        self.file_sha256 = file_sha256
        self.plans: dict[tuple[str, ...], dict[str, VariantPlan]] = {}  # by the wards file's columns
        self.files: dict[Path, str] = {}
        self.shared: dict[str, dict[str, str]] = {}  # by language: inputs every ward of it shares
        self.image_slots: dict[str, list[str]] = {}  # by language: the image slots its pages draw

    def _file(self, path: Path) -> str:
        if path not in self.files:
            self.files[path] = self.file_sha256(path)
        return self.files[path]

    def _label(self, path: Path) -> str:
        return os.path.relpath(path, self.campaigns[""].root)

    def _shared_inputs(self, language: str) -> dict[str, str]:
        if language not in self.shared:
            base = self.campaigns[""]
            layout = base.layout
            inputs = {f"layout {self._label(layout.path)}": self._file(layout.path)}
            for path in self.campaigns[language].source_files:
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
        inputs[ROW] = hashlib.sha256(row_text(ward).encode("utf-8")).hexdigest()
        columns = tuple(ward.fields)
        if columns not in self.plans:
            self.plans[columns] = plan_variants(self.campaigns, columns)
        images = ward_photos(self.plans[columns][language], ward)
        if language not in self.image_slots:
            self.image_slots[language] = _image_slots(campaign)
        for slot in self.image_slots[language]:
            inputs[f"photo {slot}"] = self._file(images[slot])
        return inputs


def row_text(ward: Ward) -> str:
    """The ward's row as its digest reads it: every cell, by column."""
    return json.dumps(ward.fields, sort_keys=True, ensure_ascii=False)


def input_path(campaign: Campaign, label: str) -> Path | None:
    """The file a text input's label names (a layout, a campaign file); None for the others."""
    for kind in ("layout ", "campaign file "):
        if label.startswith(kind):
            return campaign.root / label.removeprefix(kind)
    return None


def _image_slots(campaign: Campaign) -> list[str]:
    layout = campaign.layout
    return sorted(
        {slot for page in layout.pages for frame in page.frames for slot in frame_slots(frame, layout.flows)[1]}
    )
