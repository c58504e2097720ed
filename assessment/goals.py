"""Near-term process-change goals (session 4): SMART goals linked to the barriers they remove,
with an owner, milestones and measured values; their progress; version-checked changes with
history.

Status: any status may follow any other, but dropping a goal needs a reason, and so does
reopening one that is done or dropped. A due date more than 12 months after the goal was set is
accepted with a warning (returned to the caller and written in the history note)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from assessment import history
from assessment.barriers import READERS, WRITERS, as_text, record_change, stale_message
from assessment.cohorts import get_team
from assessment.errors import Conflict, NotFound, Problem, ValidationFailed
from assessment.models import Cohort, History, Jurisdiction, Team, utcnow
from assessment.people import email_of, find_person
from assessment.permissions import Actor, require
from assessment.planning import (
    Barrier,
    Goal,
    GoalBarrier,
    GoalMeasure,
    GoalStatus,
    Milestone,
    save_versioned,
)
from assessment.shapes import (
    GoalCreate,
    GoalUpdate,
    MeasureCreate,
    MilestoneCreate,
    MilestoneUpdate,
    validate,
)

ENTITY = "goal"
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
    return [(f"The due date {due.isoformat()} is more than 12 months after the goal was set "
            f"({created.isoformat()}); {NEAR_TERM_WARNING}.")]


def measurable_warnings(measure: str, baseline: Decimal | None, target: Decimal | None) -> list[str]:
    """A warning when the goal has no measure, baseline or target yet: it is not yet SMART."""
    missing = [name for name, value in (("measure", measure), ("baseline", baseline), ("target", target))
               if value is None or value == ""]
    if not missing:
        return []
    return [f"The goal has no {', '.join(missing)} yet, so its progress can't be measured; "
            f"add {' and '.join('--' + m for m in missing)} with `accelerator goal update`."]


def status_problem(old: GoalStatus, new: GoalStatus, note: str) -> str | None:
    if new == old or note.strip():
        return None
    if new is GoalStatus.dropped:
        return "Dropping a goal needs a reason; add a note saying why."
    if old.is_closed:
        return f"Reopening a goal that is {old.label.lower()} needs a reason; add a note saying why."
    return None


# --- reading ----------------------------------------------------------------------------------------


def _load(session: Session, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"No goal with id {goal_id}; list the team's goals to find its id.")
    return goal


def _place(session: Session, goal: Goal) -> Jurisdiction:
    return session.get(Jurisdiction, goal.jurisdiction_id)  # type: ignore[return-value]


def get_goal(session: Session, actor: Actor, goal_id: int) -> Goal:
    goal = _load(session, goal_id)
    place = _place(session, goal)
    require(actor, f"read the goals of {place.name}", READERS, place)
    return goal


def list_goals(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[Goal]:
    """The team's goals, soonest due first."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"read the goals of {place.name}", READERS, place)
    query = select(Goal).where(Goal.team_id == team.id)
    return list(session.exec(query.order_by(col(Goal.due_on), col(Goal.id))))


def barrier_ids_of(session: Session, goal_id: int) -> list[int]:
    return sorted(session.exec(select(GoalBarrier.barrier_id).where(GoalBarrier.goal_id == goal_id)))


def milestones_of(session: Session, goal_id: int) -> list[Milestone]:
    query = select(Milestone).where(Milestone.goal_id == goal_id)
    return list(session.exec(query.order_by(col(Milestone.due_on).is_(None), col(Milestone.due_on), col(Milestone.id))))


def measures_of(session: Session, goal_id: int) -> list[GoalMeasure]:
    """The goal's measured values, oldest first (by the day they are as of, then as recorded)."""
    query = select(GoalMeasure).where(GoalMeasure.goal_id == goal_id)
    return list(session.exec(query.order_by(col(GoalMeasure.as_of), col(GoalMeasure.id))))


def latest_measure(session: Session, goal_id: int) -> GoalMeasure | None:
    measures = measures_of(session, goal_id)
    return measures[-1] if measures else None


def goal_history(session: Session, actor: Actor, goal_id: int) -> list[History]:
    """Every change of the goal and of its milestones, oldest first."""
    get_goal(session, actor, goal_id)
    entries = history.entries(session, ENTITY, goal_id)
    for milestone in milestones_of(session, goal_id):
        entries += history.entries(session, MILESTONE, milestone.id)  # type: ignore[arg-type]
    return sorted(entries, key=lambda e: (e.at, e.id))


