"""The barrier spreadsheet's import: a plan (the preview of every change) and its apply (every
row or none). Rows are checked like single changes: cells, permission, lifecycle, and that the
version exported is still the barrier's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from assessment.barriers.models import Barrier, BarrierPublic
from assessment.barriers.service import BARRIERS, add_barrier, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierImportRow, BarrierUpdate
from assessment.cohorts.jurisdictions import find_jurisdiction
from assessment.cohorts.models import Jurisdiction
from assessment.core import history
from assessment.core.errors import MAX_PROBLEMS, Problem, ProblemLog, ValidationFailed
from assessment.core.fields import row_id
from assessment.core.history import as_text
from assessment.core.permissions import Actor, Record, may

Rows = Sequence[BarrierImportRow | Mapping[str, object]]


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


def _problems_of(number: int, exc: ValidationError, by_field: bool = True) -> list[Problem]:
    problems = []
    for e in exc.errors():
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            message = "is empty; a new barrier needs it"
        problems.append(Problem(_at(number, str(e["loc"][0]) if by_field and e["loc"] else ""), message))
    return problems


def _located(number: int, problems: list[Problem]) -> list[Problem]:
    return [Problem(_at(number, p.location), p.message, p.fix) for p in problems]


def _parse(rows: Rows) -> tuple[list[tuple[int, BarrierImportRow]], ProblemLog]:
    parsed: list[tuple[int, BarrierImportRow]] = []
    problems = ProblemLog()
    for position, raw in enumerate(rows, start=1):
        if isinstance(raw, BarrierImportRow):
            parsed.append((raw.row or position, raw))
            continue
        given = raw.get("row")
        number = given if isinstance(given, int) else position
        try:
            parsed.append((number, BarrierImportRow.model_validate(dict(raw))))
        except ValidationError as exc:
            problems.extend(_problems_of(number, exc))
    return parsed, problems


def _plan(
    session: Session, actor: Actor, rows: Rows, jurisdiction: str | None
) -> tuple[list[PlannedChange], list[tuple[int, BarrierImportRow, Jurisdiction]]]:
    parsed, unparsed = _parse(rows)
    problems = unparsed.kept
    plan: list[PlannedChange] = []
    accepted: list[tuple[int, BarrierImportRow, Jurisdiction]] = []
    first_row_of: dict[int, int] = {}
    checked = 0
    for number, row in parsed:
        if len(problems) >= MAX_PROBLEMS:
            break  # a person fixes the first ones and imports again; checking the rest would only cost time
        checked += 1
        found: list[Problem] = []
        if row.id is not None and row.id in first_row_of:
            found.append(
                Problem(
                    _at(number, "id"),
                    f"barrier {row.id} is also on row {first_row_of[row.id]}; keep one row per barrier",
                )
            )
        elif row.id is not None:
            first_row_of[row.id] = number
        planned, place = _plan_row(session, actor, number, row, jurisdiction, found)
        problems += found
        if not found and place is not None:
            plan += planned
            accepted.append((number, row, place))
    if problems:
        problems.sort(key=_row_number)
        unchecked = len(parsed) - checked
        total = len(problems) + unparsed.more
        counted = f"{total} problem{'s' if total != 1 else ''}" + (
            f" in the first {checked} rows; the other {unchecked} rows were not checked" if unchecked else ""
        )
        raise ValidationFailed(
            f"The barrier spreadsheet was not applied ({counted}); nothing was changed. Fix these and import it again:",
            problems[:MAX_PROBLEMS],
            max(len(problems) - MAX_PROBLEMS, 0) + unparsed.more,
        )
    return plan, accepted


def _plan_new(
    session: Session, actor: Actor, number: int, row: BarrierImportRow, jurisdiction: str | None, found: list[Problem]
) -> tuple[list[PlannedChange], Jurisdiction | None]:
    given = row.given()
    name = row.jurisdiction or jurisdiction
    place = find_jurisdiction(session, name) if name else None
    if place is None:
        found.append(
            Problem(
                _at(number, "jurisdiction"),
                f"no jurisdiction named '{name}'" if name else "a new barrier needs the jurisdiction it belongs to",
            )
        )
        return [], None
    if not may(actor, "write", Record.barrier, place):
        found.append(Problem(_at(number), f"{actor.email} may not record barriers of {place.name}"))
        return [], None
    try:
        data = BarrierCreate.model_validate({k: v for k, v in given.items() if k != "status"})
    except ValidationError as exc:
        found += _problems_of(number, exc)
        return [], None
    wanted = data.model_dump()
    if "status" in given:
        wanted["status"] = given["status"]
    found += _located(number, BARRIERS.problems(session, place, None, wanted, row.note))
    return [
        PlannedChange(row=number, barrier_id=None, field=f, old=None, new=as_text(v))
        for f, v in wanted.items()
        if v not in (None, "", []) and f != "status"
    ], place


def _plan_row(
    session: Session, actor: Actor, number: int, row: BarrierImportRow, jurisdiction: str | None, found: list[Problem]
) -> tuple[list[PlannedChange], Jurisdiction | None]:
    if row.id is None:
        return _plan_new(session, actor, number, row, jurisdiction, found)
    barrier = session.get(Barrier, row.id)
    if barrier is None:
        found.append(Problem(_at(number, "id"), f"no barrier with id {row.id}; leave id empty for a new barrier"))
        return [], None
    place = BARRIERS.place_of(session, barrier)
    if not may(actor, "write", Record.barrier, place):
        found.append(Problem(_at(number), f"{actor.email} may not change the barriers of {place.name}"))
        return [], None
    if row.jurisdiction and find_jurisdiction(session, row.jurisdiction) != place:
        found.append(
            Problem(
                _at(number, "jurisdiction"),
                f"barrier {barrier.id} belongs to {place.name}; a barrier cannot move to another jurisdiction",
            )
        )
    try:
        wanted = BarrierUpdate.model_validate(row.given()).changes()
    except ValidationError as exc:
        found += _problems_of(number, exc, by_field=False)
        return [], None
    current = BARRIERS.values_of(session, barrier)
    changes = BARRIERS.diff(current, wanted)
    # A row that matches the inventory changes nothing, whatever version it was exported at
    # (importing the same sheet twice is not a conflict with oneself).
    if changes and row.version is None:
        found.append(
            Problem(_at(number, "version"), "is empty; export the inventory again to get each barrier's version")
        )
    elif changes and row.version is not None and row.version != barrier.version:
        found.append(Problem(_at(number, "version"), stale_row(session, barrier, row.version)))
    found += _located(number, BARRIERS.problems(session, place, current, wanted, row.note))
    return [
        PlannedChange(row=number, barrier_id=barrier.id, field=f, old=as_text(old), new=as_text(new))
        for f, old, new in changes
    ], place


def stale_row(session: Session, barrier: Barrier, exported: int) -> str:
    """Why a row edited from an older export is refused, and what to do."""
    if exported > barrier.version:
        return f"barrier {barrier.id} has no version {exported}; export the sheet again and redo the change there"
    since = history.changed_since(session, BARRIERS.entity, row_id(barrier), exported)
    who = "; ".join(f"by {actor} at {at:%Y-%m-%d %H:%M}" for actor, at in since) or f"by {barrier.updated_by}"
    return (
        f"barrier {barrier.id} was changed after this sheet was exported ({who}); "
        "export the sheet again and redo your change there"
    )


def plan_changes(session: Session, actor: Actor, rows: Rows, jurisdiction: str | None = None) -> list[PlannedChange]:
    """What importing ``rows`` would change, field by field, without changing anything.

    Rows are import rows or mappings of cells (validated here). Every row is checked: its cells,
    the actor's permission, the lifecycle, and that its version is still the barrier's. All the
    problems of all rows are raised together in one ValidationFailed located "row N, column C"
    (N is the row's ``row`` if given, else its position counting from 1). New rows (no id) go to
    their ``jurisdiction`` column, else to ``jurisdiction``.
    """
    return _plan(session, actor, rows, jurisdiction)[0]


def apply_changes(session: Session, actor: Actor, rows: Rows, jurisdiction: str | None = None) -> list[BarrierPublic]:
    """Apply every row, or none: call it inside one ``transaction()``, which rolls back whole if
    any row is refused (or changed by someone else meanwhile). Returns the barriers created or
    changed, in row order."""
    return import_rows(session, actor, rows, jurisdiction, dry_run=False)[1]


def import_rows(
    session: Session, actor: Actor, rows: Rows, jurisdiction: str | None = None, dry_run: bool = True
) -> tuple[list[PlannedChange], list[BarrierPublic]]:
    """Plan every row once; unless ``dry_run``, apply them all. Returns the plan and the barriers
    created or changed (none on a dry run)."""
    plan, accepted = _plan(session, actor, rows, jurisdiction)
    touched: list[BarrierPublic] = []
    if dry_run:
        return plan, touched
    for _, row, place in accepted:
        given = row.given()
        if row.id is None:
            data = BarrierCreate.model_validate({k: v for k, v in given.items() if k != "status"})
            touched.append(add_barrier(session, actor, place.name, data))
            continue
        barrier = BARRIERS.load(session, row.id)
        if not BARRIERS.diff(BARRIERS.values_of(session, barrier), BarrierUpdate.model_validate(given).changes()):
            continue
        changed, _ = update_barrier(session, actor, row.id, BarrierUpdate.model_validate(given), row.version, row.note)
        touched.append(changed)
    return plan, touched
