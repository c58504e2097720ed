"""The equity program manager's and the alliance lead's longer journeys in a real browser: three filled
workbooks uploaded and scored by a job, then the scores; the regional report compiled as a job, then
its PDF downloaded."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.barriers.helpers import new_barrier
from tests.browser.conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE, Live, sign_in
from tests.browser.test_pages import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from assessment.selfassessment.service import RunSummary

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.usefixtures("prefect_harness"),
]

JOB_TIMEOUT = 90_000  # ms: a flow is a few seconds, more on a busy machine


def wait_for_the_job(page: Page) -> None:
    """On a job's page (it polls itself), wait until it says it is done."""
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(r"/jobs/[^/]+$"))
    expect(page.locator("#job")).to_contain_text("Done in", timeout=JOB_TIMEOUT)


def look(page: Page, name: str, viewer: str) -> None:
    """With ACCELERATOR_SCREENSHOTS set, the page saved at desktop and phone width (as test_pages saves
    the main pages), to look at; the window is a desktop's again after."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, name, viewer, width)


def scores(live: Live) -> RunSummary:
    """Alder County's baseline as the service shows it."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.selfassessment.service import show

    cast = live.cast
    with transaction() as session:
        return show(session, resolve_actor(session, cast.alder_manager), cast.alder, cast.cohort, "baseline")


def test_a_manager_uploads_three_workbooks_and_sees_the_scores(live: Live, page: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.shapes import RespondentInfo
    from assessment.selfassessment.template import fill_workbook

    cast = live.cast
    sign_in(page, live.url, cast.alder_manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{cast.alder}’s team")
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment")
    expect(page.get_by_role("status")).to_contain_text("Nothing is scored yet")

    blank_form = page.get_by_role("region", name="Blank workbook")
    assert blank_form.get_by_label("Cycle").input_value() == "baseline"
    with page.expect_download() as downloading:
        blank_form.get_by_role("button", name="Download the workbook").click()
    blank = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(blank)
    assert blank.name == "self-assessment-alder-county-baseline.xlsx"

    practices = [i.id for i in load_rubric().indicators]
    filled = []
    for n, level in enumerate([1, 3, 4]):
        who = RespondentInfo(name=f"Respondent {n}", email=f"r{n}@alder.example.org", role="finance")
        filled.append(fill_workbook(blank, tmp_path / f"respondent-{n}.xlsx", who, dict.fromkeys(practices, level)))

    upload = page.get_by_role("region", name="Upload filled workbooks")
    upload.get_by_label("Filled workbooks").set_input_files(filled)
    upload.get_by_label("Cycle").select_option("baseline")
    upload.get_by_role("button", name="Score the workbooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scoring the workbooks")
    wait_for_the_job(page)
    look(page, "job", "manager")
    page.get_by_role("link", name="See the scores").click()

    expect(page.get_by_role("heading", level=2, name="Baseline scores")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_be_visible()
    summary = scores(live)
    assert summary.submitted_by == cast.alder_manager and summary.result.respondents == 3
    table = page.get_by_role("table", name="Domain scores, baseline")
    shown = [row.locator("td, th").all_inner_texts() for row in table.locator("tbody tr").all()]
    expected = [[d.title, f"{d.mean:.2f}", f"{d.score:.1f}", f"{d.rated} of {d.total}"] for d in summary.result.domains]
    overall = summary.result.overall
    assert shown == [*expected, ["Overall", f"{overall.mean:.2f}", f"{overall.score:.1f}", ""]]
    chart = page.locator("svg[role=img] desc").text_content() or ""
    for d in summary.result.domains:
        assert f"{d.title} {d.score:.1f}" in chart
    look(page, "scores", "manager")


def test_a_lead_compiles_the_regional_report_and_downloads_its_pdf(live: Live, page: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    cast = live.cast
    new_barrier(cast.alder_officer, cast.alder, title="Insurance limits out of proportion to the work")
    new_barrier(cast.birch_officer, cast.birch, title="Payment takes 90 days")

    sign_in(page, live.url, cast.lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name=cast.cohort).click()
    page.get_by_role("navigation", name="Cohort").get_by_role("link", name="Regional report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional impact report")
    expect(page.get_by_text("No report has been compiled here yet")).to_be_visible()

    formats = page.get_by_role("group", name="Formats")
    for box in formats.get_by_role("checkbox").all():
        box.set_checked(False)
    formats.get_by_label("PDF").check()
    page.get_by_role("button", name="Compile the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compiling the regional report")
    wait_for_the_job(page)
    page.get_by_role("link", name="See the report's files").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Regional impact report")
    files = page.get_by_role("table", name="The report's files")
    expect(files.get_by_role("link")).to_have_count(1)
    look(page, "report-compiled", "lead")
    with page.expect_download() as downloading:
        files.get_by_role("link", name="2026-test-cohort-regional-report.pdf").click()
    pdf = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(pdf)
    assert pdf.name == "2026-test-cohort-regional-report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert cast.cohort in text and "regional impact report" in " ".join(text.split()).lower()
