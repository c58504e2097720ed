"""Tables of what a team does in the nine sessions: the session record, the team commitment
(session 1) and the candidate process changes (session 3), and their read models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import Labelled, Timestamp, utcnow


class SessionRecord(SQLModel, table=True):
    """One team's record of one session: when it was held, who attended, which deliverables were
    done (key → what shows it) and which were missing; re-running the session updates it."""

    __tablename__ = "session_record"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        CheckConstraint("version >= 1", name="ck_session_record_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    number: int
    held_on: date
    attendees: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deliverables: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    missing: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class TeamCommitment(SQLModel, table=True):
    """A team member's signature on the team's commitment to the Accelerator (session 1)."""

    __tablename__ = "team_commitment"
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    signed_on: date
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: str


class ChangeStatus(Labelled):
    candidate = "candidate"
    carried = "carried"  # carried into a goal
    set_aside = "set_aside"


class ProcessChange(SQLModel, table=True):
    """A candidate process change of one team (session 3), scored by the team 1-5 on four
    criteria and ranked; the top ones are carried into goals."""

    __tablename__ = "process_change"
    __table_args__ = (CheckConstraint("version >= 1", name="ck_process_change_version"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    title: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    equity_impact: int | None = None  # 1 little … 5 large, for the organizations the barriers keep out
    feasibility: int | None = None  # 1 hard … 5 easy, within the department's own rules
    time_to_effect: int | None = None  # 1 more than a year … 5 within a month
    community_input: int | None = None  # 1 none … 5 strong: what community organizations said behind it
    status: str = Field(default=ChangeStatus.candidate.value, index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class ProcessChangeBarrier(SQLModel, table=True):
    """A barrier a candidate process change addresses (many to many)."""

    __tablename__ = "process_change_barrier"

    change_id: int = Field(foreign_key="process_change.id", primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", primary_key=True, index=True)


# --- read models -------------------------------------------------------------------------------


class SessionRecordPublic(BaseModel):
    number: int
    title: str
    held_on: date
    attendees: list[str]
    deliverables: dict[str, str]
    missing: dict[str, str]
    notes: str
    version: int
    updated_at: Timestamp
    updated_by: str
