"""A report as a tagged PDF: a cover, the executive summary on a page of its own, a table of
contents, then the sections with their figures, tables, charts and quotes. Every page after the
cover says "Page n of N" beside the report's footer.

The table of contents is platypus's, filled by ``multiBuild`` as headings are laid out; its page
numbers are drawn when the document is saved, as "Page n of N" is, so one pass lays out even a
report with a table of thousands of rows. Should a second pass be needed, it lays out a new
story: a flowable keeps the structure element it is tagged with, and each pass has a new canvas."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import count
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from roadmaps.fonts import markup, register_fonts
from roadmaps.pdf_pages import Heading, NumberedCanvas
from roadmaps.pdf_tags import Paragraph, Role, Table, add_structure, artifact, figure, pagination
from roadmaps.pdf_theme import ACCENT, BAR_FILL, FRAME_WIDTH, INK, MARGIN, MUTED, PAGE, RULE, ZEBRA, styles, table_style
from roadmaps.report import document as doc
from roadmaps.report.charts import chart_drawings
from roadmaps.report.registry import register_report_renderer
from roadmaps.text import shorten

FRAME_HEIGHT = PAGE[1] - 2 * MARGIN
TILES_PER_ROW = 4
CELL_SIZE = 8.5
CELL_LEADING = 11.0
CELL_PADDING = 8.0  # left and right padding of a cell together
SAMPLE_ROWS = 400  # rows measured to choose column widths: a long table's first ones say enough
SHORT_TABLE = 20  # rows: a table this short is kept with its title, moved to the next page whole
TABLE_START = 130.0  # room for a long table's title, header and first rows
MAX_PASSES = 6
CHAPTER_ROOM = 0.55  # the share of a page that must be free for a chapter to start on it


def render_report_pdf(document: doc.ReportDocument, out: Path) -> Path:
    """Write ``document`` to ``out`` as a tagged PDF and return the path."""
    out = Path(out)
    pdf = io.BytesIO()
    report = ReportDoc(pdf, document)
    report.lay_out()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(add_structure(pdf.getvalue(), report.canv.structure))
    return out


@dataclass(frozen=True)
class ReportStyles:
    """The report's paragraph styles: the roadmap's look, with the roles of a report's outline
    (its title H1, sections H2, their parts H3)."""

    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_line: ParagraphStyle
    section: ParagraphStyle
    part: ParagraphStyle
    block_title: ParagraphStyle
    body: ParagraphStyle
    lead: ParagraphStyle
    bullet: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_number: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_number: ParagraphStyle
    tile_label: ParagraphStyle
    tile_detail: ParagraphStyle
    quote: ParagraphStyle
    quote_by: ParagraphStyle
    contents: tuple[ParagraphStyle, ParagraphStyle]
    contents_page: ParagraphStyle
    footer: ParagraphStyle


@lru_cache
def report_styles() -> ReportStyles:
    """The styles, built once the fonts are registered."""
    base = styles()
    fonts = register_fonts()

    def make(name: str, parent: ParagraphStyle, **changes: object) -> ParagraphStyle:
        changes.setdefault("role", getattr(parent, "role", Role.P))
        return ParagraphStyle(f"report-{name}", parent=parent, **changes)

    return ReportStyles(
        cover_title=make("cover-title", base.title, fontSize=32, leading=38, spaceAfter=10),
        cover_subtitle=make("cover-subtitle", base.subtitle, fontSize=17, leading=23, textColor=INK, spaceAfter=0),
        cover_line=make("cover-line", base.body, fontSize=11.5, leading=16, spaceAfter=2),
        section=make("section", base.h1, role=Role.H2, spaceBefore=28),  # dropped at the top of a page
        part=make("part", base.h2, role=Role.H3, textColor=ACCENT, spaceBefore=10),
        block_title=make("block-title", base.h3, role=Role.P, textColor=INK, spaceBefore=10),
        body=make("body", base.body),
        lead=make("lead", base.body, fontSize=11.5, leading=16, textColor=ACCENT, spaceAfter=8),
        bullet=make("bullet", base.body, leftIndent=14, bulletIndent=3, bulletFontName=fonts.base, spaceAfter=3),
        note=make("note", base.note),
        cell=make("cell", base.cell),
        cell_number=make("cell-number", base.cell, alignment=TA_RIGHT),
        cell_head=make("cell-head", base.cell_head),
        cell_head_number=make("cell-head-number", base.cell_head, alignment=TA_RIGHT),
        tile_label=make("tile-label", base.figure_label, textColor=INK, fontName=fonts.bold, spaceBefore=2),
        tile_detail=make("tile-detail", base.small, fontSize=8, leading=10.5),
        quote=make("quote", base.body, fontSize=11, leading=15.5, spaceAfter=3),
        quote_by=make("quote-by", base.note, spaceAfter=0),
        contents=(
            make("contents-1", base.body, fontName=fonts.bold, fontSize=11, leading=15, rightIndent=48, spaceAfter=0),
            make("contents-2", base.body, leftIndent=16, rightIndent=48, spaceAfter=0),
        ),
        contents_page=make("contents-page", base.body, textColor=INK),
        footer=make("footer", base.small),
    )


class SectionHeading(Heading):
    """A section's heading: in the outline (bookmarks) and, when ``listed``, in the table of contents."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str, *, listed: bool = True) -> None:
        super().__init__(markup(text, bold=True), style, text, level)
        self.key = key
        self.listed = listed
        self.markup = markup(text)


