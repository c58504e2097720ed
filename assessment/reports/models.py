"""Tables of the impact reports (session 9): the highlights and quotes a team enters for its report,
whether the team is named in the regional report, and the log of every compiled report; and
their read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import Labelled, Timestamp, utcnow


class HighlightKind(Labelled):
    """What a team enters for its impact report: something it is proud of, or words someone said."""

    highlight = "highlight"
    quote = "quote"


class ReportKind(Labelled):
    """The reports compiled: one jurisdiction's impact report, or the cohort's regional report."""

    jurisdiction = "jurisdiction"
    regional = "regional"


class ReportHighlight(SQLModel, table=True):
    """A highlight or a quote a team entered for its impact report. Removing one keeps the row
    (who removed it, when and why), so the report's history stays whole."""

    __tablename__ = "report_highlight"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    kind: str  # a HighlightKind's value
    text: str = Field(sa_column=Column(Text, nullable=False))
    attribution: str = ""  # who said a quote, as the team wants it printed ("a community partner")
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    removed_at: datetime | None = None
    removed_by: str | None = None
    removed_reason: str = Field(default="", sa_column=Column(Text, nullable=False))


class ReportPreference(SQLModel, table=True):
    """A team's choices for the reports; a team without a row has the defaults (not named in the
    regional report). Every change is in the history (entity ``report_preference``, the team's id)."""

    __tablename__ = "report_preference"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", unique=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    named_in_regional: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class CompiledReport(SQLModel, table=True):
    """One compile of a report: append-only (the database refuses changes), one row per compile."""

    __tablename__ = "compiled_report"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # a ReportKind's value
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)  # None for a regional report
    anonymized: bool = False
    formats: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    folder: str = Field(sa_column=Column(Text, nullable=False))
    compiled_by: str
    compiled_at: datetime = Field(default_factory=utcnow)


class ReportLabel(SQLModel, table=True):
    """The letter a team goes by in its cohort's anonymized regional reports ("Jurisdiction C"):
    drawn at random the first time the report is compiled anonymized, then kept (append-only), so a
    label stays the same from one edition to the next and says nothing of who joined when."""

    __tablename__ = "report_label"
    __table_args__ = (UniqueConstraint("cohort_id", "position"),)

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    position: int  # 0: "Jurisdiction A", 1: "B", ...
    assigned_at: datetime = Field(default_factory=utcnow)


# --- read models -------------------------------------------------------------------------------


class HighlightPublic(BaseModel):
    """A highlight or quote as people and scripts read it; a removed one says who removed it and why."""

    id: int
    jurisdiction: str
    cohort: str
    kind: HighlightKind
    kind_label: str
    text: str
    attribution: str
    created_at: Timestamp
    created_by: str
    removed: bool
    removed_at: Timestamp | None
    removed_by: str | None
    removed_reason: str


class PreferencePublic(BaseModel):
    """Whether a team is named in the regional report, and who last said so (nobody: the default)."""

    jurisdiction: str
    cohort: str
    named_in_regional: bool
    said: str  # in words: "Alder County is named in the regional report."
    updated_at: Timestamp | None
    updated_by: str | None


class CompiledPublic(BaseModel):
    """One compiled report as people read it."""

    id: int
    kind: ReportKind
    cohort: str
    jurisdiction: str | None
    anonymized: bool
    formats: list[str]
    folder: str
    compiled_by: str
    compiled_at: Timestamp
