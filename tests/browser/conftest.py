"""What the browser tests share: the web app served by uvicorn on a loopback port over the test's
fresh SQLite database, one headless Chromium per test module, new browser contexts per test, and
signing in through the real form."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import Cast, use_database
from tests.web.conftest import PASSWORD, own_data_dir  # noqa: F401 (each test's data folder, as for the pages)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
# Playwright cannot download its own browsers here: it drives Debian's chromium, offline.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE, DESKTOP = 390, 1280
NO_CHROMIUM = "Debian's chromium is not installed at /usr/bin/chromium; `make system-deps` adds it"


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """SQLite only: the browser drives the same pages the TestClient tests check on both databases."""
    path = tmp_path / "accelerator.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    use_database(url)
    yield url


@dataclass
class Live:
    """The app being served: its address, and the cast of its database."""

    url: str
    cast: Cast


@pytest.fixture
def live(cast: Cast) -> Iterator[Live]:
    """The web app served on a free loopback port in a background thread, stopped after the test
    (nobody has a password yet: ``give_password``, or ``sign_in`` which gives one)."""
    import uvicorn

    from accelerator.web.app import create_app

    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(create_app(secret=b"browser test secret"), log_level="warning", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web app did not start serving within 15 s")
            time.sleep(0.02)
        yield Live(f"http://127.0.0.1:{port}", cast)
    finally:
        server.should_exit = True
        thread.join(15)
        listening.close()
    assert not thread.is_alive(), "the web app did not stop within 15 s"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for every test of a module."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


Contexts = Callable[[], "BrowserContext"]


@pytest.fixture
def contexts(browser: Browser, live: Live) -> Iterator[Contexts]:
    """Makes new browser contexts (each its own cookies: a separate person at a separate desk) on the
    live site; all are closed before the server stops."""
    made: list[BrowserContext] = []

    def new_context() -> BrowserContext:
        context = browser.new_context(base_url=live.url, viewport={"width": DESKTOP, "height": 900})
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield new_context
    for context in made:
        context.close()


@pytest.fixture
def page(contexts: Contexts) -> Page:
    """A page in a fresh browser context on the live site (``page.goto("/barriers")``)."""
    return contexts().new_page()


def give_password(email: str) -> None:
    """``email`` gets the password ``PASSWORD``, set by the administrator through the service (only
    those who sign in get one: each costs a deliberately slow hash)."""
    from assessment.cohorts.passwords import set_password
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction

    with transaction() as session:
        set_password(session, resolve_actor(session, Cast.admin), email, PASSWORD)


def sign_in(page: Page, base_url: str, email: str) -> None:
    """Sign in as ``email`` as a person does (their password given first): open the sign-in page, fill
    the form, send it, land on the home page."""
    give_password(email)
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/sign-in" not in page.url, f"signing in as {email} failed: {page.locator('main').inner_text()}"
