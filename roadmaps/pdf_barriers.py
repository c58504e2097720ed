"""The PDF's barrier tables: those a goal removes, and the appendix of open barriers by category."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from assessment.roadmap.view import BarrierView, RoadmapView
from roadmaps.fonts import markup
from roadmaps.pdf_pages import Heading
from roadmaps.pdf_tags import Paragraph, Table
from roadmaps.pdf_theme import MUTED_HEX, Styles, paragraph, table_style, widths


def barrier_table(
    barriers: list[BarrierView], style: Styles, *, owner: bool, goals: dict[int, list[int]] | None = None
) -> Table:
    """Barriers as a table; the appendix adds owner and the goals that address each one."""
    heads = ["#", "Barrier", "Category", "Stage", "Rule set by", "Severity", "Status"]
    inches = [0.35, 2.05, 1.1, 0.95, 0.95, 0.7, 0.85]
    if owner:
        heads = ["#", "Barrier", "Stage", "Rule set by", "Severity", "Status", "Owner", "Goals"]
        inches = [0.35, 1.85, 0.9, 0.95, 0.7, 0.85, 1.0, 0.55]
    rows: list[list[Any]] = [[Paragraph(h, style.cell_head) for h in heads]]
    for b in barriers:
        text = f"<b>{markup(b.title, bold=True)}</b>"
        if b.description:
            text += f"<br/><font color='{MUTED_HEX}'>{markup(b.description)}</font>"
        cells: list[Any] = [Paragraph(str(b.id), style.cell), Paragraph(text, style.cell)]
        if not owner:
            cells.append(paragraph(b.category_label, style.cell))
        cells += [
            paragraph(b.stage_label, style.cell),
            paragraph(b.controller_label or "—", style.cell),
            Paragraph("—" if b.severity is None else str(b.severity), style.cell),
            paragraph(b.status_label, style.cell),
        ]
        if owner:
            linked = (goals or {}).get(b.id, [])
            cells += [
                paragraph(b.owner or "—", style.cell),
                Paragraph(", ".join(map(str, linked)) or "—", style.cell),
            ]
        rows.append(cells)
    table = Table(rows, colWidths=widths(*inches), repeatRows=1, splitInRow=1)
    table.setStyle(table_style(rows=len(rows)))
    return table


def appendix(view: RoadmapView, style: Styles) -> list[Flowable]:
    """The appendix: every open barrier by category, with the goals (by rank) that address it."""
    title = "Appendix: Open barriers by category"
    story: list[Flowable] = [
        Heading(title, style.h1, title, 0),
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
        heading = Heading(
            f"{markup(category, bold=True)} <font color='{MUTED_HEX}' size='10'>({len(barriers)})</font>",
            style.h2,
            category,
            1,
        )
        story += [
            CondPageBreak(1.5 * inch),
            heading,
            barrier_table(barriers, style, owner=True, goals=ranks),
        ]
        story.append(Spacer(1, 8))
    return story
