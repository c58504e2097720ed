"""The facts the session sequence names (``needs`` and ``deliverables`` in
``rubrics/accelerator-sequence.yaml``): each says, for one team, whether it holds, what shows it,
and, when it does not, what is missing and what to do.

A fact only reads; whoever asks has already been allowed to read the team's sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from assessment.anchor.models import AnchorCategory, AnchorCommitment, CommitmentStatus
from assessment.anchor.progress import is_measurable
from assessment.barriers.models import Barrier, BarrierInput, BarrierStatus
from assessment.cohorts.models import Cohort, Jurisdiction, Person, RoleAssignment, Team
from assessment.community.models import CommunityInput, EngagementRecord
from assessment.core.fields import row_id
from assessment.core.permissions import Role
from assessment.goals.models import Goal, GoalBarrier, GoalStatus, Milestone
from assessment.metrics.service import metrics_imported
from assessment.recommendations.models import Endorsement, Recommendation, RecommendationStatus
from assessment.reports.compiled import last_compiled
from assessment.reports.models import ReportKind
from assessment.roadmap.models import RoadmapVersion
from assessment.selfassessment.models import Assessment, Cycle
from assessment.sessions.models import ProcessChange, SessionRecord
from assessment.sessions.shapes import CRITERIA
from assessment.spending.models import SpendContract, VendorGroup
from assessment.spending.service import baseline_of

# The cross-departmental roles an Equity Change Team must cover (session 1's roster check).
REQUIRED_ROLES = (Role.executive_lead, Role.equity_program_manager, Role.procurement_officer, Role.finance)


@dataclass(frozen=True)
class TeamAt:
    """The team a fact is about, with its jurisdiction and cohort."""

    team: Team
    place: Jurisdiction
    cohort: Cohort

    @property
    def where(self) -> str:
        return f'--jurisdiction "{self.place.name}" --cohort "{self.cohort.name}"'


@dataclass(frozen=True)
class Fact:
    """Whether a fact holds for a team; ``said`` is what shows it (or what is missing), ``fix``
    what to do when it does not hold."""

    holds: bool
    said: str
    fix: str = ""


Check = Callable[[Session, TeamAt], Fact]


def _count(session: Session, query: SelectOfScalar[int]) -> int:
    return int(session.exec(query).one())


def members(session: Session, place: Jurisdiction) -> dict[str, set[Role]]:
    """The team's members (everyone holding a role in the jurisdiction): email → roles."""
    rows = session.exec(
        select(Person.email, RoleAssignment.role)
        .join(RoleAssignment, col(RoleAssignment.person_id) == col(Person.id))
        .where(RoleAssignment.jurisdiction_id == place.id)
    )
    held: dict[str, set[Role]] = {}
    for email, role in rows:
        held.setdefault(email, set()).add(Role(role))
    return held


def required_roles(session: Session, place: Jurisdiction) -> dict[Role, bool]:
    """Each role the team must cover (``REQUIRED_ROLES``, in order) and whether a member holds it."""
    held = {role for roles in members(session, place).values() for role in roles}
    return {role: role in held for role in REQUIRED_ROLES}


def roster_check(session: Session, at: TeamAt) -> Fact:
    missing = [role for role, covered in required_roles(session, at.place).items() if not covered]
    if missing:
        names = " or ".join(role.label for role in missing)
        return Fact(
            False,
            f"the team has no {names}",
            f'add each with `accelerator person add EMAIL --name "..." --role ROLE --jurisdiction "{at.place.name}"`',
        )
    return Fact(True, "the team covers " + ", ".join(role.label for role in REQUIRED_ROLES))


def team_commitment(session: Session, at: TeamAt) -> Fact:
    from assessment.sessions.commitments import commitment_status

    signed, unsigned = commitment_status(session, at.team)
    if not signed:
        return Fact(
            False,
            "nobody has signed the team commitment",
            f"record each signature with `accelerator team commit {at.where} --person EMAIL`",
        )
    return Fact(True, f"{len(signed)} of {len(signed) + len(unsigned)} member(s) signed the team commitment")


def _scored(session: Session, at: TeamAt, cycle: Cycle) -> Assessment | None:
    return session.exec(
        select(Assessment).where(
            Assessment.team_id == at.team.id,
            Assessment.cycle == cycle.value,
            col(Assessment.current_submission_id).is_not(None),
        )
    ).first()


