"""`accelerator recommendation`: the regional policy recommendation and its endorsements (session 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, given
from accelerator.output import console, err_console, escape, print_history, print_json

if TYPE_CHECKING:
    from assessment.recommendations.models import Endorsed, RecommendationPublic

app = typer.Typer(
    help="The regional policy recommendation: drafted by an alliance lead from the barrier ranking, endorsed by "
    "each jurisdiction.",
    no_args_is_help=True,
)

# What the command line calls each field, for refusals to name the option to fix.
OPTIONS = {"categories": "--from-ranking", "level": "--level", "proposed_change": "--change", "title": "--title"}
IdArgument = Annotated[int, typer.Argument(help="Recommendation id (shown by `accelerator recommendation list`).")]
LEVEL_HELP = "The level of government whose rule should change: county_city, state, federal or funder."
FROM_RANKING_HELP = (
    "A row of `accelerator barrier rank` as CATEGORY/STAGE, e.g. payment_cash_flow/invoicing_payment: its figures "
    "become the evidence, in plain words (repeat for more rows)."
)


def _say(notices: list[str]) -> None:
    for notice in notices:
        err_console.print(f"[yellow]Note:[/] {escape(notice)}")


def _block(label: str, text: str) -> None:
    """A labelled field whose text may run over several lines, each indented under the first."""
    lines = text.splitlines() or ["–"]
    console.print(f"  {label + ':':<18}{escape(lines[0])}")
    for line in lines[1:]:
        console.print(f"  {'':<18}{escape(line)}")


def print_recommendation(recommendation: RecommendationPublic) -> None:
    r = recommendation
    console.print(f"[bold]Recommendation {r.id}[/] (version {r.version}, {r.status_label}): {escape(r.title)}")
    _block("Cohort", r.cohort)
    _block("Level", r.level_label)
    _block("Problem", r.problem)
    _block("Proposed change", r.proposed_change)
    _block("Evidence", r.evidence)
    _block("Ranking rows", ", ".join(r.categories) or "–")
    if r.withdrawal_reason is not None:
        _block("Withdrawn", f"{r.withdrawal_reason} (by {r.updated_by})")
    endorsed = [
        f"{e.jurisdiction}: {e.person} ({e.role}), {e.endorsed_at:%Y-%m-%d}" + (f": {e.note}" if e.note else "")
        for e in r.endorsements
    ]
    _block(f"Endorsed by ({len(endorsed)})", "\n".join(endorsed) or "no jurisdiction yet")


def print_endorsed(endorsed: Endorsed) -> None:
    console.print(escape(endorsed.said))
    names = ", ".join(e.jurisdiction for e in endorsed.recommendation.endorsements)
    console.print(f"Endorsed by {len(endorsed.recommendation.endorsements)} jurisdiction(s): {escape(names or '–')}.")


@app.command()
def draft(
    ctx: typer.Context,
    cohort: CohortOption,
    title: Annotated[str, typer.Option(help="A short name for the recommendation.")],
    problem: Annotated[str, typer.Option(help="The problem, in plain words: what the rule does to community groups.")],
    change: Annotated[str, typer.Option("--change", help="The change proposed.")],
    level: Annotated[str, typer.Option(help=LEVEL_HELP)],
    from_ranking: Annotated[list[str] | None, typer.Option("--from-ranking", help=FROM_RANKING_HELP)] = None,
    evidence: Annotated[str, typer.Option(help="Evidence in your own words (after any from the ranking).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Draft a regional policy recommendation for the cohort (an alliance lead)."""
    from assessment.core.shapes import validate
    from assessment.recommendations.service import draft_recommendation
    from assessment.recommendations.shapes import RecommendationCreate

    data = given(
        title=title,
        problem=problem,
        proposed_change=change,
        level=level,
        evidence=evidence,
        categories=from_ranking or [],
    )
    draft = validate(RecommendationCreate, data, "recommendation", names=OPTIONS)
    with acting(ctx) as (session, actor):
        shown = draft_recommendation(session, actor, cohort, draft)
    if as_json:
        print_json(shown)
        return
    print_recommendation(shown)


