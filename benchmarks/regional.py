"""The regional impact report at scale (`benchmarks/run.py regional`).

A synthetic cohort is written straight into a fresh, migrated SQLite file with bulk inserts (the
services would take hours for 3,000 teams; this is test data, not product code), shaped as the
services store it: per jurisdiction a team of 5 people, 3 self-assessment cycles of 5 respondents
on the v1 rubric (ratings, and the scores ``score`` computes for them), 20 barriers, 5 goals with
3 milestones each, 9 session records, 100 contracts with 2 payments each (200 spending rows) and a
recorded 2024 baseline, 10 responses to a 30-statement partner survey; one recommendation that
some jurisdictions endorse, and some teams opted in to be named.

Then, each in a fresh process, for 300 and 3,000 jurisdictions: (a) the bare SQL the report needs
(the same statements, executed and fetched, nothing else), (b) ``regional_report`` (anonymized,
the larger case) + ``document_of``, (c) that + ``write_report`` as pdf, xlsx and html; and, to see
where (c)'s time goes, each format written alone. Wall time and peak RSS of each child.
Goals: (c) under 30 s and 600 MB at 3,000 jurisdictions; (b) at most 3x (a).
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (300, 3000)
RESPONDENTS = 5
ROLES = ("equity_program_manager", "procurement_officer", "executive_lead", "finance", "community_partner")
BARRIERS = 20
GOALS = 5
MILESTONES = 3
VENDORS = 20
CONTRACTS = 100  # with 2 payments each: 200 spending rows per jurisdiction
STATEMENTS = 30
SURVEY_RESPONSES = 10
PATTERNS = 40  # distinct sets of a team's answers per cycle, each scored once
CHUNK = 100  # teams written per batch of inserts
COHORT = "Bench Cohort"
LEAD = "lead@alliance.example.org"
AT = datetime(2026, 6, 1, tzinfo=UTC)
REPEAT = 3
STAGES = ("a", "b", "c")
FORMATS = ("pdf", "xlsx", "html")


def bench_instrument() -> Any:
    """A 30-statement survey instrument: the v1 statements, then more on the same themes."""
    from assessment.survey.instrument import load_instrument, parse_instrument

    base = load_instrument()
    statements = [s.model_dump() for s in base.statements]
    for n in range(len(statements), STATEMENTS):
        theme = base.statements[n % len(base.statements)].theme
        statements.append({"id": f"bench_{n + 1}", "theme": theme, "text": f"Bench statement {n + 1} about {theme}."})
    data = {**base.model_dump(mode="json"), "id": "bench-survey", "version": 1, "statements": statements}
    return parse_instrument(data, "bench instrument")


def _patterns(rubric: Any, shuffle: random.Random) -> list[list[tuple[list[dict[str, int | None]], Any]]]:
    """Per cycle, ``PATTERNS`` teams' answers (5 respondents each) and their scored result; later
    cycles rate higher, as a cohort that improves would."""
    from assessment.selfassessment.scoring import score

    ids = [i.id for i in rubric.indicators]
    cycles = []
    for cycle in range(3):
        found = []
        for _ in range(PATTERNS):
            base = shuffle.choice((1, 1, 2, 2, 3))
            responses: list[dict[str, int | None]] = []
            for _ in range(RESPONDENTS):
                levels: dict[str, int | None] = {}
                for ident in ids:
                    drawn = base + cycle * shuffle.choice((0, 0, 1)) + shuffle.choice((-1, 0, 0, 1))
                    levels[ident] = None if shuffle.random() < 0.05 else min(4, max(1, drawn))
                responses.append(levels)
            found.append((responses, score(rubric, responses)))
        cycles.append(found)
    return cycles


def _score_rows(submission: int, result: Any) -> Iterator[dict[str, Any]]:
    """The Score rows the self-assessment stores for ``result`` (as its ``_store_scores`` does)."""
    overall = result.overall
    yield {
        "submission_id": submission,
        "scope": "overall",
        "key": "overall",
        "mean": overall.mean,
        "score": overall.score,
        "stage": overall.stage,
        "rated": sum(1 for i in result.indicators if i.rating is not None),
        "total": len(result.indicators),
        "insufficient": False,
        "disagreement": False,
    }
    for d in result.domains:
        yield {
            "submission_id": submission,
            "scope": "domain",
            "key": d.id,
            "mean": d.mean,
            "score": d.score,
            "stage": None,
            "rated": d.rated,
            "total": d.total,
            "insufficient": d.insufficient,
            "disagreement": False,
        }
    for i in result.indicators:
        yield {
            "submission_id": submission,
            "scope": "indicator",
            "key": i.id,
            "mean": i.rating,
            "score": None,
            "stage": None,
            "rated": len(i.levels),
            "total": len(i.levels) + i.excluded,
            "insufficient": False,
            "disagreement": i.disagreement,
        }


class Rows:
    """Rows to insert, by table, in the order the tables were first given (parents first)."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {}

    def add(self, table: Any, **values: Any) -> None:
        self.tables.setdefault(table, []).append(values)

    def write(self, engine: Any, counts: dict[str, int]) -> None:
        from sqlalchemy import insert

        with engine.begin() as connection:
            for table, rows in self.tables.items():
                connection.execute(insert(table), rows)
                counts[table.__tablename__] = counts.get(table.__tablename__, 0) + len(rows)
        self.tables.clear()


