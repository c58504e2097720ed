"""A report's charts as inline SVG for its page: the PDF chart's data, colours and axis, laid out to
read on a phone as on a desktop.

Each category is a row: its name on a line of its own, its bars under it. Across, positions are
percentages of the chart's width and text keeps its size, so the chart fits any screen without
shrinking its words; a ``bar`` chart, vertical in the PDF, is drawn across too (its names would not
fit under narrow bars). The SVG is an image to a screen reader (``role="img"``): its ``title``
names it and its ``desc`` is the chart's text alternative; the page also gives its numbers as a table.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from roadmaps.report.charts import (
    MEDIAN_INK,
    NO_DATA,
    PALETTE,
    RANGE_FILL,
    Scale,
    axis_title,
    format_value,
    range_note,
    range_values,
    series_values,
    value_scale,
    wrap_label,
)
from roadmaps.report.document import Chart, format_number

INK = "#1B2A3A"
MUTED = "#55606E"
GRID = "#B7C0CB"
LABEL_SIZE = 14
VALUE_SIZE = 13
TICK_SIZE = 12
LINE = 18  # a line of text
BAR = 16
BAR_GAP = 3
ROW_GAP = 12
PLOT = 86.0  # the share of the width the bars may take (percent); value labels go in the rest
LABEL_WIDTH = 300.0  # category names wrap at this width (pixels): it fits the narrowest phone
SEGMENT_LABEL = 7.0  # a stacked segment holds its value when at least this share of the width (percent)


def chart_svg(chart: Chart, ident: str) -> Markup:
    """``chart`` as an ``<svg>`` element whose title and desc have ids ``ident``-title and -desc."""
    scale = value_scale(chart)
    marks: list[str] = []
    y = 4.0
    low, middle, high = range_values(chart)
    values = series_values(chart)
    for index, category in enumerate(chart.categories):
        for line in wrap_label(category, LABEL_WIDTH, size=LABEL_SIZE, lines=3):
            y += LINE
            marks.append(_text(line, "0", y - 5, LABEL_SIZE, INK))
        y += 2
        if chart.chart == "range":
            y = _range_row(marks, scale, chart.unit, y, low[index], middle[index], high[index])
        elif chart.chart == "stacked":
            y = _stacked_row(marks, scale, chart.unit, y, [series[index] for series in values])
        else:
            for number, series in enumerate(values):
                y = _bar_row(marks, scale, chart.unit, y, series[index], PALETTE[number % len(PALETTE)])
                y += BAR_GAP
        y += ROW_GAP
    top, bottom = 4.0, y - ROW_GAP / 2
    grid = [
        f'<line x1="{_x(scale, tick)}" x2="{_x(scale, tick)}" y1="{top}" y2="{bottom:.1f}" '
        f'stroke="{GRID}" stroke-width="1"/>'
        for tick in scale.ticks()
    ]
    ticks = scale.ticks()
    for position, tick in enumerate(ticks):
        anchor = "start" if position == 0 else "end" if position == len(ticks) - 1 else "middle"
        marks.append(_text(format_value(tick, chart.unit), _x(scale, tick), bottom + 16, TICK_SIZE, MUTED, anchor))
    height = bottom + 22
    if axis_title(chart):
        height += LINE
        marks.append(_text(axis_title(chart), f"{PLOT}%", height - 6, TICK_SIZE, MUTED, "end"))
    zero = scale.share(0) if scale.low < 0 else None
    if zero is not None:
        grid.append(
            f'<line x1="{zero * PLOT:.2f}%" x2="{zero * PLOT:.2f}%" y1="{top}" y2="{bottom:.1f}" stroke="{INK}"/>'
        )
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height:.0f}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.alt)}</desc>' + "".join(grid) + "".join(marks) + "</svg>"
    )


def _x(scale: Scale, value: float) -> str:
    return f"{scale.share(value) * PLOT:.2f}%"


def _bar_row(marks: list[str], scale: Scale, unit: str, y: float, value: float | None, fill: str) -> float:
    """One bar from zero to ``value``, its value past its end; "no data" where there is none."""
    origin = max(scale.low, 0.0)
    if value is None:
        marks.append(_text(NO_DATA, _x(scale, origin), y + BAR - 3, VALUE_SIZE, MUTED, dx=4))
        return y + BAR
    start, end = sorted((scale.share(origin), scale.share(value)))
    marks.append(
        f'<rect x="{start * PLOT:.2f}%" y="{y:.1f}" width="{(end - start) * PLOT:.2f}%" height="{BAR}" fill="{fill}"/>'
    )
    if value >= origin:
        marks.append(_text(format_value(value, unit), _x(scale, value), y + BAR - 3, VALUE_SIZE, INK, dx=5))
    else:
        marks.append(_text(format_value(value, unit), _x(scale, value), y + BAR - 3, VALUE_SIZE, INK, "end", dx=-5))
    return y + BAR


def _stacked_row(marks: list[str], scale: Scale, unit: str, y: float, values: list[float | None]) -> float:
    """The series end to end, each segment's value inside it when it fits, the total past the end."""
    total = 0.0
    for number, value in enumerate(values):
        if value is None or value <= 0:
            continue
        start, end = scale.share(total), scale.share(total + value)
        fill = PALETTE[number % len(PALETTE)]
        marks.append(
            f'<rect x="{start * PLOT:.2f}%" y="{y:.1f}" width="{(end - start) * PLOT:.2f}%" height="{BAR + 2}" '
            f'fill="{fill}" stroke="#FFFFFF" stroke-width="1"/>'
        )
        if (end - start) * PLOT >= SEGMENT_LABEL:
            middle = f"{(start + end) / 2 * PLOT:.2f}%"
            marks.append(
                _text(format_value(value, unit), middle, y + BAR - 2, TICK_SIZE, "#FFFFFF", "middle", bold=True)
            )
        total += value
    marks.append(_text(format_value(total, unit), _x(scale, total), y + BAR - 2, VALUE_SIZE, INK, dx=5, bold=True))
    return y + BAR + 2


