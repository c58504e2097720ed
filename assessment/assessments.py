"""Assessment runs: who may submit, recording ratings and scores, and reading results back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from assessment import history
from assessment.cohorts import get_team
from assessment.errors import NotFound, Problem, ValidationFailed
from assessment.models import (
    Assessment,
    Cohort,
    Cycle,
    Jurisdiction,
    Rating,
    Role,
    RubricVersion,
    Score,
    Submission,
    Team,
    utcnow,
)
from assessment.permissions import Actor, require
from assessment.rubric import Rubric, parse_rubric
from assessment.scoring import AssessmentResult, compare, score
from assessment.workbook import WorkbookContext, WorkbookRatings

SUBMITTERS = (Role.equity_program_manager,)
READERS = tuple(r for r in Role if r is not Role.admin)


class RunSummary(BaseModel):
    """What a run or ``show`` reports: the result plus where it came from."""

    jurisdiction: str
    cohort: str
    cycle: str
    assessment_id: int
    submission: int
    submitted_at: datetime
    submitted_by: str
    outcome: str = "stored"          # created | replaced | unchanged | stored
    files: list[str] = []
    result: AssessmentResult


def parse_cycle(cycle: str) -> Cycle:
    try:
        return Cycle(cycle.strip().lower())
    except ValueError:
        raise ValidationFailed(f"Unknown cycle '{cycle}'; use one of: {', '.join(c.value for c in Cycle)}.") from None


def authorize_submit(session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: str) -> tuple[Team, Jurisdiction, Cohort, Cycle]:
    """The team to submit for, once the actor is known to be allowed to."""
    parsed = parse_cycle(cycle)
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, f"submit {place.name}'s self-assessment", SUBMITTERS, place)
    return team, place, group, parsed


def authorize_read(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> tuple[Team, Jurisdiction, Cohort]:
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, f"see {place.name}'s self-assessment", READERS, place)
    return team, place, group


def template_context(session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: str) -> WorkbookContext:
    """The metadata a blank workbook carries, for a team the actor belongs to or leads."""
    _, place, group = authorize_read(session, actor, jurisdiction, cohort)
    return WorkbookContext(jurisdiction=place.name, cohort=group.name, cycle=parse_cycle(cycle).value)


def check_rubric(session: Session, rubric: Rubric) -> RubricVersion | None:
    """The registered version of ``rubric``; refused when its content changed since first use."""
    used = session.exec(
        select(RubricVersion).where(RubricVersion.rubric_id == rubric.id, RubricVersion.version == rubric.version)
    ).first()
    if used is not None and used.content_hash != rubric.content_hash:
        raise ValidationFailed(
            f"The rubric {rubric.id} version {rubric.version} was changed after it was first used "
            f"({used.first_used_at:%Y-%m-%d}); scores made with it would no longer be comparable.",
            [Problem(f"rubric {rubric.id} {rubric.version}", f"content hash {used.content_hash[:12]} when first used, "
                     f"{rubric.content_hash[:12]} now.",
                     "Restore the rubric file as it was, or save the changed rubric with a new version number.")],
        )
    return used


def register_rubric(session: Session, rubric: Rubric, actor: Actor) -> RubricVersion:
    used = check_rubric(session, rubric)
    if used is None:
        used = RubricVersion(
            rubric_id=rubric.id,
            version=rubric.version,
            content_hash=rubric.content_hash,
            title=rubric.title,
            content=json.dumps(rubric.model_dump(mode="json"), ensure_ascii=False),
            first_used_by=actor.email,
        )
        session.add(used)
        session.flush()
    return used


def responses_of(workbooks: Sequence[WorkbookRatings]) -> list[dict[str, int | None]]:
    return [dict(w.ratings) for w in workbooks]


def digest_of(workbooks: Sequence[WorkbookRatings]) -> str:
    """Fingerprint of what respondents answered; file bytes differ between re-saves, answers don't."""
    content = sorted(
        (w.respondent.email.lower(), w.respondent.name, w.respondent.role, sorted(w.answers.items()), sorted(w.evidence.items()))
        for w in workbooks
    )
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def score_run(session: Session, team: Team, cycle: Cycle, rubric: Rubric, responses: Sequence[dict[str, int | None]]) -> AssessmentResult:
    """Score the responses and compare with the team's previous cycle, when there is one."""
    result = score(rubric, responses)
    return with_change(session, team, cycle, result)