def _cohort_rows(rows: Rows, jurisdictions: int, rubric: Any, instrument: Any) -> None:
    """The cohort and what is the cohort's own: sessions, the alliance lead, the rubric and survey
    versions used, the survey's import, the recommendation."""
    from assessment.cohorts.models import Cohort, CohortSession, Person, RoleAssignment
    from assessment.cohorts.sequence import add_months, load_sequence
    from assessment.recommendations.models import Recommendation
    from assessment.selfassessment.models import RubricVersion
    from assessment.survey.models import SurveyImport, SurveyInstrument

    sequence = load_sequence()
    start = date(2026, 3, 2)
    rows.add(Cohort, id=1, name=COHORT, region="Bench", start_date=start, sequence_id=sequence.id, created_at=AT)
    for s in sequence.sessions:
        scheduled = add_months(start, s.month_offset)
        rows.add(CohortSession, cohort_id=1, number=s.number, key=s.key, title=s.title, scheduled_on=scheduled)
    rows.add(Person, id=1, email=LEAD, name="Lee Lead", created_at=AT)
    rows.add(RoleAssignment, person_id=1, role="alliance_lead", jurisdiction_id=None, created_at=AT)
    for table, ident, version, made in (
        (RubricVersion, {"rubric_id": rubric.id}, rubric.version, rubric),
        (SurveyInstrument, {"instrument_id": instrument.id}, instrument.version, instrument),
    ):
        content = json.dumps(made.model_dump(mode="json"))
        rows.add(
            table,
            id=1,
            **ident,
            version=version,
            content_hash=made.content_hash,
            title=made.title,
            content=content,
            first_used_at=AT,
            first_used_by=LEAD,
        )
    responses = jurisdictions * SURVEY_RESPONSES
    answers = sum(
        1
        for rid in range(1, responses + 1)
        for index in range(len(instrument.statements))
        if (rid + index) % 20  # the bench's blanks, as ``_survey_rows`` leaves them
    )
    rows.add(
        SurveyImport,
        id=1,
        cohort_id=1,
        instrument_id=1,
        file_name="bench.xlsx",
        digest="bench",
        rows=responses,
        respondents=responses,
        answers=answers,
        skipped=0,
        imported_by=LEAD,
        imported_at=AT,
    )
    rows.add(
        Recommendation,
        id=1,
        cohort_id=1,
        title="Prompt payment for community contracts",
        problem="Community organizations wait months to be paid.",
        proposed_change="A state rule: pay within 30 days, with advance payment allowed.",
        level="state",
        evidence="",
        categories=["payment_cash_flow/invoicing_payment"],
        status="draft",
        version=1,
        created_at=AT,
        created_by=LEAD,
        updated_at=AT,
        updated_by=LEAD,
    )


