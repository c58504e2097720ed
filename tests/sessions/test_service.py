"""The sessions' readiness, the session record (written once, updated on a re-run) and the cohort
board, on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from assessment.barriers.service import add_barrier
from assessment.barriers.shapes import BarrierCreate
from assessment.cohorts.people import add_person, resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied, ValidationFailed
from assessment.core.history import History
from assessment.sessions.models import SessionRecord
from assessment.sessions.service import board, readiness, record_session, require_ready
from tests.cli import run_cli
from tests.conftest import Cast


def add_barrier_to(cast: Cast, place: str, **fields: object) -> int:
    with transaction() as session:
        data = BarrierCreate.model_validate(
            {"title": "Late payment", "category": "payment_cash_flow", "stage": "invoicing_payment", **fields}
        )
        return add_barrier(
            session,
            resolve_actor(session, cast.alder_officer if place == cast.alder else cast.birch_officer),
            place,
            data,
        ).id


def records() -> list[tuple[int, int, int]]:
    with transaction() as session:
        rows = session.exec(select(SessionRecord).order_by(col(SessionRecord.team_id), col(SessionRecord.number)))
        return [(r.team_id, r.number, r.version) for r in rows]


def history_rows() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(History).where(History.entity == "session_record")).one()


def test_a_session_that_lacks_an_input_is_refused_naming_it_and_records_nothing(cast: Cast) -> None:
    with transaction() as session, pytest.raises(ValidationFailed) as refused:
        require_ready(session, resolve_actor(session, cast.alder_manager), 2, cast.alder, cast.cohort)
    text = str(refused.value)
    assert "Session 2 (Identifying Barriers to Equity within C&P) cannot be run for Alder County yet" in text
    assert "baseline scored: the baseline self-assessment is not scored yet;" in text
    assert "accelerator assessment run" in text
    with transaction() as session, pytest.raises(ValidationFailed) as refused:
        require_ready(session, resolve_actor(session, cast.alder_manager), 4, cast.alder, cast.cohort)
    problems = [p.location for p in refused.value.problems]
    assert problems == ["barrier recorded", "goal linked to barrier"]  # every missing input, in order
    assert records() == []


def test_readiness_turns_ready_when_the_input_exists(cast: Cast) -> None:
    with transaction() as session:
        before = readiness(session, resolve_actor(session, cast.alder_exec), 3, cast.alder, cast.cohort)
    assert not before.ready and "no barrier is recorded" in before.needs["barrier_recorded"]
    add_barrier_to(cast, cast.alder)
    with transaction() as session:
        after = readiness(session, resolve_actor(session, cast.alder_exec), 3, cast.alder, cast.cohort)
    assert after.ready and after.needs == {"barrier_recorded": "1 barrier(s) recorded"}


def test_recording_a_session_twice_updates_it_and_never_duplicates(cast: Cast) -> None:
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        first = record_session(session, manager, 1, cast.alder, cast.cohort, notes="Kick-off")
    assert first.held_on == date(2026, 3, 1)  # the cohort's date for session 1
    assert sorted(first.attendees) == sorted([cast.alder_manager, cast.alder_officer, cast.alder_exec])
    assert "roster_check" in first.missing and "no finance" in first.missing["roster_check"]
    assert "team_commitment" in first.missing
    with transaction() as session:
        same = record_session(session, resolve_actor(session, cast.alder_manager), 1, cast.alder, cast.cohort)
    assert same.version == 1 and same.notes == "Kick-off"  # nothing changed, nothing written
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_person(session, admin, "fin@alder.example.org", "Fay Finance", "finance", cast.alder)
    with transaction() as session:
        again = record_session(
            session,
            resolve_actor(session, cast.alder_manager),
            1,
            cast.alder,
            cast.cohort,
            attendees=[cast.alder_manager.upper(), "fin@alder.example.org"],
        )
    assert again.version == 2
    assert "roster_check" in again.deliverables and "roster_check" not in again.missing
    assert again.attendees == sorted([cast.alder_manager, "fin@alder.example.org"])
    assert [(n, v) for _, n, v in records()] == [(1, 2)]
    assert history_rows() >= 2  # the recording, then each changed field


def test_attendees_must_be_on_the_team(cast: Cast) -> None:
    with transaction() as session, pytest.raises(ValidationFailed) as refused:
        record_session(
            session,
            resolve_actor(session, cast.alder_manager),
            1,
            cast.alder,
            cast.cohort,
            attendees=[cast.birch_manager],
        )
    assert f"attendees: {cast.birch_manager} is not a member of Alder County's team" in str(refused.value)
    assert records() == []


def test_only_the_teams_manager_or_an_alliance_lead_records_its_sessions(cast: Cast) -> None:
    for who in (cast.alder_officer, cast.birch_manager, cast.outsider):
        with transaction() as session, pytest.raises(PermissionDenied):
            record_session(session, resolve_actor(session, who), 1, cast.alder, cast.cohort)
    with transaction() as session:
        record_session(session, resolve_actor(session, cast.lead), 1, cast.alder, cast.cohort)
    assert len(records()) == 1


def test_an_unknown_session_number_is_named(cast: Cast) -> None:
    with transaction() as session, pytest.raises(NotFound, match="There is no session 10; the sessions are 1, 2"):
        require_ready(session, resolve_actor(session, cast.alder_manager), 10, cast.alder, cast.cohort)


def test_the_board_shows_each_team_done_ready_or_blocked_with_reasons(cast: Cast) -> None:
    with transaction() as session:
        record_session(session, resolve_actor(session, cast.alder_manager), 1, cast.alder, cast.cohort)
    add_barrier_to(cast, cast.birch)
    with transaction() as session:
        shown = board(session, resolve_actor(session, cast.lead), cast.cohort)
    document = shown.model_dump(mode="json")
    assert document["cohort"] == cast.cohort
    alder, birch = document["teams"]
    assert (alder["jurisdiction"], birch["jurisdiction"]) == (cast.alder, cast.birch)
    assert [s["number"] for s in alder["sessions"]] == list(range(1, 10))
    assert alder["sessions"][0]["state"] == "done"
    assert alder["sessions"][1]["state"] == "blocked"
    assert any("baseline self-assessment is not scored" in r for r in alder["sessions"][1]["reasons"])
    assert alder["sessions"][2]["state"] == "blocked"  # no barrier in Alder
    assert birch["sessions"][0]["state"] == "ready" and birch["sessions"][2]["state"] == "ready"
    assert birch["next_step"].startswith("run session 1")
    assert alder["next_step"].startswith("session 2 (Identifying Barriers to Equity within C&P) is blocked")


def test_a_program_manager_sees_only_their_team_and_an_outsider_none(cast: Cast) -> None:
    with transaction() as session:
        shown = board(session, resolve_actor(session, cast.birch_manager), cast.cohort)
    assert [t.jurisdiction for t in shown.teams] == [cast.birch]
    with transaction() as session, pytest.raises(PermissionDenied):
        board(session, resolve_actor(session, cast.outsider), cast.cohort)


def test_the_cli_board_and_a_refused_session_run(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run_cli(capsys, "--actor", cast.lead, "status", "--cohort", cast.cohort, "--json")
    assert shown.code == 0, shown.err
    assert [t["jurisdiction"] for t in shown.json()["teams"]] == [cast.alder, cast.birch]
    text = run_cli(capsys, "--actor", cast.lead, "status", "--cohort", cast.cohort)
    assert "Alder County: next, run session 1" in " ".join(text.out.split())
    refused = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "session",
        "run",
        "2",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
    )
    assert refused.code == 2 and "baseline scored: the baseline self-assessment is not scored yet" in refused.err
    assert "Traceback" not in refused.err and records() == []
