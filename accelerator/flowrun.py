"""Running a Prefect flow from the CLI without Prefect's start-up and shut-down noise."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Loggers that report the temporary server's own shut-down; a user has nothing to do about them.
SHUTDOWN_LOGGERS = ("prefect.server", "prefect.events", "uvicorn", "docket", "prefect._internal")


def configure_prefect() -> None:
    """Defaults for a CLI run; anything the user set in the environment wins.

    The CLI prints its own summary and error messages, so Prefect's console log (which repeats
    a refused import as an ERROR with a traceback) is silenced; the Prefect UI still gets every
    log line through the API handler.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_INTERNAL_LOGGING_LEVEL", "CRITICAL")


def run_flow(start: Callable[[], T], what: str | None = None) -> T:
    """Call ``start`` (which calls flows) with Prefect configured for a terminal user.

    ``what`` is shown as a spinner while it runs; callers with a progress bar of their own pass None.
    """
    from contextlib import nullcontext

    from accelerator.output import err_console

    configure_prefect()
    try:
        # Without PREFECT_API_URL Prefect first starts a temporary server (10-20 s): say so.
        with err_console.status(f"{what} (a Prefect flow)...") if what else nullcontext():
            return start()
    finally:
        for name in SHUTDOWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
