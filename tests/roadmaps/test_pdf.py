"""The roadmap as a PDF: cover, every goal and name drawn exactly, page numbers, fonts, margins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessment.roadmap.view import RoadmapView
from roadmaps.pdf import render_pdf
from tests.roadmap.views import CHINESE, KOREAN, SCRIPT_TITLE, SPANISH, VIETNAMESE
from tests.roadmaps.reading import pdftotext, words_outside_margins


@pytest.fixture(scope="module")
def pdf(view: RoadmapView, out_dir: Path) -> Path:
    return render_pdf(view, out_dir / "roadmap.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf: Path) -> str:
    return pdftotext(pdf, "-layout")


def test_pdf_cover_names_jurisdiction_cohort_and_version(pdf_text: str) -> None:
    cover = pdf_text.split("\f")[0]
    assert "Action Roadmap" in cover
    assert "Riverside County Public Health" in cover
    assert "2026 Southern California" in cover
    assert re.search(r"Version\s+3", cover)
    assert "Ana Equity-Lead" in cover


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
