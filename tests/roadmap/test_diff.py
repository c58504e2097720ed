"""What changed between two versions of a roadmap, as the team reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assessment.roadmap.diff import diff
from assessment.roadmap.view import MilestoneView
from tests.roadmap.views import build_view


def test_the_same_roadmap_has_no_changes() -> None:
    assert diff(build_view(), build_view()) == []


def test_goals_added_removed_and_changed_are_named() -> None:
    before, after = build_view(), build_view()
    first = after.goals[0]
    first.latest_value = Decimal("45")
    first.owner = "Pat Officer"
    dropped = after.goals.pop(2)
    added = dropped.model_copy(update={"id": 999, "statement": "Pay within 15 days"})
    after.goals.append(added)
    changes = [(c.kind, c.subject, c.field, c.old, c.new) for c in diff(before, after)]
    subject = f"goal 101 ({first.statement[:60]})"
    assert ("goal_changed", subject, "latest_value", "60", "45") in changes
    assert ("goal_changed", subject, "owner", "Nguyễn Thị Hồng", "Pat Officer") in changes
    assert ("goal_added", "goal 999 (Pay within 15 days)", "", None, None) in changes
    assert ("goal_removed", f"goal 103 ({dropped.statement[:60]})", "", None, None) in changes
    assert [c[0] for c in changes].index("goal_removed") > [c[0] for c in changes].index("goal_added")


def test_milestones_added_or_done_and_barrier_statuses_moved() -> None:
    before, after = build_view(), build_view()
    goal = after.goals[0]
    goal.milestones[1].done = date(2026, 7, 20)
    goal.milestones.append(MilestoneView(title="Report to the board", due=date(2026, 12, 15)))
    after.open_barriers[1].status, after.open_barriers[1].status_label = "in_progress", "In progress"
    changes = [(c.kind, c.subject, c.field, c.old, c.new) for c in diff(before, after)]
    prefix = f"goal 101 ({goal.statement[:60]})"
    assert ("milestone_done", f"{prefix}: Pilot 30-day payment with three CBOs", "", None, "2026-07-20") in changes
    assert ("milestone_added", f"{prefix}: Report to the board", "", None, "2026-12-15") in changes
    assert (
        "barrier_changed",
        "barrier 12 Insurance limits sized for construction",
        "status",
        "Analyzing",
        "In progress",
    ) in changes
