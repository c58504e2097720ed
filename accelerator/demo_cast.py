"""The demo's fictional cast: four jurisdictions, their people, and the barriers and goals each
team works on. Data only; ``accelerator.demo`` plays it through the services and flows."""

from __future__ import annotations

import random
from dataclasses import dataclass

COHORT = "2026 Demo Cohort (fictional)"
REGION = "Demo Region (fictional)"
ADMIN = "admin@demo.example.org"
# The web app's sign-in for the demo's people: known to anyone who reads this, so only ever in the
# demo's own database.
DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoTeam:
    jurisdiction: str
    kind: str
    profile: float  # where the team stands on the 1..4 scale, roughly
    people: tuple[tuple[str, str, str], ...]  # (email, name, role)


TEAMS = (
    DemoTeam(
        "Alder County",
        "county",
        1.8,
        (
            ("hong.nguyen@alder.example.org", "Nguyễn Thị Hồng", "equity_program_manager"),
            ("luis.pena@alder.example.org", "Luis Peña", "procurement_officer"),
            ("dana.okafor@alder.example.org", "Dana Okafor", "finance"),
        ),
    ),
    DemoTeam(
        "Juniper City",
        "city",
        2.4,
        (
            ("minjun.kim@juniper.example.org", "김민준", "equity_program_manager"),
            ("ana.reyes@juniper.example.org", "Ana Reyes", "procurement_officer"),
            ("sam.tran@juniper.example.org", "Trần Văn Sâm", "executive_lead"),
        ),
    ),
    DemoTeam(
        "Marigold County",
        "county",
        2.9,
        (
            ("wei.chen@marigold.example.org", "陈伟", "equity_program_manager"),
            ("jo.begay@marigold.example.org", "Jo Begay", "procurement_officer"),
            ("maria.lopez@marigold.example.org", "María López", "community_partner"),
        ),
    ),
    DemoTeam(
        "Tidewater City",
        "city",
        2.2,
        (
            ("ayesha.khan@tidewater.example.org", "Ayesha Khan", "equity_program_manager"),
            ("ben.walker@tidewater.example.org", "Ben Walker", "procurement_officer"),
            ("grace.lee@tidewater.example.org", "이은혜", "finance"),
        ),
    ),
)
ALLIANCE_LEAD = ("rosa.alliance@demo.example.org", "Rosa Alvarado", "alliance_lead")


def answers_for(rubric_ids: list[str], profile: float, rnd: random.Random) -> dict[str, int | str | None]:
    """What one respondent might answer: around the team's profile, with some don't-knows."""
    answers: dict[str, int | str | None] = {}
    for indicator in rubric_ids:
        roll = rnd.random()
        if roll < 0.06:
            answers[indicator] = "Don't know"
        elif roll < 0.08:
            answers[indicator] = "Not applicable"
        else:
            answers[indicator] = min(4, max(1, round(rnd.gauss(profile, 0.6))))
    return answers


def manager_of(team: DemoTeam) -> str:
    return next(email for email, _, role in team.people if role == "equity_program_manager")


def officer_of(team: DemoTeam) -> str:
    return next(email for email, _, role in team.people if role == "procurement_officer")


# Barriers each demo team inventories:
# (title, category, stage, controller, severity, root cause, statuses it moved through)
BARRIERS = (
    (
        "Reimbursement-only funding: CBOs front 60-90 days of costs",
        "payment_cash_flow",
        "invoicing_payment",
        "county_city",
        5,
        "Finance policy requires proof of expense before any payment.",
        ("analyzing", "action_planned", "in_progress"),
    ),
    (
        "Insurance minimums written for construction contracts",
        "insurance_bonding",
        "contracting",
        "county_city",
        4,
        "Risk management uses one insurance schedule for every contract.",
        ("analyzing", "action_planned"),
    ),
    (
        "Solicitudes solo en inglés (applications only in English)",
        "language_accessibility",
        "outreach",
        "department",
        3,
        "No budget line for translation of solicitations.",
        ("analyzing",),
    ),
    (
        "Wet signatures and notarized forms",
        "solicitation_complexity",
        "application",
        "department",
        2,
        "Forms date from before electronic signatures were accepted.",
        ("analyzing", "action_planned", "in_progress", "resolved"),
    ),
    (
        "Indirect costs capped at 10%",
        "budget_cost_rules",
        "contracting",
        "state",
        4,
        "State grant terms set the cap.",
        ("deferred",),
    ),
)

# Goals: (statement, measure, baseline, target, unit, months to due, barrier index, milestones (title, months, done))
GOALS = (
    (
        "Offer advance payments of up to 25% to community-based organizations",
        "Share of CBO awards with an advance",
        0,
        60,
        "%",
        9,
        0,
        (
            ("Finance drafts advance-payment policy", 2, True),
            ("Board approves policy", 5, False),
            ("First advances paid", 8, False),
        ),
    ),
    (
        "Scale insurance requirements to the risk of the work",
        "Contracts using the risk-scaled schedule",
        0,
        40,
        "contracts",
        6,
        1,
        (("Risk management reviews the schedule", 1, True), ("New schedule in templates", 4, False)),
    ),
    (
        "Publish solicitations in Spanish, Vietnamese and Korean",
        "Solicitations published in three languages",
        0,
        12,
        "solicitations",
        11,
        2,
        (("Translation vendor on contract", 3, False),),
    ),
)
