"""What the web app's tests share: a site over a fresh database where every person of the cast has
a password, a clock the test moves, and signing in as a browser does (the form's token included)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from accelerator.web.app import create_app
from assessment.cohorts.passwords import set_password
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from tests.conftest import Cast

PASSWORD = "a long enough password"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Site:
    client: TestClient
    clock: Clock

    def sign_in(self, email: str, password: str = PASSWORD) -> Response:
        """Sign in through the form (a fresh session's token), as a browser does."""
        form = self.client.get("/sign-in")
        return self.client.post(
            "/sign-in", data={"csrf_token": token(form), "email": email, "password": password, "next": "/"}
        )

    def token(self) -> str:
        """The signed-in session's form token (read from a page)."""
        return token(self.client.get("/"))


def people(cast: Cast) -> list[str]:
    """Every email of the cast."""
    return [getattr(cast, f.name) for f in fields(cast) if "@" in str(getattr(cast, f.name))]


@pytest.fixture(autouse=True)
def own_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Each test's files (uploads kept for a preview, built roadmaps and reports) in a data folder of its
    own: team and cohort ids repeat from one test database to the next."""
    from assessment.core.settings import get_settings

    folder = tmp_path / "data"
    monkeypatch.setenv("ACCELERATOR_DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its lowest cost: the real one (64 MiB, ~0.1 s a hash) over every cast member of every
    test would be most of this folder's time (``tests/cohorts/test_passwords.py`` checks the real one)."""
    from argon2 import PasswordHasher

    from assessment.cohorts import passwords

    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: quick)
    passwords._decoy.cache_clear()  # the decoy hash, made quick here, must not outlive the test
    yield
    passwords._decoy.cache_clear()


@pytest.fixture
def site(cast: Cast) -> Iterator[Site]:
    """The web app over the cast's database; everyone in the cast has the password ``PASSWORD``."""
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        for email in people(cast):
            set_password(session, admin, email, PASSWORD)
    clock = Clock()
    with TestClient(create_app(clock=clock, secret=b"test secret"), follow_redirects=False) as client:
        yield Site(client, clock)


def token(page: Response) -> str:
    """The form token a page carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)
