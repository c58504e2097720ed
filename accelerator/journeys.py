"""A team's journey on the Prefect server, read and answered from outside the run: which server it
lives on, the team's runs, what a suspended run waits for (its form's description and schema),
and sending it the team's answer. `accelerator journey` and the web app's team page both use it.

Prefect loads inside the functions: a page or command that never asks about a journey never pays
for importing it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from assessment.core.errors import AcceleratorError, Conflict, NotFound, Problem, ValidationFailed

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

# The latest runs of the journey searched for a team's (every team's journeys share the flow).
SEARCHED = 200


def server_url() -> str | None:
    """The API of the Prefect server the journeys live on: PREFECT_API_URL, else the one
    `accelerator server start` started when it answers; None when no server is known."""
    from accelerator.flowrun import local_server_api_url

    return os.environ.get("PREFECT_API_URL") or local_server_api_url()


@contextmanager
def prefect_client(url: str) -> Iterator[SyncPrefectClient]:
    """A client of the server at ``url`` (Prefect's calls inside the block use it too); a server that
    does not answer is said in one sentence."""
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
            yield client
    except httpx.TransportError:
        raise AcceleratorError(
            f"The Prefect server at {url} does not answer: start it (`accelerator server start` or "
            "`prefect server start`), or correct PREFECT_API_URL."
        ) from None


def journey_runs(client: SyncPrefectClient, jurisdiction: str, cohort: str) -> list[FlowRun]:
    """The team's journey runs, newest first (found by their parameters, whoever started them)."""
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.journey import JOURNEY_FLOW

    runs = client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=[JOURNEY_FLOW])),
        sort=FlowRunSort.EXPECTED_START_TIME_DESC,
        limit=SEARCHED,
    )

    def same(given: Any, name: str) -> bool:
        return isinstance(given, str) and given.strip().casefold() == name.casefold()

    return [
        r
        for r in runs
        if same(r.parameters.get("jurisdiction"), jurisdiction) and same(r.parameters.get("cohort"), cohort)
    ]


@dataclass(frozen=True)
class Waiting:
    """What a suspended run waits for: its pause's key, the form's description (Markdown) and the
    form's JSON schema (the RunInput model's), either None when the server has not kept it."""

    key: str
    description: str | None
    schema: dict[str, Any] | None

    def field_help(self) -> dict[str, str] | None:
        """Each field of the form → what to put in it (None without a schema)."""
        if self.schema is None:
            return None
        properties: dict[str, dict[str, Any]] = self.schema.get("properties", {})
        return {name: str(p.get("description") or p.get("type", "")) for name, p in properties.items()}


def waiting(client: SyncPrefectClient, run: FlowRun) -> Waiting | None:
    """What ``run`` waits for, None when it waits for no answer (not suspended, or paused without a form)."""
    from prefect.input.run_input import keyset_from_paused_state

    if run.state is None or not run.state.is_paused() or not run.state.state_details.run_input_keyset:
        return None
    keys = keyset_from_paused_state(run.state)
    return Waiting(
        run.state.state_details.pause_key or "",
        run_input(client, run, keys["description"]),
        run_input(client, run, keys["schema"]),
    )


def run_input(client: SyncPrefectClient, run: FlowRun, key: str) -> Any:
    """The value the server keeps under ``key`` for ``run``, None when it keeps none."""
    from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError

    try:
        return json.loads(client.read_flow_run_input(run.id, key))
    except ObjectNotFound:
        return None
    except PrefectHTTPStatusError as exc:  # the synchronous client says "not found" this way
        if exc.response.status_code == 404:
            return None
        raise


def paused_session(run: FlowRun) -> int | None:
    """The session a suspended journey run asks about (from its pause's key), None otherwise."""
    from flows.journey import PAUSE_KEY

    key = run.state.state_details.pause_key if run.state is not None and run.state.is_paused() else None
    found = PAUSE_KEY.match(key) if key else None
    return int(found["number"]) if found else None


def resume(client: SyncPrefectClient, run_id: UUID, answer: dict[str, Any], source: str) -> FlowRun:
    """Send ``answer`` to the suspended run ``run_id``: the server checks its shape against the form
    (refused: ValidationFailed naming ``source``, and the run still waits); the journey, taken up
    again, checks what it says. A run that does not wait is a Conflict; an unknown one, NotFound."""
    from prefect.exceptions import ObjectNotFound
    from prefect.flow_runs import resume_flow_run

    try:
        run = client.read_flow_run(run_id)
    except ObjectNotFound:
        raise NotFound(
            f"There is no run {run_id} on the Prefect server at {str(client.api_url).rstrip('/')}."
        ) from None
    if run.state is None or not run.state.is_paused():
        raise Conflict(
            f"Run '{run.name}' is not waiting for an answer: it is {(run.state_name or 'unknown').lower()}. "
            "`accelerator journey status` shows what the team's journey waits for."
        )
    try:
        resume_flow_run(run_id, run_input=answer)
    except RuntimeError as refused:
        raise ValidationFailed(
            f"The Prefect server refused the answer; run '{run.name}' still waits:",
            [Problem(source, str(refused).removeprefix("Cannot resume this run: "))],
        ) from None
    return run
