"""The stand-in for the spending package's metric function that a tied buy commitment follows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlmodel import Session

from assessment.anchor.spend import register_spend_metric, unregister_spend_metric
from assessment.cohorts.models import Team
from tests.anchor.helpers import FOLLOWED


class FakeSpend:
    """A stand-in for the spending package's function: the value set here, for every team, and
    the jurisdictions of the teams it was asked about (None: no spend imported yet)."""

    def __init__(self) -> None:
        self.value: Decimal | None = None
        self.asked: list[int] = []

    def __call__(self, session: Session, team: Team, /) -> Decimal | None:
        self.asked.append(team.jurisdiction_id)
        return self.value


@pytest.fixture
def spend() -> Iterator[FakeSpend]:
    """The followed metric computed by a stand-in, and the real function (if any) put back after."""
    fake = FakeSpend()
    replaced = register_spend_metric(FOLLOWED, fake)
    yield fake
    if replaced is None:
        unregister_spend_metric(FOLLOWED)
    else:
        register_spend_metric(FOLLOWED, replaced)
