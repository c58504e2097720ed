"""The program manager's planning pages (sessions 3 and 4): a team's candidate process changes (proposed,
scored, ranked, set aside or carried into a goal) and its goals with their milestones and measured progress.

The same services as ``accelerator change`` and ``accelerator goal``; they decide who may write. A change
or goal is shown only under its own team's address: any other id there is not found."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accelerator.web.kit import address, form_of, paginate, render, signed_in, team_of
from assessment.core.errors import Conflict, NotFound, Problem, ValidationFailed
from assessment.core.permissions import Actor, Record

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.barriers.models import BarrierPublic
    from assessment.cohorts.models import TeamPublic
    from assessment.core.history import HistoryEntry
    from assessment.goals.models import GoalPublic

router = APIRouter()

# How the four scoring criteria read on a page: their name and what 1 and 5 mean (as `change score --help`).
CRITERIA = {
    "equity_impact": ("Equity impact", "what it does for the organizations kept out", "little", "large"),
    "feasibility": ("Feasibility", "within the department's own rules", "hard", "easy"),
    "time_to_effect": ("Time to effect", "how soon it helps", "more than a year", "within a month"),
    "community_input": ("Community input", "what community organizations said behind it", "none", "strong"),
}
CARRY_FIELDS = ("statement", "due", "owner", "measure", "baseline", "target", "unit")
GOAL_FIELDS = ("statement", "barrier", "due", "measure", "baseline", "target", "unit", "owner")
UPDATE_FIELDS = ("status", "statement", "measure", "baseline", "target", "unit", "due", "owner", "value", "as_of")

# What a refusal calls each field: the labels of the forms' inputs.
NAMES = {
    "title": "Title",
    "description": "Description",
    "barriers": "Barriers",
    "statement": "Goal statement",
    "due": "Due date",
    "owner": "Owner",
    "measure": "Measure",
    "baseline": "Baseline",
    "target": "Target",
    "unit": "Unit",
    "status": "Status",
    "reason": "Reason",
    "done": "Done on",
    "indicators": "Self-assessment practices",
    **{name: label for name, (label, *_) in CRITERIA.items()},
}

# History fields as people read them.
HISTORY_LABELS = {
    "created": "Recorded as",
    "barriers": "Barriers",
    "status": "Status",
    "goal": "Carried into goal",
    "statement": "Statement",
    "measure": "Measure",
    "baseline": "Baseline",
    "target": "Target",
    "unit": "Unit",
    "due": "Due date",
    "owner": "Owner",
    "indicators": "Self-assessment practices",
    "measure_value": "Measured value",
    "done": "Done",
    "title": "Title",
    **{name: label for name, (label, *_) in CRITERIA.items()},
}


# --- what every planning page shares -------------------------------------------------------------------


def plain(exc: ValidationFailed) -> list[str]:
    """A refusal's problems as a person reads them, next to the form they sent."""
    return [said(p) for p in exc.problems] or [exc.summary]


def said(problem: Problem) -> str:
    message = {"Field required": "is needed; fill it in"}.get(problem.message, problem.message)
    if problem.location in ("", "input"):
        text = message[:1].upper() + message[1:]
    else:
        text = f"{NAMES.get(problem.location, problem.location)}: {message}"
    return f"{text} {problem.fix}".rstrip()


def checked(fields: Mapping[str, str], prefix: str) -> list[str]:
    """The values of the ticked checkboxes named ``prefix`` + something (one name per box: the
    form reader keeps one value per name)."""
    return [value for name, value in fields.items() if name.startswith(prefix)]


def version_of(fields: Mapping[str, str]) -> int | None:
    try:
        return int(fields.get("version", ""))
    except ValueError:
        return None  # a form without the version it was read at: applied to the latest, as the CLI does


