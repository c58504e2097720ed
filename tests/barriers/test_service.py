"""The barrier inventory: lifecycle, permissions, history, version checks and the spreadsheet
import's plan and apply, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, func, select

from assessment.barriers import reference
from assessment.barriers.imports import apply_changes, plan_changes
from assessment.barriers.models import Barrier, BarrierPublic
from assessment.barriers.models import BarrierStatus as S
from assessment.barriers.service import add_barrier, barrier_history, get_barrier, list_barriers, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.people import resolve_actor
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core.db import get_engine, make_engine, transaction, upgrade
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.history import History, entries
from assessment.core.shapes import validate
from tests.conftest import BACKENDS, Cast, postgres_schema

INSURANCE: dict[str, Any] = {
    "title": "Insurance limits out of proportion to the work",
    "description": "Every contract asks for $2M general liability, whatever the work.",
    "category": "insurance_bonding",
    "stage": "contracting",
    "controller": "county_city",
    "severity": 4,
    "burden_on": "Small CBOs running community workshops",
    "root_cause": "Risk management applies the construction schedule to every contract.",
    "indicators": ["terms.insurance"],
}


def new_barrier(who: str, place: str, engine: Engine | None = None, **fields: Any) -> int:
    with transaction(engine) as session:
        data = validate(BarrierCreate, {**INSURANCE, **fields}, "barrier")
        return add_barrier(session, resolve_actor(session, who), place, data).id


def change(
    who: str, barrier_id: int, version: int | None, note: str = "", engine: Engine | None = None, **fields: Any
) -> BarrierPublic:
    with transaction(engine) as session:
        changes = validate(BarrierUpdate, fields, "barrier")
        return update_barrier(session, resolve_actor(session, who), barrier_id, changes, version, note)


def read(who: str, barrier_id: int) -> dict[str, Any]:
    with transaction() as session:
        return get_barrier(session, resolve_actor(session, who), barrier_id).model_dump(mode="json")


def snapshot() -> tuple[list[tuple[int | None, int, str]], int]:
    """Every barrier's (id, version, title) and the number of history rows."""
    with transaction() as session:
        barriers = [(b.id, b.version, b.title) for b in session.exec(select(Barrier).order_by(col(Barrier.id)))]
        return barriers, session.exec(select(func.count()).select_from(History)).one()


# --- reference data ---------------------------------------------------------------------------------


def test_reference_lists_load_with_ids_labels_and_levels() -> None:
    assert "insurance_bonding" in reference.category_ids() and len(reference.category_ids()) == 13
    assert reference.stage_ids()[0] == "outreach" and reference.stage_ids()[-1] == "renewal_closeout"
    assert reference.controller_ids() == ["department", "county_city", "state", "federal", "funder"]
    assert reference.category_label("payment_cash_flow") == "Payment & cash flow"
    assert reference.resolve_category("Insurance & Bonding") == "insurance_bonding"


