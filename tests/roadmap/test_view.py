"""The roadmap's view model: progress as the goals service computes it, the timeline's quarters,
barriers grouped for the appendix, and versions stored before today still loading."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from assessment.goals.progress import measure_share, milestone_share
from assessment.roadmap.view import RoadmapView
from tests.roadmap.views import build_edge_view, build_empty_view, build_view

# A version as `roadmap build` stored it before goal progress moved to assessment.goals.progress.
STORED_BEFORE = (
    '{"jurisdiction": "Alder County", "cohort": "2026 Test Cohort", "version": 2, '
    '"built_at": "2026-05-21T17:04:09.123456Z", "built_by": "manager@alder.example.org", '
    '"goals": [{"id": 3, "rank": 1, "statement": "Offer 25% advance payments to CBOs", '
    '"measure": "Share of CBO awards with an advance", "baseline_value": "0.0000", "target_value": "80.0000", '
    '"latest_value": "20.0000", "unit": "%", "created": "2026-03-02", "due": "2026-11-30", '
    '"owner": "Nguyễn Thị Hồng", "status": "on_track", "status_label": "On track", '
    '"milestones": [{"title": "Finance drafts advance policy", "due": "2026-06-01", "owner": "이은혜", '
    '"done": "2026-05-20"}, {"title": "Board vote", "due": "2026-09-01", "owner": null, "done": null}], '
    '"barriers": [{"id": 7, "title": "Reimbursement-only payment", "description": "", '
    '"category": "payment_cash_flow", "category_label": "Payment & cash flow", "stage": "invoicing_payment", '
    '"stage_label": "Invoicing & payment", "controller": "county", "controller_label": "County / city", '
    '"severity": 5, "status": "action_planned", "status_label": "Action planned", "owner": "김민준"}], '
    '"indicators": ["payment.advance"]}], '
    '"open_barriers": [{"id": 7, "title": "Reimbursement-only payment", "description": "", '
    '"category": "payment_cash_flow", "category_label": "Payment & cash flow", "stage": "invoicing_payment", '
    '"stage_label": "Invoicing & payment", "controller": "county", "controller_label": "County / city", '
    '"severity": 5, "status": "action_planned", "status_label": "Action planned", "owner": "김민준"}]}'
)


@pytest.fixture(scope="module")
def view() -> RoadmapView:
    return build_view()


def test_progress_and_severity_are_computed_from_the_goal(view: RoadmapView) -> None:
    first, second, third = view.goals
    assert first.milestone_progress == 0.3333  # 1 of 3, four decimals as the goals service rounds
    assert first.measure_progress == 0.5  # 90 -> 60 of the way to 30
    assert first.max_severity == 5
    assert second.measure_progress is None  # no latest value yet
    assert third.milestone_progress is None  # no milestones
    assert build_edge_view().goals[0].measure_progress is None  # baseline equals target


def test_progress_is_the_goals_services_progress(view: RoadmapView) -> None:
    for goal in view.goals + build_edge_view().goals:
        assert goal.milestone_progress == milestone_share(goal.milestones_done, len(goal.milestones))
        assert goal.measure_progress == measure_share(goal.baseline_value, goal.target_value, goal.latest_value)
    third = view.goals[2]  # 40.5 -> 25 of the way to 10: 0.50819..., one rounding for everyone
    assert third.measure_progress == 0.5082


def test_quarters_span_every_goal_and_milestone(view: RoadmapView) -> None:
    labels = [q.label for q in view.quarters]
    assert labels == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    assert view.quarters[0].start == date(2026, 1, 1)
    assert view.quarters[-1].end == date(2027, 3, 31)
    assert build_empty_view().quarters == []


def test_open_barriers_group_by_category_in_listed_order(view: RoadmapView) -> None:
    groups = view.open_barriers_by_category
    assert list(groups) == ["Payment & cash flow", "Insurance & bonding", "Solicitation complexity"]
    assert [b.id for b in groups["Payment & cash flow"]] == [11, 14]
    assert view.goal_ids_by_barrier[11] == [101, 102]


def test_a_version_stored_before_still_loads_with_todays_progress() -> None:
    stored = RoadmapView.model_validate_json(STORED_BEFORE)
    assert stored.built_at == datetime(2026, 5, 21, 17, 4, 9, 123456, tzinfo=UTC)
    (goal,) = stored.goals
    assert goal.latest_value == Decimal("20")
    assert goal.measure_progress == 0.25 and goal.milestone_progress == 0.5
    assert [m.done for m in goal.milestones] == [date(2026, 5, 20), None]
    assert stored.barriers[0].owner == "김민준"


def test_a_version_stored_before_names_and_standing_still_loads() -> None:
    stored = RoadmapView.model_validate_json(STORED_BEFORE)
    assert stored.built_by_name is None and stored.author == "manager@alder.example.org"
    assert (stored.self_assessment, stored.community, stored.engagement) == (None, None, None)
    assert not stored.has_standing


def test_a_view_survives_its_own_json(view: RoadmapView) -> None:
    assert RoadmapView.model_validate_json(view.model_dump_json()) == view
