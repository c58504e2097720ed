"""`accelerator barrier`: the administrative-burden barrier inventory (session 2)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption, given
from accelerator.output import console, err_console, escape, print_history, print_json

if TYPE_CHECKING:
    from assessment.barriers.models import BarrierPublic
    from assessment.barriers.ranking import BarrierRanking, RankedBarrier

app = typer.Typer(
    help="Administrative-burden barriers: inventory, status, history, spreadsheet round trip.", no_args_is_help=True
)


def print_barrier(barrier: BarrierPublic) -> None:
    console.print(f"[bold]Barrier {barrier.id}[/] (version {barrier.version}): {escape(barrier.title)}")
    rows = [
        ("Jurisdiction", barrier.jurisdiction),
        ("Status", barrier.status_label),
        ("Category", barrier.category_label),
        ("Process stage", barrier.stage_label),
        ("Who controls the rule", barrier.controller_label or "–"),
        ("Severity (1-5)", barrier.severity or "–"),
        ("Burden falls on", barrier.burden_on or "–"),
        ("Root cause", barrier.root_cause or "–"),
        ("Owner", barrier.owner or "–"),
        ("Linked indicators", ", ".join(barrier.indicators) or "–"),
        ("Community input", ", ".join(map(str, barrier.inputs)) or "–"),
        ("Description", barrier.description or "–"),
    ]
    for label, value in rows:
        console.print(f"  {label + ':':<24}{escape(value)}")


@app.command()
def add(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    title: Annotated[str, typer.Option(help="Short name of the barrier.")],
    category: Annotated[str, typer.Option(help="Category id or label, e.g. payment_cash_flow.")],
    stage: Annotated[str, typer.Option(help="Process stage id or label, e.g. invoicing_payment.")],
    severity: Annotated[int | None, typer.Option(help="Burden severity, 1 (minor) to 5 (severe).")] = None,
    description: Annotated[str, typer.Option(help="What happens, in plain words.")] = "",
    controller: Annotated[
        str | None, typer.Option(help="Who controls the rule: department, county_city, state, federal, funder.")
    ] = None,
    burden_on: Annotated[str, typer.Option("--burden-on", help="Who the burden falls on.")] = "",
    root_cause: Annotated[str, typer.Option("--root-cause", help="Why the current practice exists.")] = "",
    indicator: Annotated[list[str] | None, typer.Option(help="Linked rubric indicator id (repeat for more).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a new barrier (status: identified)."""
    from assessment.barriers.service import add_barrier
    from assessment.barriers.shapes import BarrierCreate
    from assessment.core.shapes import validate

    data = given(
        title=title,
        description=description,
        category=category,
        stage=stage,
        controller=controller,
        severity=severity,
        burden_on=burden_on,
        root_cause=root_cause,
        indicators=indicator or [],
        owner=owner,
    )
    with acting(ctx) as (session, actor):
        shown = add_barrier(session, actor, jurisdiction, validate(BarrierCreate, data, "barrier"))
    if as_json:
        print_json(shown)
        return
    print_barrier(shown)


