"""The scoring contract, by hand-computed cases and properties."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.selfassessment.scoring import compare, round_half_up, score
from tests.rubrics import small_rubric

RUBRIC = small_rubric()
IDS = [i.id for i in RUBRIC.indicators]


def everyone(level: int | None) -> dict[str, int | None]:
    return {i: level for i in IDS}


def test_team_rating_is_the_median_and_may_be_a_half() -> None:
    result = score(RUBRIC, [{"a.1": 1, "a.2": 1, "a.3": 4}, {"a.1": 2, "a.2": 2, "a.3": 4}, {"a.2": 4, "a.3": None}])
    ratings = {i.id: i.rating for i in result.indicators}
    assert ratings["a.1"] == 1.5
    assert ratings["a.2"] == 2
    assert ratings["a.3"] == 4
    assert ratings["a.4"] is None


def test_domain_score_is_mean_of_team_ratings_on_both_scales() -> None:
    # a.1 median(1,2)=1.5, a.2=2, a.3=3, a.4=4: mean 2.625 -> 2.63 and (1.625/3)*100 = 54.1666 -> 54.2
    result = score(RUBRIC, [{"a.1": 1, "a.2": 2, "a.3": 3, "a.4": 4}, {"a.1": 2, "a.2": 2, "a.3": 3, "a.4": 4}])
    domain_a = result.domains[0]
    assert (domain_a.mean, domain_a.score, domain_a.rated, domain_a.insufficient) == (2.63, 54.2, 4, False)


def test_domain_with_fewer_than_half_rated_is_insufficient_and_left_out_of_overall() -> None:
    answers = {"a.1": 2, "a.2": 2, "b.1": 4, "c.1": 1}  # a: 2 of 4 (half: enough); b: 1 of 2; c: 1 of 3
    result = score(RUBRIC, [answers])
    by_id = {d.id: d for d in result.domains}
    assert not by_id["a"].insufficient
    assert not by_id["b"].insufficient
    assert by_id["c"].insufficient
    assert by_id["c"].score == 0.0  # still shown, just not counted
    # overall = (2*1 + 4*2) / 3 = 3.333 -> stage 3; c's 1 is not in it
    assert result.overall.mean == 3.33
    assert result.overall.score == 77.8
    assert result.overall.stage == 3
    assert result.overall.stage_name == "Developing"


def test_overall_is_weighted_and_stage_rounds_half_up() -> None:
    # a all 2, b all 3 (weight 2), c all 2.5 -> (2 + 6 + 2.5) / 4 = 2.625 -> stage 3
    answers = [
        {"a.1": 2, "a.2": 2, "a.3": 2, "a.4": 2, "b.1": 3, "b.2": 3, "c.1": 2, "c.2": 2, "c.3": 2},
        {"a.1": 2, "a.2": 2, "a.3": 2, "a.4": 2, "b.1": 3, "b.2": 3, "c.1": 3, "c.2": 3, "c.3": 3},
    ]
    result = score(RUBRIC, answers)
    assert result.overall.mean == 2.63
    assert result.overall.score == 54.2
    assert result.overall.stage == 3
    # exactly x.5 goes up: everything 2.5 -> stage 3
    assert score(RUBRIC, [everyone(2), everyone(3)]).overall.stage == 3
    assert score(RUBRIC, [everyone(2), everyone(3)]).overall.score == 50.0


def test_disagreement_means_two_or_more_levels_apart() -> None:
    result = score(RUBRIC, [{"a.1": 1, "a.2": 2, "a.3": 1}, {"a.1": 3, "a.2": 3, "a.3": 1}, {"a.3": 4}])
    flags = {i.id: i.disagreement for i in result.indicators}
    assert flags["a.1"] and flags["a.3"] and not flags["a.2"]
    assert result.disagreements == ["a.1", "a.3"]


def test_largest_gaps_are_the_five_lowest_with_ties_in_rubric_order() -> None:
    answers = {"a.1": 3, "a.2": 1, "a.3": 2, "a.4": 4, "b.1": 1, "b.2": 2, "c.1": 2, "c.2": 1, "c.3": 3}
    assert score(RUBRIC, [answers]).gaps == ["a.2", "b.1", "c.2", "a.3", "b.2"]


def test_dont_know_everywhere_gives_no_overall_and_no_stage() -> None:
    result = score(RUBRIC, [everyone(None), everyone(None)])
    assert result.overall.stage is None and result.overall.score is None
    assert all(d.insufficient for d in result.domains)
    assert result.gaps == []
    assert all(i.excluded == 2 for i in result.indicators)


def test_change_since_previous_cycle_per_domain_and_overall() -> None:
    before = score(RUBRIC, [everyone(2)])
    after = score(RUBRIC, [{**everyone(3), "c.1": None, "c.2": None}])
    change = compare(after, before, "baseline")
    assert change.since_cycle == "baseline"
    assert change.overall.previous == 33.3 and change.overall.current == 66.7
    # the change is the difference of the scores people see, so the arithmetic on the page adds up
    assert change.overall.change == 33.4
    assert change.domains["a"].change == 33.4
    assert change.domains["c"].current is None and change.domains["c"].change is None  # c is insufficient now


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(5, 2), 0, 3.0),
        (Fraction(7, 2), 0, 4.0),
        (Fraction(9, 4), 1, 2.3),
        (Fraction(1, 6) * 100, 1, 16.7),
    ],
)
def test_rounding_is_half_up_on_exact_values(value: Fraction, places: int, expected: float) -> None:
    assert round_half_up(value, places) == expected


respondent = st.fixed_dictionaries({i: st.one_of(st.none(), st.integers(1, 4)) for i in IDS})


@settings(max_examples=200, deadline=None)
@given(st.lists(respondent, min_size=1, max_size=8))
def test_scores_stay_on_their_scales(responses: list[dict[str, int | None]]) -> None:
    result = score(RUBRIC, responses)
    for indicator in result.indicators:
        if indicator.levels:
            assert indicator.rating is not None
            assert min(indicator.levels) <= indicator.rating <= max(indicator.levels)
            assert float(indicator.rating * 2).is_integer()
    for domain in result.domains:
        if domain.mean is not None:
            assert domain.score is not None
            assert 1 <= domain.mean <= 4 and 0 <= domain.score <= 100
    overall = result.overall
    if overall.mean is not None:
        assert overall.stage in (1, 2, 3, 4) and overall.score is not None
        assert abs(overall.stage - overall.mean) <= 0.5 + 1e-9
        assert 0 <= overall.score <= 100
    assert len(result.gaps) == min(5, sum(1 for i in result.indicators if i.rating is not None))


@settings(max_examples=100, deadline=None)
@given(st.lists(respondent, min_size=2, max_size=6), st.randoms())
def test_respondent_order_does_not_matter(responses: list[dict[str, int | None]], rnd: random.Random) -> None:
    shuffled = responses[:]
    rnd.shuffle(shuffled)
    first, second = score(RUBRIC, responses), score(RUBRIC, shuffled)
    assert first.overall == second.overall and first.domains == second.domains and first.gaps == second.gaps


@given(st.integers(1, 4), st.integers(1, 5))
def test_unanimous_team_scores_its_level_everywhere(level: int, people: int) -> None:
    result = score(RUBRIC, [everyone(level)] * people)
    assert result.overall.stage == level
    assert {d.score for d in result.domains} == {round_half_up(Fraction(level - 1, 3) * 100, 1)}
    assert result.disagreements == []
