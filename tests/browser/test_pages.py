"""Every main page in a real browser, as the person it is for: no serious or critical axe-core
violation at desktop and phone width, and no sideways scrolling on a 390 px wide phone (a wide table
scrolls inside its ``.table-wrap``). With ACCELERATOR_SCREENSHOTS set to a folder, each page is
saved there at both widths, to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE, Live, sign_in
from tests.conftest import Cast

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

# The main pages, each with the person it is for ("" = signed out). {barrier}, {team} and {cohort}
# are Alder County's first barrier, its team and its cohort. A page answering 404 is not built yet:
# it is skipped, saying so. A new page is one more line.
PAGES: list[tuple[str, str]] = [
    ("/sign-in", ""),
    ("/", "officer"),
    ("/barriers", "officer"),
    ("/barriers/{barrier}", "officer"),
    ("/team", "manager"),
    ("/teams/{team}", "manager"),
    ("/teams/{team}/assessment", "manager"),
    ("/teams/{team}/changes", "manager"),
    ("/teams/{team}/goals", "manager"),
    ("/teams/{team}/data", "manager"),
    ("/teams/{team}/documents", "manager"),
    ("/cohorts", "lead"),
    ("/cohorts/{cohort}", "lead"),
    ("/cohorts/{cohort}/barriers", "lead"),
    ("/cohorts/{cohort}/recommendation", "lead"),
    ("/cohorts/{cohort}/survey", "lead"),
    ("/cohorts/{cohort}/report", "lead"),
]

VIEWERS = {"officer": "alder_officer", "manager": "alder_manager", "lead": "lead"}
SERIOUS = ("serious", "critical")
BOARD_ROWS = 30  # more than a page of the board, so its page links show too

# The elements wider than the window that are not inside a scrolling table wrapper (outermost first).
OVERFLOWING = """(width) => {
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('.table-wrap') && !element.classList.contains('table-wrap')) continue;
    if (element.getBoundingClientRect().right <= width + 0.5) continue;
    if (found.some(outer => outer.contains(element))) continue;
    found.push(element);
  }
  return found.slice(0, 5).map(e => e.outerHTML.slice(0, 120));
}"""


def places(cast: Cast) -> dict[str, int]:
    """Alder County's pages' ids, after giving it barriers to show (through the services): more than a
    page of them, in several statuses, one with a long title and description, with history."""
    from assessment.barriers.service import add_barrier, update_barrier
    from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
    from assessment.cohorts.people import resolve_actor
    from assessment.cohorts.service import get_team
    from assessment.core.db import transaction
    from assessment.core.shapes import validate
    from tests.barriers.helpers import INSURANCE

    long = {
        **INSURANCE,
        "title": "Prime contractors' subcontracting plans are due with the bid, months before any award",
        "description": " ".join([INSURANCE["description"]] * 4),
    }
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        first = add_barrier(session, officer, cast.alder, validate(BarrierCreate, long, "barrier"))
        for status, note in (("analyzing", ""), ("action_planned", ""), ("deferred", "Waiting for the budget.")):
            moved = validate(BarrierUpdate, {"status": status}, "change")
            assert update_barrier(session, officer, first.id, moved, None, note)[0].status == status
        for n in range(2, BOARD_ROWS + 1):
            data = {**INSURANCE, "title": f"{INSURANCE['title']} ({n})", "severity": n % 5 + 1}
            add_barrier(session, officer, cast.alder, validate(BarrierCreate, data, "barrier"))
        team, _, cohort = get_team(session, cast.alder, cast.cohort)
    assert team.id is not None and cohort.id is not None
    return {"barrier": first.id, "team": team.id, "cohort": cohort.id}


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page: rule, what it asks, where (its selector
    and the element's start)."""
    from axe_playwright_python.sync_playwright import Axe

    found: list[dict[str, Any]] = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[(n['target'], n['html'][:100]) for n in v['nodes']]}"
        for v in found
        if v.get("impact") in SERIOUS
    ]


def screenshot(page: Page, path: str, viewer: str, width: int) -> None:
    """The whole page saved to ACCELERATOR_SCREENSHOTS (when set), named for the page, person and width."""
    folder = os.environ.get("ACCELERATOR_SCREENSHOTS")
    if not folder:
        return
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    target = Path(folder) / f"{name}-{viewer or 'nobody'}-{width}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)


@pytest.mark.parametrize(("path", "viewer"), PAGES, ids=[f"{p} as {v or 'nobody'}" for p, v in PAGES])
def test_page_has_no_serious_violation_and_fits_a_phone(live: Live, page: Page, path: str, viewer: str) -> None:
    address = path.format(**places(live.cast))
    if viewer:
        sign_in(page, live.url, getattr(live.cast, VIEWERS[viewer]))
    answer = page.goto(address)
    assert answer is not None
    if answer.status == 404:
        pytest.skip(f"{address} answers 404: not built yet")
    assert answer.status == 200, f"{address} as the {viewer}: {answer.status} {page.locator('main').inner_text()}"

    problems: list[str] = []
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, path, viewer, width)
        problems += [f"at {width} px: {v}" for v in serious_violations(page)]
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll > PHONE:
        wide = page.evaluate(OVERFLOWING, PHONE)
        problems.append(f"at {PHONE} px the page scrolls sideways ({scroll} px wide); too wide: {wide}")
    assert not problems, f"{address} as the {viewer or 'signed-out person'}:\n" + "\n".join(problems)
