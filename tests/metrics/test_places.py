"""Census geography and percentiles as files spell them: tract ids with and without their leading
zero, county FIPS codes, ZIP codes, a column's percentile scale, and quartiles by direction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.metrics.geography import county_fips, tract_id, zip_code
from assessment.metrics.models import Direction
from assessment.metrics.percentiles import Mixed, agrees, equity_quartile, number, recognise_scale


@pytest.mark.parametrize(
    "written",
    ["06037101110", "6037101110", 6037101110, 6037101110.0, "6037101110.0", " 06037101110 ", "1400000US06037101110"],
)
def test_every_spelling_of_a_tract_id_reads_as_its_11_digits(written: object) -> None:
    assert tract_id(written) == "06037101110"


@given(state=st.integers(1, 9), county=st.integers(1, 999), tract=st.integers(0, 999_999))
def test_a_tract_id_that_lost_its_leading_zero_gets_it_back(state: int, county: int, tract: int) -> None:
    full = f"{state:02d}{county:03d}{tract:06d}"
    assert tract_id(int(full)) == full
    assert tract_id(float(int(full))) == full
    assert tract_id(full) == full


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("6.03710111E+09", "scientific notation"),
        ("603710111", "has 9 digits"),
        ("060371011101", "has 12 digits"),
        ("0603710111A", "is not a census tract id"),
        (6037101110.5, "is not a census tract id"),
        ("", "is empty"),
        ("00037101110", "names no state or county"),
    ],
)
def test_what_cannot_be_a_tract_id_is_said(written: object, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        tract_id(written)


def test_county_fips_and_zip_codes_get_their_leading_zeros_back() -> None:
    assert county_fips("6037") == county_fips(6037) == county_fips("06037") == "06037"
    assert zip_code(2134) == zip_code("02134") == zip_code("02134-1234") == "02134"
    for wrong in ("637", "060370", "06000"):
        with pytest.raises(ValueError):
            county_fips(wrong)
    with pytest.raises(ValueError, match="not a ZIP code"):
        zip_code("9001A")


def _column(*values: str) -> list[tuple[int, Decimal]]:
    return [(row, Decimal(v)) for row, v in enumerate(values, start=2)]


def test_a_column_s_scale_is_recognised_once_for_the_whole_column() -> None:
    assert recognise_scale(_column("0.1", "0.25", "0.45", "1")) == "0-1"
    assert recognise_scale(_column("10", "25", "45", "99.5")) == "0-100"
    # a 0-100 column may hold a tract below the 1st percentile: one in many is not a mix
    assert recognise_scale(_column("0.4", *[str(n) for n in range(2, 40)])) == "0-100"
    mixed = recognise_scale(_column("0.10", "0.25", "45", "60", "0.80"))
    assert isinstance(mixed, Mixed)
    assert [row for row, _ in mixed.fractions] == [2, 3, 6] and [row for row, _ in mixed.hundreds] == [4, 5]


def test_blank_and_not_available_are_no_score_and_text_is_refused() -> None:
    assert number("") is None and number("NA") is None and number(float("nan")) is None and number(None) is None
    assert number("0.45") == Decimal("0.45") and number(45) == 45 and number(0.45) == Decimal("0.45")
    with pytest.raises(ValueError, match="not a number"):
        number("high")


@pytest.mark.parametrize(
    ("percentile", "healthier", "burden"),
    [
        ("0", 1, 4),
        ("10", 1, 4),
        ("25", 1, 4),
        ("25.01", 2, 3),
        ("50", 2, 3),
        ("75", 3, 2),
        ("75.5", 4, 1),
        ("100", 4, 1),
    ],
)
def test_quartile_1_is_the_least_advantaged_end_whichever_way_a_metric_runs(
    percentile: str, healthier: int, burden: int
) -> None:
    value = Decimal(percentile)
    assert equity_quartile(value, Direction.higher_is_better) == healthier  # the Healthy Places Index
    assert equity_quartile(value, Direction.higher_is_worse) == burden  # CalEnviroScreen: 1 = most burdened


def test_a_published_quartile_may_fall_either_side_of_a_boundary_it_sits_on() -> None:
    assert agrees(Decimal("25"), 1) and agrees(Decimal("25.2"), 1) and agrees(Decimal("25.2"), 2)
    assert not agrees(Decimal("40"), 1) and not agrees(Decimal("80"), 1)
