"""The team's journey: on a real Prefect server (its own database on PostgreSQL when one answers, as a
region runs it), served deployments act as the person serving them, a journey suspends for what the
team must give, refuses a bad answer with its problems in the next form, and a resumed journey
duplicates nothing; Prefect's own commands list its runs. The journey's checks of an answer, without a
server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from psycopg import sql
from sqlmodel import col, func, select

from accelerator.demo_journeys import free_port
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.roadmap.models import RoadmapVersion
from assessment.selfassessment.models import Submission
from assessment.sessions.models import SessionRecord
from assessment.sessions.service import record_session
from tests.cli import run_cli
from tests.conftest import POSTGRES_PROBLEM, POSTGRES_URL, Cast
from tests.flows.test_assessment_run import filled
from tests.goals.test_service import barrier, set_goal, smart

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PREFECT = str(Path(sys.executable).with_name("prefect"))


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, f"the server stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"the server did not answer in {seconds} s:\n{log.read_text()}"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def prefect_database() -> Iterator[str | None]:
    """A PostgreSQL database of the module's own for the Prefect server's runs, as a region runs it
    (created here, dropped afterwards); None when no PostgreSQL answers: the server keeps SQLite."""
    if POSTGRES_PROBLEM:
        yield None
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_URL)
    name = f"prefect_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory, prefect_database: str | None) -> Iterator[str]:
    """A `prefect server start` of the module's own on a free loopback port, its database on
    PostgreSQL when one answers (else SQLite in a temporary PREFECT_HOME); its API's URL; stopped
    afterwards."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if prefect_database is not None:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = prefect_database
    log = home / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop(server)


