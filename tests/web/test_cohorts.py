"""The alliance lead's cohort pages: the cohort list, the sessions board, the barriers ranked across the
region, the recommendation with its endorsements, the partner survey, and the regional report compiled
and downloaded; each as its CLI command shows it, and refused to whom the services refuse."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from httpx import Response
from sqlmodel import func, select

from accelerator.web.jobs import Job
from assessment.barriers.ranking import rank_barriers
from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import enroll_team, get_cohort
from assessment.core.db import transaction
from assessment.core.settings import get_settings
from assessment.recommendations.models import Endorsement, Recommendation
from assessment.reports.models import CompiledReport
from assessment.sessions.service import board
from assessment.survey.service import survey_results
from tests.conftest import Cast
from tests.recommendations.helpers import draft, endorse, listed, shown
from tests.recommendations.regional import INSURANCE, INSURANCE_SAID, PAYMENT, PAYMENT_SAID, add_places, record_barriers
from tests.survey.helpers import import_, write_csv
from tests.web.conftest import Site, token


def cohort_id(cast: Cast) -> int:
    with transaction() as session:
        found = get_cohort(session, cast.cohort).id
        assert found is not None
        return found


def count(table: type[Recommendation] | type[Endorsement] | type[CompiledReport]) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def text_of(page: Response) -> str:
    """The page's words, tags left out and spaces collapsed (what a reader sees, near enough)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def cells_of(markup: str) -> list[list[str]]:
    """The text of each body row's cells of the tables in ``markup``."""
    rows = re.findall(r"<tr>(.*?)</tr>", markup, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in row] for row in cells if row]


