"""The look shared by every roadmap PDF part: page geometry, colours that survive grayscale, styles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import TableStyle

from roadmaps.fonts import markup, register_fonts
from roadmaps.pdf_tags import Paragraph, Role

PAGE = letter
MARGIN = 0.75 * inch
FRAME_WIDTH = PAGE[0] - 2 * MARGIN

# Dark ink on pale fills: every pairing keeps its contrast when printed in grayscale.
INK = colors.HexColor("#1B2A3A")
ACCENT = colors.HexColor("#1F4E79")
MUTED_HEX = "#55606E"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#B7C0CB")
HEADER_FILL = colors.HexColor("#DCE4EE")
ZEBRA = colors.HexColor("#F3F6F9")
BAR_FILL = colors.HexColor("#9DB6D3")
WHITE = colors.white


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of the roadmap, all in the registered base font; a heading's style names its
    role in the tagged PDF (the others are paragraphs, P)."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle


@lru_cache
def styles() -> Styles:
    """The paragraph styles, built once fonts are registered."""
    fonts = register_fonts()
    base = ParagraphStyle("base", fontName=fonts.base, fontSize=10, leading=13.5, textColor=INK, alignment=TA_LEFT)

    def make(name: str, **changes: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    return Styles(
        title=make("title", role=Role.H1, fontName=fonts.bold, fontSize=28, leading=33, textColor=ACCENT, spaceAfter=4),
        subtitle=make("subtitle", fontSize=16, leading=21, spaceAfter=4),
        h1=make(
            "h1",
            role=Role.H1,
            fontName=fonts.bold,
            fontSize=18,
            leading=23,
            textColor=ACCENT,
            spaceBefore=14,  # dropped at the top of a page
            spaceAfter=10,
            keepWithNext=1,
        ),
        h2=make(
            "h2",
            role=Role.H2,
            fontName=fonts.bold,
            fontSize=13,
            leading=17,
            spaceBefore=6,
            spaceAfter=6,
            keepWithNext=1,
        ),
        h3=make(
            "h3",
            role=Role.H3,
            fontName=fonts.bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        body=make("body", spaceAfter=6),
        small=make("small", fontSize=8, leading=10, textColor=MUTED),
        note=make("note", fontSize=9, leading=12, textColor=MUTED, spaceAfter=6),
        cell=make("cell", fontSize=8.5, leading=11),
        cell_bold=make("cell_bold", fontName=fonts.bold, fontSize=8.5, leading=11),
        cell_head=make("cell_head", fontName=fonts.bold, fontSize=8, leading=10),
        figure=make("figure", fontName=fonts.bold, fontSize=24, leading=28, textColor=ACCENT),
        figure_label=make("figure_label", fontSize=8.5, leading=11, textColor=MUTED),
    )


def table_style(*, header: bool = True, zebra_from: int = 1, rows: int = 0) -> TableStyle:
    """Thin rules, a pale header row and pale alternate rows: readable on screen and paper."""
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    for row in range(zebra_from, rows):
        if (row - zebra_from) % 2 == 1:
            commands.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
    return TableStyle(commands)


def paragraph(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """A paragraph of user text, escaped and in fonts that can draw it."""
    return Paragraph(markup(text, bold=bold), style)


def widths(*inches: float) -> list[float]:
    """Column widths given in inches, scaled to fill the frame exactly."""
    scale = FRAME_WIDTH / sum(inches)
    return [w * scale for w in inches]
