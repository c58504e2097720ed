"""The roadmap as a PDF: a first page that is the summary, where the team stands, every goal and
name drawn exactly, a timeline whose numbers no milestone hides, page numbers, fonts, margins and
the document's metadata."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from assessment.roadmap.view import GoalView, MilestoneView, RoadmapView
from roadmaps.gantt import LABEL_SHARE, Gantt
from roadmaps.pdf import render_pdf
from roadmaps.pdf_theme import FRAME_WIDTH
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
    build_edge_view,
)
from tests.roadmaps.reading import pdf_pages, pdftotext, words_outside_margins


@pytest.fixture(scope="module")
def pdf(view: RoadmapView, out_dir: Path) -> Path:
    return render_pdf(view, out_dir / "roadmap.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf: Path) -> str:
    return pdftotext(pdf, "-layout")


@pytest.fixture(scope="module")
def pdf_flow(pdf: Path) -> list[str]:
    """Each page's text in reading order, runs of white space as one space."""
    return [re.sub(r"\s+", " ", page) for page in pdftotext(pdf).split("\f")]


def test_pdf_first_page_names_the_roadmap_and_is_its_summary(
    pdf_text: str, pdf_flow: list[str], view: RoadmapView
) -> None:
    first = pdf_text.split("\f")[0]
    assert "Action Roadmap" in first
    assert "Riverside County Public Health" in first
    assert "2026 Southern California" in first
    assert re.search(r"Version\s+.*\n.*\b3\b", first)
    assert BUILDER_NAME in first and BUILDER_EMAIL not in pdf_text  # a person, by name
    assert "Summary" in first and "Top goals in priority order" in first and "Goals by status" in first
    assert "milestones done" in first and "barriers still open" in first
    for goal in view.goals:
        assert goal.statement in pdf_flow[0]


def test_pdf_first_pages_are_filled_not_mostly_empty(pdf: Path) -> None:
    # The cover used to be a title a third down an empty page, the summary a page of its own.
    first, second = pdf_pages(pdf)[:2]
    for page in (first, second):
        body = [w for w in page.words if not w.text.startswith(("Page", "Riverside"))]
        lowest = max(w.y1 for w in body if w.y1 < page.height - 60)
        assert lowest > 0.75 * page.height, f"text ends {lowest / page.height:.0%} down the page"


def test_pdf_shows_where_the_team_stands(pdf_flow: list[str]) -> None:
    text = " ".join(pdf_flow)
    assert "Where the team stands" in text
    assert "Latest cycle: Midpoint, 4 respondents. Overall score 47.2 of 100 (stage 2, Emerging)." in text
    for title, (score, change) in DOMAIN_SCORES.items():
        assert title in text
        if score is not None:
            assert f"{score:g} ({'—' if change is None else f'{change:+.1f}'})" in text
    assert "too few ratings to score" in text
    assert "Now at 2 Consult; aiming for 4 Collaborate (2 steps up)" in text
    assert "3 inputs recorded (Listening session: 2, CBO survey: 1), with 41 participants." in text
    assert f"cash flow (3); language access ({SPANISH}) (2); insurance costs (1)" in text


def test_pdf_of_a_version_stored_before_has_no_standing_and_its_email_as_author(tmp_path: Path) -> None:
    old = render_pdf(RoadmapView.model_validate_json(STORED_BEFORE), tmp_path / "old.pdf")
    assert "Where the team stands" not in pdftotext(old)
    info = PdfReader(old).metadata
    assert info is not None and info.author == "manager@alder.example.org"  # all an older version knew


