"""The results per statement as readers see them: hand-computed shares, small numbers suppressed
(complementary too), who sees which jurisdictions, and the cohort's minimum."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.models import Cohort
from assessment.cohorts.people import add_person, resolve_actor
from assessment.cohorts.service import enroll_team
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests.conftest import Cast
from tests.survey.helpers import import_, minimum, results, statement, write_csv

CEDAR = "Cedar County"
PARTNER = "partner@alder.example.org"
COLUMNS = ["Respondent", "Jurisdiction", "trust", "more_together", "information_sharing"]


def enroll_cedar(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, CEDAR, "county")
        enroll_team(session, admin, CEDAR, cast.cohort)


def network(cast: Cast, tmp_path: Path) -> None:
    """17 answered trust: Alder 4 of 6 agree, Birch 5 of 8 (2 more Birch rows leave it blank),
    Cedar 1 of 2, and 1 of 1 without a jurisdiction; 16 answered more_together, all strongly agree
    (none in Cedar); 3 answered information_sharing."""
    enroll_cedar(cast)
    rows: list[list[object]] = []
    for n, alder in enumerate([5, 4, 4, 2, 3, 4]):
        rows.append([f"A{n}", cast.alder, alder, 5, 4 if n < 2 else ""])
    for n, birch in enumerate([5, 5, 4, 1, 2, 4, 4, 3, None, None]):
        rows.append([f"B{n}", cast.birch, birch, 5, 4 if n == 0 else ""])
    rows += [["C0", CEDAR, 4, None, None], ["C1", CEDAR, 1, None, None], ["U0", None, 5, None, None]]
    import_(cast, write_csv(tmp_path / "network.csv", COLUMNS, rows))


def test_shares_count_only_those_who_answered_a_statement(cast: Cast, tmp_path: Path) -> None:
    trust = [5, 4, 4, 5, 4, 2, 1, None, None]  # 7 answered, 5 agree -> 71.4%
    shared = [4, 1, 2, 3, 1, 2, 3, 1, None]  # 8 answered, 1 agrees -> 12.5% -> 13% (half up)
    together = [None] * 8 + [4]  # the ninth answered only this
    rows = [[f"P{n}", "", *answers] for n, answers in enumerate(zip(trust, shared, together, strict=True))]
    header = ["Respondent", "Jurisdiction", "trust", "shared_solutions", "more_together"]
    import_(cast, write_csv(tmp_path / "nine.csv", header, rows))
    shown = results(cast)
    assert (shown.respondents, shown.minimum, shown.instrument, shown.version) == (9, 5, "partner-survey", 1)
    assert statement(shown, "trust") == {
        "overall": "71% (5 of 7)",
        cast.alder: "too few responses",  # nobody named a jurisdiction
        cast.birch: "too few responses",
    }
    assert statement(shown, "shared_solutions")["overall"] == "13% (1 of 8)"
    trust_result = next(s for s in shown.statements if s.id == "trust")
    assert (trust_result.overall.responses, trust_result.overall.agree, trust_result.overall.percent) == (7, 5, 71)
    assert trust_result.theme == "Working together" and trust_result.text == "Partners in the network trust each other."
    assert statement(shown, "equity_centered")["overall"] == "too few responses"  # no column, no answers


def test_a_small_jurisdiction_is_hidden_and_so_is_the_one_that_would_reveal_it(cast: Cast, tmp_path: Path) -> None:
    network(cast, tmp_path)
    shown = results(cast)
    assert shown.respondents == 19
    # Cedar's 2 are too few; Alder (6, the smallest published) goes too, or overall minus Birch
    # minus Alder would leave Cedar's 2 and one more
    assert statement(shown, "trust") == {
        "overall": "65% (11 of 17)",
        cast.alder: "too few responses",
        cast.birch: "63% (5 of 8)",
        CEDAR: "too few responses",
    }
    # nobody in Cedar answered: nothing to protect there
    assert statement(shown, "more_together") == {
        "overall": "100% (16 of 16)",
        cast.alder: "100% (6 of 6)",
        cast.birch: "100% (10 of 10)",
        CEDAR: "too few responses",
    }
    # 3 answered in all: everything hidden
    assert set(statement(shown, "information_sharing").values()) == {"too few responses"}


def test_a_team_member_sees_the_overall_and_their_own_jurisdiction_as_suppressed_for_everyone(
    cast: Cast, tmp_path: Path
) -> None:
    network(cast, tmp_path)
    assert statement(results(cast, who=cast.alder_officer), "trust") == {
        "overall": "65% (11 of 17)",
        cast.alder: "too few responses",
    }
    assert statement(results(cast, who=cast.birch_manager), "trust") == {
        "overall": "65% (11 of 17)",
        cast.birch: "63% (5 of 8)",
    }
    assert statement(results(cast, jurisdiction="birch city"), "trust") == {
        "overall": "65% (11 of 17)",
        cast.birch: "63% (5 of 8)",
    }


def test_nobody_reads_another_teams_row_or_a_cohort_they_are_not_in(cast: Cast, tmp_path: Path) -> None:
    network(cast, tmp_path)
    with pytest.raises(PermissionDenied) as refused:
        results(cast, who=cast.alder_manager, jurisdiction=cast.birch)
    assert str(refused.value).startswith(
        f"{cast.alder_manager} may not see the partner survey results of {cast.birch}. Only an equity program "
        f"manager of {cast.birch}"
    )
    with pytest.raises(PermissionDenied) as refused:
        results(cast, who=cast.outsider)
    assert str(refused.value) == (
        f"{cast.outsider} may not see the partner survey of {cast.cohort}: none of their jurisdictions is "
        "enrolled in it. Only the members of its teams, an alliance lead or an admin may."
    )
    with transaction() as session:
        add_person(session, resolve_actor(session, cast.admin), PARTNER, "Pat Partner", "community_partner", cast.alder)
    with pytest.raises(PermissionDenied) as refused:
        results(cast, who=PARTNER)
    assert str(refused.value).startswith(f"{PARTNER} may not see the partner survey of {cast.cohort}. Only an equity")
    with transaction() as session:
        add_jurisdiction(session, resolve_actor(session, cast.admin), "Dune County", "county")
    with pytest.raises(NotFound) as missing:
        results(cast, jurisdiction="Dune County")
    assert str(missing.value) == f"Dune County is not enrolled in {cast.cohort}, so it has no survey results there."


def test_the_cohorts_minimum_decides_what_is_shown(cast: Cast, tmp_path: Path) -> None:
    network(cast, tmp_path)
    changed = minimum(cast, 1)
    assert (changed.minimum, changed.previous) == (1, 5)
    assert changed.warnings == ["With a minimum below 5, a share may let readers work out how a few partners answered."]
    shown = results(cast)
    assert shown.minimum == 1
    assert statement(shown, "trust") == {
        "overall": "65% (11 of 17)",
        cast.alder: "67% (4 of 6)",
        cast.birch: "63% (5 of 8)",
        CEDAR: "50% (1 of 2)",
    }
    with transaction() as session:
        cohort = session.exec(select(Cohort)).one()
        entries = [(e.field, e.old, e.new, e.actor) for e in history.entries(session, "survey", cohort.id or 0)]
    assert entries[-1] == ("minimum", "5", "1", cast.lead)
    assert minimum(cast, 1).warnings  # setting it again changes nothing
    with transaction() as session:
        assert len(history.entries(session, "survey", cohort.id or 0)) == len(entries)


def test_only_an_alliance_lead_sets_the_minimum_from_1_to_100(cast: Cast) -> None:
    with pytest.raises(PermissionDenied) as refused:
        minimum(cast, 3, who=cast.alder_manager)
    assert str(refused.value) == (
        f"{cast.alder_manager} may not set the survey minimum of {cast.cohort}. Only an alliance lead or an admin may."
    )
    for wrong in (0, 101):
        with pytest.raises(ValidationFailed) as invalid:
            minimum(cast, wrong)
        assert [str(p) for p in invalid.value.problems] == [
            f"minimum: {wrong} is not a whole number from 1 to 100. Give how many people must answer before a share "
            "is shown, e.g. 5."
        ]
    assert minimum(cast, 5).previous == 5


def test_results_before_any_import_say_too_few_responses(cast: Cast) -> None:
    shown = results(cast, who=cast.alder_exec)
    assert shown.respondents == 0 and len(shown.statements) == 14
    assert {s.overall.said for s in shown.statements} == {"too few responses"}
    assert [j.jurisdiction for j in shown.statements[0].jurisdictions] == [cast.alder]
