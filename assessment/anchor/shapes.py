"""Input shapes of anchor commitments (session 7) and their measured values. Rules that weigh
several fields at once (a spending metric only for a buy commitment, its unit, a target that
differs from the baseline) are the service's, so a change is checked against the whole record."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field

from assessment.anchor.models import AnchorCategory, CommitmentStatus
from assessment.anchor.spend import SPEND_METRICS, keys
from assessment.core.fields import utcnow
from assessment.core.shapes import Changes, Email, Name, PastDate, Shape, Title, Value, by_label, did_you_mean, key_of


def _future(day: date | None) -> date | None:
    if day is not None and day < utcnow().date():
        raise ValueError(f"{day.isoformat()} is in the past; a commitment's due date must be today or later")
    return day


def _spend_metric(text: str) -> str:
    """A spending metric's key, named by its key or its label in any case and spacing."""
    for metric in SPEND_METRICS:
        if key_of(text) in (metric.key, key_of(metric.label)):
            return metric.key
    raise ValueError(
        f"'{text}' is not a spending metric a commitment can follow; "
        f"{did_you_mean(text, [m.key for m in SPEND_METRICS])}use one of: {keys()}"
    )


DueDate = Annotated[date, AfterValidator(_future)]
Category = Annotated[AnchorCategory, BeforeValidator(by_label(AnchorCategory, "commitment category"))]
Status = Annotated[CommitmentStatus, BeforeValidator(by_label(CommitmentStatus, "commitment status"))]
SpendMetricKey = Annotated[str, AfterValidator(_spend_metric)]
Unit = Annotated[str, Field(max_length=40)]


class CommitmentCreate(Shape):
    """An anchor commitment: what the department will do, measured from a baseline to a target
    by a due date, with an owner; a buy commitment may follow a spending metric instead of a
    typed measure (its measure and unit then default to the metric's)."""

    category: Category
    statement: Name
    measure: Annotated[str, Field(max_length=200)] = ""
    baseline: Value | None = None  # may come later; the commitment carries a warning until it does
    target: Value
    unit: Unit = ""
    due: DueDate
    owner: Email | None = None  # the person making the commitment, when not given
    spend_metric: SpendMetricKey | None = None


class CommitmentUpdate(Changes):
    """Changes to a commitment; a blank baseline or spending metric clears it."""

    CLEARABLE: ClassVar[frozenset[str]] = frozenset({"baseline", "spend_metric"})

    category: Category | None = None
    statement: Name | None = None
    measure: Title | None = None
    baseline: Value | None = None
    target: Value | None = None
    unit: Unit | None = None
    due: DueDate | None = None
    owner: Email | None = None
    spend_metric: SpendMetricKey | None = None
    status: Status | None = None


class MeasureCreate(Shape):
    """A value of a commitment's measure, as of a day (today when not given)."""

    value: Value
    as_of: PastDate | None = None
    note: str = ""