class Contents(TableOfContents):
    """The table of contents: a tagged paragraph per section that links to it, with its page number.

    The contents come before the sections they list, yet one pass lays the report out: each page
    number is a form the contents page refers to, drawn once the section's page is known (see
    ``ReportCanvas``), so the contents are complete as soon as they list the same sections."""

    def __init__(self) -> None:
        super().__init__(dotsMinLevel=-1)

    def isSatisfied(self) -> bool:
        return _listed(self._entries) == _listed(self._lastEntries)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        style = report_styles()
        self.canv.setNamedCB(BASELINE, _remember_baseline)
        rows: list[list[Any]] = [
            [ContentsEntry(text, style.contents[min(level, 1)], key or "", availWidth)]
            for level, text, _page, key in self._lastEntries
        ] or [[Paragraph("No sections.", style.note)]]
        self._table = Table(rows, colWidths=[availWidth], layout=True)
        self._table.setStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), register_fonts().base),  # else the cells name Helvetica
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ]
        )
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


BASELINE = "contentsEntryBaseline"


def _listed(entries: Sequence[tuple[int, str, int, str | None]]) -> list[tuple[int, str, str | None]]:
    """The entries without their page numbers."""
    return [(level, text, key) for level, text, _page, key in entries]


def _remember_baseline(canvas: Canvas, kind: str, label: str) -> None:
    # Called by the paragraph as it sets the end of its text: where its last line sits.
    canvas.contents_baseline = canvas._curr_tx_info["cur_y"]


class ContentsEntry(Paragraph):
    """A section's entry in the contents: its heading, linked to it, then its page number at the right.

    The number is a form (see ``ReportCanvas``) drawn after the heading, so a screen reader reads
    "Barriers 5", not "5 Barriers"."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, width: float) -> None:
        super().__init__(f'<a href="#{key}">{text}</a><onDraw name="{BASELINE}" label="{key}"/>', style)
        self.key = key
        self.right = width

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        y = getattr(canvas, "contents_baseline", 0.0)
        canvas.saveState()
        canvas.translate(self.right, y)
        canvas.doForm(_page_form(self.key))
        canvas.restoreState()
        canvas.linkRect("", self.key, (self.right - 36, y - 3, self.right, y + 10), relative=1)


def _page_form(key: str) -> str:
    return f"contents-page-{key}"


class ReportCanvas(NumberedCanvas):
    """Pages numbered "Page n of N", all but the cover; the contents' page numbers drawn at the end."""

    unnumbered = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_pages: dict[str, int] = {}

    def save(self) -> None:
        style = report_styles().contents_page
        for key, page in self.section_pages.items():
            self.beginForm(_page_form(key), lowery=-4, upperx=0, uppery=style.fontSize + 2, lowerx=-60)
            self.setFont(style.fontName, style.fontSize)
            self.setFillColor(style.textColor)
            self.drawRightString(0, 0, str(page))
            self.endForm()
        super().save()