def values_of(session: Session, goal: Goal) -> dict[str, Any]:
    """The goal's editable fields as the shapes name them."""
    return {
        "statement": goal.statement,
        "measure": goal.measure,
        "baseline": goal.baseline_value,
        "target": goal.target_value,
        "unit": goal.unit,
        "due": goal.due_on,
        "owner": email_of(session, goal.owner_id),
        "barriers": barrier_ids_of(session, goal.id),  # type: ignore[arg-type]
        "indicators": list(goal.indicators),
        "status": GoalStatus(goal.status),
    }


class GoalProgress(BaseModel):
    """How far a goal has come: milestones done, and the latest value against the target."""

    milestones_done: int
    milestones_total: int
    milestone_share: float | None
    baseline: Decimal | None
    target: Decimal | None
    latest_value: Decimal | None
    latest_as_of: date | None
    measure_share: float | None

    @staticmethod
    def share(baseline: Decimal | None, target: Decimal | None, value: Decimal | None) -> float | None:
        """The share of the way from baseline to target (1.0 = met; past the target reads above 1,
        a move the wrong way below 0), or None without a value."""
        if value is None or baseline is None or target is None or target == baseline:
            return None
        return round(float((value - baseline) / (target - baseline)), 4)


def goal_progress(session: Session, goal: Goal) -> GoalProgress:
    milestones = milestones_of(session, goal.id)  # type: ignore[arg-type]
    done = sum(1 for m in milestones if m.done_on is not None)
    latest = latest_measure(session, goal.id)  # type: ignore[arg-type]
    value = latest.value if latest else None
    return GoalProgress(
        milestones_done=done,
        milestones_total=len(milestones),
        milestone_share=round(done / len(milestones), 4) if milestones else None,
        baseline=goal.baseline_value,
        target=goal.target_value,
        latest_value=value,
        latest_as_of=latest.as_of if latest else None,
        measure_share=GoalProgress.share(goal.baseline_value, goal.target_value, value),
    )


def milestone_dict(session: Session, milestone: Milestone) -> dict[str, Any]:
    return {
        "id": milestone.id,
        "title": milestone.title,
        "due": milestone.due_on.isoformat() if milestone.due_on else None,
        "owner": email_of(session, milestone.owner_id),
        "done": milestone.done_on.isoformat() if milestone.done_on else None,
    }


def goal_dict(session: Session, goal: Goal) -> dict[str, Any]:
    """The goal, JSON-ready (decimal values as exact text), with milestones and progress."""
    values = values_of(session, goal)
    team = session.get(Team, goal.team_id)
    progress = goal_progress(session, goal)
    return {
        "id": goal.id,
        "version": goal.version,
        "jurisdiction": _place(session, goal).name,
        "cohort": session.get(Cohort, team.cohort_id).name,  # type: ignore[union-attr]
        **values,
        "baseline": as_text(goal.baseline_value),
        "target": as_text(goal.target_value),
        "due": goal.due_on.isoformat(),
        "status": goal.status,
        "status_label": GoalStatus(goal.status).label,
        "milestones": [milestone_dict(session, m) for m in milestones_of(session, goal.id)],  # type: ignore[arg-type]
        "latest_value": as_text(progress.latest_value),
        "latest_as_of": progress.latest_as_of.isoformat() if progress.latest_as_of else None,
        "milestone_share": progress.milestone_share,
        "measure_share": progress.measure_share,
        "warnings": due_warnings(goal.created_at.date(), goal.due_on)
        + measurable_warnings(goal.measure, goal.baseline_value, goal.target_value),
        "created_at": goal.created_at.isoformat(),
        "created_by": goal.created_by,
        "updated_at": goal.updated_at.isoformat(),
        "updated_by": goal.updated_by,
    }


# --- checking and writing ---------------------------------------------------------------------------


def _problems(session: Session, place: Jurisdiction, current: dict[str, Any] | None,
              wanted: dict[str, Any], note: str) -> list[Problem]:
    problems: list[Problem] = []
    owner = wanted.get("owner")
    if owner and find_person(session, owner) is None:
        problems.append(Problem("owner", f"nobody with the email {owner} is registered; register them first"))
    for barrier_id in wanted.get("barriers") or []:
        barrier = session.get(Barrier, barrier_id)
        if barrier is None:
            problems.append(Problem("barriers", f"no barrier with id {barrier_id}"))
        elif barrier.jurisdiction_id != place.id:
            problems.append(Problem("barriers", f"barrier {barrier_id} belongs to another jurisdiction; "
                                                f"a goal of {place.name} removes barriers of {place.name}"))
    if current is not None:
        merged = {**current, **wanted}
        if merged["baseline"] == merged["target"]:
            problems.append(Problem("target", "equals the baseline; a goal's target must differ from where it starts"))
        refused = status_problem(current["status"], merged["status"], note)
        if refused:
            problems.append(Problem("status", refused))
    return problems


