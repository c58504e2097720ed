"""`accelerator server`: a local Prefect server that flow commands find and use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from accelerator.demo_journeys import free_port
from accelerator.flowrun import TEMPORARY_SERVER_TIP, ServerRecord, answers
from tests.conftest import Cast
from tests.flows.test_assessment_run import filled


@dataclass
class LocalServer:
    data_dir: Path
    port: int
    started: subprocess.CompletedProcess[str]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def accelerator(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``accelerator ARGS`` in its own process, its data (and the server's record) in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["ACCELERATOR_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "accelerator.cli", *args], env=env, capture_output=True, text=True, timeout=180
    )


def record_file(data_dir: Path) -> Path:
    return data_dir / "prefect-server.json"


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """One server for the module, started as a user starts it; stopped whatever the tests did."""
    from accelerator.commands.server import halt

    data_dir = tmp_path_factory.mktemp("data")
    port = free_port()
    started = accelerator(data_dir, "server", "start", "--port", str(port))
    assert started.returncode == 0, started.stderr
    yield LocalServer(data_dir, port, started)
    if record_file(data_dir).exists():
        halt(ServerRecord.model_validate_json(record_file(data_dir).read_text()))


@pytest.mark.slow
def test_start_says_where_the_ui_is_and_a_second_start_that_it_already_runs(local_server: LocalServer) -> None:
    assert f"The Prefect server runs at http://127.0.0.1:{local_server.port} (the UI" in local_server.started.stdout
    again = accelerator(local_server.data_dir, "server", "start", "--port", str(local_server.port))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"A Prefect server already runs at http://127.0.0.1:{local_server.port}")
    assert answers(local_server.api_url)


@pytest.mark.slow
def test_only_its_own_ui_may_call_it_from_a_browser(local_server: LocalServer) -> None:
    """A page from elsewhere open in the user's browser cannot start runs on it (a CORS preflight refused)."""
    import httpx

    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            f"{local_server.api_url}/deployments/filter",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )

    elsewhere = preflight("http://attacker.example.org")
    assert elsewhere.status_code == 400 and "access-control-allow-origin" not in elsewhere.headers
    own = preflight(f"http://127.0.0.1:{local_server.port}")
    assert own.status_code == 200
    assert own.headers["access-control-allow-origin"] == f"http://127.0.0.1:{local_server.port}"


@pytest.mark.slow
def test_status_says_where_it_runs_and_which_deployments_it_offers(local_server: LocalServer) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import deployments

    offered = deployments()
    with temporary_settings(updates={PREFECT_API_URL: local_server.api_url}):
        for deployment in offered:  # as `accelerator serve` registers them, without serving them
            deployment.apply()

    told = accelerator(local_server.data_dir, "server", "status", "--json")
    assert told.returncode == 0, told.stderr
    status = json.loads(told.stdout)
    home = local_server.data_dir / "prefect"
    assert status["running"] is True and status["url"] == f"http://127.0.0.1:{local_server.port}"
    assert status["home"] == str(home) and (home / "prefect.db").is_file()  # its SQLite database, in its home
    names = sorted(deployment.full_name for deployment in offered)
    assert status["deployments"] == [{"name": name, "ready": False} for name in names]
    assert "assessment-run/assessment-run" in names and "roadmap-build/roadmap-build" in names

    said = accelerator(local_server.data_dir, "server", "status").stdout
    assert f"The Prefect server runs at http://127.0.0.1:{local_server.port}" in said
    assert f"home and database: {home}" in said
    assert "roadmap-build/roadmap-build (not served now: run `accelerator serve`)" in said


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_flow_command_runs_on_it_and_its_run_shows_there(local_server: LocalServer, cast: Cast) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    out = local_server.data_dir / "roadmaps"
    built = accelerator(
        local_server.data_dir,
        *("--actor", cast.alder_manager, "roadmap", "build", "--jurisdiction", cast.alder, "--cohort", cast.cohort),
        *("--out", str(out), "--json"),
    )
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["version"] == 1
    assert "Tip" not in built.stderr and "Traceback" not in built.stderr

    with temporary_settings(updates={PREFECT_API_URL: local_server.api_url}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["roadmap-build"])))
        assert [(run.state_name, run.parameters["jurisdiction"]) for run in runs] == [("Completed", cast.alder)]
        # its steps show too: the server writes task runs in batches (accelerator/commands/server.py)
        deadline = time.monotonic() + 20
        while (steps := task_runs_of(client, runs[0].id)) != ["Completed"] * 3 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert steps == ["Completed"] * 3  # a render per format


