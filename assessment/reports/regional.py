"""The regional impact report's view model (session 9): what the cohort did together, computed once
from SQL aggregates over the whole cohort (``regional_aggregates``) and the features' own regional
read models (the barrier ranking, the partner survey's results, the recommendations), then named
or labelled as ``naming`` allows. ``regional_layout`` lays it out; nothing here renders a file.

Only an alliance lead (or an admin) compiles it: the table's ``Record.regional_report`` row."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from statistics import median

from pydantic import BaseModel
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from assessment.barriers.ranking import BarrierRanking, rank_barriers
from assessment.cohorts.models import Cohort, Team
from assessment.cohorts.service import get_cohort, sessions_of
from assessment.core.errors import NotFound
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, Role, require
from assessment.recommendations.models import RecommendationPublic, RecommendationStatus
from assessment.recommendations.service import list_recommendations
from assessment.reports import regional_aggregates as figures
from assessment.reports.naming import MIN_GROUP, Naming, Place, naming_of, safe_breakdown
from assessment.selfassessment.models import Assessment, Cycle, RubricVersion
from assessment.selfassessment.rubric import load_rubric, parse_rubric
from assessment.selfassessment.scoring import round_half_up
from assessment.spending.models import VendorGroup
from assessment.survey.models import Share, StatementResult, SurveyResults
from assessment.survey.service import survey_results

TOP_BARRIERS = 10
# Past this many rows (statements × jurisdictions), the survey's breakdown by jurisdiction is not
# laid out as a table: a reader can't use 90,000 rows, and the spread per statement says it shortly.
SURVEY_CELLS_LIMIT = 2000
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


class RoleCount(BaseModel):
    role: str
    label: str
    people: int


class SessionHeld(BaseModel):
    """One of the cohort's sessions: how many teams held it and how many attended, on average."""

    number: int
    title: str
    scheduled_on: date | None
    teams: int
    mean_attendees: float | None  # None: no team held it, or too few to show


class Participation(BaseModel):
    jurisdictions: int
    counties: int | None  # None: not broken down by kind (anonymized)
    cities: int | None
    people: int  # counted, never named
    roles: list[RoleCount]
    sessions: list[SessionHeld]
    team_sessions: int  # sessions held, summed over the teams
    possible: int  # teams × sessions


class DomainChange(BaseModel):
    """A domain's (or the overall) 0-100 score: means over the teams compared, and the spread of change."""

    domain: str
    title: str
    teams: int
    baseline: float | None  # None: not shown (too few teams to show, or none compared)
    latest: float | None
    change: float | None
    low: float | None
    median: float | None
    high: float | None


class JurisdictionChange(BaseModel):
    """One jurisdiction's overall score at the baseline and later, its change, and each domain's
    change (domain id -> points; None: the domain is not compared)."""

    jurisdiction: str
    baseline: float | None
    latest: float | None
    overall: float | None
    domains: dict[str, float | None]


class ScoreChanges(BaseModel):
    teams_compared: int
    at_final: int  # teams compared at their final assessment
    at_midpoint: int  # teams without a final yet, compared at their midpoint
    shown: bool  # False: too few teams compared to show figures (anonymized)
    overall: DomainChange
    domains: list[DomainChange]
    jurisdictions: list[JurisdictionChange]  # those the report may name or label
    left_out: int  # teams compared but not listed (not named, or left out to protect one that is not)


class BarrierRow(BaseModel):
    category_label: str
    stage_label: str
    jurisdictions: int
    barriers: int
    resolved: int
    mean_severity: float | None
    regional_policy_candidate: bool


class WeakPractice(BaseModel):
    title: str
    domain_title: str
    mean_level: float
    teams: int


class Barriers(BaseModel):
    teams_reporting: int
    shown: bool  # False: too few jurisdictions report barriers to show figures (anonymized)
    barriers: int
    resolved: int
    rows: list[BarrierRow]  # the most common, most jurisdictions first
    rows_in_all: int  # category and stage pairs with a barrier
    rows_left_out: int  # pairs reported by too few jurisdictions to show (anonymized)
    weakest: list[WeakPractice]


class Goals(BaseModel):
    teams: int  # teams that set goals
    shown: bool
    goals: int
    met: int
    dropped: int
    milestones: int
    milestones_done: int


class SpendGroupShift(BaseModel):
    """One vendor group's share of the combined dollars, at the baseline and now (percent, one decimal)."""

    group: VendorGroup
    label: str
    baseline_dollars: Decimal
    now_dollars: Decimal
    baseline_share: Decimal | None
    now_share: Decimal | None
    change: Decimal | None  # percentage points


