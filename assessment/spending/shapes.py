"""Input shapes of the spending import: one spreadsheet row (validated by pydantic, cell by cell)
and the contracts and payments every source (spreadsheet, CSV, OCDS) is read into.

Cells arrive as people and spreadsheet programs write them: amounts as numbers or text
("$1,250.00"), days as dates or text (2025-03-01, 3/1/2025), yes/no in any case, ZIP codes and
census tracts that lost their leading zero to a number format."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assessment.core.errors import ProblemLog
from assessment.core.fields import utcnow
from assessment.core.shapes import Name

YES = frozenset({"yes", "y", "true", "1", "x", "sí", "si"})
NO = frozenset({"no", "n", "false", "0"})
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
US_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ZIP = re.compile(r"^(\d{5})(-\d{4})?$")
CENSUS_PREFIX = "1400000US"  # how data.census.gov writes a tract's GEO_ID


def yes_no(value: object) -> bool | None:
    """yes/no in any case (y, true, 1, x; n, false, 0); blank is not known (None)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"'{value}' is not yes or no; write yes or no, or leave it blank when it is not known")


def amount(value: object) -> Decimal | None:
    """An amount as typed: a number, or text with an optional $ and thousands commas."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount; write digits such as 1250.50")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"'{value}' is not an amount; write digits such as 1250.50")
        return Decimal(repr(value))  # the shortest text that reads back as the typed number
    text = str(value).strip().removeprefix("$").strip()
    if not text:
        return None
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not an amount; write digits such as 1250.50 (no letters)") from None
    if not number.is_finite():
        raise ValueError(f"'{value}' is not an amount; write digits such as 1250.50")
    return number


def day(value: object) -> date | None:
    """A day: a date cell, or text as YYYY-MM-DD (a time after it is ignored) or M/D/YYYY."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"{value} is a number, not a date; format the cell as a date or write YYYY-MM-DD")
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else _us_day(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2025-03-01") from None


def _us_day(text: str) -> date:
    match = US_DAY.match(text)
    if not match:
        raise ValueError(text)
    month, number, year = (int(part) for part in match.groups())
    return date(year, month, number)


def past_day(value: object) -> date | None:
    found = day(value)
    if found is not None and found > utcnow().date():
        raise ValueError(f"{found.isoformat()} is in the future; a payment is imported once it is made")
    return found


def zip_code(value: object) -> str | None:
    """A US ZIP code as its 5 digits (ZIP+4 keeps the first 5; a number lost its leading zeros)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 99999:
        return f"{value:05d}"
    text = str(value).strip()
    if not text:
        return None
    match = ZIP.match(text)
    if not match:
        raise ValueError(f"'{value}' is not a US ZIP code; write its 5 digits, e.g. 92101 (or ZIP+4)")
    return match.group(1)


def tract(value: object) -> str | None:
    """A census tract's 11-digit GEOID: state (2), county (3), tract (6). A number lost its leading
    zero (California's GEOIDs start with 06); data.census.gov's 1400000US prefix is dropped."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().removeprefix(CENSUS_PREFIX)
    if not text:
        return None
    if text.isdigit() and len(text) == 10:
        text = "0" + text
    if not (text.isdigit() and len(text) == 11):
        raise ValueError(
            f"'{value}' is not a census tract GEOID; write its 11 digits: state (2), county (3) and tract (6), "
            "e.g. 06073008305"
        )
    return text


def currency(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    if not text:
        return None
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(f"'{value}' is not a currency code; write its three letters, e.g. USD")
    return text


def text_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text or None


YesNo = Annotated[bool | None, BeforeValidator(yes_no)]
Money = Annotated[Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)] | None, BeforeValidator(amount)]
Payment = Annotated[Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)] | None, BeforeValidator(amount)]
Day = Annotated[date | None, BeforeValidator(day)]
PaidDay = Annotated[date | None, BeforeValidator(past_day)]
Zip = Annotated[str | None, BeforeValidator(zip_code)]
Tract = Annotated[str | None, BeforeValidator(tract)]
Currency = Annotated[str | None, BeforeValidator(currency)]
Key = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(text_or_none)]


