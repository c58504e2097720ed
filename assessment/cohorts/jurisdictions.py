"""Local health jurisdictions (LHJs): county and city health departments."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.cohorts.models import Jurisdiction, JurisdictionPublic
from assessment.cohorts.shapes import JurisdictionCreate
from assessment.core import history
from assessment.core.errors import Conflict, NotFound
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, may, require
from assessment.core.shapes import validate


def find_jurisdiction(session: Session, name: str) -> Jurisdiction | None:
    wanted = " ".join(name.split()).casefold()
    for jurisdiction in session.exec(select(Jurisdiction)):
        if jurisdiction.name.casefold() == wanted:
            return jurisdiction
    return None


def get_jurisdiction(session: Session, name: str) -> Jurisdiction:
    jurisdiction = find_jurisdiction(session, name)
    if jurisdiction is None:
        known = ", ".join(j.name for j in all_jurisdictions(session)) or "none yet"
        raise NotFound(f"No jurisdiction named '{name}' (known: {known}). Add it with `accelerator jurisdiction add`.")
    return jurisdiction


def jurisdiction_of(session: Session, jurisdiction_id: int) -> Jurisdiction:
    """The jurisdiction a stored record points at (its foreign key guarantees there is one)."""
    jurisdiction = session.get(Jurisdiction, jurisdiction_id)
    if jurisdiction is None:
        raise NotFound(f"No jurisdiction with id {jurisdiction_id}.")
    return jurisdiction


def all_jurisdictions(session: Session) -> list[Jurisdiction]:
    """Every jurisdiction by name, for services that filter them by permission."""
    return list(session.exec(select(Jurisdiction).order_by(col(Jurisdiction.name))))


def readable_places(session: Session, actor: Actor, record: Record, doing: str) -> list[Jurisdiction]:
    """The jurisdictions whose ``record``s the actor may read, by name; refused, naming who may,
    when the actor may read them nowhere (``doing`` says what they tried, "list teams")."""
    places = [j for j in all_jurisdictions(session) if may(actor, "read", record, j)]
    if not places:
        require(actor, "read", record, None, doing)
    return places


def public(jurisdiction: Jurisdiction) -> JurisdictionPublic:
    return JurisdictionPublic.model_validate(jurisdiction, from_attributes=True)


def list_jurisdictions(session: Session, actor: Actor) -> list[JurisdictionPublic]:
    """Every jurisdiction, by name."""
    require(actor, "read", Record.jurisdiction, None, "list jurisdictions", anywhere=True)
    return [public(j) for j in all_jurisdictions(session)]


def add_jurisdiction(
    session: Session, actor: Actor, name: str, kind: str = "county", region: str = ""
) -> JurisdictionPublic:
    require(actor, "write", Record.jurisdiction, None, "add jurisdictions")
    data = validate(JurisdictionCreate, {"name": name, "kind": kind, "region": region}, "jurisdiction")
    if find_jurisdiction(session, data.name) is not None:
        raise Conflict(f"A jurisdiction named '{data.name}' already exists.")
    jurisdiction = Jurisdiction(name=data.name, kind=data.kind.value, region=data.region)
    session.add(jurisdiction)
    session.flush()
    history.record(
        session,
        actor.email,
        "jurisdiction",
        row_id(jurisdiction),
        "created",
        None,
        data.name,
        jurisdiction_id=jurisdiction.id,
    )
    return public(jurisdiction)
