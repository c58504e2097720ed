"""What a roadmap build snapshots besides goals: who built it, by name, and where the team stands
(latest self-assessment scores, community input, engagement), each read through its own service."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.community.engagement import set_engagement
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core.db import transaction
from assessment.core.fields import utcnow
from assessment.roadmap.service import get_roadmap, next_version, record_version
from assessment.roadmap.snapshot import roadmap_view
from assessment.roadmap.view import CommunityView, RoadmapView, ThemeView
from assessment.selfassessment import service as assessments
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()


def submit(cast: Cast, cycle: str, levels: Mapping[str, int | None]) -> None:
    """One respondent's workbook, scored and stored as the assessment run stores it."""
    book = WorkbookRatings(
        source=f"{cycle}.xlsx",
        respondent=RespondentInfo(name="Rae Respondent", email="rae@alder.example.org", role="finance"),
        ratings=dict(levels),
        answers={k: "" if v is None else str(v) for k, v in levels.items()},
        evidence={},
    )
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        parsed = assessments.parse_cycle(cycle)
        result = assessments.score_run(session, team, parsed, RUBRIC, assessments.responses_of([book]))
        assessments.record(session, actor, cast.alder, cast.cohort, cycle, RUBRIC, [book], result)


def hear(cast: Cast, source: str, participants: int | None, themes: list[str]) -> None:
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        held = date.today() - timedelta(days=30)
        data = InputCreate(source=source, held_on=held, participants=participants, themes=themes)
        add_input(session, officer, cast.alder, data)


def snapshot(cast: Cast, who: str | None = None) -> RoadmapView:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_manager)
        return roadmap_view(session, actor, cast.alder, cast.cohort, 1, utcnow())


def test_the_builder_is_named_and_their_email_kept(cast: Cast) -> None:
    view = snapshot(cast)
    assert (view.built_by, view.built_by_name, view.author) == (
        cast.alder_manager,
        "Nguyễn Thị Hồng",
        "Nguyễn Thị Hồng",
    )


def test_a_team_with_nothing_recorded_stands_nowhere_yet(cast: Cast) -> None:
    view = snapshot(cast)
    assert view.self_assessment is None and view.engagement is None
    assert view.community == CommunityView()  # asked, and nothing heard yet
    assert view.has_standing


def test_the_latest_cycle_scores_come_from_the_stored_scores(cast: Cast) -> None:
    baseline = {i.id: 2 for i in RUBRIC.indicators}
    midpoint = {**baseline, "a.1": 4, "a.2": 4, "b.1": 3, "b.2": 3, "c.1": None, "c.2": None, "c.3": None}
    submit(cast, "baseline", baseline)
    submit(cast, "midpoint", midpoint)
    view = snapshot(cast)
    with transaction() as session:
        exec_ = resolve_actor(session, cast.alder_exec)
        stored = assessments.show(session, exec_, cast.alder, cast.cohort).result
    assessed = view.self_assessment
    assert assessed is not None
    assert (assessed.cycle, assessed.cycle_label, assessed.respondents) == ("midpoint", "Midpoint", 1)
    assert (assessed.overall_score, assessed.stage_name) == (stored.overall.score, stored.overall.stage_name)
    assert assessed.since_cycle == "baseline"
    assert [(d.title, d.score) for d in assessed.domains] == [(d.title, d.score) for d in stored.domains]
    by_title = {d.title: d for d in assessed.domains}
    assert by_title["Domain C"].score is None  # nobody rated it: too few ratings to score
    assert by_title["Domain A"].change is not None and by_title["Domain A"].change > 0


def test_community_input_is_counted_and_its_themes_ranked(cast: Cast) -> None:
    hear(cast, "listening_session", 18, ["Cash flow", "language access", "cash  flow"])
    hear(cast, "cbo_survey", None, ["cash flow", "Insurance costs"])
    hear(cast, "listening_session", 12, ["Language access"])
    community = snapshot(cast).community
    assert community is not None
    assert (community.inputs, community.participants) == (3, 30)
    assert community.sources == {"Listening session": 2, "CBO survey": 1}
    assert community.themes == [
        ThemeView(theme="Cash flow", mentions=2),  # once per input, whatever the case or spacing
        ThemeView(theme="language access", mentions=2),
        ThemeView(theme="Insurance costs", mentions=1),
    ]


def test_engagement_is_the_latest_rating(cast: Cast) -> None:
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        set_engagement(session, manager, cast.alder, cast.cohort, 1, 3)
        set_engagement(session, manager, cast.alder, cast.cohort, 2, 4, "CBOs now sit on scoring panels")
    engaged = snapshot(cast).engagement
    assert engaged is not None
    assert (engaged.current, engaged.current_name, engaged.aspirational, engaged.aspirational_name) == (
        2,
        "Consult",
        4,
        "Collaborate",
    )
    assert engaged.gap == 2


def test_where_the_team_stands_is_kept_with_the_version(cast: Cast) -> None:
    submit(cast, "baseline", {i.id: 3 for i in RUBRIC.indicators})
    hear(cast, "interviews", 5, ["prompt payment"])
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        set_engagement(session, manager, cast.alder, cast.cohort, 2, 3)
        number = next_version(session, manager, cast.alder, cast.cohort)
        view = roadmap_view(session, manager, cast.alder, cast.cohort, number, utcnow())
        record_version(
            session, manager, cast.alder, cast.cohort, number, view.built_at, view.model_dump(mode="json"), ["pdf"]
        )
    with transaction() as session:
        stored = get_roadmap(session, resolve_actor(session, cast.alder_exec), cast.alder, cast.cohort)
    assert stored == view
    assert stored.self_assessment is not None and stored.self_assessment.since_cycle is None
    assert stored.community is not None and stored.community.themes == [ThemeView(theme="prompt payment", mentions=1)]