def day_of(text: str, label: str) -> date | None:
    """A date typed as YYYY-MM-DD (None when empty), or a refusal naming the field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problem = Problem(label, f"'{text.strip()}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01")
        raise ValidationFailed("Not saved: a date is not a date.", [problem]) from None


def typed(fields: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: fields.get(name, "") for name in names}


def given(values: Mapping[str, str]) -> dict[str, object]:
    """The fields a person filled in (spaces alone are not filling in)."""
    return {name: value.strip() for name, value in values.items() if value.strip()}


def writable(session: Session, actor: Actor, team: TeamPublic, record: Record) -> bool:
    """Whether to show the forms at all (the services still decide each post)."""
    from assessment.cohorts.jurisdictions import jurisdiction_of
    from assessment.core.permissions import may

    return may(actor, "write", record, jurisdiction_of(session, team.jurisdiction_id))


def team_barriers(session: Session, actor: Actor, team: TeamPublic) -> dict[int, BarrierPublic]:
    from assessment.barriers.service import list_barriers

    return {b.id: b for b in list_barriers(session, actor, team.jurisdiction)}


def own_change(session: Session, team: TeamPublic, change_id: int) -> None:
    """Not found unless ``change_id`` is a process change of ``team`` (whether it exists elsewhere is private)."""
    from assessment.sessions.changes import CHANGES

    try:
        row = CHANGES.load(session, change_id)
    except NotFound:
        row = None
    if row is None or row.team_id != team.id:
        raise NotFound(
            f"{team.jurisdiction}'s team has no process change {change_id}. Open it from the team's Changes page."
        )


def own_goal(session: Session, team: TeamPublic, goal_id: int) -> None:
    """Not found unless ``goal_id`` is a goal of ``team``."""
    from assessment.goals.service import GOALS

    try:
        row = GOALS.load(session, goal_id)
    except NotFound:
        row = None
    if row is None or row.team_id != team.id:
        raise NotFound(f"{team.jurisdiction}'s team has no goal {goal_id}. Open it from the team's Goals page.")


def history_lines(
    entries: list[HistoryEntry], label_of: Callable[[str, str | None], str | None]
) -> list[dict[str, Any]]:
    """History entries as lines of a page: who, when, what changed from what to what, and why."""
    lines = []
    for entry in entries:
        field = "milestone_" + entry.field if entry.entity == "milestone" else entry.field
        what = {
            "milestone_created": "Milestone added:",
            "milestone_done": "Milestone done on",
            "milestone_title": "Milestone title",
            "milestone_due": "Milestone due date",
            "milestone_owner": "Milestone owner",
        }.get(field) or HISTORY_LABELS.get(field, field.replace("_", " ").capitalize())
        lines.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "what": what,
                "old": label_of(entry.field, entry.old or None),  # an empty measure or unit was none
                "new": label_of(entry.field, entry.new or None),
                "note": entry.note,
                "to": entry.field not in ("created", "done"),  # "Recorded as “…”", not "Recorded to “…”"
            }
        )
    return lines


def today() -> date:
    from assessment.core.fields import utcnow

    return utcnow().date()


def finish(action: Callable[[], str], refused: Callable[[int, dict[str, Any]], HTMLResponse]) -> Response:
    """Run a form's ``action`` (which returns where to go next): a refusal re-renders the form's page
    (``refused(status, notice)``) with the problems, or with what changed since for a stale form."""
    try:
        target = action()
    except Conflict as exc:
        return refused(409, {"stale": exc.message})
    except ValidationFailed as exc:
        return refused(400, {"problems": plain(exc)})
    return RedirectResponse(target, status_code=303)


# --- candidate process changes -------------------------------------------------------------------------


def changes_view(
    request: Request, actor: Actor, team: TeamPublic, page: int = 1, status_code: int = 200, **form: Any
) -> HTMLResponse:
    """The team's changes ranked, and the form proposing one (``form``: what was typed, kept on refusal)."""
    from assessment.core.db import transaction
    from assessment.sessions.changes import ranked_changes

    with transaction() as session:
        rows = ranked_changes(session, actor, team.jurisdiction, team.cohort)
        barriers = team_barriers(session, actor, team)
        may_write = writable(session, actor, team, Record.process_change)
    path = f"/teams/{team.id}/changes"
    shown = paginate(rows, page, lambda n: address(path, page=n))
    return render(
        request, "changes.html", status_code, me=actor, team=team, changes=shown.rows, shown=shown,
        ranked=sum(1 for c in rows if c.rank is not None), barriers=barriers, criteria=CRITERIA,
        may_write=may_write, form=form,
    )  # fmt: skip


@router.get("/teams/{team_id}/changes", response_class=HTMLResponse)
def changes_page(request: Request, team_id: int, page: int = 1) -> Response:
    actor = signed_in(request)
    return changes_view(request, actor, team_of(actor, team_id), page)


