"""`accelerator journey`: start a team's journey through the nine sessions on the Prefect server,
see where it is and what it waits for, and resume it with the team's answer.

The journey runs in the `accelerator serve` process (flows/journey.py); these commands only talk
to the Prefect server named by PREFECT_API_URL, and read the team's sessions from the database."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from pydantic import BaseModel

from accelerator.context import acting
from accelerator.journeys import journey_runs, paused_session, prefect_client, waiting
from accelerator.journeys import resume as resume_run
from accelerator.options import CohortOption, JsonOption, JurisdictionOption
from accelerator.output import console, escape, print_json
from assessment.core.errors import AcceleratorError, Conflict, NotFound, Problem, ValidationFailed

if TYPE_CHECKING:
    from assessment.sessions.service import TeamProgress

app = typer.Typer(
    help="A team's journey through the nine sessions, run by `accelerator serve`: start it, see what it waits "
    "for, answer it.",
    no_args_is_help=True,
)


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


def team(ctx: typer.Context, jurisdiction: str, cohort: str) -> tuple[str, str, TeamProgress]:
    """The team's names as stored and its sessions (refused when the person may not see them)."""
    from assessment.sessions.service import board

    with acting(ctx) as (session, actor):
        shown = board(session, actor, cohort, jurisdiction)
    progress = shown.teams[0]
    return progress.jurisdiction, shown.cohort, progress


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


@app.command()
def status(
    ctx: typer.Context, jurisdiction: JurisdictionOption, cohort: CohortOption, as_json: JsonOption = False
) -> None:
    """The team's latest journey run: its state, the session it is at and, when suspended, what it waits for."""
    url = prefect_api()  # before Prefect loads: it reads which server to use once
    place, group, progress = team(ctx, jurisdiction, cohort)
    with prefect_client(url) as client:
        runs = journey_runs(client, place, group)
        if not runs:
            raise NotFound(
                f"No journey has been started for {place} ({group}) on the Prefect server at {url}: start one with "
                f"`accelerator journey start {where(place, group)}`."
            )
        run = runs[0]
        waits = waiting(client, run)
    paused_at = paused_session(run)
    at = paused_at if paused_at is not None else next((s.number for s in progress.sessions if s.state != "done"), None)
    shown = JourneyStatus(
        run_id=str(run.id),
        name=run.name,
        jurisdiction=place,
        cohort=group,
        state=run.state_name or "unknown",
        session=at,
        waiting_for=waits.description if waits else None,
        answer_fields=waits.field_help() if waits else None,
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
    with prefect_client(url) as client:
        run = resume_run(client, flow_run_id, answer, str(input_file))
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