class Team:
    """What the generator knows of one team while it writes its rows."""

    def __init__(self, j: int) -> None:
        self.j = j
        self.id = j + 1  # the team's id and its jurisdiction's
        self.name = f"Bench Jurisdiction {j + 1:05d}"
        self.people = [
            (2 + j * len(ROLES) + k, f"p{j + 1}-{k + 1}@bench.example.org", role) for k, role in enumerate(ROLES)
        ]

    @property
    def manager(self) -> str:
        return self.people[0][1]

    @property
    def officer(self) -> str:
        return self.people[1][1]


def _people_rows(rows: Rows, team: Team) -> None:
    from assessment.cohorts.models import Jurisdiction, Person, RoleAssignment
    from assessment.cohorts.models import Team as TeamRow

    kind = "city" if team.j % 3 == 0 else "county"
    rows.add(Jurisdiction, id=team.id, name=team.name, kind=kind, region="Bench", created_at=AT)
    enrolled = AT + timedelta(seconds=team.j)
    rows.add(TeamRow, id=team.id, jurisdiction_id=team.id, cohort_id=1, enrolled_at=enrolled)
    for pid, email, role in team.people:
        rows.add(Person, id=pid, email=email, name=f"Person {email.split('@')[0]}", created_at=AT)
        rows.add(RoleAssignment, person_id=pid, role=role, jurisdiction_id=team.id, created_at=AT)


def _assessment_rows(rows: Rows, team: Team, rubric: Any, patterns: Any, shuffle: random.Random) -> None:
    """Baseline, midpoint and final, each a submission of 5 respondents' ratings and its scores."""
    from assessment.selfassessment.models import Assessment, Cycle, Rating, Score, Submission

    for c, cycle in enumerate(Cycle):
        ident = team.j * 3 + c + 1
        answers, result = patterns[c][shuffle.randrange(PATTERNS)]
        rows.add(
            Assessment,
            id=ident,
            team_id=team.id,
            cycle=cycle.value,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            rubric_hash=rubric.content_hash,
            status="submitted",
            current_submission_id=ident,
            version=1,
            created_at=AT,
            updated_at=AT,
        )
        rows.add(
            Submission,
            id=ident,
            assessment_id=ident,
            number=1,
            digest=f"d{ident}",
            files="[]",
            respondent_count=RESPONDENTS,
            submitted_by=team.manager,
            submitted_at=AT,
        )
        for (_, email, role), levels in zip(team.people, answers, strict=True):
            for indicator, level in levels.items():
                answer = "Don't know" if level is None else str(level)
                rows.add(
                    Rating,
                    submission_id=ident,
                    respondent_email=email,
                    respondent_name=email,
                    respondent_role=role,
                    indicator_id=indicator,
                    level=level,
                    answer=answer,
                    evidence="",
                )
        for score_row in _score_rows(ident, result):
            rows.add(Score, **score_row)


