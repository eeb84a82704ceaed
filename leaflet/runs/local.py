"""A campaign's ``local:`` section + a ward -> the values its organiser edits (checked as the
spreadsheet's cells are), the ward's review state, and each ward's approved values laid over its
row, so that ``build``, ``check`` and ``proof`` print what was approved.

Approved values reach the leaflet the way a spreadsheet's override columns do: a slot's words
and a ward field become the ward's cells of those names, and a photo becomes the ward's cell of
its image slot, a path from the campaign's folder to the re-encoded (and cropped) photo.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from leaflet.assets.photos import crop_to_frame, reencode_upload
from leaflet.errors import InputError
from leaflet.model import Campaign, ImageFrame, LocalEdits, Paragraph, Ward
from leaflet.read import markup
from leaflet.read.wards import hidden_character
from leaflet.runs.files import write_atomically
from leaflet.runs.storage import Event, Storage, Upload, database_path, photos_folder, read_approved

CAMPAIGN_PHOTO = "campaign"  # a photo value's source when the ward keeps the campaign's photo
MAX_TEXT_CHARACTERS = 5000  # whatever a slot's own limit, no draft holds more
MAX_FIELD_CHARACTERS = 500


@dataclass(frozen=True)
class PhotoValue:
    source: str  # CAMPAIGN_PHOTO, or the SHA-256 of the ward's upload
    focal: tuple[float, float] | None = None  # None: the layout frame's own
    file: str | None = None  # what the ward prints, from the campaign's folder; None: the campaign's photo


@dataclass(frozen=True)
class LocalValues:
    """A ward's words, fields and photos for everything the campaign opened."""

    slots: dict[str, str]
    fields: dict[str, str]
    photos: dict[str, PhotoValue]

    def to_json(self) -> dict[str, Any]:
        return {
            "slots": dict(self.slots),
            "fields": dict(self.fields),
            "photos": {
                slot: {"source": photo.source, "focal": list(photo.focal) if photo.focal else None, "file": photo.file}
                for slot, photo in self.photos.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalValues:
        photos = {
            slot: PhotoValue(value["source"], tuple(value["focal"]) if value.get("focal") else None, value.get("file"))
            for slot, value in (data.get("photos") or {}).items()
        }
        return cls(dict(data.get("slots") or {}), dict(data.get("fields") or {}), photos)


# ---------------------------------------------------------------- what an organiser starts from


def starting_values(campaign: Campaign, base: Campaign, ward: Ward, use_start: bool = True) -> LocalValues:
    """The values before any edit: a slot's ``start`` words (for wards in campaign.yaml's own
    language, unless not ``use_start``), else the ward's words as they print now; the ward's
    cells; the campaign's photos.  ``campaign`` is the campaign in the ward's language, ``base``
    campaign.yaml's."""
    slots = {}
    for local_slot in base.local.slots:
        if use_start and local_slot.start is not None and campaign.path == base.path:
            slots[local_slot.slot] = _filled(base, f"local.slots.{local_slot.slot}.start", local_slot.start, ward)
        elif ward.fields.get(local_slot.slot):
            slots[local_slot.slot] = _filled(base, local_slot.slot, ward.fields[local_slot.slot], ward)
        else:
            slots[local_slot.slot] = paragraphs_markdown(
                markup.fill_paragraphs(campaign.slots[local_slot.slot], ward.fields)
            )
    fields = {local_field.field: ward.fields.get(local_field.field, "") for local_field in base.local.fields}
    photos = {photo.slot: PhotoValue(CAMPAIGN_PHOTO) for photo in base.local.photos}
    return LocalValues(slots, fields, photos)


def _filled(campaign: Campaign, where: str, text: str, ward: Ward) -> str:
    missing = sorted(markup.placeholders(text) - set(ward.fields))
    if missing:
        raise InputError(
            campaign.path, where, f"uses {{ward.{missing[0]}}}, but the wards file has no such column", "add the column"
        )
    return markup.fill(text, ward.fields)


def paragraphs_markdown(paragraphs: tuple[Paragraph, ...]) -> str:
    """Paragraphs back as the words' small Markdown, markers in the text escaped."""
    blocks = []
    for paragraph in paragraphs:
        text = ""
        for run in paragraph.runs:
            words = run.text.replace("\\", "\\\\").replace("*", "\\*")
            marker = "**" if run.bold else ""
            marker += "*" if run.italic else ""
            text += f"{marker}{words}{marker[::-1]}" if marker and words else words
        prefix = {"heading": "## ", "bullet": "- ", "body": ""}[paragraph.kind]
        blocks.append(prefix + text.strip())
    return "\n\n".join(blocks)


def plain_words(text: str) -> str:
    """The words as they print: Markdown markers gone, white space single."""
    paragraphs = markup.parse_markdown(text)
    return " ".join("".join(run.text for run in paragraph.runs).strip() for paragraph in paragraphs)


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", plain_words(text)))


# ---------------------------------------------------------------- what an organiser sends


def read_values(local: LocalEdits, data: Any, current: LocalValues) -> LocalValues:
    """An organiser's values from a request, every one checked: only what the campaign opened,
    text within its hard cap and free of the characters a spreadsheet cell may not hold.  What
    the request leaves out keeps its ``current`` value.  Photos' files are the server's to set,
    never the request's: the result keeps ``current``'s file for a photo whose source and focal
    point are unchanged, and None for one that changed (see ``with_photo_files``)."""
    if not isinstance(data, dict):
        raise InputError(None, None, "expected the ward's values")
    unknown = set(data) - {"slots", "fields", "photos"}
    if unknown:
        raise InputError(None, sorted(unknown)[0], "not something a ward can change")
    slots = dict(current.slots)
    for name, text in _mapping(data, "slots").items():
        local_slot = next((s for s in local.slots if s.slot == name), None)
        if local_slot is None:
            raise InputError(None, name, "not something a ward can change")
        slots[name] = _text(local_slot.label, text, MAX_TEXT_CHARACTERS, lines=True)
    fields = dict(current.fields)
    for name, text in _mapping(data, "fields").items():
        local_field = next((f for f in local.fields if f.field == name), None)
        if local_field is None:
            raise InputError(None, name, "not something a ward can change")
        fields[name] = _text(local_field.label, text, MAX_FIELD_CHARACTERS, lines=False).strip()
    photos = dict(current.photos)
    for name, value in _mapping(data, "photos").items():
        photo = next((p for p in local.photos if p.slot == name), None)
        if photo is None:
            raise InputError(None, name, "not something a ward can change")
        photos[name] = _photo(photo.label, value, current.photos.get(name))
    return LocalValues(slots, fields, photos)


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InputError(None, key, "expected names and values")
    return value


def _text(label: str, text: Any, cap: int, lines: bool) -> str:
    if not isinstance(text, str):
        raise InputError(None, label, "expected text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not lines:
        text = text.replace("\n", " ")
    if len(text) > cap:
        raise InputError(None, label, f"{len(text)} characters, more than the {cap} a ward's text may hold")
    hidden = hidden_character(text.replace("\n", " "))
    if hidden:
        raise InputError(
            None,
            label,
            f"holds an invisible control character U+{ord(hidden):04X}",
            "retype the text: such characters reorder or hide words on the leaflet",
        )
    return text


def _photo(label: str, value: Any, current: PhotoValue | None) -> PhotoValue:
    if not isinstance(value, dict) or not isinstance(value.get("source"), str):
        raise InputError(None, label, "expected a photo")
    source = value["source"]
    if source != CAMPAIGN_PHOTO and not re.fullmatch(r"[0-9a-f]{64}", source):
        raise InputError(None, label, "not a photo of this ward")
    focal = value.get("focal")
    if focal is not None:
        if (
            not isinstance(focal, list)
            or len(focal) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in focal)
        ):
            raise InputError(None, label, "the focal point is two fractions, each 0 to 1")
        focal = (round(float(focal[0]), 3), round(float(focal[1]), 3))
    unchanged = current is not None and current.source == source and current.focal == focal
    return PhotoValue(source, focal, current.file if unchanged and current is not None else None)


# ---------------------------------------------------------------- photos


def store_upload(campaign: Campaign, ward: Ward, data: bytes) -> Upload:
    """Re-encode an upload and keep it under its content's SHA-256 in the campaign's photos folder."""
    jpeg, width, height = reencode_upload(data)
    sha256 = hashlib.sha256(jpeg).hexdigest()
    folder = photos_folder(campaign.root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}.jpg"
    if not path.exists():
        write_atomically(path, jpeg)
    return Upload(sha256, ward.code, path.relative_to(campaign.root).as_posix(), width, height)


def photo_frame(campaign: Campaign, slot: str) -> ImageFrame:
    """The one frame that shows an open photo (the loader makes sure there is one)."""
    return next(
        frame
        for page in campaign.layout.pages
        for frame in page.frames
        if isinstance(frame, ImageFrame) and frame.slot == slot
    )


def source_path(campaign: Campaign, slot: str, photo: PhotoValue) -> Path:
    if photo.source == CAMPAIGN_PHOTO:
        return campaign.images[slot]
    return photos_folder(campaign.root) / f"{photo.source}.jpg"


def with_photo_files(campaign: Campaign, values: LocalValues) -> LocalValues:
    """Values whose every photo names the file the ward prints: the upload itself, or its crop
    to the frame for the chosen focal point (made once, kept by name)."""
    photos = {}
    for slot, photo in values.photos.items():
        if photo.file is not None or (photo.source == CAMPAIGN_PHOTO and photo.focal is None):
            photos[slot] = photo
            continue
        source = source_path(campaign, slot, photo)
        frame = photo_frame(campaign, slot)
        if photo.focal is None or frame.fit != "cover":
            photos[slot] = replace(photo, file=source.relative_to(campaign.root.resolve()).as_posix())
            continue
        key = f"{photo.source}|{_file_sha256(source)}|{frame.box.width:.3f}x{frame.box.height:.3f}|{photo.focal}"
        path = photos_folder(campaign.root) / f"crop-{hashlib.sha256(key.encode()).hexdigest()[:40]}.jpg"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, crop_to_frame(source, frame.box.width, frame.box.height, photo.focal))
        photos[slot] = replace(photo, file=path.relative_to(campaign.root).as_posix())
    return replace(values, photos=photos)


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        raise InputError(path, None, "photo not found", "upload it again") from None


# ---------------------------------------------------------------- the ward with its values


def ward_overrides(local: LocalEdits, values: LocalValues) -> dict[str, str]:
    """The cells that lay the values over a ward's row, for what the campaign still opens.

    A slot's words are escaped so that braces an organiser types print as braces and never
    read as a placeholder."""
    cells = {}
    for local_slot in local.slots:
        if local_slot.slot in values.slots:
            cells[local_slot.slot] = values.slots[local_slot.slot].replace("{", "{{").replace("}", "}}")
    for local_field in local.fields:
        if local_field.field in values.fields:
            cells[local_field.field] = values.fields[local_field.field]
    for photo in local.photos:
        value = values.photos.get(photo.slot)
        if value is not None and value.file is not None:
            cells[photo.slot] = value.file
    return cells


def ward_with(ward: Ward, local: LocalEdits, values: LocalValues) -> Ward:
    return replace(ward, fields={**ward.fields, **ward_overrides(local, values)})


def overlay_approved(campaign: Campaign, wards: Iterable[Ward]) -> list[Ward]:
    """Each ward with its approved local version laid over its row (wards without one as they are)."""
    wards = list(wards)
    if not campaign.local.is_open:
        return wards
    approved = read_approved(campaign.root)
    return [
        ward_with(ward, campaign.local, LocalValues.from_json(approved[ward.code].local_values))
        if ward.code in approved
        else ward
        for ward in wards
    ]


# ---------------------------------------------------------------- review state

STATES = ("not started", "draft", "submitted", "changes requested", "approved", "signed off")


def ward_state(last_event: Event | None, latest: int, signed_off: bool = False) -> str:
    """A ward's state from its last workflow event, its latest version's number and whether the
    agent's sign-off of what it prints holds.  A version awaiting a reviewer comes first; then
    a sign-off that holds (the organiser may be drafting again: until that is approved, what
    prints is what was signed)."""
    if last_event is not None and last_event.kind == "submit":
        return "submitted"
    if last_event is not None and last_event.kind == "request-changes":
        return "changes requested"
    if signed_off:
        return "signed off"
    if last_event is None or last_event.kind == "withdraw":
        return "draft" if latest else "not started"
    assert last_event.kind == "approve", last_event.kind
    return "approved" if last_event.version == latest else "draft"


def pending_reviews(campaign: Campaign, wards: Iterable[Ward]) -> dict[str, str]:
    """The wards with a local version submitted but not approved, by code, each with its state:
    ``leaflet build`` prints their approved (or the campaign's) words and says so."""
    if not database_path(campaign.root).is_file():
        return {}
    storage = Storage.for_campaign(campaign.root)
    events = storage.last_workflow_events()
    latest = storage.latest_numbers()
    pending = {}
    for ward in wards:
        event = events.get(ward.code)
        state = ward_state(event, latest.get(ward.code, 0))
        if event is not None and state in ("submitted", "changes requested"):
            pending[ward.code] = f"{state} (version {event.version}, {event.at[:10]}, {event.actor or event.role})"
    return pending
