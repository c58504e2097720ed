"""The equity profile (session 5): a jurisdiction's tracts by quartile of a metric, from the least
advantaged (1) to the most (4), joined to where its contract dollars go.

Spending comes in as ``SpendRow``s, one per vendor and place (the spending feature makes them).
A vendor is placed by its tract when one is known, else by its ZIP code through the crosswalk,
apportioned by the share of the ZIP code's residential addresses in each tract (so a vendor, its
contracts and its dollars may be split across quartiles). A vendor with no known place, a ZIP
code the crosswalk does not hold, or a tract of another census vintage is counted in
``unplaced`` with the reason, never guessed into a quartile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from assessment.cohorts.jurisdictions import county_codes_of
from assessment.cohorts.service import get_team
from assessment.core.errors import NotFound
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import key_of
from assessment.metrics.crosswalk import crosswalk_of, crosswalk_vintages
from assessment.metrics.geography import county_of, tract_id, zip_code
from assessment.metrics.models import (
    Direction,
    EquityProfile,
    MetricSet,
    PlaceMetric,
    QuartileShare,
    Unplaced,
    UnplacedReason,
)
from assessment.metrics.reference import KnownMetric, generic, known_metric

CENTS = Decimal("0.01")
# Residential shares of a ZIP code adding up to this close to 1 are read as the whole ZIP code.
ROUNDING = Decimal("0.001")

# Why spending was not placed in a quartile, in the order people read them.
REASONS = {
    "no_place": "vendor with no tract or ZIP code that can be read",
    "no_crosswalk": "known by ZIP code only, and no ZIP code crosswalk is imported",
    "zip_not_in_crosswalk": "ZIP code not in the crosswalk",
    "zip_no_residences": "ZIP code with no residential addresses in the crosswalk",
    "zip_partly_covered": "share of a ZIP code the crosswalk places in no tract",
    "vintage_mismatch": "tract or crosswalk of another census vintage (not joined)",
    "outside": "in a tract outside the jurisdiction's counties",
    "unscored": "in a tract of the jurisdiction with no score for this metric",
}

Bucket = int | str  # a quartile 1..4, or a reason of REASONS


@dataclass(frozen=True)
class SpendRow:
    """One vendor's spending at one place, as the profile takes it: the vendor's key, its tract
    (any spelling ``tract_id`` reads) or ZIP code when known, the dollars paid and the number of
    contracts; ``vintage`` is the census vintage of ``geo_id`` when the spending side knows it.
    A vendor may have several rows (a row per contract, or per place); each vendor counts once in
    all, split over its rows by their dollars."""

    vendor: str
    geo_id: str | None
    zip: str | None
    amount: Decimal
    contracts: int = 0
    vintage: int | None = None


@dataclass(frozen=True)
class Places:
    """What placing spending needs to know: the metric's tracts, the jurisdiction's counties and
    the crosswalk of the metric's vintage (None when there is none of that vintage)."""

    tracts: Mapping[str, int | None]  # tract id -> quartile (None: no score)
    counties: frozenset[str]
    vintage: int
    crosswalk: Mapping[str, list[tuple[str, Decimal]]] | None
    crosswalk_vintages: Sequence[int]


def _readable(reader: Callable[[object], str], value: str | None) -> str | None:
    """The canonical spelling of a place, None when there is none (or none that can be read)."""
    if value is None or not str(value).strip():
        return None
    try:
        return reader(value)
    except ValueError:
        return None


def _tract_bucket(places: Places, geo_id: str) -> Bucket:
    if geo_id in places.tracts:
        quartile = places.tracts[geo_id]
        return quartile if quartile is not None else "unscored"
    return "unscored" if county_of(geo_id) in places.counties else "outside"


def shares_of(row: SpendRow, places: Places) -> list[tuple[Bucket, Decimal]]:
    """Where one row's spending goes: (quartile or reason, share), the shares adding up to 1."""
    geo_id = _readable(tract_id, row.geo_id)
    if geo_id is not None:
        if row.vintage is not None and row.vintage != places.vintage:
            return [("vintage_mismatch", Decimal(1))]
        return [(_tract_bucket(places, geo_id), Decimal(1))]
    zip_text = _readable(zip_code, row.zip)
    if zip_text is None:
        return [("no_place", Decimal(1))]
    if places.crosswalk is None:
        return [("vintage_mismatch" if places.crosswalk_vintages else "no_crosswalk", Decimal(1))]
    parts = places.crosswalk.get(zip_text)
    if not parts:
        return [("zip_not_in_crosswalk", Decimal(1))]
    total = sum((ratio for _, ratio in parts), Decimal(0))
    if total == 0:
        return [("zip_no_residences", Decimal(1))]
    whole = total >= 1 - ROUNDING
    shares: list[tuple[Bucket, Decimal]] = [
        (_tract_bucket(places, geo), ratio / total if whole else ratio) for geo, ratio in parts
    ]
    if not whole:
        shares.append(("zip_partly_covered", 1 - total))
    return shares


