"""`accelerator report jurisdiction|regional` refuse before Prefect starts: who may not compile,
and formats that don't exist, are said in a second with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def no_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal comes before any flow runs: running one fails the test."""
    import accelerator.flowrun

    def refuse(*_: object) -> None:
        raise AssertionError("a flow ran before the refusal")

    monkeypatch.setattr(accelerator.flowrun, "run_flow_steps", refuse)


def test_a_manager_of_another_jurisdiction_is_refused_without_starting_prefect(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    said = run_cli(
        capsys, "--actor", cast.birch_manager, "report", "jurisdiction", "--jurisdiction", cast.alder,
        "--cohort", cast.cohort, "--out", str(out),
    )  # fmt: skip
    assert said.code == 3
    assert f"{cast.birch_manager} may not compile the impact report of {cast.alder}" in said.err
    assert not out.exists()


def test_only_an_alliance_lead_compiles_the_regional_report(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = run_cli(
        capsys, "--actor", cast.alder_manager, "report", "regional", "--cohort", cast.cohort,
        "--out", str(tmp_path / "r"),
    )  # fmt: skip
    assert said.code == 3
    assert "may not compile the regional report" in said.err and "an alliance lead" in said.err


def test_an_unknown_format_is_refused_naming_the_choices(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    said = run_cli(capsys, "--actor", cast.lead, "report", "regional", "--cohort", cast.cohort, "--format", "pdf,docx")
    assert said.code == 2
    assert "docx" in said.err and "pdf, xlsx, html" in said.err
