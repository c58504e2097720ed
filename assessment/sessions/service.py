"""Running a session for a team: what it needs, what it records, and where every team stands.

A session's flow asks ``readiness`` (refused, naming each missing input, before anything is done),
does the session's work, then ``record_session``: the team's session record (held on, attendees
from the roster, deliverables done and missing, notes), written once and updated on a re-run,
never duplicated, each change in the history. ``board`` is the cohort's view of every team ×
session as done, ready or blocked."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import Cohort, CohortSession, Jurisdiction, Team
from assessment.cohorts.sequence import SessionSpec, load_sequence
from assessment.cohorts.service import get_cohort, get_team
from assessment.core import history
from assessment.core.errors import NotFound, PermissionDenied, Problem, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, may, require
from assessment.sessions.facts import FACTS, Fact, TeamAt, check, members, required_roles
from assessment.sessions.models import SessionRecord, SessionRecordPublic

State = Literal["done", "ready", "blocked"]


def spec_of(number: int) -> SessionSpec:
    """Session ``number`` of the sequence; the sequence's facts are checked once, here."""
    sequence = load_sequence()
    unknown = [
        Problem(f"session {s.number}", f"names '{key}', which is not a fact the product checks")
        for s in sequence.sessions
        for key in [*s.needs, *(d.key for d in s.deliverables)]
        if key not in FACTS
    ]
    if unknown:
        raise ValidationFailed("The session sequence file names facts the product does not know:", unknown)
    for spec in sequence.sessions:
        if spec.number == number:
            return spec
    numbers = ", ".join(str(s.number) for s in sequence.sessions)
    raise NotFound(f"There is no session {number}; the sessions are {numbers}.")


def _team(session: Session, actor: Actor, action: Literal["read", "write"], jurisdiction: str, cohort: str) -> TeamAt:
    team, place, group = get_team(session, jurisdiction, cohort)
    doing = "run the sessions" if action == "write" else "see the sessions"
    require(actor, action, Record.session_record, place, f"{doing} of {place.name}")
    return TeamAt(team, place, group)


