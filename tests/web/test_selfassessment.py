"""The self-assessment pages: the blank workbook, filled workbooks uploaded (checked at once, then scored by
the assessment run as a job), and the stored result with its chart, its figures and its disagreements."""

from __future__ import annotations

import io
import re
import tempfile
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team, list_teams
from assessment.core.db import transaction
from assessment.selfassessment import service as assessments
from assessment.selfassessment.models import Assessment, Submission
from assessment.selfassessment.rubric import load_rubric
from assessment.selfassessment.service import RunSummary
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.conftest import Cast
from tests.flows.test_assessment_run import IDS, filled
from tests.web.conftest import Site, token

RUBRIC = load_rubric()


def team_id(cast: Cast, place: str) -> int:
    with transaction() as session:
        teams = list_teams(session, resolve_actor(session, cast.admin))
    return next(t.id for t in teams if t.jurisdiction == place)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def stored() -> tuple[int, int]:
    """How many assessments and submissions are stored."""
    with transaction() as session:
        return (
            session.exec(select(func.count()).select_from(Assessment)).one(),
            session.exec(select(func.count()).select_from(Submission)).one(),
        )


def submit(cast: Cast, cycle: str, levels: list[int]) -> None:
    """A scored submission of Alder County's, through the services (respondent n rates every practice ``levels[n]``)."""
    books = []
    for n, level in enumerate(levels):
        ratings: dict[str, int | None] = dict.fromkeys(IDS, level)
        books.append(
            WorkbookRatings(
                source=f"r{n}.xlsx",
                respondent=RespondentInfo(name=f"Respondent {n}", email=f"r{n}@alder.example.org", role="finance"),
                ratings=ratings,
                answers={k: str(v) for k, v in ratings.items()},
                evidence={},
            )
        )
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        parsed = assessments.parse_cycle(cycle)
        result = assessments.score_run(session, team, parsed, RUBRIC, [dict(b.ratings) for b in books])
        assessments.record(session, actor, cast.alder, cast.cohort, cycle, RUBRIC, books, result)


def shown(cast: Cast, cycle: str) -> RunSummary:
    with transaction() as session:
        return assessments.show(session, resolve_actor(session, cast.alder_exec), cast.alder, cast.cohort, cycle)


def upload(site: Site, path: str, files: list[Path], **fields: str) -> tuple[int, str, str]:
    """The upload form sent as a browser sends it: status, where it leads, and the page."""
    page = site.client.get(path.removesuffix("/runs"))
    sent = site.client.post(
        path,
        data={"csrf_token": token(page), **fields},
        files=[("files", (f.name, f.read_bytes(), "application/octet-stream")) for f in files],
    )
    return sent.status_code, sent.headers.get("location", ""), sent.text


