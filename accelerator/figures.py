"""Figures as people read them, the same in the terminal and on a page: money, shares, counts, and the
spending figures by their key."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessment.spending.models import PeriodChange, PeriodFigures


def money(value: Decimal | None) -> str:
    return "–" if value is None else f"${value:,.2f}"


def share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def count(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def shown(value: Decimal | None, key: str, sign: bool = False) -> str:
    """A spending figure: shares as percentages, money with separators, days to one place."""
    if value is None:
        return "–"
    plus = "+" if sign and value > 0 else ""
    if "share" in key:
        return f"{plus}{value:.1f}{' pts' if sign else '%'}"
    if key in ("dollars", "median_contract"):
        return f"{plus}{value:,.2f}"
    if value == value.to_integral_value():
        return f"{plus}{value:,.0f}"
    return f"{plus}{value:,.1f}"


def figure_rows(
    periods: list[PeriodFigures], changes: dict[str, PeriodChange], with_baseline: bool
) -> list[tuple[str, list[str]]]:
    """Each spending figure's label and its cells, as ``spend show`` and the page lay them out: the
    baseline's value (``with_baseline``), then each period's value and, where it has one, its change."""
    from assessment.spending.service import figures_of

    values = [figures_of(p) for p in periods]
    rows = []
    for index, (key, label, _) in enumerate(values[0] if values else []):
        cells = []
        if with_baseline:
            first = changes[periods[0].period].figures[index] if periods[0].period in changes else None
            cells.append(shown(first.baseline if first else None, key))
        for period, row in zip(periods, values, strict=True):
            cells.append(shown(row[index][2], key))
            if period.period in changes:
                cells.append(shown(changes[period.period].figures[index].change, key, sign=True))
        rows.append((label, cells))
    return rows
