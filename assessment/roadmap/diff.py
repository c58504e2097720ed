"""What changed between two builds of a roadmap, in sentences a team can read."""

from __future__ import annotations

from assessment.roadmap.models import RoadmapChange
from assessment.roadmap.view import GoalView, RoadmapView

GOAL_FIELDS = ("statement", "measure", "target_value", "latest_value", "due", "owner", "status_label", "rank")


def diff(before: RoadmapView, after: RoadmapView) -> list[RoadmapChange]:
    """Goals added, removed or changed; milestones added or done; barrier statuses moved."""
    changes: list[RoadmapChange] = []
    old_goals = {g.id: g for g in before.goals}
    new_goals = {g.id: g for g in after.goals}
    for goal in after.goals:
        previous = old_goals.get(goal.id)
        if previous is None:
            changes.append(RoadmapChange(kind="goal_added", subject=_goal(goal)))
            continue
        changes += _goal_changes(previous, goal)
    for goal_id, goal in old_goals.items():
        if goal_id not in new_goals:
            changes.append(RoadmapChange(kind="goal_removed", subject=_goal(goal)))
    old_barriers = {b.id: b for b in before.barriers}
    for barrier in after.barriers:
        old = old_barriers.get(barrier.id)
        if old is not None and old.status != barrier.status:
            changes.append(
                RoadmapChange(
                    kind="barrier_changed",
                    subject=f"barrier {barrier.id} {barrier.title}",
                    field="status",
                    old=old.status_label,
                    new=barrier.status_label,
                )
            )
    return changes


def _goal_changes(previous: GoalView, goal: GoalView) -> list[RoadmapChange]:
    """A goal's changed fields, then its milestones added or done since ``previous``."""
    changes: list[RoadmapChange] = []
    for field in GOAL_FIELDS:
        old, new = getattr(previous, field), getattr(goal, field)
        if old != new:
            changes.append(
                RoadmapChange(kind="goal_changed", subject=_goal(goal), field=field, old=_text(old), new=_text(new))
            )
    old_milestones = {m.title: m for m in previous.milestones}
    for milestone in goal.milestones:
        subject = f"{_goal(goal)}: {milestone.title}"
        if milestone.title not in old_milestones:
            changes.append(RoadmapChange(kind="milestone_added", subject=subject, new=_text(milestone.due)))
        elif milestone.done and not old_milestones[milestone.title].done:
            changes.append(RoadmapChange(kind="milestone_done", subject=subject, new=_text(milestone.done)))
    return changes


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _goal(goal: GoalView) -> str:
    return f"goal {goal.id} ({goal.statement[:60]})"
