"""Whether a run was launched from a deployment, read from the run itself (no API request)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from flows.acting import launched_from_ui
from flows.prefect_flow import flow

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_outside_a_run_nothing_was_launched_from_the_ui() -> None:
    assert launched_from_ui() is False


def test_a_run_called_from_the_terminal_was_not_launched_from_the_ui() -> None:
    @flow(name="called-directly")
    def called() -> bool:
        return launched_from_ui()

    assert called() is False


def test_a_run_of_a_deployment_was_launched_from_the_ui() -> None:
    from prefect.client.schemas.objects import FlowRun
    from prefect.context import FlowRunContext

    @flow(name="from-a-deployment")
    def launched() -> bool:
        context = FlowRunContext.get()
        assert context is not None and context.flow_run is not None
        deployed = FlowRun.model_validate({**context.flow_run.model_dump(), "deployment_id": uuid4()})
        with context.model_copy(update={"flow_run": deployed}):
            return launched_from_ui()

    assert launched() is True