# --- who may do what ----------------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    for path in (f"/teams/{alder}/assessment", f"/teams/{alder}/assessment/workbook"):
        page = site.client.get(path)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    sent = site.client.post(
        f"/teams/{alder}/assessment/runs",
        data={"csrf_token": token(site.client.get("/sign-in"))},
        files=[("files", ("a.xlsx", b"x", "application/octet-stream"))],
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/sign-in")


def test_another_jurisdictions_manager_is_refused_everywhere(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.birch_manager)
    assert site.client.get(f"/teams/{alder}/assessment").status_code == 403
    assert site.client.get(f"/teams/{alder}/assessment/workbook").status_code == 403
    files = [Path(f) for f in filled(tmp_path, cast, cast.alder, [2])]
    sent = site.client.post(
        f"/teams/{alder}/assessment/runs",
        data={"csrf_token": site.token(), "cycle": "baseline"},
        files=[("files", (f.name, f.read_bytes(), "application/octet-stream")) for f in files],
    )
    assert sent.status_code == 403
    assert stored() == (0, 0)


def test_an_upload_without_its_token_is_refused_and_nothing_is_stored(cast: Cast, site: Site, tmp_path: Path) -> None:
    site.sign_in(cast.alder_manager)
    files = [Path(f) for f in filled(tmp_path, cast, cast.alder, [2])]
    sent = site.client.post(
        f"/teams/{team_id(cast, cast.alder)}/assessment/runs",
        data={"cycle": "baseline"},
        files=[("files", (f.name, f.read_bytes(), "application/octet-stream")) for f in files],
    )
    assert sent.status_code == 403
    assert stored() == (0, 0)


def test_a_member_who_may_not_submit_sees_no_upload_form_and_is_refused(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_officer)
    page = site.client.get(f"/teams/{alder}/assessment")
    assert page.status_code == 200
    assert "Download the workbook" in page.text
    assert 'action="/teams/' + str(alder) + '/assessment/runs"' not in page.text
    files = [Path(f) for f in filled(tmp_path, cast, cast.alder, [2])]
    status, _, text = upload(site, f"/teams/{alder}/assessment/runs", files, cycle="baseline")
    assert status == 403
    assert "may not submit Alder County&#39;s self-assessment" in text
    assert stored() == (0, 0)


# --- the blank workbook and the empty page -----------------------------------------------------------------------


def test_the_blank_workbook_downloads_for_the_cycle_asked(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_exec)
    got = site.client.get(f"/teams/{team_id(cast, cast.alder)}/assessment/workbook?cycle=Midpoint")
    assert got.status_code == 200
    assert 'filename="self-assessment-alder-county-midpoint.xlsx"' in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert "Ratings" in book.sheetnames
    assert IDS[0] in {c.value for row in book["Ratings"].iter_rows() for c in row}


def test_nothing_scored_says_how_to_start(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/teams/{team_id(cast, cast.alder)}/assessment")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "Nothing is scored yet. To start: download the blank workbook below" in said
    assert "upload the filled workbooks here" in said
    assert "<svg" not in page.text


# --- the result -------------------------------------------------------------------------------------------------------


def test_a_later_cycle_is_charted_beside_the_baseline_with_its_figures_in_a_table(cast: Cast, site: Site) -> None:
    submit(cast, "baseline", [1, 2])
    submit(cast, "midpoint", [1, 4, 3])
    site.sign_in(cast.alder_exec)
    page = site.client.get(f"/teams/{team_id(cast, cast.alder)}/assessment")  # the latest cycle by default
    assert page.status_code == 200
    said = text_of(page.text)
    midpoint, baseline = shown(cast, "midpoint"), shown(cast, "baseline")
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in page.text
    assert "Domain scores, midpoint, beside the baseline" in said
    for domain, before in zip(midpoint.result.domains, baseline.result.domains, strict=True):
        assert domain.score is not None and before.score is not None
        change = round(domain.score - before.score, 1)
        row = f"{domain.title} {domain.mean:.2f} {domain.score:.1f} {domain.rated} of {domain.total}"
        assert f"{row} {before.score:.1f} {change:+.1f}" in said
        assert f"{domain.title} {domain.score:.1f} (baseline {before.score:.1f})" in said  # the chart's words
    overall = midpoint.result.overall
    assert f"Maturity stage {overall.stage} – {overall.stage_name}" in said
    assert "Respondents 3" in said
    # 1, 4 and 3 are 2 or more levels apart everywhere: every practice is to discuss, 25 a page
    assert f"{len(IDS)} practices where respondents’ ratings are 2 or more levels apart" in said
    assert said.count("1, 4, 3") == min(len(IDS), 25)

    earlier = site.client.get(f"/teams/{team_id(cast, cast.alder)}/assessment?cycle=baseline")
    assert "beside the baseline" not in earlier.text
    assert "No disagreements" in earlier.text  # 1 and 2 are one level apart
    none_yet = site.client.get(f"/teams/{team_id(cast, cast.alder)}/assessment?cycle=final")
    assert "Alder County has no final self-assessment scored yet." in text_of(none_yet.text)


# --- uploading -------------------------------------------------------------------------------------------------------


def test_a_bad_workbook_is_refused_at_once_naming_the_file_and_the_cell(cast: Cast, site: Site, tmp_path: Path) -> None:
    from assessment.selfassessment.shapes import WorkbookContext
    from assessment.selfassessment.template import fill_workbook, write_template

    alder = team_id(cast, cast.alder)
    good = [Path(f) for f in filled(tmp_path, cast, cast.alder, [2, 3])]
    template = write_template(
        RUBRIC, tmp_path / "blank.xlsx", WorkbookContext(jurisdiction=cast.alder, cohort=cast.cohort, cycle="baseline")
    )
    answers: dict[str, int | float | str | None] = {**dict.fromkeys(IDS, 3), IDS[4]: "seven"}
    ana = RespondentInfo(name="Ana", email="ana@x.org", role="finance")
    bad = fill_workbook(template, tmp_path / "ana.xlsx", ana, answers)
    site.sign_in(cast.alder_manager)
    status, _, text = upload(site, f"/teams/{alder}/assessment/runs", [*good, bad], cycle="baseline", replace="yes")
    assert status == 400
    said = text_of(text)
    assert re.search(r"ana\.xlsx Ratings![A-Z]+\d+: the rating for " + re.escape(IDS[4]), said), said
    assert "Nothing was scored" in said
    assert '<option value="baseline" selected>' in text and 'name="replace" value="yes" checked' in text
    assert stored() == (0, 0)
    assert not site.client.app.state.jobs.jobs  # type: ignore[attr-defined]


@pytest.mark.usefixtures("prefect_harness")
def test_three_uploaded_workbooks_are_scored_by_a_job_whose_result_is_the_scores(
    cast: Cast, site: Site, tmp_path: Path
) -> None:
    alder = team_id(cast, cast.alder)
    files = [Path(f) for f in filled(tmp_path, cast, cast.alder, [1, 2, 4])]
    site.sign_in(cast.alder_manager)
    status, location, _ = upload(site, f"/teams/{alder}/assessment/runs", files, cycle="baseline")
    assert status == 303 and location.startswith("/jobs/")
    job = site.client.app.state.jobs.jobs[location.removeprefix("/jobs/")]  # type: ignore[attr-defined]
    assert job.finished.wait(60)
    progress = site.client.get(location)
    assert job.status == "done", progress.text
    assert f'<a href="/teams/{alder}/assessment?cycle=baseline">See the scores</a>' in progress.text
    assert progress.text.count("(done)") == 5  # validate, aggregate, score, persist, publish
    # the uploaded copies are removed once the job ended
    assert not list(Path(tempfile.gettempdir()).glob(f"accelerator-upload-*/{files[0].name}"))

    page = site.client.get(f"/teams/{alder}/assessment?cycle=baseline")
    said = text_of(page.text)
    summary = shown(cast, "baseline")
    assert summary.submitted_by == cast.alder_manager
    for d in summary.result.domains:
        assert f"{d.title} {d.mean:.2f} {d.score:.1f} {d.rated} of {d.total}" in said
    overall = summary.result.overall
    assert f"Overall {overall.mean:.2f} {overall.score:.1f}" in said
    assert "Respondents 3" in said
