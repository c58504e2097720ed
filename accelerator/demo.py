"""`make demo`: a fictional cohort set up, workbooks filled, every assessment run and roadmap built
in one process, two teams' sessions run one by one and two teams walked through their journey on
a Prefect server (``accelerator.demo_journeys``), places and spending imported
(``accelerator.demo_places``), then sessions 8 and 9: the recommendation, the partner survey and
the impact reports (``accelerator.demo_reports``)."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import Progress
from rich.table import Table

from accelerator.demo_cast import (
    ADMIN,
    ALLIANCE_LEAD,
    BARRIERS,
    COHORT,
    DEMO_PASSWORD,
    GOALS,
    REGION,
    TEAMS,
    DemoTeam,
    answers_for,
    manager_of,
    officer_of,
)
from accelerator.demo_journeys import JOURNEY_TEAMS, DemoJourney, DemoPrefect, Prepared, demo_prefect, walk_journeys
from accelerator.demo_places import load_places_and_spending, print_places
from accelerator.demo_reports import play_sessions_8_and_9, print_reports
from accelerator.output import console, escape, print_json

if TYPE_CHECKING:
    from assessment.selfassessment.service import RunSummary
    from assessment.sessions.service import Board


def run_demo(out: str, as_json: bool = False) -> None:
    """Set up the demo cohort, fill and run every team's workbooks, walk two teams' journeys, import
    places and spending, play sessions 8 and 9 (the reports), print the summary, the board and paths
    (with ``as_json``, one JSON document of what was made and where)."""
    folder = Path(out).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "workbooks").mkdir(parents=True)
    database = folder / "accelerator.db"
    os.environ["ACCELERATOR_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["ACCELERATOR_ACTOR"] = ADMIN

    from assessment.core.db import engine_for
    from assessment.core.settings import get_settings

    get_settings.cache_clear()
    engine_for.cache_clear()

    def say(line: str) -> None:
        if not as_json:
            console.print(escape(line), highlight=False, soft_wrap=True)

    # the server starts in the background while the cohort is set up
    with demo_prefect(folder) as prefect:
        if prefect.own is None:
            say(f"Using the Prefect server `accelerator server start` started, at {prefect.api_url}.")
        else:
            say(
                f"Starting a Prefect server of the demo's own on port {prefect.own.port} (its home: {prefect.home}) ..."
            )
        say(f"Setting up a fictional cohort in {database} ...")
        set_stage()
        plan_work()
        prepare_sessions()
        written = write_workbooks(folder / "workbooks", PLANS)
        took = prefect.wait()
        if prefect.own is not None:
            say(f"The Prefect server answers at {prefect.own.url} (after {took:.0f} s more).")
        summaries, roadmaps, journeys = run_flows(folder, written, prefect, say)
        say("Importing each team's health equity metrics and a year of its contracts (sessions 5 and 6) ...")
        places = load_places_and_spending(folder / "places")
        reported = play_sessions_8_and_9(folder, say)
        shown = cohort_board()
    export_inventories(folder / "barriers")
    made = {
        "cohort": COHORT,
        "database": str(database),
        "workbooks": str(folder / "workbooks"),
        "roadmaps": str(folder / "roadmaps"),
        "barriers": str(folder / "barriers"),
        "assessments": [
            {"jurisdiction": s.jurisdiction, "cycle": s.cycle.value, "score": s.result.overall.score} for s in summaries
        ],
        "roadmap_files": [f for built in roadmaps for f in list_of(built["files"])],
        "board": shown.model_dump(mode="json"),
        "journeys": [j.model_dump(mode="json") for j in journeys],
        "places": str(folder / "places"),
        "profiles": [p.model_dump(mode="json") for p in places],
        "recommendation": reported.recommendation.model_dump(mode="json"),
        "survey": reported.survey.model_dump(mode="json"),
        "named_in_regional": reported.named_in_regional,
        "reports_folder": str(folder / "reports"),
        "reports": [r.model_dump(mode="json") for r in reported.reports],
        "web": {
            "command": f"ACCELERATOR_DATABASE_URL=sqlite:///{database} .venv/bin/accelerator web",
            "url": "http://127.0.0.1:8000",
            "password": DEMO_PASSWORD,
            "users": [{"email": email, "name": name, "role": role} for email, name, role in web_users()],
        },
    }
    # what the demo made, for scripts: the same document --json prints
    (folder / "demo.json").write_text(json.dumps(made, ensure_ascii=False, indent=2), encoding="utf-8")
    if as_json:
        print_json(made)
        return
    console.print()
    print_cohort(summaries)
    print_plans(roadmaps)
    console.print()
    from accelerator.commands.sessions import print_board

    print_board(shown)
    console.print()
    print_journeys(journeys, prefect, database)
    console.print()
    print_places(places)
    console.print()
    print_reports(reported)
    console.print()
    console.print("[bold]Where things are[/]")
    console.print(f"  database:   {escape(database)}")
    console.print(f"  workbooks:  {escape(folder / 'workbooks')}  (a blank template and 3 filled ones per team)")
    console.print(f"  roadmaps:   {escape(folder / 'roadmaps')}  (PDF, XLSX and HTML per team)")
    console.print(
        f"  barriers:   {escape(folder / 'barriers')}  (each team's inventory spreadsheet, to edit and import)"
    )
    console.print(f"  journeys:   {escape(prefect.home)}  (what each `accelerator serve` printed)")
    console.print(f"  places:     {escape(folder / 'places')}  (each team's metrics and spending files, as imported)")
    console.print(f"  survey:     {escape(folder / 'survey')}  (the partner survey form, and as partners filled it)")
    console.print(f"  reports:    {escape(folder / 'reports')}  (each team's impact report, the regional report)")
    console.print(f"  all of it:  {escape(folder / 'demo.json')}  (what the demo made, as JSON)")
    console.print(
        f"  web app:    ACCELERATOR_DATABASE_URL=sqlite:///{escape(database)} .venv/bin/accelerator web",
        soft_wrap=True,
    )
    officer = next(email for email, _, role in web_users() if role == "procurement_officer")
    manager = next(email for email, _, role in web_users() if role == "equity_program_manager")
    console.print(
        f"              then open http://127.0.0.1:8000 and sign in as {escape(officer)} (a procurement officer), "
        f"{escape(manager)} (the equity program manager) or {escape(ALLIANCE_LEAD[0])} (the alliance lead), "
        f"password {escape(DEMO_PASSWORD)}",
        soft_wrap=True,
    )
    console.print(
        f"  try:        ACCELERATOR_DATABASE_URL=sqlite:///{escape(database)} .venv/bin/accelerator "
        f'--actor {ALLIANCE_LEAD[0]} assessment show --jurisdiction "Alder County" --cohort "{COHORT}"',
        soft_wrap=True,  # one line, so it can be copied and run as printed
    )


def set_stage() -> None:
    from assessment.cohorts.jurisdictions import add_jurisdiction
    from assessment.cohorts.passwords import set_password
    from assessment.cohorts.people import add_person, ensure_admin, resolve_actor
    from assessment.cohorts.service import create_cohort, enroll_team
    from assessment.core.db import transaction, upgrade

    upgrade()
    with transaction() as session:
        ensure_admin(session, ADMIN, "Demo Administrator")
        admin = resolve_actor(session, ADMIN)
        create_cohort(session, admin, COHORT, REGION, date(2026, 3, 2))
        add_person(session, admin, *ALLIANCE_LEAD[:2], role=ALLIANCE_LEAD[2])
        for team in TEAMS:
            add_jurisdiction(session, admin, team.jurisdiction, team.kind, REGION)
            enroll_team(session, admin, team.jurisdiction, COHORT)
            for email, name, role in team.people:
                add_person(session, admin, email, name, role, team.jurisdiction)
        for email, _, _ in web_users():
            set_password(session, admin, email, DEMO_PASSWORD)


def web_users() -> list[tuple[str, str, str]]:
    """Who signs in to the demo's web app: each of Alder County's people and the alliance lead (email,
    name, role)."""
    return [*TEAMS[0].people, ALLIANCE_LEAD]


Plan = tuple[DemoTeam, str, float]  # a team, a cycle, where its answers centre
PLANS: list[Plan] = [(team, "baseline", team.profile) for team in TEAMS]
PLANS += [(team, "midpoint", team.profile + 0.6) for team in TEAMS[:2]]  # two teams already moved


def run_flows(
    folder: Path, written: dict[tuple[str, str], list[str]], prefect: DemoPrefect, say: Callable[[str], None]
) -> tuple[list[RunSummary], list[dict[str, object]], list[DemoJourney]]:
    """In one Prefect process, the assessment runs and roadmap builds of the teams holding their
    sessions one by one, then those sessions; then the journey teams' journeys, which score their
    baseline workbooks (each team's roadmap built before its session 4)."""
    from accelerator.flowrun import run_flow

    by_journey = [(team, cycle) for team, cycle, _ in PLANS if team in JOURNEY_TEAMS]
    one_by_one = [team for team in TEAMS if team not in JOURNEY_TEAMS]
    done: dict[tuple[str, str], RunSummary] = {}
    roadmaps: dict[str, dict[str, object]] = {}

    def build_roadmap(team: DemoTeam) -> dict[str, object]:
        from flows.roadmap_build import roadmap_build

        built: dict[str, object] = roadmap_build(
            team.jurisdiction, COHORT, "pdf,xlsx,html", str(folder / "roadmaps"), actor=manager_of(team)
        )
        roadmaps[team.jurisdiction] = built
        return built

    def before_roadmap(team: DemoTeam) -> str | None:
        if team.jurisdiction in roadmaps:
            return None
        built = build_roadmap(team)
        return f"action roadmap v{built['version']} built (roadmap build) in {folder / 'roadmaps'}"

    def other_flows() -> Prepared:
        from flows.assessment_run import assessment_run

        runs = [(team, cycle) for team, cycle, _ in PLANS if (team, cycle) not in by_journey]
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Running assessment runs and roadmap builds", total=len(runs) + len(one_by_one))
            for team, cycle in runs:
                files = written[team.jurisdiction, cycle]
                done[team.jurisdiction, cycle] = assessment_run(
                    team.jurisdiction, COHORT, cycle, files, actor=manager_of(team)
                )
                progress.advance(task)
            for team in one_by_one:
                build_roadmap(team)
                progress.advance(task)
        run_sessions(one_by_one, folder / "session-output")
        return Prepared(
            {team.jurisdiction: written[team.jurisdiction, cycle] for team, cycle in by_journey}, before_roadmap
        )

    journeys = run_flow(lambda: walk_journeys(prefect, folder, other_flows, say))
    summaries = [done.get((team.jurisdiction, cycle)) or stored_result(team, cycle) for team, cycle, _ in PLANS]
    return summaries, [roadmaps[team.jurisdiction] for team in TEAMS], journeys


def write_workbooks(folder: Path, plans: list[Plan]) -> dict[tuple[str, str], list[str]]:
    """A template and each member's filled workbook, per team and cycle (in plan order: the answers
    are drawn from one seeded sequence); the filled ones' paths."""
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
    from assessment.selfassessment.template import fill_workbook, write_template

    rubric = load_rubric()
    ids = [i.id for i in rubric.indicators]
    rnd = random.Random(2026)
    written = {}
    for team, cycle, profile in plans:
        context = WorkbookContext(jurisdiction=team.jurisdiction, cohort=COHORT, cycle=cycle)
        slug = team.jurisdiction.lower().replace(" ", "-")
        template = write_template(rubric, folder / f"{slug}-{cycle}-template.xlsx", context)
        files = []
        for email, name, role in team.people:
            filled = folder / f"{slug}-{cycle}-{email.split('@')[0]}.xlsx"
            fill_workbook(
                template,
                filled,
                RespondentInfo(name=name, email=email, role=role),
                answers_for(ids, profile, rnd),
                {ids[0]: "Written policy adopted 2025; see board minutes."},
            )
            files.append(str(filled))
        written[team.jurisdiction, cycle] = files
    return written


def stored_result(team: DemoTeam, cycle: str) -> RunSummary:
    """A cycle's result as stored (the journey's assessment run scored it)."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.selfassessment.service import show

    with transaction() as session:
        return show(session, resolve_actor(session, manager_of(team)), team.jurisdiction, COHORT, cycle)


def prepare_sessions() -> None:
    """Each team signs its commitment (one team still lacks a signature) and proposes and scores a
    process change."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.sessions.changes import propose_change, score_change
    from assessment.sessions.commitments import record_commitment
    from assessment.sessions.shapes import ChangeCreate, ChangeScores

    for number, team in enumerate(TEAMS):
        with transaction() as session:
            actor = resolve_actor(session, manager_of(team))
            for email, _, _ in team.people[: len(team.people) - number % 2]:
                record_commitment(session, actor, team.jurisdiction, COHORT, email, date(2026, 3, 2))
            change = ChangeCreate(
                title="Advance payment of 25% on signing for CBO contracts under $250,000",
                barriers=[first_barrier_of(session, team.jurisdiction)],
            )
            proposed = propose_change(session, actor, team.jurisdiction, COHORT, change)
            score_change(
                session,
                actor,
                proposed.id,
                ChangeScores(equity_impact=5, feasibility=4 - number % 3, time_to_effect=3, community_input=4),
            )


def run_sessions(teams: list[DemoTeam], folder: Path) -> None:
    """Each of ``teams`` runs sessions 1-4 one by one (`accelerator session run`), in order as far as
    it is ready."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.sessions.service import readiness
    from flows.sessions import SESSION_FLOWS

    for team in teams:
        manager = manager_of(team)
        for session_number in (1, 2, 3, 4):
            with transaction() as session:
                ready = readiness(session, resolve_actor(session, manager), session_number, team.jurisdiction, COHORT)
            if not ready.ready:
                break
            SESSION_FLOWS[session_number](
                team.jurisdiction, COHORT, out=str(folder), actor=manager, notes=f"Demo session {session_number}"
            )


def first_barrier_of(session: object, jurisdiction: str) -> int:
    from sqlmodel import Session, col, select

    from assessment.barriers.models import Barrier
    from assessment.cohorts.jurisdictions import get_jurisdiction

    assert isinstance(session, Session)
    place = get_jurisdiction(session, jurisdiction)
    query = select(Barrier.id).where(Barrier.jurisdiction_id == place.id).order_by(col(Barrier.id))
    first = session.exec(query).first()
    assert first is not None
    return first


def cohort_board() -> Board:
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.sessions.service import board

    with transaction() as session:
        return board(session, resolve_actor(session, ALLIANCE_LEAD[0]), COHORT)


def print_cohort(summaries: list[RunSummary]) -> None:
    table = Table(title=f"{COHORT}: self-assessment results", title_justify="left")
    for column in ("Jurisdiction", "Cycle", "Respondents", "Score (0–100)", "Stage", "Change", "Disagreements"):
        table.add_column(
            column, justify="right" if column in ("Respondents", "Score (0–100)", "Change", "Disagreements") else "left"
        )
    for summary in summaries:
        result = summary.result
        change = result.change.overall.change if result.change else None
        table.add_row(
            escape(summary.jurisdiction),
            summary.cycle,
            str(result.respondents),
            f"{result.overall.score:.1f}" if result.overall.score is not None else "–",
            f"{result.overall.stage} {result.overall.stage_name}" if result.overall.stage else "–",
            f"{change:+.1f}" if change is not None else "",
            str(len(result.disagreements)),
        )
    console.print(table)


def months_from_today(months: int) -> date:
    from assessment.cohorts.sequence import add_months

    return add_months(date.today(), months)


def plan_work() -> None:
    """Sessions 2-4 for every demo team: barriers (some moved along), community input, engagement, goals."""
    from assessment.barriers.service import add_barrier, update_barrier
    from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
    from assessment.cohorts.people import resolve_actor
    from assessment.community.engagement import set_engagement
    from assessment.community.service import add_input, link_input
    from assessment.community.shapes import InputCreate
    from assessment.core.db import transaction
    from assessment.goals.milestones import add_milestone, complete_milestone, record_measure
    from assessment.goals.service import add_goal
    from assessment.goals.shapes import GoalCreate, MilestoneCreate

    for number, team in enumerate(TEAMS):
        with transaction() as session:
            officer = resolve_actor(session, officer_of(team))
            manager = resolve_actor(session, manager_of(team))
            barrier_ids = []
            for title, category, stage, controller, severity, cause, moves in BARRIERS[: 3 + number % 3]:
                barrier = add_barrier(
                    session,
                    officer,
                    team.jurisdiction,
                    BarrierCreate(
                        title=title,
                        category=category,
                        stage=stage,
                        controller=controller,
                        severity=severity,
                        root_cause=cause,
                        burden_on="Small community-based organizations",
                        owner=officer.email,
                    ),
                )
                for move in moves:
                    note = (
                        "Depends on the state grant terms; raised for the regional recommendation."
                        if move == "deferred"
                        else ""
                    )
                    barrier, _ = update_barrier(
                        session, officer, barrier.id, BarrierUpdate(status=move), barrier.version, note
                    )
                barrier_ids.append(barrier.id)
            heard = add_input(
                session,
                manager,
                team.jurisdiction,
                InputCreate(
                    source="listening_session",
                    held_on=months_from_today(-2),
                    participants=18 + 4 * number,
                    organizations=["Casa Comunidad (fictional)", "Harbor Youth Alliance (fictional)"],
                    themes=["cash flow", "insurance costs", "language access"],
                    quotes=["Esperamos tres meses para el primer pago.", "We spent our first grant on insurance."],
                ),
            )
            link_input(session, manager, heard.id, barrier_ids[0])
            set_engagement(
                session,
                manager,
                team.jurisdiction,
                COHORT,
                1 + number % 2,
                3 + number % 2,
                "Listening sessions held; CBOs not yet part of scoring panels.",
            )
            for statement, measure, baseline, target, unit, months, barrier_index, milestones in GOALS[
                : 2 + number % 2
            ]:
                goal, _ = add_goal(
                    session,
                    manager,
                    team.jurisdiction,
                    COHORT,
                    GoalCreate(
                        statement=statement,
                        measure=measure,
                        baseline=baseline,
                        target=target,
                        unit=unit,
                        due=months_from_today(months),
                        owner=manager.email,
                        barriers=[barrier_ids[barrier_index]],
                    ),
                )
                for title, offset, done in milestones:
                    milestone = add_milestone(
                        session,
                        manager,
                        goal.id,
                        MilestoneCreate(title=title, due=months_from_today(offset), owner=officer.email),
                    )
                    if done:
                        complete_milestone(session, officer, milestone.id)
                record_measure(session, manager, goal.id, target * (number + 1) // 8)


def export_inventories(folder: Path) -> None:
    from assessment.barriers.service import list_barriers
    from assessment.barriers.sheet import write_inventory
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction

    for team in TEAMS:
        with transaction() as session:
            officer = resolve_actor(session, officer_of(team))
            rows = list_barriers(session, officer, team.jurisdiction)
        slug = team.jurisdiction.lower().replace(" ", "-")
        write_inventory(rows, folder / f"{slug}-barriers.xlsx", team.jurisdiction)


def list_of(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else []


def print_plans(roadmaps: list[dict[str, object]]) -> None:
    table = Table(title="Action roadmaps (session 4)", title_justify="left")
    for column in ("Jurisdiction", "Version", "Goals", "Open barriers", "Files"):
        table.add_column(column)
    for built in roadmaps:
        names = ", ".join(Path(str(f)).name for f in list_of(built["files"]))
        table.add_row(
            escape(built["jurisdiction"]),
            f"v{built['version']}",
            str(built["goals"]),
            str(built["open_barriers"]),
            escape(names),
        )
    console.print(table)


def print_journeys(journeys: list[DemoJourney], prefect: DemoPrefect, database: Path) -> None:
    """Where each journey is: its run, its state, the sessions recorded and what it waits for."""
    server = "the demo's own server, stopped" if prefect.own is not None else f"the server at {prefect.api_url}"
    table = Table(title=f"Journeys (Prefect flow runs on {server})", title_justify="left")
    for column in ("Jurisdiction", "Run", "State", "Recorded", "Waits at"):
        table.add_column(column)
    for journey in journeys:
        table.add_row(
            escape(journey.jurisdiction),
            escape(journey.name),
            escape(journey.state),
            ", ".join(map(str, journey.recorded)) or "none",
            escape(f"session {journey.session}: asks {journey.waiting_for}" if journey.session else "nothing"),
        )
    console.print(table)
    for journey in journeys:
        at = f"waits at session {journey.session}, where it asks {journey.waiting_for}" if journey.session else "ended"
        console.print(f"{escape(journey.jurisdiction)}: the journey {escape(at)}.")
    if prefect.own is None and journeys:  # they wait on a server that keeps running: say how to see one
        first = next(team for team in JOURNEY_TEAMS if team.jurisdiction == journeys[0].jurisdiction)
        console.print(
            f"  see one:    PREFECT_API_URL={escape(prefect.api_url)} ACCELERATOR_DATABASE_URL=sqlite:///"
            f"{escape(database)} .venv/bin/accelerator --actor {manager_of(first)} journey status "
            f'--jurisdiction "{escape(first.jurisdiction)}" --cohort "{COHORT}"',
            soft_wrap=True,
        )
