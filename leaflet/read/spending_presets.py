"""The shipped data file of spending limits (spending_limits.yaml) -> the presets by name.

The figures change from election to election, so they live in that file, not in the code; each
preset names its Electoral Commission source.  A preset is a fixed amount plus an amount per
elector, or a fixed amount for each area (a police area); ``per_ward`` says whether each ward
is its own election or the campaign's wards together are one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "spending_limits.yaml"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    per_ward: bool
    fixed: Decimal  # 0 when the limit is by area
    per_elector: Decimal
    by_area: dict[str, Decimal]  # empty unless the limit is a fixed amount per area
    joint: dict[int, Fraction]  # joint candidates -> the reduction; the largest number covers more
    source: str
    figures: str

    def reduction(self, joint_candidates: int) -> Fraction:
        """The share joint candidates take off a single candidate's limit (0 for one candidate)."""
        if joint_candidates < 2 or not self.joint:
            return Fraction(0)
        return self.joint[min(joint_candidates, max(self.joint))]


def _preset(name: str, data: dict) -> Preset:
    return Preset(
        name=name,
        title=data["title"],
        per_ward=data["per"] == "ward",
        fixed=Decimal(data.get("fixed", "0")),
        per_elector=Decimal(data.get("per_elector", "0")),
        by_area={area: Decimal(amount) for area, amount in (data.get("by_area") or {}).items()},
        joint={int(count): Fraction(share) for count, share in (data.get("joint") or {}).items()},
        source=data["source"],
        figures=data["figures"],
    )


@cache
def spending_presets() -> dict[str, Preset]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return {name: _preset(name, preset) for name, preset in data.items()}
