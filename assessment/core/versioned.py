"""The one versioned-change mechanism: load → check permission → diff → save with the version
check inside the UPDATE → history. Barriers and goals use it; so will every later record that
people edit concurrently (commitments, recommendations).

A change made against the version the person read is refused when someone saved another version
since. A change that names no version applies to the latest one: when another writer wins the race
to the UPDATE, the record is read again, checked again and saved on top, and the person is told
when one of their values replaced one saved in between.

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

# Each failed attempt means another writer saved a version in between, so this many attempts let
# that many people save the same record at the same moment before anyone is asked to try again.
ATTEMPTS = 10


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


def _and(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What an update did: the record as it now is, the changes made (none when nothing changed)
    and what the person should be told besides (a value of theirs replaced one saved meanwhile)."""

    row: T
    changes: list[Change]
    notices: list[str]


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

    def replaced_notices(
        self,
        session: Session,
        row: T,
        first: Mapping[str, Any],
        latest: Mapping[str, Any],
        changes: list[Change],
        read: int,
    ) -> list[str]:
        """What to tell the person whose ``changes`` replaced values someone else saved after version
        ``read``: the changed fields whose value as first read (``first``) differs from the one
        just before saving (``latest``), and who changed them."""
        replaced = [name for name, _, _ in changes if first[name] != latest[name]]
        if not replaced:
            return []
        since = set(history.changed_since(session, self.entity, row_id(row), read))
        entries = history.entries(session, self.entity, row_id(row))
        who = dict.fromkeys(e.actor for e in entries if (e.actor, e.at) in since and e.field in replaced)
        one = len(replaced) == 1
        return [
            f"{self.noun} {row.id}'s {_and([name.replace('_', ' ') for name in replaced])} "
            f"{'was' if one else 'were'} changed by {_and(list(who)) if who else 'someone else'} while you were "
            f"saving; your value{'' if one else 's'} replaced {'it' if one else 'them'} (now version {row.version})."
        ]

    def update(
        self,
        session: Session,
        actor: Actor,
        ident: int,
        wanted: dict[str, Any],
        expected_version: int | None,
        note: str = "",
        remarks: Sequence[str] = (),
    ) -> Saved[T]:
        """Apply ``wanted`` (field → new value) as one new version with its history.

        ``expected_version`` is the version the person read; if someone changed the record since,
        Conflict names who and when, and nothing is written. With None the change applies to the
        latest version: when another writer saves first, the record is read, permitted and checked
        again and the change saved on top (a notice says so when it replaced a value saved in
        between). A change that changes nothing writes nothing and keeps the version. ``remarks``
        (warnings the person was shown) join ``note`` in the history only: they are not a reason
        for a move that needs one."""
        row = self.load(session, ident)
        read = row.version
        first: dict[str, Any] = {}  # the values as first read (at version ``read``)
        for _ in range(ATTEMPTS):
            place = self.place_of(session, row)
            require(actor, "write", self.record, place, f"change the {self.plural} of {place.name}")
            if expected_version is not None and row.version != expected_version:
                raise Conflict(self.stale_message(session, row, expected_version))
            current = self.values_of(session, row)
            first = first or current
            refused = self.problems(session, place, current, wanted, note)
            if refused:
                raise not_saved(self.noun.lower(), refused)
            changes = self.diff(current, wanted)
            if not changes:
                return Saved(row, changes, [])
            values: dict[str, Any] = {}
            for name, _, new in changes:
                if name not in self.link_fields:
                    values.update(self.columns(session, name, new))
            at = utcnow()
            if save_versioned(session, row, values, actor.email, at, row.version):
                break
            session.refresh(row)
            if expected_version is not None:
                raise Conflict(self.stale_message(session, row, expected_version))
        else:
            raise Conflict(
                f"{self.noun} {ident} kept changing while you were saving ({ATTEMPTS} other changes came "
                "first); nothing was saved. Try again in a moment."
            )
        notices = self.replaced_notices(session, row, first, current, changes, read)
        for name, old, new in changes:
            if name in self.link_fields:
                self.relink(session, actor, row, name, old, new, at)
        written = " ".join([note, *remarks]).strip()
        history.record_changes(session, actor.email, self.entity, row_id(row), place.id, changes, written, at)
        return Saved(row, changes, notices)