def team_to_run(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> TeamAt:
    """The team whose sessions ``actor`` may run, and so whose journey they may answer (its equity
    program manager, an alliance lead); refused, naming who may, for anyone else."""
    return _team(session, actor, "write", jurisdiction, cohort)


class RosterCoverage(BaseModel):
    """Session 1's roster check for a team: the required roles covered and missing, and what to do."""

    covered: list[str]  # role labels, in the order the check lists them
    missing: list[str]
    fix: str  # how to add the missing roles ("" when none is missing)


def roster_coverage(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> RosterCoverage:
    """Which of the cross-departmental roles the team must cover it does, and which it lacks (read
    permission on the team's sessions is enough to ask)."""
    at = _team(session, actor, "read", jurisdiction, cohort)
    roles = required_roles(session, at.place)
    fact = check("roster_check", session, at)
    return RosterCoverage(
        covered=[role.label for role, covered in roles.items() if covered],
        missing=[role.label for role, covered in roles.items() if not covered],
        fix="" if fact.holds else fact.fix,
    )


class Readiness(BaseModel):
    """What a session needs and whether each holds for the team."""

    number: int
    title: str
    ready: bool
    needs: dict[str, str]  # fact → what shows it, or what is missing and what to do


def _missing(spec: SessionSpec, facts: dict[str, Fact]) -> list[Problem]:
    return [
        Problem(key.replace("_", " "), f"{fact.said};", f"{fact.fix}.") for key, fact in facts.items() if not fact.holds
    ]


def readiness(session: Session, actor: Actor, number: int, jurisdiction: str, cohort: str) -> Readiness:
    """Whether the team may run session ``number`` now (read permission is enough to ask)."""
    spec = spec_of(number)
    at = _team(session, actor, "read", jurisdiction, cohort)
    facts = {key: check(key, session, at) for key in spec.needs}
    return Readiness(
        number=spec.number,
        title=spec.title,
        ready=all(f.holds for f in facts.values()),
        needs={key: f.said if f.holds else f"{f.said}; {f.fix}" for key, f in facts.items()},
    )


def require_ready(session: Session, actor: Actor, number: int, jurisdiction: str, cohort: str) -> TeamAt:
    """The team, once the actor may run session ``number`` for it and every input it needs is
    there; otherwise ValidationFailed naming every missing input (nothing is recorded)."""
    spec = spec_of(number)
    at = _team(session, actor, "write", jurisdiction, cohort)
    problems = _missing(spec, {key: check(key, session, at) for key in spec.needs})
    if problems:
        raise ValidationFailed(
            f"Session {spec.number} ({spec.title}) cannot be run for {at.place.name} yet; nothing was recorded. "
            "It needs:",
            problems,
        )
    return at


def scheduled_on(session: Session, cohort: Cohort, number: int) -> date | None:
    dated = session.exec(
        select(CohortSession).where(CohortSession.cohort_id == cohort.id, CohortSession.number == number)
    ).first()
    return dated.scheduled_on if dated else None


def record_session(
    session: Session,
    actor: Actor,
    number: int,
    jurisdiction: str,
    cohort: str,
    *,
    held_on: date | None = None,
    attendees: list[str] | None = None,
    notes: str | None = None,
    done: dict[str, str] | None = None,
) -> SessionRecordPublic:
    """Record (or, on a re-run, update) the team's session: its deliverables as they stand now,
    plus what the session's own work did (``done``: deliverable → what shows it).

    ``held_on`` defaults to the cohort's date for the session, else today; ``attendees`` to every
    member of the team (each must be one); ``notes`` left as they were when None."""
    spec = spec_of(number)
    at = require_ready(session, actor, number, jurisdiction, cohort)
    roster = members(session, at.place)
    given = [a.strip().lower() for a in attendees or [] if a.strip()]
    known = {email.lower(): email for email in roster}
    strangers = [a for a in given if a not in known]
    if strangers:
        raise ValidationFailed(
            f"Session {number} was not recorded; fix the attendees and try again:",
            [
                Problem(
                    "attendees",
                    f"{email} is not a member of {at.place.name}'s team",
                    "name people who hold a role in the jurisdiction (accelerator person list)",
                )
                for email in strangers
            ],
        )
    present = sorted(known[a] for a in dict.fromkeys(given)) if given else sorted(roster)
    delivered: dict[str, str] = {}
    missing: dict[str, str] = {}
    for deliverable in spec.deliverables:
        if done and deliverable.key in done:
            delivered[deliverable.key] = done[deliverable.key]
            continue
        fact = check(deliverable.key, session, at)
        if fact.holds:
            delivered[deliverable.key] = fact.said
        else:
            missing[deliverable.key] = f"{fact.said}; {fact.fix}"
    day = held_on or scheduled_on(session, at.cohort, number) or date.today()
    record = session.exec(
        select(SessionRecord).where(SessionRecord.team_id == at.team.id, SessionRecord.number == number)
    ).first()
    at_time = utcnow()
    if record is None:
        record = SessionRecord(
            team_id=row_id(at.team),
            jurisdiction_id=row_id(at.place),
            number=number,
            held_on=day,
            attendees=present,
            deliverables=delivered,
            missing=missing,
            notes=notes or "",
            created_by=actor.email,
            updated_by=actor.email,
        )
        session.add(record)
        session.flush()
        history.record(
            session,
            actor.email,
            "session_record",
            row_id(record),
            "session",
            None,
            number,
            notes or "",
            row_id(at.place),
            at_time,
        )
        return public(record, spec)
    wanted = {
        "held_on": held_on or record.held_on,
        "attendees": present if attendees is not None else record.attendees,
        "deliverables": delivered,
        "missing": missing,
        "notes": record.notes if notes is None else notes,
    }
    changes = [(field, getattr(record, field), new) for field, new in wanted.items() if getattr(record, field) != new]
    if changes:
        for field, _, new in changes:
            setattr(record, field, new)
        record.version += 1
        record.updated_at, record.updated_by = at_time, actor.email
        session.add(record)
        session.flush()
        history.record_changes(
            session, actor.email, "session_record", row_id(record), row_id(at.place), changes, "", at_time
        )
    return public(record, spec)


def public(record: SessionRecord, spec: SessionSpec) -> SessionRecordPublic:
    return SessionRecordPublic(
        number=record.number,
        title=spec.title,
        held_on=record.held_on,
        attendees=list(record.attendees),
        deliverables=dict(record.deliverables),
        missing=dict(record.missing),
        notes=record.notes,
        version=record.version,
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )


def session_records(session: Session, actor: Actor, jurisdiction: str, cohort: str) -> list[SessionRecordPublic]:
    """The team's session records, by session number."""
    at = _team(session, actor, "read", jurisdiction, cohort)
    rows = session.exec(
        select(SessionRecord).where(SessionRecord.team_id == at.team.id).order_by(col(SessionRecord.number))
    )
    return [public(row, spec_of(row.number)) for row in rows]


# --- the cohort board ---------------------------------------------------------------------------


class SessionState(BaseModel):
    number: int
    title: str
    state: State
    reasons: list[str]
    # the readiness checks (sequence keys) a blocked session waits for: pages link to where each is done
    unmet: list[str] = Field(default_factory=list, exclude=True)


class TeamProgress(BaseModel):
    jurisdiction: str
    sessions: list[SessionState]
    next_step: str


class Board(BaseModel):
    cohort: str
    teams: list[TeamProgress]


def _progress(session: Session, at: TeamAt) -> TeamProgress:
    recorded = {r.number: r for r in session.exec(select(SessionRecord).where(SessionRecord.team_id == at.team.id))}
    facts: dict[str, Fact] = {}

    def fact(key: str) -> Fact:
        if key not in facts:
            facts[key] = check(key, session, at)
        return facts[key]

    states = []
    for spec in load_sequence().sessions:
        record = recorded.get(spec.number)
        if record is not None:
            reasons = [f"held {record.held_on:%Y-%m-%d}"] + [f"missing: {m}" for m in record.missing.values()]
            states.append(SessionState(number=spec.number, title=spec.title, state="done", reasons=reasons))
            continue
        keys = [key for key in spec.needs if not fact(key).holds]
        unmet = [f"{fact(key).said}; {fact(key).fix}" for key in keys]
        state: State = "blocked" if unmet else "ready"
        states.append(SessionState(number=spec.number, title=spec.title, state=state, reasons=unmet, unmet=keys))
    return TeamProgress(jurisdiction=at.place.name, sessions=states, next_step=next_step(states, at))


def next_step(states: list[SessionState], at: TeamAt) -> str:
    """What the team does next: run the first session not done when it is ready, else meet the
    first thing it is blocked on."""
    for state in states:
        if state.state == "done":
            continue
        if state.state == "ready":
            return f"run session {state.number} ({state.title}): accelerator session run {state.number} {at.where}"
        return f"session {state.number} ({state.title}) is blocked: {state.reasons[0]}"
    return "all nine sessions are done"


def board(session: Session, actor: Actor, cohort: str, jurisdiction: str | None = None) -> Board:
    """Every team of the cohort the actor may see, each session done, ready or blocked with the
    reasons, and each team's next step. Alliance leads see every team; a team's members see theirs."""
    group, visible = _board_teams(session, actor, cohort, jurisdiction)
    return Board(cohort=group.name, teams=[_progress(session, at) for at in visible])


def board_page(session: Session, actor: Actor, cohort: str, start: int, size: int) -> tuple[Board, int]:
    """Teams ``start`` to ``start + size`` of the cohort board (in ``board``'s order), and how many
    teams the actor may see on it: a page of a cohort of thousands checks its own teams only."""
    group, visible = _board_teams(session, actor, cohort, None)
    shown = visible[max(start, 0) : max(start, 0) + size]
    return Board(cohort=group.name, teams=[_progress(session, at) for at in shown]), len(visible)


def _board_teams(session: Session, actor: Actor, cohort: str, jurisdiction: str | None) -> tuple[Cohort, list[TeamAt]]:
    """The cohort and the teams of it the actor may see on its board, by jurisdiction name."""
    group = get_cohort(session, cohort)
    teams = list(session.exec(select(Team).where(Team.cohort_id == group.id)))
    places = {row_id(p): p for p in session.exec(select(Jurisdiction))}
    if jurisdiction is not None:
        wanted = get_jurisdiction(session, jurisdiction)
        teams = [t for t in teams if t.jurisdiction_id == wanted.id]
        if not teams:
            raise NotFound(f"{wanted.name} is not enrolled in {group.name}.")
    visible = [t for t in teams if may(actor, "read", Record.session_record, places[t.jurisdiction_id])]
    if teams and not visible:
        raise PermissionDenied(
            f"{actor.email} may not see the sessions of any team of {group.name}: alliance leads see every "
            "team, and a team's members see their own."
        )
    visible.sort(key=lambda t: places[t.jurisdiction_id].name.casefold())
    return group, [TeamAt(t, places[t.jurisdiction_id], group) for t in visible]
