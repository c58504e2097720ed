"""Cohorts with their nine dated sessions, and the teams (jurisdictions) enrolled in them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, func, select

from assessment.cohorts.jurisdictions import get_jurisdiction, jurisdiction_of, readable_places
from assessment.cohorts.models import (
    Cohort,
    CohortOverview,
    CohortPublic,
    CohortSession,
    CohortWithSessions,
    Jurisdiction,
    RoleAssignment,
    SessionPublic,
    Team,
    TeamPublic,
)
from assessment.cohorts.sequence import add_months, load_sequence
from assessment.cohorts.shapes import CohortCreate
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, PermissionDenied
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, may, require
from assessment.core.shapes import validate


def find_cohort(session: Session, name: str) -> Cohort | None:
    wanted = " ".join(name.split()).casefold()
    return next((c for c in session.exec(select(Cohort)) if c.name.casefold() == wanted), None)


def get_cohort(session: Session, name: str) -> Cohort:
    cohort = find_cohort(session, name)
    if cohort is None:
        known = ", ".join(c.name for c in session.exec(select(Cohort).order_by(col(Cohort.name)))) or "none yet"
        raise NotFound(f"No cohort named '{name}' (known: {known}). Create it with `accelerator cohort create`.")
    return cohort


def sessions_of(session: Session, cohort: Cohort) -> list[CohortSession]:
    query = select(CohortSession).where(CohortSession.cohort_id == cohort.id)
    return list(session.exec(query.order_by(col(CohortSession.number))))


def with_sessions(session: Session, cohort: Cohort) -> CohortWithSessions:
    sessions = [SessionPublic.model_validate(s, from_attributes=True) for s in sessions_of(session, cohort)]
    return CohortWithSessions(
        **CohortPublic.model_validate(cohort, from_attributes=True).model_dump(), sessions=sessions
    )


def create_cohort(
    session: Session, actor: Actor, name: str, region: str = "", start: date | None = None
) -> CohortWithSessions:
    """A cohort with its nine sessions dated from ``start`` by the sequence's month offsets."""
    require(actor, "write", Record.cohort, None, "create cohorts")
    data = validate(CohortCreate, {"name": name, "region": region, "start": start}, "cohort")
    if find_cohort(session, data.name) is not None:
        raise Conflict(f"A cohort named '{data.name}' already exists.")
    sequence = load_sequence(data.sequence)
    cohort = Cohort(name=data.name, region=data.region, start_date=data.start, sequence_id=sequence.id)
    session.add(cohort)
    session.flush()
    for spec in sequence.sessions:
        session.add(
            CohortSession(
                cohort_id=row_id(cohort),
                number=spec.number,
                key=spec.key,
                title=spec.title,
                scheduled_on=add_months(data.start, spec.month_offset) if data.start else None,
            )
        )
    session.flush()
    history.record(session, actor.email, "cohort", row_id(cohort), "created", None, data.name)
    return with_sessions(session, cohort)


def list_cohorts(session: Session, actor: Actor) -> list[CohortPublic]:
    """Every cohort, by name."""
    require(actor, "read", Record.cohort, None, "list cohorts", anywhere=True)
    cohorts = session.exec(select(Cohort).order_by(col(Cohort.name)))
    return [CohortPublic.model_validate(c, from_attributes=True) for c in cohorts]


def enroll_team(session: Session, actor: Actor, jurisdiction_name: str, cohort_name: str) -> TeamPublic:
    place = get_jurisdiction(session, jurisdiction_name)
    cohort = get_cohort(session, cohort_name)
    require(actor, "write", Record.team, place, f"enroll {place.name} in a cohort")
    if find_team(session, place, cohort) is not None:
        raise Conflict(f"{place.name} is already enrolled in {cohort.name}.")
    team = Team(jurisdiction_id=row_id(place), cohort_id=row_id(cohort))
    session.add(team)
    session.flush()
    history.record(session, actor.email, "team", row_id(team), "enrolled", None, cohort.name, jurisdiction_id=place.id)
    return team_public(team, place, cohort, members_of(session, [row_id(place)]).get(row_id(place), 0))


