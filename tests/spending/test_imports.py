"""The spending import into the database: all or nothing, --skip-invalid, re-imports that change
nothing (or only what changed), one currency per jurisdiction, and who may import where."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.history import History
from assessment.spending.models import SpendContract, SpendImport, SpendVendor
from tests.conftest import Cast
from tests.spending.helpers import SAMPLE, imported, process, release_package, row, snapshot, write_json, write_xlsx


def test_a_spreadsheet_is_imported_and_importing_it_again_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "spend.xlsx", [row(), row(payment_amount=500), row(contract_id="PO-2")])
    preview = imported(cast.alder_officer, cast.alder, path, dry_run=True)
    assert (preview.contracts_added, preview.payments_added, preview.vendors_added) == (2, 3, 1)
    assert snapshot()[0] == []  # a dry run writes nothing
    done = imported(cast.alder_officer, cast.alder, path)
    assert (done.contracts_added, done.payments_added, done.contracts_unchanged) == (2, 3, 0)
    before = snapshot()
    assert [key for key, _, _ in before[0]] == ["PO-1", "PO-2"] and len(before[1]) == 3
    again = imported(cast.alder_officer, cast.alder, path)
    assert not again.changes_anything
    assert (again.contracts_unchanged, again.payments_unchanged) == (2, 3)
    assert snapshot() == before  # not even an import record or a history line


def test_an_ocds_package_imported_twice_is_one_contract_with_two_payments(cast: Cast, tmp_path: Path) -> None:
    path = write_json(tmp_path / "process.json", release_package(*process()))
    first = imported(cast.alder_officer, cast.alder, path)
    assert (first.kind, first.contracts_added, first.payments_added) == ("release package", 1, 2)
    second = imported(cast.alder_officer, cast.alder, path)
    assert not second.changes_anything
    contracts, payments, vendors, _ = snapshot()
    assert contracts == [("ocds-abc-001/C1", Decimal(120000), date(2025, 3, 10))]
    assert [amount for _, _, amount in payments] == [Decimal(30000), Decimal("45000.5")]
    assert vendors == 1


def test_a_corrected_file_changes_what_it_corrects_with_history(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "v1.xlsx", [row(), row(contract_id="PO-2")]))
    fixed = [row(contract_amount=12000, small="no"), row(contract_id="PO-2"), row(contract_id="PO-3")]
    done = imported(cast.alder_manager, cast.alder, write_xlsx(tmp_path / "v2.xlsx", fixed))
    assert (done.contracts_added, done.contracts_changed, done.contracts_unchanged) == (1, 1, 1)
    with transaction() as session:
        contract = session.exec(select(SpendContract).where(SpendContract.key == "PO-1")).one()
        assert (contract.amount, contract.small, contract.updated_by) == (Decimal(12000), False, cast.alder_manager)
        changes = session.exec(
            select(History).where(History.entity == "spend_contract", History.entity_id == contract.id)
        ).all()
        assert {(h.field, h.old, h.new, h.actor) for h in changes} == {
            ("amount", "10000", "12000", cast.alder_manager),
            ("small", "True", "False", cast.alder_manager),
        }
        assert [i.file for i in session.exec(select(SpendImport).order_by(col(SpendImport.id)))] == [
            "v1.xlsx",
            "v2.xlsx",
        ]


def test_a_file_with_a_bad_row_writes_nothing_and_lists_every_problem(cast: Cast, tmp_path: Path) -> None:
    rows = [row(), row(contract_id="PO-2", awarded_on="31/12/2025"), row(contract_id="PO-3", cbo="perhaps")]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = snapshot()
    for dry_run in (True, False):
        with pytest.raises(ValidationFailed) as refused:
            imported(cast.alder_officer, cast.alder, path, dry_run=dry_run)
        assert [p.location for p in refused.value.problems] == [
            "bad.xlsx row 3, column Awarded on",
            "bad.xlsx row 4, column Community-based organization (yes/no)",
        ]
        assert "YYYY-MM-DD" in refused.value.problems[0].message
        assert "nothing was changed" in refused.value.summary and "--skip-invalid" in refused.value.summary
    assert snapshot() == before


def test_skip_invalid_imports_the_valid_rows_and_lists_the_others(cast: Cast, tmp_path: Path) -> None:
    rows = [row(), row(contract_id="PO-2", awarded_on=None), row(contract_id="PO-3")]
    done = imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "some.xlsx", rows), skip_invalid=True)
    assert (done.contracts_added, done.skipped_count) == (2, 1)
    assert done.skipped == ["some.xlsx row 3, column Awarded on: is empty; every row needs it"]
    assert [key for key, _, _ in snapshot()[0]] == ["PO-1", "PO-3"]


def test_skip_invalid_leaves_out_a_malformed_process_whole(cast: Cast, tmp_path: Path) -> None:
    broken = process("ocds-broken")
    broken[4]["contracts"][0]["implementation"]["transactions"][0]["value"]["amount"] = -30000
    path = write_json(tmp_path / "mixed.json", release_package(*process("ocds-fine"), *broken))
    with pytest.raises(ValidationFailed) as refused:
        imported(cast.alder_officer, cast.alder, path)
    assert [p.location for p in refused.value.problems] == [
        "mixed.json: releases[10].contracts[0].implementation.transactions[0].value.amount"
    ]
    done = imported(cast.alder_officer, cast.alder, path, skip_invalid=True)
    assert (done.contracts_added, done.skipped_count) == (1, 1)
    assert [key for key, _, _ in snapshot()[0]] == ["ocds-fine/C1"]


def test_a_second_currency_is_refused_for_the_jurisdiction(cast: Cast, tmp_path: Path) -> None:
    imported(cast.alder_officer, cast.alder, write_xlsx(tmp_path / "usd.xlsx", [row()]))
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        imported(cast.alder_officer, cast.alder, SAMPLE, skip_invalid=True)
    assert "is in GBP, but the spending of Alder County is in USD" in refused.value.summary
    assert snapshot() == before
    # another jurisdiction has its own currency
    assert imported(cast.birch_officer, cast.birch, SAMPLE).contracts_added == 1


def test_an_officer_imports_only_their_own_jurisdictions_spending(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "spend.xlsx", [row()])
    for who in (cast.alder_officer, cast.alder_exec, cast.outsider, cast.lead):
        with pytest.raises(PermissionDenied) as refused:
            imported(who, cast.birch, path)
        assert "may not import the spending of Birch City" in str(refused.value)
        assert "a procurement officer of Birch City" in str(refused.value)
    assert snapshot()[0] == []
    assert imported(cast.birch_officer, cast.birch, path).contracts_added == 1


def test_an_unknown_kind_of_file_is_refused_saying_which_are_read(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "spend.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(ValidationFailed) as refused:
        imported(cast.alder_officer, cast.alder, path)
    assert ".xlsx, .csv" in refused.value.problems[0].message


def test_a_renamed_vendor_keeps_its_contracts(cast: Cast, tmp_path: Path) -> None:
    first = process("ocds-abc-001")
    imported(cast.alder_officer, cast.alder, write_json(tmp_path / "a.json", release_package(*first)))
    renamed = copy.deepcopy(first)
    for release in renamed:
        for party in release.get("parties", []):
            if party["id"] == "S1":
                party["name"] = "Clínica Comunitaria del Valle"
    done = imported(cast.alder_officer, cast.alder, write_json(tmp_path / "b.json", release_package(*renamed)))
    assert (done.vendors_added, done.vendors_renamed, done.contracts_added, done.contracts_changed) == (0, 1, 0, 0)
    with transaction() as session:
        assert [v.name for v in session.exec(select(SpendVendor))] == ["Clínica Comunitaria del Valle"]
