"""Copies, masters and the campaign's prices -> the print bill: each ward's cost and the total in
whole pence; and the candidate's spending limit against it: the share the print uses, a warning
above 80%, a refusal above 100% unless the build is told to go ahead.

Money is exact: prices are Decimal, costs are worked out exactly and then rounded to whole pence
so that the wards' costs add up to the total to the penny (the total is rounded half up, and the
pennies that rounding leaves go to the wards whose exact costs lost the most).  A master several
wards share is split between them equally.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

from leaflet.errors import InputError
from leaflet.model import Campaign, SpendingLimit, Ward
from leaflet.read.spending import limit_amount, needs_electorate, ward_electorates
from leaflet.read.wards import load_wards

WARN_PERCENT = Decimal(80)
LIMIT_PERCENT = Decimal(100)


def pence(pounds: Decimal) -> int:
    return int((pounds * 100).to_integral_value(ROUND_HALF_UP))


def pounds_text(amount_pence: int) -> str:
    """'1,234.56': pence shown as pounds, exactly, for people."""
    return f"{Decimal(amount_pence).scaleb(-2):,.2f}"


def money_text(amount_pence: int) -> str:
    """'1234.56': pence as pounds, exactly, for files (a spreadsheet reads it as a number)."""
    return f"{Decimal(amount_pence).scaleb(-2):.2f}"


def allocate_pence(exact: list[Decimal]) -> list[int]:
    """Each exact cost in whole pence, adding up to the exact total rounded half up."""
    hundredths = [cost * 100 for cost in exact]
    floors = [int(value.to_integral_value(ROUND_FLOOR)) for value in hundredths]
    left = int(sum(hundredths, Decimal(0)).to_integral_value(ROUND_HALF_UP)) - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(hundredths[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return floors


@dataclass(frozen=True)
class Bill:
    """Each ward's cost in pence, by code, in the wards' order; the supplier it is owed to."""

    supplier: str
    costs: dict[str, int]

    @property
    def total_pence(self) -> int:
        return sum(self.costs.values())


def press_bill(campaign: Campaign, quantities: dict[str, int]) -> Bill | None:
    """The commercial printer's bill for these quantities (multiples of the pack size), or None
    when the campaign gives no price."""
    prices = campaign.prices
    if prices.per_copy is not None:
        exact = [quantity * prices.per_copy for quantity in quantities.values()]
    elif prices.per_pack is not None:
        per_pack = prices.per_pack
        exact = [Decimal(quantity) / campaign.pack_size * per_pack for quantity in quantities.values()]
    else:
        return None
    return Bill(campaign.imprint.printer, dict(zip(quantities, allocate_pence(exact), strict=True)))


@dataclass(frozen=True)
class RisoWardPrint:
    """What a ward's Riso print takes: its copies, and its masters (each with how many wards it
    serves: 1 for its own)."""

    code: str
    copies: int
    masters: tuple[tuple[str, int], ...]  # (master label, wards sharing it)


def riso_bill(campaign: Campaign, prints: Iterable[RisoWardPrint]) -> Bill | None:
    prices = campaign.prices
    if prices.riso_per_master is None or prices.riso_per_copy is None:
        return None
    prints = list(prints)
    exact = [
        ward.copies * prices.riso_per_copy
        + sum((prices.riso_per_master / shared for _, shared in ward.masters), Decimal(0))
        for ward in prints
    ]
    return Bill(
        campaign.office_printer or "the office", dict(zip((w.code for w in prints), allocate_pence(exact), strict=True))
    )


# ---------------------------------------------------------------- against the spending limit


@dataclass(frozen=True)
class Spending:
    """The bill of one election against its limit: a ward's (each ward its own election) or the
    campaign's wards together (``ward`` None)."""

    ward: Ward | None
    cost_pence: int
    limit_pence: int
    electorate: int

    @property
    def share_percent(self) -> Decimal:
        if self.limit_pence == 0:
            return Decimal("Infinity") if self.cost_pence else Decimal(0)
        return Decimal(self.cost_pence * 100) / self.limit_pence

    @property
    def where(self) -> str:
        return f"ward {self.ward.code} ({self.ward.name})" if self.ward else "the campaign"


@dataclass(frozen=True)
class SpendingReport:
    limit: SpendingLimit
    elections: tuple[Spending, ...]  # one a ward, or one for the campaign

    @property
    def per_ward(self) -> bool:
        return self.limit.per_ward

    def warnings(self) -> list[str]:
        return [
            f"{spending.where}: the print bill £{pounds_text(spending.cost_pence)} is "
            f"{spending.share_percent:.1f}% of the spending limit £{pounds_text(spending.limit_pence)}, over "
            f"{WARN_PERCENT}%: little is left for anything else"
            for spending in self.elections
            if WARN_PERCENT < spending.share_percent <= LIMIT_PERCENT
        ]

    def over(self) -> list[Spending]:
        return [spending for spending in self.elections if spending.share_percent > LIMIT_PERCENT]


