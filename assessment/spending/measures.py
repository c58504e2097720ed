"""The impact-spending figures, computed from plain values: periods, medians, the 90th
percentile (nearest rank), and each vendor group's share of contracts and dollars.

Nothing here reads the database; ``service`` loads the facts and hands them in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessment.core.errors import Problem, ValidationFailed
from assessment.spending.models import GroupShare, PeriodFigures, VendorGroup

SHARE_PLACES = Decimal("0.0001")  # a share to a hundredth of a percent
PERIOD_FIX = (
    "Write a calendar year (2025), a range of years (2023-2025: one period each) or a range of days "
    "as one period (2024-07-01..2025-06-30, e.g. a fiscal year)."
)


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def year(number: int) -> Period:
    return Period(str(number), date(number, 1, 1), date(number, 12, 31))


def parse_period(text: str) -> list[Period]:
    """The periods ``--period`` names: ``2025``, ``2023-2025`` (each year) or ``DAY..DAY`` (one)."""
    given = text.strip()
    refused = ValidationFailed(
        f"'{text}' is not a period.", [Problem("--period", f"'{text}' is not a period.", PERIOD_FIX)]
    )
    if match := re.fullmatch(r"(\d{4})", given):
        return [year(int(match.group(1)))]
    if match := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", given):
        first, last = int(match.group(1)), int(match.group(2))
        if first > last or last - first > 50:
            raise refused
        return [year(n) for n in range(first, last + 1)]
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", given):
        try:
            start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        except ValueError:
            raise refused from None
        if start > end:
            raise refused
        return [Period(f"{start.isoformat()}..{end.isoformat()}", start, end)]
    raise refused


def calendar_years(days: Iterable[date]) -> list[Period]:
    """Every calendar year from the first to the last of ``days`` (none when there are none)."""
    years = {day.year for day in days}
    return [year(n) for n in range(min(years), max(years) + 1)] if years else []


def median(values: Sequence[Decimal | int]) -> Decimal | None:
    """The middle value, or the mean of the two middle values; None for no values."""
    if not values:
        return None
    ordered = sorted(Decimal(v) for v in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The ``percent``-th percentile by nearest rank: the value at rank ceil(percent/100 × n) of the
    sorted values, so always one of them; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` of ``whole`` as a fraction to four places (0.1234 is 12.34%); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES)


@dataclass(frozen=True)
class ContractFact:
    """What the figures need of one contract: its vendor, value, award day and flags."""

    vendor_id: int
    value: Decimal
    awarded_on: date
    advance_payment: bool | None
    groups: dict[VendorGroup, bool | None]


@dataclass(frozen=True)
class PaymentFact:
    paid_on: date
    invoiced_on: date | None
    ocds: bool  # from OCDS, which has no invoice date


def period_figures(period: Period, contracts: Sequence[ContractFact], payments: Sequence[PaymentFact]) -> PeriodFigures:
    """The figures of one period, from every contract and payment of the jurisdiction (those of
    other periods tell which community partners were seen before)."""
    within = [c for c in contracts if period.holds(c.awarded_on)]
    paid = [p for p in payments if period.holds(p.paid_on)]
    dollars = sum((c.value for c in within), Decimal(0))
    groups = []
    notes = []
    for group in VendorGroup:
        members = [c for c in within if c.groups[group]]
        in_group = sum((c.value for c in members), Decimal(0))
        unknown = sum(1 for c in within if c.groups[group] is None)
        said = unknown < len(within)  # the data says it of at least one contract
        groups.append(
            GroupShare(
                group=group,
                label=group.label,
                dollars=in_group,
                dollar_share=share(in_group, dollars) if said else None,
                contracts=len(members),
                contract_share=share(len(members), len(within)) if said else None,
                unknown=unknown,
            )
        )
        if said and unknown:
            notes.append(
                f"{unknown} of {len(within)} contract(s) do not say whether the vendor is one of the {group.label}: "
                "they count as not."
            )
    partners = {c.vendor_id for c in within if c.groups[VendorGroup.cbo]}
    seen_before = {c.vendor_id for c in contracts if c.awarded_on < period.start}
    days = [(p.paid_on - p.invoiced_on).days for p in paid if p.invoiced_on is not None]
    known = [c for c in within if c.advance_payment is not None]
    advance = sum(1 for c in known if c.advance_payment)
    untimed_ocds = sum(1 for p in paid if p.invoiced_on is None and p.ocds)
    if untimed_ocds:
        notes.append(
            f"{untimed_ocds} payment(s) came from OCDS, which has no invoice date: they are not in the days to payment."
        )
    untimed = sum(1 for p in paid if p.invoiced_on is None) - untimed_ocds
    if untimed:
        notes.append(f"{untimed} payment(s) have no invoice date: they are not in the days to payment.")
    if partners and not seen_before:
        notes.append("No contract comes before this period: every community partner in it counts as new.")
    return PeriodFigures(
        period=period.label,
        start=period.start,
        end=period.end,
        contracts=len(within),
        dollars=dollars,
        groups=groups,
        community_partners=len(partners),
        new_community_partners=len(partners - seen_before),
        payments=len(paid),
        timed_payments=len(days),
        median_days_to_payment=median(days),
        p90_days_to_payment=nearest_rank(days, 90),
        advance_known=len(known),
        with_advance=advance,
        advance_share=share(advance, len(known)),
        median_contract=median([c.value for c in within]),
        notes=notes,
    )