class Spending(BaseModel):
    teams: int  # teams with a recorded baseline
    shown: bool  # False: too few teams, or several currencies
    currency: str | None
    baseline_dollars: Decimal
    now_dollars: Decimal
    groups: list[SpendGroupShift]
    note: str


class SurveyRow(BaseModel):
    """One statement: everyone's share, and its spread across the jurisdictions whose share is published."""

    statement: str
    theme: str
    responses: int
    percent: int | None
    said: str  # "76% (13 of 17)" or "too few responses"
    jurisdictions: int  # jurisdictions whose share is published
    low: int | None  # None: fewer published than a spread may show
    median: float | None
    high: int | None


class SurveyCell(BaseModel):
    statement: str
    jurisdiction: str
    responses: int
    percent: int | None  # None: "too few responses"
    said: str


class Survey(BaseModel):
    instrument: str
    minimum: int
    respondents: int
    rows: list[SurveyRow]
    cells: list[SurveyCell]  # by jurisdiction, for those the report may name or label
    cells_shown: bool  # False: the breakdown is too large to lay out as a table, or ``too_few``
    too_few: bool = False  # anonymized, and too few jurisdictions to show any share by jurisdiction
    left_out: int  # cells left out to protect a jurisdiction that is not named


class Endorser(BaseModel):
    jurisdiction: str
    role: str
    endorsed_on: date
    note: str


class RecommendationView(BaseModel):
    title: str
    problem: str
    proposed_change: str
    level_label: str
    evidence: str
    status_label: str
    endorsements: int
    endorsers: list[Endorser]  # those the report may name or label
    others: int  # endorsing jurisdictions not named


class RegionalImpactReport(BaseModel):
    """The regional impact report of one cohort, as every format shows it."""

    cohort: str
    region: str
    prepared_by: str
    prepared_on: date
    anonymized: bool
    naming_note: str
    min_group: int
    participation: Participation
    scores: ScoreChanges
    barriers: Barriers
    goals: Goals
    spending: Spending
    survey: Survey | None  # None: no partner survey imported
    recommendations: list[RecommendationView]


Sections = dict[int, dict[str, figures.TeamChange]]  # team id -> its score changes (its row in the report)


def _readable(session: Session, actor: Actor, cohort: str) -> Cohort:
    group = get_cohort(session, cohort)
    require(actor, "read", Record.regional_report, None, f"compile the regional impact report of {group.name}")
    return group


def require_reader(session: Session, actor: Actor, cohort: str) -> Cohort:
    """The cohort, once ``actor`` may read its regional report (an alliance lead, an admin): who may
    see and download its compiled files."""
    group = get_cohort(session, cohort)
    require(actor, "read", Record.regional_report, None, f"see the regional impact report of {group.name}")
    return group


def section_teams(session: Session, actor: Actor, cohort: str, anonymize: bool = False) -> list[int]:
    """The teams the report may show a section (a row of score changes) for: every team when
    anonymized (each labelled), else those named."""
    group = _readable(session, actor, cohort)
    return [place.team_id for place in naming_of(session, row_id(group), anonymize).named]


def jurisdiction_sections(session: Session, actor: Actor, cohort: str, team_ids: list[int]) -> Sections:
    """The sections of the teams ``team_ids`` (of ``section_teams``) that have been compared."""
    group = _readable(session, actor, cohort)
    return figures.team_changes(session.connection(), row_id(group), team_ids)


def regional_report(
    session: Session, actor: Actor, cohort: str, anonymize: bool = False, sections: Sections | None = None
) -> RegionalImpactReport:
    """The regional impact report of ``cohort``: jurisdictions named only if their team opted in, or,
    with ``anonymize``, each labelled, and breakdowns that could single one out left out.

    ``sections`` are the jurisdictions' sections when computed already (``jurisdiction_sections``
    of every team ``section_teams`` gives, as the flow does, a task each); else computed here."""
    group = _readable(session, actor, cohort)
    cohort_id = row_id(group)
    naming = naming_of(session, cohort_id, anonymize)
    connection = session.connection()
    return RegionalImpactReport(
        cohort=group.name,
        region=group.region,
        prepared_by=actor.name,
        prepared_on=utcnow().date(),
        anonymized=anonymize,
        naming_note=naming.note(),
        min_group=MIN_GROUP,
        participation=participation_of(session, group, naming, figures.participation(connection, cohort_id)),
        scores=scores_of(session, cohort_id, naming, sections),
        barriers=barriers_of(rank_barriers(session, actor, group.name), naming),
        goals=goals_of(figures.goal_figures(connection, cohort_id), naming),
        spending=spending_of(figures.spend_figures(connection, cohort_id), naming),
        survey=survey_of(session, actor, group, naming),
        recommendations=[
            recommendation_of(r, naming)
            for r in list_recommendations(session, actor, group.name)
            if r.status is not RecommendationStatus.withdrawn
        ],
    )


