"""Closed sets typed by people: ids or labels in any case, and a suggestion for a near miss."""

from __future__ import annotations

import pytest

from assessment.barriers.models import BarrierStatus
from assessment.barriers.reference import resolve_category
from assessment.core.errors import ValidationFailed
from assessment.core.permissions import Role
from assessment.core.shapes import choice, parse_choice
from assessment.selfassessment.models import Cycle


@pytest.mark.parametrize(
    ("enum", "typed", "member"),
    [
        (BarrierStatus, "Action planned", BarrierStatus.action_planned),
        (BarrierStatus, " ACTION-PLANNED ", BarrierStatus.action_planned),
        (Role, "procurement officer", Role.procurement_officer),
        (Role, "Equity Program Manager", Role.equity_program_manager),
        (Cycle, " Baseline ", Cycle.baseline),
    ],
)
def test_a_member_is_read_by_id_or_label_in_any_case(enum: type[BarrierStatus], typed: str, member: object) -> None:
    assert choice(enum, typed, "thing") is member


def test_a_near_miss_is_answered_with_the_close_choice_and_every_choice() -> None:
    with pytest.raises(ValueError) as status:
        choice(BarrierStatus, "analysing", "barrier status")
    assert str(status.value) == (
        "'analysing' is not a barrier status; did you mean 'Analyzing'? use one of: Identified, Analyzing, "
        "Action planned, In progress, Resolved, Deferred, Not pursued"
    )
    with pytest.raises(ValidationFailed) as cycle:
        parse_choice(Cycle, "basline", "cycle")
    assert "did you mean 'baseline'?" in str(cycle.value)
    with pytest.raises(ValueError) as category:
        resolve_category("payment cashflow")
    assert "did you mean 'payment_cash_flow'?" in str(category.value)
    with pytest.raises(ValueError) as far:
        choice(BarrierStatus, "banana", "barrier status")
    assert "did you mean" not in str(far.value)
