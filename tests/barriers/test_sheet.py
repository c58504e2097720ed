"""The barrier inventory spreadsheet: export, edit as a person would, import all rows or none; and
print it: landscape, every column on one page's width, rows tall enough for their text."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from assessment.barriers.models import Barrier
from assessment.barriers.service import add_barrier, list_barriers
from assessment.barriers.shapes import BarrierCreate
from assessment.barriers.sheet import COLUMNS, SHEET, lines_of, read_inventory, write_inventory
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.history import History
from tests.cli import run_cli
from tests.conftest import Cast

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed"]


def seed(cast: Cast, titles: list[str]) -> None:
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        for n, title in enumerate(titles):
            add_barrier(
                session,
                actor,
                cast.alder,
                BarrierCreate(
                    title=title,
                    category="payment_cash_flow",
                    stage="invoicing_payment",
                    severity=(n % 5) + 1,
                    description=INJECTIONS[n % len(INJECTIONS)],
                ),
            )


def export(cast: Cast, out: Path) -> Path:
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        rows = list_barriers(session, actor, cast.alder)
    return write_inventory(rows, out, cast.alder)


def column(name: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.field == name)


def snapshot() -> list[tuple[int | None, str, int, str]]:
    with transaction() as session:
        return [(b.id, b.status, b.version, b.title) for b in session.exec(select(Barrier).order_by(col(Barrier.id)))]


def test_export_has_dropdowns_locked_ids_and_text_that_never_runs(cast: Cast, tmp_path: Path) -> None:
    seed(cast, INJECTIONS)
    path = export(cast, tmp_path / "inventory.xlsx")
    ws = load_workbook(path)[SHEET]
    assert [c.value for c in ws[1]][:3] == ["ID", "Version", "Title"]
    for row in range(2, 2 + len(INJECTIONS)):
        title = ws.cell(row=row, column=column("title"))
        assert title.value in [" ".join(t.split()) for t in INJECTIONS] and title.data_type == "s"  # never a formula
        description = ws.cell(row=row, column=column("description"))
        assert description.value in [t.strip() for t in INJECTIONS] and description.data_type == "s"
    assert ws.protection.sheet
    assert ws.cell(row=2, column=column("id")).protection.locked
    assert not ws.cell(row=2, column=column("status")).protection.locked
    validations = {str(v.sqref).split(":")[0] for v in ws.data_validations.dataValidation}
    assert {f"{ws.cell(row=2, column=column(f)).column_letter}2" for f in ("status", "category")} <= validations
    # and read back unchanged, as text
    _, rows = read_inventory(path)
    assert [r.values["title"] for r in rows] == [" ".join(t.split()) for t in INJECTIONS]


def test_edited_rows_are_previewed_then_applied(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(cast, ["Late payment", "Insurance too high"])
    path = export(cast, tmp_path / "inventory.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.cell(row=2, column=column("status")).value = "Analyzing"
    ws.cell(row=3, column=column("severity")).value = 5
    ws.cell(row=4, column=column("title")).value = "Reimbursement-only funding"
    ws.cell(row=4, column=column("category")).value = "Payment & cash flow"
    ws.cell(row=4, column=column("stage")).value = "invoicing_payment"
    wb.save(path)

    before = snapshot()
    preview = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path), "--dry-run", "--json")
    assert preview.code == 0, preview.err
    changes = {(c["row"], c["field"], c["old"], c["new"]) for c in preview.json()["changes"]}
    assert (2, "status", "identified", "analyzing") in changes
    assert (3, "severity", "2", "5") in changes
    assert any(row == 4 and field == "title" for row, field, _, _ in changes)
    assert snapshot() == before  # a dry run changes nothing

    applied = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert applied.code == 0, applied.err
    after = snapshot()
    assert after[0][1:3] == ("analyzing", 2) and after[1][2] == 2 and after[2][3] == "Reimbursement-only funding"


def test_a_bad_row_in_the_middle_means_nothing_is_imported(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(cast, ["One", "Two", "Three"])
    path = export(cast, tmp_path / "inventory.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.cell(row=2, column=column("status")).value = "Analyzing"
    ws.cell(row=3, column=column("severity")).value = 9
    ws.cell(row=4, column=column("status")).value = "Resolved"  # skips the lifecycle
    wb.save(path)
    before = snapshot()
    with transaction() as session:
        history_before = len(list(session.exec(select(History))))
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert refused.code == 2
    assert "row 3, column Severity (1-5): 9 is not a severity" in refused.err
    assert "row 4, column Status" in refused.err and "can move to: analyzing" in refused.err
    assert snapshot() == before
    with transaction() as session:
        assert len(list(session.exec(select(History)))) == history_before


def test_a_stale_row_is_refused_naming_who_changed_it(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(cast, ["Late payment"])
    path = export(cast, tmp_path / "inventory.xlsx")
    moved = run_cli(capsys, "--actor", cast.alder_manager, "barrier", "update", "1", "--status", "analyzing")
    assert moved.code == 0, moved.err
    wb = load_workbook(path)
    wb[SHEET].cell(row=2, column=column("severity")).value = 4
    wb.save(path)
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert refused.code != 0
    assert cast.alder_manager in refused.err


def test_not_a_workbook_is_refused_with_the_file_named(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "inventory.xlsx"
    fake.write_text("id,title\n1,x\n", encoding="utf-8")
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(fake))
    assert refused.code == 2 and "inventory.xlsx" in refused.err and "not an Excel workbook" in refused.err


@pytest.mark.slow
def test_an_inventory_resaved_by_libreoffice_imports_without_spurious_changes(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    seed(cast, ["Late payment", "Señora Peña's insurance note", "=1+1"])
    path = export(cast, tmp_path / "inventory.xlsx")
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    preview = run_cli(
        capsys, "--actor", cast.alder_officer, "barrier", "import", str(resaved / path.name), "--dry-run", "--json"
    )
    assert preview.code == 0, preview.err
    assert preview.json()["changes"] == []


LONG = (
    "Every contract asks for $2M general liability, whatever the work; community workshops pay "
    "the same premiums as road crews, and small groups drop out before they apply."
)


def seed_long(cast: Cast, count: int) -> None:
    """Barriers with text long enough to wrap in every free-text column."""
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        for n in range(count):
            add_barrier(
                session,
                actor,
                cast.alder,
                BarrierCreate(
                    title=f"Insurance limits out of proportion to the work, case {n}",
                    description=LONG,
                    category="insurance_bonding",
                    stage="contracting",
                    severity=(n % 5) + 1,
                    burden_on="Small community-based organizations running workshops",
                    root_cause="Risk management applies the construction schedule to every contract.",
                ),
            )


def test_the_inventory_is_set_up_to_print(cast: Cast, tmp_path: Path) -> None:
    seed_long(cast, 3)
    book = load_workbook(export(cast, tmp_path / "inventory.xlsx"))
    for sheet in (book["Instructions"], book[SHEET]):
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_LETTER
        assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    ws = book[SHEET]
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_area == f"'{SHEET}'!$A$1:$N$4"  # the barriers, not the empty rows kept for new ones
    assert cast.alder in (ws.oddHeader.left.text or "")
    widths = {c.field: c.width for c in COLUMNS}
    assert ws.row_dimensions[1].height >= 15 * lines_of("Root cause (why the practice exists)", widths["root_cause"])
    for row in range(2, 5):
        needed = max(
            lines_of(str(cell.value), widths[c.field]) for c, cell in zip(COLUMNS, ws[row], strict=True) if cell.value
        )
        assert needed >= 3 and ws.row_dimensions[row].height >= 15 * needed  # the description wraps
    assert ws.cell(row=2, column=column("id")).number_format == "0_)"  # kept clear of the title beside it


@pytest.mark.slow
def test_the_inventory_prints_on_few_landscape_pages_every_column_on_one(cast: Cast, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from pypdf import PdfReader

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    seed_long(cast, 12)
    path = export(cast, tmp_path / "inventory.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    printed = tmp_path / "inventory.pdf"
    pages = PdfReader(printed).pages
    assert len(pages) <= 3  # the instructions, then the twelve barriers (it was eight portrait pages)
    assert all(float(p.mediabox.width) > float(p.mediabox.height) and not p.get("/Rotate") for p in pages)
    text = subprocess.run(["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True).stdout
    barriers = [page for page in text.split("\f") if "Root cause" in page]
    assert len(barriers) == 1  # every column of the inventory on one page's width
    assert "Note or reason for" in barriers[0] and "Version" in barriers[0]
    assert all(f"case {n}" in text for n in range(12))
