"""Sample roadmap view models: one a team would build, one a renderer must survive, one empty.

Names in five languages, markup-like and formula-like text, goals without dates or barriers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

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

VIETNAMESE = "Nguyễn Thị Hồng"
KOREAN = "김민준"
CHINESE = "付款延迟"
SPANISH = "Señora Peña"
SCRIPT_TITLE = "<script>alert(1)</script> & co"
FORMULA_STATEMENT = '=HYPERLINK("http://x") Pay invoices within 30 days'
BUILDER_EMAIL = "ana.equitylead@riversidecountypublichealth.example.org"  # wider than a phone
BUILDER_NAME = "Ana Equity-Lead"
DOMAIN_SCORES = {  # title -> (score, change since baseline)
    "Leadership & accountability": (58.3, 12.5),
    "Data & transparency": (33.3, None),
    "Community engagement & co-design": (66.7, 8.4),
    "Payment & cash flow": (25.0, -4.2),
    "Contract terms & requirements": (None, None),  # too few ratings to score
}


def barrier(id: int, title: str, category: str, stage: str, **fields: object) -> BarrierView:
    """A barrier with its codes' labels filled in (status defaults to identified)."""
    labels = {
        "payment_cash_flow": "Payment & cash flow",
        "insurance_bonding": "Insurance & bonding",
        "solicitation_complexity": "Solicitation complexity",
        "invoicing_payment": "Invoicing & payment",
        "contracting": "Contracting",
        "solicitation": "Solicitation",
    }
    status = str(fields.pop("status", "identified"))
    return BarrierView.model_validate(
        {
            "id": id,
            "title": title,
            "category": category,
            "category_label": labels[category],
            "stage": stage,
            "stage_label": labels[stage],
            "status": status,
            "status_label": status.replace("_", " ").capitalize(),
            **fields,
        }
    )


def build_view() -> RoadmapView:
    """Three goals in priority order, barriers in three categories, names in five languages."""
    late_pay = barrier(
        11,
        "Reimbursement-only payment",
        "payment_cash_flow",
        "invoicing_payment",
        description=f"Community partners wait 90 days; note from partner: {CHINESE}",
        controller="county",
        controller_label="County / city",
        severity=5,
        status="action_planned",
        owner=KOREAN,
    )
    insurance = barrier(
        12,
        "Insurance limits sized for construction",
        "insurance_bonding",
        "contracting",
        controller="county",
        controller_label="County / city",
        severity=4,
        status="analyzing",
        owner=SPANISH,
    )
    scripted = barrier(
        13,
        SCRIPT_TITLE,
        "solicitation_complexity",
        "solicitation",
        description="Forty-page RFPs with notarized forms.",
        controller="department",
        controller_label="Department",
        severity=3,
        owner=VIETNAMESE,
    )
    deferred = barrier(
        14,
        "Wet signatures on every invoice",
        "payment_cash_flow",
        "invoicing_payment",
        controller="state",
        controller_label="State",
        severity=2,
    )
    goals = [
        GoalView(
            id=101,
            rank=1,
            statement=FORMULA_STATEMENT,
            measure="Median days from invoice to payment",
            baseline_value=Decimal("90"),
            target_value=Decimal("30"),
            latest_value=Decimal("60"),
            unit="days",
            created=date(2026, 2, 1),
            due=date(2026, 12, 31),
            owner=VIETNAMESE,
            status="on_track",
            status_label="On track",
            milestones=[
                MilestoneView(
                    title="Map the invoice approval chain",
                    due=date(2026, 3, 15),
                    owner=VIETNAMESE,
                    done=date(2026, 3, 10),
                ),
                MilestoneView(title="Pilot 30-day payment with three CBOs", due=date(2026, 7, 31), owner=KOREAN),
                MilestoneView(title="Board adopts prompt-payment policy", due=date(2026, 11, 30)),
            ],
            barriers=[late_pay, deferred],
            indicators=["payment.prompt", "payment.advance"],
        ),
        GoalView(
            id=102,
            rank=2,
            statement="Scale insurance requirements to the risk of each contract",
            measure="Share of small contracts requiring $1M general liability",
            baseline_value=Decimal("100"),
            target_value=Decimal("20"),
            latest_value=None,
            unit="%",
            created=date(2026, 3, 1),
            due=date(2027, 3, 31),
            owner=KOREAN,
            status="at_risk",
            status_label="At risk",
            milestones=[
                MilestoneView(
                    title=f"Risk manager review with {SPANISH}",
                    due=date(2026, 5, 1),
                    owner=SPANISH,
                    done=date(2026, 5, 20),
                ),
                MilestoneView(title="Draft tiered insurance schedule", due=date(2026, 9, 30), owner=KOREAN),
            ],
            barriers=[insurance, late_pay],
        ),
        GoalView(
            id=103,
            rank=3,
            statement="Publish plain-language solicitations of ten pages or fewer",
            measure="Pages in a standard solicitation",
            baseline_value=Decimal("40.5"),
            target_value=Decimal("10"),
            latest_value=Decimal("25"),
            unit="pages",
            created=date(2026, 4, 15),
            due=date(2026, 10, 15),
            owner=SPANISH,
            status="not_started",
            status_label="Not started",
            barriers=[scripted],
        ),
    ]
    return RoadmapView(
        jurisdiction="Riverside County Public Health",
        cohort="2026 Southern California",
        version=3,
        built_at=datetime(2026, 6, 2, 16, 30, tzinfo=UTC),
        built_by=BUILDER_EMAIL,
        built_by_name=BUILDER_NAME,
        goals=goals,
        open_barriers=[late_pay, insurance, scripted, deferred],
        self_assessment=SelfAssessmentView(
            cycle="midpoint",
            cycle_label="Midpoint",
            respondents=4,
            overall_score=47.2,
            stage=2,
            stage_name="Emerging",
            since_cycle="baseline",
            domains=[
                DomainScoreView(id=f"d{n}", title=title, score=score, change=change)
                for n, (title, (score, change)) in enumerate(DOMAIN_SCORES.items())
            ],
        ),
        community=CommunityView(
            inputs=3,
            participants=41,
            sources={"Listening session": 2, "CBO survey": 1},
            themes=[
                ThemeView(theme="cash flow", mentions=3),
                ThemeView(theme=f"language access ({SPANISH})", mentions=2),
                ThemeView(theme="insurance costs", mentions=1),
            ],
        ),
        engagement=EngagementView(current=2, current_name="Consult", aspirational=4, aspirational_name="Collaborate"),
    )