def with_change(session: Session, team: Team, cycle: Cycle, result: AssessmentResult) -> AssessmentResult:
    earlier = [a for a in assessments_of(session, team) if Cycle(a.cycle).order < cycle.order]
    if not earlier:
        return result
    previous = earlier[-1]
    return result.model_copy(update={"change": compare(result, stored_result(session, previous), previous.cycle)})


def assessments_of(session: Session, team: Team) -> list[Assessment]:
    rows = session.exec(select(Assessment).where(Assessment.team_id == team.id))
    return sorted(rows, key=lambda a: Cycle(a.cycle).order)


def stored_rubric(session: Session, assessment: Assessment) -> Rubric:
    used = session.exec(
        select(RubricVersion).where(
            RubricVersion.rubric_id == assessment.rubric_id, RubricVersion.version == assessment.rubric_version
        )
    ).one()
    return parse_rubric(json.loads(used.content), f"stored rubric {used.rubric_id} {used.version}")


def stored_responses(session: Session, submission_id: int) -> list[dict[str, int | None]]:
    ratings = session.exec(select(Rating).where(Rating.submission_id == submission_id).order_by(col(Rating.id)))
    by_respondent: dict[str, dict[str, int | None]] = {}
    for rating in ratings:
        by_respondent.setdefault(rating.respondent_email, {})[rating.indicator_id] = rating.level
    return list(by_respondent.values())


def stored_result(session: Session, assessment: Assessment) -> AssessmentResult:
    """Recompute a stored assessment from its kept ratings and the rubric version it used."""
    return score(stored_rubric(session, assessment), stored_responses(session, assessment.current_submission_id))  # type: ignore[arg-type]


def record(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    cycle: str,
    rubric: Rubric,
    workbooks: Sequence[WorkbookRatings],
    result: AssessmentResult,
) -> RunSummary:
    """Store a run's ratings and scores; the same answers again change nothing."""
    team, place, group, parsed = authorize_submit(session, actor, jurisdiction, cohort, cycle)
    register_rubric(session, rubric, actor)
    digest = digest_of(workbooks)
    files = [w.source for w in workbooks]
    assessment = session.exec(select(Assessment).where(Assessment.team_id == team.id, Assessment.cycle == parsed.value)).first()
    previous: Submission | None = None
    if assessment is not None:
        previous = session.get(Submission, assessment.current_submission_id)
        if previous is not None and previous.digest == digest:
            return summary(place, group, assessment, previous, result, "unchanged", files)
    else:
        assessment = Assessment(team_id=team.id, cycle=parsed.value, rubric_id=rubric.id,  # type: ignore[arg-type]
                                rubric_version=rubric.version, rubric_hash=rubric.content_hash)
        session.add(assessment)
        session.flush()

    submission = Submission(
        assessment_id=assessment.id,  # type: ignore[arg-type]
        number=previous.number + 1 if previous else 1,
        digest=digest,
        files=json.dumps(files, ensure_ascii=False),
        respondent_count=len(workbooks),
        submitted_by=actor.email,
    )
    session.add(submission)
    session.flush()
    _store_ratings(session, submission, workbooks)
    _store_scores(session, submission, result)

    old_score = _overall_score(session, previous) if previous else None
    assessment.rubric_id, assessment.rubric_version, assessment.rubric_hash = rubric.id, rubric.version, rubric.content_hash
    assessment.current_submission_id = submission.id
    assessment.status = "submitted"
    if previous is not None:
        assessment.version += 1
    assessment.updated_at = utcnow()
    session.add(assessment)
    note = f"{len(workbooks)} respondent workbook(s): {', '.join(files)}"
    if previous is not None:
        note += f"; the ratings of submission {previous.number} are kept"
    history.record(session, actor.email, "assessment", assessment.id, "submission",  # type: ignore[arg-type]
                   previous.number if previous else None, submission.number, note, place.id)
    history.record(session, actor.email, "assessment", assessment.id, "overall_score",  # type: ignore[arg-type]
                   old_score, result.overall.score, f"{parsed.value} cycle", place.id)
    return summary(place, group, assessment, submission, result, "replaced" if previous else "created", files)