@router.post("/teams/{team_id}/changes", response_class=HTMLResponse)
async def propose(request: Request, team_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(proposing, request, team_id, fields)


def proposing(request: Request, team_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.sessions.changes import propose_change
    from assessment.sessions.shapes import ChangeCreate

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, ("title", "description"))
    barriers = checked(fields, "barrier-")

    def action() -> str:
        data: dict[str, object] = {**text, "barriers": barriers}
        with transaction() as session:
            shape = validate(ChangeCreate, data, "process change", names=NAMES)
            change = propose_change(session, actor, team.jurisdiction, team.cohort, shape)
        return f"/teams/{team.id}/changes/{change.id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return changes_view(request, actor, team, 1, status, **text, barriers=barriers, **notice)

    return finish(action, refused)


def change_view(
    request: Request, actor: Actor, team: TeamPublic, change_id: int, status_code: int = 200, **form: Any
) -> HTMLResponse:
    """One change: its scores, rank and history, and the forms to score it, carry it or set it aside
    (``form``: ``which`` form was sent, what was typed in it and why it was refused)."""
    from assessment.core.db import transaction
    from assessment.sessions.changes import change_history, get_change
    from assessment.sessions.models import ChangeStatus

    with transaction() as session:
        own_change(session, team, change_id)
        change = get_change(session, actor, change_id)
        entries = change_history(session, actor, change_id)
        barriers = team_barriers(session, actor, team)
        may_write = writable(session, actor, team, Record.process_change)

    def label_of(field: str, value: str | None) -> str | None:
        if field == "status" and value in set(ChangeStatus):
            return ChangeStatus(value).label
        return value

    which = form.get("which")
    scores = form if which == "score" else {name: str(getattr(change, name) or "") for name in CRITERIA}
    carry = form if which == "carry" else {"statement": change.title}
    return render(
        request, "change.html", status_code, me=actor, team=team, change=change, barriers=barriers,
        history=history_lines(entries, label_of), criteria=CRITERIA, may_write=may_write, form=form,
        scores=scores, carry=carry, aside=form if which == "set_aside" else {},
    )  # fmt: skip


@router.get("/teams/{team_id}/changes/{change_id}", response_class=HTMLResponse)
def change_page(request: Request, team_id: int, change_id: int) -> Response:
    actor = signed_in(request)
    return change_view(request, actor, team_of(actor, team_id), change_id)


@router.post("/teams/{team_id}/changes/{change_id}/score", response_class=HTMLResponse)
async def score(request: Request, team_id: int, change_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(scoring, request, team_id, change_id, fields)


def scoring(request: Request, team_id: int, change_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.sessions.changes import score_change
    from assessment.sessions.shapes import ChangeScores

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, (*CRITERIA, "note"))

    def action() -> str:
        scores = given({name: text[name] for name in CRITERIA})
        with transaction() as session:
            own_change(session, team, change_id)
            shape = validate(ChangeScores, scores, "score", names=NAMES)
            score_change(session, actor, change_id, shape, version_of(fields), text["note"])
        return f"/teams/{team.id}/changes/{change_id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return change_view(request, actor, team, change_id, status, which="score", **text, **notice)

    return finish(action, refused)


@router.post("/teams/{team_id}/changes/{change_id}/carry", response_class=HTMLResponse)
async def carry(request: Request, team_id: int, change_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(carrying, request, team_id, change_id, fields)


def carrying(request: Request, team_id: int, change_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.sessions.changes import carry_change
    from assessment.sessions.shapes import ChangeCarry

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, CARRY_FIELDS)

    def action() -> str:
        with transaction() as session:
            own_change(session, team, change_id)
            shape = validate(ChangeCarry, given(text), "goal", names=NAMES)
            _, goal, _ = carry_change(session, actor, change_id, shape, version_of(fields))
        # the goal's page: its warnings, and where its milestones are added next
        return f"/teams/{team.id}/goals/{goal.id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return change_view(request, actor, team, change_id, status, which="carry", **text, **notice)

    return finish(action, refused)


@router.post("/teams/{team_id}/changes/{change_id}/set-aside", response_class=HTMLResponse)
async def put_aside(request: Request, team_id: int, change_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(setting_aside, request, team_id, change_id, fields)


def setting_aside(request: Request, team_id: int, change_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.sessions.changes import set_aside

    actor = signed_in(request)
    team = team_of(actor, team_id)
    reason = fields.get("reason", "")

    def action() -> str:
        with transaction() as session:
            own_change(session, team, change_id)
            set_aside(session, actor, change_id, reason, version_of(fields))
        return f"/teams/{team.id}/changes/{change_id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return change_view(request, actor, team, change_id, status, which="set_aside", reason=reason, **notice)

    return finish(action, refused)


# --- goals and milestones ------------------------------------------------------------------------------


def milestone_state(due: date | None, done: date | None, on: date) -> str:
    """``done``, ``overdue`` (not done, due before ``on``), ``due`` (with a date) or ``open`` (without)."""
    if done is not None:
        return "done"
    if due is None:
        return "open"
    return "overdue" if due < on else "due"


def goals_view(
    request: Request, actor: Actor, team: TeamPublic, page: int = 1, status_code: int = 200, **form: Any
) -> HTMLResponse:
    """The team's goals with their progress and milestones, and the form setting one."""
    from assessment.core.db import transaction
    from assessment.goals.service import list_goals
    from assessment.selfassessment.rubric import load_rubric

    with transaction() as session:
        rows = list_goals(session, actor, team.jurisdiction, team.cohort)
        may_write = writable(session, actor, team, Record.goal)
        barriers = team_barriers(session, actor, team) if may_write else {}
    path = f"/teams/{team.id}/goals"
    shown = paginate(rows, page, lambda n: address(path, page=n))
    return render(
        request, "goals.html", status_code, me=actor, team=team, goals=shown.rows, shown=shown, today=today(),
        state=milestone_state, barriers=barriers, domains=load_rubric().domains if may_write else [],
        may_write=may_write, form=form,
    )  # fmt: skip


@router.get("/teams/{team_id}/goals", response_class=HTMLResponse)
def goals_page(request: Request, team_id: int, page: int = 1) -> Response:
    actor = signed_in(request)
    return goals_view(request, actor, team_of(actor, team_id), page)


@router.post("/teams/{team_id}/goals", response_class=HTMLResponse)
async def add_goal(request: Request, team_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(adding_goal, request, team_id, fields)


def adding_goal(request: Request, team_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.goals import service
    from assessment.goals.shapes import GoalCreate

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, GOAL_FIELDS)
    indicators = checked(fields, "indicator-")

    def action() -> str:
        data = given(text)
        data["statement"] = text["statement"]  # empty is refused by name, not as missing
        data["barriers"] = [data.pop("barrier")] if "barrier" in data else []
        data["indicators"] = indicators
        with transaction() as session:
            shape = validate(GoalCreate, data, "goal", names=NAMES)
            goal, _ = service.add_goal(session, actor, team.jurisdiction, team.cohort, shape)
        return f"/teams/{team.id}/goals/{goal.id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return goals_view(request, actor, team, 1, status, **text, indicators=indicators, **notice)

    return finish(action, refused)


def goal_view(
    request: Request, actor: Actor, team: TeamPublic, goal_id: int, status_code: int = 200, **form: Any
) -> HTMLResponse:
    """One goal: its measure and progress, milestones and history, and the forms to update it, add a
    milestone and mark one done (``form``: ``which`` form was sent, what was typed and the refusal)."""
    from assessment.core.db import transaction
    from assessment.goals.models import GoalStatus
    from assessment.goals.service import get_goal, goal_history
    from assessment.selfassessment.rubric import load_rubric

    with transaction() as session:
        own_goal(session, team, goal_id)
        goal = get_goal(session, actor, goal_id)
        entries = goal_history(session, actor, goal_id)
        barriers = team_barriers(session, actor, team)
        may_write = writable(session, actor, team, Record.goal)

    def label_of(field: str, value: str | None) -> str | None:
        if field == "status" and value in set(GoalStatus):
            return GoalStatus(value).label
        return value

    which = form.get("which")
    practices = {i.id: i.text for d in load_rubric().domains for i in d.indicators}
    return render(
        request, "goal.html", status_code, me=actor, team=team, goal=goal, barriers=barriers,
        practices=practices, history=history_lines(entries, label_of), today=today(), state=milestone_state,
        statuses=list(GoalStatus), may_write=may_write, form=form,
        update=form if which == "update" else goal_values(goal),
        milestone=form if which == "milestone" else {},
        done=form if which == "done" else {},
    )  # fmt: skip


def goal_values(goal: GoalPublic) -> dict[str, str]:
    """The goal's fields as its update form shows them (and compares what was sent with)."""
    return {
        "status": goal.status.value,
        "statement": goal.statement,
        "measure": goal.measure,
        "baseline": goal.baseline or "",
        "target": goal.target or "",
        "unit": goal.unit,
        "due": goal.due.isoformat(),
        "owner": goal.owner or "",
    }


@router.get("/teams/{team_id}/goals/{goal_id}", response_class=HTMLResponse)
def goal_page(request: Request, team_id: int, goal_id: int) -> Response:
    actor = signed_in(request)
    return goal_view(request, actor, team_of(actor, team_id), goal_id)


@router.post("/teams/{team_id}/goals/{goal_id}", response_class=HTMLResponse)
async def update_goal(request: Request, team_id: int, goal_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(updating_goal, request, team_id, goal_id, fields)


def updating_goal(request: Request, team_id: int, goal_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.goals.milestones import change_goal
    from assessment.goals.service import get_goal
    from assessment.goals.shapes import GoalUpdate

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, (*UPDATE_FIELDS, "note"))

    def action() -> str:
        with transaction() as session:
            own_goal(session, team, goal_id)
            before = goal_values(get_goal(session, actor, goal_id))
            # Only what the person changed: the form shows every field, and an unchanged due date
            # already past (an overdue goal) must not stop its status from changing.
            changes: dict[str, object] = {}
            for name, was in before.items():
                now = text[name].strip()
                if name in fields and now != was:
                    changes[name] = (
                        None if not now and name != "unit" else now
                    )  # emptied: the service says what it needs
            value = text["value"].strip() or None
            as_of = day_of(text["as_of"], "As of")
            if not changes and value is None:
                problem = Problem("", "nothing was changed: change a field, or give the measure's latest value")
                raise ValidationFailed("Nothing to save.", [problem])
            shape = validate(GoalUpdate, changes, "goal", names=NAMES)
            change_goal(session, actor, goal_id, shape, version_of(fields), text["note"], value, as_of)
        return f"/teams/{team.id}/goals/{goal_id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return goal_view(request, actor, team, goal_id, status, which="update", **text, **notice)

    return finish(action, refused)


@router.post("/teams/{team_id}/goals/{goal_id}/milestones", response_class=HTMLResponse)
async def add_milestone(request: Request, team_id: int, goal_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(adding_milestone, request, team_id, goal_id, fields)


def adding_milestone(request: Request, team_id: int, goal_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from assessment.goals import milestones
    from assessment.goals.shapes import MilestoneCreate

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, ("title", "due", "owner"))

    def action() -> str:
        data: dict[str, object] = {**given(text), "title": text["title"]}
        with transaction() as session:
            own_goal(session, team, goal_id)
            shape = validate(MilestoneCreate, data, "milestone", names={**NAMES, "title": "Milestone"})
            milestones.add_milestone(session, actor, goal_id, shape)
        return f"/teams/{team.id}/goals/{goal_id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return goal_view(request, actor, team, goal_id, status, which="milestone", **text, **notice)

    return finish(action, refused)


@router.post("/teams/{team_id}/goals/{goal_id}/milestones/done", response_class=HTMLResponse)
async def milestone_done(request: Request, team_id: int, goal_id: int) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(completing, request, team_id, goal_id, fields)


def completing(request: Request, team_id: int, goal_id: int, fields: dict[str, str]) -> Response:
    from assessment.core.db import transaction
    from assessment.goals.milestones import complete_milestone
    from assessment.goals.service import get_goal

    actor = signed_in(request)
    team = team_of(actor, team_id)
    text = typed(fields, ("milestone", "on", "note"))

    def action() -> str:
        with transaction() as session:
            own_goal(session, team, goal_id)
            if not text["milestone"].strip():
                problem = Problem("Milestone", "choose the milestone that is done")
                raise ValidationFailed("No milestone was marked done.", [problem])
            ours = {m.id for m in get_goal(session, actor, goal_id).milestones}
            if not text["milestone"].isdigit() or int(text["milestone"]) not in ours:
                raise NotFound(f"Goal {goal_id} has no milestone {text['milestone']}. Choose one from the goal's page.")
            complete_milestone(session, actor, int(text["milestone"]), day_of(text["on"], "Done on"), text["note"])
        return f"/teams/{team.id}/goals/{goal_id}"

    def refused(status: int, notice: dict[str, Any]) -> HTMLResponse:
        return goal_view(request, actor, team, goal_id, status, which="done", **text, **notice)

    return finish(action, refused)
