"""`accelerator assessment`: the self-assessment workbook and the assessment run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, escape, print_json

if TYPE_CHECKING:
    from assessment.selfassessment.service import RunSummary

app = typer.Typer(help="The C&P equity self-assessment: workbooks, runs and results.", no_args_is_help=True)


@app.command()
def template(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    cycle: Annotated[str, typer.Option(help="baseline, midpoint or final.")],
    out: Annotated[Path, typer.Option(help="Where to write the workbook (.xlsx).")],
    as_json: JsonOption = False,
) -> None:
    """Write the blank self-assessment workbook to hand to each team member."""
    from assessment.selfassessment.service import write_team_template

    with acting(ctx) as (session, actor):
        written = write_team_template(session, actor, jurisdiction, cohort, cycle, out)
    if as_json:
        print_json(written)
        return
    console.print(
        f"Wrote {escape(written.path)}: {written.practices} practices in {written.domains} domains "
        f"for {escape(written.jurisdiction)}, {written.cycle.value}. Give one copy to each respondent."
    )


@app.command()
def run(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    cycle: Annotated[str, typer.Option(help="baseline, midpoint or final.")],
    files: Annotated[list[Path], typer.Argument(help="Filled workbooks, one per respondent.")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Drop respondents of the cycle's earlier submission who have no workbook here."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Score the filled workbooks (a Prefect flow) and store the team's result."""
    from accelerator.flowrun import StepWatcher, configure_prefect, run_flow_steps
    from assessment.selfassessment.service import preflight

    # What can be checked without Prefect is checked first: a refusal takes a second, not twenty.
    with acting(ctx) as (session, actor):
        preflight(session, actor, jurisdiction, cohort, cycle, files)
    email = actor.email  # the flow acts as the person resolved here, never as nobody

    configure_prefect()  # before Prefect loads, which reads its settings once
    from flows.assessment_run import STEPS, assessment_run
    from flows.steps import watching

    def start(on_step: StepWatcher) -> RunSummary:
        with watching(on_step):
            return assessment_run(jurisdiction, cohort, cycle, [str(f) for f in files], actor=email, replace=replace)

    summary = run_flow_steps(start, "Scoring the workbooks", STEPS)
    if as_json:
        print_json(as_contract(summary))
        return
    print_summary(summary)


@app.command()
def show(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    cycle: Annotated[str | None, typer.Option(help="baseline, midpoint or final (default: the latest).")] = None,
    submission: Annotated[
        int | None, typer.Option(help="An earlier submission of the cycle, by number (default: the current one).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a stored assessment result."""
    from assessment.selfassessment.service import show as show_result

    with acting(ctx) as (session, actor):
        summary = show_result(session, actor, jurisdiction, cohort, cycle, submission)
    if as_json:
        print_json(as_contract(summary))
        return
    print_summary(summary)


def as_contract(summary: RunSummary) -> dict[str, object]:
    """The JSON scripts rely on: overall, domains, indicators, gaps, change (plus context)."""
    result = summary.result.model_dump(mode="json")
    return {
        "jurisdiction": summary.jurisdiction,
        "cohort": summary.cohort,
        "cycle": summary.cycle.value,
        "assessment_id": summary.assessment_id,
        "submission": summary.submission,
        "submitted_at": summary.submitted_at.isoformat(),
        "submitted_by": summary.submitted_by,
        "outcome": summary.outcome,
        "files": summary.files,
        "rubric": {"id": result["rubric_id"], "version": result["rubric_version"]},
        "respondents": result["respondents"],
        "overall": result["overall"],
        "domains": result["domains"],
        "indicators": result["indicators"],
        "gaps": result["gaps"],
        "disagreements": result["disagreements"],
        "change": result["change"],
    }


# The chart column: BAR_WIDTH cells stand for 0-100, each drawn in eighths of a cell.
BAR_WIDTH = 20
SCALE = "0        50      100"
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")


def bar(score: float | None) -> str:
    """A 0-100 score as a bar of unicode blocks (empty when there is none)."""
    if score is None:
        return ""
    eighths = round(min(max(score, 0.0), 100.0) * BAR_WIDTH * 8 / 100)
    full, part = divmod(eighths, 8)
    return f"[cyan]{'█' * full}{EIGHTHS[part]}[/]"


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def print_summary(summary: RunSummary) -> None:
    from rich.table import Table

    result = summary.result
    overall = result.overall
    outcome = {
        "created": "stored",
        "replaced": f"stored; replaces submission {summary.submission - 1}, whose ratings are kept in history",
        "unchanged": "already stored with the same answers; nothing changed",
        "stored": "stored",
    }[summary.outcome]
    console.print(
        f"[bold]{escape(summary.jurisdiction)}[/] · {escape(summary.cohort)} · {summary.cycle.value} "
        f"self-assessment, submission {summary.submission} ({outcome})"
    )
    console.print(
        f"{result.respondents} respondent(s); submitted by {escape(summary.submitted_by)} "
        f"on {summary.submitted_at:%Y-%m-%d %H:%M} UTC"
    )
    change = result.change
    table = Table(title="Domain scores", title_justify="left")
    table.add_column("Domain")
    table.add_column("Mean (1–4)", justify="right")
    table.add_column("Score (0–100)", justify="right")
    table.add_column(SCALE, no_wrap=True, min_width=BAR_WIDTH)
    table.add_column("Rated", justify="right")
    if change:
        table.add_column(f"Change since {change.since_cycle}", justify="right")
    for d in result.domains:
        row = [
            escape(d.title),
            "–" if d.mean is None else f"{d.mean:.2f}",
            "–" if d.score is None else f"{d.score:.1f}",
            "" if d.insufficient else bar(d.score),
            f"{d.rated}/{d.total}" + (" (too few: left out)" if d.insufficient else ""),
        ]
        if change:
            row.append(_signed(change.domains[d.id].change) if d.id in change.domains else "")
        table.add_row(*row)
    if overall.mean is not None:
        row = [
            "[bold]Overall[/]",
            f"[bold]{overall.mean:.2f}[/]",
            f"[bold]{overall.score:.1f}[/]",
            bar(overall.score),
            "",
        ]
        if change:
            row.append(_signed(change.overall.change))
        table.add_row(*row, end_section=True)
    console.print(table)
    stage = f"{overall.stage} – {overall.stage_name}" if overall.stage else "not enough ratings to say"
    console.print(f"Maturity stage: [bold]{escape(stage)}[/]")
    texts = {i.id: i for i in result.indicators}
    domains = {d.id: d.title for d in result.domains}  # people read titles; --json keeps the ids
    if result.gaps:
        gaps = Table(title="Largest gaps", title_justify="left")
        gaps.add_column("Practice")
        gaps.add_column("Domain")
        gaps.add_column("Team rating", justify="right")
        for g in result.gaps:
            gaps.add_row(escape(texts[g].text), escape(domains[texts[g].domain]), f"{texts[g].rating:.1f}")
        console.print(gaps)
    if result.disagreements:
        talk = Table(title="Disagreements to discuss (ratings 2 or more levels apart)", title_justify="left")
        talk.add_column("Practice")
        talk.add_column("Domain")
        talk.add_column("Levels given")
        for ident in result.disagreements:
            levels = ", ".join(map(str, texts[ident].levels))
            talk.add_row(escape(texts[ident].text), escape(domains[texts[ident].domain]), levels)
        console.print(talk)
    else:
        console.print("No disagreements of 2 or more levels.")
