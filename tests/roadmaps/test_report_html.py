"""A report as one HTML page: self-contained and scriptless, user text escaped, headings in order,
contents that lead somewhere, tables with captions and scoped headers, charts a screen reader
hears described and whose numbers are on the page, quotes as quotations; and in a browser, a page
that never scrolls sideways on a phone or a desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from roadmaps.report.html import render_report_html
from tests.roadmaps.report_sample import (
    AUTHOR,
    CHINESE,
    FORMULA,
    HOSTILE,
    KOREAN,
    KOREAN_QUOTE,
    QUOTE,
    QUOTE_BY,
    SUBTITLE,
    TITLE,
    VIETNAMESE,
    edge_report,
    regional_report,
    sample_report,
)

CHROMIUM = Path("/usr/bin/chromium")
PHONE, DESKTOP = 390, 1280


class Page(HTMLParser):
    """What a browser and a screen reader get from the page: elements with their attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[int, list[str]] = {}  # element index: the text directly inside it
        self._open: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in ("meta", "br", "img", "input", "link", "rect", "line", "circle"):
            self._open.append(len(self.elements) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            index = self._open.pop()
            if self.elements[index][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for index in self._open:
            self.texts.setdefault(index, []).append(data)

    def text(self, index: int) -> str:
        return " ".join(" ".join(self.texts.get(index, [])).split())

    def find(self, tag: str, **attrs: str) -> list[int]:
        return [
            i
            for i, (name, found) in enumerate(self.elements)
            if name == tag and all(found.get(key.rstrip("_")) == value for key, value in attrs.items())
        ]

    def all_text(self, tag: str) -> list[str]:
        return [self.text(i) for i in self.find(tag)]


@pytest.fixture(scope="module")
def html_path(out_dir: Path) -> Path:
    return render_report_html(sample_report(), out_dir / "report.html")


@pytest.fixture(scope="module")
def html(html_path: Path) -> str:
    return html_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


@pytest.fixture(scope="module")
def edge_html(out_dir: Path) -> str:
    return render_report_html(edge_report(), out_dir / "edge.html").read_text(encoding="utf-8")


def test_the_page_is_self_contained_and_runs_nothing(html: str, edge_html: str, page: Page) -> None:
    for text in (html, edge_html):
        assert "<script" not in text.lower()
        assert not re.search(r"<(link|img|iframe|object|embed)\b", text)
        assert "url(" not in text and "@import" not in text
    links = [attrs.get("href", "") for tag, attrs in page.elements if "href" in attrs]
    assert links and all(link.startswith("#") for link in links)
    assert not [attrs for _, attrs in page.elements if "src" in attrs or any(k.startswith("on") for k in attrs)]


def test_text_that_looks_like_markup_shows_as_typed(edge_html: str) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>{escaped}</title>" in edge_html
    assert f"<h1>{escaped}</h1>" in edge_html
    assert "a &lt; b &amp; c &gt; d =HYPERLINK(&#34;x&#34;)" in edge_html
    edge = Page(edge_html)
    assert edge.all_text("h1") == [HOSTILE]
    assert f"“{HOSTILE} {CHINESE}”" in edge.all_text("blockquote")


def test_the_page_names_its_language_title_author_and_offers_a_skip_link(page: Page, html: str, edge_html: str) -> None:
    assert page.elements[0] == ("html", {"lang": "en"})
    assert Page(edge_html).elements[0] == ("html", {"lang": "ko"})
    assert page.all_text("title")[0] == TITLE  # the others name the charts
    (author,) = page.find("meta", name="author")
    assert page.elements[author][1]["content"] == AUTHOR
    (skip,) = page.find("a", class_="skip")
    assert page.elements[skip][1]["href"] == "#content" and page.find("main", id="content")
    (cover,) = page.find("header", class_="cover")
    assert page.text(cover) == f"{TITLE} {SUBTITLE} Prepared by {AUTHOR} · June 30, 2026"
    assert '<time datetime="2026-06-30">' in html


def test_headings_go_title_then_chapters_then_their_parts(page: Page) -> None:
    headings = [(tag, page.text(i)) for i, (tag, _) in enumerate(page.elements) if re.fullmatch(r"h[1-6]", tag)]
    assert headings == [
        ("h1", TITLE),
        ("h2", "Contents"),
        ("h2", "Executive summary"),
        ("h3", "At a glance"),
        ("h2", "Self-assessment scores"),
        ("h2", "Barriers"),
        ("h3", "Community partners"),
        ("h2", "Spending and survey"),
        ("h2", "Highlights"),
    ]


def test_the_contents_nest_parts_under_chapters_and_every_link_leads_somewhere(page: Page) -> None:
    (nav,) = page.find("nav")
    ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
    assert len(ids) == len(set(ids))  # every id once
    links = [attrs["href"] for _, attrs in page.elements if attrs.get("href", "").startswith("#")]
    assert all(link[1:] in ids for link in links)
    assert page.text(nav) == (
        "Contents Executive summary Self-assessment scores Barriers Community partners Spending and survey Highlights"
    )
    anchors = {page.text(i): page.elements[i][1]["href"] for i in page.find("a") if i > nav}
    assert anchors["Community partners"] == "#community-partners"
    (target,) = page.find("h3", id="community-partners")
    assert page.text(target) == "Community partners"


def test_key_figures_are_tiles_each_read_as_a_label_and_its_value(page: Page) -> None:
    (tiles,) = page.find("dl", class_="tiles")
    assert page.all_text("dt")[:3] == ["Sessions held", "Overall score", "Barriers resolved"]
    assert [page.text(i) for i in page.find("dd", class_="value")] == ["9 of 9", "+18.4", "9 of 21", "$1.2M", "38"]
    assert page.text(tiles).startswith("Sessions held 9 of 9 every session of the cohort Overall score +18.4")


def test_tables_have_captions_scoped_headers_and_numbers_to_the_right(page: Page, html: str) -> None:
    tables = page.find("table")
    captions = page.find("caption")
    assert len(captions) == len(tables) == 3 + 4  # three data tables, and each chart's numbers
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in page.elements if tag == "th")
    assert '<caption id="community-partners-1-caption">Partners and what they were paid</caption>' in html
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert (
        '<th scope="row">Clínica Esperanza</th><td class="num">4</td><td class="num">$12,500.00</td><td>Resolved</td>'
    ) in rows
    assert f'<th scope="row">{FORMULA.replace(chr(34), "&#34;")}</th>' in html
    assert '<th scope="row">Data and evaluation</th><td class="num">33.5</td><td class="num">—</td>' in html
    assert '<td class="num">too few responses</td>' in html


def test_wide_tables_scroll_in_their_own_box_a_keyboard_can_reach(page: Page) -> None:
    wraps = page.find("div", class_="table-wrap")
    assert len(wraps) == 7
    for index in wraps:
        attrs = page.elements[index][1]
        assert attrs["role"] == "region" and attrs["tabindex"] == "0"
        assert page.find("caption", id=attrs["aria-labelledby"])


def test_an_empty_table_says_why_and_notes_sit_under_tables(page: Page) -> None:
    notes = [page.text(i) for i in page.find("p", class_="note")]
    assert "No partner was paid late this year." in notes
    assert "A dash: too few ratings to score the domain." in notes


def test_every_chart_is_an_image_described_by_its_title_and_text_alternative(page: Page, html: str) -> None:
    charts = sample_report().sections
    alts = [b.alt for s in charts for b in s.blocks if b.kind == "chart"]
    svgs = page.find("svg")
    assert len(svgs) == 4
    for index, alt in zip(svgs, alts, strict=True):
        attrs = page.elements[index][1]
        title_id, desc_id = attrs["aria-labelledby"].split()
        assert attrs["role"] == "img"
        (title,) = page.find("title", id=title_id)
        (desc,) = page.find("desc", id=desc_id)
        assert page.text(desc) == alt and page.text(title)
    assert (
        page.text(page.find("title", id="self-assessment-scores-2-title")[0]) == "Score by domain, baseline and final"
    )


def test_a_chart_draws_its_names_values_and_axis_and_keeps_its_numbers_in_a_table(page: Page, html: str) -> None:
    (svg,) = [i for i in page.find("svg") if page.elements[i][1]["aria-labelledby"].startswith("barriers-1")]
    drawn = page.text(svg)
    assert drawn.startswith("Barriers by category and status 21 barriers:")  # title, desc
    assert "Solicitation 3 1 2 6 Contracting 2 2 4" in drawn  # each segment's value, then the total
    assert drawn.endswith("0 2 4 6 barriers")  # the axis and its unit
    legend = [page.text(i) for i in page.find("ul", class_="legend")]
    assert legend[1] == "Resolved In progress Identified"
    tables = [page.text(i) for i in page.find("details")]
    assert tables[0] == (
        "The numbers in this chart Score by domain, baseline and final: the numbers Category Baseline Final "
        "Leadership and accountability 42.5 61 Procurement policy and practice 35 52.5 "
        "Payment and cash flow 28 57 Community partnership 51 66.5 Data and evaluation 33.5 —"
    )
    assert "Payment is on time 20% 55% 90%" in tables[3] and "We are heard — — —" in tables[3]


def test_colours_keep_their_contrast_on_white(html: str) -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    fills = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})"', html)) - {"#FFFFFF"}
    assert fills
    for fill in fills:
        assert (1.05) / (luminance(fill) + 0.05) >= 3, f"{fill} is too faint on white"


