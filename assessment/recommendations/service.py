"""The regional policy recommendation (session 8): an alliance lead drafts and changes it (versioned
through the core mechanism) or withdraws it with a reason; each jurisdiction of the cohort endorses
it, or withdraws its endorsement, through its program manager or executive lead. Every change,
endorsements included, is in the history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import text
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from assessment.barriers.ranking import BarrierRanking, RankedBarrier, rank_barriers
from assessment.barriers.reference import controller_label
from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import Cohort, Jurisdiction, Person, Team
from assessment.cohorts.service import find_team, get_cohort
from assessment.core import history
from assessment.core.errors import Conflict, NotFound, PermissionDenied, Problem, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry
from assessment.core.permissions import Actor, Place, Record, Role, may, require
from assessment.core.versioned import VersionedKind
from assessment.recommendations.models import (
    Endorsed,
    Endorsement,
    EndorsementPublic,
    Level,
    Recommendation,
    RecommendationPublic,
    RecommendationStatus,
)
from assessment.recommendations.shapes import RecommendationCreate, RecommendationUpdate

ENDORSEMENT_ENTITY = "recommendation_endorsement"
ENDORSING_ROLES = (Role.equity_program_manager, Role.executive_lead)
# How the evidence names who controls a rule ("rules controlled by the state (4)").
WHO_CONTROLS = {
    "department": "the health department",
    "county_city": "the county or city",
    "state": "the state",
    "federal": "the federal government",
    "funder": "funders",
}


@dataclass(frozen=True)
class CohortPlace:
    """A cohort as a permission check's place: it is no jurisdiction, so only a regional role (an
    alliance lead, an admin) holds a role in it."""

    id: int | None
    name: str


def cohort_place(cohort: Cohort) -> CohortPlace:
    return CohortPlace(None, cohort.name)


def cohort_of(session: Session, recommendation: Recommendation) -> Cohort:
    cohort = session.get(Cohort, recommendation.cohort_id)
    if cohort is None:  # the foreign key guarantees one
        raise NotFound(f"No cohort with id {recommendation.cohort_id}.")
    return cohort


class RecommendationKind(VersionedKind[Recommendation]):
    """Recommendations as versioned records: a cohort's, changed by an alliance lead or an admin."""

    table: ClassVar[type[Recommendation]] = Recommendation
    record = Record.recommendation
    entity = "recommendation"
    noun = "Recommendation"
    plural = "recommendations"

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(
            f"No recommendation with id {row_id}; list a cohort's recommendations with "
            '`accelerator recommendation list --cohort "COHORT"` to find its id.'
        )

    def place_of(self, session: Session, row: Recommendation) -> Place:
        return cohort_place(cohort_of(session, row))

    def values_of(self, session: Session, row: Recommendation) -> dict[str, Any]:
        return {
            "title": row.title,
            "problem": row.problem,
            "proposed_change": row.proposed_change,
            "level": Level(row.level),
            "evidence": row.evidence,
            "categories": list(row.categories),
            "status": RecommendationStatus(row.status),
        }

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        if current is not None and current["status"] is RecommendationStatus.withdrawn:
            return [
                Problem(
                    "status",
                    "it was withdrawn, and a withdrawn recommendation is kept as it was.",
                    f'Draft a new one with `accelerator recommendation draft --cohort "{place.name}" ...`.',
                )
            ]
        if wanted.get("status") is RecommendationStatus.withdrawn and not note.strip():
            return [
                Problem("reason", "is missing; say why the recommendation is withdrawn (it is kept in its history).")
            ]
        return []

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        if field in ("level", "status"):
            return {field: str(getattr(new, "value", new))}
        return {field: new}


RECOMMENDATIONS = RecommendationKind()


# --- who may read --------------------------------------------------------------------------------------


