"""The survey form: the statements as column headers, the answer and jurisdiction drop-downs, the
hidden ids the import matches columns by, and how it prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied
from assessment.survey.instrument import load_instrument
from assessment.survey.template import FormContext, write_form
from tests.conftest import Cast
from tests.survey.helpers import IDS, INSTRUMENT, TEXT, template

ANSWERS = '"Strongly disagree,Disagree,Neither agree nor disagree,Agree,Strongly agree"'


def test_the_form_has_a_column_per_statement_with_a_drop_down_of_the_five_answers(cast: Cast, tmp_path: Path) -> None:
    made = template(cast, tmp_path / "form.xlsx")
    assert (made.statements, made.jurisdictions, made.rows, made.version) == (14, 2, 500, 1)
    book = load_workbook(made.path)
    assert book.sheetnames == ["Instructions", "Survey", "_meta"]
    assert book.active.title == "Survey"
    sheet = book["Survey"]
    assert sheet["A1"].value == f"Partner survey: {cast.cohort}"
    headers = [cell.value for cell in sheet[4]]
    assert headers == ["Respondent", "Organization (optional)", "Jurisdiction (optional)", *(TEXT[i] for i in IDS)]
    assert sheet["D4"].alignment.wrap_text
    # the hidden row of ids, which the import matches columns by
    assert [cell.value for cell in sheet[3]] == ["respondent", "organization", "jurisdiction", *IDS]
    assert sheet.row_dimensions[3].hidden

    lists = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    answers = lists["D5:Q504"]
    assert (answers.type, answers.formula1, answers.allow_blank) == ("list", ANSWERS, True)
    places = lists["C5:C504"]
    assert (places.type, places.formula1, places.allow_blank) == ("list", '"Alder County,Birch City"', True)

    assert sheet.freeze_panes == "B5"
    assert sheet.print_title_rows == "$4:$4"
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (
        "landscape",
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["D"].width == 15

    meta = book["_meta"]
    assert meta.sheet_state == "veryHidden"
    details = {row[0]: row[1] for row in meta.iter_rows(min_col=1, max_col=2, values_only=True)}
    assert details["format"] == "survey-1"
    assert (details["instrument_id"], details["instrument_version"], details["cohort"]) == (
        "partner-survey",
        1,
        cast.cohort,
    )
    assert details["instrument_hash"] == INSTRUMENT.content_hash

    guide = [row[1] for row in book["Instructions"].iter_rows(min_col=1, max_col=2, values_only=True)]
    assert "Strongly agree" in guide and TEXT["trust"] in guide
    assert any("fewer than 5 people answered" in str(text) for text in guide)


def test_a_long_list_of_jurisdictions_comes_from_the_hidden_sheet(tmp_path: Path) -> None:
    names = [f"Jurisdiction number {n:03d}, California" for n in range(40)]  # commas, and past 255 characters
    path = write_form(load_instrument(), FormContext("2026 Cohort", names, 5), tmp_path / "form.xlsx")
    book = load_workbook(path)
    lists = {str(v.sqref): v for v in book["Survey"].data_validations.dataValidation}
    assert lists["C5:C504"].formula1 == "'_meta'!$D$2:$D$41"
    assert [book["_meta"].cell(row=n, column=4).value for n in (2, 41)] == [names[0], names[-1]]


def test_text_people_typed_is_written_as_text_never_as_a_formula(tmp_path: Path) -> None:
    path = write_form(load_instrument(), FormContext("=HYPERLINK(1)", ["+Cedar"], 5), tmp_path / "form.xlsx")
    book = load_workbook(path)
    assert book["Survey"]["A1"].data_type == "s"
    assert book["_meta"]["B5"].value == "=HYPERLINK(1)" and book["_meta"]["B5"].data_type == "s"


def test_only_an_alliance_lead_issues_the_form(cast: Cast, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied) as refused:
        template(cast, tmp_path / "form.xlsx", who=cast.alder_manager)
    assert str(refused.value) == (
        f"{cast.alder_manager} may not issue the partner survey of {cast.cohort}. "
        "Only an alliance lead or an admin may."
    )
    assert not (tmp_path / "form.xlsx").exists()


def test_the_form_lists_only_the_cohorts_jurisdictions(cast: Cast, tmp_path: Path) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, "Cedar County", "county")  # not enrolled in the cohort
    made = template(cast, tmp_path / "form.xlsx")
    lists = {str(v.sqref): v for v in load_workbook(made.path)["Survey"].data_validations.dataValidation}
    assert lists["C5:C504"].formula1 == '"Alder County,Birch City"'
