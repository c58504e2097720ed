"""Local health jurisdictions (LHJs): county and city health departments."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment import history
from assessment.errors import Conflict, NotFound
from assessment.models import Jurisdiction, Role
from assessment.permissions import Actor, require
from assessment.shapes import JurisdictionCreate, validate


def find_jurisdiction(session: Session, name: str) -> Jurisdiction | None:
    wanted = " ".join(name.split()).casefold()
    for jurisdiction in session.exec(select(Jurisdiction)):
        if jurisdiction.name.casefold() == wanted:
            return jurisdiction
    return None


def get_jurisdiction(session: Session, name: str) -> Jurisdiction:
    jurisdiction = find_jurisdiction(session, name)
    if jurisdiction is None:
        known = ", ".join(j.name for j in list_jurisdictions(session)) or "none yet"
        raise NotFound(f"No jurisdiction named '{name}' (known: {known}). Add it with `accelerator jurisdiction add`.")
    return jurisdiction


def list_jurisdictions(session: Session) -> list[Jurisdiction]:
    return list(session.exec(select(Jurisdiction).order_by(col(Jurisdiction.name))))


def add_jurisdiction(session: Session, actor: Actor, name: str, kind: str = "county", region: str = "") -> Jurisdiction:
    require(actor, "add jurisdictions", (Role.alliance_lead,))
    data = validate(JurisdictionCreate, {"name": name, "kind": kind, "region": region}, "jurisdiction")
    if find_jurisdiction(session, data.name) is not None:
        raise Conflict(f"A jurisdiction named '{data.name}' already exists.")
    jurisdiction = Jurisdiction(name=data.name, kind=data.kind.value, region=data.region)
    session.add(jurisdiction)
    session.flush()
    history.record(session, actor.email, "jurisdiction", jurisdiction.id, "created", None, data.name,  # type: ignore[arg-type]
                   jurisdiction_id=jurisdiction.id)
    return jurisdiction
