"""The planning pages of a team (sessions 3 and 4): candidate changes proposed, scored, ranked, carried into
goals or set aside, and goals with their milestones, through a browser's eyes; who may see and send what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from httpx import Response
from sqlmodel import func, select

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.fields import row_id, utcnow
from assessment.core.history import History
from assessment.core.shapes import validate
from assessment.goals.milestones import add_milestone
from assessment.goals.models import Goal, Milestone
from assessment.goals.service import add_goal, get_goal
from assessment.goals.shapes import GoalCreate, MilestoneCreate
from assessment.sessions.changes import get_change, propose_change, ranked_changes, score_change
from assessment.sessions.models import ProcessChange
from assessment.sessions.shapes import CRITERIA, ChangeCreate, ChangeScores
from tests.barriers.helpers import new_barrier
from tests.conftest import Cast
from tests.web.conftest import Site, token

TODAY = utcnow().date()
DUE = TODAY + timedelta(days=150)


@dataclass
class Plans:
    """Alder's and Birch's teams, each with a barrier, a candidate change and a goal with one milestone."""

    alder: int
    birch: int
    barrier: int
    change: int
    goal: int
    milestone: int
    birch_change: int
    birch_goal: int
    birch_milestone: int


def propose(cast: Cast, title: str, barriers: list[int], place: str | None = None, who: str | None = None) -> int:
    with transaction() as session:
        data = validate(ChangeCreate, {"title": title, "barriers": barriers}, "process change")
        actor = resolve_actor(session, who or cast.alder_manager)
        return propose_change(session, actor, place or cast.alder, cast.cohort, data).id


def set_goal(cast: Cast, statement: str, barrier: int, place: str | None = None, who: str | None = None) -> int:
    with transaction() as session:
        data = validate(GoalCreate, {"statement": statement, "barriers": [barrier], "due": DUE}, "goal")
        actor = resolve_actor(session, who or cast.alder_manager)
        return add_goal(session, actor, place or cast.alder, cast.cohort, data)[0].id


def milestone(cast: Cast, goal_id: int, title: str, who: str | None = None, **fields: object) -> int:
    with transaction() as session:
        data = validate(MilestoneCreate, {"title": title, **fields}, "milestone")
        return add_milestone(session, resolve_actor(session, who or cast.alder_manager), goal_id, data).id


@pytest.fixture
def plans(cast: Cast) -> Plans:
    barrier = new_barrier(cast.alder_officer, cast.alder, title="Payment takes 60 to 90 days")
    birch_barrier = new_barrier(cast.birch_officer, cast.birch, title="Insurance out of proportion")
    goal = set_goal(cast, "Pay within 30 days", barrier)
    birch_goal = set_goal(cast, "Right-size insurance", birch_barrier, cast.birch, cast.birch_manager)
    with transaction() as session:
        alder, birch = (row_id(get_team(session, place, cast.cohort)[0]) for place in (cast.alder, cast.birch))
    return Plans(
        alder=alder,
        birch=birch,
        barrier=barrier,
        change=propose(cast, "Pay invoices within 30 days", [barrier]),
        goal=goal,
        milestone=milestone(cast, goal, "Map the invoice steps"),
        birch_change=propose(cast, "Waive insurance", [birch_barrier], cast.birch, cast.birch_manager),
        birch_goal=birch_goal,
        birch_milestone=milestone(cast, birch_goal, "Ask risk management", cast.birch_manager),
    )


def written() -> tuple[int, ...]:
    """How many changes, goals, milestones and history entries there are: a refused post adds none."""
    with transaction() as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (ProcessChange, Goal, Milestone, History)
        )


def posts(p: Plans) -> list[tuple[str, dict[str, str]]]:
    """Every form of Alder's planning pages, filled in as a person would."""
    changes, goal = f"/teams/{p.alder}/changes", f"/teams/{p.alder}/goals/{p.goal}"
    return [
        (changes, {"title": "Advance payments", f"barrier-{p.barrier}": str(p.barrier)}),
        (f"{changes}/{p.change}/score", {"feasibility": "4", "version": "1"}),
        (f"{changes}/{p.change}/carry", {"statement": "Pay fast", "due": DUE.isoformat(), "version": "1"}),
        (f"{changes}/{p.change}/set-aside", {"reason": "The state sets this rule", "version": "1"}),
        (f"/teams/{p.alder}/goals", {"statement": "Pay fast", "barrier": str(p.barrier), "due": DUE.isoformat()}),
        (goal, {"status": "on_track", "version": "1"}),
        (f"{goal}/milestones", {"title": "Draft the policy"}),
        (f"{goal}/milestones/done", {"milestone": str(p.milestone)}),
    ]


