"""A report as a workbook: an About sheet (what the report is, its key figures, its sheets), then
every table of the report as a sheet of data: numbers as numbers, text never a formula,
filterable, and printable landscape one page wide with the header on every page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from assessment.core.xlsx import set_text
from roadmaps.report.document import Cell, Column, Figures, ReportDocument, Table
from roadmaps.report.registry import register_report_renderer
from roadmaps.xlsx import LINE_HEIGHT, _lines, _print_setup

ABOUT = "About"
MAX_NAME = 31
ILLEGAL = re.compile(r"[\[\]:*?/\\]")
# Excel keeps "History" for itself; names differ in case only are the same name.
RESERVED = {"history"}
HEADER_FILL = PatternFill("solid", fgColor="DCE4EE")
HEADER_RULE = Border(bottom=Side(style="medium", color="1F4E79"))
TITLE_FONT = Font(bold=True, size=13, color="1F4E79")
NOTE_FONT = Font(italic=True, color="55606E")
BOLD = Font(bold=True)
LINK_FONT = Font(color="1F4E79", underline="single")
# Text is indented a little, so a right-aligned number in the column to its left never touches it.
TEXT = Alignment(horizontal="left", vertical="top", indent=1)
WRAP = Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1)
NUMBER = Alignment(horizontal="right", vertical="top")
HEADER_ALIGN = Alignment(horizontal="left", wrap_text=True, vertical="bottom", indent=1)
HEADER_ALIGN_NUMBER = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
MIN_WIDTH, MAX_WIDTH = 8.0, 60.0
SAMPLE_ROWS = 500  # rows measured for column widths
TITLE_ROW, HEADER_ROW = 1, 2
DATE_FORMAT = "mmmm d, yyyy"


def render_report_xlsx(document: ReportDocument, out: Path) -> Path:
    """Write ``document`` to ``out`` as a workbook and return the path."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = ABOUT
    names = SheetNames([ABOUT])
    listed: list[tuple[str, str]] = []  # (sheet, what it holds)
    for table in _sheet_tables(document):
        name = names.add(table.sheet or table.title)
        _fill(book.create_sheet(name), table)
        listed.append((name, table.title))
    _about(about, document, listed)
    book.properties.title = document.title
    book.properties.subject = document.subtitle
    book.properties.creator = document.author
    book.properties.language = document.language
    # Made in memory, then written: ``write_report`` writes every format under a temporary name.
    data = io.BytesIO()
    book.save(data)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data.getbuffer())
    return out


def _sheet_tables(document: ReportDocument) -> Iterable[Table]:
    """Every table in reading order, with the key figures that name a sheet as a table of their own."""
    for section in (*document.summary, *document.sections):
        for block in section.blocks:
            if isinstance(block, Table):
                yield block
            elif isinstance(block, Figures) and block.sheet:
                yield _figures_table(block)


def _figures_table(figures: Figures) -> Table:
    return Table(
        title=figures.title or "Key figures",
        sheet=figures.sheet,
        columns=[Column(heading="Figure"), Column(heading="Value"), Column(heading="Detail")],
        rows=[[item.label, item.value, item.detail] for item in figures.items],
    )


class SheetNames:
    """Sheet names a spreadsheet program accepts: no ``[]:*?/\\``, at most 31 characters, each once
    whatever its case ("Scores", then "Scores (2)")."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = {name.lower() for name in taken} | RESERVED

    def add(self, wanted: str) -> str:
        """A legal name as close to ``wanted`` as can be, not given out before."""
        name = " ".join(ILLEGAL.sub(" ", wanted).split()).strip("'") or "Sheet"
        name = name[:MAX_NAME].rstrip()
        count = 1
        candidate = name
        while candidate.lower() in self._taken:
            count += 1
            suffix = f" ({count})"
            candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
        self._taken.add(candidate.lower())
        return candidate


def _fill(sheet: Worksheet, table: Table) -> None:
    """The title, the header row (bold, shaded, frozen, filtered), then one row per record."""
    columns = table.columns
    title = sheet.cell(row=TITLE_ROW, column=1)
    set_text(title, table.title)
    title.font = TITLE_FONT
    widths = _widths(table)
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        set_text(cell, column.heading)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = HEADER_RULE
        cell.alignment = HEADER_ALIGN_NUMBER if column.numeric else HEADER_ALIGN
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(
        _lines(c.heading, w) for c, w in zip(columns, widths, strict=True)
    )
    wrapped = [not c.numeric and w >= MAX_WIDTH for c, w in zip(columns, widths, strict=True)]
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        lines = 1
        for index, (column, value) in enumerate(zip(columns, _cells(values, len(columns)), strict=True), start=1):
            cell = sheet.cell(row=r, column=index)
            _write(cell, column, value, wrap=wrapped[index - 1])
            if wrapped[index - 1] and isinstance(value, str):
                lines = max(lines, _lines(value, widths[index - 1]))
        if lines > 1:  # not every spreadsheet program grows a row for wrapped text
            sheet.row_dimensions[r].height = min(LINE_HEIGHT * lines, 409)
    last_row = HEADER_ROW + len(table.rows)
    below = last_row + 2
    if not table.rows:
        _note(sheet.cell(row=HEADER_ROW + 1, column=1), table.empty)
        below = HEADER_ROW + 3
    if table.note:
        _note(sheet.cell(row=below, column=1), table.note)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(last_row, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(sheet)


def _cells(values: Sequence[Cell], count: int) -> list[Cell]:
    """A row's cells, one per column: missing ones empty, extra ones dropped."""
    return (list(values) + [None] * count)[:count]


