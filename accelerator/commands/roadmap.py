"""`accelerator roadmap`: build, list and compare versions of a team's action roadmap."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from accelerator.context import acting
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
    from assessment.roadmap.service import next_version
    from roadmaps.registry import parse_formats

    # What can be checked without Prefect is checked first: formats, the team, the permission.
    parse_formats(format)
    with acting(ctx) as (session, actor):
        next_version(session, actor, jurisdiction, cohort)
    email = actor.email  # the flow acts as the person resolved here, never as nobody

    def start() -> dict[str, object]:
        from flows.roadmap_build import roadmap_build

        return roadmap_build(jurisdiction, cohort, format, out, actor=email)

    built = run_flow(start, "Building the roadmap")
    if as_json:
        print_json(built)
        return
    console.print(
        f"Action roadmap v{built['version']} for {escape(built['jurisdiction'])}: "
        f"{built['goals']} goal(s), {built['open_barriers']} open barrier(s)."
    )
    files = built["files"]
    for path in files if isinstance(files, list) else []:
        console.print(f"  {escape(path)}")


@app.command("list")
def list_(
    ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False
) -> None:
    """List the roadmap's versions."""
    from assessment.roadmap.service import list_versions

    with acting(ctx) as (session, actor):
        versions = list_versions(session, actor, jurisdiction, cohort)
    if as_json:
        print_json([v.model_dump(mode="json") for v in versions])
        return
    if not versions:
        console.print("No roadmap built yet.")
    for v in versions:
        console.print(f"v{v.version}  {v.built_at.isoformat()[:16]}  {escape(v.built_by)}  {v.formats}")


@app.command()
def diff(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    version: Annotated[
        int | None, typer.Option(help="The version to compare with the one before it (default: latest).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show what changed since the previous roadmap version."""
    from assessment.roadmap.service import compare_versions

    with acting(ctx) as (session, actor):
        compared = compare_versions(session, actor, jurisdiction, cohort, version)
    if as_json:
        print_json(compared)
        return
    if compared.previous is None:
        console.print(f"v{compared.version} is the first version; nothing to compare with.")
        return
    span = f"v{compared.previous} to v{compared.version}"
    console.print(f"Changes from {span}:" if compared.changes else f"No changes from {span}.")
    for c in compared.changes:
        if c.field:
            label = CHANGE_FIELDS.get(c.field, c.field.replace("_", " "))
            detail = f" {label}: {escape(readable(c.old))} → {escape(readable(c.new))}"
        else:
            detail = f" ({escape(readable(c.new))})" if c.new else ""
        console.print(f"  {c.kind.replace('_', ' ').capitalize()}: {escape(c.subject)}{detail}")


# How the fields a roadmap diff names read for people (--json keeps the ids).
CHANGE_FIELDS = {
    "statement": "statement",
    "measure": "measure",
    "target_value": "target",
    "latest_value": "latest value",
    "due": "due date",
    "owner": "owner",
    "status_label": "status",
    "status": "status",
    "rank": "priority",
}


def readable(value: str | None) -> str:
    """A value from a diff as people write it: none as a dash, 10.0000 as 10, 2027-01-31 as a date."""
    if value is None or value == "None":
        return "–"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return format(number.normalize(), "f")
