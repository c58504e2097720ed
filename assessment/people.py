"""People, their roles, and the administrator created at set-up."""

from __future__ import annotations

from sqlmodel import Session, select

from assessment import history
from assessment.errors import Conflict, NotFound, ValidationFailed
from assessment.jurisdictions import get_jurisdiction
from assessment.models import Person, Role, RoleAssignment
from assessment.permissions import Actor, require
from assessment.shapes import PersonCreate, validate

DEFAULT_ADMIN = "admin@localhost.localdomain"

# Who may grant each role: regional roles only an admin; team roles also the alliance lead
# and the team's own equity program manager.
TEAM_ROLE_GRANTORS = (Role.alliance_lead, Role.equity_program_manager)


def find_person(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email.strip().lower())).first()


def email_of(session: Session, person_id: int | None) -> str | None:
    """The email of a person by id (None for nobody)."""
    person = session.get(Person, person_id) if person_id is not None else None
    return person.email if person else None


def get_person(session: Session, email: str) -> Person:
    person = find_person(session, email)
    if person is None:
        raise NotFound(f"Nobody with the email {email} is registered; add them with `accelerator person add`.")
    return person


def ensure_admin(session: Session, email: str | None, name: str = "Administrator") -> tuple[Person, bool]:
    """The first administrator (created when missing); returns (person, created)."""
    data = validate(PersonCreate, {"email": email or DEFAULT_ADMIN, "name": name}, "administrator")
    person = find_person(session, data.email)
    created = person is None
    if person is None:
        person = Person(email=data.email, name=data.name)
        session.add(person)
        session.flush()
        history.record(session, data.email, "person", person.id, "created", None, data.email, "accelerator init")  # type: ignore[arg-type]
    _grant(session, data.email, person, Role.admin, None)
    return person, created


def add_person(session: Session, actor: Actor, email: str, name: str, role: str | None = None,
               jurisdiction: str | None = None) -> Person:
    """Register a person, optionally with a role (in a jurisdiction for team roles)."""
    data = validate(PersonCreate, {"email": email, "name": name, "role": role, "jurisdiction": jurisdiction}, "person")
    place = None
    if data.role is not None:
        if data.role.regional and data.jurisdiction:
            raise ValidationFailed(f"The role {data.role.value} is regional; leave out --jurisdiction.")
        if not data.role.regional and not data.jurisdiction:
            raise ValidationFailed(f"The role {data.role.value} belongs to a jurisdiction; add --jurisdiction NAME.")
        place = get_jurisdiction(session, data.jurisdiction) if data.jurisdiction else None
        grantors = () if data.role.regional else TEAM_ROLE_GRANTORS
        require(actor, f"give people the role {data.role.value}", grantors, place)
    else:
        require(actor, "register people", (Role.alliance_lead, Role.equity_program_manager))
    person = find_person(session, data.email)
    if person is None:
        person = Person(email=data.email, name=data.name)
        session.add(person)
        session.flush()
        history.record(session, actor.email, "person", person.id, "created", None, data.email)  # type: ignore[arg-type]
    elif data.role is None:
        raise Conflict(f"{data.email} is already registered (as {person.name}).")
    if data.role is not None:
        _grant(session, actor.email, person, data.role, place.id if place else None)
    return person


def _grant(session: Session, actor_email: str, person: Person, role: Role, jurisdiction_id: int | None) -> None:
    exists = session.exec(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person.id,
            RoleAssignment.role == role.value,
            RoleAssignment.jurisdiction_id == jurisdiction_id,
        )
    ).first()
    if exists is None:
        session.add(RoleAssignment(person_id=person.id, role=role.value, jurisdiction_id=jurisdiction_id))  # type: ignore[arg-type]
        history.record(session, actor_email, "person", person.id, "role", None, role.value,  # type: ignore[arg-type]
                       jurisdiction_id=jurisdiction_id)


def roles_of(session: Session, person: Person) -> list[RoleAssignment]:
    return list(session.exec(select(RoleAssignment).where(RoleAssignment.person_id == person.id)))
