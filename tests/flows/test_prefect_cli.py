"""Prefect's own commands against a real server: what a user types first to see their runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PREFECT = str(Path(sys.executable).with_name("prefect"))
TINY_FLOW = """
from prefect import flow

@flow(name="cli-check", flow_run_name="cli-check-run")
def cli_check() -> int:
    return 1

cli_check()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A `prefect server start` of its own on a free loopback port, in a temporary PREFECT_HOME;
    the environment to reach it with; stopped afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "COLUMNS": "200",  # the tables' columns whole, not cut to an 80-column terminal
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"the server stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the server did not answer in 120 s:\n{log.read_text()}"
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def prefect(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PREFECT, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_flow_run_ls_and_flow_ls_list_a_run(prefect_server: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "tiny_flow.py"
    script.write_text(TINY_FLOW, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=prefect_server, timeout=120)
    assert ran.returncode == 0, ran.stderr

    runs = prefect(prefect_server, "flow-run", "ls")
    assert runs.returncode == 0, runs.stdout + runs.stderr
    assert "cli-check-run" in runs.stdout and "COMPLETED" in runs.stdout
    assert "Traceback" not in runs.stdout + runs.stderr

    flows = prefect(prefect_server, "flow", "ls")
    assert flows.returncode == 0, flows.stdout + flows.stderr
    assert "cli-check" in flows.stdout
    assert "Traceback" not in flows.stdout + flows.stderr