def team_public(team: Team, place: Jurisdiction, cohort: Cohort, members: int) -> TeamPublic:
    return TeamPublic(
        id=row_id(team),
        jurisdiction_id=team.jurisdiction_id,
        cohort_id=team.cohort_id,
        enrolled_at=team.enrolled_at,
        jurisdiction=place.name,
        cohort=cohort.name,
        members=members,
    )


def members_of(session: Session, jurisdiction_ids: Iterable[int]) -> dict[int, int]:
    """How many people hold a role in each jurisdiction (its team's members), by jurisdiction id."""
    person = col(RoleAssignment.person_id)
    place = col(RoleAssignment.jurisdiction_id)
    query = select(place, func.count(func.distinct(person))).where(place.in_(list(jurisdiction_ids))).group_by(place)
    return {ident: count for ident, count in session.exec(query) if ident is not None}


def list_teams(session: Session, actor: Actor, cohort: str | None = None) -> list[TeamPublic]:
    """The teams the actor may see (every team for an alliance lead or admin, their jurisdictions'
    for everyone else) by cohort and jurisdiction, with their members; only ``cohort``'s when given."""
    group = get_cohort(session, cohort) if cohort else None
    places = {row_id(j): j for j in readable_places(session, actor, Record.team, "list teams")}
    query = select(Team, Cohort).join(Cohort, col(Cohort.id) == col(Team.cohort_id))
    query = query.where(col(Team.jurisdiction_id).in_(list(places)))
    if group is not None:
        query = query.where(Team.cohort_id == group.id)
    members = members_of(session, places)
    teams = [
        team_public(t, places[t.jurisdiction_id], c, members.get(t.jurisdiction_id, 0)) for t, c in session.exec(query)
    ]
    return sorted(teams, key=lambda t: (t.cohort.casefold(), t.jurisdiction.casefold()))


def show_cohort(session: Session, actor: Actor, name: str) -> CohortOverview:
    """A cohort with its dated sessions and its enrolled teams (those the actor may see). Members of
    an enrolled team may read it, and so may an alliance lead or admin."""
    cohort = get_cohort(session, name)
    teams = list(session.exec(select(Team).where(Team.cohort_id == cohort.id)))
    places = {t.jurisdiction_id: jurisdiction_of(session, t.jurisdiction_id) for t in teams}
    if not may(actor, "read", Record.cohort) and not any(may(actor, "read", Record.cohort, p) for p in places.values()):
        raise PermissionDenied(
            f"{actor.email} may not see the cohort {cohort.name}: none of their jurisdictions is enrolled in it. "
            "Only members of its teams, an alliance lead or an admin may."
        )
    visible = [t for t in teams if may(actor, "read", Record.team, places[t.jurisdiction_id])]
    members = members_of(session, (t.jurisdiction_id for t in visible))
    shown = [team_public(t, places[t.jurisdiction_id], cohort, members.get(t.jurisdiction_id, 0)) for t in visible]
    return CohortOverview(
        **with_sessions(session, cohort).model_dump(), teams=sorted(shown, key=lambda t: t.jurisdiction.casefold())
    )


def find_team(session: Session, jurisdiction: Jurisdiction, cohort: Cohort) -> Team | None:
    return session.exec(
        select(Team).where(Team.jurisdiction_id == jurisdiction.id, Team.cohort_id == cohort.id)
    ).first()


def get_team(session: Session, jurisdiction_name: str, cohort_name: str) -> tuple[Team, Jurisdiction, Cohort]:
    jurisdiction = get_jurisdiction(session, jurisdiction_name)
    cohort = get_cohort(session, cohort_name)
    team = find_team(session, jurisdiction, cohort)
    if team is None:
        raise NotFound(
            f"{jurisdiction.name} is not enrolled in {cohort.name}. Enroll it with "
            f'`accelerator team enroll --jurisdiction "{jurisdiction.name}" --cohort "{cohort.name}"`.'
        )
    return team, jurisdiction, cohort