def test_pdf_metadata_names_the_author_title_subject_and_language(pdf: Path) -> None:
    reader = PdfReader(pdf)
    info = reader.metadata
    assert info is not None and info.author == BUILDER_NAME
    assert info.title == "Action Roadmap — Riverside County Public Health"
    assert info.subject and "Riverside County Public Health" in info.subject and "version 3" in info.subject
    assert "action roadmap" in str(info.get("/Keywords"))
    catalog = reader.root_object
    assert catalog["/Lang"] == "en-US"
    preferences = catalog["/ViewerPreferences"]
    assert isinstance(preferences, DictionaryObject) and preferences["/DisplayDocTitle"]
    assert catalog["/PageMode"] == "/UseOutlines"  # the bookmarks open beside the first page
    assert [o.title for o in reader.outline if not isinstance(o, list)][:3] == [
        "Summary",
        "Where the team stands",
        "Timeline by quarter",
    ]


def test_gantt_numbers_are_never_hidden_by_a_milestone() -> None:
    # A milestone done the day its goal was set sits on the bar's left end, where the number went;
    # a bar that ends at the chart's edge leaves no room on its right either.
    started = GoalView(
        id=1,
        rank=1,
        statement="Offer advance payments",
        created=date(2026, 11, 24),
        due=date(2027, 6, 30),
        status="on_track",
        status_label="On track",
        milestones=[
            MilestoneView(title="Policy drafted", due=date(2026, 12, 1), done=date(2026, 11, 24)),
            MilestoneView(title="Board vote", due=date(2027, 3, 1)),
        ],
    )
    whole = started.model_copy(
        update={
            "id": 2,
            "rank": 12,
            "created": date(2026, 10, 1),
            "milestones": [
                MilestoneView(title="Kick-off", due=date(2026, 10, 1), done=date(2026, 10, 1)),
                MilestoneView(title="Adopted", due=date(2027, 6, 30)),
            ],
        }
    )
    view = RoadmapView.model_validate_json(STORED_BEFORE).model_copy(update={"goals": [started, whole]})
    for goals in (view.goals, build_edge_view().goals):
        gantt = Gantt(goals, RoadmapView(**{**view.__dict__, "goals": goals}).quarters, None)
        gantt.wrap(FRAME_WIDTH, 10_000)
        for goal in goals:
            marks = gantt.marks(goal)
            hidden = [box for box in marks.diamond_boxes if marks.rank.overlaps(box)]
            assert hidden == [], f"goal {goal.rank}'s number is under a milestone"
            assert FRAME_WIDTH * LABEL_SHARE <= marks.rank.left and marks.rank.right <= FRAME_WIDTH


def test_pdf_shows_every_goal_owner_and_script_exactly(pdf: Path, pdf_text: str, view: RoadmapView) -> None:
    for goal in view.goals:
        assert goal.statement in pdf_text
    for text in (VIETNAMESE, KOREAN, CHINESE, SPANISH):
        assert text in pdf_text, text
    # The markup-like title is drawn as text; a narrow cell may wrap it before "& co".
    assert "<script>alert(1)</script>" in pdf_text
    assert re.sub(r"\s+", "", SCRIPT_TITLE) in re.sub(r"\s+", "", pdftotext(pdf))
    assert "Appendix: Open barriers by category" in pdf_text
    assert "Timeline by quarter" in pdf_text
    assert "2026 Q3" in pdf_text  # milestones listed by quarter


def test_pdf_has_pages_numbers_and_footer(pdf: Path, pdf_text: str) -> None:
    pages = len(PdfReader(pdf).pages)
    assert pages > 3
    assert f"Page {pages} of {pages}" in pdf_text
    assert "Riverside County Public Health · Action Roadmap · version 3" in pdf_text.split("\f")[1]


def test_pdf_embeds_fonts_for_every_script(pdf: Path) -> None:
    fonts: set[str] = set()
    for pdf_page in PdfReader(pdf).pages:
        resources = pdf_page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if "/FontFile2" in font.get("/FontDescriptor", {}) or font.get("/Subtype") == "/TrueType":
                fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)
    assert any("NanumGothic" in f for f in fonts)
    assert any("WenQuanYi" in f for f in fonts)


def test_pdf_text_stays_inside_the_margins(pdf: Path) -> None:
    assert words_outside_margins(pdf) == []
