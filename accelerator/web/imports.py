"""The team's spending and place-metric imports: what is imported, and an upload that is previewed
first (a dry run: nothing written) and imported only when the person applies it.

The previewed file is kept on the server under a random token bound to the person and the team
(``accelerator/web/kept.py``), so Apply imports exactly the bytes that were previewed, with the same
options; if the team's data changed in between, the new preview is shown instead of importing
something else. Kept files expire after an hour."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from accelerator.web import kept as uploads
from accelerator.web.kept import Kept
from accelerator.web.kit import address, download, form_of, paginate, render, signed_in, team_of, upload_of
from assessment.core.errors import AcceleratorError, Conflict, NotFound, Problem, ValidationFailed
from assessment.core.permissions import Actor

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.cohorts.models import TeamPublic

router = APIRouter()

# --- the importers: what the form asks, the service call (a dry run or for real) ---------------------


def spending_options(fields: dict[str, str]) -> dict[str, Any]:
    return {"skip_invalid": fields.get("skip_invalid") == "yes"}


def import_spending_file(
    session: Session, actor: Actor, team: TeamPublic, path: Path, options: dict[str, Any], dry_run: bool
) -> BaseModel:
    from assessment.spending.imports import import_spending

    skip = bool(options.get("skip_invalid"))
    return import_spending(session, actor, team.jurisdiction, path, dry_run=dry_run, skip_invalid=skip)


METRIC_FIELDS = {
    "vintage": "Census tracts",
    "year": "Year the data describes",
    "source": "Source",
    "percentile_scale": "Percentiles written as",
}


def metric_options(fields: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the import's options (``metrics import``'s options), refused naming the field."""
    from assessment.core.shapes import validate
    from assessment.metrics.imports import ImportOptions

    given: dict[str, object] = {name: fields.get(name, "").strip() or None for name in METRIC_FIELDS}
    given["skip_outside"] = fields.get("skip_outside") == "yes"
    year = given["year"]
    if isinstance(year, str) and not year.isdigit():
        # said in a person's words (the shape below would say "Input should be a valid integer")
        problem = Problem(
            METRIC_FIELDS["year"], f"'{year}' is not a year.", "Write four digits, e.g. 2022, or leave it empty."
        )
        raise ValidationFailed("The choices for the import were not accepted; nothing was imported.", [problem])
    options = validate(ImportOptions, given, "import", names=METRIC_FIELDS)
    return options.model_dump(mode="json")


def import_metric_file(
    session: Session, actor: Actor, team: TeamPublic, path: Path, options: dict[str, Any], dry_run: bool
) -> BaseModel:
    from assessment.metrics.imports import ImportOptions, import_metrics

    chosen = ImportOptions.model_validate(options)
    return import_metrics(session, actor, team.jurisdiction, path, chosen, dry_run=dry_run)


@dataclass(frozen=True)
class Importer:
    """One kind of import the page offers: ``kind`` is its address (``/data/<kind>``)."""

    kind: str
    what: str
    options: Callable[[dict[str, str]], dict[str, Any]]
    run: Callable[[Session, Actor, TeamPublic, Path, dict[str, Any], bool], BaseModel]
    shape: Callable[[], type[BaseModel]]


def _spending_shape() -> type[BaseModel]:
    from assessment.spending.models import ImportResult

    return ImportResult


def _metric_shape() -> type[BaseModel]:
    from assessment.metrics.models import MetricImport

    return MetricImport


IMPORTERS = {
    "spend": Importer("spend", "spending", spending_options, import_spending_file, _spending_shape),
    "metrics": Importer("metrics", "place metrics", metric_options, import_metric_file, _metric_shape),
}


def summary(result: BaseModel) -> dict[str, Any]:
    """What a preview promised: the result without its dry-run flag, to compare with what applying does."""
    said: dict[str, Any] = result.model_dump(mode="json", exclude={"dry_run"})
    return said


# --- the kept file of a preview (accelerator/web/kept.py) --------------------------------------------------

GONE = (
    "This preview is no longer available: a preview is kept for an hour, for the person who made it. "
    "Upload the file again to see its preview."
)


def kind_for(team: TeamPublic) -> str:
    """What a preview is kept for: the data page of ``team`` (which importer, the page's data says)."""
    return f"team {team.id} data"


def kept_for(token: str, actor: Actor, team: TeamPublic) -> tuple[Importer, Kept]:
    """The upload kept with ``token``, if it is this person's for this team and not expired (else not
    found), and the importer it was previewed with."""
    upload = uploads.kept(token, actor.person_id, kind_for(team), GONE)
    importer = IMPORTERS.get(upload.data.get("importer", ""))
    if importer is None:
        raise NotFound(GONE)
    return importer, upload


# --- the page -------------------------------------------------------------------------------------------


