"""The append-only change history: who, when, from what to what, and why."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.models import History


def text_of(value: object) -> str | None:
    if value is None:
        return None
    return value.value if hasattr(value, "value") else str(value)


def record(
    session: Session,
    actor: str,
    entity: str,
    entity_id: int,
    field: str,
    old: object,
    new: object,
    note: str = "",
    jurisdiction_id: int | None = None,
) -> History:
    """Append one change; the row is never updated or deleted afterwards."""
    entry = History(
        entity=entity,
        entity_id=entity_id,
        jurisdiction_id=jurisdiction_id,
        field=field,
        old=text_of(old),
        new=text_of(new),
        note=note,
        actor=actor,
    )
    session.add(entry)
    return entry


def entries(session: Session, entity: str, entity_id: int) -> list[History]:
    """The history of one thing, oldest first."""
    query = select(History).where(History.entity == entity, History.entity_id == entity_id)
    return list(session.exec(query.order_by(col(History.at), col(History.id))))