def _write(cell: SheetCell, column: Column, value: Cell, *, wrap: bool) -> None:
    """A number as a number in the column's format; anything else as text, never a formula."""
    if column.numeric and isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        if column.format:
            cell.number_format = column.format
        cell.alignment = NUMBER
    elif value is not None:
        set_text(cell, value)
        # "too few responses" where a number would be: in line with the numbers
        cell.alignment = NUMBER if column.numeric else WRAP if wrap else TEXT


def _note(cell: SheetCell, text: str) -> None:
    set_text(cell, text)
    cell.font = NOTE_FONT


def _widths(table: Table) -> list[float]:
    """Each column as wide as its longer values (up to ``MAX_WIDTH`` characters: longer text wraps)."""
    sample = table.rows[:SAMPLE_ROWS]
    widths = []
    for index, column in enumerate(table.columns):
        lengths = sorted(len(column.text(row[index] if index < len(row) else None)) for row in sample)
        typical = lengths[int(len(lengths) * 0.95)] if lengths else 0
        longest_word = max((len(word) for word in column.heading.split()), default=0)
        widths.append(min(max(typical + 2, longest_word + 3, MIN_WIDTH, min(len(column.heading) + 3, 16)), MAX_WIDTH))
    return widths


def _about(sheet: Worksheet, document: ReportDocument, listed: Sequence[tuple[str, str]]) -> None:
    """What the workbook is: the report's title, who prepared it and when, its key figures, its sheets."""
    set_text(sheet.cell(row=1, column=1), document.title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=16, color="1F4E79")
    row = 2
    if document.subtitle:
        set_text(sheet.cell(row=row, column=1), document.subtitle)
        sheet.cell(row=row, column=1).font = Font(size=12)
        row += 1
    row += 1
    facts: list[tuple[str, object]] = [("Prepared by", document.author), ("Prepared on", document.prepared_on)]
    for label, value in facts:
        set_text(sheet.cell(row=row, column=1), label)
        sheet.cell(row=row, column=1).font = BOLD
        cell = sheet.cell(row=row, column=2)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="left")
        row += 1
    for section in (*document.summary, *document.sections):
        for block in section.blocks:
            if not isinstance(block, Figures) or not block.items:
                continue
            row += 1
            set_text(sheet.cell(row=row, column=1), block.title or section.heading)
            sheet.cell(row=row, column=1).font = TITLE_FONT
            row += 1
            for item in block.items:
                set_text(sheet.cell(row=row, column=1), item.label)
                set_text(sheet.cell(row=row, column=2), item.value)
                sheet.cell(row=row, column=2).font = BOLD
                set_text(sheet.cell(row=row, column=3), item.detail, wrap=True)
                row += 1
    row += 1
    set_text(sheet.cell(row=row, column=1), "Sheets in this workbook")
    sheet.cell(row=row, column=1).font = TITLE_FONT
    row += 1
    if not listed:
        _note(sheet.cell(row=row, column=1), "This report has no tables.")
    for name, title in listed:
        link = sheet.cell(row=row, column=1)
        set_text(link, name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(name)}!A1")
        link.font = LINK_FONT
        set_text(sheet.cell(row=row, column=2), title, wrap=True)
        row += 1
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 48
    _print_setup(sheet)


register_report_renderer("xlsx", ".xlsx", render_report_xlsx)
