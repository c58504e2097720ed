"""The procurement officer's pages: the barrier board, a barrier's page with its history and its
status form, and the inventory spreadsheet's round trip (export; import with a preview of every
change before anything is applied)."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from accelerator.web import kept as uploads
from accelerator.web.kit import PAGE_SIZE, address, download, form_of, paged, render, signed_in, upload_of
from assessment.core.errors import Conflict, Problem, ValidationFailed
from assessment.core.permissions import Actor, Record, may, require

if TYPE_CHECKING:
    from sqlmodel import Session

router = APIRouter()


@router.get("/barriers", response_class=HTMLResponse)
async def barrier_board(
    request: Request, status: str = "", category: str = "", stage: str = "", sort: str = "", page: int = 1
) -> Response:
    from assessment.barriers.models import BarrierStatus
    from assessment.barriers.reference import categories, stages
    from assessment.barriers.service import barrier_page
    from assessment.core.db import transaction

    # The officers' most used page runs on the event loop, not in a thread: a few milliseconds of Python
    # and one small query each, which a thread cannot run in parallel anyway; the hand-off to a thread and
    # back cost a third of the throughput (make bench SECTIONS=web: 20 clients, 185 -> 285 requests/s).
    actor = signed_in(request)
    with transaction() as session:
        # most severe first: barriers without a severity last, oldest first within a severity
        rows, total, number = barrier_page(
            session, actor, None, status or None, category or None, stage or None,
            most_severe_first=sort == "severity", page=page, size=PAGE_SIZE,
        )  # fmt: skip
        exports = inventories(session, actor)
    filters = {k: v for k, v in (("status", status), ("category", category), ("stage", stage), ("sort", sort)) if v}
    shown = paged(rows, total, number, lambda n: address("/barriers", **filters, page=n))
    return render(
        request,
        "barriers.html",
        me=actor,
        shown=shown,
        filters=filters,
        statuses=list(BarrierStatus),
        categories=categories(),
        stages=stages(),
        exports=exports,
        importing=may(actor, "write", Record.barrier, anywhere=True),
    )


def inventories(session: Session, actor: Actor) -> list[str]:
    """The jurisdictions whose inventory a person exports: those they hold a role in and may read the
    barriers of or, for someone with a regional role only, every jurisdiction they may read."""
    from assessment.cohorts.jurisdictions import all_jurisdictions

    readable = [j for j in all_jurisdictions(session) if may(actor, "read", Record.barrier, j)]
    own = [j for j in readable if j.id in actor.jurisdictions()]
    return [j.name for j in own or readable]


# --- the inventory spreadsheet: export, and import with a preview ------------------------------------------
# (declared before /barriers/{barrier_id}, which would otherwise take "export" and "import" for an id)


@router.get("/barriers/export")
def export_inventory(request: Request, jurisdiction: str = "") -> Response:
    """The workbook `accelerator barrier export` writes, of ``jurisdiction`` (by default the person's own;
    someone with several is asked which)."""
    from assessment.barriers.service import inventory
    from assessment.barriers.sheet import write_inventory
    from assessment.core.db import transaction

    actor = signed_in(request)
    with transaction() as session:
        if not jurisdiction:
            choices = inventories(session, actor)
            if len(choices) != 1:
                require(actor, "read", Record.barrier, None, "export barrier inventories", anywhere=True)
                return render(request, "barrier_export.html", me=actor, choices=choices)
            jurisdiction = choices[0]
        place, rows = inventory(session, actor, jurisdiction)
    name = f"barriers-{slug(place)}-{date.today():%Y-%m-%d}.xlsx"
    folder = Path(tempfile.mkdtemp(prefix="accelerator-export-"))
    try:
        path = write_inventory(rows, folder / name, place)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    sent = download(path, name)
    sent.background = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    return sent


def slug(name: str) -> str:
    """A name as part of a file name: "Alder County" is "alder-county"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "jurisdiction"


def may_import(actor: Actor) -> None:
    """Refused, naming who may, unless the person may change barriers somewhere (the import checks
    every row again, in the row's jurisdiction)."""
    require(actor, "write", Record.barrier, None, "import barrier spreadsheets", anywhere=True)


