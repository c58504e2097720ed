"""The table of numbered action-roadmap versions, and its read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import Timestamp, utcnow


class RoadmapVersion(SQLModel, table=True):
    """One build of a team's action roadmap; ``content`` is the view model as JSON."""

    __tablename__ = "roadmap_version"
    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    number: int
    built_at: datetime = Field(default_factory=utcnow)
    built_by: str
    formats: str = ""
    content: str = Field(sa_column=Column(Text, nullable=False))


class VersionPublic(BaseModel):
    """One stored build, as ``roadmap list`` shows it."""

    version: int
    built_at: Timestamp
    built_by: str
    formats: str

    @classmethod
    def of(cls, row: RoadmapVersion) -> VersionPublic:
        """The read model of a stored build (its ``number`` is the ``version``)."""
        return cls(version=row.number, built_at=row.built_at, built_by=row.built_by, formats=row.formats)


class RoadmapChange(BaseModel):
    """One change between two versions: a goal added, removed or changed, a milestone added or
    done, a barrier's status moved."""

    kind: str  # goal_added | goal_removed | goal_changed | milestone_added | milestone_done | barrier_changed
    subject: str
    field: str = ""
    old: str | None = None
    new: str | None = None


class RoadmapDiff(BaseModel):
    """A version compared with the one before it (``previous`` is None for the first version)."""

    version: int
    previous: int | None
    changes: list[RoadmapChange]
