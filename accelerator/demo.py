"""`make demo`: a fictional cohort set up, workbooks filled and every assessment run, in one process."""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.progress import Progress
from rich.table import Table

from accelerator.output import console, escape

COHORT = "2026 Demo Cohort (fictional)"
REGION = "Demo Region (fictional)"
ADMIN = "admin@demo.example.org"


@dataclass(frozen=True)
class DemoTeam:
    jurisdiction: str
    kind: str
    profile: float  # where the team stands on the 1..4 scale, roughly
    people: tuple[tuple[str, str, str], ...]  # (email, name, role)


TEAMS = (
    DemoTeam("Alder County", "county", 1.8, (
        ("hong.nguyen@alder.example.org", "Nguyễn Thị Hồng", "equity_program_manager"),
        ("luis.pena@alder.example.org", "Luis Peña", "procurement_officer"),
        ("dana.okafor@alder.example.org", "Dana Okafor", "finance"),
    )),
    DemoTeam("Juniper City", "city", 2.4, (
        ("minjun.kim@juniper.example.org", "김민준", "equity_program_manager"),
        ("ana.reyes@juniper.example.org", "Ana Reyes", "procurement_officer"),
        ("sam.tran@juniper.example.org", "Trần Văn Sâm", "executive_lead"),
    )),
    DemoTeam("Marigold County", "county", 2.9, (
        ("wei.chen@marigold.example.org", "陈伟", "equity_program_manager"),
        ("jo.begay@marigold.example.org", "Jo Begay", "procurement_officer"),
        ("maria.lopez@marigold.example.org", "María López", "community_partner"),
    )),
    DemoTeam("Tidewater City", "city", 2.2, (
        ("ayesha.khan@tidewater.example.org", "Ayesha Khan", "equity_program_manager"),
        ("ben.walker@tidewater.example.org", "Ben Walker", "procurement_officer"),
        ("grace.lee@tidewater.example.org", "이은혜", "finance"),
    )),
)
ALLIANCE_LEAD = ("rosa.alliance@demo.example.org", "Rosa Alvarado", "alliance_lead")


def answers_for(rubric_ids: list[str], profile: float, rnd: random.Random) -> dict[str, int | str | None]:
    """What one respondent might answer: around the team's profile, with some don't-knows."""
    answers: dict[str, int | str | None] = {}
    for indicator in rubric_ids:
        roll = rnd.random()
        if roll < 0.06:
            answers[indicator] = "Don't know"
        elif roll < 0.08:
            answers[indicator] = "Not applicable"
        else:
            answers[indicator] = min(4, max(1, round(rnd.gauss(profile, 0.6))))
    return answers


