"""Candidate process changes (session 3): proposed against the team's barriers, scored 1-5 on four
criteria through the core versioned mechanism, ranked, set aside with a reason, or carried into
a goal (session 4).

Ranking: only fully scored changes that are not set aside are ranked, by the sum of their four
scores (higher first), ties by equity impact, then feasibility, then id (the older first). The
changes still missing a score follow, saying which, and the ones set aside come last.

Lifecycle: a candidate may be set aside (with a reason) or carried into a goal; a change set
aside may still be carried when the team changes its mind; a carried change stays carried."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from assessment.barriers.models import Barrier, BarrierInput
from assessment.cohorts.jurisdictions import jurisdiction_of
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, not_saved
from assessment.core.fields import Timestamp, row_id, utcnow
from assessment.core.history import HistoryEntry
from assessment.core.permissions import Actor, Place, Record, require
from assessment.core.shapes import validate
from assessment.core.versioned import VersionedKind
from assessment.goals.models import GoalPublic
from assessment.goals.service import add_goal
from assessment.goals.shapes import GoalCreate
from assessment.sessions.models import ChangeStatus, ProcessChange, ProcessChangeBarrier
from assessment.sessions.shapes import CRITERIA, ChangeCarry, ChangeCreate, ChangeScores

S = ChangeStatus


class ChangePublic(BaseModel):
    """A candidate process change as people and scripts read it: its scores, total and rank, the
    barriers it removes and how much community input speaks to them."""

    id: int
    version: int
    jurisdiction: str
    cohort: str
    title: str
    description: str
    equity_impact: int | None
    feasibility: int | None
    time_to_effect: int | None
    community_input: int | None
    total: int | None  # the sum of the four scores, once all four are given
    missing: list[str]  # the criteria not scored yet, as people read them
    rank: int | None  # 1 is the best; None until fully scored, and for a change set aside
    barriers: list[int]
    community_inputs: int  # community input linked to those barriers: context for its score
    status: ChangeStatus
    status_label: str
    goal_id: int | None
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


def barrier_ids_of(session: Session, change_id: int) -> list[int]:
    query = select(ProcessChangeBarrier.barrier_id).where(ProcessChangeBarrier.change_id == change_id)
    return sorted(session.exec(query))


class ChangeKind(VersionedKind[ProcessChange]):
    """Candidate process changes as versioned records: scores, status and the goal carried into."""

    table: ClassVar[type[ProcessChange]] = ProcessChange
    record = Record.process_change
    entity = "process_change"
    noun = "Change"
    plural = "process changes"

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(
            f"No process change with id {row_id}; list the team's changes with "
            "`accelerator change list --jurisdiction NAME --cohort NAME` to find its id."
        )

    def place_of(self, session: Session, row: ProcessChange) -> Jurisdiction:
        return jurisdiction_of(session, row.jurisdiction_id)

    def values_of(self, session: Session, row: ProcessChange) -> dict[str, Any]:
        return {
            "title": row.title,
            "description": row.description,
            **{name: getattr(row, name) for name in CRITERIA},
            "status": S(row.status),
            "goal": row.goal_id,
        }

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        if current is None or "status" not in wanted or wanted["status"] == current["status"]:
            return []
        old, new = current["status"], wanted["status"]
        if old is S.carried:
            return [Problem("status", f"the change was carried into goal {current['goal']} and stays carried")]
        if new is S.set_aside and not note.strip():
            return [Problem("reason", "setting a change aside needs a reason; say why the team set it aside")]
        if new is S.carried and wanted.get("goal") is None:
            return [Problem("goal", "a change is carried into a goal; carry it with `accelerator change carry`")]
        if new is S.candidate:
            return [Problem("status", "a change set aside is not reopened; carry it into a goal if the team wants it")]
        return []

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        if field == "status":
            return {"status": S(str(new)).value}
        if field == "goal":
            return {"goal_id": new}
        return {field: new}


CHANGES = ChangeKind()


# --- reading ------------------------------------------------------------------------------------------


def _inputs_per_change(session: Session, change_ids: list[int]) -> dict[int, int]:
    """How many community inputs are linked to each change's barriers (each input counted once)."""
    change = col(ProcessChangeBarrier.change_id)
    query = (
        select(change, func.count(func.distinct(col(BarrierInput.input_id))))
        .join(BarrierInput, col(BarrierInput.barrier_id) == col(ProcessChangeBarrier.barrier_id))
        .where(change.in_(change_ids))
        .group_by(change)
    )
    return dict(session.exec(query).all())


