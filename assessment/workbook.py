"""The self-assessment workbook: a template for each respondent, and the import of filled ones."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, field_validator

from assessment.cells import read_text, set_text
from assessment.errors import Problem, ValidationFailed
from assessment.rubric import Rubric
from assessment.xlsx_guard import xlsx_bytes

RATING_SHEET = "Ratings"
INSTRUCTIONS_SHEET = "Instructions"
META_SHEET = "_meta"
DONT_KNOW = "Don't know"
NOT_APPLICABLE = "Not applicable"
CYCLES = ("baseline", "midpoint", "final")
TEMPLATE_FORMAT = 1

ID_HEADER = "Indicator ID"
RATING_HEADER = "Rating"
EVIDENCE_HEADER = "Evidence / notes"
RESPONDENT_LABELS = {"name": "Respondent name", "email": "Respondent email", "role": "Respondent role"}
CONTEXT_FIELDS = ("jurisdiction", "cohort", "cycle")
# Excel refuses a drop-down list typed inline when it is longer than this, and longer messages.
INLINE_LIST_LIMIT = 255
DROPDOWN_MESSAGE_LIMIT = 225


class RespondentInfo(BaseModel):
    """Who filled a workbook."""

    name: str = ""
    email: str = ""
    role: str = ""


class WorkbookContext(BaseModel):
    """What a workbook is for: written as hidden metadata and checked on import."""

    jurisdiction: str
    cohort: str
    cycle: str

    @field_validator("cycle", mode="before")
    @classmethod
    def _known_cycle(cls, value: object) -> object:
        text = str(value.value if isinstance(value, Enum) else value).strip().lower()
        if text not in CYCLES:
            raise ValueError(f"cycle must be one of {', '.join(CYCLES)}; got '{value}'")
        return text


class WorkbookRatings(BaseModel):
    """One respondent's parsed workbook."""

    source: str
    respondent: RespondentInfo
    ratings: dict[str, int | None]
    answers: dict[str, str]
    evidence: dict[str, str]


# ---------------------------------------------------------------------------------------------
# Answers


_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u0060\u00b4"})
_DONT_KNOW_SPELLINGS = {"don't know", "dont know", "do not know", "dk"}
_NOT_APPLICABLE_SPELLINGS = {"not applicable", "n/a", "na", "n.a.", "n.a", "n / a"}
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
_NUMBERED_NAME = re.compile(r"(\d+)(?:\.0*)?\s*(?:-\s*)?(\D.*)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _normalize(text: str) -> str:
    """Text as compared: dashes and apostrophes unified, case and spacing ignored."""
    return " ".join(text.translate(_DASHES).translate(_QUOTES).casefold().split())


def answer_choices(rubric: Rubric) -> list[str]:
    """The answers offered in the Rating drop-down, in order."""
    return [f"{level.value} - {level.name}" for level in rubric.levels] + [DONT_KNOW, NOT_APPLICABLE]


@dataclass(frozen=True)
class _Scale:
    """The rubric's levels, ready to read what people type."""

    max_level: int
    levels_by_name: dict[str, int]
    choices: list[str]

    @classmethod
    def of(cls, rubric: Rubric) -> _Scale:
        return cls(
            max_level=rubric.max_level,
            levels_by_name={_normalize(level.name): level.value for level in rubric.levels},
            choices=answer_choices(rubric),
        )

    def _level(self, number: int | float, shown: str) -> int:
        if not 1 <= number <= self.max_level:
            raise ValueError(f"{shown} is not a level; levels go from 1 to {self.max_level}")
        if not float(number).is_integer():
            raise ValueError(f"{shown} is not a whole level; levels go from 1 to {self.max_level}")
        return int(number)

    def parse(self, value: object) -> int | str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"'{value}' is not a rating")
        if isinstance(value, (int, float)):
            return self._level(value, str(value))
        text = _normalize(value)
        if not text:
            return None
        if text in _DONT_KNOW_SPELLINGS:
            return DONT_KNOW
        if text in _NOT_APPLICABLE_SPELLINGS:
            return NOT_APPLICABLE
        if text in self.levels_by_name:
            return self.levels_by_name[text]
        if _NUMBER.fullmatch(text):
            return self._level(float(text), value.strip())
        numbered = _NUMBERED_NAME.fullmatch(text)
        if numbered:
            number, name = int(numbered.group(1)), numbered.group(2)
            named = self.levels_by_name.get(name)
            if named == number:
                return number
            if named is not None:
                raise ValueError(f"'{value.strip()}' names level {number} but '{name}' is level {named}")
            self._level(number, value.strip())
        raise ValueError(f"'{value.strip()}' is not one of the answers")

    def canonical(self, answer: int | str | None) -> str:
        if answer is None:
            return ""
        if isinstance(answer, int):
            return self.choices[answer - 1]
        return answer


