"""`accelerator journey`: start a team's journey through the nine sessions on the Prefect server,
see where it is and what it waits for, and resume it with the team's answer.

The journey runs in the `accelerator serve` process (flows/journey.py); these commands only talk
to the Prefect server named by PREFECT_API_URL, and read the team's sessions from the database."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from pydantic import BaseModel

from accelerator.context import acting
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, escape, print_json
from assessment.core.errors import AcceleratorError, Conflict, NotFound, Problem, ValidationFailed

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

    from assessment.sessions.service import TeamProgress

app = typer.Typer(
    help="A team's journey through the nine sessions, run by `accelerator serve`: start it, see what it waits "
    "for, answer it.",
    no_args_is_help=True,
)

# The latest runs of the journey searched for a team's (every team's journeys share the flow).
SEARCHED = 200


class JourneyStatus(BaseModel):
    """A team's latest journey run: its state, the session it is at, and what it waits for when suspended."""

    run_id: str
    name: str
    jurisdiction: str
    cohort: str
    state: str
    session: int | None
    waiting_for: str | None  # the Markdown description of the form the run waits for
    answer_fields: dict[str, str] | None  # each field of that form → what to put in it
    next_step: str


def prefect_api() -> str:
    """The Prefect server's API the journey lives on (PREFECT_API_URL, else the one `accelerator server
    start` started); refused, in one line, without one."""
    from accelerator.flowrun import configure_prefect

    configure_prefect()
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise AcceleratorError(
            "The journey runs on a Prefect server, in an `accelerator serve` process: start a server "
            "(`accelerator server start`, or `prefect server start` with PREFECT_API_URL=http://127.0.0.1:4200/api "
            "set), then `accelerator serve`, and run this again."
        )
    return url


@contextmanager
def prefect_client(url: str) -> Iterator[SyncPrefectClient]:
    """A client of the server at ``url``; a server that does not answer is said in one sentence."""
    import httpx
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            yield client
    except httpx.TransportError:
        raise AcceleratorError(
            f"The Prefect server at {url} does not answer: start it (`accelerator server start` or "
            "`prefect server start`), or correct PREFECT_API_URL."
        ) from None


def team(ctx: typer.Context, jurisdiction: str, cohort: str) -> tuple[str, str, TeamProgress]:
    """The team's names as stored and its sessions (refused when the person may not see them)."""
    from assessment.sessions.service import board

    with acting(ctx) as (session, actor):
        shown = board(session, actor, cohort, jurisdiction)
    progress = shown.teams[0]
    return progress.jurisdiction, shown.cohort, progress


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


def where(jurisdiction: str, cohort: str) -> str:
    return f'--jurisdiction "{jurisdiction}" --cohort "{cohort}"'


@app.command()
def start(
    ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False
) -> None:
    """Start the team's journey: a run of the journey deployment, taken up by `accelerator serve`."""
    url = prefect_api()
    place, group, _ = team(ctx, jurisdiction, cohort)
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import JOURNEY_DEPLOYMENT

    with prefect_client(url) as client:
        unfinished = [r for r in journey_runs(client, place, group) if r.state is not None and not r.state.is_final()]
        if unfinished:
            run = unfinished[0]
            state = (run.state_name or "under way").lower()
            raise Conflict(
                f"A journey for {place} ({group}) is already {state}: run '{run.name}' ({run.id}). See it with "
                f"`accelerator journey status {where(place, group)}`; answer it, or cancel it in the Prefect UI to "
                "start again."
            )
        try:
            deployment = client.read_deployment_by_name(JOURNEY_DEPLOYMENT)
        except ObjectNotFound:
            raise NotFound(
                f"The Prefect server at {url} has no journey deployment: start `accelerator serve` (it registers "
                "the deployments and runs them), then try again."
            ) from None
        # tagged for the Prefect UI's filters; the commands find a team's runs by their parameters
        run = client.create_flow_run_from_deployment(
            deployment.id,
            parameters={"jurisdiction": place, "cohort": group},
            tags=[f"team:{place}", f"cohort:{group}"],
        )
    if as_json:
        print_json({"run_id": str(run.id), "name": run.name, "jurisdiction": place, "cohort": group})
        return
    console.print(
        f"Started the journey for {escape(place)} ({escape(group)}): run '{escape(run.name)}' ({run.id}).\n"
        "The `accelerator serve` process runs it; see where it is and what it waits for with "
        f"`accelerator journey status {escape(where(place, group))}`."
    )


def waiting_for(client: SyncPrefectClient, run: FlowRun) -> tuple[str | None, dict[str, str] | None]:
    """What a suspended run waits for: its form's description and fields (None, None when it waits for nothing)."""
    from prefect.exceptions import ObjectNotFound
    from prefect.input.run_input import keyset_from_paused_state

    if run.state is None or not run.state.is_paused() or not run.state.state_details.run_input_keyset:
        return None, None
    keys = keyset_from_paused_state(run.state)
    try:
        description = json.loads(client.read_flow_run_input(run.id, keys["description"]))
    except ObjectNotFound:
        description = None
    try:
        schema = json.loads(client.read_flow_run_input(run.id, keys["schema"]))
    except ObjectNotFound:
        return description, None
    fields = {name: str(p.get("description") or p.get("type", "")) for name, p in schema.get("properties", {}).items()}
    return description, fields


