"""The append-only change history: who, when, from what to what, and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel, col, select

from assessment.core.fields import Timestamp, utcnow


class History(SQLModel, table=True):
    """Append-only record of every change users care about: who, when, from what to what, why."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(index=True)
    entity_id: int = Field(index=True)
    jurisdiction_id: int | None = Field(default=None, index=True)
    field: str
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    actor: str
    at: datetime = Field(default_factory=utcnow)


class HistoryEntry(BaseModel):
    """One change as people read it (and as ``--json`` prints it)."""

    actor: str
    at: Timestamp
    field: str
    old: str | None
    new: str | None
    note: str
    entity: str

    @classmethod
    def of(cls, entry: History) -> HistoryEntry:
        return cls(
            actor=entry.actor,
            at=entry.at,
            field=entry.field,
            old=entry.old,
            new=entry.new,
            note=entry.note,
            entity=entry.entity,
        )


def as_text(value: object) -> str | None:
    """How a value reads in the history and in a preview: lists joined, decimals exact, enums by value."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value.value) if hasattr(value, "value") else str(value)


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
    at: datetime | None = None,
) -> History:
    """Append one change; the row is never updated or deleted afterwards (a trigger refuses it)."""
    entry = History(
        entity=entity,
        entity_id=entity_id,
        jurisdiction_id=jurisdiction_id,
        field=field,
        old=as_text(old),
        new=as_text(new),
        note=note,
        actor=actor,
        at=at or utcnow(),
    )
    session.add(entry)
    return entry


def record_changes(
    session: Session,
    actor: str,
    entity: str,
    entity_id: int,
    jurisdiction_id: int | None,
    changes: Sequence[tuple[str, object, object]],
    note: str,
    at: datetime,
) -> None:
    """Append one change set (one version) to the history: its entries share the actor and ``at``,
    which is how a conflict message can tell which changes came after a given version."""
    for field, old, new in changes:
        record(session, actor, entity, entity_id, field, old, new, note, jurisdiction_id, at)


def entries(session: Session, entity: str, entity_id: int) -> list[History]:
    """The history of one thing, oldest first."""
    query = select(History).where(History.entity == entity, History.entity_id == entity_id)
    return list(session.exec(query.order_by(col(History.at), col(History.id))))


def changed_since(session: Session, entity: str, entity_id: int, version: int) -> list[tuple[str, datetime]]:
    """Who changed the thing after ``version``, and when: one (actor, at) per later version."""
    changes: list[tuple[str, datetime]] = []
    for entry in entries(session, entity, entity_id):
        if not changes or changes[-1] != (entry.actor, entry.at):
            changes.append((entry.actor, entry.at))
    return changes[max(version, 0) :]
