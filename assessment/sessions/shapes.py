"""Input shapes of the team commitment (session 1) and of candidate process changes (session 3):
a signature, a proposed change, its scores, setting it aside and carrying it into a goal."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from assessment.core.shapes import Changes, Email, Name, PastDate, RecordIds, Shape, Title, Value, whole
from assessment.goals.shapes import DueDate

# The four criteria a team scores a candidate change on, each from 1 to 5 (higher is better),
# with the names people read.
CRITERIA: dict[str, str] = {
    "equity_impact": "equity impact",
    "feasibility": "feasibility",
    "time_to_effect": "time to effect",
    "community_input": "community input",
}


def _score(value: int) -> int:
    if not 1 <= value <= 5:
        raise ValueError(f"{value} is not a score; use a whole number from 1 to 5")
    return value


def _addresses_a_barrier(ids: list[int]) -> list[int]:
    if not ids:
        raise ValueError("name at least one barrier this change removes (its id, from `accelerator barrier list`)")
    return ids


Score = Annotated[int, BeforeValidator(whole), AfterValidator(_score)]
ChangeBarrierIds = Annotated[RecordIds, AfterValidator(_addresses_a_barrier)]


class CommitmentCreate(Shape):
    """A team member's signature on the team's commitment: who, and the day they signed."""

    person: Email
    signed_on: PastDate


class ChangeCreate(Shape):
    """A candidate process change the team proposes in session 3, and the barriers it removes."""

    title: Title
    description: str = ""
    barriers: ChangeBarrierIds


class ChangeScores(Changes):
    """The team's scores of a candidate change; only the criteria given change."""

    equity_impact: Score | None = None
    feasibility: Score | None = None
    time_to_effect: Score | None = None
    community_input: Score | None = None

    @model_validator(mode="after")
    def _some_score(self) -> ChangeScores:
        if not self.model_fields_set:
            names = ", ".join(CRITERIA.values())
            raise ValueError(f"give at least one score ({names}), each a whole number from 1 to 5")
        return self


class ChangeCarry(Shape):
    """The goal a candidate change is carried into: the change's title and barriers, with its own
    due date and, optionally, another statement, an owner and a measure from a baseline to a target."""

    statement: Name | None = None
    measure: Annotated[str, Field(max_length=200)] = ""
    baseline: Value | None = None
    target: Value | None = None
    unit: str = ""
    due: DueDate
    owner: Email | None = None
