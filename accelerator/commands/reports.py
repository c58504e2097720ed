"""`accelerator report`: the impact reports (session 9): the highlights and quotes a team enters for
its report, and whether the team is named in the regional report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, escape, print_json

if TYPE_CHECKING:
    from assessment.reports.models import HighlightPublic

app = typer.Typer(
    help="Impact reports: the highlights and quotes a team enters, and whether it is named in the regional report.",
    no_args_is_help=True,
)
highlight_app = typer.Typer(
    help="Highlights and quotes a team enters for its impact report.",
    no_args_is_help=True,
)
app.add_typer(highlight_app, name="highlight")

IdArgument = Annotated[
    int, typer.Argument(help="Highlight or quote id (shown by `accelerator report highlight list`).")
]


def print_highlight(h: HighlightPublic) -> None:
    by = f" — {h.attribution}" if h.attribution else ""
    removed = f" [removed {h.removed_at:%Y-%m-%d} by {h.removed_by}: {h.removed_reason}]" if h.removed_at else ""
    console.print(f"[bold]{h.kind_label} {h.id}[/] ({escape(h.jurisdiction)}): {escape(h.text + by + removed)}")


@highlight_app.command("add")
def add(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    text: Annotated[str, typer.Option(help="What the report should say, in plain words.")],
    quote: Annotated[bool, typer.Option("--quote", help="The text is a quote: words someone said.")] = False,
    by: Annotated[
        str, typer.Option("--by", help='Who said it, as it should be printed, e.g. "a community partner".')
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a highlight (or, with --quote, a quote) to the team's impact report."""
    from assessment.core.shapes import validate
    from assessment.reports.highlights import add_highlight
    from assessment.reports.shapes import HighlightCreate

    data: dict[str, object] = {"kind": "quote" if quote else "highlight", "text": text, "attribution": by}
    with acting(ctx) as (session, actor):
        shown = add_highlight(session, actor, jurisdiction, cohort, validate(HighlightCreate, data, "highlight"))
    if as_json:
        print_json(shown)
        return
    print_highlight(shown)


@highlight_app.command("list")
def list_(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    removed: Annotated[bool, typer.Option("--removed", help="Also list those taken out, with why.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the team's highlights and quotes, in the order they were entered."""
    from assessment.reports.highlights import list_highlights

    with acting(ctx) as (session, actor):
        rows = list_highlights(session, actor, jurisdiction, cohort, include_removed=removed)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            "No highlight or quote entered yet; add one with "
            f'`accelerator report highlight add --jurisdiction "{escape(jurisdiction)}" --cohort "{escape(cohort)}" '
            '--text "..."`.'
        )
    for row in rows:
        print_highlight(row)


@highlight_app.command("remove")
def remove(
    ctx: typer.Context,
    highlight_id: IdArgument,
    reason: Annotated[str, typer.Option(help="Why it is taken out of the report (kept in its history).")],
    as_json: JsonOption = False,
) -> None:
    """Take a highlight or quote out of the report; it is kept, with who removed it and why."""
    from assessment.reports.highlights import remove_highlight

    with acting(ctx) as (session, actor):
        shown = remove_highlight(session, actor, highlight_id, reason)
    if as_json:
        print_json(shown)
        return
    print_highlight(shown)


@highlight_app.command("history")
def history(ctx: typer.Context, highlight_id: IdArgument, as_json: JsonOption = False) -> None:
    """Every change of a highlight or quote: who entered it, who removed it, when and why."""
    from rich.table import Table

    from assessment.reports.highlights import highlight_history

    with acting(ctx) as (session, actor):
        entries = highlight_history(session, actor, highlight_id)
    if as_json:
        print_json(entries)
        return
    table = Table(title=f"History of highlight {highlight_id}", title_justify="left")
    for column in ("When (UTC)", "Who", "What", "Text", "Why"):
        table.add_column(column, overflow="fold", no_wrap=column == "When (UTC)")
    for e in entries:
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M}",
            escape(e.actor),
            e.field.capitalize(),
            escape(e.new or e.old or "–"),
            escape(e.note),
        )
    console.print(table)