class SpendRow(BaseModel):
    """One row of the spending spreadsheet: a contract, with one of its payments when it has one.
    Rows with the same Contract ID are one contract."""

    model_config = ConfigDict(extra="forbid")

    contract_id: Key = None
    vendor: Annotated[Name, BeforeValidator(lambda v: "" if v is None else str(v)), Field(max_length=300)]
    vendor_id: Key = None
    contract_amount: Money = None
    currency: Currency = None
    solicited_on: Day = None
    awarded_on: Annotated[date, BeforeValidator(day)]
    payment_id: Key = None
    payment_amount: Payment = None
    invoiced_on: Day = None
    paid_on: PaidDay = None
    advance_payment: YesNo = None
    cbo: YesNo = None
    small: YesNo = None
    local: YesNo = None
    bipoc_led: YesNo = None
    first_time: YesNo = None
    address: Annotated[str, BeforeValidator(lambda v: text_or_none(v) or "")] = ""
    zip: Zip = None
    tract: Tract = None

    def problems(self) -> list[tuple[str, str, str]]:
        """What the cells say together that no cell says alone: (field, message, fix)."""
        found = []
        if (self.payment_amount is None) != (self.paid_on is None):
            missing = "paid_on" if self.paid_on is None else "payment_amount"
            found.append((missing, "is empty; a payment needs both its amount and the day it was paid", ""))
        if self.invoiced_on is not None and self.paid_on is None:
            found.append(
                ("invoiced_on", "is given but the row has no payment", "Give Paid on and Payment amount, or clear it.")
            )
        if self.invoiced_on and self.paid_on and self.paid_on < self.invoiced_on:
            found.append(
                (
                    "paid_on",
                    f"{self.paid_on.isoformat()} is before the invoice ({self.invoiced_on.isoformat()})",
                    "For an advance payment leave Invoiced on blank and write yes under Advance payment.",
                )
            )
        if self.contract_amount is None and self.payment_amount is None:
            found.append(("contract_amount", "is empty and the row has no payment", "Give one or the other."))
        if self.solicited_on and self.solicited_on > self.awarded_on:
            found.append(("solicited_on", f"{self.solicited_on.isoformat()} is after the award", ""))
        return found


def vendor_key(name: str, vendor_id: str | None) -> str:
    """A vendor's key: its id in the source when given, else its name in any case and spacing."""
    return f"id:{vendor_id}" if vendor_id else "name:" + " ".join(name.split()).casefold()


def made_key(*parts: object) -> str:
    """A stable key made from a record's values, for rows that carry no id of their own."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]


@dataclass(slots=True)
class PaymentIn:
    """One payment as read from a source; ``where`` locates it in the file."""

    key: str
    amount: Decimal
    paid_on: date
    invoiced_on: date | None
    where: str


# The contract's fields that are stored in its row (and compared on a re-import).
CONTRACT_FIELDS = (
    "source",
    "title",
    "currency",
    "amount",
    "awarded_on",
    "solicited_on",
    "advance_payment",
    "cbo",
    "small",
    "local",
    "bipoc_led",
    "first_time",
    "scale",
    "address",
    "zip",
    "tract",
)


@dataclass(slots=True)
class ContractIn:
    """One contract as read from a source, with its vendor and payments; ``where`` locates it."""

    key: str
    source: str
    vendor_key: str
    vendor_name: str
    currency: str | None
    amount: Decimal | None
    awarded_on: date
    where: str
    title: str = ""
    solicited_on: date | None = None
    advance_payment: bool | None = None
    cbo: bool | None = None
    small: bool | None = None
    local: bool | None = None
    bipoc_led: bool | None = None
    first_time: bool | None = None
    scale: str | None = None
    address: str = ""
    zip: str | None = None
    tract: str | None = None
    payments: list[PaymentIn] = field(default_factory=list)

    def values(self) -> tuple[object, ...]:
        """The stored fields, in ``CONTRACT_FIELDS`` order."""
        return tuple(getattr(self, name) for name in CONTRACT_FIELDS)


@dataclass
class SourceRead:
    """What a file holds: its valid contracts by key, and the problems of what is not valid (each
    skips one ``unit``: a spreadsheet row or an OCDS contracting process)."""

    kind: str  # xlsx, csv, release package, record package
    unit: str
    contracts: dict[str, ContractIn] = field(default_factory=dict)
    problems: ProblemLog = field(default_factory=ProblemLog)
    skipped: int = 0
    units: int = 0
    payments: int = 0
    currency: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
