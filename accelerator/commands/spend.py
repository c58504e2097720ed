"""`accelerator spend`: the impact-spending baseline (session 6): import contracting data, record
the team's baseline, show the change since."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.figures import figure_rows
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, err_console, escape, print_json

if TYPE_CHECKING:
    from assessment.spending.models import ImportResult, SpendView

app = typer.Typer(
    help="Impact spending: import contracts and payments (spreadsheet or OCDS), record the baseline, show the change.",
    no_args_is_help=True,
)

PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="A calendar year (2025), years (2023-2025: one column each) or days as one period "
        "(2024-07-01..2025-06-30, e.g. a fiscal year). Default: every calendar year with a contract.",
    ),
]


@app.command()
def template(
    out: Annotated[Path, typer.Option(help="Where to write the spreadsheet (.xlsx).")],
    as_json: JsonOption = False,
) -> None:
    """Write the spending spreadsheet to fill: its columns, yes/no drop-downs and instructions."""
    from assessment.spending.sheet import write_template

    path = write_template(out)
    if as_json:
        print_json({"file": str(path)})
        return
    console.print(
        f"Wrote {escape(path)}. Fill its Spending sheet (one row per payment), then run "
        f'`accelerator spend import --jurisdiction "NAME" {escape(path)} --dry-run` to preview.'
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The spending file: the template filled (.xlsx), a .csv, or OCDS JSON (.json).")
    ],
    jurisdiction: JurisdictionOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change without changing it.")] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows (or OCDS processes) and list the others, instead of refusing the whole file.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import contracts and payments; importing the same file again changes nothing."""
    from assessment.spending.imports import import_spending

    with acting(ctx) as (session, actor):
        result = import_spending(session, actor, jurisdiction, file, dry_run=dry_run, skip_invalid=skip_invalid)
    if as_json:
        print_json(result)
        return
    print_import(result)


def print_import(result: ImportResult) -> None:
    would = "Would import" if result.dry_run else "Imported"
    console.print(
        f"{would} {escape(result.file)} ({result.kind}) into {escape(result.jurisdiction)}: "
        f"{result.contracts} contract(s) and {result.payments} payment(s) in {result.currency or 'no currency'}."
    )
    if result.changes_anything:
        console.print(
            f"  contracts: {result.contracts_added} new, {result.contracts_changed} changed, "
            f"{result.contracts_unchanged} already there; payments: {result.payments_added} new, "
            f"{result.payments_changed} changed, {result.payments_unchanged} already there; "
            f"{result.vendors_added} new vendor(s), {result.vendors_renamed} renamed."
        )
    else:
        console.print("  Nothing to change: everything in the file is already imported.")
    if result.skipped_count:
        skipped = f"{result.skipped_count} invalid {'row' if result.kind in ('xlsx', 'csv') else 'process'}(s)"
        err_console.print(f"[yellow]Skipped[/] {skipped} (--skip-invalid):", highlight=False)
        for line in result.skipped[:50]:
            err_console.print(f"  - {escape(line)}", highlight=False)
        more = result.skipped_more + max(len(result.skipped) - 50, 0)
        if more:
            err_console.print(f"  ... and {more} more problem(s); --json lists the first 1000.")
    if result.ignored_columns:
        console.print(f"  Columns not read: {escape(', '.join(result.ignored_columns))}.")
    for note in result.notes:
        console.print(f"  Note: {escape(note)}")
    if result.dry_run and result.changes_anything:
        console.print("Nothing was changed (dry run). Run again without --dry-run to import.")


@app.command()
def baseline(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    period: PeriodOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Record the baseline again from the data imported now.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Record the team's impact-spending baseline (or, once recorded, show the change since)."""
    from assessment.spending.service import record_baseline

    with acting(ctx) as (session, actor):
        view = record_baseline(session, actor, jurisdiction, cohort, period, replace)
    if as_json:
        print_json(view)
        return
    print_view(view)


@app.command()
def show(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="Cohort name (default: the jurisdiction's latest baseline).")
    ] = None,
    period: PeriodOption = None,
    as_json: JsonOption = False,
) -> None:
    """The impact-spending figures by period, and their change against the team's baseline."""
    from assessment.spending.service import show_spending

    with acting(ctx) as (session, actor):
        view = show_spending(session, actor, jurisdiction, cohort, period)
    if as_json:
        print_json(view)
        return
    print_view(view)


def print_view(view: SpendView) -> None:
    from rich.table import Table

    figures = view.figures
    title = f"Impact spending of {escape(view.jurisdiction)} ({figures.currency or 'no currency'})"
    table = Table(title=title, title_justify="left")
    table.add_column("Figure", overflow="fold")
    periods = figures.periods
    changes = {c.period: c for c in view.changes}
    reference = view.baseline.figures.periods[-1].period if view.baseline and view.baseline.figures.periods else None
    if changes and reference:
        table.add_column(f"Baseline {reference}", justify="right")
    for period in periods:
        table.add_column(period.period, justify="right")
        if period.period in changes:
            table.add_column("change", justify="right")
    for label, cells in figure_rows(periods, changes, with_baseline=bool(changes and reference)):
        table.add_row(escape(label), *cells)
    console.print(table)
    if view.recorded:
        console.print(f"Recorded the baseline of the team of {escape(view.jurisdiction)} in {escape(view.cohort)}.")
    for period in periods:
        for note in period.notes:
            console.print(f"  {period.period}: {escape(note)}")
    console.print(f"  Percentiles: {figures.percentile_method}.")
    for note in view.notes:
        console.print(f"  {escape(note)}")
