"""Setting the stage: init, cohorts, jurisdictions, people and teams."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.context import acting, actor_email
from accelerator.options import JsonOption, parse_date
from accelerator.output import console, escape, print_json

if TYPE_CHECKING:
    from assessment.cohorts.models import SessionPublic
    from assessment.selfassessment.service import RunSummary

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
    ctx: typer.Context,
    admin: Annotated[str | None, typer.Option(help="Email of the administrator to create.")] = None,
    name: Annotated[str, typer.Option(help="The administrator's name.")] = "Administrator",
    as_json: JsonOption = False,
) -> None:
    """Create or upgrade the database and make sure an administrator exists."""
    from assessment.cohorts.people import ensure_admin
    from assessment.core.db import current_revision, transaction, upgrade
    from assessment.core.identity import acting_email, save_identity
    from assessment.core.settings import get_settings

    url = get_settings().database_url
    upgrade(url)
    with transaction() as session:
        person, created = ensure_admin(session, admin, name)
    # The first administrator acts from now on unless someone else said who they are.
    saved = save_identity(person.email) if acting_email(actor_email(ctx)) is None else None
    data = {
        "database": url,
        "schema": current_revision(url),
        "admin": person.email,
        "admin_created": created,
        "identity_saved": str(saved) if saved else None,
    }
    if as_json:
        print_json(data)
        return
    console.print(f"Database ready: {escape(url)} (schema {data['schema']})")
    console.print(f"Administrator: {escape(person.email)}" + (" (created)" if created else ""))
    if saved:
        console.print(
            f"You act as {escape(person.email)} from now on (saved in {escape(saved)}); "
            "change it with `accelerator whoami --set EMAIL`."
        )


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


@cohort_app.command("show")
def cohort_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Cohort name.")],
    as_json: JsonOption = False,
) -> None:
    """Show a cohort: its nine sessions with their dates, and its teams with their latest self-assessment."""
    from assessment.cohorts.service import show_cohort
    from assessment.core.errors import NotFound
    from assessment.selfassessment.service import show as show_result

    with acting(ctx) as (session, actor):
        cohort = show_cohort(session, actor, name)
        latest: dict[int, RunSummary] = {}
        for team in cohort.teams:
            try:
                latest[team.id] = show_result(session, actor, team.jurisdiction, cohort.name)
            except NotFound:  # no self-assessment stored yet
                continue
    if as_json:
        data = cohort.model_dump(mode="json")
        for team in data["teams"]:
            team["latest_assessment"] = latest_of(latest[team["id"]]) if team["id"] in latest else None
        print_json(data)
        return
    starts = f", starting {cohort.start_date.isoformat()}" if cohort.start_date else ""
    region = f" ({escape(cohort.region)})" if cohort.region else ""
    console.print(f"[bold]{escape(cohort.name)}[/]{region}{starts}")
    print_sessions(cohort.sessions)
    if not cohort.teams:
        console.print(
            "No teams enrolled yet. Enroll one with "
            f'`accelerator team enroll --jurisdiction NAME --cohort "{escape(cohort.name)}"`.'
        )
        return
    from rich.table import Table

    table = Table(title="Teams and their latest self-assessment (scores 0–100)", title_justify="left")
    table.add_column("Jurisdiction", overflow="fold")
    table.add_column("Members", justify="right", no_wrap=True)
    table.add_column("Latest", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Stage", overflow="fold")
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column("Disagreements", justify="right", no_wrap=True)
    for team in cohort.teams:
        summary = latest.get(team.id)
        if summary is None:
            table.add_row(escape(team.jurisdiction), str(team.members), "[dim]no self-assessment yet[/]")
            continue
        result = summary.result
        change = result.change.overall.change if result.change else None
        table.add_row(
            escape(team.jurisdiction),
            str(team.members),
            summary.cycle.value,
            "–" if result.overall.score is None else f"{result.overall.score:.1f}",
            f"{result.overall.stage} {escape(result.overall.stage_name)}" if result.overall.stage else "–",
            "" if change is None else f"{change:+.1f}",
            str(len(result.disagreements)),
        )
    console.print(table)


@cohort_app.command("reschedule")
def cohort_reschedule(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Cohort name.")],
    number: Annotated[int, typer.Option("--session", help="Number of the session to move (1-9).")],
    on: Annotated[str, typer.Option("--on", help="Its new date, YYYY-MM-DD.")],
    shift_later: Annotated[
        bool, typer.Option("--shift-later", help="Move every later session by the same number of days.")
    ] = False,
    note: Annotated[str, typer.Option(help="Why it moved (kept in the cohort's history).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Move a session to another date (and, with --shift-later, the sessions after it by as many days)."""
    from assessment.cohorts.schedule import reschedule

    day = parse_date(on, "--on")
    assert day is not None  # a given date parses or is refused as a usage error
    with acting(ctx) as (session, actor):
        done = reschedule(session, actor, name, number, day, shift_later, note)
    if as_json:
        print_json(done)
        return
    if not done.moved:
        console.print(f"Session {number} of {escape(done.cohort)} is already on {day.isoformat()}; nothing changed.")
        return
    first = done.moved[0]
    if first.old is None:
        console.print(f"Session {first.number} ({escape(first.title)}) of {escape(done.cohort)} is now on {first.new}.")
    else:
        days = (first.new - first.old).days
        console.print(
            f"Moved session {first.number} ({escape(first.title)}) of {escape(done.cohort)} "
            f"from {first.old} to {first.new} ({days:+d} days)."
        )
    later = [m.number for m in done.moved[1:]]
    if later:
        consecutive = later == list(range(later[0], later[-1] + 1))
        numbers = f"{later[0]} to {later[-1]}" if consecutive and len(later) > 1 else ", ".join(map(str, later))
        console.print(f"Session{'s' if len(later) > 1 else ''} {numbers} moved by as many days.")
    print_sessions(done.sessions, moved={m.number for m in done.moved})


CountyFipsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--county-fips",
        help="A county the jurisdiction covers, by its 5-digit FIPS code (Los Angeles County is 06037); repeat "
        "for each county. Its census tracts are the jurisdiction's places for health equity metrics.",
    ),
]


@jurisdiction_app.command("add")
def jurisdiction_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Jurisdiction name, e.g. 'Alder County'.")],
    kind: Annotated[str, typer.Option(help="county or city.")] = "county",
    region: Annotated[str, typer.Option(help="Region.")] = "",
    county_fips: CountyFipsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a local health jurisdiction."""
    from assessment.cohorts.jurisdictions import add_jurisdiction, county_codes_of, get_jurisdiction

    with acting(ctx) as (session, actor):
        jurisdiction = add_jurisdiction(session, actor, name, kind, region, county_fips or [])
        counties = county_codes_of(session, get_jurisdiction(session, jurisdiction.name))
    if as_json:
        print_json({**jurisdiction.model_dump(mode="json"), "county_fips": counties})
        return
    covers = f", covering county FIPS {', '.join(counties)}" if counties else ""
    console.print(f"Added jurisdiction [bold]{escape(jurisdiction.name)}[/] ({jurisdiction.kind}{covers}).")


@jurisdiction_app.command("update")
def jurisdiction_update(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Jurisdiction name, e.g. 'Alder County'.")],
    county_fips: CountyFipsOption = None,
    note: Annotated[str, typer.Option(help="Why (kept in the jurisdiction's history).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Record the counties a jurisdiction covers (replacing those recorded): its program manager, an alliance lead
    or an admin."""
    from assessment.cohorts.jurisdictions import set_counties

    if not county_fips:
        raise typer.BadParameter(
            "Nothing to change: give --county-fips CODE (repeat it for each county).", param_hint="--county-fips"
        )
    with acting(ctx) as (session, actor):
        done = set_counties(session, actor, name, county_fips, note)
    if as_json:
        print_json(done)
        return
    if not done.changed:
        console.print(f"{escape(done.jurisdiction)} already covers county FIPS {', '.join(done.county_fips)}.")
        return
    was = f" (was {', '.join(done.previous)})" if done.previous else ""
    console.print(f"{escape(done.jurisdiction)} now covers county FIPS {', '.join(done.county_fips)}{was}.")


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
    roles = [r.label + (f" of {r.jurisdiction}" if r.jurisdiction else " (regional)") for r in person.roles]
    held = f" holds the roles: {', '.join(roles)}" if roles else " is registered, with no role yet"
    console.print(f"{escape(person.name)} <{escape(person.email)}>{escape(held)}.")


@person_app.command("set-password")
def person_set_password(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email of the person who signs in to the web app with it.")],
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the password from the first line of standard input (for scripts).")
    ] = False,
) -> None:
    """Set a person's password for the web app (yours, or, for a program manager, alliance lead or admin, theirs)."""
    import sys

    from assessment.cohorts.passwords import set_password

    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            f"New password for {email} (at least 12 characters)",
            hide_input=True,
            confirmation_prompt="Type it again",
        )
    with acting(ctx) as (session, actor):
        set_password(session, actor, email, password)
    console.print(f"Password set for {escape(email.strip().lower())}; they can sign in to the web app with it.")


