"""The demo's sessions 8 and 9, played through the services as the cast would: the alliance lead
drafts a regional recommendation from the barrier ranking and three teams endorse it; the partner
survey is issued, filled by partners and imported; each team imports this year's contracts (the
spending shift), enters a highlight and a partner's quote, and two teams agree to be named; then,
on the demo's Prefect server, each team's impact report and the regional report (named, and
anonymized) are compiled."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel

from accelerator.demo_cast import ALLIANCE_LEAD, BARRIERS, COHORT, TEAMS, DemoTeam, manager_of, officer_of

Say = Callable[[str], None]

# --- session 8: the state rule the region asks to change ----------------------------------------------

# The state's cap on indirect costs: inventoried by Marigold County in session 2; in session 8, seeing
# it in the ranking, two more teams find it in their own contracts.
STATE_BARRIER = BARRIERS[4]
ALSO_FOUND_BY = ("Alder County", "Juniper City")
RECOMMENDATION = {
    "title": "Let state grants pay the real indirect costs of community-based organizations",
    "problem": (
        "State grant terms cap indirect costs at 10%, below what small community-based organizations spend on "
        "rent, bookkeeping and insurance. They make up the difference from other funds, or do not apply."
    ),
    "proposed_change": (
        "Ask the state health department to accept each organization's negotiated indirect cost rate, or a "
        "flat rate of 15% for those without one, in the grants it passes through to local health jurisdictions."
    ),
    "level": "state",
}
# (jurisdiction, who endorses for it, their note): a program manager, or an executive lead
ENDORSEMENTS = (
    (
        "Alder County",
        "hong.nguyen@alder.example.org",
        "Nâng mức trần chi phí gián tiếp giúp các tổ chức nhỏ trả lương đúng hạn.",
    ),
    ("Juniper City", "sam.tran@juniper.example.org", "Our board voted to support it in May."),
    ("Marigold County", "wei.chen@marigold.example.org", ""),
)

# --- the partner survey -------------------------------------------------------------------------------

# (respondent, organization, jurisdiction or None, statements left blank). Tidewater City has fewer
# respondents than the cohort's minimum (5), so its shares read "too few responses"; six regional
# partners name no jurisdiction and count in the overall figures only.
RESPONDENTS: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    ("Phạm Thị Lan", "Hội Người Việt Cao Niên (fictional)", "Alder County", ()),
    ("Đỗ Quang Huy", "Hội Người Việt Cao Niên (fictional)", "Alder County", ()),
    ("Lucía Ramírez", "Casa Comunidad (fictional)", "Alder County", ()),
    ("Marcus Johnson", "Eastside Youth Council (fictional)", "Alder County", ()),
    ("Võ Thị Thu", "Healthy Roots Collective (fictional)", "Alder County", ()),
    ("Guadalupe Torres", "Casa Comunidad (fictional)", "Alder County", ()),
    ("Tavita Faleolo", "Pacific Islander Wellness Circle (fictional)", "Alder County", ()),
    ("R.K.", "", "Alder County", ("leadership_roles", "policies_advanced", "influence_with_decision_makers")),
    ("박지영", "한인 가정 상담소 (fictional)", "Juniper City", ()),
    ("최수민", "한인 가정 상담소 (fictional)", "Juniper City", ()),
    ("Carmen Delgado", "Promotoras Unidas (fictional)", "Juniper City", ()),
    ("Nguyễn Văn Bình", "Juniper Refugee Services (fictional)", "Juniper City", ()),
    ("Aisha Mohamed", "Harbor Family Services (fictional)", "Juniper City", ()),
    ("Jamal Carter", "Eastside Youth Council (fictional)", "Juniper City", ()),
    ("이하은", "", "Juniper City", ("trust",)),
    ("José Hernández", "Promotoras Unidas (fictional)", "Marigold County", ()),
    ("Rosa María Gutiérrez", "Promotoras Unidas (fictional)", "Marigold County", ()),
    ("陈美玲", "Chinatown Health Collaborative (fictional)", "Marigold County", ()),
    ("Lee Whitehorse", "Native Wellness Network (fictional)", "Marigold County", ()),
    ("Fatima Ahmed", "Harbor Family Services (fictional)", "Marigold County", ()),
    ("Trần Minh Khoa", "Healthy Roots Collective (fictional)", "Marigold County", ()),
    ("Daniel Osei", "Harbor Youth Alliance (fictional)", "Tidewater City", ()),
    ("김하늘", "Tidewater Korean Community Center (fictional)", "Tidewater City", ()),
    ("Sofía Morales", "Casa Comunidad (fictional)", "Tidewater City", ()),
    ("Ngozi Eze", "Demo Region Food Bank (fictional)", None, ()),
    ("Leilani Kahale", "Pacific Health Alliance (fictional)", None, ()),
    ("Hoàng Thị Yến", "", None, ()),
    ("Miguel Ángel Ruiz", "Farmworker Health Network (fictional)", None, ()),
    ("정민호", "", None, ()),
    ("Sam Rivera", "", None, ("equity_centered",)),
)
# A row typed with a name but no answers: the import skips it, and says so.
UNANSWERED = ("Harbor Family Services, 2nd form", "Harbor Family Services (fictional)", "Juniper City")

# --- session 9: what each team says of its year ------------------------------------------------------

# jurisdiction -> (highlight, quote, who said it)
HIGHLIGHTS = {
    "Alder County": (
        "Finance drafted an advance-payment policy: community-based organizations may receive up to 25% of a "
        "contract on signing. It goes to the board this spring.",
        "Chúng tôi nhận được khoản tạm ứng đầu tiên sau hai tuần, không phải ba tháng.",
        "Phạm Thị Lan, Hội Người Việt Cao Niên (fictional)",
    ),
    "Juniper City": (
        "Three solicitations went out in Spanish, Vietnamese and Korean this year, and wet signatures are gone.",
        "처음으로 우리 언어로 된 공고를 읽고 직접 지원했습니다.",
        "박지영, 한인 가정 상담소 (fictional)",
    ),
    "Marigold County": (
        "Insurance requirements now match the risk of the work: 15 small contracts used the new schedule.",
        "Por fin el seguro que nos piden tiene sentido para el trabajo que hacemos.",
        "Rosa María Gutiérrez, Promotoras Unidas (fictional)",
    ),
    "Tidewater City": (
        "Thirty partners came to our listening sessions; what they said shaped our first three process changes.",
        "We spent our first grant on insurance. This year we could spend it on our youth program.",
        "a community partner",
    ),
}
# This year's contracts (session 9's "spending shift"): fewer than last year's, and every team moves a
# larger share of its dollars to community-based organizations than in its baseline year.
THIS_YEAR = 2026
CONTRACTS_THIS_YEAR = 12
MOVED = 0.25  # how much further along each team's spending is than in the baseline year (0..1)

# The teams that agree to be named in the regional report; the others are counted, not named.
NAMED = ("Alder County", "Marigold County")
FORMATS = "pdf,xlsx,html"


class DemoRecommendation(BaseModel):
    """The recommendation the alliance lead drafted, and who endorses it."""

    id: int
    title: str
    level: str
    evidence: str
    endorsed_by: list[str]


class SurveyLine(BaseModel):
    """One statement's result: overall and per jurisdiction, as the results say it."""

    statement: str
    overall: str
    percent: int | None
    jurisdictions: dict[str, str]


