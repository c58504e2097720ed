"""Tables of anchor commitments (session 7) and their measured values, and their read models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from assessment.core.fields import VALUE, Labelled, Timestamp, utcnow


class AnchorCategory(Labelled):
    """How the department uses its economic weight for local community wealth."""

    hire = "hire"
    buy = "buy"
    invest = "invest"
    partner = "partner"


class CommitmentStatus(Labelled):
    not_started = "not_started"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    met = "met"
    dropped = "dropped"

    @property
    def is_closed(self) -> bool:
        return self in (CommitmentStatus.met, CommitmentStatus.dropped)


class AnchorCommitment(SQLModel, table=True):
    """One team's commitment to hire, buy, invest or partner locally, with a measurable target;
    a buy commitment may follow a spending metric (``spend_metric``) instead of typed values."""

    __tablename__ = "anchor_commitment"
    __table_args__ = (CheckConstraint("version >= 1", name="ck_anchor_commitment_version"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    category: str = Field(index=True)
    statement: str = Field(sa_column=Column(Text, nullable=False))
    measure: str
    # Optional so a commitment can be made before today's value is known (a warning says so).
    baseline_value: Decimal | None = Field(default=None, sa_column=Column(VALUE, nullable=True))
    target_value: Decimal = Field(sa_column=Column(VALUE, nullable=False))
    unit: str = ""
    due_on: date
    owner_id: int = Field(foreign_key="person.id", index=True)
    spend_metric: str | None = None
    status: str = Field(default=CommitmentStatus.not_started.value, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class AnchorMeasure(SQLModel, table=True):
    """A value of a commitment's measure as of a day; the latest one is its current value."""

    __tablename__ = "anchor_measure"

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="anchor_commitment.id", index=True)
    value: Decimal = Field(sa_column=Column(VALUE, nullable=False))
    as_of: date
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class Progress(BaseModel):
    """Where a commitment's measure stands: typed values, or computed from imported spending."""

    source: Literal["typed", "spend"]
    value: str | None
    as_of: date | None
    # the share of the way from baseline to target (1.0 = met), when it can be said
    share: float | None
    said: str  # in words: "46 % as of 2026-05-01", "no spend imported yet"


class CommitmentPublic(BaseModel):
    """An anchor commitment as people and scripts read it: decimal values as exact text, with its
    progress and the warnings that still apply."""

    id: int
    version: int
    jurisdiction: str
    cohort: str
    category: AnchorCategory
    category_label: str
    statement: str
    measure: str
    baseline: str | None
    target: str
    unit: str
    due: date
    owner: str | None
    spend_metric: str | None
    spend_metric_label: str | None
    status: CommitmentStatus
    status_label: str
    progress: Progress
    warnings: list[str]
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


# How people name a commitment's fields in its history.
FIELD_LABELS = {
    "created": "Made",
    "category": "Category",
    "statement": "Statement",
    "measure": "Measure",
    "baseline": "Baseline",
    "target": "Target",
    "unit": "Unit",
    "due": "Due date",
    "owner": "Owner",
    "spend_metric": "Spending metric followed",
    "status": "Status",
    "measure_value": "Measured value",
}