def _assessment_fact(cycle: Cycle) -> Check:
    def check(session: Session, at: TeamAt) -> Fact:
        if _scored(session, at, cycle) is None:
            return Fact(
                False,
                f"the {cycle.value} self-assessment is not scored yet",
                f"run `accelerator assessment run {at.where} --cycle {cycle.value} FILES`",
            )
        return Fact(True, f"the {cycle.value} self-assessment is scored")

    return check


def baseline_workbook_issued(session: Session, at: TeamAt) -> Fact:
    """Issued by session 1's flow (its record says where), or evidently issued: the baseline is scored."""
    record = session.exec(
        select(SessionRecord).where(SessionRecord.team_id == at.team.id, SessionRecord.number == 1)
    ).first()
    if record is not None and "baseline_workbook_issued" in record.deliverables:
        return Fact(True, record.deliverables["baseline_workbook_issued"])
    if _scored(session, at, Cycle.baseline) is not None:
        return Fact(True, "the baseline self-assessment has been returned and scored")
    return Fact(
        False,
        "the baseline workbook has not been issued",
        f"run session 1 (it writes the workbook), or `accelerator assessment template {at.where} --cycle baseline`",
    )


def _barriers(session: Session, at: TeamAt) -> list[Barrier]:
    return list(session.exec(select(Barrier).where(Barrier.jurisdiction_id == at.place.id).order_by(col(Barrier.id))))


def barrier_recorded(session: Session, at: TeamAt) -> Fact:
    barriers = _barriers(session, at)
    if not barriers:
        return Fact(
            False,
            "no barrier is recorded",
            f'record one with `accelerator barrier add --jurisdiction "{at.place.name}" ...`',
        )
    return Fact(True, f"{len(barriers)} barrier(s) recorded")


def barrier_inventory(session: Session, at: TeamAt) -> Fact:
    barriers = _barriers(session, at)
    if not barriers:
        return barrier_recorded(session, at)
    incomplete = [
        b for b in barriers if not (b.category and b.stage and b.controller and b.severity and b.root_cause.strip())
    ]
    if len(incomplete) == len(barriers):
        ids = ", ".join(str(b.id) for b in incomplete[:10])
        return Fact(
            False,
            "no barrier has all of category, process stage, who controls the rule, severity and root cause "
            f"(barriers {ids})",
            "fill them in with `accelerator barrier update ID --controller ... --severity ... --root-cause ...`",
        )
    complete = len(barriers) - len(incomplete)
    rest = f"; {len(incomplete)} still miss a field" if incomplete else ""
    return Fact(True, f"{complete} barrier(s) fully described{rest}")


def community_input_linked(session: Session, at: TeamAt) -> Fact:
    linked = _count(
        session,
        select(func.count(func.distinct(BarrierInput.input_id)))
        .join(CommunityInput, col(CommunityInput.id) == col(BarrierInput.input_id))
        .where(CommunityInput.jurisdiction_id == at.place.id),
    )
    if not linked:
        return Fact(
            False,
            "no community input is linked to a barrier",
            f'record what the community said with `accelerator community add-input --jurisdiction "{at.place.name}" '
            "... --barrier ID` (it links the input to the barriers it speaks to)",
        )
    return Fact(True, f"{linked} community input(s) linked to barriers")


def engagement_levels(session: Session, at: TeamAt) -> Fact:
    latest = session.exec(
        select(EngagementRecord).where(EngagementRecord.team_id == at.team.id).order_by(col(EngagementRecord.id).desc())
    ).first()
    if latest is None:
        return Fact(
            False,
            "the community engagement levels are not recorded",
            f"record them with `accelerator community set-engagement {at.where} --current N --aspirational N`",
        )
    return Fact(True, f"engagement level {latest.current_level} now, {latest.aspirational_level} hoped for")


def process_changes_ranked(session: Session, at: TeamAt) -> Fact:
    changes = list(session.exec(select(ProcessChange).where(ProcessChange.team_id == at.team.id)))
    scored = [c for c in changes if all(getattr(c, name) is not None for name in CRITERIA)]
    if not scored:
        said = (
            "no candidate process change is proposed" if not changes else "no candidate process change is fully scored"
        )
        return Fact(False, said, "propose and score them with `accelerator change add` and `accelerator change score`")
    return Fact(True, f"{len(scored)} candidate process change(s) scored and ranked")


