"""The action roadmap as one self-contained, accessible HTML page (Jinja2, autoescaped).

The page carries no script at all (it must pass a strict Content-Security-Policy); on a narrow
screen its tables stack into one card per row, by CSS alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from assessment.roadmap.view import GoalView, MilestoneView, Quarter, RoadmapView
from roadmaps.registry import register_renderer
from roadmaps.text import format_change, format_date, format_number, format_share, plural, shorten

TEMPLATES = Path(__file__).parent / "templates"
TOP_GOALS = 5

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is user text until proven otherwise
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def breakable(text: str) -> Markup:
    """``text`` escaped, free to wrap after "@" and before "." so an email breaks between its parts."""
    return Markup(str(escape(text)).replace("@", "@<wbr>").replace(".", "<wbr>."))


_env.filters.update(
    date=format_date,
    number=format_number,
    share=format_share,
    shorten=shorten,
    change=format_change,
    plural=plural,
    breakable=breakable,
)


@dataclass
class QuarterCell:
    """What one goal does in one quarter, in words: starts, runs, is due, milestones."""

    active: bool = False
    starts: date | None = None
    due: date | None = None
    milestones: list[MilestoneView] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Milestones done in this quarter."""
        return sum(1 for m in self.milestones if m.done)

    @property
    def open(self) -> int:
        """Milestones due in this quarter and not done yet."""
        return len(self.milestones) - self.done


@dataclass
class Mark:
    """A milestone's place on the visual bar, as a percentage of the timeline's width."""

    left: float
    done: bool


@dataclass
class TimelineRow:
    """One goal on the timeline: cells by quarter for reading, positions for the visual bar."""

    goal: GoalView
    cells: list[QuarterCell]
    left: float
    width: float
    marks: list[Mark]


def render_html(view: RoadmapView, out: Path) -> Path:
    """Write the roadmap to ``out`` as a standalone HTML page and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = _env.get_template("roadmap.html.j2").render(
        view=view,
        timeline=_timeline(view),
        top_goals=view.goals[:TOP_GOALS],
        rank_of={g.id: g.rank for g in view.goals},
    )
    out.write_text(page, encoding="utf-8")
    return out


def _timeline(view: RoadmapView) -> list[TimelineRow]:
    quarters = view.quarters
    if not quarters:
        return []
    start, end = quarters[0].start, quarters[-1].end
    days = (end - start).days + 1

    def percent(day: date) -> float:
        return round(100 * min(max((day - start).days / days, 0.0), 1.0), 2)

    rows = []
    for goal in view.goals:
        first, last = goal.span
        rows.append(
            TimelineRow(
                goal=goal,
                cells=[_cell(goal, quarter) for quarter in quarters],
                left=percent(first),
                width=max(percent(last + timedelta(days=1)) - percent(first), 0.5),
                marks=[Mark(percent(m.when), m.done is not None) for m in goal.milestones if m.when],
            )
        )
    return rows


def _cell(goal: GoalView, quarter: Quarter) -> QuarterCell:
    first, last = goal.span
    return QuarterCell(
        active=first <= quarter.end and last >= quarter.start,
        starts=goal.created if quarter.start <= goal.created <= quarter.end else None,
        due=goal.due if quarter.start <= goal.due <= quarter.end else None,
        milestones=[m for m in goal.milestones if m.when and quarter.start <= m.when <= quarter.end],
    )


register_renderer("html", ".html", render_html)
