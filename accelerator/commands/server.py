"""`accelerator server`: a local Prefect server that flow commands and the Prefect UI share.

``start`` runs ``prefect server start`` in the background, its home (PREFECT_HOME: settings and
SQLite database) beside the application's data, and records what it started; ``status`` and
``stop`` and the flow commands (``accelerator.flowrun``) find it through that record.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from accelerator.flowrun import LOOPBACK, ServerRecord, answers, recorded_server
from accelerator.options import JsonOption
from accelerator.output import console, err_console, escape, print_json
from assessment.core.errors import AcceleratorError

app = typer.Typer(
    help="A local Prefect server: flow commands start in about a second and their runs show in its UI.",
    no_args_is_help=True,
)

DEFAULT_PORT = 4200


class ServedDeployment(BaseModel):
    """A deployment on the server; ``ready`` while a process (`accelerator serve`) serves it."""

    name: str
    ready: bool


class ServerStatus(BaseModel):
    """Whether the local server runs, where, and which deployments it offers."""

    running: bool
    url: str | None = None
    api_url: str | None = None
    port: int | None = None
    pid: int | None = None
    home: Path
    log: Path | None = None
    started_at: datetime | None = None
    deployments: list[ServedDeployment] | None = None  # None: not asked, or not readable

    @classmethod
    def of(cls, server: ServerRecord | None, running: bool) -> ServerStatus:
        """The status of the recorded ``server``; of none when it is None."""
        if server is None:
            from assessment.core.settings import get_settings

            return cls(running=False, home=get_settings().prefect_home)
        return cls(
            running=running,
            url=server.url,
            api_url=server.api_url,
            port=server.port,
            pid=server.pid,
            home=server.home,
            log=server.log,
            started_at=server.started_at,
        )


@app.command()
def start(
    port: Annotated[int, typer.Option(help="The port it listens on, on 127.0.0.1.")] = DEFAULT_PORT,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for it to answer.")] = 90.0,
    as_json: JsonOption = False,
) -> None:
    """Start a Prefect server in the background, its home and database beside the application's data."""
    earlier = recorded_server()
    if earlier is not None and earlier.answers():
        said = f"A Prefect server already runs at {earlier.url} (its home: {earlier.home})."
        say(said, as_json, ServerStatus.of(earlier, running=True))
        return
    server, ended = starting(earlier, port)
    took = wait_until_answering(server, ended, timeout)
    said = (
        f"The Prefect server runs at {server.url} (the UI; it took {took:.0f} s to start), its home and "
        f"database in {server.home}. Flow commands use it from now on; `accelerator server stop` stops it."
    )
    say(said, as_json, ServerStatus.of(server, running=True))


@app.command()
def stop(as_json: JsonOption = False) -> None:
    """Stop the Prefect server `accelerator server start` started (its home and runs stay)."""
    server = recorded_server()
    if server is None:
        said = "No Prefect server started by `accelerator server start` runs; nothing to stop."
    elif halt(server):
        said = f"Stopped the Prefect server at {server.url}; its runs stay in {server.home}."
    else:
        said = f"The Prefect server recorded at {server.url} had already stopped; its record is removed."
    forget()
    say(said, as_json, ServerStatus.of(server, running=False))


@app.command()
def status(as_json: JsonOption = False) -> None:
    """Say whether the local Prefect server runs, where, and which deployments it offers."""
    server = recorded_server()
    if server is None:
        said = (
            "No Prefect server runs (none was started with `accelerator server start`); flow commands start "
            "a temporary one each time (10-20 s)."
        )
        say(said, as_json, ServerStatus.of(None, running=False))
    elif not server.answers():
        said = (
            f"The Prefect server recorded at {server.url} (pid {server.pid}) does not answer: it stopped, or is "
            f"still starting. Its log: {server.log}. `accelerator server start` starts it again."
        )
        say(said, as_json, ServerStatus.of(server, running=False))
    else:
        found = ServerStatus.of(server, running=True)
        found.deployments = deployments_on(server.api_url)
        if as_json:
            print_json(found)
        else:
            print_status(server, found.deployments)


def print_status(server: ServerRecord, deployments: list[ServedDeployment] | None) -> None:
    since = server.started_at.astimezone()
    console.print(f"The Prefect server runs at {escape(server.url)} (pid {server.pid}, since {since:%Y-%m-%d %H:%M}).")
    console.print(f"  home and database: {escape(server.home)}")
    console.print(f"  log: {escape(server.log)}")
    elsewhere = os.environ.get("PREFECT_API_URL")
    if elsewhere and elsewhere.rstrip("/") != server.api_url:
        console.print(f"  flow commands use PREFECT_API_URL={escape(elsewhere)} (set in your environment) instead")
    if deployments is None:
        console.print("  deployments: could not be read; see the log")
    elif not deployments:
        console.print("  deployments: none (`accelerator serve` offers the assessment run and roadmap build)")
    else:
        console.print("  deployments:")
        for deployment in deployments:
            served = "served" if deployment.ready else "not served now: run `accelerator serve`"
            console.print(f"    {escape(deployment.name)} ({served})")


def say(sentence: str, as_json: bool, found: ServerStatus) -> None:
    """The sentence for people, or the status for scripts."""
    if as_json:
        print_json(found)
    else:
        console.print(escape(sentence), soft_wrap=True)


