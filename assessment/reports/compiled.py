"""The log of compiled reports: one append-only row per compile (which report, who, when, which
formats, where), which the session facts and the doors read back.

Who may record one: for a jurisdiction's impact report, the table's ``Record.impact_report`` write
roles in that jurisdiction (its program manager, an alliance lead); for the regional report,
``Record.regional_report`` (an alliance lead)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import jurisdiction_of
from assessment.cohorts.models import Cohort, Team
from assessment.cohorts.service import get_cohort, get_team
from assessment.core.errors import ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import parse_choice
from assessment.reports.models import CompiledPublic, CompiledReport, ReportKind


def require_compile(
    session: Session, actor: Actor, kind: ReportKind | str, cohort: str, jurisdiction: str | None
) -> tuple[ReportKind, Cohort, Team | None]:
    """Refused unless ``actor`` may compile the report: a jurisdiction's impact report (``jurisdiction``
    named) or the cohort's regional report (``jurisdiction`` None); its kind, cohort and team."""
    parsed = parse_choice(ReportKind, kind, "kind of report")
    if parsed is ReportKind.jurisdiction:
        if jurisdiction is None:
            raise ValidationFailed("A jurisdiction impact report is compiled for one jurisdiction; name it.")
        team, place, group = get_team(session, jurisdiction, cohort)
        require(actor, "write", Record.impact_report, place, f"compile the impact report of {place.name}")
        return parsed, group, team
    if jurisdiction is not None:
        raise ValidationFailed("The regional report covers the whole cohort; leave the jurisdiction out.")
    group = get_cohort(session, cohort)
    require(actor, "write", Record.regional_report, None, f"compile the regional report of {group.name}")
    return parsed, group, None


def record_compiled(
    session: Session,
    actor: Actor,
    kind: ReportKind | str,
    cohort: str,
    jurisdiction: str | None,
    anonymized: bool,
    formats: Sequence[str],
    folder: Path | str,
) -> CompiledReport:
    """Log one compile of a report: a jurisdiction's impact report (``jurisdiction`` named) or the
    cohort's regional report (``jurisdiction`` None)."""
    parsed, group, team = require_compile(session, actor, kind, cohort, jurisdiction)
    row = CompiledReport(
        kind=parsed.value,
        cohort_id=row_id(group),
        team_id=row_id(team) if team else None,
        anonymized=anonymized,
        formats=list(formats),
        folder=str(folder),
        compiled_by=actor.email,
        compiled_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def last_compiled(
    session: Session, kind: ReportKind, cohort_id: int, team_id: int | None = None
) -> CompiledReport | None:
    """The latest compile of a cohort's regional report, or of one team's impact report (no
    permission check: for readers already allowed, such as the session facts)."""
    query = select(CompiledReport).where(CompiledReport.kind == kind.value, CompiledReport.cohort_id == cohort_id)
    if kind is ReportKind.jurisdiction:
        query = query.where(CompiledReport.team_id == team_id)
    return session.exec(query.order_by(col(CompiledReport.compiled_at).desc(), col(CompiledReport.id).desc())).first()


def compiled_public(session: Session, row: CompiledReport) -> CompiledPublic:
    """A compile as people read it: the cohort and jurisdiction by name."""
    cohort = session.get(Cohort, row.cohort_id)
    team = session.get(Team, row.team_id) if row.team_id is not None else None
    assert cohort is not None  # the foreign key keeps it
    return CompiledPublic(
        id=row_id(row),
        kind=ReportKind(row.kind),
        cohort=cohort.name,
        jurisdiction=jurisdiction_of(session, team.jurisdiction_id).name if team else None,
        anonymized=row.anonymized,
        formats=list(row.formats),
        folder=row.folder,
        compiled_by=row.compiled_by,
        compiled_at=row.compiled_at,
    )


def compiled_reports(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[CompiledPublic]:
    """Every compile of the team's impact report, newest first, for whoever may read the report."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.impact_report, place, f"read the impact report of {place.name}")
    query = select(CompiledReport).where(
        CompiledReport.kind == ReportKind.jurisdiction.value, CompiledReport.team_id == team.id
    )
    rows = session.exec(query.order_by(col(CompiledReport.compiled_at).desc(), col(CompiledReport.id).desc()))
    return [compiled_public(session, row) for row in rows]
