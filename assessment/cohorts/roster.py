"""The roster: people with the roles they hold, as someone allowed to see them reads it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import all_jurisdictions, get_jurisdiction, readable_places
from assessment.cohorts.models import Person, PersonWithRoles, RoleAssignment, RoleLabelled
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, Role, may, require


def list_people(session: Session, actor: Actor, jurisdiction: str | None = None) -> list[PersonWithRoles]:
    """People by name with the roles the actor may see: everyone for an alliance lead or admin, the
    people holding a role in their jurisdictions for an equity program manager; with
    ``jurisdiction``, only the people holding a role there."""
    if jurisdiction:
        place = get_jurisdiction(session, jurisdiction)
        require(actor, "read", Record.person, place, f"see the people of {place.name}")
        places = {row_id(place): place.name}
    else:
        places = {row_id(j): j.name for j in readable_places(session, actor, Record.person, "list people")}
    every_place = {row_id(j): j for j in all_jurisdictions(session)}
    names = {ident: j.name for ident, j in every_place.items()}
    regional = may(actor, "read", Record.regional_role)

    def visible(assignment: RoleAssignment) -> bool:
        where = assignment.jurisdiction_id
        return regional if where is None else may(actor, "read", Record.person, every_place[where])

    roles: dict[int, list[RoleLabelled]] = {}
    listed: set[int] = set()
    for assignment in session.exec(select(RoleAssignment).order_by(col(RoleAssignment.id))):
        if assignment.jurisdiction_id in places:
            listed.add(assignment.person_id)
        if visible(assignment):
            roles.setdefault(assignment.person_id, []).append(labelled(assignment, names))
    for held in roles.values():  # regional roles first, then by jurisdiction
        held.sort(key=lambda r: (r.jurisdiction is not None, (r.jurisdiction or "").casefold(), r.label))
    # Whoever may read people everywhere also sees the people who hold no role yet.
    everyone = jurisdiction is None and may(actor, "read", Record.person)
    people = [p for p in session.exec(select(Person)) if everyone or row_id(p) in listed]
    # Sorted here, not in SQL: SQLite and PostgreSQL collate names (case, accents) differently.
    people.sort(key=lambda p: (p.name.casefold(), p.email))
    return [PersonWithRoles(id=row_id(p), email=p.email, name=p.name, roles=roles.get(row_id(p), [])) for p in people]


def labelled(assignment: RoleAssignment, names: dict[int, str]) -> RoleLabelled:
    """A role with its label and the name of its jurisdiction (None when it is regional)."""
    where = assignment.jurisdiction_id
    return RoleLabelled(
        role=assignment.role,
        jurisdiction_id=where,
        label=Role(assignment.role).label,
        jurisdiction=names[where] if where is not None else None,
    )
