"""The jurisdiction impact report's view model: what one team did and what changed, read from every
feature's store once, then laid out by ``jurisdiction_layout``.

Each part reuses its feature's own definitions (stored scores and their comparison, barrier and
goal statuses, the spending figures, the equity profile, commitment progress) and counts what can
be counted in SQL (barriers by category and status, goals by status, milestones per goal). What
is missing is said, part by part, so a report compiles at any point of the nine sessions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from assessment.anchor.models import AnchorCategory, AnchorCommitment, CommitmentPublic
from assessment.anchor.service import public as commitment_public
from assessment.barriers.models import Barrier, BarrierStatus
from assessment.barriers.reference import categories, category_label
from assessment.cohorts.models import Cohort, Jurisdiction, Person, Team
from assessment.cohorts.service import get_team, members_of, sessions_of
from assessment.community.engagement import public as engagement_public
from assessment.community.models import EngagementPublic, EngagementRecord
from assessment.core.errors import NotFound, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.history import History
from assessment.core.permissions import Actor, Record, require
from assessment.goals.models import Goal, GoalStatus, Milestone
from assessment.metrics.models import EquityProfile
from assessment.metrics.profile import profile_with_spending
from assessment.reports.highlights import highlights_of
from assessment.reports.models import HighlightKind
from assessment.selfassessment.models import Cycle
from assessment.selfassessment.results import assessments_of, stored_result
from assessment.selfassessment.scoring import AssessmentResult, compare
from assessment.sessions.models import SessionRecord
from assessment.spending.models import BaselinePublic, SpendFigures
from assessment.spending.service import baseline_of, changes_since, compute, figures_of

# How many practices the report lists as having moved most, and how many resolved barriers it names.
PRACTICES_SHOWN = 5
RESOLVED_SHOWN = 10
# The spending figures the report compares, in the order it shows them (keys of ``figures_of``).
SPEND_SHARES = ("cbo_dollar_share", "small_dollar_share", "local_dollar_share")
SPEND_FIGURES = (
    "dollars",
    "contracts",
    *SPEND_SHARES,
    "median_days_to_payment",
    "p90_days_to_payment",
    "advance_payment_share",
)
METRIC = "hpi"  # the equity metric whose quartiles place contract dollars


# --- the view model ----------------------------------------------------------------------------


class SessionAttendance(BaseModel):
    """One of the cohort's sessions: when it was held for the team (None: not yet) and who came."""

    number: int
    title: str
    scheduled_on: date | None
    held_on: date | None
    attendees: int | None
    roster: int  # people on the team (holding a role in the jurisdiction) now
    attendance: float | None  # attendees / roster, 0..1


class Participation(BaseModel):
    sessions: list[SessionAttendance]
    held: int
    total: int
    roster: int
    average_attendance: float | None  # the mean of the held sessions' attendance, 0..1
    notes: list[str]


class ScoreChange(BaseModel):
    """A 0-100 score in the two cycles compared, and the change (None where a cycle has no score
    that counts: an insufficiently rated domain does not)."""

    id: str
    title: str
    baseline: float | None
    latest: float | None
    change: float | None


class PracticeChange(BaseModel):
    """A practice (rubric indicator) whose team level rose, on the rubric's 1-4 scale."""

    id: str
    text: str
    domain: str
    baseline: float
    latest: float
    change: float


class Scores(BaseModel):
    """The self-assessment then and now. ``baseline_cycle`` is the earliest scored cycle (normally
    the baseline) and ``compared_cycle`` the latest later one (normally the final); None when
    there is none."""

    baseline_cycle: Cycle | None
    compared_cycle: Cycle | None
    overall: ScoreChange
    domains: list[ScoreChange]
    stage_before: int | None
    stage_before_name: str | None
    stage_after: int | None
    stage_after_name: str | None
    practices: list[PracticeChange]  # the ones that moved most, largest rise first
    notes: list[str]


class StatusCount(BaseModel):
    status: BarrierStatus
    label: str
    count: int


class CategoryBarriers(BaseModel):
    """The team's barriers of one category, by status (every status of ``Barriers.statuses``)."""

    category: str
    label: str
    counts: list[int]
    total: int


