"""Database tables (SQLModel) and the closed sets they use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    equity_program_manager = "equity_program_manager"
    procurement_officer = "procurement_officer"
    executive_lead = "executive_lead"
    finance = "finance"
    community_partner = "community_partner"
    alliance_lead = "alliance_lead"
    admin = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def regional(self) -> bool:
        return self in (Role.alliance_lead, Role.admin)


class Cycle(StrEnum):
    baseline = "baseline"
    midpoint = "midpoint"
    final = "final"

    @property
    def order(self) -> int:
        return list(Cycle).index(self)


class JurisdictionKind(StrEnum):
    county = "county"
    city = "city"


class Cohort(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    region: str = ""
    start_date: date | None = None
    sequence_id: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class CohortSession(SQLModel, table=True):
    """One of the cohort's nine sessions, with its date."""

    __tablename__ = "cohort_session"
    __table_args__ = (UniqueConstraint("cohort_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    number: int
    key: str
    title: str
    scheduled_on: date | None = None


class Jurisdiction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str = JurisdictionKind.county.value
    region: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    name: str
    created_at: datetime = Field(default_factory=utcnow)


class RoleAssignment(SQLModel, table=True):
    """A person's role, in one jurisdiction or (alliance lead, admin) regionally."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("person_id", "role", "jurisdiction_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str
    jurisdiction_id: int | None = Field(default=None, foreign_key="jurisdiction.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Team(SQLModel, table=True):
    """A jurisdiction enrolled in a cohort: its Equity Change Team."""

    __table_args__ = (UniqueConstraint("jurisdiction_id", "cohort_id"),)

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    enrolled_at: datetime = Field(default_factory=utcnow)


class RubricVersion(SQLModel, table=True):
    """A rubric version as first used; its content may never change afterwards."""

    __tablename__ = "rubric_version"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    rubric_id: str
    version: str
    content_hash: str
    title: str
    content: str = Field(sa_column=Column(Text, nullable=False))
    first_used_at: datetime = Field(default_factory=utcnow)
    first_used_by: str = ""


class Assessment(SQLModel, table=True):
    """One team's self-assessment in one cycle, scored against one rubric version."""

    __table_args__ = (UniqueConstraint("team_id", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    cycle: str
    rubric_id: str
    rubric_version: str
    rubric_hash: str
    status: str = "submitted"
    current_submission_id: int | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Submission(SQLModel, table=True):
    """One import of respondents' workbooks; a later one replaces it but it is kept."""

    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    number: int
    digest: str
    files: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    respondent_count: int
    submitted_by: str
    submitted_at: datetime = Field(default_factory=utcnow)


class Rating(SQLModel, table=True):
    """One respondent's answer for one indicator."""

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    respondent_email: str
    respondent_name: str
    respondent_role: str = ""
    indicator_id: str
    level: int | None = None
    answer: str = ""
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))


class Score(SQLModel, table=True):
    """A computed score of a submission: overall, per domain or per indicator."""

    __table_args__ = (UniqueConstraint("submission_id", "scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    scope: str
    key: str
    mean: float | None = None
    score: float | None = None
    stage: int | None = None
    rated: int = 0
    total: int = 0
    insufficient: bool = False
    disagreement: bool = False


class History(SQLModel, table=True):
    """Append-only record of every change users care about: who, when, from what to what, why."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(index=True)
    entity_id: int = Field(index=True)
    jurisdiction_id: int | None = Field(default=None, index=True)
    field: str
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    actor: str
    at: datetime = Field(default_factory=utcnow)
