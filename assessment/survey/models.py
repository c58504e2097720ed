"""Tables of the partner survey (instrument versions used, imports, responses, answers) and its
read models (an import's summary, the results per statement).

Responses and answers are append-only: a ``--replace`` import marks the earlier imports replaced
and they stop counting, but their rows stay. An answer repeats its import and jurisdiction so the
results are one GROUP BY over one table, whatever the size of the cohort (the copies cannot drift:
answers are never changed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import utcnow

TOO_FEW = "too few responses"


class SurveyInstrument(SQLModel, table=True):
    """An instrument version as first used; its content may never change afterwards."""

    __tablename__ = "survey_instrument"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: str
    version: int
    content_hash: str
    title: str
    content: str = Field(sa_column=Column(Text, nullable=False))
    first_used_at: datetime = Field(default_factory=utcnow)
    first_used_by: str = ""


class SurveyImport(SQLModel, table=True):
    """One file of responses imported into a cohort's survey: who, when, what it held."""

    __tablename__ = "survey_import"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    instrument_id: int = Field(foreign_key="survey_instrument.id")
    file_name: str
    digest: str  # of the responses read, not of the file's bytes: a re-saved file is the same import
    rows: int  # rows with anything typed in them
    respondents: int
    answers: int
    skipped: int  # rows naming someone but answering nothing
    imported_by: str
    imported_at: datetime = Field(default_factory=utcnow)
    replaced_at: datetime | None = None  # set when a --replace import took its place
    replaced_by: str | None = None


class SurveyResponse(SQLModel, table=True):
    """One respondent's row of an imported file."""

    __tablename__ = "survey_response"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="survey_import.id", index=True)
    row: int  # where it was in the file
    respondent: str
    organization: str = ""
    jurisdiction_id: int | None = Field(default=None, foreign_key="jurisdiction.id", index=True)


class SurveyAnswer(SQLModel, table=True):
    """One respondent's answer (1-5) to one statement; a blank is no answer, so no row."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        CheckConstraint("answer >= 1 AND answer <= 5", name="ck_survey_answer_scale"),
        # covers the results' GROUP BY: the table itself is never read for them
        Index("ix_survey_answer_counts", "import_id", "statement_id", "jurisdiction_id", "answer"),
    )

    response_id: int = Field(foreign_key="survey_response.id", primary_key=True)
    statement_id: str = Field(primary_key=True)
    answer: int
    import_id: int = Field(foreign_key="survey_import.id")
    jurisdiction_id: int | None = Field(default=None, foreign_key="jurisdiction.id")


# --- read models: what services return and doors print -------------------------------------------


class Share(BaseModel):
    """The share of those who answered a statement who agree or strongly agree; hidden when too
    few answered (or when showing it would let a hidden figure be worked out)."""

    model_config = ConfigDict(frozen=True)  # a published figure; equal ones are shared

    responses: int  # who answered this statement (blanks excluded)
    agree: int | None  # agree or strongly agree; None when suppressed
    percent: int | None  # whole percent, half up; None when suppressed
    suppressed: bool

    @property
    def said(self) -> str:
        """The share in words: "76% (13 of 17)" or "too few responses"."""
        if self.suppressed or self.percent is None:
            return TOO_FEW
        return f"{self.percent}% ({self.agree} of {self.responses})"

    @model_serializer(mode="wrap")
    def _with_said(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # scripts reading --json get the words people read too
        data: dict[str, object] = handler(self)
        data["said"] = self.said
        return data


class JurisdictionShare(BaseModel):
    jurisdiction: str
    share: Share


class StatementResult(BaseModel):
    id: str
    text: str
    theme: str
    overall: Share
    jurisdictions: list[JurisdictionShare]


class SurveyResults(BaseModel):
    """A cohort's survey results per statement, overall and per jurisdiction the reader may see."""

    cohort: str
    instrument: str
    title: str  # the instrument's title, as people read it
    version: int
    minimum: int
    respondents: int  # response rows imported
    statements: list[StatementResult]


class ImportSummary(BaseModel):
    """What an import did (or, ``unchanged``, found already done)."""

    file: str
    cohort: str
    instrument: str
    title: str  # the instrument's title, as people read it
    version: int
    outcome: str  # added | replaced | unchanged
    rows: int
    respondents: int
    answers: int
    skipped: int  # rows naming someone but answering nothing
    respondents_total: int  # every respondent of the cohort's survey now
    replaced: int  # respondents no longer counted (a --replace import)
    ignored_columns: list[str]
    missing_statements: list[str]  # statements the file has no column for


class SurveyTemplate(BaseModel):
    """The form written for a cohort."""

    path: Path
    cohort: str
    instrument: str
    title: str  # the instrument's title, as people read it
    version: int
    statements: int
    jurisdictions: int
    rows: int


class SurveyMinimum(BaseModel):
    """The cohort's small-number minimum after a change."""

    cohort: str
    minimum: int
    previous: int
    warnings: list[str]
