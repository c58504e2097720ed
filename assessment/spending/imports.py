"""The spending import: a file (spreadsheet, CSV or OCDS) read into contracts and payments, then
compared with what the jurisdiction already holds and written, all of it or nothing.

Contracts are keyed by their source's id (the ocid and contract id, the Contract ID column, or a
key made from the row), payments by theirs, so importing the same file again changes nothing and
a corrected file changes only what it corrects (each change in the history). An import adds and
updates; it never deletes what another file brought."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import Jurisdiction
from assessment.core import history
from assessment.core.errors import Problem, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.spending.models import ImportResult, SpendContract, SpendImport, SpendPayment, SpendVendor
from assessment.spending.shapes import CONTRACT_FIELDS, ContractIn, PaymentIn, SourceRead

SPREADSHEETS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".csv")
CHUNK = 5000  # rows per INSERT batch
STORED = ("vendor_id", *CONTRACT_FIELDS)  # a contract's columns compared on a re-import
PAID = ("amount", "invoiced_on", "paid_on")  # and a payment's


def read_source(path: Path) -> SourceRead:
    """The contracts of a spending file, read by the reader its name says: .xlsx and .csv rows,
    or OCDS JSON."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from assessment.spending.ocds import read_package

        return read_package(path)
    if suffix in SPREADSHEETS:
        from assessment.spending.sheet import read_sheet

        return read_sheet(path)
    raise ValidationFailed(
        f"{path.name} could not be imported; nothing was changed.",
        [
            Problem(
                path.name,
                "is neither a spreadsheet (.xlsx, .csv) nor OCDS JSON (.json).",
                "Save the spreadsheet as .xlsx or .csv, or give an OCDS package its .json name.",
            )
        ],
    )


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def stored_currency(session: Session, place: Jurisdiction) -> str | None:
    """The currency of the jurisdiction's imported spending (one, as imports keep it)."""
    query = select(SpendContract.currency).where(SpendContract.jurisdiction_id == place.id).limit(1)
    return session.exec(query).first()