class DemoSurvey(BaseModel):
    template: str
    filled: str
    respondents: int
    skipped: int  # rows naming someone but answering nothing
    minimum: int
    lines: list[SurveyLine]  # every statement, in the instrument's order


class DemoReport(BaseModel):
    """One report compiled: what it is, for whom, and its files."""

    what: str
    jurisdiction: str | None
    anonymized: bool
    files: list[str]


class DemoReports(BaseModel):
    """What sessions 8 and 9 added to the demo."""

    recommendation: DemoRecommendation
    survey: DemoSurvey
    named_in_regional: list[str]
    reports: list[DemoReport]


def play_sessions_8_and_9(folder: Path, say: Say) -> DemoReports:
    """Sessions 8 and 9 for the demo cohort: the recommendation, the survey in ``folder``/survey, the
    highlights and opt-ins, then every report compiled into ``folder``/reports on the Prefect server."""
    from accelerator.flowrun import run_flow

    say("The alliance lead drafts a regional recommendation and three teams endorse it (session 8) ...")
    recommendation = recommend()
    say("Partners answer the partner survey; the alliance lead imports it ...")
    survey = run_survey(folder / "survey")
    say(
        f"Each team imports its {THIS_YEAR} contracts so far, enters a highlight and a partner's quote; two agree "
        "to be named in the regional report ..."
    )
    import_this_years_spending(folder / "places")
    enter_highlights()
    reports = run_flow(lambda: compile_reports(folder / "reports"))
    return DemoReports(recommendation=recommendation, survey=survey, named_in_regional=list(NAMED), reports=reports)


