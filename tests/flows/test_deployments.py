"""Deployments for the Prefect UI: forms with the flows' parameters, and a clear refusal without a server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.deployments import deployments


def test_the_ui_forms_ask_for_what_each_flow_needs() -> None:
    forms = {d.name: d._parameter_openapi_schema.model_dump() for d in deployments()}
    run = forms["assessment-run"]
    assert run["required"] == ["jurisdiction", "cohort", "cycle", "files"]
    # a run from the UI acts as the person who serves it: the actor field is left empty there
    assert run["properties"]["actor"]["type"] == "string"
    assert "Leave empty in the Prefect UI" in run["properties"]["actor"]["description"]
    assert run["properties"]["cycle"]["description"] == "baseline, midpoint or final."
    assert run["properties"]["cycle"]["enum"] == ["baseline", "midpoint", "final"]  # a list to pick from
    assert run["properties"]["files"]["type"] == "array"
    build = forms["roadmap-build"]
    assert build["properties"]["formats"]["default"] == "pdf,xlsx,html"
    assert build["required"] == ["jurisdiction", "cohort"]
    assert "administrator" not in build["properties"]["actor"]["description"]
    session = forms["session-4"]
    assert session["required"] == ["jurisdiction", "cohort"] and "held_on" in session["properties"]
    assert "inside the application's output folder" in build["properties"]["out"]["description"]
    impact = forms["impact-report"]
    assert impact["required"] == ["jurisdiction", "cohort"]
    assert impact["properties"]["formats"]["default"] == "pdf,xlsx,html"
    regional = forms["regional-report"]
    assert regional["required"] == ["cohort"] and regional["properties"]["anonymize"]["default"] is False
    assert "stable label" in regional["properties"]["anonymize"]["description"]


def test_serve_without_a_prefect_server_says_how_to_start_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "accelerator.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1
    assert "prefect server start" in result.stderr and "PREFECT_API_URL" in result.stderr
