"""Tables for sessions 2 to 4: barriers, community input, engagement levels, near-term goals,
their milestones and measures; the closed sets (statuses, input sources) they use; and the
version-checked write that barriers and goals share."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Numeric, Text, update
from sqlmodel import Field, Session, SQLModel, col

from assessment.models import utcnow

# Money and measure values: exact decimals, up to 14 digits before the point and 4 after.
VALUE = Numeric(18, 4)


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        """How people read it: ``action_planned`` is "Action planned"."""
        return self.value.replace("_", " ").capitalize()


class BarrierStatus(Labelled):
    identified = "identified"
    analyzing = "analyzing"
    action_planned = "action_planned"
    in_progress = "in_progress"
    resolved = "resolved"
    deferred = "deferred"
    not_pursued = "not_pursued"

    @property
    def is_open(self) -> bool:
        """Still being worked on: not resolved, deferred or dropped."""
        return self in OPEN_BARRIER_STATUSES


OPEN_BARRIER_STATUSES = (
    BarrierStatus.identified,
    BarrierStatus.analyzing,
    BarrierStatus.action_planned,
    BarrierStatus.in_progress,
)


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


class InputSource(Labelled):
    listening_session = "listening_session"
    cbo_survey = "cbo_survey"
    interviews = "interviews"
    advisory_board = "advisory_board"

    @property
    def label(self) -> str:
        return "CBO survey" if self is InputSource.cbo_survey else super().label


class Barrier(SQLModel, table=True):
    """An administrative burden that keeps community organizations out of contracts."""

    __table_args__ = (
        CheckConstraint("severity BETWEEN 1 AND 5", name="ck_barrier_severity"),
        CheckConstraint("version >= 1", name="ck_barrier_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    title: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    category: str = Field(index=True)
    stage: str
    controller: str | None = None
    severity: int | None = None
    burden_on: str = Field(default="", sa_column=Column(Text, nullable=False))
    root_cause: str = Field(default="", sa_column=Column(Text, nullable=False))
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    status: str = Field(default=BarrierStatus.identified.value, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class CommunityInput(SQLModel, table=True):
    """What a jurisdiction heard from its community: a listening session, a CBO survey, ..."""

    __tablename__ = "community_input"
    __table_args__ = (CheckConstraint("participants >= 0", name="ck_community_input_participants"),)

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    source: str
    held_on: date
    participants: int | None = None
    organizations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    quotes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class BarrierInput(SQLModel, table=True):
    """Community input that informs a barrier (many to many)."""

    __tablename__ = "barrier_input"

    barrier_id: int = Field(foreign_key="barrier.id", primary_key=True)
    input_id: int = Field(foreign_key="community_input.id", primary_key=True, index=True)
    linked_by: str
    linked_at: datetime = Field(default_factory=utcnow)


class EngagementRecord(SQLModel, table=True):
    """A team's community engagement, current and aspirational (0 Ignore .. 5 Defer to).

    Every record is kept; the latest is the team's current rating."""

    __tablename__ = "engagement_record"
    __table_args__ = (
        CheckConstraint("current_level BETWEEN 0 AND 5", name="ck_engagement_current"),
        CheckConstraint("aspirational_level BETWEEN 0 AND 5", name="ck_engagement_aspirational"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    current_level: int
    aspirational_level: int
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


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


def save_versioned(
    session: Session,
    row: Barrier | Goal,
    values: dict[str, Any],
    actor: str,
    at: datetime,
    expected: int | None,
) -> bool:
    """Write ``values`` and ``version + 1`` in one UPDATE that only matches while the row is still
    at version ``expected`` (any version when None). False when another writer got there first:
    the check happens in the database, so two sessions that read the same version cannot both win.
    """
    table = type(row)
    statement = update(table).where(col(table.id) == row.id)
    if expected is not None:
        statement = statement.where(col(table.version) == expected)
    statement = statement.values(**values, version=col(table.version) + 1, updated_at=at, updated_by=actor)
    result = session.exec(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    session.refresh(row)
    return True
