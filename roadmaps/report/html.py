"""A report as one self-contained, accessible HTML page (Jinja2, autoescaped).

No script and nothing fetched: the styles are inline, the charts are inline SVG with their text
alternative and their numbers in a table. Wide tables scroll sideways inside their own box on a
phone; the page prints with each chapter on a new page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from roadmaps.report.charts import legend_keys, range_values, series_values
from roadmaps.report.document import Block, Chart, ReportDocument, Section
from roadmaps.report.registry import register_report_renderer
from roadmaps.report.svg import chart_svg, exact_value

TEMPLATES = Path(__file__).parent.parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is user text until proven otherwise
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass
class Part:
    """A section as the page shows it: its id, heading level (h2 or h3) and its blocks with their ids."""

    section: Section
    id: str
    heading: int
    blocks: list[tuple[Block, str]]
    parts: list[Part] = field(default_factory=list)  # the level-2 sections under a level-1 one (contents)


@dataclass(frozen=True)
class ChartData:
    """A chart's numbers as a table: a row per category, a column per series."""

    headings: list[str]
    rows: list[tuple[str, list[str]]]


def render_report_html(document: ReportDocument, out: Path) -> Path:
    """Write ``document`` to ``out`` as a standalone HTML page and return the path."""
    out = Path(out)
    ids = _Ids()
    summary = [_part(section, ids) for section in document.summary]
    sections = [_part(section, ids) for section in document.sections]
    page = _env.get_template("report.html.j2").render(
        document=document,
        summary=summary,
        sections=sections,
        contents=_contents([*summary, *sections]),
        prepared=_long_date(document.prepared_on),
        chart_svg=chart_svg,
        chart_data=chart_data,
        legend=legend_keys,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


class _Ids:
    """Ids for the page's sections and blocks: readable, each used once."""

    def __init__(self) -> None:
        self._used: set[str] = {"content", "contents-heading"}

    def take(self, wanted: str, fallback: str) -> str:
        text = unicodedata.normalize("NFKD", wanted).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or fallback
        if slug[0].isdigit():
            slug = f"{fallback}-{slug}"
        candidate, count = slug, 1
        while candidate in self._used:
            count += 1
            candidate = f"{slug}-{count}"
        self._used.add(candidate)
        return candidate


def _part(section: Section, ids: _Ids) -> Part:
    section_id = ids.take(section.anchor or section.heading, "section")
    blocks = [(block, f"{section_id}-{index}") for index, block in enumerate(section.blocks, start=1)]
    return Part(section, section_id, 2 if section.level == 1 else 3, blocks)


def _contents(parts: Iterable[Part]) -> list[Part]:
    """The sections as the contents nest them: level-2 ones under the level-1 one before them."""
    top: list[Part] = []
    for part in parts:
        if part.section.level == 2 and top:
            top[-1].parts.append(part)
        else:
            top.append(part)
    return top


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def chart_data(chart: Chart) -> ChartData:
    """The numbers ``chart`` draws, in full, for the table beside it."""
    if chart.chart == "range":
        low, middle, high = range_values(chart)
        return ChartData(
            ["Lowest", "Median", "Highest"],
            [
                (category, [exact_value(v, chart.unit) for v in (a, m, b)])
                for category, a, m, b in zip(chart.categories, low, middle, high, strict=True)
            ],
        )
    values = series_values(chart)
    return ChartData(
        [s.name for s in chart.series],
        [
            (category, [exact_value(series[index], chart.unit) for series in values])
            for index, category in enumerate(chart.categories)
        ],
    )


register_report_renderer("html", ".html", render_report_html)
