"""The team's documents: build the action roadmap and compile the jurisdiction impact report (the
same flows as ``accelerator roadmap build`` and ``accelerator report jurisdiction``, started as a job),
and download the files built.

Files are written into a folder of the team's under the application's data directory
(``<data>/web-files/team-<id>/``) and sent only through ``/teams/{id}/documents/files/{name}``,
which asks the services whether the person may read that roadmap or report."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import address, download, form_of, paginate, render, signed_in, team_of
from assessment.core.errors import NotFound, Problem, ValidationFailed
from assessment.core.permissions import Actor

if TYPE_CHECKING:
    from accelerator.web.jobs import StepWatcher, Work
    from assessment.cohorts.models import TeamPublic

router = APIRouter()

Kind = Literal["roadmap", "report"]
# How the flows name their files (``artifact_key``): the roadmap's version, and the report's compile time
# (added here, so every compile keeps its own files).
ROADMAP = re.compile(r"(?:.+-)?roadmap-v(?P<version>\d+)")
REPORT = re.compile(r"(?:.+-)?impact-report-(?P<at>\d{8}-\d{6})")
PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-z0-9]+")
FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Spreadsheet (.xlsx)", "html": "Web page (.html)"}
ROADMAP_STEP = "build the roadmap"
# One compile of a team's report at a time in this process: each renames its files once the flow wrote them.
_compiling: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)


def team_folder(team_id: int) -> Path:
    """Where the files built from the web for team ``team_id`` are kept."""
    from assessment.core.settings import get_settings

    return get_settings().data_dir / "web-files" / f"team-{team_id}"


def kind_of(name: str) -> Kind | None:
    """What a file of the team's folder is, by its name; None for anything else (never sent)."""
    if not PLAIN_NAME.fullmatch(name):
        return None
    stem = name.rsplit(".", 1)[0]
    if ROADMAP.fullmatch(stem):
        return "roadmap"
    if REPORT.fullmatch(stem):
        return "report"
    return None


@dataclass(frozen=True)
class Built:
    """One build: a roadmap version or a report compile, with its files (format label, file name)."""

    kind: Kind
    title: str
    at: datetime
    files: list[tuple[str, str]]


def label_of(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1]
    return FORMAT_LABELS.get(suffix, suffix.upper())


def builds_in(folder: Path, kinds: Iterable[Kind]) -> list[Built]:
    """The builds in the team's folder of the ``kinds`` the person may read, newest first."""
    wanted = set(kinds)
    groups: dict[str, list[Path]] = defaultdict(list)
    if folder.is_dir():
        for path in folder.iterdir():
            if kind_of(path.name) in wanted and path.is_file() and not path.is_symlink():
                groups[path.name.rsplit(".", 1)[0]].append(path)
    found = []
    for stem, paths in groups.items():
        kind = kind_of(paths[0].name)
        assert kind is not None
        version = ROADMAP.fullmatch(stem)
        title = (
            f"Action roadmap, version {version.group('version')}" if kind == "roadmap" and version else "Impact report"
        )
        at = datetime.fromtimestamp(max(p.stat().st_mtime for p in paths), UTC)
        order = list(FORMAT_LABELS)
        paths.sort(key=lambda p: (order.index(p.suffix[1:]) if p.suffix[1:] in order else len(order), p.name))
        found.append(Built(kind, title, at, [(label_of(p.name), p.name) for p in paths]))
    return sorted(found, key=lambda b: b.at, reverse=True)