def _planning_rows(rows: Rows, team: Team) -> None:
    """20 barriers, 5 goals of 3 milestones, the sessions held so far."""
    from assessment.barriers.models import Barrier, BarrierStatus
    from assessment.barriers.reference import category_ids, controller_ids, stage_ids
    from assessment.cohorts.sequence import add_months, load_sequence
    from assessment.goals.models import Goal, GoalStatus, Milestone
    from assessment.sessions.models import SessionRecord

    j = team.j
    categories, stages, controllers, statuses = category_ids(), stage_ids(), controller_ids(), list(BarrierStatus)
    for b in range(BARRIERS):
        rows.add(
            Barrier,
            jurisdiction_id=team.id,
            title=f"Barrier {b + 1}",
            description="",
            category=categories[(j * 7 + b) % len(categories)],
            stage=stages[(j + b * 3) % len(stages)],
            controller=controllers[(j + b) % len(controllers)] if b % 4 else None,
            severity=1 + (j + b) % 5 if b % 6 else None,
            burden_on="",
            root_cause="",
            indicators=[],
            owner_id=None,
            status=statuses[(j + b) % len(statuses)].value,
            version=1,
            created_at=AT,
            created_by=team.officer,
            updated_at=AT,
            updated_by=team.officer,
        )
    goal_statuses = [GoalStatus.done, GoalStatus.done, GoalStatus.on_track, GoalStatus.at_risk, GoalStatus.not_started]
    for g in range(GOALS):
        gid = j * GOALS + g + 1
        rows.add(
            Goal,
            id=gid,
            team_id=team.id,
            jurisdiction_id=team.id,
            statement=f"Goal {g + 1}",
            measure="share of the work done",
            baseline_value=Decimal(0),
            target_value=Decimal(100),
            unit="%",
            due_on=date(2027, 3, 1),
            owner_id=team.people[0][0],
            indicators=[],
            status=goal_statuses[(j + g) % len(goal_statuses)].value,
            version=1,
            created_at=AT,
            created_by=team.manager,
            updated_at=AT,
            updated_by=team.manager,
        )
        for m in range(MILESTONES):
            done = date(2026, 9, 1) if (j + g + m) % 2 else None
            rows.add(
                Milestone,
                goal_id=gid,
                title=f"Step {m + 1}",
                due_on=date(2026, 10, 1),
                owner_id=None,
                done_on=done,
                created_at=AT,
                created_by=team.manager,
            )
    for s in load_sequence().sessions[: 3 + j % 7]:
        rows.add(
            SessionRecord,
            team_id=team.id,
            jurisdiction_id=team.id,
            number=s.number,
            held_on=add_months(date(2026, 3, 2), s.month_offset),
            attendees=[email for _, email, _ in team.people[: 3 + (j + s.number) % 3]],
            deliverables={},
            missing={},
            notes="",
            version=1,
            created_at=AT,
            created_by=team.manager,
            updated_at=AT,
            updated_by=team.manager,
        )


def _spending_rows(rows: Rows, team: Team, shuffle: random.Random) -> None:
    """20 vendors, 100 contracts of 2024 and 2025 with 2 payments each, and the 2024 baseline as
    ``record_baseline`` computes and stores it."""
    from assessment.spending.measures import ContractFact, PaymentFact, period_figures, year
    from assessment.spending.models import (
        SpendBaseline,
        SpendContract,
        SpendFigures,
        SpendPayment,
        SpendVendor,
        VendorGroup,
    )

    j = team.j
    for v in range(VENDORS):
        rows.add(
            SpendVendor,
            id=j * VENDORS + v + 1,
            jurisdiction_id=team.id,
            key=f"V{v + 1}",
            name=f"Vendor {v + 1}",
            created_at=AT,
        )
    facts: list[ContractFact] = []
    paid: list[PaymentFact] = []
    for n in range(CONTRACTS):
        cid = j * CONTRACTS + n + 1
        vendor = j * VENDORS + n % VENDORS + 1
        awarded = date(2024 + n % 2, 1 + n % 12, 1 + n % 28)
        amount = Decimal(1000 + shuffle.randrange(99000))
        flags = {
            "cbo": (n + j) % 4 == 0 if n % 10 else None,  # some contracts don't say
            "small": (n + j) % 3 == 0,
            "local": (n * 7 + j) % 2 == 0,
            "bipoc_led": n % 9 == 0,
            "first_time": n % 13 == 0,
        }
        rows.add(
            SpendContract,
            id=cid,
            jurisdiction_id=team.id,
            vendor_id=vendor,
            key=f"C{n + 1}",
            source="spreadsheet",
            title="",
            currency="USD",
            amount=None if n % 20 == 0 else amount,  # a few without an amount: their payments count
            awarded_on=awarded,
            solicited_on=None,
            advance_payment=n % 7 == 0,
            **flags,
            scale=None,
            address="",
            zip="92101",
            tract=None,
            imported_at=AT,
            imported_by=team.officer,
            updated_at=AT,
            updated_by=team.officer,
        )
        half = (amount / 2).quantize(Decimal("0.01"))
        for p, value in enumerate((half, amount - half)):
            invoiced = awarded + timedelta(days=30 + 30 * p)
            done = invoiced + timedelta(days=10 + (n + p) % 50)
            rows.add(
                SpendPayment,
                contract_id=cid,
                key=f"P{p + 1}",
                amount=value,
                invoiced_on=invoiced,
                paid_on=done,
                imported_at=AT,
                imported_by=team.officer,
            )
            paid.append(PaymentFact(done, invoiced, False))
        groups = {VendorGroup(key): flag for key, flag in flags.items()}
        facts.append(ContractFact(vendor, amount, awarded, n % 7 == 0, groups))
    figures = SpendFigures(jurisdiction=team.name, currency="USD", periods=[period_figures(year(2024), facts, paid)])
    rows.add(
        SpendBaseline,
        team_id=team.id,
        jurisdiction_id=team.id,
        periods="2024",
        figures=figures.model_dump(mode="json"),
        version=1,
        recorded_at=AT,
        recorded_by=team.officer,
    )


