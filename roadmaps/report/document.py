"""What a report is made of, whatever it says: the one shape every report renderer lays out.

A report's view model computes its numbers once, then builds a ``ReportDocument``: sections with
headings, and in each a sequence of blocks. Renderers read nothing else (no database, no services).
Text is plain: renderers escape it for their format, so a name or quote never runs as markup.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Cell = str | int | float | None


class Paragraph(BaseModel):
    """Prose. ``emphasis`` sets it apart (a lead paragraph, a note under a table)."""

    kind: Literal["paragraph"] = "paragraph"
    text: str
    emphasis: bool = False


class Bullets(BaseModel):
    kind: Literal["bullets"] = "bullets"
    items: list[str]


class Figure(BaseModel):
    """One headline number: "Sessions held" "9 of 9", with an optional line under it."""

    label: str
    value: str
    detail: str = ""


class Figures(BaseModel):
    """Headline numbers shown side by side as tiles (in the XLSX, a two-column sheet)."""

    kind: Literal["figures"] = "figures"
    title: str = ""
    items: list[Figure]
    sheet: str = ""  # the XLSX sheet's name; empty: not exported as a sheet


class Column(BaseModel):
    """A table column: its heading and how its cells align and read."""

    heading: str
    numeric: bool = False  # right-aligned; XLSX writes the number, not text
    format: str = ""  # XLSX number format for numeric cells, e.g. "0.0", '0"%"', "#,##0"

    def text(self, cell: Cell) -> str:
        """A cell as the PDF and the page print it: a number in the column's ``format``, a dash for none."""
        if cell is None:
            return "—"
        if isinstance(cell, str):
            return cell
        return format_number(cell, self.format)


class Table(BaseModel):
    """A table of data; every table of a report is also a sheet of its XLSX."""

    kind: Literal["table"] = "table"
    title: str  # shown above the table; also the XLSX sheet's title row
    sheet: str  # the XLSX sheet's name (unique within the document, at most 31 characters)
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""  # shown under the table (sources, what "too few responses" means)
    empty: str = "Nothing recorded yet."  # shown instead of an empty table


class Series(BaseModel):
    """One data series of a chart: a value per category (None: no value, drawn as a gap)."""

    name: str
    values: list[float | None]


class Chart(BaseModel):
    """A chart drawn from data, with the text alternative a screen reader reads.

    ``bar``: vertical bars per category, a bar per series side by side; ``hbar``: the same,
    horizontal (long category names); ``stacked``: horizontal bars, series stacked per category
    (e.g. barriers by status within each category); ``range``: per category the minimum, the
    median and the maximum (the series named "min", "median", "max"), a distribution across
    jurisdictions.
    """

    kind: Literal["chart"] = "chart"
    chart: Literal["bar", "hbar", "stacked", "range"]
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""  # "points", "%", "$": shown on the value axis and in the text alternative
    value_max: float | None = None  # the axis' top (100 for scores and shares); None: from the data
    alt: str  # the text alternative: what the chart shows, in a sentence or two with its numbers


class Quote(BaseModel):
    kind: Literal["quote"] = "quote"
    text: str
    by: str = ""  # who said it ("a community partner"), empty when anonymous


Block = Annotated[Paragraph | Bullets | Figures | Table | Chart | Quote, Field(discriminator="kind")]


class Section(BaseModel):
    """A titled part of the report; ``level`` 1 is a chapter (in the table of contents), 2 a part of one."""

    heading: str
    level: Literal[1, 2] = 1
    blocks: list[Block] = []
    anchor: str = ""  # the HTML id; empty: made from the heading


class ReportDocument(BaseModel):
    """A whole report: its cover lines, then its sections in reading order."""

    title: str
    subtitle: str = ""
    author: str  # the PDF's author metadata and the cover's "Prepared by"
    prepared_on: date
    language: str = "en"
    summary: list[Section] = []  # the executive summary: first, on a page of its own in the PDF
    sections: list[Section]
    footer: str = ""  # printed on every PDF page beside the page number

    def tables(self) -> list[Table]:
        """Every table, in reading order (the XLSX's sheets)."""
        return [b for s in (*self.summary, *self.sections) for b in s.blocks if isinstance(b, Table)]


def format_number(value: int | float, number_format: str = "") -> str:
    """``value`` as a spreadsheet shows it in ``number_format`` (its first section): decimals,
    thousands separators, a percentage, text around the digits ("$", '"%"', '" pts"').

    No format (or "General") shows at most two decimals, trailing zeros dropped."""
    sections = number_format.split(";")
    negative = value < 0 and len(sections) > 1  # its own section says how a negative number reads
    section = sections[1 if negative else 0].strip()
    number = abs(Decimal(str(value))) if negative else Decimal(str(value))
    if not section or section.lower() == "general":
        text = f"{number.quantize(Decimal('0.01'), ROUND_HALF_UP):,f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    before: list[str] = []  # text before the digits
    after: list[str] = []  # text after them
    digits = ""
    scale = Decimal(1)
    index = 0
    while index < len(section):
        char = section[index]
        words = after if digits else before
        if char == '"':  # quoted text, as it is (unclosed, it runs to the end: find's -1 wraps round)
            end = section.find('"', index + 1) % (len(section) + 1)
            words.append(section[index + 1 : end])
            index = end + 1
        elif char == "\\" or char in "_*":  # an escaped character; padding or fill (no text)
            if char == "\\":
                words.append(section[index + 1 : index + 2])
            index += 2
        elif char == "[":  # a colour or a condition; "[$€-409]" is a currency symbol
            end = section.find("]", index) % (len(section) + 1)
            inside = section[index + 1 : end]
            if inside.startswith("$"):
                words.append(inside[1:].split("-")[0])
            index = end + 1
        else:
            if char in "0#?,.":
                digits += char
            else:
                words.append(char)
                scale *= 100 if char == "%" else 1
            index += 1
    scale /= 1000 ** (len(digits) - len(digits.rstrip(",")))  # each comma after the digits: in thousands
    whole, _, fraction = digits.rstrip(",").partition(".")
    places = len(fraction)
    # Half away from zero, as spreadsheets round (Python's round() goes to the even neighbour).
    shown = (abs(number) * scale).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{shown:{',' if ',' in whole else ''}.{places}f}"
    for _ in range(places - fraction.count("0")):  # "#" and "?" places drop trailing zeros
        text = text[:-1] if text.endswith("0") else text
    text = text.rstrip(".") if places else text
    sign = "-" if number < 0 and shown != 0 else ""
    return f"{sign}{''.join(before)}{text}{''.join(after)}"
