"""The barrier inventory (session 2): who may record and change barriers, their lifecycle,
version-checked updates, the change history, and the spreadsheet import's plan and apply.

Lifecycle (every other move is refused, naming the moves allowed from where the barrier is):
- forward one step at a time: identified → analyzing → action planned → in progress → resolved;
  skipping a step is refused, so the history shows each stage was passed;
- deferred or not pursued from any open status (identified to in progress), with a reason;
- reopen: resolved → analyzing, with a reason (the fix did not hold, so it is analyzed again);
- resume: deferred → analyzing, with a reason (plans made before the pause are checked again);
- not pursued is final: a barrier that comes back is recorded anew, so the decision stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from assessment import history
from assessment.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationFailed,
)
from assessment.jurisdictions import (
    find_jurisdiction,
    get_jurisdiction,
    list_jurisdictions,
)
from assessment.models import History, Jurisdiction, Role, utcnow
from assessment.people import email_of, find_person
from assessment.permissions import Actor, require
from assessment.planning import (
    Barrier,
    BarrierInput,
    BarrierStatus,
    CommunityInput,
    Goal,
    save_versioned,
)
from assessment.reference import category_label, controller_label, stage_label
from assessment.shapes import (
    BarrierCreate,
    BarrierImportRow,
    BarrierUpdate,
    problems_of,
)

ENTITY = "barrier"
WRITERS = (Role.procurement_officer, Role.equity_program_manager)
READERS = (*WRITERS, Role.executive_lead, Role.alliance_lead)

S = BarrierStatus
TRANSITIONS: dict[BarrierStatus, tuple[BarrierStatus, ...]] = {
    S.identified: (S.analyzing, S.deferred, S.not_pursued),
    S.analyzing: (S.action_planned, S.deferred, S.not_pursued),
    S.action_planned: (S.in_progress, S.deferred, S.not_pursued),
    S.in_progress: (S.resolved, S.deferred, S.not_pursued),
    S.resolved: (S.analyzing,),
    S.deferred: (S.analyzing,),
    S.not_pursued: (),
}


def needs_reason(old: BarrierStatus, new: BarrierStatus) -> bool:
    """Deferring, dropping, reopening and resuming must say why."""
    return new in (S.deferred, S.not_pursued) or old in (S.resolved, S.deferred)


def _said(status: BarrierStatus) -> str:
    return status.label.lower()


def transition_problem(old: BarrierStatus, new: BarrierStatus, note: str = "") -> str | None:
    """Why a barrier may not move from ``old`` to ``new`` (with ``note`` as the reason), or None."""
    if new == old:
        return None
    allowed = TRANSITIONS[old]
    if not allowed:
        return (f"A barrier that is {_said(old)} is closed and cannot move to another status; "
                "record it as a new barrier if it comes back.")
    if new not in allowed:
        return (f"A barrier cannot move from {_said(old)} to {_said(new)}. A barrier that is {_said(old)} "
                f"can move to: {', '.join(_said(s) for s in allowed)}.")
    if needs_reason(old, new) and not note.strip():
        return f"Moving a barrier from {_said(old)} to {_said(new)} needs a reason; add a note saying why."
    return None


# --- reading ---------------------------------------------------------------------------------------


def _place(session: Session, barrier: Barrier) -> Jurisdiction:
    return session.get(Jurisdiction, barrier.jurisdiction_id)  # type: ignore[return-value]


def _load(session: Session, barrier_id: int) -> Barrier:
    barrier = session.get(Barrier, barrier_id)
    if barrier is None:
        raise NotFound(f"No barrier with id {barrier_id}; list the jurisdiction's barriers to find its id.")
    return barrier


def may(actor: Actor, roles: Sequence[Role], place: Jurisdiction) -> bool:
    try:
        require(actor, "", roles, place)
    except PermissionDenied:
        return False
    return True


def get_barrier(session: Session, actor: Actor, barrier_id: int) -> Barrier:
    barrier = _load(session, barrier_id)
    place = _place(session, barrier)
    require(actor, f"read the barriers of {place.name}", READERS, place)
    return barrier


def list_barriers(
    session: Session,
    actor: Actor,
    jurisdiction: str | None,
    status: str | None = None,
    category: str | None = None,
) -> list[Barrier]:
    """A jurisdiction's barriers (every readable jurisdiction's when None), oldest first,
    optionally only those with ``status`` and ``category`` (ids or labels)."""
    if jurisdiction is not None:
        place = get_jurisdiction(session, jurisdiction)
        require(actor, f"read the barriers of {place.name}", READERS, place)
        places = [place]
    else:
        places = [p for p in list_jurisdictions(session) if may(actor, READERS, p)]
    query = select(Barrier).where(col(Barrier.jurisdiction_id).in_([p.id for p in places]))
    try:
        filters = BarrierUpdate.model_validate({k: v for k, v in (("status", status), ("category", category)) if v})
    except ValidationError as exc:
        raise ValidationFailed("Cannot list barriers with that filter:", problems_of(exc)) from None
    if filters.status is not None:
        query = query.where(Barrier.status == filters.status.value)
    if filters.category is not None:
        query = query.where(Barrier.category == filters.category)
    return list(session.exec(query.order_by(col(Barrier.id))))


def barrier_history(session: Session, actor: Actor, barrier_id: int) -> list[History]:
    """Every change of the barrier, oldest first."""
    get_barrier(session, actor, barrier_id)
    return history.entries(session, ENTITY, barrier_id)


def input_ids(session: Session, barrier_id: int) -> list[int]:
    query = select(BarrierInput.input_id).where(BarrierInput.barrier_id == barrier_id)
    return sorted(session.exec(query))


def values_of(session: Session, barrier: Barrier) -> dict[str, Any]:
    """The barrier's editable fields as the shapes name them (owner as an email)."""
    return {
        "title": barrier.title,
        "description": barrier.description,
        "category": barrier.category,
        "stage": barrier.stage,
        "controller": barrier.controller,
        "severity": barrier.severity,
        "burden_on": barrier.burden_on,
        "root_cause": barrier.root_cause,
        "indicators": list(barrier.indicators),
        "inputs": input_ids(session, barrier.id),  # type: ignore[arg-type]
        "owner": email_of(session, barrier.owner_id),
        "status": S(barrier.status),
    }


