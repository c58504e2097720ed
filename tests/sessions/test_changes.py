"""Candidate process changes (session 3): proposed against the team's barriers, scored 1-5 with
history and version checks, ranked (ties by equity impact, feasibility, id), set aside with a
reason, carried into a goal once; and the `accelerator change` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from assessment.cohorts.people import resolve_actor
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.shapes import validate
from assessment.goals.models import Goal, GoalPublic
from assessment.goals.service import get_goal
from assessment.sessions.changes import (
    ChangePublic,
    carry_change,
    get_change,
    propose_change,
    ranked_changes,
    score_change,
    set_aside,
)
from assessment.sessions.shapes import ChangeCarry, ChangeCreate, ChangeScores
from tests.barriers.helpers import new_barrier
from tests.cli import run_cli
from tests.conftest import Cast

DUE = utcnow().date() + timedelta(days=150)


def propose(cast: Cast, title: str, barriers: list[int], who: str | None = None, place: str | None = None) -> int:
    with transaction() as session:
        data = validate(ChangeCreate, {"title": title, "barriers": barriers}, "process change")
        actor = resolve_actor(session, who or cast.alder_officer)
        return propose_change(session, actor, place or cast.alder, cast.cohort, data).id


def score(
    cast: Cast, change_id: int, version: int | None = None, who: str | None = None, note: str = "", **scores: Any
) -> ChangePublic:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_officer)
        shown, _ = score_change(session, actor, change_id, validate(ChangeScores, scores, "score"), version, note)
        return shown


def scored(cast: Cast, title: str, barriers: list[int], e: int, f: int, t: int, c: int) -> int:
    change_id = propose(cast, title, barriers)
    score(cast, change_id, equity_impact=e, feasibility=f, time_to_effect=t, community_input=c)
    return change_id


def ranking(cast: Cast, who: str | None = None) -> list[ChangePublic]:
    with transaction() as session:
        return ranked_changes(session, resolve_actor(session, who or cast.alder_exec), cast.alder, cast.cohort)


def carry(
    cast: Cast, change_id: int, who: str | None = None, version: int | None = None, **fields: Any
) -> tuple[ChangePublic, GoalPublic, list[str]]:
    with transaction() as session:
        data = validate(ChangeCarry, {"due": DUE, **fields}, "goal")
        return carry_change(session, resolve_actor(session, who or cast.alder_manager), change_id, data, version)


def goals() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(Goal)).one()


def changes_of(change_id: int) -> list[tuple[str, str | None, str | None, str, str]]:
    with transaction() as session:
        return [(e.field, e.old, e.new, e.actor, e.note) for e in history.entries(session, "process_change", change_id)]


def test_a_proposed_change_reads_back_unscored_with_its_barriers_and_their_community_input(cast: Cast) -> None:
    first = new_barrier(cast.alder_officer, cast.alder, title="Late payment")
    second = new_barrier(cast.alder_officer, cast.alder)
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        for barriers in ([first], [first, second]):  # the second input speaks to both: counted once
            data = validate(InputCreate, {"source": "listening_session", "held_on": date(2026, 4, 2)}, "input")
            add_input(session, actor, cast.alder, data.model_copy(update={"barriers": barriers}))
    change_id = propose(cast, "Pay invoices within 30 days", [second, first])
    [shown] = ranking(cast)
    assert shown.model_dump(mode="json", include={"id", "title", "version", "status", "barriers"}) == {
        "id": change_id,
        "title": "Pay invoices within 30 days",
        "version": 1,
        "status": "candidate",
        "barriers": [first, second],
    }
    assert (shown.rank, shown.total, shown.community_inputs, shown.jurisdiction) == (None, None, 2, cast.alder)
    assert shown.missing == ["equity impact", "feasibility", "time to effect", "community input"]
    assert changes_of(change_id) == [
        ("created", None, "Pay invoices within 30 days", cast.alder_officer, ""),
        ("barriers", None, f"{second}, {first}", cast.alder_officer, ""),
    ]


def test_barriers_must_be_the_teams_own_and_named(cast: Cast) -> None:
    birch = new_barrier(cast.birch_officer, cast.birch)
    with pytest.raises(ValidationFailed) as refused:
        propose(cast, "Advance payments", [birch, 999])
    assert [(p.location, p.message) for p in refused.value.problems] == [
        ("barriers", f"barrier {birch} belongs to another jurisdiction."),
        ("barriers", "no barrier with id 999."),
    ]
    assert 'accelerator barrier list --jurisdiction "Alder County"' in str(refused.value)
    with pytest.raises(ValidationFailed, match="barriers: name at least one barrier this change removes"):
        propose(cast, "Advance payments", [])
    assert ranking(cast) == []


def test_an_officer_of_birch_cannot_propose_for_alder_and_an_executive_reads_but_cannot_score(cast: Cast) -> None:
    barrier = new_barrier(cast.alder_officer, cast.alder)
    with pytest.raises(PermissionDenied, match="may not propose process changes for Alder County"):
        propose(cast, "Advance payments", [barrier], who=cast.birch_officer)
    change_id = propose(cast, "Advance payments", [barrier], who=cast.alder_manager)
    assert [c.id for c in ranking(cast, cast.alder_exec)] == [change_id]
    assert [c.id for c in ranking(cast, cast.lead)] == [change_id]
    with pytest.raises(PermissionDenied, match=f"{cast.alder_exec} may not change the process changes of Alder"):
        score(cast, change_id, who=cast.alder_exec, feasibility=3)
    with pytest.raises(PermissionDenied):
        score(cast, change_id, who=cast.birch_manager, feasibility=3)
    with pytest.raises(PermissionDenied):
        ranking(cast, cast.birch_officer)
    with pytest.raises(PermissionDenied):
        carry(cast, change_id, who=cast.alder_exec)
    assert goals() == 0


@pytest.mark.parametrize("bad", [0, 6, "high", 2.5])
def test_a_score_outside_1_to_5_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate(ChangeScores, {"feasibility": 4, "time_to_effect": bad}, "score")
    [problem] = refused.value.problems
    assert problem.location == "time_to_effect"


def test_scores_0_and_6_are_refused_by_field_and_nothing_is_saved(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate(ChangeScores, {"equity_impact": 0, "community_input": 6}, "score")
    assert [str(p) for p in refused.value.problems] == [
        "equity_impact: 0 is not a score; use a whole number from 1 to 5",
        "community_input: 6 is not a score; use a whole number from 1 to 5",
    ]
    with pytest.raises(ValidationFailed, match="give at least one score"):
        validate(ChangeScores, {}, "score")
    assert validate(ChangeScores, {"feasibility": "4"}, "score").changes() == {"feasibility": 4}


def test_scores_are_versioned_with_history_and_a_stale_version_is_refused(cast: Cast) -> None:
    change_id = propose(cast, "Advance payments", [new_barrier(cast.alder_officer, cast.alder)])
    first = score(cast, change_id, 1, note="after the listening session", equity_impact=4, feasibility=3)
    assert (first.version, first.equity_impact, first.feasibility, first.missing) == (
        2,
        4,
        3,
        ["time to effect", "community input"],
    )
    same = score(cast, change_id, who=cast.alder_manager, feasibility=3)
    assert same.version == 2  # nothing changed, nothing written
    with pytest.raises(
        Conflict, match=f"Change {change_id} was changed since you read version 1: by {cast.alder_officer}"
    ):
        score(cast, change_id, 1, who=cast.alder_manager, feasibility=5)
    done = score(cast, change_id, 2, who=cast.alder_manager, feasibility=5, time_to_effect=2, community_input=4)
    assert (done.version, done.total, done.rank, done.missing) == (3, 15, 1, [])
    assert changes_of(change_id)[2:] == [
        ("equity_impact", None, "4", cast.alder_officer, "after the listening session"),
        ("feasibility", None, "3", cast.alder_officer, "after the listening session"),
        ("feasibility", "3", "5", cast.alder_manager, ""),
        ("time_to_effect", None, "2", cast.alder_manager, ""),
        ("community_input", None, "4", cast.alder_manager, ""),
    ]


def test_ranked_by_total_then_equity_impact_then_feasibility_then_id(cast: Cast) -> None:
    barrier = new_barrier(cast.alder_officer, cast.alder)
    best = scored(cast, "Best", [barrier], 5, 5, 5, 5)  # 20
    b = scored(cast, "B", [barrier], 4, 4, 4, 4)  # 16, equity 4, feasibility 4
    c = scored(cast, "C", [barrier], 5, 3, 4, 4)  # 16, equity 5
    d = scored(cast, "D", [barrier], 4, 5, 4, 3)  # 16, equity 4, feasibility 5
    e = scored(cast, "E", [barrier], 4, 5, 3, 4)  # 16, ties D on all three: the older first
    partly = propose(cast, "Partly scored", [barrier])
    score(cast, partly, equity_impact=5, feasibility=5)
    unscored = propose(cast, "Unscored", [barrier])
    aside = scored(cast, "Set aside", [barrier], 5, 5, 5, 5)
    with transaction() as session:
        set_aside(session, resolve_actor(session, cast.alder_manager), aside, "The state sets this rule")
    shown = ranking(cast)
    assert [(x.id, x.rank, x.total) for x in shown] == [
        (best, 1, 20),
        (c, 2, 16),
        (d, 3, 16),
        (e, 4, 16),
        (b, 5, 16),
        (partly, None, None),
        (unscored, None, None),
        (aside, None, 20),
    ]
    assert shown[5].missing == ["time to effect", "community input"]
    assert (shown[-1].status, shown[-1].status_label) == ("set_aside", "Set aside")
    with transaction() as session:
        assert get_change(session, resolve_actor(session, cast.lead), d).rank == 3


def test_carrying_makes_a_linked_goal_once(cast: Cast) -> None:
    barriers = [new_barrier(cast.alder_officer, cast.alder), new_barrier(cast.alder_officer, cast.alder)]
    change_id = scored(cast, "Pay community organizations within 30 days", barriers, 5, 4, 4, 3)
    shown, goal, warnings = carry(cast, change_id)
    assert (shown.status, shown.goal_id, shown.version, shown.rank) == ("carried", goal.id, 3, 1)
    assert (goal.statement, goal.barriers, goal.owner, goal.due) == (
        "Pay community organizations within 30 days",
        barriers,
        cast.alder_manager,
        DUE,
    )
    assert warnings and "no measure, baseline, target yet" in warnings[0]
    assert changes_of(change_id)[-2:] == [
        ("status", "candidate", "carried", cast.alder_manager, f"carried into goal {goal.id}"),
        ("goal", None, str(goal.id), cast.alder_manager, f"carried into goal {goal.id}"),
    ]
    with pytest.raises(Conflict, match=f"Change {change_id} was already carried into goal {goal.id}; nothing"):
        carry(cast, change_id)
    with pytest.raises(ValidationFailed, match=f"status: the change was carried into goal {goal.id} and stays"):
        with transaction() as session:
            set_aside(session, resolve_actor(session, cast.alder_manager), change_id, "changed our minds")
    assert goals() == 1


def test_a_carried_goal_takes_the_statement_owner_and_measure_given(cast: Cast) -> None:
    change_id = propose(cast, "Advance payments", [new_barrier(cast.alder_officer, cast.alder)])
    _, goal, warnings = carry(
        cast,
        change_id,
        who=cast.alder_officer,
        statement="Offer a 25% advance on every contract under $250,000",
        owner=cast.alder_manager,
        measure="Share of small contracts with an advance",
        baseline="0",
        target="80",
        unit="%",
    )
    assert warnings == []
    with transaction() as session:
        stored = get_goal(session, resolve_actor(session, cast.alder_exec), goal.id)
    assert (stored.statement, stored.owner, stored.baseline, stored.target, stored.unit) == (
        "Offer a 25% advance on every contract under $250,000",
        cast.alder_manager,
        "0",
        "80",
        "%",
    )


def test_a_refused_carry_saves_neither_goal_nor_change(cast: Cast) -> None:
    change_id = propose(cast, "Advance payments", [new_barrier(cast.alder_officer, cast.alder)])
    with pytest.raises(ValidationFailed, match="owner: nobody with the email ghost@example.org is registered"):
        carry(cast, change_id, owner="ghost@example.org")
    with pytest.raises(ValidationFailed, match="target: equals the baseline"):
        carry(cast, change_id, baseline="3", target="3")
    with pytest.raises(Conflict, match="has no version 4"):
        carry(cast, change_id, version=4)
    with pytest.raises(ValidationFailed) as past:
        validate(ChangeCarry, {"due": utcnow().date() - timedelta(days=1)}, "goal")
    assert [p.location for p in past.value.problems] == ["due"]
    assert goals() == 0
    [shown] = ranking(cast)
    assert (shown.status, shown.goal_id, shown.version) == ("candidate", None, 1)


def test_setting_aside_needs_a_reason_kept_in_the_history(cast: Cast) -> None:
    change_id = propose(cast, "Advance payments", [new_barrier(cast.alder_officer, cast.alder)])
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_officer)
        with pytest.raises(ValidationFailed, match="reason: setting a change aside needs a reason"):
            set_aside(session, actor, change_id, "  ")
        shown = set_aside(session, actor, change_id, "The state controls this rule", expected_version=1)
    assert (shown.status, shown.version, shown.rank) == ("set_aside", 2, None)
    assert changes_of(change_id)[-1] == (
        "status",
        "candidate",
        "set_aside",
        cast.alder_officer,
        "The state controls this rule",
    )
    with transaction() as session:
        with pytest.raises(Conflict, match=f"Change {change_id} is already set aside"):
            set_aside(session, resolve_actor(session, cast.alder_officer), change_id, "again")
        with pytest.raises(PermissionDenied):
            set_aside(session, resolve_actor(session, cast.alder_exec), change_id, "again")
    # the team may still change its mind and carry it
    carried, goal, _ = carry(cast, change_id)
    assert (carried.status, carried.goal_id) == ("carried", goal.id)


def test_change_commands_in_the_documented_forms(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    barrier = new_barrier(cast.alder_officer, cast.alder)
    where = ["--jurisdiction", cast.alder, "--cohort", cast.cohort]
    officer = ["--actor", cast.alder_officer]
    added = run_cli(
        capsys, *officer, "change", "add", *where, "--title", "Pay within 30 days", "--barrier", str(barrier), "--json"
    )
    assert added.code == 0, added.err
    first = str(added.json()["id"])
    assert (added.json()["status"], added.json()["version"]) == ("candidate", 1)
    second = run_cli(
        capsys, *officer, "change", "add", *where, "--title", "Advance payments", "--barrier", str(barrier)
    )
    assert second.code == 0, second.err
    assert "Not ranked yet: still to score equity impact, feasibility, time to effect, community input" in second.out

    bad = run_cli(capsys, *officer, "change", "score", first, "--equity-impact", "0", "--feasibility", "6")
    assert bad.code == 2
    assert "equity_impact: 0 is not a score" in bad.err and "feasibility: 6 is not a score" in bad.err
    nothing = run_cli(capsys, *officer, "change", "score", first)
    assert nothing.code == 2 and "--equity-impact" in nothing.err

    scores = ["--equity-impact", "5", "--feasibility", "4", "--time-to-effect", "3", "--community-input", "4"]
    done = run_cli(capsys, *officer, "change", "score", first, *scores, "--expected-version", "1", "--json")
    assert done.code == 0, done.err
    assert (done.json()["total"], done.json()["rank"], done.json()["version"]) == (16, 1, 2)
    stale = run_cli(
        capsys, "--actor", cast.alder_manager, "change", "score", first, "--feasibility", "2", "--expected-version", "1"
    )
    assert stale.code == 5 and cast.alder_officer in stale.err
    executive = run_cli(capsys, "--actor", cast.alder_exec, "change", "score", first, "--feasibility", "2")
    assert executive.code == 3 and "procurement officer of Alder County" in executive.err
    birch = run_cli(
        capsys, "--actor", cast.birch_officer, "change", "add", *where, "--title", "X", "--barrier", str(barrier)
    )
    assert birch.code == 3

    table = run_cli(capsys, "--actor", cast.alder_exec, "change", "list", *where)
    assert table.code == 0, table.err
    for heading in (
        "Rank",
        "Equity",
        "Feasibility",
        "Community",
        "Status",
        "Pay within 30",
        "Advance payments",
        "Candidate",
    ):
        assert heading in table.out
    other = second.out.split()[1]  # "Change 2 (version 1, Candidate): ..."
    assert f"Change {other} is not ranked yet" in table.out
    listing = run_cli(capsys, "--actor", cast.alder_exec, "change", "list", *where, "--json").json()
    assert [(c["title"], c["rank"], c["total"]) for c in listing] == [
        ("Pay within 30 days", 1, 16),
        ("Advance payments", None, None),
    ]

    carried = run_cli(
        capsys, "--actor", cast.alder_manager, "change", "carry", first, "--due", DUE.isoformat(), "--json"
    )
    assert carried.code == 0, carried.err
    goal = carried.json()["goal"]
    assert (goal["statement"], goal["barriers"]) == ("Pay within 30 days", [barrier])
    assert (carried.json()["change"]["status"], carried.json()["change"]["goal_id"]) == ("carried", goal["id"])
    twice = run_cli(capsys, "--actor", cast.alder_manager, "change", "carry", first, "--due", DUE.isoformat())
    assert twice.code == 5 and f"already carried into goal {goal['id']}" in twice.err

    no_reason = run_cli(capsys, *officer, "change", "set-aside", other)
    assert no_reason.code == 2 and "--reason" in no_reason.err
    aside = run_cli(capsys, *officer, "change", "set-aside", other, "--reason", "Needs a state law change")
    assert aside.code == 0, aside.err
    assert f"Change {other} is set aside (version 2)" in aside.out
    unknown = run_cli(capsys, *officer, "change", "set-aside", "999", "--reason", "x")
    assert unknown.code == 4 and "accelerator change list" in unknown.err
