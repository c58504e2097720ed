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
    """Each value the bar is shown at (made, then moved), the bar still made and moved in Prefect."""
    from flows import progress

    seen: list[float] = []
    create, update = progress.create_progress_artifact, progress.update_progress_artifact

    def created(**arguments: Any) -> Any:
        seen.append(arguments["progress"])
        return create(**arguments)

    def updated(**arguments: Any) -> Any:
        seen.append(arguments["progress"])
        return update(**arguments)

    monkeypatch.setattr(progress, "create_progress_artifact", created)
    monkeypatch.setattr(progress, "update_progress_artifact", updated)
    yield seen


def shown(artifact_id: UUID | None) -> float:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterId

    assert artifact_id is not None, "no progress bar was made"
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(id=ArtifactFilterId(any_=[artifact_id])))
    assert artifact.type == "progress"
    return float(artifact.data)  # type: ignore[arg-type]


def progress_artifacts_of(flow_run_id: UUID) -> list[object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterType

    with get_client(sync_client=True) as client:
        return list(
            client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), type=ArtifactFilterType(any_=["progress"])
                )
            )
        )


def test_quick_work_shows_no_bar(moves: list[float]) -> None:
    """Work over before anyone could watch a bar move makes no request for one."""
    from prefect.runtime import flow_run

    clock = Clock()

    @flow(name="quick-work")
    def quick() -> tuple[UUID | None, str]:
        progress = Progress("Reading workbooks", total=300, clock=clock)
        for _ in range(300):
            clock.now += 0.001
            progress.advance()
        progress.done()
        return progress.artifact_id, flow_run.id

    artifact_id, run_id = quick()
    assert moves == [] and artifact_id is None
    assert progress_artifacts_of(UUID(run_id)) == []


def test_slow_work_shows_the_bar_and_moves_it_as_it_goes(moves: list[float]) -> None:
    clock = Clock()

    @flow(name="slow-work")
    def slow() -> tuple[UUID | None, float]:
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


def test_a_bar_already_full_is_not_moved_again(moves: list[float]) -> None:
    clock = Clock()

    @flow(name="one-long-item")
    def one() -> UUID | None:
        progress = Progress("Rendering the report", total=1, clock=clock)
        clock.now += 2.0  # one item that took two seconds
        progress.advance()
        progress.done()
        return progress.artifact_id

    artifact_id = one()
    assert moves == [100.0]
    assert shown(artifact_id) == 100.0
