"""Setting the stage: init, cohorts, jurisdictions, people and teams."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import acting
from accelerator.options import JsonOption, parse_date
from accelerator.output import console, escape, print_json

cohort_app = typer.Typer(help="Cohorts and their nine sessions.", no_args_is_help=True)
jurisdiction_app = typer.Typer(help="Local health jurisdictions.", no_args_is_help=True)
person_app = typer.Typer(help="People and their roles.", no_args_is_help=True)
team_app = typer.Typer(help="Teams: jurisdictions enrolled in a cohort.", no_args_is_help=True)


def register(app: typer.Typer, word: str | None = None) -> None:
    """Add ``init`` and the set-up groups; only the one ``word`` names when it names one."""
    groups = {"cohort": cohort_app, "jurisdiction": jurisdiction_app, "person": person_app, "team": team_app}
    if word not in groups:
        app.command("init")(init)
    for name, group in groups.items():
        if word in (None, "init", name) or word not in groups:
            app.add_typer(group, name=name)


def init(
    admin: Annotated[str | None, typer.Option(help="Email of the administrator to create.")] = None,
    name: Annotated[str, typer.Option(help="The administrator's name.")] = "Administrator",
    as_json: JsonOption = False,
) -> None:
    """Create or upgrade the database and make sure an administrator exists."""
    from assessment.cohorts.people import ensure_admin
    from assessment.core.db import current_revision, transaction, upgrade
    from assessment.core.settings import get_settings

    url = get_settings().database_url
    upgrade(url)
    with transaction() as session:
        person, created = ensure_admin(session, admin, name)
    data = {"database": url, "schema": current_revision(url), "admin": person.email, "admin_created": created}
    if as_json:
        print_json(data)
        return
    console.print(f"Database ready: {escape(url)} (schema {data['schema']})")
    console.print(f"Administrator: {escape(person.email)}" + (" (created)" if created else ""))


@cohort_app.command("create")
def cohort_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Cohort name, e.g. '2026 Southern California'.")],
    region: Annotated[str, typer.Option(help="Region the cohort serves.")] = "",
    start: Annotated[
        str | None, typer.Option(help="Date of session 1 (YYYY-MM-DD); later sessions follow the sequence.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a cohort with its nine sessions."""
    from assessment.cohorts.service import create_cohort

    with acting(ctx) as (session, actor):
        cohort = create_cohort(session, actor, name, region, parse_date(start, "--start"))
    if as_json:
        print_json(cohort)
        return
    console.print(f"Created cohort [bold]{escape(cohort.name)}[/] with {len(cohort.sessions)} sessions:")
    for s in cohort.sessions:
        when = s.scheduled_on.isoformat() if s.scheduled_on else "date to be set"
        console.print(f"  {s.number}. {escape(s.title)} ({when})")


@cohort_app.command("list")
def cohort_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List cohorts."""
    from assessment.cohorts.service import list_cohorts

    with acting(ctx) as (session, actor):
        cohorts = list_cohorts(session, actor)
    if as_json:
        print_json(cohorts)
        return
    for c in cohorts:
        console.print(f"{escape(c.name)}  {escape(c.region)}  starts {c.start_date or '-'}")


@jurisdiction_app.command("add")
def jurisdiction_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Jurisdiction name, e.g. 'Alder County'.")],
    kind: Annotated[str, typer.Option(help="county or city.")] = "county",
    region: Annotated[str, typer.Option(help="Region.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a local health jurisdiction."""
    from assessment.cohorts.jurisdictions import add_jurisdiction

    with acting(ctx) as (session, actor):
        jurisdiction = add_jurisdiction(session, actor, name, kind, region)
    if as_json:
        print_json(jurisdiction)
        return
    console.print(f"Added jurisdiction [bold]{escape(jurisdiction.name)}[/] ({jurisdiction.kind}).")


@jurisdiction_app.command("list")
def jurisdiction_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List jurisdictions."""
    from assessment.cohorts.jurisdictions import list_jurisdictions

    with acting(ctx) as (session, actor):
        rows = list_jurisdictions(session, actor)
    if as_json:
        print_json(rows)
        return
    for j in rows:
        console.print(f"{escape(j.name)}  ({j.kind}{', ' + escape(j.region) if j.region else ''})")


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email address; it identifies the person.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[
        str | None,
        typer.Option(
            help="equity_program_manager, procurement_officer, executive_lead, finance, community_partner, "
            "alliance_lead or admin."
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="Jurisdiction the role is in (not for alliance_lead or admin).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Register a person, optionally giving them a role (run again to add another role)."""
    from assessment.cohorts.people import add_person

    with acting(ctx) as (session, actor):
        person = add_person(session, actor, email, name, role, jurisdiction)
    if as_json:
        print_json(person)
        return
    console.print(
        f"{escape(person.name)} <{escape(person.email)}>"
        + (f" is now {role}" + (f" in {escape(jurisdiction)}" if jurisdiction else "") if role else " registered")
        + "."
    )


@team_app.command("enroll")
def team_enroll(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    as_json: JsonOption = False,
) -> None:
    """Enroll a jurisdiction's Equity Change Team in a cohort."""
    from assessment.cohorts.service import enroll_team

    with acting(ctx) as (session, actor):
        team = enroll_team(session, actor, jurisdiction, cohort)
    if as_json:
        print_json(team)
        return
    console.print(f"Enrolled {escape(jurisdiction)} in {escape(cohort)} (team {team.id}).")