@person_app.command("list")
def person_list(
    ctx: typer.Context,
    jurisdiction: Annotated[str | None, typer.Option(help="Only the people holding a role there.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List people with their roles (an alliance lead sees everyone, a program manager their jurisdiction's)."""
    from assessment.cohorts.roster import list_people

    with acting(ctx) as (session, actor):
        people = list_people(session, actor, jurisdiction)
    if as_json:
        print_json(people)
        return
    if not people:
        where = f" with a role in {escape(jurisdiction)}" if jurisdiction else ""
        console.print(f"Nobody{where} is registered yet. Add people with `accelerator person add`.")
        return
    from rich.table import Table

    table = Table(title=f"People of {escape(jurisdiction)}" if jurisdiction else "People", title_justify="left")
    table.add_column("Name", overflow="fold")
    table.add_column("Email", overflow="fold")
    table.add_column("Roles", overflow="fold")
    for person in people:
        roles = [
            f"{escape(r.label)} of {escape(r.jurisdiction)}" if r.jurisdiction else f"{escape(r.label)} (regional)"
            for r in person.roles
        ]
        table.add_row(escape(person.name), escape(person.email), "\n".join(roles) or "[dim]no role yet[/]")
    console.print(table)


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
    console.print(f"Enrolled {escape(team.jurisdiction)} in {escape(team.cohort)} (team {team.id}).")


@team_app.command("list")
def team_list(
    ctx: typer.Context,
    cohort: Annotated[str | None, typer.Option(help="Only the teams of this cohort.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List teams: jurisdictions enrolled in a cohort, with how many members each has."""
    from assessment.cohorts.service import list_teams

    with acting(ctx) as (session, actor):
        teams = list_teams(session, actor, cohort)
    if as_json:
        print_json(teams)
        return
    if not teams:
        console.print(
            "No teams to show yet. Enroll one with `accelerator team enroll --jurisdiction NAME --cohort NAME`."
        )
        return
    from rich.table import Table

    table = Table(title="Teams", title_justify="left")
    table.add_column("Cohort", overflow="fold")
    table.add_column("Jurisdiction", overflow="fold")
    table.add_column("Enrolled", no_wrap=True)
    table.add_column("Members", justify="right", no_wrap=True)
    for team in teams:
        table.add_row(escape(team.cohort), escape(team.jurisdiction), f"{team.enrolled_at:%Y-%m-%d}", str(team.members))
    console.print(table)


@team_app.command("commit")
def team_commit(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    person: Annotated[str, typer.Option(help="Email of the team member who signed.")],
    signed_on: Annotated[
        str | None, typer.Option("--signed-on", help="The day they signed, YYYY-MM-DD (default: today).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a team member signed the team's commitment (session 1); recording it again changes nothing."""
    from assessment.sessions.commitments import record_commitment

    with acting(ctx) as (session, actor):
        done = record_commitment(session, actor, jurisdiction, cohort, person, parse_date(signed_on, "--signed-on"))
    if as_json:
        print_json(done)
        return
    console.print(escape(done.message))


@team_app.command("commitments")
def team_commitments(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction name.")],
    cohort: Annotated[str, typer.Option(help="Cohort name.")],
    as_json: JsonOption = False,
) -> None:
    """Who signed the team's commitment, and which members have not yet."""
    from assessment.sessions.commitments import commitments

    with acting(ctx) as (session, actor):
        shown = commitments(session, actor, jurisdiction, cohort)
    if as_json:
        print_json(shown)
        return
    from rich.table import Table

    table = Table(
        title=f"Commitment of {escape(shown.jurisdiction)}'s team ({escape(shown.cohort)})", title_justify="left"
    )
    table.add_column("Name", overflow="fold")
    table.add_column("Email", overflow="fold")
    table.add_column("Roles", overflow="fold")
    table.add_column("Signed", no_wrap=True)
    for s in shown.signed:
        table.add_row(escape(s.name), escape(s.email), escape(", ".join(s.roles)), s.signed_on.isoformat())
    for m in shown.unsigned:
        table.add_row(escape(m.name), escape(m.email), escape(", ".join(m.roles)), "[dim]not yet[/]")
    console.print(
        table if shown.signed or shown.unsigned else f"Nobody holds a role in {escape(shown.jurisdiction)} yet."
    )
    if shown.unsigned:
        console.print(
            f"{len(shown.signed)} of {len(shown.signed) + len(shown.unsigned)} members signed. Record a signature with "
            f'`accelerator team commit --jurisdiction "{escape(shown.jurisdiction)}" --cohort "{escape(shown.cohort)}" '
            "--person EMAIL`."
        )


def print_sessions(sessions: list[SessionPublic], moved: set[int] | None = None) -> None:
    """A cohort's sessions with their dates (weekday first, so a clash with a holiday shows)."""
    from rich.table import Table

    table = Table(title="Sessions", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Session", overflow="fold")
    table.add_column("Date", no_wrap=True)
    for s in sessions:
        when = f"{s.scheduled_on:%a} {s.scheduled_on.isoformat()}" if s.scheduled_on else "[dim]date to be set[/]"
        if moved and s.number in moved:
            when = f"[bold]{when}[/] (moved)"
        table.add_row(str(s.number), escape(s.title), when)
    console.print(table)


def latest_of(summary: RunSummary) -> dict[str, object]:
    """A team's latest self-assessment as ``cohort show --json`` prints it."""
    result = summary.result
    return {
        "cycle": summary.cycle.value,
        "submission": summary.submission,
        "respondents": result.respondents,
        "score": result.overall.score,
        "stage": result.overall.stage,
        "stage_name": result.overall.stage_name,
        "change": result.change.overall.change if result.change else None,
        "disagreements": len(result.disagreements),
    }
