"""The import of a filled survey form (.xlsx) or a .csv of responses into validated rows: every bad
cell located (``Survey!E7``, or ``row 7, column "..."`` in a CSV) with the values allowed; the
import writes nothing while any problem is left."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from difflib import get_close_matches
from pathlib import Path

from openpyxl.utils import get_column_letter

from assessment.core.errors import Problem, ProblemLog, ValidationFailed
from assessment.core.xlsx import (
    FORMULA_FIX,
    Formula,
    Unreadable,
    missing_file,
    open_workbook,
    read_text,
    rows,
    unreadable_problem,
)
from assessment.selfassessment.answers import normalize
from assessment.survey.form import (
    FIELDS,
    FORM_FORMAT,
    HEADERS,
    JURISDICTION,
    META_SHEET,
    ORGANIZATION,
    RESPONDENT,
    SURVEY_SHEET,
    column_index,
    header_key,
)
from assessment.survey.instrument import Instrument

SEND_HINT = "Import the form made by `accelerator survey template` (.xlsx), or a .csv with its columns."
CSV_HINT = "Save it as 'CSV UTF-8 (comma delimited)'."
HEADER_SEARCH_ROWS = 30  # a header below this many rows of notes is not looked for
MAX_TEXT = 200  # characters of a respondent's name or organization

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
_NUMBERED_LABEL = re.compile(r"(\d+)\s*(?:[-.:)]\s*)?(\D.*)")

# normalized jurisdiction name -> (id, name as stored)
Places = Mapping[str, tuple[int, str]]


@dataclass(frozen=True)
class FormMeta:
    """What a form made by the template says about itself (its hidden sheet)."""

    instrument_id: str
    version: int
    content_hash: str
    cohort: str


InstrumentFor = Callable[[FormMeta | None], Instrument]


@dataclass
class ResponseIn:
    """One respondent's row, read and checked."""

    row: int
    at: str  # where its Respondent cell is
    respondent: str
    organization: str
    jurisdiction_id: int | None
    answers: dict[str, int]


@dataclass
class SurveyRead:
    """What was read from one file, with every problem found in it."""

    source: str
    kind: str  # xlsx | csv
    instrument: Instrument | None = None
    responses: list[ResponseIn] = field(default_factory=list)
    rows: int = 0  # rows with anything typed in them
    skipped: int = 0  # of which naming someone but answering nothing
    ignored_columns: list[str] = field(default_factory=list)
    missing_statements: list[str] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def answers(self) -> int:
        return sum(len(response.answers) for response in self.responses)


class AnswerScale:
    """The instrument's 1-5 scale, ready to read what people type: a label in any case and spacing
    ("strongly agree"), a number 1-5, or both ("4 - Agree")."""

    def __init__(self, instrument: Instrument) -> None:
        self.labels = instrument.labels
        self.by_label = {normalize(point.label): point.value for point in instrument.scale}
        self.allowed = (
            f"Pick one of {', '.join(self.labels)} (or a number from 1 to {len(self.labels)}), "
            "or leave it blank for no answer."
        )

    def _number(self, number: float, shown: str) -> int:
        if not float(number).is_integer() or not 1 <= number <= len(self.labels):
            raise ValueError(f"{shown} is not on the scale")
        return int(number)

    def parse(self, value: object) -> int | None:
        """A cell's value as an answer (None for a blank cell); ValueError saying why when it is none."""
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
            raise ValueError(f"'{value}' is not an answer")
        if isinstance(value, (int, float)):
            return self._number(value, f"'{read_text(value)}'")
        text = str(value).strip()
        if not text:
            return None
        if _NUMBER.fullmatch(text):
            return self._number(float(text), f"'{text}'")
        key = normalize(text)
        if key in self.by_label:
            return self.by_label[key]
        numbered = _NUMBERED_LABEL.fullmatch(key)
        if numbered and normalize(numbered.group(2)) in self.by_label:
            number, named = int(numbered.group(1)), self.by_label[normalize(numbered.group(2))]
            if number == named:
                return number
            said = f"{number} is {self.labels[number - 1]}" if 1 <= number <= len(self.labels) else f"{number} is not"
            raise ValueError(f"'{text}' is not an answer ({said}, {self.labels[named - 1]} is {named})")
        close = get_close_matches(key, list(self.by_label), n=1, cutoff=0.6)
        hint = f" (did you mean '{self.labels[self.by_label[close[0]] - 1]}'?)" if close else ""
        raise ValueError(f"'{text}' is not an answer{hint}")


