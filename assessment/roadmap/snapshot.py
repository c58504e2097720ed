"""Computing the action roadmap's view model from the team's goals, milestones and barriers, and
where the team stands: its latest self-assessment, community input and engagement."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from sqlmodel import Session, col, select

from assessment.barriers.models import Barrier, BarrierStatus
from assessment.barriers.reference import category_label, controller_label, stage_label
from assessment.cohorts.models import Person
from assessment.cohorts.service import get_team
from assessment.community.engagement import engagement_of
from assessment.community.service import list_inputs
from assessment.core.errors import NotFound
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Place, Record, may, require
from assessment.goals.models import Goal, GoalBarrier, GoalMeasure, GoalStatus, Milestone
from assessment.roadmap.view import (
    BarrierView,
    CommunityView,
    DomainScoreView,
    EngagementView,
    GoalView,
    MilestoneView,
    RoadmapView,
    SelfAssessmentView,
    ThemeView,
)
from assessment.selfassessment.service import show


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
        built_by_name=owners.get(actor.person_id),
        goals=views,
        open_barriers=[barrier_view(b, owners) for b in open_barriers],
        self_assessment=self_assessment_view(session, actor, place, group.name),
        community=community_view(session, actor, place),
        engagement=engagement_view(session, actor, place, group.name),
    )


# Where the team stands is read through each feature's own service, and only when the permission
# table lets the builder read it: a roadmap never shows more than its builder may see.


def self_assessment_view(session: Session, actor: Actor, place: Place, cohort: str) -> SelfAssessmentView | None:
    """The team's latest scored cycle, from its stored scores; None before the first one."""
    if not may(actor, "read", Record.assessment, place):
        return None
    try:
        latest = show(session, actor, place.name, cohort)
    except NotFound:
        return None
    result = latest.result
    changes = result.change.domains if result.change else {}
    return SelfAssessmentView(
        cycle=latest.cycle.value,
        cycle_label=latest.cycle.value.capitalize(),
        respondents=result.respondents,
        overall_score=result.overall.score,
        stage=result.overall.stage,
        stage_name=result.overall.stage_name,
        since_cycle=result.change.since_cycle if result.change else None,
        domains=[
            DomainScoreView(
                id=d.id,
                title=d.title,
                score=d.score,
                change=changes[d.id].change if d.id in changes else None,
            )
            for d in result.domains
        ],
    )


def community_view(session: Session, actor: Actor, place: Place) -> CommunityView | None:
    """How much community input the jurisdiction recorded, from how many people, and its themes."""
    if not may(actor, "read", Record.community_input, place):
        return None
    inputs = list_inputs(session, actor, place.name)
    counted = [i.participants for i in inputs if i.participants is not None]
    sources = Counter(i.source_label for i in inputs)
    # A theme counts once per input, whatever its case or spacing; the first spelling heard is shown.
    spelling: dict[str, str] = {}
    mentions: Counter[str] = Counter()
    for item in inputs:
        heard: dict[str, str] = {}
        for theme in item.themes:
            text = " ".join(theme.split())
            if text:
                heard.setdefault(text.casefold(), text)
        for key, text in heard.items():
            spelling.setdefault(key, text)
            mentions[key] += 1
    return CommunityView(
        inputs=len(inputs),
        participants=sum(counted) if counted else None,
        sources=dict(sources.most_common()),
        # most_common keeps first-heard order among themes mentioned equally often
        themes=[ThemeView(theme=spelling[key], mentions=count) for key, count in mentions.most_common()],
    )


def engagement_view(session: Session, actor: Actor, place: Place, cohort: str) -> EngagementView | None:
    """The team's latest engagement rating; None before the first one."""
    if not may(actor, "read", Record.engagement, place):
        return None
    rating = engagement_of(session, actor, place.name, cohort)
    if rating is None:
        return None
    return EngagementView(
        current=rating.current,
        current_name=rating.current_name,
        aspirational=rating.aspirational,
        aspirational_name=rating.aspirational_name,
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
