"""The regional impact report: its figures added up over the cohort, who is named (only teams that
opted in; with --anonymize, nobody, by stable labels), which breakdowns are left out so that no
jurisdiction can be singled out, the survey's suppression carried through, and who may compile it.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.people import add_person, resolve_actor
from assessment.cohorts.service import enroll_team
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied
from assessment.reports.highlights import set_named_in_regional
from assessment.reports.naming import letters, safe_breakdown
from assessment.reports.regional import RegionalImpactReport, regional_report
from assessment.reports.regional_layout import document_of
from assessment.survey.instrument import load_instrument
from roadmaps.report.document import ReportDocument
from tests.conftest import Cast
from tests.recommendations.helpers import draft, endorse, listed
from tests.reports.helpers import CEDAR, CEDAR_MANAGER, SmallCohort, build_cohort, every_practice, submit
from tests.survey.helpers import import_, write_csv

NAMES = ("Alder County", "Birch City", "Cedar County")
EVERYONE = NAMES

# The partner survey (minimum 5): who answered "trust" and "more_together" in each jurisdiction,
# and how many agree (4 or 5). None: that jurisdiction's respondents left the statement blank.
SURVEY: dict[str, dict[str, tuple[int, int]]] = {
    "Alder County": {"trust": (6, 5), "more_together": (5, 4)},
    "Birch City": {"trust": (5, 2), "more_together": (5, 5)},
    "Cedar County": {"trust": (2, 2), "more_together": (5, 1)},
}
PROBLEM = "Birch City and Cedar County pay community organizations months after they invoice."


def compile_report(cast: Cast, anonymize: bool = False, who: str | None = None) -> RegionalImpactReport:
    with transaction() as session:
        return regional_report(session, resolve_actor(session, who or cast.lead), cast.cohort, anonymize)


def survey(cast: Cast, folder: Path) -> None:
    """The survey above, imported as a CSV (a row per respondent; a blank where they did not answer)."""
    rows: list[list[object]] = []
    for place, statements in SURVEY.items():
        most = max(responses for responses, _ in statements.values())
        for n in range(most):
            answers = [(5 if n < agree else 2) if n < responses else None for responses, agree in statements.values()]
            rows.append([f"{place} partner {n + 1}", place, *answers])
    import_(cast, write_csv(folder / "survey.csv", ["Respondent", "Jurisdiction", "trust", "more_together"], rows))


def full_cohort(cast: Cast, folder: Path, named: tuple[str, ...] = ("Alder County",)) -> SmallCohort:
    """The reports' small cohort, with Cedar's midpoint (every practice at 4, so three jurisdictions
    are compared), the survey, and a recommendation endorsed by all three jurisdictions."""
    built = build_cohort(cast, folder, named)
    submit(built, CEDAR, "midpoint", every_practice(4))
    survey(cast, folder)
    made = draft(cast.lead, cast.cohort, problem=PROBLEM)
    endorse(cast.alder_manager, made.id, cast.alder, note="Alder County pays in 30 days already.")
    endorse(cast.birch_manager, made.id, cast.birch, note="Birch City needs this.")
    endorse(CEDAR_MANAGER, made.id, CEDAR)
    return built


def texts(document: ReportDocument) -> Iterator[str]:
    """Every text of the document: each string anywhere in its JSON."""

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    yield from walk(document.model_dump(mode="json"))


def named_in(document: ReportDocument, names: tuple[str, ...] = NAMES) -> set[str]:
    """Which of ``names`` appear anywhere in the document (any case)."""
    everything = "\n".join(texts(document)).casefold()
    return {name for name in names if name.casefold() in everything}


def rows_of(document: ReportDocument, sheet: str) -> list[list[Any]]:
    return next(t.rows for t in document.tables() if t.sheet == sheet)


# --- the figures -------------------------------------------------------------------------------------


def test_the_figures_add_up_the_whole_cohort(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path, named=EVERYONE)
    report = compile_report(cast)

    who = report.participation
    assert (who.jurisdictions, who.counties, who.cities, who.people) == (3, 2, 1, 7)
    assert {r.label: r.people for r in who.roles} == {
        "equity program manager": 3,
        "procurement officer": 2,
        "executive lead": 1,
        "finance": 1,
    }
    # sessions: Alder 9, Birch 4, Cedar 1; session 1 attended by Alder's 4, Birch's 2 and Cedar's 1
    assert (who.team_sessions, who.possible) == (14, 27)
    assert [(s.number, s.teams, s.mean_attendees) for s in who.sessions[:2]] == [(1, 3, 2.3), (2, 2, 2.5)]

    # Scores out of 100 (the small rubric: A a.1-a.4, B b.1-b.2 weighted 2, C c.1-c.3). Alder: baseline
    # every practice at 2 (33.3 everywhere), final A 66.7, B 50.0, C 33.3, overall (3 + 2×2.5 + 2)/4 =
    # 2.5 → 50.0. Birch: 1 → 2 at its midpoint (0.0 → 33.3). Cedar: 3 → 4 at its midpoint (66.7 → 100).
    scores = report.scores
    assert (scores.teams_compared, scores.at_final, scores.at_midpoint) == (3, 1, 2)
    overall = scores.overall
    # changes +16.7, +33.3, +33.3: mean 27.77 → 27.8; baseline (33.3 + 0 + 66.7)/3 = 33.3; latest
    # (50 + 33.3 + 100)/3 = 61.1
    assert (overall.baseline, overall.latest, overall.change) == (33.3, 61.1, 27.8)
    assert (overall.low, overall.median, overall.high) == (16.7, 33.3, 33.3)
    by_domain = {d.domain: (d.change, d.low, d.median, d.high) for d in scores.domains}
    assert by_domain == {
        "a": (33.3, 33.3, 33.3, 33.4),  # +33.4, +33.3, +33.3: mean 33.33
        "b": (27.8, 16.7, 33.3, 33.3),  # +16.7, +33.3, +33.3
        "c": (22.2, 0.0, 33.3, 33.3),  # +0.0, +33.3, +33.3: mean 22.2
    }
    assert [(j.jurisdiction, j.overall) for j in scores.jurisdictions] == [
        ("Alder County", 16.7),
        ("Birch City", 33.3),
        ("Cedar County", 33.3),
    ]

    # 8 barriers: Alder resolved 2 of 5, Birch 0 of 2, Cedar 1 of 1; payment & cash flow at invoicing
    # is reported by all three, 2 of its 3 resolved
    barriers = report.barriers
    assert (barriers.teams_reporting, barriers.barriers, barriers.resolved) == (3, 8, 3)
    top = barriers.rows[0]
    assert (top.category_label, top.jurisdictions, top.barriers, top.resolved) == ("Payment & cash flow", 3, 3, 2)
    assert top.regional_policy_candidate  # Cedar's is a state rule

    goals = report.goals
    assert (goals.goals, goals.met, goals.milestones, goals.milestones_done) == (4, 1, 5, 3)

    # Only Alder recorded a baseline (2024: $40,000, of it $10,000 to a CBO that is small, $30,000
    # local); now is its 2025: $50,000, $30,000 to CBOs, $20,000 small, $30,000 local. Cedar has
    # spending but no baseline, so it is not in the shift.
    spending = report.spending
    assert (spending.teams, str(spending.baseline_dollars), str(spending.now_dollars)) == (1, "40000.00", "50000.00")
    assert [(g.group.value, str(g.baseline_share), str(g.now_share), str(g.change)) for g in spending.groups] == [
        ("cbo", "25.0", "60.0", "35.0"),
        ("small", "25.0", "40.0", "15.0"),
        ("local", "75.0", "60.0", "-15.0"),
    ]

    # "trust": 13 answered, 9 agree: 69%; Cedar's 2 are too few, so Birch is hidden too (else the
    # overall minus Alder and Birch would give Cedar's)
    assert report.survey is not None
    assert len(report.survey.rows) == len(load_instrument().statements)  # answered or not
    trust = next(r for r in report.survey.rows if r.responses == 13)
    assert (trust.said, trust.jurisdictions, trust.low) == ("69% (9 of 13)", 1, None)
    together = next(r for r in report.survey.rows if r.responses == 15)
    # 4 + 5 + 1 of 15 agree: 67%; every jurisdiction's share is shown: 80%, 100%, 20%
    assert (together.said, together.low, together.median, together.high) == ("67% (10 of 15)", 20, 80.0, 100)

    document = document_of(report)
    assert rows_of(document, "Scores by domain")[0] == ["Overall", 3, 33.3, 61.1, 27.8, 16.7, 33.3, 33.3]
    assert ["Payment & cash flow", "Invoicing & payment", 3, 3, 2, 3.0, "yes"] in rows_of(document, "Barriers")
    assert rows_of(document, "Spending")[0] == ["Community-based organizations", 25.0, 60.0, 35.0, 10000.0, 30000.0]
    survey_rows = rows_of(document, "Survey")
    assert [r[1:3] for r in survey_rows if r[1] == 13] == [[13, "69%"]]
    summary = " ".join(b.text for b in document.summary[0].blocks if b.kind == "paragraph")
    assert "the mean overall score rose by 27.8 points, from 33.3 to 61.1 out of 100" in summary
    assert "1 of 4 process-change goals were met" in summary
    assert "community-based organizations went from 25.0% to 60.0%" in summary
    assert 'The regional recommendation "Prompt payment for community contracts" is endorsed by 3 of the 3' in summary


# --- naming -----------------------------------------------------------------------------------------


def test_a_jurisdiction_that_has_not_opted_in_is_named_nowhere(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path)  # only Alder opts in
    report = compile_report(cast)
    document = document_of(report)
    assert named_in(document) == {"Alder County"}

    recommendation = report.recommendations[0]
    assert recommendation.problem == (
        "[a jurisdiction] and [a jurisdiction] pay community organizations months after they invoice."
    )
    assert [(e.jurisdiction, e.note) for e in recommendation.endorsers] == [
        ("Alder County", "Alder County pays in 30 days already.")
    ]
    assert "Endorsed by 3 of 3 jurisdictions: Alder County, and 2 other jurisdictions." in texts(document)
    # Alder's survey share of "trust" is shown by name: Birch's and Cedar's are hidden by the survey
    cells = rows_of(document, "Survey by jurisdiction")
    assert [c[1:] for c in cells if c[2] == 6] == [["Alder County", 6, "83%"]]


def test_a_named_jurisdiction_is_left_out_where_it_would_reveal_one_that_is_not(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path)  # only Alder opts in
    report = compile_report(cast)
    # All three are compared: listing Alder beside the means would leave two, Birch and Cedar, whose
    # combined change the reader could work out; so Alder is not listed either.
    assert (report.scores.jurisdictions, report.scores.left_out) == ([], 3)
    # "more_together": all three shares are published by the survey; shown beside the overall,
    # Alder's would leave Birch's and Cedar's to be worked out together: left out.
    assert report.survey is not None
    together = next(s for s in report.survey.rows if s.responses == 15).statement
    assert [c for c in report.survey.cells if c.statement == together] == []
    assert report.survey.left_out == 1

    with transaction() as session:
        set_named_in_regional(session, resolve_actor(session, cast.birch_manager), cast.birch, cast.cohort, True)
        set_named_in_regional(session, resolve_actor(session, CEDAR_MANAGER), CEDAR, cast.cohort, True)
    everyone = compile_report(cast)
    assert [j.jurisdiction for j in everyone.scores.jurisdictions] == list(NAMES)
    assert everyone.survey is not None
    assert [(c.jurisdiction, c.said) for c in everyone.survey.cells if c.statement == together] == [
        ("Alder County", "80% (4 of 5)"),
        ("Birch City", "100% (5 of 5)"),
        ("Cedar County", "20% (1 of 5)"),
    ]
    assert named_in(document_of(everyone)) == set(NAMES)


def test_an_anonymized_report_names_no_jurisdiction_anywhere(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path, named=EVERYONE)  # even teams that opted in are labelled
    report = compile_report(cast, anonymize=True)
    document = document_of(report)
    assert named_in(document) == set()

    assert [(j.jurisdiction, j.overall) for j in report.scores.jurisdictions] == [
        ("Jurisdiction A", 16.7),
        ("Jurisdiction B", 33.3),
        ("Jurisdiction C", 33.3),
    ]
    recommendation = report.recommendations[0]
    assert (
        recommendation.problem
        == "Jurisdiction B and Jurisdiction C pay community organizations months after they invoice."
    )
    assert [(e.jurisdiction, e.note) for e in recommendation.endorsers] == [
        ("Jurisdiction A", ""),
        ("Jurisdiction B", ""),
        ("Jurisdiction C", ""),
    ]
    assert (report.participation.counties, report.participation.cities) == (None, None)
    everything = "\n".join(texts(document))
    assert "2 counties" not in everything and "1 city" not in everything
    assert report.naming_note.startswith("Jurisdictions are not named")


def test_labels_stay_the_same_across_compiles_and_when_a_jurisdiction_joins(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path)

    def labelled() -> dict[str, str]:
        """Each label's survey share of "trust" (Alder answered 6, Birch 5, Cedar 2)."""
        report = compile_report(cast, anonymize=True)
        assert report.survey is not None
        trust = next(s for s in report.survey.rows if s.responses == 13).statement
        return {c.jurisdiction: f"{c.responses}: {c.said}" for c in report.survey.cells if c.statement == trust}

    first = labelled()
    assert first == {
        "Jurisdiction A": "6: 83% (5 of 6)",
        "Jurisdiction B": "5: too few responses",
        "Jurisdiction C": "2: too few responses",
    }
    assert labelled() == first
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, "Aardvark City", "city")  # first by name, last to enroll
        enroll_team(session, admin, "Aardvark City", cast.cohort)
        add_person(session, admin, "manager@aardvark.example.org", "Ana", "equity_program_manager", "Aardvark City")
    assert labelled() == first
    made = compile_report(cast, anonymize=True)
    assert made.participation.jurisdictions == 4
    endorse("manager@aardvark.example.org", listed(cast.lead, cast.cohort)[0].id, "Aardvark City")
    endorsers = compile_report(cast, anonymize=True).recommendations[0].endorsers
    assert [e.jurisdiction for e in endorsers] == [
        "Jurisdiction A",
        "Jurisdiction B",
        "Jurisdiction C",
        "Jurisdiction D",
    ]


