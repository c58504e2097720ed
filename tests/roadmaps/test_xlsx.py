"""The roadmap as a workbook: the view's values typed, sheets frozen and filtered, formulas inert,
and printing well: landscape, one page wide, numbers kept clear of the next column."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment.roadmap.view import RoadmapView
from roadmaps.xlsx import render_xlsx
from tests.roadmap.views import BUILDER_EMAIL, BUILDER_NAME, CHINESE, FORMULA_STATEMENT, KOREAN, SCRIPT_TITLE
from tests.roadmaps.reading import day, pdf_pages, sheet_rows, soffice_pdf


@pytest.fixture(scope="module")
def workbook_path(view: RoadmapView, out_dir: Path) -> Path:
    return render_xlsx(view, out_dir / "roadmap.xlsx")


def test_xlsx_goals_sheet_holds_the_view_values(workbook_path: Path, view: RoadmapView) -> None:
    rows = sheet_rows(workbook_path, "Goals")
    assert len(rows) == len(view.goals)
    for row, goal in zip(rows, view.goals, strict=True):
        (
            rank,
            id_,
            statement,
            measure,
            baseline,
            target,
            latest,
            unit,
            created,
            due,
            owner,
            status,
            progress,
            barriers,
        ) = row
        assert (rank, id_, statement, measure, unit, owner, status) == (
            goal.rank,
            goal.id,
            goal.statement,
            goal.measure,
            goal.unit,
            goal.owner,
            goal.status_label,
        )
        for cell, value in (
            (baseline, goal.baseline_value),
            (target, goal.target_value),
            (latest, goal.latest_value),
        ):
            assert cell == (None if value is None else pytest.approx(float(value)))
        assert (day(created), day(due)) == (goal.created, goal.due)
        assert progress == (None if goal.milestone_progress is None else pytest.approx(goal.milestone_progress))
        assert barriers == (", ".join(str(b.id) for b in goal.barriers) or None)


def test_xlsx_milestones_and_barriers_sheets_hold_the_view_values(workbook_path: Path, view: RoadmapView) -> None:
    expected = [(g.id, g.rank, m.title, m.due, m.owner, m.done) for g in view.goals for m in g.milestones]
    got = [(r[0], r[1], r[2], day(r[3]), r[4], day(r[5])) for r in sheet_rows(workbook_path, "Milestones")]
    assert got == expected
    barriers = {r[0]: r for r in sheet_rows(workbook_path, "Barriers")}
    assert set(barriers) == {11, 12, 13, 14}
    assert barriers[13][1] == SCRIPT_TITLE
    assert barriers[11][2] == f"Community partners wait 90 days; note from partner: {CHINESE}"
    assert barriers[11][3:10] == (
        "Payment & cash flow",
        "Invoicing & payment",
        "County / city",
        5,
        "Action planned",
        KOREAN,
        "101, 102",
    )


def test_xlsx_sheets_are_frozen_filtered_and_dated(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert book.sheetnames == ["Goals", "Milestones", "Barriers", "About"]
    for name in ("Goals", "Milestones", "Barriers"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in sheet[1])
    assert book["Goals"]["I2"].is_date and book["Goals"]["I2"].number_format == "yyyy-mm-dd_)"
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Jurisdiction"] == "Riverside County Public Health"
    assert about["Version"] == 3
    assert about["Built at (UTC)"] == datetime(2026, 6, 2, 16, 30)
    assert (about["Built by"], about["Builder's email"]) == (BUILDER_NAME, BUILDER_EMAIL)
    assert book.properties.creator == BUILDER_NAME


def test_xlsx_formula_like_statement_stays_text(workbook_path: Path) -> None:
    cell = load_workbook(workbook_path)["Goals"]["C2"]
    assert cell.value == FORMULA_STATEMENT
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_xlsx_sheets_are_set_up_to_print(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_LETTER
        assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
        assert "&P of &N" in (sheet.oddFooter.center.text or "")
    for name in ("Goals", "Milestones", "Barriers"):
        assert book[name].print_title_rows == "$1:$1"  # the header row on every printed page
    goals = book["Goals"]
    # Measure of goal 2 wraps onto two lines of its 36-character column: its row is two lines tall.
    assert goals.row_dimensions[3].height >= 30 and goals.row_dimensions[2].height >= 15


def test_xlsx_numbers_are_padded_and_keep_their_decimals(workbook_path: Path) -> None:
    goals = load_workbook(workbook_path)["Goals"]
    formats = {cell.coordinate: cell.number_format for row in goals.iter_rows(min_row=2) for cell in row}
    assert formats["A2"] == formats["B2"] == "0_)"  # rank and id: no thousands separator
    assert (formats["E2"], formats["E4"]) == ("#,##0_)", "#,##0.0_)")  # baseline 90, and 40.5
    assert formats["J2"] == "yyyy-mm-dd_)" and formats["M2"] == "0%_)"
    numeric = [
        c for row in goals.iter_rows(min_row=2) for c in row if c.data_type in ("n", "d") and c.value is not None
    ]
    assert numeric and all(c.number_format.endswith("_)") for c in numeric)


@pytest.mark.slow
def test_xlsx_prints_landscape_one_page_per_sheet_numbers_clear_of_text(workbook_path: Path, tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    printed = soffice_pdf(workbook_path, tmp_path)
    reader = PdfReader(printed)
    assert len(reader.pages) == 4  # Goals, Milestones, Barriers, About: each fits one page
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) > float(box.height) and not page.get("/Rotate")
    goals = pdf_pages(printed)[0]
    (rank,) = [w for w in goals.words if w.text == "Rank"]
    header = sorted((w for w in goals.words if abs(w.y0 - rank.y0) < 2), key=lambda w: w.x0)
    assert [w.text for w in header][-2:] == ["Barrier", "IDs"]  # every column on the page

    def gap(number: str, text: str) -> float:
        """Space between a right-aligned number and the text just right of it, in text heights."""
        (left,) = [w for w in goals.words if w.text == number]
        beside = [w for w in goals.words if w.text == text and abs(w.y0 - left.y0) < 2 and w.x0 > left.x0]
        right = min(beside, key=lambda w: w.x0)
        return (right.x0 - left.x1) / (left.y1 - left.y0)

    assert gap("60", "days") > 0.25 and gap("2026-12-31", "Nguyễn") > 0.25
