"""The survey form an alliance lead fills with partners' answers: instructions, a Survey sheet with a
row per respondent and a column per statement (each with a drop-down of the five answers), and a
hidden sheet saying which instrument version and cohort it is for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from assessment.core.files import save_workbook
from assessment.core.xlsx import set_text
from assessment.survey.form import (
    FIELDS,
    FORM_FORMAT,
    FORM_ROWS,
    HEADERS,
    INSTRUCTIONS_SHEET,
    JURISDICTION,
    META_SHEET,
    SURVEY_SHEET,
)
from assessment.survey.instrument import Instrument

TITLE_ROW, NOTE_ROW, ID_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_ROW = HEADER_ROW + 1
# Narrow enough that a printed page (landscape, fit to width) stays readable with 14 statements.
FIELD_WIDTHS = {"respondent": 14, "organization": 20, "jurisdiction": 18}
STATEMENT_WIDTH = 15
INLINE_LIST_LIMIT = 255  # Excel refuses a drop-down list typed inline when it is longer
JURISDICTIONS_COLUMN = 4  # of the hidden sheet, when the list is too long to type inline

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_FIELD_FILL = PatternFill("solid", fgColor="404040")
_HEADER_FONT = Font(bold=True, color="FFFFFF", size=10)
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LINE_POINTS = 15.0


@dataclass(frozen=True)
class FormContext:
    """Who the form is for: the cohort, its jurisdictions (by name) and its small-number minimum."""

    cohort: str
    jurisdictions: Sequence[str]
    minimum: int


def _height(text: str, width: float, bold: bool = False) -> float:
    """A row tall enough for ``text`` wrapped in a column ``width`` wide (Excel does not fit rows on open)."""
    per_line = max(int(width * (1.05 if bold else 1.1)), 1)
    lines = sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))
    return min(lines * _LINE_POINTS + 4, 409.0)


def _write_meta(book: Workbook, instrument: Instrument, context: FormContext) -> Worksheet:
    meta = book.create_sheet(META_SHEET)
    details: list[tuple[str, object]] = [
        ("format", FORM_FORMAT),
        ("instrument_id", instrument.id),
        ("instrument_version", instrument.version),
        ("instrument_hash", instrument.content_hash),
        ("cohort", context.cohort),
        ("written", f"{datetime.now():%Y-%m-%d %H:%M}"),
    ]
    for number, (key, value) in enumerate(details, start=1):
        set_text(meta.cell(row=number, column=1), key)
        if isinstance(value, int):
            meta.cell(row=number, column=2, value=value)
        else:
            set_text(meta.cell(row=number, column=2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    return meta


def _jurisdiction_source(meta: Worksheet, names: Sequence[str]) -> str:
    """The jurisdiction drop-down's list: inline when Excel allows, else a range of the hidden sheet."""
    inline = ",".join(names)
    if len(inline) + 2 <= INLINE_LIST_LIMIT and not any("," in n or '"' in n for n in names):
        return f'"{inline}"'
    letter = get_column_letter(JURISDICTIONS_COLUMN)
    set_text(meta.cell(row=1, column=JURISDICTIONS_COLUMN), "jurisdictions")
    for number, name in enumerate(names, start=2):
        set_text(meta.cell(row=number, column=JURISDICTIONS_COLUMN), name)
    return f"'{META_SHEET}'!${letter}$2:${letter}${len(names) + 1}"


def _write_instructions(ws: Worksheet, instrument: Instrument, context: FormContext) -> None:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 96
    set_text(ws["A1"], instrument.title)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 24
    set_text(ws["A2"], f"The form for {context.cohort}")
    ws["A2"].font = Font(italic=True, size=12)
    no_list = "" if context.jurisdictions else " (no jurisdiction is enrolled in the cohort yet, so there is no list)"
    steps = [
        "Use one row of the Survey sheet for each person who answered. Type a name, initials or a number "
        "in Respondent: it tells the rows apart and is never shown in the results.",
        "Organization and Jurisdiction are optional. Pick the jurisdiction from the list when the person works "
        f"with one of the cohort's teams{no_list}; leave it blank otherwise, and their answers count in the "
        "overall results only.",
        "For each statement, pick the person's answer from the drop-down, from Strongly disagree to Strongly "
        "agree. Leave the cell blank when they gave no answer: a blank is not counted as a no.",
        "Keep the Survey sheet's name and the hidden row above its headers: they tell the import which column "
        "is which statement. Widening columns, sorting rows or editing a header's wording is fine.",
        f'Save the file and import it: accelerator survey import --cohort "{context.cohort}" FILE.xlsx. '
        "Every problem is listed with its cell, and nothing is imported until all are fixed. Importing the same "
        "file again changes nothing.",
    ]
    results = (
        "For each statement: how many answered it, and the share of them who agree or strongly agree, overall "
        f"and per jurisdiction. Where fewer than {context.minimum} people answered, the results say "
        '"too few responses" instead of a share; another jurisdiction may be hidden too, so that a hidden '
        "figure can't be worked out from the others."
    )
    rows: list[tuple[str, str, bool]] = []
    if instrument.description:
        rows += [("About", instrument.description, False), ("", "", False)]
    rows += [("How to fill it in", "", True)]
    rows += [(f"Step {number}", text, False) for number, text in enumerate(steps, start=1)]
    rows += [("", "", False), ("The answers", "", True)]
    rows += [(str(point.value), point.label, False) for point in instrument.scale]
    rows += [("", "", False), ("The statements", "", True)]
    rows += [(statement.theme, statement.text, False) for statement in instrument.statements]
    rows += [("", "", False), ("What the results show", "", True), ("", results, False)]
    rows += [("", "", False), ("Survey", f"{instrument.id}, version {instrument.version}", False)]
    for number, (label, text, heading) in enumerate(rows, start=4):
        first, second = ws.cell(row=number, column=1), ws.cell(row=number, column=2)
        set_text(first, label)
        set_text(second, text, wrap=True)
        first.alignment = Alignment(vertical="top", horizontal="left", wrap_text=True)
        first.font = Font(bold=True, size=12 if heading else 11)
        if text:
            ws.row_dimensions[number].height = max(_height(text, 96), _height(label, 30, bold=True))
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)