def _ranked(session: Session, team: Team, place: Jurisdiction, cohort: Cohort) -> list[ChangePublic]:
    """The team's changes: ranked ones first (best first), then those missing scores, then those set aside."""
    rows = list(session.exec(select(ProcessChange).where(ProcessChange.team_id == team.id)))
    inputs = _inputs_per_change(session, [row_id(r) for r in rows])
    links: dict[int, list[int]] = {}
    query = select(ProcessChangeBarrier).where(col(ProcessChangeBarrier.change_id).in_([row_id(r) for r in rows]))
    for link in session.exec(query):
        links.setdefault(link.change_id, []).append(link.barrier_id)
    shown = [
        _public(row, place, cohort, sorted(links.get(row_id(row), [])), inputs.get(row_id(row), 0)) for row in rows
    ]

    def order(change: ChangePublic) -> tuple[int, int, int, int, int]:
        if change.status is S.set_aside:
            return (2, 0, 0, 0, change.id)
        if change.total is None:
            return (1, 0, 0, 0, change.id)
        return (0, -change.total, -(change.equity_impact or 0), -(change.feasibility or 0), change.id)

    shown.sort(key=order)
    rank = 0
    for change in shown:
        if change.total is not None and change.status is not S.set_aside:
            rank += 1
            change.rank = rank
    return shown


