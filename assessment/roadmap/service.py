"""Numbered action-roadmap versions: each build is a snapshot kept for comparison.

Who may build and who may see a team's roadmap is the core permission table's ``Record.roadmap``
row; every function here checks it before touching a version.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, func, select

from assessment.cohorts.models import Jurisdiction, Team
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import Conflict, NotFound
from assessment.core.faults import fault_of
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Action, Actor, Record, require
from assessment.roadmap.diff import diff
from assessment.roadmap.models import RoadmapDiff, RoadmapVersion, VersionPublic
from assessment.roadmap.snapshot import roadmap_view
from assessment.roadmap.view import RoadmapView

# Lays a view out in a folder (the build's own staging folder) and returns the files it wrote.
LayOut = Callable[[RoadmapView, Path], list[Path]]
# The prefix of a build's staging folder inside the output folder.
STAGING = ".building-"
# How many times a build whose number a simultaneous build took snapshots and renders again.
ATTEMPTS = 5


def _team(session: Session, actor: Actor, action: Action, jurisdiction: str, cohort: str) -> tuple[Team, Jurisdiction]:
    """The team, once the table lets the actor build (write) or see (read) its roadmap."""
    team, place, _ = get_team(session, jurisdiction, cohort)
    doing = f"build {place.name}'s action roadmap" if action == "write" else f"see {place.name}'s action roadmap"
    require(actor, action, Record.roadmap, place, doing)
    return team, place


def next_version(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> int:
    """The number the next build will get, once the actor is known to be allowed to build."""
    team, _ = _team(session, actor, "write", jurisdiction, cohort)
    latest = session.exec(select(func.max(RoadmapVersion.number)).where(RoadmapVersion.team_id == team.id)).one()
    return (latest or 0) + 1


def record_version(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    cohort: str,
    number: int,
    built_at: datetime,
    content: dict[str, object],
    formats: list[str],
) -> VersionPublic:
    """Keep a build; two builds racing for the same number fail on the unique constraint, not silently."""
    team, place = _team(session, actor, "write", jurisdiction, cohort)
    version = RoadmapVersion(
        team_id=row_id(team),
        number=number,
        built_at=built_at,
        built_by=actor.email,
        formats=",".join(formats),
        content=json.dumps(content, ensure_ascii=False, default=str),
    )
    session.add(version)
    session.flush()
    previous = number - 1 if number > 1 else None
    note = f"built as {', '.join(formats)}"
    history.record(session, actor.email, "roadmap", row_id(team), "version", previous, number, note, place.id)
    return VersionPublic.of(version)


def build_version(
    actor_email: str, jurisdiction: str, cohort: str, formats: list[str], out: Path, lay_out: LayOut
) -> tuple[RoadmapView, list[Path]]:
    """Snapshot the team's plan under the next number, lay it out and keep it: the version and its
    files in ``out`` appear together or not at all.

    Each attempt lays the view out in a staging folder of its own inside ``out``; the files take
    their final names only in the transaction that records the version, once its row holds the
    number. A build whose number a simultaneous build took snapshots and lays out again under the
    next one (the number is printed in the files), so it never writes over the other's files.
    """
    for _ in range(ATTEMPTS):
        with transaction() as session:
            actor = resolve_actor(session, actor_email)
            number = next_version(session, actor, jurisdiction, cohort)
            view = roadmap_view(session, actor, jurisdiction, cohort, number, utcnow())
        with _staging(out) as staging:
            files = _keep(actor_email, view, formats, lay_out(view, staging), out)
        if files is not None:
            return view, files
    raise Conflict(
        f"Other builds of {jurisdiction}'s action roadmap took the next version number {ATTEMPTS} times in a row "
        "while this one was rendering, so this build was not kept; run it again."
    )


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A new folder inside ``out`` (made if need be) to lay a build out in, removed with whatever is
    left in it when the block ends; a file that could not be written is said as the file in ``out``
    it was for, since the staging folder is gone by the time anyone reads that."""
    staging: Path | None = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
        yield staging
    except OSError as error:
        if error.errno is None or (error.filename is not None and STAGING not in str(error.filename)):
            raise
        staged = error.filename is not None and Path(error.filename).parent.name.startswith(STAGING)
        said = OSError(error.errno, error.strerror, str(out / Path(error.filename).name if staged else out))
        raise (fault_of(said) or said) from error
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _keep(actor_email: str, view: RoadmapView, formats: list[str], staged: list[Path], out: Path) -> list[Path] | None:
    """Record the view as its version and move its staged files to their names in ``out``, in one
    transaction; None, with nothing kept, when a simultaneous build recorded that number first."""
    placed: list[Path] = []
    try:
        with transaction() as session:
            actor = resolve_actor(session, actor_email)
            content = view.model_dump(mode="json")
            record_version(
                session, actor, view.jurisdiction, view.cohort, view.version, view.built_at, content, formats
            )
            # The row is flushed: until this transaction ends, another build's insert of the same number
            # waits (PostgreSQL) or cannot take the write lock (SQLite), so no one else writes these names.
            try:
                for file in staged:
                    placed.append(_move(file, out / file.name))
                session.commit()
            except BaseException:
                # before the rollback frees the number for a build that may be waiting for it
                for path in placed:
                    path.unlink(missing_ok=True)
                raise
    except (IntegrityError, OperationalError) as error:
        if _number_taken(error):
            return None
        raise
    return placed


