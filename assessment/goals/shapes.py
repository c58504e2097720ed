"""Input shapes of near-term goals (session 4), their milestones and measured values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from assessment.core.fields import utcnow
from assessment.core.shapes import Changes, Email, Name, PastDate, RecordIds, Shape, Title, Value, by_label
from assessment.goals.models import GoalStatus
from assessment.selfassessment.rubric import IndicatorIds


def _future(day: date | None) -> date | None:
    if day is not None and day < utcnow().date():
        raise ValueError(f"{day.isoformat()} is in the past; a goal's due date must be today or later")
    return day


def _at_least_one_barrier(ids: list[int]) -> list[int]:
    if not ids:
        raise ValueError("link at least one barrier that this goal removes")
    return ids


DueDate = Annotated[date, AfterValidator(_future)]
BarrierIds = Annotated[RecordIds, AfterValidator(_at_least_one_barrier)]
GoalStatusValue = Annotated[GoalStatus, BeforeValidator(by_label(GoalStatus, "goal status"))]


class GoalCreate(Shape):
    """A SMART near-term process-change goal (session 4): specific statement, measure from a
    baseline to a target, a due date, an owner, and the barriers it removes."""

    statement: Name
    # measure, baseline and target may come later; the goal then carries a warning until they do
    measure: Annotated[str, Field(max_length=200)] = ""
    baseline: Value | None = None
    target: Value | None = None
    unit: str = ""
    due: DueDate
    owner: Email | None = None  # the person setting the goal, when not given
    barriers: BarrierIds
    indicators: IndicatorIds = []

    @field_validator("target")
    @classmethod
    def _target_moves(cls, target: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if target is not None and info.data.get("baseline") == target:
            raise ValueError("equals the baseline; a goal's target must differ from where it starts")
        return target


class GoalUpdate(Changes):
    """Changes to a goal; the status change from and to done or dropped needs a reason."""

    statement: Name | None = None
    measure: Title | None = None
    baseline: Value | None = None
    target: Value | None = None
    unit: str | None = None
    due: DueDate | None = None
    owner: Email | None = None
    barriers: BarrierIds | None = None
    indicators: IndicatorIds | None = None
    status: GoalStatusValue | None = None


class MilestoneCreate(Shape):
    title: Title
    due: date | None = None
    owner: Email | None = None


class MilestoneUpdate(Changes):
    CLEARABLE: ClassVar[frozenset[str]] = frozenset({"due", "owner"})

    title: Title | None = None
    due: date | None = None
    owner: Email | None = None


class MeasureCreate(Shape):
    """A value of a goal's measure, as of a day (today when not given)."""

    value: Value
    as_of: PastDate | None = None
    note: str = ""