@app.command("opt-in")
def opt_in(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    no: Annotated[
        bool, typer.Option("--no", help="Opt out: the regional report counts the team's figures without naming it.")
    ] = False,
    note: Annotated[str, typer.Option(help="Why, for the history.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Opt the team in to being named in the regional report (or out, with --no); until then it is not named."""
    from assessment.reports.highlights import set_named_in_regional

    with acting(ctx) as (session, actor):
        shown = set_named_in_regional(session, actor, jurisdiction, cohort, not no, note)
    if as_json:
        print_json(shown)
        return
    console.print(escape(shown.said))


FormatsOption = Annotated[str, typer.Option("--format", help="Comma-separated: pdf, xlsx, html (default: all three).")]
OutOption = Annotated[Path, typer.Option(help="Folder for the report's files (made when missing).")]


@app.command("jurisdiction")
def jurisdiction_report(
    ctx: typer.Context,
    jurisdiction: JurisdictionOption,
    cohort: CohortOption,
    formats: FormatsOption = "pdf,xlsx,html",
    out: OutOption = Path("reports"),
    as_json: JsonOption = False,
) -> None:
    """Compile a team's impact report (session 9) as PDF, XLSX and HTML (a Prefect flow)."""
    from assessment.reports.compiled import require_compile
    from roadmaps.report.registry import parse_report_formats

    # Who may compile it, and the formats, are checked before Prefect starts: a refusal takes a second.
    with acting(ctx) as (session, actor):
        require_compile(session, actor, "jurisdiction", cohort, jurisdiction)
    parse_report_formats(formats)
    email = actor.email

    def start() -> dict[str, object]:
        from flows.reports import jurisdiction_report

        return jurisdiction_report(jurisdiction, cohort, formats, str(out), actor=email)

    _compiled(start, "Compiling the impact report", False, as_json)


@app.command("regional")
def regional_report(
    ctx: typer.Context,
    cohort: CohortOption,
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize",
            help="Label every jurisdiction (Jurisdiction A, B, ...) and leave out any breakdown that would identify "
            "one. Without it a jurisdiction is named only if its team opted in (`accelerator report opt-in`).",
        ),
    ] = False,
    formats: FormatsOption = "pdf,xlsx,html",
    out: OutOption = Path("reports"),
    as_json: JsonOption = False,
) -> None:
    """Compile the cohort's regional impact report as PDF, XLSX and HTML (a Prefect flow; alliance leads only)."""
    from assessment.reports.compiled import require_compile
    from roadmaps.report.registry import parse_report_formats

    with acting(ctx) as (session, actor):
        require_compile(session, actor, "regional", cohort, None)
    parse_report_formats(formats)
    email = actor.email

    def start() -> dict[str, object]:
        from flows.reports import regional_report

        return regional_report(cohort, anonymize, formats, str(out), actor=email)

    _compiled(start, "Compiling the regional report", True, as_json)


def _compiled(start: Callable[[], dict[str, object]], what: str, regional: bool, as_json: bool) -> None:
    """Run the report's flow showing its steps, then say where its files are."""
    from accelerator.flowrun import StepWatcher, configure_prefect, run_flow_steps

    configure_prefect()  # before Prefect loads, which reads its settings once
    from flows.reports import JURISDICTION_STEPS, REGIONAL_STEPS
    from flows.steps import watching

    def watched_start(on_step: StepWatcher) -> dict[str, object]:
        with watching(on_step):
            return start()

    made = run_flow_steps(watched_start, what, REGIONAL_STEPS if regional else JURISDICTION_STEPS)
    if as_json:
        print_json(made)
        return
    console.print(f"[bold]{escape(str(made['title']))}[/]")
    files = made["files"]
    assert isinstance(files, list)
    for path in files:
        console.print(f"  {escape(str(path))}")