class ReportDoc(BaseDocTemplate):
    """Letter pages: a cover without footer, then body pages with the report's footer."""

    def __init__(self, out: BinaryIO, document: doc.ReportDocument) -> None:
        fonts = register_fonts()
        super().__init__(
            out,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=document.title,
            author=document.author,
            subject=document.subtitle,
            creator="Equity Accelerator",
            initialFontName=fonts.base,
            lang=document.language,
            displayDocTitle=True,
        )
        self.document = document
        self.contents = Contents()
        frame = Frame(MARGIN, MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="body", leftPadding=0, rightPadding=0)
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame]),
                PageTemplate(id="body", frames=[frame], onPage=self._footer),
            ]
        )
        self._passes = 0
        self._outline: list[int] = []

    def lay_out(self) -> None:
        """Lay the document out in as many passes as the table of contents needs (at most ``MAX_PASSES``)."""
        story = self.story()
        # The entries are known before the pages are: the first pass lays the contents out at their size.
        self.contents.addEntries(
            [(f.level, f.markup, 0, f.key) for f in story if isinstance(f, SectionHeading) and f.listed]
        )
        self.multiBuild(story, maxPasses=MAX_PASSES, canvasmaker=ReportCanvas)

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        # multiBuild lays the same story out on each pass; each pass after the first gets a new one,
        # so every structure element belongs to the canvas it is drawn on.
        story = flowables if self._passes == 0 else self.story()
        self._passes += 1
        self._outline = []
        super().build(story, *args, **kwargs)

    def story(self) -> list[Flowable]:
        """Everything the report's pages hold, in reading order (new flowables each call)."""
        return _story(self.document, self.contents)

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, SectionHeading):
            return
        self.canv.bookmarkPage(flowable.key)
        if isinstance(self.canv, ReportCanvas):
            self.canv.section_pages[flowable.key] = self.page
        # An outline level may go one deeper than the one before it, never more.
        level = min(flowable.level, self._outline[-1] + 1 if self._outline else 0)
        self._outline.append(level)
        self.canv.addOutlineEntry(flowable.outline, flowable.key, level=level, closed=level > 0)
        if flowable.listed:
            self.notify("TOCEntry", (flowable.level, flowable.markup, self.page, flowable.key))

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        self.canv.showOutline()

    def _footer(self, canvas: Canvas, template: BaseDocTemplate) -> None:
        text = self.document.footer or self.document.title
        with pagination(canvas):
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, MARGIN - 14, PAGE[0] - MARGIN, MARGIN - 14)
            # One line only, beside "Page n of N": a long footer is shortened until it fits.
            for limit in (110, 80, 60, 45, 30):
                footer = Paragraph(markup(shorten(text, limit)), report_styles().footer)
                footer.wrap(FRAME_WIDTH * 0.78, MARGIN)
                if len(footer.blPara.lines) <= 1:
                    break
            footer.drawOn(canvas, MARGIN, MARGIN - 18 - footer.height)
            canvas.restoreState()


def _story(document: doc.ReportDocument, contents: Contents) -> list[Flowable]:
    style = report_styles()
    story = _cover(document)
    keys = (f"section-{index}" for index in count(1))
    if document.summary:
        for section in document.summary:
            story += _section(section, next(keys))
        story.append(PageBreak())
    story += [
        SectionHeading("Contents", style.section, 0, "contents", listed=False),
        contents,
        PageBreak(),
    ]
    for index, section in enumerate(document.sections):
        if section.level == 1 and index:
            # A chapter starts on a new page unless most of this one is still free: short chapters
            # share pages rather than leave them nearly empty.
            story.append(CondPageBreak(FRAME_HEIGHT * CHAPTER_ROOM))
        story += _section(section, next(keys))
    return story


