"""A report's charts as reportlab drawings for the PDF, and what they share with the page's SVG:
the colours, the value axis, how values and category names read.

``bar`` is reportlab's VerticalBarChart, ``hbar`` and ``stacked`` its HorizontalBarChart, ``range``
a HorizontalBarChart of invisible bars up to each minimum with visible ones from minimum to
maximum stacked on them, and a dot at the median. A chart with more categories than fit a page
is drawn in parts that share one axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Circle, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from roadmaps.fonts import register_fonts
from roadmaps.pdf_theme import INK, MUTED, RULE
from roadmaps.report.document import Chart, Series

# Dark enough on white for a bar (3:1) and for white text inside it (4.5:1); in this order they
# also stay apart when printed in grayscale, next to their legend.
PALETTE = ("#1F4E79", "#B35C00", "#2E7D5B", "#7B4B94", "#5F6B7A", "#A8323E")
RANGE_FILL = "#6C8EBF"  # the minimum-to-maximum bar: 3.4:1 on white, the ink median marker stands out on it
MEDIAN_INK = "#1B2A3A"
NO_DATA = "no data"

FONT_SIZE = 8.0
LEADING = 9.5
TICK_SIZE = 7.5
BAR = 11.0  # a horizontal bar's thickness
BAR_GAP = 1.5  # between the bars of one category
BAND_PADDING = 8.0  # between categories
VERTICAL_PLOT = 150.0  # the height of a vertical bar chart's plot
MAX_VERTICAL = 12  # more categories than this read better as horizontal bars
LABEL_SHARE = 0.34  # at most this much of a horizontal chart's width for category names
MAX_LABEL_LINES = 2
SWATCH = 8.0
LEGEND_ROW = LEADING + 4


@dataclass(frozen=True)
class Scale:
    """The value axis: from ``low`` to ``high`` in ticks ``step`` apart."""

    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        """Every tick value, ``low`` to ``high``."""
        count = round((self.high - self.low) / self.step)
        return [round(self.low + index * self.step, 10) for index in range(count + 1)]

    def share(self, value: float) -> float:
        """Where ``value`` sits along the axis, from 0 (``low``) to 1 (``high``)."""
        return (min(max(value, self.low), self.high) - self.low) / (self.high - self.low)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` steps."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw)


def value_scale(chart: Chart) -> Scale:
    """The axis every part of ``chart`` shares: from 0 (or the lowest value, when negative) to
    ``value_max`` or a round number above the highest value."""
    if chart.chart == "stacked":
        values = [
            sum(v for v in column if v is not None and v > 0) for column in zip(*series_values(chart), strict=True)
        ]
    else:
        values = [v for series in series_values(chart) for v in series if v is not None]
    lowest = min([0.0, *values])
    highest = max([0.0, *values])
    top = chart.value_max
    fixed = top is not None and lowest < top and highest <= top  # data above value_max: the axis grows
    if fixed and top is not None:
        highest = top
    elif highest == lowest:
        return Scale(lowest, lowest + 1, 1)
    step = nice_step(highest - lowest)
    if step < 1 and all(float(v).is_integer() for v in values):
        step = 1.0  # counts (barriers, goals): no tick at 0.2 of a barrier
    lowest = round(math.floor(round(lowest / step, 9)) * step, 9)
    if not fixed:
        highest = round(math.ceil(round(highest / step, 9)) * step, 9)
    elif round((highest - lowest) / step, 9) % 1:
        step = (highest - lowest) / 4  # a top like 30 for a step of 7.5: ticks that end on it
    return Scale(lowest, highest, step)


def series_values(chart: Chart) -> list[list[float | None]]:
    """Each series' values, one per category (a missing value is a gap)."""
    return [_padded(series, len(chart.categories)) for series in chart.series]


def _padded(series: Series, count: int) -> list[float | None]:
    """A series' values, one per category: missing ones as gaps, extra ones dropped."""
    return (list(series.values) + [None] * count)[:count]


