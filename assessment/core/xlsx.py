"""Spreadsheets people send and receive: user text written so no spreadsheet program runs it, and
files opened only once they are known to be plain .xlsx of a sane size."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment

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
    names = {info.filename.lower(): info for info in infos}
    content_types = names.get("[content_types].xml")
    try:
        declared = archive.read(content_types).lower() if content_types else b""
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        declared = b""
    if b"macroenabled" in declared or any(name.endswith("vbaproject.bin") for name in names):
        return refused("is a macro-enabled workbook, which is refused.", MACROS_FIX)
    if b"spreadsheetml.sheet.main+xml" not in declared and b"spreadsheetml.template.main+xml" not in declared:
        return refused(not_a_workbook, send_hint)
    return data
