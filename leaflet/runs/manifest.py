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
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from leaflet.errors import InputError, shorten
from leaflet.model import Campaign, Ward

COLUMNS = ("code", "name", "file", "pages", "sha256", "households", "quantity", "cost")
PRINT_ORDER_COLUMNS = ("households",)  # the wards file's columns that quantities are made from
MAX_QUANTITY = 10_000_000  # households in one ward: more is a slip of the keyboard
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


def households(ward: Ward, wards_path: Path) -> int:
    """The households column as a whole number: '3120', or grouped in thousands ('3,120', '3 120').
    Anything else (blank, text, a fraction, a negative number) is refused, naming the ward, the
    column and the line: a print order never guesses a quantity."""
    return whole_number(ward, "households", wards_path)


def order_quantities(campaign: Campaign, wards: list[Ward]) -> dict[str, int]:
    """The quantity to print of every ward whose households are a whole number; the others are
    refused ward by ward, by preflight, and order nothing."""
    quantities = {}
    for ward in wards:
        try:
            quantities[ward.code] = quantity(households(ward, campaign.wards_path), campaign)
        except InputError:
            continue
    return quantities


def whole_number(ward: Ward, column: str, wards_path: Path) -> int:
    """A column the print order reads, as a whole number of at least 0 and at most MAX_QUANTITY."""
    text = ward.fields.get(column, "").strip()
    digits = re.sub(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))", "", text)
    if digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_QUANTITY)) and int(digits) <= MAX_QUANTITY:
        return int(digits)
    if not text:
        problem = "is blank"
    elif re.fullmatch(r"-\s*[\d,. ]+", text):
        problem = f"is '{shorten(text)}', a negative number"
    elif re.fullmatch(r"[\d,. ]*[.,]\d*", text) and re.search(r"\d", text):
        problem = f"is '{shorten(text)}', not a whole number"
    elif digits.isascii() and digits.isdigit():
        problem = f"is {shorten(text)}, more than a ward can have ({MAX_QUANTITY:,} at most)"
    else:
        problem = f"is '{shorten(text)}', not a number"
    return _refuse(ward, column, wards_path, problem)


def _refuse(ward: Ward, column: str, wards_path: Path, problem: str) -> int:
    raise InputError(
        wards_path,
        f"line {ward.line}",
        f"column '{column}' {problem}",
        "the print order needs a whole number of 0 or more, e.g. 3120 or 3,120",
    )


def quantity(households_count: int, campaign: Campaign) -> int:
    if households_count <= 0:
        return 0
    wanted = households_count * (1 + campaign.overs_percent / 100)
    return math.ceil(round(wanted, 6) / campaign.pack_size) * campaign.pack_size


def manifest_row(campaign: Campaign, ward: Ward, file: Path, pages: int, sha256: str, inputs: str) -> ManifestRow:
    count = households(ward, campaign.wards_path)
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


def manifest_json(
    campaign: Campaign, rows: list[ManifestRow], spending: dict | None = None, plates: dict | None = None
) -> bytes:
    """``spending``: the print bill against the spending limit (``runs.bill.spending_json``);
    ``plates``: which printing plates differ from ward to ward (``ward.plates.plates_summary``)."""
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
        **({"plates": plates} if plates else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
