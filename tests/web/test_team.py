"""The team page: the teams a person may open, a team's roster with session 1's roster check, its nine
sessions as the board service gives them, and the journey's pending pause with the form answering it
(on a real Prefect server: a journey run suspended with the journey's own form)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from uuid import UUID

import pytest

from accelerator.web.team import answer_fields, answer_of
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import list_teams
from assessment.core.db import transaction
from assessment.sessions.service import board
from tests.conftest import Cast
from tests.web.conftest import Site, token


def team_id(cast: Cast, place: str) -> int:
    with transaction() as session:
        teams = list_teams(session, resolve_actor(session, cast.admin))
    return next(t.id for t in teams if t.jurisdiction == place)


def text_of(html: str) -> str:
    """The page's text as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- who may open what ---------------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    for path in ("/team", f"/teams/{alder}"):
        page = site.client.get(path)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    sent = site.client.post(f"/teams/{alder}/journey", data={"csrf_token": token(site.client.get("/sign-in"))})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/sign-in")


def test_another_jurisdictions_manager_is_refused(cast: Cast, site: Site) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.birch_manager)
    assert site.client.get(f"/teams/{alder}").status_code == 403
    sent = site.client.post(f"/teams/{alder}/journey", data={"csrf_token": site.token(), "run": "x", "pause": "y"})
    assert sent.status_code == 403
    assert site.client.get("/teams/999999").status_code == 404


