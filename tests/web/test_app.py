"""The web app through a browser's eyes: signing in and out, the session's limits, the form tokens,
the security headers, and the barrier board of the signed-in person's jurisdiction."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from accelerator.web.app import create_app
from assessment.barriers.service import add_barrier, barrier_history, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from tests.conftest import Cast
from tests.web.conftest import PASSWORD, Clock, Site, token


def sign_in(site: Site, email: str, password: str = PASSWORD) -> Response:
    form = site.client.get("/sign-in")
    return site.client.post(
        "/sign-in", data={"csrf_token": token(form), "email": email, "password": password, "next": "/"}
    )


def add(cast: Cast, place: str, title: str, severity: int | None = None, stage: str = "invoicing_payment") -> int:
    with transaction() as session:
        actor = resolve_actor(session, cast.admin)
        data = BarrierCreate(title=title, category="payment_cash_flow", stage=stage, severity=severity)
        return add_barrier(session, actor, place, data).id


def titles(page: Response) -> list[str]:
    return re.findall(r'<a href="/barriers/\d+">([^<]*)</a>', page.text)


def test_signing_in_with_the_right_password_shows_who_you_are(cast: Cast, site: Site) -> None:
    done = sign_in(site, cast.alder_officer)
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = site.client.get("/")
    assert home.status_code == 200
    assert "Welcome, Pat Officer" in home.text
    assert "Procurement officer of Alder County" in home.text
    assert 'href="/barriers"' in home.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(cast: Cast, site: Site) -> None:
    for email, password in ((cast.alder_officer, "not the password!"), ("nobody@example.org", PASSWORD)):
        refused = sign_in(site, email, password)
        assert refused.status_code == 401
        assert "That email and password do not match." in refused.text
    assert site.client.get("/").status_code == 303  # still not signed in


def test_five_failures_block_the_email_for_fifteen_minutes(cast: Cast, site: Site) -> None:
    for _ in range(5):
        assert sign_in(site, cast.alder_officer, "wrong wrong wrong").status_code == 401
    blocked = sign_in(site, cast.alder_officer)  # even the right password, while blocked
    assert blocked.status_code == 429
    assert "Too many failed sign-ins. Wait 15 minutes and try again" in blocked.text
    site.clock.now += 10 * 60
    assert "Wait 5 minutes" in sign_in(site, cast.alder_officer).text
    site.clock.now += 5 * 60 + 1
    assert sign_in(site, cast.alder_officer).status_code == 303


def test_failures_from_one_address_block_it_for_every_email(cast: Cast, site: Site) -> None:
    for n in range(5):
        assert sign_in(site, f"guess{n}@example.org", "wrong wrong wrong").status_code == 401
    assert sign_in(site, cast.birch_officer).status_code == 429


def test_signing_out_ends_the_session(cast: Cast, site: Site) -> None:
    sign_in(site, cast.alder_officer)
    home = site.client.get("/")
    out = site.client.post("/sign-out", data={"csrf_token": token(home)})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert site.client.get("/").status_code == 303


def test_a_page_without_a_session_sends_you_to_sign_in_and_back(cast: Cast, site: Site) -> None:
    sent = site.client.get("/barriers?status=identified")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/sign-in?next=%2Fbarriers%3Fstatus%3Didentified"
    form = site.client.get(sent.headers["location"])
    assert 'name="next" value="/barriers?status=identified"' in form.text
    done = site.client.post(
        "/sign-in",
        data={"csrf_token": token(form), "email": cast.alder_officer, "password": PASSWORD, "next": "//evil.example"},
    )
    assert done.headers["location"] == "/"  # never to another site


def test_a_post_without_the_right_form_token_is_refused(cast: Cast, site: Site) -> None:
    site.client.get("/sign-in")
    for data in ({}, {"csrf_token": "forged"}):
        refused = site.client.post("/sign-in", data={**data, "email": cast.alder_officer, "password": PASSWORD})
        assert refused.status_code == 403
        assert "sent without its security token" in refused.text
    assert site.client.get("/").status_code == 303
    sign_in(site, cast.alder_officer)
    assert site.client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert site.client.get("/").status_code == 200  # still signed in


def test_every_answer_carries_the_security_headers_and_a_locked_cookie(cast: Cast, site: Site) -> None:
    for path in ("/sign-in", "/", "/static/site.css", "/nowhere"):
        answer = site.client.get(path)
        assert answer.headers["content-security-policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'"
        )
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    cookie = site.client.get("/sign-in").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "<script" not in site.client.get("/sign-in").text and "style=" not in site.client.get("/sign-in").text


def test_the_session_ends_after_thirty_idle_minutes(cast: Cast, site: Site) -> None:
    sign_in(site, cast.alder_officer)
    site.clock.now += 29 * 60
    assert site.client.get("/").status_code == 200  # activity renews it
    site.clock.now += 29 * 60
    assert site.client.get("/").status_code == 200
    site.clock.now += 30 * 60 + 1
    ended = site.client.get("/")
    assert ended.status_code == 303 and "expired=1" in ended.headers["location"]
    assert "signed out after 30 minutes without activity" in site.client.get(ended.headers["location"]).text


def test_the_board_shows_only_the_barriers_of_your_jurisdiction(cast: Cast, site: Site) -> None:
    add(cast, cast.alder, "Net-60 payment terms", 4)
    add(cast, cast.birch, "Insurance minimums too high", 5)
    sign_in(site, cast.alder_officer)
    board = site.client.get("/barriers")
    assert titles(board) == ["Net-60 payment terms"]
    assert "1 barrier." in board.text


def test_another_jurisdictions_barrier_page_is_refused(cast: Cast, site: Site) -> None:
    theirs = add(cast, cast.birch, "Insurance minimums too high", 5)
    sign_in(site, cast.alder_officer)
    refused = site.client.get(f"/barriers/{theirs}")
    assert refused.status_code == 403
    assert "Insurance minimums" not in refused.text
    assert "may not read the barriers of Birch City" in refused.text
    assert site.client.get("/barriers/999999").status_code == 404
    assert site.client.get("/barriers/not-a-number").status_code == 404


def test_a_barrier_page_shows_its_facts_and_history(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "Net-60 payment terms", 4)
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        update_barrier(session, actor, mine, BarrierUpdate(status="analyzing"), 1, note="mapping the approvals")
    sign_in(site, cast.alder_officer)
    page = site.client.get(f"/barriers/{mine}")
    assert page.status_code == 200
    assert "<h1>Net-60 payment terms</h1>" in page.text
    assert "officer@alder.example.org: Status" in " ".join(page.text.split())
    assert "to “Analyzing”" in page.text and "(mapping the approvals)" in page.text


def test_a_title_with_markup_is_shown_as_text(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "<script>alert(1)</script>")
    sign_in(site, cast.alder_officer)
    for path in ("/barriers", f"/barriers/{mine}"):
        page = site.client.get(path)
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_board_filters_sorts_by_severity_and_pages_by_25(cast: Cast, site: Site) -> None:
    # 30 barriers at severities 1..5 in turn (six of each), then one at another stage with none
    for n in range(30):
        add(cast, cast.alder, f"Barrier {n:02d}", n % 5 + 1)
    add(cast, cast.alder, "Unrated outreach barrier", None, stage="outreach")
    sign_in(site, cast.alder_officer)

    first = site.client.get("/barriers")
    assert len(titles(first)) == 25 and titles(first)[0] == "Barrier 00"
    assert "31 barriers; page 1 of 2." in first.text
    second = site.client.get("/barriers?page=2")
    assert titles(second) == [
        "Barrier 25",
        "Barrier 26",
        "Barrier 27",
        "Barrier 28",
        "Barrier 29",
        "Unrated outreach barrier",
    ]
    assert 'href="/barriers?page=1"' in second.text and 'rel="next"' not in second.text

    severe = titles(site.client.get("/barriers?sort=severity"))
    # severity 5: barriers 04, 09, ..., 29 (oldest first), then severity 4
    assert severe[:7] == [
        "Barrier 04",
        "Barrier 09",
        "Barrier 14",
        "Barrier 19",
        "Barrier 24",
        "Barrier 29",
        "Barrier 03",
    ]
    last = titles(site.client.get("/barriers?sort=severity&page=2"))
    assert last[-1] == "Unrated outreach barrier"

    staged = site.client.get("/barriers?stage=outreach")
    assert titles(staged) == ["Unrated outreach barrier"]
    assert titles(site.client.get("/barriers?status=resolved")) == []
    bad = site.client.get("/barriers?status=finished")
    assert bad.status_code == 400
    assert "Cannot list barriers with that filter" in bad.text


def test_an_unexpected_error_shows_a_plain_page_with_the_security_headers() -> None:
    app = create_app(clock=Clock(), secret=b"test secret")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal detail: /srv/secret/path")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and "internal detail" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def status_form(site: Site, barrier: int) -> tuple[str, str]:
    """The barrier page's form token and the version it was read at."""
    page = site.client.get(f"/barriers/{barrier}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, page.text
    return token(page), version.group(1)


def test_an_officer_moves_a_barrier_along_and_sees_it_in_the_history(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "Net-60 payment terms", 4)
    sign_in(site, cast.alder_officer)
    page = site.client.get(f"/barriers/{mine}")
    # only the moves the lifecycle allows from "identified", a reason flagged where it is needed
    offered = re.findall(r'<option value="(\w+)"', page.text)
    assert offered == ["analyzing", "deferred", "not_pursued"]
    assert "Deferred (a reason is needed)" in page.text
    form, version = status_form(site, mine)
    moved = site.client.post(
        f"/barriers/{mine}/status",
        data={"csrf_token": form, "version": version, "status": "analyzing", "note": "mapping the approvals"},
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/barriers/{mine}"
    page = site.client.get(f"/barriers/{mine}")
    assert "to “Analyzing”" in page.text and "(mapping the approvals)" in page.text
    assert re.findall(r'<option value="(\w+)"', page.text) == ["action_planned", "deferred", "not_pursued"]


def test_a_move_that_needs_a_reason_is_refused_without_one_and_the_choice_kept(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "Insurance above risk")
    sign_in(site, cast.alder_officer)
    form, version = status_form(site, mine)
    refused = site.client.post(
        f"/barriers/{mine}/status", data={"csrf_token": form, "version": version, "status": "deferred", "note": " "}
    )
    assert refused.status_code == 400
    assert "needs a reason" in refused.text
    assert '<option value="deferred" selected>' in refused.text


def test_a_stale_change_says_what_changed_and_keeps_the_officers_text(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "Reimbursement only")
    sign_in(site, cast.alder_officer)
    form, version = status_form(site, mine)  # read at version 1 ...
    with transaction() as session:  # ... then the program manager moves it on
        manager = resolve_actor(session, cast.alder_manager)
        update_barrier(session, manager, mine, BarrierUpdate(status="analyzing"), 1, note="board asked")
    stale = site.client.post(
        f"/barriers/{mine}/status",
        data={"csrf_token": form, "version": version, "status": "analyzing", "note": "My careful note <b>here</b>"},
    )
    assert stale.status_code == 409
    assert "Changed by someone else" in stale.text and cast.alder_manager in stale.text
    assert "My careful note &lt;b&gt;here&lt;/b&gt;" in stale.text  # kept, as text
    assert 'name="version" value="2"' in stale.text  # the form now carries the version as it is
    with transaction() as session:
        history = barrier_history(session, resolve_actor(session, cast.alder_officer), mine)
    assert [e.note for e in history if e.field == "status"] == ["board asked"]  # the officer's change not applied


def test_a_reader_who_may_not_change_barriers_gets_no_form_and_a_post_is_refused(cast: Cast, site: Site) -> None:
    mine = add(cast, cast.alder, "Wet signatures")
    sign_in(site, cast.alder_exec)  # an executive lead reads barriers but does not change them
    page = site.client.get(f"/barriers/{mine}")
    assert page.status_code == 200 and "Change the status" not in page.text
    refused = site.client.post(
        f"/barriers/{mine}/status", data={"csrf_token": token(page), "version": "1", "status": "analyzing"}
    )
    assert refused.status_code == 403 and "may not" in refused.text
    without_token = site.client.post(f"/barriers/{mine}/status", data={"version": "1", "status": "analyzing"})
    assert without_token.status_code == 403 and "Form refused" in without_token.text


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(cast: Cast, site: Site) -> None:
    from assessment.cohorts.passwords import set_password

    sign_in(site, cast.alder_officer)
    assert site.client.get("/barriers").status_code == 200
    with transaction() as session:
        set_password(session, resolve_actor(session, cast.admin), cast.alder_officer, "a brand new long password")
    gone = site.client.get("/barriers")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/sign-in")
    assert sign_in(site, cast.alder_officer, "a brand new long password").status_code == 303
    assert site.client.get("/barriers").status_code == 200