def _short(text: str, limit: int = 50) -> str:
    """``text``, cut at a word to at most ``limit`` characters (a long header in a message)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


class _Locator:
    """Where a cell is, as people find it: ``Survey!E7`` in a workbook, ``row 7, column "..."`` in a CSV."""

    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.headers: dict[int, str] = {}

    def __call__(self, row: int, column: int | None = None) -> str:
        if column is None:
            return f"{self.sheet} row {row}" if self.sheet else f"row {row}"
        if self.sheet:
            return f"{self.sheet}!{get_column_letter(column + 1)}{row}"
        header = self.headers.get(column, get_column_letter(column + 1))
        return f'row {row}, column "{_short(header)}"'


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    """Reads the rows of one sheet or CSV into responses, noting every problem."""

    def __init__(self, read: SurveyRead, instrument: Instrument, places: Places, cohort: str, at: _Locator) -> None:
        self.read = read
        self.instrument = instrument
        self.places = places
        self.cohort = cohort
        self.at = at
        self.scale = AnswerScale(instrument)
        self.texts = {s.id: s.text for s in instrument.statements}
        self.index = column_index(instrument)
        self.columns: dict[int, str] = {}
        self.pending: list[tuple[int, Problem]] = []
        self.first_row: dict[tuple[str, str, int | None], int] = {}

    def problem(self, where: str, message: str, fix: str = "") -> None:
        self.read.problems.add(Problem(where, message, fix))

    def mapped(self, values: Sequence[object]) -> dict[int, str]:
        """The columns a row names, if it is a header row: it names a statement, and most of what is
        typed in it names a column (a data row may hold a name that happens to be a statement id)."""
        found = {
            index: self.index[header_key(value)]
            for index, value in enumerate(values)
            if isinstance(value, str) and header_key(value) in self.index
        }
        typed = sum(1 for value in values if not _is_blank(value))
        if not any(key not in FIELDS for key in found.values()) or 2 * len(found) <= typed:
            return {}
        return found

    def take_header(self, number: int, headers: list[tuple[int, Sequence[object]]]) -> bool:
        """Columns from the header rows (a form's hidden row of ids first, then the visible one):
        False, with the problems noted, when they can't be read."""
        where: dict[str, int] = {}
        for index, value in enumerate(headers[-1][1]):
            if isinstance(value, str) and value.strip():
                self.at.headers[index] = value.strip()
        for row_number, values in headers:
            for index, key in self.mapped(values).items():
                if index in self.columns:
                    continue
                if key in where:
                    shown = HEADERS.get(key) or f"'{_short(self.texts[key])}'"
                    self.problem(
                        self.at(row_number, index),
                        f"is a second column for {shown} (the first is column {get_column_letter(where[key] + 1)}).",
                        "Keep one column for each statement and field; delete or rename the copy.",
                    )
                    continue
                self.columns[index] = key
                where[key] = index
        last_values = headers[-1][1]
        for index, value in enumerate(last_values):
            if index not in self.columns and not _is_blank(value) and not isinstance(value, Formula):
                self.read.ignored_columns.append(read_text(value))
        self.read.missing_statements = [s.id for s in self.instrument.statements if s.id not in where]
        if RESPONDENT not in where:
            self.problem(
                self.at(number),
                f"has no {HEADERS[RESPONDENT]} column.",
                "Add a Respondent column with a name, initials or a number for each person who answered "
                "(it tells the rows apart and is never shown in results).",
            )
        return not self.read.problems

    def flag(self, number: int, index: int, message: str, fix: str = "") -> None:
        """A problem of the row being read, in column ``index`` (a row's problems are told left to right)."""
        self.pending.append((index, Problem(self.at(number, index), message, fix)))

    def jurisdiction(self, number: int, index: int, value: object) -> tuple[bool, int | None]:
        """Whether the Jurisdiction cell names one of the cohort's (or none), and which."""
        if isinstance(value, Formula):
            self.flag(number, index, f"the Jurisdiction is a formula ({value.text}).", FORMULA_FIX)
            return False, None
        text = read_text(value)
        if not text:
            return True, None
        found = self.places.get(normalize(text))
        if found is not None:
            return True, found[0]
        names = sorted(name for _, name in self.places.values())
        close = get_close_matches(normalize(text), list(self.places), n=1, cutoff=0.6)
        hint = f"Did you mean '{self.places[close[0]][1]}'? " if close else ""
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        self.flag(
            number,
            index,
            f"'{text}' is not a jurisdiction of {self.cohort}.",
            f"{hint}Pick one of {listed or 'its jurisdictions (none is enrolled yet)'}, or leave it blank "
            "(the answers then count only in the overall results).",
        )
        return False, None

    def answers(self, number: int, cells: Mapping[str, tuple[int, object]]) -> tuple[dict[str, int], bool]:
        """The row's answers by statement id, and whether any answer cell has anything in it."""
        answers: dict[str, int] = {}
        typed = False
        for key, (index, value) in cells.items():
            if key in FIELDS or _is_blank(value):
                continue
            typed = True
            statement = f'"{_short(self.texts[key].rstrip("."), 60)}"'
            if isinstance(value, Formula):
                self.flag(number, index, f"the answer to {statement} is a formula ({value.text}).", FORMULA_FIX)
                continue
            try:
                answer = self.scale.parse(value)
            except ValueError as exc:
                self.flag(number, index, f"{exc} to {statement}.", self.scale.allowed)
                continue
            if answer is not None:
                answers[key] = answer
        return answers, typed

    def row(self, number: int, values: Sequence[object]) -> None:
        cells = {key: (index, values[index] if index < len(values) else None) for index, key in self.columns.items()}
        if all(_is_blank(value) for _, value in cells.values()):
            return
        self.read.rows += 1
        self.pending = []
        answers, typed = self.answers(number, cells)
        if not typed:
            self.read.skipped += 1  # someone named, nothing answered: not a response
            return
        respondent = self.text(number, cells, RESPONDENT)
        organization = self.text(number, cells, ORGANIZATION)
        known, place = True, None
        if JURISDICTION in cells:
            known, place = self.jurisdiction(number, *cells[JURISDICTION])
        at = cells[RESPONDENT][0]
        if not respondent and not isinstance(cells[RESPONDENT][1], Formula):
            self.flag(
                number,
                at,
                "the Respondent is blank on a row with answers.",
                "Type a name, initials or a number for the person who answered; it tells the rows apart "
                "and is never shown in results.",
            )
        elif respondent and known:
            person = (normalize(respondent), normalize(organization), place)
            if person in self.first_row:
                self.flag(
                    number,
                    at,
                    f"'{respondent}' is also on row {self.first_row[person]}.",
                    "Keep one row per person, or tell the two apart (e.g. number them).",
                )
            else:
                self.first_row[person] = number
        if self.pending:
            self.read.problems.extend(problem for _, problem in sorted(self.pending, key=lambda p: p[0]))
            return
        self.read.responses.append(ResponseIn(number, self.at(number, at), respondent, organization, place, answers))

    def text(self, number: int, cells: Mapping[str, tuple[int, object]], key: str) -> str:
        """The text of a field (Respondent, Organization) with its spacing tidied."""
        if key not in cells:
            return ""
        index, value = cells[key]
        if isinstance(value, Formula):
            self.flag(number, index, f"the {HEADERS[key].split(' (')[0]} is a formula ({value.text}).", FORMULA_FIX)
            return ""
        text = " ".join(read_text(value).split())
        if len(text) > MAX_TEXT:
            self.flag(
                number,
                index,
                f"the {HEADERS[key].split(' (')[0]} is {len(text)} characters long.",
                f"Shorten it to {MAX_TEXT} characters at most.",
            )
        return text


def _read_rows(
    read: SurveyRead,
    lines: Iterator[tuple[object, ...]],
    instrument: Instrument,
    places: Places,
    cohort: str,
    at: _Locator,
) -> SurveyRead:
    reader = _Reader(read, instrument, places, cohort, at)
    headers: list[tuple[int, Sequence[object]]] = []
    for number, values in enumerate(lines, start=1):
        if not reader.columns:
            if reader.mapped(values):
                headers.append((number, values))
                continue
            if headers:  # the rows naming statements have ended: this is the first data row
                if not reader.take_header(headers[0][0], headers):
                    return read
                reader.row(number, values)
                continue
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        reader.row(number, values)
    if headers and not reader.columns:  # a file of headers only
        reader.take_header(headers[0][0], headers)
    if not headers:
        example = instrument.statements[0]
        read.problems.add(
            Problem(
                at.sheet or read.source,
                "has no header row naming the survey's statements, so no answer can be read.",
                f"Start from `accelerator survey template`, or head each answer column with its statement's text "
                f"or id (e.g. '{example.id}').",
            )
        )
    return read


def refusal(name: str, problems: Sequence[Problem], more: int = 0) -> ValidationFailed:
    return ValidationFailed(f"{name} could not be imported; nothing was changed.", problems, more)


def _form_meta(sheet: object) -> FormMeta | None:
    """The details a form keeps of itself; None when they are not all there (a sheet people made)."""
    found: dict[str, str] = {}
    for values in rows(sheet, max_col=2):
        key = read_text(values[0] if values else None)
        if key and key not in found:
            found[key] = read_text(values[1] if len(values) > 1 else None)
    version = found.get("instrument_version", "")
    if found.get("format") != FORM_FORMAT or not found.get("instrument_id") or not version.isdigit():
        return None
    return FormMeta(found["instrument_id"], int(version), found.get("instrument_hash", ""), found.get("cohort", ""))


def _read_xlsx(path: Path, instrument_for: InstrumentFor, places: Places, cohort: str) -> SurveyRead:
    book = open_workbook(path, SEND_HINT)
    if isinstance(book, Problem):
        raise refusal(path.name, [book])
    try:
        sheets = {name.strip().casefold(): name for name in book.sheetnames}
        meta_name = sheets.get(META_SHEET.casefold())
        meta = None
        if meta_name is not None:
            book[meta_name].reset_dimensions()  # some writers store a wrong size, which would hide rows
            meta = _form_meta(book[meta_name])
        instrument = instrument_for(meta)
        name = sheets.get(SURVEY_SHEET.casefold()) or next(
            (n for n in book.sheetnames if not n.startswith("_") and book[n].sheet_state == "visible"),
            book.sheetnames[0],
        )
        sheet = book[name]
        sheet.reset_dimensions()
        read = SurveyRead(source=path.name, kind="xlsx", instrument=instrument)
        return _read_rows(read, rows(sheet), instrument, places, cohort, _Locator(name))
    except Unreadable as exc:
        raise refusal(path.name, [unreadable_problem(path.name, exc.why, SEND_HINT)]) from None
    finally:
        book.close()


def _csv_lines(path: Path) -> Iterator[tuple[object, ...]]:
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
        raise refusal(path.name, [missing_file(path)]) from None
    except UnicodeDecodeError:
        raise refusal(path.name, [Problem(path.name, "is not UTF-8 text.", CSV_HINT)]) from None
    except csv.Error as exc:
        raise refusal(path.name, [Problem(path.name, f"is not a CSV file this can read ({exc}).", CSV_HINT)]) from None


def read_survey(path: Path, instrument_for: InstrumentFor, places: Places, cohort: str) -> SurveyRead:
    """The responses of a filled form (.xlsx) or a .csv, checked against the instrument
    ``instrument_for`` chooses from what the form says of itself (None for a CSV or a sheet made by
    hand) and against the cohort's jurisdictions; the problems found are on the result. A file
    that cannot be read at all is refused at once."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        instrument = instrument_for(None)
        read = SurveyRead(source=path.name, kind="csv", instrument=instrument)
        return _read_rows(read, _csv_lines(path), instrument, places, cohort, _Locator(None))
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        return _read_xlsx(path, instrument_for, places, cohort)
    raise refusal(
        path.name,
        [Problem(path.name, "is neither an Excel workbook (.xlsx) nor a .csv file.", SEND_HINT)],
    )
