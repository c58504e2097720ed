"""The impact-spending figures on a small table computed by hand: shares with empty and unknown
groups, medians with ties and even counts, the 90th percentile by nearest rank, periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.errors import ValidationFailed
from assessment.spending.measures import (
    ContractFact,
    PaymentFact,
    calendar_years,
    median,
    nearest_rank,
    parse_period,
    period_figures,
    share,
    year,
)
from assessment.spending.models import VendorGroup

G = VendorGroup


def contract(vendor: int, value: str, day: date, advance: bool | None = None, **groups: bool | None) -> ContractFact:
    flags: dict[VendorGroup, bool | None] = {g: groups.get(g.value) for g in VendorGroup}
    return ContractFact(vendor, Decimal(value), day, advance, flags)


def paid(day: date, days: int | None, ocds: bool = False) -> PaymentFact:
    invoiced = None if days is None else date.fromordinal(day.toordinal() - days)
    return PaymentFact(day, invoiced, ocds)


CONTRACTS = [
    contract(3, "50", date(2024, 6, 1), cbo=True),  # before the period: vendor 3 is not new in 2025
    contract(1, "100", date(2025, 1, 5), True, cbo=True, small=True, bipoc_led=False),
    contract(2, "300", date(2025, 2, 5), False, cbo=False, small=True, bipoc_led=False),
    contract(1, "200", date(2025, 3, 5), False, cbo=True, bipoc_led=False),
    contract(3, "400", date(2025, 12, 31), None, cbo=True, bipoc_led=False),
    contract(4, "999", date(2026, 1, 1), cbo=True),  # after the period
]
PAYMENTS = [
    paid(date(2025, 1, 31), 10),
    paid(date(2025, 2, 28), 30),
    paid(date(2025, 3, 31), 30),  # a tie with the one before
    paid(date(2025, 4, 30), 5),
    paid(date(2025, 5, 31), 60),
    paid(date(2025, 6, 30), None),  # no invoice date
    paid(date(2025, 7, 31), None, ocds=True),
    paid(date(2024, 7, 31), 400),  # another period
]


def test_a_period_is_computed_as_by_hand() -> None:
    figures = period_figures(year(2025), CONTRACTS, PAYMENTS)
    assert (figures.contracts, figures.dollars) == (4, Decimal(1000))
    cbo = figures.group(G.cbo)
    # 100 + 200 + 400 of 1000 dollars; 3 of 4 contracts
    assert (cbo.dollars, cbo.dollar_share, cbo.contracts, cbo.contract_share, cbo.unknown) == (
        Decimal(700),
        Decimal("0.7000"),
        3,
        Decimal("0.7500"),
        0,
    )
    small = figures.group(G.small)  # two contracts say yes, two do not say: counted as not
    assert (small.dollar_share, small.contract_share, small.unknown) == (Decimal("0.4000"), Decimal("0.5000"), 2)
    local = figures.group(G.local)  # no contract says: no share at all, rather than 0%
    assert (local.dollar_share, local.contract_share, local.unknown, local.contracts) == (None, None, 4, 0)
    bipoc = figures.group(G.bipoc_led)  # an empty group that is known to be empty
    assert (bipoc.dollar_share, bipoc.contract_share, bipoc.unknown) == (Decimal("0.0000"), Decimal("0.0000"), 0)
    # vendors 1 and 3 are community-based; 3 had a contract in 2024
    assert (figures.community_partners, figures.new_community_partners) == (2, 1)
    # days 5, 10, 30, 30, 60: the median is the middle one (a tie), the 90th percentile rank ceil(4.5) = 5
    assert (figures.payments, figures.timed_payments) == (7, 5)
    assert (figures.median_days_to_payment, figures.p90_days_to_payment) == (Decimal(30), 60)
    # advance known for 3 contracts, 1 had one
    assert (figures.advance_known, figures.with_advance, figures.advance_share) == (3, 1, Decimal("0.3333"))
    assert figures.median_contract == Decimal(250)  # (200 + 300) / 2
    assert any("came from OCDS, which has no invoice date" in note for note in figures.notes)
    assert any("1 payment(s) have no invoice date" in note for note in figures.notes)
    assert any("2 of 4 contract(s) do not say" in note and "small" in note for note in figures.notes)


def test_an_empty_period_has_no_shares_medians_or_percentiles() -> None:
    figures = period_figures(year(2023), CONTRACTS, PAYMENTS)
    assert (figures.contracts, figures.dollars, figures.payments) == (0, Decimal(0), 0)
    assert all(g.dollar_share is None and g.contract_share is None for g in figures.groups)
    assert figures.median_days_to_payment is None and figures.p90_days_to_payment is None
    assert figures.median_contract is None and figures.advance_share is None


def test_every_partner_is_new_in_the_first_period_and_it_is_said() -> None:
    figures = period_figures(year(2024), CONTRACTS, PAYMENTS)
    assert (figures.community_partners, figures.new_community_partners) == (1, 1)
    assert any("every community partner in it counts as new" in note for note in figures.notes)


@pytest.mark.parametrize(
    ("values", "p90"),
    [
        (list(range(1, 11)), 9),  # rank ceil(9) = 9
        (list(range(1, 21)), 18),
        ([7], 7),
        ([5, 5, 5, 9], 9),  # rank ceil(3.6) = 4
        ([9, 1, 5, 5, 5, 5, 5, 5, 5, 5], 5),  # unsorted, ties: rank 9 of 1,5,...,5,9
        ([], None),
    ],
)
def test_the_90th_percentile_is_the_nearest_rank(values: list[int], p90: int | None) -> None:
    assert nearest_rank(values, 90) == p90


def test_medians_of_odd_and_even_counts() -> None:
    assert median([3, 1, 2]) == 2
    assert median([1, 2]) == Decimal("1.5")
    assert median([Decimal("0.10"), Decimal("0.20"), Decimal("0.20"), Decimal("0.30")]) == Decimal("0.20")
    assert median([]) is None


def test_shares_are_exact_to_four_places_and_none_of_nothing() -> None:
    assert share(1, 3) == Decimal("0.3333")
    assert share(Decimal("2.5"), Decimal(10)) == Decimal("0.2500")
    assert share(0, 0) is None


@given(st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=60))
def test_the_percentile_is_a_value_with_at_least_90_percent_at_or_below_it(days: list[int]) -> None:
    p90 = nearest_rank(days, 90)
    assert p90 in days
    assert sum(d <= p90 for d in days) * 10 >= len(days) * 9
    assert sum(d < p90 for d in days) * 10 < len(days) * 9


def test_periods_are_years_ranges_of_years_or_ranges_of_days() -> None:
    assert [p.label for p in parse_period("2025")] == ["2025"]
    assert [p.label for p in parse_period("2023-2025")] == ["2023", "2024", "2025"]
    fiscal = parse_period("2024-07-01..2025-06-30")[0]
    assert (fiscal.start, fiscal.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert fiscal.holds(date(2025, 6, 30)) and not fiscal.holds(date(2025, 7, 1))
    assert [p.label for p in calendar_years([date(2022, 5, 1), date(2024, 1, 1)])] == ["2022", "2023", "2024"]
    for wrong in ("25", "2025-2023", "2025-02-30..2025-03-01", "last year"):
        with pytest.raises(ValidationFailed) as refused:
            parse_period(wrong)
        assert refused.value.problems[0].location == "--period" and "fiscal year" in refused.value.problems[0].fix
