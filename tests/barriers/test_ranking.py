"""The regional barrier ranking (session 8): figures by category and process stage over the cohort's
jurisdictions only, its order, names for regional readers only, the weakest indicators, and
`accelerator barrier rank`. The region and its hand-computed figures are in
``tests/recommendations/regional.py``."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.barriers.ranking import BarrierRanking, rank_barriers, weakest_indicators
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import create_cohort, get_cohort
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied
from tests.cli import run_cli
from tests.conftest import Cast
from tests.recommendations.regional import (
    CEDAR,
    EXECUTION,
    INSURANCE,
    LANGUAGE,
    OUTSIDE_MANAGER,
    PAYMENT,
    REPORTING,
    SOLICITATION,
    Region,
    add_places,
    record_barriers,
    score_teams,
)


@pytest.fixture
def region(cast: Cast) -> Region:
    made = add_places(cast)
    record_barriers(made)
    return made


def ranked(who: str, cohort: str) -> BarrierRanking:
    with transaction() as session:
        return rank_barriers(session, resolve_actor(session, who), cohort)


def row(key: str, jurisdictions: int, barriers: int, mean: float | None, resolved: int, **more: Any) -> dict[str, Any]:
    category, stage = key.split("/")
    return {
        "key": key,
        "jurisdictions": jurisdictions,
        "barriers": barriers,
        "mean_severity": mean,
        "resolved": resolved,
        "share_resolved": resolved / barriers,
        **more,
    }


def figures(ranking: BarrierRanking) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "jurisdictions": r.jurisdictions,
            "barriers": r.barriers,
            "mean_severity": r.mean_severity,
            "resolved": r.resolved,
            "share_resolved": r.share_resolved,
            "controllers": r.controllers,
            "regional_policy_candidate": r.regional_policy_candidate,
            "jurisdiction_names": r.jurisdiction_names,
        }
        for r in ranking.rows
    ]


def test_barriers_rank_by_jurisdictions_then_severity_then_share_resolved(region: Region, cast: Cast) -> None:
    ranking = ranked(cast.lead, cast.cohort)
    alder, birch = cast.alder, cast.birch
    assert (ranking.cohort, ranking.jurisdictions, ranking.teams_reporting, ranking.names_shown) == (
        cast.cohort,
        3,
        3,
        True,
    )
    # Outside County's barriers (another cohort) count nowhere: payment stays at 4 barriers, severity
    # (5+4+3+4)/4, and technical assistance has no row.
    assert figures(ranking) == [
        row(
            PAYMENT,
            3,
            4,
            4.0,
            1,
            controllers={"state": 2, "county_city": 1, "unknown": 1},
            regional_policy_candidate=True,
            jurisdiction_names=[alder, birch, CEDAR],
        ),
        # two jurisdictions each: the higher mean severity first (5 over (4+5+2)/3 = 3.67)
        row(
            REPORTING,
            2,
            2,
            5.0,
            0,
            controllers={"federal": 1, "funder": 1},
            regional_policy_candidate=True,
            jurisdiction_names=[birch, CEDAR],
        ),
        row(
            INSURANCE,
            2,
            3,
            3.67,
            1,
            controllers={"county_city": 3},
            regional_policy_candidate=False,
            jurisdiction_names=[alder, birch],
        ),
        # one jurisdiction each, both at mean severity 2.5: the lower share resolved first (0 before 1 of 2)
        row(
            EXECUTION,
            1,
            2,
            2.5,
            0,
            controllers={"county_city": 2},
            regional_policy_candidate=False,
            jurisdiction_names=[birch],
        ),
        row(
            SOLICITATION,
            1,
            2,
            2.5,
            1,
            controllers={"department": 2},
            regional_policy_candidate=False,
            jurisdiction_names=[CEDAR],
        ),
        # no severity recorded: after every row with one
        row(
            LANGUAGE,
            1,
            1,
            None,
            0,
            controllers={"department": 1},
            regional_policy_candidate=False,
            jurisdiction_names=[alder],
        ),
    ]
    first = ranking.rows[0]
    assert (first.category_label, first.stage_label) == ("Payment & cash flow", "Invoicing & payment")


def test_a_team_reader_sees_the_figures_without_names(region: Region, cast: Cast) -> None:
    lead = ranked(cast.lead, cast.cohort)
    officer = ranked(cast.alder_officer, cast.cohort)
    assert officer.names_shown is False
    assert all(r.jurisdiction_names == [] for r in officer.rows)
    unnamed = [{**r, "jurisdiction_names": []} for r in figures(lead)]
    assert figures(officer) == unnamed


def test_who_may_not_see_a_cohorts_ranking(region: Region, cast: Cast) -> None:
    assert ranked(cast.birch_officer, cast.cohort).teams_reporting == 3
    assert ranked(cast.admin, cast.cohort).names_shown is True
    with pytest.raises(PermissionDenied) as refused:
        ranked(cast.outsider, cast.cohort)
    assert str(refused.value) == (
        f"{cast.outsider} may not see the regional barrier ranking of {cast.cohort}: they read the barriers of none "
        "of its jurisdictions. Only an alliance lead, an admin, or a procurement officer or equity program manager "
        "or executive lead of one of its jurisdictions may."
    )
    # a program manager of another cohort's jurisdiction reads their own barriers, not this cohort's ranking
    with pytest.raises(PermissionDenied, match="may not see the regional barrier ranking"):
        ranked(OUTSIDE_MANAGER, cast.cohort)


def test_the_weakest_indicators_take_each_teams_latest_scored_cycle(region: Region, cast: Cast) -> None:
    score_teams(region)
    weakest = ranked(cast.alder_officer, cast.cohort).weakest_indicators
    # Alder at its final (not its baseline of 1s), Birch at its baseline, Cedar has none, Outside is
    # another cohort's: a.4 (1+1)/2; a.2 (3+1)/2, a.3 (2+2)/2, c.1 (3+1)/2; c.2 Birch's 2 alone (Alder
    # rated it by nobody); b.1 (2.5+3)/2 with Alder's 2.5 the median of 2 and 3; a.1 (4+2)/2; b.2
    # (2+4)/2; c.3 (4+4)/2.
    assert [(w.indicator, w.mean_level, w.teams) for w in weakest] == [
        ("a.4", 1.0, 2),
        ("a.2", 2.0, 2),
        ("a.3", 2.0, 2),
        ("c.1", 2.0, 2),
        ("c.2", 2.0, 1),
        ("b.1", 2.75, 2),
        ("a.1", 3.0, 2),
        ("b.2", 3.0, 2),
        ("c.3", 4.0, 2),
    ]
    assert weakest[0].model_dump() == {
        "indicator": "a.4",
        "title": "Practice a.4",
        "domain": "a",
        "domain_title": "Domain A",
        "mean_level": 1.0,
        "teams": 2,
    }


def test_only_the_lowest_indicators_are_kept(region: Region, cast: Cast) -> None:
    score_teams(region)
    with transaction() as session:
        lowest = weakest_indicators(session, get_cohort(session, cast.cohort), count=3)
    assert [w.indicator for w in lowest] == ["a.4", "a.2", "a.3"]


def test_a_cohort_without_barriers_or_scores_ranks_nothing(cast: Cast) -> None:
    with transaction() as session:
        create_cohort(session, resolve_actor(session, cast.admin), "2027 Empty Cohort")
    ranking = ranked(cast.lead, "2027 Empty Cohort")
    assert (ranking.jurisdictions, ranking.teams_reporting, ranking.rows, ranking.weakest_indicators) == (0, 0, [], [])


def test_barrier_rank_prints_the_ranking_for_people_and_json_for_scripts(
    region: Region, cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    score_teams(region)
    shown = run_cli(capsys, "--actor", cast.lead, "barrier", "rank", "--cohort", cast.cohort)
    assert shown.code == 0, shown.err
    out = " ".join(shown.out.split())
    for said in (
        "Regional barrier ranking: 2026 Test Cohort",
        "3 of 3 jurisdictions have recorded barriers.",
        "│ 1 │ Payment & cash │ 3 of 3 │ 4.00 │ 1 of 4 (25%) │ State 2,",
        "Reported by",
        "--from-ranking KEY",
        "Practice a.4 │ Domain A │ 1.00 │ 2 │",
    ):
        assert said in out, said
    keys = [line.split()[-1] for line in shown.out.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert keys == [PAYMENT, REPORTING, INSURANCE]
    assert "Outside" not in out

    as_json = run_cli(capsys, "--actor", cast.lead, "barrier", "rank", "--cohort", cast.cohort, "--json")
    assert as_json.code == 0, as_json.err
    assert as_json.json() == ranked(cast.lead, cast.cohort).model_dump(mode="json")
    assert as_json.json()["rows"][0]["mean_severity"] == 4.0

    team = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "rank", "--cohort", cast.cohort)
    assert team.code == 0, team.err
    assert "Reported by" not in team.out and "Cedar County" not in team.out


def test_barrier_rank_refuses_someone_outside_the_cohort(
    region: Region, cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = run_cli(capsys, "--actor", cast.outsider, "barrier", "rank", "--cohort", cast.cohort)
    assert refused.code == 3
    assert "Only an alliance lead, an admin" in " ".join(refused.err.split())
