"""The action roadmap as a PDF: cover, summary, timeline, one section per goal, open barriers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import HRFlowable

from roadmaps.fonts import markup, register_fonts
from roadmaps.formats import format_date, format_number, format_share, shorten
from roadmaps.gantt import Gantt, legend
from roadmaps.pdf_theme import (
    ACCENT,
    FRAME_WIDTH,
    HEADER_FILL,
    MARGIN,
    MUTED,
    MUTED_HEX,
    PAGE,
    RULE,
    Styles,
    styles,
    table_style,
)
from roadmaps.view import BarrierView, GoalView, RoadmapView

TOP_GOALS = 5
HEADING_LIMIT = 200


class _Heading(Paragraph):
    """A heading that also becomes an entry in the PDF's outline (bookmarks)."""

    def __init__(self, text: str, style: Any, outline: str, level: int) -> None:
        super().__init__(text, style)
        self.outline = outline
        self.level = level


class _RoadmapDoc(BaseDocTemplate):
    """Letter pages: a bare cover, then body pages with a footer; headings fill the outline."""

    def __init__(self, out: Path, view: RoadmapView) -> None:
        fonts = register_fonts()
        super().__init__(
            str(out),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"Action Roadmap — {view.jurisdiction}",
            author=view.built_by,
            subject=f"{view.cohort}, version {view.version}",
            creator="Equity Accelerator",
            initialFontName=fonts.base,
            lang="en-US",
            displayDocTitle=True,
        )
        self.view = view
        frame = Frame(
            MARGIN, MARGIN, FRAME_WIDTH, PAGE[1] - 2 * MARGIN, id="body", leftPadding=0, rightPadding=0
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame]),
                PageTemplate(id="body", frames=[frame], onPage=self._footer),
            ]
        )
        self._bookmarks = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self._bookmarks += 1
            key = f"h{self._bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline, key, level=flowable.level, closed=flowable.level > 0)

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
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


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so each body page can say "Page n of N"."""

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
            if self._pageNumber > 1:
                self.setFont(register_fonts().base, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE[0] - MARGIN, MARGIN - 26, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def render_pdf(view: RoadmapView, out: Path) -> Path:
    """Write the roadmap to ``out`` as a PDF and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    style = styles()
    story: list[Flowable] = []
    story += _cover(view, style)
    story += _summary(view, style)
    story += _timeline(view, style)
    story += _goals(view, style)
    story += _appendix(view, style)
    _RoadmapDoc(out, view).build(story, canvasmaker=_NumberedCanvas)
    return out


def _p(text: str, style: Any, *, bold: bool = False) -> Paragraph:
    """A paragraph of user text, escaped and in fonts that can draw it."""
    return Paragraph(markup(text, bold=bold), style)


def _cover(view: RoadmapView, style: Styles) -> list[Flowable]:
    facts = [
        ("Jurisdiction", view.jurisdiction),
        ("Cohort", view.cohort),
        ("Version", str(view.version)),
        ("Built", format_date(view.built_at)),
        ("Built by", view.built_by),
    ]
    table = Table(
        [[Paragraph(label, style.figure_label), _p(value, style.body)] for label, value in facts],
        colWidths=[1.3 * inch, FRAME_WIDTH - 1.3 * inch],
        hAlign="LEFT",
    )
    table.setStyle(table_style(header=False))
    return [
        NextPageTemplate("body"),
        Spacer(1, 1.6 * inch),
        _p(view.cohort, style.note),
        Paragraph("Action Roadmap", style.title),
        _p(view.jurisdiction, style.subtitle),
        HRFlowable(width="100%", thickness=2, color=ACCENT, spaceBefore=6, spaceAfter=18),
        table,
        Spacer(1, 0.5 * inch),
        Paragraph(
            "Near-term process-change goals, in priority order, that remove the administrative "
            "barriers keeping small and community-based organizations out of public health "
            "contracts: who owns each goal, its milestones, and when it is due.",
            style.body,
        ),
        PageBreak(),
    ]


