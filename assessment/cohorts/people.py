"""People, their roles, the administrator created at set-up, and the acting person."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, select

from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import Jurisdiction, Person, PersonPublic, RoleAssignment, RoleLabelled
from assessment.cohorts.shapes import PersonCreate
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, ValidationFailed
from assessment.core.fields import row_id
from assessment.core.identity import HOW_TO_SAY, SAID_BY, acting_email
from assessment.core.permissions import Actor, Record, Role, require
from assessment.core.shapes import validate

DEFAULT_ADMIN = "admin@localhost.localdomain"


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


def roles_of(session: Session, person: Person) -> list[RoleAssignment]:
    return list(session.exec(select(RoleAssignment).where(RoleAssignment.person_id == person.id)))


def public(session: Session, person: Person) -> PersonPublic:
    """The person with every role they hold, by label and jurisdiction name."""
    names = {row_id(j): j.name for j in session.exec(select(Jurisdiction))}
    roles = [
        RoleLabelled(
            role=r.role,
            jurisdiction_id=r.jurisdiction_id,
            label=Role(r.role).label,
            jurisdiction=names.get(r.jurisdiction_id) if r.jurisdiction_id is not None else None,
        )
        for r in roles_of(session, person)
    ]
    return PersonPublic(
        id=row_id(person), email=person.email, name=person.name, created_at=person.created_at, roles=roles
    )


def ensure_admin(session: Session, email: str | None, name: str = "Administrator") -> tuple[PersonPublic, bool]:
    """The first administrator (created when missing); returns (person, created)."""
    data = validate(PersonCreate, {"email": email or DEFAULT_ADMIN, "name": name}, "administrator")
    person = find_person(session, data.email)
    created = person is None
    if person is None:
        person = Person(email=data.email, name=data.name)
        session.add(person)
        session.flush()
        history.record(session, data.email, "person", row_id(person), "created", None, data.email, "accelerator init")
    _grant(session, data.email, person, Role.admin, None)
    return public(session, person), created


def add_person(
    session: Session, actor: Actor, email: str, name: str, role: str | None = None, jurisdiction: str | None = None
) -> PersonPublic:
    """Register a person, optionally with a role (in a jurisdiction for team roles)."""
    data = validate(PersonCreate, {"email": email, "name": name, "role": role, "jurisdiction": jurisdiction}, "person")
    place = None
    if data.role is not None:
        if data.role.regional and data.jurisdiction:
            raise ValidationFailed(f"The role {data.role.value} is regional; leave out --jurisdiction.")
        if not data.role.regional and not data.jurisdiction:
            raise ValidationFailed(f"The role {data.role.value} belongs to a jurisdiction; add --jurisdiction NAME.")
        place = get_jurisdiction(session, data.jurisdiction) if data.jurisdiction else None
        record = Record.regional_role if data.role.regional else Record.person
        require(actor, "write", record, place, f"give people the role {data.role.value}")
    else:
        require(actor, "write", Record.person, None, "register people")
    person = find_person(session, data.email)
    if person is None:
        person = Person(email=data.email, name=data.name)
        session.add(person)
        session.flush()
        history.record(session, actor.email, "person", row_id(person), "created", None, data.email)
    elif data.role is None:
        raise Conflict(f"{data.email} is already registered (as {person.name}).")
    elif person.name != data.name:
        raise Conflict(
            f"{data.email} is already registered as {person.name}, not {data.name}; nothing was changed. "
            f'To give them another role, run the command again with --name "{person.name}".'
        )
    if data.role is not None:
        _grant(session, actor.email, person, data.role, place.id if place else None)
    return public(session, person)


def _grant(session: Session, actor_email: str, person: Person, role: Role, jurisdiction_id: int | None) -> None:
    exists = session.exec(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person.id,
            RoleAssignment.role == role.value,
            RoleAssignment.jurisdiction_id == jurisdiction_id,
        )
    ).first()
    if exists is None:
        session.add(RoleAssignment(person_id=row_id(person), role=role.value, jurisdiction_id=jurisdiction_id))
        history.record(
            session, actor_email, "person", row_id(person), "role", None, role.value, jurisdiction_id=jurisdiction_id
        )


# --- the acting person -------------------------------------------------------------------------------


def load_actor(session: Session, person: Person) -> Actor:
    return Actor(
        person_id=row_id(person),
        email=person.email,
        name=person.name,
        roles=frozenset((Role(r.role), r.jurisdiction_id) for r in roles_of(session, person)),
    )


def resolve_actor(session: Session, email: str | None = None) -> Actor:
    """The acting person: ``email`` (an --actor option), else ACCELERATOR_ACTOR, else the identity
    saved with ``accelerator whoami --set``; nobody acts without saying who they are."""
    said = acting_email(email)
    if said is None:
        raise ValidationFailed(f"Nobody said who is acting. {HOW_TO_SAY}")
    email, source = said
    person = find_person(session, email)
    if person is None:
        raise NotFound(
            f"Nobody with the email {email} ({SAID_BY[source]}) is registered. Ask an administrator to run "
            f'`accelerator person add {email} --name "..." --role ROLE --jurisdiction NAME`, '
            "or act as someone else with --actor EMAIL."
        )
    return load_actor(session, person)


def unknown_person(session: Session, email: str | None, field: str = "owner") -> list[Problem]:
    """The problem with naming ``email`` in ``field`` when nobody with it is registered (none when blank)."""
    if email and find_person(session, email) is None:
        return [Problem(field, f"nobody with the email {email} is registered; register them first")]
    return []


class IdentityPublic(BaseModel):
    """Who acts, where that was said, and what their roles are."""

    email: str | None
    said_by: str
    name: str | None = None
    roles: list[str] = []
    how_to_say: str = HOW_TO_SAY


def describe_identity(session: Session, email: str | None, check_registered: bool = False) -> IdentityPublic:
    """Who ``email`` (or, when None, the environment or the saved identity) names; with
    ``check_registered`` an email nobody registered is refused."""
    said = acting_email(email)
    if said is None:
        return IdentityPublic(email=None, said_by="nobody")
    address, source = said
    person = find_person(session, address)
    if person is None and check_registered:
        raise NotFound(f"Nobody with the email {address} is registered; ask an administrator to add you first.")
    if person is None:
        return IdentityPublic(email=address, said_by=SAID_BY[source])
    places = {j.id: j.name for j in session.exec(select(Jurisdiction))}
    roles = [
        Role(r.role).label + (f" in {places.get(r.jurisdiction_id, '?')}" if r.jurisdiction_id else " (regional)")
        for r in roles_of(session, person)
    ]
    return IdentityPublic(email=address, said_by=SAID_BY[source], name=person.name, roles=roles)
