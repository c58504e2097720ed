"""The procurement officer's pages: the barrier board, a barrier's page with its history, and its status form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import address, form_of, paginate, render, signed_in
from assessment.core.errors import Conflict, ValidationFailed
from assessment.core.permissions import Actor

router = APIRouter()


@router.get("/barriers", response_class=HTMLResponse)
def barrier_board(
    request: Request, status: str = "", category: str = "", stage: str = "", sort: str = "", page: int = 1
) -> Response:
    from assessment.barriers.models import BarrierStatus
    from assessment.barriers.reference import categories, stages
    from assessment.barriers.service import list_barriers
    from assessment.core.db import transaction

    actor = signed_in(request)
    with transaction() as session:
        rows = list_barriers(session, actor, None, status or None, category or None, stage or None)
    if sort == "severity":
        # most severe first; barriers without a severity last, oldest first within a severity
        rows.sort(key=lambda b: -(b.severity or 0))
    filters = {k: v for k, v in (("status", status), ("category", category), ("stage", stage), ("sort", sort)) if v}
    shown = paginate(rows, page, lambda n: address("/barriers", **filters, page=n))
    return render(
        request,
        "barriers.html",
        me=actor,
        barriers=shown.rows,
        total=shown.total,
        page=shown.number,
        pages=shown.pages,
        previous=shown.previous,
        next_page=shown.next,
        filters=filters,
        statuses=list(BarrierStatus),
        categories=categories(),
        stages=stages(),
    )


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
