"""The demo's journeys (`make demo`): a Prefect server, `accelerator serve` acting as a team's
program manager, and the team's journey walked from session 1, each of its questions answered with
what the team prepared (who attended, the filled baseline workbooks, the barriers to carry into the
roadmap) until the session where the demo leaves the team to answer.

The server is the one `accelerator server start` started when it answers and no `accelerator serve`
serves its deployments already, else one of the demo's own (its home in the demo's folder, on a free
loopback port), stopped at the end. Runs act as whoever serves them, so the teams' journeys run one
after the other, each served as its own program manager.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from accelerator.demo_cast import COHORT, TEAMS, DemoTeam, manager_of
from accelerator.flowrun import LOOPBACK, ServerRecord, recorded_server
from assessment.core.errors import AcceleratorError

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

# The teams walked through their journey (the two without a midpoint: the journey scores their
# baseline workbooks), each to the session whose question the demo leaves to the team.
LEFT_AT = {"Marigold County": 5, "Tidewater City": 4}
JOURNEY_TEAMS = [team for team in TEAMS if team.jurisdiction in LEFT_AT]
SERVER_TIMEOUT = 120.0  # seconds for a Prefect server to answer
STEP_TIMEOUT = 90.0  # seconds for a journey to reach its next question

Say = Callable[[str], None]


class JourneyStep(BaseModel):
    """A question the journey asked, and the demo's answer (None where the demo leaves it to the team)."""

    session: int
    asked: str
    answered: str | None


class DemoJourney(BaseModel):
    """Where a demo team's journey run is: its state and, when suspended, the session it waits at."""

    jurisdiction: str
    cohort: str
    run_id: str
    name: str
    state: str
    recorded: list[int]  # the sessions recorded for the team
    session: int | None
    waiting_for: str | None
    steps: list[JourneyStep]


# --- the Prefect server ------------------------------------------------------------------------------


@dataclass
class DemoPrefect:
    """The Prefect server the demo uses: ``own`` when the demo started it (and stops it)."""

    api_url: str
    home: Path
    own: ServerRecord | None = None
    process: subprocess.Popen[bytes] | None = None

    def wait(self, timeout: float = SERVER_TIMEOUT) -> float:
        """Seconds until the server answers; one sentence naming its log when it stops or is too slow."""
        began = time.monotonic()
        if self.own is None:
            return 0.0
        while not self.own.answers():
            if self.process is not None and self.process.poll() is not None:
                raise AcceleratorError(
                    f"The demo's Prefect server stopped as it started; its log says why ({self.own.log})."
                )
            if time.monotonic() - began > timeout:
                raise AcceleratorError(
                    f"The demo's Prefect server did not answer within {timeout:.0f} s; its log: {self.own.log}."
                )
            time.sleep(0.25)
        return time.monotonic() - began

    def stop(self) -> None:
        from accelerator.commands.server import halt

        if self.own is not None:
            halt(self.own)
        if self.process is not None:
            self.process.wait()


@contextmanager
def demo_prefect(folder: Path) -> Iterator[DemoPrefect]:
    """The server the demo's flows report to (PREFECT_API_URL set for this process; the demo runs on
    no server named elsewhere, where its serve would take other people's runs), stopped afterwards
    when the demo started it. It starts in the background: ``wait`` for it before the first flow."""
    running = recorded_server()
    if running is not None and running.answers() and not served_elsewhere(running.api_url):
        prefect = DemoPrefect(running.api_url, folder / "prefect")
    else:
        from accelerator.commands.server import launch

        server, process = launch(free_port(), folder / "prefect")
        prefect = DemoPrefect(server.api_url, server.home, server, process)
    os.environ["PREFECT_API_URL"] = prefect.api_url
    try:
        yield prefect
    finally:
        prefect.stop()


