"""The roadmap timeline for PDFs: one bar per goal across quarter columns, milestones as diamonds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, Shape, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from assessment.roadmap.view import GoalView, Quarter
from roadmaps.fonts import markup, register_fonts
from roadmaps.pdf_theme import (
    ACCENT,
    BAR_FILL,
    INK,
    MUTED,
    MUTED_HEX,
    RULE,
    WHITE,
    ZEBRA,
    styles,
)
from roadmaps.text import format_date, shorten

LABEL_SHARE = 0.38
HEADER_HEIGHT = 30.0
ROW_MIN_HEIGHT = 34.0
ROW_PADDING = 4.0
BAR_HEIGHT = 10.0
DIAMOND = 4.2
RANK_SIZE = 7.5
RANK_GAP = 3.0


@dataclass(frozen=True)
class Box:
    """A rectangle on the chart, y measured from the middle of its row."""

    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any area."""
        return (
            self.left < other.right and other.left < self.right and self.bottom < other.top and other.bottom < self.top
        )


@dataclass(frozen=True)
class RowMarks:
    """Where one goal's bar, milestone diamonds and rank number sit in its row."""

    bar: Box
    diamonds: list[tuple[float, bool]]  # x and done, one per dated milestone
    rank: Box  # the rank's text, clear of every diamond

    @property
    def diamond_boxes(self) -> list[Box]:
        """Each diamond's bounding box, its outline included."""
        return [diamond_box(x) for x, _ in self.diamonds]


def diamond_box(x: float) -> Box:
    """The bounding box of a milestone diamond centred at ``x``, its outline included."""
    reach = DIAMOND + 0.5
    return Box(x - reach, -reach, x + reach, reach)


class Gantt(Flowable):
    """Goals as rows (rank order), quarters as columns; splits across pages between rows."""

    def __init__(self, goals: list[GoalView], quarters: list[Quarter], built: date | None) -> None:
        super().__init__()
        self.goals = goals
        self.quarters = quarters
        self.built = built
        self._labels: list[Paragraph] = []
        self._row_heights: list[float] = []

    def _label(self, goal: GoalView) -> Paragraph:
        style = styles()
        statement = markup(shorten(goal.statement, 95))
        details = markup(" · ".join(x for x in (goal.status_label, goal.owner, f"due {format_date(goal.due)}") if x))
        return Paragraph(
            f"<b>{goal.rank}.</b> {statement}<br/><font size='7' color='{MUTED_HEX}'>{details}</font>",
            style.cell,
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        label_width = availWidth * LABEL_SHARE - 2 * ROW_PADDING
        self._labels = [self._label(goal) for goal in self.goals]
        self._row_heights = [
            max(ROW_MIN_HEIGHT, label.wrap(label_width, availHeight)[1] + 2 * ROW_PADDING) for label in self._labels
        ]
        self.height = HEADER_HEIGHT + sum(self._row_heights)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        room = availHeight - HEADER_HEIGHT
        fits = 0
        for height in self._row_heights:
            if room < height:
                break
            room -= height
            fits += 1
        if fits == 0 or fits == len(self.goals):
            return [] if fits == 0 else [self]
        return [
            Gantt(self.goals[:fits], self.quarters, self.built),
            Gantt(self.goals[fits:], self.quarters, self.built),
        ]

    def _x(self, day: date) -> float:
        start, end = self.quarters[0].start, self.quarters[-1].end
        left = self.width * LABEL_SHARE
        share = (day - start).days / ((end - start).days + 1)
        return left + (self.width - left) * min(max(share, 0.0), 1.0)

    def draw(self) -> None:
        canvas = self.canv
        fonts = register_fonts()
        top = self.height
        chart_left = self.width * LABEL_SHARE
        column = (self.width - chart_left) / len(self.quarters)

        # Painted back to front: shading and labels, grid, the build-day line, then bars on top.
        bottoms = [top - HEADER_HEIGHT - sum(self._row_heights[: i + 1]) for i in range(len(self.goals))]
        for index, (label, bottom, height) in enumerate(zip(self._labels, bottoms, self._row_heights, strict=True)):
            if index % 2 == 1:
                canvas.setFillColor(ZEBRA)
                canvas.rect(0, bottom, self.width, height, stroke=0, fill=1)
            label.drawOn(canvas, ROW_PADDING, bottom + height - ROW_PADDING - label.height)

        canvas.setStrokeColor(RULE)
        for index, quarter in enumerate(self.quarters):
            x = chart_left + index * column
            year_starts = quarter.start.month == 1 or index == 0
            canvas.setLineWidth(0.9 if year_starts else 0.4)
            canvas.line(x, 0, x, top - (0 if year_starts else HEADER_HEIGHT / 2))
        canvas.setLineWidth(0.6)
        canvas.line(self.width, 0, self.width, top)
        canvas.line(0, top - HEADER_HEIGHT, self.width, top - HEADER_HEIGHT)
        canvas.line(0, 0, self.width, 0)

        # Year labels span their quarters; quarter labels only where a column has room for them.
        canvas.setFillColor(INK)
        canvas.setFont(fonts.bold, 8.5)
        years: dict[int, list[int]] = {}
        for index, quarter in enumerate(self.quarters):
            years.setdefault(quarter.start.year, []).append(index)
        for year, indexes in years.items():
            left = chart_left + indexes[0] * column
            right = chart_left + (indexes[-1] + 1) * column
            if right - left >= 24:
                canvas.drawCentredString((left + right) / 2, top - 11, str(year))
        canvas.setFont(fonts.base, 7.5)
        canvas.setFillColor(MUTED)
        if column >= 14:
            for index, quarter in enumerate(self.quarters):
                canvas.drawCentredString(chart_left + (index + 0.5) * column, top - 25, quarter.label[-2:])
        canvas.setFont(fonts.bold, 8)
        canvas.setFillColor(INK)
        canvas.drawString(ROW_PADDING, top - 18, "Goal (priority order)")

        if self.built and self.quarters[0].start <= self.built <= self.quarters[-1].end:
            x = self._x(self.built)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.8)
            canvas.setDash(3, 2)
            canvas.line(x, 0, x, top - HEADER_HEIGHT)
            canvas.setDash()

        for goal, bottom, height in zip(self.goals, bottoms, self._row_heights, strict=True):
            self._draw_goal(goal, bottom + height / 2)

    def marks(self, goal: GoalView) -> RowMarks:
        """The goal's bar, its milestones' diamonds and where its rank goes (after ``wrap``).

        The rank sits left of the bar, else right of it, wherever no diamond covers it (a milestone
        done the day a goal was set sits on the bar's left end); else just above the bar's start,
        where no diamond reaches."""
        first, last = goal.span
        left, right = self._x(first), self._x(last + timedelta(days=1))
        right = max(right, left + 2.0)
        bar = Box(left, -BAR_HEIGHT / 2, right, BAR_HEIGHT / 2)
        diamonds = [(self._x(m.when), m.done is not None) for m in goal.milestones if m.when is not None]
        width = stringWidth(str(goal.rank), register_fonts().bold, RANK_SIZE)
        # The text's box from its baseline (a little below the middle, as the bar's centre line).
        low, high = -2.6 - 0.25 * RANK_SIZE, -2.6 + 0.75 * RANK_SIZE
        chart_left = self.width * LABEL_SHARE
        beside = [
            Box(left - RANK_GAP - width, low, left - RANK_GAP, high),
            Box(right + RANK_GAP, low, right + RANK_GAP + width, high),
        ]
        covered = [diamond_box(x) for x, _ in diamonds]
        for spot in beside:
            inside = spot.left >= chart_left + 1 and spot.right <= self.width - 1
            if inside and not any(spot.overlaps(box) for box in covered):
                return RowMarks(bar, diamonds, spot)
        above = BAR_HEIGHT / 2 + 1.5 - low
        x = min(max(left, chart_left + 1), self.width - 1 - width)
        return RowMarks(bar, diamonds, Box(x, low + above, x + width, high + above))

    def _draw_goal(self, goal: GoalView, middle: float) -> None:
        canvas = self.canv
        marks = self.marks(goal)
        bar = marks.bar
        canvas.setFillColor(BAR_FILL)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.7)
        canvas.roundRect(bar.left, middle + bar.bottom, bar.right - bar.left, BAR_HEIGHT, 2, stroke=1, fill=1)
        for x, done in marks.diamonds:
            _diamond(canvas, x, middle, done=done)
        # The rank beside its bar ties a bar far from its label back to the goal's row; drawn last,
        # on white, so the build-day line cannot cross it either.
        rank = marks.rank
        canvas.setFillColor(WHITE)
        canvas.rect(
            rank.left - 1, middle + rank.bottom, rank.right - rank.left + 2, rank.top - rank.bottom, stroke=0, fill=1
        )
        canvas.setFont(register_fonts().bold, RANK_SIZE)
        canvas.setFillColor(INK)
        canvas.drawString(rank.left, middle + rank.bottom + 0.25 * RANK_SIZE, str(goal.rank))