def _tenth(value: float | None) -> float | None:
    return round_half_up(value, 1) if value is not None else None


def participation_of(
    session: Session, group: Cohort, naming: Naming, found: figures.ParticipationFigures
) -> Participation:
    teams = len(naming.places)
    sessions = []
    for held in sessions_of(session, group):
        count, mean = found.sessions.get(held.number, (0, None))
        sessions.append(
            SessionHeld(
                number=held.number,
                title=held.title,
                scheduled_on=held.scheduled_on,
                teams=count,
                mean_attendees=_tenth(mean) if naming.group_shown(count) else None,
            )
        )
    roles = [
        RoleCount(role=role.value, label=role.label, people=found.roles[role.value])
        for role in Role
        if role.value in found.roles
    ]
    return Participation(
        jurisdictions=teams,
        counties=found.kinds.get("county", 0) if naming.kinds_shown else None,
        cities=found.kinds.get("city", 0) if naming.kinds_shown else None,
        people=found.people,
        roles=roles,
        sessions=sessions,
        team_sessions=sum(count for count, _ in found.sessions.values()),
        possible=teams * len(sessions),
    )


def _domain_change(key: str, title: str, change: figures.ScoreChange | None, shown: bool) -> DomainChange:
    if change is None or not shown:
        teams = change.teams if change is not None else 0
        return DomainChange(
            domain=key,
            title=title,
            teams=teams,
            baseline=None,
            latest=None,
            change=None,
            low=None,
            median=None,
            high=None,
        )
    return DomainChange(
        domain=key,
        title=title,
        teams=change.teams,
        baseline=_tenth(change.before),
        latest=_tenth(change.after),
        change=_tenth(change.change),
        low=_tenth(change.low),
        median=_tenth(change.median),
        high=_tenth(change.high),
    )


def _without_spread(change: DomainChange) -> DomainChange:
    return change.model_copy(update={"low": None, "median": None, "high": None})


def domain_titles(session: Session, cohort_id: int) -> dict[str, str]:
    """The domains' titles, in rubric order, from the rubric versions the cohort's assessments were
    scored with (a few rows), then the current rubric."""
    used = sql_select(col(Assessment.rubric_id), col(Assessment.rubric_version)).distinct()
    used = used.join(Team, col(Team.id) == col(Assessment.team_id)).where(col(Team.cohort_id) == cohort_id)
    pairs = set(session.connection().execute(used).tuples())
    stored = session.exec(select(RubricVersion)).all() if pairs else []
    rubrics = [
        parse_rubric(json.loads(v.content), f"stored rubric {v.rubric_id} {v.version}")
        for v in stored
        if (v.rubric_id, v.version) in pairs
    ]
    titles: dict[str, str] = {}
    for rubric in [*rubrics, load_rubric()]:
        for domain in rubric.domains:
            titles.setdefault(domain.id, domain.title)
    return titles


def scores_of(session: Session, cohort_id: int, naming: Naming, sections: Sections | None = None) -> ScoreChanges:
    connection = session.connection()
    found = figures.score_changes(connection, cohort_id)
    compared = sum(found.compared.values())
    titles = domain_titles(session, cohort_id)
    keys = [*titles] + sorted(k for k in found.scores if k not in titles and k != figures.OVERALL)
    domains = [
        _domain_change(key, titles.get(key, key), found.scores.get(key), naming.group_shown(found.scores[key].teams))
        for key in keys
        if key in found.scores
    ]
    overall = found.scores.get(figures.OVERALL)
    shown = naming.group_shown(compared)

    named = naming.named
    if not shown:
        changes: Sections = {}
    elif sections is not None:
        changes = sections
    else:
        changes = figures.team_changes(connection, cohort_id, None if naming.anonymized else [p.team_id for p in named])
    listed: list[Place] = [p for p in named if p.team_id in changes]
    listed = safe_breakdown(listed, compared - len(listed))
    overall_row = _domain_change(figures.OVERALL, "Overall", overall, shown and overall is not None)
    rows = []
    for place in listed:
        team = changes[place.team_id]
        overall_change = team.get(figures.OVERALL)
        rows.append(
            JurisdictionChange(
                jurisdiction=naming.shown(place) or "",
                baseline=_tenth(overall_change.before) if overall_change else None,
                latest=_tenth(overall_change.after) if overall_change else None,
                overall=_tenth(overall_change.change) if overall_change else None,
                domains={d.domain: _tenth(team[d.domain].change) if d.domain in team else None for d in domains},
            )
        )
    if not naming.spread_shown(compared, compared - len(rows)):
        # the spread would give away the figures the table leaves out
        domains = [_without_spread(d) for d in domains]
        overall_row = _without_spread(overall_row)
    return ScoreChanges(
        teams_compared=compared,
        at_final=found.compared.get(Cycle.final.value, 0),
        at_midpoint=found.compared.get(Cycle.midpoint.value, 0),
        shown=shown,
        overall=overall_row,
        domains=domains,
        jurisdictions=rows,
        left_out=compared - len(rows),
    )


