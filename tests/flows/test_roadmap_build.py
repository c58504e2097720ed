"""Building the action roadmap: priority order, numbered versions, the three files, and the diff."""

from __future__ import annotations

import errno
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from assessment.barriers.service import add_barrier, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.people import add_person, resolve_actor
from assessment.community.engagement import set_engagement
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core.db import transaction
from assessment.core.errors import Fault, ValidationFailed
from assessment.goals.milestones import add_milestone, complete_milestone, record_measure
from assessment.goals.service import add_goal
from assessment.goals.shapes import GoalCreate, MilestoneCreate
from assessment.roadmap.models import RoadmapVersion
from assessment.roadmap.view import RoadmapView
from roadmaps import registry
from roadmaps.registry import Renderer, renderers
from tests.cli import Outcome, run_cli
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
        notary = BarrierCreate(
            title="Notarized forms", category="solicitation_complexity", stage="application", severity=2
        )
        reimbursement = BarrierCreate(
            title="<script>alert('x')</script> reimbursement-only",
            category="payment_cash_flow",
            stage="invoicing_payment",
            severity=5,
        )
        insurance = BarrierCreate(
            title="Insurance minimums", category="insurance_bonding", stage="contracting", severity=3
        )
        mild, severe, _ = (add_barrier(session, officer, cast.alder, b) for b in (notary, reimbursement, insurance))
        manager = resolve_actor(session, cast.alder_manager)
        signatures = GoalCreate(
            statement="Accept electronic signatures",
            measure="Forms needing notary",
            baseline=6,
            target=0,
            due=SOON,
            owner=cast.alder_manager,
            barriers=[mild.id],
        )
        advances = GoalCreate(
            statement="Offer 25% advance payments to CBOs",
            measure="Share of CBO awards with an advance",
            baseline=0,
            target=80,
            unit="%",
            due=LATER,
            owner=cast.alder_manager,
            barriers=[severe.id],
        )
        easy, _ = add_goal(session, manager, cast.alder, cast.cohort, signatures)
        hard, _ = add_goal(session, manager, cast.alder, cast.cohort, advances)
        policy = MilestoneCreate(title="Finance drafts advance policy", due=SOON, owner="finance@alder.example.org")
        step = add_milestone(session, manager, hard.id, policy)
        return {"easy": easy.id, "hard": hard.id, "step": step.id, "severe": severe.id}


def roadmap(capsys: pytest.CaptureFixture[str], cast: Cast, who: str, command: str, *options: str) -> Outcome:
    """``accelerator --actor WHO roadmap COMMAND`` for Alder County in the test cohort."""
    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort)
    return run_cli(capsys, "--actor", who, "roadmap", command, *where, *options)


def document(outcome: Outcome) -> Any:
    return outcome.json()


def test_build_renders_three_formats_in_priority_order(cast: Cast, tmp_path: Path) -> None:
    from flows.roadmap_build import roadmap_build

    ids = plan(cast)
    built = roadmap_build(cast.alder, cast.cohort, "pdf,xlsx,html", str(tmp_path), actor=cast.alder_manager)
    assert built["version"] == 1 and built["goals"] == 2 and built["open_barriers"] == 3
    paths = built["files"]
    assert isinstance(paths, list)
    files = {Path(f).suffix: Path(f) for f in paths}
    assert set(files) == {".pdf", ".xlsx", ".html"}

    pdftotext = ["pdftotext", "-layout", str(files[".pdf"]), "-"]
    text = subprocess.run(pdftotext, capture_output=True, text=True, check=True).stdout
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


