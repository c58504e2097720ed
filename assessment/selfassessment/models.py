"""Tables of the self-assessment: the rubric versions used, assessments, submissions, ratings, scores.

Score rows are the one source of a stored result: ``show``, the change since the previous cycle and
regional reports read them (with the rubric version for titles and weights), never recompute them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import utcnow


class Cycle(StrEnum):
    """The self-assessment cycles, in the order a cohort goes through them."""

    baseline = "baseline"
    midpoint = "midpoint"
    final = "final"

    @property
    def order(self) -> int:
        return list(Cycle).index(self)


class Scope(StrEnum):
    """What a Score row scores: the whole assessment, one domain, or one indicator."""

    overall = "overall"
    domain = "domain"
    indicator = "indicator"


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
    cycle: str  # a Cycle's value
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
    """A computed score of a submission: overall, per domain or per indicator (``scope``, ``key``).

    For an indicator, ``mean`` is the team's rating, ``rated`` the respondents who gave a level and
    ``total`` all respondents; for a domain, ``rated`` and ``total`` count its indicators."""

    __table_args__ = (UniqueConstraint("submission_id", "scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    scope: str  # a Scope's value
    key: str
    mean: float | None = None
    score: float | None = None
    stage: int | None = None
    rated: int = 0
    total: int = 0
    insufficient: bool = False
    disagreement: bool = False
