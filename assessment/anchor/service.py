"""Anchor commitments (session 7): make, read and change them, version-checked through the core
mechanism, with history. Typed measured values and the combined change are in ``measures``.

Rules checked against the whole record, at creation and at every change: the owner is a member
of the jurisdiction's team (holds a role there); only a buy commitment may follow a spending
metric, measured in the metric's unit; a commitment says what it measures (a tied one measures
its metric); the target differs from the baseline. The status follows ``lifecycle``."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlmodel import Session, col, select

from assessment.anchor.lifecycle import status_problem
from assessment.anchor.models import AnchorCategory, AnchorCommitment, CommitmentPublic, CommitmentStatus
from assessment.anchor.progress import metric_value, progress_of
from assessment.anchor.shapes import CommitmentCreate, CommitmentUpdate
from assessment.anchor.spend import BY_KEY
from assessment.cohorts.jurisdictions import jurisdiction_of
from assessment.cohorts.models import Cohort, Jurisdiction, RoleAssignment, Team
from assessment.cohorts.people import email_of, find_person
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import NotFound, Problem, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.history import HistoryEntry, as_text
from assessment.core.permissions import Actor, Place, Record, require
from assessment.core.shapes import parse_choice
from assessment.core.versioned import VersionedKind

COLUMNS = {"baseline": "baseline_value", "target": "target_value", "due": "due_on"}


def owner_problems(session: Session, place: Place, email: str | None) -> list[Problem]:
    """Why ``email`` may not own a commitment of ``place``: nobody has it, or they hold no role there."""
    if not email:
        return []
    person = find_person(session, email)
    if person is None:
        return [
            Problem(
                "owner",
                f"nobody with the email {email} is registered.",
                f'Register them with `accelerator person add {email} --name "..." --role ROLE '
                f'--jurisdiction "{place.name}"`, or name another --owner.',
            )
        ]
    held = session.exec(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == person.id, RoleAssignment.jurisdiction_id == place.id
        )
    ).first()
    if held is None:
        return [
            Problem(
                "owner",
                f"{person.name} <{person.email}> holds no role in {place.name}, so is not on its team; "
                f"a commitment of {place.name} is owned by a member of its team.",
                f"Name another --owner, or give them a role first with `accelerator person add {person.email} "
                f'--name "{person.name}" --role ROLE --jurisdiction "{place.name}"`.',
            )
        ]
    return []


def record_problems(values: dict[str, Any]) -> list[Problem]:
    """What the whole record (every editable field, as the shapes name them) may not be."""
    problems = []
    key = values["spend_metric"]
    if key is not None:
        metric = BY_KEY[key]
        category = AnchorCategory(values["category"])
        if category is not AnchorCategory.buy:
            problems.append(
                Problem(
                    "spend_metric",
                    f"only a buy commitment can follow a spending metric, and this is a "
                    f"{category.label.lower()} commitment.",
                    "Leave --spend-metric out (or clear it with --spend-metric ''), or make it a buy commitment "
                    "with --category buy.",
                )
            )
        if values["unit"] != metric.unit:
            problems.append(
                Problem(
                    "unit",
                    f"the {metric.label} is measured in {metric.unit}, not '{values['unit']}'.",
                    f"Give --unit '{metric.unit}'.",
                )
            )
    if not values["measure"]:
        problems.append(
            Problem(
                "measure",
                "is missing; a commitment says how its progress is measured.",
                "Give --measure, e.g. 'share of new hires who live in the county' (a buy commitment can follow "
                "a spending metric with --spend-metric instead).",
            )
        )
    if values["baseline"] is not None and values["baseline"] == values["target"]:
        problems.append(
            Problem("target", "equals the baseline; a commitment's target must differ from where it starts")
        )
    return problems


def baseline_warnings(commitment: AnchorCommitment) -> list[str]:
    """A warning while the commitment has no baseline: its progress can't be measured yet."""
    if commitment.baseline_value is not None:
        return []
    return [
        "The commitment has no baseline yet, so its progress can't be measured; "
        f"add it with `accelerator commitment update {row_id(commitment)} --baseline VALUE`."
    ]


