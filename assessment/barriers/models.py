"""Tables of the barrier inventory (session 2), its statuses, and the barrier's read model."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from assessment.core.fields import Labelled, Timestamp, utcnow
from assessment.core.history import HistoryEntry


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


class BarrierInput(SQLModel, table=True):
    """Community input that informs a barrier (many to many)."""

    __tablename__ = "barrier_input"

    barrier_id: int = Field(foreign_key="barrier.id", primary_key=True)
    input_id: int = Field(foreign_key="community_input.id", primary_key=True, index=True)
    linked_by: str
    linked_at: datetime = Field(default_factory=utcnow)


class BarrierPublic(BaseModel):
    """A barrier as people and scripts read it: codes with their labels beside them."""

    id: int
    version: int
    jurisdiction: str
    title: str
    description: str
    category: str
    stage: str
    controller: str | None
    severity: int | None
    burden_on: str
    root_cause: str
    indicators: list[str]
    inputs: list[int]
    owner: str | None
    status: BarrierStatus
    status_label: str
    category_label: str
    stage_label: str
    controller_label: str | None
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


# How people name a barrier's fields (the spreadsheet's column headers say the same).
FIELD_LABELS = {
    "created": "Recorded",
    "title": "Title",
    "description": "Description",
    "category": "Category",
    "stage": "Process stage",
    "controller": "Who controls the rule",
    "severity": "Severity",
    "burden_on": "Burden falls on",
    "root_cause": "Root cause",
    "indicators": "Linked indicators",
    "inputs": "Community input",
    "owner": "Owner",
    "status": "Status",
}


class BarrierChange(HistoryEntry):
    """One change of a barrier, with the labels people read beside the stored codes."""

    field_label: str
    old_label: str | None
    new_label: str | None
