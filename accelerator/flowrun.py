"""Running a Prefect flow from the CLI without Prefect's start-up and shut-down noise, on the
local server `accelerator server start` started when one runs (else on a temporary one)."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from accelerator.output import escape

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.spinner import Spinner

T = TypeVar("T")

# Loggers that report the temporary server's own shut-down; a user has nothing to do about them.
SHUTDOWN_LOGGERS = ("prefect.server", "prefect.events", "uvicorn", "docket", "prefect._internal")

# The local server listens on the loopback address only: it serves this machine's user.
LOOPBACK = "127.0.0.1"
TEMPORARY_SERVER_TIP = "Tip: `accelerator server start` makes flow commands start in about a second instead of 10-20 s."


class ServerRecord(BaseModel):
    """What `accelerator server start` started: written as it starts, removed when it stops."""

    port: int
    pid: int
    home: Path
    started_at: datetime

    @property
    def url(self) -> str:
        """Where the UI is."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    def answers(self, timeout: float = 1.0) -> bool:
        return answers(self.api_url, timeout)


def recorded_server() -> ServerRecord | None:
    """The server `accelerator server start` recorded, whether or not it still runs."""
    from assessment.core.settings import get_settings

    try:
        return ServerRecord.model_validate_json(get_settings().prefect_server_file.read_bytes())
    except (OSError, ValidationError):  # none recorded, or a record nobody can use (`start` writes anew)
        return None


def answers(api_url: str, timeout: float = 1.0) -> bool:
    """True when a Prefect server answers its health check at ``api_url``."""
    import urllib.request
    from http.client import HTTPException

    # Straight to the address: a proxy named in the environment has no business with the loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{api_url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (OSError, HTTPException):  # refused, timed out, an error status, not HTTP at all
        return False


def local_server_api_url() -> str | None:
    """The API of the server `accelerator server start` started, when it answers."""
    server = recorded_server()
    return server.api_url if server is not None and server.answers() else None


def configure_prefect() -> None:
    """Defaults for a CLI run; anything the user set in the environment wins.

    The CLI prints its own summary and error messages, so Prefect's console log (which repeats
    a refused import as an ERROR with a traceback) is silenced; the Prefect UI still gets every
    log line through the API handler. Flows report to the local server when one answers, unless
    the user named a server (PREFECT_API_URL) or Prefect already loaded (it reads its settings once).
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_INTERNAL_LOGGING_LEVEL", "CRITICAL")
    if os.environ.get("PREFECT_API_URL") or "prefect.context" in sys.modules:
        return
    api_url = local_server_api_url()
    if api_url is not None:
        os.environ["PREFECT_API_URL"] = api_url


def temporary_server_note() -> str | None:
    """One line for a user whose flows run on a temporary server (how to avoid it, or that the
    recorded server stopped answering); None when Prefect has a server."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return None
    server = recorded_server()
    if server is None:
        return TEMPORARY_SERVER_TIP
    if server.answers():  # it came up after Prefect had read its settings; the next command uses it
        return None
    return (
        f"The Prefect server `accelerator server start` started at {server.url} no longer answers, so a "
        "temporary one starts (10-20 s); `accelerator server start` starts it again."
    )


def run_flow(start: Callable[[], T], what: str | None = None) -> T:
    """Call ``start`` (which calls flows) with Prefect configured for a terminal user.

    ``what`` is shown as a spinner while it runs; callers with a progress bar of their own pass None.
    """
    from contextlib import nullcontext

    from accelerator.output import err_console
    from accelerator.startup import work_starts

    configure_prefect()
    from flows.prefect_flow import without_heartbeat

    work_starts()  # the flows and Prefect are loaded

    try:
        # Without a server Prefect first starts a temporary one (10-20 s): say so, and how to avoid it.
        # A run in the terminal needs no heartbeat (it tells a server a worker's run still lives, and the
        # person watching sees that); without one, a run does not wait up to a second for it to stop.
        with (
            err_console.status(f"{what} (a Prefect flow)...") if what else nullcontext(),
            without_heartbeat(),
        ):
            note = temporary_server_note()
            if note:
                err_console.print(escape(note), soft_wrap=True)
            return start()
    finally:
        for name in SHUTDOWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        # At exit the collector would walk everything Prefect built, half a second for a process
        # about to end; frozen, it leaves them to the operating system. Registered once however
        # many flows ran.
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)


# A step's name (a task of the flow) and its state: "running", "completed", "failed", ...
StepWatcher = Callable[[str, str], None]


def run_flow_steps(start: Callable[[StepWatcher], T], what: str, steps: Sequence[str]) -> T:
    """``run_flow`` showing the flow's ``steps`` as they happen instead of one spinner.

    ``start`` gets the function to tell each step's start and end to (the flow's task hooks call it).
    """
    from rich.live import Live

    from accelerator.output import err_console

    display = StepDisplay(what, steps)
    # A terminal keeps the last frame, ✗ included; a log (CI, a file) gets the steps of a run that
    # succeeded, and of one that failed only the error message the CLI prints.
    terminal = err_console.is_terminal
    with Live(display, console=err_console, refresh_per_second=8, transient=not terminal):
        result = run_flow(lambda: start(display.tell))
    if not terminal:
        err_console.print(display)
    return result


class StepDisplay:
    """A flow's steps for the terminal: waiting (·), running (a spinner), done (✓ and its seconds), failed (✗)."""

    def __init__(self, what: str, steps: Sequence[str]) -> None:
        self.what = what
        self.steps = list(steps)
        self.states: dict[str, str] = {}
        self.started: dict[str, float] = {}
        self.took: dict[str, float] = {}
        self.spinner: Spinner | None = None

    def tell(self, step: str, state: str) -> None:
        if step not in self.steps:
            self.steps.append(step)
        if state == "running":
            self.started[step] = time.monotonic()
        elif step in self.started:
            # a step that runs several times (a render per format) shows the time of all its runs
            self.took[step] = self.took.get(step, 0.0) + time.monotonic() - self.started.pop(step)
        self.states[step] = state

    def __rich__(self) -> RenderableType:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        # One spinner for the display's life: a new one each frame would never turn.
        self.spinner = self.spinner or Spinner("dots", style="cyan")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column()
        grid.add_column(justify="right", style="dim")
        if not self.states:
            # Without PREFECT_API_URL, Prefect first starts a temporary server.
            wait = "" if os.environ.get("PREFECT_API_URL") else " (a temporary server: 10-20 s)"
            grid.add_row(self.spinner, f"starting Prefect{wait}", "")
        for step in self.steps:
            state = self.states.get(step)
            took = f"{self.took[step]:.1f} s" if step in self.took else ""
            if state is None:
                grid.add_row("[dim]·[/]", f"[dim]{escape(step)}[/]", "")
            elif state == "running":
                grid.add_row(self.spinner, escape(step), "")
            elif state == "completed":
                grid.add_row("[green]✓[/]", escape(step), took)
            else:
                grid.add_row("[red]✗[/]", f"{escape(step)} ({escape(state)})", took)
        return Group(Text.from_markup(f"[bold]{escape(self.what)}[/] (a Prefect flow)"), grid)
