"""The team's journey: one flow run that walks a team through the nine sessions in order and
waits, suspended, wherever the team must act.

``accelerator_journey`` skips the sessions already recorded. For each next one it checks what the
session needs and runs the session's flow as a subflow; where the team must give something it
suspends with a form (a typed ``RunInput`` described in Markdown: the Prefect UI shows it on the
run's page, ``accelerator journey resume`` sends it from the terminal):

- session 1: who attended (then the session is recorded);
- session 2: the filled baseline workbooks (then the assessment run scores them);
- session 4: the barriers to carry into the roadmap, each with a goal linked to it;
- sessions 5-8: that the session was held, who attended and what was noted;
- session 9: the filled final workbooks;
- any session whose needs are not met yet: what is missing; resume once done, or stop there.

Prefect checks only the shape of an answer. What it says is checked here: a refused answer is
logged and the run suspends again, the problems at the top of the new form. A resumed run starts
again from the top, so every step before a pause is idempotent (recorded sessions are skipped,
a session record is updated, the same workbooks change nothing), and each pause is keyed by
session, question and attempt: a resumed run reads the newest answer instead of asking again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, Field

from assessment.barriers.service import list_barriers
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.sequence import load_sequence
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.errors import AcceleratorError, Problem, ValidationFailed
from assessment.goals.service import list_goals
from assessment.selfassessment.models import Cycle
from assessment.sessions.facts import TeamAt, check, members
from assessment.sessions.service import require_ready, session_records, spec_of
from flows.acting import ActorEmail, flow_actor
from flows.assessment_run import assessment_run
from flows.prefect_flow import flow, without_heartbeat
from flows.reporting import print_served_run, report_refusals_as_messages
from flows.sessions import SESSION_FLOWS

report_refusals_as_messages()

JOURNEY_FLOW = "accelerator-journey"
# A pause's key: session-<number>-<question>-<attempt>, e.g. session-2-workbooks-1.
PAUSE_KEY = re.compile(r"^session-(?P<number>\d+)-(?P<question>[a-z-]+)-(?P<attempt>\d+)$")


# --- the forms --------------------------------------------------------------------------------------


class HeldSession(RunInput):
    """That a session was held: who attended, when, and what the team noted."""

    attendees: list[str] = Field(description="Emails of the members who attended.")
    held_on: date | None = Field(default=None, description="The day it was held (empty: the cohort's date for it).")
    notes: str = Field(default="", description="What the team noted in the session.")


class Workbooks(RunInput):
    """The filled self-assessment workbooks, one per respondent."""

    files: list[str] = Field(
        description="Full paths of the filled workbooks on the machine running `accelerator serve`, one per respondent."
    )


class CarriedBarriers(RunInput):
    """The barriers whose goals go into the action roadmap."""

    barrier_ids: list[int] = Field(description="Ids of the barriers to carry into the action roadmap.")


class Recheck(RunInput):
    """Check a session's needs again, or end the journey there."""

    stop: bool = Field(default=False, description="Tick to end the journey here; leave it to check again.")


F = TypeVar("F", bound=RunInput)


def form(shape: type[F], description: str, initial: dict[str, Any]) -> type[F]:
    """``shape`` with a Markdown description and ``initial`` values filled in, each field keeping its help."""
    fields: dict[str, Any] = {
        name: (
            shape.model_fields[name].annotation,
            Field(default=value, description=shape.model_fields[name].description),
        )
        for name, value in initial.items()
    }
    filled = pydantic.create_model(shape.__name__, __base__=shape, **fields)
    filled._description = description  # what Prefect saves beside the form and the UI shows above it
    return filled


# --- where the journey is, and what it returns --------------------------------------------------


@dataclass(frozen=True)
class Journey:
    """The team walked through the sessions, and the person the run acts as."""

    jurisdiction: str
    cohort: str
    actor: str


