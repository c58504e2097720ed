"""The procurement officer's barrier pages in a real browser: changing a status with a note, two people
changing the same barrier at once, a title that looks like a script, and the keyboard alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.barriers.helpers import change, new_barrier, read
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PASSWORD, Contexts, Live, give_password, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

TITLE = "Insurance limits out of proportion to the work"


def history_of(page: Page) -> str:
    return page.locator("ol.history").inner_text()


def test_officer_moves_a_barrier_to_in_progress_with_a_note(live: Live, page: Page) -> None:
    from playwright.sync_api import expect

    officer = live.cast.alder_officer
    barrier = new_barrier(officer, live.cast.alder, title=TITLE)
    change(officer, barrier, 1, status="analyzing")
    change(officer, barrier, 2, status="action_planned")

    sign_in(page, live.url, officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Barriers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriers")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("New status").select_option(label="In progress")
    page.get_by_label("Note").fill("Risk management agreed to a $500k limit for workshops.")
    page.get_by_role("button", name="Change status").click()

    expect(page.locator(".facts")).to_contain_text("In progress")
    expect(page.locator("ol.history li").last).to_contain_text("to “In progress”")
    expect(page.locator("ol.history li").last).to_contain_text("Risk management agreed to a $500k limit")
    assert read(officer, barrier)["status"] == "in_progress"


def test_second_browser_gets_the_stale_warning_with_its_note_kept(live: Live, contexts: Contexts) -> None:
    from playwright.sync_api import expect

    officer, manager = live.cast.alder_officer, live.cast.alder_manager
    barrier = new_barrier(officer, live.cast.alder, title=TITLE)
    change(officer, barrier, 1, status="analyzing")
    first, second = contexts().new_page(), contexts().new_page()
    sign_in(first, live.url, officer)
    sign_in(second, live.url, manager)
    for page in (first, second):
        page.goto(f"/barriers/{barrier}")
        expect(page.locator(".facts")).to_contain_text("Analyzing")

    first.get_by_label("New status").select_option(label="Action planned")
    first.get_by_label("Note").fill("Plan agreed with risk management on Monday.")
    first.get_by_role("button", name="Change status").click()
    expect(first.locator(".facts")).to_contain_text("Action planned")

    typed = "Waiting for the council's budget vote in June; nothing can move before it."
    second.get_by_label("New status").select_option(label="Deferred (a reason is needed)")
    second.get_by_label("Note").fill(typed)
    with second.expect_response(lambda r: r.url.endswith("/status") and r.request.method == "POST") as answer:
        second.get_by_role("button", name="Change status").click()
    assert answer.value.status == 409
    warning = second.get_by_role("alert")
    expect(warning).to_contain_text("Changed by someone else")
    expect(warning).to_contain_text(officer)
    expect(second.get_by_label("Note")).to_have_value(typed)
    expect(second.get_by_label("New status")).to_have_value("deferred")
    # the page now shows the barrier as it is, the first change in its history
    expect(second.locator(".facts")).to_contain_text("Action planned")
    assert "Plan agreed with risk management on Monday." in history_of(second)
    assert read(officer, barrier)["status"] == "action_planned"

    # nothing lost: sent again, the second change is kept after the first
    second.get_by_role("button", name="Change status").click()
    expect(second.locator(".facts")).to_contain_text("Deferred")
    history = history_of(second)
    assert history.index("Plan agreed with risk management") < history.index("Waiting for the council")
    assert read(manager, barrier)["status"] == "deferred"


def test_a_script_in_a_title_shows_as_text(live: Live, page: Page) -> None:
    from playwright.sync_api import expect

    script = "<script>alert(1)</script>"
    barrier = new_barrier(live.cast.alder_officer, live.cast.alder, title=script)
    dialogs: list[str] = []

    def opened(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", opened)

    sign_in(page, live.url, live.cast.alder_officer)
    page.goto("/barriers")
    expect(page.get_by_role("link", name=script)).to_have_text(script)
    page.get_by_role("link", name=script).click()
    expect(page).to_have_url(f"{live.url}/barriers/{barrier}")
    expect(page.get_by_role("heading", level=1)).to_have_text(script)
    assert page.title().startswith(script)
    assert page.locator("body script").count() == 0
    assert dialogs == []


def test_keyboard_alone_signs_in_and_reaches_the_board(live: Live, page: Page) -> None:
    from playwright.sync_api import expect

    new_barrier(live.cast.alder_officer, live.cast.alder, title=TITLE)
    give_password(live.cast.alder_officer)
    page.goto("/sign-in")
    tab_to(page, "#email")
    page.keyboard.type(live.cast.alder_officer)
    page.keyboard.press("Tab")
    assert focused(page, "#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    link = tab_to(page, "nav a[href='/barriers']")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", f"the focused {link} shows no focus outline"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriers")
    tab_to(page, f"main a:text-is('{TITLE}')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def focused(page: Page, selector: str) -> bool:
    return bool(page.locator(selector).evaluate("element => element === document.activeElement"))


def tab_to(page: Page, selector: str, most: int = 40) -> str:
    """Press Tab until ``selector`` has the focus (failing after ``most`` presses); what was passed."""
    passed = []
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return selector
        passed.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{selector} never got the focus; Tab went through: {passed}")
