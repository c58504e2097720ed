"""The barrier reference lists and the lifecycle matrix, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine

from assessment.barriers import reference
from assessment.barriers.models import Barrier
from assessment.barriers.models import BarrierStatus as S
from assessment.cohorts.people import resolve_actor
from assessment.core.db import make_engine, transaction, upgrade
from assessment.core.errors import ValidationFailed
from assessment.core.history import entries
from tests.barriers.helpers import INSURANCE, change, new_barrier
from tests.conftest import BACKENDS, Cast, postgres_schema

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
