"""The spending spreadsheet: the template people fill (or export their finance system's data
into), and its reading, row by row, from .xlsx or .csv into contracts and payments.

Every problem is located by file, row and column header; problems of single rows are kept for
the import to refuse (or, with --skip-invalid, to skip), while a file that cannot be read, lacks
a column every row needs or mixes currencies is refused at once."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from assessment.core.errors import Problem, ProblemLog, ValidationFailed
from assessment.core.files import save_workbook
from assessment.core.xlsx import (
    FORMULA_FIX,
    Formula,
    Unreadable,
    missing_file,
    open_workbook,
    rows,
    set_text,
    unreadable_problem,
)
from assessment.spending.models import SourceKind
from assessment.spending.shapes import ContractIn, PaymentIn, SourceRead, SpendRow, made_key, vendor_key

SHEET = "Spending"
META = "_meta"
FORMAT = "spending-1"
DEFAULT_CURRENCY = "USD"
SEND_HINT = "Import an .xlsx or .csv with the columns of `accelerator spend template`."
CSV_FIX = "Save the Spending sheet as 'CSV UTF-8' and import the .csv: it is read row by row, whatever its size."
TEMPLATE_ROWS = 500  # rows formatted and given drop-downs in the template


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int
    kind: str  # text, money, day, yesno, code
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "contract_id",
        "Contract ID",
        14,
        "text",
        "Your number for the contract or purchase order. Rows with the "
        "same Contract ID are one contract (one row per payment). Blank: the vendor, award day and amount make "
        "the contract.",
        ("contract", "contract number", "po number", "purchase order"),
    ),
    Column("vendor", "Vendor", 28, "text", "The vendor's name (required).", ("vendor name", "supplier", "payee")),
    Column(
        "vendor_id",
        "Vendor ID",
        14,
        "text",
        "Your id for the vendor, if any: it tells two vendors with the same name apart.",
        ("supplier id", "vendor number"),
    ),
    Column(
        "contract_amount",
        "Contract amount",
        14,
        "money",
        "The amount awarded. Blank: the contract's payments add up to its value.",
        ("amount", "award amount", "contract value"),
    ),
    Column(
        "currency",
        "Currency",
        9,
        "code",
        f"Three letters, e.g. USD; blank means the file's currency "
        f"({DEFAULT_CURRENCY} when none is named). One currency per file.",
        (),
    ),
    Column(
        "solicited_on",
        "Solicited on",
        12,
        "day",
        "The day the solicitation went out, if known.",
        ("solicitation date", "solicited"),
    ),
    Column(
        "awarded_on",
        "Awarded on",
        12,
        "day",
        "The day the contract was awarded or signed (required): it places the contract in a period.",
        ("award date", "awarded", "date awarded"),
    ),
    Column(
        "payment_id",
        "Payment ID",
        14,
        "text",
        "Your id for the payment (check or voucher number), if any.",
        ("check number", "voucher number"),
    ),
    Column(
        "payment_amount",
        "Payment amount",
        14,
        "money",
        "The amount of this row's payment, if the row has one.",
        ("paid amount", "payment"),
    ),
    Column(
        "invoiced_on",
        "Invoiced on",
        12,
        "day",
        "The day the vendor's invoice was received: days to payment count from it.",
        ("invoice date", "invoiced"),
    ),
    Column("paid_on", "Paid on", 12, "day", "The day the payment was made.", ("payment date", "paid", "date paid")),
    Column(
        "advance_payment",
        "Advance payment (yes/no)",
        12,
        "yesno",
        "yes when the contract paid money before the work or an invoice.",
        ("advance",),
    ),
    Column(
        "cbo",
        "Community-based organization (yes/no)",
        16,
        "yesno",
        "yes for a community-based organization.",
        ("cbo", "community based organization"),
    ),
    Column(
        "small", "Small business (yes/no)", 12, "yesno", "yes for a small business (e.g. certified small).", ("small",)
    ),
    Column(
        "local", "Local business (yes/no)", 12, "yesno", "yes for a business based in the jurisdiction.", ("local",)
    ),
    Column(
        "bipoc_led",
        "BIPOC-led (yes/no)",
        12,
        "yesno",
        "yes for an organization led by Black, Indigenous or other people of color.",
        ("bipoc",),
    ),
    Column(
        "first_time",
        "First-time contractor (yes/no)",
        14,
        "yesno",
        "yes when this is the vendor's first contract with the jurisdiction.",
        ("first time", "first-time"),
    ),
    Column("address", "Vendor address", 28, "text", "The vendor's street address, if known.", ("address",)),
    Column("zip", "Vendor ZIP", 10, "code", "The vendor's ZIP code (5 digits).", ("zip", "zip code", "postal code")),
    Column(
        "tract",
        "Census tract (GEOID)",
        14,
        "code",
        "The vendor's census tract: its 11-digit GEOID, e.g. 06073008305.",
        ("census tract", "tract", "geoid"),
    ),
)
HEADERS = {c.field: c.header for c in COLUMNS}
REQUIRED = ("vendor", "awarded_on")


def header_key(text: str) -> str:
    """A header as it is compared: any case, no "(yes/no)", no colon, single spaces."""
    return " ".join(re.sub(r"\([^)]*\)", " ", text).replace(":", " ").replace("_", " ").split()).casefold()


HEADER_INDEX = {header_key(alias): c for c in COLUMNS for alias in (c.header, c.field, *c.aliases)}

# Yes/no columns and their row range in the template's drop-downs.
INSTRUCTIONS = (
    "Spending of one jurisdiction: its contracts and their payments",
    "",
    "1. Fill the Spending sheet: one row per payment, with its contract's details; a contract not paid yet takes "
    "one row without a payment. Rows with the same Contract ID are one contract: its details must agree on every "
    "row (a blank cell repeats them).",
    "2. Vendor and Awarded on are required; each row needs a Contract amount or a payment (Payment amount and "
    "Paid on).",
    "3. Yes/no columns: pick yes or no; leave blank when not known (blank is counted as not known, not as no).",
    "4. Days as dates (or typed YYYY-MM-DD); amounts as numbers, in one currency per file.",
    '5. Import it: accelerator spend import --jurisdiction "NAME" FILE.xlsx --dry-run   (to preview), then '
    "without --dry-run. A .csv with the same headers works too.",
    "Every row is checked first; if any row has a problem nothing is imported and every problem is listed with "
    "its row and column (or use --skip-invalid to import the valid rows and list the others).",
    "Importing the same file again changes nothing; a corrected file updates the contracts and payments it names.",
    "",
    "The columns:",
)


def write_template(out: Path) -> Path:
    """The spending spreadsheet to fill: instructions, the headers, yes/no drop-downs, date formats."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Instructions"
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 100
    lines = [(line, "") for line in INSTRUCTIONS] + [(c.header, c.help) for c in COLUMNS]
    for number, (first, second) in enumerate(lines, start=1):
        set_text(guide.cell(row=number, column=1), first, wrap=not second)
        if second:
            set_text(guide.cell(row=number, column=2), second, wrap=True)
    guide["A1"].font = Font(bold=True, size=14)
    for number in range(1, len(INSTRUCTIONS) + 1):
        guide.merge_cells(start_row=number, start_column=1, end_row=number, end_column=2)
        guide.row_dimensions[number].height = 15 * max(1, -(-len(lines[number - 1][0]) // 120))
    ws = wb.create_sheet(SHEET)
    wb.active = 1
    for number, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=number, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(number)
        ws.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.kind == "yesno":
            choose = DataValidation(type="list", formula1='"yes,no"', allow_blank=True, showErrorMessage=True)
            choose.error = "Pick yes or no, or leave it blank when not known."
            choose.add(cells)
            ws.add_data_validation(choose)
        for row in range(2, TEMPLATE_ROWS + 2):
            if column.kind == "day":
                ws.cell(row=row, column=number).number_format = "yyyy-mm-dd"
            elif column.kind == "money":
                ws.cell(row=row, column=number).number_format = "#,##0.00"
            elif column.kind == "code":
                ws.cell(row=row, column=number).number_format = "@"  # ZIP codes and GEOIDs keep leading zeros
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "C2"
    meta = wb.create_sheet(META)
    set_text(meta.cell(row=1, column=1), "format")
    set_text(meta.cell(row=1, column=2), FORMAT)
    set_text(meta.cell(row=2, column=1), "written")
    set_text(meta.cell(row=2, column=2), f"{datetime.now():%Y-%m-%d %H:%M}")
    meta.sheet_state = "veryHidden"
    return save_workbook(wb, Path(out))


# --- reading ---------------------------------------------------------------------------------


def read_sheet(path: Path) -> SourceRead:
    """The contracts and payments of a spending spreadsheet (.xlsx or .csv), read row by row."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _read(path, "csv", _csv_rows(path))
    book = open_workbook(path, SEND_HINT)
    if isinstance(book, Problem):
        if "are refused" in book.message:  # too big: a finance system's export often is
            book = Problem(book.location, book.message, CSV_FIX)
        raise refusal(path, [book])
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return _read(path, "xlsx", rows(sheet))
    except Unreadable as exc:
        raise refusal(path, [unreadable_problem(path.name, exc.why, SEND_HINT)]) from None
    finally:
        book.close()


def refusal(path: Path, problems: list[Problem], more: int = 0) -> ValidationFailed:
    return ValidationFailed(f"{path.name} could not be imported; nothing was changed.", problems, more)


def _csv_rows(path: Path) -> Iterator[tuple[object, ...]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            delimiter = max((",", ";", "\t"), key=first.count)
            handle.seek(0)
            if handle.read(1) != "\ufeff":
                handle.seek(0)
            for row in csv.reader(handle, delimiter=delimiter):
                yield tuple(row)
    except FileNotFoundError:
        raise refusal(path, [missing_file(path)]) from None
    except UnicodeDecodeError:
        raise refusal(
            path, [Problem(path.name, "is not UTF-8 text.", "Save it as 'CSV UTF-8 (comma delimited)'.")]
        ) from None
    except csv.Error as exc:
        raise refusal(path, [Problem(path.name, f"is not a CSV file this can read ({exc}).", SEND_HINT)]) from None


def _read(path: Path, kind: str, lines: Iterator[tuple[object, ...]]) -> SourceRead:
    name = path.name
    header = next(lines, ())
    columns: dict[int, str] = {}
    read = SourceRead(kind=kind, unit="row")
    header_problems = []
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        column = HEADER_INDEX.get(header_key(str(text)))
        if column is None:
            read.ignored_columns.append(str(text).strip())
        elif column.field in columns.values():
            header_problems.append(
                Problem(
                    f"{name} row 1, column {get_column_letter(index + 1)}",
                    f"repeats the column {column.header}.",
                    "Keep one column of each.",
                )
            )
        else:
            columns[index] = column.field
    missing = [HEADERS[f] for f in REQUIRED if f not in columns.values()]
    if "contract_amount" not in columns.values() and "payment_amount" not in columns.values():
        missing.append(f"{HEADERS['contract_amount']} or {HEADERS['payment_amount']}")
    if missing:
        header_problems.append(
            Problem(f"{name} row 1", f"has no column {', '.join(missing)}.", "Start from `accelerator spend template`.")
        )
    if header_problems:
        raise refusal(path, header_problems)
    reader = _Rows(name, read)
    for number, values in enumerate(lines, start=2):
        cells = {f: values[i] if i < len(values) else None for i, f in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        read.units += 1
        reader.add(number, cells)
    if reader.currencies.kept:
        raise ValidationFailed(
            f"{name} mixes currencies; nothing was changed. Amounts are compared and added up, so every row must be "
            f"in one currency (this file's first is {read.currency}):",
            reader.currencies.kept,
            reader.currencies.more,
        )
    for contract in read.contracts.values():
        contract.currency = contract.currency or read.currency or DEFAULT_CURRENCY
    read.currency = read.currency or (DEFAULT_CURRENCY if read.contracts else None)
    return read


# pydantic's words for a constraint, as a person reads them
MESSAGES = {
    "greater_than_equal": "is negative; amounts are 0 or more",
    "greater_than": "must be more than 0 (leave refunds and zero payments out)",
    "decimal_max_places": "has more than 4 decimal places",
    "decimal_max_digits": "is too large (at most 14 digits before the point)",
    "string_too_long": "is too long",
}


class _Rows:
    """Rows read into the contracts of ``read``, each checked alone and against the other rows of
    its contract."""

    def __init__(self, name: str, read: SourceRead) -> None:
        self.name = name
        self.read = read
        self.first_row: dict[str, int] = {}
        self.payment_rows: dict[tuple[str, str], int] = {}
        self.occurrences: dict[tuple[str, str], int] = {}
        self.currencies = ProblemLog(limit=50)
        self.currency_row = 0

    def at(self, number: int, field: str) -> str:
        return f"{self.name} row {number}, column {HEADERS[field]}"

    def add(self, number: int, cells: dict[str, object]) -> None:
        found: list[Problem] = []
        for field_name, value in cells.items():
            if isinstance(value, Formula):
                found.append(Problem(self.at(number, field_name), f"is a formula ({value}).", FORMULA_FIX))
        if found:  # what the other cells say is read once the formulas are values
            self.refuse(found)
            return
        try:
            row = SpendRow.model_validate(cells)
        except ValidationError as exc:
            for error in exc.errors():
                where = str(error["loc"][0]) if error["loc"] else "vendor"
                message = MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
                if cells.get(where) is None or (isinstance(cells.get(where), str) and not str(cells[where]).strip()):
                    message = "is empty; every row needs it"
                found.append(Problem(self.at(number, where), message))
            self.refuse(found)
            return
        found += [Problem(self.at(number, f), message, fix) for f, message, fix in row.problems()]
        if found:
            self.refuse(found)
            return
        self.check_currency(number, row.currency)
        self.take(number, row)

    def refuse(self, problems: list[Problem]) -> None:
        self.read.problems.extend(problems)
        self.read.skipped += 1

    def check_currency(self, number: int, code: str | None) -> None:
        if code is None:
            return
        if self.read.currency is None:
            self.read.currency, self.currency_row = code, number
        elif code != self.read.currency:
            self.currencies.add(
                Problem(
                    self.at(number, "currency"),
                    f"is {code}, but row {self.currency_row} is {self.read.currency}.",
                    "Import each currency's contracts from a file of its own, into the jurisdiction they belong to.",
                )
            )

    def take(self, number: int, row: SpendRow) -> None:
        vendor = vendor_key(row.vendor, row.vendor_id)
        key = row.contract_id or "row:" + made_key(vendor, row.awarded_on, row.contract_amount)
        incoming = ContractIn(
            key=key,
            source=SourceKind.spreadsheet.value,
            vendor_key=vendor,
            vendor_name=row.vendor,
            currency=row.currency,
            amount=row.contract_amount,
            awarded_on=row.awarded_on,
            where=f"{self.name} row {number}",
            solicited_on=row.solicited_on,
            advance_payment=row.advance_payment,
            cbo=row.cbo,
            small=row.small,
            local=row.local,
            bipoc_led=row.bipoc_led,
            first_time=row.first_time,
            address=row.address,
            zip=row.zip,
            tract=row.tract,
        )
        contract = self.read.contracts.get(key)
        if contract is not None:
            conflicts = self.disagreements(number, key, contract, incoming)
            if conflicts:
                self.refuse(conflicts)
                return
        payment = self.payment(number, key, row)
        if isinstance(payment, Problem):
            self.refuse([payment])
            return
        if contract is None:
            contract = self.read.contracts[key] = incoming
            self.first_row[key] = number
        else:
            for name in AGREED:
                if getattr(contract, name) in (None, "") and getattr(incoming, name) not in (None, ""):
                    setattr(contract, name, getattr(incoming, name))
        if payment is not None:
            contract.payments.append(payment)
            self.read.payments += 1

    def disagreements(self, number: int, key: str, contract: ContractIn, incoming: ContractIn) -> list[Problem]:
        """The cells of a later row of a contract that contradict what an earlier row said."""
        first = self.first_row[key]
        found = []
        for name, column in AGREED.items():
            mine, theirs = getattr(incoming, name), getattr(contract, name)
            if mine not in (None, "") and theirs not in (None, "") and mine != theirs:
                found.append(
                    Problem(
                        self.at(number, column),
                        f"says {_shown(mine)}, but row {first} of the same contract ({key}) says {_shown(theirs)}.",
                        "The rows of one contract must agree: correct one, or give them different Contract IDs.",
                    )
                )
        return found

    def payment(self, number: int, key: str, row: SpendRow) -> PaymentIn | Problem | None:
        if row.payment_amount is None or row.paid_on is None:
            return None
        if row.payment_id:
            payment_key = f"id:{row.payment_id}"
            earlier = self.payment_rows.get((key, payment_key))
            if earlier is not None:
                return Problem(
                    self.at(number, "payment_id"),
                    f"payment {row.payment_id} of contract {key} is also on row {earlier}.",
                    "Keep one row per payment, or give each payment its own id.",
                )
        else:
            # Two payments alike in every cell are told apart by their order in the file, which a
            # re-import of the same file repeats.
            made = made_key(row.paid_on, row.payment_amount, row.invoiced_on)
            seen = self.occurrences.get((key, made), 0) + 1
            self.occurrences[(key, made)] = seen
            payment_key = f"row:{made}#{seen}"
        self.payment_rows[(key, payment_key)] = number
        return PaymentIn(
            key=payment_key,
            amount=row.payment_amount,
            paid_on=row.paid_on,
            invoiced_on=row.invoiced_on,
            where=f"{self.name} row {number}",
        )


# A contract's fields that every row of it must agree on, with the column that holds each.
AGREED = {
    "vendor_key": "vendor",
    "amount": "contract_amount",
    "currency": "currency",
    "awarded_on": "awarded_on",
    "solicited_on": "solicited_on",
    "advance_payment": "advance_payment",
    "cbo": "cbo",
    "small": "small",
    "local": "local",
    "bipoc_led": "bipoc_led",
    "first_time": "first_time",
    "address": "address",
    "zip": "zip",
    "tract": "tract",
}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(("id:", "name:")):
        return value.split(":", 1)[1]
    return str(value)
