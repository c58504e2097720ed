"""Shares and small-number suppression: pure functions over counts, for the results and any report
that publishes them."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Generic, TypeVar

from assessment.survey.models import Share

AGREE_FROM = 4  # 4 Agree and 5 Strongly agree count as agreeing
DEFAULT_MINIMUM = 5
MINIMUM_RANGE = (1, 100)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Count:
    """Who answered a statement, and how many of them agree or strongly agree."""

    responses: int = 0
    agree: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.responses + other.responses, self.agree + other.agree)


def percent(agree: int, responses: int) -> int:
    """``agree`` of ``responses`` as a whole percent, halves rounded up (1 of 8 is 13%, 2 of 3 is 67%)."""
    exact = Decimal(100 * agree) / Decimal(responses)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(count: Count, hidden: bool) -> Share:
    """The published form of ``count``: its share, or "too few responses" when ``hidden``."""
    return _share(count.responses, count.agree, hidden or count.responses == 0)


# Shares are frozen, so equal ones are one object: a regional report makes one per statement and
# jurisdiction (90,000 for 3,000 jurisdictions and 30 statements), most of them alike.
@lru_cache(maxsize=4096)
def _share(responses: int, agree: int, hidden: bool) -> Share:
    if hidden:
        return Share(responses=responses, agree=None, percent=None, suppressed=True)
    return Share(responses=responses, agree=agree, percent=percent(agree, responses), suppressed=False)


@dataclass(frozen=True)
class Hidden(Generic[K]):
    """What ``suppress`` hides of one statement: the overall figure, and which jurisdictions."""

    overall: bool
    jurisdictions: frozenset[K]


def suppress(overall: int, jurisdictions: Mapping[K, int], minimum: int) -> Hidden[K]:
    """Which figures of one statement to hide, from how many answered it overall and in each
    jurisdiction (respondents who named no jurisdiction count only in ``overall``).

    The rule:
    1. When fewer than ``minimum`` answered overall, everything is hidden.
    2. Otherwise every jurisdiction where fewer than ``minimum`` answered is hidden.
    3. Complementary: the overall minus the published jurisdictions leaves the hidden remainder
       (the hidden jurisdictions and the respondents without one). While it would single out a
       hidden jurisdiction - exactly one hidden jurisdiction has answers and fewer than ``minimum``
       respondents named none - or it is itself a small number (more than none, fewer than
       ``minimum`` answers: a few respondents without a jurisdiction, say), the published
       jurisdiction with the fewest answers is hidden too (the first in ``jurisdictions``' order
       on a tie). When none is left to hide, the overall stays: the remainder is then the whole
       overall, at least ``minimum`` answers.
    Jurisdictions without answers are hidden but protect nothing, so they are not counted as
    hidden in step 3. Decisions use the numbers who answered only, never what they answered, so
    the pattern of hidden cells says nothing about the answers either. What remains visible is
    the remainder's combined share: when all of it agrees (or none does), every part of it shares
    that figure, which no hiding of cells can prevent.
    """
    if overall < minimum:
        return Hidden(True, frozenset(jurisdictions))
    hidden = {key for key, responses in jurisdictions.items() if responses < minimum}
    unassigned = overall - sum(jurisdictions.values())
    published = sorted(
        (responses, order, key) for order, (key, responses) in enumerate(jurisdictions.items()) if key not in hidden
    )

    def singled_out() -> bool:
        answered = [jurisdictions[key] for key in hidden if jurisdictions[key] > 0]
        remainder = sum(answered) + unassigned
        return (len(answered) == 1 and unassigned < minimum) or 0 < remainder < minimum

    while published and singled_out():
        hidden.add(published.pop(0)[2])
    return Hidden(False, frozenset(hidden))


def statement_shares(overall: Count, jurisdictions: Mapping[K, Count], minimum: int) -> tuple[Share, dict[K, Share]]:
    """One statement's published shares: overall, and per jurisdiction (every key given)."""
    hidden = suppress(overall.responses, {key: count.responses for key, count in jurisdictions.items()}, minimum)
    return share(overall, hidden.overall), {
        key: share(count, key in hidden.jurisdictions) for key, count in jurisdictions.items()
    }
