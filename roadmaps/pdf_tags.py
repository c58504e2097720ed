"""The roadmap PDF as a tagged PDF: headings, paragraphs, tables and figures that a screen reader
finds in reading order, and page decorations marked as artifacts it skips.

reportlab writes no structure tree, so tagging takes two steps. While the document is built, each
thing drawn is wrapped in marked content (``/P <</MCID 3>> BDC`` … ``EMC``, ``/Artifact BMC`` …
``EMC``) and the canvas's ``Structure`` records the element each piece belongs to; after the build,
``add_structure`` writes that record into the file with pikepdf.

The other pdf modules only choose roles: ``Paragraph`` takes its role from its style's ``role`` (P
when the style has none), ``Table`` marks its rows and cells (``layout=True`` for one that only
sets things side by side), ``figure`` and ``artifact`` wrap any other flowable, and ``pagination``
marks what the page template draws."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

import pikepdf
from pikepdf import Array, Dictionary, Name
from reportlab import platypus
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus.tables import TableRenderCB


class Role(StrEnum):
    """What a piece of a page is to a reader: a standard structure type, or an artifact (decoration)."""

    DOCUMENT = "Document"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"
    P = "P"
    TABLE = "Table"
    TR = "TR"
    TH = "TH"
    TD = "TD"
    FIGURE = "Figure"
    ARTIFACT = "Artifact"


class Content(NamedTuple):
    """One marked-content sequence: the page it is on (from 0) and its MCID there."""

    page: int
    mcid: int


@dataclass(eq=False)
class Element:
    """A structure element: its role, what it holds in reading order, its alternative text and its
    attributes (a table cell's Scope and spans; an artifact's Type)."""

    role: Role
    alt: str | None = None
    attributes: dict[str, str | int] = field(default_factory=dict)
    kids: list[Element | Content] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)


class Structure:
    """The elements of what is drawn on a canvas, in reading order, under one Document element."""

    def __init__(self) -> None:
        self.document = Element(Role.DOCUMENT)
        self._parents = [self.document]
        self._mcids: dict[int, int] = {}  # page: the MCIDs given out on it
        self._depth = 0  # marked-content sequences open: what is drawn inside belongs to the outermost

    @contextmanager
    def holding(self, element: Element) -> Iterator[None]:
        """Elements drawn inside the block become kids of ``element`` (a table, a row, a cell)."""
        if self._depth:
            yield
            return
        self._place(element)
        self._parents.append(element)
        try:
            yield
        finally:
            self._parents.pop()

    @contextmanager
    def marking(self, canvas: Canvas, element: Element) -> Iterator[None]:
        """What is drawn inside the block, as marked content of ``element`` on the canvas's page."""
        if self._depth:  # a figure's labels are the figure, an artifact's text is the artifact
            yield
            return
        if element.role is Role.ARTIFACT:
            properties = " ".join(f"/{key} /{value}" for key, value in element.attributes.items())
            canvas.addLiteral(f"/Artifact <<{properties}>> BDC" if properties else "/Artifact BMC")
        else:
            page = canvas.getPageNumber() - 1
            mcid = self._mcids.get(page, 0)
            self._mcids[page] = mcid + 1
            self._place(element)
            element.kids.append(Content(page, mcid))
            canvas.addLiteral(f"/{element.role} <</MCID {mcid}>> BDC")
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            canvas.addLiteral("EMC")

    def _place(self, element: Element) -> None:
        """``element`` as the next kid of the element open now, unless it is placed already (the
        part of a paragraph, table or figure that runs onto the next page continues the element)."""
        if element.parent is None and element is not self.document:
            element.parent = self._parents[-1]
            element.parent.kids.append(element)


