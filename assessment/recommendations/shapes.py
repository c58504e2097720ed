"""Input shapes of the regional policy recommendation: a draft, a change, an endorsement."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from assessment.barriers.reference import resolve_category, resolve_stage
from assessment.core.shapes import Changes, Shape, Title, by_label, distinct
from assessment.recommendations.models import Level

PROSE_LIMIT = 10_000


def _prose(value: str) -> str:
    """Text of a paragraph or more: kept as typed (line breaks too), but not blank."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def ranking_key(text: str) -> str:
    """A row of the regional barrier ranking, ``CATEGORY/STAGE`` by ids or labels, as ``category/stage`` ids."""
    category, slash, stage = text.partition("/")
    if not slash or not category.strip() or not stage.strip():
        raise ValueError(
            f"'{text}' does not name a row of the barrier ranking; write it as CATEGORY/STAGE, "
            "e.g. payment_cash_flow/invoicing_payment"
        )
    return f"{resolve_category(category.strip())}/{resolve_stage(stage.strip())}"


def _keys(value: object) -> object:
    return [value] if isinstance(value, str) else value


Prose = Annotated[str, AfterValidator(_prose), Field(max_length=PROSE_LIMIT)]
Evidence = Annotated[str, Field(max_length=PROSE_LIMIT)]
LevelValue = Annotated[Level, BeforeValidator(by_label(Level, "level of government"))]
RankingKey = Annotated[str, AfterValidator(ranking_key)]
RankingKeys = Annotated[list[RankingKey], BeforeValidator(_keys), AfterValidator(distinct)]


class RecommendationCreate(Shape):
    """A regional policy recommendation: the problem, the change proposed and to which level of
    government; ``categories`` (rows of the barrier ranking) fill its evidence from the ranking's
    figures, before any ``evidence`` typed."""

    title: Title
    problem: Prose
    proposed_change: Prose
    level: LevelValue
    evidence: Evidence = ""
    categories: RankingKeys = []


class RecommendationUpdate(Changes):
    """Changes to a recommendation. New ``categories`` rewrite its evidence from the ranking (then
    ``evidence``, if given, is added after it); ``evidence`` alone replaces the evidence."""

    title: Title | None = None
    problem: Prose | None = None
    proposed_change: Prose | None = None
    level: LevelValue | None = None
    evidence: Evidence | None = None
    categories: RankingKeys | None = None
