"""Writing user text into spreadsheet cells so that no spreadsheet program runs it."""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment

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