def goal_linked_to_barrier(session: Session, at: TeamAt) -> Fact:
    linked = _count(
        session,
        select(func.count(func.distinct(GoalBarrier.goal_id)))
        .join(Goal, col(Goal.id) == col(GoalBarrier.goal_id))
        .where(Goal.team_id == at.team.id),
    )
    if not linked:
        return Fact(
            False, "no goal is linked to a barrier", f"set one with `accelerator goal add {at.where} ... --barrier ID`"
        )
    return Fact(True, f"{linked} goal(s) linked to barriers")


def smart_goals(session: Session, at: TeamAt) -> Fact:
    goals = list(session.exec(select(Goal).where(Goal.team_id == at.team.id).order_by(col(Goal.id))))
    if not goals:
        return goal_linked_to_barrier(session, at)
    linked = set(session.exec(select(GoalBarrier.goal_id).where(col(GoalBarrier.goal_id).in_([g.id for g in goals]))))
    stepped = set(session.exec(select(Milestone.goal_id).where(col(Milestone.goal_id).in_([g.id for g in goals]))))

    def short(goal: Goal) -> list[str]:
        lacks = [] if goal.id in linked else ["a barrier"]
        lacks += [] if goal.id in stepped else ["a milestone"]
        lacks += [] if goal.measure and goal.target_value is not None else ["a measure with a target"]
        return lacks

    ready = [g for g in goals if not short(g)]
    if not ready:
        first = goals[0]
        return Fact(
            False,
            f"no goal has a barrier, a milestone and a measure with a target (goal {first.id} lacks "
            f"{', '.join(short(first))})",
            "complete a goal with `accelerator goal update` and `accelerator goal milestone add`",
        )
    return Fact(True, f"{len(ready)} SMART goal(s) with owners, milestones and barriers")


def action_roadmap(session: Session, at: TeamAt) -> Fact:
    latest = session.exec(
        select(RoadmapVersion).where(RoadmapVersion.team_id == at.team.id).order_by(col(RoadmapVersion.number).desc())
    ).first()
    if latest is None:
        return Fact(
            False,
            "no action roadmap is built",
            f"build it with `accelerator roadmap build {at.where}` (or run session 4)",
        )
    return Fact(True, f"action roadmap v{latest.number} built {latest.built_at:%Y-%m-%d}")


def goals_barriers_reviewed(session: Session, at: TeamAt) -> Fact:
    untouched_goals = _count(
        session,
        select(func.count())
        .select_from(Goal)
        .where(Goal.team_id == at.team.id, Goal.status == GoalStatus.not_started.value),
    )
    untouched_barriers = _count(
        session,
        select(func.count())
        .select_from(Barrier)
        .where(Barrier.jurisdiction_id == at.place.id, Barrier.status == BarrierStatus.identified.value),
    )
    if untouched_goals or untouched_barriers:
        return Fact(
            False,
            f"{untouched_goals} goal(s) still not started and {untouched_barriers} barrier(s) still only identified",
            "review each: set its status with `accelerator goal update` or `accelerator barrier update`",
        )
    return Fact(True, "every goal and barrier has moved since it was set")


def anchor_commitments(session: Session, at: TeamAt) -> Fact:
    query = select(AnchorCommitment).where(AnchorCommitment.team_id == at.team.id)
    commitments = list(session.exec(query.order_by(col(AnchorCommitment.id))))
    measurable = [c for c in commitments if is_measurable(c)]
    if measurable:
        kinds = ", ".join(k.value for k in AnchorCategory if k.value in {c.category for c in measurable})
        return Fact(True, f"{len(measurable)} anchor commitment(s) with a measurable target ({kinds})")
    open_ = [c for c in commitments if c.status != CommitmentStatus.dropped.value]
    if not open_:
        said = "every anchor commitment is dropped" if commitments else "no anchor commitment is made"
        return Fact(False, said, f"make one with `accelerator commitment add {at.where} --category hire ...`")
    return Fact(
        False,
        f"no anchor commitment has a baseline to measure its target from (commitment {open_[0].id} has none)",
        f"add it with `accelerator commitment update {open_[0].id} --baseline VALUE`",
    )