class ResolvedBarrier(BaseModel):
    id: int
    title: str
    category_label: str
    resolved_on: date | None


class Barriers(BaseModel):
    statuses: list[StatusCount]  # the statuses the team's barriers are in, in lifecycle order
    categories: list[CategoryBarriers]  # in the reference list's order
    total: int
    resolved: int
    resolved_list: list[ResolvedBarrier]  # the latest resolved first, up to RESOLVED_SHOWN
    notes: list[str]


class GoalLine(BaseModel):
    id: int
    statement: str
    status: GoalStatus
    status_label: str
    due: date
    owner: str | None  # by name
    milestones_done: int
    milestones_total: int
    next_milestone: str | None  # the first milestone not done, soonest due


class Goals(BaseModel):
    total: int
    met: int  # done
    dropped: int
    milestones_done: int
    milestones_total: int
    goals: list[GoalLine]  # soonest due first
    next_steps: list[GoalLine]  # the open ones: what is next
    notes: list[str]


class SpendLine(BaseModel):
    """One spending figure in the baseline and now; shares in percent, change in points."""

    key: str
    label: str
    unit: str  # "%", "days", "dollars", "contracts"
    baseline: Decimal | None
    now: Decimal | None
    change: Decimal | None


class QuartileDollars(BaseModel):
    """Contract dollars in one quartile of the jurisdiction's tracts (1 = least advantaged)."""

    quartile: int
    label: str
    tracts: int
    baseline: Decimal | None
    now: Decimal | None
    baseline_share: float | None  # of the period's dollars, 0..1
    now_share: float | None


class Spending(BaseModel):
    imported: bool
    currency: str | None
    baseline_period: str | None  # the baseline's last period, what "baseline" means in the lines
    baseline_recorded_on: date | None
    current_period: str | None  # the latest calendar year with a contract
    lines: list[SpendLine]
    metric_label: str | None  # the equity metric whose quartiles place the dollars
    quartiles: list[QuartileDollars]
    notes: list[str]  # what is missing, and how to add it
    caveats: list[str]  # how to read the figures (the features' own warnings)

    def line(self, key: str) -> SpendLine | None:
        return next((line for line in self.lines if line.key == key), None)


class CommitmentLine(BaseModel):
    """An anchor commitment and where its progress stands, as its feature computes it."""

    category_label: str
    statement: str
    measure: str
    baseline: str | None
    target: str
    unit: str
    due: date
    status_label: str
    progress: str  # in words: "12 % as of 2026-05-01"
    share: float | None  # of the way from baseline to target, 0..1 (may pass 1)


class HighlightItem(BaseModel):
    kind: HighlightKind
    text: str
    attribution: str


class JurisdictionImpactReport(BaseModel):
    """One team's impact report: participation, scores, barriers, goals, spending, engagement,
    anchor commitments, its highlights and quotes, and what is missing."""

    jurisdiction: str
    cohort: str
    region: str
    prepared_by: str
    prepared_on: date
    participation: Participation
    scores: Scores
    barriers: Barriers
    goals: Goals
    spending: Spending
    engagement: EngagementPublic | None
    commitments: list[CommitmentLine]
    highlights: list[HighlightItem]
    missing: list[str]  # every part's notes on what is not there yet, in report order


# --- computing it ------------------------------------------------------------------------------