def _survey_rows(rows: Rows, team: Team, statements: list[str]) -> None:
    """10 responses to the survey, a few statements left blank; every 10th team opts in to be named,
    two in five endorse the recommendation."""
    from assessment.recommendations.models import Endorsement
    from assessment.reports.models import ReportPreference
    from assessment.survey.models import SurveyAnswer, SurveyResponse

    j = team.j
    for r in range(SURVEY_RESPONSES):
        rid = j * SURVEY_RESPONSES + r + 1
        rows.add(
            SurveyResponse,
            id=rid,
            import_id=1,
            row=rid + 1,
            respondent=f"R{rid}",
            organization="",
            jurisdiction_id=team.id,
        )
        for index, statement in enumerate(statements):
            if (rid + index) % 20:
                answer = 1 + (rid * 3 + index + j) % 5
                rows.add(
                    SurveyAnswer,
                    response_id=rid,
                    statement_id=statement,
                    answer=answer,
                    import_id=1,
                    jurisdiction_id=team.id,
                )
    if j % 10 == 0:
        rows.add(
            ReportPreference,
            team_id=team.id,
            jurisdiction_id=team.id,
            named_in_regional=True,
            updated_at=AT,
            updated_by=team.manager,
        )
    if j % 5 < 2:
        rows.add(
            Endorsement,
            recommendation_id=1,
            jurisdiction_id=team.id,
            person_id=team.people[0][0],
            role="equity_program_manager",
            note="",
            endorsed_at=AT,
        )


def generate(path: Path, jurisdictions: int, seed: int = 2026) -> dict[str, float]:
    """Write the synthetic cohort of ``jurisdictions`` teams into a new SQLite file at ``path``."""
    from sqlalchemy import create_engine, event

    from assessment.core.db import upgrade
    from assessment.selfassessment.rubric import load_rubric

    start = time.perf_counter()
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    shuffle = random.Random(seed)
    rubric = load_rubric()
    patterns = _patterns(rubric, shuffle)
    instrument = bench_instrument()
    statements = [s.id for s in instrument.statements]
    counts: dict[str, int] = {}
    rows = Rows()
    _cohort_rows(rows, jurisdictions, rubric, instrument)
    rows.write(engine, counts)
    for first in range(0, jurisdictions, CHUNK):
        for j in range(first, min(first + CHUNK, jurisdictions)):
            team = Team(j)
            _people_rows(rows, team)
            _assessment_rows(rows, team, rubric, patterns, shuffle)
            _planning_rows(rows, team)
            _spending_rows(rows, team, shuffle)
            _survey_rows(rows, team, statements)
        rows.write(engine, counts)
    engine.dispose()
    return {
        "seconds": time.perf_counter() - start,
        "mb": path.stat().st_size / 1_048_576,
        "rows": float(sum(counts.values())),
        **{f"rows_{k}": float(v) for k, v in counts.items()},
    }


# --- what each child process does ---------------------------------------------------------------