def recommend() -> DemoRecommendation:
    """Two more teams record the state's cap; the alliance lead drafts the recommendation from the
    ranking's first row of a state or federal rule; three teams endorse it."""
    from assessment.barriers.ranking import rank_barriers
    from assessment.barriers.service import add_barrier, update_barrier
    from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.recommendations.service import draft_recommendation, endorse
    from assessment.recommendations.shapes import RecommendationCreate

    title, category, stage, controller, severity, cause, _ = STATE_BARRIER
    for team in [team for team in TEAMS if team.jurisdiction in ALSO_FOUND_BY]:
        with transaction() as session:
            officer = resolve_actor(session, officer_of(team))
            found = add_barrier(
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
            note = "A state rule: raised for the regional recommendation."
            update_barrier(session, officer, found.id, BarrierUpdate(status="deferred"), found.version, note)
    with transaction() as session:
        lead = resolve_actor(session, ALLIANCE_LEAD[0])
        ranking = rank_barriers(session, lead, COHORT)
        row = next(r for r in ranking.rows if r.regional_policy_candidate)
        drafted = draft_recommendation(
            session, lead, COHORT, RecommendationCreate.model_validate({**RECOMMENDATION, "categories": [row.key]})
        )
    endorsed = []
    for jurisdiction, email, note in ENDORSEMENTS:
        with transaction() as session:
            endorse(session, resolve_actor(session, email), drafted.id, jurisdiction, note)
        endorsed.append(jurisdiction)
    return DemoRecommendation(
        id=drafted.id, title=drafted.title, level=drafted.level_label, evidence=drafted.evidence, endorsed_by=endorsed
    )


def run_survey(folder: Path) -> DemoSurvey:
    """The alliance lead writes the form; partners' answers are typed in (openpyxl) and imported."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.survey.service import import_survey, survey_results, write_survey_template

    folder.mkdir(parents=True, exist_ok=True)
    with transaction() as session:
        lead = resolve_actor(session, ALLIANCE_LEAD[0])
        form = write_survey_template(session, lead, COHORT, folder / "partner-survey-form.xlsx")
    filled = fill_survey(form.path, folder / "partner-survey-filled.xlsx")
    with transaction() as session:
        lead = resolve_actor(session, ALLIANCE_LEAD[0])
        imported = import_survey(session, lead, COHORT, filled)
    with transaction() as session:
        results = survey_results(session, resolve_actor(session, ALLIANCE_LEAD[0]), COHORT)
    return DemoSurvey(
        template=str(form.path),
        filled=str(filled),
        respondents=imported.respondents,
        skipped=imported.skipped,
        minimum=results.minimum,
        lines=[
            SurveyLine(
                statement=s.text,
                overall=s.overall.said,
                percent=s.overall.percent,
                jurisdictions={j.jurisdiction: j.share.said for j in s.jurisdictions},
            )
            for s in results.statements
        ],
    )


def fill_survey(form: Path, out: Path) -> Path:
    """The form filled as an alliance lead types partners' answers: a row each, picked from the
    drop-downs. Partners of a team further along agree a little more often."""
    from openpyxl import load_workbook

    from assessment.survey.instrument import load_instrument
    from assessment.survey.template import FIRST_ROW, ID_ROW

    labels = load_instrument().labels  # Strongly disagree ... Strongly agree
    book = load_workbook(form)
    sheet = book["Survey"]
    column = {sheet.cell(row=ID_ROW, column=c).value: c for c in range(1, sheet.max_column + 1)}
    statements = [key for key in column if key not in ("respondent", "organization", "jurisdiction")]
    profile = {team.jurisdiction: team.profile for team in TEAMS}
    rnd = random.Random(2027)
    for number, (respondent, organization, jurisdiction, blank) in enumerate(RESPONDENTS, start=FIRST_ROW):
        sheet.cell(row=number, column=column["respondent"], value=respondent)
        sheet.cell(row=number, column=column["organization"], value=organization or None)
        sheet.cell(row=number, column=column["jurisdiction"], value=jurisdiction)
        centre = 2.2 + 0.6 * profile.get(jurisdiction or "", 2.4)
        for key in statements:
            if key not in blank:
                answer = min(5, max(1, round(rnd.gauss(centre, 0.9))))
                sheet.cell(row=number, column=column[key], value=labels[answer - 1])
    last = FIRST_ROW + len(RESPONDENTS)
    for key, value in zip(("respondent", "organization", "jurisdiction"), UNANSWERED, strict=True):
        sheet.cell(row=last, column=column[key], value=value)
    book.save(out)
    return out


def write_this_years_spending(path: Path, team: DemoTeam, rnd: random.Random) -> Path:
    """This year's contracts so far, one payment each, as the team's finance system exports them:
    more of the dollars with community-based organizations in the least healthy tracts, paid sooner
    than last year. No date is later than yesterday (a payment is imported once made)."""
    from accelerator.demo_places import COUNTY_FIPS, TRACTS, VENDORS, tract
    from assessment.spending.sheet import COLUMNS

    fips = COUNTY_FIPS[team.jurisdiction]
    reach = min(1.0, (team.profile - 1.5) / 2 + MOVED)
    latest = date.today() - timedelta(days=1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in COLUMNS])
        for number in range(CONTRACTS_THIS_YEAR):
            name, cbo, small, local = VENDORS[number % len(VENDORS)]
            community = cbo == "yes"
            low = rnd.randrange(0, TRACTS // 2) if community else rnd.randrange(TRACTS // 2, TRACTS)
            amount = rnd.choice([8000, 12000, 25000, 40000]) * (1 + reach if community else 2 - reach)
            awarded = min(date(THIS_YEAR, 1, 10) + timedelta(days=14 * number), latest)
            invoiced = min(awarded + timedelta(days=30), latest)
            paid = min(invoiced + timedelta(days=int(rnd.randint(10, 40) * (1.4 - reach))), latest)
            cells = {
                "contract_id": f"PO-{THIS_YEAR}-{number + 1:03d}",
                "vendor": name,
                "contract_amount": f"{amount:.2f}",
                "currency": "USD",
                "awarded_on": awarded.isoformat(),
                "payment_amount": f"{amount:.2f}",
                "invoiced_on": invoiced.isoformat(),
                "paid_on": paid.isoformat(),
                "cbo": cbo,
                "small": small,
                "local": local,
                "tract": tract(fips, low),
            }
            writer.writerow([cells.get(c.field, "") for c in COLUMNS])
    return path


def import_this_years_spending(folder: Path) -> None:
    """Each team's procurement officer imports this year's contracts beside last year's."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.spending.imports import import_spending

    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(THIS_YEAR)
    for team in TEAMS:
        slug = team.jurisdiction.lower().replace(" ", "-")
        written = write_this_years_spending(folder / f"{slug}-spending-{THIS_YEAR}.csv", team, rnd)
        with transaction() as session:
            import_spending(session, resolve_actor(session, officer_of(team)), team.jurisdiction, written)


def enter_highlights() -> None:
    """Each team's program manager enters its highlight and quote; the teams in ``NAMED`` opt in."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.reports.highlights import add_highlight, set_named_in_regional
    from assessment.reports.shapes import HighlightCreate

    for team in TEAMS:
        highlight, quote, said_by = HIGHLIGHTS[team.jurisdiction]
        with transaction() as session:
            manager = resolve_actor(session, manager_of(team))
            add_highlight(session, manager, team.jurisdiction, COHORT, HighlightCreate(text=highlight))
            entered = HighlightCreate.model_validate({"kind": "quote", "text": quote, "attribution": said_by})
            add_highlight(session, manager, team.jurisdiction, COHORT, entered)
            if team.jurisdiction in NAMED:
                note = "The team agreed to be named."
                set_named_in_regional(session, manager, team.jurisdiction, COHORT, True, note)


def compile_reports(folder: Path) -> list[DemoReport]:
    """Each team's impact report (compiled by its program manager; a team without a final assessment
    gets one that says what is missing), then the regional report named and anonymized (the alliance lead)."""
    from prefect.logging.handlers import APILogWorker
    from rich.progress import Progress

    from accelerator.output import console
    from flows.reports import jurisdiction_report, regional_report

    made = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Compiling the impact reports", total=len(TEAMS) + 2)
        for team in TEAMS:
            built = jurisdiction_report(team.jurisdiction, COHORT, FORMATS, str(folder), actor=manager_of(team))
            what = f"{team.jurisdiction}: impact report"
            made.append(DemoReport(what=what, jurisdiction=team.jurisdiction, anonymized=False, files=files_of(built)))
            progress.advance(task)
        for anonymize in (False, True):
            built = regional_report(COHORT, anonymize, FORMATS, str(folder), actor=ALLIANCE_LEAD[0])
            what = "Regional report, anonymized" if anonymize else "Regional report"
            made.append(DemoReport(what=what, jurisdiction=None, anonymized=anonymize, files=files_of(built)))
            progress.advance(task)
    # The runs' last log lines go to the server in the background every few seconds: sent now, before
    # the demo stops its server, not at exit to a server gone (Prefect then prints an error).
    APILogWorker.drain_all(timeout=5)
    return made


def files_of(built: dict[str, object]) -> list[str]:
    files = built["files"]
    return [str(f) for f in files] if isinstance(files, list) else []


# --- printing ------------------------------------------------------------------------------------------


def print_reports(made: DemoReports) -> None:
    """The recommendation, the survey's top lines and the reports compiled (what, where)."""
    from rich.table import Table

    from accelerator.output import console, escape

    rec = made.recommendation
    console.print(
        f"[bold]Regional recommendation {rec.id}[/] (to the {escape(rec.level.lower())}): {escape(rec.title)}",
        soft_wrap=True,
    )
    console.print(f"  endorsed by {escape(', '.join(rec.endorsed_by))}", soft_wrap=True)
    console.print(f"  evidence: {escape(rec.evidence)}", soft_wrap=True)
    console.print()

    survey = made.survey
    places = [team.jurisdiction for team in TEAMS]
    table = Table(
        title=f"Partner survey: {survey.respondents} partners answered (share who agree or strongly agree; a share "
        f"needs {survey.minimum} answers)",
        title_justify="left",
    )
    table.add_column("Statement")
    table.add_column("All partners", justify="right")
    for place in places:
        table.add_column(escape(place), justify="right")
    ranked = sorted(survey.lines, key=lambda line: -(line.percent or 0))
    for line in [*ranked[:3], ranked[-1]]:
        table.add_row(
            escape(line.statement),
            escape(line.overall),
            *(escape(short_share(line.jurisdictions.get(place, ""))) for place in places),
        )
    console.print(table)
    console.print("  the three statements most agree with, and the one fewest agree with", style="dim")
    console.print()

    reports = Table(title="Impact reports (session 9)", title_justify="left")
    reports.add_column("Report")
    reports.add_column("Files", overflow="fold")
    for report in made.reports:
        reports.add_row(escape(report.what), escape(files_said(report.files)))
    console.print(reports)
    named = " and ".join(made.named_in_regional)
    console.print(
        f"  The regional report names {escape(named)} only (the teams that agreed to be named); the anonymized one "
        "labels every jurisdiction with a letter.",
        soft_wrap=True,
    )


def files_said(files: list[str]) -> str:
    """A report's files in one short line: "alder-county-impact-report .pdf .xlsx .html"."""
    paths = [Path(f) for f in files]
    stems = {p.stem for p in paths}
    if len(stems) != 1:
        return ", ".join(p.name for p in paths)
    return " ".join([stems.pop(), *(p.suffix for p in paths)])


def short_share(said: str) -> str:
    """A jurisdiction's share in a narrow column: "76%", or "too few"."""
    return said.split(" (", 1)[0] if said[:1].isdigit() else said.replace(" responses", "")
