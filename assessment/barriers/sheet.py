"""The barrier inventory as a spreadsheet for procurement officers: export, edit, import.

It prints too: landscape, every column on one page's width, the header row on every page, rows
tall enough for their wrapped text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.barriers.models import BarrierPublic, BarrierStatus
from assessment.barriers.reference import categories, controllers, stages
from assessment.core.errors import Problem, ProblemLog, ValidationFailed
from assessment.core.files import save_workbook
from assessment.core.xlsx import (
    FORMULA_FIX,
    Formula,
    Unreadable,
    open_workbook,
    read_text,
    rows,
    set_text,
    unreadable_problem,
)

SHEET = "Barriers"
LISTS = "Lists"
META = "_meta"
FORMAT = "barrier-inventory-1"
SEND_HINT = "Import the .xlsx written by `accelerator barrier export`, edited and saved as .xlsx."
LINE_HEIGHT = 15.0  # points per line of 11-point text
# Whole numbers sit right-aligned; "_)" pads them by a bracket's width off the next column's text.
COUNT_FORMAT = "0_)"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int
    editable: bool = True
    choices: str = ""  # which drop-down list, if any


# Widths add up to what a landscape page holds at a readable scale; long text wraps in taller rows.
COLUMNS = (
    Column("id", "ID", 6, editable=False),
    Column("version", "Version", 9, editable=False),
    Column("title", "Title", 28),
    Column("description", "Description", 32),
    Column("category", "Category", 20, choices="category"),
    Column("stage", "Process stage", 16, choices="stage"),
    Column("controller", "Who controls the rule", 14, choices="controller"),
    Column("severity", "Severity (1-5)", 10, choices="severity"),
    Column("burden_on", "Burden falls on", 20),
    Column("root_cause", "Root cause (why the practice exists)", 28),
    Column("indicators", "Linked rubric indicators", 16),
    Column("owner", "Owner (email)", 28),
    Column("status", "Status", 13, choices="status"),
    Column("note", "Note or reason for this change", 22),
)
HEADERS = {c.header.casefold(): c for c in COLUMNS}


def in_sheet_terms(refused: ValidationFailed, file: str) -> ValidationFailed:
    """The same refusal, its places named by the file and the sheet's column headers ("inventory.xlsx
    row 7, column Process stage") rather than the fields behind them."""
    headers = {c.field: c.header for c in COLUMNS}

    def place(location: str) -> str:
        row, _, field = location.partition(", column ")
        return f"{file} {row}, column {headers.get(field, field)}" if field else f"{file} {location}"

    return ValidationFailed(
        refused.summary, [Problem(place(p.location), p.message, p.fix) for p in refused.problems], refused.more
    )


def choice_lists() -> dict[str, list[str]]:
    return {
        "category": [c.label for c in categories()],
        "stage": [s.label for s in stages()],
        "controller": [c.label for c in controllers()],
        "severity": ["1", "2", "3", "4", "5"],
        "status": [s.label for s in BarrierStatus],
    }


