"""The regional barrier ranking (session 8): the barriers of a cohort's jurisdictions by category
and process stage, and the self-assessment indicators that are weakest across the cohort.

Both are computed by the database (GROUP BY over the cohort's barriers and over its teams' latest
indicator scores), so a cohort of thousands of jurisdictions costs a few aggregate queries, not a
load of every barrier."""

from __future__ import annotations

import json
from fractions import Fraction

from pydantic import BaseModel
from sqlalchemy import and_, case
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from assessment.barriers.models import Barrier, BarrierStatus
from assessment.barriers.reference import category_ids, category_label, controller_ids, stage_ids, stage_label
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_cohort
from assessment.core.errors import PermissionDenied
from assessment.core.permissions import Actor, Record, may, roles_for
from assessment.selfassessment.models import Assessment, Cycle, RubricVersion, Scope, Score
from assessment.selfassessment.rubric import Rubric, load_rubric, parse_rubric
from assessment.selfassessment.scoring import round_half_up

UNKNOWN = "unknown"  # the controller key of barriers whose rule controller is not recorded
# Rules the region can only change by asking the state or federal government: the recommendation's matter.
REGIONAL_CONTROLLERS = frozenset({"state", "federal"})
WEAKEST = 10


class RankedBarrier(BaseModel):
    """The cohort's barriers of one category at one process stage."""

    category: str
    category_label: str
    stage: str
    stage_label: str
    jurisdictions: int  # how many of the cohort's jurisdictions report a barrier in this category and stage
    barriers: int
    mean_severity: float | None  # over barriers with a severity (two decimals); None when none has one
    resolved: int
    share_resolved: float  # resolved / barriers, 0..1
    controllers: dict[str, int]  # controller id (rubrics/rule-controllers.yaml) -> barriers; "unknown" for none
    regional_policy_candidate: bool  # any of its barriers controlled by state or federal rules
    jurisdiction_names: list[str]  # only for readers with a regional role (alliance lead, admin); [] otherwise

    @property
    def key(self) -> str:
        """How a recommendation names this row: ``category/stage``."""
        return f"{self.category}/{self.stage}"


class WeakIndicator(BaseModel):
    """A self-assessment indicator with its mean level across the cohort's teams."""

    indicator: str
    title: str
    domain: str
    domain_title: str
    mean_level: float  # mean over teams of the team's indicator level (1-4) at its latest scored cycle
    teams: int


class BarrierRanking(BaseModel):
    """Barriers shared across a cohort's jurisdictions, ranked, and its weakest indicators."""

    cohort: str
    jurisdictions: int  # teams enrolled
    teams_reporting: int  # teams with at least one barrier
    names_shown: bool  # whether the reader sees which jurisdictions report each row
    rows: list[RankedBarrier]  # most jurisdictions first, then higher mean severity, then lower share resolved
    weakest_indicators: list[WeakIndicator]  # the 10 lowest mean levels, lowest first

    def row(self, key: str) -> RankedBarrier | None:
        """The row named ``category/stage`` (ids), if the cohort has barriers there."""
        return next((r for r in self.rows if r.key == key), None)


def regional_reader(actor: Actor) -> bool:
    """True for readers who see every team's barriers by name: an alliance lead or an admin."""
    return may(actor, "read", Record.barrier)


def require_ranking_reader(session: Session, actor: Actor, cohort: Cohort) -> bool:
    """Refuse unless the actor may read the cohort's ranking; True when they see names too."""
    if regional_reader(actor):
        return True
    places = session.exec(
        select(Jurisdiction)
        .join(Team, col(Team.jurisdiction_id) == col(Jurisdiction.id))
        .where(Team.cohort_id == cohort.id)
    )
    if any(may(actor, "read", Record.barrier, place) for place in places):
        return False
    team_roles = " or ".join(role.label for role in roles_for("read", Record.barrier) if not role.regional)
    raise PermissionDenied(
        f"{actor.email} may not see the regional barrier ranking of {cohort.name}: they read the barriers of none "
        f"of its jurisdictions. Only an alliance lead, an admin, or a {team_roles} of one of its jurisdictions may."
    )


