"""How far a goal has come, computed in one place for services, reports and roadmaps."""

from __future__ import annotations

from decimal import Decimal

SHARE_PLACES = 4


def milestone_share(done: int, total: int) -> float | None:
    """The share of milestones done, 0..1 (four decimals), or None when there are none."""
    return round(done / total, SHARE_PLACES) if total else None


def measure_share(baseline: Decimal | None, target: Decimal | None, value: Decimal | None) -> float | None:
    """The share of the way from baseline to target (1.0 = met; past the target reads above 1, a
    move the wrong way below 0; four decimals), or None without a value or a distance to cover."""
    if value is None or baseline is None or target is None or target == baseline:
        return None
    return round(float((value - baseline) / (target - baseline)), SHARE_PLACES)
