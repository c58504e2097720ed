"""The roadmap as a workbook: the view's values typed, sheets frozen and filtered, formulas inert."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.roadmap.view import RoadmapView
from roadmaps.xlsx import render_xlsx
from tests.roadmap.views import CHINESE, FORMULA_STATEMENT, KOREAN, SCRIPT_TITLE
from tests.roadmaps.reading import day, sheet_rows


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
    assert book["Goals"]["I2"].is_date and book["Goals"]["I2"].number_format == "yyyy-mm-dd"
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Jurisdiction"] == "Riverside County Public Health"
    assert about["Version"] == 3
    assert about["Built at (UTC)"] == datetime(2026, 6, 2, 16, 30)


def test_xlsx_formula_like_statement_stays_text(workbook_path: Path) -> None:
    cell = load_workbook(workbook_path)["Goals"]["C2"]
    assert cell.value == FORMULA_STATEMENT
    assert cell.data_type == "s"
    assert cell.quotePrefix
