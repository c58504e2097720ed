"""The alliance lead's pages of a cohort: the cohort list, the sessions board, the barriers ranked
across the region, the policy recommendation and its endorsements, the partner survey results, and
compiling and downloading the regional report. Each page asks the same service as its CLI command,
which decides who may see and do what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import PAGE_SIZE, address, download, form_of, paginate, render, signed_in
from assessment.core.errors import Conflict, NotFound, Problem, ValidationFailed
from assessment.core.permissions import Actor

if TYPE_CHECKING:
    from sqlmodel import Session

    from accelerator.web.jobs import StepWatcher
    from assessment.barriers.ranking import RankedBarrier
    from assessment.cohorts.models import CohortPublic
    from assessment.core.history import HistoryEntry
    from assessment.recommendations.models import RecommendationPublic

router = APIRouter()

# A recommendation fills a screen or two (its text, endorsements and forms): fewer to a page.
RECOMMENDATIONS_PER_PAGE = 10
# A ranking row names this many reporting jurisdictions, then counts the rest (as `barrier rank` does).
NAMES_SHOWN = 6
# How the recommendation form's fields are named in a refusal.
FIELD_NAMES = {
    "title": "Title",
    "problem": "Problem",
    "proposed_change": "Proposed change",
    "level": "Level of government",
    "evidence": "Evidence in your own words",
    "categories": "Rows of the ranking",
}
FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Spreadsheet (Excel)", "html": "Web page (HTML)"}
# What the evidence drawn from the ranking starts each sentence with (recommendations.service.evidence_of).
DRAWN = "Reported by "


@dataclass(frozen=True)
class Where:
    """A jurisdiction as a permission check reads it."""

    id: int | None
    name: str


def cohort_by_id(session: Session, cohort_id: int) -> CohortPublic:
    """Cohort ``cohort_id`` for a page of it; what the page shows of it is each service's to decide."""
    from assessment.cohorts.models import Cohort, CohortPublic

    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"There is no cohort {cohort_id}. Open a cohort from the Cohorts page.")
    return CohortPublic.model_validate(cohort, from_attributes=True)


def problems_of(exc: ValidationFailed) -> list[str]:
    said = [str(p) for p in exc.problems] or [exc.summary]
    return said + ([f"... and {exc.more} more problem(s)"] if exc.more else [])


# --- the cohorts --------------------------------------------------------------------------------------


@router.get("/cohorts", response_class=HTMLResponse)
def cohorts_page(request: Request, page: int = 1) -> Response:
    from assessment.cohorts.service import list_cohorts
    from assessment.core.db import transaction

    actor = signed_in(request)
    with transaction() as session:
        rows = list_cohorts(session, actor)
    shown = paginate(rows, page, lambda n: address("/cohorts", page=n))
    return render(request, "cohorts.html", me=actor, shown=shown)


# --- the sessions board -------------------------------------------------------------------------------


@router.get("/cohorts/{cohort_id}", response_class=HTMLResponse)
def board_page(request: Request, cohort_id: int, page: int = 1) -> Response:
    from assessment.cohorts.sequence import load_sequence
    from assessment.core.db import transaction
    from assessment.sessions.service import board_page as board_of

    actor = signed_in(request)
    start = (max(page, 1) - 1) * PAGE_SIZE
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        board, total = board_of(session, actor, cohort.name, start, PAGE_SIZE)
        shown = paginate(range(total), page, lambda n: address(f"/cohorts/{cohort_id}", page=n))
        if shown.rows and shown.rows[0] != start:  # a page past the last: the last page
            start = shown.rows[0]
            board, total = board_of(session, actor, cohort.name, start, PAGE_SIZE)
    return render(
        request, "cohort_board.html", me=actor, cohort=cohort, board=board, shown=shown, first=start,
        sessions=load_sequence().sessions,
    )  # fmt: skip


# --- the barriers ranked across the region ------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    """A row of the ranking as the page lays it out."""

    number: int
    row: RankedBarrier
    controllers: str
    names: str


def controllers_of(row: RankedBarrier) -> str:
    from assessment.barriers.ranking import UNKNOWN
    from assessment.barriers.reference import controller_label

    return ", ".join(
        f"{'not recorded' if c == UNKNOWN else controller_label(c)}: {n}" for c, n in row.controllers.items()
    )