def _diamond(canvas: Canvas, x: float, y: float, *, done: bool) -> None:
    """A milestone: filled when done, hollow when open, so the difference survives grayscale."""
    path = canvas.beginPath()
    path.moveTo(x, y + DIAMOND)
    path.lineTo(x + DIAMOND, y)
    path.lineTo(x, y - DIAMOND)
    path.lineTo(x - DIAMOND, y)
    path.close()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.9)
    canvas.setFillColor(INK if done else WHITE)
    canvas.drawPath(path, stroke=1, fill=1)


def legend(width: float, built: date | None) -> Drawing:
    """The key to the timeline's marks, in words as well as shapes; wraps onto a second line."""
    fonts = register_fonts()
    bar = Rect(0, 4.5, 22, BAR_HEIGHT, rx=2, ry=2, fillColor=BAR_FILL, strokeColor=ACCENT, strokeWidth=0.7)
    items: list[tuple[str, Shape]] = [
        ("Goal: start → due date", bar),
        ("Milestone open", _legend_diamond(fill=WHITE)),
        ("Milestone done", _legend_diamond(fill=INK)),
    ]
    if built:
        dashed = Line(11, 1, 11, 18, strokeColor=INK, strokeWidth=0.8, strokeDashArray=[3, 2])
        items.append((f"Roadmap built {format_date(built)}", dashed))
    placed: list[tuple[float, int, str, Shape]] = []
    x, line = 0.0, 0
    for text, mark in items:
        needed = 27 + stringWidth(text, fonts.base, 8)
        if x and x + needed > width:
            x, line = 0.0, line + 1
        placed.append((x, line, text, mark))
        x += needed + 16
    line_height = 20
    drawing = Drawing(width, line_height * (line + 1))
    for x, row, text, mark in placed:
        y = line_height * (line - row)
        group = Group(mark)
        group.translate(x, y)
        drawing.add(group)
        drawing.add(String(x + 27, y + 6, text, fontName=fonts.base, fontSize=8, fillColor=INK))
    return drawing


def _legend_diamond(*, fill: Color) -> Polygon:
    d = DIAMOND
    return Polygon([11, 9 + d, 11 + d, 9, 11, 9 - d, 11 - d, 9], strokeColor=INK, fillColor=fill, strokeWidth=0.9)