def format_value(value: float, unit: str = "") -> str:
    """A chart's number as it reads on the chart: "72.5", "45%", "$1.2M", "12,400"."""
    sign = "-" if value < 0 else ""
    number = abs(value)
    suffix = ""
    if number >= 10_000:
        for size, letter in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if number >= size:
                number, suffix = number / size, letter
                break
    # Half away from zero, as the tables round (Python's round() goes to the even neighbour).
    shown = Decimal(str(number)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = f"{shown:,.1f}".removesuffix(".0") + suffix
    if unit == "%":
        return f"{sign}{text}%"
    if unit == "$":
        return f"{sign}${text}"
    return sign + text


def axis_title(chart: Chart) -> str:
    """What the value axis counts, in words, when its numbers don't say it ("points"); else empty."""
    return "" if chart.unit in ("", "%", "$") else chart.unit


def series_names(chart: Chart) -> list[str]:
    """The legend's entries; a lone series needs none (the title says what it is)."""
    if chart.chart == "range":
        return ["Lowest to highest", "Median"]
    return [s.name for s in chart.series] if len(chart.series) > 1 else []


@dataclass(frozen=True)
class Key:
    """A legend's entry: what a colour stands for; ``dot`` for a range's median, drawn as a dot."""

    name: str
    colour: str
    dot: bool = False


def legend_keys(chart: Chart) -> list[Key]:
    """What each colour of ``chart`` stands for (nothing for a single series: its title says it)."""
    names = series_names(chart)
    if chart.chart == "range":
        return [Key(names[0], RANGE_FILL), Key(names[1], MEDIAN_INK, dot=True)]
    return [Key(name, PALETTE[index % len(PALETTE)]) for index, name in enumerate(names)]


def range_note(low: float | None, median: float | None, high: float | None, unit: str) -> str:
    """A range's numbers in words beside its bar: "median 62, 41 to 78"."""
    if low is None or high is None:
        return NO_DATA
    middle = f"median {format_value(median, unit)}, " if median is not None else ""
    return f"{middle}{format_value(low, unit)} to {format_value(high, unit)}"


def range_values(chart: Chart) -> tuple[list[float | None], list[float | None], list[float | None]]:
    """A range chart's minimum, median and maximum per category (series named min, median, max)."""
    by_name = {s.name.strip().lower(): _padded(s, len(chart.categories)) for s in chart.series}
    empty: list[float | None] = [None] * len(chart.categories)
    return by_name.get("min", empty), by_name.get("median", empty), by_name.get("max", empty)


def wrap_label(
    text: str,
    width: float,
    *,
    size: float = FONT_SIZE,
    lines: int = MAX_LABEL_LINES,
    measure: Callable[[str, float], float] | None = None,
) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width``, the last cut with an ellipsis."""
    measure = measure or text_width
    words = text.split() or [""]
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while measure(current, size) > width and len(current) > 1:  # a word longer than the line
            cut = len(current)
            while cut > 1 and measure(current[:cut], size) > width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    out.append(current)
    if len(out) > lines:
        last = out[lines - 1]
        while last and measure(last + "…", size) > width:
            last = last[:-1].rstrip()
        out = out[: lines - 1] + [last + "…"]
    return out


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is in the PDF's font (a fair guess for the page's sans-serif too)."""
    fonts = register_fonts()
    return sum(stringWidth(ch, fonts.font_for(ch), size) for ch in text)


def label_font(text: str) -> str:
    """The one font a chart label is drawn in: the base font, or the Korean or Chinese one it needs."""
    fonts = register_fonts()
    needed = {fonts.font_for(ch) for ch in text} - {fonts.base}
    return needed.pop() if len(needed) == 1 else fonts.base


def chart_drawings(chart: Chart, width: float, max_height: float) -> list[Drawing]:
    """``chart`` as drawings ``width`` wide, as many as it takes for each to be at most ``max_height`` tall."""
    if not chart.categories or not chart.series:
        return []
    scale = value_scale(chart)
    if chart.chart == "bar" and len(chart.categories) <= MAX_VERTICAL:
        return [_vertical(chart, width, scale)]
    drawings: list[Drawing] = []
    start = 0
    while start < len(chart.categories):
        # As many categories as fit (at least one), found by halving: names wrap, so rows differ.
        low, high = 1, len(chart.categories) - start
        while low < high:
            middle = (low + high + 1) // 2
            if _horizontal(_part(chart, start, middle), width, scale).height <= max_height:
                low = middle
            else:
                high = middle - 1
        drawings.append(_horizontal(_part(chart, start, low), width, scale))
        start += low
    return drawings


def _part(chart: Chart, start: int, count: int) -> Chart:
    """The categories ``start`` to ``start + count`` of ``chart``, with their values."""
    end = start + count
    return chart.model_copy(
        update={
            "categories": chart.categories[start:end],
            "series": [Series(name=s.name, values=_padded(s, len(chart.categories))[start:end]) for s in chart.series],
        }
    )


def _style_axis(chart: BarChart, scale: Scale, unit: str) -> None:
    fonts = register_fonts()
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = scale.low, scale.high, scale.step
    axis.labelTextFormat = lambda v: format_value(v, unit)
    axis.labels.fontName = fonts.base
    axis.labels.fontSize = TICK_SIZE
    axis.labels.fillColor = MUTED
    axis.strokeColor = RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = RULE
    axis.gridStrokeWidth = 0.4
    axis.visibleAxis = False
    axis.visibleTicks = False
    category = chart.categoryAxis
    category.strokeColor = MUTED
    category.strokeWidth = 0.8
    category.visibleTicks = False
    category.labelAxisMode = "low"  # names stay outside the plot when bars go below zero
    category.labels.fontName = fonts.base
    category.labels.fontSize = FONT_SIZE
    category.labels.leading = LEADING
    category.labels.fillColor = INK
    chart.naLabel = NA_Label()
    chart.naLabel.text = NO_DATA
    chart.naLabel.fontName = fonts.base
    chart.naLabel.fontSize = TICK_SIZE
    chart.naLabel.fillColor = MUTED


def _fill_bars(chart: BarChart, count: int, reverse: bool = False) -> None:
    """Each series its palette colour; ``reverse``: the series were given last first."""
    for index in range(count):
        colour = PALETTE[(count - 1 - index if reverse else index) % len(PALETTE)]
        chart.bars[index].fillColor = colors.HexColor(colour)
        chart.bars[index].strokeColor = colors.white
        chart.bars[index].strokeWidth = 0.6


def _category_names(chart: BarChart, names: Sequence[list[str]]) -> None:
    chart.categoryAxis.categoryNames = ["\n".join(lines) for lines in names]
    for index, lines in enumerate(names):
        font = label_font(" ".join(lines))
        if font != register_fonts().base:
            chart.categoryAxis.labels[index].fontName = font


def _legend_places(chart: Chart, width: float) -> list[tuple[float, int, Key]]:
    """Where each key of the legend goes: its x and its row, rows as many as the names need."""
    places: list[tuple[float, int, Key]] = []
    x, row = 0.0, 0
    for key in legend_keys(chart):
        room = SWATCH + 4 + text_width(key.name, FONT_SIZE) + 14
        if x and x + room > width:
            x, row = 0.0, row + 1
        places.append((x, row, key))
        x += room
    return places


def _legend_height(chart: Chart, width: float) -> float:
    places = _legend_places(chart, width)
    return (places[-1][1] + 1) * LEGEND_ROW + 6 if places else 0.0


def _legend(drawing: Drawing, chart: Chart, top: float) -> None:
    """The legend under ``top``: a swatch (a dot for a range's median) and a name per key."""
    for x, row, key in _legend_places(chart, drawing.width):
        y = top - (row + 1) * LEGEND_ROW + 3
        fill = colors.HexColor(key.colour)
        if key.dot:
            drawing.add(Circle(x + SWATCH / 2, y + SWATCH / 2, SWATCH / 2 + 0.5, fillColor=fill, strokeColor=None))
        else:
            drawing.add(Rect(x, y, SWATCH, SWATCH, fillColor=fill, strokeColor=None))
        drawing.add(_text(key.name, x + SWATCH + 4, y + 1, FONT_SIZE, INK))


def _vertical(chart: Chart, width: float, scale: Scale) -> Drawing:
    """Vertical bars per category, one per series side by side, the value over each bar."""
    unit = chart.unit
    left = max(text_width(format_value(t, unit), TICK_SIZE) for t in scale.ticks()) + 8
    plot_width = width - left - 4
    slot = plot_width / max(len(chart.categories), 1)
    names = [wrap_label(c, slot - 4, lines=3) for c in chart.categories]
    label_height = max((len(lines) for lines in names), default=1) * LEADING + 6
    legend = _legend_height(chart, width)
    top = 14.0  # the axis title, and room for the value over the tallest bar
    height = legend + top + VERTICAL_PLOT + label_height
    drawing = Drawing(width, height, initialFontName=register_fonts().base)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = left, label_height, plot_width, VERTICAL_PLOT
    bars.data = series_values(chart)
    _style_axis(bars, scale, unit)
    _category_names(bars, names)
    bars.categoryAxis.labels.boxAnchor = "n"
    bars.categoryAxis.labels.dy = -4
    bars.categoryAxis.labels.textAnchor = "middle"
    _fill_bars(bars, len(chart.series))
    groups = max(len(chart.series), 1)
    bars.groupSpacing = slot * 0.3
    bars.barSpacing = 1.5
    bars.barWidth = max((slot * 0.7 - bars.barSpacing * (groups - 1)) / groups, 1)
    _value_labels(bars, unit)
    drawing.add(bars)
    title = axis_title(chart)
    if title:
        drawing.add(_text(title, 0, label_height + VERTICAL_PLOT + 6, TICK_SIZE, MUTED))
    _legend(drawing, chart, height)
    return drawing


def _value_labels(bars: BarChart, unit: str) -> None:
    """Each bar's value just past its end (before it, for a negative value)."""
    vertical = isinstance(bars, VerticalBarChart)
    bars.barLabelFormat = lambda v: format_value(v, unit)
    bars.barLabels.fontName = register_fonts().base
    bars.barLabels.fontSize = TICK_SIZE
    bars.barLabels.fillColor = INK
    bars.barLabels.boxAnchor = "s" if vertical else "w"
    bars.barLabels.nudge = 4
    for row, series in enumerate(bars.data):
        for column, value in enumerate(series):
            if value is not None and value < 0:
                bars.barLabels[(row, column)].boxAnchor = "n" if vertical else "e"
    if bars.naLabel is not None:
        bars.naLabel.boxAnchor = bars.barLabels.boxAnchor
        bars.naLabel.nudge = 4


def _horizontal(chart: Chart, width: float, scale: Scale) -> Drawing:
    """Horizontal bars: ``hbar`` side by side, ``stacked`` end to end, ``range`` minimum to maximum."""
    unit = chart.unit
    label_room = width * LABEL_SHARE
    names = [wrap_label(c, label_room) for c in chart.categories]
    left = min(max((text_width(line, FONT_SIZE) for lines in names for line in lines), default=0), label_room) + 8
    values = series_values(chart)
    if chart.chart == "range":
        low, middle, high = range_values(chart)
        notes = [range_note(a, m, b, unit) for a, m, b in zip(low, middle, high, strict=True)]
        right = max(text_width(note, TICK_SIZE) for note in notes) + 10
        # The bars are drawn below as rectangles from minimum to maximum: stacked bars (an invisible one up to
        # the minimum) would start a range that dips below zero at zero.
        data: list[list[float | None]] = [[None for _ in chart.categories]]
        per_category = 1
    elif chart.chart == "stacked":
        totals = [sum(v for v in column if v is not None) for column in zip(*values, strict=True)]
        right = max((text_width(format_value(t, unit), TICK_SIZE) for t in totals), default=0) + 10
        data = values
        per_category = 1
    else:
        shown = [format_value(v, unit) for series in values for v in series if v is not None] + [NO_DATA]
        right = max(text_width(text, TICK_SIZE) for text in shown) + 10
        data = values
        per_category = max(len(values), 1)
    lines = max((len(n) for n in names), default=1)
    band = max(per_category * BAR + (per_category - 1) * BAR_GAP, lines * LEADING) + BAND_PADDING
    plot_height = band * max(len(chart.categories), 1)
    axis_height = TICK_SIZE + 8 + (LEADING if axis_title(chart) else 0)
    legend = _legend_height(chart, width)
    height = legend + 4 + plot_height + axis_height
    plot_width = width - left - right
    drawing = Drawing(width, height, initialFontName=register_fonts().base)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = left, axis_height, plot_width, plot_height
    bars.data = data
    _style_axis(bars, scale, unit)
    _category_names(bars, names)
    bars.categoryAxis.reverseDirection = True  # the first category on top, as it reads
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -6
    bars.categoryAxis.labels.textAnchor = "end"
    bars.barWidth = BAR
    bars.barSpacing = BAR_GAP
    bars.groupSpacing = band - per_category * BAR - (per_category - 1) * BAR_GAP
    if chart.chart == "hbar":
        # The categories run top down (reversed), which reverses the bars within each too: the series
        # go in last first, so the first series is the top bar of each category, as the legend reads.
        bars.data = data[::-1]
        _fill_bars(bars, len(data), reverse=True)
        _value_labels(bars, unit)
    elif chart.chart == "stacked":
        _fill_bars(bars, len(data))
        bars.categoryAxis.style = "stacked"
        _segment_labels(bars, scale, unit)
        for index, total in enumerate(totals):
            y = axis_height + plot_height - (index + 0.5) * band - TICK_SIZE / 3
            x = left + scale.share(total) * plot_width + 5
            drawing.add(_text(format_value(total, unit), x, y, TICK_SIZE, INK, bold=True))
    else:
        bars.naLabel = None
    drawing.add(bars)
    if chart.chart == "range":
        for index, (lowest, median, highest, note) in enumerate(zip(low, middle, high, notes, strict=True)):
            y = axis_height + plot_height - (index + 0.5) * band
            if lowest is not None and highest is not None:
                start, end = (left + scale.share(v) * plot_width for v in (lowest, highest))
                fill = colors.HexColor(RANGE_FILL)
                drawing.add(Rect(start, y - BAR / 2, max(end - start, 1.0), BAR, fillColor=fill, strokeColor=None))
            drawing.add(_text(note, left + plot_width + 6, y - TICK_SIZE / 3, TICK_SIZE, INK))
            if median is not None:
                drawing.add(_median_dot(left + scale.share(median) * plot_width, y, BAR / 2))
    title = axis_title(chart)
    if title:
        drawing.add(_text(title, left + plot_width, 2, TICK_SIZE, MUTED, anchor="end"))
    _legend(drawing, chart, height)
    return drawing


def _segment_labels(bars: BarChart, scale: Scale, unit: str) -> None:
    """Each segment's value inside it, in white; left out where the segment is too short to hold it."""
    per_unit = bars.width / (scale.high - scale.low)

    def label(value: float) -> str:
        text = format_value(value, unit)
        return text if value > 0 and text_width(text, TICK_SIZE) + 4 <= value * per_unit else ""

    bars.barLabelFormat = label
    bars.barLabels.boxTarget = "mid"
    bars.barLabels.fontName = register_fonts().bold
    bars.barLabels.fontSize = TICK_SIZE
    bars.barLabels.fillColor = colors.white


def _median_dot(x: float, y: float, radius: float) -> Circle:
    return Circle(x, y, radius, fillColor=colors.HexColor(MEDIAN_INK), strokeColor=colors.white, strokeWidth=1.2)


def _text(
    text: str, x: float, y: float, size: float, color: colors.Color, *, bold: bool = False, anchor: str = "start"
) -> String:
    fonts = register_fonts()
    font = fonts.bold if bold and label_font(text) == fonts.base else label_font(text)
    return String(x, y, text, fontName=font, fontSize=size, fillColor=color, textAnchor=anchor)
