"""The roster and the calendar from the command line: person list, team list, cohort show and
cohort reschedule, as tables for people and JSON for scripts."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.selfassessment import service as assessments
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.cli import Outcome, run_cli
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()


def cli(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, *args)


def said(text: str) -> str:
    """Printed text with rich's line wrapping undone."""
    return " ".join(text.split())


def submit_baseline(cast: Cast, level: int) -> None:
    """A stored baseline self-assessment of Alder County: two respondents rating every practice ``level``."""
    books = [
        WorkbookRatings(
            source=f"{name}.xlsx",
            respondent=RespondentInfo(name=name, email=f"{name}@alder.example.org", role="finance"),
            ratings={i.id: level for i in RUBRIC.indicators},
            answers={i.id: str(level) for i in RUBRIC.indicators},
            evidence={},
        )
        for name in ("ana", "bo")
    ]
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        result = assessments.score_run(
            session, team, assessments.parse_cycle("baseline"), RUBRIC, [b.ratings for b in books]
        )
        assessments.record(session, actor, cast.alder, cast.cohort, "baseline", RUBRIC, books, result)


def test_person_list_prints_roles_as_labels_with_their_jurisdictions(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = cli(capsys, cast.lead, "person", "list")
    assert shown.code == 0, shown.err
    assert "procurement officer of Alder County" in shown.out
    assert "alliance lead (regional)" in shown.out
    assert "Sam Nobody" in shown.out and "no role yet" in shown.out
    assert "procurement_officer" not in shown.out  # labels, not internal ids
    birch = cli(capsys, cast.birch_manager, "person", "list", "--json").json()
    assert [(p["name"], [(r["label"], r["jurisdiction"]) for r in p["roles"]]) for p in birch] == [
        ("Señora Peña", [("procurement officer", cast.birch)]),
        ("김민준", [("equity program manager", cast.birch)]),
    ]
    alder = cli(capsys, cast.lead, "person", "list", "--jurisdiction", cast.alder, "--json").json()
    assert [p["email"] for p in alder] == [cast.alder_exec, cast.alder_manager, cast.alder_officer]


def test_person_list_refuses_with_who_may(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    refused = cli(capsys, cast.alder_manager, "person", "list", "--jurisdiction", cast.birch)
    assert refused.code == 3
    assert "may not see the people of Birch City" in said(refused.err)
    assert "an equity program manager of Birch City" in said(refused.err)


def test_team_list_shows_cohort_jurisdiction_enrolment_and_members(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = cli(capsys, cast.lead, "team", "list", "--cohort", cast.cohort)
    assert shown.code == 0, shown.err
    for text in ("Cohort", "Jurisdiction", "Enrolled", "Members", cast.alder, cast.birch):
        assert text in shown.out
    data = cli(capsys, cast.alder_officer, "team", "list", "--json").json()
    assert [(t["cohort"], t["jurisdiction"], t["members"]) for t in data] == [(cast.cohort, cast.alder, 3)]
    assert date.fromisoformat(data[0]["enrolled_at"][:10]) <= date.today()
    refused = cli(capsys, cast.outsider, "team", "list")
    assert refused.code == 3 and "may not list teams" in refused.err


def test_cohort_show_prints_the_sessions_with_their_dates_and_the_teams_results(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    before = cli(capsys, cast.lead, "cohort", "show", cast.cohort)
    assert before.code == 0, before.err
    assert "Understanding Equity in C&P" in before.out and "Sun 2026-03-01" in before.out
    assert "Review, Revise, Rejoice" in before.out and "Tue 2026-12-01" in before.out
    assert "no self-assessment yet" in before.out

    submit_baseline(cast, 3)
    shown = cli(capsys, cast.lead, "cohort", "show", cast.cohort)
    alder_row = next(line for line in shown.out.splitlines() if cast.alder in line)
    assert "baseline" in alder_row and "66.7" in alder_row and "3 Developing" in alder_row
    data = cli(capsys, cast.lead, "cohort", "show", cast.cohort, "--json").json()
    assert len(data["sessions"]) == 9 and data["sessions"][3]["scheduled_on"] == "2026-07-01"
    latest = {t["jurisdiction"]: t["latest_assessment"] for t in data["teams"]}
    assert latest[cast.birch] is None
    assert latest[cast.alder] == {
        "cycle": "baseline",
        "submission": 1,
        "respondents": 2,
        "score": 66.7,
        "stage": 3,
        "stage_name": "Developing",
        "change": None,
        "disagreements": 0,
    }
    own = cli(capsys, cast.birch_officer, "cohort", "show", cast.cohort, "--json").json()
    assert [t["jurisdiction"] for t in own["teams"]] == [cast.birch]


def test_cohort_reschedule_moves_sessions_and_says_what_moved(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    done = cli(
        capsys, cast.lead, "cohort", "reschedule", cast.cohort, "--session", "4", "--on", "2026-07-15", "--shift-later"
    )
    assert done.code == 0, done.err
    assert "from 2026-07-01 to 2026-07-15 (+14 days)" in said(done.out)
    assert "Sessions 5 to 9 moved by as many days." in said(done.out)
    assert "Tue 2026-12-15 (moved)" in done.out
    data = cli(
        capsys, cast.lead, "cohort", "reschedule", cast.cohort, "--session", "2", "--on", "2026-05-04", "--json"
    ).json()
    assert data["moved"] == [
        {"number": 2, "title": "Identifying Barriers to Equity within C&P", "old": "2026-05-01", "new": "2026-05-04"}
    ]
    again = cli(capsys, cast.lead, "cohort", "reschedule", cast.cohort, "--session", "2", "--on", "2026-05-04")
    assert "already on 2026-05-04; nothing changed" in said(again.out)


def test_cohort_reschedule_refusals_say_what_to_do(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    out_of_order = cli(capsys, cast.lead, "cohort", "reschedule", cast.cohort, "--session", "4", "--on", "2026-08-10")
    assert out_of_order.code == 2
    assert "2026-08-10 is not before session 5" in said(out_of_order.err) and "--shift-later" in out_of_order.err
    not_lead = cli(
        capsys, cast.alder_manager, "cohort", "reschedule", cast.cohort, "--session", "4", "--on", "2026-07-08"
    )
    assert not_lead.code == 3 and "Only an alliance lead or an admin may." in not_lead.err
    bad_date = cli(capsys, cast.lead, "cohort", "reschedule", cast.cohort, "--session", "4", "--on", "8 July")
    assert bad_date.code != 0 and "YYYY-MM-DD" in bad_date.err