@dataclass
class FiguresTable:
    """The spending figures laid out as ``spend show`` prints them: a row per figure, a column per period."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str]


def figures_table(view: Any) -> FiguresTable:
    from accelerator.figures import figure_rows

    figures = view.figures
    periods = figures.periods
    changes = {c.period: c for c in view.changes}
    reference = view.baseline.figures.periods[-1].period if view.baseline and view.baseline.figures.periods else None
    header = ["Figure"]
    if changes and reference:
        header.append(f"Baseline {reference}")
    for period in periods:
        header.append(period.period)
        if period.period in changes:
            header.append(f"Change in {period.period}")
    rows = [
        [label[:1].upper() + label[1:], *cells]
        for label, cells in figure_rows(periods, changes, with_baseline=bool(changes and reference))
    ]
    notes = [f"{p.period}: {note}" for p in periods for note in p.notes]
    notes += [n for n in view.notes if "accelerator spend baseline" not in n]
    if not view.baseline:
        notes.append(
            "No impact-spending baseline is recorded yet (session 6): the team records it with the command "
            f'accelerator spend baseline --jurisdiction "{view.jurisdiction}" --cohort "{view.cohort or ""}".'
        )
    notes.append(f"Percentiles: {figures.percentile_method}.")
    caption = f"Impact spending of {view.jurisdiction} ({figures.currency or 'no currency'}), by period"
    return FiguresTable(caption, header, rows, notes)


def read_data(actor: Actor, team: TeamPublic) -> dict[str, Any]:
    """Everything the data page shows of the team, each part through its service (None where the
    person may not see it)."""
    from assessment.cohorts.jurisdictions import get_jurisdiction
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may, roles_for, who_may
    from assessment.metrics.profile import profile_with_spending
    from assessment.metrics.service import list_metrics
    from assessment.spending.imports import import_log
    from assessment.spending.service import show_spending

    found: dict[str, Any] = {"figures": None, "spend_problem": "", "log": None, "metrics": None, "profile": None}
    with transaction() as session:
        place = get_jurisdiction(session, team.jurisdiction)
        found["may_import_spending"] = may(actor, "write", Record.spending, place)
        found["may_import_metrics"] = may(actor, "write", Record.place_metric, place)
        found["spending_importers"] = who_may(roles_for("write", Record.spending), place)
        found["metric_importers"] = who_may(roles_for("write", Record.place_metric), place)
        if may(actor, "read", Record.spending, place):
            try:
                found["figures"] = figures_table(show_spending(session, actor, team.jurisdiction, team.cohort))
            except NotFound:
                pass  # nothing imported yet: the page says how to import
            except ValidationFailed as exc:
                found["spend_problem"] = exc.summary
            found["log"] = import_log(session, actor, team.jurisdiction)
        if may(actor, "read", Record.place_metric, place):
            metrics = list_metrics(session, actor, team.jurisdiction)
            found["metrics"] = metrics
            if metrics and found["figures"] is not None:
                chosen = next((m.metric for m in metrics if m.metric == "hpi"), metrics[0].metric)
                try:
                    found["profile"] = profile_with_spending(session, actor, team.jurisdiction, team.cohort, chosen)
                except AcceleratorError:
                    found["profile"] = None
    return found


def data_view(
    request: Request,
    actor: Actor,
    team: TeamPublic,
    status_code: int = 200,
    page: int = 1,
    metrics_page: int = 1,
    done: str = "",
    refused: str = "",
    refusal: ValidationFailed | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The data page; ``refused`` names the form (``spend`` or ``metrics``) whose upload ``refusal``
    refused, its fields ``typed`` kept."""
    from accelerator.figures import count, money, share

    found = read_data(actor, team)
    here = f"/teams/{team.id}/data"
    log = found["log"]
    metrics = found["metrics"]
    log_page = paginate(log or [], page, lambda n: address(here, page=n, metrics_page=metrics_page))
    metric_page = paginate(metrics or [], metrics_page, lambda n: address(here, page=page, metrics_page=n))
    return render(
        request, "data.html", status_code, me=actor, team=team, found=found, log_page=log_page,
        metric_page=metric_page, done=IMPORTERS[done].what if done in IMPORTERS else "", refused=refused,
        refusal=refusal_of(refusal), typed=typed or {}, money=money, share=share, count=count,
    )  # fmt: skip


@router.get("/teams/{team_id}/data", response_class=HTMLResponse)
def data_page(request: Request, team_id: int, page: int = 1, metrics_page: int = 1, done: str = "") -> Response:
    actor = signed_in(request)
    team = team_of(actor, team_id)
    return data_view(request, actor, team, page=page, metrics_page=metrics_page, done=done)


@router.get("/teams/{team_id}/data/spending-template")
def spending_template(request: Request, team_id: int) -> Response:
    """The blank spending spreadsheet (``spend template``) to fill and upload."""
    from assessment.spending.sheet import write_template

    team = team_of(signed_in(request), team_id)
    folder = Path(tempfile.mkdtemp(prefix="accelerator-template-"))
    path = write_template(folder / "spending-template.xlsx")
    response = download(path, f"spending-{team.jurisdiction.lower().replace(' ', '-')}.xlsx")
    response.background = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    return response


@dataclass(frozen=True)
class Refusal:
    summary: str
    problems: list[str]
    names_options: bool  # a message names a command-line option (--vintage): the page says which field it is


