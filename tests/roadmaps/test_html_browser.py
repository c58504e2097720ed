"""The roadmap page in a real browser (headless Chromium) on a phone and on a desktop: no sideways
scrolling, no word split across lines, the header whole, and nothing a strict CSP would block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assessment.roadmap.view import RoadmapView
from roadmaps.html import render_html
from tests.roadmap.views import BUILDER_EMAIL, BUILDER_NAME, build_edge_view, build_empty_view

CHROMIUM = Path("/usr/bin/chromium")
# Playwright cannot download its own browsers here: it drives Debian's chromium, offline.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE, DESKTOP = 390, 1280
STRICT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; base-uri 'none'; form-action 'none'"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium; `make system-deps` adds it"
)

# Every word of every table cell whose letters sit on more than one line. Words are split at
# spaces and after hyphens (a normal place to wrap); CJK and Hangul may wrap between characters.
BROKEN_WORDS = """() => {
  const broken = [];
  const wraps_anywhere = /[\\u1100-\\u11ff\\u3040-\\u30ff\\u3130-\\u318f\\u3400-\\u9fff\\uac00-\\ud7af]/;
  for (const cell of document.querySelectorAll('th, td')) {
    if (cell.getBoundingClientRect().width < 2) continue;  // a visually hidden header row
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s-]+-?/g)) {
        if (wraps_anywhere.test(m[0])) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

# Cells whose wrapping rule lets the browser cut words to make a column narrower.
CUTTING_CELLS = """() => [...document.querySelectorAll('th, td')]
  .map(cell => getComputedStyle(cell))
  .filter(s => s.overflowWrap === 'anywhere' || s.wordBreak === 'break-all' || s.wordBreak === 'break-word')
  .length"""

# A header cell by its text: on how many lines it is drawn, and whether its text overflows the cell.
HEADER = """(text) => {
  const cell = [...document.querySelectorAll('thead th')].find(th => th.textContent.trim() === text);
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
  return {lines: lines.size, scroll: cell.scrollWidth, client: cell.clientWidth};
}"""

EMAIL = """() => {
  const email = document.querySelector('header .email');
  const box = email.getBoundingClientRect();
  return {text: email.textContent, left: box.left, right: box.right, scroll: email.scrollWidth,
          client: email.clientWidth, viewport: document.documentElement.clientWidth};
}"""


# The first row a selector finds: how it is laid out, and each cell as [label shown, text].
CARD = """(selector) => {
  const row = document.querySelector(selector);
  const label = cell => getComputedStyle(cell, '::before').content.replace(/^"|"$/g, '');
  return {display: getComputedStyle(row).display, width: row.getBoundingClientRect().width,
          cells: [...row.children].map(cell => [label(cell), cell.textContent.trim()])};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(view: RoadmapView, out_dir: Path) -> dict[str, Path]:
    return {
        "sample": render_html(view, out_dir / "sample.html"),
        "edge": render_html(build_edge_view(), out_dir / "edge.html"),
        "empty": render_html(build_empty_view(), out_dir / "empty.html"),
    }


def open_page(browser: Any, path: Path, width: int, shots: Path | None = None) -> Any:
    """The page as a browser at ``width`` CSS pixels shows it; a full-page screenshot kept in ``shots``."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    if shots is not None:
        page.screenshot(path=str(shots / f"{path.stem}-{width}.png"), full_page=True)
    return page


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", ["sample", "edge", "empty"])
def test_the_page_never_scrolls_sideways(
    browser: Any, pages: dict[str, Path], out_dir: Path, name: str, width: int
) -> None:
    page = open_page(browser, pages[name], width, out_dir)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("document.documentElement.clientWidth")
    page.close()
    assert scroll_width <= viewport, f"{name} at {width}px is {scroll_width}px wide"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_table_cells_keep_their_words_whole(browser: Any, pages: dict[str, Path], width: int) -> None:
    page = open_page(browser, pages["sample"], width)
    broken = page.evaluate(BROKEN_WORDS)
    cutting = page.evaluate(CUTTING_CELLS)
    page.close()
    assert broken == [], f"words split across lines at {width}px: {broken}"
    assert cutting == 0, "cells that let the browser cut a word to narrow a column"


def test_column_headers_read_on_one_line_on_a_desktop(browser: Any, pages: dict[str, Path]) -> None:
    page = open_page(browser, pages["sample"], DESKTOP)
    for header in ("Severity", "Status", "Rule set by", "Owner", "Milestone"):
        drawn = page.evaluate(HEADER, header)
        assert drawn["lines"] == 1, f"{header!r} wraps: {drawn}"
        assert drawn["scroll"] <= drawn["client"], f"{header!r} overflows its cell: {drawn}"
    page.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_header_shows_the_builder_and_the_whole_email(browser: Any, pages: dict[str, Path], width: int) -> None:
    page = open_page(browser, pages["sample"], width)
    email = page.evaluate(EMAIL)
    header = page.inner_text("header")
    page.close()
    assert BUILDER_NAME in header
    assert email["text"] == BUILDER_EMAIL
    assert 0 <= email["left"] and email["right"] <= email["viewport"], email
    assert email["scroll"] <= email["client"], email


def test_a_phone_shows_each_barrier_as_a_labelled_card(browser: Any, pages: dict[str, Path]) -> None:
    page = open_page(browser, pages["sample"], PHONE)
    card = page.evaluate(CARD, "#goal-101 ~ .table-wrap table.cards tbody tr")
    page.close()
    assert card["display"] == "block" and card["width"] <= PHONE
    assert ["Category", "Payment & cash flow"] in card["cells"]
    assert ["Severity", "5"] in card["cells"]
    assert ["Status", "Action planned"] in card["cells"]


def test_the_page_needs_nothing_a_strict_csp_blocks(browser: Any, pages: dict[str, Path]) -> None:
    page = browser.new_page(viewport={"width": DESKTOP, "height": 900})
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    html = pages["sample"].read_text(encoding="utf-8")
    page.route(
        "https://roadmap.test/",
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": STRICT_CSP},
        ),
    )
    page.goto("https://roadmap.test/")
    shown = page.inner_text("main")
    page.close()
    assert refused == []
    assert "Where the team stands" in shown
