"""A report as a workbook: an About sheet, then each table as a sheet of data under a title and a
frozen, filtered header: numbers as numbers in their formats, text never a formula, sheet names a
spreadsheet program accepts, printable landscape one page wide."""

from __future__ import annotations

import re
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader

from roadmaps.report.xlsx import SheetNames, render_report_xlsx
from tests.roadmaps.reading import pdf_pages, soffice_pdf
from tests.roadmaps.report_sample import (
    AUTHOR,
    CHINESE,
    FORMULA,
    HOSTILE,
    KOREAN,
    LONG_NAME,
    SUBTITLE,
    TITLE,
    VIETNAMESE,
    edge_report,
    regional_report,
    sample_report,
)

SHEETS = ["About", "Key figures", "Scores", "Partners paid 2026", "Partners paid 2026 (2)", "Survey"]


@pytest.fixture(scope="module")
def workbook_path(out_dir: Path) -> Path:
    return render_report_xlsx(sample_report(), out_dir / "report.xlsx")


@pytest.fixture(scope="module")
def book(workbook_path: Path) -> Workbook:
    return load_workbook(workbook_path)


def values(book: Workbook, sheet: str) -> list[list[object]]:
    """A sheet's rows as values, trailing empty cells dropped."""
    rows = []
    for row in book[sheet].iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return rows


def test_every_table_is_a_sheet_after_the_about_sheet_each_name_legal_and_unique(book: Workbook) -> None:
    # "Partners: paid [2026]" twice: ":" and brackets are refused by spreadsheet programs.
    assert book.sheetnames == SHEETS


def test_a_table_sheet_has_its_title_then_a_bold_shaded_header(book: Workbook) -> None:
    scores = book["Scores"]
    assert values(book, "Scores")[:2] == [["Score by domain"], ["Domain", "Baseline", "Final", "Change"]]
    header = scores[2]
    assert all(cell.font.bold for cell in header)
    assert {cell.fill.fgColor.rgb for cell in header} == {"00DCE4EE"}
    assert scores["B2"].alignment.horizontal == "right"  # a number's heading sits over its numbers


def test_numbers_are_numbers_in_the_columns_formats(book: Workbook) -> None:
    scores, partners, survey = book["Scores"], book["Partners paid 2026"], book["Survey"]
    assert (scores["B3"].value, scores["B3"].data_type, scores["B3"].number_format) == (42.5, "n", "0.0")
    assert (scores["D3"].value, scores["D3"].number_format) == (18.5, "+0.0;-0.0")
    assert (partners["C4"].value, partners["C4"].number_format) == (8200.5, "$#,##0.00")
    assert (partners["B3"].value, partners["B3"].number_format) == (4, "0")
    assert (survey["B3"].value, survey["B3"].number_format) == (55, '0"%"')
    assert scores["C7"].value is None  # no final score: an empty cell, not a dash
    assert (survey["B5"].value, survey["B5"].data_type) == ("too few responses", "s")


