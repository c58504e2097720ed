"""Building the action roadmap: priority order, numbered versions, the three files, and the diff."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.barriers import add_barrier, update_barrier
from assessment.db import transaction
from assessment.goals import add_goal, add_milestone, complete_milestone
from assessment.people import add_person
from assessment.permissions import resolve_actor
from assessment.shapes import BarrierCreate, BarrierUpdate, GoalCreate, MilestoneCreate
from tests.cli import run_cli
from tests.conftest import Cast

pytestmark = pytest.mark.usefixtures("prefect_harness")
SOON = date.today() + timedelta(days=90)
LATER = date.today() + timedelta(days=240)
KOREAN = "이은혜"


def plan(cast: Cast) -> dict[str, int]:
    """Two goals: the later one removes the worse barrier, so it ranks first."""
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_person(session, admin, "finance@alder.example.org", KOREAN, "finance", cast.alder)
        officer = resolve_actor(session, cast.alder_officer)
        mild = add_barrier(session, officer, cast.alder, BarrierCreate(
            title="Notarized forms", category="solicitation_complexity", stage="application", severity=2))
        severe = add_barrier(session, officer, cast.alder, BarrierCreate(
            title="<script>alert('x')</script> reimbursement-only", category="payment_cash_flow",
            stage="invoicing_payment", severity=5))
        add_barrier(session, officer, cast.alder, BarrierCreate(
            title="Insurance minimums", category="insurance_bonding", stage="contracting", severity=3))
        manager = resolve_actor(session, cast.alder_manager)
        easy, _ = add_goal(session, manager, cast.alder, cast.cohort, GoalCreate(
            statement="Accept electronic signatures", measure="Forms needing notary", baseline=6, target=0,
            due=SOON, owner=cast.alder_manager, barriers=[mild.id]))
        hard, _ = add_goal(session, manager, cast.alder, cast.cohort, GoalCreate(
            statement="Offer 25% advance payments to CBOs", measure="Share of CBO awards with an advance",
            baseline=0, target=80, unit="%", due=LATER, owner=cast.alder_manager, barriers=[severe.id]))
        step = add_milestone(session, manager, hard.id, MilestoneCreate(
            title="Finance drafts advance policy", due=SOON, owner="finance@alder.example.org"))
        return {"easy": easy.id, "hard": hard.id, "step": step.id, "severe": severe.id}  # type: ignore[dict-item]


def test_build_renders_three_formats_in_priority_order(cast: Cast, tmp_path: Path) -> None:
    from flows.roadmap_build import roadmap_build

    ids = plan(cast)
    built = roadmap_build(cast.alder, cast.cohort, "pdf,xlsx,html", str(tmp_path), actor=cast.alder_manager)
    assert built["version"] == 1 and built["goals"] == 2 and built["open_barriers"] == 3
    files = {Path(f).suffix: Path(f) for f in built["files"]}  # type: ignore[union-attr]
    assert set(files) == {".pdf", ".xlsx", ".html"}

    text = subprocess.run(["pdftotext", "-layout", str(files[".pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Alder County" in text and cast.cohort in text
    assert text.index("Offer 25% advance payments to CBOs") < text.index("Accept electronic signatures")
    assert "Nguyễn Thị Hồng" in text and KOREAN in text
    assert "<script>alert('x')</script>" in text  # shown as typed, not interpreted

    goals = load_workbook(files[".xlsx"])["Goals"]
    rows = [[c.value for c in row] for row in goals.iter_rows(min_row=2)]
    assert [r[2] for r in rows] == ["Offer 25% advance payments to CBOs", "Accept electronic signatures"]
    assert rows[0][1] == ids["hard"]

    page = files[".html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "<script" not in page


def test_each_build_is_a_version_and_diff_names_what_changed(cast: Cast, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    ids = plan(cast)
    first = run_cli(capsys, "--actor", cast.alder_manager, "roadmap", "build", "--jurisdiction", cast.alder,
                    "--cohort", cast.cohort, "--format", "html", "--out", str(tmp_path), "--json")
    assert first.code == 0, first.err
    assert first.json()["version"] == 1  # type: ignore[index]
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        complete_milestone(session, officer, ids["step"])
        update_barrier(session, officer, ids["severe"], BarrierUpdate(status="analyzing"), 1)
    second = run_cli(capsys, "--actor", cast.alder_officer, "roadmap", "build", "--jurisdiction", cast.alder,
                     "--cohort", cast.cohort, "--format", "xlsx", "--out", str(tmp_path), "--json")
    assert second.json()["version"] == 2  # type: ignore[index]

    listed = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "list", "--jurisdiction", cast.alder,
                     "--cohort", cast.cohort, "--json").json()
    assert [v["version"] for v in listed] == [1, 2]  # type: ignore[union-attr]
    changes = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", "--jurisdiction", cast.alder,
                      "--cohort", cast.cohort, "--json").json()["changes"]  # type: ignore[index]
    kinds = {(c["kind"], c.get("new")) for c in changes}  # type: ignore[union-attr]
    assert ("milestone_done", date.today().isoformat()) in kinds
    assert ("barrier_changed", "Analyzing") in kinds
    text = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", "--jurisdiction", cast.alder,
                   "--cohort", cast.cohort).out
    assert "Changes from v1 to v2" in text and "Finance drafts advance policy" in text


def test_who_may_build_and_bad_formats(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan(cast)
    out = tmp_path / "roadmaps"
    refused = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "build", "--jurisdiction", cast.alder,
                      "--cohort", cast.cohort, "--out", str(out))
    assert refused.code == 3 and "may not build Alder County's action roadmap" in refused.err
    wrong = run_cli(capsys, "--actor", cast.alder_manager, "roadmap", "build", "--jurisdiction", cast.alder,
                    "--cohort", cast.cohort, "--format", "pdf,docx", "--out", str(out))
    assert wrong.code == 2 and "docx" in wrong.err
    assert not out.exists()  # nothing rendered for a refused build
    empty = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "list", "--jurisdiction", cast.alder,
                    "--cohort", cast.cohort, "--json")
    assert json.loads(empty.out) == []