def impact_report(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> JurisdictionImpactReport:
    """The impact report of ``jurisdiction``'s team in ``cohort``: the team's members and an alliance
    lead may read it (``Record.impact_report``)."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.impact_report, place, f"read the impact report of {place.name}")
    participation = participation_of(session, team, place, group)
    scores = scores_of(session, team)
    barriers = barriers_of(session, place)
    goals = goals_of(session, team)
    spending = spending_of(session, actor, team, place, group)
    engagement = engagement_of(session, team)
    commitments = commitments_of(session, team)
    highlights = [
        HighlightItem(kind=HighlightKind(h.kind), text=h.text, attribution=h.attribution)
        for h in highlights_of(session, team)
    ]
    missing = [*participation.notes, *scores.notes, *barriers.notes, *goals.notes, *spending.notes]
    if engagement is None:
        missing.append(engagement_missing(place.name, group.name))
    if not commitments:
        missing.append("No anchor commitment is made yet (session 7).")
    return JurisdictionImpactReport(
        jurisdiction=place.name,
        cohort=group.name,
        region=group.region,
        prepared_by=actor.name,
        prepared_on=utcnow().date(),
        participation=participation,
        scores=scores,
        barriers=barriers,
        goals=goals,
        spending=spending,
        engagement=engagement,
        commitments=commitments,
        highlights=highlights,
        missing=missing,
    )


def participation_of(session: Session, team: Team, place: Jurisdiction, cohort: Cohort) -> Participation:
    """Every session of the cohort, held or not, with the share of the team that came."""
    roster = members_of(session, [row_id(place)]).get(row_id(place), 0)
    query = select(col(SessionRecord.number), col(SessionRecord.held_on), col(SessionRecord.attendees)).where(
        SessionRecord.team_id == team.id
    )
    held = {number: (day, len(attendees)) for number, day, attendees in session.exec(query)}
    rows = []
    for spec in sessions_of(session, cohort):
        day, came = held.get(spec.number, (None, None))
        rows.append(
            SessionAttendance(
                number=spec.number,
                title=spec.title,
                scheduled_on=spec.scheduled_on,
                held_on=day,
                attendees=came,
                roster=roster,
                attendance=came / roster if came is not None and roster else None,
            )
        )
    shares = [r.attendance for r in rows if r.attendance is not None]
    notes = [] if held else ["No session is recorded for the team yet (each session's flow records it)."]
    return Participation(
        sessions=rows,
        held=sum(1 for r in rows if r.held_on is not None),
        total=len(rows),
        roster=roster,
        average_attendance=sum(shares) / len(shares) if shares else None,
        notes=notes,
    )


def scores_of(session: Session, team: Team) -> Scores:
    """The earliest scored cycle against the latest, by the scoring feature's own comparison."""
    scored = [a for a in assessments_of(session, team) if a.current_submission_id is not None]
    if not scored:
        return Scores(
            baseline_cycle=None,
            compared_cycle=None,
            overall=ScoreChange(id="overall", title="Overall", baseline=None, latest=None, change=None),
            domains=[],
            stage_before=None,
            stage_before_name=None,
            stage_after=None,
            stage_after_name=None,
            practices=[],
            notes=["No self-assessment is scored yet, so there are no scores to compare."],
        )
    first = stored_result(session, scored[0])
    first_cycle = Cycle(scored[0].cycle)
    if len(scored) == 1:
        notes = [
            f"Only the {first_cycle.value} self-assessment is scored: the scores show where the team started; "
            "the change shows once the final one is scored."
        ]
        return Scores(
            baseline_cycle=first_cycle,
            compared_cycle=None,
            overall=ScoreChange(id="overall", title="Overall", baseline=first.overall.score, latest=None, change=None),
            domains=[
                ScoreChange(
                    id=d.id, title=d.title, baseline=None if d.insufficient else d.score, latest=None, change=None
                )
                for d in first.domains
            ],
            stage_before=first.overall.stage,
            stage_before_name=first.overall.stage_name,
            stage_after=None,
            stage_after_name=None,
            practices=[],
            notes=notes,
        )
    last = stored_result(session, scored[-1])
    last_cycle = Cycle(scored[-1].cycle)
    change = compare(last, first, first_cycle.value)
    titles = {d.id: d.title for d in last.domains}
    notes = []
    if last_cycle is not Cycle.final:
        notes.append(f"No final assessment yet: scores compare {first_cycle.value} with {last_cycle.value}.")
    elif first_cycle is not Cycle.baseline:
        notes.append(f"No baseline assessment was scored: scores compare {first_cycle.value} with final.")
    return Scores(
        baseline_cycle=first_cycle,
        compared_cycle=last_cycle,
        overall=ScoreChange(
            id="overall",
            title="Overall",
            baseline=change.overall.previous,
            latest=change.overall.current,
            change=change.overall.change,
        ),
        domains=[
            ScoreChange(id=key, title=titles[key], baseline=d.previous, latest=d.current, change=d.change)
            for key, d in change.domains.items()
        ],
        stage_before=first.overall.stage,
        stage_before_name=first.overall.stage_name,
        stage_after=last.overall.stage,
        stage_after_name=last.overall.stage_name,
        practices=practices_moved(first, last),
        notes=notes,
    )


def practices_moved(first: AssessmentResult, last: AssessmentResult) -> list[PracticeChange]:
    """The practices whose team level rose most between two results (ties in rubric order)."""
    before = {i.id: i.rating for i in first.indicators}
    titles = {d.id: d.title for d in last.domains}
    rose = []
    for indicator in last.indicators:
        then = before.get(indicator.id)
        if then is None or indicator.rating is None or indicator.rating <= then:
            continue
        rose.append(
            PracticeChange(
                id=indicator.id,
                text=indicator.text,
                domain=titles.get(indicator.domain, indicator.domain),
                baseline=then,
                latest=indicator.rating,
                change=indicator.rating - then,
            )
        )
    # sorted is stable: among equal rises, rubric order stays
    return sorted(rose, key=lambda p: -p.change)[:PRACTICES_SHOWN]


def barriers_of(session: Session, place: Jurisdiction) -> Barriers:
    """The jurisdiction's barriers counted by category and status, and the ones resolved."""
    counted = session.exec(
        select(Barrier.category, Barrier.status, func.count())
        .where(Barrier.jurisdiction_id == place.id)
        .group_by(col(Barrier.category), col(Barrier.status))
    ).all()
    present = {BarrierStatus(status) for _, status, _ in counted}
    statuses = [s for s in BarrierStatus if s in present]
    table: dict[str, dict[BarrierStatus, int]] = {}
    for category, status, count in counted:
        table.setdefault(category, {})[BarrierStatus(status)] = int(count)
    order = [c.id for c in categories()]
    rows = [
        CategoryBarriers(
            category=category,
            label=category_label(category),
            counts=[table[category].get(s, 0) for s in statuses],
            total=sum(table[category].values()),
        )
        for category in sorted(table, key=lambda c: (order.index(c) if c in order else len(order), c))
    ]
    by_status = {s: sum(table[c].get(s, 0) for c in table) for s in statuses}
    resolved_on = func.max(History.at)
    resolved = session.exec(
        select(Barrier.id, Barrier.title, Barrier.category, resolved_on)
        .join(
            History,
            (col(History.entity) == "barrier")
            & (col(History.entity_id) == col(Barrier.id))
            & (col(History.field) == "status")
            & (col(History.new) == BarrierStatus.resolved.value),
            isouter=True,
        )
        .where(Barrier.jurisdiction_id == place.id, Barrier.status == BarrierStatus.resolved.value)
        .group_by(col(Barrier.id), col(Barrier.title), col(Barrier.category))
    ).all()
    listed = sorted(resolved, key=lambda r: (r[3] is None, -(r[3].timestamp() if r[3] else 0), r[0] or 0))
    total = sum(by_status.values())
    return Barriers(
        statuses=[StatusCount(status=s, label=s.label, count=by_status[s]) for s in statuses],
        categories=rows,
        total=total,
        resolved=by_status.get(BarrierStatus.resolved, 0),
        resolved_list=[
            ResolvedBarrier(
                id=ident or 0,
                title=title,
                category_label=category_label(category),
                resolved_on=at.date() if at else None,
            )
            for ident, title, category, at in listed[:RESOLVED_SHOWN]
        ],
        notes=[] if total else ["No barrier is recorded yet (session 2)."],
    )


def goals_of(session: Session, team: Team) -> Goals:
    """The team's goals with their milestones counted, and the open ones: what is next."""
    goals = list(session.exec(select(Goal).where(Goal.team_id == team.id).order_by(col(Goal.due_on), col(Goal.id))))
    ids = [g.id for g in goals]
    counts = {
        goal_id: (int(total), int(done))
        for goal_id, total, done in session.exec(
            select(Milestone.goal_id, func.count(), func.count(col(Milestone.done_on)))
            .where(col(Milestone.goal_id).in_(ids))
            .group_by(col(Milestone.goal_id))
        )
    }
    upcoming: dict[int, str] = {}
    pending = (
        select(Milestone)
        .where(col(Milestone.goal_id).in_(ids), col(Milestone.done_on).is_(None))
        # undated milestones last, on every database (SQLite sorts NULL first, PostgreSQL last)
        .order_by(col(Milestone.due_on).is_(None), col(Milestone.due_on), col(Milestone.id))
    )
    for milestone in session.exec(pending):
        upcoming.setdefault(milestone.goal_id, milestone.title)
    owners = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_({g.owner_id for g in goals}))).all()
    )
    lines = []
    for goal in goals:
        status = GoalStatus(goal.status)
        total, done = counts.get(goal.id or 0, (0, 0))
        lines.append(
            GoalLine(
                id=goal.id or 0,
                statement=goal.statement,
                status=status,
                status_label=status.label,
                due=goal.due_on,
                owner=owners.get(goal.owner_id),
                milestones_done=done,
                milestones_total=total,
                next_milestone=upcoming.get(goal.id or 0),
            )
        )
    return Goals(
        total=len(lines),
        met=sum(1 for g in lines if g.status is GoalStatus.done),
        dropped=sum(1 for g in lines if g.status is GoalStatus.dropped),
        milestones_done=sum(g.milestones_done for g in lines),
        milestones_total=sum(g.milestones_total for g in lines),
        goals=lines,
        next_steps=[g for g in lines if not g.status.is_closed],
        notes=[] if lines else ["No goal is set yet (session 4)."],
    )


