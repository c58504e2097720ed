"""Setting the stage from the command line: init, cohort, jurisdiction, person, team."""

from __future__ import annotations

import json
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
from tests.conftest import Cast


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


def test_commands_before_init_name_the_database_and_leave_nothing_behind(tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    env = {**os.environ, "ACCELERATOR_DATABASE_URL": f"sqlite:///{missing}", "ACCELERATOR_ACTOR": "a@example.org"}
    result = subprocess.run(
        [sys.executable, "-m", "accelerator.cli", "jurisdiction", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 4
    assert str(missing) in result.stderr and "accelerator init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not missing.exists()  # no empty database left behind


def test_the_actor_comes_from_the_option_then_the_environment_then_the_saved_identity(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.core.settings import get_settings

    first = run_cli(capsys, "init", "--admin", "boss@example.org")
    assert "You act as boss@example.org from now on" in first.out  # init saves the first administrator
    run_cli(capsys, "person", "add", "lee@alliance.example.org", "--name", "Lee", "--role", "alliance_lead")
    run_cli(capsys, "jurisdiction", "add", "By Saved County")
    monkeypatch.setenv("ACCELERATOR_ACTOR", "lee@alliance.example.org")
    get_settings.cache_clear()
    run_cli(capsys, "jurisdiction", "add", "By Env County")
    run_cli(capsys, "--actor", "boss@example.org", "jurisdiction", "add", "By Option County")
    with transaction() as session:
        creators = {h.new: h.actor for h in session.exec(select(History).where(History.entity == "jurisdiction"))}
    assert creators == {
        "By Saved County": "boss@example.org",
        "By Env County": "lee@alliance.example.org",
        "By Option County": "boss@example.org",
    }
    get_settings.cache_clear()


def test_nobody_acts_without_saying_who_they_are(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.core.settings import get_settings

    run_cli(capsys, "--actor", "boss@example.org", "init", "--admin", "boss@example.org")  # said: nothing saved
    refused = run_cli(capsys, "jurisdiction", "add", "Nobody County")
    assert refused.code == 2
    assert "Nobody said who is acting" in refused.err and "accelerator whoami --set EMAIL" in refused.err
    empty = run_cli(capsys, "--actor", "", "jurisdiction", "add", "Nobody County")
    assert empty.code == 2 and "--actor is empty" in empty.err
    with transaction() as session:
        assert session.exec(select(History).where(History.entity == "jurisdiction")).first() is None

    unknown = run_cli(capsys, "whoami", "--set", "stranger@example.org")
    assert unknown.code == 4 and "Nobody with the email stranger@example.org is registered" in unknown.err
    saved = run_cli(capsys, "whoami", "--set", "Boss@Example.org")
    assert saved.code == 0 and "You act as Administrator <boss@example.org>" in saved.out
    assert "admin (regional)" in saved.out and "saved with accelerator whoami --set" in saved.out
    assert run_cli(capsys, "jurisdiction", "add", "Saved County").code == 0
    monkeypatch.setenv("ACCELERATOR_ACTOR", "someone@example.org")
    get_settings.cache_clear()
    shown = run_cli(capsys, "whoami", "--json").json()
    assert (shown["email"], shown["said_by"], shown["name"]) == ("someone@example.org", "ACCELERATOR_ACTOR", None)
    monkeypatch.delenv("ACCELERATOR_ACTOR")
    get_settings.cache_clear()
    assert run_cli(capsys, "whoami", "--clear").out.startswith("Forgot the saved identity.")
    assert run_cli(capsys, "jurisdiction", "add", "Forgotten County").code == 2


def test_errors_with_json_are_json_and_user_text_is_never_markup(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "init", "--admin", "boss@example.org")
    missing = run_cli(capsys, "barrier", "list", "--jurisdiction", "[/b]Nowhere[/x]", "--json")
    assert missing.code == 4 and missing.out == ""
    error = json.loads(missing.err)
    assert error["exit_code"] == 4 and "No jurisdiction named '[/b]Nowhere[/x]'" in error["error"]
    assert error["problems"] == []
    refused = run_cli(capsys, "person", "add", "x@example.org", "--name", "X", "--role", "[/b]mayor", "--json")
    problems = json.loads(refused.err)["problems"]
    assert refused.code == 2 and problems[0].startswith("role: '[/b]mayor' is not a role")
    plain = run_cli(capsys, "barrier", "list", "--jurisdiction", "[/b]Nowhere[/x]")
    assert plain.code == 4 and "No jurisdiction named '[/b]Nowhere[/x]'" in plain.err


def test_a_person_registered_under_another_name_is_not_renamed_silently(
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
        "Pat Officer",
        "--role",
        "procurement officer",
        "--jurisdiction",
        "Alder County",
    )
    other = run_cli(
        capsys,
        "person",
        "add",
        "pat@alder.example.org",
        "--name",
        "Patricia O.",
        "--role",
        "finance",
        "--jurisdiction",
        "Alder County",
    )
    assert other.code == 5 and "registered as Pat Officer, not Patricia O." in other.err
    assert '--name "Pat Officer"' in other.err


def test_help_answers_to_h_and_names_values_as_people_do(capsys: pytest.CaptureFixture[str]) -> None:
    short = run_cli(capsys, "barrier", "update", "-h")
    assert short.code == 0 and "--expected-version" in short.out
    assert "<str>" not in short.out and "<int>" not in short.out and "<bool>" not in short.out
    assert "EXPECTED_VERSION" in short.out


def test_an_unexpected_failure_is_one_sentence_and_its_details_are_logged(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.cohorts import jurisdictions
    from assessment.core.settings import get_settings

    run_cli(capsys, "init", "--admin", "boss@example.org")

    def broken(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jurisdictions, "list_jurisdictions", broken)
    failed = run_cli(capsys, "jurisdiction", "list")
    log = get_settings().log_file
    assert failed.code == 1 and "Traceback" not in failed.err
    assert "Something unexpected went wrong (RuntimeError: disk on fire)" in failed.err and str(log) in failed.err
    assert "disk on fire" in log.read_text(encoding="utf-8") and "Traceback" in log.read_text(encoding="utf-8")
    monkeypatch.setenv("ACCELERATOR_DEBUG", "1")
    get_settings.cache_clear()
    assert "Traceback" in run_cli(capsys, "jurisdiction", "list").err
    get_settings.cache_clear()


def test_anyone_with_a_role_lists_cohorts_and_jurisdictions_and_nobody_else(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["cohort", "list", "--json"], ["jurisdiction", "list", "--json"]):
        officer = run_cli(capsys, "--actor", cast.alder_officer, *command)
        assert officer.code == 0, officer.err
        assert len(officer.json()) >= 1
        outsider = run_cli(capsys, "--actor", cast.outsider, *command)
        assert outsider.code == 3 and "may not list" in outsider.err


def test_a_refusal_with_thousands_of_problems_shows_the_first_ones_and_counts_the_rest(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.cohorts import jurisdictions
    from assessment.core.errors import Problem, ValidationFailed

    run_cli(capsys, "init", "--admin", "boss@example.org")

    def refused(*_: object) -> None:
        raise ValidationFailed("Refused:", [Problem(f"row {n}", "is wrong") for n in range(1, 3001)])

    monkeypatch.setattr(jurisdictions, "list_jurisdictions", refused)
    shown = run_cli(capsys, "jurisdiction", "list")
    listed = [line for line in shown.err.splitlines() if line.startswith("  - ")]
    assert shown.code == 2 and len(listed) == 50 and listed[-1] == "  - row 50: is wrong"
    assert "... and 2950 more problem(s)" in shown.err
    assert len(json.loads(run_cli(capsys, "jurisdiction", "list", "--json").err)["problems"]) == 3000