def test_quotes_are_quotations_with_who_said_them(page: Page) -> None:
    quotes = page.find("figure", class_="quote")
    assert [page.text(i) for i in quotes] == [
        f"“{QUOTE}” — {QUOTE_BY}",
        f"“{KOREAN_QUOTE}” — {VIETNAMESE}",
        "“Anonymous praise for the new payment schedule.”",
    ]
    assert page.all_text("blockquote")[1] == f"“{KOREAN_QUOTE}”"
    assert page.all_text("figcaption")[-2:] == [f"— {QUOTE_BY}", f"— {VIETNAMESE}"]


def test_names_in_every_script_are_text(html: str) -> None:
    for name in (VIETNAMESE, KOREAN, CHINESE, "Clínica Esperanza"):
        assert name in html


def test_the_page_prints_chapters_on_new_pages_without_its_contents(html: str) -> None:
    print_css = html[html.index("@media print") :]
    assert "section.chapter > h2 { break-before: page; }" in print_css
    assert "nav.toc, details { display: none; }" in print_css
    assert "thead { display: table-header-group; }" in print_css


def test_a_table_of_thousands_of_rows_is_on_the_page(out_dir: Path) -> None:
    path = render_report_html(regional_report(3000), out_dir / "regional.html")
    text = path.read_text(encoding="utf-8")
    assert text.count("<tr>") == 1 + 3000 + 1 + 5  # header, rows, and the chart's numbers
    assert '<th scope="row">Jurisdiction 3000 County Public Health</th>' in text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium; `make system-deps` adds it")
    from playwright.sync_api import sync_playwright

    from tests.roadmaps.test_html_browser import ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


LAYOUT = """() => ({
  page: document.documentElement.scrollWidth,
  viewport: document.documentElement.clientWidth,
  charts: [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')];
    return {left: box.left, right: box.right,
            widest: Math.max(...texts.map(t => t.getBoundingClientRect().right)),
            smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize)))};
  }),
  wraps: [...document.querySelectorAll('.table-wrap')].map(w => ({scroll: w.scrollWidth, client: w.clientWidth})),
})"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_page_never_scrolls_sideways_and_charts_fit_the_screen(
    browser: Any, html_path: Path, out_dir: Path, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(html_path.as_uri())
    page.screenshot(path=str(out_dir / f"report-{width}.png"), full_page=True)
    layout = page.evaluate(LAYOUT)
    page.close()
    assert layout["page"] <= layout["viewport"], f"the page is {layout['page']}px wide at {width}px"
    for chart in layout["charts"]:
        assert chart["right"] <= layout["viewport"] and chart["widest"] <= chart["right"] + 1
        assert chart["smallest"] >= 12  # text keeps its size on a phone
    if width == PHONE:  # the partners' table is wider than a phone: it scrolls inside its box
        assert any(wrap["scroll"] > wrap["client"] for wrap in layout["wraps"])