def rank_barriers(session: Session, actor: Actor, cohort: str) -> BarrierRanking:
    """The cohort's barriers by category and process stage, ranked (most jurisdictions first, then
    higher mean severity, then lower share resolved), and its ten weakest indicators. Jurisdictions
    are named only to an alliance lead or an admin; a team reader sees the figures alone."""
    group = get_cohort(session, cohort)
    names_shown = require_ranking_reader(session, actor, group)
    places = select(Team.jurisdiction_id).where(Team.cohort_id == group.id)
    in_cohort = col(Barrier.jurisdiction_id).in_(places)

    enrolled = session.exec(select(func.count()).select_from(Team).where(Team.cohort_id == group.id)).one()
    reporting = session.exec(select(func.count(func.distinct(Barrier.jurisdiction_id))).where(in_cohort)).one()

    category, stage = col(Barrier.category), col(Barrier.stage)
    resolved = func.sum(case((col(Barrier.status) == BarrierStatus.resolved.value, 1), else_=0))
    severity = col(Barrier.severity)
    figures = (
        session.connection()
        .execute(
            sql_select(
                category,
                stage,
                func.count(func.distinct(Barrier.jurisdiction_id)),
                func.count(),
                func.sum(severity),
                func.count(severity),
                resolved,
            )
            .where(in_cohort)
            .group_by(category, stage)
        )
        .all()
    )

    controllers: dict[tuple[str, str], dict[str, int]] = {}
    query = select(category, stage, col(Barrier.controller), func.count()).where(in_cohort)
    for cat, stg, controller, count in session.exec(query.group_by(category, stage, col(Barrier.controller))):
        controllers.setdefault((cat, stg), {})[controller or UNKNOWN] = int(count)

    names: dict[tuple[str, str], list[str]] = {}
    if names_shown:
        named = (
            select(category, stage, col(Jurisdiction.name))
            .distinct()
            .join(Jurisdiction, col(Jurisdiction.id) == col(Barrier.jurisdiction_id))
            .where(in_cohort)
        )
        for cat, stg, name in session.exec(named):
            names.setdefault((cat, stg), []).append(name)

    rows = []
    for cat, stg, jurisdictions, barriers, severity_sum, severities, resolved_count in figures:
        by_controller = controllers.get((cat, stg), {})
        mean = round_half_up(Fraction(int(severity_sum)) / int(severities), 2) if severities else None
        rows.append(
            RankedBarrier(
                category=cat,
                category_label=category_label(cat),
                stage=stg,
                stage_label=stage_label(stg),
                jurisdictions=int(jurisdictions),
                barriers=int(barriers),
                mean_severity=mean,
                resolved=int(resolved_count or 0),
                share_resolved=int(resolved_count or 0) / int(barriers),
                controllers=_ordered_controllers(by_controller),
                regional_policy_candidate=bool(REGIONAL_CONTROLLERS & set(by_controller)),
                jurisdiction_names=sorted(names.get((cat, stg), []), key=str.casefold),
            )
        )
    return BarrierRanking(
        cohort=group.name,
        jurisdictions=int(enrolled),
        teams_reporting=int(reporting),
        names_shown=names_shown,
        rows=sorted(rows, key=_rank_order),
        weakest_indicators=weakest_indicators(session, group),
    )


def _position(ids: list[str], ident: str) -> int:
    """Where ``ident`` stands in a reference list (ids no longer listed come last)."""
    return ids.index(ident) if ident in ids else len(ids)


def _rank_order(row: RankedBarrier) -> tuple[int, float, float, int, int]:
    severity = -row.mean_severity if row.mean_severity is not None else 1.0  # rows without one after any with one
    return (
        -row.jurisdictions,
        severity,
        row.share_resolved,
        _position(category_ids(), row.category),
        _position(stage_ids(), row.stage),
    )


def _ordered_controllers(counts: dict[str, int]) -> dict[str, int]:
    """Controllers by how many barriers they control, most first (ties in the reference list's order)."""
    ids = [*controller_ids(), UNKNOWN]
    return dict(sorted(counts.items(), key=lambda item: (-item[1], _position(ids, item[0]))))


# --- the weakest indicators ---------------------------------------------------------------------------

# A cycle's place in the sequence, in SQL: a team's latest scored cycle is its highest.
CYCLE_ORDER = case({cycle.value: cycle.order for cycle in Cycle}, value=col(Assessment.cycle))


def weakest_indicators(session: Session, cohort: Cohort, count: int = WEAKEST) -> list[WeakIndicator]:
    """The ``count`` indicators with the lowest mean level over the cohort's teams, lowest first,
    each team counted at its latest scored cycle (final over midpoint over baseline)."""
    scored = and_(col(Team.cohort_id) == cohort.id, col(Assessment.current_submission_id).is_not(None))
    latest = (
        select(col(Assessment.team_id).label("team_id"), func.max(CYCLE_ORDER).label("cycle_order"))
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .where(scored)
        .group_by(col(Assessment.team_id))
        .subquery()
    )
    chosen = (
        select(Assessment)
        .join(latest, and_(latest.c.team_id == col(Assessment.team_id), latest.c.cycle_order == CYCLE_ORDER))
        .where(col(Assessment.current_submission_id).is_not(None))
    )
    submissions = chosen.with_only_columns(col(Assessment.current_submission_id))
    level = col(Score.mean)
    query = (
        select(col(Score.key), func.sum(level), func.count(level))
        .where(col(Score.submission_id).in_(submissions), Score.scope == Scope.indicator.value, level.is_not(None))
        .group_by(col(Score.key))
    )
    # Team levels are halves at worst (a median of whole levels), so their sum is exact in SQL and the
    # mean exact here; the groups are one per indicator, a few dozen rows.
    means = [(Fraction(float(total or 0)) / int(teams), key, int(teams)) for key, total, teams in session.exec(query)]
    if not means:
        return []
    rubrics = _rubrics_used(session, chosen)
    weakest = []
    for mean, key, teams in sorted(means)[:count]:
        rubric = next((r for r in rubrics if key in r.domain_of), None)
        indicator = next((i for i in rubric.indicators if i.id == key), None) if rubric else None
        domain = rubric.domain_of[key] if rubric else None
        weakest.append(
            WeakIndicator(
                indicator=key,
                title=indicator.text if indicator else key,
                domain=domain.id if domain else "",
                domain_title=domain.title if domain else "",
                mean_level=round_half_up(mean, 2),
                teams=teams,
            )
        )
    return weakest


def _rubrics_used(session: Session, chosen: SelectOfScalar[Assessment]) -> list[Rubric]:
    """The rubric versions the ``chosen`` assessments were scored with (titles come from them), then
    the current rubric for any indicator they don't name."""
    pairs = chosen.with_only_columns(col(Assessment.rubric_id), col(Assessment.rubric_version)).distinct().subquery()
    used = session.exec(
        select(RubricVersion).join(
            pairs,
            and_(
                pairs.c.rubric_id == col(RubricVersion.rubric_id),
                pairs.c.rubric_version == col(RubricVersion.version),
            ),
        )
    )
    rubrics = [parse_rubric(json.loads(v.content), f"stored rubric {v.rubric_id} {v.version}") for v in used]
    return [*rubrics, load_rubric()]
