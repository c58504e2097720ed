"""The workbook a respondent fills: instructions, a protected Ratings sheet with a drop-down, and
hidden metadata; and filling it as a person would (for tests, benchmarks and the demo)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from assessment.core.files import save_workbook
from assessment.core.xlsx import read_text, set_text
from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE, answer_choices
from assessment.selfassessment.rubric import Rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
from assessment.selfassessment.sheet import (
    EVIDENCE_HEADER,
    ID_HEADER,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    RATING_HEADER,
    RATING_SHEET,
    RESPONDENT_LABELS,
    TEMPLATE_FORMAT,
    cell_at,
    header_columns,
    respondent_key,
)

# Excel refuses a drop-down list typed inline when it is longer than this, and longer messages.
INLINE_LIST_LIMIT = 255
DROPDOWN_MESSAGE_LIMIT = 225

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_LINE_POINTS = 15.0


@dataclass
class _Layout:
    """Where things are on the Ratings sheet of a template."""

    levels: int
    id_width: float = 16
    title_row: int = 1
    respondent_rows: dict[str, int] = field(default_factory=lambda: {"name": 2, "email": 3, "role": 4})
    header_row: int = 6

    @property
    def first_indicator_row(self) -> int:
        return self.header_row + 1

    @property
    def widths(self) -> list[float]:
        return [20, self.id_width, 42, *([30] * self.levels), 24, 48]

    @property
    def rating_column(self) -> int:
        return 4 + self.levels

    @property
    def evidence_column(self) -> int:
        return 5 + self.levels


def _row_height(texts: Iterable[tuple[str, float]]) -> float:
    """A row tall enough to show wrapped text, since Excel does not fit rows on open."""
    lines = 1
    for text, width in texts:
        per_line = max(int(width * 0.9), 1)
        lines = max(lines, sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n")))
    return min(lines * _LINE_POINTS, 409.0)


def _answers_source(rubric: Rubric, meta: Worksheet, column: int) -> str:
    """The drop-down's list: inline when Excel allows, else a range of the hidden sheet."""
    choices = answer_choices(rubric)
    inline = ",".join(choices)
    if len(inline) + 2 <= INLINE_LIST_LIMIT and not any("," in c or '"' in c for c in choices):
        return f'"{inline}"'
    letter = get_column_letter(column)
    meta.cell(row=1, column=column, value="allowed_answers")
    for offset, choice in enumerate(choices, start=2):
        set_text(meta.cell(row=offset, column=column), choice)
    return f"'{META_SHEET}'!${letter}$2:${letter}${len(choices) + 1}"


