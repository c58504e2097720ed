"""The flows' parameters as the Prefect UI shows them: the JSON FastAPI's encoder would give,
without loading FastAPI in a run started from the terminal."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import BaseModel

from flows.prefect_flow import Flow, flow

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
