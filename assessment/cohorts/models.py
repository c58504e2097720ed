"""Tables for cohorts, their sessions, jurisdictions, people, roles and teams, and their read models."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import utcnow


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
    survey_minimum: int = 5  # fewer answers than this and a survey share is not published


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
    # "scrypt$n$r$p$salt$hash" (assessment/cohorts/passwords.py); None: may not sign in to the web app
    password_hash: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


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


# --- read models: what services return and doors print -------------------------------------------


class SessionPublic(BaseModel):
    id: int
    cohort_id: int
    number: int
    key: str
    title: str
    scheduled_on: date | None


class CohortPublic(BaseModel):
    id: int
    name: str
    region: str
    start_date: date | None
    sequence_id: str
    created_at: datetime


class CohortWithSessions(CohortPublic):
    sessions: list[SessionPublic]


class JurisdictionPublic(BaseModel):
    id: int
    name: str
    kind: str
    region: str
    created_at: datetime


class RoleHeld(BaseModel):
    role: str
    jurisdiction_id: int | None


class RoleLabelled(RoleHeld):
    """A role as people read it: "procurement officer" of "Alder County" (no jurisdiction: regional)."""

    label: str
    jurisdiction: str | None


class PersonPublic(BaseModel):
    id: int
    email: str
    name: str
    created_at: datetime
    roles: list[RoleLabelled]


class PersonWithRoles(BaseModel):
    """A person on the roster, with the roles the reader may see."""

    id: int
    email: str
    name: str
    roles: list[RoleLabelled]


class TeamPublic(BaseModel):
    id: int
    jurisdiction_id: int
    cohort_id: int
    enrolled_at: datetime
    jurisdiction: str
    cohort: str
    members: int  # people holding a role in the jurisdiction


class CohortOverview(CohortWithSessions):
    """A cohort with its dated sessions and the teams enrolled in it (those the reader may see)."""

    teams: list[TeamPublic]


class SessionMove(BaseModel):
    """One session moved to another date."""

    number: int
    title: str
    old: date | None
    new: date


class Rescheduled(BaseModel):
    """What a reschedule did: the sessions moved, and the cohort's sessions afterwards."""

    cohort: str
    moved: list[SessionMove]
    sessions: list[SessionPublic]
