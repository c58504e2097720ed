"""`accelerator barrier`: the administrative-burden barrier inventory (session 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from accelerator.context import acting
from accelerator.options import JsonOption, JurisdictionOption, given
from accelerator.output import console, escape, print_json

app = typer.Typer(help="Administrative-burden barriers: inventory, status, history, spreadsheet round trip.",
                  no_args_is_help=True)



def print_barrier(data: dict[str, Any]) -> None:
    console.print(f"[bold]Barrier {data['id']}[/] (version {data['version']}): {escape(data['title'])}")
    rows = [
        ("Jurisdiction", data["jurisdiction"]), ("Status", data["status_label"]),
        ("Category", data["category_label"]), ("Process stage", data["stage_label"]),
        ("Who controls the rule", data.get("controller_label") or "–"), ("Severity (1-5)", data.get("severity") or "–"),
        ("Burden falls on", data.get("burden_on") or "–"), ("Root cause", data.get("root_cause") or "–"),
        ("Owner", data.get("owner") or "–"), ("Linked indicators", ", ".join(data.get("indicators") or []) or "–"),
        ("Community input", ", ".join(map(str, data.get("inputs") or [])) or "–"),
        ("Description", data.get("description") or "–"),
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
    controller: Annotated[str | None, typer.Option(help="Who controls the rule: department, county_city, state, federal, funder.")] = None,
    burden_on: Annotated[str, typer.Option("--burden-on", help="Who the burden falls on.")] = "",
    root_cause: Annotated[str, typer.Option("--root-cause", help="Why the current practice exists.")] = "",
    indicator: Annotated[list[str] | None, typer.Option(help="Linked rubric indicator id (repeat for more).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a new barrier (status: identified)."""
    from assessment.barriers import add_barrier, barrier_dict
    from assessment.shapes import BarrierCreate, validate

    data = given(title=title, description=description, category=category, stage=stage, controller=controller,
                  severity=severity, burden_on=burden_on, root_cause=root_cause, indicators=indicator or [], owner=owner)
    with acting(ctx) as (session, actor):
        barrier = add_barrier(session, actor, jurisdiction, validate(BarrierCreate, data, "barrier"))
        shown = barrier_dict(session, barrier)
    if as_json:
        print_json(shown)
        return
    print_barrier(shown)


@app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction name (default: every one you may read).")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List barriers."""
    from rich.table import Table

    from assessment.barriers import barrier_dict, list_barriers

    with acting(ctx) as (session, actor):
        rows = [barrier_dict(session, b) for b in list_barriers(session, actor, jurisdiction, status, category)]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Barriers{': ' + escape(jurisdiction) if jurisdiction else ''}", title_justify="left")
    for column in ("ID", "Title", "Category", "Stage", "Severity", "Status", "Owner", "Version"):
        table.add_column(column, justify="right" if column in ("ID", "Severity", "Version") else "left")
    for r in rows:
        table.add_row(str(r["id"]), escape(r["title"]), escape(r["category_label"]), escape(r["stage_label"]),
                      str(r.get("severity") or "–"), r["status_label"], escape(r.get("owner") or "–"), str(r["version"]))
    console.print(table if rows else "No barriers recorded yet.")


@app.command()
def show(ctx: typer.Context, barrier_id: Annotated[int, typer.Argument(help="Barrier id.")], as_json: JsonOption = False) -> None:
    """Show one barrier."""
    from assessment.barriers import barrier_dict, get_barrier

    with acting(ctx) as (session, actor):
        shown = barrier_dict(session, get_barrier(session, actor, barrier_id))
    if as_json:
        print_json(shown)
        return
    print_barrier(shown)


