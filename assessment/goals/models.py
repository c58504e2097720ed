"""Tables of near-term process-change goals (session 4), their milestones and measured values,
and their read models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from assessment.core.fields import VALUE, Labelled, Timestamp, utcnow


class GoalStatus(Labelled):
    not_started = "not_started"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    done = "done"
    dropped = "dropped"

    @property
    def is_closed(self) -> bool:
        return self in (GoalStatus.done, GoalStatus.dropped)


class Goal(SQLModel, table=True):
    """A SMART near-term process-change goal of one team."""

    __table_args__ = (CheckConstraint("version >= 1", name="ck_goal_version"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    statement: str = Field(sa_column=Column(Text, nullable=False))
    measure: str = ""
    # Optional so a goal can be set in the session and made measurable later (a warning says so).
    baseline_value: Decimal | None = Field(default=None, sa_column=Column(VALUE, nullable=True))
    target_value: Decimal | None = Field(default=None, sa_column=Column(VALUE, nullable=True))
    unit: str = ""
    due_on: date
    owner_id: int = Field(foreign_key="person.id", index=True)
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=GoalStatus.not_started.value, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class GoalBarrier(SQLModel, table=True):
    """A barrier a goal removes (many to many)."""

    __tablename__ = "goal_barrier"

    goal_id: int = Field(foreign_key="goal.id", primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", primary_key=True, index=True)


class Milestone(SQLModel, table=True):
    """One step toward a goal, done when ``done_on`` is set."""

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    title: str
    due_on: date | None = None
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str


class GoalMeasure(SQLModel, table=True):
    """A value of a goal's measure as of a day; the latest one is the goal's current value."""

    __tablename__ = "goal_measure"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    value: Decimal = Field(sa_column=Column(VALUE, nullable=False))
    as_of: date
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class MilestonePublic(BaseModel):
    id: int
    title: str
    due: date | None
    owner: str | None
    done: date | None


class GoalPublic(BaseModel):
    """A goal as people and scripts read it: decimal values as exact text, with milestones,
    progress and the warnings that still apply."""

    id: int
    version: int
    jurisdiction: str
    cohort: str
    statement: str
    measure: str
    baseline: str | None
    target: str | None
    unit: str
    due: date
    owner: str | None
    barriers: list[int]
    indicators: list[str]
    status: GoalStatus
    status_label: str
    milestones: list[MilestonePublic]
    latest_value: str | None
    latest_as_of: date | None
    milestone_share: float | None
    measure_share: float | None
    warnings: list[str]
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str
