"""Assessment runs: who may submit or see them, the blank workbook for a team, recording ratings and
scores with their history, and showing a stored result."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, select

from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import NotFound, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import parse_choice
from assessment.core.xlsx import missing_file
from assessment.selfassessment.models import Assessment, Cycle, Rating, Scope, Score, Submission
from assessment.selfassessment.results import assessments_of, current_submission, stored_result, with_change
from assessment.selfassessment.rubric import Rubric, load_rubric
from assessment.selfassessment.scoring import AssessmentResult, score
from assessment.selfassessment.shapes import WorkbookContext, WorkbookRatings
from assessment.selfassessment.template import write_template
from assessment.selfassessment.versions import check_rubric, register_rubric

Responses = list[dict[str, int | None]]  # per respondent: indicator id -> level, None when excluded


class RunSummary(BaseModel):
    """What a run or ``show`` reports: the result plus where it came from."""

    jurisdiction: str
    cohort: str
    cycle: Cycle
    assessment_id: int
    submission: int
    submitted_at: datetime
    submitted_by: str
    outcome: str = "stored"  # created | replaced | unchanged | stored
    files: list[str] = []
    result: AssessmentResult


class TeamTemplate(BaseModel):
    """A blank workbook written for one team's cycle, to copy for each respondent."""

    path: Path
    jurisdiction: str
    cohort: str
    cycle: Cycle
    practices: int
    domains: int


def parse_cycle(cycle: Cycle | str) -> Cycle:
    """The cycle ``cycle`` names, in any case and spacing ("Baseline" is baseline)."""
    return parse_choice(Cycle, cycle, "cycle")


def authorize_submit(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: Cycle | str
) -> tuple[Team, Jurisdiction, Cohort, Cycle]:
    """The team to submit for and the cycle, once the actor is known to be allowed to."""
    parsed = parse_cycle(cycle)
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.assessment, place, f"submit {place.name}'s self-assessment")
    return team, place, group, parsed


