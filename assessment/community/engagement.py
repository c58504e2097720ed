"""The team's community engagement (session 3), current and aspirational, on the spectrum from
0 Ignore to 5 Defer to. Every rating is kept; the latest is the team's current one."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.cohorts.service import get_team
from assessment.community.models import EngagementPublic, EngagementRecord
from assessment.community.shapes import EngagementCreate
from assessment.community.spectrum import engagement_name
from assessment.core import history
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import validate

ENGAGEMENT = "engagement"


def _records(session: Session, team_id: int) -> list[EngagementRecord]:
    query = select(EngagementRecord).where(EngagementRecord.team_id == team_id)
    return list(session.exec(query.order_by(col(EngagementRecord.recorded_at), col(EngagementRecord.id))))


def _level(value: int | None) -> str | None:
    return None if value is None else f"{value} {engagement_name(value)}"


def public(record: EngagementRecord) -> EngagementPublic:
    return EngagementPublic(
        current=record.current_level,
        current_name=engagement_name(record.current_level),
        aspirational=record.aspirational_level,
        aspirational_name=engagement_name(record.aspirational_level),
        gap=record.aspirational_level - record.current_level,
        evidence=record.evidence,
        recorded_by=record.recorded_by,
        recorded_at=record.recorded_at,
    )


def set_engagement(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    current: int | str,
    aspirational: int | str,
    evidence: str = "",
) -> EngagementPublic:
    """Rate the team's community engagement now and where it aims to be (0..5, or level names)."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.engagement, place, f"rate the community engagement of {place.name}")
    data = validate(
        EngagementCreate, {"current": current, "aspirational": aspirational, "evidence": evidence}, "engagement rating"
    )
    earlier = _records(session, row_id(team))
    before = earlier[-1] if earlier else None
    at = utcnow()
    record = EngagementRecord(
        jurisdiction_id=row_id(place),
        team_id=row_id(team),
        current_level=data.current,
        aspirational_level=data.aspirational,
        evidence=data.evidence,
        recorded_by=actor.email,
        recorded_at=at,
    )
    session.add(record)
    session.flush()
    old = (before.current_level, before.aspirational_level) if before else (None, None)
    levels = (("current_level", old[0], data.current), ("aspirational_level", old[1], data.aspirational))
    changes: list[tuple[str, object, object]] = [(field, _level(o), _level(n)) for field, o, n in levels if o != n]
    changes = changes or [("evidence", before.evidence if before else None, data.evidence)]
    history.record_changes(session, actor.email, ENGAGEMENT, row_id(team), place.id, changes, data.evidence, at)
    return public(record)


def engagement_records(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[EngagementPublic]:
    """Every engagement rating of the team, oldest first."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.engagement, place, f"read the community engagement of {place.name}")
    return [public(r) for r in _records(session, row_id(team))]


def engagement_of(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> EngagementPublic | None:
    """The team's latest engagement rating, or None before the first one."""
    records = engagement_records(session, actor, jurisdiction, cohort)
    return records[-1] if records else None


def engagement_history(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[HistoryEntry]:
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.engagement, place, f"read the community engagement of {place.name}")
    return [HistoryEntry.of(e) for e in history.entries(session, ENGAGEMENT, row_id(team))]
