"""Work a page starts: its page shows the steps as they happen and how it ended, to its owner only."""

from __future__ import annotations

from accelerator.web.jobs import Job, StepWatcher
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import Problem, ValidationFailed
from tests.conftest import Cast
from tests.web.conftest import Site


def person_id(email: str) -> int:
    with transaction() as session:
        return resolve_actor(session, email).person_id


def start(site: Site, owner: str, work: object) -> Job:
    jobs = site.client.app.state.jobs  # type: ignore[attr-defined]
    job: Job = jobs.start(person_id(owner), "Scoring the workbooks", ["check", "score"], work, "See the scores", "/")
    assert job.finished.wait(30)
    return job


def test_a_finished_job_shows_its_steps_and_the_link_to_its_result(cast: Cast, site: Site) -> None:
    def work(tell: StepWatcher) -> str:
        tell("check", "running")
        tell("check", "completed")
        tell("score", "running")
        tell("score", "completed")
        return "/teams/1/assessment"

    job = start(site, cast.alder_manager, work)
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    assert 'data-status="done"' in page.text
    assert page.text.count("(done)") == 2
    assert '<a href="/teams/1/assessment">See the scores</a>' in page.text
    assert "progress.js" not in page.text  # nothing left to watch


def test_a_refused_job_lists_every_problem_and_says_nothing_changed(cast: Cast, site: Site) -> None:
    def work(tell: StepWatcher) -> str:
        tell("check", "running")
        raise ValidationFailed("2 workbooks were refused.", [Problem("a.xlsx, Ratings!D7", "not a rating.")])

    job = start(site, cast.alder_manager, work)
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/jobs/{job.id}")
    assert "2 workbooks were refused." in page.text
    assert "a.xlsx, Ratings!D7: not a rating." in page.text
    assert "(failed)" in page.text  # the step the refusal cut short
    assert "Nothing was changed." in page.text


def test_an_unexpected_failure_shows_a_plain_message(cast: Cast, site: Site) -> None:
    def work(tell: StepWatcher) -> str:
        raise RuntimeError("database password is hunter2")

    job = start(site, cast.alder_manager, work)
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/jobs/{job.id}")
    assert "The work stopped on an unexpected error." in page.text
    assert "hunter2" not in page.text


def test_someone_elses_job_is_not_found(cast: Cast, site: Site) -> None:
    job = start(site, cast.alder_manager, lambda tell: "/")
    site.sign_in(cast.birch_manager)
    assert site.client.get(f"/jobs/{job.id}").status_code == 404
    assert site.client.get("/jobs/no-such-job").status_code == 404


def test_a_service_message_shows_its_commands_as_code_and_its_markup_as_text() -> None:
    from accelerator.web.kit import commands

    shown = commands("Run `accelerator team enroll` first <b>now</b> & `x<y`")
    assert (
        str(shown) == "Run <code>accelerator team enroll</code> first &lt;b&gt;now&lt;/b&gt; &amp; <code>x&lt;y</code>"
    )
