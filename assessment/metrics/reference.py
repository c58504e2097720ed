"""The place metrics the importer knows, from ``rubrics/place-metrics.yaml``: each metric's
direction and how published files name its columns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from assessment.core.shapes import key_of
from assessment.core.sources import cached_file, data_path
from assessment.metrics.models import Direction

PLACE_METRICS = "place-metrics.yaml"
METRIC_ID = r"^[a-z][a-z0-9_]*$"


def _keys(names: list[str]) -> list[str]:
    return [key_of(name) for name in names]


ColumnNames = Annotated[list[str], AfterValidator(_keys)]


class KnownMetric(BaseModel):
    """A metric with its direction and the column names published files give it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=METRIC_ID)
    label: str = Field(min_length=1)
    direction: Direction
    source: str = ""
    least: str = ""  # how quartile 1 reads, e.g. "least healthy community conditions"
    most: str = ""  # how quartile 4 reads
    percentile_columns: Annotated[ColumnNames, Field(min_length=1)]
    value_columns: ColumnNames = []
    quartile_columns: ColumnNames = []

    def quartile_label(self, quartile: int) -> str:
        if quartile == 1:
            return self.least or "least advantaged"
        if quartile == 4:
            return self.most or "most advantaged"
        return ""


def _unique(metrics: list[KnownMetric]) -> list[KnownMetric]:
    ids = [m.id for m in metrics]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"metric id {', '.join(twice)} is used twice; every id must be unique")
    return metrics


class PlaceMetrics(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tract_columns: Annotated[ColumnNames, BeforeValidator(list), Field(min_length=1)]
    metrics: Annotated[list[KnownMetric], Field(min_length=1), AfterValidator(_unique)]


def place_metrics(path: Path | None = None) -> PlaceMetrics:
    return cached_file(PlaceMetrics, path or data_path(PLACE_METRICS))


def known_metric(metric: str) -> KnownMetric | None:
    wanted = key_of(metric)
    return next((m for m in place_metrics().metrics if m.id == wanted), None)


def generic(metric: str, direction: Direction, label: str = "") -> KnownMetric:
    """A metric the reference does not list, as a long table names it."""
    return KnownMetric(
        id=metric, label=label or metric, direction=direction, percentile_columns=["percentile"], value_columns=[]
    )
