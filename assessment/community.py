"""Community input (session 3): what listening sessions, CBO surveys, interviews and advisory
boards said, linked to the barriers it informs; and the team's community engagement, current and
aspirational, on the spectrum from 0 Ignore to 5 Defer to. Every engagement rating is kept; the
latest is the team's current one."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, col, select

from assessment import history
from assessment.barriers import (
    READERS,
    WRITERS,
    input_ids,
    record_change,
    update_barrier,
)
from assessment.cohorts import get_team
from assessment.errors import NotFound, ValidationFailed
from assessment.jurisdictions import get_jurisdiction
from assessment.models import History, Jurisdiction, utcnow
from assessment.permissions import Actor, require
from assessment.planning import (
    Barrier,
    BarrierInput,
    CommunityInput,
    EngagementRecord,
    InputSource,
)
from assessment.reference import engagement_name
from assessment.shapes import (
    BarrierUpdate,
    EngagementCreate,
    InputCreate,
    InputSourceValue,
    problems_of,
    validate,
)

INPUT = "community_input"
ENGAGEMENT = "engagement"


def add_input(session: Session, actor: Actor, jurisdiction: str, data: InputCreate) -> CommunityInput:
    """Record what the community said at one listening session, survey, ... of ``jurisdiction``."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, f"record community input of {place.name}", WRITERS, place)
    at = utcnow()
    item = CommunityInput(
        jurisdiction_id=place.id,  # type: ignore[arg-type]
        source=data.source.value,
        held_on=data.held_on,
        participants=data.participants,
        organizations=data.organizations,
        themes=data.themes,
        quotes=data.quotes,
        recorded_by=actor.email,
        recorded_at=at,
    )
    session.add(item)
    session.flush()
    record_change(session, actor, INPUT, item.id, place.id, [("created", None, data.source.label)], "", at)  # type: ignore[arg-type]
    return item


def get_input(session: Session, actor: Actor, input_id: int) -> CommunityInput:
    item = session.get(CommunityInput, input_id)
    if item is None:
        raise NotFound(f"No community input with id {input_id}; list the jurisdiction's input to find its id.")
    place = session.get(Jurisdiction, item.jurisdiction_id)
    require(actor, f"read the community input of {place.name}", READERS, place)  # type: ignore[union-attr]
    return item


