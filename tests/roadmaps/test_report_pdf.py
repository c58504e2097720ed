"""A report as a PDF: a cover, the summary on its own page, contents that point at the right pages,
numbered pages with the footer, tables and charts a reader can read, names in any script, the
document's metadata, embedded fonts, tags for screen readers, and tables of thousands of rows."""

from __future__ import annotations

import re
import subprocess
import time
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from roadmaps.report.charts import format_value, value_scale
from roadmaps.report.document import Chart, Column, ReportDocument, Series
from roadmaps.report.pdf import render_report_pdf
from tests.roadmaps.reading import pdf_pages, pdftotext, words_outside_margins
from tests.roadmaps.report_sample import (
    AUTHOR,
    CHINESE,
    FOOTER,
    FORMULA,
    HOSTILE,
    KOREAN,
    KOREAN_QUOTE,
    LONG_NAME,
    QUOTE,
    QUOTE_BY,
    SUBTITLE,
    TITLE,
    VIETNAMESE,
    edge_report,
    regional_report,
    sample_report,
)
from tests.roadmaps.test_pdf_tags import marked_content, squeezed, struct_text, structure


@pytest.fixture(scope="module")
def report() -> ReportDocument:
    return sample_report()


@pytest.fixture(scope="module")
def pdf(report: ReportDocument, out_dir: Path) -> Path:
    return render_report_pdf(report, out_dir / "report.pdf")


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    """Each page's text in reading order, runs of white space as one space."""
    return [re.sub(r"\s+", " ", page).strip() for page in pdftotext(pdf).split("\f")][:-1]


@pytest.fixture(scope="module")
def edge_pdf(out_dir: Path) -> Path:
    return render_report_pdf(edge_report(), out_dir / "edge.pdf")


def pdfinfo(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(re.findall(r"^([^:\n]+):[ \t]*(.*)$", done.stdout, re.M))


def read_aloud(path: Path) -> list[str]:
    """The text of every tagged element, in the order a screen reader reads them."""
    return [text for _, text in struct_text(path) if text]


def tagged_tables(path: Path) -> list[list[list[str]]]:
    """Every table a screen reader finds: its rows, each a list of its cells' text."""
    done = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    tables: list[list[list[str]]] = []
    depth = -1  # the indentation of the table being read; -1: none
    for line in done.stdout.splitlines():
        indent, text = len(line) - len(line.lstrip()), line.strip()
        if depth >= 0 and indent <= depth:
            depth = -1
        if text.startswith("Table"):
            depth = indent
            tables.append([])
        elif depth < 0:
            continue
        elif text == "TR":
            tables[-1].append([])
        elif text.startswith(("TH", "TD")):
            tables[-1][-1].append("")
        elif text.startswith('"'):
            cell = tables[-1][-1]
            cell[-1] = f"{cell[-1]} {text[1:-1]}".strip()
    return tables


def layout_lines(path: Path, page: int) -> list[str]:
    """The lines of page ``page`` (from 1) as laid out, runs of spaces as one."""
    text = pdftotext(path, "-layout", "-f", str(page), "-l", str(page))
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def test_the_cover_names_the_report_who_prepared_it_and_when(pages: list[str]) -> None:
    cover = pages[0]
    assert cover == f"{TITLE} {SUBTITLE} Prepared by {AUTHOR} June 30, 2026"  # no footer, no page number


def test_every_page_after_the_cover_says_its_number_beside_the_footer(pdf: Path) -> None:
    pages = pdf_pages(pdf)
    assert len(pages) == 7  # cover, summary, contents, four chapters
    bottoms = [
        " ".join(w.text for w in sorted(page.words, key=lambda w: w.x0) if w.y0 > page.height - 0.75 * 72)
        for page in pages
    ]
    assert bottoms[0] == ""  # the cover: no footer, no number
    assert bottoms[1:] == [f"{FOOTER} Page {number} of 7" for number in range(2, 8)]


def test_the_summary_has_a_page_of_its_own_before_the_contents(pdf: Path, pages: list[str]) -> None:
    summary = pages[1]
    assert summary.startswith("Executive summary Over nine sessions")
    assert f"Partners such as {VIETNAMESE} and {KOREAN} were paid on time all year." in summary
    assert pages[2].startswith("Contents Executive summary")
    # Each tile reads its number, its label, then the line under it; five tiles as three and two.
    heard = read_aloud(pdf)
    start = heard.index("At a glance")
    assert heard[start + 1 : start + 14] == [
        "9 of 9",
        "Sessions held",
        "every session of the cohort",
        "+18.4",
        "Overall score",
        "points since the baseline",
        "9 of 21",
        "Barriers resolved",
        "$1.2M",
        "Spending with small CBOs",
        "up from $640K",
        "38",
        "Partners surveyed",
    ]
    lines = layout_lines(pdf, 2)
    assert "9 of 9 +18.4 9 of 21" in lines and "$1.2M 38" in lines


def test_the_contents_list_every_section_with_the_page_it_starts_on(pdf: Path, pages: list[str]) -> None:
    contents = pdftotext(pdf, "-layout").split("\f")[2]
    entries = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)$", contents, re.M)
    assert [heading for heading, _ in entries] == [
        "Executive summary",
        "Self-assessment scores",
        "Barriers",
        "Community partners",  # a part of a chapter, indented under it
        "Spending and survey",
        "Highlights",
    ]
    assert [int(page) for _, page in entries] == [2, 4, 5, 5, 6, 7]
    for heading, page in entries:
        assert heading in pages[int(page) - 1]
    assert re.search(r"^ {2,}Community partners", contents, re.M)


