"""Rules every route of the web app keeps, checked over the app's own route table (a page added
later is checked too): a page needs a signed-in person, and a form post needs the session's token."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from accelerator.web.app import create_app
from tests.conftest import Cast
from tests.web.conftest import Site

OPEN = {"/sign-in"}  # the only page for people not signed in


def flattened(table: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """The routes of ``table`` with those of included routers (FastAPI keeps those apart, unprefixed here)."""
    for route in table:
        included = getattr(route, "original_router", None)
        yield from flattened(included.routes) if included is not None else (route,)


def routes(method: str) -> list[str]:
    """Every path of the app answering ``method``, its parameters filled in (ids with 1, names with x)."""
    paths = []
    for route in flattened(create_app(secret=b"test secret").routes):
        if isinstance(route, APIRoute) and method in (route.methods or ()) and route.path not in OPEN:
            paths.append(re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("id") else "x", route.path))
    return sorted(paths)


def test_the_route_table_holds_the_pages_of_every_role() -> None:
    gets, posts = routes("GET"), routes("POST")
    assert {"/", "/barriers", "/barriers/1", "/jobs/1"} <= set(gets)
    assert {"/sign-out", "/barriers/1/status"} <= set(posts)


@pytest.mark.parametrize("path", routes("GET"))
def test_every_page_sends_someone_signed_out_to_sign_in(cast: Cast, site: Site, path: str) -> None:
    answer = site.client.get(path)
    assert answer.status_code == 303, (path, answer.status_code, answer.text[:300])
    assert answer.headers["location"].startswith("/sign-in?next="), path


@pytest.mark.parametrize("path", routes("POST"))
def test_every_form_post_without_the_token_is_refused(cast: Cast, site: Site, path: str) -> None:
    site.sign_in(cast.alder_manager)
    answer = site.client.post(path, data={"status": "in_progress", "note": "forged"})
    assert answer.status_code == 403, (path, answer.status_code, answer.text[:300])
    assert "Form refused" in answer.text, path
