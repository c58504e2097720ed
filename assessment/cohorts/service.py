"""Cohorts with their nine dated sessions, and the teams (jurisdictions) enrolled in them."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import (
    Cohort,
    CohortPublic,
    CohortSession,
    CohortWithSessions,
    Jurisdiction,
    SessionPublic,
    Team,
    TeamPublic,
)
from assessment.cohorts.sequence import add_months, load_sequence
from assessment.cohorts.shapes import CohortCreate
from assessment.core import history
from assessment.core.errors import Conflict, NotFound
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, require
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
    require(actor, "read", Record.cohort, None, "list cohorts")
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
    return TeamPublic(
        id=row_id(team),
        jurisdiction_id=team.jurisdiction_id,
        cohort_id=team.cohort_id,
        enrolled_at=team.enrolled_at,
        jurisdiction=place.name,
        cohort=cohort.name,
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
