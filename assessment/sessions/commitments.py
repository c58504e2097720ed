"""The team commitment (session 1): which team members signed the team's commitment to the
Accelerator, and who has not yet. Recording a signature twice changes nothing."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from assessment.cohorts.models import Jurisdiction, Person, RoleAssignment, Team
from assessment.cohorts.people import find_person
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import Problem, not_saved
from assessment.core.fields import Timestamp, row_id, utcnow
from assessment.core.permissions import Actor, Record, Role, require
from assessment.core.shapes import validate
from assessment.sessions.models import TeamCommitment
from assessment.sessions.shapes import CommitmentCreate

# A signature is a change of the team: it is in the team's history beside its enrollment.
ENTITY = "team"
FIELD = "commitment"


class Member(BaseModel):
    """A team member: someone holding a role in the team's jurisdiction."""

    name: str
    email: str
    roles: list[str]  # role labels, "procurement officer"


class Signature(Member):
    """A member's signature on the team's commitment."""

    signed_on: date
    recorded_by: str
    recorded_at: Timestamp


class Commitments(BaseModel):
    """Who signed the team's commitment and which members have not yet."""

    jurisdiction: str
    cohort: str
    signed: list[Signature]
    unsigned: list[Member]


class Recorded(BaseModel):
    """What recording a signature did: the signature as stored, and whether it is new."""

    signature: Signature
    created: bool
    message: str


def _roles_held(session: Session, team: Team) -> dict[int, list[str]]:
    """The roles each member holds in the team's jurisdiction, by person id."""
    query = select(RoleAssignment).where(RoleAssignment.jurisdiction_id == team.jurisdiction_id)
    roles: dict[int, list[str]] = {}
    for assignment in session.exec(query.order_by(col(RoleAssignment.id))):
        roles.setdefault(assignment.person_id, []).append(Role(assignment.role).label)
    return roles


def _signed(session: Session, team: Team) -> list[tuple[TeamCommitment, Person]]:
    query = (
        select(TeamCommitment, Person)
        .join(Person, col(Person.id) == col(TeamCommitment.person_id))
        .where(TeamCommitment.team_id == team.id)
    )
    return list(session.exec(query))


def _by_name(person: Person) -> tuple[str, str]:
    # sorted here, not in SQL: SQLite and PostgreSQL collate names differently
    return person.name.casefold(), person.email


def _signature(row: TeamCommitment, person: Person, roles: list[str]) -> Signature:
    return Signature(
        name=person.name,
        email=person.email,
        roles=roles,
        signed_on=row.signed_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def commitment_status(session: Session, team: Team) -> tuple[list[str], list[str]]:
    """The emails of the members who signed the team's commitment and of those who have not, each
    sorted; for a session flow that has already checked the actor may read the team."""
    roles = _roles_held(session, team)
    signed = {person.email for _, person in _signed(session, team)}
    members = session.exec(select(Person.email).where(col(Person.id).in_(list(roles))))
    return sorted(signed), sorted(set(members) - signed)


def commitments(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> Commitments:
    """Who signed the team's commitment (with their roles in the jurisdiction) and which members
    have not, each by name."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.commitment, place, f"read the commitment of {place.name}'s team")
    roles = _roles_held(session, team)
    signed = sorted(_signed(session, team), key=lambda pair: _by_name(pair[1]))
    signers = {row_id(person) for _, person in signed}
    members = session.exec(select(Person).where(col(Person.id).in_([p for p in roles if p not in signers])))
    return Commitments(
        jurisdiction=place.name,
        cohort=group.name,
        signed=[_signature(row, person, roles.get(row_id(person), [])) for row, person in signed],
        unsigned=[Member(name=p.name, email=p.email, roles=roles[row_id(p)]) for p in sorted(members, key=_by_name)],
    )


def _member(session: Session, place: Jurisdiction, team: Team, email: str) -> tuple[Person, list[str]]:
    """The person with ``email`` and their roles in the team's jurisdiction; refused, saying how to
    fix it, when nobody has that email or they hold no role there."""
    person = find_person(session, email)
    if person is None:
        raise not_saved(
            "commitment",
            [
                Problem(
                    "person",
                    f"nobody with the email {email} is registered.",
                    f'Register them with `accelerator person add {email} --name "..." --role ROLE '
                    f'--jurisdiction "{place.name}"`.',
                )
            ],
        )
    roles = _roles_held(session, team).get(row_id(person), [])
    if not roles:
        raise not_saved(
            "commitment",
            [
                Problem(
                    "person",
                    f"{person.name} <{person.email}> holds no role in {place.name}, so is not on its team.",
                    f'Give them one first with `accelerator person add {person.email} --name "{person.name}" '
                    f'--role ROLE --jurisdiction "{place.name}"`.',
                )
            ],
        )
    return person, roles


def record_commitment(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, email: str, signed_on: date | None = None
) -> Recorded:
    """Record that the member with ``email`` signed the team's commitment on ``signed_on`` (today
    when None). A member who already signed keeps their signature as it is, and the answer says so."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.commitment, place, f"record the commitment of {place.name}'s team")
    at = utcnow()
    data = validate(CommitmentCreate, {"person": email, "signed_on": signed_on or at.date()}, "commitment")
    person, roles = _member(session, place, team, data.person)
    query = select(TeamCommitment).where(TeamCommitment.team_id == team.id, TeamCommitment.person_id == person.id)
    existing = session.exec(query).first()
    if existing is not None:
        return Recorded(
            signature=_signature(existing, person, roles),
            created=False,
            message=(
                f"{person.name} <{person.email}> already signed the commitment of {place.name}'s team on "
                f"{existing.signed_on.isoformat()} (recorded by {existing.recorded_by}); nothing was changed."
            ),
        )
    row = TeamCommitment(
        team_id=row_id(team),
        person_id=row_id(person),
        signed_on=data.signed_on,
        recorded_at=at,
        recorded_by=actor.email,
    )
    session.add(row)
    session.flush()
    history.record(
        session,
        actor.email,
        ENTITY,
        row_id(team),
        FIELD,
        None,
        person.email,
        f"signed on {data.signed_on.isoformat()}",
        place.id,
        at,
    )
    return Recorded(
        signature=_signature(row, person, roles),
        created=True,
        message=(
            f"Recorded: {person.name} <{person.email}> signed the commitment of {place.name}'s team "
            f"({group.name}) on {data.signed_on.isoformat()}."
        ),
    )