def test_a_form_sent_without_its_token_is_refused(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    sent = site.client.post(f"/teams/{team_id(cast, cast.alder)}/journey", data={"attendees": "a@x.org"})
    assert sent.status_code == 403
    assert "without its security token" in sent.text


def test_one_team_opens_at_once_and_several_are_listed_to_choose(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    page = site.client.get("/team")
    assert page.status_code == 303 and page.headers["location"] == f"/teams/{team_id(cast, cast.alder)}"

    site.sign_in(cast.lead)
    page = site.client.get("/team")
    assert page.status_code == 200
    assert f'<a href="/teams/{team_id(cast, cast.birch)}">Birch City</a>' in page.text
    assert f'<a href="/teams/{team_id(cast, cast.alder)}">Alder County</a>' in page.text


def test_someone_on_no_team_is_told_who_can_enroll_them(cast: Cast, site: Site) -> None:
    site.sign_in(cast.outsider)
    page = site.client.get("/team")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "You are not on any team yet" in said
    assert "An alliance lead, an equity program manager or an admin can enroll your jurisdiction" in said


# --- the team page -------------------------------------------------------------------------------------


def test_the_page_shows_the_roster_gaps_and_each_session_as_the_board_gives_it(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/teams/{team_id(cast, cast.alder)}")
    assert page.status_code == 200
    said = text_of(page.text)
    # Alder County has a manager, an officer and an executive: finance is missing
    assert "✗ Missing : finance" in said
    for role in ("executive lead", "equity program manager", "procurement officer"):
        assert f"✓ Covered : {role}" in said
    assert 'accelerator person add EMAIL --name "..." --role ROLE --jurisdiction "Alder County"' in said
    for name, email in (("Nguyễn Thị Hồng", cast.alder_manager), ("Pat Officer", cast.alder_officer)):
        assert f"{name} {email}" in said
    assert cast.birch_manager not in said

    with transaction() as session:
        progress = board(session, resolve_actor(session, cast.alder_manager), cast.cohort, cast.alder).teams[0]
    label = {"done": "✓ Done", "ready": "→ Ready", "blocked": "✗ Blocked"}
    for s in progress.sessions:
        row = f"{s.number}. {s.title} {label[s.state]}"
        assert text_of(row) in said
        for reason in s.reasons:
            assert text_of(reason.replace("`", "")) in said  # commands are shown as code
    assert text_of(progress.next_step[1:].replace("`", "")) in said
    assert "<code>accelerator assessment run --jurisdiction" in page.text  # a command reads as code, not backticks
    assert '<a href="/cohorts/1/recommendation">' in page.text


def test_an_officer_sees_the_sessions_but_not_the_people(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_officer)
    page = site.client.get(f"/teams/{team_id(cast, cast.alder)}")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "✗ Missing : finance" in said
    assert f"{cast.alder_officer} may not see the people of Alder County" in said
    assert cast.alder_exec not in said


def test_without_a_prefect_server_the_page_says_what_to_start(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    said = text_of(site.client.get(f"/teams/{team_id(cast, cast.alder)}").text)
    assert (
        "No Prefect server is running, so the team’s journey cannot be shown: start one with accelerator server "
        "start , then accelerator serve , and start the journey with accelerator journey start --jurisdiction "
        '"Alder County" --cohort "2026 Test Cohort" .'
    ) in said


# --- the journey's form, from its RunInput model ---------------------------------------------------------------


def schema_of(shape: type[Any], initial: dict[str, Any] | None = None) -> dict[str, Any]:
    """The schema Prefect keeps beside a suspended run's form (the journey's ``form`` of ``shape``)."""
    from prefect._internal.pydantic.v2_schema import create_v2_schema

    from flows.journey import form

    filled = form(shape, "asked", initial or {})
    schema: dict[str, Any] = create_v2_schema(filled.__name__, model_base=filled)
    return schema


def test_the_form_has_an_input_per_field_of_the_journeys_question() -> None:
    from flows.journey import HeldSession, Recheck

    held = {f.name: f for f in answer_fields(schema_of(HeldSession, {"attendees": ["a@x.org", "b@x.org"]}))}
    assert [(f.kind, f.value) for f in held.values()] == [("lines", "a@x.org\nb@x.org"), ("date", ""), ("text", "")]
    assert held["attendees"].help == "Emails of the members who attended."
    [stop] = answer_fields(schema_of(Recheck))
    assert (stop.kind, stop.checked, stop.label) == ("checkbox", False, "Stop")


def test_the_answer_is_read_one_item_per_line_and_checked_as_prefect_checks_it() -> None:
    from flows.journey import CarriedBarriers, HeldSession, Recheck

    schema = schema_of(CarriedBarriers)
    answer, problems = answer_of(answer_fields(schema), {"barrier_ids": " 3\n\n12 \n"}, schema)
    assert (answer, problems) == ({"barrier_ids": [3, 12]}, [])
    _, problems = answer_of(answer_fields(schema), {"barrier_ids": "3\nthe permits one"}, schema)
    assert problems == ["Barrier Ids, line 2: 'the permits one' is not a whole number."]

    schema = schema_of(HeldSession)
    posted = {"attendees": "a@x.org", "held_on": "31/03/2026", "notes": "Good talk"}
    _, problems = answer_of(answer_fields(schema), posted, schema)
    assert problems == ["Held On: '31/03/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31."]
    posted["held_on"] = ""
    assert answer_of(answer_fields(schema), posted, schema) == (
        {"attendees": ["a@x.org"], "held_on": None, "notes": "Good talk"},
        [],
    )

    schema = schema_of(Recheck)
    assert answer_of(answer_fields(schema), {"stop": "yes"}, schema) == ({"stop": True}, [])
    assert answer_of(answer_fields(schema), {}, schema) == ({"stop": False}, [])


@dataclass
class Waiting:
    run_id: UUID
    response_key: str


@pytest.fixture
def suspended(cast: Cast, monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> Iterator[Waiting]:
    """Alder County's journey run on the test's Prefect server, suspended at session 1 with the journey's
    own question (who attended), as `accelerator serve` leaves it; the web app knows the server."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import State
    from prefect.input.run_input import keyset_from_paused_state
    from prefect.settings import get_current_settings
    from prefect.states import Running, Suspended

    from flows.journey import HeldSession, accelerator_journey, form

    url = get_current_settings().api.url
    assert url
    monkeypatch.setenv("PREFECT_API_URL", url)
    question = form(
        HeldSession,
        "## Session 1: Understanding Equity in C&P. Was it held?\n\nConfirm who attended.\n\n- Team roster\n",
        {"attendees": [cast.alder_manager, cast.alder_officer]},
    )
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow(accelerator_journey)
        deployment_id = client.create_deployment(flow_id, "web-test")
        run = client.create_flow_run_from_deployment(
            deployment_id, parameters={"jurisdiction": cast.alder, "cohort": cast.cohort}
        )
        client.set_flow_run_state(run.id, Running(), force=True)
        # as `suspend_flow_run` does inside the run (from outside, Prefect 3.8 forgets the run's id for the form)
        asking: State[Any] = Suspended(pause_key="session-1-held-1")
        keys = keyset_from_paused_state(asking)
        asking.state_details.run_input_keyset = {str(k): v for k, v in keys.items()}
        assert client.set_flow_run_state(run.id, asking).state.is_paused()  # type: ignore[union-attr]
        question.save(keys, flow_run_id=run.id)
        yield Waiting(run.id, keys["response"])
        client.delete_flow_run(run.id)


def run_state(suspended: Waiting) -> tuple[bool, Any]:
    """Whether the run still waits, and the answer it was given (None before one)."""
    from prefect.client.orchestration import get_client

    from accelerator.journeys import run_input

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(suspended.run_id)
        return run.state is not None and run.state.is_paused(), run_input(client, run, suspended.response_key)


def test_a_suspended_journey_shows_its_question_and_takes_a_checked_answer(
    cast: Cast, site: Site, suspended: Waiting
) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    page = site.client.get(f"/teams/{alder}")
    said = text_of(page.text)
    assert "waits for the team at session 1" in said
    assert "Session 1: Understanding Equity in C&P. Was it held? Confirm who attended. Team roster" in said
    assert f"{cast.alder_manager}\n{cast.alder_officer}</textarea>" in page.text
    assert '<input type="date" id="answer-held_on" name="held_on" value=""' in page.text
    form = {"csrf_token": token(page), "run": str(suspended.run_id), "pause": "session-1-held-1"}

    # a date Prefect would let through, and the journey would then fail on: refused here, the answer kept
    refused = site.client.post(
        f"/teams/{alder}/journey", data={**form, "attendees": cast.alder_manager, "held_on": "31/3", "notes": "¡Sí!"}
    )
    assert refused.status_code == 400
    assert "Held On: &#39;31/3&#39; is not a date" in refused.text
    assert 'name="held_on" value="31/3"' in refused.text and "¡Sí!</textarea>" in refused.text
    assert run_state(suspended) == (True, None)

    sent = site.client.post(
        f"/teams/{alder}/journey",
        data={**form, "attendees": f"{cast.alder_manager}\r\n\r\n{cast.alder_exec}\r\n", "held_on": "2026-03-02"},
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/teams/{alder}?answered=1#journey"
    waits, given = run_state(suspended)
    assert not waits
    assert given == {"attendees": [cast.alder_manager, cast.alder_exec], "held_on": "2026-03-02", "notes": ""}

    # the page read before the answer is stale now: nothing more is sent
    again = site.client.post(f"/teams/{alder}/journey", data={**form, "attendees": cast.alder_manager})
    assert again.status_code == 409
    assert "The journey no longer waits for this answer" in again.text


def test_only_who_may_run_the_sessions_gets_the_form(cast: Cast, site: Site, suspended: Waiting) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_officer)
    page = site.client.get(f"/teams/{alder}")
    said = text_of(page.text)
    assert "waits for the team at session 1" in said
    assert "Only an equity program manager of Alder County, an alliance lead or an admin can answer it." in said
    assert 'action="/teams/' + str(alder) + '/journey"' not in page.text
    form = {"csrf_token": token(page), "run": str(suspended.run_id), "pause": "session-1-held-1"}
    sent = site.client.post(f"/teams/{alder}/journey", data={**form, "attendees": cast.alder_officer})
    assert sent.status_code == 403
    assert run_state(suspended) == (True, None)


def test_a_blocked_session_links_to_the_page_where_its_missing_work_is_done(cast: Cast, site: Site) -> None:
    site.sign_in(cast.alder_manager)
    team = team_id(cast, cast.alder)
    page = site.client.get(f"/teams/{team}").text
    # session 2 waits for the baseline self-assessment: scored on the self-assessment page
    second = page.split('team-session">2. ', 1)[1].split('team-session">3. ', 1)[0]
    assert f'Do it here: <a href="/teams/{team}/assessment">Self-assessment</a>.' in second
    assert page.count("Do it here:") >= 3  # sessions 2, 4 (goals), 5 and later (data, roadmap) too


def test_every_check_linked_to_a_page_is_a_check_of_the_sequence() -> None:
    from accelerator.web.team import PAGES_OF_CHECKS
    from assessment.sessions.facts import FACTS

    assert set(PAGES_OF_CHECKS) <= set(FACTS)