def parse_answer(value: object, rubric: Rubric) -> int | None | str:
    """A Rating cell as a level, DONT_KNOW, NOT_APPLICABLE or None (blank); ValueError if no answer."""
    return _Scale.of(rubric).parse(value)


# ---------------------------------------------------------------------------------------------
# The template

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
        ("jurisdiction", context.jurisdiction),
        ("cohort", context.cohort),
        ("cycle", context.cycle),
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
        ("Cycle", context.cycle.capitalize(), False),
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
    set_text(ws.cell(row=layout.title_row, column=1), f"{rubric.title}: {context.jurisdiction}, {context.cycle}")
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
            ws.row_dimensions[row].height = _row_height(zip(texts, layout.widths))
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
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# ---------------------------------------------------------------------------------------------
# Finding things on the Ratings sheet, in a template or a filled file


_HEADER_KEYS = {_normalize(ID_HEADER): "id", _normalize(RATING_HEADER): "rating"}


def _header_columns(values: Sequence[object]) -> dict[str, int] | None:
    """Column indexes (0-based) of the ID, Rating and Evidence headers, if this is the header row."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str):
            text = _normalize(value)
            key = _HEADER_KEYS.get(text, "evidence" if text.startswith("evidence") else None)
            if key is not None and key not in found:
                found[key] = index
    return found if "id" in found and "rating" in found else None


def _respondent_key(value: object) -> str | None:
    """Which respondent field a column-A label names, if any."""
    if not isinstance(value, str):
        return None
    label = _normalize(value).rstrip(":").strip().replace("e-mail", "email")
    for key, text in RESPONDENT_LABELS.items():
        if label in (_normalize(text), key):
            return key
    return None


def _respondent_value(values: Sequence[object]) -> tuple[str, int]:
    """The answer next to a label: column B, or C where a re-save split the merged cell."""
    for index in (1, 2):
        text = read_text(_at(values, index))
        if text:
            return text, index
    return "", 1


def _at(values: Sequence[object], index: int | None) -> object:
    if index is None or index >= len(values):
        return None
    return values[index]


# ---------------------------------------------------------------------------------------------
# Filling, as a person would


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
            key = _respondent_key(values[0] if values else None)
            if key is not None:
                set_text(ws.cell(row=number, column=2), getattr(respondent, key))
            header = _header_columns(values)
            continue
        indicator_id = read_text(_at(values, header["id"]))
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
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# ---------------------------------------------------------------------------------------------
# The import


@dataclass
class _Reading:
    """What was read from one file, with every problem found in it."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    respondent: RespondentInfo | None = None
    email_at: str = RATING_SHEET
    result: WorkbookRatings | None = None

    def problem(self, where: str, message: str, fix: str = "") -> None:
        location = f"{self.source} {where}" if where else self.source
        self.problems.append(Problem(location, message, fix))


_SEND_TEMPLATE = "Send the .xlsx file made from the template your equity program manager sent."


def _open_archive(path: Path, reading: _Reading) -> bytes | None:
    """The file's bytes, once it is known to be a plain workbook of a sane size."""
    data = xlsx_bytes(path, _SEND_TEMPLATE)
    if isinstance(data, Problem):
        reading.problem("", data.message, data.fix)
        return None
    return data