def build_edge_view() -> RoadmapView:
    """Goals a service should not produce but a renderer must survive, and enough to fill pages."""
    long_statement = ("Reduce the paperwork community organizations file before their first contract " * 26)[:1900]
    long_statement += " " + "x" * 100  # an unbroken run, like a pasted link
    goals = [
        GoalView(
            id=201,
            rank=1,
            statement=long_statement,
            created=date(2025, 1, 10),
            due=date(2025, 12, 1),
            status="on_track",
            status_label="On track",
            baseline_value=Decimal("5"),
            target_value=Decimal("5"),
            latest_value=Decimal("5"),
            milestones=[MilestoneView(title="No dates yet")],
        ),
        GoalView(
            id=202,
            rank=2,
            statement="Due before it was created",
            created=date(2026, 6, 1),
            due=date(2026, 1, 15),
            status="at_risk",
            status_label="At risk",
        ),
        GoalView(
            id=203,
            rank=3,
            statement="Bare goal",
            created=date(2025, 5, 5),
            due=date(2025, 9, 9),
            status="not_started",
            status_label="Not started",
        ),
    ]
    goals += [
        GoalView(
            id=300 + n,
            rank=4 + n,
            statement=f"Filler goal {n} to push the timeline onto a second page",
            created=date(2025, 1 + n % 12, 1),
            due=date(2027 + n % 2, 1 + n % 12, 28),
            owner=KOREAN if n % 2 else VIETNAMESE,
            status="on_track",
            status_label="On track",
            milestones=[MilestoneView(title=f"Step {n}", due=date(2026, 1 + n % 12, 10))],
        )
        for n in range(25)
    ]
    return RoadmapView(
        jurisdiction="A jurisdiction with a very long name " * 4,
        cohort="2025 cohort",
        version=1,
        built_at=datetime(2026, 1, 5, 9, 0),
        built_by="Tester",
        goals=goals,
        open_barriers=[],
    )


def build_empty_view() -> RoadmapView:
    return RoadmapView(
        jurisdiction="Empty County",
        cohort="2026 cohort",
        version=1,
        built_at=datetime(2026, 1, 5),
        built_by="Tester",
        goals=[],
        open_barriers=[],
    )
