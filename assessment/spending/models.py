"""Tables of the impact-spending baseline (session 6): vendors, contracts and their payments as
imported, each import, and the team's recorded baseline; and the read models its doors print.

A contract keeps its vendor's attributes and place as its source recorded them for that contract
(a vendor may be certified small one year and not the next); ``SpendVendor`` is the vendor's
identity only. Money is ``Decimal`` in the contract's currency, which is one per jurisdiction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assessment.core.fields import VALUE, Timestamp, utcnow


class SourceKind(StrEnum):
    """Where imported spending came from."""

    spreadsheet = "spreadsheet"  # an .xlsx workbook or a .csv file of contract and payment rows
    ocds = "ocds"  # Open Contracting Data Standard JSON (a release or record package)


class VendorGroup(StrEnum):
    """The vendor groups whose shares of dollars and contracts the baseline measures."""

    cbo = "cbo"
    small = "small"
    local = "local"
    bipoc_led = "bipoc_led"
    first_time = "first_time"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    VendorGroup.cbo: "community-based organizations",
    VendorGroup.small: "small businesses",
    VendorGroup.local: "local businesses",
    VendorGroup.bipoc_led: "BIPOC-led organizations",
    VendorGroup.first_time: "first-time contractors",
}


class SpendVendor(SQLModel, table=True):
    """A vendor of one jurisdiction, by a stable key (its id in the source, else its name)."""

    __tablename__ = "spend_vendor"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    key: str
    name: str
    created_at: datetime = Field(default_factory=utcnow)


class SpendContract(SQLModel, table=True):
    """A contract (or an award not yet contracted) with the vendor's attributes and place as its
    source recorded them; ``amount`` None means its value is the sum of its payments."""

    __tablename__ = "spend_contract"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "key"),
        CheckConstraint("amount >= 0", name="ck_spend_contract_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    vendor_id: int = Field(foreign_key="spend_vendor.id", index=True)
    key: str  # the ocid and contract id, the spreadsheet's Contract ID, or a key made from the row
    source: str  # a SourceKind
    title: str = ""
    currency: str
    amount: Decimal | None = Field(default=None, sa_column=Column(VALUE, nullable=True))
    awarded_on: date = Field(index=True)
    solicited_on: date | None = None
    advance_payment: bool | None = None
    cbo: bool | None = None
    small: bool | None = None
    local: bool | None = None
    bipoc_led: bool | None = None
    first_time: bool | None = None
    scale: str | None = None  # OCDS details.scale: micro, sme, small, medium, large, selfEmployed
    address: str = Field(default="", sa_column=Column(Text, nullable=False))
    zip: str | None = None
    tract: str | None = None  # census tract GEOID (11 digits)
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str


class SpendPayment(SQLModel, table=True):
    """One payment on a contract, by a stable key (its id in the source, else one made from it)."""

    __tablename__ = "spend_payment"
    __table_args__ = (
        UniqueConstraint("contract_id", "key"),
        CheckConstraint("amount > 0", name="ck_spend_payment_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="spend_contract.id", index=True)
    key: str
    amount: Decimal = Field(sa_column=Column(VALUE, nullable=False))
    invoiced_on: date | None = None
    paid_on: date = Field(index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str


class SpendImport(SQLModel, table=True):
    """One import that changed something: which file, what it added and changed, who ran it."""

    __tablename__ = "spend_import"

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    file: str
    kind: str  # xlsx, csv, release package, record package
    sha256: str
    contracts_added: int
    contracts_changed: int
    payments_added: int
    payments_changed: int
    skipped: int
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str


class SpendBaseline(SQLModel, table=True):
    """A team's impact-spending baseline: the figures of its periods as computed when recorded."""

    __tablename__ = "spend_baseline"
    __table_args__ = (CheckConstraint("version >= 1", name="ck_spend_baseline_version"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", unique=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    periods: str  # as asked: "2025", "2023-2025", "2024-07-01..2025-06-30" or "" for every year
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: str


# --- read models -----------------------------------------------------------------------------

PERCENTILE_METHOD = (
    "nearest rank: the 90th percentile is the smallest number of days that at least 90% of the "
    "timed payments took (the value at rank ceil(0.9 × n) of the sorted days); the median is the "
    "middle value, or the mean of the two middle values"
)


class ImportResult(BaseModel):
    """What an import did (or, on a dry run, would do)."""

    file: str
    kind: str
    jurisdiction: str
    dry_run: bool
    currency: str | None
    contracts: int  # in the file, valid
    payments: int
    contracts_added: int
    contracts_changed: int
    contracts_unchanged: int
    payments_added: int
    payments_changed: int
    payments_unchanged: int
    vendors_added: int
    vendors_renamed: int
    skipped: list[str]  # the problems of what --skip-invalid left out (up to a bound)
    skipped_more: int
    skipped_count: int  # rows or processes left out
    ignored_columns: list[str]
    notes: list[str]

    @property
    def changes_anything(self) -> bool:
        changed = (self.contracts_added, self.contracts_changed, self.payments_added, self.payments_changed)
        return any(changed) or bool(self.vendors_renamed)


class GroupShare(BaseModel):
    """One vendor group's share of a period's contracts and dollars; ``unknown`` counts the
    contracts whose data does not say whether the vendor is in the group."""

    group: VendorGroup
    label: str
    dollars: Decimal
    dollar_share: Decimal | None  # 0.1234 is 12.34%; None when the period has no dollars
    contracts: int
    contract_share: Decimal | None
    unknown: int


class PeriodFigures(BaseModel):
    """The impact-spending figures of one period. Contracts fall in the period they were awarded
    in, payments in the period they were paid in."""

    period: str
    start: date
    end: date
    contracts: int
    dollars: Decimal
    groups: list[GroupShare]
    community_partners: int  # distinct community-based vendors with a contract in the period
    new_community_partners: int  # of those, the ones with no contract before the period
    payments: int
    timed_payments: int  # payments with an invoice date, which days to payment need
    median_days_to_payment: Decimal | None
    p90_days_to_payment: int | None
    advance_known: int  # contracts whose data says whether they had an advance payment
    with_advance: int
    advance_share: Decimal | None
    median_contract: Decimal | None
    notes: list[str]

    def group(self, group: VendorGroup) -> GroupShare:
        return next(g for g in self.groups if g.group == group)


class SpendFigures(BaseModel):
    """A jurisdiction's impact-spending figures, period by period."""

    jurisdiction: str
    currency: str | None
    periods: list[PeriodFigures]
    percentile_method: str = PERCENTILE_METHOD


class FigureChange(BaseModel):
    """One figure now and in the baseline's last period; ``change`` is now minus baseline
    (percentage points for shares)."""

    figure: str
    label: str
    baseline: Decimal | None
    now: Decimal | None
    change: Decimal | None


class PeriodChange(BaseModel):
    period: str
    against: str  # the baseline period compared with
    figures: list[FigureChange]


class BaselinePublic(BaseModel):
    """A team's recorded baseline."""

    jurisdiction: str
    cohort: str
    periods: str
    version: int
    recorded_at: Timestamp
    recorded_by: str
    figures: SpendFigures


class SpendView(BaseModel):
    """The figures now, and, when the team has a baseline, each period's change against it."""

    jurisdiction: str
    cohort: str | None
    figures: SpendFigures
    baseline: BaselinePublic | None
    changes: list[PeriodChange]
    recorded: bool  # this call recorded the baseline
    notes: list[str]


class VendorSpend(BaseModel):
    """A vendor's contracts and dollars in a period, by the place its contracts name: the census
    tract (GEOID) when given, else the ZIP code, else none."""

    vendor: str
    vendor_key: str
    tract: str | None
    zip: str | None
    dollars: Decimal
    contracts: int
    currency: str

    @property
    def place(self) -> str | None:
        return self.tract or self.zip