def pages(p: Plans) -> list[str]:
    return [
        f"/teams/{p.alder}/changes",
        f"/teams/{p.alder}/changes/{p.change}",
        f"/teams/{p.alder}/goals",
        f"/teams/{p.alder}/goals/{p.goal}",
    ]


def send(site: Site, path: str, data: dict[str, str], page: str | None = None) -> Response:
    """A form posted with the token of the page it is on (the home page's token is the same session's)."""
    form_token = token(site.client.get(page or "/"))
    return site.client.post(path, data={"csrf_token": form_token, **data})


def alert(page: Response) -> str:
    """The text of the page's notices (what went wrong), tags removed."""
    found = re.findall(r'<div class="notice" role="alert">(.*?)</div>', page.text, re.S)
    return " ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)


def words(page: Response) -> str:
    """The page's text as a person reads it: tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page.text).split())


def ranking_titles(page: Response) -> list[str]:
    return re.findall(r'<a href="/teams/\d+/changes/\d+">([^<]*)</a>', page.text)


# --- who may see and send what ------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in_from_every_page_and_form(cast: Cast, site: Site, plans: Plans) -> None:
    for path in pages(plans):
        answer = site.client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next=%2Fteams"), path
    before = written()
    for path, data in posts(plans):
        answer = send(site, path, data, "/sign-in")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in"), path
    assert written() == before


def test_another_jurisdictions_manager_is_refused_every_page_and_form(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.birch_manager)
    for path in pages(plans):
        refused = site.client.get(path)
        assert refused.status_code == 403, path
        assert "may not see the team of Alder County" in refused.text
        assert "Pay invoices within 30 days" not in refused.text
    before = written()
    for path, data in posts(plans):
        assert send(site, path, data).status_code == 403, path
    assert written() == before


def test_a_form_without_its_token_is_refused_and_nothing_is_written(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_manager)
    before = written()
    for path, data in posts(plans):
        refused = site.client.post(path, data=data)
        assert refused.status_code == 403, path
        assert "sent without its security token" in refused.text
    assert written() == before


def test_an_executive_reads_the_plans_without_forms_and_their_posts_are_refused(
    cast: Cast, site: Site, plans: Plans
) -> None:
    site.sign_in(cast.alder_exec)
    for path in pages(plans):
        page = site.client.get(path)
        assert page.status_code == 200, path
        assert 'method="post" action="/teams' not in page.text  # reading only: no forms
    before = written()
    for path, data in posts(plans):
        refused = send(site, path, data)
        assert refused.status_code == 403, path
        assert cast.alder_exec in refused.text and "may not" in refused.text
    assert written() == before


def test_the_procurement_officer_writes_plans_as_the_services_allow(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_officer)
    assert "Propose a change" in site.client.get(f"/teams/{plans.alder}/changes").text
    done = send(site, f"/teams/{plans.alder}/changes/{plans.change}/score", {"equity_impact": "5", "version": "1"})
    assert done.status_code == 303
    with transaction() as session:
        assert get_change(session, resolve_actor(session, cast.admin), plans.change).equity_impact == 5


def test_a_change_goal_or_milestone_of_birch_is_not_found_under_alders_team(
    cast: Cast, site: Site, plans: Plans
) -> None:
    site.sign_in(cast.alder_manager)
    for path in (
        f"/teams/{plans.alder}/changes/{plans.birch_change}",
        f"/teams/{plans.alder}/goals/{plans.birch_goal}",
        f"/teams/{plans.alder}/goals/999999",
    ):
        missing = site.client.get(path)
        assert missing.status_code == 404, path
        assert "Insurance" not in missing.text and "insurance" not in missing.text
    before = written()
    changes, goals = f"/teams/{plans.alder}/changes", f"/teams/{plans.alder}/goals"
    for path, data in (
        (f"{changes}/{plans.birch_change}/score", {"feasibility": "4"}),
        (f"{changes}/{plans.birch_change}/set-aside", {"reason": "not ours"}),
        (f"{goals}/{plans.birch_goal}", {"status": "at_risk"}),
        (f"{goals}/{plans.birch_goal}/milestones", {"title": "Sneak one in"}),
        (f"{goals}/{plans.goal}/milestones/done", {"milestone": str(plans.birch_milestone)}),
    ):
        assert send(site, path, data).status_code == 404, path
    assert written() == before
    # Birch's own team page of Birch's goal is still refused to Alder's manager, not hidden behind a 404
    assert site.client.get(f"/teams/{plans.birch}/goals/{plans.birch_goal}").status_code == 403


# --- candidate changes ----------------------------------------------------------------------------------


def test_a_proposed_change_is_stored_and_listed_with_its_barriers(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_manager)
    other = new_barrier(cast.alder_officer, cast.alder, title="Forms only in English")
    done = send(
        site,
        f"/teams/{plans.alder}/changes",
        {
            "title": "Translate the bid forms",
            "description": "Spanish and Vietnamese first.",
            f"barrier-{plans.barrier}": str(plans.barrier),
            f"barrier-{other}": str(other),
        },
    )
    assert done.status_code == 303
    change_id = int(done.headers["location"].rsplit("/", 1)[1])
    assert done.headers["location"] == f"/teams/{plans.alder}/changes/{change_id}"
    with transaction() as session:
        stored = get_change(session, resolve_actor(session, cast.admin), change_id)
    assert (stored.title, stored.description, stored.barriers) == (
        "Translate the bid forms",
        "Spanish and Vietnamese first.",
        sorted([plans.barrier, other]),
    )
    page = site.client.get(f"/teams/{plans.alder}/changes")
    assert ranking_titles(page) == ["Pay invoices within 30 days", "Translate the bid forms"]
    assert "2 changes, 0 ranked" in page.text
    assert f'<a href="/barriers/{other}">Forms only in English</a>' in page.text
    assert "Still to score: equity impact, feasibility, time to effect, community input" in page.text


def test_a_change_without_a_barrier_is_refused_with_the_text_kept(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_manager)
    before = written()
    refused = send(site, f"/teams/{plans.alder}/changes", {"title": "Advance payments", "description": "Half up front"})
    assert refused.status_code == 400
    assert "Barriers: name at least one barrier this change removes" in alert(refused)
    assert 'value="Advance payments"' in refused.text and ">Half up front</textarea>" in refused.text
    assert written() == before


def test_scoring_reorders_the_ranking_as_the_service_ranks(cast: Cast, site: Site, plans: Plans) -> None:
    second = propose(cast, "Advance payments", [plans.barrier])
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        for change_id, value in ((plans.change, 3), (second, 4)):
            given: dict[str, object] = dict.fromkeys(CRITERIA, value)
            score_change(session, actor, change_id, validate(ChangeScores, given, "score"))
    site.sign_in(cast.alder_manager)
    assert ranking_titles(site.client.get(f"/teams/{plans.alder}/changes")) == [
        "Advance payments",
        "Pay invoices within 30 days",
    ]
    scores = {"equity_impact": "5", "feasibility": "5", "time_to_effect": "5", "community_input": "4", "version": "2"}
    done = send(site, f"/teams/{plans.alder}/changes/{plans.change}/score", {**scores, "note": "after the session"})
    assert done.status_code == 303 and done.headers["location"] == f"/teams/{plans.alder}/changes/{plans.change}"
    page = site.client.get(f"/teams/{plans.alder}/changes")
    assert ranking_titles(page) == ["Pay invoices within 30 days", "Advance payments"]
    with transaction() as session:
        ranked = ranked_changes(session, resolve_actor(session, cast.admin), cast.alder, cast.cohort)
    assert [(c.title, c.rank, c.total) for c in ranked] == [
        ("Pay invoices within 30 days", 1, 19),
        ("Advance payments", 2, 16),
    ]
    change = site.client.get(f"/teams/{plans.alder}/changes/{plans.change}")
    assert "1 (total 19 of 20)" in change.text
    assert "Equity impact" in change.text and "(after the session)" in change.text


def test_a_stale_score_is_refused_saying_who_changed_it_and_the_choices_are_kept(
    cast: Cast, site: Site, plans: Plans
) -> None:
    site.sign_in(cast.alder_manager)
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        score_change(session, actor, plans.change, validate(ChangeScores, {"feasibility": 2}, "score"), 1)
    stale = send(
        site,
        f"/teams/{plans.alder}/changes/{plans.change}/score",
        {"feasibility": "5", "note": "the state allows it", "version": "1"},
    )
    assert stale.status_code == 409
    assert f"was changed since you read version 1: by {cast.alder_officer}" in alert(stale)
    assert ">the state allows it</textarea>" in stale.text
    assert '<option value="5" selected>' in stale.text
    with transaction() as session:
        assert get_change(session, resolve_actor(session, cast.admin), plans.change).feasibility == 2


def test_carrying_a_change_sets_a_goal_and_the_change_says_so(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_manager)
    form = {
        "statement": "Pay community organizations within 30 days",
        "due": DUE.isoformat(),
        "measure": "Median days from invoice to payment",
        "baseline": "62",
        "target": "30",
        "unit": "days",
        "version": "1",
    }
    late = send(site, f"/teams/{plans.alder}/changes/{plans.change}/carry", {**form, "due": "2020-01-01"})
    assert late.status_code == 400
    assert "Due date: 2020-01-01 is in the past" in alert(late)
    assert ">Pay community organizations within 30 days</textarea>" in late.text and 'value="62"' in late.text
    done = send(site, f"/teams/{plans.alder}/changes/{plans.change}/carry", form)
    assert done.status_code == 303
    goal_id = int(done.headers["location"].rsplit("/", 1)[1])
    with transaction() as session:
        goal = get_goal(session, resolve_actor(session, cast.admin), goal_id)
    assert (goal.statement, goal.barriers, goal.baseline, goal.target) == (
        "Pay community organizations within 30 days",
        [plans.barrier],
        "62",
        "30",
    )
    change = site.client.get(f"/teams/{plans.alder}/changes/{plans.change}")
    assert f'Carried into <a href="/teams/{plans.alder}/goals/{goal_id}">goal {goal_id}</a>' in change.text
    assert f'action="/teams/{plans.alder}/changes/{plans.change}/carry"' not in change.text
    listed = site.client.get(f"/teams/{plans.alder}/changes")
    assert f'Carried into <a href="/teams/{plans.alder}/goals/{goal_id}">goal {goal_id}</a>' in listed.text
    again = send(site, f"/teams/{plans.alder}/changes/{plans.change}/carry", {**form, "version": "2"})
    assert again.status_code == 409 and f"already carried into goal {goal_id}" in alert(again)


def test_setting_aside_needs_a_reason_and_keeps_it_in_the_history(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_manager)
    path = f"/teams/{plans.alder}/changes/{plans.change}/set-aside"
    before = written()
    refused = send(site, path, {"reason": "   ", "version": "1"})
    assert refused.status_code == 400
    assert "setting a change aside needs a reason" in alert(refused)
    assert 'id="reason" name="reason" rows="2" required>   </textarea>' in refused.text  # what was typed, kept
    assert written() == before
    done = send(site, path, {"reason": "The state sets this rule", "version": "1"})
    assert done.status_code == 303
    page = site.client.get(f"/teams/{plans.alder}/changes/{plans.change}")
    assert "Not ranked: set aside" in page.text
    assert "Status from “Candidate” to “Set aside” (The state sets this rule)" in words(page)
    again = send(site, path, {"reason": "Still the state's rule", "version": "2"})
    assert again.status_code == 409 and "is already set aside; nothing was changed" in alert(again)


def test_a_title_with_markup_shows_as_text(cast: Cast, site: Site, plans: Plans) -> None:
    propose(cast, "<script>alert(1)</script>", [plans.barrier])
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/teams/{plans.alder}/changes")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_ranking_is_paginated(cast: Cast, site: Site, plans: Plans) -> None:
    for n in range(25):
        propose(cast, f"Change number {n:02d}", [plans.barrier])
    site.sign_in(cast.alder_manager)
    first = site.client.get(f"/teams/{plans.alder}/changes")
    assert len(ranking_titles(first)) == 25 and "page 1 of 2" in first.text
    assert f'href="/teams/{plans.alder}/changes?page=2" rel="next"' in first.text
    second = site.client.get(f"/teams/{plans.alder}/changes?page=2")
    assert ranking_titles(second) == ["Change number 24"]


# --- goals and milestones -------------------------------------------------------------------------------


def test_a_goal_is_set_given_milestones_and_one_marked_done(cast: Cast, site: Site, plans: Plans) -> None:
    site.sign_in(cast.alder_officer)
    goals = f"/teams/{plans.alder}/goals"
    refused = send(site, goals, {"statement": "Publish forecasts", "barrier": "", "due": DUE.isoformat()})
    assert refused.status_code == 400
    assert "Barriers: link at least one barrier that this goal removes" in alert(refused)
    assert ">Publish forecasts</textarea>" in refused.text and f'value="{DUE.isoformat()}"' in refused.text
    done = send(
        site,
        goals,
        {
            "statement": "Publish a contracting forecast",
            "barrier": str(plans.barrier),
            "due": DUE.isoformat(),
            "indicator-leadership.policy": "leadership.policy",
        },
    )
    assert done.status_code == 303
    goal_id = int(done.headers["location"].rsplit("/", 1)[1])
    page = site.client.get(f"{goals}/{goal_id}")
    assert "Publish a contracting forecast" in page.text and "Still to do" in page.text  # not measurable yet
    assert "Equity goals for contracting and procurement are written into department policy." in page.text
    for title, due in (("Draft the forecast", (TODAY + timedelta(days=30)).isoformat()), ("Post it online", "")):
        added = send(site, f"{goals}/{goal_id}/milestones", {"title": title, "due": due})
        assert added.status_code == 303 and added.headers["location"] == f"{goals}/{goal_id}"
    with transaction() as session:
        [first, _] = get_goal(session, resolve_actor(session, cast.admin), goal_id).milestones
    future = send(site, f"{goals}/{goal_id}/milestones/done", {"milestone": str(first.id), "on": "2999-01-01"})
    assert future.status_code == 400
    assert "Done on: a milestone is marked done on or after the day it was done" in alert(future)
    today = utcnow().date()  # the site's today, not the day the module loaded (the suite may cross midnight)
    marked = send(site, f"{goals}/{goal_id}/milestones/done", {"milestone": str(first.id), "note": "on time"})
    assert marked.status_code == 303
    page = site.client.get(f"{goals}/{goal_id}")
    assert f"Done on {today.isoformat()}" in page.text and "1 of 2 done" in page.text
    assert "Milestone done" in page.text and "(on time)" in page.text
    listed = site.client.get(goals)
    assert "1 of 2 done" in listed.text and f"Done {today.isoformat()}:" in listed.text


def test_an_overdue_milestone_says_so_in_words(cast: Cast, site: Site, plans: Plans) -> None:
    milestone(cast, plans.goal, "Ask finance", due=TODAY - timedelta(days=3))
    site.sign_in(cast.alder_exec)
    page = site.client.get(f"/teams/{plans.alder}/goals/{plans.goal}")
    assert f"<strong>Overdue</strong>: was due {(TODAY - timedelta(days=3)).isoformat()}" in page.text
    assert "Not done; no due date" in page.text  # "Map the invoice steps" has none


def test_a_goal_update_is_saved_refused_without_a_reason_and_stale_with_the_text_kept(
    cast: Cast, site: Site, plans: Plans
) -> None:
    site.sign_in(cast.alder_manager)
    path = f"/teams/{plans.alder}/goals/{plans.goal}"
    form = {"status": "not_started", "statement": "Pay within 30 days", "due": DUE.isoformat(), "unit": ""}
    form |= {"owner": cast.alder_manager, "measure": "", "baseline": "", "target": ""}
    measured = {**form, "measure": "Median days to pay", "baseline": "62", "target": "30", "unit": "days"}
    done = send(site, path, {**measured, "status": "on_track", "value": "46", "version": "1"})
    assert done.status_code == 303
    page = site.client.get(path)
    assert "On track" in page.text and "50% of the way to the target" in page.text
    before = written()
    dropped = send(site, path, {**measured, "status": "dropped", "note": "", "version": "2"})
    assert dropped.status_code == 400 and "Dropping a goal needs a reason" in alert(dropped)
    assert '<option value="dropped" selected>' in dropped.text
    stale = send(site, path, {**measured, "status": "at_risk", "note": "the vendor is late", "version": "1"})
    assert stale.status_code == 409 and "was changed since you read version 1" in alert(stale)
    assert ">the vendor is late</textarea>" in stale.text and '<option value="at_risk" selected>' in stale.text
    assert written() == before