class JourneySummary(BaseModel):
    """Where a journey ended: the sessions recorded, and the one it stopped before (None after session 9)."""

    jurisdiction: str
    cohort: str
    recorded: list[int]
    stopped_before: int | None
    message: str


# --- the steps' work (tasks: plain values in, plain values out) -----------------------------------


def problems_of(refused: ValidationFailed) -> list[str]:
    shown = [str(p) for p in refused.problems] or [refused.summary]
    return shown + ([f"... and {refused.more} more problem(s)"] if refused.more else [])


@task(name="sessions already recorded", cache_policy=NO_CACHE)
def recorded_sessions(jurisdiction: str, cohort: str, actor: str) -> list[int]:
    with transaction() as session:
        return [r.number for r in session_records(session, resolve_actor(session, actor), jurisdiction, cohort)]


@task(name="see what the session still needs", task_run_name="needs of session {number}", cache_policy=NO_CACHE)
def missing_for(number: int, jurisdiction: str, cohort: str, actor: str) -> list[str]:
    """Each input session ``number`` still lacks (the service's readiness check), none when it may run."""
    try:
        with transaction() as session:
            require_ready(session, resolve_actor(session, actor), number, jurisdiction, cohort)
    except ValidationFailed as refused:
        return problems_of(refused)
    return []


@task(name="see whether a fact holds", task_run_name="is {fact}", cache_policy=NO_CACHE)
def holds(fact: str, jurisdiction: str, cohort: str) -> bool:
    with transaction() as session:
        return check(fact, session, TeamAt(*get_team(session, jurisdiction, cohort))).holds


@task(name="the team's members", cache_policy=NO_CACHE)
def roster(jurisdiction: str, cohort: str) -> list[str]:
    with transaction() as session:
        _, place, _ = get_team(session, jurisdiction, cohort)
        return sorted(members(session, place))


@task(name="run a session", task_run_name="run session {number}", cache_policy=NO_CACHE)
def run_session(
    number: int,
    jurisdiction: str,
    cohort: str,
    actor: str,
    attendees: list[str] | None = None,
    held_on: date | None = None,
    notes: str | None = None,
) -> list[str]:
    """Session ``number``'s flow (a subflow of the journey); the problems when it is refused (nothing
    recorded), none once recorded.

    A task around the subflow gives each call a run of its own: Prefect would otherwise hand a
    resumed journey the earlier run of the same subflow instead of running it again."""
    try:
        # The subflow runs in the journey's process, whose heartbeat tells the server the work lives; one of its
        # own would make its end wait up to a second (Prefect 3.8.8's thread sleeps in whole seconds), and a
        # resumed journey replays every earlier session.
        with without_heartbeat():
            SESSION_FLOWS[number](jurisdiction, cohort, held_on=held_on, attendees=attendees, notes=notes, actor=actor)
    except ValidationFailed as refused:
        return problems_of(refused)
    return []


@task(name="score the workbooks", task_run_name="score the {cycle} workbooks", cache_policy=NO_CACHE)
def score_workbooks(jurisdiction: str, cohort: str, cycle: str, files: list[str], actor: str) -> list[str]:
    """The assessment run on ``files`` (a subflow); the problems when a path or a workbook is refused."""
    if not files:
        return ["files: name at least one filled workbook."]
    absent = [f for f in files if not Path(f).is_file()]
    if absent:
        return [
            f"{f}: there is no file there on the machine running `accelerator serve`; give the full path of the "
            "filled workbook."
            for f in absent
        ]
    try:
        with without_heartbeat():  # as for a session's subflow (run_session)
            assessment_run(jurisdiction, cohort, cycle, files, actor=actor)
    except ValidationFailed as refused:
        return problems_of(refused)
    return []


@task(name="the team's barriers", cache_policy=NO_CACHE)
def barriers_of(jurisdiction: str, cohort: str, actor: str) -> dict[int, str]:
    """The jurisdiction's barriers (id → title), each said with whether a goal of the team removes it."""
    with transaction() as session:
        who = resolve_actor(session, actor)
        linked = {b for goal in list_goals(session, who, jurisdiction, cohort) for b in goal.barriers}
        return {
            b.id: f"{b.title} ({'a goal is linked to it' if b.id in linked else 'no goal yet'})"
            for b in list_barriers(session, who, jurisdiction)
        }