def import_spending(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportResult:
    """Import a spending file into ``jurisdiction``'s spending, or (``dry_run``) say what it would
    change. A problem in any row or process refuses the whole file, every problem listed and
    nothing written, unless ``skip_invalid``: then the valid ones are imported and the others
    listed. A file in another currency than the jurisdiction's spending is refused either way."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "write", Record.spending, place, f"import the spending of {place.name}")
    path = Path(path)
    read = read_source(path)
    unit = read.unit
    if read.problems and not skip_invalid:
        raise ValidationFailed(
            f"{path.name} was not imported: {len(read.problems)} problem(s) in {read.skipped} {unit}(s); nothing was "
            f"changed. Fix these and import it again (or import the valid {unit}s with --skip-invalid):",
            read.problems.kept,
            read.problems.more,
        )
    stored = stored_currency(session, place)
    if stored is not None and read.currency is not None and read.currency != stored:
        raise ValidationFailed(
            f"{path.name} is in {read.currency}, but the spending of {place.name} is in {stored}; nothing was "
            "changed. Amounts are compared and added up, so one jurisdiction's spending is in one currency.",
            [Problem(path.name, f"is in {read.currency}.", f"Import spending in {stored} only.")],
        )
    writer = _Writer(session, actor, place, path, dry_run)
    writer.plan(read.contracts.values())
    if not dry_run and writer.changes_anything:
        writer.apply(read, digest(path))
    return ImportResult(
        file=path.name,
        kind=read.kind,
        jurisdiction=place.name,
        dry_run=dry_run,
        currency=read.currency,
        contracts=len(read.contracts),
        payments=read.payments,
        contracts_added=len(writer.new_contracts),
        contracts_changed=len(writer.changed_contracts),
        contracts_unchanged=len(read.contracts) - len(writer.new_contracts) - len(writer.changed_contracts),
        payments_added=writer.payments_added,
        payments_changed=len(writer.changed_payments),
        payments_unchanged=read.payments - writer.payments_added - len(writer.changed_payments),
        vendors_added=len(writer.new_vendors),
        vendors_renamed=len(writer.renamed_vendors),
        skipped=[str(p) for p in read.problems.kept],
        skipped_more=read.problems.more,
        skipped_count=read.skipped,
        ignored_columns=read.ignored_columns,
        notes=read.notes,
    )


def import_log(session: Session, actor: Actor, jurisdiction: str) -> list[SpendImport]:
    """The jurisdiction's spending imports that changed something (file, counts, who, when), newest first."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.spending, place, f"read the spending of {place.name}")
    query = (
        select(SpendImport)
        .where(SpendImport.jurisdiction_id == place.id)
        .order_by(col(SpendImport.imported_at).desc(), col(SpendImport.id).desc())
    )
    return list(session.exec(query))


PaymentValues = tuple[Decimal, Any, Any]  # amount, invoiced_on, paid_on


class _Writer:
    """Compares a file's contracts with the jurisdiction's, then writes the difference."""

    def __init__(self, session: Session, actor: Actor, place: Jurisdiction, path: Path, dry_run: bool) -> None:
        self.session = session
        self.actor = actor
        self.place = place
        self.path = path
        self.jurisdiction_id = row_id(place)
        self.vendors: dict[str, tuple[int, str]] = {}
        self.new_vendors: dict[str, str] = {}
        self.renamed_vendors: dict[int, str] = {}
        self.contracts: dict[str, tuple[int, tuple[object, ...]]] = {}
        self.new_contracts: list[ContractIn] = []
        self.changed_contracts: list[tuple[int, ContractIn, list[tuple[str, object, object]]]] = []
        self.payments: dict[tuple[int, str], tuple[int, PaymentValues]] = {}
        self.payments_added = 0
        self.changed_payments: list[tuple[int, PaymentIn, list[tuple[str, Any, Any]]]] = []

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.new_vendors
            or self.renamed_vendors
            or self.new_contracts
            or self.changed_contracts
            or self.payments_added
            or self.changed_payments
        )

    def _load(self) -> None:
        session, jid = self.session, self.jurisdiction_id
        query = select(SpendVendor.key, SpendVendor.id, SpendVendor.name).where(SpendVendor.jurisdiction_id == jid)
        self.vendors = {key: (ident, name) for key, ident, name in session.exec(query) if ident is not None}
        columns = [getattr(SpendContract, name) for name in STORED]
        contracts = session.connection().execute(
            sql_select(col(SpendContract.key), col(SpendContract.id), *columns).where(
                col(SpendContract.jurisdiction_id) == jid
            )
        )
        self.contracts = {row[0]: (row[1], tuple(row[2:])) for row in contracts}
        payments = session.connection().execute(
            sql_select(
                col(SpendPayment.contract_id),
                col(SpendPayment.key),
                col(SpendPayment.id),
                col(SpendPayment.amount),
                col(SpendPayment.invoiced_on),
                col(SpendPayment.paid_on),
            )
            .join(SpendContract, col(SpendContract.id) == col(SpendPayment.contract_id))
            .where(col(SpendContract.jurisdiction_id) == jid)
        )
        self.payments = {(c, k): (i, (a, inv, paid)) for c, k, i, a, inv, paid in payments if i is not None}

    def plan(self, contracts: Iterable[ContractIn]) -> None:
        self._load()
        for contract in contracts:
            known = self.vendors.get(contract.vendor_key)
            if known is None:
                self.new_vendors.setdefault(contract.vendor_key, contract.vendor_name)
            elif known[1] != contract.vendor_name:
                self.renamed_vendors[known[0]] = contract.vendor_name
            stored = self.contracts.get(contract.key)
            if stored is None:
                self.new_contracts.append(contract)
                self.payments_added += len(contract.payments)
                continue
            contract_id, values = stored
            vendor_id = known[0] if known else None
            changes = [
                (name, old, new)
                for name, old, new in zip(
                    ("vendor_id", *CONTRACT_FIELDS), values, (vendor_id, *contract.values()), strict=True
                )
                if old != new
            ]
            if changes:
                self.changed_contracts.append((contract_id, contract, changes))
            for payment in contract.payments:
                had = self.payments.get((contract_id, payment.key))
                if had is None:
                    self.payments_added += 1
                    continue
                now = (payment.amount, payment.invoiced_on, payment.paid_on)
                moved = [
                    (n, o, v)
                    for n, o, v in zip(("amount", "invoiced_on", "paid_on"), had[1], now, strict=True)
                    if o != v
                ]
                if moved:
                    self.changed_payments.append((had[0], payment, moved))

    def apply(self, read: SourceRead, sha256: str) -> None:
        session, actor, at = self.session, self.actor, utcnow()
        connection = session.connection()
        note = f"imported from {self.path.name}"
        vendor_rows = (
            {"jurisdiction_id": self.jurisdiction_id, "key": key, "name": name, "created_at": at}
            for key, name in self.new_vendors.items()
        )
        self._insert(SpendVendor, vendor_rows)
        for vendor_id, name in self.renamed_vendors.items():
            connection.execute(update(SpendVendor).where(col(SpendVendor.id) == vendor_id).values(name=name))
        query = select(SpendVendor.key, SpendVendor.id).where(SpendVendor.jurisdiction_id == self.jurisdiction_id)
        vendor_ids = {key: ident for key, ident in session.exec(query) if ident is not None}
        self._insert(SpendContract, (self._contract_row(c, vendor_ids, at) for c in self.new_contracts))
        for contract_id, contract, changes in self.changed_contracts:
            values = {name: new for name, _, new in changes}
            values["vendor_id"] = vendor_ids[contract.vendor_key]
            connection.execute(
                update(SpendContract)
                .where(col(SpendContract.id) == contract_id)
                .values(**values, updated_at=at, updated_by=actor.email)
            )
            shown = [(name, old, new) for name, old, new in changes if name != "vendor_id"]
            if any(name == "vendor_id" for name, _, _ in changes):
                shown.append(("vendor", None, contract.vendor_name))
            history.record_changes(
                session, actor.email, "spend_contract", contract_id, self.jurisdiction_id, shown, note, at
            )
        query = select(SpendContract.key, SpendContract.id).where(SpendContract.jurisdiction_id == self.jurisdiction_id)
        contract_ids = {key: ident for key, ident in session.exec(query) if ident is not None}
        self._insert(SpendPayment, self._new_payments(read, contract_ids, at))
        for payment_id, payment, moved in self.changed_payments:
            connection.execute(
                update(SpendPayment)
                .where(col(SpendPayment.id) == payment_id)
                .values(amount=payment.amount, invoiced_on=payment.invoiced_on, paid_on=payment.paid_on)
            )
            history.record_changes(
                session, actor.email, "spend_payment", payment_id, self.jurisdiction_id, moved, note, at
            )
        done = SpendImport(
            jurisdiction_id=self.jurisdiction_id,
            file=self.path.name,
            kind=read.kind,
            sha256=sha256,
            contracts_added=len(self.new_contracts),
            contracts_changed=len(self.changed_contracts),
            payments_added=self.payments_added,
            payments_changed=len(self.changed_payments),
            skipped=read.skipped,
            imported_at=at,
            imported_by=actor.email,
        )
        session.add(done)
        session.flush()
        summary = (
            f"{len(self.new_contracts)} contract(s) and {self.payments_added} payment(s) added, "
            f"{len(self.changed_contracts)} contract(s) and {len(self.changed_payments)} payment(s) changed"
        )
        history.record(
            session,
            actor.email,
            "spend_import",
            row_id(done),
            "imported",
            None,
            summary,
            note,
            self.jurisdiction_id,
            at,
        )

    def _contract_row(self, contract: ContractIn, vendor_ids: dict[str, int], at: datetime) -> dict[str, object]:
        row: dict[str, object] = dict(zip(CONTRACT_FIELDS, contract.values(), strict=True))
        row.update(
            jurisdiction_id=self.jurisdiction_id,
            vendor_id=vendor_ids[contract.vendor_key],
            key=contract.key,
            imported_at=at,
            imported_by=self.actor.email,
            updated_at=at,
            updated_by=self.actor.email,
        )
        return row

    def _new_payments(
        self, read: SourceRead, contract_ids: dict[str, int], at: datetime
    ) -> Iterator[dict[str, object]]:
        for contract in read.contracts.values():
            contract_id = contract_ids[contract.key]
            for payment in contract.payments:
                if (contract_id, payment.key) in self.payments:
                    continue
                yield {
                    "contract_id": contract_id,
                    "key": payment.key,
                    "amount": payment.amount,
                    "invoiced_on": payment.invoiced_on,
                    "paid_on": payment.paid_on,
                    "imported_at": at,
                    "imported_by": self.actor.email,
                }

    def _insert(self, table: type[Any], rows: Iterable[dict[str, object]]) -> None:
        connection = self.session.connection()
        batch: list[dict[str, object]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                connection.execute(insert(table), batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
