"""The team's self-assessment pages: the blank workbook to download, filled workbooks to upload (checked
at once, then scored by the assessment run, a Prefect flow, as a job), and the stored result: domain
scores as a chart and a table, the maturity stage, the largest gaps and the disagreements to discuss."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import Upload, address, download, paginate, render, signed_in, team_of, upload_of
from assessment.core.errors import NotFound, ValidationFailed
from assessment.core.permissions import Actor

if TYPE_CHECKING:
    from accelerator.web.jobs import Job, Jobs, StepWatcher
    from assessment.cohorts.models import TeamPublic
    from assessment.selfassessment.scoring import AssessmentResult, ChangeResult
    from assessment.selfassessment.service import RunSummary

router = APIRouter()

# The chart's geometry (SVG user units; the chart scales to the page's width).
# Narrow on purpose: on a phone the chart is drawn about its own size, so its words stay readable.
CHART_WIDTH = 360
BAR_SPAN = 250  # a score of 100
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BASELINE_HEIGHT = 11
ROW_GAP = 12
AXIS_HEIGHT = 24
GEOMETRY = {
    "width": CHART_WIDTH,
    "bar_span": BAR_SPAN,
    "label_height": LABEL_HEIGHT,
    "bar_height": BAR_HEIGHT,
    "baseline_height": BASELINE_HEIGHT,
}


@dataclass(frozen=True)
class DomainRow:
    """One domain as the chart and the table show it; ``baseline`` and ``change`` only beside a later cycle."""

    title: str
    mean: float | None
    score: float | None
    rated: int
    total: int
    insufficient: bool
    baseline: float | None
    change: float | None
    top: float  # where its label sits in the chart
    width: float  # its bar's length
    baseline_width: float | None


@dataclass(frozen=True)
class Chart:
    rows: list[DomainRow]
    height: float
    compared: bool  # a baseline bar beside each domain's bar
    description: str  # the chart in words, for screen readers


def chart_of(result: AssessmentResult, change: ChangeResult | None) -> Chart:
    """The domains' scores laid out as horizontal bars (0-100), the baseline's beside them when ``change``
    compares this cycle with it; the figures are the stored result's, never recomputed."""
    compared = change is not None
    rows = []
    top = float(AXIS_HEIGHT)
    for d in result.domains:
        delta = change.domains.get(d.id) if change is not None else None
        baseline = delta.previous if delta is not None else None
        shown = None if d.insufficient else d.score
        rows.append(
            DomainRow(
                title=d.title,
                mean=d.mean,
                score=d.score,
                rated=d.rated,
                total=d.total,
                insufficient=d.insufficient,
                baseline=baseline,
                change=delta.change if delta is not None else None,
                top=top,
                width=round((shown or 0.0) * BAR_SPAN / 100, 1),
                baseline_width=round(baseline * BAR_SPAN / 100, 1) if baseline is not None else None,
            )
        )
        top += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP + (BASELINE_HEIGHT + 4 if compared else 0)

    def said(row: DomainRow) -> str:
        score = "too few ratings to score" if row.insufficient or row.score is None else f"{row.score:.1f}"
        before = f" (baseline {row.baseline:.1f})" if row.baseline is not None else ""
        return f"{row.title} {score}{before}"

    description = "Scores out of 100: " + "; ".join(said(r) for r in rows) + "."
    return Chart(rows=rows, height=top, compared=compared, description=description)


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "team"


# --- the page ------------------------------------------------------------------------------------------


@router.get("/teams/{team_id}/assessment", response_class=HTMLResponse)
def assessment_page(request: Request, team_id: int, cycle: str = "", page: int = 1) -> Response:
    actor = signed_in(request)
    return assessment_view(request, actor, team_of(actor, team_id), cycle=cycle, page=page)


def assessment_view(
    request: Request,
    actor: Actor,
    team: TeamPublic,
    status_code: int = 200,
    cycle: str = "",
    page: int = 1,
    typed: dict[str, str] | None = None,
    refused: ValidationFailed | None = None,
) -> HTMLResponse:
    """The self-assessment page of ``cycle`` (default: the latest scored); ``typed`` and ``refused``:
    an upload refused (every problem), the person's choices kept."""
    from assessment.cohorts.jurisdictions import jurisdiction_of
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may
    from assessment.selfassessment.models import Cycle
    from assessment.selfassessment.scoring import compare
    from assessment.selfassessment.service import parse_cycle, show

    wanted = parse_cycle(cycle) if cycle else None
    stored: dict[Cycle, RunSummary] = {}
    with transaction() as session:
        for each in Cycle:
            try:
                stored[each] = show(session, actor, team.jurisdiction, team.cohort, each)
            except NotFound:
                continue
        may_submit = may(actor, "write", Record.assessment, jurisdiction_of(session, team.jurisdiction_id))
    chosen = wanted or (list(stored)[-1] if stored else None)
    summary = stored.get(chosen) if chosen is not None else None
    chart, gaps, talk, change = None, [], None, None
    if summary is not None:
        baseline = stored.get(Cycle.baseline)
        if summary.cycle is not Cycle.baseline and baseline is not None:
            change = compare(summary.result, baseline.result, Cycle.baseline.value)
        chart = chart_of(summary.result, change)
        texts = {i.id: i for i in summary.result.indicators}
        domains = {d.id: d.title for d in summary.result.domains}
        gaps = [
            {"text": texts[g].text, "domain": domains[texts[g].domain], "rating": texts[g].rating}
            for g in summary.result.gaps
        ]
        disagreements = [
            {"text": texts[i].text, "domain": domains[texts[i].domain], "levels": texts[i].levels}
            for i in summary.result.disagreements
        ]
        shown = summary.cycle.value
        talk = paginate(disagreements, page, lambda n: address(f"/teams/{team.id}/assessment", cycle=shown, page=n))
    form = typed or {"cycle": next((c.value for c in Cycle if c not in stored), Cycle.final.value)}
    return render(
        request, "assessment.html", status_code, me=actor, team=team, cycles=list(Cycle), stored=list(stored),
        chosen=chosen, summary=summary, chart=chart, overall=change.overall if change else None, gaps=gaps,
        talk=talk, may_submit=may_submit, form=form, refused=refused.summary if refused else "",
        problems=problems_of(refused) if refused else [], g=GEOMETRY,
    )  # fmt: skip


