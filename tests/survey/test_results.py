"""Shares and small-number suppression as pure functions: hand-computed cases, and properties
(hypothesis) that hold for any counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.survey.results import Count, percent, share, statement_shares, suppress


@pytest.mark.parametrize(
    ("agree", "responses", "expected"),
    [
        (5, 7, 71),  # 71.43
        (1, 8, 13),  # 12.5: half up
        (3, 8, 38),  # 37.5: half up
        (2, 3, 67),  # 66.67
        (1, 3, 33),  # 33.33
        (13, 17, 76),  # 76.47
        (1, 200, 1),  # 0.5: half up
        (1, 201, 0),  # 0.4975
        (0, 5, 0),
        (18, 18, 100),
    ],
)
def test_percent_is_a_whole_percent_rounded_half_up(agree: int, responses: int, expected: int) -> None:
    assert percent(agree, responses) == expected


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_percent_matches_whole_number_arithmetic(counts: tuple[int, int]) -> None:
    agree, responses = counts
    # floor(100a/n + 1/2), in integers: the half-up rounding of the exact share
    assert percent(agree, responses) == (200 * agree + responses) // (2 * responses)


def test_a_share_reads_as_percent_and_counts_or_too_few() -> None:
    assert share(Count(17, 13), hidden=False).said == "76% (13 of 17)"
    hidden = share(Count(17, 13), hidden=True)
    assert (hidden.said, hidden.agree, hidden.percent, hidden.responses) == ("too few responses", None, None, 17)
    assert share(Count(0, 0), hidden=False).said == "too few responses"  # nobody answered: no share to give


def test_the_overall_below_the_minimum_hides_everything() -> None:
    hidden = suppress(4, {"A": 3, "B": 1}, minimum=5)
    assert hidden.overall and hidden.jurisdictions == {"A", "B"}


def test_nothing_is_hidden_when_every_group_is_large_enough() -> None:
    hidden = suppress(20, {"A": 10, "B": 10}, minimum=5)
    assert not hidden.overall and hidden.jurisdictions == frozenset()


def test_one_small_jurisdiction_hides_the_smallest_other_too() -> None:
    # B alone hidden: the overall (15) minus A (12) would be B's figure exactly
    assert suppress(15, {"A": 12, "B": 3}, minimum=5).jurisdictions == {"A", "B"}
    # with C there, C (the smallest published) goes with B; A stays
    assert suppress(23, {"A": 12, "B": 3, "C": 8}, minimum=5).jurisdictions == {"B", "C"}


def test_unassigned_respondents_below_the_minimum_do_not_protect_a_hidden_jurisdiction() -> None:
    # 2 respondents named no jurisdiction: the remainder would be B plus 2 others
    assert suppress(17, {"A": 12, "B": 3}, minimum=5).jurisdictions == {"A", "B"}
    # 5 of them do: the remainder is B plus at least the minimum
    assert suppress(20, {"A": 12, "B": 3}, minimum=5).jurisdictions == {"B"}


def test_a_remainder_that_is_itself_a_small_number_is_made_larger() -> None:
    # B and C hidden, 2 answers between them: A (first of the two with 10) is hidden too
    hidden = suppress(22, {"A": 10, "B": 1, "C": 1, "D": 10}, minimum=5)
    assert hidden.jurisdictions == {"A", "B", "C"}


def test_a_few_respondents_without_a_jurisdiction_are_not_left_on_their_own() -> None:
    # overall 7 minus A's 6 would be the one respondent who named no jurisdiction
    assert suppress(7, {"A": 6, "B": 0}, minimum=5).jurisdictions == {"A", "B"}
    # hiding A leaves A and that one: C (the smallest still published) goes too
    assert suppress(25, {"A": 6, "B": 10, "C": 8}, minimum=5).jurisdictions == {"A", "C"}
    assert suppress(21, {"A": 6, "B": 10}, minimum=5).jurisdictions == frozenset()  # 5 without one


def test_jurisdictions_without_answers_are_hidden_but_protect_nothing() -> None:
    assert suppress(10, {"A": 10, "B": 0}, minimum=5).jurisdictions == {"B"}
    assert suppress(13, {"A": 10, "B": 3, "C": 0}, minimum=5).jurisdictions == {"A", "B", "C"}


def test_with_a_minimum_of_one_only_empty_groups_are_hidden() -> None:
    assert suppress(3, {"A": 1, "B": 2, "C": 0}, minimum=1).jurisdictions == {"C"}


def test_statement_shares_publish_what_is_not_hidden() -> None:
    overall, per = statement_shares(
        Count(17, 11), {"Alder": Count(6, 4), "Birch": Count(8, 5), "Cedar": Count(2, 1)}, minimum=5
    )
    assert overall.said == "65% (11 of 17)"
    assert {k: v.said for k, v in per.items()} == {
        "Alder": "too few responses",  # hidden so Cedar's 2 can't be worked out
        "Birch": "63% (5 of 8)",
        "Cedar": "too few responses",
    }


@st.composite
def statement_counts(draw: st.DrawFn) -> tuple[int, dict[int, Count], Count, int]:
    """One statement's counts: per jurisdiction, the respondents without one, and a minimum."""
    minimum = draw(st.integers(1, 10))
    places = draw(st.lists(st.integers(0, 30), min_size=1, max_size=12))
    per = {}
    for key, responses in enumerate(places):
        per[key] = Count(responses, draw(st.integers(0, responses)))
    unassigned_responses = draw(st.integers(0, 15))
    unassigned = Count(unassigned_responses, draw(st.integers(0, unassigned_responses)))
    return minimum, per, unassigned, unassigned_responses


@given(statement_counts())
def test_suppression_never_lets_a_hidden_figure_be_singled_out(
    counts: tuple[int, dict[int, Count], Count, int],
) -> None:
    minimum, per, unassigned, _ = counts
    overall = sum(per.values(), unassigned)
    hidden = suppress(overall.responses, {k: c.responses for k, c in per.items()}, minimum)

    assert hidden.overall == (overall.responses < minimum)
    if hidden.overall:
        assert hidden.jurisdictions == set(per)
        return
    assert all(per[k].responses >= minimum for k in per if k not in hidden.jurisdictions)
    answered = [k for k in hidden.jurisdictions if per[k].responses > 0]
    published = [k for k in per if k not in hidden.jurisdictions]
    hidden_responses = sum(per[k].responses for k in answered) + unassigned.responses
    # the remainder is never a small number
    assert hidden_responses == 0 or hidden_responses >= minimum
    if answered:
        # never exactly one hidden jurisdiction beside fewer than the minimum without one, unless
        # every jurisdiction is hidden: the remainder is then the whole overall
        assert len(answered) >= 2 or unassigned.responses >= minimum or not published

    # What a reader can work out: the remainder (overall minus the published jurisdictions), and
    # how many answered in each hidden jurisdiction. A hidden jurisdiction's agree count is
    # pinned down only when the remainder is unanimous (all agree, or none does).
    remainder = overall
    for key in per:
        if key not in hidden.jurisdictions:
            remainder = Count(remainder.responses - per[key].responses, remainder.agree - per[key].agree)
    for key in answered:
        others = remainder.responses - per[key].responses
        low, high = max(0, remainder.agree - others), min(per[key].responses, remainder.agree)
        if low == high:
            assert remainder.agree in (0, remainder.responses)
