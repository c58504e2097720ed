"""Near-term process-change goals (session 4): SMART goals linked to the barriers they remove,
with an owner, milestones (``milestones``) and measured values; version-checked changes through
the core mechanism, with history.

Status: any status may follow any other, but dropping a goal needs a reason, and so does
reopening one that is done or dropped. A due date more than 12 months after the goal was set is
accepted with a warning (returned to the caller and written in the history note)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlmodel import Session, col, select

from assessment.barriers.models import Barrier
from assessment.cohorts.jurisdictions import jurisdiction_of
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.people import email_of, find_person, unknown_person
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import NotFound, Problem, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry, as_text
from assessment.core.permissions import Actor, Place, Record, require
from assessment.core.versioned import VersionedKind
from assessment.goals.models import Goal, GoalBarrier, GoalMeasure, GoalPublic, GoalStatus, Milestone, MilestonePublic
from assessment.goals.progress import measure_share, milestone_share
from assessment.goals.shapes import GoalCreate, GoalUpdate

MILESTONE = "milestone"
NEAR_TERM_WARNING = "near-term goals should be due within 12 months"


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def due_warnings(created: date, due: date) -> list[str]:
    """A warning when ``due`` is more than 12 months after ``created``."""
    if due <= one_year_after(created):
        return []
    return [
        f"The due date {due.isoformat()} is more than 12 months after the goal was set "
        f"({created.isoformat()}); {NEAR_TERM_WARNING}."
    ]


def measurable_warnings(measure: str, baseline: Decimal | None, target: Decimal | None) -> list[str]:
    """A warning when the goal has no measure, baseline or target yet: it is not yet SMART."""
    missing = [
        name
        for name, value in (("measure", measure), ("baseline", baseline), ("target", target))
        if value is None or value == ""
    ]
    if not missing:
        return []
    return [
        f"The goal has no {', '.join(missing)} yet, so its progress can't be measured; "
        f"add {' and '.join('--' + m for m in missing)} with `accelerator goal update`."
    ]


def status_problem(old: GoalStatus, new: GoalStatus, note: str) -> str | None:
    if new == old or note.strip():
        return None
    if new is GoalStatus.dropped:
        return "Dropping a goal needs a reason; add a note saying why."
    if old.is_closed:
        return f"Reopening a goal that is {old.label.lower()} needs a reason; add a note saying why."
    return None


def barrier_ids_of(session: Session, goal_id: int) -> list[int]:
    return sorted(session.exec(select(GoalBarrier.barrier_id).where(GoalBarrier.goal_id == goal_id)))


def milestones_of(session: Session, goal_id: int) -> list[Milestone]:
    query = select(Milestone).where(Milestone.goal_id == goal_id)
    order = (col(Milestone.due_on).is_(None), col(Milestone.due_on), col(Milestone.id))
    return list(session.exec(query.order_by(*order)))


def measures_of(session: Session, goal_id: int) -> list[GoalMeasure]:
    """The goal's measured values, oldest first (by the day they are as of, then as recorded)."""
    query = select(GoalMeasure).where(GoalMeasure.goal_id == goal_id)
    return list(session.exec(query.order_by(col(GoalMeasure.as_of), col(GoalMeasure.id))))


def latest_measure(session: Session, goal_id: int) -> GoalMeasure | None:
    measures = measures_of(session, goal_id)
    return measures[-1] if measures else None


def _link(session: Session, goal_id: int, barrier_ids: list[int]) -> None:
    for barrier_id in barrier_ids:
        session.add(GoalBarrier(goal_id=goal_id, barrier_id=barrier_id))


COLUMNS = {"baseline": "baseline_value", "target": "target_value", "due": "due_on"}


class GoalKind(VersionedKind[Goal]):
    """Goals as versioned records: barriers are a link field, the owner is stored by id."""

    table: ClassVar[type[Goal]] = Goal
    record = Record.goal
    entity = "goal"
    noun = "Goal"
    plural = "goals"
    link_fields = frozenset({"barriers"})

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(f"No goal with id {row_id}; list the team's goals to find its id.")

    def place_of(self, session: Session, row: Goal) -> Jurisdiction:
        return jurisdiction_of(session, row.jurisdiction_id)

    def values_of(self, session: Session, row: Goal) -> dict[str, Any]:
        """The goal's editable fields as the shapes name them."""
        return {
            "statement": row.statement,
            "measure": row.measure,
            "baseline": row.baseline_value,
            "target": row.target_value,
            "unit": row.unit,
            "due": row.due_on,
            "owner": email_of(session, row.owner_id),
            "barriers": barrier_ids_of(session, row_id(row)),
            "indicators": list(row.indicators),
            "status": GoalStatus(row.status),
        }

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        problems = unknown_person(session, wanted.get("owner"))
        for barrier_id in wanted.get("barriers") or []:
            barrier = session.get(Barrier, barrier_id)
            if barrier is None:
                problems.append(Problem("barriers", f"no barrier with id {barrier_id}"))
            elif barrier.jurisdiction_id != place.id:
                problems.append(
                    Problem(
                        "barriers",
                        f"barrier {barrier_id} belongs to another jurisdiction; "
                        f"a goal of {place.name} removes barriers of {place.name}",
                    )
                )
        if current is not None:
            merged = {**current, **wanted}
            if merged["baseline"] == merged["target"]:
                problems.append(
                    Problem("target", "equals the baseline; a goal's target must differ from where it starts")
                )
            refused = status_problem(current["status"], merged["status"], note)
            if refused:
                problems.append(Problem("status", refused))
        return problems

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        if field == "owner":
            person = find_person(session, str(new))
            return {"owner_id": person.id if person else None}
        if field == "status":
            return {"status": GoalStatus(str(new)).value}
        return {COLUMNS.get(field, field): new}

    def relink(self, session: Session, actor: Actor, row: Goal, field: str, old: Any, new: Any, at: datetime) -> None:
        for link in session.exec(select(GoalBarrier).where(GoalBarrier.goal_id == row.id)):
            if link.barrier_id not in new:
                session.delete(link)
        _link(session, row_id(row), [b for b in new if b not in old])