@dataclass
class Served:
    """`accelerator serve` running the deployments against the test's database, and its log."""

    url: str
    log: Path

    def told(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def served(
    cast: Cast, database_url: str, prefect_api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Served]:
    """The deployments served by a process acting as Alder County's equity program manager; this
    process's Prefect client (and the CLI) talk to the same server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import deployments

    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api,
        "PREFECT_HOME": str(tmp_path / "serve-home"),  # the runs' persisted results live here
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "ACCELERATOR_DATABASE_URL": database_url,
        "ACCELERATOR_ACTOR": cast.alder_manager,
        "ACCELERATOR_OUTPUT_DIR": str(tmp_path / "output"),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serving = subprocess.Popen(
            [sys.executable, "-m", "accelerator.cli", "serve"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
            from prefect.client.orchestration import get_client

            wanted = len(deployments())
            deadline = time.monotonic() + 60
            with get_client(sync_client=True) as client:
                # the server keeps an earlier test's deployments: wait for this process to say it serves
                while "being served" not in log.read_text() or len(client.read_deployments()) < wanted:
                    assert serving.poll() is None, f"accelerator serve stopped:\n{log.read_text()}"
                    assert time.monotonic() < deadline, f"the deployments were not served in 60 s:\n{log.read_text()}"
                    time.sleep(0.3)
            yield Served(prefect_api, log)
    finally:
        stop(serving)


def wait_for(
    client: SyncPrefectClient, run_id: Any, reached: Callable[[FlowRun], bool], what: str, served: Served
) -> FlowRun:
    """The run once ``reached`` holds; a run that ends otherwise, or takes over 60 s, fails the test."""
    deadline = time.monotonic() + 60
    while True:
        run = client.read_flow_run(run_id)
        if reached(run):
            return run
        ended = run.state is not None and run.state.is_final()
        assert not ended and time.monotonic() < deadline, (
            f"expected {what}; the run is {run.state_name}: {run.state.message if run.state else ''}\n{served.told()}"
        )
        time.sleep(0.3)


def ended(run: FlowRun) -> bool:
    return run.state is not None and run.state.is_final()


def paused_at(key: str) -> Callable[[FlowRun], bool]:
    def check(run: FlowRun) -> bool:
        return run.state is not None and run.state.is_paused() and run.state.state_details.pause_key == key

    return check


def counts() -> tuple[list[tuple[int, int]], int, int]:
    """The session records (number, version), the submissions and the roadmap versions stored."""
    with transaction() as session:
        records = [
            (r.number, r.version) for r in session.exec(select(SessionRecord).order_by(col(SessionRecord.number)))
        ]
        submissions = session.exec(select(func.count()).select_from(Submission)).one()
        roadmaps = session.exec(select(func.count()).select_from(RoadmapVersion)).one()
    return records, submissions, roadmaps


@pytest.mark.slow
@SQLITE_ONLY
def test_a_served_session_acts_as_who_serves_it_and_its_form_cannot_raise_privileges(
    cast: Cast, served: Served, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    from flows.deployments import session_deployment

    team = {"jurisdiction": cast.alder, "cohort": cast.cohort}
    # the form names the administrator: whoever can open the UI could type anyone's email
    raised = run_deployment(session_deployment(1), parameters={**team, "actor": cast.admin}, timeout=0)
    ran = run_deployment(session_deployment(1), parameters=team, timeout=0)
    assert isinstance(raised, FlowRun) and isinstance(ran, FlowRun)
    with get_client(sync_client=True) as client:
        refused = wait_for(client, raised.id, ended, "the run to end", served)
        done = wait_for(client, ran.id, ended, "the run to end", served)

    assert done.state is not None and done.state.is_completed(), served.told()
    assert refused.state is not None and refused.state.is_failed()
    assert f"act as {cast.alder_manager}, who serves them, not as {cast.admin}" in (refused.state.message or "")
    with transaction() as session:
        records = list(session.exec(select(SessionRecord)))
    assert [(r.number, r.version, r.created_by) for r in records] == [(1, 1, cast.alder_manager)]
    assert "baseline_workbook_issued" in records[0].deliverables
    assert list((tmp_path / "output").rglob("*.xlsx")), "the workbook goes inside the output folder"


@pytest.mark.slow
@SQLITE_ONLY
def test_the_journey_waits_for_workbooks_refuses_bad_ones_and_duplicates_nothing_when_resumed(
    cast: Cast, served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prefect.client.orchestration import get_client

    with transaction() as session:
        record_session(session, resolve_actor(session, cast.alder_manager), 1, cast.alder, cast.cohort)
    team = ["--actor", cast.alder_manager]
    where = ["--jurisdiction", cast.alder, "--cohort", cast.cohort]

    def status() -> dict[str, Any]:
        shown = run_cli(capsys, *team, "journey", "status", *where, "--json")
        assert shown.code == 0, shown.err
        data: dict[str, Any] = shown.json()
        return data

    def answer(name: str, value: dict[str, Any]) -> tuple[int, str]:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        sent = run_cli(capsys, "journey", "resume", run_id, "--input", str(path))
        return sent.code, sent.out + sent.err

    started = run_cli(capsys, *team, "journey", "start", *where, "--json")
    assert started.code == 0, started.err
    run_id = started.json()["run_id"]
    again = run_cli(capsys, *team, "journey", "start", *where)
    assert again.code == 5 and "already" in again.err  # one journey per team at a time

    with get_client(sync_client=True) as client:
        wait_for(client, run_id, paused_at("session-2-workbooks-1"), "a pause for the workbooks", served)
        waiting = status()
        assert (waiting["state"], waiting["session"]) == ("Suspended", 2)
        assert "filled baseline workbooks" in waiting["waiting_for"] and "files" in waiting["answer_fields"]
        printed = run_cli(capsys, *team, "journey", "status", *where).out
        assert "Suspended at session 2" in " ".join(printed.split())
        assert f"accelerator journey resume {run_id} --input FILE.json" in printed

        # Prefect checks the shape: a text where a list belongs is refused and nothing is run
        code, said = answer("shapeless", {"files": "one.xlsx"})
        assert code == 2 and "still waits" in said

        nowhere = str(tmp_path / "nowhere.xlsx")
        code, said = answer("nowhere", {"files": [nowhere]})
        assert code == 0 and "nowhere.xlsx" in said
        wait_for(client, run_id, paused_at("session-2-workbooks-2"), "a second pause for the workbooks", served)
        refused = status()
        assert f"{nowhere}: there is no file there" in refused["waiting_for"]
        assert counts() == ([(1, 1)], 0, 0)

        code, _ = answer("workbooks", {"files": filled(tmp_path, cast, cast.alder, [2, 3])})
        assert code == 0
        wait_for(client, run_id, paused_at("session-3-needs-1"), "a pause for what session 3 needs", served)
        assert counts() == ([(1, 1), (2, 1)], 1, 0)
        assert "no barrier is recorded" in status()["waiting_for"]

        # resumed from the top: sessions 1 and 2 are skipped, the workbooks not scored again
        assert answer("again", {"stop": False})[0] == 0
        wait_for(client, run_id, paused_at("session-3-needs-2"), "session 3 asking again", served)
        assert counts() == ([(1, 1), (2, 1)], 1, 0)

        assert answer("stop", {"stop": True})[0] == 0
        finished = wait_for(client, run_id, ended, "the journey to end", served)
    assert finished.state is not None and finished.state.is_completed()
    assert counts() == ([(1, 1), (2, 1)], 1, 0)
    assert status()["state"] == "Completed"
    assert "waiting for input (session 2, workbooks)" in served.told()


@pytest.mark.slow
def test_the_prefect_server_keeps_its_runs_in_its_own_postgresql_database(
    prefect_api: str, prefect_database: str | None
) -> None:
    if prefect_database is None:
        pytest.skip(f"Prefect's own database on SQLite: no PostgreSQL answers at {POSTGRES_URL} ({POSTGRES_PROBLEM})")
    import psycopg
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from sqlalchemy.engine import make_url

    name = f"postgres-check-{uuid.uuid4().hex[:8]}"
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}), get_client(sync_client=True) as client:
        client.create_flow_from_name(name)
    database = make_url(prefect_database).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(database) as db:
        stored = db.execute("SELECT name FROM flow WHERE name = %s", [name]).fetchall()
    assert stored == [(name,)]


TINY_FLOW = """
from prefect import flow

@flow(name="cli-check", flow_run_name="cli-check-run")
def cli_check() -> int:
    return 1

cli_check()
"""


@pytest.mark.slow
def test_prefects_own_flow_run_ls_and_flow_ls_list_a_run(prefect_api: str, tmp_path: Path) -> None:
    """What a user types first to see their runs (Prefect's client sends filters this server version
    refused once: the pinned versions must agree)."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": prefect_api,
        "COLUMNS": "200",  # the tables' columns whole, not cut to an 80-column terminal
    }
    script = tmp_path / "tiny_flow.py"
    script.write_text(TINY_FLOW, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert ran.returncode == 0, ran.stderr

    def prefect(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PREFECT, *args], capture_output=True, text=True, env=env, timeout=120)

    runs = prefect("flow-run", "ls")
    assert runs.returncode == 0, runs.stdout + runs.stderr
    assert "cli-check-run" in runs.stdout and "COMPLETED" in runs.stdout
    assert "Traceback" not in runs.stdout + runs.stderr

    flows = prefect("flow", "ls")
    assert flows.returncode == 0, flows.stdout + flows.stderr
    assert "cli-check" in flows.stdout
    assert "Traceback" not in flows.stdout + flows.stderr