def list_inputs(session: Session, actor: Actor, jurisdiction: str, source: str | None = None) -> list[CommunityInput]:
    """A jurisdiction's community input, oldest first, optionally of one ``source`` (id or label)."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, f"read the community input of {place.name}", READERS, place)
    query = select(CommunityInput).where(CommunityInput.jurisdiction_id == place.id)
    if source:
        try:
            wanted = TypeAdapter(InputSourceValue).validate_python(source)
        except ValidationError as exc:
            raise ValidationFailed("Cannot list community input with that filter:", problems_of(exc, "source")) from None
        query = query.where(CommunityInput.source == wanted.value)
    return list(session.exec(query.order_by(col(CommunityInput.held_on), col(CommunityInput.id))))


def barrier_ids_of(session: Session, input_id: int) -> list[int]:
    query = select(BarrierInput.barrier_id).where(BarrierInput.input_id == input_id)
    return sorted(session.exec(query))


def input_dict(session: Session, item: CommunityInput) -> dict[str, Any]:
    """The input, JSON-ready, with the barriers it informs."""
    return {
        "id": item.id,
        "jurisdiction": session.get(Jurisdiction, item.jurisdiction_id).name,  # type: ignore[union-attr]
        "source": item.source,
        "source_label": InputSource(item.source).label,
        "held_on": item.held_on.isoformat(),
        "participants": item.participants,
        "organizations": list(item.organizations),
        "themes": list(item.themes),
        "quotes": list(item.quotes),
        "barriers": barrier_ids_of(session, item.id),  # type: ignore[arg-type]
        "recorded_by": item.recorded_by,
        "recorded_at": item.recorded_at.isoformat(),
    }


def _linking(session: Session, actor: Actor, input_id: int, barrier_id: int) -> tuple[CommunityInput, Barrier]:
    item = get_input(session, actor, input_id)
    barrier = session.get(Barrier, barrier_id)
    if barrier is None:
        raise NotFound(f"No barrier with id {barrier_id}; list the jurisdiction's barriers to find its id.")
    if barrier.jurisdiction_id != item.jurisdiction_id:
        raise ValidationFailed(
            f"Community input {input_id} and barrier {barrier_id} belong to different jurisdictions; "
            "link input only to barriers of the jurisdiction that heard it.")
    return item, barrier


def link_input(session: Session, actor: Actor, input_id: int, barrier_id: int, note: str = "") -> bool:
    """Link community input to a barrier it informs (a new version of the barrier, in its
    history). False when they were already linked."""
    _, barrier = _linking(session, actor, input_id, barrier_id)
    linked = input_ids(session, barrier_id)
    if input_id in linked:
        return False
    update_barrier(session, actor, barrier.id, BarrierUpdate(inputs=[*linked, input_id]), None, note)  # type: ignore[arg-type]
    return True


def unlink_input(session: Session, actor: Actor, input_id: int, barrier_id: int, note: str = "") -> bool:
    """Undo a link; False when they were not linked."""
    _, barrier = _linking(session, actor, input_id, barrier_id)
    linked = input_ids(session, barrier_id)
    if input_id not in linked:
        return False
    remaining = [i for i in linked if i != input_id]
    update_barrier(session, actor, barrier.id, BarrierUpdate(inputs=remaining), None, note)  # type: ignore[arg-type]
    return True


# --- engagement level -------------------------------------------------------------------------------


def _records(session: Session, team_id: int) -> list[EngagementRecord]:
    query = select(EngagementRecord).where(EngagementRecord.team_id == team_id)
    return list(session.exec(query.order_by(col(EngagementRecord.recorded_at), col(EngagementRecord.id))))


def set_engagement(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    current: int | str,
    aspirational: int | str,
    evidence: str = "",
) -> EngagementRecord:
    """Rate the team's community engagement now and where it aims to be (0..5, or level names)."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"rate the community engagement of {place.name}", WRITERS, place)
    data = validate(EngagementCreate, {"current": current, "aspirational": aspirational, "evidence": evidence},
                    "engagement rating")
    earlier = _records(session, team.id)  # type: ignore[arg-type]
    before = earlier[-1] if earlier else None
    at = utcnow()
    record = EngagementRecord(
        jurisdiction_id=place.id,  # type: ignore[arg-type]
        team_id=team.id,  # type: ignore[arg-type]
        current_level=data.current,
        aspirational_level=data.aspirational,
        evidence=data.evidence,
        recorded_by=actor.email,
        recorded_at=at,
    )
    session.add(record)
    session.flush()
    old = (before.current_level, before.aspirational_level) if before else (None, None)
    changes = [(field, _level(o), _level(n)) for field, o, n in
               (("current_level", old[0], data.current), ("aspirational_level", old[1], data.aspirational))
               if o != n] or [("evidence", before.evidence if before else None, data.evidence)]
    record_change(session, actor, ENGAGEMENT, team.id, place.id, changes, data.evidence, at)  # type: ignore[arg-type]
    return record


def _level(value: int | None) -> str | None:
    return None if value is None else f"{value} {engagement_name(value)}"


def engagement_of(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> EngagementRecord | None:
    """The team's latest engagement rating, or None before the first one."""
    records = engagement_records(session, actor, jurisdiction, cohort)
    return records[-1] if records else None


def engagement_records(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[EngagementRecord]:
    """Every engagement rating of the team, oldest first."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"read the community engagement of {place.name}", READERS, place)
    return _records(session, team.id)  # type: ignore[arg-type]


def engagement_history(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[History]:
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"read the community engagement of {place.name}", READERS, place)
    return history.entries(session, ENGAGEMENT, team.id)  # type: ignore[arg-type]


def engagement_dict(record: EngagementRecord) -> dict[str, Any]:
    return {
        "current": record.current_level,
        "current_name": engagement_name(record.current_level),
        "aspirational": record.aspirational_level,
        "aspirational_name": engagement_name(record.aspirational_level),
        "gap": record.aspirational_level - record.current_level,
        "evidence": record.evidence,
        "recorded_by": record.recorded_by,
        "recorded_at": record.recorded_at.isoformat(),
    }