@task(name="check the barriers to carry", cache_policy=NO_CACHE)
def check_carried(jurisdiction: str, cohort: str, barrier_ids: list[int], actor: str) -> list[str]:
    """Each barrier named must be the jurisdiction's and have a goal linked to it."""
    if not barrier_ids:
        return ["barrier_ids: name at least one barrier to carry into the roadmap."]
    with transaction() as session:
        who = resolve_actor(session, actor)
        _, place, _ = get_team(session, jurisdiction, cohort)
        own = {b.id: b for b in list_barriers(session, who, place.name)}
        linked = {b for goal in list_goals(session, who, jurisdiction, cohort) for b in goal.barriers}
    goal_add = f'`accelerator goal add --jurisdiction "{place.name}" --cohort "{cohort}" ... --barrier ID`'
    problems = []
    for barrier_id in dict.fromkeys(barrier_ids):
        if barrier_id not in own:
            problems.append(f"barrier {barrier_id}: {place.name} has no such barrier; name one of its own.")
        elif barrier_id not in linked:
            problems.append(
                f"barrier {barrier_id} ({own[barrier_id].title}): no goal is linked to it yet; add one with "
                + goal_add.replace("ID", str(barrier_id))
                + "."
            )
    return problems


# --- asking the team ----------------------------------------------------------------------------------


def answered(key: str) -> int:
    """How many times this run has already asked ``key`` (its fired pauses), 0 when never."""
    context = FlowRunContext.get()
    fired = (context.flow_run.empirical_policy.pause_keys if context and context.flow_run else None) or set()
    attempts = [int(m["attempt"]) for k in fired if (m := PAUSE_KEY.match(k)) and k.startswith(f"{key}-")]
    return max(attempts, default=0)


def ask(
    number: int,
    question: str,
    shape: type[F],
    describe: Callable[[list[str]], str],
    check: Callable[[F], list[str]],
    initial: dict[str, Any] | None = None,
    problems: list[str] | None = None,
) -> F:
    """Suspend until the team's answer passes ``check`` (its problems, none when accepted); a refused
    answer is logged and asked again, its problems in the new form's description.

    A resumed run comes back here from the top: the newest pause of ``question`` has fired, so Prefect
    hands back its answer at once, and only a refused one suspends the run again."""
    key = f"session-{number}-{question}"
    attempt = answered(key)
    asking = shape if attempt else form(shape, describe(problems or []), initial or {})
    attempt = attempt or 1
    while True:
        if asking is not shape:
            tell_serve_terminal(f"waiting for input (session {number}, {question})")
        given = suspend_flow_run(wait_for_input=asking, key=f"{key}-{attempt}")
        problems = check(given)
        if not problems:
            return given
        get_run_logger().warning(
            "Session %s, %s: not accepted:\n%s",
            number,
            question,
            "\n".join(f"  - {p}" for p in problems),
        )
        attempt += 1
        asking = form(shape, describe(problems), given.model_dump())


def tell_serve_terminal(what: str) -> None:
    """One line in the terminal serving the deployments, as ``print_served_run`` prints when a run ends."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or context.flow_run.deployment_id is None:
        return
    run = context.flow_run
    whom = ", ".join(str(run.parameters[k]) for k in ("jurisdiction", "cohort") if run.parameters.get(k))
    print(f"{datetime.now():%H:%M:%S} {JOURNEY_FLOW} '{run.name}' for {whom}: {what}", flush=True)


def page(title: str, body: list[str], problems: list[str], heading: str = "Not accepted; fix these") -> str:
    """A form's description in Markdown: what is asked, then the problems of the last answer."""
    lines = [f"## {title}", "", *body]
    if problems:
        lines += ["", f"### {heading}", *[f"- {p}" for p in problems]]
    return "\n".join(lines)