def documents_view(
    request: Request, actor: Actor, team: TeamPublic, status_code: int = 200, page: int = 1,
    refused: str = "", refusal: ValidationFailed | None = None, ticked: dict[str, list[str]] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The documents page; ``refused`` names the form (``roadmap`` or ``report``) that ``refusal``
    refused, its ticked formats kept."""
    from assessment.cohorts.jurisdictions import get_jurisdiction
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may, roles_for, who_may
    from roadmaps.registry import renderers
    from roadmaps.report.registry import report_renderers

    with transaction() as session:
        place = get_jurisdiction(session, team.jurisdiction)
        rights = {
            "build_roadmap": may(actor, "write", Record.roadmap, place),
            "compile_report": may(actor, "write", Record.impact_report, place),
            "roadmap_builders": who_may(roles_for("write", Record.roadmap), place),
            "report_compilers": who_may(roles_for("write", Record.impact_report), place),
        }
        readable: list[Kind] = []
        if may(actor, "read", Record.roadmap, place):
            readable.append("roadmap")
        if may(actor, "read", Record.impact_report, place):
            readable.append("report")
    here = f"/teams/{team.id}/documents"
    builds = paginate(builds_in(team_folder(team.id), readable), page, lambda n: address(here, page=n))
    formats = {
        "roadmap": [(name, label_of(f"x.{name}")) for name in renderers()],
        "report": [(name, label_of(f"x.{name}")) for name in report_renderers()],
    }
    # the CLI's default: every format
    chosen = {kind: [name for name, _ in choices] for kind, choices in formats.items()}
    chosen.update(ticked or {})
    problems = [str(p) for p in refusal.problems] if refusal else []
    return render(
        request, "documents.html", status_code, me=actor, team=team, builds=builds, rights=rights,
        readable=readable, formats=formats, chosen=chosen, refused=refused,
        refusal=refusal.summary if refusal else "", problems=problems,
    )  # fmt: skip


@router.get("/teams/{team_id}/documents", response_class=HTMLResponse)
def documents_page(request: Request, team_id: int, page: int = 1) -> Response:
    actor = signed_in(request)
    return documents_view(request, actor, team_of(actor, team_id), page=page)


def ticked_formats(fields: dict[str, str], choices: Iterable[str]) -> list[str]:
    """The formats ticked on the form (one checkbox each, ``format_<name>``); none ticked is refused."""
    ticked = [name for name in choices if fields.get(f"format_{name}") == "yes"]
    if not ticked:
        problem = Problem("Formats", "none was ticked.", "Tick at least one: PDF, spreadsheet or web page.")
        raise ValidationFailed("Choose the formats to build; nothing was started.", [problem])
    return ticked


def check_roadmap(actor: Actor, team: TeamPublic, fields: dict[str, str]) -> list[str]:
    """What ``roadmap build`` checks before Prefect starts: the formats, then that the person may build it."""
    from assessment.core.db import transaction
    from assessment.roadmap.service import next_version
    from roadmaps.registry import parse_formats, renderers

    wanted = parse_formats(ticked_formats(fields, renderers()))
    with transaction() as session:
        next_version(session, actor, team.jurisdiction, team.cohort)
    return wanted


def check_report(actor: Actor, team: TeamPublic, fields: dict[str, str]) -> list[str]:
    """What ``report jurisdiction`` checks before Prefect starts: that the person may compile it, then the formats."""
    from assessment.core.db import transaction
    from assessment.reports.compiled import require_compile
    from roadmaps.report.registry import parse_report_formats, report_renderers

    with transaction() as session:
        require_compile(session, actor, "jurisdiction", team.cohort, team.jurisdiction)
    return parse_report_formats(ticked_formats(fields, report_renderers()))


async def start(
    request: Request,
    team_id: int,
    kind: Kind,
    check: Callable[[Actor, TeamPublic, dict[str, str]], list[str]],
    job: Callable[[Actor, TeamPublic, list[str]], tuple[str, list[str], Work]],
) -> Response:
    """Check at once what the command checks (a refusal is a page now, with nothing started), then start the flow."""
    fields = await form_of(request)
    actor = await run_in_threadpool(signed_in, request)
    team = await run_in_threadpool(team_of, actor, team_id)
    try:
        wanted = await run_in_threadpool(check, actor, team, fields)
    except ValidationFailed as exc:
        ticked = [
            key.removeprefix("format_") for key, value in fields.items() if key.startswith("format_") and value == "yes"
        ]
        return await run_in_threadpool(
            documents_view, request, actor, team, 400, refused=kind, refusal=exc, ticked={kind: ticked}
        )
    what, steps, work = job(actor, team, wanted)
    back = f"/teams/{team.id}/documents"
    started = request.app.state.jobs.start(actor.person_id, what, steps, work, "See the files", back)
    return RedirectResponse(f"/jobs/{started.id}", status_code=303)


def roadmap_job(actor: Actor, team: TeamPublic, formats: list[str]) -> tuple[str, list[str], Work]:
    email = actor.email  # the flow acts as the person signed in, as the CLI's does

    def work(tell: StepWatcher) -> str:
        from flows.roadmap_build import roadmap_build

        # the flow's steps are not watched tasks: the whole build is the one step the page shows
        tell(ROADMAP_STEP, "running")
        roadmap_build(team.jurisdiction, team.cohort, ",".join(formats), str(team_folder(team.id)), actor=email)
        tell(ROADMAP_STEP, "completed")
        return f"/teams/{team.id}/documents"

    return "Building the roadmap", [ROADMAP_STEP], work


def report_job(actor: Actor, team: TeamPublic, formats: list[str]) -> tuple[str, list[str], Work]:
    from flows.reports import JURISDICTION_STEPS

    email = actor.email

    def work(tell: StepWatcher) -> str:
        from flows.reports import jurisdiction_report

        folder = team_folder(team.id)
        with _compiling[team.id]:
            made = jurisdiction_report(team.jurisdiction, team.cohort, ",".join(formats), str(folder), actor=email)
            files = made["files"]
            assert isinstance(files, list)
            keep_apart(Path(str(f)) for f in files)
        return f"/teams/{team.id}/documents"

    return "Compiling the impact report", list(JURISDICTION_STEPS), work


def keep_apart(files: Iterable[Path]) -> None:
    """A compile's files renamed with its time (``...-impact-report-20261124-154700.pdf``), so the next
    compile, which writes the same names, keeps this one's."""
    made = list(files)
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        targets = [path.with_name(f"{path.stem}-{stamp}{path.suffix}") for path in made]
        if not any(target.exists() for target in targets):
            break
        time.sleep(1)  # a compile in the same second as the one before: its names are the next second's
    for path, target in zip(made, targets, strict=True):
        path.replace(target)


@router.post("/teams/{team_id}/documents/roadmap", response_class=HTMLResponse)
async def build_roadmap(request: Request, team_id: int) -> Response:
    return await start(request, team_id, "roadmap", check_roadmap, roadmap_job)


@router.post("/teams/{team_id}/documents/report", response_class=HTMLResponse)
async def compile_report(request: Request, team_id: int) -> Response:
    return await start(request, team_id, "report", check_report, report_job)


@router.get("/teams/{team_id}/documents/files/{name}")
def document_file(request: Request, team_id: int, name: str) -> Response:
    """A file built for the team, to whoever may read that roadmap or report; anything else is not found."""
    from assessment.core.db import transaction
    from assessment.reports.compiled import compiled_reports
    from assessment.roadmap.service import list_versions

    actor = signed_in(request)
    team = team_of(actor, team_id)
    kind = kind_of(name)
    missing = NotFound(
        f"There is no file {name} of {team.jurisdiction}. Open the files from the Roadmap & report page."
    )
    if kind is None:
        raise missing
    readers: dict[Kind, Callable[..., Any]] = {"roadmap": list_versions, "report": compiled_reports}
    with transaction() as session:
        readers[kind](session, actor, team.jurisdiction, team.cohort)  # refused unless the person may read it
    path = team_folder(team.id) / name
    if path.is_symlink() or not path.is_file():
        raise missing
    return download(path)
