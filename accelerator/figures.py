"""Figures as people read them, the same in the terminal and on a page: money, shares, counts, and the
spending figures by their key."""

from __future__ import annotations

from decimal import Decimal


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