UNITS = {
    "dollars": "dollars",
    "contracts": "contracts",
    "median_days_to_payment": "days",
    "p90_days_to_payment": "days",
}


def spending_of(session: Session, actor: Actor, team: Team, place: Jurisdiction, cohort: Cohort) -> Spending:
    """The spending figures of the baseline's last period against the latest year, and the dollars
    by quartile of the equity metric in each, as the spending and metrics features compute them."""
    where = f'--jurisdiction "{place.name}" --cohort "{cohort.name}"'
    try:
        figures = compute(session, place)
    except ValidationFailed as refused:  # spending in several currencies: its figures would add them up
        return nothing_spent([refused.summary])
    except NotFound:
        return nothing_spent(
            [
                "No spending is imported yet, so the spending shift can't be shown: import it with "
                f'`accelerator spend import --jurisdiction "{place.name}" FILE` and record the baseline with '
                f"`accelerator spend baseline {where}` (session 6)."
            ]
        )
    baseline = baseline_of(session, team.id)
    lines = spend_lines(baseline, figures)
    notes = []
    if baseline is None or not baseline.figures.periods:
        notes.append(
            f"No impact-spending baseline is recorded yet: the figures are today's only. Record it with "
            f"`accelerator spend baseline {where}`."
        )
    reference = baseline.figures.periods[-1].period if baseline and baseline.figures.periods else None
    current = figures.periods[-1].period if figures.periods else None
    if reference is not None and reference == current:
        notes.append(
            f"The latest spending imported is of the baseline's own period ({reference}): import later "
            "spending to see a change."
        )
    metric_label, quartiles, missing, caveats = quartiles_of(session, actor, place, cohort, reference, current)
    return Spending(
        imported=True,
        currency=figures.currency,
        baseline_period=reference,
        baseline_recorded_on=baseline.recorded_at.date() if baseline else None,
        current_period=current,
        lines=lines,
        metric_label=metric_label,
        quartiles=quartiles,
        notes=notes + missing,
        caveats=caveats,
    )


