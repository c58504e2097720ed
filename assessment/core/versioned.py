"""The one versioned-change mechanism: load → check permission → diff → save with the version
check inside the UPDATE → history. Barriers and goals use it; so will every later record that
people edit concurrently (commitments, recommendations).

A record type describes itself once in a ``VersionedKind`` (its table, the permission row, how
its editable values read, what the database or its lifecycle refuses, which fields are links to
other tables); ``update`` does the rest the same way for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import update as sql_update
from sqlmodel import Session, col

from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Place, Record, require

Change = tuple[str, object, object]  # field, old, new


class VersionedRow(Protocol):
    id: int | None
    version: int
    updated_at: datetime
    updated_by: str


T = TypeVar("T", bound=VersionedRow)


def save_versioned(
    session: Session, row: VersionedRow, values: Mapping[str, Any], actor: str, at: datetime, expected: int
) -> bool:
    """Write ``values`` and ``version + 1`` in one UPDATE that only matches while the row is still
    at version ``expected``. False when another writer got there first: the check happens in the
    database, so two sessions that read the same version cannot both win."""
    table = type(row)
    statement = (
        sql_update(table)
        .where(col(table.id) == row.id, col(table.version) == expected)
        .values(**values, version=col(table.version) + 1, updated_at=at, updated_by=actor)
        .execution_options(synchronize_session=False)
    )
    result = session.exec(statement)
    if result.rowcount != 1:
        return False
    session.refresh(row)
    return True


def _when(at: datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class VersionedKind(Generic[T]):
    """How one kind of versioned record is loaded, permitted, compared and written.

    Subclasses fill in the class attributes and override ``values_of`` (the editable fields as
    the input shapes name them), and where needed ``problems``, ``columns`` and ``relink``."""

    table: ClassVar[type[Any]]
    record: ClassVar[Record]
    entity: ClassVar[str]  # the history's name for it, e.g. "barrier"
    noun: ClassVar[str]  # how a message names one, e.g. "Barrier"
    plural: ClassVar[str]  # how a permission refusal names them, e.g. "barriers"
    link_fields: ClassVar[frozenset[str]] = frozenset()  # fields kept in link tables, not columns

    # --- what each kind says about itself ---------------------------------------------------

    def place_of(self, session: Session, row: T) -> Place:
        raise NotImplementedError

    def values_of(self, session: Session, row: T) -> dict[str, Any]:
        raise NotImplementedError

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        """Every change the database or the lifecycle refuses (``current`` is None for a new record)."""
        return []

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        """The column values that store ``field``'s new value."""
        return {field: new}

    def relink(self, session: Session, actor: Actor, row: T, field: str, old: Any, new: Any, at: datetime) -> None:
        """Store a change of a link field (called after the version was saved)."""

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(f"No {self.noun.lower()} with id {row_id}.")

    # --- the mechanism ------------------------------------------------------------------------

    def load(self, session: Session, ident: int) -> T:
        row = session.get(self.table, ident)
        if row is None:
            raise self.not_found(ident)
        return row

    def readable(self, session: Session, actor: Actor, ident: int) -> T:
        """The record, once the actor is known to be allowed to read it."""
        row = self.load(session, ident)
        place = self.place_of(session, row)
        require(actor, "read", self.record, place, f"read the {self.plural} of {place.name}")
        return row

    def stale_message(self, session: Session, row: T, expected: int, what: str | None = None) -> str:
        """What a person reads when the version they edited is out of date."""
        what = what or f"{self.noun} {row.id}"
        if expected > row.version:
            return f"{what} has no version {expected}; it is at version {row.version}. Reload it and try again."
        since = history.changed_since(session, self.entity, row_id(row), expected) or [(row.updated_by, row.updated_at)]
        who = "; ".join(f"by {actor} at {_when(at)}" for actor, at in since)
        return (
            f"{what} was changed since you read version {expected}: {who}. Nothing was saved; "
            f"reload it (it is now version {row.version}) and make your change again."
        )

    def diff(self, current: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[Change]:
        return [(field, current[field], new) for field, new in wanted.items() if current[field] != new]

    def update(
        self,
        session: Session,
        actor: Actor,
        ident: int,
        wanted: dict[str, Any],
        expected_version: int | None,
        note: str = "",
        remarks: Sequence[str] = (),
    ) -> tuple[T, list[Change]]:
        """Apply ``wanted`` (field → new value) as one new version with its history.

        ``expected_version`` is the version the person read; if someone changed the record since,
        Conflict names who and when, and nothing is written. With None the update only guards
        against a change racing this call. A change that changes nothing writes nothing and keeps
        the version. ``remarks`` (warnings the person was shown) join ``note`` in the history only:
        they are not a reason for a move that needs one. Returns the record and the changes made."""
        row = self.load(session, ident)
        place = self.place_of(session, row)
        require(actor, "write", self.record, place, f"change the {self.plural} of {place.name}")
        if expected_version is not None and row.version != expected_version:
            raise Conflict(self.stale_message(session, row, expected_version))
        current = self.values_of(session, row)
        refused = self.problems(session, place, current, wanted, note)
        if refused:
            raise not_saved(self.noun.lower(), refused)
        changes = self.diff(current, wanted)
        if not changes:
            return row, changes
        values: dict[str, Any] = {}
        for field, _, new in changes:
            if field not in self.link_fields:
                values.update(self.columns(session, field, new))
        at = utcnow()
        read = row.version if expected_version is None else expected_version
        if not save_versioned(session, row, values, actor.email, at, read):
            session.refresh(row)
            raise Conflict(self.stale_message(session, row, read))
        for field, old, new in changes:
            if field in self.link_fields:
                self.relink(session, actor, row, field, old, new, at)
        written = " ".join([note, *remarks]).strip()
        history.record_changes(session, actor.email, self.entity, row_id(row), place.id, changes, written, at)
        return row, changes