def _store_ratings(session: Session, submission: Submission, workbooks: Sequence[WorkbookRatings]) -> None:
    session.add_all(
        Rating(
            submission_id=submission.id,  # type: ignore[arg-type]
            respondent_email=w.respondent.email,
            respondent_name=w.respondent.name,
            respondent_role=w.respondent.role,
            indicator_id=indicator_id,
            level=level,
            answer=w.answers.get(indicator_id, ""),
            evidence=w.evidence.get(indicator_id, ""),
        )
        for w in workbooks
        for indicator_id, level in w.ratings.items()
    )


def _store_scores(session: Session, submission: Submission, result: AssessmentResult) -> None:
    rows = [Score(submission_id=submission.id, scope="overall", key="overall", mean=result.overall.mean,  # type: ignore[arg-type]
                  score=result.overall.score, stage=result.overall.stage,
                  rated=sum(1 for i in result.indicators if i.rating is not None), total=len(result.indicators))]
    rows += [Score(submission_id=submission.id, scope="domain", key=d.id, mean=d.mean, score=d.score,  # type: ignore[arg-type]
                   rated=d.rated, total=d.total, insufficient=d.insufficient) for d in result.domains]
    rows += [Score(submission_id=submission.id, scope="indicator", key=i.id, mean=i.rating,  # type: ignore[arg-type]
                   rated=len(i.levels), total=len(i.levels) + i.excluded, disagreement=i.disagreement)
             for i in result.indicators]
    session.add_all(rows)


def _overall_score(session: Session, submission: Submission) -> float | None:
    row = session.exec(select(Score).where(Score.submission_id == submission.id, Score.scope == "overall")).first()
    return row.score if row else None


def summary(place: Jurisdiction, group: Cohort, assessment: Assessment, submission: Submission,
            result: AssessmentResult, outcome: str, files: list[str] | None = None) -> RunSummary:
    return RunSummary(
        jurisdiction=place.name,
        cohort=group.name,
        cycle=assessment.cycle,
        assessment_id=assessment.id,  # type: ignore[arg-type]
        submission=submission.number,
        submitted_at=submission.submitted_at,
        submitted_by=submission.submitted_by,
        outcome=outcome,
        files=files if files is not None else json.loads(submission.files),
        result=result,
    )


def show(session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: str | None = None) -> RunSummary:
    """The stored result of a cycle (the latest one when none is named), with change since the one before."""
    team, place, group = authorize_read(session, actor, jurisdiction, cohort)
    stored = assessments_of(session, team)
    if cycle is not None:
        wanted = parse_cycle(cycle)
        stored = [a for a in stored if a.cycle == wanted.value]
    if not stored:
        which = f"{cycle} " if cycle else ""
        raise NotFound(
            f"{place.name} has no {which}assessment in {group.name} yet. Run one with "
            f"`accelerator assessment run --jurisdiction \"{place.name}\" --cohort \"{group.name}\" --cycle CYCLE FILE...`."
        )
    assessment = stored[-1]
    submission = session.get(Submission, assessment.current_submission_id)
    result = with_change(session, team, Cycle(assessment.cycle), stored_result(session, assessment))
    return summary(place, group, assessment, submission, result, "stored")  # type: ignore[arg-type]