def test_the_contents_and_headings_fill_the_outline_and_link_to_their_pages(pdf: Path) -> None:
    with pikepdf.open(pdf) as document:
        with document.open_outline() as outline:
            titles = [(item.title, [kid.title for kid in item.children]) for item in outline.root]
        links = [
            annotation for annotation in document.pages[2].get("/Annots", []) if annotation.get("/Subtype") == "/Link"
        ]
    assert titles == [
        ("Executive summary", []),
        ("Contents", []),
        ("Self-assessment scores", []),
        ("Barriers", ["Community partners"]),
        ("Spending and survey", []),
        ("Highlights", []),
    ]
    assert len(links) >= 12  # each entry's heading and its page number


def test_a_table_shows_its_cells_with_numbers_right_aligned(pdf: Path, pages: list[str]) -> None:
    partners = pages[4]
    assert "Partners and what they were paid Partner Contracts Paid Status of their barrier" in partners
    assert "Clínica Esperanza 4 $12,500.00 Resolved" in partners
    assert f"{VIETNAMESE} Family Services 3 $8,200.50 In progress" in partners
    assert f"Asociación {CHINESE} 1 — Identified" in partners  # no amount: a dash
    page = pdf_pages(pdf)[4]
    right = {w.text: w.x1 for w in page.words}
    assert right["$12,500.00"] == pytest.approx(right["$8,200.50"], abs=0.5) == pytest.approx(right["Paid"], abs=0.5)
    assert right["$45,000.00"] == pytest.approx(right["$0.00"], abs=0.5)


def test_tables_read_row_by_row_in_their_columns_formats(pdf: Path) -> None:
    scores, partners, survey = tagged_tables(pdf)
    assert scores == [
        ["Domain", "Baseline", "Final", "Change"],
        ["Leadership and accountability", "42.5", "61.0", "+18.5"],
        ["Procurement policy and practice", "35.0", "52.5", "+17.5"],
        ["Payment and cash flow", "28.0", "57.0", "+29.0"],
        ["Community partnership", "51.0", "66.5", "+15.5"],
        ["Data and evaluation", "33.5", "—", "—"],
    ]
    # A cell's wrapped lines are read as one, without the space between them.
    assert partners[0] == ["Partner", "Contracts", "Paid", "Status of theirbarrier"]
    assert partners[4] == [f"Asociación {CHINESE}", "1", "—", "Identified"]
    assert [squeezed(cell) for cell in partners[5]] == [squeezed(LONG_NAME), "5", "$1,250.00", "Resolved"]
    assert survey == [
        ["Statement", "Agree"],
        ["Payment is on time", "55%"],
        ["Forms are clear", "60%"],
        ["We are heard", "too few responses"],
    ]


def test_a_table_says_what_its_dashes_mean_and_an_empty_one_says_why(pages: list[str]) -> None:
    assert "Data and evaluation 33.5 — — A dash: too few ratings to score the domain." in pages[3]
    assert "Partners paid late No partner was paid late this year." in pages[4]


def test_text_that_looks_like_markup_or_a_formula_is_printed_as_typed(pages: list[str], edge_pdf: Path) -> None:
    assert f"{FORMULA} 0 $0.00 -negative text stays text" in pages[4]
    edge = re.sub(r"\s+", " ", pdftotext(edge_pdf))
    assert edge.startswith(f"{HOSTILE} Prepared by {KOREAN} & {VIETNAMESE}")
    assert f"a < b & c > d {FORMULA}" in edge
    assert f"“{HOSTILE} {CHINESE}” — {HOSTILE}" in edge


