"""The barrier spreadsheet import's plan (a preview) and apply (every row or none)."""

from __future__ import annotations

import pytest

from assessment.barriers.imports import apply_changes, plan_changes
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import ValidationFailed
from tests.barriers.helpers import INSURANCE, change, exported, new_barrier, read, snapshot
from tests.conftest import Cast

# --- spreadsheet import -----------------------------------------------------------------------------


def test_import_preview_lists_old_and_new_and_apply_changes_them(cast: Cast) -> None:
    first = new_barrier(cast.alder_officer, cast.alder)
    second = new_barrier(
        cast.alder_officer,
        cast.alder,
        title="Reimbursement only",
        category="payment_cash_flow",
        stage="invoicing_payment",
        severity=5,
    )
    rows = exported(cast.alder_officer, cast.alder)
    rows[0].update(severity="3", status="Analyzing", owner=cast.alder_manager)
    rows[1].update(status="deferred", note="wait for the new fiscal year", severity=5.0)
    rows.append(
        {
            "row": 4,
            "title": "Forms must be notarized",
            "category": "Solicitation complexity",
            "stage": "application",
            "severity": 3.0,
            "indicators": "solicitation.plain_language",
        }
    )
    with transaction() as session:
        plan = plan_changes(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
    assert [(p.row, p.barrier_id, p.field, p.old, p.new) for p in plan] == [
        (2, first, "severity", "4", "3"),
        (2, first, "owner", None, cast.alder_manager),
        (2, first, "status", "identified", "analyzing"),
        (3, second, "status", "identified", "deferred"),
        (4, None, "title", None, "Forms must be notarized"),
        (4, None, "category", None, "solicitation_complexity"),
        (4, None, "stage", None, "application"),
        (4, None, "severity", None, "3"),
        (4, None, "indicators", None, "solicitation.plain_language"),
    ]
    assert snapshot()[0] == [(first, 1, INSURANCE["title"]), (second, 1, "Reimbursement only")]
    with transaction() as session:
        touched = apply_changes(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
    assert [b.id for b in touched][:2] == [first, second] and len(touched) == 3
    after = {b["id"]: b for b in (read(cast.alder_officer, b.id) for b in touched)}
    assert (after[first]["version"], after[first]["status"], after[first]["severity"]) == (2, "analyzing", 3)
    assert (after[second]["version"], after[second]["status"]) == (2, "deferred")
    assert after[touched[2].id]["category"] == "solicitation_complexity"


def test_a_bad_row_in_the_middle_changes_nothing_and_every_problem_is_listed(cast: Cast) -> None:
    first = new_barrier(cast.alder_officer, cast.alder)
    second = new_barrier(cast.alder_officer, cast.alder, title="Reimbursement only")
    third = new_barrier(cast.alder_officer, cast.alder, title="Monthly reports")
    birch = new_barrier(cast.birch_officer, cast.birch, title="Birch's own")
    rows = exported(cast.alder_officer, cast.alder)
    change(cast.alder_manager, third, 1, severity=1)  # after the export
    rows[0].update(severity=2)
    rows[1].update(category="paperwork", status="Resolved", severity="3.5")
    rows[2].update(title="Quarterly reports")
    rows.append({"row": 5, "id": birch, "version": 1, "severity": 1})
    rows.append({"row": 6, "id": 999, "version": 1, "title": "Ghost"})
    rows.append({"row": 7, "title": "No category"})
    before = snapshot()
    for attempt in (plan_changes, apply_changes):
        with pytest.raises(ValidationFailed) as refused:
            with transaction() as session:
                attempt(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
        problems = [(p.location, p.message) for p in refused.value.problems]
        assert [location for location, _ in problems] == [
            "row 3, column category",
            "row 3, column severity",
            "row 4, column version",
            "row 5",
            "row 6, column id",
            "row 7, column category",
            "row 7, column stage",
        ]
        assert "nothing was changed" in refused.value.summary
        messages = dict(problems)
        assert messages["row 4, column version"].startswith(
            f"barrier {third} was changed after this sheet was exported (by {cast.alder_manager} at"
        )
        assert messages["row 5"] == f"{cast.alder_officer} may not change the barriers of Birch City"
        assert snapshot() == before
    rows[1].update(category="insurance_bonding", severity=3)
    with pytest.raises(ValidationFailed) as refused, transaction() as session:
        plan_changes(session, resolve_actor(session, cast.alder_officer), rows[:2])
    assert [(p.location, p.message) for p in refused.value.problems] == [
        (
            "row 3, column status",
            (
                "A barrier cannot move from identified to resolved. "
                "A barrier that is identified can move to: analyzing, deferred, not pursued."
            ),
        )
    ]
    assert snapshot() == before
    assert first and second


def test_importing_the_same_rows_twice_changes_nothing_the_second_time(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    rows = exported(cast.alder_officer, cast.alder)
    rows[0].update(severity="2", status="Analyzing")
    with transaction() as session:
        assert len(apply_changes(session, resolve_actor(session, cast.alder_officer), rows)) == 1
    before = snapshot()
    with transaction() as session:  # the same sheet again: its rows match the inventory now
        officer = resolve_actor(session, cast.alder_officer)
        assert plan_changes(session, officer, rows) == []
        assert apply_changes(session, officer, rows) == []
    assert snapshot() == before and read(cast.alder_officer, barrier_id)["version"] == 2
    rows[0].update(severity="5")  # a real change on the old export is still refused, saying what to do
    with pytest.raises(ValidationFailed) as refused, transaction() as session:
        plan_changes(session, resolve_actor(session, cast.alder_officer), rows)
    assert "export the sheet again" in str(refused.value)
