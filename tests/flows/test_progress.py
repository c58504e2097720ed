"""A long run's progress bar in the Prefect UI: it moves while the work goes on, ends at 100%,
and asks the API no more often than someone watching could notice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from flows.prefect_flow import flow
from flows.progress import Progress

pytestmark = pytest.mark.usefixtures("prefect_harness")


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Each value the bar is moved to, the bar still moved in Prefect."""
    from flows import progress

    seen: list[float] = []
    update = progress.update_progress_artifact

    def recorded(**arguments: Any) -> Any:
        seen.append(arguments["progress"])
        return update(**arguments)

    monkeypatch.setattr(progress, "update_progress_artifact", recorded)
    yield seen


def shown(artifact_id: UUID) -> float:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterId

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(id=ArtifactFilterId(any_=[artifact_id])))
    assert artifact.type == "progress"
    return float(artifact.data)  # type: ignore[arg-type]


def test_quick_work_moves_the_bar_once_to_the_end(moves: list[float]) -> None:
    clock = Clock()

    @flow(name="quick-work")
    def quick() -> UUID:
        progress = Progress("Reading workbooks", total=300, clock=clock)
        for _ in range(300):
            clock.now += 0.001
            progress.advance()
        progress.done()
        return progress.artifact_id

    artifact_id = quick()
    assert moves == [100.0]
    assert shown(artifact_id) == 100.0


def test_slow_work_moves_the_bar_as_it_goes(moves: list[float]) -> None:
    clock = Clock()

    @flow(name="slow-work")
    def slow() -> tuple[UUID, float]:
        progress = Progress("Jurisdiction sections", total=4, clock=clock)
        for _ in range(3):
            clock.now += Progress.EVERY
            progress.advance()
        midway = shown(progress.artifact_id)
        clock.now += 0.1  # the last item came quickly: the end moves the bar
        progress.advance()
        progress.done()
        return progress.artifact_id, midway

    artifact_id, midway = slow()
    assert moves == [25.0, 50.0, 75.0, 100.0]
    assert midway == 75.0 and shown(artifact_id) == 100.0
