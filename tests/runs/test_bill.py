"""leaflet.runs.bill: costs exact to the penny and adding up, shared masters split, the spending
limit's share with its warning and refusal."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leaflet.errors import InputError
from leaflet.model import PrintPrices, SpendingLimit, Ward
from leaflet.read.campaigns import load_campaign
from leaflet.runs.bill import (
    RisoWardPrint,
    allocate_pence,
    check_bill_inputs,
    check_spending,
    money_text,
    pounds_text,
    press_bill,
    riso_bill,
)
from leaflet.runs.riso_manifest import riso_copies

from tests.conftest import DEMO, FUZZ


@pytest.fixture(scope="module")
def campaign():
    return load_campaign(DEMO)


@FUZZ
@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False), min_size=1, max_size=30))
def test_pence_add_up_to_the_rounded_total_and_each_is_within_a_penny_of_its_exact_cost(costs):
    allocated = allocate_pence(costs)
    assert sum(allocated) == int((sum(costs) * 100).to_integral_value(ROUND_HALF_UP))
    for exact, pence in zip(costs, allocated, strict=True):
        assert abs(exact * 100 - pence) < 1


@FUZZ
@given(st.integers(0, 10**6), st.floats(0, 50))
def test_riso_copies_are_whole_sheets_and_cover_households_and_overs(households, overs):
    copies = riso_copies(households, overs)
    assert copies % 2 == 0
    assert copies >= households * (1 + overs / 100) - 1e-6
    assert copies < households * (1 + overs / 100) + 2 + 1e-6 or households == 0


def test_money_is_shown_exactly():
    assert (pounds_text(123456789), money_text(123456789), money_text(5)) == ("1,234,567.89", "1234567.89", "0.05")


def test_the_printers_bill_per_pack_and_per_copy(campaign):
    quantities = {"A": 2550, "B": 4250}  # 51 and 85 packs of 50
    bill = press_bill(campaign, quantities)
    assert bill is not None and bill.costs == {"A": 5865, "B": 9775} and bill.total_pence == 15640
    per_copy = replace(campaign, prices=PrintPrices(per_copy=Decimal("0.0237")))
    # 60.435 and 100.725: 161.16 in all; the one penny the rounding leaves goes to the first of the tie
    assert press_bill(per_copy, quantities).costs == {"A": 6044, "B": 10072}
    assert press_bill(replace(campaign, prices=PrintPrices()), quantities) is None


def test_a_master_wards_share_is_split_between_them(campaign):
    prints = [
        RisoWardPrint("A", 2532, (("black 1", 1), ("blue 1", 1))),
        RisoWardPrint("B", 4216, (("black 2", 1), ("blue 2", 2))),
        RisoWardPrint("C", 4704, (("black 3", 1), ("blue 2", 2))),
    ]
    bill = riso_bill(campaign, prints)  # £1.50 a master, 0.6p a copy
    # exact: 18.192, 27.546, 30.474 = 76.212 -> 7621p; the spare penny goes to B (.6 of a penny)
    assert bill is not None and bill.costs == {"A": 1819, "B": 2755, "C": 3047} and bill.total_pence == 7621


def _ward(code: str, electorate: str, line: int = 2) -> Ward:
    return Ward(code, code, {"code": code, "name": code, "electorate": electorate}, line)


def test_the_share_of_the_limit_warns_over_80_percent_and_refuses_over_100(campaign):
    local = replace(
        campaign,
        spending_limit=SpendingLimit("local", Decimal(960), Decimal("0.08"), per_ward=True),
    )
    wards = [_ward("A", "7500"), _ward("B", "1000", 3)]  # limits £1,560 and £1,040
    bill = press_bill(local, {"A": 50, "B": 50})
    assert bill is not None
    cheap = replace(bill, costs={"A": 124800, "B": 1000})  # 80% and ~1%
    report = check_spending(local, cheap, "press", wards, Path("wards.csv"), over_limit=False)
    assert report is not None and report.warnings() == []
    warned = replace(bill, costs={"A": 124801, "B": 1000})
    report = check_spending(local, warned, "press", wards, Path("wards.csv"), over_limit=False)
    assert report.warnings() == [
        "ward A (A): the print bill £1,248.01 is 80.0% of the spending limit £1,560.00, over 80%: little is left for "
        "anything else"
    ]
    over = replace(bill, costs={"A": 1000, "B": 104001})
    with pytest.raises(InputError) as caught:
        check_spending(local, over, "press", wards, Path("wards.csv"), over_limit=False)
    assert str(caught.value) == (
        f"{campaign.path}: spending_limit: ward B (B): the print bill £1,040.01 is 100.0% of the spending limit "
        "£1,040.00 (print fewer copies or cheaper, or pass --over-limit to build it anyway)"
    )
    report = check_spending(local, over, "press", wards, Path("wards.csv"), over_limit=True)
    assert [s.ward.code for s in report.over()] == ["B"]


def test_a_limit_without_prices_to_check_it_is_refused(campaign):
    press_only = replace(campaign, prices=PrintPrices(per_pack=Decimal("1.15")))
    with pytest.raises(InputError, match="there is a spending limit, but no prices for riso output"):
        check_spending(press_only, None, "riso", [_ward("A", "10")], Path("wards.csv"), over_limit=False)
    assert check_bill_inputs(press_only, "press", [_ward("A", "10")], Path("wards.csv")) is None


def test_a_campaign_wide_limit_counts_the_whole_wards_file(campaign, tmp_path):
    path = tmp_path / "wards.csv"
    path.write_text("code,name,electorate\nA,Aber,50000\nB,Bryn,20000\n", encoding="utf-8")
    constituency = replace(
        campaign, spending_limit=SpendingLimit("county", Decimal(11390), Decimal("0.12"), per_ward=False)
    )
    bill = replace(press_bill(campaign, {"A": 50}), costs={"A": 170000})
    report = check_spending(constituency, bill, "press", [_ward("A", "50000")], path, over_limit=False)
    (election,) = report.elections
    assert (election.electorate, election.limit_pence) == (70000, 1979000)  # £11,390 + 70,000 x 12p: both wards
    assert f"{election.share_percent:.1f}" == "8.6"