def impact_spending_baseline(session: Session, at: TeamAt) -> Fact:
    baseline = baseline_of(session, at.team.id)
    if baseline is None:
        query = select(func.count()).select_from(SpendContract).where(SpendContract.jurisdiction_id == at.place.id)
        imported = _count(session, query)
        if not imported:
            return Fact(
                False,
                "no contracting data is imported",
                f'import it with `accelerator spend import --jurisdiction "{at.place.name}" FILE` (a spreadsheet '
                "from `accelerator spend template`, a .csv, or OCDS JSON)",
            )
        return Fact(
            False,
            f"{imported} contract(s) are imported but no baseline is recorded",
            f"record it with `accelerator spend baseline {at.where}`",
        )
    contracts = sum(p.contracts for p in baseline.figures.periods)
    periods = ", ".join(p.period for p in baseline.figures.periods)
    return Fact(
        True,
        f"impact-spending baseline of {contracts} contract(s) ({periods}) recorded {baseline.recorded_at:%Y-%m-%d}",
    )


def impact_spending_shares(session: Session, at: TeamAt) -> Fact:
    baseline = baseline_of(session, at.team.id)
    if baseline is None or not baseline.figures.periods:
        return impact_spending_baseline(session, at)
    last = baseline.figures.periods[-1]
    groups = (VendorGroup.small, VendorGroup.local, VendorGroup.cbo)
    known = [(g.label, g.dollar_share) for g in last.groups if g.group in groups and g.dollar_share is not None]
    if not known:
        return Fact(
            False,
            f"the baseline's data ({last.period}) does not say which vendors are small, local or community-based",
            "add those yes/no columns to the spending spreadsheet, import it again and record the baseline with "
            f"`accelerator spend baseline {at.where} --replace`",
        )
    return Fact(
        True, f"{last.period}: " + ", ".join(f"{share * 100:.1f}% of dollars to {label}" for label, share in known)
    )


def payment_timeliness(session: Session, at: TeamAt) -> Fact:
    baseline = baseline_of(session, at.team.id)
    if baseline is None or not baseline.figures.periods:
        return impact_spending_baseline(session, at)
    last = baseline.figures.periods[-1]
    if last.median_days_to_payment is None:
        return Fact(
            False,
            f"days to payment are not known for {last.period}: the data has no invoice dates (OCDS has none)",
            "import a spreadsheet of payments with Invoiced on and Paid on, then record the baseline with "
            f"`accelerator spend baseline {at.where} --replace`",
        )
    said = (
        f"{last.period}: median {last.median_days_to_payment:.1f} days from invoice to payment (90th percentile "
        f"{last.p90_days_to_payment})"
    )
    if last.advance_share is not None:
        said += f", {last.advance_share * 100:.1f}% of contracts with an advance payment"
    return Fact(True, said)


def equity_metrics_profile(session: Session, at: TeamAt) -> Fact:
    """Session 5: a place metric (the Healthy Places Index, ...) imported for the jurisdiction's tracts."""
    return Fact(*metrics_imported(session, at.place))


def impact_report(session: Session, at: TeamAt) -> Fact:
    """Session 9: the team's jurisdiction impact report has been compiled (when, by whom)."""
    compiled = last_compiled(session, ReportKind.jurisdiction, row_id(at.cohort), row_id(at.team))
    if compiled is None:
        return Fact(
            False,
            "the jurisdiction impact report is not compiled yet",
            f"compile it with `accelerator report jurisdiction {at.where}`",
        )
    return Fact(True, f"impact report compiled {compiled.compiled_at:%Y-%m-%d} by {compiled.compiled_by}")


def regional_report(session: Session, at: TeamAt) -> Fact:
    """Session 9: the cohort's regional impact report has been compiled (by an alliance lead)."""
    compiled = last_compiled(session, ReportKind.regional, row_id(at.cohort))
    if compiled is None:
        return Fact(
            False,
            f"the regional impact report of {at.cohort.name} is not compiled yet",
            f'an alliance lead compiles it with `accelerator report regional --cohort "{at.cohort.name}"`',
        )
    return Fact(True, f"regional report compiled {compiled.compiled_at:%Y-%m-%d} by {compiled.compiled_by}")


