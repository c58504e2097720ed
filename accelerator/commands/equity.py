"""`accelerator equity`: the equity profile of a jurisdiction's places (session 5)."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import acting
from accelerator.figures import count, money, share
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, err_console, escape, print_json

app = typer.Typer(
    help="The equity profile: a jurisdiction's census tracts by quartile of a health equity metric, and where its "
    "contract dollars go.",
    no_args_is_help=True,
)


@app.command()
def profile(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    metric: Annotated[
        str, typer.Option(help="The metric whose quartiles place the tracts: hpi (default), ces, or any imported.")
    ] = "hpi",
    period: Annotated[
        str | None,
        typer.Option(help="Only the contracts of this period: a year (2025), years (2023-2025) or dates (A..B)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The jurisdiction's tracts by quartile (1 = least advantaged), with the dollars, contracts and vendors in each."""
    from rich.table import Table

    from assessment.metrics.profile import profile_with_spending

    with acting(ctx) as (session, actor):
        shown = profile_with_spending(session, actor, jurisdiction, cohort, metric, period)
    if as_json:
        print_json(shown)
        return
    for warning in shown.warnings:
        err_console.print(f"[yellow]Note:[/] {escape(warning)}")
    year = f", {shown.year}" if shown.year else ""
    table = Table(
        title=f"Equity profile of {escape(shown.jurisdiction)}: {escape(shown.metric_label)} "
        f"({shown.vintage} tracts{year})",
        title_justify="left",
    )
    for column in ("Quartile", "Tracts", "Dollars", "Share", "Contracts", "Share", "Vendors", "Share"):
        table.add_column(column, justify="left" if column == "Quartile" else "right", overflow="fold")
    for q in shown.quartiles:
        table.add_row(
            f"{q.quartile}{' (' + escape(q.label) + ')' if q.label else ''}",
            str(q.tracts),
            money(q.dollars),
            share(q.dollar_share),
            count(q.contracts),
            share(q.contract_share),
            count(q.vendors),
            share(q.vendor_share),
        )
    u = shown.unplaced
    if shown.spend_loaded:
        table.add_row(
            "Not placed",
            "",
            money(u.dollars),
            share(u.dollar_share),
            count(u.contracts),
            share(u.contract_share),
            count(u.vendors),
            share(u.vendor_share),
        )
    console.print(table)
    if shown.unscored_tracts:
        console.print(f"{shown.unscored_tracts} tract(s) have no {escape(shown.metric)} score and no quartile.")
    for reason in u.reasons:
        console.print(
            f"  Not placed: {escape(reason.label)}: {money(reason.dollars)}, {count(reason.vendors)} vendor(s)"
        )
