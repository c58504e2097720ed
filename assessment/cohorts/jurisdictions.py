"""Local health jurisdictions (LHJs): county and city health departments, and the counties each
covers (by 5-digit FIPS code: its places' census tracts are the tracts of those counties)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from assessment.cohorts.models import Jurisdiction, JurisdictionPublic
from assessment.cohorts.shapes import JurisdictionCreate
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, not_saved
from assessment.core.fields import row_id
from assessment.core.permissions import Action, Actor, Record, may, require, roles_for
from assessment.core.shapes import validate
from assessment.metrics.geography import county_fips
from assessment.metrics.models import Counties, JurisdictionCounty


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


def places_may(session: Session, actor: Actor, action: Action, record: Record) -> list[Jurisdiction]:
    """The jurisdictions where ``actor`` may ``action`` ``record``s, by name: every one for an admin or a
    regional role that may, else only those where the actor holds a role (read from the database alone)."""
    if actor.is_admin or any(actor.has(role) for role in roles_for(action, record)):
        candidates = all_jurisdictions(session)
    else:
        query = select(Jurisdiction).where(col(Jurisdiction.id).in_(sorted(actor.jurisdictions())))
        candidates = list(session.exec(query.order_by(col(Jurisdiction.name))))
    return [j for j in candidates if may(actor, action, record, j)]


def readable_places(session: Session, actor: Actor, record: Record, doing: str) -> list[Jurisdiction]:
    """The jurisdictions whose ``record``s the actor may read, by name; refused, naming who may,
    when the actor may read them nowhere (``doing`` says what they tried, "list teams")."""
    places = places_may(session, actor, "read", record)
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
    session: Session,
    actor: Actor,
    name: str,
    kind: str = "county",
    region: str = "",
    county_codes: Sequence[object] = (),
) -> JurisdictionPublic:
    """A new jurisdiction, with the counties it covers when ``county_codes`` names them."""
    require(actor, "write", Record.jurisdiction, None, "add jurisdictions")
    data = validate(JurisdictionCreate, {"name": name, "kind": kind, "region": region}, "jurisdiction")
    codes = parse_county_codes(county_codes, "jurisdiction")
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
    if codes:
        _store_counties(session, actor, jurisdiction, [], codes, "")
    return public(jurisdiction)


# --- the counties a jurisdiction covers -----------------------------------------------------------------


def parse_county_codes(codes: Sequence[object], what: str) -> list[str]:
    """5-digit county FIPS codes, sorted and each once; every unreadable one refused together."""
    parsed: list[str] = []
    problems = []
    for code in codes:
        try:
            parsed.append(county_fips(code))
        except ValueError as exc:
            problems.append(
                Problem(
                    "county_fips",
                    f"'{code}' is not a county FIPS code." if str(exc) == "is empty" else f"{exc}.",
                    "Give the county's 5-digit FIPS code: 2 digits of state, 3 of county (Los Angeles is 06037).",
                )
            )
    if problems:
        raise not_saved(what, problems)
    return sorted(set(parsed))


def county_codes_of(session: Session, jurisdiction: Jurisdiction) -> list[str]:
    """The 5-digit FIPS codes of the counties a jurisdiction covers, in order."""
    query = select(JurisdictionCounty.county_fips).where(JurisdictionCounty.jurisdiction_id == jurisdiction.id)
    return sorted(session.exec(query))


def set_counties(session: Session, actor: Actor, name: str, codes: Sequence[object], note: str = "") -> Counties:
    """Record the counties ``name`` covers (replacing those recorded), with the change in its history;
    the same counties again change nothing. The program manager of the jurisdiction, an alliance
    lead or an admin may (the counties decide which tracts its place metrics cover)."""
    jurisdiction = get_jurisdiction(session, name)
    require(actor, "write", Record.place_metric, jurisdiction, f"record the counties of {jurisdiction.name}")
    wanted = parse_county_codes(codes, "change of counties")
    if not wanted:
        raise not_saved(
            "change of counties",
            [Problem("county_fips", "is empty; a jurisdiction covers at least one county", "Give its FIPS code.")],
        )
    current = county_codes_of(session, jurisdiction)
    if wanted != current:
        _store_counties(session, actor, jurisdiction, current, wanted, note)
    return Counties(jurisdiction=jurisdiction.name, county_fips=wanted, previous=current, changed=wanted != current)


def _store_counties(
    session: Session, actor: Actor, jurisdiction: Jurisdiction, current: list[str], wanted: list[str], note: str
) -> None:
    ident = row_id(jurisdiction)
    for code in sorted(set(current) - set(wanted)):
        row = session.get(JurisdictionCounty, (ident, code))
        if row is not None:
            session.delete(row)
    for code in sorted(set(wanted) - set(current)):
        session.add(JurisdictionCounty(jurisdiction_id=ident, county_fips=code, added_by=actor.email))
    session.flush()
    history.record(
        session, actor.email, "jurisdiction", ident, "county_fips", current or None, wanted, note, jurisdiction_id=ident
    )
