"""The registry of report formats: names parsed once and unknown ones refused naming the choices,
the formats asked for written and no others, and a failing format (or a full disk) leaving
nothing behind, neither a partial file nor a mix of new and old files."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.core.errors import Fault, ValidationFailed
from roadmaps.report import registry
from roadmaps.report.document import ReportDocument
from roadmaps.report.registry import parse_report_formats, register_report_renderer, report_renderers, write_report
from tests.roadmaps.report_sample import TITLE, sample_report

CHOICES = "choose from pdf, xlsx, html, comma-separated, e.g. --format pdf,xlsx,html."


@pytest.fixture(scope="module")
def report() -> ReportDocument:
    return sample_report()


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Formats registered by a test stay in that test."""
    report_renderers()
    monkeypatch.setattr(registry.FORMATS, "registered", dict(registry.FORMATS.registered))


def test_the_built_in_formats_register_like_any_other() -> None:
    assert [(r.name, r.suffix, r.render.__module__) for r in report_renderers().values()] == [
        ("pdf", ".pdf", "roadmaps.report.pdf"),
        ("xlsx", ".xlsx", "roadmaps.report.xlsx"),
        ("html", ".html", "roadmaps.report.html"),
    ]


def test_format_names_are_parsed_in_any_case_spacing_or_with_a_dot() -> None:
    assert parse_report_formats(" PDF, .xlsx ,Html,pdf,") == ["pdf", "xlsx", "html"]
    assert parse_report_formats(["html", " .PDF "]) == ["html", "pdf"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("pdf,docx", f"Unknown report format(s) docx; {CHOICES}"),
        ("PDF, .Docx, odt", f"Unknown report format(s) docx, odt; {CHOICES}"),
        (" , ", f"Unknown report format(s) (none); {CHOICES}"),
    ],
)
def test_an_unknown_format_is_refused_naming_the_choices(typed: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_report_formats(typed)
    assert str(refused.value) == message


def test_the_chosen_formats_are_written_and_no_others(report: ReportDocument, tmp_path: Path) -> None:
    written = write_report(report, tmp_path / "reports", "riverside-impact-2026", ["HTML", ".pdf"])
    folder = tmp_path / "reports"
    assert written == [folder / "riverside-impact-2026.html", folder / "riverside-impact-2026.pdf"]
    assert sorted(p.name for p in folder.iterdir()) == ["riverside-impact-2026.html", "riverside-impact-2026.pdf"]
    assert written[0].read_text(encoding="utf-8").count(TITLE) >= 2
    assert written[1].read_bytes().startswith(b"%PDF-")


def test_an_unknown_format_writes_nothing(report: ReportDocument, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="Unknown report format.s. docx"):
        write_report(report, tmp_path, "report", ["pdf", "docx"])
    assert list(tmp_path.iterdir()) == []


def _half_written(document: ReportDocument, out: Path) -> Path:
    out.write_text("the first half of a report", encoding="utf-8")
    raise RuntimeError("the renderer broke halfway")


def test_a_failing_format_leaves_nothing_behind(report: ReportDocument, tmp_path: Path, own_registry: None) -> None:
    register_report_renderer("broken", ".txt", _half_written)
    old = tmp_path / "report.pdf"
    old.write_bytes(b"last year's report")
    with pytest.raises(RuntimeError, match="broke halfway"):
        write_report(report, tmp_path, "report", ["pdf", "xlsx", "broken", "html"])
    # Neither the formats written before it nor a partial file: last year's PDF is still there, whole.
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
    assert old.read_bytes() == b"last year's report"


def _full_disk(document: ReportDocument, out: Path) -> Path:
    raise OSError(errno.ENOSPC, "No space left on device", str(out))


def test_a_full_disk_is_said_naming_the_file(report: ReportDocument, tmp_path: Path, own_registry: None) -> None:
    register_report_renderer("full", ".txt", _full_disk)
    with pytest.raises(Fault) as fault:
        write_report(report, tmp_path, "report", ["html", "full"])
    assert str(fault.value) == (
        f"The disk is full, so {tmp_path / 'report.txt'} was not written; free some space on it or choose "
        "another folder, then try again."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_new_format_is_one_module_that_registers(report: ReportDocument, tmp_path: Path, own_registry: None) -> None:
    def render_text(document: ReportDocument, out: Path) -> Path:
        out.write_text("\n".join(s.heading for s in document.sections), encoding="utf-8")
        return out

    register_report_renderer(".TXT", ".txt", render_text)
    assert list(report_renderers()) == ["pdf", "xlsx", "html", "txt"]
    (written,) = write_report(report, tmp_path, "report", "txt")
    assert written.read_text(encoding="utf-8").splitlines()[0] == "Self-assessment scores"
    with pytest.raises(ValueError, match="'pdf' is already registered by roadmaps.report.pdf.render_report_pdf"):
        register_report_renderer("pdf", ".pdf", render_text)


def test_report_renderers_never_load_the_database() -> None:
    code = (
        "import sys\n"
        "from roadmaps.report.registry import report_renderers\n"
        "report_renderers()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'alembic', 'psycopg'}),"
        " 'assessment.core.db' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "[] False"
