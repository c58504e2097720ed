"""How dates, numbers and shares read in every rendered roadmap, so PDF and HTML agree."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

DASH = "—"


def format_date(day: date | datetime | None) -> str:
    """A date as a US reader expects it, e.g. "Mar 5, 2026"; a dash when there is none."""
    if day is None:
        return DASH
    return f"{day:%b} {day.day}, {day.year}"


def format_number(value: Decimal | int | float | None) -> str:
    """A measure value without trailing zeros or exponent, with thousands separators."""
    if value is None:
        return DASH
    number = Decimal(str(value))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return f"{number:,f}"


def format_share(share: float | None) -> str:
    """A 0..1 share as a whole percentage, e.g. "67%"; a dash when there is none."""
    if share is None:
        return DASH
    return f"{round(share * 100)}%"


def format_change(change: float | None) -> str:
    """A change in score with its sign, e.g. "+12.5" or "-4.2"; a dash when there is none."""
    if change is None:
        return DASH
    return f"{change:+.1f}"


def plural(count: int, noun: str) -> str:
    """ "1 input", "3 inputs": a count and its noun ("es" or "s" not guessed beyond a plain "s")."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # A cut in the middle of a long unbroken run (a URL, CJK text) keeps the run rather than nothing.
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
