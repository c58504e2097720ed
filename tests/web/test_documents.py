"""The Roadmap & report page: building the roadmap and compiling the impact report as jobs (refused at
once when the command would refuse), and downloading the files built, to whoever may read them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from httpx import Response

from accelerator.web.documents import team_folder
from accelerator.web.jobs import Job
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import list_teams
from assessment.core.db import transaction
from tests.conftest import Cast
from tests.roadmaps.reading import pdftotext
from tests.web.conftest import Site


def team_id(cast: Cast, place: str) -> int:
    with transaction() as session:
        teams = list_teams(session, resolve_actor(session, cast.admin), cast.cohort)
    return next(t.id for t in teams if t.jurisdiction == place)


def text_of(page: Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def jobs_of(site: Site) -> dict[str, Job]:
    jobs: dict[str, Job] = site.client.app.state.jobs.jobs  # type: ignore[attr-defined]
    return jobs


def post(site: Site, address: str, **fields: str) -> Response:
    return site.client.post(address, data={"csrf_token": site.token(), **fields})


def finished(site: Site, started: Response) -> Job:
    assert started.status_code == 303, started.text
    job = jobs_of(site)[started.headers["location"].removeprefix("/jobs/")]
    assert job.finished.wait(120)
    assert job.status == "done", (job.message, job.problems)
    return job


def test_the_documents_pages_are_for_the_teams_members(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    for path in (f"/teams/{alder}/documents", f"/teams/{alder}/documents/files/alder-county-roadmap-v1.pdf"):
        page = site.client.get(path)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    site.sign_in(cast.birch_manager)
    assert site.client.get(f"/teams/{alder}/documents").status_code == 403
    assert site.client.get(f"/teams/{alder}/documents/files/alder-county-roadmap-v1.pdf").status_code == 403
    for kind in ("roadmap", "report"):
        refused = post(site, f"/teams/{alder}/documents/{kind}", format_pdf="yes")
        assert refused.status_code == 403 and f"may not see the team of {cast.alder}" in refused.text
    assert jobs_of(site) == {}


def test_a_build_without_the_form_token_starts_nothing(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    for kind in ("roadmap", "report"):
        refused = site.client.post(f"/teams/{alder}/documents/{kind}", data={"format_pdf": "yes"})
        assert refused.status_code == 403 and "Form refused" in refused.text
    assert jobs_of(site) == {} and not team_folder(alder).exists()


def test_what_the_command_refuses_is_refused_at_once(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_exec)  # reads the roadmap and the report, builds neither
    page = site.client.get(f"/teams/{alder}/documents")
    assert page.status_code == 200
    said = text_of(page)
    assert "Nothing is built here yet." in said
    assert "Building it is for" in said and "Compiling it is for" in said and "<form" not in page.text.split("<h1")[1]
    refused = post(site, f"/teams/{alder}/documents/roadmap", format_pdf="yes")
    assert refused.status_code == 403 and f"may not build {cast.alder}'s action roadmap" in text_of(refused)
    refused = post(site, f"/teams/{alder}/documents/report", format_pdf="yes")
    assert refused.status_code == 403 and f"may not compile the impact report of {cast.alder}" in refused.text

    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/teams/{alder}/documents")
    assert page.text.count("checked") == 6  # the command's default: PDF, spreadsheet and web page
    refused = post(site, f"/teams/{alder}/documents/roadmap", format_xlsx="")
    assert refused.status_code == 400
    said = text_of(refused)
    assert "Not started" in said and "Formats: none was ticked. Tick at least one" in said
    assert refused.text.count("checked") == 3  # the roadmap's boxes as sent (none), the report's as they were
    assert jobs_of(site) == {}


@pytest.mark.usefixtures("prefect_harness")
def test_a_built_roadmap_is_listed_and_downloads_as_a_pdf(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    job = finished(site, post(site, f"/teams/{alder}/documents/roadmap", format_pdf="yes"))
    assert job.result == f"/teams/{alder}/documents" and job.states == {"build the roadmap": "completed"}

    site.sign_in(cast.alder_exec)  # reads the roadmap
    page = site.client.get(f"/teams/{alder}/documents")
    said = text_of(page)
    assert "Action roadmap, version 1" in said
    link = f"/teams/{alder}/documents/files/alder-county-roadmap-v1.pdf"
    assert f'href="{link}"' in page.text and page.text.count("/documents/files/") == 1  # the PDF only
    pdf = site.client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="alder-county-roadmap-v1.pdf"' in pdf.headers["content-disposition"]
    saved = tmp_path / "roadmap.pdf"
    saved.write_bytes(pdf.content)
    assert cast.alder in " ".join(pdftotext(saved).split())

    site.sign_in(cast.birch_manager)
    assert site.client.get(link).status_code == 403


@pytest.mark.usefixtures("prefect_harness")
def test_each_compiled_report_keeps_its_own_files(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    first = finished(site, post(site, f"/teams/{alder}/documents/report", format_html="yes", format_xlsx="yes"))
    assert first.states and set(first.states.values()) == {"completed"}
    finished(site, post(site, f"/teams/{alder}/documents/report", format_html="yes"))

    page = site.client.get(f"/teams/{alder}/documents")
    names = re.findall(r'href="/teams/\d+/documents/files/([^"]+)"', page.text)
    stamps = [re.fullmatch(r"alder-county-impact-report-(\d{8}-\d{6})\.(html|xlsx)", n) for n in names]
    assert all(stamps) and len(names) == 3, names
    newest, older = stamps[0], stamps[1]
    assert newest and older and newest.group(1) > older.group(1)  # newest first, each compile its own files
    assert text_of(page).count("Impact report") >= 2
    report = site.client.get(f"/teams/{alder}/documents/files/{names[0]}")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert cast.alder in report.text


def test_only_a_file_of_the_teams_own_folder_is_sent(cast: Cast, site: Site) -> None:
    alder, birch = team_id(cast, cast.alder), team_id(cast, cast.birch)
    team_folder(birch).mkdir(parents=True)
    (team_folder(birch) / "birch-city-roadmap-v1.pdf").write_bytes(b"%PDF-1.7 Birch's")
    team_folder(alder).mkdir(parents=True)
    (team_folder(alder) / "notes.txt").write_text("not a document", encoding="utf-8")
    (team_folder(alder) / "alder-county-roadmap-v2.pdf").symlink_to(team_folder(birch) / "birch-city-roadmap-v1.pdf")
    site.sign_in(cast.alder_manager)
    base = f"/teams/{alder}/documents/files/"
    for name in (
        "birch-city-roadmap-v1.pdf",  # another team's, asked for under this team
        "..%2Fteam-2%2Fbirch-city-roadmap-v1.pdf",
        "%2E%2E",  # ".." (a client would tidy it away unencoded)
        "%2E%2E%2Fteam-2%2Fbirch-city-roadmap-v1.pdf",
        "notes.txt",
        "alder-county-roadmap-v2.pdf",  # a link out of the folder
        "alder-county-roadmap-v9.pdf",
    ):
        answer = site.client.get(base + name)
        assert answer.status_code == 404, (name, answer.status_code)
        assert "Birch's" not in answer.text
    assert "Nothing is built here yet." in text_of(site.client.get(f"/teams/{alder}/documents"))