def _range_row(
    marks: list[str], scale: Scale, unit: str, y: float, low: float | None, median: float | None, high: float | None
) -> float:
    """A bar from the lowest to the highest value, a dot at the median, the numbers in a line under it."""
    if low is not None and high is not None:
        start, end = scale.share(low), scale.share(high)
        marks.append(
            f'<rect x="{start * PLOT:.2f}%" y="{y:.1f}" width="{max(end - start, 0.002) * PLOT:.2f}%" '
            f'height="{BAR}" fill="{RANGE_FILL}"/>'
        )
        if median is not None:
            marks.append(
                f'<circle cx="{_x(scale, median)}" cy="{y + BAR / 2:.1f}" r="{BAR / 2 + 1}" fill="{MEDIAN_INK}" '
                f'stroke="#FFFFFF" stroke-width="2"/>'
            )
    y += BAR + LINE
    marks.append(_text(range_note(low, median, high, unit), "0", y - 4, TICK_SIZE, MUTED))
    return y


def _text(
    text: str,
    x: str,
    y: float,
    size: int,
    fill: str,
    anchor: str = "start",
    *,
    dx: float = 0,
    bold: bool = False,
) -> str:
    shift = f' dx="{dx:g}"' if dx else ""
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x}" y="{y:.1f}"{shift} font-size="{size}" fill="{fill}" text-anchor="{anchor}"{weight}>'
        f"{escape(text)}</text>"
    )


def exact_value(value: float | None, unit: str) -> str:
    """A chart's number in its data table: in full ("$1,234,567", "55.5%"), a dash for none."""
    if value is None:
        return "—"
    number = format_number(value)
    if unit == "%":
        return f"{number}%"
    if unit == "$":
        return f"-${number[1:]}" if number.startswith("-") else f"${number}"
    return number