# --- the journey's checks of an answer, without a server --------------------------------------------


def test_barriers_to_carry_must_be_the_teams_own_and_have_a_goal(cast: Cast) -> None:
    from flows.journey import check_carried

    alder, birch = barrier(cast), barrier(cast, cast.birch, cast.birch_officer)
    problems = check_carried.fn(cast.alder, cast.cohort, [alder, birch], cast.alder_manager)
    assert problems == [
        f"barrier {alder} (Payment takes 60 to 90 days): no goal is linked to it yet; add one with "
        f'`accelerator goal add --jurisdiction "{cast.alder}" --cohort "{cast.cohort}" ... --barrier {alder}`.',
        f"barrier {birch}: {cast.alder} has no such barrier; name one of its own.",
    ]
    set_goal(cast, **smart(cast, [alder]))
    assert check_carried.fn(cast.alder, cast.cohort, [alder], cast.alder_manager) == []
    assert check_carried.fn(cast.alder, cast.cohort, [], cast.alder_manager) == [
        "barrier_ids: name at least one barrier to carry into the roadmap."
    ]


def test_workbook_paths_that_do_not_exist_are_refused_before_any_run(cast: Cast, tmp_path: Path) -> None:
    from flows.journey import score_workbooks

    missing = str(tmp_path / "missing.xlsx")
    problems = score_workbooks.fn(cast.alder, cast.cohort, "baseline", [missing], cast.alder_manager)
    assert problems == [
        f"{missing}: there is no file there on the machine running `accelerator serve`; give the full path of the "
        "filled workbook."
    ]
    assert counts() == ([], 0, 0)


def test_a_journey_command_without_a_prefect_server_says_what_it_needs(
    cast: Cast, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    said = run_cli(
        capsys, "--actor", cast.alder_manager, "journey", "start", "--jurisdiction", cast.alder, "--cohort", cast.cohort
    )
    assert said.code == 1
    assert "accelerator serve" in said.err and "PREFECT_API_URL" in said.err
    assert len(said.err.strip().splitlines()) == 1


def test_the_journey_and_each_session_are_offered_as_deployments() -> None:
    from flows.deployments import JOURNEY_DEPLOYMENT, deployments, session_deployment

    names = {f"{d.flow_name}/{d.name}" for d in deployments()}
    assert {JOURNEY_DEPLOYMENT, *(session_deployment(n) for n in range(1, 10))} <= names


@pytest.mark.usefixtures("prefect_harness")
def test_a_session_inside_the_journey_leaves_the_heartbeat_to_the_journey(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subflow runs in the journey's process: only the journey says it lives, and a subflow's end
    does not wait for a heartbeat thread of its own (a resumed journey replays every earlier session)."""
    from prefect.flow_engine import FlowRunEngine
    from prefect.settings import temporary_settings

    from flows.prefect_flow import flow, without_heartbeat

    beating: list[str] = []
    monkeypatch.setattr(FlowRunEngine, "_emit_flow_run_heartbeat", lambda engine, *_: beating.append(engine.flow.name))

    @flow(name="a-session")
    def a_session() -> None:
        """Stands for a session flow."""

    @flow(name="a-journey")
    def a_journey() -> None:
        with without_heartbeat():
            a_session()
        a_session()  # outside it, a subflow beats as Prefect makes it

    with temporary_settings(updates={"flows.heartbeat_frequency": 30}):
        a_journey()
    assert beating.count("a-journey") == 1 and beating.count("a-session") == 1
