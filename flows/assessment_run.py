"""The assessment run: validate -> aggregate -> score -> persist -> publish."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import TypeAdapter, WithJsonSchema

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.selfassessment import service as assessments
from assessment.selfassessment.models import Cycle
from assessment.selfassessment.reading import read_workbooks
from assessment.selfassessment.rubric import DEFAULT_RUBRIC, load_rubric
from assessment.selfassessment.scoring import AssessmentResult
from assessment.selfassessment.shapes import WorkbookRatings
from flows.acting import ActorEmail, flow_actor
from flows.prefect_flow import flow, whole
from flows.progress import Progress
from flows.reporting import print_served_run, report_refusals_as_messages
from flows.steps import watched

report_refusals_as_messages()

# The UI's form offers the cycles as a list; a direct caller may still write "Baseline" or " baseline ".
CycleName = Annotated[str, WithJsonSchema(TypeAdapter(Cycle).json_schema())]


@watched
@task(name="validate workbooks", cache_policy=NO_CACHE)
def validate(
    files: list[str],
    jurisdiction: str,
    cohort: str,
    cycle: Cycle,
    actor: str,
    rubric_ref: str,
    replace: bool = False,
) -> list[WorkbookRatings]:
    """Check the actor may submit, then read every workbook; any problem stops the run."""
    rubric = load_rubric(rubric_ref)
    with transaction() as session:
        context = assessments.submission_context(
            session, resolve_actor(session, actor), jurisdiction, cohort, cycle, rubric
        )
    progress = Progress("Reading workbooks", total=len(files))
    workbooks = read_workbooks([Path(f) for f in files], rubric, context, on_read=progress.advance)
    progress.done()
    with transaction() as session:
        assessments.check_run(session, resolve_actor(session, actor), jurisdiction, cohort, cycle, workbooks, replace)
    return workbooks


@watched
@task(name="aggregate ratings", cache_policy=NO_CACHE)
def aggregate(workbooks: list[WorkbookRatings]) -> assessments.Responses:
    """Every respondent's levels, one mapping per workbook."""
    return assessments.responses_of(workbooks)


@watched
@task(name="score", cache_policy=NO_CACHE)
def score(
    responses: assessments.Responses, jurisdiction: str, cohort: str, cycle: Cycle, rubric_ref: str
) -> AssessmentResult:
    """The team's scores, with the change since its stored result of the previous cycle."""
    with transaction() as session:
        team, _, _ = get_team(session, jurisdiction, cohort)
        return assessments.score_run(session, team, cycle, load_rubric(rubric_ref), responses)


@watched
@task(name="persist", cache_policy=NO_CACHE)
def persist(
    workbooks: list[WorkbookRatings],
    result: AssessmentResult,
    jurisdiction: str,
    cohort: str,
    cycle: Cycle,
    actor: str,
    rubric_ref: str,
    replace: bool = False,
) -> assessments.RunSummary:
    """Ratings, scores and history in one transaction: all stored or none."""
    with transaction() as session:
        who = resolve_actor(session, actor)
        rubric = load_rubric(rubric_ref)
        return assessments.record(session, who, jurisdiction, cohort, cycle, rubric, workbooks, result, replace)


@watched
@task(name="publish", cache_policy=NO_CACHE)
def publish(summary: assessments.RunSummary) -> None:
    """Domain scores as a table artifact; stage, gaps and disagreements as markdown."""
    key = artifact_key(summary.jurisdiction, summary.cycle.value)
    change = summary.result.change.domains if summary.result.change else {}
    create_table_artifact(
        key=f"{key}-domains",
        table=[
            {
                "domain": d.title,
                "mean (1-4)": d.mean,
                "score (0-100)": d.score,
                "rated": f"{d.rated}/{d.total}",
                "insufficient": "yes" if d.insufficient else "",
                "change": change[d.id].change if d.id in change else None,
            }
            for d in summary.result.domains
        ],
        description=f"Domain scores: {summary.jurisdiction}, {summary.cohort}, {summary.cycle}",
    )
    create_markdown_artifact(
        key=f"{key}-summary",
        markdown=summary_markdown(summary),
        description=f"Assessment summary: {summary.jurisdiction}, {summary.cycle}",
    )


# The run's steps in order, as the Prefect UI and the CLI name them.
STEPS = tuple(step.name for step in (validate, aggregate, score, persist, publish))


@flow(
    name="assessment-run",
    log_prints=False,
    on_completion=[print_served_run],
    on_failure=[print_served_run],
    on_crashed=[print_served_run],
    on_cancellation=[print_served_run],
)
def assessment_run(
    jurisdiction: str,
    cohort: str,
    cycle: CycleName,
    files: list[str],
    actor: ActorEmail = None,
    rubric: str = DEFAULT_RUBRIC,
    replace: bool = False,
) -> assessments.RunSummary:
    """Score a team's filled self-assessment workbooks (one per respondent) and store the result.

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        cycle: baseline, midpoint or final.
        files: Paths of the filled workbooks, one per respondent.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it); from the terminal, the
            person launching the run (refused if they may not submit for this team).
        rubric: The rubric file's name in rubrics/ (leave as is).
        replace: Drop respondents of the cycle's earlier submission who have no workbook here.
    """
    email = flow_actor(actor, "launching the run")
    stage = assessments.parse_cycle(cycle)  # read once, here: the tasks get the Cycle itself
    workbooks = validate(files, jurisdiction, cohort, stage, email, rubric, replace)
    responses = aggregate(whole(workbooks))
    result = score(whole(responses), jurisdiction, cohort, stage, rubric)
    summary = persist(whole(workbooks), whole(result), jurisdiction, cohort, stage, email, rubric, replace)
    publish(whole(summary))
    return summary


def artifact_key(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def summary_markdown(summary: assessments.RunSummary) -> str:
    result = summary.result
    names = {i.id: i for i in result.indicators}
    overall = result.overall
    lines = [
        f"# {summary.jurisdiction}: {summary.cycle} self-assessment",
        f"Cohort **{summary.cohort}** - submission {summary.submission} ({summary.outcome}) "
        f"by {summary.submitted_by}, {result.respondents} respondent(s).",
        "",
        f"**Maturity stage:** {overall.stage} {overall.stage_name}  "
        if overall.stage
        else "**Maturity stage:** not enough ratings",
        f"**Overall:** {overall.mean} on the 1-4 scale, {overall.score} of 100" if overall.mean is not None else "",
    ]
    if result.change:
        lines.append(
            f"**Change since {result.change.since_cycle}:** {result.change.overall.change:+} points"
            if result.change.overall.change is not None
            else ""
        )
    lines += ["", "## Largest gaps"]
    lines += [f"- `{g}` {names[g].text} (team rating {names[g].rating})" for g in result.gaps]
    lines += ["", "## Disagreements to discuss"]
    lines += [
        f"- `{d}` {names[d].text} (levels given: {', '.join(map(str, names[d].levels))})" for d in result.disagreements
    ] or ["- none"]
    insufficient = [d.title for d in result.domains if d.insufficient]
    if insufficient:
        lines += ["", "## Not enough ratings", "Left out of the overall: " + ", ".join(insufficient)]
    return "\n".join(lines)
