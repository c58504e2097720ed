"""Highlights and quotes a team enters for its impact report, and whether the team is named in the
regional report. Removing a highlight keeps it (who removed it, when and why); every change is in
the history.

Who may: the table's ``Record.highlight`` row (the team's program manager and executive lead
write; the team and the alliance lead read)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import jurisdiction_of
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, Problem, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry
from assessment.core.permissions import Actor, Record, require
from assessment.reports.models import (
    HighlightKind,
    HighlightPublic,
    PreferencePublic,
    ReportHighlight,
    ReportPreference,
)
from assessment.reports.shapes import HighlightCreate

HIGHLIGHT = "report_highlight"
PREFERENCE = "report_preference"


def public(highlight: ReportHighlight, place: Jurisdiction, cohort: Cohort) -> HighlightPublic:
    kind = HighlightKind(highlight.kind)
    return HighlightPublic(
        id=row_id(highlight),
        jurisdiction=place.name,
        cohort=cohort.name,
        kind=kind,
        kind_label=kind.label,
        text=highlight.text,
        attribution=highlight.attribution,
        created_at=highlight.created_at,
        created_by=highlight.created_by,
        removed=highlight.removed_at is not None,
        removed_at=highlight.removed_at,
        removed_by=highlight.removed_by,
        removed_reason=highlight.removed_reason,
    )


def highlights_of(session: Session, team: Team, include_removed: bool = False) -> list[ReportHighlight]:
    """The team's highlights and quotes in the order they were entered (no permission check: for
    readers already allowed, such as the report)."""
    query = select(ReportHighlight).where(ReportHighlight.team_id == team.id)
    if not include_removed:
        query = query.where(col(ReportHighlight.removed_at).is_(None))
    return list(session.exec(query.order_by(col(ReportHighlight.created_at), col(ReportHighlight.id))))


def _load(session: Session, highlight_id: int) -> tuple[ReportHighlight, Jurisdiction, Cohort]:
    highlight = session.get(ReportHighlight, highlight_id)
    if highlight is None:
        raise NotFound(
            f"No highlight or quote with id {highlight_id}; list the team's with "
            '`accelerator report highlight list --jurisdiction "J" --cohort "C"` to find its id.'
        )
    team = session.get(Team, highlight.team_id)
    cohort = session.get(Cohort, team.cohort_id) if team else None
    assert cohort is not None  # the foreign keys keep them
    return highlight, jurisdiction_of(session, highlight.jurisdiction_id), cohort


# --- highlights and quotes -----------------------------------------------------------------------


def add_highlight(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, data: HighlightCreate
) -> HighlightPublic:
    """Enter a highlight or quote for the impact report of ``jurisdiction``'s team in ``cohort``."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.highlight, place, f"add highlights and quotes to the impact report of {place.name}")
    at = utcnow()
    highlight = ReportHighlight(
        team_id=row_id(team),
        jurisdiction_id=row_id(place),
        kind=data.kind.value,
        text=data.text,
        attribution=data.attribution,
        created_at=at,
        created_by=actor.email,
    )
    session.add(highlight)
    session.flush()
    history.record(session, actor.email, HIGHLIGHT, row_id(highlight), "created", None, data.text, "", place.id, at)
    return public(highlight, place, group)