def nothing_spent(notes: list[str]) -> Spending:
    """The spending part of a team whose figures can't be computed, saying why."""
    return Spending(
        imported=False,
        currency=None,
        baseline_period=None,
        baseline_recorded_on=None,
        current_period=None,
        lines=[],
        metric_label=None,
        quartiles=[],
        notes=notes,
        caveats=[],
    )


def spend_lines(baseline: BaselinePublic | None, figures: SpendFigures) -> list[SpendLine]:
    """The report's figures, baseline and now, as ``changes_since`` compares them."""
    if not figures.periods:
        return []
    if baseline is not None and baseline.figures.periods:
        compared = changes_since(baseline, figures)[-1].figures
        found = {f.figure: (f.label, f.baseline, f.now, f.change) for f in compared}
    else:
        found = {key: (label, None, now, None) for key, label, now in figures_of(figures.periods[-1])}
    lines = []
    for key in SPEND_FIGURES:
        label, then, now, change = found[key]
        lines.append(SpendLine(key=key, label=label, unit=UNITS.get(key, "%"), baseline=then, now=now, change=change))
    return lines


def quartiles_of(
    session: Session, actor: Actor, place: Jurisdiction, cohort: Cohort, reference: str | None, current: str | None
) -> tuple[str | None, list[QuartileDollars], list[str], list[str]]:
    """Contract dollars by quartile of the equity metric in the baseline period and now, with what
    is missing and the caveats of the latest period's profile."""
    profiles: dict[str, EquityProfile] = {}
    try:
        for period in dict.fromkeys(p for p in (reference, current) if p is not None):
            profiles[period] = profile_with_spending(session, actor, place.name, cohort.name, METRIC, period)
    except NotFound:  # the metric is not imported for the jurisdiction's tracts
        said = (
            "Dollars by Healthy Places Index quartile can't be shown yet: no Healthy Places Index is imported for "
            f'{place.name}. Import it with `accelerator metrics import --jurisdiction "{place.name}" FILE '
            "--vintage 2020` (session 5)."
        )
        return None, [], [said], []
    if not profiles:
        return None, [], [], []
    then = profiles.get(reference) if reference else None
    now = profiles.get(current) if current else None
    shown = now or then
    assert shown is not None
    rows = []
    for index, quartile in enumerate(shown.quartiles):
        before = then.quartiles[index] if then else None
        after = now.quartiles[index] if now else None
        rows.append(
            QuartileDollars(
                quartile=quartile.quartile,
                label=quartile.label,
                tracts=quartile.tracts,
                baseline=before.dollars if before else None,
                now=after.dollars if after else None,
                baseline_share=before.dollar_share if before else None,
                now_share=after.dollar_share if after else None,
            )
        )
    caveats = list(shown.warnings)
    unplaced = now.unplaced.dollars if now else None
    if unplaced:
        caveats.append(
            f"Some dollars of {current} are not placed in a quartile (a vendor with no tract or ZIP code the "
            "metric covers); they are left out of the quartiles, never guessed."
        )
    return shown.metric_label, rows, [], caveats