def require_reader(session: Session, actor: Actor, cohort: Cohort) -> None:
    """Refuse unless the actor holds a role in one of the cohort's jurisdictions, or regionally."""
    if may(actor, "read", Record.recommendation):
        return
    places = session.exec(
        select(Jurisdiction)
        .join(Team, col(Team.jurisdiction_id) == col(Jurisdiction.id))
        .where(Team.cohort_id == cohort.id)
    )
    if any(may(actor, "read", Record.recommendation, place) for place in places):
        return
    raise PermissionDenied(
        f"{actor.email} may not read the recommendations of {cohort.name}: none of their jurisdictions is "
        "enrolled in it. Only members of its teams, an alliance lead or an admin may."
    )


# --- the evidence a ranking gives ----------------------------------------------------------------------


def _words(label: str) -> str:
    """A label as it reads inside a sentence: "Payment & cash flow" is "payment and cash flow"."""
    return label.replace("&", "and").lower()


def _figure(value: float) -> str:
    return f"{value:g}"


def evidence_of(row: RankedBarrier, ranking: BarrierRanking) -> str:
    """One row of the ranking in plain words, as a recommendation's evidence."""
    severity = (
        f"mean severity {_figure(row.mean_severity)}" if row.mean_severity is not None else "no severity recorded"
    )
    said = (
        f"Reported by {row.jurisdictions} of {ranking.jurisdictions} jurisdictions ({_words(row.category_label)}, "
        f"{_words(row.stage_label)}): {severity}, {row.resolved} of {row.barriers} resolved"
    )
    known = [
        f"{WHO_CONTROLS.get(c, 'the ' + _words(controller_label(c)))} ({n})"
        for c, n in row.controllers.items()
        if c != "unknown"
    ]
    if known:
        said += "; rules controlled by " + ", ".join(known)
    unknown = row.controllers.get("unknown", 0)
    if unknown:
        said += f"; who controls the rule is not recorded for {unknown}"
    return said + "."


def ranking_evidence(ranking: BarrierRanking, keys: list[str]) -> str:
    """The evidence of the ranking's rows named by ``keys`` (``category/stage``), a sentence each;
    refused, naming each key, when the cohort has no barrier there."""
    missing = [key for key in keys if ranking.row(key) is None]
    if missing:
        raise not_saved(
            "recommendation",
            [
                Problem(
                    "categories",
                    f"no barrier of {ranking.cohort}'s jurisdictions is in {key}, so the ranking has no figures "
                    "for it.",
                    f'See the rows there are with `accelerator barrier rank --cohort "{ranking.cohort}"`.',
                )
                for key in missing
            ],
        )
    rows = [ranking.row(key) for key in keys]
    return "\n".join(evidence_of(row, ranking) for row in rows if row is not None)


def _evidence(session: Session, actor: Actor, cohort: Cohort, keys: list[str], typed: str | None) -> str:
    drawn = ranking_evidence(rank_barriers(session, actor, cohort.name), keys) if keys else ""
    return "\n".join(part for part in (drawn, (typed or "").strip()) if part)


# --- reading -------------------------------------------------------------------------------------------


def _withdrawal_reason(session: Session, recommendation: Recommendation) -> str | None:
    if recommendation.status != RecommendationStatus.withdrawn.value:
        return None
    entries = history.entries(session, RECOMMENDATIONS.entity, row_id(recommendation))
    return next((e.note for e in reversed(entries) if e.field == "status"), None)


def current_endorsements(session: Session, recommendation_id: int) -> list[EndorsementPublic]:
    """The recommendation's standing endorsements, by jurisdiction."""
    rows = session.exec(
        select(Endorsement, Jurisdiction, Person)
        .join(Jurisdiction, col(Jurisdiction.id) == col(Endorsement.jurisdiction_id))
        .join(Person, col(Person.id) == col(Endorsement.person_id))
        .where(Endorsement.recommendation_id == recommendation_id, col(Endorsement.withdrawn_at).is_(None))
    )
    shown = [
        EndorsementPublic(
            jurisdiction=place.name,
            person=person.name,
            email=person.email,
            role=Role(endorsement.role).label,
            endorsed_at=endorsement.endorsed_at,
            note=endorsement.note,
        )
        for endorsement, place, person in rows
    ]
    return sorted(shown, key=lambda e: e.jurisdiction.casefold())


