"""The regional report's figures as SQL aggregates over the whole cohort: one query per figure
(GROUP BY role, session, domain, vendor group ...), never a query per jurisdiction and never a
load of every row. Each statement is built by a function of its own, so the benchmark can run
the bare statements (``statements``) against what the report does with them.

What counts is the features' own definitions, imported: a goal is met when its status is
``GoalStatus.done``; a score change compares a team's baseline with its latest later cycle (final
over midpoint), domain by domain, leaving out a domain scored on too few practices in either
(as the self-assessment's ``compare`` does); spending shares are of dollars to the
``VendorGroup``s, a contract's value being its amount or else the sum of its payments (as the
spending figures count it); the baseline is the last period of the team's recorded baseline (what
the team's own change is measured against), and now is each team's latest calendar year with a
contract (as ``team_figure`` reads it)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import CTE, ColumnElement, Connection, Executable, Numeric, Select, and_, case, cast, extract, not_
from sqlalchemy import literal_column as raw
from sqlalchemy import select as sql_select
from sqlalchemy.orm import aliased
from sqlmodel import col, func

from assessment.cohorts.models import Jurisdiction, RoleAssignment, Team
from assessment.goals.models import Goal, GoalStatus, Milestone
from assessment.selfassessment.models import Assessment, Cycle, Scope, Score
from assessment.sessions.models import SessionRecord
from assessment.spending.models import SpendBaseline, SpendContract, SpendPayment, VendorGroup

# The vendor groups whose share of dollars the regional report follows.
SPEND_GROUPS = (VendorGroup.cbo, VendorGroup.small, VendorGroup.local)
OVERALL = Scope.overall.value  # the key of the overall score beside the domains' keys
CENT = Decimal("0.01")


def _teams(cohort_id: int) -> Select[int | None]:
    return sql_select(col(Team.id)).where(col(Team.cohort_id) == cohort_id)


def _places(cohort_id: int) -> Select[int]:
    return sql_select(col(Team.jurisdiction_id)).where(col(Team.cohort_id) == cohort_id)


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _money(value: Any) -> Decimal:
    """A sum of money as the database gives it (SQLite: a float; PostgreSQL: exact), to the cent."""
    return Decimal(str(value or 0)).quantize(CENT)


# --- participation ---------------------------------------------------------------------------------


def kinds_query(cohort_id: int) -> Select[str, int]:
    """Jurisdictions taking part, by kind (county, city)."""
    kind = col(Jurisdiction.kind)
    return (
        sql_select(kind, func.count())
        .join(Team, col(Team.jurisdiction_id) == col(Jurisdiction.id))
        .where(col(Team.cohort_id) == cohort_id)
        .group_by(kind)
    )


def roles_query(cohort_id: int) -> Select[str, int]:
    """People holding each role in the cohort's jurisdictions."""
    role = col(RoleAssignment.role)
    return (
        sql_select(role, func.count(func.distinct(RoleAssignment.person_id)))
        .where(col(RoleAssignment.jurisdiction_id).in_(_places(cohort_id)))
        .group_by(role)
    )


def people_query(cohort_id: int) -> Select[int]:
    """People on the cohort's teams, each once whatever roles they hold."""
    return sql_select(func.count(func.distinct(RoleAssignment.person_id))).where(
        col(RoleAssignment.jurisdiction_id).in_(_places(cohort_id))
    )


def sessions_query(cohort_id: int) -> Select[int, int, float | None]:
    """Per session: the teams that held it and how many attended, on average."""
    number = col(SessionRecord.number)
    attendees = func.json_array_length(col(SessionRecord.attendees))
    return (
        sql_select(number, func.count(), func.avg(attendees))
        .where(col(SessionRecord.team_id).in_(_teams(cohort_id)))
        .group_by(number)
    )


@dataclass(frozen=True)
class ParticipationFigures:
    kinds: dict[str, int]  # jurisdiction kind -> jurisdictions
    roles: dict[str, int]  # role -> people
    people: int
    sessions: dict[int, tuple[int, float | None]]  # session number -> (teams that held it, mean attendees)


