"""The roadmap as one HTML page: user markup escaped, self-contained and accessible, names as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment.roadmap.view import RoadmapView
from roadmaps.html import render_html
from tests.roadmap.test_view import STORED_BEFORE
from tests.roadmap.views import (
    BUILDER_EMAIL,
    BUILDER_NAME,
    CHINESE,
    DOMAIN_SCORES,
    KOREAN,
    SCRIPT_TITLE,
    SPANISH,
    VIETNAMESE,
)


@pytest.fixture(scope="module")
def page(view: RoadmapView, out_dir: Path) -> str:
    return render_html(view, out_dir / "roadmap.html").read_text(encoding="utf-8")


class _Outline(HTMLParser):
    """What a browser and a screen reader get from the page: tags, headings, tables, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.tables: list[dict[str, int]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": 0, "th": 0, "th_without_scope": 0})
        elif tag in ("caption", "th") and self.tables:
            self.tables[-1][tag] += 1
            if tag == "th" and dict(attrs).get("scope") not in ("col", "row"):
                self.tables[-1]["th_without_scope"] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_html_escapes_user_markup(page: str, outline: _Outline) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script" not in page.lower()
    assert SCRIPT_TITLE in "".join(outline.text)


def test_html_is_a_self_contained_accessible_page(page: str, outline: _Outline) -> None:
    tags = {tag for tag, _ in outline.tags}
    assert ("html", {"lang": "en"}) in outline.tags
    assert ("meta", {"charset": "utf-8"}) in outline.tags
    assert {"main", "header", "nav", "title", "style"} <= tags
    assert not any(tag == "link" or "src" in attrs for tag, attrs in outline.tags)  # nothing external
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(outline.headings[:-1], outline.headings[1:], strict=True)), outline.headings
    assert outline.tables
    for table in outline.tables:
        assert table["caption"] == 1 and table["th"] > 0 and table["th_without_scope"] == 0
    assert "@media print" in page


def test_html_shows_names_and_statuses_as_text(outline: _Outline, view: RoadmapView) -> None:
    text = "".join(outline.text)
    for name in (VIETNAMESE, KOREAN, CHINESE, SPANISH):
        assert name in text
    for goal in view.goals:
        assert goal.statement in text
        assert goal.status_label in text
    assert "2027 Q1" in text and "Under way" in text and "milestone done" in text


def words(outline: _Outline) -> str:
    return re.sub(r"\s+", " ", "".join(outline.text))


def test_html_says_where_the_team_stands(outline: _Outline, page: str) -> None:
    text = words(outline)
    assert "Where the team stands" in text and 'href="#standing"' in page
    assert "Latest cycle: Midpoint, 4 respondents. Overall score 47.2 of 100 (stage 2, Emerging)." in text
    for title, (score, change) in DOMAIN_SCORES.items():
        shown = "too few ratings to score" if score is None else f"{score:g}"
        assert f"{title} {shown} {'—' if change is None else f'{change:+.1f}'}" in text
    assert "Change since baseline" in text
    assert "Now at 2 Consult; aiming for 4 Collaborate (2 steps up)" in text
    assert "3 inputs recorded (Listening session: 2, CBO survey: 1), with 41 participants." in text
    assert f"cash flow (in 3 inputs) language access ({SPANISH}) (in 2 inputs) insurance costs (in 1 input)" in text
    assert 'style="width: 58.3%;"' in page  # the bar chart


def test_html_names_the_builder_and_keeps_the_email(outline: _Outline) -> None:
    text = words(outline)
    assert f"{BUILDER_NAME}{BUILDER_EMAIL}" in text  # the name, then the email on a line of its own
    assert f"by {BUILDER_NAME}" in text  # the footer


def test_html_has_no_script_to_block(page: str) -> None:
    assert "<script" not in page.lower()
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline event handlers
    assert "javascript:" not in page.lower()


def test_html_of_a_version_stored_before_leaves_out_where_the_team_stands(tmp_path: Path) -> None:
    old = render_html(RoadmapView.model_validate_json(STORED_BEFORE), tmp_path / "old.html").read_text("utf-8")
    assert "Where the team stands" not in old and "#standing" not in old
    assert "manager@<wbr>alder<wbr>.example<wbr>.org" in old  # only the email was kept then


def test_the_contents_number_each_goal_once(page: str, view: RoadmapView) -> None:
    contents = page.split('aria-label="Contents"', 1)[1].split("</nav>", 1)[0]
    for goal in view.goals:
        assert f'<li value="{goal.rank}"><a href="#goal-{goal.id}">' in contents
        assert f'">{goal.rank}. ' not in contents  # the list numbers it; the text does not again
