"""Who a flow acts as.

Called from the terminal (the CLI) or from code, a flow acts as the person it is given, and is
refused without one. Launched from the Prefect UI (a deployment), it acts as the identity the
``accelerator serve`` process was started with (``ACCELERATOR_ACTOR`` or the identity saved with
``accelerator whoami --set``), never as a name typed in the form: whoever can open the UI could
type anyone's. A form that names someone else is refused, so nobody can raise their privileges
through it; protect the server itself with Prefect's basic auth (README, "Running for a region").
"""

from __future__ import annotations

from typing import Annotated

from pydantic import WithJsonSchema

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.identity import acting_email

# A text field in the UI's form, left empty there; a direct caller's None or blank is refused.
ActorEmail = Annotated[str | None, WithJsonSchema({"type": "string"})]


def launched_from_ui() -> bool:
    """Whether this flow run was launched from a deployment (the Prefect UI, or ``run_deployment``).

    Read from the run's own context: ``prefect.runtime.deployment.id`` asks the API for the flow run
    whenever the run has no deployment, a round trip on every run from the terminal.
    """
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and context.flow_run is not None and context.flow_run.deployment_id is not None


def flow_actor(actor: str | None, doing: str) -> str:
    """The email the running flow acts as (see the module's docstring)."""
    given = (actor or "").strip()
    if launched_from_ui():
        serving = acting_email(None)
        if serving is None:
            raise ValidationFailed(
                "Nothing was done: runs launched from the Prefect UI act as the person who serves them, "
                "and this server was started without one.",
                [
                    Problem(
                        "accelerator serve",
                        "has no identity;",
                        "restart it with ACCELERATOR_ACTOR=EMAIL (or after `accelerator whoami --set EMAIL`).",
                    )
                ],
            )
        email = serving[0]
        if given and given.casefold() != email.casefold():
            raise ValidationFailed(
                "Nothing was done; fix this and try again:",
                [
                    Problem(
                        "actor",
                        f"runs launched from the Prefect UI act as {email}, who serves them, not as {given};",
                        "leave actor empty, or ask the person you mean to run it themselves.",
                    )
                ],
            )
        return email
    if not given:
        raise ValidationFailed(
            "Nothing was done; fix this and try again:",
            [
                Problem(
                    "actor", f"the email of the person {doing} is required;", "give the email they are registered with."
                )
            ],
        )
    return given
