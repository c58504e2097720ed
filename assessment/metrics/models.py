"""Tables of the health equity metrics (session 5), the counties a jurisdiction covers, the ZIP
code to tract crosswalk, and their read models (an import's plan, the equity profile)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import Labelled, Timestamp, utcnow

# Percentiles are kept on the 0-100 scale whatever the file spelled; values as published.
PERCENTILE = Numeric(9, 6)
METRIC_VALUE = Numeric(20, 6)
RATIO = Numeric(11, 10)

VINTAGES = (2010, 2020)


class Direction(Labelled):
    """Which end of a metric's percentiles is the advantaged one."""

    higher_is_better = "higher_is_better"  # e.g. the Healthy Places Index: higher = healthier
    higher_is_worse = "higher_is_worse"  # e.g. CalEnviroScreen: higher = more burden


class JurisdictionCounty(SQLModel, table=True):
    """A county a jurisdiction covers, by its 5-digit FIPS code (state and county)."""

    __tablename__ = "jurisdiction_county"

    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", primary_key=True)
    county_fips: str = Field(primary_key=True, max_length=5)
    added_by: str
    added_at: datetime = Field(default_factory=utcnow)


class MetricSet(SQLModel, table=True):
    """One metric imported for a jurisdiction's tracts: what it is, which way is better, which tracts."""

    __tablename__ = "metric_set"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "metric"),
        CheckConstraint("vintage IN (2010, 2020)", name="ck_metric_set_vintage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    metric: str
    label: str
    direction: str
    vintage: int
    year: int | None = None
    source: str = ""
    file: str = ""
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str


class PlaceMetric(SQLModel, table=True):
    """A tract's value of one imported metric; ``quartile`` counts from the least advantaged (1)
    whichever way the metric runs, and is None with the percentile when the tract has no score."""

    __tablename__ = "place_metric"
    __table_args__ = (CheckConstraint("quartile BETWEEN 1 AND 4", name="ck_place_metric_quartile"),)

    set_id: int = Field(foreign_key="metric_set.id", primary_key=True)
    geo_id: str = Field(primary_key=True, max_length=11)
    value: Decimal | None = Field(default=None, sa_column=Column(METRIC_VALUE, nullable=True))
    percentile: Decimal | None = Field(default=None, sa_column=Column(PERCENTILE, nullable=True))
    quartile: int | None = None


class ZipTract(SQLModel, table=True):
    """The share of a ZIP code's residential addresses in one census tract (of one vintage)."""

    __tablename__ = "zip_tract"
    __table_args__ = (
        CheckConstraint("vintage IN (2010, 2020)", name="ck_zip_tract_vintage"),
        CheckConstraint("res_ratio >= 0 AND res_ratio <= 1", name="ck_zip_tract_ratio"),
    )

    vintage: int = Field(primary_key=True)
    zip: str = Field(primary_key=True, max_length=5)
    geo_id: str = Field(primary_key=True, max_length=11)
    res_ratio: Decimal = Field(sa_column=Column(RATIO, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str


# --- read models ---------------------------------------------------------------------------------


class Counties(BaseModel):
    """The counties a jurisdiction covers, and whether a change changed them."""

    jurisdiction: str
    county_fips: list[str]
    previous: list[str]
    changed: bool


class MetricSetPublic(BaseModel):
    """An imported metric as people read it."""

    jurisdiction: str
    metric: str
    label: str
    direction: Direction
    vintage: int
    year: int | None
    source: str
    file: str
    tracts: int
    unscored: int
    quartiles: list[int]  # tracts in quartiles 1..4, from the least advantaged
    imported_at: Timestamp
    imported_by: str


class PlannedSet(BaseModel):
    """What an import does to one metric of the jurisdiction."""

    metric: str
    label: str
    direction: Direction
    vintage: int
    year: int | None
    source: str
    percentile_column: str
    percentile_scale: Literal["0-1", "0-100"]
    tracts: int
    unscored: int
    quartiles: list[int]
    added: int
    changed: int
    removed: int
    unchanged: int
    settings: list[str]  # described changes of the metric's vintage, year, source, ...

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.settings)


class MetricImport(BaseModel):
    """An import's plan (a dry run) or what it did."""

    jurisdiction: str
    file: str
    layout: Literal["wide", "long"]
    dry_run: bool
    metrics: list[PlannedSet]
    outside_skipped: int
    warnings: list[str]

    @property
    def changes_anything(self) -> bool:
        return any(m.changes_anything for m in self.metrics)


class CrosswalkImport(BaseModel):
    """A ZIP code to tract crosswalk import's plan or what it did."""

    file: str
    vintage: int
    dry_run: bool
    zips: int
    rows: int
    added: int
    changed: int
    removed: int
    unchanged: int


class QuartileShare(BaseModel):
    """One quartile of the jurisdiction's tracts and the contract spending placed in it. Dollars,
    contracts and vendors are None until spending is loaded; a vendor whose ZIP code spans tracts
    is apportioned by the crosswalk's ratio, so contracts and vendors may be fractions."""

    quartile: int
    label: str
    tracts: int
    dollars: Decimal | None
    dollar_share: float | None
    contracts: float | None
    contract_share: float | None
    vendors: float | None
    vendor_share: float | None


class UnplacedReason(BaseModel):
    reason: str
    label: str
    dollars: Decimal
    contracts: float
    vendors: float


class Unplaced(BaseModel):
    """Spending not placed in any quartile, by reason; nothing here is guessed into a quartile."""

    dollars: Decimal | None
    dollar_share: float | None
    contracts: float | None
    contract_share: float | None
    vendors: float | None
    vendor_share: float | None
    reasons: list[UnplacedReason]


class EquityProfile(BaseModel):
    """The jurisdiction's tracts by quartile of a metric, joined to where contract dollars go."""

    jurisdiction: str
    cohort: str
    metric: str
    metric_label: str
    direction: Direction
    vintage: int
    year: int | None
    source: str
    tracts: int
    unscored_tracts: int
    spend_loaded: bool
    quartiles: list[QuartileShare]
    unplaced: Unplaced
    warnings: list[str]
