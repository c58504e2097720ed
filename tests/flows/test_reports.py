"""The report flows: a team's impact report and the cohort's regional report, compiled as PDF, XLSX
and HTML into the folder asked for, logged once per compile, and refused with nothing written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.reports.models import CompiledReport
from tests.conftest import Cast
from tests.reports.helpers import CEDAR, build_cohort

pytestmark = pytest.mark.usefixtures("prefect_harness")


def compiled() -> list[tuple[str, bool, list[str]]]:
    with transaction() as session:
        rows = session.exec(select(CompiledReport).order_by(col(CompiledReport.id)))
        return [(r.kind, r.anonymized, list(r.formats)) for r in rows]


def files_of(made: dict[str, object]) -> list[Path]:
    files = made["files"]
    assert isinstance(files, list)
    return [Path(f) for f in files]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_impact_report_is_written_in_three_formats_and_logged(cast: Cast, tmp_path: Path) -> None:
    from flows.reports import jurisdiction_report

    build_cohort(cast, tmp_path)
    out = tmp_path / "reports"
    made = jurisdiction_report(cast.alder, cast.cohort, out=str(out), actor=cast.alder_manager)
    files = sorted(f.name for f in files_of(made))
    assert files == [f"alder-county-impact-report.{suffix}" for suffix in ("html", "pdf", "xlsx")]
    assert sorted(p.name for p in out.iterdir()) == files  # no staging folder left behind
    text = pdf_text(out / "alder-county-impact-report.pdf")
    assert "Alder County" in text and "impact report" in text.lower()
    assert "Page 2 of" in text
    assert "About" in load_workbook(out / "alder-county-impact-report.xlsx", read_only=True).sheetnames
    assert compiled() == [("jurisdiction", False, ["pdf", "xlsx", "html"])]


def test_only_the_formats_asked_for_are_written(cast: Cast, tmp_path: Path) -> None:
    from flows.reports import jurisdiction_report

    build_cohort(cast, tmp_path)
    made = jurisdiction_report(cast.alder, cast.cohort, formats="html", out=str(tmp_path / "r"), actor=cast.lead)
    assert [f.suffix for f in files_of(made)] == [".html"]
    assert compiled() == [("jurisdiction", False, ["html"])]


def test_a_refused_compile_writes_and_logs_nothing(cast: Cast, tmp_path: Path) -> None:
    from flows.reports import jurisdiction_report, regional_report

    build_cohort(cast, tmp_path)
    out = tmp_path / "reports"
    with pytest.raises(PermissionDenied, match="may not compile the impact report of Alder County"):
        jurisdiction_report(cast.alder, cast.cohort, out=str(out), actor=cast.birch_manager)
    with pytest.raises(PermissionDenied, match="may not compile the regional report"):
        regional_report(cast.cohort, out=str(out), actor=cast.alder_manager)
    with pytest.raises(ValidationFailed, match="docx"):
        regional_report(cast.cohort, formats="pdf,docx", out=str(out), actor=cast.lead)
    assert not out.exists() and compiled() == []


def test_the_anonymized_regional_report_names_no_jurisdiction(cast: Cast, tmp_path: Path) -> None:
    from flows.reports import regional_report

    build_cohort(cast, tmp_path)
    out = tmp_path / "regional"
    made = regional_report(cast.cohort, anonymize=True, out=str(out), actor=cast.lead)
    assert len(files_of(made)) == 3
    pdf = next(out.glob("*.pdf"))
    text = pdf_text(pdf) + (out / pdf.with_suffix(".html").name).read_text(encoding="utf-8")
    cells = [
        str(cell)
        for sheet in load_workbook(pdf.with_suffix(".xlsx"), read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    for name in (cast.alder, cast.birch, CEDAR, "Alder", "Birch", "Cedar"):
        assert name not in text and not any(name in cell for cell in cells)
    assert "Jurisdiction A" in text
    assert compiled() == [("regional", True, ["pdf", "xlsx", "html"])]


def test_session_9_compiles_the_impact_report(cast: Cast, tmp_path: Path) -> None:
    from flows.sessions import session_9

    build_cohort(cast, tmp_path)
    held = session_9(cast.alder, cast.cohort, out=str(tmp_path / "s9"), actor=cast.alder_manager)
    assert "impact report" in held.deliverables["impact_report"]
    assert (tmp_path / "s9" / "alder-county-impact-report.pdf").is_file()
    assert "regional_report" in held.missing  # only an alliance lead compiles it
    by_lead = session_9(cast.alder, cast.cohort, out=str(tmp_path / "s9"), actor=cast.lead)
    assert "regional report" in by_lead.deliverables["regional_report"]
    assert [kind for kind, _, _ in compiled()] == ["jurisdiction", "jurisdiction", "regional"]