def served_elsewhere(api_url: str) -> bool:
    """Whether a process already serves deployments on the server (an `accelerator serve`): it would
    take the demo's journeys, and the demo's serve its runs. Asked without Prefect, which reads its
    settings once, when it loads: it must load knowing the server the demo settles on."""
    import json
    import urllib.request
    from http.client import HTTPException

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the loopback, never a proxy
    asked = urllib.request.Request(
        f"{api_url}/deployments/filter", data=b"{}", headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with opener.open(asked, timeout=5) as response:
            return any(d.get("status") == "READY" for d in json.load(response))
    except (OSError, HTTPException, ValueError, AttributeError):
        return True  # it cannot say: the demo starts a server of its own


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


# --- serving the deployments as a team's program manager ---------------------------------------------


@dataclass
class Serving:
    """`accelerator serve` acting as ``actor``, and where it prints."""

    actor: str
    process: subprocess.Popen[bytes]
    log: Path

    def check(self) -> None:
        if self.process.poll() is not None:
            raise AcceleratorError(
                f"`accelerator serve` (acting as {self.actor}) stopped; what it printed is in {self.log}."
            )


@contextmanager
def serving_as(actor: str, prefect: DemoPrefect, folder: Path) -> Iterator[Serving]:
    """`accelerator serve` acting as ``actor``, stopped (and ended) before the next one starts: two
    serving the same deployments would take each other's runs."""
    log = prefect.home / f"serve-{actor.split('@')[0]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "ACCELERATOR_ACTOR": actor,
        "ACCELERATOR_OUTPUT_DIR": str(folder),  # the sessions' files, in the demo's folder
        "PREFECT_API_URL": prefect.api_url,
        "PREFECT_HOME": str(prefect.home),  # the journeys' persisted results
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # a resumed journey is taken up within a second
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "accelerator.cli", "serve"],
            env=env, cwd=folder, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield Serving(actor, process, log)
    finally:
        # As Ctrl-C, to the serve alone: a suspended journey's process ends a moment after the run is
        # suspended, and signalled too it would mark the run crashed.
        if process.poll() is None:
            os.kill(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- walking a team's journey -------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What the demo teams prepared for their journeys' questions."""

    baseline_workbooks: dict[str, list[str]]  # jurisdiction → the filled baseline workbooks
    before_roadmap: Callable[[DemoTeam], str | None]  # builds a team's roadmap; what to say, None when built


def walk_journeys(prefect: DemoPrefect, folder: Path, prepare: Callable[[], Prepared], say: Say) -> list[DemoJourney]:
    """Each journey team's journey, one team after the other, walked to its session in ``LEFT_AT``.
    The first `accelerator serve` starts (a few seconds) while ``prepare`` runs the demo's other flows."""
    walked = []
    prepared: Prepared | None = None
    for team in JOURNEY_TEAMS:
        with serving_as(manager_of(team), prefect, folder) as serve:
            prepared = prepared or prepare()
            walked.append(walk(team, serve, prepared, say))
    if prepared is None:
        prepare()
    return walked


def walk(team: DemoTeam, serve: Serving, prepared: Prepared, say: Say) -> DemoJourney:
    """Start the team's journey and answer each of its questions until it waits at its session in
    ``LEFT_AT`` (or ends), saying each question and each session recorded; where it is then."""
    from prefect.client.orchestration import get_client
    from prefect.flow_runs import resume_flow_run

    from flows.journey import PAUSE_KEY

    place = team.jurisdiction
    steps: list[JourneyStep] = []
    recorded: list[int] = []

    def tell_recorded() -> None:
        for number in recorded_sessions(team):
            if number not in recorded:
                recorded.append(number)
                say(f"{place}, session {number}: recorded")

    with get_client(sync_client=True) as client:
        run = start_journey(client, team, serve)
        say(f"{place}: journey started (run '{run.name}', served as {serve.actor})")
        key: str | None = None
        while True:
            run = next_question(client, run, key, serve)
            tell_recorded()
            key = pause_key(run)
            asked = PAUSE_KEY.match(key or "")
            if asked is None:
                break
            number, question = int(asked["number"]), QUESTIONS[asked["question"]]
            if int(asked["attempt"]) > 1:
                raise AcceleratorError(
                    f"The journey of {place} refused the demo's answer to {question} (session {number}); what "
                    f"`accelerator serve` printed is in {serve.log}."
                )
            if asked["question"] == "barriers":  # the team builds its roadmap, then says which barriers go in
                built = prepared.before_roadmap(team)
                if built:
                    say(f"{place}, session {number}: {built}")
            if number >= LEFT_AT[place]:
                steps.append(JourneyStep(session=number, asked=question, answered=None))
                say(f"{place}, session {number}: asks {question}; left for the team, the journey waits")
                break
            answer, said = ANSWERS[asked["question"]](team, number, prepared)
            steps.append(JourneyStep(session=number, asked=question, answered=said))
            say(f"{place}, session {number}: asks {question}; answered: {said}")
            resume_flow_run(run.id, run_input=answer)
    return where_it_is(run, recorded, steps)


def recorded_sessions(team: DemoTeam) -> list[int]:
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.sessions.service import session_records

    with transaction() as session:
        who = resolve_actor(session, manager_of(team))
        return [r.number for r in session_records(session, who, team.jurisdiction, COHORT)]


def start_journey(client: SyncPrefectClient, team: DemoTeam, serve: Serving) -> FlowRun:
    """A run of the journey deployment for ``team``, as `accelerator journey start` makes one."""
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import JOURNEY_DEPLOYMENT

    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        try:
            deployment = client.read_deployment_by_name(JOURNEY_DEPLOYMENT)
            break
        except ObjectNotFound:  # the first `accelerator serve` has not offered it yet
            serve.check()
            if time.monotonic() > deadline:
                raise AcceleratorError(
                    f"`accelerator serve` offered no journey within {STEP_TIMEOUT:.0f} s; what it printed is in "
                    f"{serve.log}."
                ) from None
            time.sleep(0.25)
    return client.create_flow_run_from_deployment(
        deployment.id,
        parameters={"jurisdiction": team.jurisdiction, "cohort": COHORT},
        tags=[f"team:{team.jurisdiction}", f"cohort:{COHORT}"],
    )


def pause_key(run: FlowRun) -> str | None:
    return run.state.state_details.pause_key if run.state is not None and run.state.is_paused() else None


def next_question(client: SyncPrefectClient, run: FlowRun, answered: str | None, serve: Serving) -> FlowRun:
    """The run once it asks something other than ``answered``, or ends; one sentence when it fails or
    takes longer than ``STEP_TIMEOUT``."""
    deadline = time.monotonic() + STEP_TIMEOUT
    place = run.parameters.get("jurisdiction")
    while True:
        run = client.read_flow_run(run.id)
        key = pause_key(run)
        if key is not None and key != answered:
            return run
        if run.state is not None and run.state.is_final():
            if run.state.is_completed():
                return run
            raise AcceleratorError(
                f"The journey of {place} ended {run.state_name}: {run.state.message or 'no reason given'}; what "
                f"`accelerator serve` printed is in {serve.log}."
            )
        serve.check()
        if time.monotonic() > deadline:
            raise AcceleratorError(
                f"The journey of {place} asked nothing new within {STEP_TIMEOUT:.0f} s; what `accelerator serve` "
                f"printed is in {serve.log}."
            )
        time.sleep(0.25)


def where_it_is(run: FlowRun, recorded: list[int], steps: list[JourneyStep]) -> DemoJourney:
    from flows.journey import PAUSE_KEY

    asked = PAUSE_KEY.match(pause_key(run) or "")
    return DemoJourney(
        jurisdiction=str(run.parameters["jurisdiction"]),
        cohort=str(run.parameters["cohort"]),
        run_id=str(run.id),
        name=run.name,
        state=run.state_name or "unknown",
        recorded=sorted(recorded),
        session=int(asked["number"]) if asked else None,
        waiting_for=QUESTIONS[asked["question"]] if asked else None,
        steps=steps,
    )


# --- the prepared answers (question → the answer sent, and how it is said) ---------------------------

Answer = tuple[dict[str, Any], str]

QUESTIONS = {  # a pause's question (flows/journey.py), in words
    "held": "who attended",
    "workbooks": "for the filled workbooks",
    "barriers": "which barriers go into the action roadmap",
    "needs": "to check what it still needs",
}


def attendees(team: DemoTeam, number: int, prepared: Prepared) -> Answer:
    emails = [email for email, _, _ in team.people]
    return {"attendees": emails, "notes": f"Demo session {number}"}, f"all {len(emails)} members"


def workbooks(team: DemoTeam, number: int, prepared: Prepared) -> Answer:
    files = prepared.baseline_workbooks[team.jurisdiction]
    return {"files": files}, f"the {len(files)} filled baseline workbooks in {Path(files[0]).parent}"


def barriers(team: DemoTeam, number: int, prepared: Prepared) -> Answer:
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.goals.service import list_goals

    with transaction() as session:
        goals = list_goals(session, resolve_actor(session, manager_of(team)), team.jurisdiction, COHORT)
    ids = sorted({b for goal in goals for b in goal.barriers})
    return {"barrier_ids": ids}, "barriers " + ", ".join(map(str, ids)) + " (each with a goal linked)"


def stop_there(team: DemoTeam, number: int, prepared: Prepared) -> Answer:
    return {"stop": True}, "the demo stops the journey there"


ANSWERS: dict[str, Callable[[DemoTeam, int, Prepared], Answer]] = {
    "held": attendees,
    "workbooks": workbooks,
    "barriers": barriers,
    "needs": stop_there,
}
