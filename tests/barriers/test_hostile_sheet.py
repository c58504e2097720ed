"""Hostile and broken barrier spreadsheets through `accelerator barrier import`, on both databases:
a sentence naming the file (and the cell), exit 2, no traceback, and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.barriers.sheet import COLUMNS, SHEET
from assessment.core.errors import MAX_PROBLEMS
from tests.barriers.helpers import snapshot
from tests.barriers.test_sheet import export, seed
from tests.cli import run_cli
from tests.conftest import Cast
from tests.hostile import (
    BILLION_LAUGHS,
    EXTRA_CELL,
    XXE_FILE,
    add_cell,
    lying_bomb,
    rewrite_sheet,
    set_cell,
    sheet_part,
    with_doctype,
)


def letter(field: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.field == field))


SEVERITY = f"{letter('severity')}2"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (with_doctype(XXE_FILE, "&xxe;"), "declares XML entities, which are refused for safety"),
        (with_doctype(BILLION_LAUGHS, "&lol9;"), "declares XML entities, which are refused for safety"),
        (
            add_cell(f'<c r="{EXTRA_CELL}" t="inlineStr"><is><t>a\x00b</t></is></c>'),
            f"its sheet '{SHEET}' is not well-formed XML (invalid token",
        ),
        (set_cell(SEVERITY, "<v>NaN</v>"), None),
        (set_cell(SEVERITY, "<v>INF</v>"), None),
        (set_cell(SEVERITY, "<f>2+2</f>"), "inventory.xlsx row 2, column Severity (1-5): is a formula (=2+2)"),
        (
            set_cell(f"{letter('status')}2", "<f>A1</f><v>Resolved</v>", ' t="str"'),
            "inventory.xlsx row 2, column Status: is a formula",
        ),
    ],
    ids=["xxe", "billion-laughs", "raw-nul", "nan-severity", "inf-severity", "formula-no-value", "formula-with-value"],
)
def test_a_hostile_or_broken_sheet_is_refused_and_nothing_changes(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[str], str], why: str | None
) -> None:
    seed(cast, ["Late payment", "Insurance"])
    path = rewrite_sheet(export(cast, tmp_path / "inventory.xlsx"), tmp_path / "inventory.xlsx", SHEET, change)
    before = snapshot()
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert refused.code == 2, refused.err
    assert "Traceback" not in refused.err and "inventory.xlsx" in refused.err
    if why is None:  # a number that is no number is an out-of-range severity, with its cell
        assert "inventory.xlsx row 2, column Severity (1-5):" in refused.err, refused.err
        assert "is not a whole number" in refused.err, refused.err
    else:
        assert why in refused.err, refused.err
    assert snapshot() == before


def test_a_lying_zip_bomb_is_refused_and_nothing_changes(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(cast, ["Late payment"])
    good = export(cast, tmp_path / "inventory.xlsx")
    part = sheet_part(good, SHEET)
    path = lying_bomb(good, tmp_path / "bomb.xlsx", part, 64 * 1024 * 1024)
    before = snapshot()
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert refused.code == 2 and f"bomb.xlsx: is not a workbook this can read (its part {part} is damaged)" in (
        refused.err
    )
    assert snapshot() == before


def test_thousands_of_bad_rows_show_the_first_and_count_the_rest(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(cast, ["Late payment"])
    path = export(cast, tmp_path / "inventory.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = 2 * MAX_PROBLEMS
    for row in range(3, 3 + rows):
        ws[f"{letter('severity')}{row}"] = 9  # a new barrier with no title and a severity out of range
    wb.save(path)
    before = snapshot()
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert refused.code == 2
    lines = refused.err.splitlines()
    assert sum(1 for line in lines if line.startswith("  - inventory.xlsx row ")) == 50
    assert "more problem(s) of the same input" in refused.err
    assert snapshot() == before
    as_json = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path), "--json")
    import json

    document = json.loads(as_json.err)
    assert len(document["problems"]) == MAX_PROBLEMS
    assert len(document["problems"]) + document["more_problems"] >= rows