def states_of(page: Response) -> list[list[str]]:
    """The board's cells, a row of nine states per team."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page.text, re.S)
    return [re.findall(r'data-state="(\w+)"', row) for row in rows]


def test_every_cohort_page_sends_someone_signed_out_to_sign_in(cast: Cast, site: Site) -> None:
    ident = cohort_id(cast)
    for path in ("", "/barriers", "/recommendation", "/survey", "/report", "/report/files/x.pdf"):
        answer = site.client.get(f"/cohorts/{ident}{path}")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next=")
    assert site.client.get("/cohorts").status_code == 303


def test_the_cohort_list_links_each_cohort_and_refuses_someone_without_a_role(cast: Cast, site: Site) -> None:
    site.sign_in(cast.lead)
    page = site.client.get("/cohorts")
    assert page.status_code == 200
    assert f'<a href="/cohorts/{cohort_id(cast)}">2026 Test Cohort</a>' in page.text
    assert "Southern California" in page.text and "2026-03-01" in page.text
    site.sign_in(cast.outsider)
    assert site.client.get("/cohorts").status_code == 403
    assert site.client.get(f"/cohorts/{cohort_id(cast)}").status_code == 403
    assert site.client.get("/cohorts/9999").status_code == 404


def test_the_board_shows_each_team_as_the_service_does_and_only_to_whom_it_may(cast: Cast, site: Site) -> None:
    with transaction() as session:
        expected = board(session, resolve_actor(session, cast.lead), cast.cohort)
    site.sign_in(cast.lead)
    page = site.client.get(f"/cohorts/{cohort_id(cast)}")
    assert page.status_code == 200
    assert states_of(page) == [[s.state for s in team.sessions] for team in expected.teams]
    words = text_of(page)
    for team in expected.teams:
        assert f"{team.jurisdiction}: next, {team.next_step}" in words
        for state in team.sessions:
            for reason in state.reasons:
                assert reason.replace("`", "") in words  # commands are shown as code
    assert "✗ blocked: what blocks it is listed below the table" in words  # never by colour alone

    site.sign_in(cast.alder_manager)  # a team's member sees their own team only
    own = site.client.get(f"/cohorts/{cohort_id(cast)}")
    assert own.status_code == 200 and "Alder County" in own.text and "Birch City" not in own.text


def test_the_board_shows_its_teams_25_to_a_page(cast: Cast, site: Site) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        for n in range(24):
            add_jurisdiction(session, admin, f"Town {n:02d}", "city")
            enroll_team(session, admin, f"Town {n:02d}", cast.cohort)
    site.sign_in(cast.lead)
    first = site.client.get(f"/cohorts/{cohort_id(cast)}")
    assert len(states_of(first)) == 25 and "26 teams; teams 1 to 25 (page 1 of 2)" in text_of(first)
    last = site.client.get(f"/cohorts/{cohort_id(cast)}?page=9")  # past the end: the last page
    assert len(states_of(last)) == 1 and "Town 23" in last.text and 'rel="prev"' in last.text


def test_the_ranking_shows_the_figures_of_rank_barriers(cast: Cast, site: Site) -> None:
    record_barriers(add_places(cast))
    with transaction() as session:
        ranking = rank_barriers(session, resolve_actor(session, cast.lead), cast.cohort)
    site.sign_in(cast.lead)
    page = site.client.get(f"/cohorts/{cohort_id(cast)}/barriers")
    assert page.status_code == 200
    cells = cells_of(page.text.split("Weakest practices")[0])
    assert [row[:5] for row in cells] == [
        [
            str(n),
            f"{r.category_label} / {r.stage_label}",
            f"{r.jurisdictions} of {ranking.jurisdictions}",
            "–" if r.mean_severity is None else f"{r.mean_severity:.2f}",
            f"{r.resolved} of {r.barriers} ({r.share_resolved:.0%})",
        ]
        for n, r in enumerate(ranking.rows, start=1)
    ]
    assert cells[0][1:5] == ["Payment & cash flow / Invoicing & payment", "3 of 3", "4.00", "1 of 4 (25%)"]
    assert "Reported by" in page.text and "Alder County, Birch City, Cedar County" in page.text

    site.sign_in(cast.alder_officer)  # a team reader sees the figures, not who reports them
    figures = site.client.get(f"/cohorts/{cohort_id(cast)}/barriers")
    assert figures.status_code == 200 and "3 of 3" in figures.text and "Reported by" not in figures.text
    site.sign_in(cast.outsider)
    assert site.client.get(f"/cohorts/{cohort_id(cast)}/barriers").status_code == 403


def recommendation_form(site: Site, page: str, **fields: str) -> dict[str, str]:
    form = {
        "csrf_token": token(site.client.get(page)),
        "title": "Prompt payment for community contracts",
        "problem": "Community organizations wait months to be paid.",
        "proposed_change": "A state prompt-payment rule: pay within 30 days.",
        "level": "state",
        "evidence": "",
    }
    return {**form, **fields}


def test_a_lead_drafts_then_changes_and_a_stale_change_keeps_the_text(cast: Cast, site: Site) -> None:
    record_barriers(add_places(cast))
    page = f"/cohorts/{cohort_id(cast)}/recommendation"
    site.sign_in(cast.lead)
    form = recommendation_form(site, page, evidence="Nine groups stopped bidding.", **{f"row:{PAYMENT}": "1"})
    made = site.client.post(page, data=form)
    assert made.status_code == 303
    [rec] = listed(cast.lead, cast.cohort)
    assert made.headers["location"] == f"{page}#recommendation-{rec.id}"
    assert rec.categories == [PAYMENT] and rec.evidence.startswith("Reported by 3 of 3 jurisdictions")
    assert rec.evidence.endswith("\nNine groups stopped bidding.")
    shown_page = site.client.get(page)
    assert "Nine groups stopped bidding." in shown_page.text and "Change this recommendation" in shown_page.text

    # a change of the own words keeps the sentence drawn from the ranking
    change = {**form, "evidence": "Twelve groups stopped bidding.", "version": "1", "note": "new count"}
    assert site.client.post(f"{page}/{rec.id}", data=change).status_code == 303
    now = shown(cast.lead, rec.id)
    assert now.version == 2 and now.evidence == rec.evidence.replace("Nine", "Twelve")

    stale = {**change, "title": "My retitled draft", "proposed_change": "Pay within 15 days.", "version": "1"}
    refused = site.client.post(f"{page}/{rec.id}", data=stale)
    assert refused.status_code == 409
    assert "was changed since you read version 1: by lead@alliance.example.org" in text_of(refused)
    assert 'value="My retitled draft"' in refused.text and ">Pay within 15 days.</textarea>" in refused.text
    assert '<input type="hidden" name="version" value="2">' in refused.text  # sending again applies it
    assert shown(cast.lead, rec.id).title == "Prompt payment for community contracts"

    # ticking another row of the ranking redraws the evidence from it, then the own words
    rows = {**change, "version": "2", f"row:{INSURANCE}": "1"}
    assert site.client.post(f"{page}/{rec.id}", data=rows).status_code == 303
    now = shown(cast.lead, rec.id)
    assert now.categories == [PAYMENT, INSURANCE]
    assert now.evidence == f"{PAYMENT_SAID}\n{INSURANCE_SAID}\nTwelve groups stopped bidding."

    empty = site.client.post(page, data={**form, "title": "  ", "problem": "Still typed."})
    assert empty.status_code == 400 and "Title" in text_of(empty) and ">Still typed.</textarea>" in empty.text
    assert len(listed(cast.lead, cast.cohort)) == 1


def test_a_procurement_officer_may_not_draft_change_or_withdraw(cast: Cast, site: Site) -> None:
    rec = draft(cast.lead, cast.cohort)
    page = f"/cohorts/{cohort_id(cast)}/recommendation"
    site.sign_in(cast.alder_officer)
    seen = site.client.get(page)
    assert seen.status_code == 200 and rec.title in seen.text
    assert "Draft a new recommendation" not in seen.text and "Endorse for" not in seen.text
    form = recommendation_form(site, page)
    assert site.client.post(page, data=form).status_code == 403
    assert site.client.post(f"{page}/{rec.id}", data={**form, "title": "Mine now", "version": "1"}).status_code == 403
    withdraw = {"csrf_token": form["csrf_token"], "reason": "no"}
    assert site.client.post(f"{page}/{rec.id}/withdraw", data=withdraw).status_code == 403
    endorse_alder = {"csrf_token": form["csrf_token"], "jurisdiction": cast.alder}
    assert site.client.post(f"{page}/{rec.id}/endorse", data=endorse_alder).status_code == 403
    assert (count(Recommendation), shown(cast.lead, rec.id).title, count(Endorsement)) == (1, rec.title, 0)


def test_a_manager_endorses_then_withdraws_the_endorsement(cast: Cast, site: Site) -> None:
    rec = draft(cast.lead, cast.cohort)
    page = f"/cohorts/{cohort_id(cast)}/recommendation"
    site.sign_in(cast.alder_manager)
    before = site.client.get(page)
    assert "Endorse for Alder County" in before.text and "Endorse for Birch City" not in before.text
    sent = {"csrf_token": token(before), "jurisdiction": cast.alder, "note": "Our board agreed."}
    assert site.client.post(f"{page}/{rec.id}/endorse", data=sent).status_code == 303
    words = text_of(site.client.get(page))
    assert "Endorsed by 1 jurisdiction" in words and "Alder County: Nguyễn Thị Hồng (equity program manager)" in words
    assert "“Our board agreed.”" in words and "Withdraw Alder County's endorsement" in words

    site.sign_in(cast.birch_manager)  # another jurisdiction's manager cannot speak for Alder
    forged = {"csrf_token": site.token(), "jurisdiction": cast.alder, "reason": "not ours"}
    assert site.client.post(f"{page}/{rec.id}/withdraw-endorsement", data=forged).status_code == 403
    assert [e.jurisdiction for e in shown(cast.lead, rec.id).endorsements] == [cast.alder]

    site.sign_in(cast.alder_exec)
    withdrawn = {"csrf_token": site.token(), "jurisdiction": cast.alder, "reason": "the rule changed"}
    assert site.client.post(f"{page}/{rec.id}/withdraw-endorsement", data=withdrawn).status_code == 303
    words = text_of(site.client.get(page))
    assert "Endorsed by 0 jurisdictions" in words and "Endorsements withdrawn" in words
    assert "Alder County withdrew its endorsement on" in words and "“the rule changed”" in words


def test_a_form_posted_without_its_token_is_refused_and_changes_nothing(cast: Cast, site: Site) -> None:
    rec = draft(cast.lead, cast.cohort)
    endorse(cast.alder_manager, rec.id, cast.alder)
    base = f"/cohorts/{cohort_id(cast)}"
    site.sign_in(cast.lead)
    fields = {"title": "Forged", "problem": "x", "proposed_change": "y", "level": "state", "version": "1"}
    for path in ("/recommendation", f"/recommendation/{rec.id}", f"/recommendation/{rec.id}/withdraw", "/report"):
        answer = site.client.post(base + path, data={**fields, "reason": "forged", "format:pdf": "1"})
        assert answer.status_code == 403 and "Form refused" in answer.text
    site.sign_in(cast.alder_manager)
    for path in (f"/recommendation/{rec.id}/endorse", f"/recommendation/{rec.id}/withdraw-endorsement"):
        answer = site.client.post(base + path, data={"jurisdiction": cast.alder})
        assert answer.status_code == 403 and "Form refused" in answer.text
    now = shown(cast.lead, rec.id)
    assert (count(Recommendation), now.version, now.status.value, len(now.endorsements)) == (1, 1, "draft", 1)
    assert count(CompiledReport) == 0


def test_the_survey_shows_the_shares_the_service_publishes(cast: Cast, site: Site, tmp_path: Path) -> None:
    columns = ["Respondent", "Jurisdiction", "trust", "more_together"]
    rows = [[f"A{n}", cast.alder, answer, 4] for n, answer in enumerate([5, 4, 4, 2, 1, 5, 4])]
    rows += [["B0", cast.birch, 5, None], ["B1", cast.birch, 2, None]]
    import_(cast, write_csv(tmp_path / "survey.csv", columns, rows))
    with transaction() as session:
        results = survey_results(session, resolve_actor(session, cast.lead), cast.cohort)
    trust = next(s for s in results.statements if s.id == "trust")
    site.sign_in(cast.lead)
    page = site.client.get(f"/cohorts/{cohort_id(cast)}/survey")
    assert page.status_code == 200
    words = text_of(page)
    assert "9 respondents" in words and "fewer than 5 people answered there" in words
    said = trust.overall.said  # e.g. "67% (6 of 9)"
    assert f"{trust.text} 9 {said}" in words
    shares = [j.share for j in trust.jurisdictions]
    assert all(s.suppressed for s in shares)  # Birch has 2: hiding it hides Alder's too
    assert f"{trust.text} 2 too few responses" in words

    site.sign_in(cast.birch_officer)  # a team member sees the overall and their own jurisdiction
    own = site.client.get(f"/cohorts/{cohort_id(cast)}/survey")
    assert own.status_code == 200 and "<h3>Birch City</h3>" in own.text and "<h3>Alder County</h3>" not in own.text
    site.sign_in(cast.outsider)
    assert site.client.get(f"/cohorts/{cohort_id(cast)}/survey").status_code == 403


def test_only_a_lead_may_open_compile_or_download_the_regional_report(cast: Cast, site: Site) -> None:
    base = f"/cohorts/{cohort_id(cast)}/report"
    for who in (cast.alder_officer, cast.alder_manager):
        site.sign_in(who)
        assert site.client.get(base).status_code == 403
        refused = site.client.post(base, data={"csrf_token": site.token(), "format:pdf": "1"})
        assert refused.status_code == 403 and "may not compile the regional report" in refused.text
        assert site.client.get(f"{base}/files/x.pdf").status_code == 403
    assert count(CompiledReport) == 0
    assert not site.client.app.state.jobs.jobs  # type: ignore[attr-defined]

    site.sign_in(cast.lead)
    page = site.client.get(base)
    assert page.status_code == 200 and "No report has been compiled here yet" in page.text
    assert "Jurisdiction A, B" in text_of(page)  # what anonymizing does, in a sentence
    none = site.client.post(base, data={"csrf_token": token(page), "anonymize": "yes"})
    assert none.status_code == 400 and "Formats: none is ticked." in text_of(none)
    assert 'name="anonymize" value="yes" checked' in none.text
    assert site.client.get(f"{base}/files/x.pdf").status_code == 404


@pytest.mark.usefixtures("prefect_harness")
def test_a_lead_compiles_the_regional_report_and_downloads_its_pdf(cast: Cast, site: Site) -> None:
    base = f"/cohorts/{cohort_id(cast)}/report"
    site.sign_in(cast.lead)
    started = site.client.post(base, data={"csrf_token": site.token(), "format:pdf": "1", "format:xlsx": "1"})
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    jobs = site.client.app.state.jobs  # type: ignore[attr-defined]
    job: Job = jobs.get(started.headers["location"].rsplit("/", 1)[1], job_owner(cast))
    assert job.finished.wait(120)
    assert job.status == "done", (job.message, job.problems)
    done = site.client.get(started.headers["location"])
    assert f'<a href="{base}">' in done.text and "See the report's files" in text_of(done)

    page = site.client.get(base)
    names = re.findall(rf'href="{base}/files/([^"]+)"', page.text)
    assert sorted(names) == ["2026-test-cohort-regional-report.pdf", "2026-test-cohort-regional-report.xlsx"]
    pdf = site.client.get(f"{base}/files/2026-test-cohort-regional-report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "2026 Test Cohort" in text and "regional" in text.lower()
    assert count(CompiledReport) == 1

    # only the folder's plain files are sent: not a path out of it, a hidden (half-written) file, a folder or a link
    folder = get_settings().data_dir / "web-files" / f"cohort-{cohort_id(cast)}"
    (folder / ".half-written.pdf").write_bytes(b"%PDF")
    (folder / "inner").mkdir()
    (folder.parent / "web-secret").write_text("not for download")
    (folder / "secret.pdf").symlink_to(folder.parent / "web-secret")
    page = site.client.get(base)
    assert len(re.findall(rf'href="{base}/files/', page.text)) == 2
    for bad in ("%2E%2E", "..%2F..%2Fweb-secret", "%2E%2E%2Fcohort-1%2F", ".half-written.pdf", "inner", "secret.pdf"):
        assert site.client.get(f"{base}/files/{bad}").status_code == 404, bad
    site.sign_in(cast.alder_manager)
    assert site.client.get(f"{base}/files/2026-test-cohort-regional-report.pdf").status_code == 403


def job_owner(cast: Cast) -> int:
    with transaction() as session:
        return resolve_actor(session, cast.lead).person_id