def test_build_says_who_built_it_and_where_the_team_stands(cast: Cast, tmp_path: Path) -> None:
    from flows.roadmap_build import roadmap_build

    plan(cast)
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        heard = InputCreate(
            source="listening_session", held_on=date.today() - timedelta(days=20), participants=14, themes=["cash flow"]
        )
        add_input(session, manager, cast.alder, heard)
        set_engagement(session, manager, cast.alder, cast.cohort, 1, 3)
    built = roadmap_build(cast.alder, cast.cohort, "pdf,html", str(tmp_path), actor=cast.alder_manager)
    paths = built["files"]
    assert isinstance(paths, list)
    files = {Path(f).suffix: Path(f) for f in paths}

    pdf = files[".pdf"]
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    info = PdfReader(pdf).metadata
    assert info is not None and info.author == "Nguyễn Thị Hồng"  # the builder by name, not their email
    assert "Where the team stands" in text
    assert "No self-assessment has been scored for this team yet." in text
    assert "Now at 1 Inform; aiming for 3 Involve (2 steps up)" in text
    assert "1 input recorded (Listening session: 1), with 14 participants." in text

    page = " ".join(files[".html"].read_text(encoding="utf-8").split())
    assert "Nguyễn Thị Hồng" in page and "Where the team stands" in page
    assert "<strong>1 Inform</strong>" in page and "cash flow" in page