def public(session: Session, recommendation: Recommendation, cohort: Cohort | None = None) -> RecommendationPublic:
    """The recommendation as people and scripts read it, with its current endorsements."""
    values = RECOMMENDATIONS.values_of(session, recommendation)
    return RecommendationPublic(
        id=row_id(recommendation),
        version=recommendation.version,
        cohort=(cohort or cohort_of(session, recommendation)).name,
        **values,
        level_label=values["level"].label,
        status_label=values["status"].label,
        withdrawal_reason=_withdrawal_reason(session, recommendation),
        endorsements=current_endorsements(session, row_id(recommendation)),
        created_at=recommendation.created_at,
        created_by=recommendation.created_by,
        updated_at=recommendation.updated_at,
        updated_by=recommendation.updated_by,
    )


def readable(session: Session, actor: Actor, recommendation_id: int) -> tuple[Recommendation, Cohort]:
    """The recommendation and its cohort, once the actor is known to be allowed to read it."""
    recommendation = RECOMMENDATIONS.load(session, recommendation_id)
    cohort = cohort_of(session, recommendation)
    require_reader(session, actor, cohort)
    return recommendation, cohort


def get_recommendation(session: Session, actor: Actor, recommendation_id: int) -> RecommendationPublic:
    recommendation, cohort = readable(session, actor, recommendation_id)
    return public(session, recommendation, cohort)


def list_recommendations(session: Session, actor: Actor, cohort: str) -> list[RecommendationPublic]:
    """The cohort's recommendations, oldest first, withdrawn ones included (their status says so)."""
    group = get_cohort(session, cohort)
    require_reader(session, actor, group)
    query = select(Recommendation).where(Recommendation.cohort_id == group.id).order_by(col(Recommendation.id))
    return [public(session, r, group) for r in session.exec(query)]


def recommendation_history(session: Session, actor: Actor, recommendation_id: int) -> list[HistoryEntry]:
    """Every change of the recommendation and every endorsement given or withdrawn, oldest first."""
    readable(session, actor, recommendation_id)
    entries = history.entries(session, RECOMMENDATIONS.entity, recommendation_id)
    entries += history.entries(session, ENDORSEMENT_ENTITY, recommendation_id)
    return [HistoryEntry.of(e) for e in sorted(entries, key=lambda e: (e.at, row_id(e)))]


# --- drafting, changing, withdrawing -------------------------------------------------------------------


