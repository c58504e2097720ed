"""`accelerator commitment`: anchor commitments to hire, buy, invest and partner locally (session 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption, given, parse_date
from accelerator.output import console, err_console, escape, print_history, print_json
from assessment.anchor.spend import keys

if TYPE_CHECKING:
    from assessment.anchor.models import CommitmentPublic

app = typer.Typer(
    help="Anchor commitments (hire, buy, invest, partner locally) with measurable targets and progress.",
    no_args_is_help=True,
)

CATEGORY_HELP = "hire, buy, invest or partner: how the department uses its economic weight locally."
SPEND_METRIC_HELP = (
    "For a buy commitment: the spending metric it follows, so its progress is computed from imported "
    f"spend instead of typed; one of {keys()}."
)
IdArgument = Annotated[int, typer.Argument(help="Commitment id (shown by `accelerator commitment list`).")]


def _say(notices: list[str]) -> None:
    for notice in notices:
        err_console.print(f"[yellow]Note:[/] {escape(notice)}")


def print_commitment(commitment: CommitmentPublic) -> None:
    c = commitment
    console.print(
        f"[bold]Commitment {c.id}[/] (version {c.version}, {c.category_label}, {c.status_label}): {escape(c.statement)}"
    )
    follows = f" (computed from imported spend: {c.spend_metric})" if c.spend_metric else ""
    rows = [
        ("Jurisdiction", f"{c.jurisdiction} ({c.cohort})"),
        ("Measure", c.measure + follows),
        ("Baseline", f"{c.baseline} {c.unit}".rstrip() if c.baseline is not None else "–"),
        ("Target", f"{c.target} {c.unit}".rstrip()),
        ("Progress", c.progress.said + ("" if c.progress.share is None else f" ({c.progress.share:.0%} of the way)")),
        ("Due", c.due.isoformat()),
        ("Owner", c.owner or "–"),
    ]
    for label, value in rows:
        console.print(f"  {label + ':':<14}{escape(value)}")


@app.command()
def add(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    category: Annotated[str, typer.Option(help=CATEGORY_HELP)],
    statement: Annotated[str, typer.Option(help="What the department commits to, in plain words.")],
    target: Annotated[str, typer.Option(help="The value to reach by the due date, e.g. 25.")],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD (today or later).")],
    measure: Annotated[
        str | None, typer.Option(help="How progress is measured (needed unless --spend-metric names it).")
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(help="The measure's value today; left out with --spend-metric, it is read from imported spend."),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the measure, e.g. %, people, dollars.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email, a member of the team (default: you).")] = None,
    spend_metric: Annotated[str | None, typer.Option("--spend-metric", help=SPEND_METRIC_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """Make an anchor commitment for the team (status: not started)."""
    from assessment.anchor.service import add_commitment
    from assessment.anchor.shapes import CommitmentCreate
    from assessment.core.shapes import validate

    data = given(
        category=category,
        statement=statement,
        measure=measure,
        baseline=baseline,
        target=target,
        unit=unit,
        due=parse_date(due, "--due"),
        owner=owner,
        spend_metric=spend_metric,
    )
    with acting(ctx) as (session, actor):
        shown, notices = add_commitment(
            session, actor, jurisdiction, cohort, validate(CommitmentCreate, data, "commitment")
        )
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    _say(notices)
    print_commitment(shown)


@app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    category: Annotated[str | None, typer.Option(help="Only this category: hire, buy, invest or partner.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the team's anchor commitments with their progress."""
    from rich.table import Table

    from assessment.anchor.service import list_commitments

    with acting(ctx) as (session, actor):
        rows = list_commitments(session, actor, jurisdiction, cohort, category)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Anchor commitments: {escape(jurisdiction)}", title_justify="left")
    for column in ("ID", "Category", "Statement", "Target", "Due", "Owner", "Status", "Progress"):
        right = column == "ID"
        table.add_column(column, justify="right" if right else "left", overflow="fold", no_wrap=right)
    for c in rows:
        table.add_row(
            str(c.id),
            c.category_label,
            escape(c.statement),
            escape(f"{c.target} {c.unit}".rstrip()),
            c.due.isoformat(),
            escape(c.owner or "–"),
            c.status_label,
            escape(c.progress.said),
        )
    console.print(table if rows else "No anchor commitments made yet.")


@app.command()
def show(ctx: typer.Context, commitment_id: IdArgument, as_json: JsonOption = False) -> None:
    """Show one anchor commitment and where its progress stands."""
    from assessment.anchor.service import get_commitment

    with acting(ctx) as (session, actor):
        shown = get_commitment(session, actor, commitment_id)
    if as_json:
        print_json(shown)
        return
    print_commitment(shown)


@app.command()
def update(
    ctx: typer.Context,
    commitment_id: IdArgument,
    status: Annotated[
        str | None,
        typer.Option(help="not_started, on_track, at_risk, off_track, met or dropped (met and dropped need --note)."),
    ] = None,
    note: Annotated[str, typer.Option(help="Why, for the history (needed to mark met, drop or reopen).")] = "",
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="The version you read; refused if someone changed it since."),
    ] = None,
    category: Annotated[str | None, typer.Option(help=CATEGORY_HELP)] = None,
    statement: Annotated[str | None, typer.Option(help="What the department commits to, in plain words.")] = None,
    measure: Annotated[str | None, typer.Option(help="How progress is measured.")] = None,
    baseline: Annotated[str | None, typer.Option(help="The measure's value when committed; empty to clear.")] = None,
    target: Annotated[str | None, typer.Option(help="The value to reach by the due date.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the measure, e.g. %, people, dollars.")] = None,
    due: Annotated[str | None, typer.Option(help="New due date, YYYY-MM-DD.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email, a member of the team.")] = None,
    spend_metric: Annotated[
        str | None, typer.Option("--spend-metric", help=SPEND_METRIC_HELP + " Empty to type values instead.")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="Record the measure's latest value (not when following spend).")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day the value was measured (default today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a commitment's status or fields, or record its measure's latest value."""
    from assessment.anchor.measures import change_commitment
    from assessment.anchor.shapes import CommitmentUpdate
    from assessment.core.shapes import validate

    changes = given(
        status=status,
        category=category,
        statement=statement,
        measure=measure,
        baseline=baseline,
        target=target,
        unit=unit,
        due=parse_date(due, "--due"),
        owner=owner,
        spend_metric=spend_metric,
    )
    if not changes and value is None:
        raise typer.BadParameter("Nothing to change: give --status, --value or a field such as --target.")
    if as_of is not None and value is None:
        raise typer.BadParameter("--as-of is the day of a --value; give the value too.", param_hint="--as-of")
    with acting(ctx) as (session, actor):
        shown, notices = change_commitment(
            session,
            actor,
            commitment_id,
            validate(CommitmentUpdate, changes, "change"),
            expected_version,
            note,
            value,
            parse_date(as_of, "--as-of"),
        )
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    _say(notices)
    print_commitment(shown)


@app.command()
def history(ctx: typer.Context, commitment_id: IdArgument, as_json: JsonOption = False) -> None:
    """Every change of a commitment and every value typed for it: who, when, from what to what, and why."""

    from assessment.anchor.models import FIELD_LABELS
    from assessment.anchor.service import commitment_history

    with acting(ctx) as (session, actor):
        entries = commitment_history(session, actor, commitment_id)
    if as_json:
        print_json(entries)
        return
    print_history(f"History of commitment {commitment_id}", entries, FIELD_LABELS)
