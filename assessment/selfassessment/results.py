"""Stored results read back: a submission's Score rows, titled and weighted by the rubric version
it used, with each respondent's levels from its Rating rows. Nothing is recomputed from ratings,
so what ``show`` prints is what the run stored, and what a regional report aggregates in SQL."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.cohorts.models import Team
from assessment.core.errors import NotFound
from assessment.selfassessment.models import Assessment, Cycle, Rating, Scope, Score, Submission
from assessment.selfassessment.scoring import (
    AssessmentResult,
    DomainResult,
    IndicatorResult,
    OverallResult,
    compare,
    largest_gaps,
)
from assessment.selfassessment.versions import stored_rubric


def assessments_of(session: Session, team: Team) -> list[Assessment]:
    """A team's assessments, in cycle order."""
    rows = session.exec(select(Assessment).where(Assessment.team_id == team.id))
    return sorted(rows, key=lambda a: Cycle(a.cycle).order)


def current_submission(session: Session, assessment: Assessment) -> Submission:
    """The submission an assessment's result comes from (a stored assessment always has one)."""
    ident = assessment.current_submission_id
    submission = session.get(Submission, ident) if ident is not None else None
    if submission is None:
        raise NotFound(f"Assessment {assessment.id} ({assessment.cycle}) has no current submission.")
    return submission


def levels_given(session: Session, submission: Submission) -> dict[str, list[int]]:
    """Per indicator, every level respondents gave, in respondent order (their ratings were stored in it)."""
    query = select(Rating).where(Rating.submission_id == submission.id, col(Rating.level).is_not(None))
    levels: dict[str, list[int]] = {}
    for rating in session.exec(query.order_by(col(Rating.id))):
        if rating.level is not None:
            levels.setdefault(rating.indicator_id, []).append(rating.level)
    return levels


def stored_result(session: Session, assessment: Assessment, submission: Submission | None = None) -> AssessmentResult:
    """The result of an assessment's current submission (or an earlier one), as its Score rows hold it."""
    rubric = stored_rubric(session, assessment)
    submission = submission or current_submission(session, assessment)
    scores = {(s.scope, s.key): s for s in session.exec(select(Score).where(Score.submission_id == submission.id))}
    levels = levels_given(session, submission)

    indicators = []
    for domain in rubric.domains:
        for indicator in domain.indicators:
            row = scores[(Scope.indicator.value, indicator.id)]
            indicators.append(
                IndicatorResult(
                    id=indicator.id,
                    domain=domain.id,
                    text=indicator.text,
                    rating=row.mean,
                    levels=levels.get(indicator.id, []),
                    excluded=row.total - row.rated,
                    disagreement=row.disagreement,
                )
            )
    domains = []
    for domain in rubric.domains:
        row = scores[(Scope.domain.value, domain.id)]
        domains.append(
            DomainResult(
                id=domain.id,
                title=domain.title,
                weight=domain.weight,
                mean=row.mean,
                score=row.score,
                rated=row.rated,
                total=row.total,
                insufficient=row.insufficient,
            )
        )
    overall = scores[(Scope.overall.value, Scope.overall.value)]
    return AssessmentResult(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        respondents=submission.respondent_count,
        overall=OverallResult(
            mean=overall.mean,
            score=overall.score,
            stage=overall.stage,
            stage_name=rubric.level_name(overall.stage) if overall.stage is not None else None,
        ),
        domains=domains,
        indicators=indicators,
        gaps=largest_gaps(indicators),
        disagreements=[i.id for i in indicators if i.disagreement],
    )


def with_change(session: Session, team: Team, cycle: Cycle, result: AssessmentResult) -> AssessmentResult:
    """``result`` with its change since the team's stored result of the cycle before ``cycle``, if any."""
    earlier = [a for a in assessments_of(session, team) if Cycle(a.cycle).order < cycle.order]
    if not earlier:
        return result
    previous = earlier[-1]
    return result.model_copy(update={"change": compare(result, stored_result(session, previous), previous.cycle)})