def _public(row: ProcessChange, place: Jurisdiction, cohort: Cohort, barriers: list[int], inputs: int) -> ChangePublic:
    scores = {name: getattr(row, name) for name in CRITERIA}
    missing = [label for name, label in CRITERIA.items() if scores[name] is None]
    return ChangePublic(
        id=row_id(row),
        version=row.version,
        jurisdiction=place.name,
        cohort=cohort.name,
        title=row.title,
        description=row.description,
        **scores,
        total=None if missing else sum(scores.values()),
        missing=missing,
        rank=None,
        barriers=barriers,
        community_inputs=inputs,
        status=S(row.status),
        status_label=S(row.status).label,
        goal_id=row.goal_id,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _team_of(session: Session, row: ProcessChange) -> tuple[Team, Jurisdiction, Cohort]:
    team = session.get(Team, row.team_id)
    cohort = session.get(Cohort, team.cohort_id) if team is not None else None
    if team is None or cohort is None:
        raise NotFound(f"Process change {row.id} belongs to no team.")
    return team, jurisdiction_of(session, row.jurisdiction_id), cohort


def public(session: Session, row: ProcessChange) -> ChangePublic:
    """One change as it stands in its team's ranking."""
    ranked = _ranked(session, *_team_of(session, row))
    return next(change for change in ranked if change.id == row.id)


def ranked_changes(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[ChangePublic]:
    """The team's candidate process changes, ranked (see the module's docstring for the order)."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.process_change, place, f"read the process changes of {place.name}")
    return _ranked(session, team, place, group)


def get_change(session: Session, actor: Actor, change_id: int) -> ChangePublic:
    return public(session, CHANGES.readable(session, actor, change_id))


def change_history(session: Session, actor: Actor, change_id: int) -> list[HistoryEntry]:
    """Every change of the process change (proposed, scored, set aside, carried), oldest first."""
    CHANGES.readable(session, actor, change_id)
    return [HistoryEntry.of(e) for e in history.entries(session, CHANGES.entity, change_id)]


# --- writing ------------------------------------------------------------------------------------------


def _barrier_problems(session: Session, place: Jurisdiction, barrier_ids: list[int]) -> list[Problem]:
    problems = []
    for barrier_id in barrier_ids:
        barrier = session.get(Barrier, barrier_id)
        if barrier is None:
            problems.append(
                Problem(
                    "barriers",
                    f"no barrier with id {barrier_id}.",
                    f'List the barriers with `accelerator barrier list --jurisdiction "{place.name}"`.',
                )
            )
        elif barrier.jurisdiction_id != place.id:
            problems.append(
                Problem(
                    "barriers",
                    f"barrier {barrier_id} belongs to another jurisdiction.",
                    f"A change of {place.name} removes barriers of {place.name}; name one of theirs.",
                )
            )
    return problems


def propose_change(session: Session, actor: Actor, jurisdiction: str, cohort: str, data: ChangeCreate) -> ChangePublic:
    """Record a candidate process change of the team of ``jurisdiction`` in ``cohort``, linked to
    the barriers of that jurisdiction it removes (unscored, version 1)."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.process_change, place, f"propose process changes for {place.name}")
    problems = _barrier_problems(session, place, data.barriers)
    if problems:
        raise not_saved("process change", problems)
    at = utcnow()
    row = ProcessChange(
        team_id=row_id(team),
        jurisdiction_id=row_id(place),
        title=data.title,
        description=data.description,
        status=S.candidate.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(row)
    session.flush()
    for barrier_id in data.barriers:
        session.add(ProcessChangeBarrier(change_id=row_id(row), barrier_id=barrier_id))
    session.flush()
    created = [("created", None, row.title), ("barriers", None, data.barriers)]
    history.record_changes(session, actor.email, CHANGES.entity, row_id(row), place.id, created, "", at)
    return public(session, row)


def score_change(
    session: Session,
    actor: Actor,
    change_id: int,
    scores: ChangeScores,
    expected_version: int | None = None,
    note: str = "",
) -> tuple[ChangePublic, list[str]]:
    """Set any of the four scores as one new version with its history; returns the change (with
    its rank) and any notices. ``expected_version`` works as for barriers: with it, a change made
    since is refused naming who; without it, the scores apply to the latest version."""
    saved = CHANGES.update(session, actor, change_id, scores.changes(), expected_version, note)
    return public(session, saved.row), saved.notices


def set_aside(
    session: Session, actor: Actor, change_id: int, reason: str, expected_version: int | None = None
) -> ChangePublic:
    """Set a candidate change aside, with the team's reason kept in its history."""
    row = CHANGES.load(session, change_id)
    place = CHANGES.place_of(session, row)
    require(actor, "write", Record.process_change, place, f"set aside the process changes of {place.name}")
    if S(row.status) is S.set_aside:
        raise Conflict(f"Change {change_id} is already set aside; nothing was changed.")
    saved = CHANGES.update(session, actor, change_id, {"status": S.set_aside}, expected_version, reason)
    return public(session, saved.row)


def carry_change(
    session: Session, actor: Actor, change_id: int, data: ChangeCarry, expected_version: int | None = None
) -> tuple[ChangePublic, GoalPublic, list[str]]:
    """Carry a change into a goal of its team: the goal's statement is the change's title unless
    another is given, and it removes the change's barriers; the change is marked carried with the
    goal's id. Both are written in the caller's transaction, so a refusal of either leaves neither.
    Returns the change, the goal and the goal's warnings (a goal not yet measurable, ...)."""
    row = CHANGES.load(session, change_id)
    read = row.version
    _, place, cohort = _team_of(session, row)
    require(actor, "write", Record.process_change, place, f"carry the process changes of {place.name} into goals")
    if expected_version is not None and read != expected_version:
        raise Conflict(CHANGES.stale_message(session, row, expected_version))
    if S(row.status) is S.carried:
        raise Conflict(
            f"Change {change_id} was already carried into goal {row.goal_id}; nothing was changed. "
            f'See it with `accelerator goal list --jurisdiction "{place.name}" --cohort "{cohort.name}"`.'
        )
    wanted = {
        **data.model_dump(exclude_none=True),
        "statement": data.statement or row.title,
        "barriers": barrier_ids_of(session, change_id),
    }
    goal, warnings = add_goal(session, actor, place.name, cohort.name, validate(GoalCreate, wanted, "goal"))
    # Saved against the version checked above: a change made meanwhile (another carry included)
    # is refused, and the transaction takes the new goal back with it.
    saved = CHANGES.update(
        session,
        actor,
        change_id,
        {"status": S.carried, "goal": goal.id},
        read,
        f"carried into goal {goal.id}",
    )
    return public(session, saved.row), goal, warnings