def _read_meta(ws: Worksheet, rubric: Rubric, context: WorkbookContext, reading: _Reading) -> bool:
    """Check the hidden metadata against what is expected; False when it is for another rubric."""
    meta: dict[str, tuple[str, int]] = {}
    for number, values in enumerate(ws.iter_rows(min_row=1, min_col=1, max_col=2, values_only=True), start=1):
        key = read_text(_at(values, 0))
        if key and key not in meta:
            meta[key] = (read_text(_at(values, 1)), number)
    where = META_SHEET
    required = ("rubric_id", "rubric_version", "rubric_hash", *CONTEXT_FIELDS)
    missing = [key for key in required if not meta.get(key, ("", 0))[0]]
    if missing:
        reading.problem(
            where,
            f"the hidden metadata is incomplete (no {', '.join(missing)}), "
            "so this is not a workbook made from the template.",
            _SEND_TEMPLATE,
        )
        return True
    expected_for = f"{context.jurisdiction}, {context.cohort}, {context.cycle}"
    found_rubric = f"'{meta['rubric_id'][0]}' version {meta['rubric_version'][0]}"
    wanted_rubric = f"'{rubric.id}' version {rubric.version}"
    if (meta["rubric_id"][0], meta["rubric_version"][0]) != (rubric.id, rubric.version):
        row = meta["rubric_id"][1] if meta["rubric_id"][0] != rubric.id else meta["rubric_version"][1]
        reading.problem(
            f"{where}!B{row}",
            f"this workbook is for rubric {found_rubric}, but this import uses rubric {wanted_rubric}.",
            f"Use the template made from rubric {wanted_rubric} for {expected_for}.",
        )
        return False
    if meta["rubric_hash"][0] != rubric.content_hash:
        reading.problem(
            f"{where}!B{meta['rubric_hash'][1]}",
            f"this workbook was made from an earlier or different text of rubric {wanted_rubric}: "
            "the rubric has changed since the template was made.",
            f"Make a new template for {expected_for} and copy the answers into it.",
        )
        return False
    for key in CONTEXT_FIELDS:
        found, row = meta[key]
        wanted = str(getattr(context, key))
        if _normalize(found) != _normalize(wanted):
            reading.problem(
                f"{where}!B{row}",
                f"this workbook is for {key} '{found}', but this import is for {key} '{wanted}'.",
                f"Use the workbook made from the template for {expected_for}.",
            )
    return True


def _check_respondent(found: Mapping[str, tuple[str, str]], reading: _Reading) -> None:
    """Keep who answered; name and a plausible email are required."""
    name, name_at = found.get("name", ("", RATING_SHEET))
    email, email_at = found.get("email", ("", RATING_SHEET))
    role, _ = found.get("role", ("", RATING_SHEET))
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    if not name:
        reading.problem(name_at, "the Respondent name is missing.", "Type your name next to 'Respondent name'.")
    if not email:
        reading.problem(email_at, "the Respondent email is missing.", "Type your email next to 'Respondent email'.")
    elif not _EMAIL.fullmatch(email):
        reading.problem(
            email_at, f"'{email}' does not look like an email address.", "Type an address like name@example.org."
        )
    reading.respondent = RespondentInfo(name=name, email=email, role=role)
    reading.email_at = email_at


def _read_ratings(ws: Worksheet, rubric: Rubric, scale: _Scale, reading: _Reading, check_rubric: bool) -> None:
    """Read respondent and ratings from the Ratings sheet, noting every problem."""
    where = RATING_SHEET
    header: dict[str, int] | None = None
    respondent: dict[str, tuple[str, str]] = {}
    known = {indicator.id for indicator in rubric.indicators}
    found: dict[str, tuple[int | str | None, str, int]] = {}
    allowed = f"Pick one of {', '.join(scale.choices)}, or leave it blank."
    rating_letter = id_letter = ""
    for number, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        if header is None:
            key = _respondent_key(_at(values, 0))
            if key is not None and key not in respondent:
                text, index = _respondent_value(values)
                respondent[key] = (text, f"{where}!{get_column_letter(index + 1)}{number}")
            header = _header_columns(values)
            if header is not None:
                id_letter = get_column_letter(header["id"] + 1)
                rating_letter = get_column_letter(header["rating"] + 1)
            continue
        if not check_rubric:
            continue
        indicator_id = read_text(_at(values, header["id"]))
        raw = _at(values, header["rating"])
        if not indicator_id:
            if read_text(raw):
                reading.problem(
                    f"{where}!{rating_letter}{number}",
                    f"there is a rating ('{read_text(raw)}') on a row without an {ID_HEADER}.",
                    "Put ratings only on the rows of the template; don't add rows.",
                )
            continue
        if indicator_id not in known:
            reading.problem(
                f"{where}!{id_letter}{number}",
                f"'{indicator_id}' is not an indicator of rubric '{rubric.id}' version {rubric.version}.",
                "Don't change the Indicator ID column; use the template for this rubric.",
            )
            continue
        if indicator_id in found:
            reading.problem(
                f"{where}!{id_letter}{number}",
                f"indicator '{indicator_id}' appears twice (rows {found[indicator_id][2]} and {number}).",
                "Keep one row per indicator: delete the copy or start again from the template.",
            )
            continue
        try:
            answer = scale.parse(raw)
        except ValueError as exc:
            message = f"the rating for {indicator_id} is not readable: {exc}."
            reading.problem(f"{where}!{rating_letter}{number}", message, allowed)
            answer = None
        note = read_text(_at(values, header["evidence"])) if "evidence" in header else ""
        found[indicator_id] = (answer, note, number)

    if header is None:
        reading.problem(
            where,
            f"there is no header row with '{ID_HEADER}' and '{RATING_HEADER}', so no rating can be read.",
            "Don't change the headers of the Ratings sheet; start again from the template if they are gone.",
        )
    elif check_rubric:
        for indicator in rubric.indicators:
            if indicator.id not in found:
                reading.problem(
                    where,
                    f"indicator '{indicator.id}' ({indicator.text}) has no row.",
                    "Don't delete rows; start again from the template if rows are gone.",
                )

    _check_respondent(respondent, reading)
    if header is not None and found and all(answer is None for answer, _, _ in found.values()):
        reading.problem(
            f"{where}!{rating_letter}{min(number for _, _, number in found.values())}",
            "no practice has a rating: the Rating column is empty.",
            f"Pick a level for each practice, or '{DONT_KNOW}' / '{NOT_APPLICABLE}' where you can't say.",
        )
    if reading.problems:
        return
    answers = {i.id: found[i.id][0] for i in rubric.indicators}
    reading.result = WorkbookRatings(
        source=reading.source,
        respondent=reading.respondent,
        ratings={key: value if isinstance(value, int) else None for key, value in answers.items()},
        answers={key: scale.canonical(value) for key, value in answers.items()},
        evidence={i.id: found[i.id][1] for i in rubric.indicators},
    )


