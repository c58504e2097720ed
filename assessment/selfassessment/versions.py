"""The rubric versions assessments are scored with: kept on first use, refused once changed (scores
made with different texts would not compare), and read back to title a stored result."""

from __future__ import annotations

import json

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.permissions import Actor
from assessment.selfassessment.models import Assessment, RubricVersion
from assessment.selfassessment.rubric import Rubric, parse_rubric


def registered(rubric: Rubric) -> SelectOfScalar[RubricVersion]:
    """The query for ``rubric``'s registered version."""
    return select(RubricVersion).where(RubricVersion.rubric_id == rubric.id, RubricVersion.version == rubric.version)


def unchanged(used: RubricVersion, rubric: Rubric) -> RubricVersion:
    """``used``, the registered version of ``rubric``; refused when the content changed since."""
    if used.content_hash != rubric.content_hash:
        raise ValidationFailed(
            f"The rubric {rubric.id} version {rubric.version} was changed after it was first used "
            f"({used.first_used_at:%Y-%m-%d}); scores made with it would no longer be comparable.",
            [
                Problem(
                    f"rubric {rubric.id} {rubric.version}",
                    f"content hash {used.content_hash[:12]} when first used, {rubric.content_hash[:12]} now.",
                    "Restore the rubric file as it was, or save the changed rubric with a new version number.",
                )
            ],
        )
    return used


def check_rubric(session: Session, rubric: Rubric) -> RubricVersion | None:
    """The registered version of ``rubric``; refused when its content changed since first use."""
    used = session.exec(registered(rubric)).first()
    return None if used is None else unchanged(used, rubric)


def register_rubric(session: Session, rubric: Rubric, actor: Actor) -> RubricVersion:
    """The stored version of ``rubric``, kept on its first use; when several runs use it first at
    the same moment, the first to save it keeps it and the others read that one."""
    used = check_rubric(session, rubric)
    if used is not None:
        return used
    # Another run may store it between the check and this insert (PostgreSQL makes the insert wait
    # for that run's commit): the insert then does nothing. Not a SAVEPOINT around a plain insert:
    # SQLite's driver opens the transaction only at the first write, so that savepoint would be the
    # outermost one and releasing it would commit the run's work before the run ends.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.exec(
        dialect.insert(RubricVersion)
        .values(
            rubric_id=rubric.id,
            version=rubric.version,
            content_hash=rubric.content_hash,
            title=rubric.title,
            content=json.dumps(rubric.model_dump(mode="json"), ensure_ascii=False),
            first_used_at=utcnow(),
            first_used_by=actor.email,
        )
        .on_conflict_do_nothing(index_elements=["rubric_id", "version"])
    )
    return unchanged(session.exec(registered(rubric)).one(), rubric)


def stored_rubric(session: Session, assessment: Assessment) -> Rubric:
    """The rubric version an assessment was scored with, as it was first used."""
    used = session.exec(
        select(RubricVersion).where(
            RubricVersion.rubric_id == assessment.rubric_id, RubricVersion.version == assessment.rubric_version
        )
    ).one()
    return parse_rubric(json.loads(used.content), f"stored rubric {used.rubric_id} {used.version}")