@app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: Annotated[
        str | None, typer.Option(help="Jurisdiction name (default: every one you may read).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this process stage.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List barriers."""
    from rich.table import Table

    from assessment.barriers.service import list_barriers

    with acting(ctx) as (session, actor):
        rows = list_barriers(session, actor, jurisdiction, status, category, stage)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Barriers{': ' + escape(jurisdiction) if jurisdiction else ''}", title_justify="left")
    # Several jurisdictions (an alliance lead's list) need the jurisdiction to tell rows apart; what a
    # person must read wraps instead of being cut.
    places = len({r.jurisdiction for r in rows}) > 1 or jurisdiction is None
    columns = ["ID", *(["Jurisdiction"] if places else []), "Title", "Category", "Stage", "Severity", "Status"]
    for column in [*columns, "Owner", "Version"]:
        right = column in ("ID", "Severity", "Version")
        table.add_column(column, justify="right" if right else "left", overflow="fold", no_wrap=right)
    for r in rows:
        cells = [str(r.id), *([escape(r.jurisdiction)] if places else []), escape(r.title)]
        cells += [escape(r.category_label), escape(r.stage_label), str(r.severity or "–"), r.status_label]
        table.add_row(*cells, escape(r.owner or "–"), str(r.version))
    console.print(table if rows else "No barriers recorded yet.")


@app.command()
def show(
    ctx: typer.Context, barrier_id: Annotated[int, typer.Argument(help="Barrier id.")], as_json: JsonOption = False
) -> None:
    """Show one barrier."""
    from assessment.barriers.service import get_barrier

    with acting(ctx) as (session, actor):
        shown = get_barrier(session, actor, barrier_id)
    if as_json:
        print_json(shown)
        return
    print_barrier(shown)


@app.command()
def update(
    ctx: typer.Context,
    barrier_id: Annotated[int, typer.Argument(help="Barrier id.")],
    status: Annotated[
        str | None,
        typer.Option(
            help="New status: identified, analyzing, action_planned, in_progress, resolved, deferred, not_pursued."
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="Why (required for deferred, not pursued, reopening).")] = "",
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="The version you read; refused if someone changed it since."),
    ] = None,
    correct: Annotated[
        bool,
        typer.Option(
            "--correct",
            help="Correct a status set by mistake (even not pursued): the program manager or an admin, with --note.",
        ),
    ] = False,
    title: Annotated[str | None, typer.Option(help="Short name of the barrier.")] = None,
    description: Annotated[str | None, typer.Option(help="What happens, in plain words.")] = None,
    category: Annotated[str | None, typer.Option(help="Category id or label, e.g. payment_cash_flow.")] = None,
    stage: Annotated[str | None, typer.Option(help="Process stage id or label, e.g. invoicing_payment.")] = None,
    controller: Annotated[
        str | None, typer.Option(help="Who controls the rule: department, county_city, state, federal, funder.")
    ] = None,
    severity: Annotated[int | None, typer.Option(help="Burden severity, 1 (minor) to 5 (severe).")] = None,
    burden_on: Annotated[str | None, typer.Option("--burden-on", help="Who the burden falls on.")] = None,
    root_cause: Annotated[str | None, typer.Option("--root-cause", help="Why the current practice exists.")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Replace the linked indicators (repeat).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email; empty to clear.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a barrier's status or fields; every change is kept in its history."""
    from assessment.barriers.service import correct_status, update_barrier
    from assessment.barriers.shapes import BarrierUpdate
    from assessment.core.shapes import validate

    changes = given(
        status=status,
        title=title,
        description=description,
        category=category,
        stage=stage,
        controller=controller,
        severity=severity,
        burden_on=burden_on,
        root_cause=root_cause,
        indicators=indicator or [],
        owner=owner,
    )
    if not changes:
        raise typer.BadParameter("Nothing to change: give --status or a field such as --severity.")
    if correct and set(changes) != {"status"}:
        raise typer.BadParameter("--correct corrects the status only: give --status and --note, no other field.")
    with acting(ctx) as (session, actor):
        if correct:
            shown, notices = correct_status(session, actor, barrier_id, str(status), note, expected_version)
        else:
            shown, notices = update_barrier(
                session, actor, barrier_id, validate(BarrierUpdate, changes, "change"), expected_version, note
            )
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    for notice in notices:
        err_console.print(f"[yellow]Warning:[/] {escape(notice)}")
    console.print(f"Barrier {shown.id} is now version {shown.version}, status {shown.status_label}.")


@app.command()
def history(
    ctx: typer.Context, barrier_id: Annotated[int, typer.Argument(help="Barrier id.")], as_json: JsonOption = False
) -> None:
    """Every change of a barrier: who, when, from what to what, and why."""

    from assessment.barriers.service import barrier_history

    with acting(ctx) as (session, actor):
        entries = barrier_history(session, actor, barrier_id)
    if as_json:
        print_json(entries)
        return
    print_history(f"History of barrier {barrier_id}", entries)


@app.command()
def export(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    out: Annotated[Path, typer.Option(help="Where to write the workbook (.xlsx).")],
    as_json: JsonOption = False,
) -> None:
    """Write the inventory as a spreadsheet to edit and import back."""
    from assessment.barriers.service import inventory
    from assessment.barriers.sheet import write_inventory

    with acting(ctx) as (session, actor):
        place, rows = inventory(session, actor, jurisdiction)
    path = write_inventory(rows, out, place)
    if as_json:
        print_json({"file": str(path), "jurisdiction": place, "barriers": len(rows)})
        return
    console.print(
        f"Wrote {escape(path)}: {len(rows)} barrier(s) of {escape(place)}. Edit it, then run "
        f"`accelerator barrier import {escape(path)} --dry-run` to preview."
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The edited inventory (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show every change without making any.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Apply an edited inventory: every row or none."""
    from rich.table import Table

    from assessment.barriers.imports import import_rows
    from assessment.barriers.sheet import in_sheet_terms, read_inventory
    from assessment.core.errors import ValidationFailed

    jurisdiction, rows = read_inventory(file)
    cells = [{**row.values, "row": row.number} for row in rows]
    try:
        with acting(ctx) as (session, actor):
            planned, touched = import_rows(session, actor, cells, jurisdiction or None, dry_run=dry_run)
    except ValidationFailed as refused:
        raise in_sheet_terms(refused, file.name) from None
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "changes": [p.model_dump() for p in planned],
                "barriers": None if dry_run else [b.id for b in touched],
            }
        )
        return
    table = Table(title=f"{'Would change' if dry_run else 'Changed'} ({len(planned)} change(s))", title_justify="left")
    for column in ("Row", "Barrier", "Field", "From", "To"):
        table.add_column(column)
    for p in planned:
        table.add_row(str(p.row), str(p.barrier_id or "new"), p.field, escape(p.old or "–"), escape(p.new or "–"))
    console.print(table if planned else "Nothing to change: the file matches the inventory.")
    if dry_run and planned:
        console.print("Nothing was changed (dry run). Run again without --dry-run to apply.")


# A row names this many reporting jurisdictions, then counts the rest (--json lists them all).
NAMES_SHOWN = 6


def _controllers(row: RankedBarrier) -> str:
    from assessment.barriers.reference import controller_label

    return ", ".join(
        f"{'not recorded' if c == 'unknown' else controller_label(c)} {n}" for c, n in row.controllers.items()
    )


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def print_ranking(ranking: BarrierRanking) -> None:
    from rich.table import Table

    cohort = escape(ranking.cohort)
    console.print(
        f"[bold]Regional barrier ranking: {cohort}[/]\n{ranking.teams_reporting} of {ranking.jurisdictions} "
        "jurisdictions have recorded barriers. A row whose rules the state or federal government sets is a "
        "candidate for the regional policy recommendation."
    )
    if not ranking.rows:
        console.print("No barrier is recorded in the cohort's jurisdictions yet.")
    else:
        table = Table(title="Barriers by category and process stage", title_justify="left")
        columns = ["#", "Category / stage", "Jurisdictions", "Mean severity", "Resolved", "Rules set by"]
        columns += ["Regional policy", *(["Reported by"] if ranking.names_shown else [])]
        for column in columns:
            right = column in ("#", "Jurisdictions", "Mean severity")
            table.add_column(
                column, justify="right" if right else "left", overflow="fold", min_width=min(len(column), 13)
            )
        for n, row in enumerate(ranking.rows, start=1):
            cells = [
                str(n),
                f"{escape(row.category_label)} / {escape(row.stage_label)}",
                f"{row.jurisdictions} of {ranking.jurisdictions}",
                "–" if row.mean_severity is None else f"{row.mean_severity:.2f}",
                f"{row.resolved} of {row.barriers} ({row.share_resolved:.0%})",
                escape(_controllers(row)),
                "yes" if row.regional_policy_candidate else "no",
            ]
            table.add_row(*cells, *([escape(_names(row.jurisdiction_names))] if ranking.names_shown else []))
        console.print(table)
        console.print(
            "Draft a recommendation from rows with `accelerator recommendation draft --cohort "
            f'"{cohort}" ... --from-ranking KEY` (repeat it for more rows). The rows\' keys:'
        )
        for n, row in enumerate(ranking.rows, start=1):
            console.print(f"  {n:>3}. {row.key}")
    if not ranking.weakest_indicators:
        console.print("No team of the cohort has a scored self-assessment yet, so no indicator is ranked.")
        return
    table = Table(
        title="Weakest practices across the cohort",
        caption="Mean level, 1 to 4, over the teams, each at its latest scored self-assessment.",
        title_justify="left",
        caption_justify="left",
    )
    for column in ("Indicator", "Practice", "Domain", "Mean level", "Teams"):
        table.add_column(column, justify="right" if column in ("Mean level", "Teams") else "left", overflow="fold")
    for w in ranking.weakest_indicators:
        table.add_row(escape(w.indicator), escape(w.title), escape(w.domain_title), f"{w.mean_level:.2f}", str(w.teams))
    console.print(table)


@app.command()
def rank(ctx: typer.Context, cohort: CohortOption, as_json: JsonOption = False) -> None:
    """Rank the barriers shared across a cohort's jurisdictions (session 8), with its weakest practices."""
    from assessment.barriers.ranking import rank_barriers

    with acting(ctx) as (session, actor):
        ranking = rank_barriers(session, actor, cohort)
    if as_json:
        print_json(ranking)
        return
    print_ranking(ranking)
