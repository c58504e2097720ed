"""Progress of long work, shown as a Prefect progress artifact on the run's page."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact


class Progress:
    """A progress bar in the Prefect UI: ``advance()`` after each item, ``done()`` at the end.

    The bar appears once the work has lasted ``EVERY`` seconds, moves at most that often, and ends
    at 100%: each move is a request to the Prefect API, and someone watching sees no more than that.
    Three workbooks read in a tenth of a second make no request (nobody could watch that bar move);
    3,000 jurisdictions' sections, a few dozen, not 3,000.
    """

    EVERY = 0.5

    def __init__(self, description: str, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.description = description
        self.total = max(total, 1)
        self.count = 0
        self.clock = clock
        self.artifact_id: UUID | None = None  # the bar, once shown
        self.shown = 0.0
        self.shown_at = clock()

    def advance(self, *_: object) -> None:
        self.count += 1
        now = self.clock()
        if now - self.shown_at >= self.EVERY:
            self.show(100.0 * self.count / self.total)
            self.shown_at = now

    def done(self) -> None:
        """The bar, where there is one, at 100%."""
        if self.artifact_id is not None and self.shown < 100.0:
            self.show(100.0)

    def show(self, progress: float) -> None:
        if self.artifact_id is None:
            created = create_progress_artifact(progress=progress, description=self.description)
            # Prefect types it as an id or, in async code, a coroutine; flows here are synchronous.
            assert isinstance(created, UUID)
            self.artifact_id = created
        else:
            update_progress_artifact(artifact_id=self.artifact_id, progress=progress)
        self.shown = progress
