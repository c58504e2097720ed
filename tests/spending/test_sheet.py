"""The spending spreadsheet: the template, and .xlsx and .csv files read row by row into
contracts and payments, every problem located by row and column with its fix."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.core.errors import ValidationFailed
from assessment.spending.sheet import COLUMNS, SHEET, read_sheet, write_template
from tests.spending.helpers import HEADERS, row, write_csv, write_xlsx


def test_the_template_has_every_column_yes_no_drop_downs_and_instructions(tmp_path: Path) -> None:
    path = write_template(tmp_path / "spend.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Instructions", SHEET]
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    yes_no = [n for n, c in enumerate(COLUMNS) if c.kind == "yesno"]
    assert len(lists) == len(yes_no) == 6 and set(lists.values()) == {'"yes,no"'}
    guide = "\n".join(str(c.value) for r in book["Instructions"].iter_rows() for c in r if c.value)
    assert "accelerator spend import" in guide and "Census tract (GEOID)" in guide and "--skip-invalid" in guide
    # the template imports as it is: no rows, no problems
    read = read_sheet(path)
    assert (read.units, len(read.contracts), len(read.problems)) == (0, 0, 0)


def test_rows_of_one_contract_are_one_contract_with_their_payments(tmp_path: Path) -> None:
    rows = [
        row(),
        row(contract_amount=None, cbo=None, payment_amount="$1,250.50", invoiced_on="2025-04-01", paid_on="5/1/2025"),
        row(contract_id="PO-2", vendor="Ana's Catering", contract_amount=800, payment_amount=None, invoiced_on=None,
            paid_on=None, cbo="No", small="Y", local="TRUE", zip=2134, tract=6073008305, advance_payment="yes"),
    ]  # fmt: skip
    read = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    assert (read.kind, read.units, read.payments, read.currency, len(read.problems)) == ("xlsx", 3, 2, "USD", 0)
    first, second = read.contracts["PO-1"], read.contracts["PO-2"]
    assert (first.amount, first.cbo, first.small, first.local, first.zip) == (
        Decimal(10000),
        True,
        True,
        False,
        "92101",
    )
    assert [(p.amount, p.invoiced_on, p.paid_on) for p in first.payments] == [
        (Decimal(2500), date(2025, 3, 1), date(2025, 3, 31)),
        (Decimal("1250.5"), date(2025, 4, 1), date(2025, 5, 1)),
    ]
    assert (second.cbo, second.small, second.local, second.advance_payment) == (False, True, True, True)
    assert (second.zip, second.tract, second.payments) == ("02134", "06073008305", [])


def test_problems_are_located_by_row_and_column_with_the_fix(tmp_path: Path) -> None:
    rows = [
        row(),
        row(contract_id="PO-2", vendor="", awarded_on=None),
        row(contract_id="PO-3", contract_amount="12 dollars", small="maybe", zip="9210", tract="123"),
        row(contract_id="PO-4", paid_on=date(2025, 2, 1), invoiced_on=date(2025, 3, 1)),
        row(contract_id="PO-5", payment_amount=None),
        row(contract_id="PO-1", contract_amount=99, payment_amount=1),  # disagrees with row 2
        row(contract_id="PO-6", paid_on="=TODAY()"),
        row(contract_id="PO-7", contract_amount=-5, payment_amount=0, paid_on=datetime(2099, 1, 1)),
    ]
    read = read_sheet(write_xlsx(tmp_path / "bad.xlsx", rows))
    found = {p.location: p for p in read.problems.kept}
    at = "bad.xlsx row {}, column {}".format
    assert set(found) == {
        at(3, "Vendor"),
        at(3, "Awarded on"),
        at(4, "Contract amount"),
        at(4, HEADERS["small"]),
        at(4, "Vendor ZIP"),
        at(4, "Census tract (GEOID)"),
        at(5, "Paid on"),
        at(6, "Payment amount"),
        at(7, "Contract amount"),
        at(8, "Paid on"),
        at(9, "Contract amount"),
        at(9, "Payment amount"),
        at(9, "Paid on"),
    }
    assert found[at(3, "Vendor")].message == "is empty; every row needs it"
    assert "not yes or no" in found[at(4, HEADERS["small"])].message
    assert "11 digits" in found[at(4, "Census tract (GEOID)")].message
    assert "before the invoice" in found[at(5, "Paid on")].message and "Advance" in found[at(5, "Paid on")].fix
    assert "row 2 of the same contract (PO-1) says 10000" in found[at(7, "Contract amount")].message
    assert found[at(8, "Paid on")].fix == "Type the value, not a formula."
    assert "in the future" in found[at(9, "Paid on")].message
    assert read.skipped == 7 and sorted(read.contracts) == ["PO-1"]  # only the valid rows are kept


def test_mixed_currencies_are_refused_naming_each_row(tmp_path: Path) -> None:
    rows = [row(), row(contract_id="PO-2", currency="usd"), row(contract_id="PO-3", currency="CAD")]
    with pytest.raises(ValidationFailed) as refused:
        read_sheet(write_xlsx(tmp_path / "two.xlsx", rows))
    assert "mixes currencies" in refused.value.summary
    [problem] = refused.value.problems
    assert problem.location == "two.xlsx row 4, column Currency" and "is CAD, but row 2 is USD" in problem.message


def test_a_blank_currency_is_the_files_or_dollars(tmp_path: Path) -> None:
    read = read_sheet(write_xlsx(tmp_path / "none.xlsx", [row(currency=None)]))
    assert read.currency == "USD" and read.contracts["PO-1"].currency == "USD"
    read = read_sheet(write_xlsx(tmp_path / "eur.xlsx", [row(currency=None), row(contract_id="PO-2", currency="EUR")]))
    assert {c.currency for c in read.contracts.values()} == {"EUR"}


def test_a_csv_reads_like_the_workbook_and_payments_alike_stay_apart(tmp_path: Path) -> None:
    twice = row(contract_id="", payment_id=None)
    read = read_sheet(
        write_csv(tmp_path / "s.csv", [twice, twice, row(contract_id="PO-9", tract="1400000US06073008305")])
    )
    assert (read.kind, read.units, len(read.contracts), read.payments) == ("csv", 3, 2, 3)
    [made] = [c for k, c in read.contracts.items() if k.startswith("row:")]
    assert len({p.key for p in made.payments}) == 2  # two identical payments are two payments
    assert read.contracts["PO-9"].tract == "06073008305"


def test_headers_are_matched_loosely_and_unknown_ones_listed(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Supplier,Award date,Amount,Department,ZIP code,CBO\nAcme,2025-01-31,500,Public health,92101,y\n",
        encoding="utf-8",
    )
    read = read_sheet(path)
    assert read.ignored_columns == ["Department"] and not read.problems
    [contract] = read.contracts.values()
    assert (contract.vendor_name, contract.amount, contract.cbo, contract.zip) == ("Acme", Decimal(500), True, "92101")


def test_a_file_without_the_needed_columns_is_refused_whole(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "few.xlsx", [row()], headers=["vendor", "contract_id", "vendor"])
    with pytest.raises(ValidationFailed) as refused:
        read_sheet(path)
    messages = [str(p) for p in refused.value.problems]
    assert "few.xlsx row 1, column C: repeats the column Vendor. Keep one column of each." in messages
    assert any("has no column Awarded on, Contract amount or Payment amount" in m for m in messages)


def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("vendor,amount\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        read_sheet(path)
    assert "is not an Excel workbook" in str(refused.value)


def test_a_workbook_too_big_is_refused_pointing_to_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment.core.settings import get_settings

    path = write_xlsx(tmp_path / "big.xlsx", [row()])
    monkeypatch.setenv("ACCELERATOR_MAX_WORKBOOK_BYTES", "1000")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValidationFailed) as refused:
            read_sheet(path)
    finally:
        monkeypatch.delenv("ACCELERATOR_MAX_WORKBOOK_BYTES")
        get_settings.cache_clear()
    assert "are refused" in refused.value.problems[0].message and "CSV UTF-8" in refused.value.problems[0].fix
