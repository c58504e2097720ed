"""Spreadsheets people send and receive: user text written so no spreadsheet program runs it, and
files opened only once they are known to be plain .xlsx of a sane size.

Reading goes through ``open_workbook`` and ``rows`` only: whatever a damaged or hostile file makes
the XML parser or the unzipper raise, early or halfway through a sheet, comes out as one
``Problem`` ("FILE is not a workbook this can read (why)"), and a formula where a value belongs is
seen as a ``Formula``, never as the blank its missing saved value would read as."""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet import _reader as sheet_reader

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

from assessment.core.errors import Problem
from assessment.core.settings import get_settings

# A cell whose text starts with one of these is read as a formula by Excel or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def set_text(cell: Cell, value: object, *, wrap: bool = False) -> None:
    """Store ``value`` as plain text: never a formula, even when it starts with ``=``.

    openpyxl turns any string starting with ``=`` into a formula, so the type is forced to
    string, and risky text also gets Excel's quote prefix so a re-save keeps it as text.
    """
    text = "" if value is None else str(value)
    cell.value = text if text else None
    if text:
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def read_text(value: object) -> str:
    """The text a person typed in a cell, with stray spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


MACROS_FIX = "Save it as an Excel Workbook (.xlsx) and send that file."
SIZE_FIX = "Remove pictures or extra sheets, or start again from the template."


def missing_file(path: Path) -> Problem:
    """A file that is not there, named as given, folder and all ("filled/*.xlsx" is a pattern the
    shell matched to no file)."""
    pattern = any(ch in str(path) for ch in "*?[")
    why = "matches no file" if pattern else "cannot be found or read"
    return Problem(str(path), f"{why}.", "Check the file name and the folder it is in.")


def xlsx_bytes(path: Path, send_hint: str) -> bytes | Problem:
    """The file's bytes, or the one problem that stops it being read.

    File size and the zip's declared unpacked size are bounded before anything is inflated
    (a zip bomb stops here); macro-enabled workbooks are refused.
    """
    settings = get_settings()

    def refused(message: str, fix: str) -> Problem:
        return Problem(path.name, message, fix)

    if path.suffix.lower() in (".xlsm", ".xltm"):
        return refused("is a macro-enabled workbook, which is refused.", MACROS_FIX)
    try:
        size = path.stat().st_size
        if size > settings.max_workbook_bytes:
            return refused(
                f"is {size / 1_048_576:.1f} MB; workbooks over "
                f"{settings.max_workbook_bytes / 1_048_576:.1f} MB are refused.",
                SIZE_FIX,
            )
        data = path.read_bytes()
    except OSError:
        return missing_file(path)
    not_a_workbook = "is not an Excel workbook (.xlsx)" + (" (the file is empty)." if not data else ".")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except NotImplementedError:  # its directory asks for a zip version no spreadsheet program writes
        return refused(
            "is not a workbook this can read (it is packed in a way spreadsheet programs never use).", send_hint
        )
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return refused(not_a_workbook, send_hint)
    # The sizes declared in the zip directory bound what zipfile will ever inflate.
    unzipped = sum(info.file_size for info in infos)
    if unzipped > settings.max_workbook_unzipped_bytes:
        return refused(
            f"unpacks to {unzipped / 1_048_576:.1f} MB; workbooks over "
            f"{settings.max_workbook_unzipped_bytes / 1_048_576:.1f} MB unpacked are refused.",
            SIZE_FIX,
        )
    problem = _inflates_as_declared(archive, infos, settings.max_workbook_unzipped_bytes)
    if problem:
        return refused(f"is not a workbook this can read ({problem}).", send_hint)
    names = {info.filename.lower(): info for info in infos}
    content_types = names.get("[content_types].xml")
    try:
        declared = archive.read(content_types).lower() if content_types else b""
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        declared = b""
    if b"macroenabled" in declared or any(name.endswith("vbaproject.bin") for name in names):
        return refused("is a macro-enabled workbook, which is refused.", MACROS_FIX)
    if b"spreadsheetml.sheet.main+xml" not in declared and b"spreadsheetml.template.main+xml" not in declared:
        return refused(not_a_workbook, send_hint)
    return data


def _inflates_as_declared(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], budget: int) -> str:
    """Why the archive's parts do not unpack to what its directory declares, or declare XML
    entities ('' when neither).

    Every part is inflated once here, counted as it comes out: a directory that understates the
    sizes (a zip bomb in disguise) is caught by the count or the checksum, never by memory. A
    spreadsheet program never writes a document type declaration, so one (the carrier of external
    entities and entity bombs) is refused here, whichever XML parser openpyxl uses afterwards."""
    left = budget
    for info in infos:
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(1 << 16):
                    left -= len(chunk)
                    if left < 0:
                        return "it unpacks to more than its size allows"
                    if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                        return f"its part {info.filename} declares XML entities, which are refused for safety"
                    tail = chunk[-len(b"<!DOCTYPE") :]
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError):
            return f"its part {info.filename} is damaged"
        except RuntimeError:  # an encrypted part
            return f"its part {info.filename} is password-protected"
    return ""


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula where a typed value was expected (``text`` is the formula)."""

    text: str

    def __str__(self) -> str:
        return self.text


