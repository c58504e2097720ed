"""`accelerator survey`: the partner survey of a cohort: the form, importing responses, the results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption
from accelerator.output import console, err_console, escape, print_json

if TYPE_CHECKING:
    from assessment.survey.models import ImportSummary, Share, StatementResult, SurveyResults

app = typer.Typer(
    help="The partner survey: write the form, import responses, and see the share who agree, per statement.",
    no_args_is_help=True,
)

SHARE_HEADER = "% agree or strongly agree"


@app.command()
def template(
    ctx: typer.Context,
    cohort: CohortOption,
    out: Annotated[Path, typer.Option(help="Where to write the form (.xlsx).")],
    as_json: JsonOption = False,
) -> None:
    """Write the survey form: a row per respondent, a column per statement with a drop-down of answers."""
    from assessment.survey.service import write_survey_template

    with acting(ctx) as (session, actor):
        made = write_survey_template(session, actor, cohort, out)
    if as_json:
        print_json(made)
        return
    console.print(
        f"Wrote {escape(made.path)}: the {escape(made.title)} (version {made.version}) form for "
        f"{escape(made.cohort)}, {made.statements} statements, room for {made.rows} respondents"
        + (
            f" and a list of its {made.jurisdictions} jurisdiction{'s' if made.jurisdictions != 1 else ''}."
            if made.jurisdictions
            else "."
        )
    )
    console.print(
        f'Fill its Survey sheet, then run `accelerator survey import --cohort "{escape(made.cohort)}" '
        f"{escape(made.path)}`."
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The filled form (.xlsx), or a .csv with its columns.")],
    cohort: CohortOption,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Make this file's respondents the survey's only ones: every response imported before stops "
            "counting (it stays in the history).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import survey responses: all of them, or none while any cell has a problem (each one listed).

    Answers may be the labels (any case) or numbers 1 to 5; a blank is no answer. Importing the same
    responses again changes nothing. Another file adds its respondents to those imported before (one
    already imported is refused, by name): use --replace when the file holds every response.
    """
    from assessment.survey.service import import_survey

    with acting(ctx) as (session, actor):
        summary = import_survey(session, actor, cohort, file, replace=replace)
    if as_json:
        print_json(summary)
        return
    print_import(summary)


def print_import(summary: ImportSummary) -> None:
    s = summary
    if s.outcome == "unchanged":
        console.print(
            f"Nothing to change: the responses in {escape(s.file)} are already imported "
            f"({s.respondents_total} respondent(s) in {escape(s.cohort)}'s survey)."
        )
    else:
        console.print(
            f"Imported {escape(s.file)} into {escape(s.cohort)}'s survey ({escape(s.title)}, version "
            f"{s.version}): {s.respondents} respondent(s), {s.answers} answer(s)."
        )
        if s.replaced:
            console.print(f"  It replaces the {s.replaced} respondent(s) imported before.")
        console.print(f"  The survey now has {s.respondents_total} respondent(s).")
    if s.skipped:
        console.print(f"  Skipped {s.skipped} row(s) that name someone but answer nothing.")
    if s.missing_statements:
        console.print(f"  No column for: {escape(', '.join(s.missing_statements))} (no answers to them).")
    if s.ignored_columns:
        console.print(f"  Columns not read: {escape(', '.join(s.ignored_columns))}.")


def _percent(share: Share) -> str:
    return f"{share.percent}%" if share.percent is not None and not share.suppressed else share.said


def _table(title: str, rows: list[tuple[StatementResult, Share]]) -> object:
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left")
    table.add_column("Statement", overflow="fold")
    table.add_column("Responses", justify="right", no_wrap=True)
    table.add_column(SHARE_HEADER, justify="right")
    for statement, share in rows:
        table.add_row(escape(statement.text), str(share.responses), _percent(share))
    return table


@app.command()
def results(
    ctx: typer.Context,
    cohort: CohortOption,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Only this jurisdiction's row (besides the overall).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show, per statement, how many answered and the share who agree or strongly agree: overall and
    per jurisdiction (team members see their own jurisdiction)."""
    from assessment.survey.service import survey_results

    with acting(ctx) as (session, actor):
        shown = survey_results(session, actor, cohort, jurisdiction)
    if as_json:
        print_json(shown)
        return
    print_results(shown)


def print_results(shown: SurveyResults) -> None:
    console.print(
        f"[bold]{escape(shown.title)} of {escape(shown.cohort)}[/] (version {shown.version}): "
        f"{shown.respondents} respondent(s)."
    )
    if not shown.respondents:
        console.print(
            "No responses imported yet. Write the form with `accelerator survey template "
            f'--cohort "{escape(shown.cohort)}" --out survey.xlsx`, fill it and import it with '
            "`accelerator survey import`."
        )
        return
    console.print(_table("All respondents", [(s, s.overall) for s in shown.statements]))
    places = [row.jurisdiction for row in shown.statements[0].jurisdictions] if shown.statements else []
    for index, place in enumerate(places):
        console.print(_table(place, [(s, s.jurisdictions[index].share) for s in shown.statements]))
    if any(s.overall.suppressed or any(j.share.suppressed for j in s.jurisdictions) for s in shown.statements):
        console.print(
            f'"too few responses": fewer than {shown.minimum} answered there, or showing the share would let '
            "a smaller group's answers be worked out from the others."
        )


@app.command()
def minimum(
    ctx: typer.Context,
    cohort: CohortOption,
    value: Annotated[
        int, typer.Argument(help="How many must answer a statement before its share is shown (1 to 100).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Set the cohort's small-number minimum: fewer answers than this show "too few responses"."""
    from assessment.survey.service import set_minimum

    with acting(ctx) as (session, actor):
        changed = set_minimum(session, actor, cohort, value)
    if as_json:
        print_json(changed)
        return
    for warning in changed.warnings:
        err_console.print(f"[yellow]Note:[/] {escape(warning)}")
    was = f" (was {changed.previous})" if changed.previous != changed.minimum else " (unchanged)"
    console.print(f"The survey minimum of {escape(changed.cohort)} is {changed.minimum}{was}.")
