"""The PDF's pages: letter pages with a footer and "Page n of N", headings that fill the outline
(bookmarks), and the document's metadata: title (shown instead of the file name), author by name,
subject, keywords, language, and the outline, opened beside the first page. What the pages draw
around the body is marked as pagination artifacts (see ``pdf_tags``)."""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from assessment.roadmap.view import RoadmapView
from roadmaps.fonts import markup, register_fonts
from roadmaps.pdf_tags import Paragraph, TaggedCanvas, pagination
from roadmaps.pdf_theme import FRAME_WIDTH, MARGIN, MUTED, PAGE, RULE, styles
from roadmaps.text import shorten


class Heading(Paragraph):
    """A heading that also becomes an entry in the PDF's outline (bookmarks)."""

    def __init__(self, text: str, style: ParagraphStyle, outline: str, level: int) -> None:
        super().__init__(text, style)
        self.outline = outline
        self.level = level


class RoadmapDoc(BaseDocTemplate):
    """Letter pages with a footer, written to ``out``; headings fill the outline."""

    def __init__(self, out: BinaryIO, view: RoadmapView) -> None:
        fonts = register_fonts()
        super().__init__(
            out,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"Action Roadmap — {view.jurisdiction}",
            author=view.author,
            subject=f"{view.jurisdiction}'s near-term process-change goals, {view.cohort}, version {view.version}",
            keywords=["action roadmap", "contracting and procurement", "equity", view.jurisdiction, view.cohort],
            creator="Equity Accelerator",
            initialFontName=fonts.base,
            lang="en-US",
            displayDocTitle=True,
        )
        self.view = view
        frame = Frame(MARGIN, MARGIN, FRAME_WIDTH, PAGE[1] - 2 * MARGIN, id="body", leftPadding=0, rightPadding=0)
        self.addPageTemplates([PageTemplate(id="body", frames=[frame], onPage=self._footer)])
        self._bookmarks = 0

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self._bookmarks += 1
            key = f"h{self._bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline, key, level=flowable.level, closed=flowable.level > 0)

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        with pagination(canvas):
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, MARGIN - 14, PAGE[0] - MARGIN, MARGIN - 14)
            # One line only: a long jurisdiction name is shortened until the footer fits.
            for limit in (80, 60, 45, 30, 20):
                text = markup(
                    f"{shorten(self.view.jurisdiction, limit)} · Action Roadmap · version {self.view.version}"
                )
                footer = Paragraph(text, styles().small)
                footer.wrap(FRAME_WIDTH * 0.75, MARGIN)
                if len(footer.blPara.lines) == 1:
                    break
            footer.drawOn(canvas, MARGIN, MARGIN - 18 - footer.height)
            canvas.restoreState()


class NumberedCanvas(TaggedCanvas):
    """Holds pages back until the end so each body page can say "Page n of N"."""

    unnumbered = 0  # pages at the front that carry no number (a cover), still counted in N

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            if self._pageNumber > self.unnumbered:
                with pagination(self):
                    self.setFont(register_fonts().base, 8)
                    self.setFillColor(MUTED)
                    self.drawRightString(PAGE[0] - MARGIN, MARGIN - 26, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()
