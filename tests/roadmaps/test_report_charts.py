"""The PDF's charts drawn to scale: a range that dips below zero starts below zero."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Rect

from roadmaps.report.charts import BAR, RANGE_FILL, chart_drawings, value_scale
from roadmaps.report.document import Chart, Series


def range_bars(chart: Chart) -> list[Rect]:
    """The minimum-to-maximum bars (a legend's swatch is smaller), top to bottom."""

    def walk(node: object) -> list[Rect]:
        if (
            isinstance(node, Rect)
            and node.height == BAR
            and node.fillColor is not None
            and node.fillColor.hexval() == f"0x{RANGE_FILL[1:].lower()}"
        ):
            return [node]
        return [r for child in getattr(node, "contents", []) for r in walk(child)] if isinstance(node, Group) else []

    return [r for drawing in chart_drawings(chart, 400, 600) for item in drawing.contents for r in walk(item)]


def test_a_range_below_zero_runs_from_its_minimum_to_its_maximum() -> None:
    chart = Chart(
        chart="range",
        title="Change per domain across jurisdictions",
        categories=["Payment", "Outreach"],
        series=[
            Series(name="min", values=[-10, 5]),
            Series(name="median", values=[2, 10]),
            Series(name="max", values=[20, 15]),
        ],
        unit="points",
        alt="Payment: -10 to 20; Outreach: 5 to 15.",
    )
    scale = value_scale(chart)
    assert scale.low <= -10 and scale.high >= 20
    payment, outreach = range_bars(chart)
    # the same axis for both: Payment's bar (30 points long) is three times Outreach's (10 points)
    assert abs(payment.width - 3 * outreach.width) < 0.5
    # and it starts left of Outreach's, by 15 points' worth (from -10, against 5)
    assert abs((outreach.x - payment.x) - 1.5 * outreach.width) < 0.5


def test_a_chart_of_counts_has_whole_numbers_on_its_axis() -> None:
    chart = Chart(
        chart="stacked",
        title="Barriers by category and status",
        categories=["Payment", "Outreach"],
        series=[Series(name="resolved", values=[1, 0]), Series(name="open", values=[1, 1])],
        alt="Payment: 1 resolved, 1 open; Outreach: 1 open.",
    )
    assert value_scale(chart).ticks() == [0, 1, 2]
    shares = chart.model_copy(update={"series": [Series(name="share", values=[0.25, 0.5])]})
    assert value_scale(shares).ticks()[:3] == [0, 0.1, 0.2]  # fractions keep their fine ticks
