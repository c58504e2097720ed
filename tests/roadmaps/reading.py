"""Reading rendered files as a person would: PDF text and word boxes, sheet rows."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook


def pdftotext(path: Path, *options: str) -> str:
    done = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


class Word(NamedTuple):
    """A word as pdftotext finds it: its box in points from the page's top left, and its text."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class Page(NamedTuple):
    width: float
    height: float
    words: list[Word]


def pdf_pages(path: Path) -> list[Page]:
    """Every page's size and words, as pdftotext -bbox reads them."""
    boxes = pdftotext(path, "-bbox")
    pages = []
    for page_match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S):
        words = [
            Word(float(word[1]), float(word[2]), float(word[3]), float(word[4]), html.unescape(word[5]))
            for word in re.finditer(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                page_match[3],
            )
        ]
        pages.append(Page(float(page_match[1]), float(page_match[2]), words))
    return pages


def words_outside_margins(path: Path) -> list[str]:
    """Words whose box leaves the printable area (0.75in margins, a point of slack)."""
    margin = 0.75 * 72 - 1
    return [
        word.text
        for page in pdf_pages(path)
        for word in page.words
        if word.x0 < margin
        or word.x1 > page.width - margin
        or word.y0 < margin - 20
        or word.y1 > page.height - margin + 30
    ]


def soffice_pdf(path: Path, folder: Path) -> Path:
    """``path`` printed to PDF by LibreOffice, as a person printing the workbook would get it."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{path.stem}.pdf"


def sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """A sheet's rows below the header, as values."""
    return list(load_workbook(path)[sheet].iter_rows(min_row=2, values_only=True))


def day(value: object) -> object:
    """A cell's date (openpyxl reads dates back as datetimes); other values as they are."""
    return value.date() if isinstance(value, datetime) else value
