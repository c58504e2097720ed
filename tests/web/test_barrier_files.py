"""The barrier inventory's spreadsheet round trip in the web app: download it, edit a cell, upload it,
check the preview (nothing changed yet), apply it (the barrier and its history change); refusals
name the sheet's cell and change nothing; and the board's queries do not grow with its barriers."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import event

from accelerator.web import kept as uploads
from assessment.barriers.service import add_barrier, barrier_history, get_barrier
from assessment.barriers.shapes import BarrierCreate
from assessment.barriers.sheet import COLUMNS, SHEET
from assessment.cohorts.people import resolve_actor
from assessment.core.db import get_engine, transaction
from tests.barriers.helpers import change, snapshot
from tests.conftest import Cast
from tests.web.conftest import Site, token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add(cast: Cast, place: str, title: str, severity: int = 4) -> int:
    with transaction() as session:
        actor = resolve_actor(session, cast.admin)
        data = BarrierCreate(title=title, category="payment_cash_flow", stage="invoicing_payment", severity=severity)
        return add_barrier(session, actor, place, data).id


def column(field: str) -> int:
    return next(n for n, c in enumerate(COLUMNS, start=1) if c.field == field)


def sheet_rows(sent: Response) -> list[dict[str, object]]:
    """The downloaded inventory's barrier rows, by field."""
    sheet = load_workbook(io.BytesIO(sent.content))[SHEET]
    return [
        {c.field: sheet.cell(row=r, column=n).value for n, c in enumerate(COLUMNS, start=1)}
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=column("title")).value
    ]


def edited(sent: Response, barrier_id: int, **cells: object) -> bytes:
    """The downloaded inventory with the row of ``barrier_id`` edited as a person would."""
    book = load_workbook(io.BytesIO(sent.content))
    sheet = book[SHEET]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=column("id")).value == barrier_id)
    for field, value in cells.items():
        sheet.cell(row=row, column=column(field)).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(site: Site, content: bytes, name: str = "inventory.xlsx", form_token: str | None = None) -> Response:
    page = site.client.get("/barriers/import")
    data = {"csrf_token": token(page) if form_token is None else form_token}
    return site.client.post("/barriers/import", data=data, files={"file": (name, content, XLSX)})


def previewed(site: Site, content: bytes) -> str:
    """Upload ``content``; the preview page's address."""
    sent = upload(site, content)
    assert sent.status_code == 303, sent.text
    target = sent.headers["location"]
    assert re.fullmatch(r"/barriers/import/[A-Za-z0-9_-]{32}", target)
    return str(target)


def severity_of(cast: Cast, barrier_id: int) -> int | None:
    with transaction() as session:
        return get_barrier(session, resolve_actor(session, cast.admin), barrier_id).severity


def test_an_officer_downloads_their_jurisdictions_inventory(cast: Cast, site: Site) -> None:
    late = add(cast, cast.alder, "Late payments", severity=5)
    add(cast, cast.alder, "Long forms", severity=2)
    add(cast, cast.birch, "Birch's own barrier")
    site.sign_in(cast.alder_officer)
    board = site.client.get("/barriers")
    assert 'href="/barriers/export?jurisdiction=Alder%20County"' in board.text
    assert 'href="/barriers/import"' in board.text

    sent = site.client.get("/barriers/export")
    assert sent.status_code == 200
    name = f"barriers-alder-county-{date.today():%Y-%m-%d}.xlsx"
    assert f'filename="{name}"' in sent.headers["content-disposition"]
    rows = sheet_rows(sent)
    assert [(r["id"], r["title"], r["severity"], r["status"]) for r in rows] == [
        (late, "Late payments", 5, "Identified"),
        (late + 1, "Long forms", 2, "Identified"),
    ]
    assert sheet_rows(site.client.get("/barriers/export?jurisdiction=Alder County")) == rows

    refused = site.client.get("/barriers/export?jurisdiction=Birch City")
    assert refused.status_code == 403
    assert "may not read the barriers of Birch City" in refused.text
    assert site.client.get("/barriers/export?jurisdiction=Nowhere").status_code == 404


def test_someone_reading_several_jurisdictions_chooses_which_to_download(cast: Cast, site: Site) -> None:
    add(cast, cast.birch, "Birch's own barrier")
    site.sign_in(cast.lead)
    board = site.client.get("/barriers")
    for place in ("Alder%20County", "Birch%20City"):
        assert f'href="/barriers/export?jurisdiction={place}"' in board.text
    assert 'href="/barriers/import"' not in board.text  # an alliance lead reads barriers, does not change them
    choose = site.client.get("/barriers/export")
    assert choose.status_code == 200
    assert "Choose the jurisdiction" in choose.text and "The inventory of Birch City" in choose.text
    birch = site.client.get("/barriers/export?jurisdiction=Birch City")
    assert [r["title"] for r in sheet_rows(birch)] == ["Birch's own barrier"]
    assert site.client.get("/barriers/import").status_code == 403