@app.command()
def update(
    ctx: typer.Context,
    recommendation_id: IdArgument,
    title: Annotated[str | None, typer.Option(help="A short name for the recommendation.")] = None,
    problem: Annotated[str | None, typer.Option(help="The problem, in plain words.")] = None,
    change: Annotated[str | None, typer.Option("--change", help="The change proposed.")] = None,
    level: Annotated[str | None, typer.Option(help=LEVEL_HELP)] = None,
    from_ranking: Annotated[
        list[str] | None,
        typer.Option("--from-ranking", help=FROM_RANKING_HELP + " Rewrites the evidence from today's ranking."),
    ] = None,
    evidence: Annotated[
        str | None, typer.Option(help="Evidence in your own words: replaces it (added after --from-ranking's).")
    ] = None,
    note: Annotated[str, typer.Option(help="Why, for the history.")] = "",
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="The version you read; refused if someone changed it since."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a recommendation (an alliance lead); every change is kept in its history."""
    from assessment.core.shapes import validate
    from assessment.recommendations.service import update_recommendation
    from assessment.recommendations.shapes import RecommendationUpdate

    changes = given(
        title=title,
        problem=problem,
        proposed_change=change,
        level=level,
        evidence=evidence,
        categories=from_ranking or [],
    )
    if not changes:
        raise typer.BadParameter("Nothing to change: give a field such as --title, --change or --from-ranking.")
    update = validate(RecommendationUpdate, changes, "change", names=OPTIONS)
    with acting(ctx) as (session, actor):
        shown, notices = update_recommendation(session, actor, recommendation_id, update, expected_version, note)
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    _say(notices)
    print_recommendation(shown)


@app.command()
def endorse(
    ctx: typer.Context,
    recommendation_id: IdArgument,
    jurisdiction: Annotated[str, typer.Option(help="The jurisdiction that endorses it (yours).")],
    note: Annotated[str, typer.Option(help="A word on the endorsement, shown beside it.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Endorse a recommendation for your jurisdiction (its equity program manager or executive lead)."""
    from assessment.recommendations.service import endorse as endorse_recommendation

    with acting(ctx) as (session, actor):
        endorsed = endorse_recommendation(session, actor, recommendation_id, jurisdiction, note)
    if as_json:
        print_json(endorsed)
        return
    print_endorsed(endorsed)


@app.command()
def withdraw(
    ctx: typer.Context,
    recommendation_id: IdArgument,
    jurisdiction: Annotated[
        str | None,
        typer.Option(help="Withdraw this jurisdiction's endorsement only (its program manager or executive lead)."),
    ] = None,
    reason: Annotated[
        str, typer.Option(help="Why, for the history (needed to withdraw the recommendation itself).")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Withdraw a recommendation (an alliance lead, with --reason), or with --jurisdiction only its endorsement."""
    from assessment.recommendations.service import withdraw_endorsement, withdraw_recommendation

    if jurisdiction is not None:
        with acting(ctx) as (session, actor):
            endorsed = withdraw_endorsement(session, actor, recommendation_id, jurisdiction, reason)
        if as_json:
            print_json(endorsed)
            return
        print_endorsed(endorsed)
        return
    with acting(ctx) as (session, actor):
        shown, notices = withdraw_recommendation(session, actor, recommendation_id, reason)
    if as_json:
        print_json({**shown.model_dump(mode="json"), "warnings": notices})
        return
    _say(notices)
    reason = escape(shown.withdrawal_reason or "")
    console.print(f"Recommendation {shown.id} is withdrawn (version {shown.version}): {reason}")


@app.command()
def show(ctx: typer.Context, recommendation_id: IdArgument, as_json: JsonOption = False) -> None:
    """Show a recommendation, its evidence and the jurisdictions that endorse it."""
    from assessment.recommendations.service import get_recommendation

    with acting(ctx) as (session, actor):
        shown = get_recommendation(session, actor, recommendation_id)
    if as_json:
        print_json(shown)
        return
    print_recommendation(shown)


@app.command("list")
def list_(ctx: typer.Context, cohort: CohortOption, as_json: JsonOption = False) -> None:
    """List the cohort's recommendations with how many jurisdictions endorse each."""
    from rich.table import Table

    from assessment.recommendations.service import list_recommendations

    with acting(ctx) as (session, actor):
        rows = list_recommendations(session, actor, cohort)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            f"{escape(cohort)} has no recommendation yet; an alliance lead drafts one with "
            f'`accelerator recommendation draft --cohort "{escape(cohort)}" ...`.'
        )
        return
    table = Table(title=f"Recommendations: {escape(rows[0].cohort)}", title_justify="left")
    for column in ("ID", "Title", "Level", "Status", "Endorsed by", "Version"):
        right = column in ("ID", "Version")
        table.add_column(column, justify="right" if right else "left", overflow="fold", no_wrap=right)
    for r in rows:
        endorsed = ", ".join(e.jurisdiction for e in r.endorsements)
        table.add_row(
            str(r.id),
            escape(r.title),
            r.level_label,
            r.status_label,
            escape(f"{len(r.endorsements)}: {endorsed}" if endorsed else "–"),
            str(r.version),
        )
    console.print(table)


@app.command()
def history(ctx: typer.Context, recommendation_id: IdArgument, as_json: JsonOption = False) -> None:
    """Every change of a recommendation and every endorsement given or withdrawn: who, when, and why."""

    from assessment.recommendations.models import FIELD_LABELS
    from assessment.recommendations.service import recommendation_history

    with acting(ctx) as (session, actor):
        entries = recommendation_history(session, actor, recommendation_id)
    if as_json:
        print_json(entries)
        return
    print_history(f"History of recommendation {recommendation_id}", entries, FIELD_LABELS)
