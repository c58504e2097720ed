"""`accelerator change`: candidate process changes, scored, ranked and carried into goals (session 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption, given, parse_date
from accelerator.output import console, err_console, escape, print_json

if TYPE_CHECKING:
    from assessment.sessions.changes import ChangePublic

app = typer.Typer(
    help="Candidate process changes: propose them against barriers, score them 1-5, rank them, "
    "and carry the best into goals.",
    no_args_is_help=True,
)

ChangeId = Annotated[int, typer.Argument(help="Process change id (from `accelerator change list`).")]
ExpectedVersion = Annotated[
    int | None,
    typer.Option("--expected-version", help="The version you read; refused if someone edited the change since."),
]


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}")


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def print_change(change: ChangePublic) -> None:
    console.print(
        f"[bold]Change {change.id}[/] (version {change.version}, {change.status_label}): {escape(change.title)}"
    )
    scores = ", ".join(
        f"{label} {_score(value)}"
        for label, value in (
            ("equity impact", change.equity_impact),
            ("feasibility", change.feasibility),
            ("time to effect", change.time_to_effect),
            ("community input", change.community_input),
        )
    )
    console.print(f"  Scores: {scores}")
    if change.total is None:
        console.print(f"  Not ranked yet: still to score {escape(', '.join(change.missing))}.")
    elif change.rank is not None:
        console.print(f"  Total {change.total}, ranked {change.rank}.")
    else:
        console.print(f"  Total {change.total}.")
    console.print(
        f"  Removes barrier(s) {', '.join(map(str, change.barriers))}; "
        f"{change.community_inputs} community input(s) speak to them."
    )
    if change.goal_id is not None:
        console.print(f"  Carried into goal {change.goal_id}.")


@app.command()
def add(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    title: Annotated[str, typer.Option(help="Short name of the change, e.g. 'Pay invoices within 30 days'.")],
    barrier: Annotated[
        list[int], typer.Option(help="Id of a barrier of the jurisdiction this change removes (repeat for more).")
    ],
    description: Annotated[str, typer.Option(help="What would change, in plain words.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Propose a candidate process change for the team (score it next with `accelerator change score`)."""
    from assessment.core.shapes import validate
    from assessment.sessions.changes import propose_change
    from assessment.sessions.shapes import ChangeCreate

    data: dict[str, object] = {"title": title, "description": description, "barriers": barrier}
    with acting(ctx) as (session, actor):
        shown = propose_change(session, actor, jurisdiction, cohort, validate(ChangeCreate, data, "process change"))
    if as_json:
        print_json(shown)
        return
    print_change(shown)


@app.command()
def score(
    ctx: typer.Context,
    change_id: ChangeId,
    equity_impact: Annotated[
        int | None,
        typer.Option("--equity-impact", help="1 (little) to 5 (large): what it does for the organizations kept out."),
    ] = None,
    feasibility: Annotated[
        int | None, typer.Option(help="1 (hard) to 5 (easy): within the department's own rules.")
    ] = None,
    time_to_effect: Annotated[
        int | None,
        typer.Option("--time-to-effect", help="1 (more than a year) to 5 (within a month): how soon it helps."),
    ] = None,
    community_input: Annotated[
        int | None,
        typer.Option(
            "--community-input",
            help="1 (none) to 5 (strong): what community organizations said behind it "
            "(`change list` shows how much input speaks to its barriers).",
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="Why these scores (kept in the change's history).")] = "",
    expected_version: ExpectedVersion = None,
    as_json: JsonOption = False,
) -> None:
    """Score a change on any of the four criteria; every change of a score is kept in its history."""
    from assessment.core.shapes import validate
    from assessment.sessions.changes import score_change
    from assessment.sessions.shapes import ChangeScores

    scores = given(
        equity_impact=equity_impact,
        feasibility=feasibility,
        time_to_effect=time_to_effect,
        community_input=community_input,
    )
    if not scores:
        raise typer.BadParameter(
            "Nothing to score: give --equity-impact, --feasibility, --time-to-effect or --community-input (1-5)."
        )
    with acting(ctx) as (session, actor):
        shown, notices = score_change(
            session, actor, change_id, validate(ChangeScores, scores, "score"), expected_version, note
        )
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    _warn(notices)
    print_change(shown)


