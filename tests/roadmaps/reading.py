"""Reading rendered files as a person would: PDF text and word boxes, sheet rows."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook


def pdftotext(path: Path, *options: str) -> str:
    done = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def words_outside_margins(path: Path) -> list[str]:
    """Words whose box leaves the printable area (0.75in margins, a point of slack)."""
    boxes = pdftotext(path, "-bbox")
    margin = 0.75 * 72 - 1
    outside = []
    for page_match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S):
        width, height = float(page_match[1]), float(page_match[2])
        for word in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page_match[3],
        ):
            x0, y0, x1, y1 = (float(word[i]) for i in range(1, 5))
            if x0 < margin or x1 > width - margin or y0 < margin - 20 or y1 > height - margin + 30:
                outside.append(word[5])
    return outside


def sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """A sheet's rows below the header, as values."""
    return list(load_workbook(path)[sheet].iter_rows(min_row=2, values_only=True))


def day(value: object) -> object:
    """A cell's date (openpyxl reads dates back as datetimes); other values as they are."""
    return value.date() if isinstance(value, datetime) else value
