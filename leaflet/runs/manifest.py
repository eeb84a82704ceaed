"""Every ward of the spreadsheet -> the print order: manifest.csv and manifest.json, a row per
ward saying whether it is for print (built, kept, forced) or not (refused, not built) and why,
with quantities and totals over what is for print.

Quantity = households plus the campaign's overs percentage, rounded up to the printer's pack
size.  A row that is not for print has no file, pages, households or quantity: a printer cannot
print it by mistake.  Cells are written so that a spreadsheet shows them as text: one that
starts like a formula (= + - @, tab or carriage return) gets a leading apostrophe in the CSV.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, get_args

from leaflet.model import Campaign, Ward

Status = Literal["built", "kept", "forced", "refused", "not built"]
STATUSES: tuple[Status, ...] = get_args(Status)
FOR_PRINT: tuple[Status, ...] = ("built", "kept", "forced")
COLUMNS = ("code", "name", "file", "pages", "sha256", "households", "quantity", "status", "reason")
MANIFEST_FILES = ("manifest.csv", "manifest.json")
REASON_CHARS = 400  # a reason is cut to this length in the manifest (the build's messages have it whole)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ManifestRow:
    code: str
    name: str
    file: str | None  # None (and pages, sha256, households and quantity too) when not for print
    pages: int | None
    sha256: str | None
    households: int | None
    quantity: int | None
    status: Status = "built"
    reason: str = ""  # why it is not for print, or the errors a forced ward was written past
    inputs: str = ""  # digest of what its file is made from and the settings that decide its bytes
    shared: str = ""  # digest of the run's shared part of its file (font subsets, static frames)

    @property
    def for_print(self) -> bool:
        return self.status in FOR_PRINT


@dataclass(frozen=True)
class Combined:
    """The combined print file: every for-print ward's pages, in the manifest's order."""

    file: str
    sha256: str
    pages: int
    wards: int
    covers: str  # print_order_digest of the rows it holds


@dataclass(frozen=True)
class Manifest:
    rows: dict[str, ManifestRow] = field(default_factory=dict)  # by ward code
    combined: Combined | None = None


def households(ward: Ward) -> int:
    """The households column as a whole number ('3,120' too); 0 when absent or blank."""
    text = ward.fields.get("households", "").replace(",", "").replace(" ", "")
    return int(text) if text.isdigit() else 0


def quantity(households_count: int, campaign: Campaign) -> int:
    if households_count <= 0:
        return 0
    wanted = households_count * (1 + campaign.overs_percent / 100)
    return math.ceil(round(wanted, 6) / campaign.pack_size) * campaign.pack_size


def manifest_row(
    campaign: Campaign,
    ward: Ward,
    file: Path,
    pages: int,
    sha256: str,
    inputs: str,
    shared: str = "",
    forced_past: str = "",
) -> ManifestRow:
    """A for-print row; ``forced_past``: the errors it was written past (``--force``)."""
    count = households(ward)
    status: Status = "forced" if forced_past else "built"
    return ManifestRow(
        ward.code,
        ward.name,
        file.name,
        pages,
        sha256,
        count,
        quantity(count, campaign),
        status,
        short_reason(forced_past),
        inputs,
        shared,
    )


def not_for_print_row(ward: Ward, status: Status, reason: str, inputs: str = "") -> ManifestRow:
    return ManifestRow(ward.code, ward.name, None, None, None, None, None, status, short_reason(reason), inputs)


def short_reason(reason: str) -> str:
    line = " ".join(reason.split())
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1] + "…"


def print_order_digest(rows: Iterable[ManifestRow]) -> str:
    """What the for-print rows hold, in order: a combined file of exactly these has this."""
    text = "".join(f"{row.code}\t{row.sha256}\n" for row in rows if row.for_print)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(out_dir: Path) -> Manifest:
    """The last build's print order, from its manifest.json; empty if it cannot be read."""
    try:
        document = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        names = {f.name for f in dataclasses.fields(ManifestRow)}
        rows = [ManifestRow(**{k: v for k, v in row.items() if k in names}) for row in document["wards"]]
        combined = Combined(**document["combined"]) if document.get("combined") else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return Manifest()
    if any(row.status not in STATUSES or (row.for_print and not row.file) for row in rows):
        return Manifest()
    return Manifest({row.code: row for row in rows}, combined)


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _totals(rows: list[ManifestRow]) -> dict[str, int]:
    printed = [row for row in rows if row.for_print]
    return {
        "wards": len(printed),
        "pages": sum(row.pages or 0 for row in printed),
        "households": sum(row.households or 0 for row in printed),
        "quantity": sum(row.quantity or 0 for row in printed),
        "not_for_print": len(rows) - len(printed),
    }


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(getattr(row, column)) for column in COLUMNS])
    totals = _totals(rows)
    left_out = f"{totals['not_for_print']} more ward(s) not for print, not counted" if totals["not_for_print"] else ""
    writer.writerow(
        [
            "TOTAL",
            f"{totals['wards']} wards",
            "",
            totals["pages"],
            "",
            totals["households"],
            totals["quantity"],
            "",
            left_out,
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def manifest_json(campaign: Campaign, rows: list[ManifestRow], combined: Combined | None = None) -> bytes:
    document = {
        "campaign": campaign.name,
        "title": campaign.title,
        "overs_percent": campaign.overs_percent,
        "pack_size": campaign.pack_size,
        "wards": [asdict(row) for row in rows],
        "totals": _totals(rows),
        "combined": asdict(combined) if combined else None,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