def _move(file: Path, target: Path) -> Path:
    """``file`` renamed to ``target`` (replacing a file left there by an earlier database); a failure
    names the target, the file a person asked for."""
    try:
        return file.replace(target)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(target)) from error


def _number_taken(error: IntegrityError | OperationalError) -> bool:
    """Whether a simultaneous build took the number: the unique (team, number) of a version, or
    SQLite refusing a write begun on a snapshot older than that build's commit."""
    said = str(error.orig)
    if isinstance(error, IntegrityError):
        return "roadmap_version" in said
    return "database is locked" in said


def list_versions(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[VersionPublic]:
    """Every stored build of the team's roadmap, oldest first."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    return [VersionPublic.of(v) for v in _versions(session, team)]


def get_roadmap(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int | None = None
) -> RoadmapView:
    """The view model of a stored build, as it was built: ``number``, or the latest."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    return RoadmapView.model_validate_json(_pick(_versions(session, team), number, jurisdiction, cohort).content)


def compare_versions(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, number: int | None = None
) -> RoadmapDiff:
    """What changed from the version before ``number`` (default: the latest) to ``number``.

    The first version has nothing before it: ``previous`` is None and there are no changes."""
    team, _ = _team(session, actor, "read", jurisdiction, cohort)
    versions = _versions(session, team)
    after = _pick(versions, number, jurisdiction, cohort)
    if after.number == 1:
        return RoadmapDiff(version=after.number, previous=None, changes=[])
    before = _pick(versions, after.number - 1, jurisdiction, cohort)
    changes = diff(RoadmapView.model_validate_json(before.content), RoadmapView.model_validate_json(after.content))
    return RoadmapDiff(version=after.number, previous=before.number, changes=changes)


def _versions(session: Session, team: Team) -> list[RoadmapVersion]:
    """The team's stored builds, oldest first."""
    query = select(RoadmapVersion).where(RoadmapVersion.team_id == team.id)
    return list(session.exec(query.order_by(col(RoadmapVersion.number))))


def _pick(versions: list[RoadmapVersion], number: int | None, jurisdiction: str, cohort: str) -> RoadmapVersion:
    """The build ``number`` among ``versions``, or the latest; NotFound says which exist."""
    if not versions:
        raise NotFound(
            f"No action roadmap has been built for {jurisdiction} in {cohort} yet; run `accelerator roadmap build`."
        )
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(f"There is no roadmap version {number}; versions are 1 to {versions[-1].number}.")