@app.command()
def update(
    ctx: typer.Context,
    barrier_id: Annotated[int, typer.Argument(help="Barrier id.")],
    status: Annotated[str | None, typer.Option(help="New status: identified, analyzing, action_planned, in_progress, resolved, deferred, not_pursued.")] = None,
    note: Annotated[str, typer.Option(help="Why (required for deferred, not pursued, reopening).")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version", help="The version you read; refused if someone changed it since.")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    stage: Annotated[str | None, typer.Option()] = None,
    controller: Annotated[str | None, typer.Option()] = None,
    severity: Annotated[int | None, typer.Option()] = None,
    burden_on: Annotated[str | None, typer.Option("--burden-on")] = None,
    root_cause: Annotated[str | None, typer.Option("--root-cause")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Replace the linked indicators (repeat).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a barrier's status or fields; every change is kept in its history."""
    from assessment.barriers import barrier_dict, update_barrier
    from assessment.shapes import BarrierUpdate, validate

    changes = given(status=status, title=title, description=description, category=category, stage=stage,
                     controller=controller, severity=severity, burden_on=burden_on, root_cause=root_cause,
                     indicators=indicator or [], owner=owner)
    if not changes:
        raise typer.BadParameter("Nothing to change: give --status or a field such as --severity.")
    with acting(ctx) as (session, actor):
        barrier = update_barrier(session, actor, barrier_id, validate(BarrierUpdate, changes, "change"),
                                 expected_version, note)
        shown = barrier_dict(session, barrier)
    if as_json:
        print_json(shown)
        return
    console.print(f"Barrier {shown['id']} is now version {shown['version']}, status {shown['status_label']}.")


@app.command()
def history(ctx: typer.Context, barrier_id: Annotated[int, typer.Argument(help="Barrier id.")], as_json: JsonOption = False) -> None:
    """Every change of a barrier: who, when, from what to what, and why."""
    from rich.table import Table

    from assessment.barriers import barrier_history

    with acting(ctx) as (session, actor):
        entries = [{"actor": e.actor, "at": e.at.isoformat(), "field": e.field, "old": e.old, "new": e.new,
                    "note": e.note} for e in barrier_history(session, actor, barrier_id)]
    if as_json:
        print_json(entries)
        return
    table = Table(title=f"History of barrier {barrier_id}", title_justify="left")
    for column in ("When (UTC)", "Who", "Field", "From", "To", "Note"):
        table.add_column(column)
    for e in entries:
        table.add_row(e["at"][:16].replace("T", " "), escape(e["actor"]), e["field"], escape(e["old"] or "–"),
                      escape(e["new"] or "–"), escape(e["note"]))
    console.print(table)


@app.command()
def export(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    out: Annotated[Path, typer.Option(help="Where to write the workbook (.xlsx).")],
    as_json: JsonOption = False,
) -> None:
    """Write the inventory as a spreadsheet to edit and import back."""
    from assessment.barrier_sheet import write_inventory
    from assessment.barriers import barrier_dict, list_barriers
    from assessment.jurisdictions import get_jurisdiction

    with acting(ctx) as (session, actor):
        place = get_jurisdiction(session, jurisdiction)
        rows = [barrier_dict(session, b) for b in list_barriers(session, actor, place.name)]
    path = write_inventory(rows, out, place.name)
    if as_json:
        print_json({"file": str(path), "jurisdiction": place.name, "barriers": len(rows)})
        return
    console.print(f"Wrote {escape(path)}: {len(rows)} barrier(s) of {escape(place.name)}. Edit it, then run "
                  f"`accelerator barrier import {escape(path)} --dry-run` to preview.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The edited inventory (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show every change without making any.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Apply an edited inventory: every row or none."""
    from rich.table import Table

    from assessment.barrier_sheet import read_inventory
    from assessment.barriers import import_rows

    jurisdiction, rows = read_inventory(file)
    cells = [{**row.values, "row": row.number} for row in rows]
    with acting(ctx) as (session, actor):
        planned, touched = import_rows(session, actor, cells, jurisdiction or None, dry_run=dry_run)
    if as_json:
        print_json({"dry_run": dry_run, "changes": [p.model_dump() for p in planned],
                    "barriers": None if dry_run else [b.id for b in touched]})
        return
    table = Table(title=f"{'Would change' if dry_run else 'Changed'} ({len(planned)} change(s))", title_justify="left")
    for column in ("Row", "Barrier", "Field", "From", "To"):
        table.add_column(column)
    for p in planned:
        table.add_row(str(p.row), str(p.barrier_id or "new"), p.field, escape(p.old or "–"), escape(p.new or "–"))
    console.print(table if planned else "Nothing to change: the file matches the inventory.")
    if dry_run and planned:
        console.print("Nothing was changed (dry run). Run again without --dry-run to apply.")