# --- the steps ----------------------------------------------------------------------------------------


def wait_until_ready(journey: Journey, number: int) -> bool:
    """True once session ``number`` has all it needs; while it lacks something, suspend saying what
    (False when the team chooses to stop there)."""
    j = journey
    missing = missing_for(number, j.jurisdiction, j.cohort, j.actor)
    if not missing:
        return True
    spec = spec_of(number)

    def describe(problems: list[str]) -> str:
        return page(
            f"Session {number} ({spec.title}) cannot run yet",
            [
                f"{j.jurisdiction}, cohort {j.cohort}. Do what is listed below, then resume to check again; "
                "tick *stop* to end the journey here."
            ],
            problems,
            heading="Still missing",
        )

    def recheck(given: Recheck) -> list[str]:
        return [] if given.stop else missing_for(number, j.jurisdiction, j.cohort, j.actor)

    return not ask(number, "needs", Recheck, describe, recheck, problems=missing).stop


def run(journey: Journey, number: int, notes: str | None = None) -> None:
    """Run session ``number``, which has all it needs; a refusal now ends the journey with its message."""
    problems = run_session(number, journey.jurisdiction, journey.cohort, journey.actor, notes=notes)
    if problems:
        raise ValidationFailed(
            f"Session {number} was refused for {journey.jurisdiction}:", [Problem("", p) for p in problems]
        )


def confirm_held(journey: Journey, number: int) -> bool:
    """Sessions 1 and 5-8: once ready, the team confirms the session was held, and it is recorded."""
    if not wait_until_ready(journey, number):
        return False
    j, spec = journey, spec_of(number)
    intro = "Before session 1 is recorded" if number == 1 else f"Session {number} has what it needs"

    def describe(problems: list[str]) -> str:
        return page(
            f"Session {number}: {spec.title}. Was it held?",
            [
                f"{j.jurisdiction}, cohort {j.cohort}. {intro}: confirm who attended (every member of the team is "
                "filled in; remove those who did not come), the day it was held and what the team noted.",
                "",
                "The session is then recorded with what it delivered:",
                *[f"- {d.text}" for d in spec.deliverables],
            ],
            problems,
        )

    def record(given: HeldSession) -> list[str]:
        notes = given.notes or None
        return run_session(number, j.jurisdiction, j.cohort, j.actor, given.attendees, given.held_on, notes)

    team = roster(j.jurisdiction, j.cohort)
    ask(number, "held", HeldSession, describe, record, initial={"attendees": team})
    return True


def scored_then_run(cycle: Cycle, fact: str) -> Callable[[Journey, int], bool]:
    """Sessions 2 and 9: the team's workbooks of ``cycle`` scored (asked for until they are), then the session."""

    def step(journey: Journey, number: int) -> bool:
        j = journey
        if not holds(fact, j.jurisdiction, j.cohort):

            def describe(problems: list[str]) -> str:
                return page(
                    f"Session {number} needs the filled {cycle.value} workbooks",
                    [
                        f"{j.jurisdiction}, cohort {j.cohort}. Give the full paths of the filled {cycle.value} "
                        "self-assessment workbooks, one per respondent, as they are on the machine running "
                        "`accelerator serve`. The assessment run scores them; a workbook with a problem is refused "
                        "with every problem listed, and nothing is stored.",
                    ],
                    problems,
                )

            def score(given: Workbooks) -> list[str]:
                return score_workbooks(j.jurisdiction, j.cohort, cycle.value, given.files, j.actor)

            ask(number, "workbooks", Workbooks, describe, score)
        if not wait_until_ready(j, number):
            return False
        run(j, number)
        return True

    return step


