"""The barrier inventory (session 2): who may record, read and change barriers, version-checked
updates through the core mechanism, and the change history. The lifecycle's rules are in
``lifecycle``; the spreadsheet import's plan and apply in ``imports``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pydantic import ValidationError
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from assessment.barriers.lifecycle import transition_problem
from assessment.barriers.models import FIELD_LABELS, Barrier, BarrierChange, BarrierInput, BarrierPublic, BarrierStatus
from assessment.barriers.reference import category_label, controller_label, stage_label
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.jurisdictions import get_jurisdiction, jurisdiction_of, places_may
from assessment.cohorts.models import Jurisdiction, Person
from assessment.cohorts.people import email_of, find_person, unknown_person
from assessment.community.models import CommunityInput
from assessment.core import history
from assessment.core.errors import NotFound, Problem, ValidationFailed, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry
from assessment.core.permissions import Actor, Place, Record, require
from assessment.core.shapes import problems_of
from assessment.core.versioned import VersionedKind

S = BarrierStatus


def input_ids(session: Session, barrier_id: int) -> list[int]:
    """The community input linked to a barrier, by id."""
    query = select(BarrierInput.input_id).where(BarrierInput.barrier_id == barrier_id)
    return sorted(session.exec(query))


def editable_values(row: Barrier, inputs: list[int], owner: str | None) -> dict[str, Any]:
    """A barrier's editable fields as the shapes name them, its linked inputs and owner's email given."""
    return {
        "title": row.title,
        "description": row.description,
        "category": row.category,
        "stage": row.stage,
        "controller": row.controller,
        "severity": row.severity,
        "burden_on": row.burden_on,
        "root_cause": row.root_cause,
        "indicators": list(row.indicators),
        "inputs": inputs,
        "owner": owner,
        "status": S(row.status),
    }


class BarrierKind(VersionedKind[Barrier]):
    """Barriers as versioned records: inputs are a link field, the owner is stored by id."""

    table: ClassVar[type[Barrier]] = Barrier
    record = Record.barrier
    entity = "barrier"
    noun = "Barrier"
    plural = "barriers"
    link_fields = frozenset({"inputs"})

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(f"No barrier with id {row_id}; list the jurisdiction's barriers to find its id.")

    def place_of(self, session: Session, row: Barrier) -> Jurisdiction:
        return jurisdiction_of(session, row.jurisdiction_id)

    def values_of(self, session: Session, row: Barrier) -> dict[str, Any]:
        """The barrier's editable fields as the shapes name them (owner as an email)."""
        return editable_values(row, input_ids(session, row_id(row)), email_of(session, row.owner_id))

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        """Every change that the database or the lifecycle refuses."""
        problems = unknown_person(session, wanted.get("owner"))
        for input_id in wanted.get("inputs") or []:
            item = session.get(CommunityInput, input_id)
            if item is None:
                problems.append(Problem("inputs", f"no community input with id {input_id}"))
            elif item.jurisdiction_id != place.id:
                problems.append(Problem("inputs", f"community input {input_id} belongs to another jurisdiction"))
        status = wanted.get("status")
        if current is None and status not in (None, S.identified):
            problems.append(
                Problem("status", "a new barrier starts as identified; change its status after it is recorded")
            )
        elif current is not None and status is not None:
            refused = transition_problem(current["status"], status, note)
            if refused:
                problems.append(Problem("status", refused))
        return problems

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        if field == "owner":
            person = find_person(session, str(new)) if new else None
            return {"owner_id": person.id if person else None}
        if field == "status":
            return {"status": S(str(new)).value}
        return {field: new}

    def relink(
        self, session: Session, actor: Actor, row: Barrier, field: str, old: Any, new: Any, at: datetime
    ) -> None:
        link_inputs(session, actor, row_id(row), sorted(set(new) - set(old)), at)
        for input_id in sorted(set(old) - set(new)):
            link = session.get(BarrierInput, (row.id, input_id))
            if link is not None:
                session.delete(link)
        session.flush()


BARRIERS = BarrierKind()


class StatusCorrection(BarrierKind):
    """A barrier's status corrected after it was set by mistake: any status may be set, even after
    a final one, by the jurisdiction's program manager or an administrator, and only with a reason."""

    record = Record.barrier_correction
    plural = "barrier statuses (a correction)"

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        if not note.strip():
            return [Problem("note", "a correction needs a reason; say what was set by mistake")]
        return []


CORRECTIONS = StatusCorrection()


def link_inputs(session: Session, actor: Actor, barrier_id: int, inputs: list[int], at: datetime) -> None:
    for input_id in inputs:
        session.add(BarrierInput(barrier_id=barrier_id, input_id=input_id, linked_by=actor.email, linked_at=at))


