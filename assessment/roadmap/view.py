"""The action roadmap as one view model: computed once, laid out by every renderer in ``roadmaps/``.

Stored versions keep this model as JSON; a field added later needs a default so older versions
still load."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel, Field

from assessment.goals.progress import measure_share, milestone_share


class Quarter(NamedTuple):
    """One calendar quarter of the timeline, e.g. ("2026 Q3", 2026-07-01, 2026-09-30)."""

    label: str
    start: date
    end: date


def quarter_of(day: date) -> Quarter:
    """The calendar quarter that holds ``day``."""
    index = (day.month - 1) // 3
    start = date(day.year, index * 3 + 1, 1)
    following = date(day.year + 1, 1, 1) if index == 3 else date(day.year, index * 3 + 4, 1)
    return Quarter(f"{day.year} Q{index + 1}", start, date.fromordinal(following.toordinal() - 1))


class MilestoneView(BaseModel):
    """One step toward a goal."""

    title: str
    due: date | None = None
    owner: str | None = None
    done: date | None = None

    @property
    def when(self) -> date | None:
        """Where the milestone sits on the timeline: when it was done, else when it is due."""
        return self.done or self.due


class BarrierView(BaseModel):
    """One administrative-burden barrier, with its codes already turned into labels."""

    id: int
    title: str
    description: str = ""
    category: str
    category_label: str
    stage: str
    stage_label: str
    controller: str | None = None
    controller_label: str | None = None
    severity: int | None = None
    status: str
    status_label: str
    owner: str | None = None


class GoalView(BaseModel):
    """One SMART near-term process-change goal with its milestones and the barriers it removes."""

    id: int
    rank: int
    statement: str
    measure: str = ""
    baseline_value: Decimal | None = None
    target_value: Decimal | None = None
    latest_value: Decimal | None = None
    unit: str = ""
    created: date
    due: date
    owner: str | None = None
    status: str
    status_label: str
    milestones: list[MilestoneView] = Field(default_factory=list)
    barriers: list[BarrierView] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)

    @property
    def max_severity(self) -> int | None:
        """The highest severity among the barriers this goal removes, or None when none is rated."""
        rated = [b.severity for b in self.barriers if b.severity is not None]
        return max(rated) if rated else None

    @property
    def milestones_done(self) -> int:
        """How many milestones are done."""
        return sum(1 for m in self.milestones if m.done is not None)

    @property
    def milestone_progress(self) -> float | None:
        """Share of milestones done, 0..1, or None when the goal has no milestones (``goals.progress``)."""
        return milestone_share(self.milestones_done, len(self.milestones))

    @property
    def measure_progress(self) -> float | None:
        """How far the latest value has moved from baseline toward target (1.0 = target met).

        Not clamped: a value past the target reads above 1, a move the wrong way below 0.
        None when a value is missing or baseline equals target (no distance to cover).
        Computed by ``goals.progress``, as the goals service computes it.
        """
        return measure_share(self.baseline_value, self.target_value, self.latest_value)

    @property
    def span(self) -> tuple[date, date]:
        """First and last day of the goal's bar; tolerates a due date before the creation date."""
        return min(self.created, self.due), max(self.created, self.due)


class DomainScoreView(BaseModel):
    """One rubric domain's score in the team's latest self-assessment, 0..100 (None when too few ratings)."""

    id: str
    title: str
    score: float | None = None
    change: float | None = None  # since the cycle before, when there is one


class SelfAssessmentView(BaseModel):
    """The team's latest scored self-assessment: its cycle, overall score and stage, and each domain."""

    cycle: str
    cycle_label: str
    respondents: int
    overall_score: float | None = None
    stage: int | None = None
    stage_name: str | None = None
    since_cycle: str | None = None  # the cycle the changes are measured from
    domains: list[DomainScoreView] = Field(default_factory=list)


class ThemeView(BaseModel):
    """A theme the community raised, and in how many of the recorded inputs it came up."""

    theme: str
    mentions: int


class CommunityView(BaseModel):
    """What the team heard from its community (session 3): how often, from how many, about what."""

    inputs: int = 0
    participants: int | None = None  # summed over the inputs that counted them
    sources: dict[str, int] = Field(default_factory=dict)  # source label -> inputs, most first
    themes: list[ThemeView] = Field(default_factory=list)  # most mentioned first