def test_labels_run_past_z_like_spreadsheet_columns() -> None:
    assert [letters(n) for n in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_a_breakdown_leaves_out_named_ones_until_the_rest_cannot_be_singled_out() -> None:
    shown = ["A", "B", "C", "D"]
    assert safe_breakdown(shown, 0) == shown  # nothing left out: nothing to protect
    assert safe_breakdown(shown, 3) == shown  # three left out: their combined figure is all one learns
    assert safe_breakdown(shown, 1) == ["A", "B"]  # the last shown go first, until three are left out
    assert safe_breakdown(shown, 2) == ["A", "B", "C"]
    sizes = {"A": 9, "B": 5, "C": 7, "D": 5}
    assert safe_breakdown(shown, 1, smallest=sizes.__getitem__) == ["A", "C"]  # fewest answers first (D, then B)
    assert safe_breakdown(shown, 1, padded=True) == shown  # the rest hide among enough others
    assert safe_breakdown(["A"], 1) == []


# --- suppression -------------------------------------------------------------------------------------


def test_the_surveys_suppression_is_carried_through(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path, named=EVERYONE)
    for anonymize, names in ((False, NAMES), (True, ("Jurisdiction A", "Jurisdiction B", "Jurisdiction C"))):
        document = document_of(compile_report(cast, anonymize=anonymize))
        cells = rows_of(document, "Survey by jurisdiction")
        trust = next(r[0] for r in rows_of(document, "Survey") if r[1] == 13)
        # Cedar: 2 answers, too few; Birch: 5, hidden too, so Cedar's can't be worked out from the overall
        assert [c[1:] for c in cells if c[0] == trust] == [
            [names[0], 6, "83%"],
            [names[1], 5, "too few responses"],
            [names[2], 2, "too few responses"],
        ]


def test_figures_of_fewer_than_three_jurisdictions_are_not_shown_when_anonymized(cast: Cast, tmp_path: Path) -> None:
    build_cohort(cast, tmp_path)  # two jurisdictions compared, two with goals, one with a spending baseline
    named = compile_report(cast)
    assert named.scores.overall.change == 25.0 and named.goals.goals == 4 and named.spending.shown
    report = compile_report(cast, anonymize=True)
    assert (report.scores.shown, report.scores.overall.change, report.scores.jurisdictions) == (False, None, [])
    assert (report.goals.shown, report.goals.goals) == (False, 0)
    assert (report.spending.shown, report.spending.groups) == (False, [])
    # barriers: only payment & cash flow at invoicing is reported by three jurisdictions
    assert [r.category_label for r in report.barriers.rows] == ["Payment & cash flow"]
    assert report.barriers.rows_left_out == 5
    said = "\n".join(texts(document_of(report)))
    assert "Fewer than 3 jurisdictions were compared, so their scores are not shown." in said
    assert "Fewer than 3 teams have set goals" in said
    assert "Fewer than 3 teams have recorded a spending baseline" in said


# --- who may -----------------------------------------------------------------------------------------


def test_only_an_alliance_lead_or_an_admin_compiles_the_regional_report(cast: Cast, tmp_path: Path) -> None:
    build_cohort(cast, tmp_path)
    for who in (cast.alder_manager, cast.alder_exec, cast.outsider):
        with pytest.raises(PermissionDenied) as refused:
            compile_report(cast, who=who)
        assert str(refused.value) == (
            f"{who} may not compile the regional impact report of {cast.cohort}. Only an alliance lead or an admin may."
        )
    assert compile_report(cast, who=cast.admin).participation.jurisdictions == 3


# --- the files -------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_anonymized_files_name_no_jurisdiction(cast: Cast, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from roadmaps.report.registry import write_report

    full_cohort(cast, tmp_path, named=EVERYONE)
    document = document_of(compile_report(cast, anonymize=True))
    written = {p.suffix: p for p in write_report(document, tmp_path / "out", "regional", ["pdf", "xlsx", "html"])}

    pdf = pdf_text(written[".pdf"])
    assert "Jurisdiction A" in pdf and "83%" in pdf
    book = load_workbook(written[".xlsx"], read_only=True)
    cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    book.close()
    assert "Jurisdiction A" in cells
    html = written[".html"].read_text(encoding="utf-8")
    for name in NAMES:
        assert name.casefold() not in pdf.casefold().replace("\n", " ")
        assert not [c for c in cells if name.casefold() in c.casefold()]
        assert name.casefold() not in html.casefold()
    assert json.loads(document.model_dump_json())["title"] == "2026 Test Cohort: regional impact report"


@pytest.mark.parametrize("anonymize", [False, True])
def test_sections_computed_one_jurisdiction_at_a_time_make_the_same_report(
    cast: Cast, tmp_path: Path, anonymize: bool
) -> None:
    from assessment.reports.regional import jurisdiction_sections, section_teams

    full_cohort(cast, tmp_path, named=("Alder County", "Birch City"))
    with transaction() as session:
        set_named_in_regional(session, resolve_actor(session, CEDAR_MANAGER), CEDAR, cast.cohort, True)
    with transaction() as session:
        lead = resolve_actor(session, cast.lead)
        teams = section_teams(session, lead, cast.cohort, anonymize)
        sections = {}
        for team in teams:  # as the flow does, a task each
            sections.update(jurisdiction_sections(session, lead, cast.cohort, [team]))
        at_once = regional_report(session, lead, cast.cohort, anonymize)
        in_pieces = regional_report(session, lead, cast.cohort, anonymize, sections=sections)
    assert len(teams) == 3 and len(sections) == 3
    assert in_pieces.model_dump(exclude={"prepared_on"}) == at_once.model_dump(exclude={"prepared_on"})
    names = ["Jurisdiction A", "Jurisdiction B", "Jurisdiction C"] if anonymize else list(NAMES)
    assert [j.jurisdiction for j in in_pieces.scores.jurisdictions] == names


def test_a_program_manager_cannot_list_the_sections(cast: Cast, tmp_path: Path) -> None:
    from assessment.reports.regional import section_teams

    with transaction() as session, pytest.raises(PermissionDenied, match="Only an alliance lead or an admin may"):
        section_teams(session, resolve_actor(session, cast.alder_manager), cast.cohort)


def test_an_anonymized_survey_of_two_jurisdictions_shows_no_share_by_jurisdiction(cast: Cast, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [f"{place} partner {n}", place, 5 if n % 2 else 2] for place in NAMES[:2] for n in range(6)
    ]
    import_(cast, write_csv(tmp_path / "survey.csv", ["Respondent", "Jurisdiction", "trust"], rows))
    named = compile_report(cast)
    assert named.survey is not None and not named.survey.too_few
    report = compile_report(cast, anonymize=True)
    assert report.survey is not None and report.survey.too_few and report.survey.cells == []
    trust = next(r for r in report.survey.rows if r.statement.startswith("Partners in the network trust"))
    assert (trust.responses, trust.percent) == (12, 50)  # the overall share is still shown
    assert "Shares by jurisdiction are not shown: with fewer than 3 jurisdictions" in "\n".join(
        texts(document_of(report))
    )


def test_a_spread_that_would_give_away_an_unnamed_jurisdictions_figure_is_left_out(cast: Cast, tmp_path: Path) -> None:
    full_cohort(cast, tmp_path)  # only Alder County named; three compared, three answered "more_together"
    report = compile_report(cast)
    assert report.scores.jurisdictions == [] and report.scores.left_out == 3  # Alder alone would single out two
    overall = report.scores.overall
    assert overall.change is not None and (overall.low, overall.median, overall.high) == (None, None, None)
    assert report.survey is not None
    together = next(r for r in report.survey.rows if r.theme and r.jurisdictions == 3)
    # Alder's share is listed and the other two are not: the lowest and highest would be theirs
    assert (together.low, together.median, together.high) == (None, None, None)

    with transaction() as session:
        for place, manager in ((cast.birch, cast.birch_manager), (CEDAR, CEDAR_MANAGER)):
            set_named_in_regional(session, resolve_actor(session, manager), place, cast.cohort, True)
    everyone = compile_report(cast)
    assert everyone.scores.overall.low is not None and len(everyone.scores.jurisdictions) == 3
    assert everyone.survey is not None
    together = next(r for r in everyone.survey.rows if r.jurisdictions == 3)
    assert together.low is not None  # every share is listed beside it


def test_labelled_shares_are_listed_in_label_order_not_by_the_names_behind_them(cast: Cast, tmp_path: Path) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, "Aardvark City", "city")  # first by name, last to enroll: Jurisdiction C
        enroll_team(session, admin, "Aardvark City", cast.cohort)
    places = (cast.alder, cast.birch, "Aardvark City")
    rows: list[list[object]] = [[f"{place} partner {n}", place, 4] for place in places for n in range(5)]
    import_(cast, write_csv(tmp_path / "survey.csv", ["Respondent", "Jurisdiction", "trust"], rows))
    report = compile_report(cast, anonymize=True)
    assert report.survey is not None
    assert [c.jurisdiction for c in report.survey.cells] == ["Jurisdiction A", "Jurisdiction B", "Jurisdiction C"]