def test_each_build_is_a_version_and_diff_names_what_changed(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = plan(cast)
    out = ("--out", str(tmp_path), "--json")
    first = roadmap(capsys, cast, cast.alder_manager, "build", "--format", "html", *out)
    assert first.code == 0, first.err
    assert document(first)["version"] == 1
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        complete_milestone(session, officer, ids["step"])
        update_barrier(session, officer, ids["severe"], BarrierUpdate(status="analyzing"), 1)
        record_measure(session, officer, ids["hard"], 10)
    second = roadmap(capsys, cast, cast.alder_officer, "build", "--format", "xlsx", *out)
    assert document(second)["version"] == 2

    listed = document(roadmap(capsys, cast, cast.alder_exec, "list", "--json"))
    assert [v["version"] for v in listed] == [1, 2]
    changes = document(roadmap(capsys, cast, cast.alder_exec, "diff", "--json"))["changes"]
    kinds = {(c["kind"], c.get("new")) for c in changes}
    assert ("milestone_done", date.today().isoformat()) in kinds
    assert ("barrier_changed", "Analyzing") in kinds
    text = roadmap(capsys, cast, cast.alder_exec, "diff").out
    assert "Changes from v1 to v2" in text and "Finance drafts advance policy" in text
    assert "latest value: – → 10" in text  # people read labels and numbers as they wrote them
    assert "latest_value" not in text and "status_label" not in text and "10.0000" not in text


def test_who_may_build_and_bad_formats(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan(cast)
    out = tmp_path / "roadmaps"
    refused = roadmap(capsys, cast, cast.alder_exec, "build", "--out", str(out))
    assert refused.code == 3 and "may not build Alder County's action roadmap" in refused.err
    wrong = roadmap(capsys, cast, cast.alder_manager, "build", "--format", "pdf,docx", "--out", str(out))
    assert wrong.code == 2 and "docx" in wrong.err
    assert "choose from pdf, xlsx, html" in wrong.err
    assert not out.exists()  # nothing rendered for a refused build
    empty = roadmap(capsys, cast, cast.alder_exec, "list", "--json")
    assert json.loads(empty.out) == []
    typed = " HTML, .xlsx,html"  # any case, spaces or a dot; each format once
    tolerant = roadmap(capsys, cast, cast.alder_manager, "build", "--format", typed, "--out", str(out), "--json")
    assert tolerant.code == 0, tolerant.err
    assert [Path(f).suffix for f in document(tolerant)["files"]] == [".html", ".xlsx"]


# --- who acts, where files go, and a disk that fills up ------------------------------------------


def versions() -> list[int]:
    with transaction() as session:
        return list(session.exec(select(RoadmapVersion.number)))


@pytest.mark.parametrize("actor", [None, "", "   "])
def test_a_flow_run_that_names_nobody_is_refused_whoever_the_server_acts_as(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, actor: str | None
) -> None:
    from assessment.core.settings import get_settings
    from flows.roadmap_build import roadmap_build

    monkeypatch.setenv("ACCELERATOR_ACTOR", cast.admin)  # the server's own identity is never borrowed
    get_settings.cache_clear()
    out = tmp_path / "roadmaps"
    with pytest.raises(ValidationFailed) as refused:
        roadmap_build(cast.birch, cast.cohort, "html", str(out), actor=actor)
    assert "actor: the email of the person building the roadmap is required" in str(refused.value)
    assert versions() == [] and not out.exists()


def test_a_flow_called_without_an_actor_does_not_run(cast: Cast, tmp_path: Path) -> None:
    from flows.roadmap_build import roadmap_build

    with pytest.raises(ValidationFailed) as refused:
        roadmap_build(cast.alder, cast.cohort, "html", str(tmp_path / "roadmaps"))
    assert "actor: the email of the person building the roadmap is required" in str(refused.value)
    assert versions() == [] and not (tmp_path / "roadmaps").exists()


def test_the_cli_builds_as_the_person_it_resolved(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.core.settings import get_settings

    plan(cast)
    monkeypatch.setenv("ACCELERATOR_ACTOR", cast.alder_officer)  # no --actor: said by the environment
    get_settings.cache_clear()
    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort)
    built = run_cli(capsys, "roadmap", "build", *where, "--format", "html", "--out", str(tmp_path), "--json")
    assert built.code == 0, built.err
    with transaction() as session:
        assert list(session.exec(select(RoadmapVersion.built_by))) == [cast.alder_officer]


def test_a_full_disk_keeps_no_version_and_leaves_no_file(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.roadmap_build import roadmap_build

    def half_written(view: RoadmapView, out: Path) -> Path:
        out.write_bytes(b"%PDF-1.4 the first half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(registry.FORMATS, "registered", {**renderers(), "pdf": Renderer("pdf", ".pdf", half_written)})
    plan(cast)
    out = tmp_path / "roadmaps"
    with pytest.raises(Fault, match=f"^The disk is full, so {re.escape(str(out))} was not written"):
        roadmap_build(cast.alder, cast.cohort, "html,xlsx,pdf", str(out), actor=cast.alder_manager)
    assert versions() == []
    assert list(out.iterdir()) == []  # neither the HTML and XLSX written before, nor half a PDF


@pytest.fixture
def from_a_deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs as if launched from a deployment, the application's output folder in ``tmp_path``."""
    from assessment.core.settings import get_settings

    folder = tmp_path / "output"
    monkeypatch.setenv("ACCELERATOR_OUTPUT_DIR", str(folder))
    # what a run from a deployment finds in its context (tests/flows/test_acting.py checks the reading)
    monkeypatch.setattr("flows.acting.launched_from_ui", lambda: True)
    monkeypatch.setattr("flows.roadmap_build.launched_from_ui", lambda: True)
    monkeypatch.setenv("ACCELERATOR_ACTOR", Cast().alder_manager)  # who serves the deployments
    get_settings.cache_clear()
    return folder


def test_a_deployment_run_writes_inside_the_output_folder(cast: Cast, from_a_deployment: Path) -> None:
    from flows.roadmap_build import roadmap_build

    plan(cast)
    built = roadmap_build(cast.alder, cast.cohort, "html", "alder/roadmaps", actor=cast.alder_manager)
    assert built["files"] == [str(from_a_deployment.resolve() / "alder/roadmaps/alder-county-roadmap-v1.html")]


def test_the_output_folder_setting_defaults_to_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment.core.settings import get_settings

    monkeypatch.setenv("ACCELERATOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCELERATOR_OUTPUT_DIR", raising=False)
    get_settings.cache_clear()
    assert get_settings().output_dir == tmp_path / "output"


@pytest.mark.parametrize("out", ["/etc", "../elsewhere", "roadmaps/../../elsewhere", "escape/roadmaps"])
def test_a_deployment_run_may_not_write_outside_the_output_folder(
    cast: Cast, from_a_deployment: Path, tmp_path: Path, out: str
) -> None:
    from flows.roadmap_build import output_folder, roadmap_build

    from_a_deployment.mkdir()
    (from_a_deployment / "escape").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ValidationFailed) as refused:
        output_folder(out)
    assert f"out: a run launched from the Prefect UI writes only inside {from_a_deployment.resolve()}" in str(
        refused.value
    )
    with pytest.raises(ValidationFailed):
        roadmap_build(cast.alder, cast.cohort, "html", out, actor=cast.alder_manager)
    assert versions() == [] and not (tmp_path / "elsewhere").exists()


def test_a_direct_run_writes_where_it_is_told(tmp_path: Path) -> None:
    from flows.roadmap_build import output_folder

    assert output_folder(str(tmp_path / "anywhere")) == tmp_path / "anywhere"
    assert output_folder("../relative") == Path("../relative")
