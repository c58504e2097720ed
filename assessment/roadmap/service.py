"""Numbered action-roadmap versions: each build is a snapshot kept for comparison.

Who may build and who may see a team's roadmap is the core permission table's ``Record.roadmap``
row; every function here checks it before touching a version.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, func, select

from assessment.cohorts.models import Jurisdiction, Team
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import NotFound
from assessment.core.fields import row_id
from assessment.core.permissions import Action, Actor, Record, require
from assessment.roadmap.diff import diff
from assessment.roadmap.models import RoadmapDiff, RoadmapVersion, VersionPublic
from assessment.roadmap.view import RoadmapView


def _team(session: Session, actor: Actor, action: Action, jurisdiction: str, cohort: str) -> tuple[Team, Jurisdiction]:
    """The team, once the table lets the actor build (write) or see (read) its roadmap."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    doing = f"build {place.name}'s action roadmap" if action == "write" else f"see {place.name}'s action roadmap"
    require(actor, action, Record.roadmap, place, doing)
    return team, place


def next_version(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> int:
    """The number the next build will get, once the actor is known to be allowed to build."""
    team, _ = _team(session, actor, "write", jurisdiction, cohort)
    latest = session.exec(select(func.max(RoadmapVersion.number)).where(RoadmapVersion.team_id == team.id)).one()
    return (latest or 0) + 1


def record_version(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    number: int,
    built_at: datetime,
    content: dict[str, object],
    formats: list[str],
) -> VersionPublic:
    """Keep a build; two builds racing for the same number fail on the unique constraint, not silently."""
    team, place = _team(session, actor, "write", jurisdiction, cohort)
    version = RoadmapVersion(
        team_id=row_id(team),
        number=number,
        built_at=built_at,
        built_by=actor.email,
        formats=",".join(formats),
        content=json.dumps(content, ensure_ascii=False, default=str),
    )
    session.add(version)
    session.flush()
    previous = number - 1 if number > 1 else None
    note = f"built as {', '.join(formats)}"
    history.record(session, actor.email, "roadmap", row_id(team), "version", previous, number, note, place.id)
    return VersionPublic.of(version)


def list_versions(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[VersionPublic]:
    """Every stored build of the team's roadmap, oldest first."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    return [VersionPublic.of(v) for v in _versions(session, team)]


def get_roadmap(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int | None = None
) -> RoadmapView:
    """The view model of a stored build, as it was built: ``number``, or the latest."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    return RoadmapView.model_validate_json(_pick(_versions(session, team), number, jurisdiction, cohort).content)


def compare_versions(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int | None = None
) -> RoadmapDiff:
    """What changed from the version before ``number`` (default: the latest) to ``number``.

    The first version has nothing before it: ``previous`` is None and there are no changes."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    versions = _versions(session, team)
    after = _pick(versions, number, jurisdiction, cohort)
    if after.number == 1:
        return RoadmapDiff(version=after.number, previous=None, changes=[])
    before = _pick(versions, after.number - 1, jurisdiction, cohort)
    changes = diff(RoadmapView.model_validate_json(before.content), RoadmapView.model_validate_json(after.content))
    return RoadmapDiff(version=after.number, previous=before.number, changes=changes)


def _versions(session: Session, team: Team) -> list[RoadmapVersion]:
    """The team's stored builds, oldest first."""
    query = select(RoadmapVersion).where(RoadmapVersion.team_id == team.id)
    return list(session.exec(query.order_by(col(RoadmapVersion.number))))


def _pick(versions: list[RoadmapVersion], number: int | None, jurisdiction: str, cohort: str) -> RoadmapVersion:
    """The build ``number`` among ``versions``, or the latest; NotFound says which exist."""
    if not versions:
        raise NotFound(
            f"No action roadmap has been built for {jurisdiction} in {cohort} yet; run `accelerator roadmap build`."
        )
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(f"There is no roadmap version {number}; versions are 1 to {versions[-1].number}.")
