"""Spending files made for the tests (spreadsheets, CSV, OCDS packages) and imports through the
services, as a user's command would run them."""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlmodel import col, func, select

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.history import History
from assessment.spending.imports import import_spending
from assessment.spending.models import ImportResult, SpendContract, SpendPayment, SpendVendor
from assessment.spending.sheet import COLUMNS, SHEET

HEADERS = {c.field: c.header for c in COLUMNS}
SAMPLE = Path("/work/shared/data/ocds/fictional-example-1.1-implementation.json")


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None) -> Path:
    """A spreadsheet with the template's headers (or ``headers``) and one row per dict (field → cell)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    fields = list(headers or [c.field for c in COLUMNS])
    sheet.append([HEADERS.get(f, f) for f in fields])
    for row in rows:
        sheet.append([row.get(f) for f in fields])
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    fields = [c.field for c in COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([HEADERS[f] for f in fields])
        for row in rows:
            writer.writerow(["" if row.get(f) is None else row.get(f) for f in fields])
    return path


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def release_package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": "https://example.org/p",
        "version": "1.1",
        "publishedDate": "2025-06-01T00:00:00Z",
        "releases": list(releases),
    }


def record_package(*records: dict[str, Any]) -> dict[str, Any]:
    return {"uri": "https://example.org/r", "version": "1.1", "records": list(records)}


def party(ident: str, name: str, roles: list[str], scale: str | None = None, postal: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"id": ident, "name": name, "roles": roles, "identifier": {"scheme": "US-EIN", "id": ident}}
    if scale:
        found["details"] = {"scale": scale}
    if postal:
        found["address"] = {"streetAddress": "1 Main St", "locality": "Alder", "postalCode": postal}
    return found


def process(ocid: str = "ocds-abc-001") -> list[dict[str, Any]]:
    """Six releases of one contracting process: planning, tender, award, contract, then two
    implementation releases, the second repeating the first payment beside a new one."""
    buyer = party("B1", "Alder County Public Health", ["buyer", "procuringEntity"])
    supplier = party("S1", "Clínica Comunitaria", ["supplier", "payee"], scale="micro", postal="92101-1234")
    base = {"ocid": ocid, "initiationType": "tender", "buyer": {"id": "B1", "name": buyer["name"]}}
    tender = {"id": "T1", "title": "Community health workers", "tenderPeriod": {"startDate": "2025-01-15T00:00:00Z"}}
    award = {
        "id": "A1",
        "status": "active",
        "date": "2025-03-01T00:00:00Z",
        "value": {"amount": 120000, "currency": "USD"},
        "suppliers": [{"id": "S1", "name": supplier["name"]}],
    }
    contract = {
        "id": "C1",
        "awardID": "A1",
        "status": "active",
        "dateSigned": "2025-03-10T00:00:00Z",
        "period": {"startDate": "2025-04-01T00:00:00Z"},
        "value": {"amount": 120000, "currency": "USD"},
    }
    first = {
        "id": "TX1",
        "date": "2025-03-20T00:00:00Z",
        "value": {"amount": 30000, "currency": "USD"},
        "payer": {"id": "B1"},
        "payee": {"id": "S1"},
    }
    second = {
        "id": "TX2",
        "date": "2025-06-30T00:00:00Z",
        "value": {"amount": 45000.5, "currency": "USD"},
        "payer": {"id": "B1"},
        "payee": {"id": "S1"},
    }

    def release(n: int, day: str, tag: str, **parts: Any) -> dict[str, Any]:
        made = {**base, "id": f"{ocid}-{n}", "date": f"2025-{day}T00:00:00Z", "tag": [tag], **parts}
        return copy.deepcopy(made)

    with_first = {**contract, "implementation": {"transactions": [first]}}
    with_both = {**contract, "implementation": {"transactions": [first, second]}}
    return [
        release(1, "01-02", "planning", parties=[buyer], tender={"id": "T1", "status": "planned"}),
        release(2, "01-15", "tender", parties=[buyer], tender=tender),
        release(3, "03-01", "award", parties=[buyer, supplier], awards=[award]),
        release(4, "03-10", "contract", parties=[buyer, supplier], contracts=[contract]),
        release(5, "03-21", "implementation", contracts=[copy.deepcopy(with_first)]),
        release(6, "07-01", "implementation", contracts=[copy.deepcopy(with_both)]),
    ]


def row(**cells: Any) -> dict[str, Any]:
    """A spreadsheet row: a contract paid once, unless cells say otherwise."""
    from datetime import date

    base: dict[str, Any] = {
        "contract_id": "PO-1",
        "vendor": "Healthy Roots Collective",
        "contract_amount": 10000,
        "currency": "USD",
        "awarded_on": date(2025, 2, 1),
        "payment_amount": 2500,
        "invoiced_on": date(2025, 3, 1),
        "paid_on": date(2025, 3, 31),
        "cbo": "yes",
        "small": "yes",
        "local": "no",
        "zip": "92101",
    }
    base.update(cells)
    return base


def imported(who: str, place: str, path: Path, *, dry_run: bool = False, skip_invalid: bool = False) -> ImportResult:
    with transaction() as session:
        return import_spending(
            session, resolve_actor(session, who), place, path, dry_run=dry_run, skip_invalid=skip_invalid
        )


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int]:
    """Every contract (key, amount, awarded), payment (contract key, key, amount), vendor and history row count."""
    with transaction() as session:
        query = select(SpendContract).order_by(col(SpendContract.key))
        contracts = [(c.key, c.amount, c.awarded_on) for c in session.exec(query)]
        payments = [
            (k, p.key, p.amount)
            for p, k in session.exec(
                select(SpendPayment, SpendContract.key)
                .join(SpendContract, col(SpendContract.id) == col(SpendPayment.contract_id))
                .order_by(col(SpendContract.key), col(SpendPayment.key))
            )
        ]
        vendors = session.exec(select(func.count()).select_from(SpendVendor)).one()
        entries = session.exec(select(func.count()).select_from(History)).one()
        return contracts, payments, vendors, entries