def write_inventory(barriers: Sequence[BarrierPublic], out: Path, jurisdiction: str) -> Path:
    """Write the inventory: instructions, one editable row per barrier, drop-downs, locked id and version."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Instructions"
    lines = [
        f"Barrier inventory: {jurisdiction}",
        f"Exported {datetime.now():%Y-%m-%d %H:%M}.",
        "",
        "1. Edit the rows on the Barriers sheet: status, owner, severity, root cause, and so on.",
        "2. To add a barrier, fill a new row at the bottom and leave ID and Version empty.",
        "3. When you change a status to Deferred, Not pursued, or reopen a resolved barrier, write the reason in "
        "the last column.",
        "4. Don't change the ID and Version columns: they tell which barrier a row is and which version you edited. "
        "If someone changed a barrier after this export, its row is refused and nothing is imported: export again.",
        "5. Save as .xlsx and run: accelerator barrier import FILE.xlsx --dry-run   (to preview), "
        "then without --dry-run.",
        "Every row is checked first; if any row has a problem, nothing is changed and every problem is listed.",
    ]
    guide.column_dimensions["A"].width = 110
    for number, line in enumerate(lines, start=1):
        set_text(guide.cell(row=number, column=1), line, wrap=True)
        guide.row_dimensions[number].height = LINE_HEIGHT * lines_of(line, 110)
    guide["A1"].font = Font(bold=True, size=14)
    guide.row_dimensions[1].height = 22
    print_setup(guide)

    ws = wb.create_sheet(SHEET)
    wb.active = 1
    for number, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=number, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(number)].width = column.width
    labels = {
        "category": {c.id: c.label for c in categories()},
        "stage": {s.id: s.label for s in stages()},
        "controller": {c.id: c.label for c in controllers()},
        "status": {s.value: s.label for s in BarrierStatus},
    }
    last = max(len(barriers) + 1, 2)
    for row, barrier in enumerate(barriers, start=2):
        for number, column in enumerate(COLUMNS, start=1):
            value = getattr(barrier, column.field, None)
            cell = ws.cell(row=row, column=number)
            if column.field in ("id", "version", "severity") and value is not None:
                cell.value = int(value)
                cell.number_format = COUNT_FORMAT
            elif isinstance(value, (list, tuple)):
                set_text(cell, ", ".join(map(str, value)))
            else:
                set_text(cell, labels.get(column.field, {}).get(str(value), value) if value is not None else None)
    # Room to add barriers: rows below the data stay unlocked and keep their drop-downs.
    spare = last + 200
    locked_fill = PatternFill("solid", fgColor="E7E6E6")
    for number, column in enumerate(COLUMNS, start=1):
        for row in range(2, spare + 1):
            cell = ws.cell(row=row, column=number)
            cell.protection = Protection(locked=not column.editable or row == 1)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if not column.editable and row <= last:
                cell.fill = locked_fill
    lists = wb.create_sheet(LISTS)
    for number, (key, values) in enumerate(choice_lists().items(), start=1):
        set_text(lists.cell(row=1, column=number), key)
        for row, value in enumerate(values, start=2):
            set_text(lists.cell(row=row, column=number), value)
        target = next(i for i, c in enumerate(COLUMNS, start=1) if c.choices == key)
        letter = get_column_letter(number)
        validation = DataValidation(
            type="list",
            formula1=f"={LISTS}!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Pick from the list",
            error=f"Choose one of the {COLUMNS[target - 1].header.lower()} values in the list.",
        )
        validation.add(f"{get_column_letter(target)}2:{get_column_letter(target)}{spare}")
        ws.add_data_validation(validation)
    lists.sheet_state = "hidden"
    # Not every spreadsheet program grows a row for wrapped text (LibreOffice draws the lines over
    # the rows below), so each row's height is set from its longest cell.
    ws.row_dimensions[1].height = LINE_HEIGHT * max(lines_of(c.header, c.width) for c in COLUMNS)
    for row in range(2, len(barriers) + 2):
        texts = [(ws.cell(row=row, column=n).value, c.width) for n, c in enumerate(COLUMNS, start=1)]
        ws.row_dimensions[row].height = min(LINE_HEIGHT * max(lines_of(str(v), w) for v, w in texts if v), 409)
    print_setup(ws, header=f"Barrier inventory: {jurisdiction}", title_rows="1:1", gridlines=True)
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}{last}"  # not the empty rows kept for new barriers
    meta = wb.create_sheet(META)
    for row, (key, value) in enumerate((("format", FORMAT), ("jurisdiction", jurisdiction)), start=1):
        set_text(meta.cell(row=row, column=1), key)
        set_text(meta.cell(row=row, column=2), value)
    meta.sheet_state = "veryHidden"
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    # Protection keeps ID and Version from being typed over; sorting and filtering still work.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    out = Path(out)
    return save_workbook(wb, out)


def lines_of(text: str, width: float) -> int:
    """About how many lines ``text`` takes in a wrapped column ``width`` characters wide."""
    usable = max(int(width) - 1, 1)
    return sum(max(1, -(-len(part) // usable)) for part in text.splitlines() or [""])


def print_setup(sheet: Worksheet, *, header: str = "", title_rows: str = "", gridlines: bool = False) -> None:
    """Landscape Letter, every column on one page's width, a footer naming the sheet and the page;
    optionally a page header, title rows repeated on every page, and gridlines."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.gridLines = gridlines
    if title_rows:
        sheet.print_title_rows = title_rows
    if header:
        # "&" starts a header code: a name with "&" in it is written "&&".
        sheet.oddHeader.left.text = header.replace("&", "&&")
    sheet.oddFooter.center.text = "&A, page &P of &N"


@dataclass
class SheetRow:
    """One row as typed: its row number and the text of each known column (None when blank)."""

    number: int
    values: dict[str, str | None]


def read_inventory(path: Path) -> tuple[str, list[SheetRow]]:
    """The jurisdiction the file was exported for and its non-blank rows; file-level problems
    (a file that cannot be read, a formula where a value belongs) raise."""
    name = Path(path).name
    wb = open_workbook(Path(path), SEND_HINT)
    if isinstance(wb, Problem):
        raise ValidationFailed(f"{name} could not be imported; nothing was changed.", [wb])
    try:
        return _read_rows(wb, name)
    except Unreadable as exc:
        raise ValidationFailed(
            f"{name} could not be imported; nothing was changed.", [unreadable_problem(name, exc.why, SEND_HINT)]
        ) from None
    finally:
        wb.close()


def _read_rows(wb: Workbook, name: str) -> tuple[str, list[SheetRow]]:
    """What ``read_inventory`` returns, read from the opened workbook."""
    if SHEET not in wb.sheetnames:
        raise ValidationFailed(
            f"{name} has no sheet named '{SHEET}'; nothing was changed.",
            [Problem(name, f"sheets found: {', '.join(wb.sheetnames)}.", SEND_HINT)],
        )
    jurisdiction = ""
    if META in wb.sheetnames:
        for key, value, *_ in rows(wb[META], max_col=2):
            if read_text(key) == "jurisdiction":
                jurisdiction = read_text(value)
    lines = rows(wb[SHEET])
    header = next(lines, ())
    columns: dict[int, Column] = {}
    for index, text in enumerate(header):
        column = HEADERS.get(read_text(text).casefold())
        if column is not None:
            columns[index] = column
    missing = [c.header for c in COLUMNS if c.field in ("id", "version", "title") and c not in columns.values()]
    if missing:
        raise ValidationFailed(
            f"{name} is missing column(s) {', '.join(missing)}; nothing was changed.",
            [Problem(f"{SHEET}!1", "the header row was changed.", SEND_HINT)],
        )
    found = []
    formulas = ProblemLog()
    for number, values in enumerate(lines, start=2):
        for i, column in columns.items():
            if i < len(values) and isinstance(values[i], Formula):
                formulas.add(
                    Problem(
                        f"{name} row {number}, column {column.header}",
                        f"is a formula ({values[i]}), which is not read as a value.",
                        FORMULA_FIX,
                    )
                )
        typed = {
            column.field: (read_text(values[i]) or None) if i < len(values) else None for i, column in columns.items()
        }
        if any(v is not None for v in typed.values()):
            found.append(SheetRow(number, typed))
    if formulas:
        raise ValidationFailed(
            f"{name} was not imported: {len(formulas)} cell(s) hold a formula where a value belongs; "
            "nothing was changed.",
            formulas.kept,
            formulas.more,
        )
    return jurisdiction, found
