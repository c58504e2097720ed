"""The team commitment (session 1): members sign once, others are refused saying how to fix it,
who signed and who has not, its history and its commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.fields import utcnow
from assessment.sessions.commitments import Commitments, Recorded, commitment_status, commitments, record_commitment
from assessment.sessions.models import TeamCommitment
from tests.cli import run_cli
from tests.conftest import Cast

SIGNED = date(2026, 3, 1)


def sign(cast: Cast, email: str, who: str | None = None, place: str | None = None, on: date = SIGNED) -> Recorded:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_manager)
        return record_commitment(session, actor, place or cast.alder, cast.cohort, email, on)


def listed(cast: Cast, who: str) -> Commitments:
    with transaction() as session:
        return commitments(session, resolve_actor(session, who), cast.alder, cast.cohort)


def test_a_member_signs_once_and_signing_again_changes_nothing(cast: Cast) -> None:
    first = sign(cast, cast.alder_officer)
    assert first.created
    assert first.message == (
        f"Recorded: Pat Officer <{cast.alder_officer}> signed the commitment of Alder County's team "
        f"({cast.cohort}) on 2026-03-01."
    )
    assert (first.signature.roles, first.signature.recorded_by) == (["procurement officer"], cast.alder_manager)

    again = sign(cast, cast.alder_officer.upper(), on=SIGNED + timedelta(days=3))
    assert not again.created
    assert again.signature.signed_on == SIGNED
    assert again.message == (
        f"Pat Officer <{cast.alder_officer}> already signed the commitment of Alder County's team on 2026-03-01 "
        f"(recorded by {cast.alder_manager}); nothing was changed."
    )
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(TeamCommitment)).one() == 1
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        entries = [e for e in history.entries(session, "team", team.id or 0) if e.field == "commitment"]
    assert [(e.actor, e.old, e.new, e.note) for e in entries] == [
        (cast.alder_manager, None, cast.alder_officer, "signed on 2026-03-01")
    ]


def test_who_signed_and_which_members_have_not(cast: Cast) -> None:
    sign(cast, cast.alder_officer)
    shown = listed(cast, cast.alder_exec)
    assert [(s.name, s.email, s.roles, s.signed_on) for s in shown.signed] == [
        ("Pat Officer", cast.alder_officer, ["procurement officer"], SIGNED)
    ]
    # the alliance lead's regional role does not make them a member of Alder County's team
    assert [(m.name, m.email, m.roles) for m in shown.unsigned] == [
        ("Erin Exec", cast.alder_exec, ["executive lead"]),
        ("Nguyễn Thị Hồng", cast.alder_manager, ["equity program manager"]),
    ]
    with transaction() as session:
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        assert commitment_status(session, team) == ([cast.alder_officer], [cast.alder_exec, cast.alder_manager])
        birch, _, _ = get_team(session, cast.birch, cast.cohort)
        assert commitment_status(session, birch) == ([], [cast.birch_manager, cast.birch_officer])


def test_someone_without_a_role_in_the_jurisdiction_is_refused_naming_them_and_the_fix(cast: Cast) -> None:
    for email, name in ((cast.outsider, "Sam Nobody"), (cast.birch_officer, "Señora Peña")):
        with pytest.raises(ValidationFailed) as refused:
            sign(cast, email)
        [problem] = refused.value.problems
        assert problem.location == "person"
        assert problem.message == f"{name} <{email}> holds no role in Alder County, so is not on its team."
        assert problem.fix == (
            f'Give them one first with `accelerator person add {email} --name "{name}" --role ROLE '
            '--jurisdiction "Alder County"`.'
        )
    with pytest.raises(ValidationFailed, match="person: nobody with the email ghost@example.org is registered"):
        sign(cast, "ghost@example.org")
    with pytest.raises(ValidationFailed) as future:
        sign(cast, cast.alder_officer, on=utcnow().date() + timedelta(days=2))
    assert [p.location for p in future.value.problems] == ["signed_on"]
    assert listed(cast, cast.alder_manager).signed == []


def test_only_the_program_manager_records_signatures_and_every_member_reads_them(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match="Only an equity program manager of Alder County or an admin may"):
        sign(cast, cast.alder_exec, who=cast.alder_officer)
    with pytest.raises(PermissionDenied):
        sign(cast, cast.alder_exec, who=cast.birch_manager)
    with pytest.raises(PermissionDenied, match=f"{cast.birch_officer} may not read the commitment of Alder County"):
        listed(cast, cast.birch_officer)
    assert sign(cast, cast.alder_manager, who=cast.admin).created
    assert [s.email for s in listed(cast, cast.lead).signed] == [cast.alder_manager]


def test_team_commit_and_commitments_commands(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--jurisdiction", cast.alder, "--cohort", cast.cohort]
    manager = ["--actor", cast.alder_manager]
    done = run_cli(capsys, *manager, "team", "commit", *where, "--person", cast.alder_exec, "--signed-on", "2026-03-02")
    assert done.code == 0, done.err
    assert f"Erin Exec <{cast.alder_exec}> signed the commitment of Alder County's team" in done.out

    again = run_cli(capsys, *manager, "team", "commit", *where, "--person", cast.alder_exec, "--json")
    assert again.code == 0, again.err
    assert (again.json()["created"], again.json()["signature"]["signed_on"]) == (False, "2026-03-02")

    outsider = run_cli(capsys, *manager, "team", "commit", *where, "--person", cast.outsider)
    assert outsider.code == 2
    assert "person: Sam Nobody <someone@example.org> holds no role in Alder County" in outsider.err
    assert "accelerator person add someone@example.org" in outsider.err

    bad_date = run_cli(capsys, *manager, "team", "commit", *where, "--person", cast.alder_exec, "--signed-on", "3/2")
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.err

    refused = run_cli(capsys, "--actor", cast.alder_officer, "team", "commit", *where, "--person", cast.alder_officer)
    assert refused.code == 3 and "equity program manager of Alder County" in refused.err

    table = run_cli(capsys, "--actor", cast.alder_officer, "team", "commitments", *where)
    assert table.code == 0, table.err
    assert "Erin Exec" in table.out and "2026-03-02" in table.out and "not yet" in table.out
    assert "1 of 3 members signed" in table.out

    document = run_cli(capsys, "--actor", cast.alder_officer, "team", "commitments", *where, "--json").json()
    assert document["jurisdiction"] == cast.alder and document["cohort"] == cast.cohort
    assert [s["email"] for s in document["signed"]] == [cast.alder_exec]
    assert [m["email"] for m in document["unsigned"]] == [cast.alder_manager, cast.alder_officer]
    assert document["signed"][0]["roles"] == ["executive lead"]
