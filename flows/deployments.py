"""Deployments for the Prefect UI: the assessment run and the roadmap build as forms to fill in."""

from __future__ import annotations

from typing import Any

from flows.assessment_run import assessment_run
from flows.roadmap_build import roadmap_build

TAGS = ["equity-accelerator"]


def deployments() -> list[Any]:
    """The flows a team launches from the Prefect UI, with their parameters as the form's fields."""
    # Any: Prefect types to_deployment as "deployment or coroutine" (it is sync-compatible); here it is the former.
    return [
        assessment_run.to_deployment(
            name="assessment-run",
            description=(
                "Score a team's filled self-assessment workbooks (paths on the server running this) "
                "and store the result. Refused with every problem listed; nothing half-written."
            ),
            tags=TAGS,
        ),
        roadmap_build.to_deployment(
            name="roadmap-build",
            description=(
                "Build a team's action roadmap (PDF, XLSX, HTML) as a new numbered version. The files go "
                "in the folder named by out inside the application's output folder (ACCELERATOR_OUTPUT_DIR)."
            ),
            tags=TAGS,
        ),
    ]


def serve_all() -> None:
    """Serve the deployments until stopped; runs happen in this process, against its database."""
    from prefect import serve

    serve(*deployments())
