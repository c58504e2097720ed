"""Tables of places as they come: a CSV file or an Excel workbook (.xlsx), a header row and rows
of cells, each row known by its number in the file (the header's row counts, as in a spreadsheet).

The header is the first row (of the first few) that has a column ``is_header`` accepts, so a
title line above it does no harm. Workbooks are read through ``core.xlsx`` (bounded, formulas
kept as formulas); a CSV is read as UTF-8, or as Windows-1252 when it is not UTF-8 (Excel's
"CSV" on Windows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.settings import get_settings
from assessment.core.shapes import key_of
from assessment.core.xlsx import Unreadable, missing_file, open_workbook, read_text, rows, unreadable_problem

SEND_HINT = "Save the table as .csv or .xlsx (a header row, then a row per place) and import that file."
HEADER_SEARCH = 20  # rows looked through for the header
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass
class Table:
    """A file's header (as written, and as keys) and its non-blank rows."""

    name: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, tuple[object, ...]]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [key_of(h) for h in self.header]

    def column(self, names: list[str]) -> int | None:
        """The index of the first column whose header is one of ``names`` (keys)."""
        keys = self.keys
        for name in names:
            if name in keys:
                return keys.index(name)
        return None

    def cell(self, cells: tuple[object, ...], index: int | None) -> object:
        """The cell of a row in column ``index`` (None past the row's end or without the column)."""
        return cells[index] if index is not None and index < len(cells) else None

    def at(self, row: int, index: int | None = None) -> str:
        """A place in the file as people read it: ``hpi.csv row 7, column GEO_ID``."""
        if index is None:
            return f"{self.name} row {row}"
        return f"{self.name} row {row}, column {self.header[index]}"

    def where(self, index: int) -> str:
        return f"{self.name} column {self.header[index]}"


def refused(name: str, problem: Problem) -> ValidationFailed:
    return ValidationFailed(f"{name} could not be imported; nothing was changed.", [problem])


def read_table(path: Path, is_header: Callable[[list[str]], bool], wanted: str) -> Table:
    """The table in ``path``; ``wanted`` names the header column looked for, to say it when missing."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        lines: Iterator[tuple[object, ...]] = _csv_rows(path)
        return _table(path.name, lines, is_header, wanted)
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        return _workbook_table(path, is_header, wanted)
    raise refused(
        path.name,
        Problem(
            path.name, f"is a {suffix or 'file with no extension'}, not a CSV or Excel workbook (.xlsx).", SEND_HINT
        ),
    )


def _csv_rows(path: Path) -> Iterator[tuple[object, ...]]:
    bound = get_settings().max_workbook_unzipped_bytes
    try:
        size = path.stat().st_size
        if size > bound:
            raise refused(
                path.name,
                Problem(
                    path.name,
                    f"is {size / 1_048_576:.1f} MB; files over {bound / 1_048_576:.1f} MB are refused.",
                    "Keep only the rows of the jurisdiction's county or counties.",
                ),
            )
        data = path.read_bytes()
    except OSError:
        raise refused(path.name, missing_file(path)) from None
    if b"\x00" in data:
        raise refused(path.name, Problem(path.name, "is not a text file (CSV).", SEND_HINT))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield tuple(line)
    except csv.Error as exc:
        raise refused(path.name, Problem(path.name, f"is not a CSV file this can read ({exc}).", SEND_HINT)) from None


def _workbook_table(path: Path, is_header: Callable[[list[str]], bool], wanted: str) -> Table:
    book = open_workbook(path, SEND_HINT)
    if isinstance(book, Problem):
        raise refused(path.name, book)
    try:
        # the first sheet with the header looked for, so a sheet of notes before it does no harm
        several = len(book.worksheets) > 1
        for sheet in book.worksheets:
            try:
                return _table(path.name, rows(sheet), is_header, wanted, sheet=sheet.title, named=several)
            except _NoHeader:
                continue
        raise refused(
            path.name,
            Problem(path.name, f"has no sheet with a {wanted} column in its first {HEADER_SEARCH} rows.", SEND_HINT),
        )
    except Unreadable as exc:
        raise refused(path.name, unreadable_problem(path.name, exc.why, SEND_HINT)) from None
    finally:
        book.close()


class _NoHeader(Exception):
    pass


def _table(
    name: str,
    lines: Iterator[tuple[object, ...]],
    is_header: Callable[[list[str]], bool],
    wanted: str,
    sheet: str = "",
    named: bool = False,
) -> Table:
    table: Table | None = None
    for number, cells in enumerate(lines, start=1):
        if table is None:
            header = [read_text(c) for c in cells]
            if is_header([key_of(h) for h in header]):
                table = Table(f"{name} sheet '{sheet}'" if named else name, header, number)
            elif number >= HEADER_SEARCH:
                break
            continue
        if any(not (c is None or (isinstance(c, str) and not c.strip())) for c in cells):
            table.rows.append((number, cells))
    if table is None:
        if sheet:
            raise _NoHeader
        raise refused(name, Problem(name, f"has no {wanted} column in its first {HEADER_SEARCH} rows.", SEND_HINT))
    return table
