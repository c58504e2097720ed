"""`accelerator metrics`: health equity metrics of places (session 5) and the ZIP code crosswalk."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import JsonOption, JurisdictionOption
from accelerator.output import console, err_console, escape, print_json

if TYPE_CHECKING:
    from assessment.metrics.models import MetricImport

app = typer.Typer(
    help="Health equity metrics of a jurisdiction's census tracts (such as the Healthy Places Index), and the ZIP "
    "code crosswalk that places vendors known by ZIP code.",
    no_args_is_help=True,
)
crosswalk_app = typer.Typer(
    help="The ZIP code to census tract crosswalk (such as HUD-USPS's ZIP-TRACT file).", no_args_is_help=True
)
app.add_typer(crosswalk_app, name="crosswalk")

VintageOption = Annotated[
    int | None,
    typer.Option(
        "--vintage",
        help="Which census tracts the file's ids are: 2010 or 2020 (the data's documentation says; needed unless "
        "the file has a vintage column).",
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would be imported, without importing.")]


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="The metric table (.csv or .xlsx): the Healthy Places Index as published (a row per tract, GEO_ID, "
            "hpi_pctile, ...), or a long table: geo_id, metric, value, percentile, year, source."
        ),
    ],
    jurisdiction: JurisdictionOption,
    vintage: VintageOption = None,
    year: Annotated[
        int | None, typer.Option(help="The year the data describes, when the file has no year column.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Where the data comes from (default: the publisher of a known metric).")
    ] = None,
    percentile_scale: Annotated[
        str | None,
        typer.Option(
            "--percentile-scale",
            help="0-1 or 0-100: how the file writes percentiles, only when it cannot be told from the values.",
        ),
    ] = None,
    skip_outside: Annotated[
        bool,
        typer.Option(
            "--skip-outside",
            help="Import only the jurisdiction's tracts of a larger file (a statewide one); without it, tracts "
            "outside the jurisdiction's counties are refused.",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import a metric table for a jurisdiction's census tracts: all of it, or nothing when any row has a problem."""
    from assessment.core.shapes import validate
    from assessment.metrics.imports import ImportOptions, import_metrics

    given = {"vintage": vintage, "year": year, "source": source, "percentile_scale": percentile_scale}
    options = validate(ImportOptions, {**given, "skip_outside": skip_outside}, "import")
    with acting(ctx) as (session, actor):
        done = import_metrics(session, actor, jurisdiction, file, options, dry_run=dry_run)
    if as_json:
        print_json(done)
        return
    warn(done.warnings)
    print_import(done)


def print_import(done: MetricImport) -> None:
    from rich.table import Table

    verb = "Would import" if done.dry_run else "Imported"
    if not done.changes_anything:
        verb = "Already imported"
    table = Table(title=f"{verb}: {escape(done.file)} for {escape(done.jurisdiction)}", title_justify="left")
    for column in ("Metric", "Higher is", "Vintage", "Year", "Tracts", "Q1", "Q2", "Q3", "Q4", "No score"):
        table.add_column(column, justify="left" if column in ("Metric", "Higher is") else "right", overflow="fold")
    for column in ("Added", "Changed", "Removed"):
        table.add_column(column, justify="right")
    for m in done.metrics:
        table.add_row(
            f"{escape(m.metric)} ({escape(m.label)})",
            "better" if m.direction.value == "higher_is_better" else "worse",
            str(m.vintage),
            str(m.year or "–"),
            str(m.tracts),
            *map(str, m.quartiles),
            str(m.unscored),
            str(m.added),
            str(m.changed),
            str(m.removed),
        )
    console.print(table)
    console.print("Q1 is the least advantaged quarter of the tracts for every metric, whichever way it runs.")
    for m in done.metrics:
        if m.settings:
            console.print(f"{escape(m.metric)}: {escape('; '.join(m.settings))}")
    if done.outside_skipped:
        console.print(f"{done.outside_skipped} row(s) of tracts outside {escape(done.jurisdiction)} were skipped.")
    if not done.changes_anything:
        console.print("Nothing to change: the file matches what is imported.")
    elif done.dry_run:
        console.print("Nothing was changed (dry run). Run again without --dry-run to import.")


@app.command("list")
def list_(ctx: typer.Context, jurisdiction: JurisdictionOption, as_json: JsonOption = False) -> None:
    """List the metrics imported for a jurisdiction, with its tracts by quartile."""
    from rich.table import Table

    from assessment.metrics.service import list_metrics

    with acting(ctx) as (session, actor):
        rows = list_metrics(session, actor, jurisdiction)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            f"No metric is imported for {escape(jurisdiction)} yet. Import one with "
            f'`accelerator metrics import --jurisdiction "{escape(jurisdiction)}" FILE --vintage 2010`.'
        )
        return
    table = Table(title=f"Place metrics of {escape(rows[0].jurisdiction)}", title_justify="left")
    for column in ("Metric", "Vintage", "Year", "Tracts", "Q1", "Q2", "Q3", "Q4", "No score", "Source", "Imported"):
        table.add_column(column, overflow="fold")
    for m in rows:
        table.add_row(
            f"{escape(m.metric)} ({escape(m.label)})",
            str(m.vintage),
            str(m.year or "–"),
            str(m.tracts),
            *map(str, m.quartiles),
            str(m.unscored),
            escape(m.source or "–"),
            f"{m.imported_at:%Y-%m-%d} by {escape(m.imported_by)}",
        )
    console.print(table)


@crosswalk_app.command("import")
def crosswalk_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="The crosswalk (.csv or .xlsx) with columns ZIP, TRACT (11-digit tract ids) and RES_RATIO (the "
            "share of the ZIP code's residential addresses in the tract)."
        ),
    ],
    vintage: VintageOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import the ZIP code to tract crosswalk (an alliance lead or an admin: every jurisdiction shares it)."""
    from assessment.metrics.crosswalk import import_crosswalk

    with acting(ctx) as (session, actor):
        done = import_crosswalk(session, actor, file, vintage, dry_run=dry_run)
    if as_json:
        print_json(done)
        return
    changes = done.added + done.changed + done.removed
    verb = "Would import" if done.dry_run and changes else "Imported" if changes else "Already imported"
    console.print(
        f"{verb} {escape(done.file)}: {done.rows} ZIP-tract shares of {done.zips} ZIP code(s), {done.vintage} tracts "
        f"({done.added} added, {done.changed} changed, {done.removed} removed)."
    )
    if not changes:
        console.print("Nothing to change: the file matches the crosswalk.")
    elif done.dry_run:
        console.print("Nothing was changed (dry run). Run again without --dry-run to import.")