def authorize_read(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> tuple[Team, Jurisdiction, Cohort]:
    """The team whose assessments to read, once the actor is known to be allowed to."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.assessment, place, f"see {place.name}'s self-assessment")
    return team, place, group


def write_team_template(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    cycle: Cycle | str,
    out: Path,
    rubric: Rubric | None = None,
) -> TeamTemplate:
    """Write the blank workbook of a team the actor may see, for one cycle (default rubric unless given)."""
    parsed = parse_cycle(cycle)
    rubric = rubric or load_rubric()
    _, place, group = authorize_read(session, actor, jurisdiction, cohort)
    context = WorkbookContext(jurisdiction=place.name, cohort=group.name, cycle=parsed)
    path = write_template(rubric, out, context)
    return TeamTemplate(
        path=path,
        jurisdiction=place.name,
        cohort=group.name,
        cycle=parsed,
        practices=len(rubric.indicators),
        domains=len(rubric.domains),
    )


def submission_context(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: Cycle | str, rubric: Rubric
) -> WorkbookContext:
    """What the workbooks of a submission must be for, once the actor may submit and the rubric is usable."""
    _, place, group, parsed = authorize_submit(session, actor, jurisdiction, cohort, cycle)
    check_rubric(session, rubric)
    return WorkbookContext(jurisdiction=place.name, cohort=group.name, cycle=parsed)


def preflight(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, cycle: Cycle | str, files: Sequence[Path]
) -> WorkbookContext:
    """Everything a run can check before it starts: the team, the cycle, the actor's permission, the
    rubric, and that every file is there (named as given); refused with every problem found."""
    context = submission_context(session, actor, jurisdiction, cohort, cycle, load_rubric())
    if not files:
        raise ValidationFailed("No workbook was given; name the filled workbooks, one per respondent.")
    missing = [missing_file(Path(f)) for f in files if not Path(f).is_file()]
    if missing:
        raise ValidationFailed(
            f"{len(missing)} of {len(files)} workbook(s) cannot be found; nothing was imported.", missing
        )
    return context


def responses_of(workbooks: Sequence[WorkbookRatings]) -> Responses:
    """What scoring needs of the workbooks: each respondent's levels."""
    return [dict(w.ratings) for w in workbooks]


def digest_of(workbooks: Sequence[WorkbookRatings]) -> str:
    """Fingerprint of what respondents answered; file bytes differ between re-saves, answers don't."""
    content = sorted(
        (
            w.respondent.email.lower(),
            w.respondent.name,
            w.respondent.role,
            sorted(w.answers.items()),
            sorted(w.evidence.items()),
        )
        for w in workbooks
    )
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def score_run(session: Session, team: Team, cycle: Cycle, rubric: Rubric, responses: Responses) -> AssessmentResult:
    """Score the responses and compare with the team's stored result of the previous cycle, if any."""
    return with_change(session, team, cycle, score(rubric, responses))


def record(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    cycle: Cycle | str,
    rubric: Rubric,
    workbooks: Sequence[WorkbookRatings],
    result: AssessmentResult,
    replace: bool = False,
) -> RunSummary:
    """Store a run's ratings and scores; the same answers again change nothing. Respondents of the
    cycle's earlier submission missing from these workbooks are dropped only with ``replace``."""
    team, place, group, parsed = authorize_submit(session, actor, jurisdiction, cohort, cycle)
    refuse_dropping(session, team, parsed, workbooks, replace)
    register_rubric(session, rubric, actor)
    digest = digest_of(workbooks)
    files = [w.source for w in workbooks]
    query = select(Assessment).where(Assessment.team_id == team.id, Assessment.cycle == parsed.value)
    assessment = session.exec(query).first()
    previous: Submission | None = None
    if assessment is not None:
        previous = current_submission(session, assessment)
        if previous.digest == digest:
            return summary(place, group, assessment, previous, result, "unchanged", files)
    else:
        assessment = Assessment(
            team_id=row_id(team),
            cycle=parsed.value,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            rubric_hash=rubric.content_hash,
        )
        session.add(assessment)
        session.flush()

    submission = Submission(
        assessment_id=row_id(assessment),
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
    assessment.rubric_id, assessment.rubric_version = rubric.id, rubric.version
    assessment.rubric_hash = rubric.content_hash
    assessment.current_submission_id = submission.id
    assessment.status = "submitted"
    if previous is not None:
        assessment.version += 1
    assessment.updated_at = utcnow()
    session.add(assessment)
    note = f"{len(workbooks)} respondent workbook(s): {', '.join(files)}"
    if previous is not None:
        note += f"; the ratings of submission {previous.number} are kept"
    history.record(
        session,
        actor.email,
        "assessment",
        row_id(assessment),
        "submission",
        previous.number if previous else None,
        submission.number,
        note,
        place.id,
    )
    history.record(
        session,
        actor.email,
        "assessment",
        row_id(assessment),
        "overall_score",
        old_score,
        result.overall.score,
        f"{parsed.value} cycle",
        place.id,
    )
    return summary(place, group, assessment, submission, result, "replaced" if previous else "created", files)


def _store_ratings(session: Session, submission: Submission, workbooks: Sequence[WorkbookRatings]) -> None:
    # Added respondent by respondent: the ratings' ids keep respondent order, which ``show`` reads.
    session.add_all(
        Rating(
            submission_id=row_id(submission),
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
    ident = row_id(submission)
    overall = result.overall
    rows = [
        Score(
            submission_id=ident,
            scope=Scope.overall.value,
            key=Scope.overall.value,
            mean=overall.mean,
            score=overall.score,
            stage=overall.stage,
            rated=sum(1 for i in result.indicators if i.rating is not None),
            total=len(result.indicators),
        )
    ]
    rows += [
        Score(
            submission_id=ident,
            scope=Scope.domain.value,
            key=d.id,
            mean=d.mean,
            score=d.score,
            rated=d.rated,
            total=d.total,
            insufficient=d.insufficient,
        )
        for d in result.domains
    ]
    rows += [
        Score(
            submission_id=ident,
            scope=Scope.indicator.value,
            key=i.id,
            mean=i.rating,
            rated=len(i.levels),
            total=len(i.levels) + i.excluded,
            disagreement=i.disagreement,
        )
        for i in result.indicators
    ]
    session.add_all(rows)


def _overall_score(session: Session, submission: Submission) -> float | None:
    query = select(Score).where(Score.submission_id == submission.id, Score.scope == Scope.overall.value)
    row = session.exec(query).first()
    return row.score if row else None


def summary(
    place: Jurisdiction,
    group: Cohort,
    assessment: Assessment,
    submission: Submission,
    result: AssessmentResult,
    outcome: str,
    files: list[str] | None = None,
) -> RunSummary:
    """The read model of one submission of an assessment, with its result."""
    return RunSummary(
        jurisdiction=place.name,
        cohort=group.name,
        cycle=Cycle(assessment.cycle),
        assessment_id=row_id(assessment),
        submission=submission.number,
        submitted_at=submission.submitted_at,
        submitted_by=submission.submitted_by,
        outcome=outcome,
        files=files if files is not None else json.loads(submission.files),
        result=result,
    )


def respondents_of(session: Session, submission: Submission) -> list[str]:
    """The emails of a submission's respondents, in the order they were stored."""
    emails = session.exec(select(Rating.respondent_email).where(Rating.submission_id == submission.id))
    return list(dict.fromkeys(emails))


def refuse_dropping(
    session: Session, team: Team, cycle: Cycle, workbooks: Sequence[WorkbookRatings], replace: bool
) -> None:
    """Refuse, naming them, to drop respondents of the cycle's stored submission unless ``replace``."""
    query = select(Assessment).where(Assessment.team_id == team.id, Assessment.cycle == cycle.value)
    assessment = session.exec(query).first()
    if assessment is None or replace:
        return
    given = {w.respondent.email.casefold() for w in workbooks}
    dropped = [e for e in respondents_of(session, current_submission(session, assessment)) if e.casefold() not in given]
    if dropped:
        raise ValidationFailed(
            f"These workbooks leave out {len(dropped)} respondent(s) of the {cycle.value} submission already "
            f"stored: {', '.join(dropped)}. Nothing was imported. Add their workbooks to keep them, or run again "
            "with --replace to drop them (their earlier ratings stay in the history)."
        )


def check_run(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    cycle: Cycle | str,
    workbooks: Sequence[WorkbookRatings],
    replace: bool,
) -> None:
    """What a run checks once its workbooks are read, before anything is scored or written."""
    team, _, _, parsed = authorize_submit(session, actor, jurisdiction, cohort, cycle)
    refuse_dropping(session, team, parsed, workbooks, replace)


def show(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    cycle: Cycle | str | None = None,
    submission: int | None = None,
) -> RunSummary:
    """The stored result of a cycle (the latest one when none is named), with change since the one
    before; with ``submission``, that earlier submission of the cycle as it was scored."""
    wanted = parse_cycle(cycle) if cycle is not None else None
    team, place, group = authorize_read(session, actor, jurisdiction, cohort)
    stored = [a for a in assessments_of(session, team) if wanted is None or a.cycle == wanted.value]
    if not stored:
        which = f"{wanted.value} " if wanted else ""
        raise NotFound(
            f"{place.name} has no {which}assessment in {group.name} yet. Run one with "
            f'`accelerator assessment run --jurisdiction "{place.name}" --cohort "{group.name}" '
            "--cycle CYCLE FILE...`."
        )
    assessment = stored[-1]
    shown = current_submission(session, assessment)
    if submission is not None:
        query = select(Submission).where(Submission.assessment_id == assessment.id, Submission.number == submission)
        found = session.exec(query).first()
        if found is None:
            raise NotFound(
                f"The {assessment.cycle} assessment of {place.name} has no submission {submission}; "
                f"its submissions are 1 to {shown.number}."
            )
        shown = found
    result = with_change(session, team, Cycle(assessment.cycle), stored_result(session, assessment, shown))
    return summary(place, group, assessment, shown, result, "stored")