def regional_barrier_ranking(session: Session, at: TeamAt) -> Fact:
    """Session 8: at least two of the cohort's jurisdictions have recorded barriers, so a regional ranking exists."""
    places = select(Team.jurisdiction_id).where(Team.cohort_id == at.cohort.id)
    enrolled = _count(session, select(func.count()).select_from(Team).where(Team.cohort_id == at.cohort.id))
    reporting = _count(
        session,
        select(func.count(func.distinct(Barrier.jurisdiction_id))).where(col(Barrier.jurisdiction_id).in_(places)),
    )
    command = f'`accelerator barrier rank --cohort "{at.cohort.name}"`'
    if reporting < 2:
        said = (
            f"only 1 of the cohort's {enrolled} jurisdictions has recorded barriers"
            if reporting
            else f"none of the cohort's {enrolled} jurisdictions has recorded barriers"
        )
        return Fact(
            False,
            f"{said}; a regional ranking needs barriers from at least two",
            'each team records its barriers with `accelerator barrier add --jurisdiction "NAME" ...`, '
            f"then the ranking shows with {command}",
        )
    return Fact(True, f"{reporting} of the cohort's {enrolled} jurisdictions have recorded barriers; see {command}")


def regional_recommendation(session: Session, at: TeamAt) -> Fact:
    """Session 8: the cohort has a recommendation that stands (not withdrawn) and this team endorses one."""
    query = select(Recommendation).where(Recommendation.cohort_id == at.cohort.id)
    recommendations = list(session.exec(query.order_by(col(Recommendation.id))))
    standing = [r for r in recommendations if r.status != RecommendationStatus.withdrawn.value]
    if not standing:
        said = (
            "every recommendation of the cohort is withdrawn" if recommendations else "the cohort has no recommendation"
        )
        return Fact(
            False,
            said,
            f'an alliance lead drafts one with `accelerator recommendation draft --cohort "{at.cohort.name}" '
            '--title "..." --problem "..." --change "..." --level state --from-ranking CATEGORY/STAGE`',
        )
    endorsed = set(
        session.exec(
            select(Endorsement.recommendation_id).where(
                Endorsement.jurisdiction_id == at.place.id,
                col(Endorsement.withdrawn_at).is_(None),
                col(Endorsement.recommendation_id).in_([r.id for r in standing]),
            )
        )
    )
    if not endorsed:
        ids = ", ".join(str(r.id) for r in standing)
        return Fact(
            False,
            f"{at.place.name} has not endorsed the cohort's recommendation (standing: {ids})",
            f"its equity program manager or executive lead endorses one with `accelerator recommendation endorse "
            f'{standing[0].id} --jurisdiction "{at.place.name}"`',
        )
    first = next(r for r in standing if r.id in endorsed)
    more = f" and {len(endorsed) - 1} more" if len(endorsed) > 1 else ""
    return Fact(True, f'{at.place.name} endorses recommendation {first.id} ("{first.title}"){more}')


FACTS: dict[str, Check] = {
    "roster_check": roster_check,
    "team_commitment": team_commitment,
    "baseline_workbook_issued": baseline_workbook_issued,
    "baseline_scored": _assessment_fact(Cycle.baseline),
    "final_scored": _assessment_fact(Cycle.final),
    "reassessment_scored": _assessment_fact(Cycle.final),
    "barrier_recorded": barrier_recorded,
    "barrier_inventory": barrier_inventory,
    "community_input_linked": community_input_linked,
    "engagement_levels": engagement_levels,
    "process_changes_ranked": process_changes_ranked,
    "goal_linked_to_barrier": goal_linked_to_barrier,
    "smart_goals": smart_goals,
    "action_roadmap": action_roadmap,
    "goals_barriers_reviewed": goals_barriers_reviewed,
    "equity_metrics_profile": equity_metrics_profile,
    "impact_spending_baseline": impact_spending_baseline,
    "impact_spending_shares": impact_spending_shares,
    "payment_timeliness": payment_timeliness,
    "anchor_commitments": anchor_commitments,
    "regional_barrier_ranking": regional_barrier_ranking,
    "regional_recommendation": regional_recommendation,
    "impact_report": impact_report,
    "regional_report": regional_report,
}


def check(key: str, session: Session, at: TeamAt) -> Fact:
    """The fact named ``key`` for the team (an unknown key is a mistake in the sequence file)."""
    return FACTS[key](session, at)


def team_at(session: Session, team: Team) -> TeamAt:
    place = session.get(Jurisdiction, team.jurisdiction_id)
    cohort = session.get(Cohort, team.cohort_id)
    assert place is not None and cohort is not None
    return TeamAt(team, place, cohort)