@app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    as_json: JsonOption = False,
) -> None:
    """The team's candidate changes, ranked by their total score (ties: equity impact, then feasibility)."""
    from rich.table import Table

    from assessment.sessions.changes import ranked_changes

    with acting(ctx) as (session, actor):
        rows = ranked_changes(session, actor, jurisdiction, cohort)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            f"No process changes proposed for {escape(jurisdiction)} yet. Propose one with "
            "`accelerator change add --jurisdiction NAME --cohort NAME --title TEXT --barrier ID`."
        )
        return
    table = Table(
        title=f"Candidate process changes: {escape(jurisdiction)}",
        title_justify="left",
        caption="Scores from 1 to 5, higher is better; community inputs: input linked to the change's barriers.",
        caption_justify="left",
    )
    numbers = ("Rank", "ID", "Equity\nimpact", "Feasibility", "Time to\neffect", "Community\ninput", "Total")
    for column in (*numbers[:2], "Title", *numbers[2:], "Barriers", "Community\ninputs", "Status"):
        right = column in numbers or column == "Community\ninputs"
        table.add_column(column, justify="right" if right else "left", no_wrap=right, overflow="fold")
    for c in rows:
        status = c.status_label + (f" (goal {c.goal_id})" if c.goal_id is not None else "")
        table.add_row(
            _score(c.rank),
            str(c.id),
            escape(c.title),
            _score(c.equity_impact),
            _score(c.feasibility),
            _score(c.time_to_effect),
            _score(c.community_input),
            _score(c.total),
            ", ".join(map(str, c.barriers)),
            str(c.community_inputs),
            status,
        )
    console.print(table)
    for c in rows:
        if c.missing and c.status != "set_aside":
            console.print(f"Change {c.id} is not ranked yet: still to score {escape(', '.join(c.missing))}.")


@app.command()
def carry(
    ctx: typer.Context,
    change_id: ChangeId,
    due: Annotated[str, typer.Option(help="The goal's due date, YYYY-MM-DD (near-term: within 12 months).")],
    statement: Annotated[
        str | None, typer.Option(help="What will change, specifically (default: the change's title).")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="The goal owner's email (default: you).")] = None,
    measure: Annotated[str | None, typer.Option(help="How progress is measured.")] = None,
    baseline: Annotated[str | None, typer.Option(help="The measure's value today.")] = None,
    target: Annotated[str | None, typer.Option(help="The value to reach by the due date.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the measure, e.g. days, %.")] = None,
    expected_version: ExpectedVersion = None,
    as_json: JsonOption = False,
) -> None:
    """Carry a change into a near-term goal that removes the same barriers; the change is marked carried."""
    from assessment.core.shapes import validate
    from assessment.sessions.changes import carry_change
    from assessment.sessions.shapes import ChangeCarry

    data = given(
        due=parse_date(due, "--due"),
        statement=statement,
        owner=owner,
        measure=measure,
        baseline=baseline,
        target=target,
        unit=unit,
    )
    with acting(ctx) as (session, actor):
        shown, goal, warnings = carry_change(
            session, actor, change_id, validate(ChangeCarry, data, "goal"), expected_version
        )
    if as_json:
        print_json({"change": shown.model_dump(mode="json"), "goal": goal.model_dump(mode="json")})
        return
    _warn(warnings)
    console.print(
        f"Carried change {shown.id} into goal {goal.id}: {escape(goal.statement)} (due {goal.due}, "
        f"owner {escape(goal.owner or '–')}, removes barrier(s) {', '.join(map(str, goal.barriers))})."
    )
    console.print(f'Add its milestones with `accelerator goal milestone add {goal.id} --title "..." --due YYYY-MM-DD`.')


@app.command("set-aside")
def set_aside(
    ctx: typer.Context,
    change_id: ChangeId,
    reason: Annotated[str, typer.Option(help="Why the team sets it aside (kept in the change's history).")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOption = False,
) -> None:
    """Set a candidate change aside; it leaves the ranking, and its reason stays in its history."""
    from assessment.sessions.changes import set_aside as put_aside

    with acting(ctx) as (session, actor):
        shown = put_aside(session, actor, change_id, reason, expected_version)
    if as_json:
        print_json(shown)
        return
    console.print(f"Change {shown.id} is set aside (version {shown.version}): {escape(shown.title)}.")