def test_quotes_are_set_off_with_who_said_them(pdf: Path, pages: list[str]) -> None:
    highlights = pages[6]
    assert f"“{QUOTE}” — {QUOTE_BY}" in highlights
    assert f"“{KOREAN_QUOTE}” — {VIETNAMESE}" in highlights
    assert "“Anonymous praise for the new payment schedule.”" in highlights
    page = pdf_pages(pdf)[6]
    (first,) = [w for w in page.words if w.text == "“We"]
    (heading,) = [w for w in page.words if w.text == "Highlights"]
    assert first.x0 > heading.x0 + 30  # indented from the text around it


def test_the_charts_draw_their_values_names_axes_and_legends(pdf: Path) -> None:
    scores, barriers, survey = layout_lines(pdf, 4), layout_lines(pdf, 5), layout_lines(pdf, 6)
    assert "Baseline Final" in scores and "points" in scores  # the legend, the axis' unit
    assert "Leadership and Procurement policy Payment and cash Community Data and evaluation" in scores
    assert "accountability and practice flow partnership" in scores  # each name wrapped under its bars
    assert "no data" in " ".join(scores)  # the domain without a final score
    # Every bar's value over it: the higher the value, the higher its label; final right of baseline.
    words = {w.text: w for w in pdf_pages(pdf)[3].words if w.y0 < 400}
    for baseline, final in [("42.5", "61"), ("35", "52.5"), ("28", "57"), ("51", "66.5")]:
        assert words[final].y0 < words[baseline].y0 and words[final].x0 > words[baseline].x0
    assert words["66.5"].y0 < words["61"].y0 < words["57"].y0
    assert "Resolved In progress Identified" in barriers and "barriers" in barriers
    # Each status inside its segment, then the category's total.
    assert "Solicitation 3 1 2 6" in barriers and "Reporting 2 3 5" in barriers
    assert "0 2 4 6" in barriers
    assert "Baseline year (2024–25) 7.5%" in survey and "Accelerator year (2025–26) 14%" in survey
    assert "Lowest to highest Median" in survey
    assert "Payment is on time median 55%, 20% to 90%" in survey
    assert "We are heard no data" in survey
    assert "0% 20% 40% 60% 80% 100%" in survey


def test_every_chart_is_a_figure_a_screen_reader_hears_described(pdf: Path, report: ReportDocument) -> None:
    tree = structure(pdf)
    figures = [node.alt for node in tree.walk() if node.role == "Figure"]
    charts = [block.alt for section in report.sections for block in section.blocks if block.kind == "chart"]
    assert figures == charts and len(charts) == 4


def test_the_pdf_is_tagged_in_reading_order_with_the_report_outline(pdf: Path) -> None:
    tree = structure(pdf)
    roles = Counter(node.role for node in tree.walk())
    assert roles["H1"] == 1  # the title
    assert roles["H2"] == 6 and roles["H3"] == 1  # summary, contents, four chapters; one part
    assert roles["Table"] == 3 and roles["TH"] == 4 + 5 + 4 + 6 + 2 + 3  # headers, and each row's name
    owned = sorted(content for node in tree.walk() for content in node.contents)
    assert owned == sorted(marked_content(pdf))  # every tagged mark belongs to one element
    text = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True)
    assert '"Barriers5"' in text.stdout  # a contents entry reads its heading, then its page


def test_the_metadata_names_the_report_and_its_author(pdf: Path) -> None:
    info = pdfinfo(pdf)
    assert (info["Title"], info["Author"], info["Subject"]) == (TITLE, AUTHOR, SUBTITLE)
    assert info["Tagged"] == "yes"
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "en"
        assert document.Root.ViewerPreferences.DisplayDocTitle is True


def test_every_font_is_embedded(pdf: Path, edge_pdf: Path) -> None:
    for path in (pdf, edge_pdf):
        done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
        fonts = done.stdout.splitlines()[2:]
        assert fonts and all(re.search(r"\s+yes\s+yes\s+yes\s+\d+\s+\d+$", line) for line in fonts), done.stdout
        names = " ".join(line.split()[0] for line in fonts)
        assert "DejaVuSans" in names and "NanumGothic" in names and "WenQuanYi" in names


def test_nothing_is_drawn_outside_the_margins(pdf: Path, edge_pdf: Path) -> None:
    assert words_outside_margins(pdf) == []
    assert words_outside_margins(edge_pdf) == []