def names_of(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


@router.get("/cohorts/{cohort_id}/barriers", response_class=HTMLResponse)
def ranking_page(request: Request, cohort_id: int, page: int = 1) -> Response:
    from assessment.barriers.ranking import rank_barriers
    from assessment.core.db import transaction

    actor = signed_in(request)
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        ranking = rank_barriers(session, actor, cohort.name)
    shown = paginate(ranking.rows, page, lambda n: address(f"/cohorts/{cohort_id}/barriers", page=n))
    first = (shown.number - 1) * PAGE_SIZE + 1
    rows = [
        RankingRow(first + n, row, controllers_of(row), names_of(row.jurisdiction_names))
        for n, row in enumerate(shown.rows)
    ]
    return render(request, "cohort_barriers.html", me=actor, cohort=cohort, ranking=ranking, shown=shown, rows=rows)


# --- the recommendation and its endorsements ----------------------------------------------------------


@dataclass
class Card:
    """A recommendation as its page shows it: the evidence drawn from the ranking apart from the
    lead's own words, the endorsements withdrawn, what the person may do, and the values of its
    change form (what the person typed, when their change was refused)."""

    rec: RecommendationPublic
    drawn: list[str]
    own: str
    withdrawn: list[HistoryEntry]
    endorsing: list[tuple[str, bool]]  # (a jurisdiction the person may endorse for, whether it does now)
    values: dict[str, Any]
    open: str = ""  # the form open on it after a refusal: "update", "withdraw", or ""


def split_evidence(rec: RecommendationPublic) -> tuple[list[str], str]:
    """The sentences drawn from the ranking (one per row it names, first) and the rest, typed by hand.
    Evidence replaced by hand since is all typed."""
    lines = rec.evidence.splitlines()
    count = len(rec.categories)
    if count and len(lines) >= count and all(line.startswith(DRAWN) for line in lines[:count]):
        return lines[:count], "\n".join(lines[count:])
    return [], rec.evidence


def endorsing_places(session: Session, actor: Actor, cohort: str) -> list[str]:
    """The cohort's jurisdictions where the person holds a team role that may endorse (they are offered
    the buttons; the service decides when one is pressed)."""
    from assessment.cohorts.service import list_teams
    from assessment.core.permissions import Record, may

    mine = actor.jurisdictions()
    if not mine:
        return []
    teams = [t for t in list_teams(session, actor, cohort) if t.jurisdiction_id in mine]
    return [
        t.jurisdiction
        for t in teams
        if may(actor, "write", Record.endorsement, Where(t.jurisdiction_id, t.jurisdiction))
    ]


def recommendation_view(
    request: Request,
    actor: Actor,
    cohort_id: int,
    status_code: int = 200,
    page: int = 1,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The cohort's recommendations, newest first; ``form`` is what the person sent when it was refused
    (``target``: "new" or a recommendation's id, ``kind``, their fields, and ``problems`` or ``stale``)."""
    from assessment.barriers.ranking import rank_barriers
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may
    from assessment.recommendations.models import Level, RecommendationStatus
    from assessment.recommendations.service import list_recommendations, recommendation_history

    form = form or {}
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        found = list_recommendations(session, actor, cohort.name)[::-1]
        target = form.get("target")
        if isinstance(target, int):  # the page holding the recommendation the refused form was for
            page = next((n // RECOMMENDATIONS_PER_PAGE + 1 for n, r in enumerate(found) if r.id == target), page)
        here = f"/cohorts/{cohort_id}/recommendation"
        shown = paginate(found, page, lambda n: address(here, page=n), RECOMMENDATIONS_PER_PAGE)
        writable = may(actor, "write", Record.recommendation, Where(None, cohort.name))
        rows = rank_barriers(session, actor, cohort.name).rows if writable else []
        places = endorsing_places(session, actor, cohort.name)
        cards = []
        for rec in shown.rows:
            entries = recommendation_history(session, actor, rec.id)
            drawn, own = split_evidence(rec)
            ours = target == rec.id
            standing = {e.jurisdiction for e in rec.endorsements}
            current = {
                "title": rec.title, "problem": rec.problem, "proposed_change": rec.proposed_change,
                "level": rec.level.value, "rows": rec.categories, "evidence": own, "note": "", "reason": "",
            }  # fmt: skip
            cards.append(
                Card(
                    rec=rec,
                    drawn=drawn,
                    own=own,
                    withdrawn=[e for e in entries if e.field == "endorsement" and e.old is not None],
                    endorsing=[(p, p in standing) for p in places] if rec.status is RecommendationStatus.draft else [],
                    values={**current, **form} if ours else current,
                    open=str(form.get("kind", "")) if ours else "",
                )
            )
    blank = {"title": "", "problem": "", "proposed_change": "", "level": "", "rows": [], "evidence": ""}
    return render(
        request, "cohort_recommendation.html", status_code, me=actor, cohort=cohort, shown=shown, cards=cards,
        writable=writable, rows=rows, levels=list(Level), form=form,
        draft={**blank, **form} if target == "new" else blank,
    )  # fmt: skip


@router.get("/cohorts/{cohort_id}/recommendation", response_class=HTMLResponse)
def recommendation_page(request: Request, cohort_id: int, page: int = 1) -> Response:
    return recommendation_view(request, signed_in(request), cohort_id, page=page)


def typed_recommendation(fields: dict[str, str]) -> dict[str, Any]:
    """The recommendation form's fields as typed (its ticked ranking rows as a list)."""
    names = ("title", "problem", "proposed_change", "level", "evidence", "note")
    typed: dict[str, Any] = {name: fields.get(name, "") for name in names}
    typed["rows"] = [key.removeprefix("row:") for key in fields if key.startswith("row:")]
    return typed


def version_of(fields: dict[str, str]) -> int | None:
    try:
        return int(fields.get("version", ""))
    except ValueError:
        return None  # a form without the version it was read at: applied to the latest, as the CLI does


def recommendation_of(session: Session, actor: Actor, cohort_id: int, recommendation_id: int) -> RecommendationPublic:
    """Recommendation ``recommendation_id`` of cohort ``cohort_id`` (another cohort's is not found here)."""
    from assessment.recommendations.service import get_recommendation

    cohort = cohort_by_id(session, cohort_id)
    rec = get_recommendation(session, actor, recommendation_id)
    if rec.cohort != cohort.name:
        raise NotFound(f"{cohort.name} has no recommendation {recommendation_id}.")
    return rec


def draft_from(actor: Actor, cohort_id: int, typed: dict[str, Any]) -> int:
    """A new recommendation drafted through the service; its id."""
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.recommendations.service import draft_recommendation
    from assessment.recommendations.shapes import RecommendationCreate

    data = {
        "title": typed["title"], "problem": typed["problem"], "proposed_change": typed["proposed_change"],
        "level": typed["level"], "evidence": typed["evidence"], "categories": typed["rows"],
    }  # fmt: skip
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        made = draft_recommendation(
            session, actor, cohort.name, validate(RecommendationCreate, data, "recommendation", names=FIELD_NAMES)
        )
        return made.id


def change_of(actor: Actor, cohort_id: int, recommendation_id: int, typed: dict[str, Any], version: int | None) -> None:
    """The recommendation changed through the service. Ticking other ranking rows redraws the evidence
    from today's ranking (then the person's own words); editing only the own words keeps the drawn sentences."""
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.recommendations.service import update_recommendation
    from assessment.recommendations.shapes import RecommendationUpdate

    with transaction() as session:
        rec = recommendation_of(session, actor, cohort_id, recommendation_id)
        drawn, own = split_evidence(rec)
        data: dict[str, Any] = {
            "title": typed["title"], "problem": typed["problem"], "proposed_change": typed["proposed_change"],
            "level": typed["level"],
        }  # fmt: skip
        typed_own = typed["evidence"].strip()
        if set(typed["rows"]) != set(rec.categories):
            data["categories"] = typed["rows"]
            data["evidence"] = typed_own
        elif typed_own != own.strip():
            data["evidence"] = "\n".join(part for part in ("\n".join(drawn), typed_own) if part)
        changes = validate(RecommendationUpdate, data, "change", names=FIELD_NAMES)
        update_recommendation(session, actor, recommendation_id, changes, version, typed["note"])


def redirect_to(cohort_id: int, recommendation_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cohorts/{cohort_id}/recommendation#recommendation-{recommendation_id}", 303)


@router.post("/cohorts/{cohort_id}/recommendation", response_class=HTMLResponse)
async def draft_recommendation(request: Request, cohort_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    typed = typed_recommendation(fields)
    try:
        made = await run_in_threadpool(draft_from, actor, cohort_id, typed)
    except ValidationFailed as exc:
        form = {"target": "new", "kind": "draft", **typed, "problems": problems_of(exc)}
        return await run_in_threadpool(recommendation_view, request, actor, cohort_id, 400, 1, form)
    return redirect_to(cohort_id, made)


@router.post("/cohorts/{cohort_id}/recommendation/{recommendation_id}", response_class=HTMLResponse)
async def change_recommendation(request: Request, cohort_id: int, recommendation_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    typed = typed_recommendation(fields)
    form: dict[str, Any] = {"target": recommendation_id, "kind": "update", **typed}
    try:
        await run_in_threadpool(change_of, actor, cohort_id, recommendation_id, typed, version_of(fields))
    except Conflict as exc:
        # Someone changed it since the page was read: the page as it now is, the person's text kept.
        return await run_in_threadpool(
            recommendation_view, request, actor, cohort_id, 409, 1, {**form, "stale": exc.message}
        )
    except ValidationFailed as exc:
        return await run_in_threadpool(
            recommendation_view, request, actor, cohort_id, 400, 1, {**form, "problems": problems_of(exc)}
        )
    return redirect_to(cohort_id, recommendation_id)


def withdrawal_of(actor: Actor, cohort_id: int, recommendation_id: int, reason: str) -> None:
    from assessment.core.db import transaction
    from assessment.recommendations.service import withdraw_recommendation

    with transaction() as session:
        recommendation_of(session, actor, cohort_id, recommendation_id)
        withdraw_recommendation(session, actor, recommendation_id, reason)


@router.post("/cohorts/{cohort_id}/recommendation/{recommendation_id}/withdraw", response_class=HTMLResponse)
async def withdraw_recommendation(request: Request, cohort_id: int, recommendation_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    reason = fields.get("reason", "")
    try:
        await run_in_threadpool(withdrawal_of, actor, cohort_id, recommendation_id, reason)
    except ValidationFailed as exc:
        form = {"target": recommendation_id, "kind": "withdraw", "reason": reason, "problems": problems_of(exc)}
        return await run_in_threadpool(recommendation_view, request, actor, cohort_id, 400, 1, form)
    return redirect_to(cohort_id, recommendation_id)


def endorsement_of(
    actor: Actor, cohort_id: int, recommendation_id: int, jurisdiction: str, note: str, given: bool
) -> None:
    """``jurisdiction`` endorses the recommendation (``given``) or withdraws its endorsement, through the service."""
    from assessment.core.db import transaction
    from assessment.recommendations.service import endorse, withdraw_endorsement

    with transaction() as session:
        recommendation_of(session, actor, cohort_id, recommendation_id)
        act = endorse if given else withdraw_endorsement
        act(session, actor, recommendation_id, jurisdiction, note)


@router.post("/cohorts/{cohort_id}/recommendation/{recommendation_id}/endorse", response_class=HTMLResponse)
async def endorse_recommendation(request: Request, cohort_id: int, recommendation_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    place, note = fields.get("jurisdiction", ""), fields.get("note", "")
    await run_in_threadpool(endorsement_of, actor, cohort_id, recommendation_id, place, note, True)
    return redirect_to(cohort_id, recommendation_id)


@router.post(
    "/cohorts/{cohort_id}/recommendation/{recommendation_id}/withdraw-endorsement", response_class=HTMLResponse
)
async def withdraw_endorsement(request: Request, cohort_id: int, recommendation_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    place, reason = fields.get("jurisdiction", ""), fields.get("reason", "")
    await run_in_threadpool(endorsement_of, actor, cohort_id, recommendation_id, place, reason, False)
    return redirect_to(cohort_id, recommendation_id)


# --- the partner survey -------------------------------------------------------------------------------


@router.get("/cohorts/{cohort_id}/survey", response_class=HTMLResponse)
def survey_page(request: Request, cohort_id: int, page: int = 1) -> Response:
    from assessment.core.db import transaction
    from assessment.survey.service import survey_results

    actor = signed_in(request)
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        results = survey_results(session, actor, cohort.name)
    statements = results.statements
    places = [j.jurisdiction for j in statements[0].jurisdictions] if statements else []
    shown = paginate(range(len(places)), page, lambda n: address(f"/cohorts/{cohort_id}/survey", page=n))
    tables = [(places[i], [(s, s.jurisdictions[i].share) for s in statements]) for i in shown.rows]
    hidden = any(s.overall.suppressed or any(j.share.suppressed for j in s.jurisdictions) for s in statements)
    return render(
        request, "cohort_survey.html", me=actor, cohort=cohort, results=results, shown=shown, tables=tables,
        overall=[(s, s.overall) for s in statements], hidden=hidden,
    )  # fmt: skip


# --- the regional report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledFile:
    """A file of a compiled regional report, as the page lists it."""

    name: str
    format: str
    anonymized: bool
    size: str
    at: datetime


def report_folder(cohort_id: int) -> Path:
    """Where the regional reports compiled from the web app for the cohort are kept (not a public folder:
    its files are sent only by ``report_file``, to who may read the report)."""
    from assessment.core.settings import get_settings

    return get_settings().data_dir / "web-files" / f"cohort-{cohort_id}"


def compiled_files(folder: Path) -> list[CompiledFile]:
    """The report files in ``folder``, newest first: plain files only (no half-written file, staging
    folder or link)."""
    from roadmaps.report.registry import report_renderers

    if not folder.is_dir():
        return []
    by_suffix = {r.suffix: FORMAT_LABELS.get(name, name.upper()) for name, r in report_renderers().items()}
    files = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        stat = path.stat()
        files.append(
            CompiledFile(
                name=path.name,
                format=by_suffix.get(path.suffix, path.suffix.lstrip(".").upper()),
                anonymized="-anonymized." in path.name,
                size=f"{max(1, round(stat.st_size / 1024))} KB",
                at=datetime.fromtimestamp(stat.st_mtime, UTC),
            )
        )
    return sorted(files, key=lambda f: (f.at, f.name), reverse=True)


@dataclass
class ReportForm:
    """The compile form as the person left it."""

    anonymize: bool = False
    formats: list[str] = field(default_factory=lambda: list(FORMAT_LABELS))
    problems: list[str] = field(default_factory=list)


def report_view(request: Request, actor: Actor, cohort_id: int, status_code: int = 200, page: int = 1,
                form: ReportForm | None = None) -> HTMLResponse:  # fmt: skip
    from assessment.core.db import transaction
    from assessment.reports.regional import require_reader
    from roadmaps.report.registry import report_renderers

    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        require_reader(session, actor, cohort.name)
    files = compiled_files(report_folder(cohort_id))
    shown = paginate(files, page, lambda n: address(f"/cohorts/{cohort_id}/report", page=n))
    formats = [(name, FORMAT_LABELS.get(name, name.upper())) for name in report_renderers()]
    return render(
        request, "cohort_report.html", status_code, me=actor, cohort=cohort, shown=shown, formats=formats,
        form=form or ReportForm(),
    )  # fmt: skip


@router.get("/cohorts/{cohort_id}/report", response_class=HTMLResponse)
def report_page(request: Request, cohort_id: int, page: int = 1) -> Response:
    return report_view(request, signed_in(request), cohort_id, page=page)


def compile_check(actor: Actor, cohort_id: int, formats: list[str]) -> tuple[str, list[str]]:
    """What the CLI checks before Prefect starts: who may compile, and the formats; the cohort's name
    and the flow's steps."""
    from assessment.core.db import transaction
    from assessment.reports.compiled import require_compile
    from roadmaps.report.registry import parse_report_formats

    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        require_compile(session, actor, "regional", cohort.name, None)
    if not formats:
        problem = Problem("Formats", "none is ticked.", "Tick at least one: PDF, spreadsheet or web page.")
        raise ValidationFailed("The report was not compiled.", [problem])
    parse_report_formats(formats)
    from flows.reports import REGIONAL_STEPS  # Prefect loads here, in a worker thread

    return cohort.name, list(REGIONAL_STEPS)


@router.post("/cohorts/{cohort_id}/report", response_class=HTMLResponse)
async def compile_report(request: Request, cohort_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    form = ReportForm(
        anonymize=fields.get("anonymize") == "yes",
        formats=[key.removeprefix("format:") for key in fields if key.startswith("format:")],
    )
    try:
        cohort, steps = await run_in_threadpool(compile_check, actor, cohort_id, form.formats)
    except ValidationFailed as exc:
        form.problems = problems_of(exc)
        return await run_in_threadpool(report_view, request, actor, cohort_id, 400, 1, form)
    folder, email, back = report_folder(cohort_id), actor.email, f"/cohorts/{cohort_id}/report"

    def work(tell: StepWatcher) -> str:
        from flows.reports import regional_report

        regional_report(cohort, form.anonymize, ",".join(form.formats), str(folder), actor=email)
        return back

    what = "Compiling the anonymized regional report" if form.anonymize else "Compiling the regional report"
    job = request.app.state.jobs.start(actor.person_id, what, steps, work, "See the report's files", back)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/cohorts/{cohort_id}/report/files/{name}")
def report_file(request: Request, cohort_id: int, name: str) -> Response:
    from assessment.core.db import transaction
    from assessment.reports.regional import require_reader

    actor = signed_in(request)
    with transaction() as session:
        cohort = cohort_by_id(session, cohort_id)
        require_reader(session, actor, cohort.name)
    # Only a file the page lists: never a path a person typed (``..``, a folder, a hidden file).
    folder = report_folder(cohort_id)
    if name not in {f.name for f in compiled_files(folder)}:
        raise NotFound(f"There is no file {name} of the regional report. Compile the report, then download it.")
    return download(folder / name)
