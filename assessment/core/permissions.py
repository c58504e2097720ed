"""Who may read and who may write each kind of record: one table, checked by every service.

A role is held in one jurisdiction (team roles) or regionally (alliance lead, admin). An admin
may do everything; everyone else needs a role the table lists for the record, held in the
record's jurisdiction or regionally.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from assessment.core.errors import PermissionDenied


class Role(StrEnum):
    equity_program_manager = "equity_program_manager"
    procurement_officer = "procurement_officer"
    executive_lead = "executive_lead"
    finance = "finance"
    community_partner = "community_partner"
    alliance_lead = "alliance_lead"
    admin = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def regional(self) -> bool:
        return self in (Role.alliance_lead, Role.admin)


class Record(StrEnum):
    """The kinds of record the table below rules over."""

    cohort = "cohort"
    jurisdiction = "jurisdiction"
    team = "team"
    person = "person"
    regional_role = "regional_role"
    assessment = "assessment"
    barrier = "barrier"
    barrier_correction = "barrier_correction"
    community_input = "community_input"
    engagement = "engagement"
    goal = "goal"
    roadmap = "roadmap"
    session_record = "session_record"
    commitment = "commitment"
    process_change = "process_change"
    place_metric = "place_metric"
    spending = "spending"
    anchor_commitment = "anchor_commitment"
    recommendation = "recommendation"
    endorsement = "endorsement"
    survey = "survey"
    impact_report = "impact_report"
    regional_report = "regional_report"
    highlight = "highlight"


@dataclass(frozen=True)
class Access:
    """The roles that may read and the roles that may write one kind of record (admins always may)."""

    read: tuple[Role, ...]
    write: tuple[Role, ...]


R = Role
EVERY_ROLE = tuple(r for r in Role if r is not Role.admin)
PLANNING = Access(
    read=(R.procurement_officer, R.equity_program_manager, R.executive_lead, R.alliance_lead),
    write=(R.procurement_officer, R.equity_program_manager),
)

ACCESS: dict[Record, Access] = {
    Record.cohort: Access(read=EVERY_ROLE, write=(R.alliance_lead,)),
    Record.jurisdiction: Access(read=EVERY_ROLE, write=(R.alliance_lead,)),
    # enrolling a team in a cohort
    Record.team: Access(read=EVERY_ROLE, write=(R.alliance_lead, R.equity_program_manager)),
    # registering people and giving them a role in a jurisdiction
    Record.person: Access(
        read=(R.alliance_lead, R.equity_program_manager), write=(R.alliance_lead, R.equity_program_manager)
    ),
    # giving someone a regional role (alliance lead, admin): administrators only
    Record.regional_role: Access(read=(R.alliance_lead,), write=()),
    Record.assessment: Access(read=EVERY_ROLE, write=(R.equity_program_manager,)),
    Record.barrier: PLANNING,
    # setting any status to correct one set by mistake (even a final one), with a reason
    Record.barrier_correction: Access(read=PLANNING.read, write=(R.equity_program_manager,)),
    Record.community_input: PLANNING,
    Record.engagement: PLANNING,
    Record.goal: PLANNING,
    Record.roadmap: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.procurement_officer),
    ),
    # running a session (its flow records the session): the team's program manager, or the alliance
    # lead who runs the cohort; every member reads where the team is
    Record.session_record: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.alliance_lead),
    ),
    # recording who signed the team's commitment (session 1)
    Record.commitment: Access(read=EVERY_ROLE, write=(R.equity_program_manager,)),
    # candidate process changes: proposed, scored and ranked by the team (session 3)
    Record.process_change: PLANNING,
    # place-level health equity metrics and the counties a jurisdiction covers (session 5)
    Record.place_metric: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.alliance_lead),
    ),
    # contracts, payments and vendors imported, and the impact-spending baseline (session 6)
    Record.spending: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.procurement_officer, R.finance, R.equity_program_manager),
    ),
    # anchor commitments to hire, buy, invest and partner locally (session 7)
    Record.anchor_commitment: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.executive_lead, R.procurement_officer),
    ),
    # the regional policy recommendation (session 8): alliance leads draft it, everyone reads it
    Record.recommendation: Access(read=EVERY_ROLE, write=(R.alliance_lead,)),
    # a jurisdiction endorsing (or withdrawing its endorsement of) a recommendation
    Record.endorsement: Access(read=EVERY_ROLE, write=(R.equity_program_manager, R.executive_lead)),
    # the partner survey of a cohort: alliance leads issue and import it; the teams read its results
    Record.survey: Access(
        read=(R.equity_program_manager, R.executive_lead, R.procurement_officer, R.finance, R.alliance_lead),
        write=(R.alliance_lead,),
    ),
    # the jurisdiction impact report (session 9): compiled by the team's program manager or an alliance lead
    Record.impact_report: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.alliance_lead),
    ),
    # the regional impact report: only an alliance lead compiles it
    Record.regional_report: Access(read=(R.alliance_lead,), write=(R.alliance_lead,)),
    # highlights and quotes the team enters for its impact report, and whether it is named regionally
    Record.highlight: Access(
        read=(R.equity_program_manager, R.procurement_officer, R.executive_lead, R.finance, R.alliance_lead),
        write=(R.equity_program_manager, R.executive_lead),
    ),
}

Action = Literal["read", "write"]


class Place(Protocol):
    """What a permission check needs of a jurisdiction."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """A person and their role assignments: (role, jurisdiction id or None for regional)."""

    person_id: int
    email: str
    name: str
    roles: frozenset[tuple[Role, int | None]]

    def has(self, role: Role, jurisdiction_id: int | None = None) -> bool:
        """True when the actor holds ``role`` regionally or in that jurisdiction."""
        return (role, None) in self.roles or (jurisdiction_id is not None and (role, jurisdiction_id) in self.roles)

    @property
    def is_admin(self) -> bool:
        return self.has(Role.admin)

    def jurisdictions(self) -> set[int]:
        return {j for _, j in self.roles if j is not None}


def roles_for(action: Action, record: Record) -> tuple[Role, ...]:
    access = ACCESS[record]
    return access.read if action == "read" else access.write


def may(actor: Actor, action: Action, record: Record, place: Place | None = None, anywhere: bool = False) -> bool:
    """True when the table lets ``actor`` do ``action`` on ``record``: with a role held in ``place``
    or regionally, or, for records shared by everyone (``anywhere``), with a role held anywhere."""
    if actor.is_admin:
        return True
    roles = roles_for(action, record)
    if anywhere:
        return any(role in roles for role, _ in actor.roles)
    jurisdiction_id = place.id if place is not None else None
    return any(actor.has(role, jurisdiction_id) for role in roles)


def require(
    actor: Actor, action: Action, record: Record, place: Place | None = None, doing: str = "", anywhere: bool = False
) -> None:
    """Refuse unless the table lets ``actor`` do ``action`` on ``record``; the refusal names who may.

    ``doing`` says it in words ("change the barriers of Alder County")."""
    if may(actor, action, record, place, anywhere):
        return
    what = doing or f"{action} {record.value.replace('_', ' ')} records"
    raise PermissionDenied(f"{actor.email} may not {what}. Only {who_may(roles_for(action, record), place)} may.")


def who_may(roles: Iterable[Role], place: Place | None) -> str:
    names = []
    for role in roles:
        where = "" if role.regional or place is None else f" of {place.name}"
        names.append(f"{'an' if role.label[0] in 'aeiou' else 'a'} {role.label}{where}")
    names.append("an admin")
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