def engagement_missing(jurisdiction: str, cohort: str) -> str:
    """What the report says while the team's engagement levels are not recorded."""
    return (
        "The community engagement levels are not recorded yet: record them with "
        f'`accelerator community set-engagement --jurisdiction "{jurisdiction}" --cohort "{cohort}" '
        "--current N --aspirational N` (session 3)."
    )


def engagement_of(session: Session, team: Team) -> EngagementPublic | None:
    """The team's latest engagement rating (current and aspirational), or None before the first."""
    query = select(EngagementRecord).where(EngagementRecord.team_id == team.id)
    latest = session.exec(
        query.order_by(col(EngagementRecord.recorded_at).desc(), col(EngagementRecord.id).desc())
    ).first()
    return engagement_public(latest) if latest else None


def commitments_of(session: Session, team: Team) -> list[CommitmentLine]:
    """The team's anchor commitments by category, then soonest due, with their progress."""
    rows = list(session.exec(select(AnchorCommitment).where(AnchorCommitment.team_id == team.id)))
    order = list(AnchorCategory)
    rows.sort(key=lambda c: (order.index(AnchorCategory(c.category)), c.due_on, c.id or 0))
    return [line_of(commitment_public(session, c)) for c in rows]


def line_of(commitment: CommitmentPublic) -> CommitmentLine:
    return CommitmentLine(
        category_label=commitment.category_label,
        statement=commitment.statement,
        measure=commitment.measure,
        baseline=commitment.baseline,
        target=commitment.target,
        unit=commitment.unit,
        due=commitment.due,
        status_label=commitment.status_label,
        progress=commitment.progress.said,
        share=commitment.progress.share,
    )