def participation(connection: Connection, cohort_id: int) -> ParticipationFigures:
    kinds = {kind: _int(n) for kind, n in connection.execute(kinds_query(cohort_id))}
    roles = {role: _int(n) for role, n in connection.execute(roles_query(cohort_id))}
    people = _int(connection.execute(people_query(cohort_id)).scalar_one())
    sessions = {
        _int(number): (_int(teams), _float(mean))
        for number, teams, mean in connection.execute(sessions_query(cohort_id))
    }
    return ParticipationFigures(kinds, roles, people, sessions)


# --- score change ----------------------------------------------------------------------------------


def _cycle_order(cycle: Any) -> ColumnElement[int]:
    """A cycle's place in the sequence, in SQL (baseline 0, midpoint 1, final 2)."""
    return case({c.value: c.order for c in Cycle}, value=cycle)


def _pairs(cohort_id: int) -> CTE:
    """Per team with a baseline and a later cycle: the current submissions of its baseline and of its
    latest later cycle, and which cycle that is."""
    before, after = aliased(Assessment), aliased(Assessment)
    later = (
        sql_select(col(Assessment.team_id).label("team_id"), func.max(_cycle_order(col(Assessment.cycle))).label("at"))
        .where(
            col(Assessment.team_id).in_(_teams(cohort_id)),
            col(Assessment.cycle) != Cycle.baseline.value,
            col(Assessment.current_submission_id).is_not(None),
        )
        .group_by(col(Assessment.team_id))
        .subquery("later")
    )
    return (
        sql_select(
            col(before.team_id).label("team_id"),
            col(after.cycle).label("cycle"),
            col(before.current_submission_id).label("before"),
            col(after.current_submission_id).label("after"),
        )
        .join(later, later.c.team_id == col(before.team_id))
        .join(after, and_(col(after.team_id) == col(before.team_id), _cycle_order(col(after.cycle)) == later.c.at))
        .where(col(before.cycle) == Cycle.baseline.value, col(before.current_submission_id).is_not(None))
        .cte("pairs")
    )


def _changes(cohort_id: int) -> CTE:
    """Per compared team and score (each domain and the overall): baseline, later score and change."""
    pairs = _pairs(cohort_id)
    then, now = aliased(Score), aliased(Score)
    return (
        sql_select(
            pairs.c.team_id,
            col(then.key).label("key"),
            col(then.score).label("before"),
            col(now.score).label("after"),
            (col(now.score) - col(then.score)).label("change"),
        )
        .join(then, and_(col(then.submission_id) == pairs.c.before, col(then.scope).in_((Scope.domain.value, OVERALL))))
        .join(
            now,
            and_(
                col(now.submission_id) == pairs.c.after,
                col(now.scope) == col(then.scope),
                col(now.key) == col(then.key),
            ),
        )
        .where(
            col(then.score).is_not(None),
            col(now.score).is_not(None),
            not_(col(then.insufficient)),
            not_(col(now.insufficient)),
        )
        .cte("changes")
    )


def compared_query(cohort_id: int) -> Select[str, int]:
    """Teams compared, by the later cycle they are compared at (final or midpoint)."""
    pairs = _pairs(cohort_id)
    return sql_select(pairs.c.cycle, func.count()).group_by(pairs.c.cycle)


def score_change_query(cohort_id: int) -> Select[str, int, float, float, float, float, float]:
    """Per domain (and overall): teams compared, mean baseline, mean later score, mean, lowest and highest change."""
    changes = _changes(cohort_id)
    change = changes.c.change
    return sql_select(
        changes.c.key,
        func.count(),
        func.avg(changes.c.before),
        func.avg(changes.c.after),
        func.avg(change),
        func.min(change),
        func.max(change),
    ).group_by(changes.c.key)


