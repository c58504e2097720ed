"""The equity program manager's team page: the teams to open, and a team's roster with session 1's
roster check, its nine sessions (done, ready or blocked, and why) with its next step, and what its
journey (a Prefect flow) waits for, with the form that answers it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import address, form_of, paginate, render, signed_in, team_of
from assessment.core.errors import AcceleratorError, PermissionDenied, ValidationFailed
from assessment.core.permissions import Actor

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun

    from accelerator.journeys import Waiting
    from assessment.cohorts.models import TeamPublic

router = APIRouter()


@router.get("/team", response_class=HTMLResponse)
def teams_page(request: Request, page: int = 1) -> Response:
    from assessment.cohorts.service import list_teams
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, roles_for, who_may

    actor = signed_in(request)
    try:
        with transaction() as session:
            teams = list_teams(session, actor)
    except PermissionDenied:  # no role in any jurisdiction: no team to open
        teams = []
    if len(teams) == 1:
        return RedirectResponse(f"/teams/{teams[0].id}", status_code=303)
    shown = paginate(teams, page, lambda n: address("/team", page=n))
    return render(
        request, "teams.html", me=actor, shown=shown, enrollers=who_may(roles_for("write", Record.team), None)
    )


# --- the team page ---------------------------------------------------------------------------------


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_page(request: Request, team_id: int, page: int = 1, answered: str = "") -> Response:
    actor = signed_in(request)
    return team_view(request, actor, team_of(actor, team_id), page=page, answered=bool(answered))


def team_view(
    request: Request,
    actor: Actor,
    team: TeamPublic,
    status_code: int = 200,
    page: int = 1,
    answered: bool = False,
    typed: dict[str, str] | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:
    """The team's page; ``typed`` and ``problems``: the journey answer a person sent and why it was refused."""
    from assessment.cohorts.roster import list_people
    from assessment.core.db import transaction
    from assessment.core.permissions import Record, may, roles_for, who_may
    from assessment.sessions.service import board, roster_coverage

    with transaction() as session:
        # each part is refused on its own (a community partner sees the team, not its sessions or people)
        progress, progress_refused = None, ""
        try:
            progress = board(session, actor, team.cohort, team.jurisdiction).teams[0]
        except PermissionDenied as refused:
            progress_refused = refused.message
        coverage, people, people_refused = None, [], ""
        try:
            coverage = roster_coverage(session, actor, team.jurisdiction, team.cohort)
        except PermissionDenied:
            pass  # said once, with the sessions
        try:
            people = list_people(session, actor, team.jurisdiction)
        except PermissionDenied as refused:
            people_refused = refused.message
    place = Place(team.jurisdiction_id, team.jurisdiction)
    runs_sessions = may(actor, "write", Record.session_record, place)
    roster = [
        {
            "name": p.name,
            "email": p.email,
            "roles": [r.label for r in p.roles if r.jurisdiction_id == team.jurisdiction_id],
        }
        for p in people
    ]
    shown = paginate(roster, page, lambda n: address(f"/teams/{team.id}", page=n))
    journey = journey_view(team, runs_sessions, typed, problems or [])
    here = {s.number: pages_for(team, s.unmet) for s in progress.sessions} if progress else {}
    return render(
        request, "team.html", status_code, me=actor, team=team, progress=progress,
        progress_refused=progress_refused, coverage=coverage, roster=shown, people_refused=people_refused,
        journey=journey, answered=answered, answerers=who_may(roles_for("write", Record.session_record), place),
        here_pages=here,
    )  # fmt: skip


# Where on this site each readiness check of the sequence is met (the rest are done with the CLI).
PAGES_OF_CHECKS = {
    "baseline_workbook_issued": ("/teams/{team}/assessment", "Self-assessment"),
    "baseline_scored": ("/teams/{team}/assessment", "Self-assessment"),
    "final_scored": ("/teams/{team}/assessment", "Self-assessment"),
    "reassessment_scored": ("/teams/{team}/assessment", "Self-assessment"),
    "barrier_recorded": ("/barriers", "Barriers"),
    "barrier_inventory": ("/barriers", "Barriers"),
    "process_changes_ranked": ("/teams/{team}/changes", "Candidate changes"),
    "goal_linked_to_barrier": ("/teams/{team}/goals", "Goals"),
    "smart_goals": ("/teams/{team}/goals", "Goals"),
    "goals_barriers_reviewed": ("/teams/{team}/goals", "Goals"),
    "action_roadmap": ("/teams/{team}/documents", "Roadmap & report"),
    "impact_report": ("/teams/{team}/documents", "Roadmap & report"),
    "equity_metrics_profile": ("/teams/{team}/data", "Spending & metrics"),
    "impact_spending_baseline": ("/teams/{team}/data", "Spending & metrics"),
    "impact_spending_shares": ("/teams/{team}/data", "Spending & metrics"),
    "payment_timeliness": ("/teams/{team}/data", "Spending & metrics"),
    "regional_recommendation": ("/cohorts/{cohort}/recommendation", "Recommendation"),
}


