"""The PDF's "Where the team stands": self-assessment domain scores as bars, community engagement
on its spectrum, and what the community said."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from assessment.roadmap.view import CommunityView, EngagementView, RoadmapView, SelfAssessmentView
from roadmaps.fonts import markup, register_fonts
from roadmaps.pdf_pages import Heading
from roadmaps.pdf_tags import Paragraph, Table, artifact
from roadmaps.pdf_theme import ACCENT, BAR_FILL, FRAME_WIDTH, INK, MUTED, MUTED_HEX, RULE, WHITE, Styles, paragraph
from roadmaps.text import format_change, format_number, plural

TITLE = "Where the team stands"
LABEL_WIDTH = 2.35 * inch
VALUE_ROOM = 92.0  # right of the bars: the score and its change
SPECTRUM_CELL = 30.0


def standing(view: RoadmapView, style: Styles) -> list[Flowable]:
    """The section, when the version says where the team stands (older versions do not)."""
    if not view.has_standing:
        return []
    story: list[Flowable] = [Heading(TITLE, style.h1, TITLE, 0), Paragraph("Self-assessment", style.h3)]
    story += _self_assessment(view.self_assessment, style)
    left = [Paragraph("Community engagement", style.h3), *_engagement(view.engagement, style)]
    right = [Paragraph("Community input", style.h3), *_community(view.community, style)]
    columns = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.55], hAlign="LEFT", layout=True)
    columns.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 14),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ]
    )
    return [*story, Spacer(1, 4), columns, Spacer(1, 10)]


def _self_assessment(assessed: SelfAssessmentView | None, style: Styles) -> list[Flowable]:
    if assessed is None:
        return [Paragraph("No self-assessment has been scored for this team yet.", style.note)]
    line = (
        f"Latest cycle: <b>{markup(assessed.cycle_label, bold=True)}</b>, {plural(assessed.respondents, 'respondent')}."
    )
    if assessed.overall_score is not None:
        line += f" Overall score <b>{format_number(assessed.overall_score)}</b> of 100"
        line += f" (stage {assessed.stage}, {markup(assessed.stage_name)})." if assessed.stage_name else "."
    caption = f"Domain scores, 0 to 100; in brackets, the change since {assessed.since_cycle}."
    return [
        Paragraph(line, style.body),
        domain_chart(assessed, FRAME_WIDTH, style),
        Paragraph(caption if assessed.since_cycle else "Domain scores, 0 to 100.", style.note),
    ]


def domain_chart(assessed: SelfAssessmentView, width: float, style: Styles) -> Table:
    """One bar per domain on a 0..100 scale, the score (and change) beside it: a table, so a long
    list of domains can run onto the next page, its scale repeated at the top. A reader hears each
    domain and its score; the bars and scale only show those scores."""
    bar_width = width - LABEL_WIDTH - VALUE_ROOM
    fonts = register_fonts()
    scale = Drawing(bar_width, 10)
    for tick in (0, 25, 50, 75, 100):
        x = min(max(bar_width * tick / 100, 5), bar_width - 5)
        scale.add(String(x, 2, str(tick), fontName=fonts.base, fontSize=6.5, fillColor=MUTED, textAnchor="middle"))
    rows: list[list[object]] = [["", artifact(scale), ""]]
    for domain in assessed.domains:
        if domain.score is None:
            rows.append(
                [
                    paragraph(domain.title, style.cell),
                    Paragraph(f"<font color='{MUTED_HEX}'>too few ratings to score</font>", style.cell),
                    "",
                ]
            )
            continue
        value = format_number(domain.score)
        if assessed.since_cycle:
            value += f" ({format_change(domain.change)})"
        rows.append(
            [
                paragraph(domain.title, style.cell),
                artifact(_bar(domain.score, bar_width)),
                Paragraph(value, style.cell_bold),
            ]
        )
    table = Table(rows, colWidths=[LABEL_WIDTH, bar_width, VALUE_ROOM], repeatRows=1, hAlign="LEFT", layout=True)
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 6),
            ("LEFTPADDING", (2, 0), (2, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )
    return table


def _bar(score: float, width: float) -> Drawing:
    """A score as a bar on its 0..100 track, with the quarter marks behind it."""
    drawing = Drawing(width, 12)
    drawing.add(Rect(0, 1.5, width, 9, fillColor=WHITE, strokeColor=RULE, strokeWidth=0.4))
    for tick in (25, 50, 75):
        drawing.add(Line(width * tick / 100, 0, width * tick / 100, 12, strokeColor=RULE, strokeWidth=0.4))
    share = min(max(score, 0.0), 100.0) / 100
    drawing.add(Rect(0, 1.5, max(width * share, 0.5), 9, fillColor=BAR_FILL, strokeColor=ACCENT, strokeWidth=0.6))
    return drawing


def _engagement(engaged: EngagementView | None, style: Styles) -> list[Flowable]:
    if engaged is None:
        return [Paragraph("The team has not rated its community engagement yet.", style.note)]
    steps = f" ({plural(engaged.gap, 'step')} up)" if engaged.gap > 0 else ""
    text = (
        f"Now at <b>{engaged.current} {markup(engaged.current_name, bold=True)}</b>; aiming for "
        f"<b>{engaged.aspirational} {markup(engaged.aspirational_name, bold=True)}</b>{steps}, "
        "on the spectrum from 0 Ignore to 5 Defer to."
    )
    return [Paragraph(text, style.body), artifact(spectrum(engaged))]  # the text says all it shows


def spectrum(engaged: EngagementView) -> Drawing:
    """The six levels 0..5: levels passed pale, the current one solid, the aim outlined and dashed."""
    fonts = register_fonts()
    drawing = Drawing(SPECTRUM_CELL * 6, 30)
    for level in range(6):
        x = level * SPECTRUM_CELL
        now, aim = level == engaged.current, level == engaged.aspirational
        fill = ACCENT if now else BAR_FILL if level < engaged.current else WHITE
        dash = [2, 1.5] if aim and not now else None
        cell = Rect(x + 1, 11, SPECTRUM_CELL - 2, 16, fillColor=fill, strokeColor=ACCENT if aim or now else RULE)
        cell.strokeWidth = 1.2 if aim or now else 0.5
        cell.strokeDashArray = dash
        drawing.add(cell)
        colour = WHITE if now else INK
        font = fonts.bold if now or aim else fonts.base
        drawing.add(
            String(
                x + SPECTRUM_CELL / 2,
                16,
                str(level),
                fontName=font,
                fontSize=8.5,
                fillColor=colour,
                textAnchor="middle",
            )
        )
        tag = "now" if now else "aim" if aim else ""
        if tag:
            drawing.add(
                String(
                    x + SPECTRUM_CELL / 2, 2, tag, fontName=fonts.base, fontSize=7, fillColor=INK, textAnchor="middle"
                )
            )
    return drawing


def _community(heard: CommunityView | None, style: Styles) -> list[Flowable]:
    if heard is None or not heard.inputs:
        return [Paragraph("No community input has been recorded yet.", style.note)]
    sources = ", ".join(f"{markup(label)}: {count}" for label, count in heard.sources.items())
    line = f"<b>{plural(heard.inputs, 'input')}</b> recorded ({sources})"
    if heard.participants is not None:
        line += f", with <b>{heard.participants}</b> participants"
    story: list[Flowable] = [Paragraph(line + ".", style.body)]
    if heard.themes:
        themes = "; ".join(f"{markup(t.theme)} ({t.mentions})" for t in heard.themes)
        story.append(Paragraph(f"Themes raised, most often first (inputs that raised each): {themes}.", style.body))
    return story
