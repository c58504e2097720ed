"""The session flows: each checks what it needs, does its work, records the session and publishes
what is done and missing; a re-run duplicates nothing; a run launched from the Prefect UI acts as
the person who serves it, whatever the form says."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, func, select

from assessment.core.db import transaction
from assessment.core.errors import ValidationFailed
from assessment.core.settings import get_settings
from assessment.roadmap.models import RoadmapVersion
from assessment.sessions.models import SessionRecord
from tests.conftest import Cast
from tests.flows.test_roadmap_build import plan

pytestmark = pytest.mark.usefixtures("prefect_harness")


def recorded() -> list[tuple[int, int]]:
    with transaction() as session:
        rows = session.exec(select(SessionRecord).order_by(col(SessionRecord.number)))
        return [(r.number, r.version) for r in rows]


def roadmap_versions() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(RoadmapVersion)).one()


def test_session_1_issues_the_baseline_workbook_and_records_the_session_once(cast: Cast, tmp_path: Path) -> None:
    from flows.sessions import session_1

    out = tmp_path / "session-1"
    first = session_1(cast.alder, cast.cohort, notes="Kick-off", out=str(out), actor=cast.alder_manager)
    workbook = out / "alder-county-baseline-self-assessment.xlsx"
    assert workbook.is_file() and "Ratings" in load_workbook(workbook, read_only=True).sheetnames
    assert str(workbook) in first.deliverables["baseline_workbook_issued"]
    assert "no finance" in first.missing["roster_check"]
    again = session_1(cast.alder, cast.cohort, out=str(out), actor=cast.alder_manager)
    assert again.version == 1 and again.notes == "Kick-off"
    assert recorded() == [(1, 1)]


def test_a_session_that_is_not_ready_is_refused_and_records_nothing(cast: Cast, tmp_path: Path) -> None:
    from flows.sessions import session_4

    with pytest.raises(ValidationFailed) as refused:
        session_4(cast.alder, cast.cohort, out=str(tmp_path / "s4"), actor=cast.alder_manager)
    assert "barrier recorded: no barrier is recorded;" in str(refused.value)
    assert recorded() == [] and not (tmp_path / "s4").exists()


def test_session_4_builds_the_roadmap_once(cast: Cast, tmp_path: Path) -> None:
    from flows.sessions import session_4

    plan(cast)
    first = session_4(cast.alder, cast.cohort, out=str(tmp_path / "s4"), actor=cast.alder_manager)
    assert first.deliverables["action_roadmap"].startswith("action roadmap v1 built 20")
    assert (tmp_path / "s4" / "alder-county-roadmap-v1.pdf").is_file()
    second = session_4(cast.alder, cast.cohort, out=str(tmp_path / "s4"), actor=cast.alder_manager)
    assert second.deliverables["action_roadmap"].startswith("action roadmap v1 built ")
    assert roadmap_versions() == 1 and recorded() == [(4, 1)]


@pytest.fixture
def launched_from_the_ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs as if launched from a deployment served by Alder's program manager."""
    # what a run from a deployment finds in its context (tests/flows/test_acting.py checks the reading)
    monkeypatch.setattr("flows.acting.launched_from_ui", lambda: True)
    monkeypatch.setattr("flows.roadmap_build.launched_from_ui", lambda: True)
    monkeypatch.setenv("ACCELERATOR_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.setenv("ACCELERATOR_ACTOR", Cast().alder_manager)
    get_settings.cache_clear()
    return tmp_path / "output"


def test_a_run_from_the_ui_acts_as_the_person_who_serves_it(cast: Cast, launched_from_the_ui: Path) -> None:
    from flows.sessions import session_1

    done = session_1(cast.alder, cast.cohort, out="alder")
    assert done.updated_by == cast.alder_manager
    assert (launched_from_the_ui / "alder" / "alder-county-baseline-self-assessment.xlsx").is_file()


def test_a_form_cannot_raise_privileges_by_naming_someone_else(cast: Cast, launched_from_the_ui: Path) -> None:
    from flows.sessions import session_1

    with pytest.raises(ValidationFailed) as refused:
        session_1(cast.birch, cast.cohort, out="birch", actor=cast.lead)  # the alliance lead could run it
    assert (
        f"actor: runs launched from the Prefect UI act as {cast.alder_manager}, who serves them, not as {cast.lead}"
        in str(refused.value)
    )
    assert recorded() == []


def test_a_server_started_without_an_identity_runs_nothing(
    cast: Cast, launched_from_the_ui: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.sessions import session_1

    monkeypatch.delenv("ACCELERATOR_ACTOR")
    get_settings.cache_clear()
    with pytest.raises(ValidationFailed, match="this server was started without one"):
        session_1(cast.alder, cast.cohort, actor=cast.alder_manager)
    assert recorded() == []
