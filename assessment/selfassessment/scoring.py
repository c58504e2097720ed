"""The scoring contract: team ratings, domain and overall scores, stage, gaps, change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median

from pydantic import BaseModel

from assessment.selfassessment.rubric import Rubric

DISAGREEMENT_SPREAD = 2
GAP_COUNT = 5


class IndicatorResult(BaseModel):
    id: str
    domain: str
    text: str
    rating: float | None  # the team's rating: median of respondents' levels (may be x.5)
    levels: list[int]  # every respondent's level, in respondent order
    excluded: int  # respondents who answered Don't know / Not applicable / blank
    disagreement: bool


class DomainResult(BaseModel):
    id: str
    title: str
    weight: float
    mean: float | None  # on the 1..4 scale, two decimals
    score: float | None  # 0..100, one decimal
    rated: int
    total: int
    insufficient: bool


class OverallResult(BaseModel):
    mean: float | None
    score: float | None
    stage: int | None
    stage_name: str | None


class Delta(BaseModel):
    previous: float | None
    current: float | None
    change: float | None


class ChangeResult(BaseModel):
    since_cycle: str
    overall: Delta
    domains: dict[str, Delta]


class AssessmentResult(BaseModel):
    rubric_id: str
    rubric_version: str
    respondents: int
    overall: OverallResult
    domains: list[DomainResult]
    indicators: list[IndicatorResult]
    gaps: list[str]
    disagreements: list[str]
    change: ChangeResult | None = None


def round_half_up(value: Fraction | float, places: int) -> float:
    """Round like people do (2.25 -> 2.3), computed exactly, not on binary floats."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def to_percent(mean: Fraction, max_level: int) -> float:
    """A 1..N mean on a 0..100 scale, one decimal."""
    return round_half_up((mean - 1) / (max_level - 1) * 100, 1)


def team_rating(levels: Sequence[int]) -> Fraction | None:
    return Fraction(median(sorted(levels))).limit_denominator(2) if levels else None


def score(rubric: Rubric, responses: Sequence[Mapping[str, int | None]]) -> AssessmentResult:
    """Score respondents' answers (indicator id -> level, or None when excluded)."""
    indicators: list[IndicatorResult] = []
    exact_rating: dict[str, Fraction] = {}
    for domain in rubric.domains:
        for indicator in domain.indicators:
            levels = [level for r in responses if (level := r.get(indicator.id)) is not None]
            rating = team_rating(levels)
            if rating is not None:
                exact_rating[indicator.id] = rating
            indicators.append(
                IndicatorResult(
                    id=indicator.id,
                    domain=domain.id,
                    text=indicator.text,
                    rating=float(rating) if rating is not None else None,
                    levels=levels,
                    excluded=len(responses) - len(levels),
                    disagreement=bool(levels) and max(levels) - min(levels) >= DISAGREEMENT_SPREAD,
                )
            )

    domains: list[DomainResult] = []
    weighted: list[tuple[Fraction, Fraction]] = []
    for domain in rubric.domains:
        rated = [exact_rating[i.id] for i in domain.indicators if i.id in exact_rating]
        total = len(domain.indicators)
        insufficient = 2 * len(rated) < total
        mean = sum(rated, Fraction(0)) / len(rated) if rated else None
        if mean is not None and not insufficient:
            weighted.append((mean, Fraction(str(domain.weight))))
        domains.append(
            DomainResult(
                id=domain.id,
                title=domain.title,
                weight=domain.weight,
                mean=round_half_up(mean, 2) if mean is not None else None,
                score=to_percent(mean, rubric.max_level) if mean is not None else None,
                rated=len(rated),
                total=total,
                insufficient=insufficient,
            )
        )

    overall = OverallResult(mean=None, score=None, stage=None, stage_name=None)
    if weighted:
        exact = sum((m * w for m, w in weighted), Fraction(0)) / sum(w for _, w in weighted)
        stage = int(round_half_up(exact, 0))
        overall = OverallResult(
            mean=round_half_up(exact, 2),
            score=to_percent(exact, rubric.max_level),
            stage=stage,
            stage_name=rubric.level_name(stage),
        )

    return AssessmentResult(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        respondents=len(responses),
        overall=overall,
        domains=domains,
        indicators=indicators,
        gaps=largest_gaps(indicators),
        disagreements=[i.id for i in indicators if i.disagreement],
    )


def largest_gaps(indicators: Sequence[IndicatorResult], count: int = GAP_COUNT) -> list[str]:
    """The lowest-rated indicators; ties keep rubric order (the sort is stable)."""
    rated = [(i.rating, i.id) for i in indicators if i.rating is not None]
    return [ident for _, ident in sorted(rated, key=lambda pair: pair[0])[:count]]


def _delta(previous: float | None, current: float | None) -> Delta:
    if previous is None or current is None:
        return Delta(previous=previous, current=current, change=None)
    change = round_half_up(Fraction(str(current)) - Fraction(str(previous)), 1)
    return Delta(previous=previous, current=current, change=change)


def _counted(domain: DomainResult) -> float | None:
    """A domain's score where it counts: an insufficient domain's score does not."""
    return None if domain.insufficient else domain.score


def compare(current: AssessmentResult, previous: AssessmentResult, since_cycle: str) -> ChangeResult:
    """Change in 0..100 scores since an earlier cycle, per domain both cycles share and overall."""
    before = {d.id: d for d in previous.domains}
    return ChangeResult(
        since_cycle=since_cycle,
        overall=_delta(previous.overall.score, current.overall.score),
        domains={d.id: _delta(_counted(before[d.id]), _counted(d)) for d in current.domains if d.id in before},
    )