def draft_recommendation(
    session: Session, actor: Actor, cohort: str, data: RecommendationCreate
) -> RecommendationPublic:
    """Draft a recommendation for ``cohort`` (status draft, version 1); its ``categories`` fill the
    evidence from the cohort's barrier ranking, before any evidence typed."""
    group = get_cohort(session, cohort)
    require(actor, "write", Record.recommendation, cohort_place(group), f"draft recommendations for {group.name}")
    at = utcnow()
    recommendation = Recommendation(
        cohort_id=row_id(group),
        title=data.title,
        problem=data.problem,
        proposed_change=data.proposed_change,
        level=data.level.value,
        evidence=_evidence(session, actor, group, data.categories, data.evidence),
        categories=data.categories,
        status=RecommendationStatus.draft.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(recommendation)
    session.flush()
    created = [("created", None, recommendation.title)]
    history.record_changes(session, actor.email, RECOMMENDATIONS.entity, row_id(recommendation), None, created, "", at)
    return public(session, recommendation, group)


def update_recommendation(
    session: Session,
    actor: Actor,
    recommendation_id: int,
    changes: RecommendationUpdate,
    expected_version: int | None,
    note: str = "",
) -> tuple[RecommendationPublic, list[str]]:
    """Change a recommendation as one new version with its history; returns it and any notices.
    ``expected_version`` is the version the person read: a change made since is a Conflict naming
    who made it. New ``categories`` rewrite the evidence from the ranking (then typed evidence)."""
    recommendation = RECOMMENDATIONS.load(session, recommendation_id)
    cohort = cohort_of(session, recommendation)
    require(actor, "write", Record.recommendation, cohort_place(cohort), f"change the recommendations of {cohort.name}")
    wanted = changes.changes()
    if "categories" in wanted:
        wanted["evidence"] = _evidence(session, actor, cohort, changes.categories or [], changes.evidence)
    saved = RECOMMENDATIONS.update(session, actor, recommendation_id, wanted, expected_version, note)
    return public(session, saved.row, cohort), saved.notices


def withdraw_recommendation(
    session: Session, actor: Actor, recommendation_id: int, reason: str
) -> tuple[RecommendationPublic, list[str]]:
    """Withdraw the recommendation itself (an alliance lead or an admin, with a reason kept in its
    history); a withdrawn one can no longer be changed or endorsed. Withdrawing it again changes nothing."""
    recommendation = RECOMMENDATIONS.load(session, recommendation_id)
    cohort = cohort_of(session, recommendation)
    if not may(actor, "write", Record.recommendation, cohort_place(cohort)):
        raise PermissionDenied(
            f"{actor.email} may not withdraw the recommendations of {cohort.name}. Only an alliance lead or an "
            "admin may. To withdraw your jurisdiction's endorsement instead, add --jurisdiction NAME."
        )
    if recommendation.status == RecommendationStatus.withdrawn.value:
        shown = public(session, recommendation, cohort)
        return shown, [
            f"Recommendation {recommendation.id} was already withdrawn ({shown.withdrawal_reason}); nothing changed."
        ]
    wanted: dict[str, Any] = {"status": RecommendationStatus.withdrawn}
    saved = RECOMMENDATIONS.update(session, actor, recommendation_id, wanted, None, reason.strip())
    return public(session, saved.row, cohort), saved.notices


# --- endorsing -----------------------------------------------------------------------------------------


def _endorser_role(actor: Actor, place: Jurisdiction) -> Role:
    """The role the actor endorses in: program manager before executive lead; an admin as admin."""
    return next((role for role in ENDORSING_ROLES if (role, place.id) in actor.roles), Role.admin)


def _current(session: Session, recommendation_id: int, place: Jurisdiction) -> Endorsement | None:
    query = select(Endorsement).where(
        Endorsement.recommendation_id == recommendation_id,
        Endorsement.jurisdiction_id == place.id,
        col(Endorsement.withdrawn_at).is_(None),
    )
    return session.exec(query).first()


def _endorsing_place(
    session: Session, actor: Actor, recommendation_id: int, jurisdiction: str, doing: str
) -> tuple[Recommendation, Cohort, Jurisdiction]:
    """The recommendation, its cohort and the endorsing jurisdiction, once the actor may speak for it
    and it is a team of the recommendation's cohort."""
    recommendation = RECOMMENDATIONS.load(session, recommendation_id)
    cohort = cohort_of(session, recommendation)
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "write", Record.endorsement, place, f"{doing} for {place.name}")
    if find_team(session, place, cohort) is None:
        raise NotFound(
            f"{place.name} is not a team of {cohort.name}, so it cannot endorse the cohort's recommendations. "
            f'Enroll it with `accelerator team enroll --jurisdiction "{place.name}" --cohort "{cohort.name}"`.'
        )
    return recommendation, cohort, place


def _endorsed(
    session: Session, recommendation: Recommendation, cohort: Cohort, place: Jurisdiction, changed: bool, said: str
) -> Endorsed:
    shown = public(session, recommendation, cohort)
    return Endorsed(recommendation=shown, jurisdiction=place.name, changed=changed, said=said)


