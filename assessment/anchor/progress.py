"""Where a commitment stands: the latest typed value of its measure, or, for a buy commitment
that follows a spending metric, the metric computed from the team's imported spending."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, select

from assessment.anchor.models import AnchorCommitment, AnchorMeasure, CommitmentStatus, Progress
from assessment.anchor.spend import BY_KEY, is_computed, spend_value
from assessment.cohorts.models import Team
from assessment.core.fields import row_id
from assessment.core.history import as_text
from assessment.goals.progress import measure_share

NO_SPEND = "no spend imported yet"
# A computed value is kept to the places a typed one may have (VALUE: four after the point).
PLACES = Decimal("0.0001")


def measures_of(session: Session, commitment_id: int) -> list[AnchorMeasure]:
    """The commitment's typed values, oldest first (by the day they are as of, then as recorded)."""
    query = select(AnchorMeasure).where(AnchorMeasure.commitment_id == commitment_id)
    return list(session.exec(query.order_by(col(AnchorMeasure.as_of), col(AnchorMeasure.id))))


def is_measurable(commitment: AnchorCommitment) -> bool:
    """True when progress toward the commitment can be measured: it has a measure, a baseline and
    a target, and it is not dropped."""
    return (
        bool(commitment.measure)
        and commitment.baseline_value is not None
        and commitment.status != CommitmentStatus.dropped.value
    )


def metric_value(session: Session, key: str, team: Team) -> Decimal | None:
    """The spending metric ``key`` for ``team``, to the places a typed value has (None while no
    spend is imported)."""
    value = spend_value(session, key, team)
    return None if value is None else value.quantize(PLACES)


def progress_of(session: Session, commitment: AnchorCommitment) -> Progress:
    """How far the commitment has come, from its baseline toward its target."""
    unit = f" {commitment.unit}" if commitment.unit else ""
    baseline, target = commitment.baseline_value, commitment.target_value
    key = commitment.spend_metric
    if key is not None:
        team = session.get(Team, commitment.team_id)
        assert team is not None  # the foreign key keeps it
        value = metric_value(session, key, team)
        label = BY_KEY[key].label
        if value is None:
            said = NO_SPEND if is_computed(key) else f"{NO_SPEND} ({label} is not computed by this installation)"
        else:
            said = f"{as_text(value)}{unit} from imported spend ({label})"
        return Progress(
            source="spend", value=as_text(value), as_of=None, share=measure_share(baseline, target, value), said=said
        )
    measures = measures_of(session, row_id(commitment))
    if not measures:
        return Progress(source="typed", value=None, as_of=None, share=None, said="no value recorded yet")
    latest = measures[-1]
    return Progress(
        source="typed",
        value=as_text(latest.value),
        as_of=latest.as_of,
        share=measure_share(baseline, target, latest.value),
        said=f"{as_text(latest.value)}{unit} as of {latest.as_of.isoformat()}",
    )
