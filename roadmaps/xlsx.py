"""The action roadmap as a workbook: Goals, Milestones, Barriers and About sheets, filterable,
and printable: landscape, one page wide, the header row on every page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessment.core.xlsx import set_text
from assessment.roadmap.view import RoadmapView
from roadmaps.registry import register_renderer

# Numbers and dates sit right-aligned; "_)" pads them by a bracket's width so they don't run
# into the text of the column to their right.
PAD = "_)"
DATE_FORMAT = "yyyy-mm-dd" + PAD
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COUNT_FORMAT = "0" + PAD
PERCENT_FORMAT = "0%" + PAD
HEADER_FILL = PatternFill("solid", fgColor="DCE4EE")
LINE_HEIGHT = 15.0

Value = str | int | float | Decimal | date | None
# Text always goes through set_text; the other kinds are stored as Excel numbers and dates:
# a count (rank, id, severity) as a whole number, a measure with the decimals it was given.
Kind = Literal["text", "count", "number", "date", "percent"]


@dataclass(frozen=True)
class Column:
    """One sheet column: its header, width in characters, and how its values are stored."""

    header: str
    width: float
    kind: Kind = "text"


def render_xlsx(view: RoadmapView, out: Path) -> Path:
    """Write the roadmap to ``out`` as an XLSX workbook and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    goals = book.active
    assert goals is not None
    goals.title = "Goals"
    _fill(
        goals,
        [
            Column("Rank", 7, "count"),
            Column("Goal ID", 9, "count"),
            Column("Statement", 60),
            Column("Measure", 36),
            Column("Baseline", 11, "number"),
            Column("Target", 11, "number"),
            Column("Latest", 11, "number"),
            Column("Unit", 10),
            Column("Created", 12, "date"),
            Column("Due", 12, "date"),
            Column("Owner", 22),
            Column("Status", 14),
            Column("Milestone progress", 12, "percent"),
            Column("Barrier IDs", 14),
        ],
        [
            [
                g.rank,
                g.id,
                g.statement,
                g.measure,
                g.baseline_value,
                g.target_value,
                g.latest_value,
                g.unit,
                g.created,
                g.due,
                g.owner,
                g.status_label,
                g.milestone_progress,
                ", ".join(str(b.id) for b in g.barriers),
            ]
            for g in view.goals
        ],
    )
    _fill(
        book.create_sheet("Milestones"),
        [
            Column("Goal ID", 9, "count"),
            Column("Goal rank", 9, "count"),
            Column("Milestone", 50),
            Column("Due", 12, "date"),
            Column("Owner", 22),
            Column("Done", 12, "date"),
        ],
        [[g.id, g.rank, m.title, m.due, m.owner, m.done] for g in view.goals for m in g.milestones],
    )
    addressed = view.goal_ids_by_barrier
    _fill(
        book.create_sheet("Barriers"),
        [
            Column("Barrier ID", 11, "count"),
            Column("Title", 40),
            Column("Description", 50),
            Column("Category", 24),
            Column("Stage", 18),
            Column("Rule set by", 16),
            Column("Severity", 10, "count"),
            Column("Status", 16),
            Column("Owner", 22),
            Column("Goal IDs addressing it", 16),
        ],
        [
            [
                b.id,
                b.title,
                b.description,
                b.category_label,
                b.stage_label,
                b.controller_label,
                b.severity,
                b.status_label,
                b.owner,
                ", ".join(str(i) for i in addressed.get(b.id, [])),
            ]
            for b in view.barriers
        ],
    )
    _about(book.create_sheet("About"), view)
    book.properties.title = f"Action Roadmap — {view.jurisdiction}"
    book.properties.creator = view.author
    book.save(out)
    return out


def _fill(sheet: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Value]]) -> None:
    """Header row (bold, frozen, filtered) then one row per record, each cell typed by its column."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        set_text(cell, column.header, wrap=True)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = LINE_HEIGHT * max(_lines(c.header, c.width) for c in columns)
    for r, row in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            _WRITERS[column.kind](sheet.cell(row=r, column=index), value, column)
        # Not every spreadsheet program grows a row for wrapped text, so the height is set.
        lines = max(
            (_lines(str(v), c.width) for c, v in zip(columns, row, strict=True) if c.kind == "text" and v),
            default=1,
        )
        sheet.row_dimensions[r].height = min(LINE_HEIGHT * lines, 409)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    _print_setup(sheet)
    sheet.print_options.gridLines = True


def _print_setup(sheet: Worksheet) -> None:
    """Landscape Letter, one page wide and as many down as it takes, a footer naming sheet and page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.oddFooter.center.text = "&A, page &P of &N"


def _lines(text: str, width: float) -> int:
    """About how many lines ``text`` takes in a wrapped column ``width`` characters wide."""
    usable = max(width - 2, 1)
    return sum(max(1, -(-len(part) // int(usable))) for part in text.splitlines() or [""])


def _write_text(cell: Cell, value: Value, column: Column) -> None:
    set_text(cell, value, wrap=True)


def _write_value(cell: Cell, value: Value, column: Column) -> None:
    cell.value = value
    cell.alignment = Alignment(vertical="top")
    cell.number_format = _number_format(column.kind, value)


def _number_format(kind: Kind, value: Value) -> str:
    """The padded format of a value: dates as ISO days, shares as percentages, measures with
    thousands separators and as many decimals as they were given (40.5 stays 40.5, 90 stays 90)."""
    if kind == "date":
        return DATE_FORMAT
    if kind == "percent":
        return PERCENT_FORMAT
    if kind == "number" and isinstance(value, Decimal | float):
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return "#,##0" + ("." + "0" * decimals if decimals else "") + PAD
    return COUNT_FORMAT if kind == "count" else "#,##0" + PAD


_WRITERS: dict[Kind, Callable[[Cell, Value, Column], None]] = {
    "text": _write_text,
    "count": _write_value,
    "number": _write_value,
    "date": _write_value,
    "percent": _write_value,
}


def _about(sheet: Worksheet, view: RoadmapView) -> None:
    """What this workbook is: whose roadmap, which version, built when and by whom."""
    built = view.built_at
    built_label = "Built at"
    if built.tzinfo is not None:
        # Excel has no time zones: store the instant in UTC and say so.
        built = built.astimezone(UTC).replace(tzinfo=None)
        built_label = "Built at (UTC)"
    facts: list[tuple[str, str | int | datetime]] = [
        ("Jurisdiction", view.jurisdiction),
        ("Cohort", view.cohort),
        ("Version", view.version),
        (built_label, built),
        ("Built by", view.author),
    ]
    if view.built_by_name:
        facts.append(("Builder's email", view.built_by))
    set_text(sheet.cell(row=1, column=1), "Action Roadmap")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for r, (label, value) in enumerate(facts, start=3):
        set_text(sheet.cell(row=r, column=1), label)
        sheet.cell(row=r, column=1).font = Font(bold=True)
        cell = sheet.cell(row=r, column=2)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            cell.alignment = Alignment(horizontal="left")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    _print_setup(sheet)


register_renderer("xlsx", ".xlsx", render_xlsx)