def test_labels_are_drawn_at_random_once_and_kept(cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment.reports import naming
    from assessment.reports.models import ReportLabel

    full_cohort(cast, tmp_path)
    drawn: list[list[int]] = []

    def backwards(teams: list[int]) -> None:  # a draw that puts the last to enroll first
        drawn.append(list(teams))
        teams.reverse()

    monkeypatch.setattr(naming, "draw", backwards)
    first = compile_report(cast, anonymize=True)
    # Alder (+16.7), who enrolled first, drew the last letter; the table runs in label order
    assert [(j.jurisdiction, j.overall) for j in first.scores.jurisdictions] == [
        ("Jurisdiction A", 33.3),
        ("Jurisdiction B", 33.3),
        ("Jurisdiction C", 16.7),
    ]
    assert first.naming_note.startswith("Jurisdictions are not named: each is labelled with a letter")
    assert "drawn at random" in first.naming_note
    with transaction() as session:
        labels = {row.team_id: row.position for row in session.exec(select(ReportLabel))}
    assert len(drawn) == 1 and sorted(labels.values()) == [0, 1, 2]
    assert [labels[team] for team in drawn[0]] == [2, 1, 0]  # Alder, who enrolled first, is Jurisdiction C
    assert compile_report(cast, anonymize=True).model_dump(exclude={"prepared_on"}) == first.model_dump(
        exclude={"prepared_on"}
    )
    assert len(drawn) == 1  # kept: nothing drawn again
    # the labels are kept for good: the database refuses to change one
    with pytest.raises(Exception, match="report_label is append-only"), transaction() as session:
        row = session.exec(select(ReportLabel)).first()
        assert row is not None
        row.position = 9
        session.add(row)
        session.flush()
