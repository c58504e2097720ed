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


def run_flow(start: Callable[[], T]) -> T:
    """Call ``start`` (which calls a flow) with Prefect configured for a terminal user."""
    configure_prefect()
    try:
        return start()
    finally:
        for name in SHUTDOWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
