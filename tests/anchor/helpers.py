"""Making and changing anchor commitments through the services, as the tests' people."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from assessment.anchor.measures import change_commitment
from assessment.anchor.models import CommitmentPublic
from assessment.anchor.service import add_commitment, get_commitment
from assessment.anchor.shapes import CommitmentCreate, CommitmentUpdate
from assessment.cohorts.people import add_person, resolve_actor
from assessment.core.db import transaction
from assessment.core.fields import utcnow
from assessment.core.shapes import validate
from tests.conftest import Cast

TODAY = utcnow().date()
DUE = TODAY + timedelta(days=365)
FINANCE = "finance@alder.example.org"
FOLLOWED = "cbo_dollar_share"


def hiring(cast: Cast, **fields: Any) -> dict[str, Any]:
    return {
        "category": "hire",
        "statement": "Hire from the county's most disinvested neighborhoods",
        "measure": "share of new hires living in the lowest HPI quartile",
        "baseline": "8",
        "target": 20,
        "unit": "%",
        "due": DUE,
        "owner": cast.alder_manager,
        **fields,
    }


def buying(cast: Cast, **fields: Any) -> dict[str, Any]:
    return {
        "category": "buy",
        "statement": "Buy from community-based organizations",
        "target": "25",
        "due": DUE,
        "spend_metric": FOLLOWED,
        **fields,
    }


def commit(
    cast: Cast, who: str | None = None, place: str | None = None, **fields: Any
) -> tuple[CommitmentPublic, list[str]]:
    with transaction() as session:
        data = validate(CommitmentCreate, fields, "commitment")
        actor = resolve_actor(session, who or cast.alder_manager)
        return add_commitment(session, actor, place or cast.alder, cast.cohort, data)


def change(
    cast: Cast,
    ident: int,
    version: int | None,
    note: str = "",
    who: str | None = None,
    value: Decimal | str | float | None = None,
    as_of: date | None = None,
    **fields: Any,
) -> tuple[CommitmentPublic, list[str]]:
    with transaction() as session:
        changes = validate(CommitmentUpdate, fields, "change")
        actor = resolve_actor(session, who or cast.alder_manager)
        return change_commitment(session, actor, ident, changes, version, note, value, as_of)


def shown(cast: Cast, ident: int, who: str | None = None) -> CommitmentPublic:
    with transaction() as session:
        return get_commitment(session, resolve_actor(session, who or cast.alder_exec), ident)


def add_finance(cast: Cast) -> str:
    """A finance member of Alder's team (the cast has none)."""
    with transaction() as session:
        add_person(session, resolve_actor(session, cast.admin), FINANCE, "Fran Finanzas", "finance", cast.alder)
    return FINANCE
