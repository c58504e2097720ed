"""The FastAPI application: sign-in, sign-out, the home page and the barrier board, over the services."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from accelerator.web.csrf import FIELD, CsrfRefused, posted_form
from accelerator.web.security import SignInLimiter, add_headers
from accelerator.web.sessions import COOKIE, Clock, Signer, WebSession, web_secret
from assessment.core.errors import AcceleratorError, Conflict, NotFound, PermissionDenied, ValidationFailed
from assessment.core.permissions import Actor

HERE = Path(__file__).parent
PAGE_SIZE = 25


class SignInNeeded(Exception):
    """A page for signed-in people was asked for without a session."""


def templates() -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), trim_blocks=True
    )
    return Jinja2Templates(env=environment)


def session_of(request: Request) -> WebSession:
    state: WebSession = request.state.web_session
    return state


def signed_in(request: Request) -> Actor:
    """The signed-in person with their current roles; a page needing one sends everyone else to sign in."""
    from assessment.cohorts.models import Person
    from assessment.cohorts.people import load_actor
    from assessment.core.db import transaction

    state = session_of(request)
    if state.person_id is None:
        raise SignInNeeded
    with transaction() as session:
        person = session.get(Person, state.person_id)
        if person is None or person.password_hash is None:
            raise SignInNeeded
        return load_actor(session, person)


# What a person sees when something unexpected went wrong: no details (they are in the server's log).
CRASHED = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title>'
    '<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Something went wrong</h1>'
    "<p>The server could not answer this request. Try again in a moment; if it keeps happening, tell whoever "
    'runs this server what you were doing. <a href="/">Home</a></p></main></body></html>'
)


def create_app(clock: Clock = time.time, secret: bytes | None = None) -> FastAPI:
    """The web app; ``clock`` and ``secret`` are for tests (the default secret comes from the settings)."""
    app = FastAPI(title="Equity Accelerator", docs_url=None, redoc_url=None, openapi_url=None)
    signer = Signer(secret or web_secret(), clock)
    limiter = SignInLimiter(clock)
    pages = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        state = session_of(request)
        context.setdefault("me", None)
        return pages.TemplateResponse(
            request, name, {"csrf_field": FIELD, "csrf_token": state.csrf, **context}, status_code=status_code
        )

    @app.middleware("http")
    async def sessions_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.web_session = signer.load(request.cookies.get(COOKIE))
        response = await call_next(request)
        # every answer renews the session: the idle timeout counts from the last request
        signer.write(request, response, session_of(request))
        add_headers(response)
        return response

    # --- the error family, mapped to pages in one place -------------------------------------------------

    def error_page(request: Request, status_code: int, title: str, message: str, problems: list[str]) -> HTMLResponse:
        return render(request, "error.html", status_code, title=title, message=message, problems=problems)

    @app.exception_handler(AcceleratorError)
    async def refused(request: Request, exc: AcceleratorError) -> Response:
        if isinstance(exc, ValidationFailed):
            problems = [str(p) for p in exc.problems]
            return error_page(request, 400, "That request cannot be answered", exc.summary, problems)
        status, title = {
            PermissionDenied: (403, "Not allowed"),
            NotFound: (404, "Not found"),
            Conflict: (409, "Changed by someone else"),
        }.get(type(exc), (500, "Something went wrong"))
        return error_page(request, status, title, exc.message, [])

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, exc: SignInNeeded) -> Response:
        query = {"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
        if session_of(request).expired:
            query["expired"] = "1"
        return RedirectResponse(f"/sign-in?{urlencode(query)}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def forged(request: Request, exc: CsrfRefused) -> Response:
        message = "This form was sent without its security token (or from an old page). Reload the page and try again."
        return error_page(request, 403, "Form refused", message, [])

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: RequestValidationError) -> Response:
        message = "There is no page at this address. Check the link, or start again from the home page."
        return error_page(request, 404, "Not found", message, [])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return await bad_address(request, RequestValidationError([]))
        return error_page(request, exc.status_code, "Cannot answer that", str(exc.detail), [])

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Outside the middleware (and maybe before the session was read): a fixed page, with the headers.
        response = HTMLResponse(CRASHED, status_code=500)
        add_headers(response)
        return response

    # --- signing in and out --------------------------------------------------------------------------------

    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request, next: str = "/", expired: str = "") -> Response:
        note = "You were signed out after 30 minutes without activity. Sign in again." if expired else ""
        return render(request, "sign_in.html", next=safe_next(next), note=note, email="", error="")

    @app.post("/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        from assessment.cohorts.passwords import check_password
        from assessment.core.db import transaction

        form = await posted_form(request, session_of(request))
        email = form.get("email", "").strip().lower()
        password = form.get("password", "")
        target = safe_next(form.get("next", "/"))
        address = request.client.host if request.client else "unknown"
        wait = limiter.wait_seconds(email, address)
        if wait:
            minutes = math.ceil(wait / 60)
            error = (
                f"Too many failed sign-ins. Wait {minutes} minute{'s' if minutes != 1 else ''} and try again, "
                "or ask your program manager to set a new password for you."
            )
            return render(request, "sign_in.html", 429, next=target, note="", email=email, error=error)

        def check() -> Actor | None:
            with transaction() as session:
                return check_password(session, email, password)

        actor = await run_in_threadpool(check)
        if actor is None:
            limiter.failed(email, address)
            error = "That email and password do not match. Check both and try again."
            return render(request, "sign_in.html", 401, next=target, note="", email=email, error=error)
        limiter.succeeded(email)
        # a new session (and form token) at sign-in, so a token planted before it is worthless
        request.state.web_session = WebSession(person_id=actor.person_id, seen=clock())
        return RedirectResponse(target, status_code=303)

    @app.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        await posted_form(request, session_of(request))
        request.state.web_session = WebSession(seen=clock())
        return RedirectResponse("/sign-in", status_code=303)

    # --- pages -----------------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        from assessment.cohorts.models import Person
        from assessment.cohorts.people import public
        from assessment.core.db import transaction
        from assessment.core.permissions import Record, may

        actor = signed_in(request)
        with transaction() as session:
            person = session.get(Person, actor.person_id)
            assert person is not None  # signed_in found them a moment ago
            me = public(session, person)
        barriers = may(actor, "read", Record.barrier, anywhere=True)
        return render(request, "home.html", me=me, barriers=barriers)

    @app.get("/barriers", response_class=HTMLResponse)
    def barrier_board(
        request: Request, status: str = "", category: str = "", stage: str = "", sort: str = "", page: int = 1
    ) -> Response:
        from assessment.barriers.models import BarrierStatus
        from assessment.barriers.reference import categories, stages
        from assessment.barriers.service import list_barriers
        from assessment.core.db import transaction

        actor = signed_in(request)
        with transaction() as session:
            rows = list_barriers(session, actor, None, status or None, category or None, stage or None)
        if sort == "severity":
            # most severe first; barriers without a severity last, oldest first within a severity
            rows.sort(key=lambda b: -(b.severity or 0))
        pages_count = max(1, math.ceil(len(rows) / PAGE_SIZE))
        page = min(max(page, 1), pages_count)
        shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        filters = {k: v for k, v in (("status", status), ("category", category), ("stage", stage), ("sort", sort)) if v}

        def page_link(number: int) -> str:
            return "/barriers?" + urlencode({**filters, "page": str(number)})

        return render(
            request,
            "barriers.html",
            me=actor,
            barriers=shown,
            total=len(rows),
            page=page,
            pages=pages_count,
            previous=page_link(page - 1) if page > 1 else None,
            next_page=page_link(page + 1) if page < pages_count else None,
            filters=filters,
            statuses=list(BarrierStatus),
            categories=categories(),
            stages=stages(),
        )

    def barrier_view(
        request: Request, actor: Actor, barrier_id: int, status_code: int = 200, **form: Any
    ) -> HTMLResponse:
        """The barrier's page: its facts, its history and, for who may change it, the status form
        (``form``: what the person typed, kept when their change was refused)."""
        from assessment.barriers.lifecycle import TRANSITIONS, needs_reason
        from assessment.barriers.models import BarrierStatus
        from assessment.barriers.service import barrier_history, get_barrier
        from assessment.cohorts.jurisdictions import get_jurisdiction
        from assessment.core.db import transaction
        from assessment.core.permissions import Record, may

        with transaction() as session:
            barrier = get_barrier(session, actor, barrier_id)
            changes = barrier_history(session, actor, barrier_id)
            writable = may(actor, "write", Record.barrier, get_jurisdiction(session, barrier.jurisdiction))
        moves = [
            {"value": s.value, "label": s.label, "reason": needs_reason(barrier.status, s)}
            for s in TRANSITIONS[BarrierStatus(barrier.status)]
        ]
        return render(
            request, "barrier.html", status_code, me=actor, barrier=barrier, changes=changes,
            moves=moves if writable else [], form=form,
        )  # fmt: skip

    @app.get("/barriers/{barrier_id}", response_class=HTMLResponse)
    def barrier_page(request: Request, barrier_id: int) -> Response:
        return barrier_view(request, signed_in(request), barrier_id)

    @app.post("/barriers/{barrier_id}/status", response_class=HTMLResponse)
    async def change_status(request: Request, barrier_id: int) -> Response:
        fields = await posted_form(request, session_of(request))
        actor = signed_in(request)
        typed = {"status": fields.get("status", ""), "note": fields.get("note", "")}
        try:
            version = int(fields.get("version", ""))
        except ValueError:
            version = None  # a form without the version it was read at: applied to the latest, as the CLI does
        try:
            await run_in_threadpool(move_barrier, actor, barrier_id, typed["status"], typed["note"], version)
        except Conflict as exc:
            # Someone changed it since the page was read: the page as it now is, the person's text kept.
            return barrier_view(request, actor, barrier_id, 409, stale=exc.message, **typed)
        except ValidationFailed as exc:
            problems = [str(p) for p in exc.problems] or [exc.summary]
            return barrier_view(request, actor, barrier_id, 400, problems=problems, **typed)
        return RedirectResponse(f"/barriers/{barrier_id}", status_code=303)

    return app


def move_barrier(actor: Actor, barrier_id: int, status: str, note: str, version: int | None) -> None:
    """A status change through the barrier service (its lifecycle, permissions and history)."""
    from assessment.barriers.service import update_barrier
    from assessment.barriers.shapes import BarrierUpdate
    from assessment.core.db import transaction
    from assessment.core.shapes import validate

    change = validate(BarrierUpdate, {"status": status}, "change", names={"status": "New status"})
    with transaction() as session:
        update_barrier(session, actor, barrier_id, change, version, note)


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only (never another site's address)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
