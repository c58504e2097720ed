"""Column types, timestamps and closed sets that every feature's tables and read models use."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import PlainSerializer
from sqlalchemy import Numeric

# Money and measure values: exact decimals, up to 14 digits before the point and 4 after.
VALUE = Numeric(18, 4)


def utcnow() -> datetime:
    return datetime.now(UTC)


# A moment in a read model, written as Python's isoformat (the JSON contract since the start).
Timestamp = Annotated[datetime, PlainSerializer(lambda moment: moment.isoformat(), return_type=str)]


class Labelled(StrEnum):
    """A closed set whose members people read as labels: ``action_planned`` is "Action planned"."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def row_id(row: HasId) -> int:
    """A saved row's id: rows are flushed before their id is used, so a missing one is a bug."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet; flush the session before using it")
    return row.id
