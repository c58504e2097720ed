"""`accelerator roadmap`: build, list and compare versions of a team's action roadmap."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import acting, actor_email
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, escape, print_json

app = typer.Typer(help="The action roadmap (session 4): PDF, XLSX and HTML, numbered versions.", no_args_is_help=True)



@app.command()
def build(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: pdf, xlsx, html.")] = "pdf,xlsx,html",
    out: Annotated[str, typer.Option(help="Folder for the files.")] = "roadmaps-output",
    as_json: JsonOption = False,
) -> None:
    """Build the team's action roadmap as a new numbered version (a Prefect flow)."""
    from accelerator.flowrun import run_flow

    def start() -> dict[str, object]:
        from flows.roadmap_build import roadmap_build

        return roadmap_build(jurisdiction, cohort, format, out, actor=actor_email(ctx))

    built = run_flow(start, "Building the roadmap")
    if as_json:
        print_json(built)
        return
    console.print(f"Action roadmap v{built['version']} for {escape(built['jurisdiction'])}: "
                  f"{built['goals']} goal(s), {built['open_barriers']} open barrier(s).")
    for path in built["files"]:  # type: ignore[attr-defined]
        console.print(f"  {escape(path)}")


@app.command("list")
def list_(ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False) -> None:
    """List the roadmap's versions."""
    from assessment.roadmap_store import list_versions

    with acting(ctx) as (session, actor):
        versions = list_versions(session, actor, jurisdiction, cohort)
    rows = [{"version": v.number, "built_at": v.built_at.isoformat(), "built_by": v.built_by, "formats": v.formats}
            for v in versions]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No roadmap built yet.")
    for row in rows:
        console.print(f"v{row['version']}  {row['built_at'][:16]}  {escape(row['built_by'])}  {row['formats']}")


@app.command()
def diff(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    version: Annotated[int | None, typer.Option(help="The version to compare with the one before it (default: latest).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show what changed since the previous roadmap version."""
    from assessment.roadmap_store import get_version
    from roadmaps.diff import diff as compare
    from roadmaps.view import RoadmapView

    with acting(ctx) as (session, actor):
        after = get_version(session, actor, jurisdiction, cohort, version)
        before = get_version(session, actor, jurisdiction, cohort, after.number - 1) if after.number > 1 else None
    if before is None:
        changes = []
    else:
        changes = compare(RoadmapView.model_validate_json(before.content), RoadmapView.model_validate_json(after.content))
    if as_json:
        print_json({"version": after.number, "previous": before.number if before else None,
                    "changes": [c.model_dump() for c in changes]})
        return
    if before is None:
        console.print(f"v{after.number} is the first version; nothing to compare with.")
        return
    console.print(f"Changes from v{before.number} to v{after.number}:" if changes else
                  f"No changes from v{before.number} to v{after.number}.")
    for c in changes:
        detail = f" {c.field}: {escape(c.old)} → {escape(c.new)}" if c.field else (f" ({escape(c.new)})" if c.new else "")
        console.print(f"  {c.kind.replace('_', ' ')}: {escape(c.subject)}{detail}")
