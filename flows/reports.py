"""The impact reports as flows: a jurisdiction's impact report, and the cohort's regional report.

Each gathers its figures through the services (SQL aggregates over the store), lays them out once
as a report document, renders the formats asked for (a task each) into a staging folder and moves
them into place together, then records the compile. A refused or failed compile leaves no file
behind and records nothing. Session 9's flow calls the same steps.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from flows.acting import ActorEmail, flow_actor
from flows.assessment_run import artifact_key
from flows.prefect_flow import flow, whole
from flows.progress import Progress
from flows.reporting import print_served_run, report_refusals_as_messages
from flows.roadmap_build import output_folder
from flows.steps import watched
from roadmaps.report.document import ReportDocument
from roadmaps.report.registry import parse_report_formats, write_report

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.core.permissions import Actor
    from assessment.reports.regional import Sections

report_refusals_as_messages()

HOOKS: list[Any] = [print_served_run]
SECTION_TASKS = 50


@watched
@task(name="gather the jurisdiction's figures", cache_policy=NO_CACHE)
def jurisdiction_document(jurisdiction: str, cohort: str, actor: str) -> ReportDocument:
    """The team's impact report, laid out (refused unless the actor may read it)."""
    from assessment.reports.jurisdiction import impact_report
    from assessment.reports.jurisdiction_layout import document_of

    with transaction() as session:
        who = resolve_actor(session, actor)
        _may_compile(session, who, "jurisdiction", cohort, jurisdiction)
        return document_of(impact_report(session, who, jurisdiction, cohort))


@watched
@task(name="list the jurisdictions", cache_policy=NO_CACHE)
def section_teams(cohort: str, actor: str, anonymize: bool) -> list[int]:
    """The teams the regional report shows a section for (an alliance lead's only)."""
    from assessment.reports import regional

    with transaction() as session:
        who = resolve_actor(session, actor)
        _may_compile(session, who, "regional", cohort, None)
        return regional.section_teams(session, who, cohort, anonymize)


@watched
@task(name="jurisdiction sections", cache_policy=NO_CACHE)
def jurisdiction_sections(cohort: str, actor: str, team_ids: list[int]) -> Sections:
    """The sections of some of the cohort's jurisdictions (their score changes)."""
    from assessment.reports import regional

    with transaction() as session:
        return regional.jurisdiction_sections(session, resolve_actor(session, actor), cohort, team_ids)


@watched
@task(name="gather the regional figures", cache_policy=NO_CACHE)
def regional_document(cohort: str, actor: str, anonymize: bool, sections: Sections | None = None) -> ReportDocument:
    """The cohort's regional report, laid out (an alliance lead's only)."""
    from assessment.reports.regional import regional_report
    from assessment.reports.regional_layout import document_of

    with transaction() as session:
        who = resolve_actor(session, actor)
        _may_compile(session, who, "regional", cohort, None)
        return document_of(regional_report(session, who, cohort, anonymize=anonymize, sections=sections))


def regional_sections(cohort: str, actor: str, anonymize: bool) -> Sections:
    """Every jurisdiction's section, a task each: a task per group of jurisdictions in a cohort of
    thousands (at most ``SECTION_TASKS`` tasks, so Prefect's own cost per task stays small)."""
    teams = section_teams(cohort, actor, anonymize)
    size = max(1, math.ceil(len(teams) / SECTION_TASKS))
    groups = [teams[start : start + size] for start in range(0, len(teams), size)]
    progress = Progress("Jurisdiction sections", total=len(groups))
    sections: Sections = {}
    for group in groups:
        sections.update(jurisdiction_sections(cohort, actor, group))
        progress.advance()
    progress.done()
    return sections


def _may_compile(session: Session, actor: Actor, kind: str, cohort: str, jurisdiction: str | None) -> None:
    """Refused before any figure is gathered when the actor may not compile this report."""
    from assessment.reports.compiled import require_compile

    require_compile(session, actor, kind, cohort, jurisdiction)


@watched
@task(name="render", cache_policy=NO_CACHE)
def render(document: ReportDocument, fmt: str, folder: str, stem: str) -> str:
    """One format of the report, written into ``folder``; the file's path."""
    return str(write_report(document, Path(folder), stem, [fmt])[0])


