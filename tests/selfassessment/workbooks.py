"""A small rubric and the workbook context the workbook tests share, and helpers that change filled workbooks."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from assessment.core.errors import ValidationFailed
from assessment.selfassessment.reading import read_workbook
from assessment.selfassessment.rubric import Rubric, parse_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
from assessment.selfassessment.sheet import META_SHEET

LEVEL_NAMES = ["Not yet started", "Emerging", "Developing", "Established"]


def rubric_data(
    rubric_id: str = "test-rubric", version: str = "1", level_names: list[str] | None = None, tweak: str = ""
) -> dict[str, object]:
    names = level_names or LEVEL_NAMES
    return {
        "id": rubric_id,
        "version": version,
        "title": "Test C&P Equity Self-Assessment",
        "levels": [{"value": n, "name": name} for n, name in enumerate(names, start=1)],
        "domains": [
            {
                "id": domain,
                "title": f"{domain.capitalize()} domain",
                "indicators": [
                    {
                        "id": f"{domain}.{n}",
                        "text": f"Practice {n} of {domain}{tweak}",
                        "levels": {v: f"{domain}.{n} described at level {v}" for v in range(1, len(names) + 1)},
                    }
                    for n in (1, 2, 3)
                ],
            }
            for domain in ("leadership", "data", "outreach")
        ],
    }


RUBRIC = parse_rubric(rubric_data(), "test")
IDS = [indicator.id for indicator in RUBRIC.indicators]
CONTEXT = WorkbookContext(jurisdiction="Riverside County", cohort="2023 Southern California", cycle="baseline")
ALICE = RespondentInfo(name="Alice Nguyễn", email="alice@riverside.example.org", role="Procurement officer")
BOB = RespondentInfo(name="Bob Kim", email="bob@riverside.example.org", role="Program manager")
ALL_RATED: dict[str, int | str | None] = {indicator_id: n % 4 + 1 for n, indicator_id in enumerate(IDS)}

# Columns of the small rubric's Ratings sheet: A Domain, B Indicator ID, C Practice, D-G levels.
RATING_COLUMN = "H"
EVIDENCE_COLUMN = "I"
HEADER_ROW = 6


def edit(path: Path, change: Callable[[Workbook], None], out: Path | None = None) -> Path:
    """Change a filled workbook the way a person with a spreadsheet program might."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(out or path)
    return out or path


def rewrite_zip(
    path: Path, out: Path, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out


def problems_in(path: Path, rubric: Rubric = RUBRIC, context: WorkbookContext = CONTEXT) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        read_workbook(path, rubric, context)
    return [str(problem) for problem in caught.value.problems]


def row_of(indicator_id: str) -> int:
    return HEADER_ROW + 1 + IDS.index(indicator_id)


def set_meta(key: str, value: str | None) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        meta = wb[META_SHEET]
        for row in meta.iter_rows(max_col=2):
            if row[0].value == key:
                row[1].value = value

    return change
