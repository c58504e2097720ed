"""The team's baseline recorded from imported spending, the change a later import shows against
it, spending by vendor and place for the equity profile, and the session 6 deliverables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assessment.anchor.spend import spend_value
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied, ValidationFailed
from assessment.sessions.facts import check, team_at
from assessment.spending.models import SpendView, VendorGroup, VendorSpend
from assessment.spending.service import record_baseline, show_spending, spend_by_vendor_place
from tests.conftest import Cast
from tests.spending.helpers import SAMPLE, imported, process, release_package, row, write_json, write_xlsx

D = date

ROWS_2024 = [
    row(contract_id="A", vendor="Roots", contract_amount=1000, awarded_on=D(2024, 3, 1), cbo="yes", small="yes",
        invoiced_on=D(2024, 4, 1), paid_on=D(2024, 4, 21), payment_amount=500, zip="92101"),
    row(contract_id="B", vendor="BigCo", vendor_id="V-9", contract_amount=3000, awarded_on=D(2024, 5, 1), cbo="no",
        small="no", invoiced_on=D(2024, 6, 1), paid_on=D(2024, 7, 31), payment_amount=3000, tract="06073008305"),
]  # fmt: skip
ROWS_2025 = [
    row(contract_id="C", vendor="Roots", contract_amount=2000, awarded_on=D(2025, 2, 1), cbo="yes", small="yes",
        invoiced_on=D(2025, 3, 1), paid_on=D(2025, 3, 11), payment_amount=2000, advance_payment="yes"),
    row(contract_id="D", vendor="Nueva Vida", contract_amount=2000, awarded_on=D(2025, 6, 1), cbo="yes", small="yes",
        invoiced_on=D(2025, 7, 1), paid_on=D(2025, 7, 31), payment_amount=1000, advance_payment="no"),
]  # fmt: skip


def baseline(who: str, cast: Cast, period: str | None = None, replace: bool = False) -> SpendView:
    with transaction() as session:
        return record_baseline(session, resolve_actor(session, who), cast.alder, cast.cohort, period, replace)


def test_the_baseline_is_recorded_once_and_later_imports_show_the_change(cast: Cast, tmp_path: Path) -> None:
    with pytest.raises(NotFound) as nothing:
        baseline(cast.alder_manager, cast)
    assert "accelerator spend import" in str(nothing.value)
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "2024.xlsx", ROWS_2024))
    first = baseline(cast.alder_manager, cast)
    assert first.recorded and [p.period for p in first.figures.periods] == ["2024"]
    year = first.figures.periods[0]
    assert (year.contracts, year.dollars) == (2, Decimal(4000))
    assert year.group(VendorGroup.cbo).dollar_share == Decimal("0.2500")  # 1000 of 4000 to a CBO
    assert (year.median_days_to_payment, year.p90_days_to_payment) == (Decimal(40), 60)  # 20 and 60 days

    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "2025.xlsx", ROWS_2025))
    again = baseline(cast.alder_officer, cast)
    assert not again.recorded and "--replace" in again.notes[0]
    assert again.baseline is not None and again.baseline.recorded_by == cast.alder_manager
    assert [p.period for p in again.baseline.figures.periods] == ["2024"]  # as recorded, not recomputed
    with transaction() as session:
        shown = show_spending(session, resolve_actor(session, cast.alder_exec), cast.alder)
    assert [c.period for c in shown.changes] == ["2024", "2025"]
    change = {f.figure: f for f in shown.changes[1].figures}
    assert (change["cbo_dollar_share"].baseline, change["cbo_dollar_share"].now) == (Decimal(25), Decimal(100))
    assert change["cbo_dollar_share"].change == Decimal(75)  # percentage points
    assert (change["median_days_to_payment"].now, change["median_days_to_payment"].change) == (Decimal(20), -20)
    assert (change["advance_payment_share"].baseline, change["advance_payment_share"].now) == (None, Decimal(50))
    assert change["advance_payment_share"].change is None
    assert (change["community_partners"].now, change["new_community_partners"].now) == (2, 1)  # Nueva Vida is new

    replaced = baseline(cast.alder_manager, cast, period="2025", replace=True)
    assert replaced.recorded and replaced.baseline is not None and replaced.baseline.version == 2
    assert [p.period for p in replaced.baseline.figures.periods] == ["2025"]


def test_a_baseline_needs_contracts_in_its_period_and_a_writer(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "2024.xlsx", ROWS_2024))
    with pytest.raises(ValidationFailed) as empty:
        baseline(cast.alder_manager, cast, period="2019")
    assert empty.value.problems[0].location == "--period"
    with pytest.raises(PermissionDenied) as refused:
        baseline(cast.alder_exec, cast)
    assert "may not record the impact-spending baseline of Alder County" in str(refused.value)
    with pytest.raises(PermissionDenied):
        baseline(cast.birch_manager, cast)


def test_spending_by_vendor_and_place_for_the_equity_profile(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "all.xlsx", ROWS_2024 + ROWS_2025))
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_exec)
        every = spend_by_vendor_place(session, actor, cast.alder)
        in_2025 = spend_by_vendor_place(session, actor, cast.alder, 2025)
        with pytest.raises(PermissionDenied):
            spend_by_vendor_place(session, resolve_actor(session, cast.birch_officer), cast.alder)
    assert [(v.vendor, v.place, v.dollars, v.contracts) for v in every] == [
        ("BigCo", "06073008305", Decimal(3000), 1),
        ("Roots", "92101", Decimal(3000), 2),
        ("Nueva Vida", "92101", Decimal(2000), 1),
    ]
    assert every[0] == VendorSpend(
        vendor="BigCo", vendor_key="id:V-9", tract="06073008305", zip=None, dollars=Decimal(3000), contracts=1,
        currency="USD",
    )  # fmt: skip
    assert [(v.vendor, v.dollars) for v in in_2025] == [("Nueva Vida", Decimal(2000)), ("Roots", Decimal(2000))]


def test_a_contract_without_an_amount_counts_its_payments(cast: Cast, tmp_path: Path) -> None:
    rows = [row(contract_amount=None, payment_amount=300), row(contract_amount=None, payment_amount=200)]
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "paid.xlsx", rows))
    with transaction() as session:
        [vendor] = spend_by_vendor_place(session, resolve_actor(session, cast.alder_officer), cast.alder, "2025")
    assert (vendor.dollars, vendor.contracts) == (Decimal(500), 1)


def facts(cast: Cast) -> dict[str, tuple[bool, str]]:
    with transaction() as session:
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        at = team_at(session, team)
        keys = ("impact_spending_baseline", "impact_spending_shares", "payment_timeliness")
        return {key: (f.holds, f"{f.said} | {f.fix}") for key in keys for f in [check(key, session, at)]}


def test_session_6_deliverables_follow_the_recorded_baseline(cast: Cast, tmp_path: Path) -> None:
    found = facts(cast)
    assert not any(holds for holds, _ in found.values())
    assert "no contracting data is imported" in found["impact_spending_baseline"][1]
    imported(cast.alder_officer, cast.alder, SAMPLE)  # OCDS: no invoice dates, no CBO flags
    found = facts(cast)
    assert "no baseline is recorded" in found["impact_spending_baseline"][1]
    baseline(cast.alder_manager, cast)
    found = facts(cast)
    assert found["impact_spending_baseline"][0]
    assert not found["impact_spending_shares"][0] and "yes/no columns" in found["impact_spending_shares"][1]
    assert not found["payment_timeliness"][0] and "OCDS has none" in found["payment_timeliness"][1]


def test_session_6_deliverables_hold_with_a_spreadsheets_baseline(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "2025.xlsx", ROWS_2025))
    baseline(cast.alder_manager, cast)
    found = facts(cast)
    assert all(holds for holds, _ in found.values())
    assert "100.0% of dollars to small businesses" in found["impact_spending_shares"][1]
    assert (
        "median 20.0 days" in found["payment_timeliness"][1] and "50.0% of contracts" in found["payment_timeliness"][1]
    )


def test_anchor_commitments_follow_the_latest_year(cast: Cast, tmp_path: Path) -> None:
    with transaction() as session:
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        assert spend_value(session, "cbo_dollar_share", team) is None
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "all.xlsx", ROWS_2024 + ROWS_2025))
    with transaction() as session:
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        assert spend_value(session, "cbo_dollar_share", team) == Decimal(100)
        assert spend_value(session, "median_days_to_payment", team) == Decimal(20)
        assert spend_value(session, "community_partners", team) == Decimal(2)


def test_ocds_and_a_multi_release_process_give_one_contract_in_the_figures(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_json(tmp_path / "p.json", release_package(*process())))
    with transaction() as session:
        view = show_spending(session, resolve_actor(session, cast.alder_officer), cast.alder, period="2025")
    [year] = view.figures.periods
    assert (year.contracts, year.dollars, year.payments, year.timed_payments) == (1, Decimal(120000), 2, 0)
    assert year.group(VendorGroup.small).dollar_share == Decimal(1)  # details.scale: micro
    assert year.advance_share == Decimal(1)
    assert any("OCDS, which has no invoice date" in note for note in year.notes)