def test_an_edited_sheet_is_previewed_then_applied_with_its_history(cast: Cast, site: Site) -> None:
    late = add(cast, cast.alder, "Late payments", severity=4)
    add(cast, cast.alder, "Long forms", severity=2)
    site.sign_in(cast.alder_officer)
    content = edited(site.client.get("/barriers/export"), late, severity=2, status="Analyzing")
    before = snapshot()

    preview = site.client.get(previewed(site, content))
    assert preview.status_code == 200
    assert "Nothing has been changed yet." in preview.text
    assert "changes 1 barrier: 2 changes in all." in preview.text
    assert "Late payments" in preview.text and "Long forms" not in preview.text  # only rows that change
    cells = re.findall(
        r"<tr><th scope=\"row\">([^<]*)</th><td class=\"text\">([^<]*)</td><td class=\"text\">([^<]*)", preview.text
    )
    assert cells == [("Severity", "4", "2"), ("Status", "Identified", "Analyzing")]
    assert snapshot() == before  # a preview changes nothing

    applied = site.client.post(preview.url.path, data={"csrf_token": token(preview)})
    assert applied.status_code == 303 and applied.headers["location"] == preview.url.path
    done = site.client.get(applied.headers["location"])
    assert "1 barrier changed, from inventory.xlsx." in done.text
    assert f'<a href="/barriers/{late}">Late payments</a>' in done.text
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        assert get_barrier(session, actor, late).status == "analyzing"
        changes = [(c.actor, c.field, c.old, c.new) for c in barrier_history(session, actor, late)]
    assert changes[-2:] == [
        (cast.alder_officer, "severity", "4", "2"),
        (cast.alder_officer, "status", "identified", "analyzing"),
    ]
    page = site.client.get(f"/barriers/{late}")
    assert "from “Identified” to “Analyzing”" in page.text and "from “4” to “2”" in page.text

    # the kept file is gone, and applying again (the button pressed twice) applies nothing again
    token_part = preview.url.path.rsplit("/", 1)[1]
    assert not (uploads.root() / token_part / "file").exists()
    after = snapshot()
    again = site.client.post(preview.url.path, data={"csrf_token": token(preview)})
    assert again.status_code == 303 and snapshot() == after


def test_a_bad_cell_is_refused_naming_the_file_and_cell(cast: Cast, site: Site) -> None:
    late = add(cast, cast.alder, "Late payments")
    site.sign_in(cast.alder_officer)
    before = snapshot()
    refused = upload(site, edited(site.client.get("/barriers/export"), late, severity="very"), "alder.xlsx")
    assert refused.status_code == 400
    assert "The barrier spreadsheet was not applied (1 problem); nothing was changed." in refused.text
    assert "alder.xlsx row 2, column Severity (1-5):" in refused.text
    assert 'role="alert"' in refused.text and 'name="file"' in refused.text  # the form again, to send it fixed
    assert snapshot() == before


def test_a_preview_that_went_stale_applies_nothing(cast: Cast, site: Site) -> None:
    late = add(cast, cast.alder, "Late payments", severity=4)
    site.sign_in(cast.alder_officer)
    address = previewed(site, edited(site.client.get("/barriers/export"), late, severity=1))
    change(cast.alder_manager, late, 1, severity=3)  # someone else, between the preview and its apply
    preview = site.client.get(address)
    refused = site.client.post(address, data={"csrf_token": token(preview)})
    assert refused.status_code == 409
    assert "Not applied" in refused.text
    assert f"barrier {late} was changed after this sheet was exported (by {cast.alder_manager}" in refused.text
    assert severity_of(cast, late) == 3
    assert site.client.get(address).status_code == 404  # the stale upload is not kept


def test_forms_without_their_token_and_other_peoples_previews_are_refused(cast: Cast, site: Site) -> None:
    late = add(cast, cast.alder, "Late payments", severity=4)
    site.sign_in(cast.alder_officer)
    content = edited(site.client.get("/barriers/export"), late, severity=1)
    assert upload(site, content, form_token="").status_code == 403
    address = previewed(site, content)
    assert site.client.post(address, data={}).status_code == 403
    assert severity_of(cast, late) == 4

    site.sign_in(cast.alder_manager)  # the same jurisdiction, but not who uploaded it
    assert site.client.get(address).status_code == 404
    assert site.client.post(address, data={"csrf_token": site.token()}).status_code == 404
    assert site.client.get("/barriers/import/not-a-token").status_code == 404
    assert severity_of(cast, late) == 4

    site.sign_in(cast.alder_exec)  # reads barriers, does not change them
    refused = site.client.get("/barriers/import")
    assert refused.status_code == 403 and "may not import barrier spreadsheets" in refused.text
    assert upload(site, content, form_token=site.token()).status_code == 403

    site.client.post("/sign-out", data={"csrf_token": site.token()})
    for path in ("/barriers/export", "/barriers/import", address):
        sent = site.client.get(path)
        assert sent.status_code == 303 and sent.headers["location"].startswith("/sign-in?next=")
    assert site.client.post(address, data={}).status_code == 303
    assert severity_of(cast, late) == 4


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused(
    cast: Cast, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sign_in(cast.alder_officer)
    before = snapshot()
    notes = upload(site, b"id,title\n1,Late payments\n", "barriers.csv")
    assert notes.status_code == 400
    assert "barriers.csv: is not an Excel workbook (.xlsx)." in notes.text
    nothing = site.client.post("/barriers/import", data={"csrf_token": site.token()}, files={"file": ("", b"")})
    assert nothing.status_code == 400 and "no file was chosen" in nothing.text
    monkeypatch.setattr("accelerator.web.kit.MAX_UPLOAD_BYTES", 1000)
    large = upload(site, b"x" * 5000)
    assert large.status_code == 413 and "The upload is too large" in large.text
    assert snapshot() == before


def test_the_boards_queries_do_not_grow_with_its_barriers(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_officer)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    counts = []
    for more in (3, 40):
        for n in range(more):
            add(cast, cast.alder, f"Barrier {n}")
        event.listen(get_engine(), "before_cursor_execute", seen)
        try:
            statements.clear()
            assert site.client.get("/barriers").status_code == 200
            counts.append(len(statements))
        finally:
            event.remove(get_engine(), "before_cursor_execute", seen)
    assert counts[0] == counts[1], counts