def _write_survey(ws: Worksheet, instrument: Instrument, context: FormContext) -> None:
    statements = instrument.statements
    last_column = len(FIELDS) + len(statements)
    last_letter = get_column_letter(last_column)
    set_text(ws.cell(row=TITLE_ROW, column=1), f"{instrument.title}: {context.cohort}")
    ws.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=14)
    ws.row_dimensions[TITLE_ROW].height = 22
    note = (
        "One row per person who answered. Pick each answer from its drop-down; leave a cell blank when there was "
        "no answer. Organization and Jurisdiction are optional. The Instructions sheet says more."
    )
    set_text(ws.cell(row=NOTE_ROW, column=1), note, wrap=True)
    ws.cell(row=NOTE_ROW, column=1).font = Font(italic=True, color="404040")
    ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=min(last_column, 8))
    ws.row_dimensions[NOTE_ROW].height = 32

    # The hidden row of ids: the import finds each statement's column by it even when a header's
    # wording was edited or the columns were moved.
    keys = [*FIELDS, *(s.id for s in statements)]
    headers = [HEADERS[key] for key in FIELDS] + [s.text for s in statements]
    widths = [float(FIELD_WIDTHS[key]) for key in FIELDS] + [float(STATEMENT_WIDTH)] * len(statements)
    for column, (key, header, width) in enumerate(zip(keys, headers, widths, strict=True), start=1):
        set_text(ws.cell(row=ID_ROW, column=column), key)
        cell = ws.cell(row=HEADER_ROW, column=column)
        set_text(cell, header)
        cell.font = _HEADER_FONT
        cell.fill = _FIELD_FILL if key in FIELDS else _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[ID_ROW].hidden = True
    ws.row_dimensions[HEADER_ROW].height = max(_height(text, STATEMENT_WIDTH, bold=True) for text in headers)

    last_row = FIRST_ROW + FORM_ROWS - 1
    # Answers wrap inside their column ("Neither agree nor disagree" is wider than it) on rows two
    # lines tall, so a filled sheet reads and prints as a table (spreadsheet programs do not grow
    # rows of a file they open).
    wrapped = Alignment(wrap_text=True, vertical="top")
    for cells in ws.iter_rows(min_row=FIRST_ROW, max_row=last_row, max_col=last_column):
        for cell in cells:
            cell.alignment = wrapped
    for number in range(FIRST_ROW, last_row + 1):
        ws.row_dimensions[number].height = 2 * _LINE_POINTS
    first_answer = get_column_letter(len(FIELDS) + 1)
    answers = DataValidation(
        type="list",
        formula1='"' + ",".join(instrument.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=False,
        errorTitle="Pick an answer from the list",
        error=f"Pick one of: {', '.join(instrument.labels)}. Leave the cell blank when there was no answer.",
    )
    answers.add(f"{first_answer}{FIRST_ROW}:{last_letter}{last_row}")
    ws.add_data_validation(answers)

    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2).coordinate
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.gridLines = True  # a filled sheet prints as a table, without borders on every cell
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5)
    ws.oddFooter.center.text = "Page &P of &N"


def _add_jurisdiction_dropdown(ws: Worksheet, meta: Worksheet, names: Sequence[str]) -> None:
    if not names:
        return
    letter = get_column_letter(FIELDS.index(JURISDICTION) + 1)
    choose = DataValidation(
        type="list",
        formula1=_jurisdiction_source(meta, names),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Pick a jurisdiction from the list",
        error="Pick one of the cohort's jurisdictions from the list, or leave the cell blank.",
    )
    choose.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + FORM_ROWS - 1}")
    ws.add_data_validation(choose)


def write_form(instrument: Instrument, context: FormContext, out: Path) -> Path:
    """Write the survey form for a cohort: instructions, the Survey sheet and its hidden details."""
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    survey = book.create_sheet(SURVEY_SHEET)
    meta = _write_meta(book, instrument, context)
    _write_instructions(instructions, instrument, context)
    _write_survey(survey, instrument, context)
    _add_jurisdiction_dropdown(survey, meta, context.jurisdictions)
    book.active = survey
    # Two selected tabs would open as a group, and typing would then edit both sheets.
    instructions.sheet_view.tabSelected = False
    survey.sheet_view.tabSelected = True
    book.properties.title = f"{instrument.title}: {context.cohort}"
    book.properties.creator = "Equity Accelerator"
    return save_workbook(book, Path(out))
