"""Reading what is imported: a jurisdiction's metrics with their tracts by quartile, and whether
session 5's deliverable (place metrics for the jurisdiction's tracts) is in place."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from assessment.cohorts.jurisdictions import county_codes_of, get_jurisdiction
from assessment.cohorts.models import Jurisdiction
from assessment.core.permissions import Actor, Record, require
from assessment.metrics.models import Direction, MetricSet, MetricSetPublic, PlaceMetric


def _quartiles(session: Session, metric_set: MetricSet) -> dict[int | None, int]:
    query = (
        select(PlaceMetric.quartile, func.count())
        .where(PlaceMetric.set_id == metric_set.id)
        .group_by(col(PlaceMetric.quartile))
    )
    return {quartile: int(count) for quartile, count in session.exec(query)}


def public(session: Session, place: Jurisdiction, metric_set: MetricSet) -> MetricSetPublic:
    counts = _quartiles(session, metric_set)
    return MetricSetPublic(
        jurisdiction=place.name,
        metric=metric_set.metric,
        label=metric_set.label,
        direction=Direction(metric_set.direction),
        vintage=metric_set.vintage,
        year=metric_set.year,
        source=metric_set.source,
        file=metric_set.file,
        tracts=sum(counts.values()),
        unscored=counts.get(None, 0),
        quartiles=[counts.get(q, 0) for q in (1, 2, 3, 4)],
        imported_at=metric_set.imported_at,
        imported_by=metric_set.imported_by,
    )


def list_metrics(session: Session, actor: Actor, jurisdiction: str) -> list[MetricSetPublic]:
    """The metrics imported for a jurisdiction, by id."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.place_metric, place, f"read the place metrics of {place.name}")
    query = select(MetricSet).where(MetricSet.jurisdiction_id == place.id).order_by(col(MetricSet.metric))
    return [public(session, place, s) for s in session.exec(query)]


def metrics_imported(session: Session, place: Jurisdiction) -> tuple[bool, str, str]:
    """Whether a place metric is imported for the jurisdiction's tracts: holds, what shows it (or
    what is missing), and what to do. Read by the session sequence (its reader may read the team)."""
    sets = list(session.exec(select(MetricSet).where(MetricSet.jurisdiction_id == place.id)))
    scored = [(s, _quartiles(session, s)) for s in sets]
    scored = [(s, counts) for s, counts in scored if sum(n for q, n in counts.items() if q is not None)]
    if scored:
        best, counts = max(scored, key=lambda item: (item[0].metric == "hpi", sum(item[1].values())))
        tracts = sum(n for q, n in counts.items() if q is not None)
        others = f" and {len(scored) - 1} other metric(s)" if len(scored) > 1 else ""
        return True, f"{best.label} imported for {tracts} tract(s) ({best.vintage} tracts){others}", ""
    if not county_codes_of(session, place):
        return (
            False,
            f"{place.name} records no county, so its tracts are not known",
            f'record it with `accelerator jurisdiction update "{place.name}" --county-fips CODE`, then import the '
            "Healthy Places Index with `accelerator metrics import`",
        )
    return (
        False,
        "no place metric (such as the Healthy Places Index) is imported for the jurisdiction's tracts",
        f'import it with `accelerator metrics import --jurisdiction "{place.name}" FILE --vintage 2010` (or 2020)',
    )