@watched
@task(name="record the compile", cache_policy=NO_CACHE)
def record(
    kind: str, cohort: str, jurisdiction: str | None, anonymized: bool, formats: list[str], folder: str, actor: str
) -> None:
    from assessment.reports.compiled import record_compiled

    with transaction() as session:
        record_compiled(session, resolve_actor(session, actor), kind, cohort, jurisdiction, anonymized, formats, folder)


def compile_report(
    document: ReportDocument, kind: str, cohort: str, jurisdiction: str | None, anonymized: bool,
    formats: list[str], out: Path, stem: str, actor: str,
) -> list[Path]:  # fmt: skip
    """Render every format into a staging folder beside ``out``, move them in together, record it."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        progress = Progress(f"Rendering {document.title}", total=len(formats))
        staged = []
        for fmt in formats:
            staged.append(Path(render(whole(document), fmt, str(staging), stem)))
            progress.advance()
        files = [out / path.name for path in staged]
        for path, target in zip(staged, files, strict=True):
            path.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    record(kind, cohort, jurisdiction, anonymized, formats, str(out.resolve()), actor)
    create_markdown_artifact(
        key=artifact_key(jurisdiction or cohort, f"{kind}-report"),
        markdown="\n".join([f"# {document.title}", "", document.subtitle, "", *[f"- {f}" for f in files]]),
        description=document.title,
    )
    return files


@flow(name="jurisdiction-impact-report", on_completion=HOOKS, on_failure=HOOKS, on_crashed=HOOKS)
def jurisdiction_report(
    jurisdiction: str,
    cohort: str,
    formats: str = "pdf,xlsx,html",
    out: str = "reports-output",
    actor: ActorEmail = None,
) -> dict[str, object]:
    """Compile a team's impact report (session 9) as PDF, XLSX and/or HTML.

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        formats: Comma-separated: pdf, xlsx, html.
        out: Folder for the files; a run launched here puts it inside the application's output folder.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it); from the terminal,
            the person compiling it.
    """
    email = flow_actor(actor, "compiling the impact report")
    wanted = parse_report_formats(formats)
    document = jurisdiction_document(jurisdiction, cohort, email)
    stem = artifact_key(jurisdiction, "impact-report")
    folder = output_folder(out)
    files = compile_report(document, "jurisdiction", cohort, jurisdiction, False, wanted, folder, stem, email)
    return {"jurisdiction": jurisdiction, "cohort": cohort, "title": document.title, "files": [str(f) for f in files]}


@flow(name="regional-impact-report", on_completion=HOOKS, on_failure=HOOKS, on_crashed=HOOKS)
def regional_report(
    cohort: str,
    anonymize: bool = False,
    formats: str = "pdf,xlsx,html",
    out: str = "reports-output",
    actor: ActorEmail = None,
) -> dict[str, object]:
    """Compile the cohort's regional impact report as PDF, XLSX and/or HTML (alliance leads only).

    Args:
        cohort: The cohort's name.
        anonymize: Replace every jurisdiction's name with a stable label (Jurisdiction A, B, ...) and leave out
            any breakdown that would identify one. Without it, a jurisdiction is named only if its team opted in.
        formats: Comma-separated: pdf, xlsx, html.
        out: Folder for the files; a run launched here puts it inside the application's output folder.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it); from the terminal,
            the alliance lead compiling it.
    """
    email = flow_actor(actor, "compiling the regional report")
    wanted = parse_report_formats(formats)
    document = regional_document(cohort, email, anonymize, whole(regional_sections(cohort, email, anonymize)))
    stem = artifact_key(cohort, "regional-report-anonymized" if anonymize else "regional-report")
    files = compile_report(document, "regional", cohort, None, anonymize, wanted, output_folder(out), stem, email)
    return {"cohort": cohort, "anonymized": anonymize, "title": document.title, "files": [str(f) for f in files]}


# The steps the terminal shows before they start (rendering is one step whatever the formats).
JURISDICTION_STEPS = (jurisdiction_document.name, render.name, record.name)
REGIONAL_STEPS = (section_teams.name, jurisdiction_sections.name, regional_document.name, render.name, record.name)