def refusal_of(exc: ValidationFailed | None) -> Refusal | None:
    if exc is None:
        return None
    problems = [str(p) for p in exc.problems]
    if exc.more:
        problems.append(f"... and {exc.more} more problem(s)")
    return Refusal(exc.summary, problems, any("--" in line for line in (exc.summary, *problems)))


def dry_run(importer: Importer, actor: Actor, team: TeamPublic, kept: Kept) -> BaseModel:
    from assessment.core.db import transaction

    with transaction() as session:
        return importer.run(session, actor, team, kept.path, kept.data["options"], True)


def preview_view(
    request: Request, actor: Actor, team: TeamPublic, importer: Importer, result: Any, kept: Kept | None,
    status_code: int = 200, notice: str = "",
) -> HTMLResponse:  # fmt: skip
    """The preview page: what the file would change, and the Apply form while it would change something."""
    return render(
        request, "data_preview.html", status_code, me=actor, team=team, kind=importer.kind, what=importer.what,
        result=result, token=kept.token if kept else "", reason=notice,
    )  # fmt: skip


async def preview(request: Request, team_id: int, importer: Importer) -> Response:
    """A dry run of the uploaded file: refused (400, every problem listed) or its preview, the file kept for Apply."""
    actor = await run_in_threadpool(signed_in, request)
    team = await run_in_threadpool(team_of, actor, team_id)
    # the person and the team are checked before an upload is read
    upload = await upload_of(request, "file")
    kept: Kept | None = None
    typed = {k: v for k, v in upload.fields.items() if k in (*METRIC_FIELDS, "skip_outside", "skip_invalid")}
    try:
        if len(upload.files) > 1:
            problem = Problem("File", f"{len(upload.files)} files were sent.", "Send one file at a time.")
            raise ValidationFailed("Only one file can be imported at a time; nothing was imported.", [problem])
        options = importer.options(upload.fields)
        data = {"importer": importer.kind, "options": options}
        kept = await run_in_threadpool(uploads.keep, upload.files[0], actor.person_id, kind_for(team), data)
        result = await run_in_threadpool(dry_run, importer, actor, team, kept)
    except ValidationFailed as exc:
        if kept is not None:
            uploads.discard(kept)
        return await run_in_threadpool(
            data_view, request, actor, team, 400, refused=importer.kind, refusal=exc, typed=typed
        )
    finally:
        upload.close()
    if not getattr(result, "changes_anything", True):
        uploads.discard(kept)
        return preview_view(request, actor, team, importer, result, None)
    kept.data["preview"] = summary(result)
    uploads.save(kept)
    return preview_view(request, actor, team, importer, result, kept)


@router.post("/teams/{team_id}/data/spend", response_class=HTMLResponse)
async def preview_spending(request: Request, team_id: int) -> Response:
    return await preview(request, team_id, IMPORTERS["spend"])


@router.post("/teams/{team_id}/data/metrics", response_class=HTMLResponse)
async def preview_metrics(request: Request, team_id: int) -> Response:
    return await preview(request, team_id, IMPORTERS["metrics"])


class Changed(Exception):
    """Applying would do something else than the preview said (the team's data changed since)."""

    def __init__(self, result: BaseModel) -> None:
        super().__init__("changed since the preview")
        self.result = result


def apply_kept(importer: Importer, actor: Actor, team: TeamPublic, kept: Kept) -> BaseModel:
    """The kept file imported for real, in one transaction, rolled back unless it does what was previewed."""
    from assessment.core.db import transaction

    with transaction() as session:
        result = importer.run(session, actor, team, kept.path, kept.data["options"], False)
        if summary(result) != kept.data["preview"]:
            raise Changed(result.model_copy(update={"dry_run": True}))
    return result


@router.post("/teams/{team_id}/data/apply", response_class=HTMLResponse)
async def apply(request: Request, team_id: int) -> Response:
    fields = await form_of(request)
    actor = await run_in_threadpool(signed_in, request)
    team = await run_in_threadpool(team_of, actor, team_id)
    importer, kept = await run_in_threadpool(kept_for, fields.get("token", ""), actor, team)
    try:
        await run_in_threadpool(apply_kept, importer, actor, team, kept)
    except Changed as changed:
        notice = f"The team's {importer.what} changed since this file was previewed, so nothing was imported."
        if not getattr(changed.result, "changes_anything", True):
            uploads.discard(kept)
            return preview_view(request, actor, team, importer, changed.result, None, 409, notice)
        kept.data["preview"] = summary(changed.result)
        uploads.save(kept)
        notice += " This is what the file would do now: check it and apply again."
        return preview_view(request, actor, team, importer, changed.result, kept, 409, notice)
    except Conflict as exc:
        previewed = importer.shape().model_validate({**kept.data["preview"], "dry_run": True})
        return preview_view(request, actor, team, importer, previewed, kept, 409, exc.message)
    except ValidationFailed as exc:
        uploads.discard(kept)
        return await run_in_threadpool(data_view, request, actor, team, 400, refused=importer.kind, refusal=exc)
    uploads.discard(kept)
    return RedirectResponse(address(f"/teams/{team.id}/data", done=importer.kind), status_code=303)