class TaggedCanvas(Canvas):
    """A canvas that records the structure of what is drawn on it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = Structure()


def _marking(canvas: Canvas, element: Element) -> AbstractContextManager[None]:
    """Marked content of ``element`` on a tagged canvas; on any other, the drawing as it is."""
    if isinstance(canvas, TaggedCanvas):
        return canvas.structure.marking(canvas, element)
    return nullcontext()


def _holding(canvas: Canvas, element: Element) -> AbstractContextManager[None]:
    """Elements drawn inside the block as kids of ``element`` on a tagged canvas; else nothing."""
    if isinstance(canvas, TaggedCanvas):
        return canvas.structure.holding(element)
    return nullcontext()


def pagination(canvas: Canvas) -> AbstractContextManager[None]:
    """Marks what the block draws (running footers, page numbers, their rules) as a pagination artifact."""
    return _marking(canvas, Element(Role.ARTIFACT, attributes={"Type": "Pagination"}))


class Paragraph(platypus.Paragraph):
    """reportlab's paragraph, marked as its style's ``role`` (P when the style has none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.element = Element(getattr(self.style, "role", Role.P))

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for part in parts:
            part.element = self.element  # a paragraph that runs onto the next page stays one paragraph
        return parts

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        with _marking(canvas, self.element):
            super().drawOn(canvas, x, y, _sW)


class Table(platypus.Table):
    """reportlab's table, marked as a Table of rows (TR) of cells: TH in the header rows (``repeatRows``)
    and ``header_columns``, TD elsewhere. With ``layout=True`` a table that only sets things side by
    side: no table for a reader, its cells' contents read in order. Its grid and fills, and header
    rows repeated on later pages, are artifacts."""

    def __init__(
        self,
        data: Sequence[Sequence[Any]],
        *args: Any,
        header_columns: Sequence[int] = (),
        layout: bool = False,
        renderCB: TableRenderCB | None = None,
        **kwargs: Any,
    ) -> None:
        # reportlab makes the parts a table splits into with the whole's callback: one element for all.
        if renderCB is None:
            renderCB = _TableMarks(header_columns, layout=layout)
        super().__init__(data, *args, renderCB=renderCB, **kwargs)

    def span(self, row: int, column: int) -> tuple[int, int]:
        """How many columns and rows the cell at ``row``, ``column`` spans."""
        spans = getattr(self, "_spanRanges", None) or {}
        first_column, first_row, last_column, last_row = spans.get((column, row)) or (column, row, column, row)
        return last_column - first_column + 1, last_row - first_row + 1


class _TableMarks(TableRenderCB):
    """Called by reportlab as it draws a table, or each part of a table split across pages."""

    def __init__(self, header_columns: Sequence[int], *, layout: bool) -> None:
        self.header_columns = frozenset(header_columns)
        self.layout = layout
        self.element = Element(Role.TABLE)
        self.parts = 0
        self._open: list[ExitStack] = []  # a block per table, row and cell being drawn

    def _enter(self, *blocks: AbstractContextManager[None]) -> None:
        stack = ExitStack()
        for block in blocks:
            stack.enter_context(block)
        self._open.append(stack)

    def _exit(self, table: Table) -> None:
        self._open.pop().close()

    def _repeated(self, table: Table, row: int) -> bool:
        """Whether ``row`` is a header row repeated at the top of a later part."""
        return self.parts > 1 and row < table.repeatRows

    def startTable(self, table: Table) -> None:
        self.parts += 1
        self._enter(nullcontext() if self.layout else _holding(table.canv, self.element))

    def startBG(self, table: Table) -> None:
        self._enter(_marking(table.canv, Element(Role.ARTIFACT)))

    def startRow(self, table: Table, row: int) -> None:
        if self._repeated(table, row):
            self._enter(_marking(table.canv, Element(Role.ARTIFACT)))
        else:
            self._enter(nullcontext() if self.layout else _holding(table.canv, Element(Role.TR)))

    def startCell(self, table: Table, row: int, column: int, value: Any, *style_and_box: Any) -> None:
        blocks: list[AbstractContextManager[None]] = []
        if not self.layout:
            blocks.append(_holding(table.canv, self._cell(table, row, column)))
        if not isinstance(value, Flowable | list | tuple):  # text reportlab draws itself
            blocks.append(_marking(table.canv, Element(Role.P if str(value).strip() else Role.ARTIFACT)))
        self._enter(*blocks)

    def _cell(self, table: Table, row: int, column: int) -> Element:
        attributes: dict[str, str | int] = {}
        if row < table.repeatRows:
            attributes["Scope"] = "Column"
        elif column in self.header_columns:
            attributes["Scope"] = "Row"
        columns, rows = table.span(row, column)
        if columns > 1:
            attributes["ColSpan"] = columns
        if rows > 1:
            attributes["RowSpan"] = rows
        return Element(Role.TH if "Scope" in attributes else Role.TD, attributes=attributes)

    def startLines(self, table: Table) -> None:
        self._enter(_marking(table.canv, Element(Role.ARTIFACT)))

    # Each end closes the block its start opened.
    endBG = endCell = endRow = endLines = endTable = _exit


class _Marked(Flowable):
    """A flowable drawn as marked content of ``element``; the parts it splits into add to the same one."""

    def __init__(self, flowable: Flowable, element: Element) -> None:
        super().__init__()
        self.flowable = flowable
        self.element = element

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.flowable.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return [_Marked(part, self.element) for part in self.flowable.split(availWidth, availHeight)]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        with _marking(canvas, self.element):
            self.flowable.drawOn(canvas, x, y, _sW)

    def getSpaceBefore(self) -> float:
        return float(self.flowable.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.flowable.getSpaceAfter())

    def getKeepWithNext(self) -> bool:
        return bool(self.flowable.getKeepWithNext())

    def minWidth(self) -> float:
        return float(self.flowable.minWidth())


def figure(flowable: Flowable, alt: str) -> Flowable:
    """``flowable`` as a Figure a reader is told about in ``alt``."""
    return _Marked(flowable, Element(Role.FIGURE, alt=alt))


def artifact(flowable: Flowable) -> Flowable:
    """``flowable`` as decoration a reader skips: a rule, or a chart whose every figure is also in text."""
    return _Marked(flowable, Element(Role.ARTIFACT))


def add_structure(pdf: bytes, structure: Structure) -> bytes:
    """``pdf``, drawn on a ``TaggedCanvas``, as a tagged PDF: ``structure`` as its structure tree, a
    parent tree from each page's MCIDs back to their elements, and the catalog saying it is marked."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        owners: dict[int, dict[int, pikepdf.Object]] = {index: {} for index in range(len(document.pages))}
        root.K = _write(document, structure.document, root, owners)
        numbers: list[Any] = []
        for index, page in enumerate(document.pages):
            page.obj.StructParents = index
            numbers += [index, Array([owners[index][mcid] for mcid in sorted(owners[index])])]
        root.ParentTree = document.make_indirect(Dictionary(Nums=Array(numbers)))
        root.ParentTreeNextKey = len(document.pages)
        catalog = document.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)
        if Name.ViewerPreferences not in catalog:
            catalog.ViewerPreferences = Dictionary()
        catalog.ViewerPreferences.DisplayDocTitle = True
        tagged = io.BytesIO()
        document.save(tagged, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return tagged.getvalue()


def _write(
    document: pikepdf.Pdf, element: Element, parent: pikepdf.Object, owners: dict[int, dict[int, pikepdf.Object]]
) -> pikepdf.Object:
    """``element`` and all it holds as structure element dictionaries; ``owners`` learns whose each MCID is."""
    written = document.make_indirect(Dictionary(Type=Name.StructElem, S=Name(f"/{element.role}"), P=parent))
    contents = [kid for kid in element.kids if isinstance(kid, Content)]
    home = contents[0].page if contents else None
    if home is not None:
        written.Pg = document.pages[home].obj
    kids: list[Any] = []
    for kid in element.kids:
        if isinstance(kid, Element):
            kids.append(_write(document, kid, written, owners))
            continue
        owners[kid.page][kid.mcid] = written
        if kid.page == home:
            kids.append(kid.mcid)
        else:  # content continued on another page is referred to with that page
            kids.append(Dictionary(Type=Name.MCR, Pg=document.pages[kid.page].obj, MCID=kid.mcid))
    written.K = Array(kids)
    if element.alt:
        written.Alt = pikepdf.String(element.alt)
    if element.attributes:
        attributes = {
            f"/{key}": Name(f"/{value}") if isinstance(value, str) else value
            for key, value in element.attributes.items()
        }
        written.A = Dictionary({"/O": Name.Table, **attributes})
    return written
