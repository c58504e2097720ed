"""The assessment run end to end: workbooks in, a Prefect flow, scores stored, artifacts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.history import History
from assessment.selfassessment.models import Assessment, Rating, Submission
from assessment.selfassessment.rubric import load_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
from assessment.selfassessment.template import fill_workbook, write_template
from tests.cli import Outcome, run_cli
from tests.conftest import Cast

pytestmark = pytest.mark.usefixtures("prefect_harness")
RUBRIC = load_rubric()
IDS = [i.id for i in RUBRIC.indicators]


def filled(folder: Path, cast: Cast, jurisdiction: str, levels: list[int], cycle: str = "baseline") -> list[str]:
    """One workbook per respondent, respondent n answering ``levels[n]`` everywhere."""
    template = write_template(
        RUBRIC,
        folder / f"template-{cycle}.xlsx",
        WorkbookContext(jurisdiction=jurisdiction, cohort=cast.cohort, cycle=cycle),
    )
    files = []
    for n, level in enumerate(levels):
        out = folder / f"{cycle}-respondent-{n}.xlsx"
        fill_workbook(
            template,
            out,
            RespondentInfo(name=f"Respondent {n}", email=f"r{n}@x.org", role="finance"),
            {i: level for i in IDS},
        )
        files.append(str(out))
    return files


def read_artifacts(keys: list[str]) -> list[dict[str, object]]:
    """The latest artifact of each key, through Prefect's own client (as the UI's Artifacts page and
    `prefect artifact ls` list them). The latest: other tests on this server make the same keys."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey

    with get_client(sync_client=True) as client:
        latest = client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=keys))
        )
    return [a.model_dump(mode="json") for a in latest]


def json_of(outcome: Outcome) -> dict[str, Any]:
    data = outcome.json()
    assert isinstance(data, dict), outcome.out
    return data


def counts() -> tuple[int, int, int, int]:
    with transaction() as session:
        assessments, submissions, ratings, history = (
            session.exec(select(func.count()).select_from(m)).one() for m in (Assessment, Submission, Rating, History)
        )
        return assessments, submissions, ratings, history


def test_run_scores_stores_and_publishes_artifacts(cast: Cast, tmp_path: Path) -> None:
    from flows.assessment_run import assessment_run

    summary = assessment_run(
        cast.alder, cast.cohort, "baseline", filled(tmp_path, cast, cast.alder, [1, 2, 4]), actor=cast.alder_manager
    )
    assert summary.outcome == "created"
    assert summary.result.overall.stage == 2 and summary.result.overall.score == 33.3
    assert summary.result.disagreements == IDS  # 1 and 4 are three levels apart everywhere
    assert counts()[:3] == (1, 1, 3 * len(IDS))

    artifacts = read_artifacts(["alder-county-baseline-domains", "alder-county-baseline-summary"])
    by_type = {a["type"]: a for a in artifacts}
    assert "Leadership" in str(by_type["table"]["data"])
    assert "Maturity stage:** 2 Emerging" in str(by_type["markdown"]["data"])


def test_rerun_with_the_same_files_is_idempotent(cast: Cast, tmp_path: Path) -> None:
    from flows.assessment_run import assessment_run

    files = filled(tmp_path, cast, cast.alder, [3, 3])
    assessment_run(cast.alder, cast.cohort, "baseline", files, actor=cast.alder_manager)
    before = counts()
    again = assessment_run(cast.alder, cast.cohort, "baseline", files, actor=cast.alder_manager)
    assert again.outcome == "unchanged"
    assert counts() == before


def test_a_bad_workbook_stops_the_run_and_nothing_is_written(cast: Cast, tmp_path: Path) -> None:
    from flows.assessment_run import assessment_run

    files = filled(tmp_path, cast, cast.alder, [2, 3, 4])
    bad = tmp_path / "notes.xlsx"
    bad.write_text("this is not a workbook", encoding="utf-8")
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        assessment_run(cast.alder, cast.cohort, "baseline", [files[0], str(bad), files[2]], actor=cast.alder_manager)
    assert "notes.xlsx" in str(refused.value)
    assert counts() == before


def test_another_jurisdictions_officer_is_refused_before_reading(cast: Cast, tmp_path: Path) -> None:
    from flows.assessment_run import assessment_run

    files = filled(tmp_path, cast, cast.birch, [2])
    with pytest.raises(PermissionDenied, match="equity program manager of Birch City"):
        assessment_run(cast.birch, cast.cohort, "baseline", files, actor=cast.alder_officer)
    assert counts()[:3] == (0, 0, 0)


@pytest.mark.parametrize("actor", [None, "", "   "])
def test_a_run_that_names_nobody_is_refused_whoever_the_server_acts_as(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, actor: str | None
) -> None:
    from assessment.core.settings import get_settings
    from flows.assessment_run import assessment_run

    monkeypatch.setenv("ACCELERATOR_ACTOR", cast.admin)  # the server's own identity is never borrowed
    get_settings.cache_clear()
    files = filled(tmp_path, cast, cast.birch, [2])
    with pytest.raises(ValidationFailed) as refused:
        assessment_run(cast.birch, cast.cohort, "baseline", files, actor=actor)
    assert "actor: the email of the person launching the run is required" in str(refused.value)
    assert counts()[:3] == (0, 0, 0)


