"""Setting the stage from the command line: init, cohort, jurisdiction, person, team."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from assessment.cohorts.models import CohortSession
from assessment.core.db import transaction
from assessment.core.history import History
from tests.cli import run_cli


def test_init_creates_the_schema_and_the_administrator(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "init", "--admin", "Boss@Example.org", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["admin"] == "boss@example.org" and data["admin_created"] is True
    again = run_cli(capsys, "init", "--admin", "boss@example.org", "--json")
    assert again.json()["admin_created"] is False


def test_stage_is_set_with_the_documented_commands(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    steps = [
        ("init", "--admin", "boss@example.org"),
        ("cohort", "create", "2026 SoCal", "--region", "Southern California", "--start", "2026-03-02"),
        ("jurisdiction", "add", "Alder County", "--kind", "county"),
        (
            "person",
            "add",
            "hong@alder.example.org",
            "--name",
            "Nguyễn Thị Hồng",
            "--role",
            "equity_program_manager",
            "--jurisdiction",
            "Alder County",
        ),
        ("team", "enroll", "--jurisdiction", "Alder County", "--cohort", "2026 SoCal"),
    ]
    for step in steps:
        result = run_cli(capsys, *step)
        assert result.code == 0, (step, result.err)
    with transaction() as session:
        sessions = list(session.exec(select(CohortSession).order_by(col(CohortSession.number))))
        actors = {h.actor for h in session.exec(select(History))}
    assert len(sessions) == 9
    assert [sessions[0].scheduled_on, sessions[8].scheduled_on] == [date(2026, 3, 2), date(2026, 12, 2)]
    assert actors == {"boss@example.org"}  # every write records who made it


def test_refusals_exit_non_zero_with_the_reason_on_stderr(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "init", "--admin", "boss@example.org")
    run_cli(capsys, "jurisdiction", "add", "Alder County")
    run_cli(
        capsys,
        "person",
        "add",
        "pat@alder.example.org",
        "--name",
        "Pat",
        "--role",
        "procurement_officer",
        "--jurisdiction",
        "Alder County",
    )
    refused = run_cli(capsys, "--actor", "pat@alder.example.org", "jurisdiction", "add", "Birch City")
    assert refused.code == 3
    assert "may not add jurisdictions" in refused.err and "alliance lead" in refused.err
    duplicate = run_cli(capsys, "jurisdiction", "add", "alder county")
    assert duplicate.code == 5 and "already exists" in duplicate.err
    unknown = run_cli(capsys, "--actor", "nobody@example.org", "jurisdiction", "list")
    assert unknown.code == 4 and "Nobody with the email nobody@example.org" in unknown.err
    bad_email = run_cli(capsys, "person", "add", "not-an-email", "--name", "X")
    assert bad_email.code == 2 and "not an email address" in bad_email.err
    bad_date = run_cli(capsys, "cohort", "create", "C", "--start", "March 2026")
    assert bad_date.code != 0 and "YYYY-MM-DD" in bad_date.err
    wrong_role = run_cli(capsys, "person", "add", "x@example.org", "--name", "X", "--role", "mayor")
    assert wrong_role.code == 2 and "equity_program_manager" in wrong_role.err


def test_commands_before_init_say_to_run_init(tmp_path: Path) -> None:
    env = {**os.environ, "ACCELERATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = subprocess.run(
        [sys.executable, "-m", "accelerator.cli", "jurisdiction", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode != 0
    assert "accelerator init" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_actor_comes_from_the_option_then_the_environment_then_the_admin(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.core.settings import get_settings

    run_cli(capsys, "init", "--admin", "boss@example.org")
    run_cli(capsys, "person", "add", "lee@alliance.example.org", "--name", "Lee", "--role", "alliance_lead")
    run_cli(capsys, "jurisdiction", "add", "By Admin County")
    monkeypatch.setenv("ACCELERATOR_ACTOR", "lee@alliance.example.org")
    get_settings.cache_clear()
    run_cli(capsys, "jurisdiction", "add", "By Env County")
    run_cli(capsys, "--actor", "boss@example.org", "jurisdiction", "add", "By Option County")
    with transaction() as session:
        creators = {h.new: h.actor for h in session.exec(select(History).where(History.entity == "jurisdiction"))}
    assert creators == {
        "By Admin County": "boss@example.org",
        "By Env County": "lee@alliance.example.org",
        "By Option County": "boss@example.org",
    }
    get_settings.cache_clear()