def bare_statements(session: Any, cohort_id: int) -> list[Any]:
    """Every SQL statement the regional report runs, as the report's own modules and the features
    it reads (the ranking, the survey's results, the recommendations) build them."""
    from sqlalchemy import and_, case, func
    from sqlalchemy import select as sql_select
    from sqlmodel import col

    from assessment.barriers.models import Barrier, BarrierStatus
    from assessment.barriers.ranking import CYCLE_ORDER
    from assessment.cohorts.models import Cohort, CohortSession, Jurisdiction, Person, Team
    from assessment.recommendations.models import Endorsement, Recommendation
    from assessment.reports import regional_aggregates
    from assessment.reports.naming import places_query
    from assessment.selfassessment.models import Assessment, RubricVersion, Scope, Score
    from assessment.survey.models import SurveyAnswer, SurveyImport, SurveyInstrument

    dialect = session.get_bind().dialect.name
    places = sql_select(col(Team.jurisdiction_id)).where(col(Team.cohort_id) == cohort_id)
    in_cohort = col(Barrier.jurisdiction_id).in_(places)
    category, stage = col(Barrier.category), col(Barrier.stage)
    resolved = func.sum(case((col(Barrier.status) == BarrierStatus.resolved.value, 1), else_=0))
    latest = (
        sql_select(col(Assessment.team_id).label("team_id"), func.max(CYCLE_ORDER).label("cycle_order"))
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .where(col(Team.cohort_id) == cohort_id, col(Assessment.current_submission_id).is_not(None))
        .group_by(col(Assessment.team_id))
        .subquery()
    )
    chosen = (
        sql_select(col(Assessment.current_submission_id))
        .join(latest, and_(latest.c.team_id == col(Assessment.team_id), latest.c.cycle_order == CYCLE_ORDER))
        .where(col(Assessment.current_submission_id).is_not(None))
    )
    level = col(Score.mean)
    imports = sql_select(col(SurveyImport.id)).where(
        col(SurveyImport.cohort_id) == cohort_id, col(SurveyImport.replaced_at).is_(None)
    )
    agree = func.sum(case((col(SurveyAnswer.answer) >= 4, 1), else_=0))
    answer_statement, answer_place = col(SurveyAnswer.statement_id), col(SurveyAnswer.jurisdiction_id)
    rubrics = (
        sql_select(col(Assessment.rubric_id), col(Assessment.rubric_version))
        .distinct()
        .join(Team, col(Team.id) == col(Assessment.team_id))
        .where(col(Team.cohort_id) == cohort_id)
    )
    return [
        sql_select(Cohort),
        places_query(cohort_id),
        sql_select(CohortSession).where(col(CohortSession.cohort_id) == cohort_id),
        rubrics,
        sql_select(RubricVersion),
        *regional_aggregates.statements(cohort_id, dialect).values(),
        # the barrier ranking
        sql_select(func.count()).select_from(Team).where(col(Team.cohort_id) == cohort_id),
        sql_select(func.count(func.distinct(Barrier.jurisdiction_id))).where(in_cohort),
        sql_select(
            category,
            stage,
            func.count(func.distinct(Barrier.jurisdiction_id)),
            func.count(),
            func.sum(col(Barrier.severity)),
            func.count(col(Barrier.severity)),
            resolved,
        )
        .where(in_cohort)
        .group_by(category, stage),
        sql_select(category, stage, col(Barrier.controller), func.count())
        .where(in_cohort)
        .group_by(category, stage, col(Barrier.controller)),
        sql_select(category, stage, col(Jurisdiction.name))
        .distinct()
        .join(Jurisdiction, col(Jurisdiction.id) == col(Barrier.jurisdiction_id))
        .where(in_cohort),
        sql_select(col(Score.key), func.sum(level), func.count(level))
        .where(col(Score.submission_id).in_(chosen), col(Score.scope) == Scope.indicator.value, level.is_not(None))
        .group_by(col(Score.key)),
        # the partner survey's results
        sql_select(Jurisdiction)
        .join(Team, col(Team.jurisdiction_id) == col(Jurisdiction.id))
        .where(col(Team.cohort_id) == cohort_id),
        sql_select(SurveyImport).where(col(SurveyImport.cohort_id) == cohort_id),
        sql_select(SurveyInstrument),
        sql_select(answer_statement, answer_place, func.count(), agree)
        .where(col(SurveyAnswer.import_id).in_(imports))
        .group_by(answer_statement, answer_place),
        # the recommendations and their endorsements
        sql_select(Recommendation).where(col(Recommendation.cohort_id) == cohort_id),
        sql_select(Endorsement, Jurisdiction, Person)
        .join(Jurisdiction, col(Jurisdiction.id) == col(Endorsement.jurisdiction_id))
        .join(Person, col(Person.id) == col(Endorsement.person_id))
        .where(col(Endorsement.withdrawn_at).is_(None)),
    ]


