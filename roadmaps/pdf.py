"""The action roadmap as a PDF: a first page that is the summary, where the team stands, the
timeline, one section per goal, open barriers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer
from reportlab.platypus.flowables import HRFlowable

from assessment.core.files import replacing
from assessment.roadmap.view import RoadmapView
from roadmaps.gantt import Gantt, legend
from roadmaps.pdf_barriers import appendix
from roadmaps.pdf_goals import goal_sections
from roadmaps.pdf_pages import Heading, NumberedCanvas, RoadmapDoc
from roadmaps.pdf_standing import standing
from roadmaps.pdf_tags import Paragraph, Table, add_structure, artifact, figure
from roadmaps.pdf_theme import ACCENT, FRAME_WIDTH, RULE, Styles, paragraph, styles, table_style, widths
from roadmaps.registry import register_renderer
from roadmaps.text import format_date, plural, shorten

TOP_GOALS = 5


def render_pdf(view: RoadmapView, out: Path) -> Path:
    """Write the roadmap to ``out`` as a tagged PDF, whole or not at all, and return the path."""
    out = Path(out)
    style = styles()
    story: list[Flowable] = []
    story += _title(view, style)
    story += _summary(view, style)
    story += standing(view, style)
    story += _timeline(view, style)
    story += goal_sections(view, style)
    story += appendix(view, style)
    pdf = io.BytesIO()
    doc = RoadmapDoc(pdf, view)
    doc.build(story, canvasmaker=NumberedCanvas)
    with replacing(out) as partial:
        partial.write_bytes(add_structure(pdf.getvalue(), doc.canv.structure))
    return out


def _title(view: RoadmapView, style: Styles) -> list[Flowable]:
    """Whose roadmap, which version, built when and by whom, and what it is for: the top of page one."""
    facts = [
        ("Cohort", view.cohort),
        ("Version", str(view.version)),
        ("Built", format_date(view.built_at)),
        ("Built by", view.author),
    ]
    table = Table(
        [
            [Paragraph(label, style.figure_label) for label, _ in facts],
            [paragraph(value, style.cell) for _, value in facts],
        ],
        colWidths=widths(2.6, 0.8, 1.2, 2.4),
        hAlign="LEFT",
        repeatRows=1,  # the labels head the facts below them
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    return [
        paragraph(view.cohort, style.note),
        Paragraph("Action Roadmap", style.title),
        paragraph(view.jurisdiction, style.subtitle),
        artifact(HRFlowable(width="100%", thickness=2, color=ACCENT, spaceBefore=2, spaceAfter=8)),
        table,
        Spacer(1, 8),
        Paragraph(
            "Near-term process-change goals, in priority order, that remove the administrative "
            "barriers keeping small and community-based organizations out of public health "
            "contracts: who owns each goal, its milestones, and when it is due.",
            style.note,
        ),
        Spacer(1, 4),
    ]


def _summary(view: RoadmapView, style: Styles) -> list[Flowable]:
    """Key figures, the top goals and goals by status, on the first page under the title."""
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
        [[[Paragraph(value, style.figure), Paragraph(label, style.figure_label)] for value, label in figures]],
        colWidths=[cell_width] * len(figures),
        layout=True,
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
        Heading("Summary", style.h1, "Summary", 0),
        boxes,
        Spacer(1, 6),
    ]
    top = view.goals[:TOP_GOALS]
    if top:
        story.append(Paragraph("Top goals in priority order", style.h3))
        rows = [[Paragraph(h, style.cell_head) for h in ("#", "Goal", "Owner", "Due", "Status")]]
        rows += [
            [
                Paragraph(str(g.rank), style.cell_bold),
                paragraph(shorten(g.statement, 160), style.cell),
                paragraph(g.owner or "Unassigned", style.cell),
                Paragraph(format_date(g.due), style.cell),
                paragraph(g.status_label, style.cell),
            ]
            for g in top
        ]
        table = Table(rows, colWidths=widths(0.3, 3.0, 1.35, 0.95, 0.9), repeatRows=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
        if len(view.goals) > TOP_GOALS:
            story.append(
                Paragraph(f"… and {len(view.goals) - TOP_GOALS} more goals: see the Goals section.", style.note)
            )
    story.append(Paragraph("Goals by status", style.h3))
    if view.goals:
        rows = [[Paragraph("Status", style.cell_head), Paragraph("Goals", style.cell_head)]]
        rows += [
            [paragraph(label, style.cell), Paragraph(str(count), style.cell)]
            for label, count in view.goal_counts_by_status.items()
        ]
        table = Table(rows, colWidths=[2.6 * inch, 0.9 * inch], hAlign="LEFT", repeatRows=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("This roadmap has no goals yet.", style.body))

    return story


def _timeline(view: RoadmapView, style: Styles) -> list[Flowable]:
    """The Gantt chart of goals by quarter, then the milestones listed by quarter."""
    # A new page only when the chart's head and first rows would not fit on this one.
    story: list[Flowable] = [
        CondPageBreak(3.5 * inch),
        Heading("Timeline by quarter", style.h1, "Timeline by quarter", 0),
    ]
    if not view.goals:
        return story + [Paragraph("No goals to place on the timeline yet.", style.body), PageBreak()]
    built = view.built_at.date()
    story += [
        Paragraph(
            "Each bar runs from the day a goal was set to its due date; diamonds mark its "
            "milestones (hollow: open, filled: done) where they are due or were done.",
            style.note,
        ),
        artifact(legend(FRAME_WIDTH, built)),  # the note above says in words what the key shows
        Spacer(1, 8),
        figure(Gantt(view.goals, view.quarters, built), _timeline_alt(view)),
        Spacer(1, 16),
    ]
    story.append(Heading("Milestones by quarter", style.h2, "Milestones by quarter", 1))
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
                        paragraph(m.title, style.cell),
                        paragraph(m.owner or "—", style.cell),
                        Paragraph(state, style.cell),
                    ]
                )
        table = Table(rows, colWidths=widths(0.8, 0.45, 2.8, 1.35, 1.6), repeatRows=1, splitInRow=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("No dated milestones yet.", style.note))
    story.append(PageBreak())
    return story


def _timeline_alt(view: RoadmapView) -> str:
    """The timeline in words, for a reader who cannot see it: each goal's span and milestones."""
    first, last = view.quarters[0].label, view.quarters[-1].label
    goals = []
    for goal in view.goals:
        start, end = goal.span
        done = (
            f"{goal.milestones_done} of {len(goal.milestones)} milestones done" if goal.milestones else "no milestones"
        )
        goals.append(
            f"goal {goal.rank}, {shorten(goal.statement, 95)}: {format_date(start)} to {format_date(end)}, {done}"
        )
    return (
        f"Timeline of {plural(len(view.goals), 'goal')} from {first} to {last} with their milestones: "
        + "; ".join(goals)
        + "."
    )


register_renderer("pdf", ".pdf", render_pdf)
