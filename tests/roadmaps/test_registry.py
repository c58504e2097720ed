"""The one registry of formats: every renderer registered the same way, names parsed once at the
edge, a new format added by one module, and no renderer near the database."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessment.core.errors import ValidationFailed
from assessment.roadmap.view import RoadmapView
from roadmaps import registry
from roadmaps.registry import parse_formats, register_renderer, renderers
from tests.roadmap.views import build_edge_view, build_empty_view
from tests.roadmaps.reading import pdftotext, sheet_rows, words_outside_margins

CHOICES = "choose from pdf, xlsx, html, comma-separated, e.g. --format pdf,xlsx,html."


@pytest.mark.parametrize("name", list(renderers()))
def test_every_registered_renderer_writes_a_file_with_its_suffix(name: str, view: RoadmapView, out_dir: Path) -> None:
    renderer = renderers()[name]
    written = renderer.write(view, out_dir / "every", "roadmap-v3")
    assert written == out_dir / "every" / f"roadmap-v3{renderer.suffix}"
    assert written.suffix == renderer.suffix and written.stat().st_size > 0


def test_the_built_in_formats_register_like_any_other() -> None:
    assert [(r.name, r.suffix, r.render.__module__) for r in renderers().values()] == [
        ("pdf", ".pdf", "roadmaps.pdf"),
        ("xlsx", ".xlsx", "roadmaps.xlsx"),
        ("html", ".html", "roadmaps.html"),
    ]


def test_format_names_are_parsed_once_in_any_case_spacing_or_with_a_dot() -> None:
    assert parse_formats(" PDF, .xlsx ,Html,pdf,") == ["pdf", "xlsx", "html"]
    assert parse_formats(["xlsx", " .HTML "]) == ["xlsx", "html"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("pdf,docx", f"Unknown format(s) docx; {CHOICES}"),
        ("PDF, .Docx, odt", f"Unknown format(s) docx, odt; {CHOICES}"),
        (" , ", f"Unknown format(s) (none); {CHOICES}"),
    ],
)
def test_an_unknown_format_is_refused_naming_the_choices(typed: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_formats(typed)
    assert str(refused.value) == message


def _render_text(view: RoadmapView, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(f"{g.rank}. {g.statement}" for g in view.goals), encoding="utf-8")
    return out


def test_a_new_format_is_one_module_that_registers(
    view: RoadmapView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.roadmap_build import render

    monkeypatch.setattr(registry.FORMATS, "registered", dict(registry.FORMATS.registered))
    register_renderer("TXT", ".txt", _render_text)
    assert list(renderers()) == ["pdf", "xlsx", "html", "txt"]
    assert parse_formats("txt, .PDF") == ["txt", "pdf"]
    written = Path(render.fn(view, "txt", str(tmp_path)))  # the flow's render task, unchanged
    assert written.name == "riverside-county-public-health-roadmap-v3.txt"
    assert written.read_text(encoding="utf-8").startswith(f"1. {view.goals[0].statement}")
    with pytest.raises(ValidationFailed, match=r"choose from pdf, xlsx, html, txt, .*--format pdf,xlsx,html,txt\."):
        parse_formats("docx")


def test_a_name_taken_by_another_writer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry.FORMATS, "registered", dict(registry.FORMATS.registered))
    with pytest.raises(ValueError, match="'pdf' is already registered by roadmaps.pdf.render_pdf"):
        register_renderer(".PDF", ".pdf", _render_text)
    with pytest.raises(ValueError, match="suffix starting with '.'"):
        register_renderer("txt", "txt", _render_text)
    renderer = renderers()["pdf"]
    assert register_renderer("pdf", ".pdf", renderer.render) == renderer  # importing a module again is fine


def test_renderers_never_load_the_database() -> None:
    code = (
        "import sys\n"
        "from roadmaps.registry import renderers\n"
        "renderers()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'alembic', 'psycopg'}),"
        " 'assessment.core.db' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "[] False"


@pytest.fixture(scope="module", params=["empty", "edge"])
def odd_outputs(request: pytest.FixtureRequest, out_dir: Path) -> tuple[RoadmapView, Path, Path, Path]:
    odd = build_empty_view() if request.param == "empty" else build_edge_view()
    name = request.param
    pdf, xlsx, html = (renderers()[fmt].write(odd, out_dir, name) for fmt in ("pdf", "xlsx", "html"))
    return odd, pdf, xlsx, html


def test_odd_roadmaps_render_in_every_format(odd_outputs: tuple[RoadmapView, Path, Path, Path]) -> None:
    odd, pdf_path, xlsx_path, html_path = odd_outputs
    assert len(PdfReader(pdf_path).pages) >= 3  # the summary shares the first page with the title
    assert words_outside_margins(pdf_path) == []
    text = re.sub(r"\s+", "", pdftotext(pdf_path))
    for goal in odd.goals:
        assert re.sub(r"\s+", "", goal.statement) in text
    if not odd.goals:
        assert "Thisroadmaphasnogoalsyet." in text
    assert len(sheet_rows(xlsx_path, "Goals")) == len(odd.goals)
    assert "<script" not in html_path.read_text(encoding="utf-8")
