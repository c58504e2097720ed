"""The flows' parameters as the Prefect UI shows them: the JSON FastAPI's encoder would give,
without loading FastAPI in a run started from the terminal. Large task arguments passed whole, and
flows run without a heartbeat, each as Prefect would but cheaper."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import BaseModel

from flows.prefect_flow import Flow, flow, whole, without_heartbeat

ROOT = Path(__file__).resolve().parents[2]


class Cycle(Enum):
    BASELINE = "baseline"


class Where(BaseModel):
    jurisdiction: str
    held_on: date


def takes(**parameters: object) -> None:
    """A flow's function; only its parameters matter here."""


def test_parameters_are_stored_as_fastapis_encoder_stores_them() -> None:
    from fastapi.encoders import jsonable_encoder

    parameters = {
        "jurisdiction": "Alder County",
        "files": [Path("/data/alder/one.xlsx"), Path("two.xlsx")],
        "cycle": Cycle.BASELINE,
        "where": Where(jurisdiction="Alder County", held_on=date(2026, 3, 2)),
        "attendees": ("a@x.org", "b@x.org"),
        "run": UUID("12345678-1234-5678-1234-567812345678"),
        "notes": None,
        "replace": False,
        "counts": {"open": 3, "closed": 1},
    }
    stored = flow(name="takes")(takes).serialize_parameters(parameters)
    assert stored == jsonable_encoder(parameters)
    assert stored["files"] == ["/data/alder/one.xlsx", "two.xlsx"] and stored["cycle"] == "baseline"


def test_a_time_is_stored_as_the_same_instant() -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    stored = flow(name="takes")(takes).serialize_parameters({"at": at})
    assert stored == {"at": "2026-03-02T09:30:00Z"}  # FastAPI's writes +00:00: the same instant
    assert datetime.fromisoformat(stored["at"]) == at


def test_a_parameter_that_cannot_be_stored_is_named_by_its_type() -> None:
    class Handle:
        __slots__ = ()

    stored = flow(name="takes")(takes).serialize_parameters({"handle": Handle(), "jurisdiction": "Alder County"})
    assert stored == {"handle": "<Handle>", "jurisdiction": "Alder County"}


def test_the_flows_are_made_by_this_flow() -> None:
    from flows.assessment_run import assessment_run
    from flows.journey import accelerator_journey
    from flows.reports import jurisdiction_report, regional_report
    from flows.roadmap_build import roadmap_build
    from flows.sessions import SESSION_FLOWS

    made = [assessment_run, accelerator_journey, jurisdiction_report, regional_report, roadmap_build]
    assert all(isinstance(f, Flow) for f in [*made, *SESSION_FLOWS.values()])


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_stores_its_parameters_as_the_ui_shows_them() -> None:
    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext

    @flow(name="parameters-shown")
    def shown(files: list[Path], cycle: Cycle) -> str:
        context = FlowRunContext.get()
        assert context is not None and context.flow_run is not None
        return str(context.flow_run.id)

    run_id = shown([Path("/data/one.xlsx")], Cycle.BASELINE)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(run_id))
    assert run.parameters == {"files": ["/data/one.xlsx"], "cycle": "baseline"}


def test_loading_the_flows_leaves_fastapi_unloaded() -> None:
    """A run from the terminal spends no time loading a web framework it does not use."""
    code = (
        "import sys; from flows.assessment_run import assessment_run; "
        "assessment_run.serialize_parameters({'files': ['a.xlsx'], 'cycle': 'baseline'}); "
        "print('fastapi' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr


class Rating(BaseModel):
    practice: str
    level: int


@pytest.mark.usefixtures("prefect_harness")
def test_a_whole_argument_reaches_the_task_linked_to_the_task_that_made_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's graph keeps its arrow from the task that made the ratings to the one that uses them,
    and Prefect looks at the list itself, not at each of the ratings inside."""
    import prefect.utilities.engine as engine
    from prefect import task
    from prefect.cache_policies import NO_CACHE
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import TaskRunResult
    from prefect.context import TaskRunContext

    looked_at: list[object] = []
    state_for = engine.get_state_for_result

    def recorded(obj: object) -> object:
        looked_at.append(obj)
        return state_for(obj)

    monkeypatch.setattr(engine, "get_state_for_result", recorded)

    @task(cache_policy=NO_CACHE)
    def made() -> tuple[list[Rating], str]:
        context = TaskRunContext.get()
        assert context is not None
        return [Rating(practice=f"p{n}", level=n % 4 + 1) for n in range(200)], str(context.task_run.id)

    @task(cache_policy=NO_CACHE)
    def used(ratings: list[Rating]) -> tuple[int, str]:
        context = TaskRunContext.get()
        assert context is not None
        return sum(r.level for r in ratings), str(context.task_run.id)

    @flow(name="whole-argument")
    def graph() -> tuple[int, str, str]:
        ratings, maker = made()
        total, user = used(whole(ratings))
        return total, maker, user

    looked_at.clear()
    total, maker, user = graph()
    assert total == sum(n % 4 + 1 for n in range(200))  # the list itself, not Prefect's wrapper
    assert not any(isinstance(obj, Rating) for obj in looked_at)
    with get_client(sync_client=True) as client:
        inputs = client.read_task_run(UUID(user)).task_inputs
    # the list came out of the tuple `made` returned, so Prefect knows it by the tuple's task run
    assert TaskRunResult(id=UUID(maker)) in inputs["ratings"]


@pytest.mark.usefixtures("prefect_harness")
def test_without_heartbeat_changes_only_the_heartbeat_and_only_inside() -> None:
    from prefect.settings import get_current_settings

    before = get_current_settings()
    assert before.flows.heartbeat_frequency is not None
    with without_heartbeat():
        inside = get_current_settings()
        assert inside.flows.heartbeat_frequency is None
        assert inside.api.url == before.api.url and inside.flows.default_retries == before.flows.default_retries
        assert inside.model_dump(exclude={"flows"}) == before.model_dump(exclude={"flows"})
    assert get_current_settings().flows.heartbeat_frequency == before.flows.heartbeat_frequency