class CommitmentKind(VersionedKind[AnchorCommitment]):
    """Anchor commitments as versioned records: the owner is stored by id."""

    table: ClassVar[type[AnchorCommitment]] = AnchorCommitment
    record = Record.anchor_commitment
    entity = "anchor_commitment"
    noun = "Commitment"
    plural = "anchor commitments"

    def not_found(self, row_id: int) -> NotFound:
        return NotFound(
            f"No anchor commitment with id {row_id}; list the team's commitments with "
            "`accelerator commitment list` to find its id."
        )

    def place_of(self, session: Session, row: AnchorCommitment) -> Jurisdiction:
        return jurisdiction_of(session, row.jurisdiction_id)

    def values_of(self, session: Session, row: AnchorCommitment) -> dict[str, Any]:
        """The commitment's editable fields as the shapes name them (owner as an email)."""
        return {
            "category": AnchorCategory(row.category),
            "statement": row.statement,
            "measure": row.measure,
            "baseline": row.baseline_value,
            "target": row.target_value,
            "unit": row.unit,
            "due": row.due_on,
            "owner": email_of(session, row.owner_id),
            "spend_metric": row.spend_metric,
            "status": CommitmentStatus(row.status),
        }

    def problems(
        self, session: Session, place: Place, current: dict[str, Any] | None, wanted: dict[str, Any], note: str
    ) -> list[Problem]:
        problems = owner_problems(session, place, wanted.get("owner"))
        problems += record_problems({**(current or {}), **wanted})
        if current is not None and "status" in wanted:
            refused = status_problem(current["status"], wanted["status"], note)
            if refused:
                problems.append(Problem("status", refused))
        return problems

    def columns(self, session: Session, field: str, new: object) -> dict[str, Any]:
        if field == "owner":
            person = find_person(session, str(new))
            return {"owner_id": person.id if person else None}
        if field == "status":
            return {"status": CommitmentStatus(str(new)).value}
        if field == "category":
            return {"category": AnchorCategory(str(new)).value}
        return {COLUMNS.get(field, field): new}


COMMITMENTS = CommitmentKind()


def public(session: Session, commitment: AnchorCommitment) -> CommitmentPublic:
    """The commitment as people and scripts read it: decimal values as exact text, with its
    progress and the warnings that still apply."""
    values = COMMITMENTS.values_of(session, commitment)
    cohort = select(Cohort.name).join(Team, col(Team.cohort_id) == col(Cohort.id)).where(Team.id == commitment.team_id)
    metric = BY_KEY.get(commitment.spend_metric) if commitment.spend_metric else None
    return CommitmentPublic(
        id=row_id(commitment),
        version=commitment.version,
        jurisdiction=COMMITMENTS.place_of(session, commitment).name,
        cohort=session.exec(cohort).one(),
        **{**values, "baseline": as_text(commitment.baseline_value), "target": as_text(commitment.target_value)},
        category_label=values["category"].label,
        spend_metric_label=metric.label if metric else None,
        status_label=values["status"].label,
        progress=progress_of(session, commitment),
        warnings=baseline_warnings(commitment),
        created_at=commitment.created_at,
        created_by=commitment.created_by,
        updated_at=commitment.updated_at,
        updated_by=commitment.updated_by,
    )


# --- reading ------------------------------------------------------------------------------------------


def get_commitment(session: Session, actor: Actor, commitment_id: int) -> CommitmentPublic:
    return public(session, COMMITMENTS.readable(session, actor, commitment_id))


