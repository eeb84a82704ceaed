"""A Riso run's wards and masters -> its print order: manifest.csv and manifest.json, a row per ward
of the spreadsheet with its status (built, forced, refused, not built) and why, and for a ward for
print its copies, sheets, composite, the masters it needs (each shared with every other ward, with
some, or its own) and its cost; and the masters the whole run needs, drum by drum.

The rows for print come first, in the order to print them: wards that share a master one after
another, so that each shared master is made once; then the others, in the spreadsheet's order,
with no quantity or cost.  Totals are over the rows for print.  Copies are households plus the
overs, rounded up to whole sheets (two leaflets a sheet: the sheet is cut in two).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Campaign, Ward
from leaflet.runs.manifest import FOR_PRINT, Status, short_reason, spreadsheet_safe

COLUMNS = (
    "code",
    "name",
    "households",
    "copies",
    "sheets",
    "composite",
    "masters",
    "own",
    "shared",
    "cost",
    "status",
    "reason",
)
LEAFLETS_PER_SHEET = 2


def riso_copies(households: int, overs_percent: float) -> int:
    """Households plus the overs, rounded up to whole sheets."""
    if households <= 0:
        return 0
    wanted = households * (1 + overs_percent / 100)
    return math.ceil(round(wanted, 6) / LEAFLETS_PER_SHEET) * LEAFLETS_PER_SHEET


def refuse_other_output(out_dir: Path, output: str) -> None:
    """A folder holding the other output's print order is not written over: its manifest and ours
    have the same names.  (A press manifest says no ``output``: it is the press's.)"""
    try:
        written = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")).get("output", "press")
    except (OSError, ValueError, AttributeError):
        return
    if written != output:
        raise InputError(
            out_dir,
            None,
            f"holds {written} output, whose manifest {output} output would replace",
            "choose another --out folder",
        )


def previous_composites(out_dir: Path) -> dict[str, str]:
    """The composites the last Riso print order in ``out_dir`` lists, and their wards' codes."""
    try:
        document = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        return {ward["composite"]: ward["code"] for ward in document["wards"] if ward.get("composite")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


@dataclass(frozen=True)
class MasterUse:
    drum: str
    page: int  # in the drum's file, from 1
    wards: int  # how many of the run's wards print from it
    of_wards: int  # how many wards the run prints

    @property
    def label(self) -> str:
        return f"{self.drum} {self.page}"

    @property
    def scope(self) -> str:
        if self.wards == 1:
            return "own"
        return "all wards" if self.wards == self.of_wards else f"{self.wards} wards"


@dataclass(frozen=True)
class RisoRow:
    ward: Ward
    households: int | None  # None (and copies, no composite, no masters) when not for print
    copies: int | None
    composite: str | None
    masters: tuple[MasterUse, ...]
    cost: str = ""  # pounds, when the campaign gives the office's prices and it is for print
    status: Status = "built"
    reason: str = ""  # why it is not for print, or the errors a forced ward was written past

    @property
    def sheets(self) -> int | None:
        return None if self.copies is None else self.copies // LEAFLETS_PER_SHEET

    @property
    def for_print(self) -> bool:
        return self.status in FOR_PRINT


def riso_not_for_print_row(ward: Ward, status: Status, reason: str) -> RisoRow:
    return RisoRow(ward, None, None, None, (), status=status, reason=short_reason(reason))


def _totals(rows: list[RisoRow], total_cost: str) -> dict[str, int | str]:
    printed = [row for row in rows if row.for_print]
    return {
        "wards": len(printed),
        "households": sum(row.households or 0 for row in printed),
        "copies": sum(row.copies or 0 for row in printed),
        "sheets": sum(row.sheets or 0 for row in printed),
        "cost": total_cost,
        "not_for_print": len(rows) - len(printed),
    }


def riso_manifest_csv(rows: list[RisoRow], masters_total: int, total_cost: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        own = [m.label for m in row.masters if m.scope == "own"]
        shared = [f"{m.label} ({m.scope})" for m in row.masters if m.scope != "own"]
        cells = (
            row.ward.code,
            row.ward.name,
            row.households,
            row.copies,
            row.sheets,
            row.composite,
            "; ".join(m.label for m in row.masters),
            "; ".join(own),
            "; ".join(shared),
            row.cost,
            row.status,
            row.reason,
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    totals = _totals(rows, total_cost)
    left_out = f"{totals['not_for_print']} more ward(s) not for print, not counted" if totals["not_for_print"] else ""
    writer.writerow(
        [
            "TOTAL",
            f"{totals['wards']} wards",
            totals["households"],
            totals["copies"],
            totals["sheets"],
            "",
            f"{masters_total} masters",
            "",
            "",
            total_cost,
            "",
            left_out,
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")


def riso_manifest_json(
    campaign: Campaign,
    rows: list[RisoRow],
    drums: dict[str, dict],
    sheet: dict,
    total_cost: str,
    spending: dict | None,
) -> bytes:
    """``drums``: by name, its ink, file and masters; ``sheet``: size, feed and how it is turned."""
    document = {
        "campaign": campaign.name,
        "title": campaign.title,
        "output": "riso",
        "printer": campaign.office_printer,
        "overs_percent": campaign.overs_percent,
        "sheet": sheet,
        "drums": drums,
        "masters": sum(drum["masters"] for drum in drums.values()),
        "wards": [
            {
                "code": row.ward.code,
                "name": row.ward.name,
                "households": row.households,
                "copies": row.copies,
                "sheets": row.sheets,
                "composite": row.composite,
                "masters": [
                    {"drum": m.drum, "page": m.page, "master": m.label, "wards": m.wards, "shared": m.scope}
                    for m in row.masters
                ],
                "cost": row.cost,
                "status": row.status,
                "reason": row.reason,
            }
            for row in rows
        ],
        "totals": _totals(rows, total_cost),
        **({"spending_limit": spending} if spending else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