def score_median_query(cohort_id: int) -> Select[str, float]:
    """Per domain (and overall): the median change across teams (the mean of the two middle ones)."""
    changes = _changes(cohort_id)
    ranked = sql_select(
        changes.c.key,
        changes.c.change,
        func.row_number().over(partition_by=changes.c.key, order_by=changes.c.change).label("position"),
        func.count().over(partition_by=changes.c.key).label("teams"),
    ).subquery("ranked")
    middle = ranked.c.position.between((ranked.c.teams + 1) // 2, (ranked.c.teams + 2) // 2)
    return sql_select(ranked.c.key, func.avg(ranked.c.change)).where(middle).group_by(ranked.c.key)


def team_changes_query(
    cohort_id: int, team_ids: Collection[int] | None = None
) -> Select[int, str, float, float, float]:
    """Per compared team (all, or those of ``team_ids``) and score: baseline, later score and change."""
    changes = _changes(cohort_id)
    query = sql_select(changes.c.team_id, changes.c.key, changes.c.before, changes.c.after, changes.c.change)
    if team_ids is not None:
        query = query.where(changes.c.team_id.in_(list(team_ids)))
    return query.order_by(changes.c.team_id)


@dataclass(frozen=True)
class ScoreChange:
    """One domain's (or the overall score's) change across the teams compared."""

    key: str
    teams: int
    before: float
    after: float
    change: float
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class ScoreFigures:
    compared: dict[str, int]  # later cycle -> teams compared at it
    scores: dict[str, ScoreChange]  # domain id (or "overall") -> its change


def score_changes(connection: Connection, cohort_id: int) -> ScoreFigures:
    compared = {cycle: _int(n) for cycle, n in connection.execute(compared_query(cohort_id))}
    medians = {key: float(value) for key, value in connection.execute(score_median_query(cohort_id))}
    scores = {
        key: ScoreChange(
            key, _int(teams), float(before), float(after), float(change), float(low), medians[key], float(high)
        )
        for key, teams, before, after, change, low, high in connection.execute(score_change_query(cohort_id))
    }
    return ScoreFigures(compared, scores)


@dataclass(frozen=True)
class TeamChange:
    before: float
    after: float
    change: float


def team_changes(
    connection: Connection, cohort_id: int, team_ids: Collection[int] | None = None
) -> dict[int, dict[str, TeamChange]]:
    """Per team (all compared, or those of ``team_ids`` that were): each score's baseline, later
    score and change."""
    if team_ids is not None and not team_ids:
        return {}
    found: dict[int, dict[str, TeamChange]] = {}
    for team, key, before, after, change in connection.execute(team_changes_query(cohort_id, team_ids)):
        found.setdefault(_int(team), {})[key] = TeamChange(float(before), float(after), float(change))
    return found


# --- goals -----------------------------------------------------------------------------------------


def goals_query(cohort_id: int) -> Select[int, int, int, int]:
    """Goals of the cohort's teams: all, met, dropped, and the teams that set any."""
    status = col(Goal.status)
    met = func.sum(case((status == GoalStatus.done.value, 1), else_=0))
    dropped = func.sum(case((status == GoalStatus.dropped.value, 1), else_=0))
    return sql_select(func.count(), met, dropped, func.count(func.distinct(Goal.team_id))).where(
        col(Goal.team_id).in_(_teams(cohort_id))
    )


def milestones_query(cohort_id: int) -> Select[int, int]:
    """Milestones of the cohort's goals: all, and those done."""
    return (
        sql_select(func.count(), func.count(col(Milestone.done_on)))
        .join(Goal, col(Goal.id) == col(Milestone.goal_id))
        .where(col(Goal.team_id).in_(_teams(cohort_id)))
    )


@dataclass(frozen=True)
class GoalFigures:
    goals: int
    met: int
    dropped: int
    teams: int
    milestones: int
    milestones_done: int


def goal_figures(connection: Connection, cohort_id: int) -> GoalFigures:
    goals, met, dropped, teams = connection.execute(goals_query(cohort_id)).one()
    milestones, done = connection.execute(milestones_query(cohort_id)).one()
    return GoalFigures(_int(goals), _int(met), _int(dropped), _int(teams), _int(milestones), _int(done))


# --- spending --------------------------------------------------------------------------------------


def _figure(dialect: str, *path: str | int) -> ColumnElement[Any]:
    """A value of a recorded baseline's figures (JSON) at ``path``, as text; -1 is a list's last item."""
    figures: Any = col(SpendBaseline.figures)
    if dialect == "postgresql":
        steps: list[ColumnElement[Any]] = [
            raw(str(step)) if isinstance(step, int) else raw(f"'{step}'") for step in path
        ]
        value = figures
        for step in steps[:-1]:
            value = value.op("->")(step)
        return value.op("->>")(steps[-1])
    where = "".join(f"[{'#-1' if step == -1 else step}]" if isinstance(step, int) else f".{step}" for step in path)
    return func.json_extract(figures, f"${where}")


def spend_baseline_query(cohort_id: int, dialect: str) -> Select[Any]:
    """Over the teams with a recorded baseline: their number, the dollars of each one's last baseline
    period, and of those the dollars to each vendor group."""
    # A period's groups are listed in VendorGroup's order; the CASE checks the group named there.
    order = list(VendorGroup)

    def group_dollars(group: VendorGroup) -> ColumnElement[Any]:
        at = order.index(group)
        named = _figure(dialect, "periods", -1, "groups", at, "group")
        dollars = cast(_figure(dialect, "periods", -1, "groups", at, "dollars"), Numeric(18, 4))
        return func.sum(case((named == group.value, dollars), else_=0))

    total = cast(_figure(dialect, "periods", -1, "dollars"), Numeric(18, 4))
    return sql_select(func.count(), func.sum(total), *(group_dollars(g) for g in SPEND_GROUPS)).where(
        col(SpendBaseline.team_id).in_(_teams(cohort_id))
    )


def spend_now_query(cohort_id: int) -> Select[Any]:
    """Over the jurisdictions of the teams with a recorded baseline: their number, the dollars of
    contracts awarded in each one's latest calendar year with a contract, of those the dollars to each
    vendor group, and the currencies (how many, and one of them)."""
    paid = (
        sql_select(func.sum(col(SpendPayment.amount)))
        .where(col(SpendPayment.contract_id) == col(SpendContract.id))
        .scalar_subquery()
    )
    value = func.coalesce(col(SpendContract.amount), paid, 0)
    year = extract("year", col(SpendContract.awarded_on))
    baselined = sql_select(col(SpendBaseline.jurisdiction_id)).where(col(SpendBaseline.team_id).in_(_teams(cohort_id)))
    latest = (
        sql_select(
            col(SpendContract.jurisdiction_id).label("place"),
            extract("year", func.max(col(SpendContract.awarded_on))).label("year"),
        )
        .where(col(SpendContract.jurisdiction_id).in_(baselined))
        .group_by(col(SpendContract.jurisdiction_id))
        .subquery("latest")
    )

    def group_dollars(group: VendorGroup) -> ColumnElement[Any]:
        return func.sum(case((getattr(SpendContract, group.value).is_(True), value), else_=0))

    return sql_select(
        func.count(func.distinct(SpendContract.jurisdiction_id)),
        func.sum(value),
        *(group_dollars(g) for g in SPEND_GROUPS),
        func.count(func.distinct(SpendContract.currency)),
        func.min(col(SpendContract.currency)),
    ).join(latest, and_(latest.c.place == col(SpendContract.jurisdiction_id), latest.c.year == year))


@dataclass(frozen=True)
class SpendTotals:
    teams: int
    dollars: Decimal
    groups: dict[VendorGroup, Decimal]


@dataclass(frozen=True)
class SpendFiguresCombined:
    baseline: SpendTotals
    now: SpendTotals
    currencies: int
    currency: str | None


def spend_figures(connection: Connection, cohort_id: int) -> SpendFiguresCombined:
    dialect = connection.dialect.name
    teams, dollars, *groups = connection.execute(spend_baseline_query(cohort_id, dialect)).one()
    baseline = SpendTotals(_int(teams), _money(dollars), dict(zip(SPEND_GROUPS, map(_money, groups), strict=True)))
    places, dollars, *rest = connection.execute(spend_now_query(cohort_id)).one()
    *groups, currencies, currency = rest
    now = SpendTotals(_int(places), _money(dollars), dict(zip(SPEND_GROUPS, map(_money, groups), strict=True)))
    return SpendFiguresCombined(baseline, now, _int(currencies), currency)


def statements(cohort_id: int, dialect: str) -> dict[str, Executable]:
    """Every aggregate statement of this module the regional report runs (the per-team changes for
    every team, as an anonymized report needs them), by name: what the benchmark runs bare."""
    return {
        "kinds": kinds_query(cohort_id),
        "roles": roles_query(cohort_id),
        "people": people_query(cohort_id),
        "sessions": sessions_query(cohort_id),
        "compared": compared_query(cohort_id),
        "score_change": score_change_query(cohort_id),
        "score_median": score_median_query(cohort_id),
        "team_changes": team_changes_query(cohort_id),
        "goals": goals_query(cohort_id),
        "milestones": milestones_query(cohort_id),
        "spend_baseline": spend_baseline_query(cohort_id, dialect),
        "spend_now": spend_now_query(cohort_id),
    }
