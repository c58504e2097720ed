"""Progress of long work, shown as a Prefect progress artifact on the run's page."""

from __future__ import annotations

from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact


class Progress:
    """A progress bar in the Prefect UI: ``advance()`` after each item, ``done()`` at the end."""

    def __init__(self, description: str, total: int) -> None:
        self.total = max(total, 1)
        self.count = 0
        created = create_progress_artifact(progress=0.0, description=description)
        # Prefect types it as an id or, in async code, a coroutine; flows here are synchronous.
        assert isinstance(created, UUID)
        self.artifact_id = created

    def advance(self, *_: object) -> None:
        self.count += 1
        update_progress_artifact(artifact_id=self.artifact_id, progress=100.0 * self.count / self.total)

    def done(self) -> None:
        update_progress_artifact(artifact_id=self.artifact_id, progress=100.0)
