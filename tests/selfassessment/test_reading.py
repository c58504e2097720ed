"""Importing filled workbooks: what comes back, a LibreOffice re-save, several respondents, the real rubric."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from assessment.core.errors import ValidationFailed
from assessment.core.sources import data_path
from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE
from assessment.selfassessment.reading import read_workbook, read_workbooks
from assessment.selfassessment.rubric import DEFAULT_RUBRIC, load_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from assessment.selfassessment.sheet import META_SHEET, RATING_SHEET
from assessment.selfassessment.template import fill_workbook, write_template
from tests.selfassessment.workbooks import (
    ALICE,
    ALL_RATED,
    BOB,
    CONTEXT,
    EVIDENCE_COLUMN,
    IDS,
    RATING_COLUMN,
    RUBRIC,
    edit,
    row_of,
)

# ---------------------------------------------------------------------------------------------
# Round trip


def test_filled_workbook_comes_back_with_the_exact_ratings_answers_and_evidence(fill: Callable[..., Path]) -> None:
    answers: dict[str, int | str | None] = dict(ALL_RATED)
    answers.update({IDS[1]: DONT_KNOW, IDS[2]: NOT_APPLICABLE, IDS[3]: None, IDS[4]: "3 - Developing"})
    evidence = {
        IDS[0]: "Chính sách mua sắm năm 2023, trang 4",
        IDS[1]: "계약 정책 검토 중",
        IDS[4]: '=HYPERLINK("http://evil.example")',
        IDS[5]: "Two lines:\nfirst, then second",
    }
    result = read_workbook(fill(answers, evidence=evidence), RUBRIC, CONTEXT)

    assert result.source == "alice.xlsx"
    assert result.respondent == ALICE
    assert list(result.ratings) == IDS
    assert result.ratings == {
        **{i: ALL_RATED[i] for i in IDS},
        IDS[1]: None,
        IDS[2]: None,
        IDS[3]: None,
        IDS[4]: 3,
    }
    assert result.answers[IDS[0]] == "1 - Not yet started"
    assert result.answers[IDS[1]] == DONT_KNOW
    assert result.answers[IDS[2]] == NOT_APPLICABLE
    assert result.answers[IDS[3]] == ""
    assert result.answers[IDS[4]] == "3 - Developing"
    assert result.evidence == {i: evidence.get(i, "") for i in IDS}


def test_note_starting_with_equals_is_stored_as_text_not_a_formula(fill: Callable[..., Path]) -> None:
    path = fill(evidence={IDS[0]: "=1+1 is what we were told"})
    cell = openpyxl.load_workbook(path)[RATING_SHEET][f"{EVIDENCE_COLUMN}{row_of(IDS[0])}"]
    assert cell.data_type == "s"
    assert cell.value == "=1+1 is what we were told"
    assert read_workbook(path, RUBRIC, CONTEXT).evidence[IDS[0]] == "=1+1 is what we were told"


def test_rows_in_another_order_are_matched_by_indicator_id(fill: Callable[..., Path]) -> None:
    path = fill(evidence={IDS[0]: "first", IDS[8]: "last"})

    def swap_first_and_last(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        first, last = row_of(IDS[0]), row_of(IDS[8])
        for column in range(1, ws.max_column + 1):
            a, b = ws.cell(row=first, column=column), ws.cell(row=last, column=column)
            a.value, b.value = b.value, a.value

    result = read_workbook(edit(path, swap_first_and_last), RUBRIC, CONTEXT)
    assert result.ratings == ALL_RATED
    assert result.evidence[IDS[0]] == "first" and result.evidence[IDS[8]] == "last"


def test_header_is_found_after_a_row_is_inserted_above(fill: Callable[..., Path]) -> None:
    path = edit(fill(), lambda wb: wb[RATING_SHEET].insert_rows(1, amount=2))
    result = read_workbook(path, RUBRIC, CONTEXT)
    assert result.ratings == ALL_RATED
    assert result.respondent == ALICE


def test_respondent_labels_are_found_whatever_their_case_and_spacing(fill: Callable[..., Path]) -> None:
    def relabel(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        ws["A2"], ws["A3"] = "  RESPONDENT   NAME: ", "respondent e-mail"

    assert read_workbook(edit(fill(), relabel), RUBRIC, CONTEXT).respondent == ALICE


def test_metadata_sheet_merely_hidden_or_shown_after_a_resave_is_still_read(fill: Callable[..., Path]) -> None:
    def show_meta(wb: Workbook) -> None:
        wb[META_SHEET].sheet_state = "visible"

    assert read_workbook(edit(fill(), show_meta), RUBRIC, CONTEXT).ratings == ALL_RATED


# ---------------------------------------------------------------------------------------------
# A file re-saved by LibreOffice


@pytest.mark.slow
def test_workbook_resaved_by_libreoffice_reads_the_same(fill: Callable[..., Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; it is needed to re-save a workbook")
    answers: dict[str, int | str | None] = {**ALL_RATED, IDS[1]: "Don’t know", IDS[2]: "N/A", IDS[3]: None}
    evidence = {IDS[0]: "=not a formula", IDS[1]: "계약 정책 검토 중", IDS[2]: "Chính sách mua sắm"}
    original = read_workbook(fill(answers, evidence=evidence), RUBRIC, CONTEXT)
    outdir = tmp_path / "resaved"
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(tmp_path / "alice.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    resaved = outdir / "alice.xlsx"
    assert resaved.is_file(), f"LibreOffice did not write the file: {completed.stdout} {completed.stderr}"

    result = read_workbook(resaved, RUBRIC, CONTEXT)
    assert result.ratings == original.ratings
    assert result.answers == original.answers
    assert result.evidence == original.evidence
    assert result.respondent == ALICE


# ---------------------------------------------------------------------------------------------
# Several respondents at once


def test_several_workbooks_are_read_in_the_order_given(fill: Callable[..., Path]) -> None:
    alice = fill(name="alice.xlsx")
    bob = fill({**ALL_RATED, IDS[0]: 4}, respondent=BOB, name="bob.xlsx")
    results = read_workbooks([alice, bob], RUBRIC, CONTEXT)
    assert [r.respondent.email for r in results] == [ALICE.email, BOB.email]
    assert all(isinstance(r, WorkbookRatings) for r in results)
    assert results[1].ratings[IDS[0]] == 4


def test_one_bad_workbook_among_good_ones_lists_its_problems_and_imports_none(
    fill: Callable[..., Path], tmp_path: Path
) -> None:
    good = fill(name="alice.xlsx")
    bad = fill({**ALL_RATED, IDS[2]: 9}, respondent=BOB, name="bob.xlsx")
    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_text("just some notes", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_workbooks([good, bad, not_a_workbook], RUBRIC, CONTEXT)
    locations = [problem.location for problem in caught.value.problems]
    assert locations == [f"bob.xlsx Ratings!{RATING_COLUMN}{row_of(IDS[2])}", "notes.xlsx"]
    assert caught.value.summary.startswith("2 of 3 workbook(s) have problems; nothing was imported")


def test_same_respondent_in_two_workbooks_is_refused(fill: Callable[..., Path]) -> None:
    first = fill(name="alice.xlsx")
    again = fill(respondent=RespondentInfo(name="Alice N.", email="ALICE@riverside.example.org"), name="alice-v2.xlsx")
    with pytest.raises(ValidationFailed) as caught:
        read_workbooks([first, again], RUBRIC, CONTEXT)
    [problem] = caught.value.problems
    assert problem.location == "alice-v2.xlsx Ratings!B3"
    assert "also sent alice.xlsx" in problem.message


# ---------------------------------------------------------------------------------------------
# The real rubric


def test_real_rubric_round_trips(tmp_path: Path) -> None:
    if not data_path(f"{DEFAULT_RUBRIC}.yaml").is_file():
        pytest.skip(f"rubrics/{DEFAULT_RUBRIC}.yaml is not written yet")
    rubric = load_rubric()
    answers: dict[str, int | str | None] = {
        indicator.id: n % rubric.max_level + 1 for n, indicator in enumerate(rubric.indicators)
    }
    answers[rubric.indicators[0].id] = DONT_KNOW
    template = write_template(rubric, tmp_path / "template.xlsx", CONTEXT)
    filled = fill_workbook(template, tmp_path / "alice.xlsx", ALICE, answers, {rubric.indicators[1].id: "Policy 12"})
    result = read_workbook(filled, rubric, CONTEXT)
    assert result.ratings == {key: value if isinstance(value, int) else None for key, value in answers.items()}
    assert result.answers[rubric.indicators[0].id] == DONT_KNOW
    assert result.evidence[rubric.indicators[1].id] == "Policy 12"