def _record(session: Session, actor: Actor, ident: int, place: Jurisdiction, old: str | None, note: str) -> None:
    """An endorsement given (``old`` None) or withdrawn, in the recommendation's history."""
    new = None if old else place.name
    history.record(session, actor.email, ENDORSEMENT_ENTITY, ident, "endorsement", old, new, note, place.id)


def endorse(session: Session, actor: Actor, recommendation_id: int, jurisdiction: str, note: str = "") -> Endorsed:
    """``jurisdiction`` endorses the recommendation, through its program manager or executive lead;
    endorsing again changes nothing (and says so). A withdrawn recommendation can't be endorsed."""
    recommendation, cohort, place = _endorsing_place(
        session, actor, recommendation_id, jurisdiction, "endorse recommendations"
    )
    ident = row_id(recommendation)
    if recommendation.status == RecommendationStatus.withdrawn.value:
        raise Conflict(
            f"Recommendation {ident} was withdrawn by {recommendation.updated_by} "
            f"({_withdrawal_reason(session, recommendation)}), so it can no longer be endorsed. See the cohort's "
            f'other recommendations with `accelerator recommendation list --cohort "{cohort.name}"`.'
        )
    if _current(session, ident, place) is None:
        # Two people of one team endorsing at the same moment: the unique index keeps one endorsement and
        # the other person finds it given (a plain insert would fail them with an integrity error).
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        values = {
            "recommendation_id": ident,
            "jurisdiction_id": row_id(place),
            "person_id": actor.person_id,
            "role": _endorser_role(actor, place).value,
            "note": note.strip(),
            "endorsed_at": utcnow(),
        }
        current = text("withdrawn_at IS NULL")
        insert = dialect.insert(Endorsement).values(**values)
        insert = insert.on_conflict_do_nothing(
            index_elements=["recommendation_id", "jurisdiction_id"], index_where=current
        )
        # the new row's id, or no row when the index kept another's (PostgreSQL's rowcount is -1 here)
        if session.exec(insert.returning(col(Endorsement.id))).first() is not None:
            _record(session, actor, ident, place, None, note.strip())
            said = f"{place.name} endorses recommendation {ident} ({recommendation.title})."
            return _endorsed(session, recommendation, cohort, place, True, said)
    standing = next(e for e in current_endorsements(session, ident) if e.jurisdiction == place.name)
    said = (
        f"{place.name} already endorses recommendation {ident} (endorsed by {standing.person} on "
        f"{standing.endorsed_at:%Y-%m-%d}); nothing changed."
    )
    return _endorsed(session, recommendation, cohort, place, False, said)


def withdraw_endorsement(
    session: Session, actor: Actor, recommendation_id: int, jurisdiction: str, reason: str = ""
) -> Endorsed:
    """``jurisdiction`` withdraws its endorsement (kept, marked withdrawn, and in the history);
    a jurisdiction that does not endorse the recommendation has nothing to withdraw, and is told so."""
    recommendation, cohort, place = _endorsing_place(
        session, actor, recommendation_id, jurisdiction, "withdraw endorsements"
    )
    ident = row_id(recommendation)
    standing = _current(session, ident, place)
    if standing is not None:
        # Only while it still stands: of two people withdrawing it at once, one withdraws it.
        withdraw = (
            sql_update(Endorsement)
            .where(col(Endorsement.id) == standing.id, col(Endorsement.withdrawn_at).is_(None))
            .values(withdrawn_at=utcnow(), withdrawn_by=actor.email)
            .execution_options(synchronize_session=False)
        )
        if session.exec(withdraw).rowcount == 1:
            _record(session, actor, ident, place, place.name, reason.strip())
            said = f"{place.name} no longer endorses recommendation {ident} ({recommendation.title})."
            return _endorsed(session, recommendation, cohort, place, True, said)
    said = f"{place.name} does not endorse recommendation {ident}, so there is nothing to withdraw; nothing changed."
    return _endorsed(session, recommendation, cohort, place, False, said)
