"""The assessment service: permissions, storing a run, idempotency, replacement and history."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select, update

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied, ValidationFailed
from assessment.core.fields import row_id
from assessment.selfassessment import service as assessments
from assessment.selfassessment.models import Assessment, Cycle, Rating, RubricVersion, Score, Submission
from assessment.selfassessment.rubric import Rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()


def workbook(email: str, levels: dict[str, int | None], evidence: str = "") -> WorkbookRatings:
    answers = {k: ("" if v is None else f"{v} - {RUBRIC.level_name(v)}") for k, v in levels.items()}
    return WorkbookRatings(
        source=f"{email.split('@')[0]}.xlsx",
        respondent=RespondentInfo(name=email.split("@")[0].title(), email=email, role="finance"),
        ratings=levels,
        answers=answers,
        evidence={k: evidence for k in levels},
    )


def uniform(level: int | None) -> dict[str, int | None]:
    return {i.id: level for i in RUBRIC.indicators}


def submit(
    actor_email: str,
    jurisdiction: str,
    cycle: str,
    books: list[WorkbookRatings],
    cast: Cast,
    rubric: Rubric = RUBRIC,
    replace: bool = False,
) -> assessments.RunSummary:
    with transaction() as session:
        actor = resolve_actor(session, actor_email)
        team, _, _ = get_team(session, jurisdiction, cast.cohort)
        responses = assessments.responses_of(books)
        result = assessments.score_run(session, team, assessments.parse_cycle(cycle), rubric, responses)
        return assessments.record(session, actor, jurisdiction, cast.cohort, cycle, rubric, books, result, replace)


def count(model: type) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_equity_program_manager_submits_and_scores_are_stored(cast: Cast) -> None:
    books = [workbook("a@x.org", uniform(2)), workbook("b@x.org", uniform(3))]
    summary = submit(cast.alder_manager, cast.alder, "baseline", books, cast)
    assert summary.outcome == "created" and summary.submission == 1
    assert summary.result.overall.stage == 3 and summary.result.overall.score == 50.0
    with transaction() as session:
        assessment = session.exec(select(Assessment)).one()
        assert (assessment.rubric_id, assessment.rubric_version, assessment.rubric_hash) == (
            "test-rubric",
            "1.0",
            RUBRIC.content_hash,
        )
        overall = session.exec(select(Score).where(Score.scope == "overall")).one()
        assert overall.score == 50.0 and overall.stage == 3
        assert session.exec(select(func.count()).select_from(Rating)).one() == 2 * len(RUBRIC.indicators)
        entries = history.entries(session, "assessment", row_id(assessment))
        assert [(e.field, e.old, e.new, e.actor) for e in entries] == [
            ("submission", None, "1", cast.alder_manager),
            ("overall_score", None, "50.0", cast.alder_manager),
        ]


def test_same_answers_again_change_nothing(cast: Cast) -> None:
    books = [workbook("a@x.org", uniform(2))]
    submit(cast.alder_manager, cast.alder, "baseline", books, cast)
    again = submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    assert again.outcome == "unchanged" and again.submission == 1
    assert count(Assessment) == 1 and count(Submission) == 1 and count(Rating) == len(RUBRIC.indicators)


def test_new_answers_replace_the_cycle_and_keep_the_old_ratings(cast: Cast) -> None:
    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    replaced = submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(4))], cast)
    assert replaced.outcome == "replaced" and replaced.submission == 2
    assert replaced.result.overall.stage == 4
    assert count(Assessment) == 1 and count(Submission) == 2
    assert count(Rating) == 2 * len(RUBRIC.indicators)  # the replaced ratings are kept
    with transaction() as session:
        shown = assessments.show(session, resolve_actor(session, cast.alder_exec), cast.alder, cast.cohort)
        entries = history.entries(session, "assessment", shown.assessment_id)
    assert shown.result.overall.stage == 4 and shown.submission == 2
    assert ("submission", "1", "2") in [(e.field, e.old, e.new) for e in entries]
    assert ("overall_score", "33.3", "100.0") in [(e.field, e.old, e.new) for e in entries]


def test_procurement_officer_cannot_submit_another_jurisdictions_assessment(cast: Cast) -> None:
    with pytest.raises(PermissionDenied) as refused:
        submit(cast.alder_officer, cast.birch, "baseline", [workbook("a@x.org", uniform(2))], cast)
    assert "equity program manager of Birch City" in str(refused.value)
    assert cast.alder_officer in str(refused.value)
    assert count(Assessment) == 0 and count(Rating) == 0


@pytest.mark.parametrize("who", ["alder_officer", "alder_exec", "birch_manager", "lead", "outsider"])
def test_only_the_jurisdictions_manager_or_an_admin_may_submit(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied):
        submit(getattr(cast, who), cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    assert count(Submission) == 0


def test_admin_may_submit_for_any_jurisdiction(cast: Cast) -> None:
    assert submit(cast.admin, cast.birch, "baseline", [workbook("a@x.org", uniform(1))], cast).outcome == "created"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alder_exec", True), ("alder_officer", True), ("lead", True), ("birch_manager", False), ("outsider", False)],
)
def test_who_may_see_a_result(cast: Cast, who: str, allowed: bool) -> None:
    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    with transaction() as session:
        actor = resolve_actor(session, getattr(cast, who))
        if allowed:
            assert assessments.show(session, actor, cast.alder, cast.cohort).result.overall.stage == 2
        else:
            with pytest.raises(PermissionDenied):
                assessments.show(session, actor, cast.alder, cast.cohort)


def test_change_since_baseline_is_reported_for_a_later_cycle(cast: Cast) -> None:
    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    final = submit(cast.alder_manager, cast.alder, "final", [workbook("a@x.org", uniform(3))], cast)
    assert final.result.change is not None
    assert final.result.change.since_cycle == "baseline"
    assert final.result.change.overall.change == 33.4
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        baseline = assessments.show(session, actor, cast.alder, cast.cohort, "baseline")
        latest = assessments.show(session, actor, cast.alder, cast.cohort)
    assert baseline.result.change is None
    assert latest.cycle == "final" and latest.result.change is not None
    assert latest.result.change.overall.previous == 33.3


def test_a_used_rubric_version_cannot_change_silently(cast: Cast) -> None:
    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    edited = small_rubric(weights=(1, 1, 1))  # same id and version, different content
    with pytest.raises(ValidationFailed) as refused:
        submit(cast.birch_manager, cast.birch, "baseline", [workbook("b@x.org", uniform(2))], cast, rubric=edited)
    assert "was changed after it was first used" in str(refused.value)
    assert "new version number" in str(refused.value)
    assert count(Assessment) == 1 and count(RubricVersion) == 1
    # a new version number is welcome
    renamed = small_rubric(version="1.1", weights=(1, 1, 1))
    again = submit(cast.birch_manager, cast.birch, "baseline", [workbook("b@x.org", uniform(2))], cast, rubric=renamed)
    assert again.outcome == "created"


def test_unknown_cycle_and_unenrolled_team_are_explained(cast: Cast) -> None:
    with transaction() as session:
        actor = resolve_actor(session, cast.admin)
        with pytest.raises(ValidationFailed, match="use one of: baseline, midpoint, final"):
            assessments.authorize_submit(session, actor, cast.alder, cast.cohort, "halfway")
        with pytest.raises(NotFound, match="No jurisdiction named 'Cedar County'"):
            assessments.authorize_submit(session, actor, "Cedar County", cast.cohort, "baseline")
        with pytest.raises(NotFound, match="has no assessment"):
            assessments.show(session, actor, cast.alder, cast.cohort)


def test_history_rows_cannot_be_edited_or_deleted(cast: Cast) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    for statement in ("UPDATE history SET note = 'rewritten'", "DELETE FROM history"):
        with pytest.raises(DBAPIError, match="append-only"):
            with transaction() as session:
                session.connection().execute(text(statement))


def test_show_returns_exactly_what_the_run_returned(cast: Cast) -> None:
    # Three respondents with don't-knows (None), nobody rating domain b (insufficient), a.1 split 1 vs 4.
    baseline = submit(
        cast.alder_manager,
        cast.alder,
        "baseline",
        [
            workbook("a@x.org", {**uniform(2), "a.1": 1, "c.3": None}),
            workbook("b@x.org", {**uniform(1), "b.2": None}),
            workbook("c@x.org", {**uniform(3), "a.4": 4}),
        ],
        cast,
    )
    final = submit(
        cast.alder_manager,
        cast.alder,
        "final",
        [
            workbook("a@x.org", {**uniform(3), "a.1": 1, "a.2": None, "b.1": None, "b.2": None, "c.2": 2}),
            workbook("b@x.org", {**uniform(None), "a.1": 4, "a.3": 2, "c.1": 4}),
            workbook("c@x.org", {**uniform(2), "a.2": 3, "b.1": None, "b.2": None}),
        ],
        cast,
    )
    result = final.result
    assert result.change is not None and result.change.since_cycle == "baseline"
    assert [d.id for d in result.domains if d.insufficient] == ["b"]
    assert "a.1" in result.disagreements and any(i.excluded for i in result.indicators)
    assert any(i.rating is not None and not float(i.rating).is_integer() for i in result.indicators)

    with transaction() as session:
        actor = resolve_actor(session, cast.alder_exec)
        shown_final = assessments.show(session, actor, cast.alder, cast.cohort, "final")
        shown_baseline = assessments.show(session, actor, cast.alder, cast.cohort, " Baseline ")
        shown_latest = assessments.show(session, actor, cast.alder, cast.cohort)
    assert shown_final.result == final.result
    assert shown_latest.result == final.result
    assert shown_baseline.result == baseline.result
    assert shown_final.cycle is Cycle.final and shown_baseline.cycle is Cycle.baseline
    assert (shown_final.assessment_id, shown_final.submission, shown_final.files) == (
        final.assessment_id,
        final.submission,
        final.files,
    )


level = st.one_of(st.none(), st.integers(1, 4))
answers = st.fixed_dictionaries({i.id: level for i in RUBRIC.indicators})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(baseline=st.lists(answers, min_size=1, max_size=4), final=st.lists(answers, min_size=1, max_size=4))
def test_a_shown_result_is_the_stored_one_whatever_the_answers(
    cast: Cast, baseline: list[dict[str, int | None]], final: list[dict[str, int | None]]
) -> None:
    # Every example replaces the two cycles of the same team; the newest submission is what show reads.
    ran = {}
    for cycle, responses in (("baseline", baseline), ("final", final)):
        books = [workbook(f"r{n}@x.org", levels) for n, levels in enumerate(responses)]
        ran[cycle] = submit(cast.alder_manager, cast.alder, cycle, books, cast, replace=True).result
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        for cycle, result in ran.items():
            assert assessments.show(session, actor, cast.alder, cast.cohort, cycle).result == result


def test_stored_scores_are_the_source_of_a_shown_result(cast: Cast) -> None:
    """Show reads the Score rows the run stored (as a regional report would), never recomputes them."""
    submit(cast.alder_manager, cast.alder, "baseline", [workbook("a@x.org", uniform(2))], cast)
    with transaction() as session:
        session.exec(update(Score).where(col(Score.scope) == "overall").values(score=42.0))
    with transaction() as session:
        shown = assessments.show(session, resolve_actor(session, cast.admin), cast.alder, cast.cohort)
    assert shown.result.overall.score == 42.0


def test_ratings_keep_respondent_order_in_a_shown_result(cast: Cast) -> None:
    order = ["z@x.org", "a@x.org", "m@x.org"]  # neither alphabetical nor by level
    levels = {"z@x.org": 4, "a@x.org": 1, "m@x.org": 3}
    submit(cast.alder_manager, cast.alder, "baseline", [workbook(e, uniform(levels[e])) for e in order], cast)
    with transaction() as session:
        shown = assessments.show(session, resolve_actor(session, cast.admin), cast.alder, cast.cohort)
    assert all(i.levels == [levels[e] for e in order] for i in shown.result.indicators)


def test_a_respondent_left_out_is_dropped_only_when_asked_and_earlier_submissions_stay_readable(cast: Cast) -> None:
    three = [workbook("a@x.org", uniform(2)), workbook("b@x.org", uniform(3)), workbook("c@x.org", uniform(1))]
    submit(cast.alder_manager, cast.alder, "baseline", three, cast)
    fewer = [workbook("a@x.org", uniform(4)), workbook("b@x.org", uniform(4))]
    with pytest.raises(ValidationFailed) as refused:
        submit(cast.alder_manager, cast.alder, "baseline", fewer, cast)
    message = str(refused.value)
    assert "leave out 1 respondent(s) of the baseline submission already stored: c@x.org" in message
    assert "--replace" in message
    assert count(Submission) == 1 and count(Rating) == 3 * len(RUBRIC.indicators)
    replaced = submit(cast.alder_manager, cast.alder, "baseline", fewer, cast, replace=True)
    assert (replaced.outcome, replaced.submission, replaced.result.respondents) == ("replaced", 2, 2)
    with transaction() as session:
        reader = resolve_actor(session, cast.alder_exec)
        first = assessments.show(session, reader, cast.alder, cast.cohort, submission=1)
        latest = assessments.show(session, reader, cast.alder, cast.cohort)
        with pytest.raises(NotFound, match="has no submission 3; its submissions are 1 to 2"):
            assessments.show(session, reader, cast.alder, cast.cohort, submission=3)
    assert (first.submission, first.result.respondents, first.result.overall.stage) == (1, 3, 2)
    assert (latest.submission, latest.result.respondents, latest.result.overall.stage) == (2, 2, 4)