FORMULA_FIX = "Type the value, not a formula."


class Unreadable(Exception):
    """A part of a workbook the reader could not parse; ``why`` says it in a phrase."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def unreadable_problem(name: str, why: str, send_hint: str) -> Problem:
    return Problem(name, f"is not a workbook this can read ({why}).", send_hint)


def why_unreadable(exc: BaseException, part: str = "") -> str:
    """A phrase for why a workbook (or its ``part``, e.g. "sheet 'Ratings'") could not be read.
    openpyxl wraps what its parser raised in a ValueError: the cause says more, so it is looked for."""
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    where = f"its {part}" if part else "it"
    causes: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(causes) < 10:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__
    for cause in causes:
        if isinstance(cause, EntitiesForbidden):
            return f"{where} declares XML entities, which are refused for safety"
        if isinstance(cause, (ExternalReferenceForbidden, DTDForbidden)):
            return f"{where} refers to outside documents, which is refused for safety"
        if isinstance(cause, ParseError):
            reason = str(cause).split(":")[0]
            detail = re.search(r"\(([^)]*)\)", reason)
            line = f", line {cause.position[0]}" if getattr(cause, "position", None) else ""
            return f"{where} is not well-formed XML ({detail.group(1) if detail else reason}{line})"
        if type(cause).__name__ == "XMLSyntaxError":  # lxml's, when openpyxl parses with lxml
            reason = str(getattr(cause, "msg", "") or cause).split(", line")[0]
            number = getattr(cause, "lineno", None)
            return f"{where} is not well-formed XML ({reason[:80]}{f', line {number}' if number else ''})"
        if isinstance(cause, zipfile.BadZipFile):
            return f"{where} is damaged: a part does not unpack correctly"
        if isinstance(cause, KeyError):
            return "a part it needs is missing"
    if any(isinstance(cause, (ValueError, TypeError, OverflowError)) and cause is not exc for cause in causes) or (
        isinstance(exc, (ValueError, TypeError, OverflowError)) and part
    ):
        return f"{where} holds a value that is not what its type says"
    return f"{where} is damaged or was not saved by a spreadsheet program"


def open_workbook(path: Path, send_hint: str) -> Workbook | Problem:
    """The workbook at ``path`` opened for streaming (formulas kept as formulas), or the one
    problem that stops it being read."""
    from openpyxl import load_workbook

    data = xlsx_bytes(path, send_hint)
    if isinstance(data, Problem):
        return data
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or hostile package; all mean one thing
        return unreadable_problem(path.name, why_unreadable(exc), send_hint)


def rows(sheet: object, *, min_row: int = 1, max_col: int | None = None) -> Iterator[tuple[object, ...]]:
    """The sheet's rows as values, a formula cell as a ``Formula``; whatever the parser raises
    halfway through the sheet comes out as ``Unreadable``."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    assert isinstance(sheet, ReadOnlyWorksheet)
    part = f"sheet '{sheet.title}'"
    try:
        for cells in sheet.iter_rows(min_row=min_row, max_col=max_col):
            yield tuple(
                Formula(str(cell.value)) if getattr(cell, "data_type", None) == "f" else cell.value for cell in cells
            )
    except Unreadable:
        raise
    except Exception as exc:  # the sheet's XML is parsed as it is read: its damage shows up here
        raise Unreadable(why_unreadable(exc, part)) from None


def _cast_number(value: str) -> int | float:
    """openpyxl's reading of a number cell, also taking NaN and INF (which its own refuses with a
    ValueError that ends the sheet): they come through as floats, refused where they are read."""
    try:
        return _openpyxl_cast_number(value)
    except ValueError:
        number = float(value)  # "NaN", "INF", "-Infinity"; anything else still raises ValueError
        if math.isfinite(number):
            raise
        return number


_openpyxl_cast_number = sheet_reader._cast_number
sheet_reader._cast_number = _cast_number
