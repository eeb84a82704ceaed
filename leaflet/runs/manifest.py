"""Built wards -> the print order: manifest.csv and manifest.json with quantities and totals.

Quantity = households plus the campaign's overs percentage, rounded up to the printer's pack
size; cost = the printer's price for it (``runs.bill``), when the campaign gives one.  Cells are
written so that a spreadsheet shows them as text: one that starts like a formula (= + - @, tab or
carriage return) gets a leading apostrophe in the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from leaflet.model import Campaign, Ward

COLUMNS = ("code", "name", "file", "pages", "sha256", "households", "quantity", "cost")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ManifestRow:
    code: str
    name: str
    file: str
    pages: int
    sha256: str
    households: int
    quantity: int
    inputs: str = ""  # digest of what the file was made from: a later build skips it if unchanged
    cost: str = ""  # in pounds ("12.35"), when the campaign gives the printer's prices (runs.bill)


def households(ward: Ward) -> int:
    """The households column as a whole number ('3,120' too); 0 when absent or blank."""
    text = ward.fields.get("households", "").replace(",", "").replace(" ", "")
    return int(text) if text.isdigit() else 0


def quantity(households_count: int, campaign: Campaign) -> int:
    if households_count <= 0:
        return 0
    wanted = households_count * (1 + campaign.overs_percent / 100)
    return math.ceil(round(wanted, 6) / campaign.pack_size) * campaign.pack_size


def manifest_row(campaign: Campaign, ward: Ward, file: Path, pages: int, sha256: str, inputs: str) -> ManifestRow:
    count = households(ward)
    return ManifestRow(ward.code, ward.name, file.name, pages, sha256, count, quantity(count, campaign), inputs)


def read_manifest_rows(out_dir: Path) -> dict[str, ManifestRow]:
    """The last build's rows by ward code, from its manifest.json; none if it cannot be read."""
    try:
        document = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        return {row["code"]: ManifestRow(**row) for row in document["wards"]}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def spreadsheet_safe(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(getattr(row, column)) for column in COLUMNS])
    writer.writerow(
        [
            "TOTAL",
            f"{len(rows)} wards",
            "",
            sum(r.pages for r in rows),
            "",
            sum(r.households for r in rows),
            sum(r.quantity for r in rows),
            total_cost(rows),
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def total_cost(rows: list[ManifestRow]) -> str:
    """The rows' costs added up exactly; blank when they have none."""
    if not rows or not all(row.cost for row in rows):
        return ""
    return f"{sum(Decimal(row.cost) for row in rows):.2f}"


def manifest_json(campaign: Campaign, rows: list[ManifestRow], spending: dict | None = None) -> bytes:
    """``spending``: the print bill against the spending limit (``runs.bill.spending_json``)."""
    document = {
        "campaign": campaign.name,
        "title": campaign.title,
        "overs_percent": campaign.overs_percent,
        "pack_size": campaign.pack_size,
        "wards": [asdict(row) for row in rows],
        "totals": {
            "wards": len(rows),
            "pages": sum(r.pages for r in rows),
            "households": sum(r.households for r in rows),
            "quantity": sum(r.quantity for r in rows),
            "cost": total_cost(rows),
        },
        **({"spending_limit": spending} if spending else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
