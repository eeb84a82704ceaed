"""campaign.yaml's prices and spending_limit, and the wards file's electorate column -> the unit
prices, the candidate's spending limit (a preset or set directly) and each ward's electorate.

Money is Decimal throughout (``kinds.Money`` reads it exactly); a limit is rounded down to the
penny, never up.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from leaflet.errors import InputError
from leaflet.model import PrintPrices, SpendingLimit, Ward
from leaflet.read.spending_presets import spending_presets
from leaflet.read.yamlfile import YamlReader

ELECTORATE = "electorate"  # the wards file's column
PENNY = Decimal("0.01")


def load_prices(r: YamlReader, order: dict[str, Any], riso: dict[str, Any] | None) -> PrintPrices:
    if order["per_copy"] is not None and order["per_pack"] is not None:
        raise r.error("print_order.per_pack", "give per_copy or per_pack, not both")
    return PrintPrices(
        per_copy=order["per_copy"],
        per_pack=order["per_pack"],
        riso_per_master=riso["per_master"] if riso else None,
        riso_per_copy=riso["per_copy"] if riso else None,
    )


def load_spending_limit(r: YamlReader, spec: dict[str, Any] | None) -> SpendingLimit | None:
    """The limit a preset gives (``election``, with ``area`` where it is set per area), or the
    one ``fixed`` and ``per_elector`` set directly; None without a spending_limit section."""
    if spec is None:
        return None
    election, direct = spec["election"], spec["fixed"] is not None or spec["per_elector"] is not None
    if election is None and not direct:
        raise r.error("spending_limit", "missing: an election type, or the limit's fixed amount", "add election: NAME")
    if election is not None and direct:
        raise r.error("spending_limit.fixed", "an election type gives the limit: leave out fixed and per_elector")
    if election is None:
        if spec["area"] is not None:
            raise r.error("spending_limit.area", "an area belongs with an election type whose limit is set per area")
        return SpendingLimit(
            "set in campaign.yaml",
            spec["fixed"] or Decimal(0),
            spec["per_elector"] or Decimal(0),
            spec["per_ward"],
            _joint_reduction(spec["joint_candidates"], {2: Fraction(1, 4), 3: Fraction(1, 3)}),
        )
    preset = spending_presets()[election]
    fixed = preset.fixed
    if preset.by_area:
        area = spec["area"]
        if area is None:
            raise r.error("spending_limit.area", f"missing: the {election} limit is set per area", "add area: NAME")
        if area not in preset.by_area:
            close = difflib.get_close_matches(area, list(preset.by_area), n=1)
            raise r.error(
                "spending_limit.area",
                f"unknown area '{area}' for {election}",
                f"did you mean '{close[0]}'?" if close else f"areas: {', '.join(preset.by_area)}",
            )
        fixed = preset.by_area[area]
    elif spec["area"] is not None:
        raise r.error("spending_limit.area", f"the {election} limit is not set per area: leave out area")
    return SpendingLimit(
        preset.title + (f", {spec['area']}" if preset.by_area else ""),
        fixed,
        preset.per_elector,
        preset.per_ward,
        preset.reduction(spec["joint_candidates"]),
        preset.source,
    )


def _joint_reduction(candidates: int, table: dict[int, Fraction]) -> Fraction:
    return Fraction(0) if candidates < 2 else table[min(candidates, max(table))]


def limit_amount(limit: SpendingLimit, electorate: int) -> Decimal:
    """The limit in pounds for this many electors, rounded down to the penny."""
    single = limit.fixed + limit.per_elector * electorate
    reduced = Fraction(single) * (1 - limit.reduction)
    return (Decimal(reduced.numerator) / Decimal(reduced.denominator)).quantize(PENNY, rounding=ROUND_FLOOR)


def needs_electorate(limit: SpendingLimit | None) -> bool:
    return limit is not None and limit.per_elector != 0


def ward_electorates(wards: Iterable[Ward], wards_path: Path, required: bool) -> dict[str, int]:
    """Each ward's electorate column as a whole number ('7,500' too).  Refused, naming the ward,
    the column and the line: a cell that is blank or not a whole number, and the column's absence
    when ``required`` (a limit per elector); without the column and not required, none."""
    wards = list(wards)
    if not any(ELECTORATE in ward.fields for ward in wards):
        if required:
            raise InputError(
                wards_path,
                "line 1",
                f"no '{ELECTORATE}' column, but the spending limit is per elector",
                "add the column: each ward's registered electors",
            )
        return {}
    electorates = {}
    for ward in wards:
        cell = ward.fields.get(ELECTORATE, "")
        text = cell.replace(",", "").replace(" ", "")
        if not text.isascii() or not text.isdigit():
            problem = "is blank" if not cell else f"is {cell!r}, not a whole number"
            raise InputError(
                wards_path,
                f"line {ward.line}",
                f"ward {ward.code}: column '{ELECTORATE}' {problem}",
                "give the ward's number of registered electors",
            )
        electorates[ward.code] = int(text)
    return electorates