def starting(earlier: ServerRecord | None, port: int) -> tuple[ServerRecord, Callable[[], bool]]:
    """The server to wait for and how to tell it ended: the recorded one if its process still runs
    (it is starting), else a new one."""
    from assessment.core.settings import get_settings

    if earlier is not None and still_running(earlier):
        return earlier, lambda: not still_running(earlier)
    server, process = launch(port, get_settings().prefect_home)
    record(server)
    return server, lambda: process.poll() is not None


TASK_RUN_RECORDER_BATCHES = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "0.5",
}


def launch(port: int, home: Path) -> tuple[ServerRecord, subprocess.Popen[bytes]]:
    """Start ``prefect server start`` in a session of its own (it outlives this command), its home
    (settings, SQLite database, log) in ``home``."""
    import socket

    api_url = f"http://{LOOPBACK}:{port}/api"
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is free
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            raise AcceleratorError(port_taken(port, answers(api_url))) from None
    home.mkdir(parents=True, exist_ok=True)
    ui = f"http://{LOOPBACK}:{port}"
    env = {
        # Only its own UI may call it from a browser: with Prefect's default (any origin), a page open in
        # the user's browser could start runs of the served deployments, which act as whoever serves them.
        "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": f"{ui},http://localhost:{port}",
        # On SQLite, two of the server's writes that cross fail with "database is locked"; it answers 503,
        # and its client tries again 2 s later (6 s the second time). Its task-run recorder wrote each
        # state of each task in a transaction of its own; written together every half second (the UI's
        # task runs lag by as much), `make demo` met such a wait 6 times instead of 15.
        **TASK_RUN_RECORDER_BATCHES,
        **os.environ,
        "PREFECT_HOME": str(home),  # its settings, profiles and SQLite database
        "PREFECT_API_URL": api_url,
        "PREFECT_UI_API_URL": api_url,  # the UI it serves calls this port, not 4200
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", str(port)]
    with (home / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return ServerRecord(port=port, pid=process.pid, home=home, started_at=datetime.now(UTC)), process


def port_taken(port: int, by_prefect: bool) -> str:
    if by_prefect:
        return (
            f"A Prefect server not started by `accelerator server start` already listens on port {port}. Use it "
            f"with PREFECT_API_URL=http://{LOOPBACK}:{port}/api, or start one here on another port, e.g. "
            f"`accelerator server start --port {port + 1}`."
        )
    return f"Port {port} is in use by another program; choose another: `accelerator server start --port {port + 1}`."


def wait_until_answering(server: ServerRecord, ended: Callable[[], bool], timeout: float) -> float:
    """Seconds until the server answered its health check; an error saying what to do when it
    stopped or did not answer in time."""
    began = time.monotonic()
    waiting = f"Starting a Prefect server on port {server.port} (10-20 s)"
    if not err_console.is_terminal:
        err_console.print(f"{waiting}...")
    with err_console.status(f"{waiting}...") as shown:
        while not server.answers():
            waited = time.monotonic() - began
            if ended():
                forget()
                raise AcceleratorError(
                    f"The Prefect server stopped as it started. The end of its log ({server.log}):\n"
                    f"{tail(server.log)}\nFix what it says and run `accelerator server start` again."
                )
            if waited > timeout:
                raise AcceleratorError(
                    f"The Prefect server did not answer within {timeout:.0f} s. It may still be starting: "
                    f"`accelerator server status` says when it runs, and its log is {server.log}. "
                    "`accelerator server stop` stops it; `accelerator server start --timeout 300` waits longer."
                )
            shown.update(f"{waiting}... {waited:.0f} s")
            time.sleep(0.25)
    return time.monotonic() - began


def tail(log: Path, lines: int = 8) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def halt(server: ServerRecord, grace: float = 15.0) -> bool:
    """Stop the server's processes (its session): True if it ran, False if it had stopped already."""
    if not still_running(server):
        return False
    deadline = time.monotonic() + grace
    try:
        os.killpg(server.pid, signal.SIGTERM)  # the session `launch` began: the server and what it started
        while still_running(server):
            if time.monotonic() > deadline:
                os.killpg(server.pid, signal.SIGKILL)
                break
            time.sleep(0.1)
    except ProcessLookupError:  # it ended meanwhile
        pass
    return True


def still_running(server: ServerRecord) -> bool:
    """True while the recorded process runs and is still that server: after a restart of the
    machine its number may belong to another program, which must not be stopped."""
    try:
        os.kill(server.pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:  # no /proc (macOS): the process exists, and is taken to be the server
        return True
    # a finished process not yet reaped by its parent has an empty command line
    return b"prefect" in command and str(server.port).encode() in command


def record(server: ServerRecord) -> None:
    from assessment.core.settings import get_settings

    path = get_settings().prefect_server_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(server.model_dump_json(indent=2), encoding="utf-8")


def forget() -> None:
    from assessment.core.settings import get_settings

    get_settings().prefect_server_file.unlink(missing_ok=True)


def deployments_on(api_url: str) -> list[ServedDeployment] | None:
    """The deployments on the server, through the Prefect client; None when it does not say."""
    import httpx

    from accelerator.flowrun import configure_prefect

    configure_prefect()  # Prefect's console log quiet, before it loads
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import DeploymentStatus
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
            deployments = client.read_deployments()
            flows = {flow_id: client.read_flow(flow_id).name for flow_id in {d.flow_id for d in deployments}}
    except httpx.HTTPError:
        return None
    return sorted(
        (
            ServedDeployment(name=f"{flows[d.flow_id]}/{d.name}", ready=d.status == DeploymentStatus.READY)
            for d in deployments
        ),
        key=lambda d: d.name,
    )