GOALS = GoalKind()


def milestone_public(session: Session, milestone: Milestone) -> MilestonePublic:
    return MilestonePublic(
        id=row_id(milestone),
        title=milestone.title,
        due=milestone.due_on,
        owner=email_of(session, milestone.owner_id),
        done=milestone.done_on,
    )


def public(session: Session, goal: Goal) -> GoalPublic:
    """The goal as people and scripts read it: decimal values as exact text, with its milestones,
    its progress and the warnings that still apply."""
    values = GOALS.values_of(session, goal)
    cohort = select(Cohort.name).join(Team, col(Team.cohort_id) == col(Cohort.id)).where(Team.id == goal.team_id)
    milestones = milestones_of(session, row_id(goal))
    latest = latest_measure(session, row_id(goal))
    value = latest.value if latest else None
    done = sum(1 for m in milestones if m.done_on is not None)
    return GoalPublic(
        id=row_id(goal),
        version=goal.version,
        jurisdiction=GOALS.place_of(session, goal).name,
        cohort=session.exec(cohort).one(),
        **{**values, "baseline": as_text(goal.baseline_value), "target": as_text(goal.target_value)},
        status_label=values["status"].label,
        milestones=[milestone_public(session, m) for m in milestones],
        latest_value=as_text(value),
        latest_as_of=latest.as_of if latest else None,
        milestone_share=milestone_share(done, len(milestones)),
        measure_share=measure_share(goal.baseline_value, goal.target_value, value),
        warnings=due_warnings(goal.created_at.date(), goal.due_on)
        + measurable_warnings(goal.measure, goal.baseline_value, goal.target_value),
        created_at=goal.created_at,
        created_by=goal.created_by,
        updated_at=goal.updated_at,
        updated_by=goal.updated_by,
    )


# --- reading ------------------------------------------------------------------------------------------


def get_goal(session: Session, actor: Actor, goal_id: int) -> GoalPublic:
    return public(session, GOALS.readable(session, actor, goal_id))


def list_goals(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[GoalPublic]:
    """The team's goals, soonest due first."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.goal, place, f"read the goals of {place.name}")
    query = select(Goal).where(Goal.team_id == team.id).order_by(col(Goal.due_on), col(Goal.id))
    return [public(session, g) for g in session.exec(query)]


def goal_history(session: Session, actor: Actor, goal_id: int) -> list[HistoryEntry]:
    """Every change of the goal and of its milestones, oldest first."""
    GOALS.readable(session, actor, goal_id)
    entries = history.entries(session, GOALS.entity, goal_id)
    for milestone in milestones_of(session, goal_id):
        entries += history.entries(session, MILESTONE, row_id(milestone))
    return [HistoryEntry.of(e) for e in sorted(entries, key=lambda e: (e.at, e.id or 0))]


# --- writing ------------------------------------------------------------------------------------------


def add_goal(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, data: GoalCreate
) -> tuple[GoalPublic, list[str]]:
    """Set a SMART goal for the team of ``jurisdiction`` in ``cohort`` (owned by the actor unless
    another owner is named); returns the goal and any warnings (a due date more than 12 months
    away, a goal not yet measurable)."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.goal, place, f"set goals for {place.name}")
    wanted = {**data.model_dump(), "owner": data.owner or actor.email}
    problems = GOALS.problems(session, place, None, wanted, "")
    if problems:
        raise not_saved("goal", problems)
    owner = find_person(session, wanted["owner"])
    if owner is None:
        raise not_saved("goal", [Problem("owner", f"nobody with the email {wanted['owner']} is registered")])
    at = utcnow()
    warnings = due_warnings(at.date(), data.due) + measurable_warnings(data.measure, data.baseline, data.target)
    goal = Goal(
        team_id=row_id(team),
        jurisdiction_id=row_id(place),
        statement=data.statement,
        measure=data.measure,
        baseline_value=data.baseline,
        target_value=data.target,
        unit=data.unit,
        due_on=data.due,
        owner_id=row_id(owner),
        indicators=data.indicators,
        status=GoalStatus.not_started.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(goal)
    session.flush()
    _link(session, row_id(goal), data.barriers)
    history.record_changes(
        session,
        actor.email,
        GOALS.entity,
        row_id(goal),
        place.id,
        [("created", None, goal.statement)],
        " ".join(warnings),
        at,
    )
    return public(session, goal), warnings


def update_goal(
    session: Session, actor: Actor, goal_id: int, changes: GoalUpdate, expected_version: int | None, note: str = ""
) -> tuple[GoalPublic, list[str]]:
    """Change a goal's fields and/or status as one new version with its history; returns the goal
    and any warnings. ``expected_version`` works as for barriers (None: the change applies to the
    latest version, with a warning when it replaced a value someone saved meanwhile)."""
    goal = GOALS.load(session, goal_id)
    warnings = due_warnings(goal.created_at.date(), changes.due) if changes.due else []
    saved = GOALS.update(session, actor, goal_id, changes.changes(), expected_version, note, warnings)
    return public(session, saved.row), [*warnings, *saved.notices]
