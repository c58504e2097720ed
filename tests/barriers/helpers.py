"""Barriers made and changed through the services, for the barrier tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, func, select

from assessment.barriers.models import Barrier, BarrierPublic
from assessment.barriers.service import add_barrier, get_barrier, list_barriers, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.history import History
from assessment.core.shapes import validate

INSURANCE: dict[str, Any] = {
    "title": "Insurance limits out of proportion to the work",
    "description": "Every contract asks for $2M general liability, whatever the work.",
    "category": "insurance_bonding",
    "stage": "contracting",
    "controller": "county_city",
    "severity": 4,
    "burden_on": "Small CBOs running community workshops",
    "root_cause": "Risk management applies the construction schedule to every contract.",
    "indicators": ["terms.insurance"],
}


def new_barrier(who: str, place: str, engine: Engine | None = None, **fields: Any) -> int:
    with transaction(engine) as session:
        data = validate(BarrierCreate, {**INSURANCE, **fields}, "barrier")
        return add_barrier(session, resolve_actor(session, who), place, data).id


def change(
    who: str, barrier_id: int, version: int | None, note: str = "", engine: Engine | None = None, **fields: Any
) -> BarrierPublic:
    with transaction(engine) as session:
        changes = validate(BarrierUpdate, fields, "barrier")
        barrier, _ = update_barrier(session, resolve_actor(session, who), barrier_id, changes, version, note)
        return barrier


def read(who: str, barrier_id: int) -> dict[str, Any]:
    with transaction() as session:
        return get_barrier(session, resolve_actor(session, who), barrier_id).model_dump(mode="json")


def snapshot() -> tuple[list[tuple[int | None, int, str]], int]:
    """Every barrier's (id, version, title) and the number of history rows."""
    with transaction() as session:
        barriers = [(b.id, b.version, b.title) for b in session.exec(select(Barrier).order_by(col(Barrier.id)))]
        return barriers, session.exec(select(func.count()).select_from(History)).one()


def exported(who: str, place: str) -> list[dict[str, Any]]:
    """The inventory as a spreadsheet round trip would give it back: one dict of cells per row."""
    with transaction() as session:
        actor = resolve_actor(session, who)
        rows = [b.model_dump(mode="json") for b in list_barriers(session, actor, place)]
    return [
        {**row, "row": n, "indicators": ", ".join(row["indicators"]), "inputs": ""}
        for n, row in enumerate(rows, start=2)
    ]
