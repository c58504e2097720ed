"""The PDF's Goals section: per goal, its SMART facts, the barriers it removes and its milestones."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from assessment.roadmap.view import GoalView, RoadmapView
from roadmaps.fonts import markup
from roadmaps.pdf_barriers import barrier_table
from roadmaps.pdf_pages import Heading
from roadmaps.pdf_tags import Paragraph, Table
from roadmaps.pdf_theme import HEADER_FILL, Styles, paragraph, table_style, widths
from roadmaps.text import format_date, format_number, format_share, shorten

HEADING_LIMIT = 200


def goal_sections(view: RoadmapView, style: Styles) -> list[Flowable]:
    """The Goals section: one part per goal, in priority order."""
    story: list[Flowable] = [Heading("Goals", style.h1, "Goals", 0)]
    if not view.goals:
        return story + [Paragraph("This roadmap has no goals yet.", style.body), PageBreak()]
    for index, goal in enumerate(view.goals):
        if index:
            story += [CondPageBreak(2.5 * inch), Spacer(1, 10)]
        story += _goal(goal, style)
    story.append(PageBreak())
    return story


def _goal(goal: GoalView, style: Styles) -> list[Flowable]:
    """One goal: its SMART facts, the barriers it removes and its milestones."""
    # A heading stays a heading: a statement longer than a few lines follows it in full.
    title = shorten(goal.statement, HEADING_LIMIT)
    heading = Heading(
        markup(f"{goal.rank}. {title}", bold=True),
        style.h2,
        f"Goal {goal.rank}: {shorten(goal.statement, 60)}",
        1,
    )
    head: list[Flowable] = [heading]
    if title != " ".join(goal.statement.split()):
        head.append(paragraph(goal.statement, style.body))
    progress = format_share(goal.milestone_progress)
    milestones = f"{goal.milestones_done} of {len(goal.milestones)} ({progress})" if goal.milestones else "none yet"

    def label(text: str) -> Paragraph:
        return Paragraph(text, style.cell_head)

    def value(text: str) -> Paragraph:
        return paragraph(text, style.cell)

    rows: list[list[Any]] = [
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
    smart = Table(rows, colWidths=widths(1.25, 2.1, 1.15, 2.5), header_columns=(0, 2))
    smart.setStyle(table_style(header=False))
    smart.setStyle(
        [("SPAN", (1, r), (3, r)) for r, row in enumerate(rows) if row[2] == ""]
        + [("BACKGROUND", (0, 0), (0, -1), HEADER_FILL), ("BACKGROUND", (2, 1), (2, 5), HEADER_FILL)]
    )
    story: list[Flowable] = [*head, smart]

    story.append(Paragraph("Barriers this goal removes", style.h3))
    if goal.barriers:
        story.append(barrier_table(goal.barriers, style, owner=False))
    else:
        story.append(Paragraph("No barriers are linked to this goal yet.", style.note))

    story.append(Paragraph("Milestones", style.h3))
    if goal.milestones:
        rows = [[Paragraph(h, style.cell_head) for h in ("Milestone", "Owner", "Due", "Done")]]
        rows += [
            [
                paragraph(m.title, style.cell),
                paragraph(m.owner or "—", style.cell),
                Paragraph(format_date(m.due), style.cell),
                Paragraph(f"<b>Done</b> {format_date(m.done)}" if m.done else "Open", style.cell),
            ]
            for m in goal.milestones
        ]
        table = Table(rows, colWidths=widths(3.1, 1.5, 1.1, 1.3), repeatRows=1, splitInRow=1)
        table.setStyle(table_style(rows=len(rows)))
        story.append(table)
    else:
        story.append(Paragraph("No milestones yet.", style.note))
    return story