def _cover(document: doc.ReportDocument) -> list[Flowable]:
    """The first page: title, subtitle, who prepared it and when; no footer, no page number."""
    style = report_styles()
    story: list[Flowable] = [
        artifact(CoverBand()),
        Spacer(1, FRAME_HEIGHT * 0.26),
        Paragraph(markup(document.title, bold=True), style.cover_title),
    ]
    if document.subtitle:
        story.append(Paragraph(markup(document.subtitle), style.cover_subtitle))
    story += [
        artifact(HRFlowable(width="100%", thickness=0.8, color=RULE, spaceBefore=20, spaceAfter=14)),
        Paragraph(f"Prepared by <b>{markup(document.author, bold=True)}</b>", style.cover_line),
        Paragraph(_long_date(document.prepared_on), style.cover_line),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return story


class CoverBand(Flowable):
    """The cover's band of colour across the top of the page (it takes no room in the frame)."""

    HEIGHT = 1.6 * inch

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 0

    def draw(self) -> None:
        canvas = self.canv
        left, bottom = canvas.absolutePosition(0, 0)  # the page's corner, in the frame's coordinates
        top = PAGE[1] - bottom
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(-left, top - self.HEIGHT, PAGE[0], self.HEIGHT, stroke=0, fill=1)
        canvas.setFillColor(BAR_FILL)
        canvas.rect(-left, top - self.HEIGHT - 6, PAGE[0], 6, stroke=0, fill=1)
        canvas.restoreState()


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _section(section: doc.Section, key: str) -> list[Flowable]:
    style = report_styles()
    heading_style = style.section if section.level == 1 else style.part
    story: list[Flowable] = [SectionHeading(section.heading, heading_style, section.level - 1, key)]
    for block in section.blocks:
        story += _block(block)
    return story


def _block(block: doc.Block) -> list[Flowable]:
    if isinstance(block, doc.Paragraph):
        style = report_styles()
        return [Paragraph(markup(block.text), style.lead if block.emphasis else style.body)]
    if isinstance(block, doc.Bullets):
        return _bullets(block)
    if isinstance(block, doc.Figures):
        return _figures(block)
    if isinstance(block, doc.Table):
        return _table(block)
    if isinstance(block, doc.Chart):
        return _chart(block)
    return _quote(block)


def _bullets(block: doc.Bullets) -> list[Flowable]:
    style = report_styles()
    return [Paragraph(markup(item), style.bullet, bulletText="•") for item in block.items] + [Spacer(1, 4)]


def _title(text: str, *, keep_with_next: bool = True) -> list[Flowable]:
    style = report_styles().block_title
    if not keep_with_next:
        style = ParagraphStyle(f"{style.name}-loose", parent=style, keepWithNext=0)
    return [Paragraph(markup(text, bold=True), style)] if text else []


def _figures(block: doc.Figures) -> list[Flowable]:
    """Headline numbers as tiles, up to four a row: the number large, its label, a line under it."""
    style = report_styles()
    fonts = register_fonts()
    if not block.items:
        return []
    rows = -(-len(block.items) // TILES_PER_ROW)
    per_row = -(-len(block.items) // rows)  # rows as even as can be: five tiles as three and two
    width = FRAME_WIDTH / per_row
    # One size for every number, the largest at which the widest one fits its tile.
    widest = max(stringWidth(item.value, fonts.bold, 1) for item in block.items)
    size = max(min(24.0, (width - 20) / max(widest, 0.01)), 12.0)
    value = ParagraphStyle("report-tile-value", parent=styles().figure, fontSize=size, leading=size * 1.2)
    cells: list[list[Any]] = []
    for start in range(0, len(block.items), per_row):
        row: list[Any] = []
        for item in block.items[start : start + per_row]:
            tile: list[Flowable] = [
                Paragraph(markup(item.value, bold=True), value),
                Paragraph(markup(item.label, bold=True), style.tile_label),
            ]
            if item.detail:
                tile.append(Paragraph(markup(item.detail), style.tile_detail))
            row.append(tile)
        cells.append(row + [""] * (per_row - len(row)))
    tiles = Table(cells, colWidths=[width] * per_row, layout=True)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.base),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
    ]
    for r, row in enumerate(cells):
        for c, tile in enumerate(row):
            if tile:
                commands += [
                    ("BACKGROUND", (c, r), (c, r), ZEBRA),
                    ("LINEABOVE", (c, r), (c, r), 3, ACCENT),
                ]
    # White rules between tiles: the gutters.
    commands += [("LINEAFTER", (0, 0), (-2, -1), 6, colors.white), ("LINEBELOW", (0, 0), (-1, -2), 6, colors.white)]
    tiles.setStyle(commands)
    return [*_title(block.title), tiles, Spacer(1, 10)]


class LongTable(Table):
    """A tagged table that splits across pages without measuring every remaining row again."""

    _longTableOptimize = 1


def _table(block: doc.Table) -> list[Flowable]:
    """A data table: the header on every page, numbers right-aligned, alternate rows shaded."""
    style = report_styles()
    if len(block.rows) <= SHORT_TABLE:
        story = _title(block.title)  # kept with its table: a short table moves to the next page whole
    else:
        # A long table starts where its title, header and a few rows fit, then runs on page after page
        # (kept with its title, it would be moved whole and leave a page empty behind it).
        story = [CondPageBreak(TABLE_START), *_title(block.title, keep_with_next=False)]
    if not block.rows:
        return story + [Paragraph(markup(block.empty), style.note)]
    columns = block.columns
    widths = _column_widths(block)
    fonts = register_fonts()
    base = fonts.coverage[fonts.base]
    header = [
        Paragraph(markup(c.heading, bold=True), style.cell_head_number if c.numeric else style.cell_head)
        for c in columns
    ]
    rows: list[list[Any]] = [header]
    for values in block.rows:
        row: list[Any] = []
        for column, width, value in zip(columns, widths, _cells(values, len(columns)), strict=True):
            text = column.text(value)
            # Plain text is drawn by the table itself, far faster than a paragraph; text that must
            # wrap, or needs a Korean or Chinese font, is a paragraph.
            if (
                "\n" not in text
                and stringWidth(text, fonts.base, CELL_SIZE) + CELL_PADDING <= width
                and all(ord(ch) in base for ch in text)
            ):
                row.append(text)
            else:
                row.append(Paragraph(markup(text), style.cell_number if column.numeric else style.cell))
        rows.append(row)
    first_is_name = not columns[0].numeric
    table = LongTable(
        rows,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        header_columns=(0,) if first_is_name else (),
        hAlign="LEFT",
    )
    commands: list[tuple[Any, ...]] = list(table_style(rows=0).getCommands())
    commands += [
        ("FONTNAME", (0, 0), (-1, -1), fonts.base),
        ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, c in enumerate(columns) if c.numeric]
    table.setStyle(commands)
    story.append(table)
    if block.note:
        story.append(Spacer(1, 4))
        story.append(Paragraph(markup(block.note), style.note))
    story.append(Spacer(1, 8))
    return story


def _cells(values: Sequence[doc.Cell], count: int) -> list[doc.Cell]:
    """A row's cells, one per column: missing ones empty, extra ones dropped."""
    return (list(values) + [None] * count)[:count]


def _column_widths(block: doc.Table) -> list[float]:
    """Widths that fill the frame: numbers as wide as they need, text sharing the rest by its length."""
    fonts = register_fonts()
    sample = block.rows[:SAMPLE_ROWS]
    natural: list[float] = []
    least: list[float] = []
    for index, column in enumerate(block.columns):
        texts = [column.text(row[index] if index < len(row) else None) for row in sample]
        words = [w for t in (column.heading, *texts) for w in t.split()] or [""]
        longest_word = max(stringWidth(w, fonts.bold, CELL_SIZE) for w in words) + CELL_PADDING
        lengths = sorted(stringWidth(t, fonts.base, CELL_SIZE) + CELL_PADDING for t in texts)
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0.0
        if column.numeric:  # as wide as its numbers, or as its heading in at most three lines
            heading = stringWidth(column.heading, fonts.bold, 8) * 1.15 / 3 + CELL_PADDING
            natural.append(max(typical, longest_word, min(heading, 90.0)))
            least.append(natural[-1])
        else:
            natural.append(max(typical, longest_word))
            least.append(min(max(longest_word, 40.0), FRAME_WIDTH / 3))
    total = sum(natural)
    text_columns = [i for i, c in enumerate(block.columns) if not c.numeric] or list(range(len(natural)))
    if total <= FRAME_WIDTH:
        extra = FRAME_WIDTH - total
        share = sum(natural[i] for i in text_columns)
        return [w + (extra * w / share if i in text_columns and share else 0) for i, w in enumerate(natural)]
    # Too wide: text columns give up room in proportion to what they have above their least.
    fixed = sum(w for i, w in enumerate(natural) if i not in text_columns)
    room = max(FRAME_WIDTH - fixed, 0.0)
    spare = sum(natural[i] - least[i] for i in text_columns)
    over = sum(natural[i] for i in text_columns) - room
    widths = list(natural)
    for i in text_columns:
        cut = over * (natural[i] - least[i]) / spare if spare else over / len(text_columns)
        widths[i] = max(natural[i] - cut, 24.0)
    scale = FRAME_WIDTH / sum(widths)
    return [w * scale for w in widths] if scale < 1 else widths


def _chart(block: doc.Chart) -> list[Flowable]:
    """A chart drawn to the frame's width, a Figure whose text alternative a screen reader reads."""
    style = report_styles()
    story = _title(block.title)
    drawings = chart_drawings(block, FRAME_WIDTH, FRAME_HEIGHT - 60)  # its title above it
    if not drawings:
        return story + [Paragraph("Nothing to chart yet.", style.note)]
    for index, drawing in enumerate(drawings):
        if index:
            story += _title(f"{block.title} (continued)")
        alt = block.alt if index == 0 else f"{block.alt} (continued)"
        story += [figure(drawing, alt), Spacer(1, 10)]
    return story


def _quote(block: doc.Quote) -> list[Flowable]:
    """A quote set off from the text: indented behind a rule, in italics, who said it under it."""
    style = report_styles()
    rows: list[list[Any]] = [[Paragraph(f"<i>“{markup(block.text)}”</i>", style.quote)]]
    if block.by:
        rows.append([Paragraph(f"— {markup(block.by)}", style.quote_by)])
    quote = Table(rows, colWidths=[FRAME_WIDTH - 36], layout=True, hAlign="RIGHT")
    quote.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), register_fonts().base),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
        ]
    )
    return [Spacer(1, 4), quote, Spacer(1, 10)]


register_report_renderer("pdf", ".pdf", render_report_pdf)