def _vendor_weights(spend: Sequence[SpendRow]) -> list[Decimal]:
    """Each row's part of its vendor, so a vendor with several places counts once in all: by its
    dollars, or equally when its dollars do not say (none, or refunds among them)."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(spend):
        rows_of[row.vendor].append(index)
    weights = [Decimal(0)] * len(spend)
    for indexes in rows_of.values():
        amounts = [spend[i].amount for i in indexes]
        total = sum(amounts, Decimal(0))
        by_dollars = total > 0 and all(a >= 0 for a in amounts)
        for i, amount in zip(indexes, amounts, strict=True):
            weights[i] = amount / total if by_dollars else Decimal(1) / len(indexes)
    return weights


def _count(value: Decimal) -> float:
    return float(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def _share(part: Decimal, total: Decimal) -> float | None:
    return round(float(part / total), 4) if total else None


@dataclass
class _Sums:
    dollars: Decimal = Decimal(0)
    contracts: Decimal = Decimal(0)
    vendors: Decimal = Decimal(0)

    def add(self, other: _Sums) -> None:
        self.dollars += other.dollars
        self.contracts += other.contracts
        self.vendors += other.vendors


def build_profile(
    place: str,
    cohort: str,
    metric: KnownMetric,
    metric_set: MetricSet,
    places: Places,
    spend: Sequence[SpendRow] | None,
) -> EquityProfile:
    """The profile from what is stored and the spending given (None: none loaded yet)."""
    sums: dict[Bucket, _Sums] = defaultdict(_Sums)
    warnings: list[str] = []
    if spend is None:
        warnings.append("No spending is loaded yet: the profile shows the tracts only.")
    rows = list(spend or [])
    unsaid = 0
    for row, weight in zip(rows, _vendor_weights(rows), strict=True):
        if row.vintage is None and _readable(tract_id, row.geo_id) is not None:
            unsaid += 1
        for bucket, share in shares_of(row, places):
            sums[bucket].add(_Sums(row.amount * share, row.contracts * share, weight * share))
    total = _Sums(
        sum((r.amount for r in rows), Decimal(0)),
        Decimal(sum(r.contracts for r in rows)),
        Decimal(len({r.vendor for r in rows})),
    )
    loaded = spend is not None

    def measured(part: _Sums) -> dict[str, object]:
        if not loaded:
            return dict.fromkeys(
                ("dollars", "dollar_share", "contracts", "contract_share", "vendors", "vendor_share"), None
            )
        return {
            "dollars": part.dollars.quantize(CENTS, rounding=ROUND_HALF_UP),
            "dollar_share": _share(part.dollars, total.dollars),
            "contracts": _count(part.contracts),
            "contract_share": _share(part.contracts, total.contracts),
            "vendors": _count(part.vendors),
            "vendor_share": _share(part.vendors, total.vendors),
        }

    quartiles = [
        QuartileShare.model_validate(
            {
                "quartile": q,
                "label": metric.quartile_label(q),
                "tracts": sum(1 for quartile in places.tracts.values() if quartile == q),
                **measured(sums.get(q, _Sums())),
            }
        )
        for q in (1, 2, 3, 4)
    ]
    unplaced_sum = _Sums()
    reasons = []
    for reason, label in REASONS.items():
        if reason in sums:
            part = sums[reason]
            unplaced_sum.add(part)
            reasons.append(
                UnplacedReason(
                    reason=reason,
                    label=label,
                    dollars=part.dollars.quantize(CENTS, rounding=ROUND_HALF_UP),
                    contracts=_count(part.contracts),
                    vendors=_count(part.vendors),
                )
            )
    warnings += _vintage_warnings(sums, places, unsaid)
    return EquityProfile(
        jurisdiction=place,
        cohort=cohort,
        metric=metric.id,
        metric_label=metric.label,
        direction=metric.direction,
        vintage=places.vintage,
        year=metric_set.year,
        source=metric_set.source,
        tracts=len(places.tracts),
        unscored_tracts=sum(1 for quartile in places.tracts.values() if quartile is None),
        spend_loaded=loaded,
        quartiles=quartiles,
        unplaced=Unplaced.model_validate({**measured(unplaced_sum), "reasons": reasons}),
        warnings=warnings,
    )


def _vintage_warnings(sums: Mapping[Bucket, _Sums], places: Places, unsaid: int) -> list[str]:
    warnings = []
    if "vintage_mismatch" in sums:
        others = [v for v in places.crosswalk_vintages if v != places.vintage]
        crosswalk = (
            f" The ZIP code crosswalk is of {' and '.join(map(str, others))} tracts: import one of "
            f"{places.vintage} tracts to place vendors known by ZIP code."
            if places.crosswalk is None and others
            else ""
        )
        warnings.append(
            f"Some spending is in tracts of another census vintage than the metric's {places.vintage} tracts; it is "
            f"counted as unplaced, as tracts of different vintages are not joined.{crosswalk}"
        )
    if "no_crosswalk" in sums:
        warnings.append(
            "Vendors known only by ZIP code are unplaced: import a ZIP code crosswalk with "
            f"`accelerator metrics crosswalk import FILE --vintage {places.vintage}`."
        )
    if unsaid:
        warnings.append(
            f"{unsaid} vendor place(s) give a tract without saying its census vintage; they were matched to the "
            f"metric's {places.vintage} tracts."
        )
    return warnings


def metric_set_of(session: Session, jurisdiction_id: int | None, metric: str) -> MetricSet | None:
    query = select(MetricSet).where(MetricSet.jurisdiction_id == jurisdiction_id, MetricSet.metric == key_of(metric))
    return session.exec(query).first()


def described(metric_set: MetricSet) -> KnownMetric:
    """A stored metric as it was imported (its quartiles were counted by its direction then),
    with the reference's words for its quartiles while the reference agrees."""
    direction = Direction(metric_set.direction)
    known = known_metric(metric_set.metric)
    if known is not None and known.direction is direction:
        return known
    return generic(metric_set.metric, direction, metric_set.label)


