"""Rescheduling a cohort's sessions: one session to another date, or it and every later session
by the same number of days. The sessions keep their order, and every move is in the cohort's
history (old date to new date)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update as sql_update
from sqlmodel import Session, col

from assessment.cohorts.models import Cohort, CohortSession, Rescheduled, SessionMove, SessionPublic
from assessment.cohorts.service import get_cohort, sessions_of
from assessment.core import history
from assessment.core.errors import Conflict, Problem, ValidationFailed, not_saved
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require

COHORT = "cohort"


def session_field(number: int) -> str:
    """The history's name for a session's date."""
    return f"session {number} date"


def reschedule(
    session: Session,
    actor: Actor,
    cohort_name: str,
    number: int,
    on: date,
    shift_later: bool = False,
    note: str = "",
) -> Rescheduled:
    """Move session ``number`` to ``on``; with ``shift_later`` the sessions after it move by the same
    number of days. A date that would put the sessions out of order is refused, naming the
    session in the way; a move to the date a session already has changes nothing."""
    cohort = get_cohort(session, cohort_name)
    require(actor, "write", Record.cohort, None, f"reschedule the sessions of {cohort.name}")
    sessions = sessions_of(session, cohort)
    target = next((s for s in sessions if s.number == number), None)
    if target is None:
        numbers = f"{sessions[0].number} to {sessions[-1].number}" if sessions else "none"
        raise ValidationFailed(f"{cohort.name} has no session {number}; its sessions are numbered {numbers}.")
    planned = plan(cohort, sessions, target, on, shift_later)
    refused = out_of_order(sessions, planned, target, shift_later)
    if refused:
        raise not_saved(f"new date of session {number}", refused)
    moves = [(s, s.scheduled_on, planned[s.number]) for s in sessions if s.scheduled_on != planned[s.number]]
    at = utcnow()
    for row, old, new in moves:
        move(session, cohort, row, old, new)
    changes: list[tuple[str, object, object]] = [(session_field(row.number), old, new) for row, old, new in moves]
    if moves and target is sessions[0] and cohort.start_date != on:  # a cohort starts with its first session
        changes.append(("start_date", cohort.start_date, on))
        cohort.start_date = on
        session.add(cohort)
    history.record_changes(session, actor.email, COHORT, row_id(cohort), None, changes, note, at)
    return Rescheduled(
        cohort=cohort.name,
        moved=[SessionMove(number=row.number, title=row.title, old=old, new=new) for row, old, new in moves],
        sessions=[SessionPublic.model_validate(s, from_attributes=True) for s in sessions],
    )


def plan(
    cohort: Cohort, sessions: list[CohortSession], target: CohortSession, on: date, shift_later: bool
) -> dict[int, date | None]:
    """Every session's date after the move, by number (sessions without a date keep none)."""
    planned = {s.number: s.scheduled_on for s in sessions}
    planned[target.number] = on
    if not shift_later:
        return planned
    if target.scheduled_on is None:
        raise ValidationFailed(
            f"Session {target.number} of {cohort.name} has no date yet, so there is no number of days to move "
            "the later sessions by. Set its date without --shift-later, then move it again with it."
        )
    days = on - target.scheduled_on
    for s in sessions:
        if s.number > target.number and s.scheduled_on is not None:
            planned[s.number] = s.scheduled_on + days
    return planned


def out_of_order(
    sessions: list[CohortSession], planned: dict[int, date | None], target: CohortSession, shift_later: bool
) -> list[Problem]:
    """What stands in the way of the planned dates: each session must come after the one before."""
    on = planned[target.number]
    dated = [(s, day) for s in sessions if (day := planned[s.number]) is not None]
    earlier = [(s, day) for s, day in dated if s.number < target.number]
    later = [(s, day) for s, day in dated if s.number > target.number]
    where = f"session {target.number}"
    problems = []
    if on is not None and earlier and on <= earlier[-1][1]:
        before, day = earlier[-1]
        problems.append(
            Problem(
                where,
                f"{on.isoformat()} is not after session {before.number} ({before.title}) on {day.isoformat()}.",
                f"Pick a date after {day.isoformat()}, or move session {before.number} first.",
            )
        )
    # With --shift-later the later sessions move along, so they stay after it.
    if on is not None and later and not shift_later and on >= later[0][1]:
        after, day = later[0]
        problems.append(
            Problem(
                where,
                f"{on.isoformat()} is not before session {after.number} ({after.title}) on {day.isoformat()}.",
                f"Pick a date before {day.isoformat()}, or add --shift-later to move the later sessions "
                "by the same number of days.",
            )
        )
    return problems


def move(session: Session, cohort: Cohort, row: CohortSession, old: date | None, new: date | None) -> None:
    """Write one session's new date, only while it still has the date this move was planned from:
    two people rescheduling at once cannot both win, and the loser is told who moved it."""
    scheduled = col(CohortSession.scheduled_on)
    statement = (
        sql_update(CohortSession)
        .where(col(CohortSession.id) == row.id, scheduled.is_(None) if old is None else scheduled == old)
        .values(scheduled_on=new)
        .execution_options(synchronize_session=False)
    )
    if session.exec(statement).rowcount != 1:
        field = session_field(row.number)
        moved = [e for e in history.entries(session, COHORT, row_id(cohort)) if e.field == field]
        who = f" by {moved[-1].actor}" if moved else ""
        raise Conflict(
            f"Session {row.number} of {cohort.name} was rescheduled{who} while you were moving it; nothing was "
            f'saved. See its dates with `accelerator cohort show "{cohort.name}"` and try again.'
        )
    session.refresh(row)
