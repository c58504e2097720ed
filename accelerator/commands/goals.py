"""`accelerator goal`: near-term process-change goals, their milestones and measures (session 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import JsonOption, given, parse_date
from accelerator.output import console, err_console, escape, print_json

if TYPE_CHECKING:
    from assessment.goals.models import GoalPublic

app = typer.Typer(
    help="Near-term process-change goals (SMART), milestones and measured progress.", no_args_is_help=True
)
milestone_app = typer.Typer(help="A goal's milestones.", no_args_is_help=True)
app.add_typer(milestone_app, name="milestone")


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}")


def print_goal(goal: GoalPublic) -> None:
    console.print(f"[bold]Goal {goal.id}[/] (version {goal.version}, {goal.status_label}): {escape(goal.statement)}")
    console.print(
        f"  Measure: {escape(goal.measure or '–')}: from {goal.baseline or '–'} to {goal.target or '–'} "
        f"{escape(goal.unit)}; latest {goal.latest_value or '–'}"
    )
    console.print(
        f"  Due {goal.due}; owner {escape(goal.owner or '–')}; removes barrier(s) {', '.join(map(str, goal.barriers))}"
    )
    for m in goal.milestones:
        mark = f"done {m.done}" if m.done else f"due {m.due or '–'}"
        console.print(f"  - milestone {m.id}: {escape(m.title)} ({mark}, {escape(m.owner or 'no owner')})")


@app.command()
def add(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    statement: Annotated[str, typer.Option(help="What will change, specifically.")],
    barrier: Annotated[list[int], typer.Option(help="Id of a barrier the goal removes (repeat for more).")],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD (near-term: within 12 months).")],
    measure: Annotated[str | None, typer.Option(help="How progress is measured.")] = None,
    baseline: Annotated[str | None, typer.Option(help="The measure's value today.")] = None,
    target: Annotated[str | None, typer.Option(help="The value to reach by the due date.")] = None,
    unit: Annotated[str, typer.Option(help="Unit of the measure, e.g. days, %.")] = "",
    owner: Annotated[str | None, typer.Option(help="Owner's email (default: you).")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Linked rubric indicator id (repeat).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Set a near-term goal for the team."""
    from assessment.core.shapes import validate
    from assessment.goals.service import add_goal
    from assessment.goals.shapes import GoalCreate

    with acting(ctx) as (session, actor):
        data = given(
            statement=statement,
            barriers=barrier,
            due=parse_date(due, "--due"),
            measure=measure,
            baseline=baseline,
            target=target,
            unit=unit,
            owner=owner,
            indicators=indicator or [],
        )
        shown, warnings = add_goal(session, actor, jurisdiction, cohort, validate(GoalCreate, data, "goal"))
    if as_json:
        print_json(shown)
        return
    _warn(warnings)
    print_goal(shown)


@app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    as_json: JsonOption = False,
) -> None:
    """List the team's goals with their progress."""
    from rich.table import Table

    from assessment.goals.service import list_goals

    with acting(ctx) as (session, actor):
        rows = list_goals(session, actor, jurisdiction, cohort)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Goals: {escape(jurisdiction)}", title_justify="left")
    for column in ("ID", "Statement", "Due", "Owner", "Status", "Milestones", "Measure"):
        table.add_column(column)
    for g in rows:
        done = sum(1 for m in g.milestones if m.done)
        share = g.measure_share
        table.add_row(
            str(g.id),
            escape(g.statement),
            g.due.isoformat(),
            escape(g.owner or "–"),
            g.status_label,
            f"{done}/{len(g.milestones)}",
            "–" if share is None else f"{share:.0%} of the way",
        )
    console.print(table if rows else "No goals set yet.")


@app.command()
def update(
    ctx: typer.Context,
    goal_id: Annotated[int, typer.Argument(help="Goal id.")],
    status: Annotated[
        str | None, typer.Option(help="not_started, on_track, at_risk, off_track, done, dropped.")
    ] = None,
    note: Annotated[str, typer.Option(help="Why (required when dropping a goal).")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version", help="The version you read.")] = None,
    statement: Annotated[str | None, typer.Option(help="What will change, specifically.")] = None,
    measure: Annotated[str | None, typer.Option(help="How progress is measured.")] = None,
    baseline: Annotated[str | None, typer.Option(help="The measure's value when the goal was set.")] = None,
    target: Annotated[str | None, typer.Option(help="The value to reach by the due date.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the measure, e.g. days, %.")] = None,
    due: Annotated[str | None, typer.Option(help="New due date, YYYY-MM-DD.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email.")] = None,
    barrier: Annotated[list[int] | None, typer.Option(help="Replace the linked barriers (repeat).")] = None,
    value: Annotated[str | None, typer.Option(help="Record the measure's latest value.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day the value was measured (default today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a goal's status or fields, or record its measure's latest value."""
    from assessment.core.shapes import validate
    from assessment.goals.milestones import change_goal
    from assessment.goals.shapes import GoalUpdate

    changes = given(
        status=status,
        statement=statement,
        measure=measure,
        baseline=baseline,
        target=target,
        unit=unit,
        due=parse_date(due, "--due"),
        owner=owner,
        barriers=barrier or [],
    )
    if not changes and value is None:
        raise typer.BadParameter("Nothing to change: give --status, --value or a field such as --due.")
    with acting(ctx) as (session, actor):
        shown, warnings = change_goal(
            session,
            actor,
            goal_id,
            validate(GoalUpdate, changes, "change"),
            expected_version,
            note,
            value,
            parse_date(as_of, "--as-of"),
        )
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": warnings})
        return
    _warn(warnings)
    print_goal(shown)


@milestone_app.command("add")
def milestone_add(
    ctx: typer.Context,
    goal_id: Annotated[int, typer.Argument(help="Goal id.")],
    title: Annotated[str, typer.Option(help="What will be done.")],
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a milestone to a goal."""
    from assessment.core.shapes import validate
    from assessment.goals.milestones import add_milestone
    from assessment.goals.shapes import MilestoneCreate

    with acting(ctx) as (session, actor):
        shown = add_milestone(
            session,
            actor,
            goal_id,
            validate(MilestoneCreate, given(title=title, due=parse_date(due, "--due"), owner=owner), "milestone"),
        )
    if as_json:
        print_json(shown)
        return
    console.print(f"Milestone {shown.id} added to goal {goal_id}: {escape(shown.title)}.")


@milestone_app.command("done")
def milestone_done(
    ctx: typer.Context,
    milestone_id: Annotated[int, typer.Argument(help="Milestone id.")],
    on: Annotated[str | None, typer.Option(help="Day it was done, YYYY-MM-DD (default today).")] = None,
    note: Annotated[str, typer.Option(help="A note for the history.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Mark a milestone done."""
    from assessment.goals.milestones import complete_milestone

    with acting(ctx) as (session, actor):
        shown = complete_milestone(session, actor, milestone_id, parse_date(on, "--on"), note)
    if as_json:
        print_json(shown)
        return
    console.print(f"Milestone {shown.id} done on {shown.done}.")
