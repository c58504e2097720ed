"""What people type in the Rating column, and how it is read as a level."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE, parse_answer
from assessment.selfassessment.reading import read_workbook
from tests.selfassessment.workbooks import (
    ALL_RATED,
    CONTEXT,
    IDS,
    LEVEL_NAMES,
    RATING_COLUMN,
    RUBRIC,
    problems_in,
    row_of,
)

# ---------------------------------------------------------------------------------------------
# What people type in the Rating column


@pytest.mark.parametrize(
    ("typed", "level", "answer"),
    [
        (3, 3, "3 - Developing"),
        (3.0, 3, "3 - Developing"),
        ("3", 3, "3 - Developing"),
        (" 3 ", 3, "3 - Developing"),
        ("3.0", 3, "3 - Developing"),
        ("3 - Developing", 3, "3 - Developing"),
        ("3-Developing", 3, "3 - Developing"),
        ("3 – Developing", 3, "3 - Developing"),
        ("3 — developing", 3, "3 - Developing"),
        ("Developing", 3, "3 - Developing"),
        ("developing", 3, "3 - Developing"),
        ("  NOT YET   started ", 1, "1 - Not yet started"),
        ("4 - Established", 4, "4 - Established"),
        ("Don't know", None, DONT_KNOW),
        ("dont know", None, DONT_KNOW),
        ("Don’t know", None, DONT_KNOW),
        ("DK", None, DONT_KNOW),
        ("Not applicable", None, NOT_APPLICABLE),
        ("N/A", None, NOT_APPLICABLE),
        ("NA", None, NOT_APPLICABLE),
        ("n/a ", None, NOT_APPLICABLE),
        (None, None, ""),
        ("   ", None, ""),
    ],
)
def test_rating_typed_in_any_usual_spelling_is_accepted(
    fill: Callable[..., Path], typed: int | float | str | None, level: int | None, answer: str
) -> None:
    result = read_workbook(fill({**ALL_RATED, IDS[4]: typed}), RUBRIC, CONTEXT)
    assert result.ratings[IDS[4]] == level
    assert result.answers[IDS[4]] == answer


@pytest.mark.parametrize("typed", [0, 5, 2.5, -1, "0", "5", "2.5", "abc", "3 - Emerging", "Level three", "#N/A"])
def test_rating_out_of_range_or_unreadable_is_a_problem_naming_the_cell(
    fill: Callable[..., Path], typed: int | float | str
) -> None:
    [problem] = problems_in(fill({**ALL_RATED, IDS[4]: typed}))
    assert problem.startswith(f"alice.xlsx Ratings!{RATING_COLUMN}{row_of(IDS[4])}: the rating for {IDS[4]}")
    assert str(typed) in problem
    assert "Pick one of 1 - Not yet started, 2 - Emerging, 3 - Developing, 4 - Established, Don't know" in problem


_SPELLINGS: list[Callable[[int, str], object]] = [
    lambda n, name: n,
    lambda n, name: float(n),
    lambda n, name: str(n),
    lambda n, name: f"{n}.0",
    lambda n, name: f"{n} - {name}",
    lambda n, name: f"{n}-{name}",
    lambda n, name: f"{n} – {name}",
    lambda n, name: f"{n} {name.upper()}",
    lambda n, name: name,
    lambda n, name: name.lower(),
    lambda n, name: name.upper(),
]
_SPACES = st.text(alphabet=" \t\u00a0", max_size=3)


@given(
    level=st.integers(1, RUBRIC.max_level),
    spelling=st.sampled_from(_SPELLINGS),
    before=_SPACES,
    after=_SPACES,
)
def test_any_level_in_any_accepted_spelling_parses_to_that_level(
    level: int, spelling: Callable[[int, str], object], before: str, after: str
) -> None:
    typed = spelling(level, RUBRIC.level_name(level))
    if isinstance(typed, str):
        typed = f"{before}{typed}{after}"
    assert parse_answer(typed, RUBRIC) == level


@given(
    number=st.integers(-(10**100), 10**100).filter(lambda n: not 1 <= n <= RUBRIC.max_level),
    spelling=st.sampled_from(_SPELLINGS[:8]),
    name=st.sampled_from(LEVEL_NAMES),
    before=_SPACES,
)
def test_out_of_range_numbers_never_parse_to_a_level(
    number: int, spelling: Callable[[int, str], object], name: str, before: str
) -> None:
    typed = spelling(number, name)
    if isinstance(typed, str):
        typed = f"{before}{typed}"
    with pytest.raises(ValueError):
        parse_answer(typed, RUBRIC)


def test_dont_know_everywhere_is_an_answer_and_accepted(fill: Callable[..., Path]) -> None:
    read = read_workbook(fill({i: "Don't know" for i in IDS}), RUBRIC, CONTEXT)
    assert set(read.ratings.values()) == {None} and set(read.answers.values()) == {"Don't know"}
