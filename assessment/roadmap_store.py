"""Numbered action-roadmap versions: each build is a snapshot kept for comparison."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, func, select

from assessment import history
from assessment.cohorts import get_team
from assessment.errors import NotFound
from assessment.models import Role, utcnow
from assessment.permissions import Actor, require

BUILDERS = (Role.equity_program_manager, Role.procurement_officer)
READERS = (Role.equity_program_manager, Role.procurement_officer, Role.executive_lead, Role.finance, Role.alliance_lead)


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


def next_version(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> int:
    """The number the next build will get, once the actor is known to be allowed to build."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"build {place.name}'s action roadmap", BUILDERS, place)
    latest = session.exec(select(func.max(RoadmapVersion.number)).where(RoadmapVersion.team_id == team.id)).one()
    return (latest or 0) + 1


def record_version(session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int, built_at: datetime,
                   content: dict[str, object], formats: list[str]) -> RoadmapVersion:
    """Keep a build; two builds racing for the same number fail on the unique constraint, not silently."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"build {place.name}'s action roadmap", BUILDERS, place)
    version = RoadmapVersion(team_id=team.id, number=number, built_at=built_at, built_by=actor.email,  # type: ignore[arg-type]
                             formats=",".join(formats), content=json.dumps(content, ensure_ascii=False, default=str))
    session.add(version)
    session.flush()
    history.record(session, actor.email, "roadmap", team.id, "version", number - 1 if number > 1 else None, number,  # type: ignore[arg-type]
                   f"built as {', '.join(formats)}", place.id)
    return version


def list_versions(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[RoadmapVersion]:
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"see {place.name}'s action roadmap", READERS, place)
    query = select(RoadmapVersion).where(RoadmapVersion.team_id == team.id)
    return list(session.exec(query.order_by(col(RoadmapVersion.number))))


def get_version(session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int | None = None) -> RoadmapVersion:
    """A stored build: ``number``, or the latest."""
    versions = list_versions(session, actor, jurisdiction, cohort)
    if not versions:
        raise NotFound(f"No action roadmap has been built for {jurisdiction} in {cohort} yet; run `accelerator roadmap build`.")
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(f"There is no roadmap version {number}; versions are 1 to {versions[-1].number}.")
