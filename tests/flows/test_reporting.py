"""What a run tells the person watching it: a refusal's message in the run's log, a line per served run."""

from __future__ import annotations

import logging
from uuid import uuid4

import pytest
from prefect.client.schemas.objects import FlowRun
from prefect.states import Completed

from assessment.core.errors import NotFound
from flows.reporting import RUN_LOGGERS, print_served_run
from tests.conftest import Cast

pytestmark = pytest.mark.usefixtures("prefect_harness")


def run_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the runs logged: the records that reach the run's page in the Prefect UI."""
    return [r for r in caplog.records if r.name in RUN_LOGGERS]


def refuse(cast: Cast) -> NotFound:
    """Run the assessment for a jurisdiction nobody added; the refusal it raises."""
    from flows.assessment_run import assessment_run

    with pytest.raises(NotFound) as refused:
        assessment_run("Nowhere", cast.cohort, "baseline", ["a.xlsx"], actor=cast.alder_manager)
    return refused.value


def test_a_refused_run_logs_its_message_once_without_a_traceback(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    error = refuse(cast)
    records = run_records(caplog)
    assert [(r.levelno, r.getMessage()) for r in records if r.getMessage() == error.message] == [
        (logging.ERROR, error.message)
    ]
    assert not [r for r in records if r.exc_info], "a traceback reached the run's log"


def test_at_debug_level_the_refusals_traceback_is_kept_once(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    for name in RUN_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    error = refuse(cast)
    traces = [r for r in run_records(caplog) if r.exc_info]
    assert [(r.levelno, r.exc_info[1] if r.exc_info else None) for r in traces] == [(logging.DEBUG, error)]


def test_a_served_run_prints_what_ran_for_whom_and_how_it_ended(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.assessment_run import assessment_run

    failed = assessment_run(
        "Nowhere", cast.cohort, " Baseline ", ["a.xlsx"], actor=cast.alder_manager, return_state=True
    )
    assert capsys.readouterr().out == "", "a direct call (the CLI's) printed a served run's line"
    served = FlowRun(
        flow_id=uuid4(),
        deployment_id=uuid4(),
        name="brave-otter",
        parameters={"jurisdiction": "Nowhere", "cohort": cast.cohort, "cycle": "baseline", "files": ["a.xlsx"]},
    )

    print_served_run(assessment_run, served, failed)
    print_served_run(assessment_run, served, Completed())

    refused, completed = capsys.readouterr().out.splitlines()
    assert refused.endswith(
        "assessment-run 'brave-otter' for Nowhere, 2026 Test Cohort, baseline: "
        "refused: No jurisdiction named 'Nowhere' (known: Alder County, Birch City). "
        "Add it with `accelerator jurisdiction add`."
    )
    assert completed.endswith("assessment-run 'brave-otter' for Nowhere, 2026 Test Cohort, baseline: completed")
