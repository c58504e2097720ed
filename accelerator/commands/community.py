"""`accelerator community`: community input and the team's engagement level (session 3)."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import acting
from accelerator.options import JsonOption, parse_date
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
        "held_on": parse_date(held_on, "--date"),
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


@app.command("list")
def list_input(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    source: Annotated[
        str | None, typer.Option(help="Only one source: listening_session, cbo_survey, interviews or advisory_board.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List a jurisdiction's community input, oldest first, with the barriers each informs."""
    from assessment.barriers.service import list_barriers
    from assessment.community.service import list_inputs

    with acting(ctx) as (session, actor):
        items = list_inputs(session, actor, jurisdiction, source)
        linked = any(item.barriers for item in items) and not as_json
        titles = {b.id: b.title for b in list_barriers(session, actor, jurisdiction)} if linked else {}
    if as_json:
        print_json(items)
        return
    if not items:
        which = "community input of that source" if source else "community input"
        console.print(
            f"No {which} recorded for {escape(jurisdiction)} yet. Record some with `accelerator community add-input`."
        )
        return
    from rich.table import Table

    table = Table(title=f"Community input: {escape(items[0].jurisdiction)}", title_justify="left")
    table.add_column("Id", justify="right")
    table.add_column("Held on")
    table.add_column("Source", overflow="fold")
    table.add_column("People", justify="right")
    table.add_column("Organizations", overflow="fold")
    table.add_column("What was heard", overflow="fold")
    table.add_column("Barriers it informs", overflow="fold")
    for item in items:
        heard = [f"• {escape(theme)}" for theme in item.themes]
        heard += [f"[italic]“{escape(quote)}”[/]" for quote in item.quotes]
        table.add_row(
            str(item.id),
            item.held_on.isoformat(),
            escape(item.source_label),
            "–" if item.participants is None else str(item.participants),
            "\n".join(escape(o) for o in item.organizations),
            "\n".join(heard),
            "\n".join(f"#{b} {escape(titles.get(b, ''))}".rstrip() for b in item.barriers) or "[dim]none yet[/]",
        )
    console.print(table)