def problems_of(refused: ValidationFailed) -> list[str]:
    """Each problem of a refusal, and how many more were not kept."""
    return [str(p) for p in refused.problems] + ([f"... and {refused.more} more problem(s)"] if refused.more else [])


# --- the blank workbook ------------------------------------------------------------------------------------


@router.get("/teams/{team_id}/assessment/workbook")
def blank_workbook(request: Request, team_id: int, cycle: str = "baseline") -> Response:
    """The blank workbook of the team's ``cycle`` (as `accelerator assessment template` writes it)."""
    import shutil
    import tempfile
    from pathlib import Path

    from starlette.background import BackgroundTask

    from assessment.core.db import transaction
    from assessment.selfassessment.service import write_team_template

    actor = signed_in(request)
    team = team_of(actor, team_id)
    folder = Path(tempfile.mkdtemp(prefix="accelerator-workbook-"))
    try:
        with transaction() as session:
            name = f"self-assessment-{slug(team.jurisdiction)}-{slug(cycle)}.xlsx"
            written = write_team_template(session, actor, team.jurisdiction, team.cohort, cycle, folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response = download(written.path, f"self-assessment-{slug(team.jurisdiction)}-{written.cycle.value}.xlsx")
    response.background = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    return response


# --- uploading filled workbooks ------------------------------------------------------------------------------


@router.post("/teams/{team_id}/assessment/runs", response_class=HTMLResponse)
async def start_run(request: Request, team_id: int) -> Response:
    actor = signed_in(request)
    try:
        upload = await upload_of(request)
    except ValidationFailed as refused:  # no file chosen
        team = await run_in_threadpool(team_of, actor, team_id)
        return await run_in_threadpool(assessment_view, request, actor, team, 400, "", 1, None, refused)
    return await run_in_threadpool(check_and_start, request, actor, team_id, upload)


def check_and_start(request: Request, actor: Actor, team_id: int, upload: Upload) -> Response:
    """Check the upload as the run will (nothing written): refused, the page again with every problem;
    accepted, the assessment run starts as a job and its page follows it. The job removes the files."""
    started = False
    try:
        team = team_of(actor, team_id)
        cycle = upload.fields.get("cycle", "").strip()
        replace = "replace" in upload.fields
        typed = {"cycle": cycle, "replace": "yes" if replace else ""}
        try:
            check_upload(actor, team, cycle, upload, replace)
        except ValidationFailed as refused:
            return assessment_view(request, actor, team, 400, typed=typed, refused=refused)
        job = start_scoring(request, actor, team, cycle, upload, replace)
        started = True
    finally:
        if not started:
            upload.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def check_upload(actor: Actor, team: TeamPublic, cycle: str, upload: Upload, replace: bool) -> None:
    """What the run checks before it scores anything, checked now: the permission, the cycle, every
    workbook (each problem named by file and cell), and that no earlier respondent is dropped by mistake."""
    from assessment.core.db import transaction
    from assessment.selfassessment.reading import read_workbooks
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.service import check_run, preflight

    with transaction() as session:
        context = preflight(session, actor, team.jurisdiction, team.cohort, cycle, upload.files)
    workbooks = read_workbooks(upload.files, load_rubric(), context)
    with transaction() as session:
        check_run(session, actor, team.jurisdiction, team.cohort, cycle, workbooks, replace)


def start_scoring(request: Request, actor: Actor, team: TeamPublic, cycle: str, upload: Upload, replace: bool) -> Job:
    """The assessment run on the uploaded workbooks, as a job acting as ``actor``; its result link is the
    cycle's scores. The uploaded files are removed when it ends, however it ends."""
    from flows.assessment_run import STEPS, assessment_run

    email = actor.email  # the flow acts as the person signed in, never as nobody
    files = [str(f) for f in upload.files]

    def work(tell: StepWatcher) -> str:
        try:
            summary = assessment_run(team.jurisdiction, team.cohort, cycle, files, actor=email, replace=replace)
        finally:
            upload.close()
        return address(f"/teams/{team.id}/assessment", cycle=summary.cycle.value)

    jobs: Jobs = request.app.state.jobs
    return jobs.start(
        actor.person_id, "Scoring the workbooks", list(STEPS), work, "See the scores", f"/teams/{team.id}/assessment"
    )