def equity_profile(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    metric: str = "hpi",
    spend: Sequence[SpendRow] | None = None,
) -> EquityProfile:
    """The equity profile of the team of ``jurisdiction`` in ``cohort`` by ``metric``, with
    ``spend`` placed in its quartiles (None while no spending is loaded: the money columns are
    None). Readers of the jurisdiction's place metrics may see it."""
    _, place, enrolled = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.place_metric, place, f"read the equity profile of {place.name}")
    metric_set = metric_set_of(session, place.id, metric)
    if metric_set is None:
        names = [m.metric for m in session.exec(select(MetricSet).where(MetricSet.jurisdiction_id == place.id))]
        have = f" (imported: {', '.join(sorted(names))})" if names else ""
        raise NotFound(
            f"No {key_of(metric)} is imported for {place.name}{have}. Import it with "
            f'`accelerator metrics import --jurisdiction "{place.name}" FILE --vintage 2010` (or 2020).'
        )
    tracts = {
        p.geo_id: p.quartile for p in session.exec(select(PlaceMetric).where(PlaceMetric.set_id == metric_set.id))
    }
    by_zip = [r.zip for r in spend or [] if _readable(tract_id, r.geo_id) is None]
    zips = {z for z in (_readable(zip_code, text) for text in by_zip) if z}
    vintages = crosswalk_vintages(session)
    places = Places(
        tracts=tracts,
        counties=frozenset(county_codes_of(session, place)),
        vintage=metric_set.vintage,
        crosswalk=crosswalk_of(session, metric_set.vintage, zips) if metric_set.vintage in vintages else None,
        crosswalk_vintages=vintages,
    )
    return build_profile(place.name, enrolled.name, described(metric_set), metric_set, places, spend)


def profile_with_spending(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, metric: str = "hpi", period: str | None = None
) -> EquityProfile:
    """The equity profile with the jurisdiction's imported spending (session 6) placed in it: every
    contract's dollars at the tract or ZIP code it names, for ``period`` (every contract when None)."""
    from assessment.spending.service import spend_by_vendor_place

    rows = spend_by_vendor_place(session, actor, jurisdiction, period)
    spend = [
        SpendRow(vendor=r.vendor_key, geo_id=r.tract, zip=r.zip, amount=r.dollars, contracts=r.contracts) for r in rows
    ]
    return equity_profile(session, actor, jurisdiction, cohort, metric, spend or None)