def test_the_cli_runs_as_the_person_it_resolved(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.core.settings import get_settings

    monkeypatch.setenv("ACCELERATOR_ACTOR", cast.alder_manager)  # no --actor: said by the environment
    get_settings.cache_clear()
    files = filled(tmp_path, cast, cast.alder, [2, 3])
    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort, "--cycle", "baseline")
    ran = run_cli(capsys, "assessment", "run", *where, *files, "--json")
    assert ran.code == 0, ran.err
    assert json_of(ran)["submitted_by"] == cast.alder_manager


@pytest.mark.parametrize("spelling", ["Baseline", "BASELINE", " baseline "])
def test_a_cycle_typed_in_any_case_runs_and_is_stored_by_its_name(cast: Cast, tmp_path: Path, spelling: str) -> None:
    from flows.assessment_run import assessment_run

    summary = assessment_run(
        cast.alder, cast.cohort, spelling, filled(tmp_path, cast, cast.alder, [2, 3]), actor=cast.alder_manager
    )
    assert summary.outcome == "created" and summary.cycle == "baseline"
    assert summary.result.overall.stage == 3
    with transaction() as session:
        assert session.exec(select(Assessment.cycle)).all() == ["baseline"]


def test_cli_run_with_a_capitalised_cycle_succeeds(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = filled(tmp_path, cast, cast.alder, [2, 3])
    ran = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "Baseline",
        *files,
        "--json",
    )
    assert ran.code == 0, ran.err
    assert json_of(ran)["cycle"] == "baseline"


def test_cli_run_with_an_unknown_cycle_is_refused_and_nothing_is_written(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = filled(tmp_path, cast, cast.alder, [2])
    refused = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "halfway",
        *files,
    )
    assert refused.code == 2
    assert "'halfway' is not a cycle; use one of: baseline, midpoint, final" in refused.err
    assert "Traceback" not in refused.err
    assert counts()[:3] == (0, 0, 0)


def test_cli_run_and_show_print_the_json_contract(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = filled(tmp_path, cast, cast.alder, [2, 3, 3])
    ran = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
        *files,
        "--json",
    )
    assert ran.code == 0, ran.err
    data = json_of(ran)
    assert set(data) >= {"overall", "domains", "indicators", "gaps", "change"}
    assert data["overall"] == {"mean": 3.0, "score": 66.7, "stage": 3, "stage_name": "Developing"}
    assert {"id", "mean", "score", "insufficient"} <= set(data["domains"][0])
    assert {"id", "rating", "disagreement"} <= set(data["indicators"][0])
    assert data["change"] is None and len(data["gaps"]) == 5

    final = filled(tmp_path, cast, cast.alder, [4, 4, 3], cycle="final")
    run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "final",
        *final,
    )
    shown = run_cli(
        capsys,
        "--actor",
        cast.alder_exec,
        "assessment",
        "show",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--json",
    )
    assert shown.code == 0, shown.err
    change = json_of(shown)["change"]
    assert change["since_cycle"] == "baseline" and change["overall"]["change"] == 33.3

    # show prints what the run printed, from the stored scores; only the outcome differs
    baseline = run_cli(
        capsys,
        "--actor",
        cast.alder_exec,
        "assessment",
        "show",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "Baseline",
        "--json",
    )
    assert baseline.code == 0, baseline.err
    assert {**json_of(baseline), "outcome": "created"} == data

    table = run_cli(
        capsys,
        "--actor",
        cast.alder_exec,
        "assessment",
        "show",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
    )
    assert "Maturity stage: 3 – Developing" in table.out
    assert "Leadership" in table.out


def test_cli_run_refusal_is_one_clear_message(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = filled(tmp_path, cast, cast.alder, [2])
    refused = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
        *files,
    )
    assert refused.code == 3
    assert "may not submit Alder County's self-assessment" in refused.err
    assert "Traceback" not in refused.err


def test_cli_template_writes_a_workbook_for_the_team(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "alder.xlsx"
    made = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "template",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
        "--out",
        str(out),
    )
    assert made.code == 0, made.err
    assert "43 practices in 10 domains" in made.out
    ids = [
        row[0]
        for row in load_workbook(out, read_only=True)["Ratings"].iter_rows(values_only=True)
        if row and row[0] is not None
    ]
    assert ids  # header and indicator rows are there
    refused = run_cli(
        capsys,
        "--actor",
        cast.birch_officer,
        "assessment",
        "template",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
        "--out",
        str(tmp_path / "x.xlsx"),
    )
    assert refused.code == 3 and not (tmp_path / "x.xlsx").exists()
