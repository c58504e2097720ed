"""The spending metrics a ``buy`` commitment can follow, and the registry that computes them.

A buy commitment tied to one of ``SPEND_METRICS`` takes its progress from the team's imported
spending (session 6), not from typed values. The metrics are data here; the functions that
compute them belong to the spending package, which registers each one by key, the way a
plugin would::

    from assessment.anchor.spend import register_spend_metric

    def cbo_dollar_share(session: Session, team: Team) -> Decimal | None:
        ...  # None while the team has no spending imported

    register_spend_metric("cbo_dollar_share", cbo_dollar_share)

The modules in ``PROVIDERS`` (the spending package) are imported before the first registration
or lookup, so what they register when imported (the package's ``__init__`` imports the module
that registers) is always in place, and a test's stand-in, registered afterwards, replaces it.
Shares are percentages, as people write targets (62.5 means 62.5%, not 0.625); days are days;
partners are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.cohorts.models import Team


@dataclass(frozen=True)
class SpendMetric:
    """A spending metric a commitment can follow: its key, how people name it, its unit."""

    key: str
    label: str
    unit: str


SPEND_METRICS: tuple[SpendMetric, ...] = (
    SpendMetric("cbo_dollar_share", "share of dollars to community-based organizations", "%"),
    SpendMetric("cbo_contract_share", "share of contracts to community-based organizations", "%"),
    SpendMetric("small_dollar_share", "share of dollars to small businesses", "%"),
    SpendMetric("local_dollar_share", "share of dollars to local businesses", "%"),
    SpendMetric("bipoc_led_dollar_share", "share of dollars to BIPOC-led organizations", "%"),
    SpendMetric("community_partners", "community-based organizations under contract", "organizations"),
    SpendMetric("advance_payment_share", "share of contracts with an advance payment", "%"),
    SpendMetric("median_days_to_payment", "median days to payment", "days"),
)
BY_KEY = {metric.key: metric for metric in SPEND_METRICS}

# The modules that register the functions computing the metrics when they are imported.
PROVIDERS: tuple[str, ...] = ("assessment.spending",)


class SpendFunction(Protocol):
    """Computes a metric's value for one team from its imported spending (None when none is
    imported yet)."""

    def __call__(self, session: Session, team: Team, /) -> Decimal | None: ...


_registered: dict[str, SpendFunction] = {}
_providers_loaded = False


def _load_providers() -> None:
    global _providers_loaded
    if _providers_loaded:
        return
    _providers_loaded = True  # first: a provider registers while it is being imported
    for module in PROVIDERS:
        import_module(module)


def spend_metric(key: str) -> SpendMetric | None:
    return BY_KEY.get(key)


def keys() -> str:
    """The allowed keys, as a person reads them in a refusal or a help text."""
    return ", ".join(metric.key for metric in SPEND_METRICS)


def register_spend_metric(key: str, compute: SpendFunction) -> SpendFunction | None:
    """Register the function computing the metric ``key``; returns the one it replaced, if any
    (so a test's stand-in can put it back). A key that is not one of ``SPEND_METRICS`` is a
    programming mistake and raises ValueError."""
    if key not in BY_KEY:
        raise ValueError(f"'{key}' is not a spending metric a commitment can follow; the keys are: {keys()}")
    _load_providers()
    replaced = _registered.get(key)
    _registered[key] = compute
    return replaced


def unregister_spend_metric(key: str) -> None:
    """Forget the function computing ``key`` (a test's stand-in, when nothing was there before)."""
    _registered.pop(key, None)


def is_computed(key: str) -> bool:
    """True when a function computing ``key`` is registered."""
    _load_providers()
    return key in _registered


def spend_value(session: Session, key: str, team: Team) -> Decimal | None:
    """The metric's value for ``team`` from its imported spending; None when no spending is
    imported yet or nothing computes the metric (``is_computed`` tells which)."""
    _load_providers()
    compute = _registered.get(key)
    return compute(session, team) if compute is not None else None
