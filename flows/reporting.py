"""What a run tells the person watching it, in the Prefect UI and in the ``accelerator serve`` terminal.

- ``report_refusals_as_messages``: a refusal (an ``AcceleratorError``) is logged once, as its message;
  its traceback only at debug level.
- ``print_served_run``: a state hook; a deployment's run prints one line when it ends.
"""

from __future__ import annotations

import logging
import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assessment.core.errors import AcceleratorError

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.client.schemas.objects import FlowRun, State

# Prefect's run loggers: what they log goes to the run's page in the UI.
RUN_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")
# Parameters that say whom a run is for, in the order they are shown.
FOR_WHOM = ("jurisdiction", "cohort", "cycle")


class RefusalAsMessage(logging.Filter):
    """Turns Prefect's tracebacks of a refusal into its message, shown once.

    Prefect logs a failed run's exception with its traceback up to three times: as the task's
    failure, as the flow's and as the engine's. A refusal is for the user to read and fix, so the
    first of these becomes the message and the others are dropped; the traceback is kept for
    whoever runs Prefect at debug level.
    """

    def __init__(self) -> None:
        super().__init__()
        self.shown: weakref.WeakSet[BaseException] = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, AcceleratorError):
            return True
        if error in self.shown:
            return False
        self.shown.add(error)
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(logging.DEBUG):
            # callHandlers, not handle: the trace must not pass through this filter again
            logger.callHandlers(
                logging.makeLogRecord({**record.__dict__, "levelno": logging.DEBUG, "levelname": "DEBUG"})
            )
        record.msg, record.args, record.exc_info, record.exc_text = error.message, (), None, None
        return True


REFUSAL_AS_MESSAGE = RefusalAsMessage()


def report_refusals_as_messages() -> None:
    """Put the filter on Prefect's run loggers of this process (once; calling again changes nothing)."""
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if REFUSAL_AS_MESSAGE not in logger.filters:
            logger.addFilter(REFUSAL_AS_MESSAGE)


def print_served_run(flow: Flow[Any, Any], flow_run: FlowRun, state: State[Any]) -> None:
    """One line in the terminal serving the deployments when one of their runs ends: what ran,
    for whom, and how it ended. A flow called directly (the CLI, tests) prints nothing here."""
    if flow_run.deployment_id is None:
        return
    whom = ", ".join(str(flow_run.parameters[k]) for k in FOR_WHOM if flow_run.parameters.get(k))
    what = f"{flow.name} '{flow_run.name}'" + (f" for {whom}" if whom else "")
    print(f"{datetime.now():%H:%M:%S} {what}: {outcome(state)}", flush=True)


def outcome(state: State[Any]) -> str:
    """How a run ended, in words: a refusal by its message, anything else by Prefect's."""
    if state.is_completed():
        return "completed"
    if state.is_failed() and state.data is not None:
        # a failed run of these (synchronous) flows holds its exception in memory
        error = state.result(raise_on_failure=False)
        if isinstance(error, AcceleratorError):
            return f"refused: {error.message}"
    ended = (state.name or state.type.value).lower()
    return f"{ended}: {state.message}" if state.message else ended
