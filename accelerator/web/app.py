"""The FastAPI application: sessions, security headers, the error pages, signing in and out, the home
page and the job page; the rest of the site is in one module per part (``ROUTERS``)."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from accelerator.web.csrf import CsrfRefused
from accelerator.web.jobs import Jobs
from accelerator.web.kit import (
    HERE,
    MAX_UPLOAD_BYTES,
    SignInNeeded,
    UploadTooLarge,
    form_of,
    navigation,
    render,
    session_of,
    signed_in,
    templates,
)
from accelerator.web.security import HEADERS, SignInLimiter, add_headers
from accelerator.web.sessions import Clock, SessionsAndHeaders, Signer, WebSession, password_stamp, web_secret
from assessment.core.errors import AcceleratorError, Conflict, NotFound, PermissionDenied, ValidationFailed
from assessment.core.permissions import Actor

# Pages run at most this many at once in threads (anyio's default is 40). They are mostly Python, so more
# threads only fight over the interpreter's lock (measured: the board's throughput under 20 clients fell
# from 190 to 150 requests/s at 40), and each sign-in's hash takes 64 MiB (40 at once: 2.5 GiB).
THREADS = 4
# The pages, one module per part of the site, each with its ``router``.
ROUTERS = ("barriers", "team", "selfassessment", "plans", "imports", "documents", "cohorts")


# What a person sees when something unexpected went wrong: no details (they are in the server's log).
CRASHED = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title>'
    '<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Something went wrong</h1>'
    "<p>The server could not answer this request. Try again in a moment; if it keeps happening, tell whoever "
    'runs this server what you were doing. <a href="/">Home</a></p></main></body></html>'
)


def create_app(clock: Clock = time.time, secret: bytes | None = None) -> FastAPI:
    """The web app; ``clock`` and ``secret`` are for tests (the default secret comes from the settings)."""
    jobs = Jobs()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from anyio.to_thread import current_default_thread_limiter

        current_default_thread_limiter().total_tokens = THREADS
        yield
        jobs.shutdown()

    app = FastAPI(title="Equity Accelerator", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    signer = Signer(secret or web_secret(), clock)
    limiter = SignInLimiter(clock)
    app.state.pages = templates()
    app.state.jobs = jobs
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(SessionsAndHeaders, signer=signer, headers=HEADERS)

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

    @app.exception_handler(UploadTooLarge)
    async def too_large(request: Request, exc: UploadTooLarge) -> Response:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        message = (
            f"The upload is too large: at most {limit} MB (all files together) can be sent at once. "
            "Send fewer files at a time, or remove empty rows and sheets from the file."
        )
        return error_page(request, 413, "Upload too large", message, [])

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
        from assessment.cohorts.models import Person
        from assessment.cohorts.passwords import check_password
        from assessment.core.db import transaction

        form = await form_of(request)
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

        def check() -> tuple[Actor, str] | None:
            with transaction() as session:
                actor = check_password(session, email, password)
                person = session.get(Person, actor.person_id) if actor is not None else None
                if actor is None or person is None or person.password_hash is None:
                    return None
                return actor, password_stamp(person.password_hash)

        checked = await run_in_threadpool(check)
        if checked is None:
            limiter.failed(email, address)
            error = "That email and password do not match. Check both and try again."
            return render(request, "sign_in.html", 401, next=target, note="", email=email, error=error)
        limiter.succeeded(email)
        actor, stamp = checked
        # a new session (and form token) at sign-in, so a token planted before it is worthless
        request.state.web_session = WebSession(person_id=actor.person_id, seen=clock(), stamp=stamp)
        return RedirectResponse(target, status_code=303)

    @app.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        await form_of(request)
        request.state.web_session = WebSession(seen=clock())
        return RedirectResponse("/sign-in", status_code=303)

    # --- pages -----------------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        from assessment.cohorts.models import Person
        from assessment.cohorts.people import public
        from assessment.core.db import transaction

        actor = signed_in(request)
        with transaction() as session:
            person = session.get(Person, actor.person_id)
            assert person is not None  # signed_in found them a moment ago
            me = public(session, person)
        return render(request, "home.html", me=me, nav=navigation(actor))

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> Response:
        actor = signed_in(request)
        job = app.state.jobs.get(job_id, actor.person_id)
        return render(request, "job.html", me=actor, job=job)

    for module in ROUTERS:
        app.include_router(import_module(f"accelerator.web.{module}").router)
    return app


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only (never another site's address)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
