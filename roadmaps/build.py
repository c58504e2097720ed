"""Computing the action roadmap's view model from the team's goals, milestones and barriers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from assessment.cohorts import get_team
from assessment.models import Person, Role
from assessment.permissions import Actor, require
from assessment.planning import (
    Barrier,
    BarrierStatus,
    Goal,
    GoalBarrier,
    GoalMeasure,
    GoalStatus,
    Milestone,
)
from assessment.reference import category_label, controller_label, stage_label
from roadmaps.view import BarrierView, GoalView, MilestoneView, RoadmapView

READERS = (Role.equity_program_manager, Role.procurement_officer, Role.executive_lead, Role.finance, Role.alliance_lead)


def barrier_view(barrier: Barrier, owners: dict[int, str]) -> BarrierView:
    return BarrierView(
        id=barrier.id,  # type: ignore[arg-type]
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
        owner=owners.get(barrier.owner_id) if barrier.owner_id else None,  # type: ignore[arg-type]
    )


def roadmap_view(session: Session, actor: Actor, jurisdiction: str, cohort: str, version: int,
                 built_at: datetime) -> RoadmapView:
    """The team's goals in priority order (worst barrier first, then soonest due) and its open barriers."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, f"see {place.name}'s action roadmap", READERS, place)
    goals = list(session.exec(select(Goal).where(Goal.team_id == team.id, Goal.status != GoalStatus.dropped.value)))
    goal_ids = [g.id for g in goals]
    barriers = {b.id: b for b in session.exec(select(Barrier).where(Barrier.jurisdiction_id == place.id))}
    links: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(GoalBarrier).where(col(GoalBarrier.goal_id).in_(goal_ids))):
        links[link.goal_id].append(link.barrier_id)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in session.exec(select(Milestone).where(col(Milestone.goal_id).in_(goal_ids)).order_by(col(Milestone.due_on), col(Milestone.id))):
        milestones[milestone.goal_id].append(milestone)
    latest: dict[int, GoalMeasure] = {}
    for measure in session.exec(select(GoalMeasure).where(col(GoalMeasure.goal_id).in_(goal_ids)).order_by(col(GoalMeasure.as_of), col(GoalMeasure.id))):
        latest[measure.goal_id] = measure
    owners = {p.id: p.name for p in session.exec(select(Person))}

    def priority(goal: Goal) -> tuple[int, object, int]:
        worst = max((barriers[b].severity or 0 for b in links[goal.id]), default=0)  # type: ignore[index]
        return (-worst, goal.due_on, goal.id)  # type: ignore[return-value]

    views = []
    for rank, goal in enumerate(sorted(goals, key=priority), start=1):
        views.append(GoalView(
            id=goal.id,  # type: ignore[arg-type]
            rank=rank,
            statement=goal.statement,
            measure=goal.measure,
            baseline_value=goal.baseline_value,
            target_value=goal.target_value,
            latest_value=latest[goal.id].value if goal.id in latest else None,  # type: ignore[index]
            unit=goal.unit,
            created=goal.created_at.date(),
            due=goal.due_on,
            owner=owners.get(goal.owner_id),
            status=goal.status,
            status_label=GoalStatus(goal.status).label,
            milestones=[MilestoneView(title=m.title, due=m.due_on, owner=owners.get(m.owner_id) if m.owner_id else None,
                                      done=m.done_on) for m in milestones[goal.id]],  # type: ignore[index]
            barriers=[barrier_view(barriers[b], owners) for b in sorted(links[goal.id])],  # type: ignore[index]
            indicators=list(goal.indicators),
        ))
    open_barriers = sorted((b for b in barriers.values() if BarrierStatus(b.status).is_open),
                           key=lambda b: (b.category, -(b.severity or 0), b.id))
    return RoadmapView(
        jurisdiction=place.name,
        cohort=group.name,
        version=version,
        built_at=built_at,
        built_by=actor.email,
        goals=views,
        open_barriers=[barrier_view(b, owners) for b in open_barriers],
    )