def _read(path: Path, rubric: Rubric, context: WorkbookContext) -> _Reading:
    path = Path(path)
    reading = _Reading(source=path.name)
    data = _open_archive(path, reading)
    if data is None:
        return reading
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many types for a damaged package; all mean the same to a user
        reading.problem("", "could not be opened as an Excel workbook; it may be damaged.", _SEND_TEMPLATE)
        return reading
    try:
        sheets = {name.strip().casefold(): name for name in wb.sheetnames}
        check_rubric = True
        meta_name = sheets.get(META_SHEET.casefold())
        if meta_name is None:
            reading.problem(
                "",
                f"has no hidden '{META_SHEET}' sheet, so it was not made from the template.",
                _SEND_TEMPLATE,
            )
        else:
            wb[meta_name].reset_dimensions()  # some writers store a wrong size, which would hide rows
            check_rubric = _read_meta(wb[meta_name], rubric, context, reading)
        ratings_name = sheets.get(RATING_SHEET.casefold())
        if ratings_name is None:
            reading.problem(
                "",
                f"has no '{RATING_SHEET}' sheet (its sheets are: {', '.join(wb.sheetnames)}).",
                f"{_SEND_TEMPLATE} Don't rename or delete its sheets.",
            )
        else:
            ws = wb[ratings_name]
            ws.reset_dimensions()
            _read_ratings(ws, rubric, _Scale.of(rubric), reading, check_rubric)
    finally:
        wb.close()
    return reading


def read_workbook(path: Path, rubric: Rubric, context: WorkbookContext) -> WorkbookRatings:
    """Read one filled workbook; raise ValidationFailed listing every problem in it."""
    reading = _read(path, rubric, context)
    if reading.result is None:
        raise ValidationFailed(
            f"{reading.source} could not be imported ({len(reading.problems)} problem(s)); nothing was imported. "
            "Fix the problems below and import it again.",
            reading.problems,
        )
    return reading.result


def read_workbooks(
    paths: Sequence[Path],
    rubric: Rubric,
    context: WorkbookContext,
    on_read: Callable[[Path], None] | None = None,
) -> list[WorkbookRatings]:
    """Read every workbook, then raise one ValidationFailed listing the problems of all of them.

    ``on_read`` is called after each file, for a progress bar.
    """
    readings = []
    for path in paths:
        readings.append(_read(path, rubric, context))
        if on_read is not None:
            on_read(path)
    first_with: dict[str, _Reading] = {}
    for reading in readings:
        if reading.respondent is None or not reading.respondent.email:
            continue
        email = reading.respondent.email.casefold()
        if email in first_with:
            reading.problem(
                reading.email_at,
                f"respondent {reading.respondent.email} also sent {first_with[email].source}.",
                "Import one workbook per respondent: drop one of the two, or correct the email in the wrong one.",
            )
        else:
            first_with[email] = reading
    problems = [problem for reading in readings for problem in reading.problems]
    if problems:
        bad = sum(1 for reading in readings if reading.problems)
        raise ValidationFailed(
            f"{bad} of {len(readings)} workbook(s) have problems; nothing was imported. "
            "Fix the problems below and import them again.",
            problems,
        )
    return [reading.result for reading in readings if reading.result is not None]
