"""leaflet.read.spending and kinds.Money: prices read exactly, the spending limit presets with
their sources, limits against the Electoral Commission's worked examples, each ward's electorate."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from leaflet.errors import InputError
from leaflet.model import SpendingLimit
from leaflet.read.kinds import Money
from leaflet.read.spending import limit_amount, load_spending_limit, ward_electorates
from leaflet.read.spending_presets import DATA_FILE, spending_presets
from leaflet.read.wards import load_wards
from leaflet.read.yamlfile import YamlReader

from tests.conftest import FUZZ, INPUTS

READER = YamlReader(Path("campaign.yaml"))


def money(value) -> Decimal:
    return Money().read(READER, value, "price")


@pytest.mark.parametrize(
    ("value", "pounds"),
    [
        (1.5, "1.5"),
        (0.1, "0.1"),
        (2, "2"),
        ("£1,250", "1250"),
        ("£0.045", "0.045"),
        (" 1.15 ", "1.15"),
        ("4.5p", "0.045"),
        ("0.6p", "0.006"),
        (0.0125, "0.0125"),
    ],
)
def test_money_is_read_exactly(value, pounds):
    assert money(value) == Decimal(pounds)


@pytest.mark.parametrize("value", ["two pence", "-1", -1.5, True, "£1.50p", "1,25", "1.23456", 0.00001, "", None, [1]])
def test_what_is_not_money_is_refused_with_its_place(value):
    with pytest.raises(InputError, match=r"^campaign\.yaml: price: "):
        money(value)


@FUZZ
@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_any_amount_to_four_places_reads_back_the_same_as_text_and_as_a_yaml_number(amount):
    assert money(f"{amount:f}") == amount
    assert money(f"£{amount:,f}") == amount
    assert money(yaml.safe_load(f"x: {amount:f}")["x"]) == amount  # a float, exactly as the file wrote it


def test_every_preset_names_its_electoral_commission_source_and_the_figures():
    presets = spending_presets()
    assert {"england-local", "scotland-local", "uk-parliament-borough", "uk-parliament-county", "pcc"} <= set(presets)
    for preset in presets.values():
        assert preset.source.startswith("https://www.electoralcommission.org.uk/")
        assert preset.figures and preset.title
        assert (preset.fixed > 0) != bool(preset.by_area)
    assert DATA_FILE.name == "spending_limits.yaml"


def _limit(spec: dict) -> SpendingLimit:
    defaults = {
        "election": None,
        "area": None,
        "fixed": None,
        "per_elector": None,
        "per_ward": False,
        "joint_candidates": 1,
    }
    limit = load_spending_limit(READER, {**defaults, **spec})
    assert limit is not None
    return limit


def test_england_local_limits_are_the_commissions_worked_examples():
    single = _limit({"election": "england-local"})
    assert single.per_ward
    assert limit_amount(single, 7500) == Decimal("1560.00")  # £960 + 7,500 x 8p (Example A)
    joint = _limit({"election": "england-local", "joint_candidates": 2})
    assert limit_amount(joint, 7500) == Decimal("1170.00")  # less a quarter (Example B)
    three = _limit({"election": "england-local", "joint_candidates": 5})
    assert three.reduction == Fraction(1, 3)
    assert limit_amount(three, 7501) == Decimal("1040.05")  # (960 + 600.08) x 2/3 = 1040.0533.., rounded down


def test_a_police_area_limit_and_a_limit_set_directly():
    pcc = _limit({"election": "pcc", "area": "South Wales"})
    assert (pcc.per_ward, limit_amount(pcc, 10**6)) == (False, Decimal("174179.00"))
    direct = _limit({"fixed": Decimal("806"), "per_elector": Decimal("0.07"), "per_ward": True})
    assert direct.name == "set in campaign.yaml" and limit_amount(direct, 1503) == Decimal("911.21")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"election": "pcc"}, "spending_limit.area: missing: the pcc limit is set per area"),
        ({"election": "england-local", "area": "Kent"}, "the england-local limit is not set per area"),
        ({"election": "pcc", "area": "Kent", "fixed": Decimal(5)}, "an election type gives the limit"),
        ({}, "missing: an election type, or the limit's fixed amount"),
    ],
)
def test_a_limit_that_does_not_add_up_is_refused(spec, message):
    with pytest.raises(InputError, match=message):
        _limit(spec)


ELECTORATE = INPUTS / "electorate"
ELECTORATE_EXPECTED = {
    "missing-cell.csv": "line 3: ward W2: column 'electorate' is blank (give the ward's number of registered electors)",
    "not-a-number.csv": "line 4: ward W3: column 'electorate' is 'about 1300', not a whole number",
    "fraction.csv": "line 2: ward W1: column 'electorate' is '2210.5', not a whole number",
    "negative.csv": "line 2: ward W1: column 'electorate' is '-40', not a whole number",
    "no-column.csv": "line 1: no 'electorate' column, but the spending limit is per elector",
}


def test_every_electorate_fixture_has_an_expectation():
    assert sorted(path.name for path in ELECTORATE.glob("*.csv")) == sorted(ELECTORATE_EXPECTED)


@pytest.mark.parametrize("name", sorted(ELECTORATE_EXPECTED), ids=lambda name: name.removesuffix(".csv"))
def test_a_bad_electorate_is_refused_naming_ward_column_and_line(name):
    path = ELECTORATE / name
    with pytest.raises(InputError) as caught:
        ward_electorates(load_wards(path), path, required=True)
    assert str(caught.value).startswith(f"{path}: {ELECTORATE_EXPECTED[name]}")


def test_electorates_are_whole_numbers_with_or_without_thousands_commas(tmp_path):
    path = tmp_path / "wards.csv"
    path.write_text('code,name,electorate\nW1,Aber,"7,500"\nW2,Bryn,1300\n', encoding="utf-8")
    assert ward_electorates(load_wards(path), path, required=True) == {"W1": 7500, "W2": 1300}
    no_column = ELECTORATE / "no-column.csv"
    assert ward_electorates(load_wards(no_column), no_column, required=False) == {}
