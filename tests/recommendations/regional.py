"""A small region for the regional ranking and the recommendation: the cast's cohort with a third
jurisdiction, barriers in all three (and in a jurisdiction of another cohort, which must not count),
and self-assessments scored for two of its teams. Every figure the tests expect is computed by hand
in the test from the table below.

| jurisdiction | category / stage                          | severity | controller  | status   |
|--------------|-------------------------------------------|----------|-------------|----------|
| Alder        | payment_cash_flow / invoicing_payment     | 5        | state       | resolved |
| Alder        | payment_cash_flow / invoicing_payment     | 4        | county_city | open     |
| Birch        | payment_cash_flow / invoicing_payment     | 3        | state       | open     |
| Cedar        | payment_cash_flow / invoicing_payment     | 4        | (none)      | open     |
| Alder        | insurance_bonding / contracting           | 4        | county_city | open     |
| Alder        | insurance_bonding / contracting           | 5        | county_city | open     |
| Birch        | insurance_bonding / contracting           | 2        | county_city | resolved |
| Birch        | reporting_monitoring / reporting          | 5        | federal     | open     |
| Cedar        | reporting_monitoring / reporting          | (none)   | funder      | open     |
| Birch        | contract_execution_time / contracting     | 2        | county_city | open     |
| Birch        | contract_execution_time / contracting     | 3        | county_city | open     |
| Cedar        | solicitation_complexity / solicitation    | 3        | department  | resolved |
| Cedar        | solicitation_complexity / solicitation    | 2        | department  | open     |
| Alder        | language_accessibility / outreach         | (none)   | department  | open     |
| Outside      | payment_cash_flow / invoicing_payment     | 1        | federal     | open     |
| Outside      | technical_assistance / application        | 5        | federal     | open     |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.people import add_person, resolve_actor
from assessment.cohorts.service import create_cohort, enroll_team, get_team
from assessment.core.db import transaction
from assessment.selfassessment import service as assessments
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.barriers.helpers import change, new_barrier
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()
CEDAR = "Cedar County"
CEDAR_MANAGER = "manager@cedar.example.org"
CEDAR_OFFICER = "officer@cedar.example.org"
OUTSIDE = "Outside County"
OTHER_COHORT = "2025 Other Cohort"
OUTSIDE_MANAGER = "manager@outside.example.org"

PAYMENT = "payment_cash_flow/invoicing_payment"
INSURANCE = "insurance_bonding/contracting"
REPORTING = "reporting_monitoring/reporting"
EXECUTION = "contract_execution_time/contracting"
SOLICITATION = "solicitation_complexity/solicitation"
LANGUAGE = "language_accessibility/outreach"
OUTSIDE_ONLY = "technical_assistance/application"

# The ranking's rows in words, as a recommendation's evidence says them, from the table above: payment has 4
# barriers in 3 of 3 jurisdictions, severities 5, 4, 3, 4 (mean 4), one resolved, controllers state
# twice, county or city once, one unrecorded; insurance 3 barriers in 2, severities 4, 5, 2 (mean
# 11/3), one resolved, all county or city; reporting 2 in 2, one severity (5), none resolved.
PAYMENT_SAID = (
    "Reported by 3 of 3 jurisdictions (payment and cash flow, invoicing and payment): mean severity 4, 1 of 4 "
    "resolved; rules controlled by the state (2), the county or city (1); who controls the rule is not recorded for 1."
)
INSURANCE_SAID = (
    "Reported by 2 of 3 jurisdictions (insurance and bonding, contracting): mean severity 3.67, 1 of 3 resolved; "
    "rules controlled by the county or city (3)."
)
REPORTING_SAID = (
    "Reported by 2 of 3 jurisdictions (reporting and monitoring, reporting and monitoring): mean severity 5, 0 of 2 "
    "resolved; rules controlled by the federal government (1), funders (1)."
)

# (place, key, severity, controller, resolved) as in the table above; "alder" etc. name the cast's places.
BARRIERS: list[tuple[str, str, int | None, str | None, bool]] = [
    ("alder", PAYMENT, 5, "state", True),
    ("alder", PAYMENT, 4, "county_city", False),
    ("birch", PAYMENT, 3, "state", False),
    ("cedar", PAYMENT, 4, None, False),
    ("alder", INSURANCE, 4, "county_city", False),
    ("alder", INSURANCE, 5, "county_city", False),
    ("birch", INSURANCE, 2, "county_city", True),
    ("birch", REPORTING, 5, "federal", False),
    ("cedar", REPORTING, None, "funder", False),
    ("birch", EXECUTION, 2, "county_city", False),
    ("birch", EXECUTION, 3, "county_city", False),
    ("cedar", SOLICITATION, 3, "department", True),
    ("cedar", SOLICITATION, 2, "department", False),
    ("alder", LANGUAGE, None, "department", False),
    ("outside", PAYMENT, 1, "federal", False),
    ("outside", OUTSIDE_ONLY, 5, "federal", False),
]


@dataclass(frozen=True)
class Region:
    """The cast, and who records barriers in each place of the region."""

    cast: Cast

    def place(self, key: str) -> str:
        return {"alder": self.cast.alder, "birch": self.cast.birch, "cedar": CEDAR, "outside": OUTSIDE}[key]

    def recorder(self, key: str) -> str:
        c = self.cast
        return {"alder": c.alder_officer, "birch": c.birch_officer, "cedar": CEDAR_OFFICER, "outside": c.admin}[key]


def add_places(cast: Cast) -> Region:
    """Cedar County enrolled in the cast's cohort (a program manager and a procurement officer), and
    Outside County enrolled in another cohort (a program manager)."""
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, CEDAR, "county")
        enroll_team(session, admin, CEDAR, cast.cohort)
        add_person(session, admin, CEDAR_MANAGER, "Cam Cedar", "equity_program_manager", CEDAR)
        add_person(session, admin, CEDAR_OFFICER, "Oli Cedar", "procurement_officer", CEDAR)
        create_cohort(session, admin, OTHER_COHORT, "Elsewhere")
        add_jurisdiction(session, admin, OUTSIDE, "county")
        enroll_team(session, admin, OUTSIDE, OTHER_COHORT)
        add_person(session, admin, OUTSIDE_MANAGER, "Ola Outside", "equity_program_manager", OUTSIDE)
    return Region(cast)


def record_barrier(
    region: Region, place: str, key: str, severity: int | None, controller: str | None, resolved: bool = False
) -> int:
    category, stage = key.split("/")
    fields: dict[str, Any] = {"category": category, "stage": stage, "severity": severity, "controller": controller}
    who = region.recorder(place)
    ident = new_barrier(who, region.place(place), title=f"{key} in {place}", **fields)
    if resolved:
        # the lifecycle moves one step at a time
        for version, status in enumerate(("analyzing", "action_planned", "in_progress", "resolved"), start=1):
            change(who, ident, version, status=status)
    return ident


def record_barriers(region: Region) -> None:
    for place, key, severity, controller, resolved in BARRIERS:
        record_barrier(region, place, key, severity, controller, resolved)


def submit(who: str, place: str, cohort: str, cycle: str, *respondents: Mapping[str, int | None]) -> None:
    """Respondents' workbooks (one levels mapping each), scored and stored as the assessment run stores them."""
    books = [
        WorkbookRatings(
            source=f"{cycle}-{n}.xlsx",
            respondent=RespondentInfo(name=f"Respondent {n}", email=f"r{n}@example.org", role="finance"),
            ratings=dict(levels),
            answers={k: "" if v is None else str(v) for k, v in levels.items()},
            evidence={},
        )
        for n, levels in enumerate(respondents, start=1)
    ]
    with transaction() as session:
        actor = resolve_actor(session, who)
        team, _, _ = get_team(session, place, cohort)
        parsed = assessments.parse_cycle(cycle)
        result = assessments.score_run(session, team, parsed, RUBRIC, assessments.responses_of(books))
        assessments.record(session, actor, place, cohort, cycle, RUBRIC, books, result)


ALL_ONES = {i.id: 1 for i in RUBRIC.indicators}
ALDER_FINAL = {"a.1": 4, "a.2": 3, "a.3": 2, "a.4": 1, "b.1": 2, "b.2": 2, "c.1": 3, "c.2": None, "c.3": 4}
BIRCH_BASELINE = {"a.1": 2, "a.2": 1, "a.3": 2, "a.4": 1, "b.1": 3, "b.2": 4, "c.1": 1, "c.2": 2, "c.3": 4}


def score_teams(region: Region) -> None:
    """Alder: a baseline of all 1s, then a final by two respondents who differ only on b.1 (2 and 3, so
    the team's b.1 is 2.5); Birch: a baseline only; Cedar: nothing; Outside (another cohort): all 1s."""
    c = region.cast
    submit(c.alder_manager, c.alder, c.cohort, "baseline", ALL_ONES)
    submit(c.alder_manager, c.alder, c.cohort, "final", ALDER_FINAL, {**ALDER_FINAL, "b.1": 3})
    submit(c.birch_manager, c.birch, c.cohort, "baseline", BIRCH_BASELINE)
    submit(c.admin, OUTSIDE, OTHER_COHORT, "baseline", ALL_ONES)
