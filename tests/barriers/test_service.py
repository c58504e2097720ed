"""The barrier inventory: permissions, what is stored and shown, history and version checks,
on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session

from assessment.barriers.service import barrier_history, get_barrier, list_barriers, update_barrier
from assessment.barriers.shapes import BarrierUpdate
from assessment.cohorts.people import resolve_actor
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core.db import get_engine, transaction
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.history import entries
from assessment.core.shapes import validate
from tests.barriers.helpers import INSURANCE, change, new_barrier, read, snapshot
from tests.conftest import Cast

# --- permissions ------------------------------------------------------------------------------------

WHO = [  # who, may create and change, may read
    ("alder_officer", True, True),
    ("alder_manager", True, True),
    ("alder_exec", False, True),
    ("birch_officer", False, False),
    ("lead", False, True),
    ("outsider", False, False),
    ("admin", True, True),
]


@pytest.mark.parametrize(("who", "may_write", "may_read"), WHO)
def test_who_may_create_change_and_read_barriers(cast: Cast, who: str, may_write: bool, may_read: bool) -> None:
    email = getattr(cast, who)
    existing = new_barrier(cast.alder_officer, cast.alder)
    if may_write:
        created = new_barrier(email, cast.alder, title="Wet signatures on every form")
        assert read(email, created)["created_by"] == email
        assert change(email, existing, 1, severity=5).version == 2
    else:
        with pytest.raises(PermissionDenied) as refused:
            new_barrier(email, cast.alder)
        assert str(refused.value) == (
            f"{email} may not record barriers of Alder County. Only a procurement officer of Alder County, "
            "an equity program manager of Alder County or an admin may."
        )
        with pytest.raises(PermissionDenied, match="may not change the barriers of Alder County"):
            change(email, existing, 1, severity=5)
    with transaction() as session:
        actor = resolve_actor(session, email)
        if may_read:
            assert get_barrier(session, actor, existing).id == existing
            assert next(b.id for b in list_barriers(session, actor, cast.alder)) == existing
            assert barrier_history(session, actor, existing)[0].field == "created"
        else:
            for attempt in (
                lambda: get_barrier(session, actor, existing),
                lambda: list_barriers(session, actor, cast.alder),
                lambda: barrier_history(session, actor, existing),
            ):
                with pytest.raises(PermissionDenied, match="an executive lead of Alder County, an alliance lead"):
                    attempt()
    assert snapshot()[0][0][1] == (2 if may_write else 1)


def test_listing_every_jurisdiction_shows_only_what_the_reader_may_see(cast: Cast) -> None:
    alder = new_barrier(cast.alder_officer, cast.alder)
    birch = new_barrier(cast.birch_officer, cast.birch, category="Payment & cash flow", stage="invoicing_payment")
    with transaction() as session:
        assert [b.id for b in list_barriers(session, resolve_actor(session, cast.lead), None)] == [alder, birch]
        assert [b.id for b in list_barriers(session, resolve_actor(session, cast.alder_exec), None)] == [alder]
        lead = resolve_actor(session, cast.lead)
        assert [b.id for b in list_barriers(session, lead, None, category="payment_cash_flow")] == [birch]
        assert [b.id for b in list_barriers(session, lead, None, status="Identified")] == [alder, birch]
        with pytest.raises(ValidationFailed, match="'done' is not a barrier status"):
            list_barriers(session, lead, None, status="done")
        assert [b.id for b in list_barriers(session, lead, None, stage="invoicing_payment")] == [birch]


# --- what is stored and shown -----------------------------------------------------------------------


def test_a_recorded_barrier_reads_back_with_labels(cast: Cast) -> None:
    barrier_id = new_barrier(
        cast.alder_officer,
        cast.alder,
        category="Insurance & bonding",
        stage="Contracting",
        controller="County or city",
        severity="4",
        owner=cast.alder_manager,
    )
    shown = read(cast.alder_exec, barrier_id)
    assert {
        k: shown[k]
        for k in (
            "id",
            "version",
            "status",
            "status_label",
            "jurisdiction",
            "category",
            "category_label",
            "stage",
            "stage_label",
            "controller",
            "controller_label",
            "severity",
            "owner",
            "indicators",
            "inputs",
        )
    } == {
        "id": barrier_id,
        "version": 1,
        "status": "identified",
        "status_label": "Identified",
        "jurisdiction": "Alder County",
        "category": "insurance_bonding",
        "category_label": "Insurance & bonding",
        "stage": "contracting",
        "stage_label": "Contracting",
        "controller": "county_city",
        "controller_label": "County or city",
        "severity": 4,
        "owner": cast.alder_manager,
        "indicators": ["terms.insurance"],
        "inputs": [],
    }


def test_invalid_fields_are_listed_by_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        new_barrier(
            cast.alder_officer,
            cast.alder,
            title=" ",
            category="paperwork",
            stage="contracting",
            severity=9,
            indicators=["terms.insurance", "terms.nonsense"],
            owner="nobody@example.org",
        )
    problems = {p.location: p.message for p in refused.value.problems}
    assert set(problems) == {"title", "category", "severity", "indicators.1"}
    assert problems["severity"] == "9 is not a severity; use a whole number from 1 (minor) to 5 (severe)"
    assert "not an indicator of the self-assessment rubric" in problems["indicators.1"]
    with pytest.raises(ValidationFailed, match="owner: nobody with the email nobody@example.org is registered"):
        new_barrier(cast.alder_officer, cast.alder, owner="nobody@example.org")
    assert snapshot()[0] == []


def test_an_update_may_clear_optional_fields_but_not_required_ones(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder, owner=cast.alder_manager)
    with pytest.raises(ValidationFailed) as refused:
        change(cast.alder_officer, barrier_id, 1, title=None, stage=None)
    assert [(p.location, p.message) for p in refused.value.problems] == [
        ("title", "cannot be emptied; give a value or leave the field out"),
        ("stage", "cannot be emptied; give a value or leave the field out"),
    ]
    cleared = change(cast.alder_officer, barrier_id, 1, controller="", severity=None, owner=None)
    assert (cleared.controller, cleared.severity, cleared.owner, cleared.version) == (None, None, None, 2)


# --- history ----------------------------------------------------------------------------------------


def test_history_lists_every_change_in_order_and_cannot_be_rewritten(cast: Cast) -> None:
    from sqlalchemy.exc import DBAPIError

    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    change(
        cast.alder_officer,
        barrier_id,
        1,
        "clearer after the listening session",
        title="Insurance limits scaled to construction risk",
        severity=5,
    )
    change(cast.alder_manager, barrier_id, 2, status="analyzing", owner=cast.alder_officer)
    change(cast.alder_officer, barrier_id, 3, "waiting for risk management's new schedule", status="Deferred")
    with transaction() as session:
        shown = [
            (e.field, e.old, e.new, e.actor, e.note)
            for e in barrier_history(session, resolve_actor(session, cast.lead), barrier_id)
        ]
    assert shown == [
        ("created", None, INSURANCE["title"], cast.alder_officer, ""),
        (
            "title",
            INSURANCE["title"],
            "Insurance limits scaled to construction risk",
            cast.alder_officer,
            "clearer after the listening session",
        ),
        ("severity", "4", "5", cast.alder_officer, "clearer after the listening session"),
        ("owner", None, cast.alder_officer, cast.alder_manager, ""),
        ("status", "identified", "analyzing", cast.alder_manager, ""),
        ("status", "analyzing", "deferred", cast.alder_officer, "waiting for risk management's new schedule"),
    ]
    assert read(cast.alder_officer, barrier_id)["version"] == 4
    for statement in (
        "UPDATE history SET note = 'rewritten' WHERE entity = 'barrier'",
        "DELETE FROM history WHERE entity = 'barrier'",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with transaction() as session:
                session.connection().execute(text(statement))


# --- versions ---------------------------------------------------------------------------------------


def test_a_stale_update_is_refused_naming_who_changed_it_since(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    read_version = read(cast.alder_officer, barrier_id)["version"]
    change(cast.alder_manager, barrier_id, read_version, severity=2)
    with pytest.raises(Conflict) as refused:
        change(cast.alder_officer, barrier_id, read_version, severity=5, title="Mine")
    message = str(refused.value)
    assert f"Barrier {barrier_id} was changed since you read version 1: by {cast.alder_manager} at " in message
    assert "Nothing was saved; reload it (it is now version 2)" in message
    shown = read(cast.alder_officer, barrier_id)
    assert (shown["severity"], shown["title"], shown["version"]) == (2, INSURANCE["title"], 2)
    with transaction() as session:
        assert [e.actor for e in entries(session, "barrier", barrier_id)] == [cast.alder_officer, cast.alder_manager]


def test_two_sessions_that_read_the_same_version_cannot_both_win(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as first, Session(engine, expire_on_commit=False) as second:
        officer, manager = resolve_actor(first, cast.alder_officer), resolve_actor(second, cast.alder_manager)
        mine, theirs = get_barrier(first, officer, barrier_id), get_barrier(second, manager, barrier_id)
        assert mine.version == theirs.version == 1
        update_barrier(first, officer, barrier_id, BarrierUpdate(title="The officer's title"), 1)
        first.commit()
        # the second session still holds version 1, so only the database's check can stop it
        with pytest.raises(Conflict, match=f"by {cast.alder_officer} at"):
            update_barrier(second, manager, barrier_id, BarrierUpdate(title="The manager's title"), 1)
        second.rollback()
        assert get_barrier(second, manager, barrier_id).version == 2
    shown = read(cast.alder_exec, barrier_id)
    assert (shown["title"], shown["version"], shown["updated_by"]) == ("The officer's title", 2, cast.alder_officer)


def test_concurrent_updates_of_the_same_version_let_exactly_one_win(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def attempt(who: str) -> None:
        start.wait()
        try:
            change(who, barrier_id, 1, title=f"by {who}")
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(who,)) for who in (cast.alder_officer, cast.alder_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"]
    shown = read(cast.alder_exec, barrier_id)
    assert shown["version"] == 2 and shown["title"] == f"by {shown['updated_by']}"


def test_without_an_expected_version_the_latest_write_applies(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    change(cast.alder_manager, barrier_id, 1, severity=2)
    assert change(cast.alder_officer, barrier_id, None, severity=3).version == 3


def test_community_input_links_show_on_the_barrier(cast: Cast) -> None:
    from datetime import date

    from assessment.community.service import link_input

    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        heard = add_input(
            session,
            officer,
            cast.alder,
            validate(InputCreate, {"source": "listening_session", "held_on": date(2026, 6, 4)}, "input"),
        )
        assert link_input(session, officer, heard.id, barrier_id)
    shown = read(cast.alder_officer, barrier_id)
    assert shown["inputs"] == [heard.id] and shown["version"] == 2