def list_highlights(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, include_removed: bool = False
) -> list[HighlightPublic]:
    """The team's highlights and quotes in the order they were entered; removed ones only when asked."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.highlight, place, f"read the highlights and quotes of {place.name}")
    return [public(h, place, group) for h in highlights_of(session, team, include_removed)]


def remove_highlight(session: Session, actor: Actor, highlight_id: int, reason: str) -> HighlightPublic:
    """Take a highlight or quote out of the report; it is kept, with who removed it, when and why."""
    highlight, place, group = _load(session, highlight_id)
    require(actor, "write", Record.highlight, place, f"remove highlights and quotes of {place.name}")
    if not reason.strip():
        raise not_saved(
            "removal",
            [Problem("reason", "is missing; say why it is taken out of the report", 'Give --reason "...".')],
        )
    if highlight.removed_at is not None:
        raise Conflict(
            f"{HighlightKind(highlight.kind).label} {highlight_id} was already removed on "
            f"{highlight.removed_at:%Y-%m-%d} by {highlight.removed_by}: {highlight.removed_reason}"
        )
    at = utcnow()
    highlight.removed_at, highlight.removed_by, highlight.removed_reason = at, actor.email, reason.strip()
    session.add(highlight)
    session.flush()
    history.record(
        session, actor.email, HIGHLIGHT, highlight_id, "removed", highlight.text, None, reason.strip(), place.id, at
    )
    return public(highlight, place, group)


def highlight_history(session: Session, actor: Actor, highlight_id: int) -> list[HistoryEntry]:
    """Every change of a highlight or quote (entered, removed), oldest first."""
    _, place, _ = _load(session, highlight_id)
    require(actor, "read", Record.highlight, place, f"read the highlights and quotes of {place.name}")
    return [HistoryEntry.of(e) for e in history.entries(session, HIGHLIGHT, highlight_id)]


# --- being named in the regional report ----------------------------------------------------------


def _preference(session: Session, team: Team) -> ReportPreference | None:
    return session.exec(select(ReportPreference).where(ReportPreference.team_id == team.id)).first()


def named_in_regional(session: Session, team: Team) -> bool:
    """Whether the team chose to be named in the regional report (False until it opts in; no
    permission check: for readers already allowed)."""
    row = _preference(session, team)
    return row is not None and row.named_in_regional


def opted_in(session: Session, cohort_id: int) -> set[int]:
    """The ids of the cohort's teams that chose to be named in the regional report (one query)."""
    query = (
        select(ReportPreference.team_id)
        .join(Team, col(Team.id) == col(ReportPreference.team_id))
        .where(Team.cohort_id == cohort_id, col(ReportPreference.named_in_regional).is_(True))
    )
    return set(session.exec(query))


def _named(named: bool) -> str:
    """How the choice reads in the history."""
    return "named" if named else "not named"


def _preference_public(place: Jurisdiction, cohort: Cohort, row: ReportPreference | None) -> PreferencePublic:
    named = row is not None and row.named_in_regional
    said = (
        f"{place.name} is named in the regional report of {cohort.name} (unless it is compiled anonymized, "
        "when every jurisdiction is labelled instead)."
        if named
        else f"{place.name} is not named in the regional report of {cohort.name}: its figures are counted, "
        "but the report does not say which are its own."
    )
    return PreferencePublic(
        jurisdiction=place.name,
        cohort=cohort.name,
        named_in_regional=named,
        said=said,
        updated_at=row.updated_at if row else None,
        updated_by=row.updated_by if row else None,
    )


def report_preference(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> PreferencePublic:
    """Whether the team is named in the regional report (not until it opts in)."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.highlight, place, f"read the report choices of {place.name}")
    return _preference_public(place, group, _preference(session, team))


def set_named_in_regional(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, named: bool, note: str = ""
) -> PreferencePublic:
    """Opt the team in (``named``) or out of being named in the cohort's regional report; the same
    choice again changes nothing."""
    team, place, group = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.highlight, place, f"choose whether {place.name} is named in the regional report")
    row = _preference(session, team)
    before = row is not None and row.named_in_regional
    if before == named:
        return _preference_public(place, group, row)
    at = utcnow()
    if row is None:
        row = ReportPreference(team_id=row_id(team), jurisdiction_id=row_id(place), updated_by=actor.email)
    row.named_in_regional, row.updated_at, row.updated_by = named, at, actor.email
    session.add(row)
    session.flush()
    history.record(
        session,
        actor.email,
        PREFERENCE,
        row_id(team),
        "named_in_regional",
        _named(before),
        _named(named),
        note,
        place.id,
        at,
    )
    return _preference_public(place, group, row)


def preference_history(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[HistoryEntry]:
    """Every opt-in and opt-out of the team, oldest first."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.highlight, place, f"read the report choices of {place.name}")
    return [HistoryEntry.of(e) for e in history.entries(session, PREFERENCE, row_id(team))]
