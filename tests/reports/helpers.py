"""A small but complete cohort, built through the services as its people would build it, for the
impact report tests (the jurisdiction report's and the regional report's).

``build_cohort(cast, folder)`` takes the ``cast`` fixture's cohort (Alder County, Birch City) and
adds Cedar County, then records, through each feature's service:

- Alder County: everything. Four members (program manager, procurement officer, executive lead,
  finance); sessions 1-9 held, attended by 4, 3, 2, then 4 at every later session; baseline and
  final self-assessments on ``RUBRIC`` (every practice at 2, then ``ALDER_FINAL``); five barriers
  (two resolved, one in progress, one identified, one deferred); three goals (one done) with five
  milestones (three done); spending of 2024 and 2025 (``ALDER_SPEND``) with the 2024 baseline
  recorded; the Healthy Places Index of its tracts; engagement 1 now, 3 hoped for; a hire and a buy
  anchor commitment; a highlight and a quote; it opts in to be named in the regional report.
- Birch City: part way. Two members; sessions 1-4; baseline (every practice at 1) and midpoint (at
  2), no final; two barriers (analyzing, identified); one goal; engagement 2 now, 4 hoped for; no
  spending.
- Cedar County: barely started. One member (its program manager); session 1; baseline only (every
  practice at 3); one barrier, resolved; one contract of 2025 imported, no baseline.

The inputs are constants here so tests compute what they expect by hand from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assessment.anchor.measures import change_commitment
from assessment.anchor.service import add_commitment
from assessment.anchor.shapes import CommitmentCreate, CommitmentUpdate
from assessment.barriers.models import BarrierStatus
from assessment.barriers.service import add_barrier, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.jurisdictions import add_jurisdiction, set_counties
from assessment.cohorts.people import add_person, resolve_actor
from assessment.cohorts.service import enroll_team, get_team
from assessment.community.engagement import set_engagement
from assessment.core.db import transaction
from assessment.core.fields import utcnow
from assessment.core.permissions import Actor
from assessment.core.shapes import validate
from assessment.goals.milestones import add_milestone, complete_milestone
from assessment.goals.service import add_goal, update_goal
from assessment.goals.shapes import GoalCreate, GoalUpdate, MilestoneCreate
from assessment.metrics.imports import ImportOptions, import_metrics
from assessment.reports.highlights import add_highlight, set_named_in_regional
from assessment.reports.shapes import HighlightCreate
from assessment.roadmap.service import record_version
from assessment.roadmap.snapshot import roadmap_view
from assessment.selfassessment import service as assessments
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from assessment.sessions.service import record_session
from assessment.spending.imports import import_spending
from assessment.spending.service import record_baseline
from tests.conftest import Cast
from tests.metrics.helpers import ALDER_FIPS, hpi_csv
from tests.rubrics import small_rubric
from tests.spending.helpers import row, write_csv

# Three domains: A (practices a.1-a.4, weight 1), B (b.1-b.2, weight 2), C (c.1-c.3, weight 1).
RUBRIC = small_rubric()
PRACTICES = [i.id for i in RUBRIC.indicators]

TODAY = utcnow().date()
CEDAR = "Cedar County"
CEDAR_MANAGER = "manager@cedar.example.org"
ALDER_FINANCE = "finance@alder.example.org"

# Alder's final self-assessment, one respondent: c.3 answered "don't know" (None).
ALDER_FINAL: dict[str, int | None] = {
    "a.1": 4,
    "a.2": 3,
    "a.3": 3,
    "a.4": 2,
    "b.1": 3,
    "b.2": 2,
    "c.1": 2,
    "c.2": 2,
    "c.3": None,
}

# Alder's sessions: who came to each (None: the whole team, as the session flow records by default).
ALDER_ATTENDEES: dict[int, list[str] | None] = {
    1: None,
    2: ["manager@alder.example.org", "officer@alder.example.org", "exec@alder.example.org"],
    3: ["manager@alder.example.org", "officer@alder.example.org"],
    **{n: None for n in range(4, 10)},
}
SESSION_9_HELD = date(2026, 11, 20)


@dataclass(frozen=True)
class Contract:
    """One contract of the imported spending, paid once (its whole amount)."""

    ident: str
    vendor: str
    amount: int
    awarded: date
    invoiced: date
    paid: date
    cbo: str
    small: str
    local: str
    tract: str


# Alder's contracts. The tracts are of Alder's Healthy Places Index (tests/metrics/helpers.py):
# 06037101110 is in quartile 1, 06037101210 in quartile 2, 06037101300 in quartile 4.
ALDER_SPEND = [
    Contract("C-1", "Healthy Roots Collective", 10000, date(2024, 2, 1), date(2024, 3, 1), date(2024, 3, 31),
             "yes", "yes", "no", "06037101110"),
    Contract("C-2", "Bright Consulting LLC", 30000, date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 16),
             "no", "no", "yes", "06037101300"),
    Contract("C-3", "Healthy Roots Collective", 20000, date(2025, 2, 1), date(2025, 3, 1), date(2025, 3, 21),
             "yes", "yes", "yes", "06037101110"),
    Contract("C-4", "Bright Consulting LLC", 20000, date(2025, 3, 1), date(2025, 4, 1), date(2025, 4, 11),
             "no", "no", "no", "06037101300"),
    Contract("C-5", "Clínica Comunitaria", 10000, date(2025, 4, 1), date(2025, 5, 1), date(2025, 5, 16),
             "yes", "no", "yes", "06037101210"),
]  # fmt: skip
CEDAR_SPEND = [
    Contract("K-1", "Cedar Youth Alliance", 5000, date(2025, 6, 1), date(2025, 6, 10), date(2025, 7, 10),
             "yes", "yes", "yes", ""),
]  # fmt: skip

HIGHLIGHT = "Every community partner was paid within 30 days of its invoice since June."
QUOTE = "For the first time we could apply without hiring a grant writer."
QUOTE_BY = "a community partner"


@dataclass
class SmallCohort:
    """The cohort ``build_cohort`` made: the cast's people and places, Cedar's, and the ids made."""

    cast: Cast
    cedar: str = CEDAR
    cedar_manager: str = CEDAR_MANAGER
    alder_finance: str = ALDER_FINANCE
    barriers: dict[str, int] = field(default_factory=dict)  # by title
    goals: dict[str, int] = field(default_factory=dict)  # by statement
    highlights: dict[str, int] = field(default_factory=dict)  # by text

    @property
    def jurisdictions(self) -> list[str]:
        """In enrollment order."""
        return [self.cast.alder, self.cast.birch, self.cedar]


def build_cohort(cast: Cast, folder: Path, named: tuple[str, ...] = ("Alder County",)) -> SmallCohort:
    """Build the small cohort (see the module's docstring); the jurisdictions in ``named`` opt in to
    being named in the regional report. Files (spending, metrics) are written into ``folder``."""
    built = SmallCohort(cast)
    people(built)
    assessed: list[tuple[str, str, dict[str, int | None]]] = [
        (cast.alder, "baseline", every_practice(2)),
        (cast.alder, "final", ALDER_FINAL),
        (cast.birch, "baseline", every_practice(1)),
        (cast.birch, "midpoint", every_practice(2)),
        (CEDAR, "baseline", every_practice(3)),
    ]
    for place, cycle, levels in assessed:
        submit(built, place, cycle, levels)
    barriers(built)
    goals(built)
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        view = roadmap_view(session, manager, cast.alder, cast.cohort, 1, utcnow())
        record_version(session, manager, cast.alder, cast.cohort, 1, utcnow(), view.model_dump(mode="json"), ["pdf"])
        set_engagement(session, manager, cast.alder, cast.cohort, 1, 3, "Two listening sessions with partner CBOs")
        set_engagement(session, resolve_actor(session, cast.birch_manager), cast.birch, cast.cohort, 2, 4)
    spending(built, folder)
    commitments(built)
    sessions(built)
    with transaction() as session:
        executive = resolve_actor(session, cast.alder_exec)
        for kind, text, by in (("highlight", HIGHLIGHT, ""), ("quote", QUOTE, QUOTE_BY)):
            data = validate(HighlightCreate, {"kind": kind, "text": text, "attribution": by}, "highlight")
            built.highlights[text] = add_highlight(session, executive, cast.alder, cast.cohort, data).id
        for place in named:
            set_named_in_regional(session, manager_of(session, built, place), place, cast.cohort, True)
    return built


def every_practice(level: int) -> dict[str, int | None]:
    return dict.fromkeys(PRACTICES, level)


def manager_of(session: Session, built: SmallCohort, place: str) -> Actor:
    """The program manager of ``place``, as the acting person."""
    email = {built.cast.alder: built.cast.alder_manager, built.cast.birch: built.cast.birch_manager}.get(
        place, built.cedar_manager
    )
    return resolve_actor(session, email)


def people(built: SmallCohort) -> None:
    cast = built.cast
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, CEDAR, "county")
        enroll_team(session, admin, CEDAR, cast.cohort)
        add_person(session, admin, CEDAR_MANAGER, "Carmen Cedeño", "equity_program_manager", CEDAR)
        add_person(session, admin, ALDER_FINANCE, "Fran Finanzas", "finance", cast.alder)
        set_counties(session, admin, cast.alder, [ALDER_FIPS])


def submit(built: SmallCohort, place: str, cycle: str, levels: dict[str, int | None]) -> None:
    """One respondent's workbook for ``place``'s ``cycle``, scored and stored as the assessment run does."""
    book = WorkbookRatings(
        source=f"{cycle}.xlsx",
        respondent=RespondentInfo(name="Rae Respondent", email="rae@example.org", role="finance"),
        ratings=dict(levels),
        answers={k: "" if v is None else str(v) for k, v in levels.items()},
        evidence={},
    )
    cohort = built.cast.cohort
    with transaction() as session:
        actor = manager_of(session, built, place)
        team, _, _ = get_team(session, place, cohort)
        parsed = assessments.parse_cycle(cycle)
        result = assessments.score_run(session, team, parsed, RUBRIC, assessments.responses_of([book]))
        assessments.record(session, actor, place, cohort, cycle, RUBRIC, [book], result)


@dataclass(frozen=True)
class BarrierPlan:
    """A barrier to record, and the statuses it is moved through, in order."""

    place: str
    title: str
    category: str
    stage: str
    controller: str
    walk: tuple[str, ...] = ()


RESOLVING = ("analyzing", "action_planned", "in_progress", "resolved")
BARRIERS = [
    BarrierPlan("Alder County", "Reimbursement-only payment", "payment_cash_flow", "invoicing_payment", "department",
                RESOLVING),
    BarrierPlan("Alder County", "Forty-page application", "solicitation_complexity", "application", "department",
                RESOLVING),
    BarrierPlan("Alder County", "Insurance minimums of $2 million", "insurance_bonding", "contracting", "county_city",
                ("analyzing", "action_planned", "in_progress")),
    BarrierPlan("Alder County", "Notices only in English", "language_accessibility", "outreach", "department"),
    BarrierPlan("Alder County", "Audited financials required by county code", "registration_eligibility",
                "application", "county_city", ("deferred",)),
    BarrierPlan("Birch City", "Late payment", "payment_cash_flow", "invoicing_payment", "department", ("analyzing",)),
    BarrierPlan("Birch City", "Notices posted only on the city website", "outreach_notice", "outreach", "department"),
    BarrierPlan(CEDAR, "Reimbursement only", "payment_cash_flow", "invoicing_payment", "state", RESOLVING),
]  # fmt: skip


def barriers(built: SmallCohort) -> None:
    cast = built.cast
    officers = {cast.alder: cast.alder_officer, cast.birch: cast.birch_officer, CEDAR: CEDAR_MANAGER}
    for plan in BARRIERS:
        with transaction() as session:
            actor = resolve_actor(session, officers[plan.place])
            fields = {"title": plan.title, "category": plan.category, "stage": plan.stage, "severity": 3}
            data = BarrierCreate.model_validate({**fields, "controller": plan.controller})
            ident = add_barrier(session, actor, plan.place, data).id
            for status in plan.walk:
                note = "" if status != BarrierStatus.deferred.value else "Needs a change of county code first"
                update_barrier(session, actor, ident, BarrierUpdate(status=BarrierStatus(status)), None, note)
        built.barriers[plan.title] = ident


@dataclass(frozen=True)
class GoalPlan:
    """A goal to set (due in ``days``, measured from ``baseline`` to ``target`` in ``unit``), its
    status afterwards, and its milestones (title, done)."""

    place: str
    statement: str
    barriers: tuple[str, ...]
    owner: str
    days: int
    status: str
    milestones: tuple[tuple[str, bool], ...] = ()
    measure: tuple[str, int, int, str] = ("share of the work done", 0, 100, "%")


GOALS = [
    GoalPlan("Alder County", "Pay community partners within 30 days of invoice", ("Reimbursement-only payment",),
             "manager@alder.example.org", 90, "done",
             (("Adopt a prompt-payment policy", True), ("Publish the payment target", True))),
    GoalPlan("Alder County", "Scale insurance requirements to risk", ("Insurance minimums of $2 million",),
             "manager@alder.example.org", 200, "on_track",
             (("Draft a risk-based insurance table", True), ("Board approval", False))),
    GoalPlan("Alder County", "Translate every notice into Spanish and Vietnamese", ("Notices only in English",),
             "officer@alder.example.org", 300, "not_started", (("Hire a translation vendor", False),)),
    GoalPlan("Birch City", "Pay invoices within 45 days", ("Late payment",), "manager@birch.example.org", 180,
             "not_started"),
]  # fmt: skip


def goals(built: SmallCohort) -> None:
    cast = built.cast
    managers = {cast.alder: cast.alder_manager, cast.birch: cast.birch_manager}
    for plan in GOALS:
        with transaction() as session:
            actor = resolve_actor(session, managers[plan.place])
            data = GoalCreate.model_validate(
                {
                    "statement": plan.statement,
                    "due": TODAY + timedelta(days=plan.days),
                    "owner": plan.owner,
                    "barriers": [built.barriers[t] for t in plan.barriers],
                    **dict(zip(("measure", "baseline", "target", "unit"), plan.measure, strict=True)),
                }
            )
            goal, _ = add_goal(session, actor, plan.place, cast.cohort, data)
            for number, (title, done) in enumerate(plan.milestones, start=1):
                due = TODAY + timedelta(days=30 * number)
                milestone = add_milestone(session, actor, goal.id, MilestoneCreate(title=title, due=due))
                if done:
                    complete_milestone(session, actor, milestone.id)
            if plan.status != "not_started":
                update_goal(session, actor, goal.id, GoalUpdate.model_validate({"status": plan.status}), None)
        built.goals[plan.statement] = goal.id


def spend_rows(contracts: list[Contract]) -> list[dict[str, Any]]:
    """The contracts as rows of the spending spreadsheet."""
    return [
        row(
            contract_id=c.ident,
            vendor=c.vendor,
            contract_amount=c.amount,
            payment_amount=c.amount,
            awarded_on=c.awarded,
            invoiced_on=c.invoiced,
            paid_on=c.paid,
            cbo=c.cbo,
            small=c.small,
            local=c.local,
            tract=c.tract or None,
            zip="92101" if not c.tract else "",
        )
        for c in contracts
    ]


def spending(built: SmallCohort, folder: Path) -> None:
    cast = built.cast
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        import_spending(session, officer, cast.alder, write_csv(folder / "alder-spend.csv", spend_rows(ALDER_SPEND)))
        record_baseline(session, officer, cast.alder, cast.cohort, "2024")
        manager = resolve_actor(session, cast.alder_manager)
        import_metrics(session, manager, cast.alder, hpi_csv(folder), ImportOptions(vintage=2020), dry_run=False)
        cedar = resolve_actor(session, CEDAR_MANAGER)
        import_spending(session, cedar, CEDAR, write_csv(folder / "cedar-spend.csv", spend_rows(CEDAR_SPEND)))


def commitments(built: SmallCohort) -> None:
    cast = built.cast
    due = TODAY + timedelta(days=365)
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        hire = CommitmentCreate.model_validate(
            {
                "category": "hire",
                "statement": "Hire from the county's most disinvested neighborhoods",
                "measure": "share of new hires living in the lowest HPI quartile",
                "baseline": "8",
                "target": "20",
                "unit": "%",
                "due": due,
            }
        )
        made, _ = add_commitment(session, manager, cast.alder, cast.cohort, hire)
        change_commitment(session, manager, made.id, None, None, "first count", Decimal("12"), TODAY)
        buy = CommitmentCreate.model_validate(
            {
                "category": "buy",
                "statement": "Buy from community-based organizations",
                "baseline": "25",
                "target": "70",
                "due": due,
                "spend_metric": "cbo_dollar_share",
            }
        )
        add_commitment(session, manager, cast.alder, cast.cohort, buy)
        update = CommitmentUpdate.model_validate({"status": "on_track"})
        change_commitment(session, manager, made.id, update, None)


def sessions(built: SmallCohort) -> None:
    cast = built.cast
    plan: list[tuple[str, str, dict[int, list[str] | None]]] = [
        (cast.alder, cast.alder_manager, ALDER_ATTENDEES),
        (cast.birch, cast.birch_manager, {n: None for n in range(1, 5)}),
        (CEDAR, CEDAR_MANAGER, {1: None}),
    ]
    for place, manager, attendance in plan:
        for number, attendees in attendance.items():
            with transaction() as session:
                held = SESSION_9_HELD if number == 9 else None
                actor = resolve_actor(session, manager)
                record_session(session, actor, number, place, cast.cohort, held_on=held, attendees=attendees)