def run_demo(out: str) -> None:
    """Set up the demo cohort, fill and run every team's workbooks, print the summary and paths."""
    folder = Path(out).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "workbooks").mkdir(parents=True)
    database = folder / "accelerator.db"
    os.environ["ACCELERATOR_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["ACCELERATOR_ACTOR"] = ADMIN

    from assessment.config import get_settings
    from assessment.db import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()
    console.print(f"Setting up a fictional cohort in [bold]{escape(database)}[/] ...")
    set_stage()
    plan_work()
    summaries, roadmaps = run_flows(folder)
    print_cohort(summaries)
    print_plans(roadmaps)
    console.print()
    console.print("[bold]Where things are[/]")
    console.print(f"  database:   {escape(database)}")
    console.print(f"  workbooks:  {escape(folder / 'workbooks')}  (a blank template and 3 filled ones per team)")
    console.print(f"  roadmaps:   {escape(folder / 'roadmaps')}  (PDF, XLSX and HTML per team)")
    console.print(f"  barriers:   {escape(folder / 'barriers')}  (each team's inventory spreadsheet, to edit and import)")
    console.print(f"  try:        ACCELERATOR_DATABASE_URL=sqlite:///{escape(database)} .venv/bin/accelerator "
                  f"assessment show --jurisdiction \"Alder County\" --cohort \"{COHORT}\"")


def set_stage() -> None:
    from assessment.cohorts import create_cohort, enroll_team
    from assessment.db import transaction, upgrade
    from assessment.jurisdictions import add_jurisdiction
    from assessment.people import add_person, ensure_admin
    from assessment.permissions import resolve_actor

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


def run_flows(folder: Path) -> tuple[list[object], list[dict[str, object]]]:
    """Every team's assessment runs, then every team's roadmap build, in one Prefect process."""
    from accelerator.flowrun import run_flow
    from assessment.rubric import load_rubric
    from assessment.workbook import (
        RespondentInfo,
        WorkbookContext,
        fill_workbook,
        write_template,
    )

    rubric = load_rubric()
    ids = [i.id for i in rubric.indicators]
    rnd = random.Random(2026)
    plans = [(team, "baseline", team.profile) for team in TEAMS]
    plans += [(team, "midpoint", team.profile + 0.6) for team in TEAMS[:2]]  # two teams already moved
    workbooks = folder / "workbooks"

    def start() -> tuple[list[object], list[dict[str, object]]]:
        from flows.assessment_run import assessment_run
        from flows.roadmap_build import roadmap_build

        done, built = [], []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Running assessment runs and roadmap builds", total=len(plans) + len(TEAMS))
            for team, cycle, profile in plans:
                context = WorkbookContext(jurisdiction=team.jurisdiction, cohort=COHORT, cycle=cycle)
                slug = team.jurisdiction.lower().replace(" ", "-")
                template = write_template(rubric, workbooks / f"{slug}-{cycle}-template.xlsx", context)
                files = []
                for email, name, role in team.people:
                    filled = workbooks / f"{slug}-{cycle}-{email.split('@')[0]}.xlsx"
                    fill_workbook(template, filled, RespondentInfo(name=name, email=email, role=role),
                                  answers_for(ids, profile, rnd), {ids[0]: "Written policy adopted 2025; see board minutes."})
                    files.append(str(filled))
                done.append(assessment_run(team.jurisdiction, COHORT, cycle, files, actor=manager_of(team)))
                progress.advance(task)
            for team in TEAMS:
                built.append(roadmap_build(team.jurisdiction, COHORT, "pdf,xlsx,html", str(folder / "roadmaps"),
                                           actor=manager_of(team)))
                progress.advance(task)
        return done, built

    summaries, roadmaps = run_flow(start)
    export_inventories(folder / "barriers")
    return summaries, roadmaps


def manager_of(team: DemoTeam) -> str:
    return next(email for email, _, role in team.people if role == "equity_program_manager")


def officer_of(team: DemoTeam) -> str:
    return next(email for email, _, role in team.people if role == "procurement_officer")


def print_cohort(summaries: list[object]) -> None:
    table = Table(title=f"{COHORT}: self-assessment results", title_justify="left")
    for column in ("Jurisdiction", "Cycle", "Respondents", "Score (0–100)", "Stage", "Change", "Disagreements"):
        table.add_column(column, justify="right" if column in ("Respondents", "Score (0–100)", "Change", "Disagreements") else "left")
    for summary in summaries:
        result = summary.result  # type: ignore[attr-defined]
        change = result.change.overall.change if result.change else None
        table.add_row(
            escape(summary.jurisdiction), summary.cycle, str(result.respondents),  # type: ignore[attr-defined]
            f"{result.overall.score:.1f}" if result.overall.score is not None else "–",
            f"{result.overall.stage} {result.overall.stage_name}" if result.overall.stage else "–",
            f"{change:+.1f}" if change is not None else "", str(len(result.disagreements)),
        )
    console.print(table)


# Barriers each demo team inventories: (title, category, stage, controller, severity, root cause, statuses it moved through)
BARRIERS = (
    ("Reimbursement-only funding: CBOs front 60-90 days of costs", "payment_cash_flow", "invoicing_payment", "county_city", 5,
     "Finance policy requires proof of expense before any payment.", ("analyzing", "action_planned", "in_progress")),
    ("Insurance minimums written for construction contracts", "insurance_bonding", "contracting", "county_city", 4,
     "Risk management uses one insurance schedule for every contract.", ("analyzing", "action_planned")),
    ("Solicitudes solo en inglés (applications only in English)", "language_accessibility", "outreach", "department", 3,
     "No budget line for translation of solicitations.", ("analyzing",)),
    ("Wet signatures and notarized forms", "solicitation_complexity", "application", "department", 2,
     "Forms date from before electronic signatures were accepted.", ("analyzing", "action_planned", "in_progress", "resolved")),
    ("Indirect costs capped at 10%", "budget_cost_rules", "contracting", "state", 4,
     "State grant terms set the cap.", ("deferred",)),
)

# Goals: (statement, measure, baseline, target, unit, months to due, barrier index, milestones (title, months, done))
GOALS = (
    ("Offer advance payments of up to 25% to community-based organizations", "Share of CBO awards with an advance",
     0, 60, "%", 9, 0, (("Finance drafts advance-payment policy", 2, True), ("Board approves policy", 5, False),
                         ("First advances paid", 8, False))),
    ("Scale insurance requirements to the risk of the work", "Contracts using the risk-scaled schedule",
     0, 40, "contracts", 6, 1, (("Risk management reviews the schedule", 1, True), ("New schedule in templates", 4, False))),
    ("Publish solicitations in Spanish, Vietnamese and Korean", "Solicitations published in three languages",
     0, 12, "solicitations", 11, 2, (("Translation vendor on contract", 3, False),)),
)


def months_from_today(months: int) -> date:
    from assessment.cohorts import add_months

    return add_months(date.today(), months)


def plan_work() -> None:
    """Sessions 2-4 for every demo team: barriers (some moved along), community input, engagement, goals."""
    from assessment.barriers import add_barrier, update_barrier
    from assessment.community import add_input, link_input, set_engagement
    from assessment.db import transaction
    from assessment.goals import (
        add_goal,
        add_milestone,
        complete_milestone,
        record_measure,
    )
    from assessment.permissions import resolve_actor
    from assessment.shapes import (
        BarrierCreate,
        BarrierUpdate,
        GoalCreate,
        InputCreate,
        MilestoneCreate,
    )

    for number, team in enumerate(TEAMS):
        with transaction() as session:
            officer = resolve_actor(session, officer_of(team))
            manager = resolve_actor(session, manager_of(team))
            barrier_ids = []
            for title, category, stage, controller, severity, cause, moves in BARRIERS[: 3 + number % 3]:
                barrier = add_barrier(session, officer, team.jurisdiction, BarrierCreate(
                    title=title, category=category, stage=stage, controller=controller, severity=severity,
                    root_cause=cause, burden_on="Small community-based organizations", owner=officer.email))
                for move in moves:
                    note = "Depends on the state grant terms; raised for the regional recommendation." if move == "deferred" else ""
                    update_barrier(session, officer, barrier.id, BarrierUpdate(status=move), barrier.version, note)  # type: ignore[arg-type]
                barrier_ids.append(barrier.id)
            heard = add_input(session, manager, team.jurisdiction, InputCreate(
                source="listening_session", held_on=months_from_today(-2), participants=18 + 4 * number,
                organizations=["Casa Comunidad (fictional)", "Harbor Youth Alliance (fictional)"],
                themes=["cash flow", "insurance costs", "language access"],
                quotes=["Esperamos tres meses para el primer pago.", "We spent our first grant on insurance."]))
            link_input(session, manager, heard.id, barrier_ids[0])  # type: ignore[arg-type]
            set_engagement(session, manager, team.jurisdiction, COHORT, 1 + number % 2, 3 + number % 2,
                           "Listening sessions held; CBOs not yet part of scoring panels.")
            for statement, measure, baseline, target, unit, months, barrier_index, milestones in GOALS[: 2 + number % 2]:
                goal, _ = add_goal(session, manager, team.jurisdiction, COHORT, GoalCreate(
                    statement=statement, measure=measure, baseline=baseline, target=target, unit=unit,
                    due=months_from_today(months), owner=manager.email, barriers=[barrier_ids[barrier_index]]))
                for title, offset, done in milestones:
                    milestone = add_milestone(session, manager, goal.id, MilestoneCreate(  # type: ignore[arg-type]
                        title=title, due=months_from_today(offset), owner=officer.email))
                    if done:
                        complete_milestone(session, officer, milestone.id)  # type: ignore[arg-type]
                record_measure(session, manager, goal.id, target * (number + 1) // 8)  # type: ignore[arg-type]


def export_inventories(folder: Path) -> None:
    from assessment.barrier_sheet import write_inventory
    from assessment.barriers import barrier_dict, list_barriers
    from assessment.db import transaction
    from assessment.permissions import resolve_actor

    for team in TEAMS:
        with transaction() as session:
            officer = resolve_actor(session, officer_of(team))
            rows = [barrier_dict(session, b) for b in list_barriers(session, officer, team.jurisdiction)]
        slug = team.jurisdiction.lower().replace(" ", "-")
        write_inventory(rows, folder / f"{slug}-barriers.xlsx", team.jurisdiction)


def print_plans(roadmaps: list[dict[str, object]]) -> None:
    table = Table(title="Action roadmaps (session 4)", title_justify="left")
    for column in ("Jurisdiction", "Version", "Goals", "Open barriers", "Files"):
        table.add_column(column)
    for built in roadmaps:
        names = ", ".join(Path(f).name for f in built["files"])  # type: ignore[attr-defined]
        table.add_row(escape(built["jurisdiction"]), f"v{built['version']}", str(built["goals"]),
                      str(built["open_barriers"]), escape(names))
    console.print(table)
