"""Percentiles as files spell them, and the quartiles they fall in.

A file writes a percentile as a 0-1 fraction (the Healthy Places Index's ``hpi_pctile``) or on a
0-100 scale (CalEnviroScreen's). The spelling is recognised once per column, never per row: a
column with no value above 1 is a fraction; one with values above 1 is on the 0-100 scale, unless
more than a tenth of its values sit strictly between 0 and 1, which on a 0-100 scale would mean a
tenth of the places below the 1st percentile: that column mixes both spellings and is refused.
Percentiles are kept on the 0-100 scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from assessment.core.xlsx import Formula
from assessment.metrics.models import Direction

Scale = Literal["0-1", "0-100"]
SCALES: tuple[Scale, ...] = ("0-1", "0-100")
# What a file writes for "no score" (the Healthy Places Index leaves some tracts unscored).
MISSING = frozenset({"", "na", "n/a", "#n/a", "null", "none", "nan", "-", ".", "no data"})
SIX_PLACES = Decimal("0.000001")
# More than this share of a 0-100 column strictly between 0 and 1 means fractions are mixed in.
MIXED_SHARE = Decimal("0.1")
# A published quartile this close to a boundary (on 0-100) may fall either side of it.
BOUNDARY_SLACK = Decimal("0.5")


def number(value: object) -> Decimal | None:
    """A cell's number, None when the cell says there is none; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, Formula):
        raise ValueError(f"is a formula ({value}), not a value; type the value")
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"'{value}' is not a number")
        return Decimal(repr(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    text = str(value).strip()
    if text.casefold() in MISSING:
        return None
    try:
        parsed = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not parsed.is_finite():
        raise ValueError(f"'{text}' is not a number")
    return parsed


def exact(value: Decimal) -> Decimal:
    """A value as it is kept: six decimal places."""
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Mixed:
    """A column whose values are spelled on both scales: the row numbers of each, as examples."""

    fractions: list[tuple[int, Decimal]]
    hundreds: list[tuple[int, Decimal]]


def recognise_scale(values: Sequence[tuple[int, Decimal]]) -> Scale | Mixed:
    """The scale one column's percentiles (row, value) are written on, or how they mix."""
    fractions = [(row, v) for row, v in values if 0 < v < 1]
    hundreds = [(row, v) for row, v in values if v > 1]
    if not hundreds:
        return "0-1"
    if fractions and Decimal(len(fractions)) > MIXED_SHARE * len(values):
        return Mixed(fractions, hundreds)
    return "0-100"


def out_of_range(value: Decimal, scale: Scale) -> str:
    """Why ``value`` cannot be a percentile on ``scale`` ('' when it can)."""
    top = 1 if scale == "0-1" else 100
    if value < 0 or value > top:
        return f"{value.normalize():f} is not a percentile on the 0-{top} scale this column is written on"
    return ""


def on_hundred(value: Decimal, scale: Scale) -> Decimal:
    return exact(value * 100 if scale == "0-1" else value)


def percentile_quartile(percentile: Decimal) -> int:
    """The quarter of the percentiles (0-100) a value falls in, counting from the lowest:
    up to 25 is 1, up to 50 is 2, up to 75 is 3, above is 4 (as hpi_quartile is published)."""
    for quartile, top in ((1, 25), (2, 50), (3, 75)):
        if percentile <= top:
            return quartile
    return 4


def equity_quartile(percentile: Decimal, direction: Direction) -> int:
    """The quartile counting from the least advantaged places: the lowest percentiles of a metric
    where higher is better, the highest of one where higher is worse."""
    quartile = percentile_quartile(percentile)
    return quartile if direction is Direction.higher_is_better else 5 - quartile


def agrees(percentile: Decimal, published: int) -> bool:
    """True when a published quartile (counted from the lowest percentiles) fits the percentile;
    near a boundary either side does, as publishers round differently."""
    if published == percentile_quartile(percentile):
        return True
    nearby = {percentile_quartile(percentile - BOUNDARY_SLACK), percentile_quartile(percentile + BOUNDARY_SLACK)}
    return published in nearby