def child(stage: str) -> None:
    """One measurement in this (fresh) process, on the database the settings name; prints JSON."""
    from assessment.cohorts.people import resolve_actor
    from assessment.cohorts.service import get_cohort
    from assessment.core.db import transaction
    from assessment.core.fields import row_id
    from assessment.reports.regional import regional_report
    from assessment.reports.regional_layout import document_of

    if stage.startswith("c") or stage.startswith("d"):
        from roadmaps.report.registry import report_renderers, write_report

        report_renderers()  # the renderers' modules (reportlab, openpyxl, jinja2) imported before the clock
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, float] = {}
    start = time.perf_counter()
    with transaction() as session:
        if stage == "a":
            connection = session.connection()
            cohort_id = row_id(get_cohort(session, COHORT))
            figures["rows"] = float(sum(len(connection.execute(s).all()) for s in bare_statements(session, cohort_id)))
        else:
            actor = resolve_actor(session, LEAD)
            report = regional_report(session, actor, COHORT, anonymize=True)
    if stage != "a":
        figures["report_s"] = time.perf_counter() - start
        mark = time.perf_counter()
        document = document_of(report)
        figures["layout_s"] = time.perf_counter() - mark
        figures["table_rows"] = float(sum(len(t.rows) for t in document.tables()))
        folder = Path(os.environ["BENCH_OUT"])
        if stage == "c":
            mark = time.perf_counter()
            written = write_report(document, folder, "regional", list(FORMATS))
            figures["write_s"] = time.perf_counter() - mark
            figures["mb_written"] = sum(p.stat().st_size for p in written) / 1_048_576
        elif stage == "d":
            for name in FORMATS:
                mark = time.perf_counter()
                write_report(document, folder, f"regional-{name}", [name])
                figures[f"{name}_s"] = time.perf_counter() - mark
    figures["seconds"] = time.perf_counter() - start
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["hwm_mb"] = high_water_mb()
    figures["imported_mb"] = imported
    print(json.dumps(figures))


def high_water_mb() -> float:
    """This process's peak resident memory as the kernel counts it for its own memory map (VmHWM),
    which, unlike ``ru_maxrss``, does not carry a parent's peak over an exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def generate_in_child(path: Path, jurisdictions: int) -> dict[str, float]:
    """``generate`` in a process of its own, so this one stays small: a child's ``ru_maxrss``
    starts from its parent's peak."""
    code = "import json; from pathlib import Path; from benchmarks.regional import generate; "
    code += f"print(json.dumps(generate(Path({str(path)!r}), {jurisdictions})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"generating the regional bench cohort failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_child(stage: str, database: Path, folder: Path) -> dict[str, float]:
    """``child(stage)`` in a fresh process; its figures, with the process's wall time from start to end."""
    env = {
        **os.environ,
        "ACCELERATOR_DATABASE_URL": f"sqlite:///{database}",
        "ACCELERATOR_CONFIG_DIR": str(folder / "config"),
        "ACCELERATOR_DATA_DIR": str(folder / "data"),
        "BENCH_OUT": str(folder),
    }
    code = f"from benchmarks.regional import child; child({stage!r})"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"regional bench child {stage} failed:\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_s": wall}


