"""Metric files written as publishers and people write them, and the counties the tests' places cover."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import col, func, select

from assessment.cohorts.jurisdictions import set_counties
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.history import History
from assessment.metrics.models import JurisdictionCounty, MetricSet, PlaceMetric, ZipTract
from tests.conftest import Cast

ALDER_FIPS = "06037"
BIRCH_FIPS = "06059"

# Alder's tracts in the Healthy Places Index's published columns: hpi_pctile as a 0-1 fraction.
HPI_HEADER = ["GEO_ID", "county", "pop", "hpi", "hpi_pctile", "hpi_quartile", "economic", "economic_pctile"]
HPI_ROWS: list[list[object]] = [
    ["06037101110", "Los Angeles", 4200, "-1.20", "0.10", 1, "-0.9", "0.20"],
    ["06037101120", "Los Angeles", 3900, "-0.40", "0.25", 1, "-0.2", "0.40"],
    ["06037101210", "Los Angeles", 5100, "0.05", "0.45", 2, "0.1", "0.55"],
    ["06037101220", "Los Angeles", 4700, "0.30", "0.60", 3, "0.4", "0.70"],
    ["06037101300", "Los Angeles", 3300, "0.90", "0.80", 4, "0.8", "0.90"],
    ["06037101400", "Los Angeles", 2800, "1.40", "0.95", 4, "1.1", "0.99"],
]
# the quartile each tract falls in (1 = least healthy), as a person counts them from the percentiles
HPI_QUARTILES = {
    "06037101110": 1,
    "06037101120": 1,
    "06037101210": 2,
    "06037101220": 3,
    "06037101300": 4,
    "06037101400": 4,
}


def write_csv(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]], title: str = "HPI 3") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def hpi_csv(folder: Path, name: str = "hpi.csv", rows: Sequence[Sequence[object]] | None = None) -> Path:
    return write_csv(folder / name, HPI_HEADER, HPI_ROWS if rows is None else rows)


def on_hundred(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """The same rows with the percentiles on a 0-100 scale."""
    return [[*r[:4], float(str(r[4])) * 100, r[5], r[6], float(str(r[7])) * 100] for r in rows]


def record_counties(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        set_counties(session, admin, cast.alder, [ALDER_FIPS])
        set_counties(session, admin, cast.birch, [BIRCH_FIPS])


def stored_tracts(place_metric: str = "hpi") -> dict[str, tuple[object, object, object]]:
    """Every stored tract of ``place_metric``: id -> (value, percentile, quartile), as plain text."""
    with transaction() as session:
        query = (
            select(PlaceMetric)
            .join(MetricSet, col(MetricSet.id) == col(PlaceMetric.set_id))
            .where(MetricSet.metric == place_metric)
        )
        return {
            p.geo_id: (
                None if p.value is None else format(p.value.normalize(), "f"),
                None if p.percentile is None else format(p.percentile.normalize(), "f"),
                p.quartile,
            )
            for p in session.exec(query)
        }


def counts() -> dict[str, int]:
    """How many rows each table this feature writes holds (and the history), to see that nothing was written."""
    with transaction() as session:
        return {
            table.__name__: int(session.exec(select(func.count()).select_from(table)).one())
            for table in (MetricSet, PlaceMetric, ZipTract, JurisdictionCounty, History)
        }