def spending_report(
    campaign: Campaign, bill: Bill, wards: list[Ward], all_wards: list[Ward], wards_path: Path
) -> SpendingReport | None:
    """The bill against the campaign's limit; ``all_wards``: every ward of the wards file, whose
    electorate sets a limit the wards share (the built ones may be fewer)."""
    limit = campaign.spending_limit
    if limit is None:
        return None
    required = needs_electorate(limit)
    if limit.per_ward:
        electorates = ward_electorates(wards, wards_path, required)
        elections = tuple(
            Spending(
                ward,
                bill.costs.get(ward.code, 0),
                pence(limit_amount(limit, electorates.get(ward.code, 0))),
                electorates.get(ward.code, 0),
            )
            for ward in wards
        )
    else:
        electorate = sum(ward_electorates(all_wards, wards_path, required).values())
        elections = (Spending(None, bill.total_pence, pence(limit_amount(limit, electorate)), electorate),)
    return SpendingReport(limit, elections)


PRICE_HINTS = {
    "press": "give print_order.per_copy or print_order.per_pack in campaign.yaml",
    "riso": "give riso.per_master and riso.per_copy in campaign.yaml",
}


def check_bill_inputs(campaign: Campaign, output: str, wards: list[Ward], wards_path: Path) -> None:
    """What the bill and the limit will need, checked before any work: a limit needs the output's
    prices to be checked against, and an electorate column that is there is checked, limit or not."""
    ward_electorates(wards, wards_path, required=needs_electorate(campaign.spending_limit))
    prices = campaign.prices
    priced = (
        prices.per_copy is not None or prices.per_pack is not None
        if output == "press"
        else prices.riso_per_master is not None and prices.riso_per_copy is not None
    )
    if campaign.spending_limit is not None and not priced:
        raise InputError(
            campaign.path,
            "spending_limit",
            f"there is a spending limit, but no prices for {output} output to check the print bill against it",
            PRICE_HINTS[output],
        )


def check_spending(
    campaign: Campaign, bill: Bill | None, output: str, wards: list[Ward], wards_path: Path, over_limit: bool
) -> SpendingReport | None:
    """The bill against the limit, refused (before anything is written) over 100% unless
    ``over_limit``; the inputs checked first (``check_bill_inputs``)."""
    check_bill_inputs(campaign, output, wards, wards_path)
    report = spending_against_limit(campaign, bill, wards, wards_path)
    if not over_limit:
        refuse_over_limit(report, campaign)
    return report


def spending_against_limit(
    campaign: Campaign, bill: Bill | None, wards: list[Ward], wards_path: Path
) -> SpendingReport | None:
    """The bill of ``wards`` against the limit, without refusing (``check_spending`` refuses)."""
    limit = campaign.spending_limit
    if limit is None or bill is None:
        return None
    all_wards = load_wards(wards_path) if not limit.per_ward and needs_electorate(limit) else wards
    return spending_report(campaign, bill, wards, all_wards, wards_path)


def refuse_over_limit(report: SpendingReport | None, campaign: Campaign) -> None:
    """One line for the first election the print would take over its limit."""
    over = report.over() if report else []
    if over:
        first = over[0]
        more = f" (and {len(over) - 1} more ward(s))" if len(over) > 1 else ""
        raise InputError(
            campaign.path,
            "spending_limit",
            f"{first.where}: the print bill £{pounds_text(first.cost_pence)} is {first.share_percent:.1f}% of the "
            f"spending limit £{pounds_text(first.limit_pence)}{more}",
            "print fewer copies or cheaper, or pass --over-limit to build it anyway",
        )


def spending_json(report: SpendingReport) -> dict:
    limit = report.limit
    return {
        "election": limit.name,
        "source": limit.source,
        "per_ward": limit.per_ward,
        "fixed": f"{limit.fixed:.2f}",
        "per_elector": f"{limit.per_elector}",
        "joint_reduction": str(limit.reduction),
        "elections": [
            {
                "ward": spending.ward.code if spending.ward else None,
                "electorate": spending.electorate,
                "limit": money_text(spending.limit_pence),
                "cost": money_text(spending.cost_pence),
                "share_percent": f"{spending.share_percent:.1f}",
            }
            for spending in report.elections
        ],
    }
