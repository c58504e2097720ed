"""Hostile and broken self-assessment workbooks (issue 12's probe): each is refused as a sentence
naming the file, the cell where there is one, and what to do; nothing escapes as a traceback."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.core.errors import MAX_PROBLEMS, ValidationFailed
from assessment.core.settings import get_settings
from assessment.selfassessment.reading import read_workbook, read_workbooks
from assessment.selfassessment.sheet import RATING_SHEET
from tests.hostile import (
    BILLION_LAUGHS,
    EXTRA_CELL,
    QUADRATIC,
    XXE_FILE,
    XXE_HTTP,
    add_cell,
    lying_bomb,
    rewrite_sheet,
    set_cell,
    sheet_part,
    with_doctype,
)
from tests.selfassessment.workbooks import CONTEXT, HEADER_ROW, IDS, RATING_COLUMN, RUBRIC, problems_in, row_of

RATING_CELL = f"{RATING_COLUMN}{row_of(IDS[0])}"

UNREADABLE = "alice.xlsx: is not a workbook this can read ("


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (with_doctype(XXE_FILE, "&xxe;"), "declares XML entities, which are refused for safety"),
        (with_doctype(XXE_HTTP, "&xxe;"), "declares XML entities, which are refused for safety"),
        (with_doctype(BILLION_LAUGHS, "&lol9;"), "declares XML entities, which are refused for safety"),
        (with_doctype(QUADRATIC, "&big;" * 200), "declares XML entities, which are refused for safety"),
        (
            add_cell(f'<c r="{EXTRA_CELL}" t="inlineStr"><is><t>a\x00b</t></is></c>'),
            f"its sheet '{RATING_SHEET}' is not well-formed XML (invalid token, line 1)",
        ),
        (
            add_cell(f'<c r="{EXTRA_CELL}" t="inlineStr"><is><t>a&#0;b</t></is></c>'),
            f"its sheet '{RATING_SHEET}' is not well-formed XML (reference to invalid character number, line 1)",
        ),
        (
            add_cell(f'<c r="{EXTRA_CELL}"><v>twelve</v></c>'),
            f"its sheet '{RATING_SHEET}' holds a value that is not what its type says",
        ),
    ],
    ids=["xxe-file", "xxe-http", "billion-laughs", "quadratic-blowup", "raw-nul", "nul-reference", "text-as-number"],
)
def test_a_sheet_whose_xml_is_hostile_or_broken_is_refused_in_a_sentence(
    fill: Callable[..., Path], tmp_path: Path, change: Callable[[str], str], why: str
) -> None:
    path = rewrite_sheet(fill(), tmp_path / "alice.xlsx", RATING_SHEET, change)
    [problem] = problems_in(path)
    # entities are met when the file is opened, bad characters and values halfway through the sheet
    assert problem.startswith(UNREADABLE) and why in problem, problem
    assert "Send the .xlsx file made from the template" in problem
    assert "root:" not in problem  # nothing of /etc/passwd came through


def test_entities_in_a_part_read_on_opening_are_refused_too(fill: Callable[..., Path], tmp_path: Path) -> None:
    def declare(data: bytes) -> bytes:
        return XXE_FILE.encode() + data  # the workbook part has no XML declaration to keep first

    from tests.hostile import rewrite_part

    path = rewrite_part(fill(), tmp_path / "alice.xlsx", "xl/workbook.xml", declare)
    [problem] = problems_in(path)
    assert problem.startswith(UNREADABLE + "its part xl/workbook.xml declares XML entities"), problem


@pytest.mark.parametrize(("spelled", "shown"), [("NaN", "nan"), ("INF", "inf"), ("-Infinity", "-inf")])
def test_a_rating_that_is_not_a_finite_number_is_out_of_range_with_its_cell(
    fill: Callable[..., Path], tmp_path: Path, spelled: str, shown: str
) -> None:
    path = rewrite_sheet(fill(), tmp_path / "alice.xlsx", RATING_SHEET, set_cell(RATING_CELL, f"<v>{spelled}</v>"))
    [problem] = problems_in(path)
    assert problem.startswith(f"alice.xlsx {RATING_SHEET}!{RATING_CELL}: the rating for {IDS[0]} is not readable")
    assert f"{shown} is not a level; levels go from 1 to 4" in problem


@pytest.mark.parametrize("cached", ["", "<v>3</v>"], ids=["no-saved-value", "saved-value"])
def test_a_rating_typed_as_a_formula_is_refused_naming_the_cell(
    fill: Callable[..., Path], tmp_path: Path, cached: str
) -> None:
    path = rewrite_sheet(fill(), tmp_path / "alice.xlsx", RATING_SHEET, set_cell(RATING_CELL, f"<f>1+2</f>{cached}"))
    [problem] = problems_in(path)
    assert problem == (
        f"alice.xlsx {RATING_SHEET}!{RATING_CELL}: the rating for {IDS[0]} is a formula (=1+2), which is not "
        "read as an answer. Type the value, not a formula."
    )


def test_a_formula_written_by_a_spreadsheet_program_is_refused_too(fill: Callable[..., Path]) -> None:
    path = fill()
    wb = load_workbook(path)
    wb[RATING_SHEET][RATING_CELL] = "=2+1"
    wb[RATING_SHEET]["B3"] = '=CONCAT("a","@b.org")'  # the respondent's email as a formula
    wb.save(path)
    problems = problems_in(path)
    assert any(f"{RATING_CELL}: the rating for {IDS[0]} is a formula (=2+1)" in p for p in problems), problems
    assert any("the Respondent email is a formula" in p for p in problems), problems


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(fill: Callable[..., Path]) -> None:
    path = fill(evidence={IDS[0]: "=see the 2025 policy"})
    read = read_workbook(path, RUBRIC, CONTEXT)
    assert read.evidence[IDS[0]] == "=see the 2025 policy"


def test_a_zip_bomb_whose_directory_lies_about_sizes_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    good = fill()
    part = sheet_part(good, RATING_SHEET)
    path = lying_bomb(good, tmp_path / "alice.xlsx", part, 64 * 1024 * 1024)
    with zipfile.ZipFile(path) as archive:
        assert sum(info.file_size for info in archive.infolist()) < get_settings().max_workbook_unzipped_bytes
    assert path.stat().st_size < 1_000_000
    [problem] = problems_in(path)
    assert problem.startswith(UNREADABLE + f"its part {part} is damaged)"), problem


def test_a_refusal_of_a_hundred_thousand_problems_keeps_a_bounded_number(
    fill: Callable[..., Path], tmp_path: Path
) -> None:
    path = fill()
    wb = load_workbook(path)
    ws = wb[RATING_SHEET]
    first = HEADER_ROW + len(IDS) + 5
    extra = 3 * MAX_PROBLEMS
    for row in range(first, first + extra):
        ws[f"{RATING_COLUMN}{row}"] = 2  # a rating on a row without an indicator id
    wb.save(path)
    with pytest.raises(ValidationFailed) as caught:
        read_workbooks([path, Path(shutil.copy(path, tmp_path / "bob.xlsx"))], RUBRIC, CONTEXT)
    refused = caught.value
    assert len(refused.problems) == MAX_PROBLEMS
    # each file kept its first MAX_PROBLEMS and counted the rest; the two together keep MAX_PROBLEMS
    assert len(refused.problems) + refused.more == 2 * extra + 1  # + bob's repeated respondent email
    assert refused.problems[0].location == f"alice.xlsx {RATING_SHEET}!{RATING_COLUMN}{first}"