def _write_meta(wb: Workbook, rubric: Rubric, context: WorkbookContext, layout: _Layout) -> Worksheet:
    meta = wb.create_sheet(META_SHEET)
    rows: list[tuple[str, object]] = [
        ("rubric_id", rubric.id),
        ("rubric_version", rubric.version),
        ("rubric_hash", rubric.content_hash),
        *context.metadata().items(),
        ("template_format", TEMPLATE_FORMAT),
        ("header_row", layout.header_row),
        ("first_indicator_row", layout.first_indicator_row),
    ]
    for number, (key, value) in enumerate(rows, start=1):
        meta.cell(row=number, column=1, value=key)
        if isinstance(value, int):
            meta.cell(row=number, column=2, value=value)
        else:
            set_text(meta.cell(row=number, column=2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    return meta


def _write_instructions(ws: Worksheet, rubric: Rubric, context: WorkbookContext) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    set_text(ws["A1"], rubric.title)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 24
    set_text(ws["A2"], "Self-assessment workbook")
    ws["A2"].font = Font(italic=True, size=12)
    steps = [
        'Open the "Ratings" sheet and fill in your name, email and role in the yellow cells at the top.',
        "For each practice, read the level descriptions and pick, in the Rating column, the level that "
        "best describes where your department is today, not where it plans to be.",
        f'"{DONT_KNOW}" and "{NOT_APPLICABLE}" are fine answers: pick them rather than guess. '
        "They are left out of the team's rating.",
        'Add evidence or notes in the "Evidence / notes" column: a policy, a contract, an example '
        "that supports your rating. It is optional but helps the team's discussion.",
        "Don't change the structure: don't add, remove, rename or reorder sheets, rows or columns. "
        "The layout is protected to prevent accidental changes; only the yellow cells can be edited.",
        "Save the file as an Excel workbook (.xlsx) and send it back to your equity program manager.",
    ]
    next_steps = (
        "Your equity program manager combines everyone's ratings into the team's rating for each practice. "
        "Where ratings differ a lot, the team discusses them together before settling on a rating."
    )
    rows: list[tuple[str, str, bool]] = [
        ("Jurisdiction", context.jurisdiction, False),
        ("Cohort", context.cohort, False),
        ("Cycle", context.cycle.value.capitalize(), False),
        ("Rubric", f"{rubric.id}, version {rubric.version}", False),
        ("", "", False),
    ]
    if rubric.description:
        rows += [("About", rubric.description, False), ("", "", False)]
    rows += [("How to fill it in", "", True)]
    rows += [(f"Step {number}", text, False) for number, text in enumerate(steps, start=1)]
    rows += [("", "", False), ("The levels", "", True)]
    rows += [(str(level.value), level.name, False) for level in rubric.levels]
    rows += [("", DONT_KNOW, False), ("", NOT_APPLICABLE, False)]
    rows += [("", "", False), ("What happens next", "", True), ("", next_steps, False)]
    for number, (label, text, heading) in enumerate(rows, start=4):
        set_text(ws.cell(row=number, column=1), label)
        set_text(ws.cell(row=number, column=2), text, wrap=True)
        ws.cell(row=number, column=1).alignment = Alignment(vertical="top", horizontal="left")
        ws.cell(row=number, column=1).font = Font(bold=True, size=12 if heading else 11)
        if text:
            ws.row_dimensions[number].height = _row_height([(text, 100)])
    ws.protection.sheet = True
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_ratings(
    ws: Worksheet, rubric: Rubric, context: WorkbookContext, respondent: RespondentInfo, layout: _Layout
) -> None:
    set_text(ws.cell(row=layout.title_row, column=1), f"{rubric.title}: {context.jurisdiction}, {context.cycle.value}")
    ws.cell(row=layout.title_row, column=1).font = Font(bold=True, size=14)
    ws.row_dimensions[layout.title_row].height = 22
    hints = {"name": "Required", "email": "Required", "role": "Optional, e.g. Procurement officer"}
    for key, row in layout.respondent_rows.items():
        label = ws.cell(row=row, column=1)
        set_text(label, RESPONDENT_LABELS[key])
        label.font = Font(bold=True)
        answer = ws.cell(row=row, column=2)
        set_text(answer, getattr(respondent, key))
        answer.fill, answer.protection, answer.border = _INPUT_FILL, _UNLOCKED, _BORDER
        ws.cell(row=row, column=3).border = _BORDER
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        hint = ws.cell(row=row, column=4, value=hints[key])
        hint.font = Font(italic=True, color="7F7F7F")

    levels = answer_choices(rubric)[: rubric.max_level]
    headers = ["Domain", ID_HEADER, "Practice", *levels, RATING_HEADER, EVIDENCE_HEADER]
    for column, (header, width) in enumerate(zip(headers, layout.widths, strict=True), start=1):
        cell = ws.cell(row=layout.header_row, column=column)
        set_text(cell, header)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[layout.header_row].height = 30

    row = layout.first_indicator_row
    for domain in rubric.domains:
        for indicator in domain.indicators:
            texts = [domain.title, indicator.id, indicator.text]
            texts += [indicator.levels[level.value] for level in rubric.levels]
            for column, text in enumerate(texts, start=1):
                cell = ws.cell(row=row, column=column)
                set_text(cell, text)
                cell.alignment, cell.border = _WRAP, _BORDER
            for column in (layout.rating_column, layout.evidence_column):
                cell = ws.cell(row=row, column=column)
                cell.alignment, cell.border = _WRAP, _BORDER
                cell.fill, cell.protection = _INPUT_FILL, _UNLOCKED
            ws.row_dimensions[row].height = _row_height(zip(texts, layout.widths[: len(texts)], strict=True))
            row += 1

    ws.freeze_panes = ws.cell(row=layout.first_indicator_row, column=1).coordinate
    ws.print_title_rows = f"{layout.header_row}:{layout.header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.oddFooter.center.text = "Page &P of &N"
    # Resizing rows and columns is harmless and helps people read long descriptors.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _add_rating_dropdown(ws: Worksheet, source: str, rubric: Rubric, layout: _Layout, last_row: int) -> None:
    levels = ", ".join(answer_choices(rubric)[: rubric.max_level])
    error = f"Pick a level from the list ({levels}), {DONT_KNOW} or {NOT_APPLICABLE}, or leave it blank."
    if len(error) > DROPDOWN_MESSAGE_LIMIT:
        error = f"Pick an answer from the list: a level, {DONT_KNOW} or {NOT_APPLICABLE}, or leave it blank."
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="Pick a rating from the list",
        error=error,
        promptTitle="Rating",
        prompt="Pick the level that best describes where your department is today.",
    )
    letter = get_column_letter(layout.rating_column)
    validation.add(f"{letter}{layout.first_indicator_row}:{letter}{last_row}")
    ws.add_data_validation(validation)


def write_template(
    rubric: Rubric, out: Path, context: WorkbookContext, respondent: RespondentInfo | None = None
) -> Path:
    """Write the workbook a respondent fills: instructions, ratings and hidden metadata."""
    out = Path(out)
    longest_id = max(len(indicator.id) for indicator in rubric.indicators)
    layout = _Layout(levels=rubric.max_level, id_width=min(max(longest_id + 2, 14), 32))
    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    ratings = wb.create_sheet(RATING_SHEET)
    meta = _write_meta(wb, rubric, context, layout)
    _write_instructions(instructions, rubric, context)
    _write_ratings(ratings, rubric, context, respondent or RespondentInfo(), layout)
    last_row = layout.first_indicator_row + len(rubric.indicators) - 1
    _add_rating_dropdown(ratings, _answers_source(rubric, meta, column=4), rubric, layout, last_row)

    wb.active = ratings
    # Two selected tabs would open as a group, and typing would then edit both sheets.
    instructions.sheet_view.tabSelected = False
    ratings.sheet_view.tabSelected = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = f"{rubric.title}: {context.jurisdiction}"
    wb.properties.creator = "Equity Accelerator"
    return save_workbook(wb, out)


def fill_workbook(
    template: Path,
    out: Path,
    respondent: RespondentInfo,
    answers: Mapping[str, int | float | str | None],
    evidence: Mapping[str, str] | None = None,
) -> Path:
    """Fill a template like a respondent: name, email and role at the top, ratings and notes below."""
    wb = load_workbook(template)
    ws = wb[RATING_SHEET]
    header: dict[str, int] | None = None
    rows: dict[str, int] = {}
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if header is None:
            key = respondent_key(values[0] if values else None)
            if key is not None:
                set_text(ws.cell(row=number, column=2), getattr(respondent, key))
            header = header_columns(values)
            continue
        indicator_id = read_text(cell_at(values, header["id"]))
        if indicator_id:
            rows[indicator_id] = number
    if header is None:
        raise ValueError(f"{template} has no header row with '{ID_HEADER}' and '{RATING_HEADER}'")
    unknown = sorted((set(answers) | set(evidence or {})) - set(rows))
    if unknown:
        raise ValueError(f"{template} has no row for indicator(s) {', '.join(unknown)}")
    for indicator_id, answer in answers.items():
        cell = ws.cell(row=rows[indicator_id], column=header["rating"] + 1)
        if isinstance(answer, bool):
            raise TypeError(f"rating for {indicator_id} must be a number, a text or None, not {answer!r}")
        if isinstance(answer, (int, float)):
            cell.value = answer
        else:
            set_text(cell, answer)
    if evidence and "evidence" in header:
        for indicator_id, text in evidence.items():
            set_text(ws.cell(row=rows[indicator_id], column=header["evidence"] + 1), text)
    out = Path(out)
    return save_workbook(wb, out)