def barrier_dict(session: Session, barrier: Barrier) -> dict[str, Any]:
    """The barrier, JSON-ready, with labels beside the codes."""
    values = values_of(session, barrier)
    return {
        "id": barrier.id,
        "version": barrier.version,
        "jurisdiction": _place(session, barrier).name,
        **values,
        "status": barrier.status,
        "status_label": S(barrier.status).label,
        "category_label": category_label(barrier.category),
        "stage_label": stage_label(barrier.stage),
        "controller_label": controller_label(barrier.controller) if barrier.controller else None,
        "created_at": barrier.created_at.isoformat(),
        "created_by": barrier.created_by,
        "updated_at": barrier.updated_at.isoformat(),
        "updated_by": barrier.updated_by,
    }


# --- history and version checks --------------------------------------------------------------------


def as_text(value: object) -> str | None:
    """How a value reads in the history and in a preview."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return history.text_of(value)


def record_change(
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int,
    jurisdiction_id: int,
    changes: Sequence[tuple[str, object, object]],
    note: str,
    at: datetime,
) -> None:
    """Append one change (one version) to the history: its entries share the actor and ``at``,
    which is how a conflict message can tell which changes came after a given version."""
    for field, old, new in changes:
        entry = history.record(session, actor.email, entity, entity_id, field, as_text(old), as_text(new),
                               note, jurisdiction_id)
        entry.at = at


def _when(at: datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def changed_since(session: Session, entity: str, entity_id: int, version: int) -> list[tuple[str, datetime]]:
    """Who changed the thing after ``version``, and when: one (actor, at) per later version."""
    changes: list[tuple[str, datetime]] = []
    for entry in history.entries(session, entity, entity_id):
        if not changes or changes[-1] != (entry.actor, entry.at):
            changes.append((entry.actor, entry.at))
    return changes[max(version, 0):]


def stale_message(session: Session, entity: str, what: str, row: Barrier | Goal, expected: int) -> str:
    """What a user reads when their version is out of date."""
    if expected > row.version:
        return f"{what} has no version {expected}; it is at version {row.version}. Reload it and try again."
    since = changed_since(session, entity, row.id, expected)  # type: ignore[arg-type]
    since = since or [(row.updated_by, row.updated_at)]
    who = "; ".join(f"by {actor} at {_when(at)}" for actor, at in since)
    return (f"{what} was changed since you read version {expected}: {who}. Nothing was saved; "
            f"reload it (it is now version {row.version}) and make your change again.")


# --- checking and writing ---------------------------------------------------------------------------


def _problems(session: Session, place: Jurisdiction, current: dict[str, Any] | None,
              wanted: dict[str, Any], note: str) -> list[tuple[str, str]]:
    """(field, message) for every change that the database or the lifecycle refuses."""
    problems: list[tuple[str, str]] = []
    owner = wanted.get("owner")
    if owner and find_person(session, owner) is None:
        problems.append(("owner", f"nobody with the email {owner} is registered; register them first"))
    for input_id in wanted.get("inputs") or []:
        item = session.get(CommunityInput, input_id)
        if item is None:
            problems.append(("inputs", f"no community input with id {input_id}"))
        elif item.jurisdiction_id != place.id:
            problems.append(("inputs", f"community input {input_id} belongs to another jurisdiction"))
    status = wanted.get("status")
    if current is None and status not in (None, S.identified):
        problems.append(("status", "a new barrier starts as identified; change its status after it is recorded"))
    elif current is not None and status is not None:
        refused = transition_problem(current["status"], status, note)
        if refused:
            problems.append(("status", refused))
    return problems


def _diff(current: dict[str, Any], wanted: dict[str, Any]) -> list[tuple[str, object, object]]:
    return [(field, current[field], new) for field, new in wanted.items() if current[field] != new]


def _refuse(what: str, problems: list[tuple[str, str]]) -> ValidationFailed:
    return ValidationFailed(f"The {what} was not saved; fix these and try again:",
                            [Problem(field, message) for field, message in problems])


def add_barrier(session: Session, actor: Actor, jurisdiction: str, data: BarrierCreate) -> Barrier:
    """Record a new barrier (status identified, version 1) in ``jurisdiction``'s inventory."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, f"record barriers of {place.name}", WRITERS, place)
    wanted = data.model_dump()
    problems = _problems(session, place, None, wanted, "")
    if problems:
        raise _refuse("barrier", problems)
    owner = find_person(session, data.owner) if data.owner else None
    at = utcnow()
    barrier = Barrier(
        jurisdiction_id=place.id,  # type: ignore[arg-type]
        **{k: v for k, v in wanted.items() if k not in ("inputs", "owner")},
        owner_id=owner.id if owner else None,
        status=S.identified.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(barrier)
    session.flush()
    for input_id in data.inputs:
        session.add(BarrierInput(barrier_id=barrier.id, input_id=input_id, linked_by=actor.email, linked_at=at))  # type: ignore[arg-type]
    record_change(session, actor, ENTITY, barrier.id, place.id, [("created", None, barrier.title)], "", at)  # type: ignore[arg-type]
    return barrier


def update_barrier(
    session: Session,
    actor: Actor,
    barrier_id: int,
    changes: BarrierUpdate,
    expected_version: int | None,
    note: str = "",
) -> Barrier:
    """Change a barrier's fields and/or status, as one new version with its history.

    ``expected_version`` is the version the person read; if someone changed the barrier since,
    Conflict names who and when, and nothing is written. With None the update only guards
    against a change racing this call (last writer wins over what the person saw), so doors
    that show a barrier before it is edited, and the spreadsheet import, should pass it.
    A change that changes nothing writes nothing and keeps the version.
    """
    barrier = _load(session, barrier_id)
    place = _place(session, barrier)
    require(actor, f"change the barriers of {place.name}", WRITERS, place)
    if expected_version is not None and barrier.version != expected_version:
        raise Conflict(stale_message(session, ENTITY, f"Barrier {barrier.id}", barrier, expected_version))
    current = values_of(session, barrier)
    wanted = changes.changes()
    problems = _problems(session, place, current, wanted, note)
    if problems:
        raise _refuse("barrier", problems)
    diff = _diff(current, wanted)
    if diff:
        _write(session, actor, barrier, place, diff, note, expected_version)
    return barrier


def _write(session: Session, actor: Actor, barrier: Barrier, place: Jurisdiction,
           diff: list[tuple[str, object, object]], note: str, expected: int | None) -> None:
    columns: dict[str, Any] = {}
    for field, _, new in diff:
        if field == "owner":
            person = find_person(session, new) if new else None  # type: ignore[arg-type]
            columns["owner_id"] = person.id if person else None
        elif field == "status":
            columns["status"] = S(new).value  # type: ignore[arg-type]
        elif field != "inputs":
            columns[field] = new
    at = utcnow()
    read = barrier.version
    if not save_versioned(session, barrier, columns, actor.email, at, read if expected is None else expected):
        session.refresh(barrier)
        raise Conflict(stale_message(session, ENTITY, f"Barrier {barrier.id}", barrier, expected or read))
    for field, old, new in diff:
        if field == "inputs":
            _relink(session, actor, barrier, set(old), set(new), at)  # type: ignore[call-overload]
    record_change(session, actor, ENTITY, barrier.id, place.id, diff, note, at)  # type: ignore[arg-type]


def _relink(session: Session, actor: Actor, barrier: Barrier, old: set[int], new: set[int], at: datetime) -> None:
    for input_id in sorted(new - old):
        session.add(BarrierInput(barrier_id=barrier.id, input_id=input_id, linked_by=actor.email, linked_at=at))  # type: ignore[arg-type]
    for input_id in sorted(old - new):
        link = session.get(BarrierInput, (barrier.id, input_id))
        if link is not None:
            session.delete(link)
    session.flush()



# --- spreadsheet import: plan (a preview) and apply (all rows or none) -----------------------------


class PlannedChange(BaseModel):
    """One change an import would make: on a barrier (None for a new one), a field, old → new."""

    row: int
    barrier_id: int | None
    field: str
    old: str | None
    new: str | None


def _at(row: int, field: str = "") -> str:
    return f"row {row}, column {field}" if field else f"row {row}"


def _row_number(problem: Problem) -> int:
    return int(problem.location.removeprefix("row ").split(",")[0])


def _parse(rows: Sequence[BarrierImportRow | Mapping[str, object]]) -> tuple[list[tuple[int, BarrierImportRow]], list[Problem]]:
    parsed: list[tuple[int, BarrierImportRow]] = []
    problems: list[Problem] = []
    for position, raw in enumerate(rows, start=1):
        if isinstance(raw, BarrierImportRow):
            parsed.append((raw.row or position, raw))
            continue
        number = raw.get("row") if isinstance(raw.get("row"), int) else position
        try:
            row = BarrierImportRow.model_validate(dict(raw))
        except ValidationError as exc:
            problems += [Problem(_at(number, str(e["loc"][0]) if e["loc"] else ""),  # type: ignore[arg-type]
                                 e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
            continue
        parsed.append((number, row))  # type: ignore[arg-type]
    return parsed, problems


def _plan(
    session: Session,
    actor: Actor,
    rows: Sequence[BarrierImportRow | Mapping[str, object]],
    jurisdiction: str | None,
) -> tuple[list[PlannedChange], list[tuple[int, BarrierImportRow, Jurisdiction]]]:
    parsed, problems = _parse(rows)
    plan: list[PlannedChange] = []
    accepted: list[tuple[int, BarrierImportRow, Jurisdiction]] = []
    first_row_of: dict[int, int] = {}
    for number, row in parsed:
        found: list[Problem] = []
        if row.id is not None and row.id in first_row_of:
            found.append(Problem(_at(number, "id"), f"barrier {row.id} is also on row {first_row_of[row.id]}; "
                                                     "keep one row per barrier"))
        elif row.id is not None:
            first_row_of[row.id] = number
        planned, place = _plan_row(session, actor, number, row, jurisdiction, found)
        problems += found
        if not found and place is not None:
            plan += planned
            accepted.append((number, row, place))
    if problems:
        problems.sort(key=_row_number)
        raise ValidationFailed(
            f"The barrier spreadsheet was not applied ({len(problems)} problem{'s' if len(problems) != 1 else ''}); "
            "nothing was changed. Fix these and import it again:", problems)
    return plan, accepted


def _plan_row(session: Session, actor: Actor, number: int, row: BarrierImportRow, jurisdiction: str | None,
              found: list[Problem]) -> tuple[list[PlannedChange], Jurisdiction | None]:
    given = row.given()
    if row.id is None:
        name = row.jurisdiction or jurisdiction
        place = find_jurisdiction(session, name) if name else None
        if place is None:
            found.append(Problem(_at(number, "jurisdiction"), f"no jurisdiction named '{name}'" if name else
                                 "a new barrier needs the jurisdiction it belongs to"))
            return [], None
        if not may(actor, WRITERS, place):
            found.append(Problem(_at(number), f"{actor.email} may not record barriers of {place.name}"))
            return [], None
        try:
            data = BarrierCreate.model_validate({k: v for k, v in given.items() if k != "status"})
        except ValidationError as exc:
            found += [Problem(_at(number, str(e["loc"][0]) if e["loc"] else ""), e["msg"].removeprefix("Value error, "))
                      for e in exc.errors()]
            return [], None
        wanted = data.model_dump()
        if "status" in given:
            wanted["status"] = given["status"]
        found += [Problem(_at(number, f), m) for f, m in _problems(session, place, None, wanted, row.note)]
        return [PlannedChange(row=number, barrier_id=None, field=f, old=None, new=as_text(v))
                for f, v in wanted.items() if v not in (None, "", []) and f != "status"], place
    barrier = session.get(Barrier, row.id)
    if barrier is None:
        found.append(Problem(_at(number, "id"), f"no barrier with id {row.id}; leave id empty for a new barrier"))
        return [], None
    place = _place(session, barrier)
    if not may(actor, WRITERS, place):
        found.append(Problem(_at(number), f"{actor.email} may not change the barriers of {place.name}"))
        return [], None
    if row.jurisdiction and find_jurisdiction(session, row.jurisdiction) != place:
        found.append(Problem(_at(number, "jurisdiction"), f"barrier {barrier.id} belongs to {place.name}; "
                                                           "a barrier cannot move to another jurisdiction"))
    if row.version is None:
        found.append(Problem(_at(number, "version"), "is empty; export the inventory again to get each barrier's version"))
    elif row.version != barrier.version:
        found.append(Problem(_at(number, "version"),
                             stale_message(session, ENTITY, f"barrier {barrier.id}", barrier, row.version)))
    try:
        wanted = BarrierUpdate.model_validate(given).changes()
    except ValidationError as exc:
        found += [Problem(_at(number), e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        return [], None
    current = values_of(session, barrier)
    found += [Problem(_at(number, f), m) for f, m in _problems(session, place, current, wanted, row.note)]
    return [PlannedChange(row=number, barrier_id=barrier.id, field=f, old=as_text(old), new=as_text(new))
            for f, old, new in _diff(current, wanted)], place


def plan_changes(
    session: Session,
    actor: Actor,
    rows: Sequence[BarrierImportRow | Mapping[str, object]],
    jurisdiction: str | None = None,
) -> list[PlannedChange]:
    """What importing ``rows`` would change, field by field, without changing anything.

    Rows are import rows or mappings of cells (validated here). Every row is checked: its cells,
    the actor's permission, the lifecycle, and that its version is still the barrier's. All the
    problems of all rows are raised together in one ValidationFailed located "row N, column C"
    (N is the row's ``row`` if given, else its position counting from 1). New rows (no id) go to
    their ``jurisdiction`` column, else to ``jurisdiction``.
    """
    return _plan(session, actor, rows, jurisdiction)[0]


def apply_changes(
    session: Session,
    actor: Actor,
    rows: Sequence[BarrierImportRow | Mapping[str, object]],
    jurisdiction: str | None = None,
) -> list[Barrier]:
    """Apply every row, or none: call it inside one ``transaction()``, which rolls back whole if
    any row is refused (or changed by someone else meanwhile). Returns the barriers created or
    changed, in row order."""
    return import_rows(session, actor, rows, jurisdiction, dry_run=False)[1]


def import_rows(
    session: Session,
    actor: Actor,
    rows: Sequence[BarrierImportRow | Mapping[str, object]],
    jurisdiction: str | None = None,
    dry_run: bool = True,
) -> tuple[list[PlannedChange], list[Barrier]]:
    """Plan every row once; unless ``dry_run``, apply them all. Returns the plan and the barriers
    created or changed (none on a dry run)."""
    plan, accepted = _plan(session, actor, rows, jurisdiction)
    touched: list[Barrier] = []
    if dry_run:
        return plan, touched
    for _, row, place in accepted:
        given = row.given()
        if row.id is None:
            barrier = add_barrier(session, actor, place.name,
                                  BarrierCreate.model_validate({k: v for k, v in given.items() if k != "status"}))
            touched.append(barrier)
            continue
        barrier = _load(session, row.id)
        before = barrier.version
        update_barrier(session, actor, row.id, BarrierUpdate.model_validate(given), row.version, row.note)
        if barrier.version != before:
            touched.append(barrier)
    return plan, touched

