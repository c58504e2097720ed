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
    summaries = run_assessments(folder / "workbooks")
    print_cohort(summaries)
    console.print()
    console.print("[bold]Where things are[/]")
    console.print(f"  database:   {escape(database)}")
    console.print(f"  workbooks:  {escape(folder / 'workbooks')}  (a blank template and 3 filled ones per team)")
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


def run_assessments(workbooks: Path) -> list[object]:
    from accelerator.flowrun import run_flow
    from assessment.rubric import load_rubric
    from assessment.workbook import RespondentInfo, WorkbookContext, fill_workbook, write_template

    rubric = load_rubric()
    ids = [i.id for i in rubric.indicators]
    rnd = random.Random(2026)
    plans = [(team, "baseline", team.profile) for team in TEAMS]
    plans += [(team, "midpoint", team.profile + 0.6) for team in TEAMS[:2]]  # two teams already moved

    def start() -> list[object]:
        from flows.assessment_run import assessment_run

        done = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Running assessment runs", total=len(plans))
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
                manager = next(email for email, _, role in team.people if role == "equity_program_manager")
                done.append(assessment_run(team.jurisdiction, COHORT, cycle, files, actor=manager))
                progress.advance(task)
        return done

    return run_flow(start)


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
