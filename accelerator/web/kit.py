"""What every page of the web app shares: who is signed in, rendering a template, paging a list,
reading a posted form or an upload (its token checked first), and sending a file."""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from accelerator.web.csrf import FIELD, check_token, posted_form
from accelerator.web.sessions import WebSession, password_stamp
from assessment.core.errors import Problem, ValidationFailed
from assessment.core.permissions import Actor, Record, Role, may

if TYPE_CHECKING:
    from assessment.cohorts.models import TeamPublic

HERE = Path(__file__).parent
PAGE_SIZE = 25
# One upload (all its files together): far above a filled workbook (~50 KB) or a year's spending CSV.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 30

T = TypeVar("T")


class SignInNeeded(Exception):
    """A page for signed-in people was asked for without a session."""


class UploadTooLarge(Exception):
    """An upload over ``MAX_UPLOAD_BYTES`` (or with too many files): refused before it is read."""


def templates() -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), trim_blocks=True
    )
    environment.filters["commands"] = commands
    return Jinja2Templates(env=environment)


def commands(text: object) -> Markup:
    """A service's message for a page: escaped, with each `command` it names shown as code."""
    escaped = str(escape(str(text)))
    return Markup(re.sub(r"`([^`<>]+)`", r"<code>\1</code>", escaped))


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
        # gone, its password removed, or changed since this session signed in (the old one may have leaked)
        if person is None or person.password_hash is None or password_stamp(person.password_hash) != state.stamp:
            raise SignInNeeded
        return load_actor(session, person)


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str


def navigation(actor: Actor) -> list[NavLink]:
    """The site's sections this person has something in (the pages themselves still ask the services)."""
    links = [NavLink("/", "Home")]
    if may(actor, "read", Record.barrier, anywhere=True):
        links.append(NavLink("/barriers", "Barriers"))
    if any(role is not Role.alliance_lead and jurisdiction is not None for role, jurisdiction in actor.roles):
        links.append(NavLink("/team", "Team"))
    if actor.is_admin or actor.has(Role.alliance_lead):
        links.append(NavLink("/cohorts", "Cohorts"))
    return links


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``name`` with ``context``; every page gets the form token, and ``me`` (the signed-in
    Actor, or None) with its navigation."""
    pages: Jinja2Templates = request.app.state.pages
    me = context.setdefault("me", None)
    context.setdefault("nav", navigation(me) if isinstance(me, Actor) else [])
    context.setdefault("here", request.url.path)
    state = session_of(request)
    return pages.TemplateResponse(
        request, name, {"csrf_field": FIELD, "csrf_token": state.csrf, **context}, status_code=status_code
    )


def team_of(actor: Actor, team_id: int) -> TeamPublic:
    """Team ``team_id`` (a jurisdiction in a cohort) for a page of it: refused unless ``actor`` may read
    that jurisdiction's team (its members, an alliance lead, an admin); an unknown id is not found."""
    from assessment.cohorts.jurisdictions import jurisdiction_of
    from assessment.cohorts.models import Cohort, Team
    from assessment.cohorts.service import members_of, team_public
    from assessment.core.db import transaction
    from assessment.core.errors import NotFound
    from assessment.core.permissions import require

    with transaction() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound(f"There is no team {team_id}. Open your team from the Team page.")
        place = jurisdiction_of(session, team.jurisdiction_id)
        require(actor, "read", Record.team, place, doing=f"see the team of {place.name}")
        cohort = session.get(Cohort, team.cohort_id)
        assert cohort is not None  # a team's cohort cannot be deleted
        return team_public(team, place, cohort, members_of(session, [place.id or 0]).get(place.id or 0, 0))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it is, and the links to its neighbours (None at the ends)."""

    rows: list[T]
    total: int
    number: int
    pages: int
    previous: str | None
    next: str | None


def paginate(rows: Sequence[T], page: int, link: Callable[[int], str], size: int = PAGE_SIZE) -> Page[T]:
    """Page ``page`` (1-based, clamped to the pages there are) of ``rows``; ``link(n)`` is page n's address."""
    pages = max(1, math.ceil(len(rows) / size))
    number = min(max(page, 1), pages)
    return Page(
        rows=list(rows[(number - 1) * size : number * size]),
        total=len(rows),
        number=number,
        pages=pages,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if number < pages else None,
    )


def paged(rows: Sequence[T], total: int, number: int, link: Callable[[int], str], size: int = PAGE_SIZE) -> Page[T]:
    """Page ``number`` of a list the database already paged: its ``rows`` and the ``total`` of all."""
    pages = max(1, math.ceil(total / size))
    return Page(
        rows=list(rows),
        total=total,
        number=number,
        pages=pages,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if number < pages else None,
    )


def address(path: str, **query: object) -> str:
    """``path`` with the query's non-empty values (an address for a link or a redirect)."""
    kept = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


async def form_of(request: Request) -> dict[str, str]:
    """A posted (url-encoded) form's fields, its token checked."""
    return await posted_form(request, session_of(request))


@dataclass
class Upload:
    """A posted multipart form: its text fields and its files, saved under ``folder`` by their own
    names (the services' messages name the file a person chose). ``folder`` is removed by ``close``."""

    fields: dict[str, str]
    files: list[Path]
    folder: Path

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def safe_name(name: str, taken: set[str]) -> str:
    """A file name of the person's choosing made safe to save: no folders, no odd characters, unique."""
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    base = re.sub(r"[^\w.\- ()]", "_", base)[-120:].lstrip(".") or "upload"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        stem, dot, suffix = base.rpartition(".")
        candidate = f"{stem} ({n}).{suffix}" if dot else f"{base} ({n})"
    taken.add(candidate.lower())
    return candidate


async def upload_of(request: Request, field: str = "files") -> Upload:
    """A posted multipart form with files in ``field``: refused (``UploadTooLarge``) over the size
    limit before it is read, its token checked, its files saved to a private temporary folder.
    A form without any file is refused naming the field."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge
    form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=50)
    try:
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        check_token(fields.get(FIELD, ""), session_of(request))
        folder = Path(tempfile.mkdtemp(prefix="accelerator-upload-"))
        saved: list[Path] = []
        taken: set[str] = set()
        for key, value in form.multi_items():
            if key != field or isinstance(value, str) or not value.filename:
                continue
            target = folder / safe_name(value.filename, taken)
            target.write_bytes(await value.read())
            saved.append(target)
    finally:
        await form.close()
    if not saved:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        problem = Problem("File", "no file was chosen.", "Choose the file (or files) to upload, then send the form.")
        raise ValidationFailed("Nothing was uploaded.", [problem])
    return Upload(fields, saved, folder)


def download(path: Path, filename: str | None = None) -> Response:
    """``path`` sent as an attachment (the browser saves it under ``filename``)."""
    return FileResponse(path, filename=filename or path.name, content_disposition_type="attachment")