def list_commitments(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, category: str | None = None
) -> list[CommitmentPublic]:
    """The team's commitments by category (hire, buy, invest, partner), then soonest due;
    only those of ``category`` (an id or a label) when it is given."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "read", Record.anchor_commitment, place, f"read the anchor commitments of {place.name}")
    query = select(AnchorCommitment).where(AnchorCommitment.team_id == team.id)
    if category is not None:
        wanted = parse_choice(AnchorCategory, category, "commitment category", "category")
        query = query.where(AnchorCommitment.category == wanted.value)
    order = list(AnchorCategory)
    rows = sorted(session.exec(query), key=lambda c: (order.index(AnchorCategory(c.category)), c.due_on, c.id))
    return [public(session, c) for c in rows]


def commitment_history(session: Session, actor: Actor, commitment_id: int) -> list[HistoryEntry]:
    """Every change of the commitment and every value typed for it, oldest first."""
    COMMITMENTS.readable(session, actor, commitment_id)
    return [HistoryEntry.of(e) for e in history.entries(session, COMMITMENTS.entity, commitment_id)]


# --- writing ------------------------------------------------------------------------------------------


def add_commitment(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, data: CommitmentCreate
) -> tuple[CommitmentPublic, list[str]]:
    """Make an anchor commitment for the team of ``jurisdiction`` in ``cohort`` (owned by the actor
    unless another owner is named); returns it and what the person should know (a baseline taken
    from imported spend, a baseline still missing).

    A commitment that follows a spending metric measures the metric, in its unit, unless told
    otherwise; without a baseline it starts from the metric's value when spending is imported."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.anchor_commitment, place, f"make anchor commitments for {place.name}")
    wanted: dict[str, Any] = {**data.model_dump(), "owner": data.owner or actor.email}
    said: list[str] = []
    if data.spend_metric is not None:
        metric = BY_KEY[data.spend_metric]
        wanted["measure"] = data.measure or metric.label
        wanted["unit"] = data.unit or metric.unit
        if data.baseline is None and data.category is AnchorCategory.buy:
            wanted["baseline"] = metric_value(session, data.spend_metric, team)
            if wanted["baseline"] is not None:
                said.append(
                    f"The baseline {as_text(wanted['baseline'])} {wanted['unit']} was taken from the team's "
                    f"imported spend ({metric.label})."
                )
    problems = COMMITMENTS.problems(session, place, None, wanted, "")
    if problems:
        raise not_saved("commitment", problems)
    owner = find_person(session, wanted["owner"])
    assert owner is not None  # owner_problems refused anyone else
    at = utcnow()
    commitment = AnchorCommitment(
        team_id=row_id(team),
        jurisdiction_id=row_id(place),
        category=data.category.value,
        statement=data.statement,
        measure=wanted["measure"],
        baseline_value=wanted["baseline"],
        target_value=data.target,
        unit=wanted["unit"],
        due_on=data.due,
        owner_id=row_id(owner),
        spend_metric=data.spend_metric,
        status=CommitmentStatus.not_started.value,
        created_at=at,
        created_by=actor.email,
        updated_at=at,
        updated_by=actor.email,
    )
    session.add(commitment)
    session.flush()
    said += baseline_warnings(commitment)
    created = [("created", None, commitment.statement)]
    history.record_changes(
        session, actor.email, COMMITMENTS.entity, row_id(commitment), place.id, created, " ".join(said), at
    )
    return public(session, commitment), said


def update_commitment(
    session: Session,
    actor: Actor,
    commitment_id: int,
    changes: CommitmentUpdate,
    expected_version: int | None,
    note: str = "",
) -> tuple[CommitmentPublic, list[str]]:
    """Change a commitment's fields and/or status as one new version with its history; returns it
    and any notices. ``expected_version`` is the version the person read (None: the change applies
    to the latest version, with a notice when it replaced a value someone saved meanwhile)."""
    saved = COMMITMENTS.update(session, actor, commitment_id, changes.changes(), expected_version, note)
    return public(session, saved.row), saved.notices
