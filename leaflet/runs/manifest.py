"""Every ward of the spreadsheet -> the print order: manifest.csv and manifest.json, a row per
ward saying whether it is for print (built, kept, forced) or not (refused, not built) and why,
with quantities and totals over what is for print.

Quantity = households plus the campaign's overs percentage, rounded up to the printer's pack
size; cost = the printer's price for it (``runs.bill``), when the campaign gives one.  A row that
is not for print has no file, pages, households, quantity or cost: a printer cannot print it, nor
bill it, by mistake.  Cells are written so that a spreadsheet shows them as text: one that starts
like a formula (= + - @, tab or carriage return) gets a leading apostrophe in the CSV.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal, get_args

from leaflet.errors import InputError, shorten
from leaflet.model import Campaign, Finding, Ward

Status = Literal["built", "kept", "forced", "refused", "not built"]
STATUSES: tuple[Status, ...] = get_args(Status)
FOR_PRINT: tuple[Status, ...] = ("built", "kept", "forced")
COLUMNS = (
    "code",
    "name",
    "file",
    "pages",
    "sha256",
    "households",
    "quantity",
    "first_page",
    "last_page",
    "cost",
    "status",
    "reason",
)
MANIFEST_FILES = ("manifest.csv", "manifest.json")
REASON_CHARS = 400  # a reason is cut to this length in the manifest (the build's messages have it whole)
PRINT_ORDER_COLUMNS = ("households",)  # the wards file's columns that quantities are made from
MAX_QUANTITY = 10_000_000  # households in one ward: more is a slip of the keyboard
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
    cost: str = ""  # in pounds ("12.35"), when the campaign gives the printer's prices and it is for print
    status: Status = "built"
    reason: str = ""  # why it is not for print, or the errors a forced ward was written past
    inputs: str = ""  # digest of what its file is made from and the settings that decide its bytes
    shared: str = ""  # digest of the run's shared part of its file (font subsets, static frames)
    first_page: int | None = None  # its first and last page in the combined file (from 1), when there is one
    last_page: int | None = None

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


def households(ward: Ward, wards_path: Path) -> int:
    """The households column as a whole number: '3120', or grouped in thousands ('3,120', '3 120').
    Anything else (blank, text, a fraction, a negative number) is refused, naming the ward, the
    column and the line: a print order never guesses a quantity."""
    return whole_number(ward, "households", wards_path)


def households_counts(wards: list[Ward], wards_path: Path) -> dict[str, int]:
    """The households of every ward whose households are a whole number, by code, read once in
    the run's own process; the others are refused ward by ward (preflight says why) and order
    nothing."""
    counts = {}
    for ward in wards:
        try:
            counts[ward.code] = households(ward, wards_path)
        except InputError:
            continue
    return counts


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


def print_order_findings(ward: Ward, wards_path: Path) -> list[Finding]:
    """An error for each column the print order reads that is not a whole number: the ward is
    refused, even with --force (its quantity would be a guess)."""
    findings = []
    for column in PRINT_ORDER_COLUMNS:
        try:
            whole_number(ward, column, wards_path)
        except InputError as error:
            findings.append(Finding("error", "input", str(error), ward.code))
    return findings


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


def manifest_row(
    campaign: Campaign,
    ward: Ward,
    households_count: int,
    file: Path,
    pages: int,
    sha256: str,
    inputs: str,
    shared: str = "",
    forced_past: str = "",
) -> ManifestRow:
    """A for-print row of a ward whose households were read (``households``) before it was
    built; ``forced_past``: the errors it was written past (``--force``)."""
    status: Status = "forced" if forced_past else "built"
    return ManifestRow(
        ward.code,
        ward.name,
        file.name,
        pages,
        sha256,
        households_count,
        quantity(households_count, campaign),
        status=status,
        reason=short_reason(forced_past),
        inputs=inputs,
        shared=shared,
    )


def not_for_print_row(ward: Ward, status: Status, reason: str, inputs: str = "") -> ManifestRow:
    return ManifestRow(
        ward.code, ward.name, None, None, None, None, None, status=status, reason=short_reason(reason), inputs=inputs
    )


def short_reason(reason: str) -> str:
    line = " ".join(reason.split())
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1] + "…"


def with_page_ranges(rows: list[ManifestRow], combined: bool) -> list[ManifestRow]:
    """Each row for print with its first and last page in the combined file, which holds the
    rows for print in order (``combined``); without one, no row has a page range."""
    ranged, last = [], 0
    for row in rows:
        if combined and row.for_print:
            first, last = last + 1, last + (row.pages or 0)
            row = replace(row, first_page=first, last_page=last)
        elif row.first_page is not None or row.last_page is not None:
            row = replace(row, first_page=None, last_page=None)
        ranged.append(row)
    return ranged


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


def _totals(rows: list[ManifestRow]) -> dict[str, int | str]:
    printed = [row for row in rows if row.for_print]
    return {
        "wards": len(printed),
        "pages": sum(row.pages or 0 for row in printed),
        "households": sum(row.households or 0 for row in printed),
        "quantity": sum(row.quantity or 0 for row in printed),
        "cost": total_cost(rows),
        "not_for_print": len(rows) - len(printed),
    }


def total_cost(rows: list[ManifestRow]) -> str:
    """The costs of the rows for print added up exactly; blank when they have none."""
    printed = [row for row in rows if row.for_print]
    if not printed or not all(row.cost for row in printed):
        return ""
    return f"{sum(Decimal(row.cost) for row in printed):.2f}"


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
            "",
            totals["cost"],
            "",
            left_out,
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def manifest_json(
    campaign: Campaign,
    rows: list[ManifestRow],
    combined: Combined | None = None,
    spending: dict | None = None,
    plates: dict | None = None,
) -> bytes:
    """``spending``: the print bill of the rows for print against the spending limit
    (``runs.bill.spending_json``); ``plates``: which printing plates differ from ward to ward
    (``ward.plates.plates_summary``)."""
    document = {
        "campaign": campaign.name,
        "title": campaign.title,
        "overs_percent": campaign.overs_percent,
        "pack_size": campaign.pack_size,
        "wards": [asdict(row) for row in rows],
        "totals": _totals(rows),
        "combined": asdict(combined) if combined else None,
        **({"spending_limit": spending} if spending else {}),
        **({"plates": plates} if plates else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