def task_runs_of(client: Any, flow_run_id: UUID) -> list[str | None]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return [run.state_name for run in runs]


@pytest.mark.slow
def test_its_task_runs_are_written_in_batches(local_server: LocalServer) -> None:
    """Fewer of the server's writes cross on SQLite (each crossing costs a client 2 s)."""
    import httpx

    recorder = httpx.get(f"{local_server.api_url}/admin/settings").json()["server"]["services"]["task_run_recorder"]
    assert (recorder["batch_size"], recorder["flush_interval"]) == (200, 0.5)


@pytest.mark.slow
def test_stop_stops_it_and_status_then_says_none_runs(local_server: LocalServer) -> None:
    stopped = accelerator(local_server.data_dir, "server", "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith(f"Stopped the Prefect server at http://127.0.0.1:{local_server.port}")
    assert not answers(local_server.api_url) and not record_file(local_server.data_dir).exists()

    status = json.loads(accelerator(local_server.data_dir, "server", "status", "--json").stdout)
    assert status["running"] is False and status["url"] is None
    again = accelerator(local_server.data_dir, "server", "stop")
    assert again.returncode == 0 and "nothing to stop" in again.stdout


def record_a_server_that_stopped(data_dir: Path) -> ServerRecord:
    """A record of a server whose process ended and whose port nobody listens on."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    server = ServerRecord(port=free_port(), pid=gone.pid, home=data_dir / "prefect", started_at=datetime.now(UTC))
    record_file(data_dir).write_text(server.model_dump_json(), encoding="utf-8")
    return server


def test_a_recorded_server_that_stopped_is_reported_and_forgotten_by_stop(tmp_path: Path) -> None:
    server = record_a_server_that_stopped(tmp_path)

    said = accelerator(tmp_path, "server", "status")
    assert said.returncode == 0, said.stderr
    assert f"The Prefect server recorded at {server.url} (pid {server.pid}) does not answer" in said.stdout

    stopped = accelerator(tmp_path, "server", "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "had already stopped; its record is removed" in stopped.stdout
    assert not record_file(tmp_path).exists()


def test_without_a_server_the_flow_commands_say_in_one_line_what_happens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from accelerator.flowrun import local_server_api_url, temporary_server_note
    from assessment.core.settings import get_settings

    monkeypatch.setenv("ACCELERATOR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # as a process without PREFECT_API_URL
        assert temporary_server_note() == TEMPORARY_SERVER_TIP
        server = record_a_server_that_stopped(tmp_path)
        assert local_server_api_url() is None
        note = temporary_server_note()
    assert note is not None and "\n" not in note
    assert note.startswith(f"The Prefect server `accelerator server start` started at {server.url} no longer answers")


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_flow_command_falls_back_to_a_temporary_server_when_the_recorded_one_stopped(
    tmp_path: Path, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a user meets it in a terminal of their own: a refusal said at once, then a run on Prefect's
    temporary server with one line about why and no Prefect noise (no log lines, no traceback as the
    temporary server stops). The one temporary server the suite starts on purpose."""
    monkeypatch.delenv("PREFECT_LOGGING_LEVEL", raising=False)  # Prefect's logging as a user has it
    server = record_a_server_that_stopped(tmp_path)
    files = filled(tmp_path, cast, cast.alder, [2, 3])
    command = ("assessment", "run", "--jurisdiction", cast.alder, "--cohort", cast.cohort, "--cycle", "baseline")
    refused = accelerator(tmp_path, "--actor", cast.alder_officer, *command, *files)
    assert refused.returncode == 3
    assert refused.stderr.strip().startswith("Error:") and "Traceback" not in refused.stderr
    ran = accelerator(tmp_path, "--actor", cast.alder_manager, *command, *files)
    assert ran.returncode == 0, ran.stderr
    assert "Maturity stage: 3 – Developing" in ran.stdout
    note, *shown = [line for line in ran.stderr.splitlines() if line.strip()]
    assert note == (
        f"The Prefect server `accelerator server start` started at {server.url} no longer answers, so a temporary "
        "one starts (10-20 s); `accelerator server start` starts it again."
    )
    # then the run's steps, and nothing of Prefect's
    assert shown[0] == "Scoring the workbooks (a Prefect flow)"
    assert [line.split()[0] for line in shown[1:]] == ["✓"] * 5
    steps = [" ".join(line.split()[1:-2]) for line in shown[1:]]  # "✓ validate workbooks 0.0 s"
    assert steps == ["validate workbooks", "aggregate ratings", "score", "persist", "publish"]