def carry_barriers(journey: Journey, number: int) -> bool:
    """Session 4: the barriers to carry into the roadmap, each with a goal linked, then the session
    (which builds the action roadmap)."""
    j = journey

    def describe(problems: list[str]) -> str:
        barriers = barriers_of(j.jurisdiction, j.cohort, j.actor)
        listed = [f"- {i}: {title}" for i, title in barriers.items()] or [
            f'- none yet: record them with `accelerator barrier add --jurisdiction "{j.jurisdiction}" ...`'
        ]
        return page(
            f"Session {number}: which barriers go into the action roadmap?",
            [
                f"{j.jurisdiction}, cohort {j.cohort}. Name the barriers (by id) whose goals the action roadmap "
                "carries; each needs a goal linked to it (`accelerator goal add ... --barrier ID`).",
                "",
                f"{j.jurisdiction}'s barriers:",
                *listed,
            ],
            problems,
        )

    def carry(given: CarriedBarriers) -> list[str]:
        return check_carried(j.jurisdiction, j.cohort, given.barrier_ids, j.actor)

    carried = ask(number, "barriers", CarriedBarriers, describe, carry)
    if not wait_until_ready(j, number):
        return False
    ids = ", ".join(str(i) for i in dict.fromkeys(carried.barrier_ids))
    run(j, number, notes=f"Barriers carried into the action roadmap: {ids}.")
    return True


def ready_then_run(journey: Journey, number: int) -> bool:
    """Session 3: once ready, run it."""
    if not wait_until_ready(journey, number):
        return False
    run(journey, number)
    return True


Step = Callable[[Journey, int], bool]
# What the team gives before each session is recorded (True: recorded; False: the team stopped).
STEPS: dict[int, Step] = {
    1: confirm_held,
    2: scored_then_run(Cycle.baseline, "baseline_scored"),
    3: ready_then_run,
    4: carry_barriers,
    5: confirm_held,
    6: confirm_held,
    7: confirm_held,
    8: confirm_held,
    9: scored_then_run(Cycle.final, "final_scored"),
}


def summary(journey: Journey, stopped_before: int | None) -> JourneySummary:
    recorded = recorded_sessions(journey.jurisdiction, journey.cohort, journey.actor)
    if stopped_before is None:
        message = f"{journey.jurisdiction}: every session is recorded; the journey is complete."
    else:
        message = (
            f"{journey.jurisdiction}: the team stopped before session {stopped_before}; sessions recorded: "
            + (", ".join(map(str, recorded)) or "none")
            + "."
        )
    get_run_logger().info(message)
    return JourneySummary(
        jurisdiction=journey.jurisdiction,
        cohort=journey.cohort,
        recorded=recorded,
        stopped_before=stopped_before,
        message=message,
    )


@flow(
    name=JOURNEY_FLOW,
    persist_result=True,
    on_completion=[print_served_run],
    on_failure=[print_served_run],
    on_crashed=[print_served_run],
    on_cancellation=[print_served_run],
)
def accelerator_journey(jurisdiction: str, cohort: str, actor: ActorEmail = None) -> JourneySummary:
    """Walk a team through the nine sessions in order, waiting for the team wherever it must act.

    Skips the sessions already recorded; for each next one, checks what it needs and runs it. Where
    the team must give something (who attended, the filled workbooks, the barriers to carry into
    the roadmap, what is still missing) the run is suspended with a form on its page; resume it
    with the answer (here, or `accelerator journey resume RUN_ID --input FILE.json`). A refused
    answer suspends it again, saying why. Runs only from its deployment (`accelerator serve`).

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it).
    """
    journey = Journey(jurisdiction, cohort, flow_actor(actor, "walking the team through the sessions"))
    done = set(recorded_sessions(jurisdiction, cohort, journey.actor))
    for spec in load_sequence().sessions:
        if spec.number in done:
            continue
        if spec.number not in STEPS:
            raise AcceleratorError(f"The journey has no step for session {spec.number} of the sequence.")
        if not STEPS[spec.number](journey, spec.number):
            return summary(journey, spec.number)
    return summary(journey, None)
