"""A Riso run's wards and masters -> its print order: manifest.csv and manifest.json, a row per ward
with its copies, sheets, composite, the masters it needs (each shared with every other ward, with
some, or its own) and its cost; and the masters the whole run needs, drum by drum.

Rows come in the order to print them: wards that share a master one after another, so that each
shared master is made once.  Copies are households plus the overs, rounded up to whole sheets
(two leaflets a sheet: the sheet is cut in two).
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
from leaflet.runs.manifest import spreadsheet_safe

COLUMNS = ("code", "name", "households", "copies", "sheets", "composite", "masters", "own", "shared", "cost")
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
    households: int
    copies: int
    composite: str
    masters: tuple[MasterUse, ...]
    cost: str = ""  # pounds, when the campaign gives the office's prices

    @property
    def sheets(self) -> int:
        return self.copies // LEAFLETS_PER_SHEET


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
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    writer.writerow(
        [
            "TOTAL",
            f"{len(rows)} wards",
            sum(r.households for r in rows),
            sum(r.copies for r in rows),
            sum(r.sheets for r in rows),
            "",
            f"{masters_total} masters",
            "",
            "",
            total_cost,
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
            }
            for row in rows
        ],
        "totals": {
            "wards": len(rows),
            "households": sum(r.households for r in rows),
            "copies": sum(r.copies for r in rows),
            "sheets": sum(r.sheets for r in rows),
            "cost": total_cost,
        },
        **({"spending_limit": spending} if spending else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