def test_a_broken_reference_file_is_refused_with_its_place(tmp_path: Path) -> None:
    broken = tmp_path / "barrier-categories.yaml"
    broken.write_text("categories:\n  - id: Outreach Notice\n    label: Outreach\n  - id: late_pay\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        reference.categories(broken)
    message = str(refused.value)
    assert "is not valid" in message
    assert "categories[0].id" in message and "categories[1].label: Field required" in message


# --- lifecycle matrix -------------------------------------------------------------------------------

ALLOWED = {
    S.identified: "analyzing, deferred, not pursued",
    S.analyzing: "action planned, deferred, not pursued",
    S.action_planned: "in progress, deferred, not pursued",
    S.in_progress: "resolved, deferred, not pursued",
    S.resolved: "analyzing",
    S.deferred: "analyzing",
    S.not_pursued: "",
}
PATH_TO = {
    S.identified: [],
    S.analyzing: [S.analyzing],
    S.action_planned: [S.analyzing, S.action_planned],
    S.in_progress: [S.analyzing, S.action_planned, S.in_progress],
    S.resolved: [S.analyzing, S.action_planned, S.in_progress, S.resolved],
    S.deferred: [S.deferred],
    S.not_pursued: [S.not_pursued],
}
NEEDS_REASON = {(old, new) for old in S for new in (S.deferred, S.not_pursued) if old.is_open} | {
    (S.resolved, S.analyzing),
    (S.deferred, S.analyzing),
}


@pytest.fixture(scope="module", params=BACKENDS)
def lifecycle_engine(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One database per backend for the whole matrix (each pair gets a barrier of its own):
    42 pairs on two databases would otherwise spend their time migrating."""
    from assessment.cohorts.jurisdictions import add_jurisdiction
    from assessment.cohorts.people import add_person, ensure_admin

    with ExitStack() as stack:
        if request.param == "sqlite":
            path = tmp_path_factory.mktemp("lifecycle") / "lifecycle.db"
            shutil.copy(sqlite_template, path)
            url = f"sqlite:///{path}"
        else:
            url = stack.enter_context(postgres_schema())
            upgrade(url)
        engine = make_engine(url)
        with transaction(engine) as session:
            ensure_admin(session, "admin@example.org")
            actor = resolve_actor(session, "admin@example.org")
            add_jurisdiction(session, actor, "Alder County")
            add_person(
                session, actor, "officer@alder.example.org", "Pat Officer", "procurement_officer", "Alder County"
            )
        yield engine
        engine.dispose()


@pytest.mark.parametrize(("old", "new"), [(old, new) for old in S for new in S if old != new], ids=lambda s: s.value)
def test_only_the_listed_status_moves_are_allowed(lifecycle_engine: Engine, old: S, new: S) -> None:
    officer = "officer@alder.example.org"
    barrier_id = new_barrier(officer, "Alder County", lifecycle_engine)
    for version, step in enumerate(PATH_TO[old], start=1):
        change(officer, barrier_id, version, "reason on the way", lifecycle_engine, status=step)
    version = len(PATH_TO[old]) + 1
    allowed = [s for s in S if s.label.lower() in ALLOWED[old].split(", ")]
    if new in allowed:
        if (old, new) in NEEDS_REASON:
            with pytest.raises(ValidationFailed, match="needs a reason; add a note saying why"):
                change(officer, barrier_id, version, "", lifecycle_engine, status=new)
        moved = change(officer, barrier_id, version, "the team decided", lifecycle_engine, status=new)
        assert (moved.status, moved.version) == (new.value, version + 1)
        return
    with pytest.raises(ValidationFailed) as refused:
        change(officer, barrier_id, version, "a reason", lifecycle_engine, status=new)
    if ALLOWED[old]:
        assert f"A barrier that is {old.label.lower()} can move to: {ALLOWED[old]}." in str(refused.value)
    else:
        assert "is closed and cannot move" in str(refused.value)
    with transaction(lifecycle_engine) as session:
        unchanged = session.get(Barrier, barrier_id)
        assert unchanged is not None
        assert (unchanged.status, unchanged.version) == (old.value, version)


def test_the_refusal_reads_as_the_issue_asks(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    with pytest.raises(ValidationFailed) as refused:
        change(cast.alder_officer, barrier_id, 1, status="Resolved")
    assert str(refused.value).splitlines()[1] == (
        "  - status: A barrier cannot move from identified to resolved. "
        "A barrier that is identified can move to: analyzing, deferred, not pursued."
    )


def test_setting_the_same_status_changes_nothing(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    same = change(cast.alder_officer, barrier_id, 1, status="identified", title=INSURANCE["title"])
    assert same.version == 1
    with transaction() as session:
        assert [e.field for e in entries(session, "barrier", barrier_id)] == ["created"]


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


# --- spreadsheet import -----------------------------------------------------------------------------


def exported(who: str, place: str) -> list[dict[str, Any]]:
    """The inventory as a spreadsheet round trip would give it back: one dict of cells per row."""
    with transaction() as session:
        actor = resolve_actor(session, who)
        rows = [b.model_dump(mode="json") for b in list_barriers(session, actor, place)]
    return [
        {**row, "row": n, "indicators": ", ".join(row["indicators"]), "inputs": ""}
        for n, row in enumerate(rows, start=2)
    ]


def test_import_preview_lists_old_and_new_and_apply_changes_them(cast: Cast) -> None:
    first = new_barrier(cast.alder_officer, cast.alder)
    second = new_barrier(
        cast.alder_officer,
        cast.alder,
        title="Reimbursement only",
        category="payment_cash_flow",
        stage="invoicing_payment",
        severity=5,
    )
    rows = exported(cast.alder_officer, cast.alder)
    rows[0].update(severity="3", status="Analyzing", owner=cast.alder_manager)
    rows[1].update(status="deferred", note="wait for the new fiscal year", severity=5.0)
    rows.append(
        {
            "row": 4,
            "title": "Forms must be notarized",
            "category": "Solicitation complexity",
            "stage": "application",
            "severity": 3.0,
            "indicators": "solicitation.plain_language",
        }
    )
    with transaction() as session:
        plan = plan_changes(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
    assert [(p.row, p.barrier_id, p.field, p.old, p.new) for p in plan] == [
        (2, first, "severity", "4", "3"),
        (2, first, "owner", None, cast.alder_manager),
        (2, first, "status", "identified", "analyzing"),
        (3, second, "status", "identified", "deferred"),
        (4, None, "title", None, "Forms must be notarized"),
        (4, None, "category", None, "solicitation_complexity"),
        (4, None, "stage", None, "application"),
        (4, None, "severity", None, "3"),
        (4, None, "indicators", None, "solicitation.plain_language"),
    ]
    assert snapshot()[0] == [(first, 1, INSURANCE["title"]), (second, 1, "Reimbursement only")]
    with transaction() as session:
        touched = apply_changes(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
    assert [b.id for b in touched][:2] == [first, second] and len(touched) == 3
    after = {b["id"]: b for b in (read(cast.alder_officer, b.id) for b in touched)}
    assert (after[first]["version"], after[first]["status"], after[first]["severity"]) == (2, "analyzing", 3)
    assert (after[second]["version"], after[second]["status"]) == (2, "deferred")
    assert after[touched[2].id]["category"] == "solicitation_complexity"


def test_a_bad_row_in_the_middle_changes_nothing_and_every_problem_is_listed(cast: Cast) -> None:
    first = new_barrier(cast.alder_officer, cast.alder)
    second = new_barrier(cast.alder_officer, cast.alder, title="Reimbursement only")
    third = new_barrier(cast.alder_officer, cast.alder, title="Monthly reports")
    birch = new_barrier(cast.birch_officer, cast.birch, title="Birch's own")
    rows = exported(cast.alder_officer, cast.alder)
    change(cast.alder_manager, third, 1, severity=1)  # after the export
    rows[0].update(severity=2)
    rows[1].update(category="paperwork", status="Resolved", severity="3.5")
    rows[2].update(title="Quarterly reports")
    rows.append({"row": 5, "id": birch, "version": 1, "severity": 1})
    rows.append({"row": 6, "id": 999, "version": 1, "title": "Ghost"})
    rows.append({"row": 7, "title": "No category"})
    before = snapshot()
    for attempt in (plan_changes, apply_changes):
        with pytest.raises(ValidationFailed) as refused:
            with transaction() as session:
                attempt(session, resolve_actor(session, cast.alder_officer), rows, jurisdiction=cast.alder)
        problems = [(p.location, p.message) for p in refused.value.problems]
        assert [location for location, _ in problems] == [
            "row 3, column category",
            "row 3, column severity",
            "row 4, column version",
            "row 5",
            "row 6, column id",
            "row 7, column category",
            "row 7, column stage",
        ]
        assert "nothing was changed" in refused.value.summary
        messages = dict(problems)
        assert messages["row 4, column version"].startswith(
            f"barrier {third} was changed since you read version 1: by {cast.alder_manager} at"
        )
        assert messages["row 5"] == f"{cast.alder_officer} may not change the barriers of Birch City"
        assert snapshot() == before
    rows[1].update(category="insurance_bonding", severity=3)
    with pytest.raises(ValidationFailed) as refused, transaction() as session:
        plan_changes(session, resolve_actor(session, cast.alder_officer), rows[:2])
    assert [(p.location, p.message) for p in refused.value.problems] == [
        (
            "row 3, column status",
            (
                "A barrier cannot move from identified to resolved. "
                "A barrier that is identified can move to: analyzing, deferred, not pursued."
            ),
        )
    ]
    assert snapshot() == before
    assert first and second


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