def test_odd_documents_still_render(edge_pdf: Path) -> None:
    pages = [re.sub(r"\s+", " ", page) for page in pdftotext(edge_pdf).split("\f")][:-1]
    text = " ".join(pages)
    # No summary: the contents are page 2; a part with no chapter before it, then a chapter that
    # shares its page (most of the page is still free).
    assert layout_lines(edge_pdf, 2)[:3] == ["Contents", "Part before any chapter 3", f"{KOREAN} 보고서 3"]
    assert "Nothing yet Nothing to chart yet." in text
    assert "12.5" in text and "-8.3" in text  # a negative change, rounded half away from zero
    # 70 jurisdictions: a chart too tall for one page goes on in parts, each name drawn once.
    assert "Spending by jurisdiction (continued)" in text
    assert [text.count(f"Jurisdiction {n:04d} ") for n in range(1, 71)] == [1] * 70
    with pikepdf.open(edge_pdf) as document:
        assert str(document.Root.Lang) == "ko"


def test_a_table_of_thousands_of_rows_runs_on_page_after_page_under_its_header(out_dir: Path) -> None:
    started = time.perf_counter()
    path = render_report_pdf(regional_report(3000), out_dir / "regional.pdf")
    seconds = time.perf_counter() - started
    pages = [re.sub(r"\s+", " ", page) for page in pdftotext(path).split("\f")][:-1]
    table_pages = [page for page in pages if re.search(r"Jurisdiction \d{4} ", page)]
    assert len(table_pages) > 50
    header = "Jurisdiction Baseline score Final score Change Barriers resolved Partners who agree payment is on time"
    assert all(header in page for page in table_pages)
    rows = re.findall(r"Jurisdiction (\d{4}) ", " ".join(table_pages))
    assert rows == [f"{n:04d}" for n in range(1, 3001)]  # every row once, in order
    assert pages[1].startswith("Summary 3,000 Jurisdictions")
    assert seconds < 30, f"3,000 rows took {seconds:.1f} s"


@pytest.mark.parametrize(
    ("values", "value_max", "ticks"),
    [
        ([42.5, 61.0], 100.0, [0, 20, 40, 60, 80, 100]),  # scores: the axis runs to the top of the scale
        ([3.0, 6.0], None, [0, 2, 4, 6]),
        ([107.0], 100.0, [0, 25, 50, 75, 100, 125]),  # above the top given: the axis grows to show it
        ([12.5, -8.25], None, [-10, -5, 0, 5, 10, 15]),  # below zero: the axis goes down to show it
        ([0.3], None, [0, 0.1, 0.2, 0.3]),
        ([1_234_567.0], None, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]),
        ([None], None, [0, 1]),  # nothing to draw: still an axis
    ],
)
def test_a_charts_axis_runs_from_zero_to_a_round_number_in_round_steps(
    values: list[float | None], value_max: float | None, ticks: list[float]
) -> None:
    chart = Chart(
        chart="bar",
        title="t",
        categories=[str(i) for i in range(len(values))],
        series=[Series(name="s", values=values)],
        value_max=value_max,
        alt="a",
    )
    assert value_scale(chart).ticks() == pytest.approx(ticks)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (72.45, "points", "72.5"),
        (61.0, "", "61"),
        (-8.25, "", "-8.3"),
        (55, "%", "55%"),
        (1_234_567, "$", "$1.2M"),
        (12_400, "", "12.4K"),
        (9_999, "$", "$9,999"),
    ],
)
def test_a_charts_numbers_read_short_and_rounded_as_the_tables_round(value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1234.5, "", "1,234.5"),  # no format: at most two decimals
        (0.1 + 0.2, "", "0.3"),
        (1234.5, "#,##0", "1,235"),  # half away from zero, as a spreadsheet rounds
        (72.45, "0.0", "72.5"),
        (45, '0"%"', "45%"),
        (0.456, "0.0%", "45.6%"),
        (8200.5, "$#,##0.00", "$8,200.50"),
        (2.5, "#,##0.0#", "2.5"),
        (-3.2, "+0.0;-0.0", "-3.2"),
        (3.2, "+0.0;-0.0", "+3.2"),
        (12, '0" pts"', "12 pts"),
        (1_500_000, '#,##0.0,,"M"', "1.5M"),
        (3, "[$€-407]#,##0.00", "€3.00"),
        (7, "0_)", "7"),
    ],
)
def test_a_numeric_cell_reads_as_its_spreadsheet_format_shows_it(value: float, number_format: str, shown: str) -> None:
    assert Column(heading="n", numeric=True, format=number_format).text(value) == shown


def test_a_cell_without_a_value_reads_as_a_dash_and_text_as_typed() -> None:
    column = Column(heading="n", numeric=True, format="0.0")
    assert (column.text(None), column.text("too few responses")) == ("—", "too few responses")