def _refuse(what: str, problems: Sequence[Problem]) -> ValidationFailed:
    return ValidationFailed(f"The {what} was not saved; fix these and try again:", list(problems))


def _link(session: Session, goal: Goal, barrier_ids: Sequence[int]) -> None:
    for barrier_id in barrier_ids:
        session.add(GoalBarrier(goal_id=goal.id, barrier_id=barrier_id))  # type: ignore[arg-type]


def add_goal(session: Session, actor: Actor, jurisdiction: str, cohort: str, data: GoalCreate) -> tuple[Goal, list[str]]:
    """Set a SMART goal for the team of ``jurisdiction`` in ``cohort``; returns the goal and any
    warnings (a due date more than 12 months away)."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, f"set goals for {place.name}", WRITERS, place)
    problems = _problems(session, place, None, data.model_dump(), "")
    if problems:
        raise _refuse("goal", problems)
    at = utcnow()
    warnings = due_warnings(at.date(), data.due) + measurable_warnings(data.measure, data.baseline, data.target)
    goal = Goal(
        team_id=team.id,  # type: ignore[arg-type]
        jurisdiction_id=place.id,  # type: ignore[arg-type]
        statement=data.statement,
        measure=data.measure,
        baseline_value=data.baseline,
        target_value=data.target,
        unit=data.unit,
        due_on=data.due,
        owner_id=find_person(session, data.owner).id,  # type: ignore[union-attr, arg-type]
        indicators=data.indicators,
        status=GoalStatus.not_started.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(goal)
    session.flush()
    _link(session, goal, data.barriers)
    record_change(session, actor, ENTITY, goal.id, place.id, [("created", None, goal.statement)],  # type: ignore[arg-type]
                  " ".join(warnings), at)
    return goal, warnings


COLUMNS = {"baseline": "baseline_value", "target": "target_value", "due": "due_on", "owner": "owner_id"}


def update_goal(
    session: Session,
    actor: Actor,
    goal_id: int,
    changes: GoalUpdate,
    expected_version: int | None,
    note: str = "",
) -> tuple[Goal, list[str]]:
    """Change a goal's fields and/or status as one new version with its history; returns the goal
    and any warnings. ``expected_version`` works as for barriers (None: no check against what the
    person read)."""
    goal = _load(session, goal_id)
    place = _place(session, goal)
    require(actor, f"change the goals of {place.name}", WRITERS, place)
    if expected_version is not None and goal.version != expected_version:
        raise Conflict(stale_message(session, ENTITY, f"Goal {goal.id}", goal, expected_version))
    current = values_of(session, goal)
    wanted = changes.changes()
    problems = _problems(session, place, current, wanted, note)
    if problems:
        raise _refuse("goal", problems)
    diff = [(f, current[f], new) for f, new in wanted.items() if current[f] != new]
    warnings = due_warnings(goal.created_at.date(), changes.due) if changes.due else []
    if not diff:
        return goal, warnings
    columns: dict[str, Any] = {}
    for field, _, new in diff:
        if field == "owner":
            columns["owner_id"] = find_person(session, new).id  # type: ignore[arg-type, union-attr]
        elif field == "status":
            columns["status"] = GoalStatus(new).value  # type: ignore[arg-type]
        elif field != "barriers":
            columns[COLUMNS.get(field, field)] = new
    at = utcnow()
    read = goal.version
    if not save_versioned(session, goal, columns, actor.email, at, read if expected_version is None else expected_version):
        session.refresh(goal)
        raise Conflict(stale_message(session, ENTITY, f"Goal {goal.id}", goal, expected_version or read))
    for field, old, new in diff:
        if field == "barriers":
            for link in session.exec(select(GoalBarrier).where(GoalBarrier.goal_id == goal.id)):
                if link.barrier_id not in new:  # type: ignore[operator]
                    session.delete(link)
            _link(session, goal, [b for b in new if b not in old])  # type: ignore[attr-defined]
    record_change(session, actor, ENTITY, goal.id, place.id, diff, " ".join([note, *warnings]).strip(), at)  # type: ignore[arg-type]
    return goal, warnings


# --- milestones and measures ------------------------------------------------------------------------


def _writable_goal(session: Session, actor: Actor, goal_id: int) -> tuple[Goal, Jurisdiction]:
    goal = _load(session, goal_id)
    place = _place(session, goal)
    require(actor, f"change the goals of {place.name}", WRITERS, place)
    return goal, place


def _owner_id(session: Session, email: str | None, problems: list[Problem]) -> int | None:
    if not email:
        return None
    person = find_person(session, email)
    if person is None:
        problems.append(Problem("owner", f"nobody with the email {email} is registered; register them first"))
        return None
    return person.id


def add_milestone(session: Session, actor: Actor, goal_id: int, data: MilestoneCreate) -> Milestone:
    goal, place = _writable_goal(session, actor, goal_id)
    problems: list[Problem] = []
    owner_id = _owner_id(session, data.owner, problems)
    if problems:
        raise _refuse("milestone", problems)
    at = utcnow()
    milestone = Milestone(goal_id=goal.id, title=data.title, due_on=data.due, owner_id=owner_id,  # type: ignore[arg-type]
                          created_at=at, created_by=actor.email)
    session.add(milestone)
    session.flush()
    record_change(session, actor, MILESTONE, milestone.id, place.id, [("created", None, data.title)], "", at)  # type: ignore[arg-type]
    return milestone


def _writable_milestone(session: Session, actor: Actor, milestone_id: int) -> tuple[Milestone, Jurisdiction]:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(f"No milestone with id {milestone_id}; show the goal to find its milestones' ids.")
    _, place = _writable_goal(session, actor, milestone.goal_id)
    return milestone, place


def update_milestone(session: Session, actor: Actor, milestone_id: int, changes: MilestoneUpdate,
                     note: str = "") -> Milestone:
    """Change a milestone's title, due date or owner (due date and owner may be cleared)."""
    milestone, place = _writable_milestone(session, actor, milestone_id)
    wanted = changes.changes()
    problems: list[Problem] = []
    owner_id = _owner_id(session, wanted.get("owner"), problems)  # type: ignore[arg-type]
    if problems:
        raise _refuse("milestone", problems)
    current = {"title": milestone.title, "due": milestone.due_on, "owner": email_of(session, milestone.owner_id)}
    diff = [(f, current[f], new) for f, new in wanted.items() if current[f] != new]
    for field, _, new in diff:
        if field == "owner":
            milestone.owner_id = owner_id
        elif field == "due":
            milestone.due_on = new  # type: ignore[assignment]
        else:
            milestone.title = new  # type: ignore[assignment]
    if diff:
        session.add(milestone)
        record_change(session, actor, MILESTONE, milestone.id, place.id, diff, note, utcnow())  # type: ignore[arg-type]
    return milestone