def barriers_of(ranking: BarrierRanking, naming: Naming) -> Barriers:
    visible = [r for r in ranking.rows if naming.group_shown(r.jurisdictions)]
    shown = naming.group_shown(ranking.teams_reporting)
    rows = [
        BarrierRow(
            category_label=r.category_label,
            stage_label=r.stage_label,
            jurisdictions=r.jurisdictions,
            barriers=r.barriers,
            resolved=r.resolved,
            mean_severity=r.mean_severity,
            regional_policy_candidate=r.regional_policy_candidate,
        )
        for r in visible[:TOP_BARRIERS]
    ]
    weakest = [
        WeakPractice(title=w.title, domain_title=w.domain_title, mean_level=w.mean_level, teams=w.teams)
        for w in ranking.weakest_indicators
        if naming.group_shown(w.teams)
    ]
    return Barriers(
        teams_reporting=ranking.teams_reporting,
        shown=shown,
        barriers=sum(r.barriers for r in ranking.rows) if shown else 0,
        resolved=sum(r.resolved for r in ranking.rows) if shown else 0,
        rows=rows if shown else [],
        rows_in_all=len(ranking.rows),
        rows_left_out=len(ranking.rows) - len(visible),
        weakest=weakest,
    )


def goals_of(found: figures.GoalFigures, naming: Naming) -> Goals:
    shown = naming.group_shown(found.teams)
    return Goals(
        teams=found.teams,
        shown=shown,
        goals=found.goals if shown else 0,
        met=found.met if shown else 0,
        dropped=found.dropped if shown else 0,
        milestones=found.milestones if shown else 0,
        milestones_done=found.milestones_done if shown else 0,
    )


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * HUNDRED).quantize(TENTH) if whole else None


def spending_of(found: figures.SpendFiguresCombined, naming: Naming) -> Spending:
    teams = found.baseline.teams
    note = ""
    shown = bool(teams) and naming.group_shown(teams)
    if teams and not shown:
        note = f"Fewer than {MIN_GROUP} teams have recorded a spending baseline, so the combined figures are not shown."
    elif found.currencies > 1:
        shown = False
        note = "The teams' spending is in more than one currency, so it is not added up."
    groups = []
    for group in figures.SPEND_GROUPS:
        before = _percent(found.baseline.groups[group], found.baseline.dollars)
        now = _percent(found.now.groups[group], found.now.dollars)
        groups.append(
            SpendGroupShift(
                group=group,
                label=group.label,
                baseline_dollars=found.baseline.groups[group],
                now_dollars=found.now.groups[group],
                baseline_share=before,
                now_share=now,
                change=now - before if now is not None and before is not None else None,
            )
        )
    return Spending(
        teams=teams,
        shown=shown,
        currency=found.currency,
        baseline_dollars=found.baseline.dollars if shown else Decimal(0),
        now_dollars=found.now.dollars if shown else Decimal(0),
        groups=groups if shown else [],
        note=note,
    )


def _published(statement: StatementResult) -> list[tuple[str, Share]]:
    return [(j.jurisdiction, j.share) for j in statement.jurisdictions if not j.share.suppressed]


