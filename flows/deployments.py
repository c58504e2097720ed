"""Deployments for the Prefect UI: the assessment run, the roadmap build, the impact reports, each
of the nine sessions and the team's journey through them, as forms to fill in."""

from __future__ import annotations

from typing import Any

from flows.assessment_run import assessment_run
from flows.journey import JOURNEY_FLOW, accelerator_journey
from flows.reports import jurisdiction_report, regional_report
from flows.roadmap_build import roadmap_build
from flows.sessions import SESSION_FLOWS

TAGS = ["equity-accelerator"]
JOURNEY_DEPLOYMENT = f"{JOURNEY_FLOW}/journey"


def session_deployment(number: int) -> str:
    """The name ``run_deployment`` knows session ``number``'s deployment by."""
    return f"{SESSION_FLOWS[number].name}/session-{number}"


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
        jurisdiction_report.to_deployment(
            name="impact-report",
            description=(
                "Compile a team's impact report (session 9) as PDF, XLSX and HTML, into the folder named by out "
                "inside the application's output folder."
            ),
            tags=TAGS,
        ),
        regional_report.to_deployment(
            name="regional-report",
            description=(
                "Compile the cohort's regional impact report (alliance leads only), named where teams opted in "
                "or anonymized, as PDF, XLSX and HTML inside the application's output folder."
            ),
            tags=TAGS,
        ),
        # A suspended run is started again when resumed: it needs a deployment and persisted results.
        accelerator_journey.to_deployment(
            name="journey",
            description=(
                "Walk a team through the nine sessions in order, skipping those recorded. The run waits "
                "(suspended, with a form on its page) wherever the team must act: who attended, the filled "
                "workbooks, the barriers to carry into the roadmap, what a session still needs."
            ),
            tags=TAGS,
        ),
        *(
            session.with_options(persist_result=True).to_deployment(
                name=f"session-{number}",
                description=(
                    f"{session.description}: check what the session needs (refused, naming each missing "
                    "input), do its work and record it for the team; running it again updates the record."
                ),
                tags=TAGS,
            )
            for number, session in SESSION_FLOWS.items()
        ),
    ]


def serve_all() -> None:
    """Serve the deployments until stopped; runs happen in this process, against its database."""
    from prefect import serve

    serve(*deployments())