def measure(folder: Path, jurisdictions: int) -> dict[str, float]:
    """Generate the cohort of ``jurisdictions``, then (a), (b), (c) taken turn about, ``REPEAT``
    times each (medians), and each format alone once."""
    database = folder / f"regional-{jurisdictions}.db"
    made = generate_in_child(database, jurisdictions)
    runs: dict[str, list[dict[str, float]]] = {"a": [], "b": [], "c": []}
    for _ in range(REPEAT):
        for stage in runs:
            runs[stage].append(run_child(stage, database, folder))
    alone = run_child("d", database, folder)

    def med(stage: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[stage])

    figures = {
        "jurisdictions": float(jurisdictions),
        "generate_s": made["seconds"],
        "database_mb": made["mb"],
        "database_rows": made["rows"],
        "bare_sql_s": med("a", "seconds"),
        "bare_sql_rows": runs["a"][0]["rows"],
        "bare_sql_peak_mb": max(r["peak_mb"] for r in runs["a"]),
        "report_s": med("b", "report_s"),
        "layout_s": med("b", "layout_s"),
        "compile_s": med("b", "seconds"),
        "compile_peak_mb": max(r["peak_mb"] for r in runs["b"]),
        "table_rows": runs["b"][0]["table_rows"],
        "write_s": med("c", "write_s"),
        "with_files_s": med("c", "seconds"),
        "with_files_process_s": med("c", "process_s"),
        "with_files_peak_mb": max(r["peak_mb"] for r in runs["c"]),
        "with_files_hwm_mb": max(r["hwm_mb"] for r in runs["c"]),
        "files_mb": runs["c"][0]["mb_written"],
        **{f"{name}_alone_s": alone[f"{name}_s"] for name in FORMATS},
    }
    figures["compile_to_bare"] = figures["compile_s"] / figures["bare_sql_s"]
    return figures


def regional(folder: Path) -> dict[str, dict[str, float]]:
    """The benchmark at each size; prints its figures and the growth from the first size to the last."""
    results = {str(n): measure(folder, n) for n in SIZES}
    for f in results.values():
        print(
            f"regional: {int(f['jurisdictions']):,} jurisdictions ({f['database_rows']:,.0f} rows, "
            f"{f['database_mb']:.0f} MB of SQLite, generated in {f['generate_s']:.0f} s)"
        )
        print(
            f"regional:   (a) bare SQL {f['bare_sql_s']:.2f} s ({f['bare_sql_rows']:,.0f} rows fetched, peak "
            f"{f['bare_sql_peak_mb']:.0f} MB); (b) report + layout {f['compile_s']:.2f} s (report "
            f"{f['report_s']:.2f} s, layout {f['layout_s']:.2f} s, peak {f['compile_peak_mb']:.0f} MB): "
            f"{f['compile_to_bare']:.2f}x (a) (goal <= 3x)"
        )
        print(
            f"regional:   (c) + pdf, xlsx, html {f['with_files_s']:.1f} s (writing {f['write_s']:.1f} s: pdf "
            f"{f['pdf_alone_s']:.1f} s, xlsx {f['xlsx_alone_s']:.1f} s, html {f['html_alone_s']:.1f} s alone; "
            f"{f['files_mb']:.1f} MB, {f['table_rows']:,.0f} table rows); the process from start to end "
            f"{f['with_files_process_s']:.1f} s, peak RSS {f['with_files_peak_mb']:.0f} MB (ru_maxrss; VmHWM "
            f"{f['with_files_hwm_mb']:.0f} MB) (goal < 30 s, < 600 MB)"
        )
    small, large = results[str(SIZES[0])], results[str(SIZES[-1])]
    scale = SIZES[-1] / SIZES[0]
    growth = {
        key: large[key] / small[key]
        for key in ("bare_sql_s", "compile_s", "with_files_s", "with_files_peak_mb", "write_s")
        if small[key]
    }
    print(
        f"regional: growth from {SIZES[0]:,} to {SIZES[-1]:,} jurisdictions ({scale:.0f}x): bare SQL "
        f"{growth['bare_sql_s']:.1f}x, report + layout {growth['compile_s']:.1f}x, with the files "
        f"{growth['with_files_s']:.1f}x (writing {growth['write_s']:.1f}x), "
        f"peak RSS {growth['with_files_peak_mb']:.1f}x"
    )
    results["growth"] = growth
    return results