@router.get("/barriers/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    actor = signed_in(request)
    may_import(actor)
    return import_form(request, actor)


def import_form(
    request: Request, actor: Actor, status_code: int = 200, refused: ValidationFailed | Conflict | None = None
) -> HTMLResponse:
    """The upload form, with the reasons the last upload (or apply) was refused."""
    from assessment.core.db import transaction

    with transaction() as session:
        exports = inventories(session, actor)
    problems = [str(p) for p in refused.problems] if isinstance(refused, ValidationFailed) else []
    return render(
        request,
        "barrier_import.html",
        status_code,
        me=actor,
        exports=exports,
        refused=refused is not None,
        stale=status_code == 409,
        summary=(refused.summary if isinstance(refused, ValidationFailed) else refused.message) if refused else "",
        problems=problems,
        more=refused.more if isinstance(refused, ValidationFailed) else 0,
    )


@router.post("/barriers/import", response_class=HTMLResponse)
async def upload_inventory(request: Request) -> Response:
    actor = signed_in(request)
    may_import(actor)
    try:
        upload = await upload_of(request, "file")
    except ValidationFailed as refused:
        return await run_in_threadpool(import_form, request, actor, 400, refused)
    try:
        if len(upload.files) > 1:
            problem = Problem("File", f"{len(upload.files)} files were sent.", "Upload one inventory at a time.")
            raise ValidationFailed("Nothing was imported.", [problem])
        token = await run_in_threadpool(preview_import, actor, upload.files[0])
    except ValidationFailed as refused:
        return await run_in_threadpool(import_form, request, actor, 400, refused)
    finally:
        upload.close()
    return RedirectResponse(f"/barriers/import/{token}", status_code=303)


def preview_import(actor: Actor, path: Path) -> str:
    """Plan the import of ``path`` as `accelerator barrier import --dry-run` does, writing nothing, and
    keep the file for its apply; returns the preview's token."""
    from assessment.barriers.imports import import_rows
    from assessment.barriers.service import list_barriers
    from assessment.barriers.sheet import in_sheet_terms, read_inventory
    from assessment.core.db import transaction

    jurisdiction, rows = read_inventory(path)
    cells = [{**row.values, "row": row.number} for row in rows]
    try:
        with transaction() as session:
            planned, _ = import_rows(session, actor, cells, jurisdiction or None, dry_run=True)
            changed = {p.barrier_id for p in planned}
            titles = {b.id: b.title for b in list_barriers(session, actor, None) if b.id in changed}
    except ValidationFailed as refused:
        raise in_sheet_terms(refused, path.name) from None
    preview = Preview(
        file=path.name, jurisdiction=jurisdiction, changes=[p.model_dump() for p in planned], titles=titles
    )
    return uploads.keep(path, actor.person_id, KIND, preview.model_dump(mode="json")).token


@router.get("/barriers/import/{token}", response_class=HTMLResponse)
def import_preview(request: Request, token: str) -> Response:
    """The preview of an upload (every change, and the button to apply them), or what applying it did."""
    actor = signed_in(request)
    preview = Preview.model_validate(uploads.kept(token, actor.person_id, KIND, GONE).data)
    if preview.applied is not None:
        return render(request, "barrier_import_done.html", me=actor, preview=preview)
    rows = list(rows_of(preview))
    return render(
        request, "barrier_import_preview.html", me=actor, token=token, preview=preview, rows=rows,
        new=sum(1 for r in rows if r.barrier_id is None),
    )  # fmt: skip


@router.post("/barriers/import/{token}", response_class=HTMLResponse)
async def apply_import(request: Request, token: str) -> Response:
    actor = signed_in(request)
    await form_of(request)
    try:
        await run_in_threadpool(apply_kept, actor, token)
    except (ValidationFailed, Conflict) as refused:
        return await run_in_threadpool(import_form, request, actor, 409, refused)
    return RedirectResponse(f"/barriers/import/{token}", status_code=303)


def apply_kept(actor: Actor, token: str) -> None:
    """Apply the kept upload ``token`` of ``actor``: exactly the previewed changes, or nothing."""
    busy = "These changes are being applied already. Wait a moment, then open the barrier board to see them."
    with uploads.claimed(uploads.kept(token, actor.person_id, KIND, GONE), busy):
        # read again once held: an apply that ended just before (the button pressed twice) applied it already
        upload = uploads.kept(token, actor.person_id, KIND, GONE)
        preview = Preview.model_validate(upload.data)
        if preview.applied is not None:
            return  # nothing is applied twice
        try:
            touched = apply_file(actor, upload.path, preview)
        except (ValidationFailed, Conflict):
            uploads.discard(upload)  # it can never apply as previewed: export and edit again
            raise
        upload.data = preview.model_copy(update={"applied": touched}).model_dump(mode="json")
        uploads.save(upload, drop_file=True)


def apply_file(actor: Actor, path: Path, preview: Preview) -> list[Touched]:
    """Import ``path`` as `accelerator barrier import` does, in one transaction that is rolled back
    whole unless its changes are exactly the previewed ones."""
    from assessment.barriers.imports import import_rows
    from assessment.barriers.sheet import in_sheet_terms, read_inventory
    from assessment.core.db import transaction

    jurisdiction, rows = read_inventory(path)
    cells = [{**row.values, "row": row.number} for row in rows]
    with transaction() as session:
        try:
            planned, touched = import_rows(session, actor, cells, jurisdiction or None, dry_run=False)
        except ValidationFailed as refused:
            raise in_sheet_terms(refused, path.name) from None
        if [p.model_dump() for p in planned] != preview.changes:
            raise Conflict(
                "The barrier inventory changed after your preview, so these are no longer the changes you "
                "checked; nothing was changed. Upload the file again to see what it would change now."
            )
    existing = {p["barrier_id"] for p in preview.changes}
    return [Touched(id=b.id, title=b.title, new=b.id not in existing) for b in touched]


# --- what is kept of an upload between its preview and its apply (accelerator/web/kept.py) -----------------

KIND = "barriers"
GONE = (
    "This import preview is not there any more (a preview is kept for an hour, for the person who "
    "uploaded the file). Upload the file again."
)


class Touched(BaseModel):
    """A barrier an applied import created or changed."""

    id: int
    title: str
    new: bool


class Preview(BaseModel):
    """What the page keeps with an uploaded inventory: the file's name, the changes shown (as
    ``PlannedChange``'s fields) and, once applied, the barriers it touched."""

    file: str
    jurisdiction: str
    changes: list[dict[str, Any]]
    titles: dict[int, str]
    applied: list[Touched] | None = None


@dataclass(frozen=True)
class ChangeLine:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChanges:
    """The changes planned for one row of the sheet: one barrier (None for a new one)."""

    row: int
    barrier_id: int | None
    title: str
    lines: list[ChangeLine]


def rows_of(preview: Preview) -> Iterator[RowChanges]:
    """The preview's changes grouped by row (so by barrier), as people read them."""
    from assessment.barriers.models import FIELD_LABELS
    from assessment.barriers.service import value_label

    def shown(field: str, value: str | None) -> str:
        return value_label(field, value) or "(empty)"

    grouped: dict[int, list[dict[str, Any]]] = {}
    for change in preview.changes:
        grouped.setdefault(change["row"], []).append(change)
    for row, changes in sorted(grouped.items()):
        barrier_id = changes[0]["barrier_id"]
        if barrier_id is None:
            title = next((c["new"] for c in changes if c["field"] == "title"), "")
        else:
            title = preview.titles.get(barrier_id, "")
        lines = [
            ChangeLine(
                FIELD_LABELS.get(c["field"], c["field"]), shown(c["field"], c["old"]), shown(c["field"], c["new"])
            )
            for c in changes
        ]
        yield RowChanges(row, barrier_id, title, lines)


def barrier_view(request: Request, actor: Actor, barrier_id: int, status_code: int = 200, **form: Any) -> HTMLResponse:
    """The barrier's page: its facts, its history and, for who may change it, the status form
    (``form``: what the person typed, kept when their change was refused)."""
    from assessment.barriers.lifecycle import TRANSITIONS, needs_reason
    from assessment.barriers.models import BarrierStatus
    from assessment.barriers.service import barrier_history, get_barrier
    from assessment.cohorts.jurisdictions import get_jurisdiction
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may

    with transaction() as session:
        barrier = get_barrier(session, actor, barrier_id)
        changes = barrier_history(session, actor, barrier_id)
        writable = may(actor, "write", Record.barrier, get_jurisdiction(session, barrier.jurisdiction))
    moves = [
        {"value": s.value, "label": s.label, "reason": needs_reason(barrier.status, s)}
        for s in TRANSITIONS[BarrierStatus(barrier.status)]
    ]
    return render(
        request, "barrier.html", status_code, me=actor, barrier=barrier, changes=changes,
        moves=moves if writable else [], form=form,
    )  # fmt: skip


@router.get("/barriers/{barrier_id}", response_class=HTMLResponse)
def barrier_page(request: Request, barrier_id: int) -> Response:
    return barrier_view(request, signed_in(request), barrier_id)


@router.post("/barriers/{barrier_id}/status", response_class=HTMLResponse)
async def change_status(request: Request, barrier_id: int) -> Response:
    fields = await form_of(request)
    actor = signed_in(request)
    typed = {"status": fields.get("status", ""), "note": fields.get("note", "")}
    try:
        version = int(fields.get("version", ""))
    except ValueError:
        version = None  # a form without the version it was read at: applied to the latest, as the CLI does
    try:
        await run_in_threadpool(move_barrier, actor, barrier_id, typed["status"], typed["note"], version)
    except Conflict as exc:
        # Someone changed it since the page was read: the page as it now is, the person's text kept.
        return barrier_view(request, actor, barrier_id, 409, stale=exc.message, **typed)
    except ValidationFailed as exc:
        problems = [str(p) for p in exc.problems] or [exc.summary]
        return barrier_view(request, actor, barrier_id, 400, problems=problems, **typed)
    return RedirectResponse(f"/barriers/{barrier_id}", status_code=303)


def move_barrier(actor: Actor, barrier_id: int, status: str, note: str, version: int | None) -> None:
    """A status change through the barrier service (its lifecycle, permissions and history)."""
    from assessment.barriers.service import update_barrier
    from assessment.barriers.shapes import BarrierUpdate
    from assessment.core.db import transaction
    from assessment.core.shapes import validate

    change = validate(BarrierUpdate, {"status": status}, "change", names={"status": "New status"})
    with transaction() as session:
        update_barrier(session, actor, barrier_id, change, version, note)