def complete_milestone(session: Session, actor: Actor, milestone_id: int, done_on: date | None = None,
                       note: str = "") -> Milestone:
    """Mark a milestone done (today when ``done_on`` is not given)."""
    milestone, place = _writable_milestone(session, actor, milestone_id)
    day = done_on or utcnow().date()
    if day > utcnow().date():
        raise ValidationFailed(f"The milestone was not marked done: {day.isoformat()} is in the future.",
                               [Problem("done", "a milestone is marked done on or after the day it was done")])
    if milestone.done_on is not None:
        raise Conflict(f"Milestone {milestone.id} '{milestone.title}' was already marked done on "
                       f"{milestone.done_on.isoformat()}.")
    milestone.done_on = day
    session.add(milestone)
    record_change(session, actor, MILESTONE, milestone.id, place.id, [("done", None, day)], note, utcnow())  # type: ignore[arg-type]
    return milestone


def record_measure(session: Session, actor: Actor, goal_id: int, value: Decimal | str | float,
                   as_of: date | None = None, note: str = "") -> GoalMeasure:
    """Record the goal's measure as of a day (today by default); the latest value counts."""
    goal, place = _writable_goal(session, actor, goal_id)
    data = validate(MeasureCreate, {"value": value, "as_of": as_of, "note": note}, "measured value")
    before = latest_measure(session, goal.id)  # type: ignore[arg-type]
    at = utcnow()
    measure = GoalMeasure(goal_id=goal.id, value=data.value, as_of=data.as_of or at.date(), note=data.note,  # type: ignore[arg-type]
                          recorded_by=actor.email, recorded_at=at)
    session.add(measure)
    session.flush()
    record_change(session, actor, ENTITY, goal.id, place.id,  # type: ignore[arg-type]
                  [("measure_value", before.value if before else None, data.value)],
                  f"as of {measure.as_of.isoformat()}" + (f": {data.note}" if data.note else ""), at)
    return measure
