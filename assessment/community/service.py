"""Community input (session 3): what listening sessions, CBO surveys, interviews and advisory
boards said, linked to the barriers it informs. A link is a change of the barrier (a new
version, in its history)."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, col, select

from assessment.barriers.models import Barrier, BarrierInput
from assessment.barriers.service import input_ids, update_barrier
from assessment.barriers.shapes import BarrierUpdate
from assessment.cohorts.jurisdictions import get_jurisdiction, jurisdiction_of
from assessment.cohorts.models import Jurisdiction
from assessment.community.models import CommunityInput, InputPublic, InputSource
from assessment.community.shapes import InputCreate, InputSourceValue
from assessment.core import history
from assessment.core.errors import NotFound, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import problems_of

INPUT = "community_input"


def add_input(session: Session, actor: Actor, jurisdiction: str, data: InputCreate) -> InputPublic:
    """Record what the community said at one listening session, survey, ... of ``jurisdiction``,
    linked to the barriers it informs (each link a change of the barrier, in its history)."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "write", Record.community_input, place, f"record community input of {place.name}")
    at = utcnow()
    item = CommunityInput(
        jurisdiction_id=row_id(place),
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
    history.record(session, actor.email, INPUT, row_id(item), "created", None, data.source.label, "", place.id, at)
    for barrier_id in data.barriers:
        link_input(session, actor, row_id(item), barrier_id)
    return public(session, item, place)


def _readable(session: Session, actor: Actor, input_id: int) -> CommunityInput:
    item = session.get(CommunityInput, input_id)
    if item is None:
        raise NotFound(f"No community input with id {input_id}; list the jurisdiction's input to find its id.")
    place = jurisdiction_of(session, item.jurisdiction_id)
    require(actor, "read", Record.community_input, place, f"read the community input of {place.name}")
    return item


def get_input(session: Session, actor: Actor, input_id: int) -> InputPublic:
    return public(session, _readable(session, actor, input_id))


def list_inputs(session: Session, actor: Actor, jurisdiction: str, source: str | None = None) -> list[InputPublic]:
    """A jurisdiction's community input, oldest first, optionally of one ``source`` (id or label)."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.community_input, place, f"read the community input of {place.name}")
    query = select(CommunityInput).where(CommunityInput.jurisdiction_id == place.id)
    if source:
        try:
            wanted = TypeAdapter(InputSourceValue).validate_python(source)
        except ValidationError as exc:
            raise ValidationFailed(
                "Cannot list community input with that filter:", problems_of(exc, "source")
            ) from None
        query = query.where(CommunityInput.source == wanted.value)
    items = session.exec(query.order_by(col(CommunityInput.held_on), col(CommunityInput.id)))
    return [public(session, item, place) for item in items]


def barrier_ids_of(session: Session, input_id: int) -> list[int]:
    query = select(BarrierInput.barrier_id).where(BarrierInput.input_id == input_id)
    return sorted(session.exec(query))


def public(session: Session, item: CommunityInput, place: Jurisdiction | None = None) -> InputPublic:
    """The input with the barriers it informs."""
    return InputPublic(
        id=row_id(item),
        jurisdiction=(place or jurisdiction_of(session, item.jurisdiction_id)).name,
        source=InputSource(item.source),
        source_label=InputSource(item.source).label,
        held_on=item.held_on,
        participants=item.participants,
        organizations=list(item.organizations),
        themes=list(item.themes),
        quotes=list(item.quotes),
        barriers=barrier_ids_of(session, row_id(item)),
        recorded_by=item.recorded_by,
        recorded_at=item.recorded_at,
    )


def _linking(session: Session, actor: Actor, input_id: int, barrier_id: int) -> Barrier:
    item = _readable(session, actor, input_id)
    barrier = session.get(Barrier, barrier_id)
    if barrier is None:
        raise NotFound(f"No barrier with id {barrier_id}; list the jurisdiction's barriers to find its id.")
    if barrier.jurisdiction_id != item.jurisdiction_id:
        raise ValidationFailed(
            f"Community input {input_id} and barrier {barrier_id} belong to different jurisdictions; "
            "link input only to barriers of the jurisdiction that heard it."
        )
    return barrier


def link_input(session: Session, actor: Actor, input_id: int, barrier_id: int, note: str = "") -> bool:
    """Link community input to a barrier it informs (a new version of the barrier, in its
    history). False when they were already linked."""
    _linking(session, actor, input_id, barrier_id)
    linked = input_ids(session, barrier_id)
    if input_id in linked:
        return False
    update_barrier(session, actor, barrier_id, BarrierUpdate(inputs=[*linked, input_id]), None, note)
    return True


def unlink_input(session: Session, actor: Actor, input_id: int, barrier_id: int, note: str = "") -> bool:
    """Undo a link; False when they were not linked."""
    _linking(session, actor, input_id, barrier_id)
    linked = input_ids(session, barrier_id)
    if input_id not in linked:
        return False
    update_barrier(session, actor, barrier_id, BarrierUpdate(inputs=[i for i in linked if i != input_id]), None, note)
    return True
