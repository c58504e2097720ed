"""Tables of the regional policy recommendation (session 8) and its endorsements, and their read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from assessment.barriers.reference import controller_label
from assessment.core.fields import Labelled, Timestamp, utcnow


class Level(Labelled):
    """The level of government (or the funder) whose rule the recommendation asks to change;
    named as ``rubrics/rule-controllers.yaml`` names who controls a rule."""

    county_city = "county_city"
    state = "state"
    federal = "federal"
    funder = "funder"

    @property
    def label(self) -> str:
        return controller_label(self.value)


class RecommendationStatus(Labelled):
    """A recommendation is a draft (endorsements may be given) until the alliance lead withdraws it."""

    draft = "draft"
    withdrawn = "withdrawn"


class Recommendation(SQLModel, table=True):
    """A regional policy recommendation of a cohort: a problem, the change proposed, to which level
    of government, and the evidence from the regional barrier ranking."""

    __table_args__ = (CheckConstraint("version >= 1", name="ck_recommendation_version"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    title: str
    problem: str = Field(sa_column=Column(Text, nullable=False))
    proposed_change: str = Field(sa_column=Column(Text, nullable=False))
    level: str
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))
    # the ranking's rows it draws on, as "category/stage" keys
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=RecommendationStatus.draft.value, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class Endorsement(SQLModel, table=True):
    """A jurisdiction endorsing a recommendation, given by its program manager or executive lead.
    A withdrawn endorsement is kept (``withdrawn_at`` set); endorsing again adds a new row."""

    __table_args__ = (
        # one current endorsement per jurisdiction and recommendation, however many were withdrawn
        Index(
            "uq_endorsement_current",
            "recommendation_id",
            "jurisdiction_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: str  # the role they endorsed in (a Role's value)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    endorsed_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class EndorsementPublic(BaseModel):
    """A jurisdiction's current endorsement, as people read it."""

    jurisdiction: str
    person: str  # their name
    email: str
    role: str  # the role's label, e.g. "equity program manager"
    endorsed_at: Timestamp
    note: str


class RecommendationPublic(BaseModel):
    """A recommendation as people and scripts read it, with its current endorsements."""

    id: int
    version: int
    cohort: str
    title: str
    problem: str
    proposed_change: str
    level: Level
    level_label: str
    evidence: str
    categories: list[str]
    status: RecommendationStatus
    status_label: str
    withdrawal_reason: str | None  # why the alliance lead withdrew it (None while it stands)
    endorsements: list[EndorsementPublic]
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


class Endorsed(BaseModel):
    """What endorsing (or withdrawing an endorsement) did: the recommendation as it now is, and
    whether anything changed (endorsing twice changes nothing)."""

    recommendation: RecommendationPublic
    jurisdiction: str
    changed: bool
    said: str


# How people name a recommendation's fields in its history.
FIELD_LABELS = {
    "created": "Drafted",
    "title": "Title",
    "problem": "Problem",
    "proposed_change": "Proposed change",
    "level": "Level of government",
    "evidence": "Evidence",
    "categories": "Ranking rows drawn on",
    "status": "Status",
    "endorsement": "Endorsement",
}
