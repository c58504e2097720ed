"""`accelerator session`: run one of the nine sessions for a team, see its records; and
`accelerator status`: the cohort board."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption, parse_date
from accelerator.output import console, escape, print_json

if TYPE_CHECKING:
    from assessment.sessions.models import SessionRecordPublic
    from assessment.sessions.service import Board

app = typer.Typer(help="The nine sessions: run one for a team, see what each recorded.", no_args_is_help=True)


@app.command()
def run(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The session's number, 1 to 9.", metavar="SESSION")],
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    held_on: Annotated[
        str | None, typer.Option("--held-on", help="The day it was held, YYYY-MM-DD (default: the cohort's date).")
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option("--attendee", help="Email of a member who attended; repeat it (default: the whole team)."),
    ] = None,
    notes: Annotated[str | None, typer.Option(help="What the team noted in the session.")] = None,
    out: Annotated[str, typer.Option(help="Folder for the files the session writes.")] = "session-output",
    as_json: JsonOption = False,
) -> None:
    """Run a session for a team (a Prefect flow): check what it needs, do its work, record it."""
    from accelerator.flowrun import run_flow
    from assessment.sessions.service import require_ready

    day = parse_date(held_on, "--held-on")
    # What the session needs is checked before Prefect starts: a refusal names each missing input.
    with acting(ctx) as (session, actor):
        require_ready(session, actor, number, jurisdiction, cohort)
    email = actor.email

    def start() -> SessionRecordPublic:
        from flows.sessions import SESSION_FLOWS

        return SESSION_FLOWS[number](
            jurisdiction, cohort, held_on=day, attendees=attendee, notes=notes, out=out, actor=email
        )

    recorded = run_flow(start, f"Running session {number}")
    if as_json:
        print_json(recorded.model_dump(mode="json"))
        return
    print_record(recorded, jurisdiction)


def print_record(record: SessionRecordPublic, jurisdiction: str) -> None:
    console.print(
        f"[bold]Session {record.number}: {escape(record.title)}[/] — {escape(jurisdiction)}, held "
        f"{record.held_on:%Y-%m-%d}, {len(record.attendees)} attendee(s) (record version {record.version})"
    )
    for text in record.deliverables.values():
        console.print(f"  [green]✓[/] {escape(text)}")
    for text in record.missing.values():
        console.print(f"  [red]✗[/] {escape(text)}")


@app.command("list")
def list_(
    ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False
) -> None:
    """The team's session records: when each was held, what it delivered and what was missing."""
    from assessment.sessions.service import session_records

    with acting(ctx) as (session, actor):
        records = session_records(session, actor, jurisdiction, cohort)
    if as_json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    if not records:
        console.print("No session recorded yet: `accelerator status --cohort COHORT` shows what is next.")
    for record in records:
        print_record(record, jurisdiction)


def status(
    ctx: typer.Context,
    cohort: CohortOption,
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction's team.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The cohort board: every team's nine sessions as done, ready or blocked, and each team's next step."""
    from assessment.sessions.service import board

    with acting(ctx) as (session, actor):
        shown = board(session, actor, cohort, jurisdiction)
    if as_json:
        print_json(shown.model_dump(mode="json"))
        return
    print_board(shown)


def print_board(shown: Board) -> None:
    from rich.table import Table

    table = Table(title=f"{shown.cohort}: the nine sessions", title_justify="left", show_lines=True)
    table.add_column("Team")
    for number in range(1, 10):
        table.add_column(str(number), justify="center")
    for team in shown.teams:
        marks = {"done": "[green]✓[/]", "ready": "[cyan]→[/]", "blocked": "[red]✗[/]"}
        table.add_row(escape(team.jurisdiction), *(marks[s.state] for s in team.sessions))
    console.print(table)
    console.print("✓ done   → ready to run   ✗ blocked (the reason is below)")
    for team in shown.teams:
        console.print(f"[bold]{escape(team.jurisdiction)}[/]: next, {escape(team.next_step)}")
        for state in team.sessions:
            if state.state == "blocked":
                console.print(f"  {state.number} blocked: {escape('; '.join(state.reasons))}")