def test_text_that_looks_like_a_formula_stays_text(book: Workbook) -> None:
    partners = book["Partners paid 2026"]
    formula, negative = partners["A8"], partners["D8"]
    assert (formula.value, formula.data_type) == (FORMULA, "s")
    assert formula.quotePrefix  # a re-save keeps it text too
    assert (negative.value, negative.data_type) == ("-negative text stays text", "s")
    assert not any(cell.data_type == "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_names_in_every_script_are_kept_as_typed(book: Workbook) -> None:
    partners = values(book, "Partners paid 2026")
    assert [row[0] for row in partners[2:8]] == [
        "Clínica Esperanza",
        f"{VIETNAMESE} Family Services",
        f"{KOREAN} Community Center",
        f"Asociación {CHINESE}",
        LONG_NAME,
        FORMULA,
    ]


def test_a_sheet_is_frozen_under_its_header_filtered_and_sized_to_its_content(book: Workbook) -> None:
    partners = book["Partners paid 2026"]
    assert partners.freeze_panes == "A3"
    assert partners.auto_filter.ref == "A2:D8"
    widths = {letter: partners.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == 60  # the long name wraps at the widest a column gets
    assert 10 <= widths["C"] <= 14  # "$45,000.00"
    assert partners["A7"].alignment.wrap_text and partners.row_dimensions[7].height == 30  # two lines


def test_a_note_sits_under_its_table_and_an_empty_table_says_why(book: Workbook) -> None:
    assert values(book, "Scores")[-1] == ["A dash: too few ratings to score the domain."]
    assert values(book, "Scores")[-2] == []  # a blank row between the data and the note
    assert values(book, "Partners paid 2026 (2)") == [
        ["Partners paid late"],
        ["Partner", "Days late"],
        ["No partner was paid late this year."],
    ]


def test_sheets_print_landscape_one_page_wide_with_the_header_on_every_page(book: Workbook) -> None:
    for name in SHEETS:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert book["Scores"].print_title_rows == "$2:$2"


def test_the_about_sheet_says_what_the_report_is_its_key_figures_and_its_sheets(book: Workbook) -> None:
    about = values(book, "About")
    assert about[:6] == [
        [TITLE],
        [SUBTITLE],
        [],
        ["Prepared by", AUTHOR],
        ["Prepared on", datetime(2026, 6, 30)],
        [],
    ]
    assert about[6:13] == [
        ["At a glance"],
        ["Sessions held", "9 of 9", "every session of the cohort"],
        ["Overall score", "+18.4", "points since the baseline"],
        ["Barriers resolved", "9 of 21"],
        ["Spending with small CBOs", "$1.2M", "up from $640K"],
        ["Partners surveyed", "38"],
        [],
    ]
    assert about[13:] == [
        ["Sheets in this workbook"],
        ["Key figures", "At a glance"],
        ["Scores", "Score by domain"],
        ["Partners paid 2026", "Partners and what they were paid"],
        ["Partners paid 2026 (2)", "Partners paid late"],
        ["Survey", "Partner survey"],
    ]
    assert book["About"]["A16"].hyperlink.location == "'Scores'!A1"
    assert book["About"]["B5"].number_format == "mmmm d, yyyy"
    assert (book.properties.title, book.properties.creator) == (TITLE, AUTHOR)


def test_key_figures_with_a_sheet_name_are_a_sheet_of_their_own(book: Workbook) -> None:
    assert values(book, "Key figures")[:3] == [
        ["At a glance"],
        ["Figure", "Value", "Detail"],
        ["Sessions held", "9 of 9", "every session of the cohort"],
    ]


@pytest.mark.parametrize(
    ("wanted", "given"),
    [
        ("Scores", "Scores"),
        ("scores", "scores (2)"),  # names differ by more than case
        ("Scores", "Scores (3)"),
        ("History", "History (2)"),  # Excel keeps "History" for itself
        ("a/b\\c?d*e[f]g:h", "a b c d e f g h"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("Spending with small community organizations by year", "Spending with small community o"),
        ("Spending with small community organizations by year", "Spending with small communi (2)"),
    ],
)
def test_sheet_names_are_legal_and_unique(wanted: str, given: str, names: SheetNames) -> None:
    assert names.add(wanted) == given
    assert len(given) <= 31 and not re.search(r"[\[\]:*?/\\]", given)


@pytest.fixture(scope="module")
def names() -> SheetNames:
    return SheetNames(["About"])


def test_odd_documents_still_make_a_workbook(out_dir: Path) -> None:
    book = load_workbook(render_report_xlsx(edge_report(), out_dir / "edge.xlsx"))
    assert book.sheetnames == ["About", "History (2)"]
    assert values(book, "History (2)") == [
        ["Ragged rows"],
        ["Name", "Count"],
        ["only a name"],
        ["too many", 3],
    ]
    about = values(book, "About")
    assert about[0] == [HOSTILE] and about[2] == ["Prepared by", f"{KOREAN} & {VIETNAMESE}"]


def test_a_table_of_thousands_of_rows_is_quick_and_whole(out_dir: Path) -> None:
    started = time.perf_counter()
    path = render_report_xlsx(regional_report(3000), out_dir / "regional.xlsx")
    seconds = time.perf_counter() - started
    rows = values(load_workbook(path, read_only=True), "Jurisdictions")
    assert len(rows) == 2 + 3000
    assert rows[2][:2] == ["Jurisdiction 0001 City Health Department", 30]
    assert rows[-1][0] == "Jurisdiction 3000 County Public Health"
    assert seconds < 10, f"3,000 rows took {seconds:.1f} s"


@pytest.mark.slow
def test_the_workbook_prints_each_sheet_landscape_with_numbers_clear_of_text(
    workbook_path: Path, tmp_path: Path
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    printed = soffice_pdf(workbook_path, tmp_path)
    reader = PdfReader(printed)
    assert len(reader.pages) == len(SHEETS)  # each sheet fits one page
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    partners = pdf_pages(printed)[3]
    (amount,) = [w for w in partners.words if w.text == "$0.00"]
    (text,) = [w for w in partners.words if w.text == "-negative"]
    assert text.x0 - amount.x1 > 0.25 * (amount.y1 - amount.y0)  # a space between the number and the text
    footer = " ".join(w.text for w in partners.words if w.y0 > partners.height - 60)
    assert footer == "Partners paid 2026, page 4 of 6"
