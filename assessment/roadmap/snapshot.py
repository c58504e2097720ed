"""Computing the action roadmap's view model from the team's goals, milestones and barriers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlmodel import Session, col, select

from assessment.barriers.models import Barrier, BarrierStatus
from assessment.barriers.reference import category_label, controller_label, stage_label
from assessment.cohorts.models import Person
from assessment.cohorts.service import get_team
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, require
from assessment.goals.models import Goal, GoalBarrier, GoalMeasure, GoalStatus, Milestone
from assessment.roadmap.view import BarrierView, GoalView, MilestoneView, RoadmapView


def roadmap_view(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, version: int, built_at: datetime
) -> RoadmapView:
    """The team's goals in priority order (worst barrier first, then soonest due) and its open barriers."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.roadmap, place, f"see {place.name}'s action roadmap")
    goals = list(session.exec(select(Goal).where(Goal.team_id == team.id, Goal.status != GoalStatus.dropped.value)))
    goal_ids = [row_id(g) for g in goals]
    barriers = {row_id(b): b for b in session.exec(select(Barrier).where(Barrier.jurisdiction_id == place.id))}
    links: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(GoalBarrier).where(col(GoalBarrier.goal_id).in_(goal_ids))):
        links[link.goal_id].append(link.barrier_id)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    in_order = col(Milestone.due_on), col(Milestone.id)
    for milestone in session.exec(select(Milestone).where(col(Milestone.goal_id).in_(goal_ids)).order_by(*in_order)):
        milestones[milestone.goal_id].append(milestone)
    latest: dict[int, GoalMeasure] = {}
    by_day = col(GoalMeasure.as_of), col(GoalMeasure.id)
    for measure in session.exec(select(GoalMeasure).where(col(GoalMeasure.goal_id).in_(goal_ids)).order_by(*by_day)):
        latest[measure.goal_id] = measure
    owners = {row_id(p): p.name for p in session.exec(select(Person))}

    def priority(goal: Goal) -> tuple[int, date, int]:
        worst = max((barriers[b].severity or 0 for b in links[row_id(goal)]), default=0)
        return (-worst, goal.due_on, row_id(goal))

    views = []
    for rank, goal in enumerate(sorted(goals, key=priority), start=1):
        ident = row_id(goal)
        measured = latest.get(ident)
        views.append(
            GoalView(
                id=ident,
                rank=rank,
                statement=goal.statement,
                measure=goal.measure,
                baseline_value=goal.baseline_value,
                target_value=goal.target_value,
                latest_value=measured.value if measured is not None else None,
                unit=goal.unit,
                created=goal.created_at.date(),
                due=goal.due_on,
                owner=owners.get(goal.owner_id),
                status=goal.status,
                status_label=GoalStatus(goal.status).label,
                milestones=[milestone_view(m, owners) for m in milestones[ident]],
                barriers=[barrier_view(barriers[b], owners) for b in sorted(links[ident])],
                indicators=list(goal.indicators),
            )
        )
    open_barriers = sorted(
        (b for b in barriers.values() if BarrierStatus(b.status).is_open),
        key=lambda b: (b.category, -(b.severity or 0), row_id(b)),
    )
    return RoadmapView(
        jurisdiction=place.name,
        cohort=group.name,
        version=version,
        built_at=built_at,
        built_by=actor.email,
        goals=views,
        open_barriers=[barrier_view(b, owners) for b in open_barriers],
    )


def milestone_view(milestone: Milestone, owners: dict[int, str]) -> MilestoneView:
    """A milestone as the roadmap shows it, its owner by name."""
    return MilestoneView(
        title=milestone.title,
        due=milestone.due_on,
        owner=owners.get(milestone.owner_id) if milestone.owner_id is not None else None,
        done=milestone.done_on,
    )


def barrier_view(barrier: Barrier, owners: dict[int, str]) -> BarrierView:
    """A barrier as the roadmap shows it: codes turned into labels, its owner by name."""
    return BarrierView(
        id=row_id(barrier),
        title=barrier.title,
        description=barrier.description,
        category=barrier.category,
        category_label=category_label(barrier.category),
        stage=barrier.stage,
        stage_label=stage_label(barrier.stage),
        controller=barrier.controller,
        controller_label=controller_label(barrier.controller) if barrier.controller else None,
        severity=barrier.severity,
        status=barrier.status,
        status_label=BarrierStatus(barrier.status).label,
        owner=owners.get(barrier.owner_id) if barrier.owner_id is not None else None,
    )