def _summary(view: RoadmapView, style: Styles) -> list[Flowable]:
    done, milestones = view.milestone_totals
    addressed = len(view.goal_ids_by_barrier)
    figures = [
        (str(len(view.goals)), "goals"),
        (f"{done} of {milestones}", "milestones done"),
        (str(addressed), "barriers addressed by goals"),
        (str(len(view.open_barriers)), "barriers still open"),
    ]
    cell_width = FRAME_WIDTH / len(figures)
    boxes = Table(
        [
            [
                [Paragraph(value, style.figure), Paragraph(label, style.figure_label)]
                for value, label in figures
            ]
        ],
        colWidths=[cell_width] * len(figures),
    )
    boxes.setStyle(
        [
            ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("LINEAFTER", (0, 0), (-2, -1), 0.6, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[Flowable] = [
        _Heading("Summary", style.h1, "Summary", 0),
        boxes,
        Spacer(1, 14),
        Paragraph("Goals by status", style.h3),
    ]
    if view.goals:
        rows = [[Paragraph("Status", style.cell_head), Paragraph("Goals", style.cell_head)]]
        rows += [
            [_p(label, style.cell), Paragraph(str(count), style.cell)]
            for label, count in view.goal_counts_by_status.items()
        ]
        table = Table(rows, colWidths=[2.6 * inch, 0.9 * inch], hAlign="LEFT", repeatRows=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("This roadmap has no goals yet.", style.body))

    top = view.goals[:TOP_GOALS]
    if top:
        story.append(Paragraph("Top goals in priority order", style.h3))
        rows = [[Paragraph(h, style.cell_head) for h in ("#", "Goal", "Owner", "Due", "Status")]]
        rows += [
            [
                Paragraph(str(g.rank), style.cell_bold),
                _p(shorten(g.statement, 160), style.cell),
                _p(g.owner or "Unassigned", style.cell),
                Paragraph(format_date(g.due), style.cell),
                _p(g.status_label, style.cell),
            ]
            for g in top
        ]
        table = Table(rows, colWidths=_widths(0.3, 3.0, 1.35, 0.95, 0.9), repeatRows=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
        if len(view.goals) > TOP_GOALS:
            story.append(
                Paragraph(
                    f"… and {len(view.goals) - TOP_GOALS} more goals: see the Goals section.", style.note
                )
            )
    story.append(PageBreak())
    return story


def _timeline(view: RoadmapView, style: Styles) -> list[Flowable]:
    story: list[Flowable] = [_Heading("Timeline by quarter", style.h1, "Timeline by quarter", 0)]
    if not view.goals:
        return story + [Paragraph("No goals to place on the timeline yet.", style.body), PageBreak()]
    built = view.built_at.date()
    story += [
        Paragraph(
            "Each bar runs from the day a goal was set to its due date; diamonds mark its "
            "milestones (hollow: open, filled: done) where they are due or were done.",
            style.note,
        ),
        legend(FRAME_WIDTH, built),
        Spacer(1, 8),
        Gantt(view.goals, view.quarters, built),
        Spacer(1, 16),
    ]
    story.append(_Heading("Milestones by quarter", style.h2, "Milestones by quarter", 1))
    by_quarter = view.milestones_by_quarter
    if by_quarter:
        rows: list[list[Any]] = [
            [Paragraph(h, style.cell_head) for h in ("Quarter", "Goal", "Milestone", "Owner", "Status")]
        ]
        for quarter, items in by_quarter:
            for index, (goal, m) in enumerate(items):
                state = f"<b>Done</b> {format_date(m.done)}" if m.done else f"Open, due {format_date(m.due)}"
                rows.append(
                    [
                        Paragraph(quarter.label if index == 0 else "", style.cell_bold),
                        Paragraph(str(goal.rank), style.cell),
                        _p(m.title, style.cell),
                        _p(m.owner or "—", style.cell),
                        Paragraph(state, style.cell),
                    ]
                )
        table = Table(rows, colWidths=_widths(0.8, 0.45, 2.8, 1.35, 1.6), repeatRows=1, splitInRow=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("No dated milestones yet.", style.note))
    story.append(PageBreak())
    return story


def _goals(view: RoadmapView, style: Styles) -> list[Flowable]:
    story: list[Flowable] = [_Heading("Goals", style.h1, "Goals", 0)]
    if not view.goals:
        return story + [Paragraph("This roadmap has no goals yet.", style.body), PageBreak()]
    for index, goal in enumerate(view.goals):
        if index:
            story += [CondPageBreak(2.5 * inch), Spacer(1, 10)]
        story += _goal(goal, style)
    story.append(PageBreak())
    return story


def _goal(goal: GoalView, style: Styles) -> list[Flowable]:
    # A heading stays a heading: a statement longer than a few lines follows it in full.
    title = shorten(goal.statement, HEADING_LIMIT)
    heading = _Heading(
        markup(f"{goal.rank}. {title}", bold=True),
        style.h2,
        f"Goal {goal.rank}: {shorten(goal.statement, 60)}",
        1,
    )
    head: list[Flowable] = [heading]
    if title != " ".join(goal.statement.split()):
        head.append(_p(goal.statement, style.body))
    progress = format_share(goal.milestone_progress)
    milestones = (
        f"{goal.milestones_done} of {len(goal.milestones)} ({progress})" if goal.milestones else "none yet"
    )

    def label(text: str) -> Paragraph:
        return Paragraph(text, style.cell_head)

    def value(text: str) -> Paragraph:
        return _p(text, style.cell)

    rows = [
        [label("Measure"), value(goal.measure or "—"), "", ""],
        [
            label("Baseline"),
            value(format_number(goal.baseline_value)),
            label("Target"),
            value(format_number(goal.target_value)),
        ],
        [label("Latest"), value(format_number(goal.latest_value)), label("Unit"), value(goal.unit or "—")],
        [
            label("Progress to target"),
            value(format_share(goal.measure_progress)),
            label("Milestones done"),
            value(milestones),
        ],
        [label("Set on"), value(format_date(goal.created)), label("Due"), value(format_date(goal.due))],
        [label("Owner"), value(goal.owner or "Unassigned"), label("Status"), value(goal.status_label)],
    ]
    if goal.indicators:
        rows.append([label("Self-assessment indicators"), value(", ".join(goal.indicators)), "", ""])
    smart = Table(rows, colWidths=_widths(1.25, 2.1, 1.15, 2.5))
    smart.setStyle(table_style(header=False))
    smart.setStyle(
        [("SPAN", (1, r), (3, r)) for r, row in enumerate(rows) if row[2] == ""]
        + [("BACKGROUND", (0, 0), (0, -1), HEADER_FILL), ("BACKGROUND", (2, 1), (2, 5), HEADER_FILL)]
    )
    story: list[Flowable] = [*head, smart]

    story.append(Paragraph("Barriers this goal removes", style.h3))
    if goal.barriers:
        story.append(_barrier_table(goal.barriers, style, owner=False))
    else:
        story.append(Paragraph("No barriers are linked to this goal yet.", style.note))

    story.append(Paragraph("Milestones", style.h3))
    if goal.milestones:
        rows = [[Paragraph(h, style.cell_head) for h in ("Milestone", "Owner", "Due", "Done")]]
        rows += [
            [
                _p(m.title, style.cell),
                _p(m.owner or "—", style.cell),
                Paragraph(format_date(m.due), style.cell),
                Paragraph(f"<b>Done</b> {format_date(m.done)}" if m.done else "Open", style.cell),
            ]
            for m in goal.milestones
        ]
        table = Table(rows, colWidths=_widths(3.1, 1.5, 1.1, 1.3), repeatRows=1, splitInRow=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("No milestones yet.", style.note))
    return story


def _barrier_table(
    barriers: list[BarrierView], style: Styles, *, owner: bool, goals: dict[int, list[int]] | None = None
) -> Table:
    """Barriers as a table; the appendix adds owner and the goals that address each one."""
    heads = ["#", "Barrier", "Category", "Stage", "Rule set by", "Severity", "Status"]
    widths = [0.35, 2.05, 1.1, 0.95, 0.95, 0.7, 0.85]
    if owner:
        heads = ["#", "Barrier", "Stage", "Rule set by", "Severity", "Status", "Owner", "Goals"]
        widths = [0.35, 1.85, 0.9, 0.95, 0.7, 0.85, 1.0, 0.55]
    rows: list[list[Any]] = [[Paragraph(h, style.cell_head) for h in heads]]
    for b in barriers:
        text = f"<b>{markup(b.title, bold=True)}</b>"
        if b.description:
            text += f"<br/><font color='{MUTED_HEX}'>{markup(b.description)}</font>"
        cells: list[Any] = [Paragraph(str(b.id), style.cell), Paragraph(text, style.cell)]
        if not owner:
            cells.append(_p(b.category_label, style.cell))
        cells += [
            _p(b.stage_label, style.cell),
            _p(b.controller_label or "—", style.cell),
            Paragraph("—" if b.severity is None else str(b.severity), style.cell),
            _p(b.status_label, style.cell),
        ]
        if owner:
            linked = (goals or {}).get(b.id, [])
            cells += [
                _p(b.owner or "—", style.cell),
                Paragraph(", ".join(map(str, linked)) or "—", style.cell),
            ]
        rows.append(cells)
    table = Table(rows, colWidths=_widths(*widths), repeatRows=1, splitInRow=1)
    table.setStyle(table_style(rows=len(rows)))
    return table


def _appendix(view: RoadmapView, style: Styles) -> list[Flowable]:
    title = "Appendix: Open barriers by category"
    story: list[Flowable] = [
        _Heading(title, style.h1, title, 0),
        Paragraph(
            "Every barrier not yet resolved, grouped by category. <b>Goals</b> lists the goals "
            "(by number) that address a barrier; severity is as the team rated it.",
            style.note,
        ),
    ]
    groups = view.open_barriers_by_category
    if not groups:
        return story + [Paragraph("No open barriers.", style.body)]
    goal_ids = view.goal_ids_by_barrier
    rank_of = {g.id: g.rank for g in view.goals}
    ranks = {bid: [rank_of[gid] for gid in gids] for bid, gids in goal_ids.items()}
    for category, barriers in groups.items():
        heading = _Heading(
            f"{markup(category, bold=True)} <font color='{MUTED_HEX}' size='10'>({len(barriers)})</font>",
            style.h2,
            category,
            1,
        )
        story += [
            CondPageBreak(1.5 * inch),
            heading,
            _barrier_table(barriers, style, owner=True, goals=ranks),
        ]
        story.append(Spacer(1, 8))
    return story


def _widths(*inches: float) -> list[float]:
    """Column widths given in inches, scaled to fill the frame exactly."""
    scale = FRAME_WIDTH / sum(inches)
    return [w * scale for w in inches]
