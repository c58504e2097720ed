"""A goal's milestones and measured values: steps toward it, and where its measure stands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from assessment.cohorts.models import Jurisdiction
from assessment.cohorts.people import email_of, find_person, unknown_person
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, ValidationFailed, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import validate
from assessment.goals.models import Goal, GoalMeasure, GoalPublic, Milestone, MilestonePublic
from assessment.goals.service import GOALS, MILESTONE, get_goal, latest_measure, milestone_public, public, update_goal
from assessment.goals.shapes import GoalUpdate, MeasureCreate, MilestoneCreate, MilestoneUpdate


def _writable_goal(session: Session, actor: Actor, goal_id: int) -> tuple[Goal, Jurisdiction]:
    goal = GOALS.load(session, goal_id)
    place = GOALS.place_of(session, goal)
    require(actor, "write", Record.goal, place, f"change the goals of {place.name}")
    return goal, place


def _owner_id(session: Session, email: str | None, problems: list[Problem]) -> int | None:
    problems += unknown_person(session, email)
    person = find_person(session, email) if email else None
    return person.id if person else None


def add_milestone(session: Session, actor: Actor, goal_id: int, data: MilestoneCreate) -> MilestonePublic:
    goal, place = _writable_goal(session, actor, goal_id)
    problems: list[Problem] = []
    owner_id = _owner_id(session, data.owner, problems)
    if problems:
        raise not_saved("milestone", problems)
    at = utcnow()
    milestone = Milestone(
        goal_id=row_id(goal),
        title=data.title,
        due_on=data.due,
        owner_id=owner_id,
        created_at=at,
        created_by=actor.email,
    )
    session.add(milestone)
    session.flush()
    history.record(session, actor.email, MILESTONE, row_id(milestone), "created", None, data.title, "", place.id, at)
    return milestone_public(session, milestone)


def _writable_milestone(session: Session, actor: Actor, milestone_id: int) -> tuple[Milestone, Jurisdiction]:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(f"No milestone with id {milestone_id}; show the goal to find its milestones' ids.")
    _, place = _writable_goal(session, actor, milestone.goal_id)
    return milestone, place


def update_milestone(
    session: Session, actor: Actor, milestone_id: int, changes: MilestoneUpdate, note: str = ""
) -> MilestonePublic:
    """Change a milestone's title, due date or owner (due date and owner may be cleared)."""
    milestone, place = _writable_milestone(session, actor, milestone_id)
    wanted = changes.changes()
    problems: list[Problem] = []
    owner = wanted.get("owner")
    owner_id = _owner_id(session, owner if isinstance(owner, str) else None, problems)
    if problems:
        raise not_saved("milestone", problems)
    current = {"title": milestone.title, "due": milestone.due_on, "owner": email_of(session, milestone.owner_id)}
    diff = [(f, current[f], new) for f, new in wanted.items() if current[f] != new]
    for field, _, new in diff:
        if field == "owner":
            milestone.owner_id = owner_id
        elif field == "due":
            milestone.due_on = new if isinstance(new, date) else None
        else:
            milestone.title = str(new)
    if diff:
        session.add(milestone)
        history.record_changes(session, actor.email, MILESTONE, row_id(milestone), place.id, diff, note, utcnow())
    return milestone_public(session, milestone)


def complete_milestone(
    session: Session, actor: Actor, milestone_id: int, done_on: date | None = None, note: str = ""
) -> MilestonePublic:
    """Mark a milestone done (today when ``done_on`` is not given)."""
    milestone, place = _writable_milestone(session, actor, milestone_id)
    day = done_on or utcnow().date()
    if day > utcnow().date():
        raise ValidationFailed(
            f"The milestone was not marked done: {day.isoformat()} is in the future.",
            [Problem("done", "a milestone is marked done on or after the day it was done")],
        )
    if milestone.done_on is not None:
        raise Conflict(
            f"Milestone {milestone.id} '{milestone.title}' was already marked done on {milestone.done_on.isoformat()}."
        )
    milestone.done_on = day
    session.add(milestone)
    history.record(session, actor.email, MILESTONE, row_id(milestone), "done", None, day, note, place.id)
    return milestone_public(session, milestone)


def change_goal(
    session: Session,
    actor: Actor,
    goal_id: int,
    changes: GoalUpdate | None,
    expected_version: int | None,
    note: str = "",
    value: Decimal | str | float | None = None,
    as_of: date | None = None,
) -> tuple[GoalPublic, list[str]]:
    """Change a goal's fields or status and/or record its measure's latest value, as one unit of
    work; returns the goal as it now is and any warnings."""
    warnings: list[str] = []
    if changes is not None and changes.changes():
        _, warnings = update_goal(session, actor, goal_id, changes, expected_version, note)
    if value is not None:
        record_measure(session, actor, goal_id, value, as_of, note)
    return get_goal(session, actor, goal_id), warnings


def record_measure(
    session: Session,
    actor: Actor,
    goal_id: int,
    value: Decimal | str | float,
    as_of: date | None = None,
    note: str = "",
) -> GoalPublic:
    """Record the goal's measure as of a day (today by default); the latest value counts.
    Returns the goal with its new progress."""
    goal, place = _writable_goal(session, actor, goal_id)
    data = validate(MeasureCreate, {"value": value, "as_of": as_of, "note": note}, "measured value")
    before = latest_measure(session, row_id(goal))
    at = utcnow()
    measure = GoalMeasure(
        goal_id=row_id(goal),
        value=data.value,
        as_of=data.as_of or at.date(),
        note=data.note,
        recorded_by=actor.email,
        recorded_at=at,
    )
    session.add(measure)
    session.flush()
    remark = f"as of {measure.as_of.isoformat()}" + (f": {data.note}" if data.note else "")
    history.record(
        session,
        actor.email,
        GOALS.entity,
        row_id(goal),
        "measure_value",
        before.value if before else None,
        data.value,
        remark,
        place.id,
        at,
    )
    return public(session, goal)
