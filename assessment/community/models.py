"""Tables of community input and engagement (session 3), and their read models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from assessment.core.fields import Labelled, Timestamp, utcnow


class InputSource(Labelled):
    listening_session = "listening_session"
    cbo_survey = "cbo_survey"
    interviews = "interviews"
    advisory_board = "advisory_board"

    @property
    def label(self) -> str:
        return "CBO survey" if self is InputSource.cbo_survey else super().label


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


class InputPublic(BaseModel):
    """Community input with the barriers it informs."""

    id: int
    jurisdiction: str
    source: InputSource
    source_label: str
    held_on: date
    participants: int | None
    organizations: list[str]
    themes: list[str]
    quotes: list[str]
    barriers: list[int]
    recorded_by: str
    recorded_at: Timestamp


class EngagementPublic(BaseModel):
    """A team's engagement rating, with the spectrum's names for its levels."""

    current: int
    current_name: str
    aspirational: int
    aspirational_name: str
    gap: int
    evidence: str
    recorded_by: str
    recorded_at: Timestamp