@app.command()
def status(
    ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False
) -> None:
    """The team's latest journey run: its state, the session it is at and, when suspended, what it waits for."""
    url = prefect_api()  # before Prefect loads: it reads which server to use once
    from flows.journey import PAUSE_KEY

    place, group, progress = team(ctx, jurisdiction, cohort)
    with prefect_client(url) as client:
        runs = journey_runs(client, place, group)
        if not runs:
            raise NotFound(
                f"No journey has been started for {place} ({group}) on the Prefect server at {url}: start one with "
                f"`accelerator journey start {where(place, group)}`."
            )
        run = runs[0]
        description, fields = waiting_for(client, run)
    key = run.state.state_details.pause_key if run.state is not None and run.state.is_paused() else None
    paused_at = PAUSE_KEY.match(key) if key else None
    at = (
        int(paused_at["number"])
        if paused_at
        else next((s.number for s in progress.sessions if s.state != "done"), None)
    )
    shown = JourneyStatus(
        run_id=str(run.id),
        name=run.name,
        jurisdiction=place,
        cohort=group,
        state=run.state_name or "unknown",
        session=at,
        waiting_for=description,
        answer_fields=fields,
        next_step=progress.next_step,
    )
    if as_json:
        print_json(shown)
        return
    print_status(shown)


def print_status(shown: JourneyStatus) -> None:
    at = f" at session {shown.session}" if shown.session else ""
    console.print(
        f"[bold]Journey run '{escape(shown.name)}'[/] ({shown.run_id}) for {escape(shown.jurisdiction)}, "
        f"{escape(shown.cohort)}: {escape(shown.state)}{at}."
    )
    if shown.waiting_for is None:
        console.print(f"Next for the team: {escape(shown.next_step)}")
        return
    console.print("It waits for the team:\n")
    console.print(escape(shown.waiting_for), highlight=False)
    if shown.answer_fields:
        console.print("\nAnswer with a JSON file holding:")
        for name, help_text in shown.answer_fields.items():
            console.print(f"  {escape(name)}: {escape(help_text)}")
    console.print(f"then `accelerator journey resume {shown.run_id} --input FILE.json`.")


@app.command()
def resume(
    run_id: Annotated[str, typer.Argument(help="The journey run's id (`accelerator journey status` shows it).")],
    input_file: Annotated[
        Path, typer.Option("--input", help='A JSON file with the answer, e.g. {"files": ["/data/hong.xlsx"]}.')
    ],
    as_json: JsonOption = False,
) -> None:
    """Resume a suspended journey with the team's answer (Prefect checks its shape, the journey what it says)."""
    answer = read_answer(input_file)
    try:
        flow_run_id = UUID(run_id.strip())
    except ValueError:
        raise ValidationFailed(
            "Nothing was sent:",
            [Problem("RUN_ID", f"'{run_id}' is not a run id;", "copy it from `accelerator journey status`.")],
        ) from None
    url = prefect_api()
    from prefect.exceptions import ObjectNotFound
    from prefect.flow_runs import resume_flow_run

    with prefect_client(url) as client:
        try:
            run = client.read_flow_run(flow_run_id)
        except ObjectNotFound:
            raise NotFound(f"There is no run {flow_run_id} on the Prefect server at {url}.") from None
        if run.state is None or not run.state.is_paused():
            raise Conflict(
                f"Run '{run.name}' is not waiting for an answer: it is {(run.state_name or 'unknown').lower()}. "
                "`accelerator journey status` shows what the team's journey waits for."
            )
        try:
            resume_flow_run(flow_run_id, run_input=answer)
        except RuntimeError as refused:
            raise ValidationFailed(
                f"The Prefect server refused the answer; run '{run.name}' still waits:",
                [Problem(str(input_file), str(refused).removeprefix("Cannot resume this run: "))],
            ) from None
    sent = json.dumps(answer, ensure_ascii=False)
    if as_json:
        print_json({"run_id": str(run.id), "name": run.name, "sent": answer})
        return
    place, group = (str(run.parameters.get(k, "")) for k in ("jurisdiction", "cohort"))
    console.print(
        f"Sent to run '{escape(run.name)}' ({run.id}): {escape(sent)}\n"
        "The `accelerator serve` process takes the run up again and checks the answer; "
        f"`accelerator journey status {escape(where(place, group))}` shows whether it was accepted."
    )


def read_answer(path: Path) -> dict[str, Any]:
    """The answer in ``path``: one JSON object, its fields those of the form the run waits for."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed(
            "Nothing was sent:", [Problem("--input", f"{path} cannot be read ({exc.strerror});", "name a JSON file.")]
        ) from None
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            "Nothing was sent:", [Problem(f"{path}, line {exc.lineno}", f"{exc.msg};", "write it as one JSON object.")]
        ) from None
    if not isinstance(answer, dict):
        raise ValidationFailed(
            "Nothing was sent:",
            [Problem(str(path), "holds no JSON object;", 'write the answer\'s fields in one, e.g. {"files": [...]}.')],
        )
    return answer