class Labels:
    """The labels of reference codes, each looked up once: a list of barriers repeats the same few
    categories and stages, and looking one up reads the reference file's location again."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Callable[[str], str], str], str] = {}

    def __call__(self, label: Callable[[str], str], code: str) -> str:
        key = (label, code)
        if key not in self.seen:
            self.seen[key] = label(code)
        return self.seen[key]


def public(
    session: Session,
    barrier: Barrier,
    place: Jurisdiction | None = None,
    values: dict[str, Any] | None = None,
    labels: Labels | None = None,
) -> BarrierPublic:
    """The barrier as people and scripts read it, labels beside the codes (``values`` and ``labels``:
    its editable values already looked up and the labels known so far, when listing many)."""
    values = values if values is not None else BARRIERS.values_of(session, barrier)
    labels = labels or Labels()
    return BarrierPublic(
        id=row_id(barrier),
        version=barrier.version,
        jurisdiction=(place or BARRIERS.place_of(session, barrier)).name,
        **values,
        status_label=values["status"].label,
        category_label=labels(category_label, barrier.category),
        stage_label=labels(stage_label, barrier.stage),
        controller_label=labels(controller_label, barrier.controller) if barrier.controller else None,
        created_at=barrier.created_at,
        created_by=barrier.created_by,
        updated_at=barrier.updated_at,
        updated_by=barrier.updated_by,
    )


# --- reading ------------------------------------------------------------------------------------------


def get_barrier(session: Session, actor: Actor, barrier_id: int) -> BarrierPublic:
    return public(session, BARRIERS.readable(session, actor, barrier_id))


def list_barriers(
    session: Session,
    actor: Actor,
    jurisdiction: str | None,
    status: str | None = None,
    category: str | None = None,
    stage: str | None = None,
) -> list[BarrierPublic]:
    """A jurisdiction's barriers (every readable jurisdiction's when None), oldest first,
    optionally only those with ``status``, ``category`` and ``stage`` (ids or labels)."""
    chosen, places = _chosen(session, actor, jurisdiction, status, category, stage)
    return listed(session, chosen, places)


def barrier_page(
    session: Session,
    actor: Actor,
    jurisdiction: str | None,
    status: str | None = None,
    category: str | None = None,
    stage: str | None = None,
    most_severe_first: bool = False,
    page: int = 1,
    size: int = 25,
) -> tuple[list[BarrierPublic], int, int]:
    """One page of ``list_barriers`` (oldest first, or most severe first with unrated ones last) and the
    count of all that match, and the page number shown (``page`` clamped to the pages there are).
    The database does the counting, ordering and paging: a page of 25 reads 25 barriers."""
    from sqlalchemy import func

    chosen, places = _chosen(session, actor, jurisdiction, status, category, stage)
    total = session.exec(select(func.count()).select_from(Barrier).where(*chosen)).one()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    order: list[Any] = [col(Barrier.id)]
    if most_severe_first:
        order.insert(0, func.coalesce(col(Barrier.severity), 0).desc())
    return listed(session, chosen, places, order, (page - 1) * size, size), total, page


def _chosen(
    session: Session,
    actor: Actor,
    jurisdiction: str | None,
    status: str | None,
    category: str | None,
    stage: str | None,
) -> tuple[list[ColumnElement[bool]], list[Jurisdiction]]:
    """The conditions on the barrier table that pick what ``list_barriers`` lists, and the places read."""
    if jurisdiction is not None:
        place = get_jurisdiction(session, jurisdiction)
        require(actor, "read", Record.barrier, place, f"read the barriers of {place.name}")
        places = [place]
    else:
        places = places_may(session, actor, "read", Record.barrier)
    try:
        given = (("status", status), ("category", category), ("stage", stage))
        filters = BarrierUpdate.model_validate({k: v for k, v in given if v})
    except ValidationError as exc:
        raise ValidationFailed("Cannot list barriers with that filter:", problems_of(exc)) from None
    chosen: list[ColumnElement[bool]] = [col(Barrier.jurisdiction_id).in_([p.id for p in places])]
    if filters.status is not None:
        chosen.append(col(Barrier.status) == filters.status.value)
    if filters.category is not None:
        chosen.append(col(Barrier.category) == filters.category)
    if filters.stage is not None:
        chosen.append(col(Barrier.stage) == filters.stage)
    return chosen, places


def listed(
    session: Session,
    chosen: list[ColumnElement[bool]],
    places: list[Jurisdiction],
    order: Sequence[Any] = (),
    offset: int = 0,
    limit: int | None = None,
) -> list[BarrierPublic]:
    """The barriers matching ``chosen`` (conditions on the barrier table) in ``places``, in ``order``
    (oldest first by default), ``limit`` of them from ``offset``.

    Three queries whatever their number (the barriers, their linked inputs, their owners' emails),
    not two more per barrier: a board of 500 barriers was 750 statements."""
    query = select(Barrier).where(*chosen).order_by(*(order or [col(Barrier.id)])).offset(offset).limit(limit)
    barriers = list(session.exec(query))
    if not barriers:
        return []
    chosen = [col(Barrier.id).in_([row_id(b) for b in barriers])] if limit is not None else chosen
    inputs: dict[int, list[int]] = {}
    linked = select(BarrierInput.barrier_id, BarrierInput.input_id).join(
        Barrier, col(Barrier.id) == col(BarrierInput.barrier_id)
    )
    for barrier_id, input_id in session.exec(linked.where(*chosen).order_by(col(BarrierInput.input_id))):
        inputs.setdefault(barrier_id, []).append(input_id)
    owners = select(Person.id, Person.email).join(Barrier, col(Barrier.owner_id) == col(Person.id))
    emails = dict(session.exec(owners.where(*chosen).distinct()).all())
    by_id = {row_id(p): p for p in places}
    labels = Labels()
    return [
        public(
            session,
            b,
            by_id[b.jurisdiction_id],
            editable_values(b, inputs.get(row_id(b), []), emails.get(b.owner_id)),
            labels,
        )
        for b in barriers
    ]


def barrier_history(session: Session, actor: Actor, barrier_id: int) -> list[BarrierChange]:
    """Every change of the barrier, oldest first, with labels for its codes."""
    BARRIERS.readable(session, actor, barrier_id)
    changes = []
    for entry in history.entries(session, BARRIERS.entity, barrier_id):
        plain = HistoryEntry.of(entry)
        changes.append(
            BarrierChange(
                **plain.model_dump(),
                field_label=FIELD_LABELS.get(entry.field, entry.field.replace("_", " ").capitalize()),
                old_label=value_label(entry.field, entry.old),
                new_label=value_label(entry.field, entry.new),
            )
        )
    return changes


def value_label(field: str, value: str | None) -> str | None:
    """A stored code as people read it ("action_planned" is "Action planned")."""
    if value is None:
        return None
    if field == "status" and value in set(BarrierStatus):
        return BarrierStatus(value).label
    labels = {"category": category_label, "stage": stage_label, "controller": controller_label}
    return labels[field](value) if field in labels else value


# --- writing ------------------------------------------------------------------------------------------


def add_barrier(session: Session, actor: Actor, jurisdiction: str, data: BarrierCreate) -> BarrierPublic:
    """Record a new barrier (status identified, version 1) in ``jurisdiction``'s inventory."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "write", Record.barrier, place, f"record barriers of {place.name}")
    wanted = data.model_dump()
    problems = BARRIERS.problems(session, place, None, wanted, "")
    if problems:
        raise not_saved("barrier", problems)
    owner = find_person(session, data.owner) if data.owner else None
    at = utcnow()
    barrier = Barrier(
        jurisdiction_id=row_id(place),
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
    link_inputs(session, actor, row_id(barrier), data.inputs, at)
    history.record_changes(
        session, actor.email, BARRIERS.entity, row_id(barrier), place.id, [("created", None, barrier.title)], "", at
    )
    return public(session, barrier, place)


def update_barrier(
    session: Session,
    actor: Actor,
    barrier_id: int,
    changes: BarrierUpdate,
    expected_version: int | None,
    note: str = "",
) -> tuple[BarrierPublic, list[str]]:
    """Change a barrier's fields and/or status, as one new version with its history; returns the
    barrier and any notices for the person.

    ``expected_version`` is the version the person read; if someone changed the barrier since,
    Conflict names who and when, and nothing is written. With None the change applies to the
    latest version, and a notice says when it replaced a value someone saved meanwhile, so doors
    that show a barrier before it is edited, and the spreadsheet import, should pass it. A change
    that changes nothing keeps the version.
    """
    saved = BARRIERS.update(session, actor, barrier_id, changes.changes(), expected_version, note)
    return public(session, saved.row), saved.notices


def correct_status(
    session: Session, actor: Actor, barrier_id: int, status: str, note: str, expected_version: int | None = None
) -> tuple[BarrierPublic, list[str]]:
    """Set a barrier's status to correct one set by mistake (a final "not pursued" included): the
    program manager of its jurisdiction or an administrator, with a reason kept in its history.
    Returns the barrier and any notices, as ``update_barrier`` does."""
    wanted = BarrierUpdate.model_validate({"status": status}).changes()
    saved = CORRECTIONS.update(session, actor, barrier_id, wanted, expected_version, note, ["(a correction)"])
    return public(session, saved.row), saved.notices


def inventory(session: Session, actor: Actor, jurisdiction: str) -> tuple[str, list[BarrierPublic]]:
    """A jurisdiction's name as stored and its barriers, for the inventory spreadsheet."""
    place = get_jurisdiction(session, jurisdiction)
    return place.name, list_barriers(session, actor, place.name)
