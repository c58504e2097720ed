"""Saving a versioned record while someone else saves it: a change that names no version applies
to the latest one (and says when it replaced someone's value); one that names a version is refused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from assessment.barriers.service import update_barrier
from assessment.barriers.shapes import BarrierUpdate
from assessment.cohorts.people import resolve_actor
from assessment.core import versioned
from assessment.core.db import transaction
from assessment.core.errors import Conflict, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.history import entries
from assessment.core.shapes import validate
from assessment.goals.service import add_goal, get_goal, update_goal
from assessment.goals.shapes import GoalCreate, GoalUpdate
from tests.barriers.helpers import INSURANCE, change, new_barrier, read
from tests.cli import run_cli
from tests.conftest import Cast


def race(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], object]) -> None:
    """Make ``meanwhile`` (another person's change, committed in a transaction of its own) happen
    after the next update read the record and before it writes."""
    real = versioned.save_versioned
    pending = [meanwhile]

    def racing(*args: Any, **kwargs: Any) -> bool:
        if pending:
            pending.pop()()
        return real(*args, **kwargs)

    monkeypatch.setattr(versioned, "save_versioned", racing)


def update(who: str, barrier_id: int, version: int | None, note: str = "", **fields: Any) -> list[str]:
    """Change a barrier as ``who``; the notices the person is shown."""
    with transaction() as session:
        changes = validate(BarrierUpdate, fields, "barrier")
        _, notices = update_barrier(session, resolve_actor(session, who), barrier_id, changes, version, note)
        return notices


def changes_of(barrier_id: int) -> list[tuple[str, str, str | None, str | None]]:
    with transaction() as session:
        return [(e.actor, e.field, e.old, e.new) for e in entries(session, "barrier", barrier_id)]


def test_a_change_of_another_field_meanwhile_is_kept_beside_mine_without_a_notice(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2))
    notices = update(cast.alder_officer, barrier_id, None, title="Insurance asks too much")
    assert notices == []
    shown = read(cast.alder_exec, barrier_id)
    assert (shown["title"], shown["severity"], shown["version"]) == ("Insurance asks too much", 2, 3)
    assert changes_of(barrier_id) == [
        (cast.alder_officer, "created", None, INSURANCE["title"]),
        (cast.alder_manager, "severity", "4", "2"),
        (cast.alder_officer, "title", INSURANCE["title"], "Insurance asks too much"),
    ]


def test_replacing_a_value_saved_meanwhile_says_who_saved_it(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2))
    notices = update(cast.alder_officer, barrier_id, None, severity=5, title="Insurance asks too much")
    assert notices == [
        f"Barrier {barrier_id}'s severity was changed by {cast.alder_manager} while you were saving; "
        "your value replaced it (now version 3)."
    ]
    shown = read(cast.alder_exec, barrier_id)
    assert (shown["severity"], shown["title"], shown["version"]) == (5, "Insurance asks too much", 3)
    assert changes_of(barrier_id)[1:] == [
        (cast.alder_manager, "severity", "4", "2"),
        (cast.alder_officer, "title", INSURANCE["title"], "Insurance asks too much"),
        (cast.alder_officer, "severity", "2", "5"),
    ]


def test_several_replaced_fields_are_named_together(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2, root_cause="Habit"))
    notices = update(cast.alder_officer, barrier_id, None, severity=5, root_cause="An old schedule")
    assert notices == [
        f"Barrier {barrier_id}'s severity and root cause were changed by {cast.alder_manager} while you were "
        "saving; your values replaced them (now version 3)."
    ]


def test_the_same_value_saved_meanwhile_changes_nothing_more(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2))
    assert update(cast.alder_officer, barrier_id, None, severity=2) == []
    assert read(cast.alder_exec, barrier_id)["version"] == 2
    assert len(changes_of(barrier_id)) == 2


def test_a_change_against_the_version_read_is_still_refused(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2))
    with pytest.raises(Conflict) as refused:
        update(cast.alder_officer, barrier_id, 1, title="Insurance asks too much")
    message = str(refused.value)
    assert f"Barrier {barrier_id} was changed since you read version 1: by {cast.alder_manager} at " in message
    assert "Nothing was saved; reload it (it is now version 2)" in message
    shown = read(cast.alder_exec, barrier_id)
    assert (shown["title"], shown["severity"], shown["version"]) == (INSURANCE["title"], 2, 2)
    assert len(changes_of(barrier_id)) == 2


def test_the_lifecycle_is_checked_again_against_the_latest_status(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(
        monkeypatch,
        lambda: change(cast.alder_manager, barrier_id, None, "the state took it over", status="not_pursued"),
    )
    with pytest.raises(ValidationFailed, match="not pursued is closed and cannot move to another status"):
        update(cast.alder_officer, barrier_id, None, status="analyzing")
    shown = read(cast.alder_exec, barrier_id)
    assert (shown["status"], shown["version"]) == ("not_pursued", 2)


def test_a_record_that_never_stops_changing_is_left_to_try_again(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    monkeypatch.setattr(versioned, "save_versioned", lambda *args, **kwargs: False)  # every attempt loses
    with pytest.raises(Conflict) as refused:
        update(cast.alder_officer, barrier_id, None, severity=5)
    assert str(refused.value) == (
        f"Barrier {barrier_id} kept changing while you were saving ({versioned.ATTEMPTS} other changes came first); "
        "nothing was saved. Try again in a moment."
    )
    assert read(cast.alder_exec, barrier_id)["version"] == 1
    assert len(changes_of(barrier_id)) == 1


def test_concurrent_changes_without_a_version_all_land(cast: Cast) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    wanted: dict[str, Any] = {
        "title": "Insurance asks too much",
        "description": "Two million dollars of cover for a workshop.",
        "category": "payment_cash_flow",
        "controller": "state",
        "severity": 2,
        "burden_on": "Youth programs",
        "root_cause": "An old schedule",
        "owner": cast.alder_officer,
    }
    start = threading.Barrier(len(wanted))
    failures: list[Exception] = []
    notices: list[str] = []

    def save(number: int, name: str, value: Any) -> None:
        who = cast.alder_officer if number % 2 else cast.alder_manager
        try:
            start.wait(timeout=30)
            notices.extend(update(who, barrier_id, None, **{name: value}))
        except Exception as exc:  # reported by the assertion below, whatever it is
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(n, *item)) for n, item in enumerate(wanted.items())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and notices == []
    shown = read(cast.alder_exec, barrier_id)
    assert shown["version"] == 1 + len(wanted)
    assert {name: shown[name] for name in wanted} == wanted
    assert sorted(field for _, field, _, _ in changes_of(barrier_id)[1:]) == sorted(wanted)


def new_goal(cast: Cast) -> int:
    data = validate(
        GoalCreate,
        {
            "statement": "Pay community organizations within 30 days of a correct invoice",
            "measure": "Median days from invoice to payment",
            "baseline": "62",
            "target": 30,
            "unit": "days",
            "due": utcnow().date() + timedelta(days=180),
            "indicators": ["payment.prompt_payment"],
            "barriers": [new_barrier(cast.alder_officer, cast.alder)],
        },
        "goal",
    )
    with transaction() as session:
        goal, _ = add_goal(session, resolve_actor(session, cast.alder_manager), cast.alder, cast.cohort, data)
        return goal.id


def change_goal(cast: Cast, who: str, goal_id: int, **fields: Any) -> list[str]:
    with transaction() as session:
        changes = validate(GoalUpdate, fields, "goal")
        _, warnings = update_goal(session, resolve_actor(session, who), goal_id, changes, None)
        return warnings


def test_a_goal_change_that_replaced_a_value_warns(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    goal_id = new_goal(cast)
    race(monkeypatch, lambda: change_goal(cast, cast.alder_officer, goal_id, target=25))
    warnings = change_goal(cast, cast.alder_manager, goal_id, target=20)
    assert warnings == [
        f"Goal {goal_id}'s target was changed by {cast.alder_officer} while you were saving; "
        "your value replaced it (now version 3)."
    ]
    with transaction() as session:
        goal = get_goal(session, resolve_actor(session, cast.alder_exec), goal_id)
    assert (goal.target, goal.version) == ("20", 3)


def test_barrier_update_prints_the_notice(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    barrier_id = new_barrier(cast.alder_officer, cast.alder)
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=2))
    shown = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "update", str(barrier_id), "--severity", "5")
    assert shown.code == 0, shown.err
    assert (
        f"Warning: Barrier {barrier_id}'s severity was changed by {cast.alder_manager} while you were saving; "
        "your value replaced it (now version 3)."
    ) in " ".join(shown.err.split())
    assert f"Barrier {barrier_id} is now version 3" in shown.out
    race(monkeypatch, lambda: change(cast.alder_manager, barrier_id, None, severity=1))
    as_json = run_cli(
        capsys, "--actor", cast.alder_officer, "barrier", "update", str(barrier_id), "--severity", "4", "--json"
    ).json()
    assert (as_json["severity"], as_json["version"]) == (4, 5)
    assert as_json["warnings"] == [
        f"Barrier {barrier_id}'s severity was changed by {cast.alder_manager} while you were saving; "
        "your value replaced it (now version 5)."
    ]


def test_goal_update_prints_the_notice_in_json_too(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    goal_id = new_goal(cast)
    race(monkeypatch, lambda: change_goal(cast, cast.alder_officer, goal_id, unit="working days"))
    as_json = run_cli(
        capsys, "--actor", cast.alder_manager, "goal", "update", str(goal_id), "--unit", "calendar days", "--json"
    ).json()
    assert (as_json["unit"], as_json["version"]) == ("calendar days", 3)
    assert as_json["warnings"] == [
        f"Goal {goal_id}'s unit was changed by {cast.alder_officer} while you were saving; "
        "your value replaced it (now version 3)."
    ]
