"""The action roadmap build (session 4): snapshot the team's plan, render it, keep the version."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.settings import get_settings
from assessment.roadmap.service import build_version
from assessment.roadmap.view import RoadmapView
from flows.acting import ActorEmail, flow_actor, launched_from_ui
from flows.assessment_run import artifact_key
from flows.prefect_flow import flow, whole
from flows.progress import Progress
from flows.reporting import print_served_run, report_refusals_as_messages
from roadmaps.registry import parse_formats, renderers

report_refusals_as_messages()


@task(name="render", cache_policy=NO_CACHE)
def render(view: RoadmapView, fmt: str, out: str) -> str:
    """Lay the view out in one registered format (a name ``parse_formats`` returned); the file's path."""
    slug = artifact_key(view.jurisdiction, "roadmap", f"v{view.version}")
    return str(renderers()[fmt].write(view, Path(out), slug))


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
    actor: ActorEmail = None,
) -> dict[str, object]:
    """Build the team's action roadmap as PDF, XLSX and/or HTML, as a new numbered version.

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        formats: Comma-separated: pdf, xlsx, html (or any other registered format).
        out: Folder for the files; a run launched here puts it inside the application's output folder.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it); from the terminal, the
            person building it (refused if they may not build this team's roadmap).
    """
    email = flow_actor(actor, "building the roadmap")
    wanted = parse_formats(formats)

    def lay_out(view: RoadmapView, folder: Path) -> list[Path]:
        progress = Progress(f"Rendering the roadmap v{view.version}", total=len(wanted))
        files = []
        for fmt in wanted:
            files.append(Path(render(whole(view), fmt, str(folder))))
            progress.advance()
        return files

    view, files = build_version(email, jurisdiction, cohort, wanted, output_folder(out), lay_out)
    create_markdown_artifact(
        key=artifact_key(view.jurisdiction, "roadmap"),
        markdown="\n".join(
            [
                f"# Action roadmap v{view.version}: {view.jurisdiction}",
                "",
                f"{len(view.goals)} goal(s), {len(view.open_barriers)} open barrier(s).",
                "",
            ]
            + [f"- {f}" for f in files]
        ),
        description=f"Action roadmap v{view.version}, {view.jurisdiction}",
    )
    return {
        "jurisdiction": view.jurisdiction,
        "cohort": view.cohort,
        "version": view.version,
        "files": [str(f) for f in files],
        "goals": len(view.goals),
        "open_barriers": len(view.open_barriers),
    }


def output_folder(out: str) -> Path:
    """Where a build writes: ``out`` as given when called directly (the CLI's --out); for a run
    launched from a deployment, ``out`` inside the application's output folder, never outside it."""
    if not launched_from_ui():
        return Path(out)
    return inside(get_settings().output_dir, out)


def inside(root: Path, out: str) -> Path:
    """``out`` as a folder inside ``root``; an absolute path, or one that leaves ``root`` by ``..`` or
    a symbolic link, is refused naming the field and the folder files go to."""
    base = root.resolve()
    folder = (base / out).resolve()
    if Path(out).is_absolute() or not folder.is_relative_to(base):
        raise ValidationFailed(
            "The roadmap was not built; fix this and try again:",
            [
                Problem(
                    "out",
                    f"a run launched from the Prefect UI writes only inside {base}, and {out} is not in it;",
                    "give a folder name inside it, e.g. roadmaps.",
                )
            ],
        )
    return folder