class EngagementView(BaseModel):
    """The team's community engagement on the spectrum 0 Ignore .. 5 Defer to: now and where it aims to be."""

    current: int
    current_name: str
    aspirational: int
    aspirational_name: str

    @property
    def gap(self) -> int:
        """Steps from the current level to the aspirational one."""
        return self.aspirational - self.current


class RoadmapView(BaseModel):
    """A versioned snapshot of a team's goals (rank 1 first) and its open barriers.

    ``built_by`` is the builder's email; ``built_by_name`` their name, ``self_assessment``,
    ``community`` and ``engagement`` where the team stands; all four are None in versions stored
    before they were added (``community`` is None only there, empty when nothing was recorded).
    """

    jurisdiction: str
    cohort: str
    version: int
    built_at: datetime
    built_by: str
    goals: list[GoalView]
    open_barriers: list[BarrierView]
    built_by_name: str | None = None
    self_assessment: SelfAssessmentView | None = None
    community: CommunityView | None = None
    engagement: EngagementView | None = None

    @property
    def author(self) -> str:
        """Who built this version, by name when it is known (older versions kept only the email)."""
        return self.built_by_name or self.built_by

    @property
    def has_standing(self) -> bool:
        """True when the version says where the team stands (versions before that was added do not)."""
        return any(part is not None for part in (self.self_assessment, self.community, self.engagement))

    @property
    def quarters(self) -> list[Quarter]:
        """Every calendar quarter from the earliest to the latest goal or milestone date."""
        days = [d for g in self.goals for d in (g.created, g.due)]
        days += [d for g in self.goals for m in g.milestones for d in (m.due, m.done) if d]
        if not days:
            return []
        quarters = [quarter_of(min(days))]
        last = quarter_of(max(days))
        while quarters[-1] != last:
            quarters.append(quarter_of(date.fromordinal(quarters[-1].end.toordinal() + 1)))
        return quarters

    @property
    def milestones_by_quarter(self) -> list[tuple[Quarter, list[tuple[GoalView, MilestoneView]]]]:
        """Dated milestones by the quarter they were done or are due in, soonest first."""
        dated = sorted(
            ((m.when, g.rank, g, m) for g in self.goals for m in g.milestones if m.when),
            key=lambda item: (item[0], item[1]),
        )
        grouped: dict[Quarter, list[tuple[GoalView, MilestoneView]]] = {}
        for day, _, goal, milestone in dated:
            grouped.setdefault(quarter_of(day), []).append((goal, milestone))
        return list(grouped.items())

    @property
    def open_barriers_by_category(self) -> dict[str, list[BarrierView]]:
        """Open barriers grouped by category label, groups in the order the service listed them."""
        groups: dict[str, list[BarrierView]] = {}
        for barrier in self.open_barriers:
            groups.setdefault(barrier.category_label, []).append(barrier)
        return groups

    @property
    def barriers(self) -> list[BarrierView]:
        """Every barrier on the roadmap once: those the goals address, then the other open ones."""
        seen: dict[int, BarrierView] = {}
        for barrier in [b for g in self.goals for b in g.barriers] + self.open_barriers:
            seen.setdefault(barrier.id, barrier)
        return list(seen.values())

    @property
    def goal_ids_by_barrier(self) -> dict[int, list[int]]:
        """For each barrier id, the ids of the goals that address it, in goal priority order."""
        addressed: dict[int, list[int]] = {}
        for goal in self.goals:
            for barrier in goal.barriers:
                ids = addressed.setdefault(barrier.id, [])
                if goal.id not in ids:
                    ids.append(goal.id)
        return addressed

    @property
    def goal_counts_by_status(self) -> dict[str, int]:
        """How many goals carry each status label, in order of first appearance."""
        counts: dict[str, int] = {}
        for goal in self.goals:
            counts[goal.status_label] = counts.get(goal.status_label, 0) + 1
        return counts

    @property
    def milestone_totals(self) -> tuple[int, int]:
        """Milestones done and milestones in all, across every goal."""
        return (
            sum(g.milestones_done for g in self.goals),
            sum(len(g.milestones) for g in self.goals),
        )
