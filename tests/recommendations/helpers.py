"""Drafting, changing and endorsing recommendations through the services, as the tests' people."""

from __future__ import annotations

from typing import Any

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.history import HistoryEntry
from assessment.core.shapes import validate
from assessment.recommendations import service
from assessment.recommendations.models import Endorsed, RecommendationPublic
from assessment.recommendations.shapes import RecommendationCreate, RecommendationUpdate

PROMPT_PAY: dict[str, Any] = {
    "title": "Prompt payment for community contracts",
    "problem": "Community organizations wait months to be paid.\nMany front the cost of the work themselves.",
    "proposed_change": "A state prompt-payment rule: pay within 30 days, with advance payment allowed.",
    "level": "state",
}


def draft(who: str, cohort: str, **fields: Any) -> RecommendationPublic:
    with transaction() as session:
        data = validate(RecommendationCreate, {**PROMPT_PAY, **fields}, "recommendation")
        return service.draft_recommendation(session, resolve_actor(session, who), cohort, data)


def update(
    who: str, ident: int, version: int | None, note: str = "", **fields: Any
) -> tuple[RecommendationPublic, list[str]]:
    with transaction() as session:
        changes = validate(RecommendationUpdate, fields, "change")
        return service.update_recommendation(session, resolve_actor(session, who), ident, changes, version, note)


def endorse(who: str, ident: int, jurisdiction: str, note: str = "") -> Endorsed:
    with transaction() as session:
        return service.endorse(session, resolve_actor(session, who), ident, jurisdiction, note)


def unendorse(who: str, ident: int, jurisdiction: str, reason: str = "") -> Endorsed:
    with transaction() as session:
        return service.withdraw_endorsement(session, resolve_actor(session, who), ident, jurisdiction, reason)


def withdraw(who: str, ident: int, reason: str) -> tuple[RecommendationPublic, list[str]]:
    with transaction() as session:
        return service.withdraw_recommendation(session, resolve_actor(session, who), ident, reason)


def shown(who: str, ident: int) -> RecommendationPublic:
    with transaction() as session:
        return service.get_recommendation(session, resolve_actor(session, who), ident)


def listed(who: str, cohort: str) -> list[RecommendationPublic]:
    with transaction() as session:
        return service.list_recommendations(session, resolve_actor(session, who), cohort)


def history(who: str, ident: int) -> list[tuple[str, str, str | None, str | None, str]]:
    """(actor, field, old, new, note) of each change, oldest first."""
    with transaction() as session:
        entries: list[HistoryEntry] = service.recommendation_history(session, resolve_actor(session, who), ident)
    return [(e.actor, e.field, e.old, e.new, e.note) for e in entries]
