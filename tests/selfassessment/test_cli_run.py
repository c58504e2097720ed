"""What `assessment run` checks before any Prefect flow starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cast


def run_in_own_process(database_url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(ACCELERATOR_DATABASE_URL=database_url, PREFECT_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "accelerator.cli", *args], env=env, cwd=home, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("who", "files", "said"),
    [
        ("manager", ["filled/*.xlsx"], "filled/*.xlsx: matches no file."),
        ("manager", ["filled/alice.xlsx", "bob.xlsx"], "filled/alice.xlsx: cannot be found or read."),
        ("officer", ["alice.xlsx"], "may not submit Alder County's self-assessment"),
    ],
)
def test_a_refusal_it_can_find_alone_comes_before_prefect_starts(
    cast: Cast, database_url: str, tmp_path: Path, who: str, files: list[str], said: str
) -> None:
    actor = cast.alder_manager if who == "manager" else cast.alder_officer
    home = tmp_path / "prefect-home"
    home.mkdir()
    done = run_in_own_process(
        database_url,
        home,
        "--actor",
        actor,
        "assessment",
        "run",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "Baseline",
        *files,
    )
    assert done.returncode in (2, 3), done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert "Prefect" not in done.stderr  # no flow, no temporary server
    assert not any(home.iterdir())  # Prefect's home stayed empty


@pytest.mark.parametrize(
    ("who", "formats", "said"),
    [
        ("manager", "pdf,docx", "Unknown format(s) docx; choose from pdf, xlsx, html"),
        ("exec", "pdf", "may not build Alder County's action roadmap"),
    ],
)
def test_a_roadmap_build_refusal_comes_before_prefect_starts(
    cast: Cast, database_url: str, tmp_path: Path, who: str, formats: str, said: str
) -> None:
    actor = cast.alder_manager if who == "manager" else cast.alder_exec
    home = tmp_path / "prefect-home"
    home.mkdir()
    done = run_in_own_process(
        database_url,
        home,
        "--actor",
        actor,
        "roadmap",
        "build",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--format",
        formats,
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode in (2, 3), done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not any(home.iterdir()) and not (tmp_path / "out").exists()


def test_the_template_command_prints_json_too(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli import run_cli

    out = tmp_path / "alder-baseline.xlsx"
    done = run_cli(
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
        "Baseline",
        "--out",
        str(out),
        "--json",
    )
    assert done.code == 0, done.err
    written = done.json()
    assert (written["path"], written["cycle"], written["jurisdiction"]) == (str(out), "baseline", cast.alder)
    assert written["practices"] == 43 and out.is_file()
