"""The template people fill: its sheets, dropdown, protection and hidden metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE, answer_choices
from assessment.selfassessment.rubric import parse_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
from assessment.selfassessment.sheet import INSTRUCTIONS_SHEET, META_SHEET, RATING_SHEET
from assessment.selfassessment.template import fill_workbook, write_template
from tests.selfassessment.workbooks import (
    ALICE,
    CONTEXT,
    EVIDENCE_COLUMN,
    HEADER_ROW,
    IDS,
    LEVEL_NAMES,
    RATING_COLUMN,
    RUBRIC,
    row_of,
    rubric_data,
)

# ---------------------------------------------------------------------------------------------
# The template


def test_template_opens_on_ratings_after_the_instructions(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, RATING_SHEET, META_SHEET]
    assert wb.active is not None and wb.active.title == RATING_SHEET
    assert not wb[INSTRUCTIONS_SHEET].sheet_view.tabSelected


def test_instructions_say_what_to_do_and_what_happens_next(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[INSTRUCTIONS_SHEET]
    text = "\n".join(str(value) for row in ws.iter_rows(values_only=True) for value in row if value)
    for expected in [
        RUBRIC.title,
        "Riverside County",
        "2023 Southern California",
        "Baseline",
        "name, email and role",
        DONT_KNOW,
        NOT_APPLICABLE,
        "equity program manager",
        "Don't change the structure",
        *LEVEL_NAMES,
        "team's rating",
        "differ",
    ]:
        assert expected in text


def test_ratings_sheet_has_respondent_cells_then_headers_then_one_row_per_indicator(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    assert RUBRIC.title in ws["A1"].value and "Riverside County" in ws["A1"].value and "baseline" in ws["A1"].value
    assert [ws[f"A{row}"].value for row in (2, 3, 4)] == ["Respondent name", "Respondent email", "Respondent role"]
    assert all(ws[f"A{row}"].value is None for row in (5,))
    headers = [cell.value for cell in ws[HEADER_ROW]]
    assert headers == [
        "Domain",
        "Indicator ID",
        "Practice",
        "1 - Not yet started",
        "2 - Emerging",
        "3 - Developing",
        "4 - Established",
        "Rating",
        "Evidence / notes",
    ]
    ids = [ws[f"B{row}"].value for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(IDS))]
    assert ids == IDS
    assert ws[f"E{row_of('data.2')}"].value == "data.2 described at level 2"
    assert ws[f"D{row_of('data.2')}"].alignment.wrap_text
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"


def test_template_prints_landscape_fit_to_width_with_the_header_repeated(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["B"].width


def test_rating_cells_offer_the_allowed_answers_in_a_dropdown(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == f'"{",".join(answer_choices(RUBRIC))}"'
    assert answer_choices(RUBRIC) == [
        "1 - Not yet started",
        "2 - Emerging",
        "3 - Developing",
        "4 - Established",
        DONT_KNOW,
        NOT_APPLICABLE,
    ]
    assert str(validation.sqref) == f"{RATING_COLUMN}{HEADER_ROW + 1}:{RATING_COLUMN}{HEADER_ROW + len(IDS)}"
    assert validation.showErrorMessage and "Don't know" in validation.error


def test_dropdown_reads_from_the_hidden_sheet_when_level_names_have_commas(tmp_path: Path) -> None:
    names = ["Not yet started", "Emerging, in places", "Developing", "Established"]
    rubric = parse_rubric(rubric_data(level_names=names), "test")
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", CONTEXT))
    [validation] = wb[RATING_SHEET].data_validations.dataValidation
    assert validation.formula1 == "'_meta'!$D$2:$D$7"
    listed = [wb[META_SHEET][f"D{row}"].value for row in range(2, 8)]
    assert listed == answer_choices(rubric)


def test_dropdown_reads_from_the_hidden_sheet_when_the_list_is_too_long(tmp_path: Path) -> None:
    names = [f"Level {n} with a rather long descriptive name of many words" for n in range(1, 6)]
    rubric = parse_rubric(rubric_data(level_names=names), "test")
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", CONTEXT))
    [validation] = wb[RATING_SHEET].data_validations.dataValidation
    assert validation.formula1.startswith("'_meta'!")


def test_metadata_sheet_is_very_hidden_and_records_rubric_and_context(template: Path) -> None:
    meta = openpyxl.load_workbook(template)[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in meta.iter_rows(max_col=2, values_only=True) if row[0]}
    assert values["rubric_id"] == RUBRIC.id
    assert values["rubric_version"] == RUBRIC.version
    assert values["rubric_hash"] == RUBRIC.content_hash
    assert (values["jurisdiction"], values["cohort"], values["cycle"]) == (
        "Riverside County",
        "2023 Southern California",
        "baseline",
    )
    assert values["template_format"] == 1
    assert values["header_row"] == HEADER_ROW


def test_only_answer_cells_can_be_edited_and_sheets_cannot_be_added_or_removed(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb[RATING_SHEET]
    assert ws.protection.sheet
    assert wb.security is not None and wb.security.lockStructure
    first = HEADER_ROW + 1
    assert not ws["B2"].protection.locked and not ws["B3"].protection.locked and not ws["B4"].protection.locked
    assert not ws[f"{RATING_COLUMN}{first}"].protection.locked
    assert not ws[f"{EVIDENCE_COLUMN}{first}"].protection.locked
    for locked in ["A1", "A2", f"A{HEADER_ROW}", f"{RATING_COLUMN}{HEADER_ROW}", f"B{first}", f"D{first}"]:
        assert ws[locked].protection.locked, locked


def test_filling_keeps_the_dropdown_protection_and_hidden_metadata(fill: Callable[..., Path]) -> None:
    wb = openpyxl.load_workbook(fill())
    assert wb[RATING_SHEET].data_validations.dataValidation
    assert wb[RATING_SHEET].protection.sheet
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb.security is not None and wb.security.lockStructure


def test_template_can_be_prefilled_for_a_respondent(tmp_path: Path) -> None:
    path = write_template(RUBRIC, tmp_path / "alice-template.xlsx", CONTEXT, ALICE)
    ws = openpyxl.load_workbook(path)[RATING_SHEET]
    assert [ws[f"B{row}"].value for row in (2, 3, 4)] == [ALICE.name, ALICE.email, ALICE.role]


def test_names_that_look_like_formulas_are_written_as_text(tmp_path: Path) -> None:
    context = WorkbookContext(jurisdiction="=cmd|'/c calc'!A1", cohort="+2023", cycle="final")
    respondent = RespondentInfo(name="-Dana", email="dana@example.org", role="@lead")
    wb = openpyxl.load_workbook(write_template(RUBRIC, tmp_path / "t.xlsx", context, respondent))
    cells = [wb[RATING_SHEET]["B2"], wb[RATING_SHEET]["B4"]]
    cells += [row[1] for row in wb[META_SHEET].iter_rows(max_col=2) if row[0].value in ("jurisdiction", "cohort")]
    assert [cell.value for cell in cells] == ["-Dana", "@lead", "=cmd|'/c calc'!A1", "+2023"]
    assert all(cell.data_type == "s" for cell in cells)
    assert wb[INSTRUCTIONS_SHEET]["B4"].value == "=cmd|'/c calc'!A1"
    assert wb[INSTRUCTIONS_SHEET]["B4"].data_type == "s"


def test_cycle_must_be_baseline_midpoint_or_final() -> None:
    assert WorkbookContext(jurisdiction="X", cohort="Y", cycle=" Midpoint ").cycle == "midpoint"
    with pytest.raises(ValueError, match="baseline, midpoint, final"):
        WorkbookContext(jurisdiction="X", cohort="Y", cycle="annual")


def test_filling_an_indicator_the_template_lacks_is_an_error(template: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no-such.indicator"):
        fill_workbook(template, tmp_path / "x.xlsx", ALICE, {"no-such.indicator": 2})
