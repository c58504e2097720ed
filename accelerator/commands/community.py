"""`accelerator community`: community input and the team's engagement level (session 3)."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import acting
from accelerator.options import JsonOption
from accelerator.output import console, escape, print_json

app = typer.Typer(
    help="Community input (listening sessions, CBO surveys, ...) and engagement level.", no_args_is_help=True
)


@app.command("add-input")
def add_input(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    source: Annotated[str, typer.Option(help="listening_session, cbo_survey, interviews or advisory_board.")],
    held_on: Annotated[str, typer.Option("--date", help="When it took place, YYYY-MM-DD.")],
    participants: Annotated[int | None, typer.Option(help="How many people took part.")] = None,
    organization: Annotated[list[str] | None, typer.Option(help="An organization that took part (repeat).")] = None,
    theme: Annotated[list[str] | None, typer.Option(help="A theme heard (repeat).")] = None,
    quote: Annotated[list[str] | None, typer.Option(help="A quote (repeat).")] = None,
    barrier: Annotated[list[int] | None, typer.Option(help="Id of a barrier this input informs (repeat).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record community input and link it to the barriers it speaks to."""
    from assessment.community.service import add_input as record_input
    from assessment.community.shapes import InputCreate
    from assessment.core.shapes import validate

    data: dict[str, object] = {
        "source": source,
        "held_on": held_on,
        "participants": participants,
        "organizations": organization or [],
        "themes": theme or [],
        "quotes": quote or [],
        "barriers": barrier or [],
    }
    with acting(ctx) as (session, actor):
        shown = record_input(session, actor, jurisdiction, validate(InputCreate, data, "community input"))
    if as_json:
        print_json(shown)
        return
    linked = f", linked to barrier(s) {', '.join(map(str, shown.barriers))}" if shown.barriers else ""
    console.print(f"Recorded community input {shown.id} ({shown.source_label}, {shown.held_on}){linked}.")


@app.command("set-engagement")
def set_engagement(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    current: Annotated[str, typer.Option(help="Where the team is: 0 Ignore .. 5 Defer to (number or name).")],
    aspirational: Annotated[str, typer.Option(help="Where it aims to be, 0..5.")],
    evidence: Annotated[str, typer.Option(help="What shows the current level.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Rate the team's community engagement, current and aspirational."""
    from assessment.community.engagement import set_engagement as record

    with acting(ctx) as (session, actor):
        shown = record(session, actor, jurisdiction, cohort, current, aspirational, evidence)
    if as_json:
        print_json(shown)
        return
    console.print(
        f"Community engagement of {escape(jurisdiction)}: {shown.current} {escape(shown.current_name)} now, "
        f"aiming for {shown.aspirational} {escape(shown.aspirational_name)}."
    )
