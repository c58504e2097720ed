"""A commitment's typed measured values, and a change of its fields with a new value as one unit
of work. A buy commitment that follows a spending metric takes no typed value: its progress is
computed from the team's imported spend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from assessment.anchor.models import AnchorCommitment, AnchorMeasure, CommitmentPublic
from assessment.anchor.progress import measures_of
from assessment.anchor.service import COMMITMENTS, get_commitment, public, update_commitment
from assessment.anchor.shapes import CommitmentUpdate, MeasureCreate
from assessment.anchor.spend import BY_KEY
from assessment.cohorts.models import Jurisdiction
from assessment.core import history
from assessment.core.errors import Conflict, Problem, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, require
from assessment.core.shapes import validate


def _writable(session: Session, actor: Actor, commitment_id: int) -> tuple[AnchorCommitment, Jurisdiction]:
    commitment = COMMITMENTS.load(session, commitment_id)
    place = COMMITMENTS.place_of(session, commitment)
    require(actor, "write", COMMITMENTS.record, place, f"change the {COMMITMENTS.plural} of {place.name}")
    return commitment, place


def record_measure(
    session: Session,
    actor: Actor,
    commitment_id: int,
    value: Decimal | str | float,
    as_of: date | None = None,
    note: str = "",
) -> CommitmentPublic:
    """Record the commitment's measure as of a day (today by default); the latest value counts.
    Refused for a commitment that follows a spending metric, naming the metric."""
    commitment, place = _writable(session, actor, commitment_id)
    if commitment.spend_metric is not None:
        metric = BY_KEY[commitment.spend_metric]
        raise ValidationFailed(
            f"The value was not saved: commitment {commitment_id} follows the spending metric "
            f"'{metric.label}' ({metric.key}), so its progress is computed from the team's imported spend.",
            [
                Problem(
                    "value",
                    f"a value can't be typed for a commitment that follows {metric.label}.",
                    "Import the team's spending to move it, or stop following the metric with "
                    f"`accelerator commitment update {commitment_id} --spend-metric ''` to type values instead.",
                )
            ],
        )
    data = validate(MeasureCreate, {"value": value, "as_of": as_of, "note": note}, "measured value")
    typed = measures_of(session, commitment_id)
    at = utcnow()
    measure = AnchorMeasure(
        commitment_id=row_id(commitment),
        value=data.value,
        as_of=data.as_of or at.date(),
        note=data.note,
        recorded_by=actor.email,
        recorded_at=at,
    )
    session.add(measure)
    session.flush()
    remark = f"as of {measure.as_of.isoformat()}" + (f": {data.note}" if data.note else "")
    before = typed[-1].value if typed else None
    history.record(
        session,
        actor.email,
        COMMITMENTS.entity,
        row_id(commitment),
        "measure_value",
        before,
        data.value,
        remark,
        place.id,
        at,
    )
    return public(session, commitment)


def change_commitment(
    session: Session,
    actor: Actor,
    commitment_id: int,
    changes: CommitmentUpdate | None,
    expected_version: int | None,
    note: str = "",
    value: Decimal | str | float | None = None,
    as_of: date | None = None,
) -> tuple[CommitmentPublic, list[str]]:
    """Change a commitment's fields or status and/or record its measure's latest value, as one unit
    of work (the fields first, so a change that stops following a metric lets a value be typed);
    returns the commitment as it now is and any notices. A value alone is still refused when the
    commitment changed since ``expected_version``."""
    notices: list[str] = []
    if changes is not None and changes.changes():
        _, notices = update_commitment(session, actor, commitment_id, changes, expected_version, note)
    elif expected_version is not None:
        commitment, _ = _writable(session, actor, commitment_id)
        if commitment.version != expected_version:
            raise Conflict(COMMITMENTS.stale_message(session, commitment, expected_version))
    if value is not None:
        record_measure(session, actor, commitment_id, value, as_of, note)
    return get_commitment(session, actor, commitment_id), notices
