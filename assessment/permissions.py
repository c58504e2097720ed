"""Who is acting and what their roles allow; every service checks here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from assessment.config import get_settings
from assessment.errors import NotFound, PermissionDenied
from assessment.models import Jurisdiction, Person, Role, RoleAssignment


@dataclass(frozen=True)
class Actor:
    """A person and their role assignments: (role, jurisdiction id or None for regional)."""

    person_id: int
    email: str
    name: str
    roles: frozenset[tuple[Role, int | None]]

    def has(self, role: Role, jurisdiction_id: int | None = None) -> bool:
        """True when the actor holds ``role`` regionally or in that jurisdiction."""
        return (role, None) in self.roles or (
            jurisdiction_id is not None and (role, jurisdiction_id) in self.roles
        )

    @property
    def is_admin(self) -> bool:
        return self.has(Role.admin)

    def jurisdictions(self) -> set[int]:
        return {j for _, j in self.roles if j is not None}


def load_actor(session: Session, person: Person) -> Actor:
    rows = session.exec(select(RoleAssignment).where(RoleAssignment.person_id == person.id))
    return Actor(
        person_id=person.id,  # type: ignore[arg-type]
        email=person.email,
        name=person.name,
        roles=frozenset((Role(r.role), r.jurisdiction_id) for r in rows),
    )


def resolve_actor(session: Session, email: str | None = None) -> Actor:
    """The acting person: ``email``, else ACCELERATOR_ACTOR, else the first administrator."""
    email = (email or get_settings().actor or "").strip().lower()
    if email:
        person = session.exec(select(Person).where(Person.email == email)).first()
        if person is None:
            raise NotFound(
                f"Nobody with the email {email} is registered. Ask an administrator to run "
                f"`accelerator person add {email} --name \"...\" --role ROLE --jurisdiction NAME`, "
                "or act as someone else with --actor EMAIL."
            )
        return load_actor(session, person)
    admin = session.exec(
        select(Person)
        .join(RoleAssignment, col(RoleAssignment.person_id) == col(Person.id))
        .where(RoleAssignment.role == Role.admin.value)
        .order_by(col(Person.id))
    ).first()
    if admin is None:
        raise NotFound("No administrator exists yet. Run `accelerator init --admin YOU@EXAMPLE.ORG` first.")
    return load_actor(session, admin)


def require(
    actor: Actor,
    action: str,
    roles: Iterable[Role],
    jurisdiction: Jurisdiction | None = None,
) -> None:
    """Refuse unless the actor holds one of ``roles`` (in ``jurisdiction``) or is an admin."""
    roles = list(roles)
    jurisdiction_id = jurisdiction.id if jurisdiction is not None else None
    if actor.is_admin or any(actor.has(role, jurisdiction_id) for role in roles):
        return
    raise PermissionDenied(f"{actor.email} may not {action}. Only {who_may(roles, jurisdiction)} may.")


def who_may(roles: Iterable[Role], jurisdiction: Jurisdiction | None) -> str:
    names = []
    for role in roles:
        where = "" if role.regional or jurisdiction is None else f" of {jurisdiction.name}"
        names.append(f"{'an' if role.label[0] in 'aeiou' else 'a'} {role.label}{where}")
    names.append("an admin")
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
