"""The roadmap PDF is a tagged PDF: a screen reader finds its headings, paragraphs, tables and the
timeline (told in words) in reading order, skips the page footers, and nothing drawn changes."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pikepdf
import pytest

from assessment.roadmap.view import MilestoneView, RoadmapView
from roadmaps.pdf import render_pdf
from tests.roadmaps.reading import pdftotext

# Operators that put marks on the page: text, paths, shadings, images and forms.
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI"}


@dataclass
class Node:
    """A structure element as read back: its role, alternative text, kids and (page, MCID) contents."""

    role: str
    alt: str = ""
    kids: list[Node] = field(default_factory=list)
    contents: list[tuple[int, int]] = field(default_factory=list)

    def walk(self) -> list[Node]:
        return [self, *(node for kid in self.kids for node in kid.walk())]

    def pages(self) -> set[int]:
        return {page for node in self.walk() for page, _ in node.contents}


@pytest.fixture(scope="module")
def pdf(view: RoadmapView, out_dir: Path) -> Path:
    return render_pdf(view, out_dir / "tagged.pdf")


@pytest.fixture(scope="module")
def tree(pdf: Path) -> Node:
    return structure(pdf)


def structure(path: Path) -> Node:
    """The document's structure tree, checking each MCID's way back through the parent tree."""
    with pikepdf.open(path) as document:
        pages = {page.obj.objgen: index for index, page in enumerate(document.pages)}
        root = document.Root.StructTreeRoot
        parents = list(root.ParentTree.Nums)
        owners = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}

        def read(element: pikepdf.Object) -> Node:
            node = Node(str(element.S)[1:], str(element.get("/Alt", "")))
            kids = element.get("/K", pikepdf.Array())
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    content = (pages[element.Pg.objgen], kid)
                elif kid.get("/Type") == "/MCR":
                    content = (pages[kid.Pg.objgen], int(kid.MCID))
                else:
                    assert kid.P.objgen == element.objgen
                    node.kids.append(read(kid))
                    continue
                page, mcid = content
                assert int(document.pages[page].obj.StructParents) == page
                assert owners[page][mcid].objgen == element.objgen
                node.contents.append(content)
            return node

        return read(root.K)


def marked_content(path: Path) -> list[tuple[int, int]]:
    """Every (page, MCID) the pages' content streams mark, as often as they mark it."""
    with pikepdf.open(path) as document:
        return [
            (index, int(step.operands[1].MCID))
            for index, page in enumerate(document.pages)
            for step in pikepdf.parse_content_stream(page)
            if str(step.operator) == "BDC" and "/MCID" in step.operands[1]
        ]


def struct_text(path: Path) -> list[tuple[str, str]]:
    """Each element's role and the text poppler reads from its marked content, in reading order."""
    done = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    elements: list[tuple[str, str]] = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith('"'):
            role, _ = elements[-1]
            elements[-1] = (role, line[1:-1])
        elif line and not line.startswith("/"):
            elements.append((line.split()[0].rstrip(":"), ""))
    return elements


def rewritten(path: Path, out: Path, keep: str) -> Path:
    """A copy of ``path`` whose pages keep only their artifacts (``keep="artifacts"``), or keep all
    they draw without marked-content operators (``keep="drawing"``)."""
    with pikepdf.open(path) as document:
        for page in document.pages:
            kept = []
            inside: list[bool] = []  # per open sequence: is it tagged content
            for step in pikepdf.parse_content_stream(page):
                name = str(step.operator)
                if name in ("BDC", "BMC"):
                    inside.append(str(step.operands[0]) != "/Artifact")
                elif name == "EMC":
                    inside.pop()
                elif keep == "drawing" or not any(inside):
                    kept.append(step)
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        document.save(out)
    return out


def squeezed(text: str) -> str:
    """Text without white space: poppler joins a paragraph's lines without a space."""
    return re.sub(r"\s+", "", text)