def survey_of(session: Session, actor: Actor, group: Cohort, naming: Naming) -> Survey | None:
    try:
        results: SurveyResults = survey_results(session, actor, group.name)
    except NotFound:
        return None
    if not results.respondents:
        return None
    rows = []
    cells: list[SurveyCell] = []
    left_out = 0
    listed_cells = sum(
        1
        for s in results.statements
        for j in s.jurisdictions
        if j.share.responses and naming.shown_name(j.jurisdiction)
    )
    # Anonymized, a cohort of fewer than MIN_GROUP jurisdictions shows no share by jurisdiction: with two,
    # each team knows its own label, so the other's would be the other's.
    too_few = not naming.group_shown(len(naming.places))
    cells_shown = listed_cells <= SURVEY_CELLS_LIMIT and not too_few
    for statement in results.statements:
        percents = [share.percent for _, share in _published(statement) if share.percent is not None]
        listed = 0
        if cells_shown:
            kept, dropped, listed = _survey_cells(statement, results.minimum, naming)
            cells += kept
            left_out += dropped
        spread = naming.group_shown(len(percents)) and naming.spread_shown(len(percents), len(percents) - listed)
        rows.append(
            SurveyRow(
                statement=statement.text,
                theme=statement.theme,
                responses=statement.overall.responses,
                percent=statement.overall.percent,
                said=statement.overall.said,
                jurisdictions=len(percents),
                low=min(percents) if spread else None,
                median=float(median(percents)) if spread else None,
                high=max(percents) if spread else None,
            )
        )
    return Survey(
        instrument=results.instrument,
        minimum=results.minimum,
        respondents=results.respondents,
        rows=rows,
        cells=cells,
        cells_shown=cells_shown,
        too_few=too_few,
        left_out=left_out,
    )


def _survey_cells(statement: StatementResult, minimum: int, naming: Naming) -> tuple[list[SurveyCell], int, int]:
    """The statement's cells by jurisdiction the report may show, how many published ones it left out,
    and how many of those it shows carry a share (not "too few responses").

    The survey has already hidden small numbers (and their complements); a jurisdiction the report
    may not name is left out too, and then, like ``safe_breakdown`` says, as many more as it takes
    for the jurisdictions left out not to be singled out by the overall minus those shown."""
    answered = [(j.jurisdiction, j.share) for j in statement.jurisdictions if j.share.responses]
    unnamed = [name for name, share in answered if not share.suppressed and naming.shown_name(name) is None]
    listed = [(name, share) for name, share in answered if naming.shown_name(name) is not None]
    left_out = 0
    if unnamed:
        published = [(name, share) for name, share in listed if not share.suppressed]
        hidden = sum(1 for _, share in answered if share.suppressed) + len(unnamed)
        unassigned = statement.overall.responses - sum(share.responses for _, share in answered)
        kept = safe_breakdown(published, hidden, padded=unassigned >= minimum, smallest=lambda c: c[1].responses)
        dropped = {name for name, _ in published} - {name for name, _ in kept}
        left_out = len(dropped)
        listed = [(name, share) for name, share in listed if name not in dropped]
    # In the order of the report's own names (label order when labelled), never by the real names'
    # alphabet: labelled cells in alphabetical order of the names behind them would give the names away.
    listed.sort(key=lambda cell: naming.order_of(cell[0]))
    cells = [
        SurveyCell(
            statement=statement.text,
            jurisdiction=naming.shown_name(name) or "",
            responses=share.responses,
            percent=share.percent,
            said=share.said,
        )
        for name, share in listed
    ]
    return cells, left_out, sum(1 for _, share in listed if not share.suppressed)


def recommendation_of(recommendation: RecommendationPublic, naming: Naming) -> RecommendationView:
    endorsers = []
    for endorsement in recommendation.endorsements:
        shown = naming.shown_name(endorsement.jurisdiction)
        if shown is None:
            continue
        endorsers.append(
            Endorser(
                jurisdiction=shown,
                role=endorsement.role,
                endorsed_on=endorsement.endorsed_at.date(),
                # a note is the jurisdiction's own words: kept only beside its name, never beside a label
                note=naming.scrub(endorsement.note) if not naming.anonymized else "",
            )
        )
    order = {naming.shown(p): n for n, p in enumerate(naming.places)}
    endorsers.sort(key=lambda e: (order.get(e.jurisdiction, len(order)), e.jurisdiction.casefold()))
    return RecommendationView(
        title=naming.scrub(recommendation.title),
        problem=naming.scrub(recommendation.problem),
        proposed_change=naming.scrub(recommendation.proposed_change),
        level_label=recommendation.level_label,
        evidence=naming.scrub(recommendation.evidence),
        status_label=recommendation.status_label,
        endorsements=len(recommendation.endorsements),
        endorsers=endorsers,
        others=len(recommendation.endorsements) - len(endorsers),
    )
