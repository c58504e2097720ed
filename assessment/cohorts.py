"""Cohorts, their nine sessions (from the sequence file) and the teams enrolled in them."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import yaml
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from assessment import history
from assessment.errors import Conflict, NotFound, ValidationFailed
from assessment.jurisdictions import get_jurisdiction
from assessment.models import Cohort, CohortSession, Jurisdiction, Role, Team
from assessment.permissions import Actor, require
from assessment.shapes import CohortCreate, problems_of, validate
from assessment.sources import data_path


class SessionSpec(BaseModel):
    number: int = Field(ge=1)
    key: str
    title: str
    month_offset: int = Field(ge=0)
    purpose: str = ""
    deliverables: list[str] = []


class Sequence(BaseModel):
    id: str
    title: str
    sessions: list[SessionSpec] = Field(min_length=1)


@lru_cache
def load_sequence(name: str = "accelerator-sequence") -> Sequence:
    path = data_path(f"{name}.yaml")
    try:
        return Sequence.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ValidationFailed(f"No session sequence file at {path}.") from None
    except ValidationError as exc:
        raise ValidationFailed(f"The sequence file {path} is not valid:", problems_of(exc, str(path))) from None


def add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return start.replace(year=start.year + year, month=month + 1, day=min(start.day, 28))


def find_cohort(session: Session, name: str) -> Cohort | None:
    wanted = " ".join(name.split()).casefold()
    return next((c for c in session.exec(select(Cohort)) if c.name.casefold() == wanted), None)


def get_cohort(session: Session, name: str) -> Cohort:
    cohort = find_cohort(session, name)
    if cohort is None:
        known = ", ".join(c.name for c in session.exec(select(Cohort).order_by(col(Cohort.name)))) or "none yet"
        raise NotFound(f"No cohort named '{name}' (known: {known}). Create it with `accelerator cohort create`.")
    return cohort


def create_cohort(session: Session, actor: Actor, name: str, region: str = "", start: date | None = None) -> Cohort:
    """A cohort with its nine sessions dated from ``start`` by the sequence's month offsets."""
    require(actor, "create cohorts", (Role.alliance_lead,))
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
                cohort_id=cohort.id,  # type: ignore[arg-type]
                number=spec.number,
                key=spec.key,
                title=spec.title,
                scheduled_on=add_months(data.start, spec.month_offset) if data.start else None,
            )
        )
    history.record(session, actor.email, "cohort", cohort.id, "created", None, data.name)  # type: ignore[arg-type]
    return cohort


def sessions_of(session: Session, cohort: Cohort) -> list[CohortSession]:
    query = select(CohortSession).where(CohortSession.cohort_id == cohort.id)
    return list(session.exec(query.order_by(col(CohortSession.number))))


def enroll_team(session: Session, actor: Actor, jurisdiction_name: str, cohort_name: str) -> Team:
    jurisdiction = get_jurisdiction(session, jurisdiction_name)
    cohort = get_cohort(session, cohort_name)
    require(actor, f"enroll {jurisdiction.name} in a cohort", (Role.alliance_lead, Role.equity_program_manager), jurisdiction)
    if find_team(session, jurisdiction, cohort) is not None:
        raise Conflict(f"{jurisdiction.name} is already enrolled in {cohort.name}.")
    team = Team(jurisdiction_id=jurisdiction.id, cohort_id=cohort.id)  # type: ignore[arg-type]
    session.add(team)
    session.flush()
    history.record(session, actor.email, "team", team.id, "enrolled", None, cohort.name,  # type: ignore[arg-type]
                   jurisdiction_id=jurisdiction.id)
    return team


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
            f"`accelerator team enroll --jurisdiction \"{jurisdiction.name}\" --cohort \"{cohort.name}\"`."
        )
    return team, jurisdiction, cohort