def test_pdf_says_it_is_tagged_and_keeps_its_metadata(pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Action Roadmap — Riverside County Public Health$", info, re.M)
    with pikepdf.open(pdf) as document:
        catalog = document.Root
        assert catalog.MarkInfo.Marked is True
        assert catalog.ViewerPreferences.DisplayDocTitle is True
        assert str(catalog.Lang) == "en-US"


def test_headings_are_tagged_with_the_text_the_page_shows(pdf: Path, view: RoadmapView) -> None:
    elements = struct_text(pdf)
    h1 = [text for role, text in elements if role == "H1"]
    h2 = [text for role, text in elements if role == "H2"]
    assert h1 == [
        "Action Roadmap",
        "Summary",
        "Where the team stands",
        "Timeline by quarter",
        "Goals",
        "Appendix: Open barriers by category",
    ]
    assert "Milestones by quarter" in h2
    for goal in view.goals:
        assert squeezed(f"{goal.rank}. {goal.statement}") in map(squeezed, h2)
    assert {"Top goals in priority order", "Self-assessment", "Milestones"} <= {t for r, t in elements if r == "H3"}
    # Each heading, in order, where pdftotext shows it.
    shown = squeezed(pdftotext(pdf))
    at = 0
    for role, text in elements:
        if role in ("H1", "H2", "H3"):
            at = shown.index(squeezed(text), at)


def test_paragraphs_and_table_cells_are_tagged(pdf: Path, tree: Node, view: RoadmapView) -> None:
    assert tree.role == "Document"
    elements = struct_text(pdf)
    paragraphs = [squeezed(text) for role, text in elements if role == "P"]
    assert squeezed("Riverside County Public Health") in paragraphs
    latest = "Latest cycle: Midpoint, 4 respondents. Overall score 47.2 of 100 (stage 2, Emerging)."
    assert squeezed(latest) in paragraphs
    tables = [node for node in tree.walk() if node.role == "Table"]
    assert tables and all(kid.role == "TR" for table in tables for kid in table.kids)
    cells = [cell for table in tables for row in table.kids for cell in row.kids]
    assert {cell.role for cell in cells} == {"TH", "TD"}
    owners = [squeezed(goal.owner) for goal in view.goals if goal.owner]
    assert set(owners) <= set(paragraphs)


def test_the_timeline_is_a_figure_told_in_words(tree: Node, view: RoadmapView) -> None:
    (timeline,) = [node for node in tree.walk() if node.role == "Figure"]
    assert timeline.alt.startswith(
        f"Timeline of {len(view.goals)} goals from {view.quarters[0].label} to {view.quarters[-1].label}"
    )
    for goal in view.goals:
        assert f"goal {goal.rank}, {goal.statement[:40]}" in timeline.alt
    assert timeline.contents and not timeline.kids  # its labels are the figure, not paragraphs of their own


def test_every_marked_content_is_in_the_tree_once(pdf: Path, tree: Node) -> None:
    in_tree = [content for node in tree.walk() for content in node.contents]
    on_pages = marked_content(pdf)
    assert [content for content, count in Counter(on_pages).items() if count > 1] == []
    assert sorted(in_tree) == sorted(on_pages)
    with pikepdf.open(pdf) as document:
        assert len({page for page, _ in on_pages}) == len(document.pages)


def test_nothing_is_drawn_outside_marked_content(pdf: Path) -> None:
    with pikepdf.open(pdf) as document:
        for index, page in enumerate(document.pages):
            depth = 0
            for step in pikepdf.parse_content_stream(page):
                name = str(step.operator)
                if name in ("BDC", "BMC"):
                    assert depth == 0, f"page {index + 1}: marked content inside marked content"
                    depth += 1
                elif name == "EMC":
                    depth -= 1
                else:
                    assert depth == 1 or name not in PAINTING, f"page {index + 1}: {name} drawn untagged"
            assert depth == 0


def test_page_footers_and_numbers_are_artifacts(pdf: Path, tmp_path: Path) -> None:
    artifacts = pdftotext(rewritten(pdf, tmp_path / "artifacts.pdf", keep="artifacts")).split("\f")[:-1]
    assert len(artifacts) > 3
    for number, text in enumerate(artifacts, start=1):
        assert "Riverside County Public Health · Action Roadmap · version 3" in text
        assert f"Page {number} of {len(artifacts)}" in text
        assert "Summary" not in text and "Milestones" not in text
    tagged = " ".join(text for _, text in struct_text(pdf))
    assert "Page 1 of" not in tagged and "· Action Roadmap ·" not in tagged


def test_tags_change_nothing_that_is_drawn(pdf: Path, tmp_path: Path) -> None:
    plain = rewritten(pdf, tmp_path / "plain.pdf", keep="drawing")
    assert pdftotext(pdf) == pdftotext(plain)
    assert pdftotext(pdf, "-layout") == pdftotext(plain, "-layout")
    for name, path in (("tagged", pdf), ("plain", plain)):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / name)], check=True)
    tagged_pages = sorted(tmp_path.glob("tagged-*.png"))
    assert tagged_pages
    for page in tagged_pages:
        assert page.read_bytes() == (tmp_path / page.name.replace("tagged", "plain")).read_bytes(), page.name


def test_a_table_split_across_pages_is_one_table_read_with_one_header(view: RoadmapView, tmp_path: Path) -> None:
    first = view.goals[0]
    milestones = [
        MilestoneView(title=f"Step {n} of the rollout", due=date(2026, 3, 1) + timedelta(days=3 * n)) for n in range(80)
    ]
    long = view.model_copy(update={"goals": [first.model_copy(update={"milestones": milestones}), *view.goals[1:]]})
    pdf = render_pdf(long, tmp_path / "long.pdf")
    tree = structure(pdf)
    split = [node for node in tree.walk() if node.role == "Table" and len(node.pages()) > 1]
    assert split, "no table ran onto a second page"
    for table in split:
        headers = [row for row in table.kids if row.kids and all(cell.role == "TH" for cell in row.kids)]
        assert len(headers) == 1
    steps = [text for role, text in struct_text(pdf) if role == "P" and text.startswith("Step ")]
    assert len(steps) == len(set(steps)) * 2  # each milestone read once in its goal and once by quarter
    assert sorted(marked_content(pdf)) == sorted(c for node in tree.walk() for c in node.contents)