def pages_for(team: TeamPublic, checks: list[str]) -> list[tuple[str, str]]:
    """The pages of this site where the unmet ``checks`` are done (address, label), each once, in order."""
    found: dict[str, str] = {}
    for check in checks:
        if check in PAGES_OF_CHECKS:
            path, label = PAGES_OF_CHECKS[check]
            found.setdefault(path.format(team=team.id, cohort=team.cohort_id), label)
    return list(found.items())


@dataclass(frozen=True)
class Place:
    """A jurisdiction as a permission check needs it."""

    id: int | None
    name: str


# --- the journey ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerField:
    """One field of the form a suspended journey waits for, as a page input: ``kind`` says which
    ("lines": a list, one item per line; "checkbox"; "date"; "number"; "text": a textarea)."""

    name: str
    label: str
    help: str
    kind: Literal["lines", "checkbox", "date", "number", "text"]
    items: str  # a list's item type ("string", "integer")
    nullable: bool
    required: bool
    value: str
    checked: bool


@dataclass(frozen=True)
class Block:
    """A piece of the form's Markdown description, laid out without rendering markup: a heading,
    a paragraph, or a list of items."""

    kind: Literal["heading", "text", "items"]
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class JourneyView:
    """What the team page says of the journey: ``state`` is one of no-server, unreachable, none
    (never started), running (not waiting), waiting."""

    state: str
    message: str = ""
    run_id: str = ""
    run_name: str = ""
    run_state: str = ""
    session: int | None = None
    key: str = ""
    description: list[Block] = field(default_factory=list)
    fields: list[AnswerField] = field(default_factory=list)
    may_answer: bool = False
    problems: list[str] = field(default_factory=list)


def journey_view(team: TeamPublic, may_answer: bool, typed: dict[str, str] | None, problems: list[str]) -> JourneyView:
    """The team's latest journey run as the page shows it; no Prefect server (or one that does not
    answer) is said, never an error."""
    from accelerator.journeys import server_url

    url = server_url()
    if url is None:
        return JourneyView("no-server", problems=problems)
    try:
        run, waits = latest_journey(url, team)
    except AcceleratorError as exc:
        return JourneyView("unreachable", message=exc.message, problems=problems)
    if run is None:
        return JourneyView("none", problems=problems)
    from accelerator.journeys import paused_session

    view = JourneyView(
        "waiting" if waits is not None else "running",
        run_id=str(run.id),
        run_name=run.name,
        run_state=run.state_name or "unknown",
        session=paused_session(run),
        may_answer=may_answer,
        problems=problems,
    )
    if waits is not None:
        view.key = waits.key
        view.description = blocks_of(waits.description or "")
        view.fields = answer_fields(waits.schema, typed) if waits.schema is not None else []
    return view


def latest_journey(url: str, team: TeamPublic) -> tuple[FlowRun | None, Waiting | None]:
    """The team's newest journey run on the server at ``url`` and what it waits for (None, None: none started)."""
    from accelerator.journeys import journey_runs, prefect_client, waiting

    with prefect_client(url) as client:
        runs = journey_runs(client, team.jurisdiction, team.cohort)
        if not runs:
            return None, None
        return runs[0], waiting(client, runs[0])


def blocks_of(markdown: str) -> list[Block]:
    """The description's headings, paragraphs and bullet lists (its text otherwise as written)."""
    blocks: list[Block] = []
    for line in markdown.splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            blocks.append(Block("heading", text.lstrip("#").strip()))
        elif text.startswith(("- ", "* ")):
            if not blocks or blocks[-1].kind != "items":
                blocks.append(Block("items"))
            blocks[-1].items.append(text[2:].strip())
        else:
            blocks.append(Block("text", text))
    return blocks


def answer_fields(schema: dict[str, Any], typed: dict[str, str] | None = None) -> list[AnswerField]:
    """The inputs of the form ``schema`` describes (a RunInput model's JSON schema), filled with what the
    person ``typed`` or else the form's initial values."""
    required = set(schema.get("required", []))
    shown = []
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf") or [prop]
        nullable = any(o.get("type") == "null" for o in options)
        main: dict[str, Any] = next((o for o in options if o.get("type") != "null"), {})
        kind: Literal["lines", "checkbox", "date", "number", "text"] = "text"
        if main.get("type") == "array":
            kind = "lines"
        elif main.get("type") == "boolean":
            kind = "checkbox"
        elif main.get("format") == "date":
            kind = "date"
        elif main.get("type") in ("integer", "number"):
            kind = "number"
        default = prop.get("default")
        if typed is not None:
            value, checked = typed.get(name, ""), name in typed
        elif isinstance(default, list):
            value, checked = "\n".join(str(item) for item in default), False
        else:
            value, checked = "" if default is None or isinstance(default, bool) else str(default), default is True
        shown.append(
            AnswerField(
                name=name,
                label=str(prop.get("title") or name.replace("_", " ").capitalize()),
                help=str(prop.get("description") or ""),
                kind=kind,
                items=str(main.get("items", {}).get("type", "string")),
                nullable=nullable,
                required=name in required,
                value=value,
                checked=checked,
            )
        )
    return shown


WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


def answer_of(
    fields: list[AnswerField], posted: dict[str, str], schema: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The answer the posted form gives (lists from one item per line) and the problems with it: its
    values first, then the form's schema, checked as the Prefect server checks it on resume."""
    answer: dict[str, Any] = {}
    problems: list[str] = []
    for f in fields:
        text = posted.get(f.name, "").strip()
        if f.kind == "checkbox":
            answer[f.name] = f.name in posted
        elif f.kind == "lines":
            items: list[Any] = [line.strip() for line in text.splitlines() if line.strip()]
            if f.items == "integer":
                for n, item in enumerate(items, start=1):
                    if not WHOLE_NUMBER.match(item):
                        problems.append(f"{f.label}, line {n}: '{item}' is not a whole number.")
                items = [int(i) if WHOLE_NUMBER.match(i) else i for i in items]
            answer[f.name] = items
        elif not text:
            if f.nullable:
                answer[f.name] = None
            elif f.kind == "text":
                answer[f.name] = ""
            elif f.required:
                problems.append(f"{f.label}: fill it in.")
        elif f.kind == "date":
            try:
                answer[f.name] = date.fromisoformat(text).isoformat()
            except ValueError:
                problems.append(f"{f.label}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.")
        elif f.kind == "number":
            try:
                answer[f.name] = int(text) if WHOLE_NUMBER.match(text) else float(text)
            except ValueError:
                problems.append(f"{f.label}: '{text}' is not a number.")
        else:
            answer[f.name] = text
    if problems:
        return answer, problems
    from prefect.utilities.schema_tools import validate

    labels = {f.name: f.label for f in fields}
    for error in validate(answer, schema):
        where = labels.get(str(error.path[0]), str(error.path[0])) if error.path else "Answer"
        problems.append(f"{where}: {error.message}.")
    return answer, problems


@router.post("/teams/{team_id}/journey", response_class=HTMLResponse)
async def answer_journey(request: Request, team_id: int) -> Response:
    posted = await form_of(request)
    actor = signed_in(request)
    return await run_in_threadpool(send_answer, request, actor, team_id, posted)


NOT_WAITING = (
    "The journey no longer waits for this answer: it moved on, or someone answered it first. Nothing was sent; "
    "the page now shows where the journey is."
)


def send_answer(request: Request, actor: Actor, team_id: int, posted: dict[str, str]) -> Response:
    """Resume the team's suspended journey with the posted answer, as `accelerator journey resume` does."""
    from accelerator.journeys import resume, server_url
    from assessment.core.db import transaction
    from assessment.sessions.service import team_to_run

    team = team_of(actor, team_id)
    with transaction() as session:
        team_to_run(session, actor, team.jurisdiction, team.cohort)
    typed = {k: v for k, v in posted.items() if k not in ("csrf_token", "run", "pause")}
    url = server_url()
    if url is None:
        return team_view(
            request, actor, team, 409, typed=typed, problems=["No Prefect server runs, so nothing was sent."]
        )
    try:
        run, waits = latest_journey(url, team)
    except AcceleratorError as exc:
        return team_view(request, actor, team, 409, typed=typed, problems=[exc.message])
    if run is None or waits is None or str(run.id) != posted.get("run") or waits.key != posted.get("pause"):
        return team_view(request, actor, team, 409, problems=[NOT_WAITING])
    if waits.schema is None:
        problems = [
            "The Prefect server has not kept this form's fields; answer it on the run's page in the Prefect UI."
        ]
        return team_view(request, actor, team, 409, problems=problems)
    answer, problems = answer_of(answer_fields(waits.schema, typed), posted, waits.schema)
    if problems:
        return team_view(request, actor, team, 400, typed=typed, problems=problems)
    from accelerator.journeys import prefect_client

    try:
        with prefect_client(url) as client:
            resume(client, UUID(str(run.id)), answer, "Answer")
    except ValidationFailed as refused:
        problems = [str(p) for p in refused.problems] or [refused.summary]
        return team_view(request, actor, team, 400, typed=typed, problems=problems)
    except AcceleratorError as exc:  # it stopped waiting meanwhile, or the server went away
        return team_view(request, actor, team, 409, typed=typed, problems=[exc.message])
    return RedirectResponse(f"/teams/{team_id}?answered=1#journey", status_code=303)
