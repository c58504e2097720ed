"""The action roadmap build (session 4): snapshot the team's plan, render it, keep the version."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.fields import utcnow
from assessment.roadmap.service import next_version, record_version
from assessment.roadmap.snapshot import roadmap_view
from assessment.roadmap.view import RoadmapView
from flows.assessment_run import artifact_key
from flows.progress import Progress
from flows.reporting import print_served_run, report_refusals_as_messages
from roadmaps.registry import parse_formats, renderers

report_refusals_as_messages()


@task(name="snapshot the plan", cache_policy=NO_CACHE)
def snapshot(jurisdiction: str, cohort: str, actor: str | None) -> RoadmapView:
    """The team's goals, milestones, owners and barriers as they are now, under the next version number."""
    with transaction() as session:
        who = resolve_actor(session, actor)
        number = next_version(session, who, jurisdiction, cohort)
        return roadmap_view(session, who, jurisdiction, cohort, number, utcnow())


@task(name="render", cache_policy=NO_CACHE)
def render(view: RoadmapView, fmt: str, out: str) -> str:
    """Lay the view out in one registered format (a name ``parse_formats`` returned); the file's path."""
    slug = artifact_key(view.jurisdiction, "roadmap", f"v{view.version}")
    return str(renderers()[fmt].write(view, Path(out), slug))


@task(name="keep the version", cache_policy=NO_CACHE)
def keep(view: RoadmapView, formats: list[str], actor: str | None) -> int:
    """Store the view as its numbered version, with the formats it was rendered in."""
    with transaction() as session:
        who = resolve_actor(session, actor)
        record_version(
            session,
            who,
            view.jurisdiction,
            view.cohort,
            view.version,
            view.built_at,
            view.model_dump(mode="json"),
            formats,
        )
    return view.version


@flow(
    name="roadmap-build",
    on_completion=[print_served_run],
    on_failure=[print_served_run],
    on_crashed=[print_served_run],
    on_cancellation=[print_served_run],
)
def roadmap_build(
    jurisdiction: str,
    cohort: str,
    formats: str = "pdf,xlsx,html",
    out: str = "roadmaps-output",
    actor: str | None = None,
) -> dict[str, object]:
    """Build the team's action roadmap as PDF, XLSX and/or HTML, as a new numbered version.

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        formats: Comma-separated: pdf, xlsx, html (or any other registered format).
        out: Folder for the files, on the server running this.
        actor: Email of the person building it (default: the administrator).
    """
    wanted = parse_formats(formats)
    view = snapshot(jurisdiction, cohort, actor)
    Path(out).mkdir(parents=True, exist_ok=True)
    progress = Progress("Rendering the roadmap", total=len(wanted))
    files: list[str] = []
    for fmt in wanted:
        files.append(render(view, fmt, out))
        progress.advance()
    version = keep(view, wanted, actor)
    create_markdown_artifact(
        key=artifact_key(view.jurisdiction, "roadmap"),
        markdown="\n".join(
            [
                f"# Action roadmap v{version}: {view.jurisdiction}",
                "",
                f"{len(view.goals)} goal(s), {len(view.open_barriers)} open barrier(s).",
                "",
            ]
            + [f"- {f}" for f in files]
        ),
        description=f"Action roadmap v{version}, {view.jurisdiction}",
    )
    return {
        "jurisdiction": view.jurisdiction,
        "cohort": view.cohort,
        "version": version,
        "files": files,
        "goals": len(view.goals),
        "open_barriers": len(view.open_barriers),
    }
