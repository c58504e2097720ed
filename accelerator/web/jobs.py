"""Work a page starts and a person watches: a Prefect flow (scoring workbooks, building a roadmap,
compiling a report) run in the web process's own threads, its steps shown at ``/jobs/{id}``.

The flow itself is an ordinary Prefect run (the Prefect UI lists it, on the server
``accelerator server start`` started when it runs); what is kept here is only what the person's
page shows, in memory: a restarted web app forgets its jobs, never their results, which the flows
store in the database.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from assessment.core.errors import AcceleratorError, NotFound, ValidationFailed

log = logging.getLogger(__name__)

# What the page says of a step: "running", "completed", "failed" (Prefect's state names), or None (waiting).
StepWatcher = Callable[[str, str], None]
# The work: runs the flow, telling ``watch`` its steps; returns where the result is (an address on this site).
Work = Callable[[StepWatcher], str]

# Finished jobs are kept this long for their page, then forgotten.
KEEP_SECONDS = 6 * 3600
SOMETHING_WENT_WRONG = (
    "The work stopped on an unexpected error. Nothing half-done was kept. Try again; if it happens again, "
    "tell whoever runs this server (the details are in its log)."
)


@dataclass
class Job:
    """One piece of work a person started: its steps as they happen, and how it ended."""

    id: str
    owner: int
    what: str
    steps: list[str]
    result_label: str
    back: str
    states: dict[str, str] = field(default_factory=dict)
    status: Literal["running", "done", "failed"] = "running"
    message: str = ""
    problems: list[str] = field(default_factory=list)
    result: str | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def tell(self, step: str, state: str) -> None:
        if step not in self.steps:
            self.steps.append(step)
        self.states[step] = state

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started


class Jobs:
    """The web process's running and recent jobs; at most ``workers`` run at once, the rest queue."""

    def __init__(self, workers: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accelerator-job")
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def start(self, owner: int, what: str, steps: list[str], work: Work, result_label: str, back: str) -> Job:
        """Queue ``work`` for person ``owner``; ``what`` names it ("Scoring the workbooks"), ``steps`` are
        the flow's steps in order, ``result_label`` is the link text to its result, ``back`` the page it
        was started from."""
        job = Job(secrets.token_urlsafe(12), owner, what, list(steps), result_label, back)
        with self.lock:
            self._forget_old()
            self.jobs[job.id] = job
        # The work runs in the context it was started in (Prefect's settings among it), as a sync page does.
        context = contextvars.copy_context()
        self.pool.submit(context.run, self._run, job, work)
        return job

    def get(self, job_id: str, owner: int) -> Job:
        """A job of ``owner``'s; anyone else's (or one forgotten) is not found: its existence is private."""
        with self.lock:
            job = self.jobs.get(job_id)
        if job is None or job.owner != owner:
            raise NotFound(
                "There is no such piece of work (work is forgotten six hours after it ends, or when the web app "
                "restarts; its results are kept)."
            )
        return job

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key in [k for k, j in self.jobs.items() if j.ended is not None and now - j.ended > KEEP_SECONDS]:
            del self.jobs[key]

    @staticmethod
    def _run(job: Job, work: Work) -> None:
        from flows.prefect_flow import without_heartbeat
        from flows.steps import watching

        try:
            # No heartbeat: the person watching the page sees the run is alive (as in the terminal).
            with without_heartbeat(), watching(job.tell):
                job.result = work(job.tell)
            job.status = "done"
        except AcceleratorError as exc:
            job.status = "failed"
            if isinstance(exc, ValidationFailed):
                job.message = exc.summary
                job.problems = [str(p) for p in exc.problems]
                if exc.more:
                    job.problems.append(f"... and {exc.more} more problem(s)")
            else:
                job.message = exc.message
        except Exception:  # the person gets a plain message; the details go to the server's log
            log.exception("job %s (%s) failed", job.id, job.what)
            job.status = "failed"
            job.message = SOMETHING_WENT_WRONG
        finally:
            for step, state in job.states.items():
                if state == "running":  # a step a failure cut short
                    job.states[step] = "failed"
            job.ended = time.monotonic()
            job.finished.set()
